//! `datastore_search`: filter, search, sort and page a tabular resource without downloading
//! it, in the shape of CKAN's DataStore answers.
use super::{Call, invalid};
use crate::service::{OpenData, viewer_of};
use crate::table::{Query, datastore_type};
use crate::usage::Use;
use crate::{Outcome, Refused};
use serde_json::{Map, Value, json};

pub const MAX_LIMIT: usize = 32_000;

/// `filters` as a JSON object (or its text): column → value or list of values.
fn filters_of(call: &Call) -> Outcome<Vec<(String, Vec<String>)>> {
    let obj: Map<String, Value> = match call.input.get("filters") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Object(m)) => m.clone(),
        Some(Value::String(s)) if s.trim().is_empty() => return Ok(Vec::new()),
        Some(Value::String(s)) => serde_json::from_str(s).map_err(|_| invalid("filters", "Phải là một đối tượng JSON {cột: giá trị}."))?,
        _ => return Err(invalid("filters", "Phải là một đối tượng JSON {cột: giá trị}.")),
    };
    let scalar = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    Ok(obj.into_iter().map(|(k, v)| (k, match v { Value::Array(a) => a.iter().map(scalar).collect(), other => vec![scalar(&other)] })).collect())
}

/// `sort` as "col, col2 desc" (CKAN's text form).
fn sort_of(call: &Call) -> Outcome<Vec<(String, bool)>> {
    call.str("sort")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|part| {
            let mut it = part.split_whitespace();
            let col = it.next().unwrap_or_default().trim_matches('"').to_owned();
            match it.next().map(str::to_ascii_lowercase).as_deref() {
                None | Some("asc") => Ok((col, false)),
                Some("desc") => Ok((col, true)),
                Some(_) => Err(invalid("sort", "Hướng sắp xếp phải là asc hoặc desc.")),
            }
        })
        .collect()
}

pub async fn search(od: &OpenData, call: Call) -> Outcome<Value> {
    let id = call.required("resource_id")?;
    let rid = uuid::Uuid::parse_str(&id).map_err(|_| Refused::NotFound(format!("Không tìm thấy tài nguyên '{id}'.")))?;
    let owner = crate::store::package_of_resource(od.db(), rid).await?.ok_or_else(|| Refused::NotFound(format!("Không tìm thấy tài nguyên '{id}'.")))?;
    let d = od.get(&owner.id.to_string(), &viewer_of(call.who.as_ref())).await.map_err(|_| Refused::NotFound(format!("Không tìm thấy tài nguyên '{id}'.")))?;
    let r = d.active_resources().find(|r| r.id == rid).ok_or_else(|| Refused::NotFound(format!("Không tìm thấy tài nguyên '{id}'.")))?;
    let table = od.table(r).await?;
    let q = Query { filters: filters_of(&call)?, q: call.str("q"), sort: sort_of(&call)?, limit: call.int("limit", 100, MAX_LIMIT)?, offset: call.int("offset", 0, usize::MAX)? };
    for col in q.filters.iter().map(|(c, _)| c).chain(q.sort.iter().map(|(c, _)| c)) {
        if col != "_id" && table.column(col).is_none() {
            return Err(invalid(col, "Không có cột này trong bảng (field not found)."));
        }
    }
    let (limit, offset) = (q.limit, q.offset);
    let t = table.clone();
    let query = q.clone();
    let page = tokio::task::spawn_blocking(move || t.query(&query)).await.map_err(tinhso_core::Error::other)?;
    od.count(d.id, Use::ApiCall);
    let mut fields = vec![json!({"id": "_id", "type": "int"})];
    fields.extend(table.columns.iter().map(|c| json!({"id": c.name, "type": datastore_type(&c.kind)})));
    let base = format!("/api/3/action/datastore_search?resource_id={id}");
    Ok(json!({
        "resource_id": id,
        "fields": fields,
        "records": page.records,
        "total": page.total,
        "total_was_estimated": false,
        "limit": limit,
        "offset": offset,
        "filters": q.filters.iter().map(|(k, v)| (k.clone(), json!(v))).collect::<Map<_, _>>(),
        "sort": call.str("sort"),
        "_links": {"start": base, "next": format!("{base}&offset={}", offset + limit)},
    }))
}
