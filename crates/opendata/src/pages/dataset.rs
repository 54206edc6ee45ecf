//! A dataset's page (metadata, resources, quality, usage, reuses), a tabular resource's
//! preview with paging and sorting, and downloads. `/dataset/{name}.jsonld|.ttl|.rdf` answer
//! the dataset's DCAT description.
use super::{date, enc, size_text};
use crate::model::Dataset;
use crate::index::Viewer;
use crate::service::{Actor, OpenData, viewer_of};
use crate::table::Query as TableQuery;
use crate::usage::{REUSE_KINDS, Reuse, Use};
use crate::{quality, vocab};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::sync::Arc;
use tinhso_core::Error;
use tinhso_web::{Chrome, CsrfForm, PageError, SignedIn, render};

pub struct ResRow {
    pub id: String,
    pub name: String,
    pub description: String,
    pub format: String,
    pub size: String,
    pub href: String,
    pub tabular: bool,
    pub upload: bool,
}

#[derive(Template)]
#[template(path = "od_dataset.html")]
struct DatasetPage {
    chrome: Chrome,
    d: Dataset,
    org: String,
    org_name: String,
    licence: String,
    licence_url: String,
    theme: String,
    frequency: String,
    created: String,
    modified: String,
    resources: Vec<ResRow>,
    q: quality::Quality,
    usage: Vec<(String, i64, i64, i64)>,
    reuses: Vec<Reuse>,
    kinds: &'static [(&'static str, &'static str)],
    can_edit: bool,
}

fn fail(chrome: &Chrome) -> impl Fn(crate::Refused) -> PageError + '_ {
    move |r| PageError(Error::from(r), Box::new(chrome.clone()))
}

pub async fn show(chrome: Chrome, State(od): State<Arc<OpenData>>, Path(name): Path<String>) -> Result<Response, PageError> {
    for ext in ["jsonld", "ttl", "rdf"] {
        if let Some(stem) = name.strip_suffix(&format!(".{ext}")) {
            let d = od.get(stem, &viewer_of(None)).await.map_err(fail(&chrome))?;
            return Ok(crate::dcat::dataset_response(&od, &d, ext));
        }
    }
    let d = od.get(&name, &viewer_of(chrome.user.as_ref())).await.map_err(fail(&chrome))?;
    od.count(d.id, Use::View);
    let orgs = od.orgs();
    let licence = vocab::licence(&d.license_id);
    let resources = d
        .active_resources()
        .map(|r| ResRow {
            id: r.id.to_string(),
            name: r.name.clone(),
            description: r.description.clone(),
            format: r.format.clone(),
            size: size_text(r.size),
            href: crate::ckan::resource_url("", &d, r),
            tabular: r.is_tabular(),
            upload: r.is_upload(),
        })
        .collect();
    let page_fail = |e| PageError(e, Box::new(chrome.clone()));
    let usage = od.usage_of(d.id).await.map_err(page_fail)?;
    let reuses = od.reuses_of(d.id).await.map_err(page_fail)?;
    let can_edit = chrome.user.clone().is_some_and(|u| Actor::Person(u).may_write(&d.owner_org));
    let page = DatasetPage {
        org: orgs.title(&d.owner_org),
        org_name: crate::ckan::slug(&d.owner_org),
        licence: licence.map(|l| l.title).unwrap_or_default().to_owned(),
        licence_url: licence.map(|l| l.url).unwrap_or_default().to_owned(),
        theme: vocab::theme_title(&d.theme).unwrap_or_default().to_owned(),
        frequency: vocab::frequency(&d.frequency).map(|f| f.label).unwrap_or("Chưa khai báo").to_owned(),
        created: date(d.created_at),
        modified: date(d.modified_at),
        resources,
        q: quality::assess(&d, chrono::Utc::now()),
        usage,
        reuses,
        kinds: REUSE_KINDS,
        can_edit,
        chrome,
        d,
    };
    Ok(render(&page)?.into_response())
}

#[derive(Debug, Deserialize)]
pub struct PreviewForm {
    page: Option<usize>,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    desc: bool,
}

#[derive(Template)]
#[template(path = "od_preview.html")]
struct PreviewPage {
    chrome: Chrome,
    dataset: String,
    dataset_title: String,
    name: String,
    columns: Vec<(String, String, String)>,
    rows: Vec<Vec<String>>,
    total: usize,
    page: usize,
    pages: usize,
    first_row: usize,
    sort: String,
    desc: bool,
    base: String,
    issues: Vec<crate::tabular::Issue>,
    download: String,
}

const PREVIEW_ROWS: usize = 50;

pub async fn preview(chrome: Chrome, State(od): State<Arc<OpenData>>, Path((name, id)): Path<(String, String)>, Query(form): Query<PreviewForm>) -> Result<Response, PageError> {
    let d = od.get(&name, &viewer_of(chrome.user.as_ref())).await.map_err(fail(&chrome))?;
    let Some(r) = d.active_resources().find(|r| r.id.to_string() == id) else {
        return Err(PageError(Error::not_found("tài nguyên"), Box::new(chrome)));
    };
    if !r.is_tabular() {
        return Ok(Redirect::to(&crate::ckan::resource_url("", &d, r)).into_response());
    }
    let table = od.table(r).await.map_err(fail(&chrome))?;
    let sort = if table.column(&form.sort).is_some() { form.sort.clone() } else { String::new() };
    let page = form.page.unwrap_or(1).max(1);
    let q = TableQuery { sort: if sort.is_empty() { vec![] } else { vec![(sort.clone(), form.desc)] }, limit: PREVIEW_ROWS, offset: (page - 1) * PREVIEW_ROWS, ..Default::default() };
    let t = table.clone();
    let found = tokio::task::spawn_blocking(move || t.query(&q)).await.map_err(|e| PageError(Error::other(e), Box::new(chrome.clone())))?;
    let base = format!("/dataset/{}/resource/{}", d.name, r.id);
    let columns = table
        .columns
        .iter()
        .map(|c| {
            let desc = c.name == sort && !form.desc;
            (c.name.clone(), c.kind.clone(), format!("{base}?sort={}{}", enc(&c.name), if desc { "&desc=true" } else { "" }))
        })
        .collect();
    let rows = found
        .records
        .iter()
        .map(|rec| table.columns.iter().map(|c| match &rec[&c.name] { serde_json::Value::Null => String::new(), serde_json::Value::String(s) => s.clone(), v => v.to_string() }).collect())
        .collect();
    od.count(d.id, Use::View);
    let page = PreviewPage {
        dataset: d.name.clone(),
        dataset_title: d.title.clone(),
        name: r.name.clone(),
        columns,
        rows,
        total: found.total,
        pages: found.total.div_ceil(PREVIEW_ROWS).max(1),
        first_row: (page - 1) * PREVIEW_ROWS,
        page,
        sort,
        desc: form.desc,
        base,
        issues: r.report.as_ref().map(|rep| rep.issues.clone()).unwrap_or_default(),
        download: crate::ckan::resource_url("", &d, r),
        chrome,
    };
    Ok(render(&page)?.into_response())
}

/// Who downloads: the signed-in person, or the holder of the API key a CKAN client sends
/// with a resource's `url` (`Authorization` or `X-CKAN-API-Key`). A key that is unknown or
/// revoked counts as no key: a private file then answers 404 like one that does not exist.
async fn downloader(od: &OpenData, chrome: &Chrome, headers: &HeaderMap) -> Viewer {
    let mut viewer = viewer_of(chrome.user.as_ref());
    if let Some(key) = crate::api::key_of(headers) {
        match od.principal_by_key(&key).await {
            Ok(Some(p)) => {
                let by_key = viewer_of(Some(&p));
                viewer.all |= by_key.all;
                viewer.orgs.extend(by_key.orgs);
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "API key lookup failed on a download"),
        }
    }
    viewer
}

/// The file of an uploaded resource, named as it was uploaded; counted as a download.
pub async fn download(State(od): State<Arc<OpenData>>, chrome: Chrome, headers: HeaderMap, Path((name, id, _file)): Path<(String, String, String)>) -> Result<Response, PageError> {
    let viewer = downloader(&od, &chrome, &headers).await;
    let d = od.get(&name, &viewer).await.map_err(fail(&chrome))?;
    let Some(r) = d.active_resources().find(|r| r.id.to_string() == id) else {
        return Err(PageError(Error::not_found("tài nguyên"), Box::new(chrome)));
    };
    let bytes = od.file(r).await.map_err(fail(&chrome))?;
    od.count(d.id, Use::Download);
    let ascii: String = r.url.chars().map(|c| if c.is_ascii_alphanumeric() || ".-_".contains(c) { c } else { '_' }).collect();
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{}", enc(&r.url));
    let mime = if r.mimetype.is_empty() { "application/octet-stream".to_owned() } else { r.mimetype.clone() };
    Ok(([(header::CONTENT_TYPE, mime), (header::CONTENT_DISPOSITION, disposition), (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned())], bytes).into_response())
}

#[derive(Debug, Deserialize)]
pub struct ReuseForm {
    kind: String,
    title: String,
    url: String,
    #[serde(default)]
    description: String,
}

/// Registers a reuse (an app, article or study built on the data); anyone signed in may.
pub async fn add_reuse(chrome: Chrome, SignedIn(who): SignedIn, State(od): State<Arc<OpenData>>, Path(name): Path<String>, CsrfForm(f): CsrfForm<ReuseForm>) -> Result<Redirect, PageError> {
    od.add_reuse(&who.actor(), &name, &f.kind, &f.title, &f.url, &f.description).await.map_err(|e| PageError(e, Box::new(chrome)))?;
    Ok(Redirect::to(&format!("/dataset/{name}#tai-su-dung")))
}
