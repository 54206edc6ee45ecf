//! The read actions. Private datasets are seen only with a key of their unit's steward.
use super::{Call, invalid};
use crate::ckan;
use crate::index::SearchParams;
use crate::service::{OpenData, viewer_of};
use crate::usage::Use;
use crate::{Outcome, Refused, vocab};
use serde_json::{Value, json};
use std::collections::{BTreeSet, HashMap};

/// `None` when the action is unknown.
pub async fn run(od: &OpenData, name: &str, call: Call) -> Option<Outcome<Value>> {
    Some(match name {
        "site_read" => Ok(json!(true)),
        "status_show" => Ok(status(od)),
        "help_show" => Ok(json!(format!("Xem tài liệu API của CKAN cho hành động '{}'.", call.str("name")))),
        "package_list" => package_list(od, &call),
        "package_show" => package_show(od, &call).await,
        "package_search" => package_search(od, &call),
        "current_package_list_with_resources" => current(od, &call),
        "organization_list" => organization_list(od, &call),
        "organization_show" => organization_show(od, &call),
        "group_list" => group_list(od, &call),
        "group_show" => group_show(od, &call),
        "tag_list" => Ok(tag_list(od, &call)),
        "resource_show" => resource_show(od, &call).await,
        "license_list" => Ok(Value::Array(vocab::LICENCES.iter().map(ckan::licence).collect())),
        _ => return None,
    })
}

fn status(od: &OpenData) -> Value {
    json!({
        "site_title": "Cổng dữ liệu mở tỉnh Quảng Ngãi",
        "site_description": "Dữ liệu mở của các cơ quan nhà nước tỉnh Quảng Ngãi",
        "site_url": od.base(),
        "ckan_version": "2.10.4",
        "error_emails_to": null,
        "locale_default": "vi",
        "extensions": ["datastore", "dcat"],
    })
}

/// Public active datasets only, whoever asks (as CKAN's package_list).
fn public_docs(od: &OpenData) -> Vec<std::sync::Arc<Value>> {
    od.index().docs.iter().filter(|d| !d.private).map(|d| d.package.clone()).collect()
}

fn package_list(od: &OpenData, call: &Call) -> Outcome<Value> {
    let (limit, offset) = (call.int("limit", usize::MAX, usize::MAX)?, call.int("offset", 0, usize::MAX)?);
    let mut names: Vec<String> = od.index().docs.iter().filter(|d| !d.private).map(|d| d.name.clone()).collect();
    names.sort();
    Ok(json!(names.into_iter().skip(offset).take(limit).collect::<Vec<_>>()))
}

async fn package_show(od: &OpenData, call: &Call) -> Outcome<Value> {
    let id = call.required("id").or_else(|_| call.required("name_or_id"))?;
    let d = od.get(&id, &viewer_of(call.who.as_ref())).await?;
    od.count(d.id, Use::ApiCall);
    Ok(ckan::package(od.base(), &d, &od.orgs()))
}

fn facet_fields(call: &Call) -> Outcome<Vec<String>> {
    match call.input.get("facet.field") {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(a)) => Ok(a.iter().filter_map(Value::as_str).map(str::to_owned).collect()),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(Vec::new()),
        Some(Value::String(s)) => serde_json::from_str::<Vec<String>>(s).map_err(|_| invalid("facet.field", "Phải là danh sách JSON, ví dụ [\"organization\",\"tags\"].")),
        _ => Err(invalid("facet.field", "Phải là danh sách JSON.")),
    }
}

fn package_search(od: &OpenData, call: &Call) -> Outcome<Value> {
    let params = SearchParams {
        q: call.str("q"),
        fq: call.str("fq"),
        rows: call.int("rows", 10, 1000)?,
        start: call.int("start", 0, usize::MAX)?,
        sort: call.str("sort"),
        facet_fields: facet_fields(call)?,
        facet_limit: call.int("facet.limit", 50, 1000)?,
        include_private: call.flag("include_private"),
    };
    let index = od.index();
    let found = index.search(&params, &viewer_of(call.who.as_ref())).map_err(Refused::Query)?;
    let (facets, search_facets) = found.facet_json(&index);
    let results: Vec<&Value> = found.results.iter().map(|d| d.package.as_ref()).collect();
    Ok(json!({"count": found.count, "sort": found.sort, "facets": facets, "search_facets": search_facets, "results": results}))
}

fn current(od: &OpenData, call: &Call) -> Outcome<Value> {
    let (limit, offset) = (call.int("limit", usize::MAX, usize::MAX)?, call.int("offset", 0, usize::MAX)?);
    let index = od.index();
    let mut docs: Vec<_> = index.docs.iter().filter(|d| !d.private).collect();
    docs.sort_by_key(|d| std::cmp::Reverse(d.modified));
    Ok(json!(docs.into_iter().skip(offset).take(limit).map(|d| d.package.as_ref()).collect::<Vec<_>>()))
}

fn counts_by(od: &OpenData, key: impl Fn(&crate::index::Doc) -> String) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for d in od.index().docs.iter().filter(|d| !d.private) {
        *counts.entry(key(d)).or_default() += 1;
    }
    counts
}

fn organization_list(od: &OpenData, call: &Call) -> Outcome<Value> {
    let orgs = od.orgs();
    let counts = counts_by(od, |d| d.owner_code.clone());
    let mut list: Vec<&ckan::Org> = orgs.by_code.values().collect();
    list.sort_by(|a, b| a.code.cmp(&b.code));
    let (limit, offset) = (call.int("limit", 1000, 1000)?, call.int("offset", 0, usize::MAX)?);
    let list = list.into_iter().skip(offset).take(limit);
    Ok(if call.flag("all_fields") {
        json!(list.map(|o| ckan::organization(o, Some(counts.get(&o.code).copied().unwrap_or(0)))).collect::<Vec<_>>())
    } else {
        json!(list.map(ckan::Org::name).collect::<Vec<_>>())
    })
}

fn organization_show(od: &OpenData, call: &Call) -> Outcome<Value> {
    let id = call.required("id")?;
    let orgs = od.orgs();
    let org = orgs.find(&id).ok_or_else(|| Refused::NotFound(format!("Không tìm thấy tổ chức '{id}'.")))?;
    let index = od.index();
    let packages: Vec<&Value> = index.docs.iter().filter(|d| !d.private && d.owner_code == org.code).map(|d| d.package.as_ref()).collect();
    let mut v = ckan::organization(org, Some(packages.len()));
    if call.flag("include_datasets") {
        v["packages"] = json!(packages.into_iter().take(1000).collect::<Vec<_>>());
    }
    v["users"] = json!([]);
    Ok(v)
}

fn group_list(od: &OpenData, call: &Call) -> Outcome<Value> {
    let counts = counts_by(od, |d| d.package["theme"].as_str().unwrap_or_default().to_owned());
    Ok(if call.flag("all_fields") {
        json!(vocab::THEMES.iter().map(|(n, _)| ckan::group(n, Some(counts.get(*n).copied().unwrap_or(0)))).collect::<Vec<_>>())
    } else {
        json!(vocab::THEMES.iter().map(|(n, _)| *n).collect::<Vec<_>>())
    })
}

fn group_show(od: &OpenData, call: &Call) -> Outcome<Value> {
    let id = call.required("id")?;
    if vocab::theme_title(&id).is_none() {
        return Err(Refused::NotFound(format!("Không tìm thấy nhóm '{id}'.")));
    }
    let counts = counts_by(od, |d| d.package["theme"].as_str().unwrap_or_default().to_owned());
    Ok(ckan::group(&id, Some(counts.get(&id).copied().unwrap_or(0))))
}

fn tag_list(od: &OpenData, call: &Call) -> Value {
    let query = tinhso_core::text::fold(&call.str("query"));
    let mut tags = BTreeSet::new();
    for p in public_docs(od) {
        for t in p["tags"].as_array().into_iter().flatten().filter_map(|t| t["name"].as_str()) {
            if query.is_empty() || tinhso_core::text::fold(t).contains(&query) {
                tags.insert(t.to_owned());
            }
        }
    }
    json!(tags)
}

async fn resource_show(od: &OpenData, call: &Call) -> Outcome<Value> {
    let id = call.required("id")?;
    let rid = uuid::Uuid::parse_str(&id).map_err(|_| Refused::NotFound("Không tìm thấy tài nguyên.".into()))?;
    let d = crate::store::package_of_resource(od.db(), rid).await?.ok_or_else(|| Refused::NotFound("Không tìm thấy tài nguyên.".into()))?;
    let d = od.get(&d.id.to_string(), &viewer_of(call.who.as_ref())).await.map_err(|_| Refused::NotFound("Không tìm thấy tài nguyên.".into()))?;
    let r = d.active_resources().find(|r| r.id == rid).ok_or_else(|| Refused::NotFound("Không tìm thấy tài nguyên.".into()))?;
    od.count(d.id, Use::ApiCall);
    Ok(ckan::resource(od.base(), &d, r))
}
