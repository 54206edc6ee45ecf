//! The public pages: search with facets, organisations, stale datasets and the roadmap.
use super::{date, enc};
use crate::OpenData;
use crate::index::{SearchParams, Viewer};
use crate::service::viewer_of;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use serde::Deserialize;
use std::sync::Arc;
use tinhso_web::{Chrome, PageError, render};

const PER_PAGE: usize = 20;

#[derive(Debug, Default, Deserialize)]
pub struct SearchForm {
    #[serde(default)]
    q: String,
    #[serde(default)]
    organization: String,
    #[serde(default)]
    groups: String,
    #[serde(default)]
    tags: String,
    #[serde(default)]
    res_format: String,
    #[serde(default)]
    license_id: String,
    #[serde(default)]
    sort: String,
    page: Option<usize>,
}

pub struct Hit {
    pub name: String,
    pub title: String,
    pub notes: String,
    pub org: String,
    pub formats: Vec<String>,
    pub modified: String,
    pub private: bool,
}

pub struct FacetItem {
    pub label: String,
    pub count: usize,
    pub href: String,
    pub active: bool,
}

pub struct FacetBox {
    pub title: &'static str,
    pub items: Vec<FacetItem>,
}

#[derive(Template)]
#[template(path = "od_home.html")]
struct HomePage {
    chrome: Chrome,
    q: String,
    sort: String,
    count: usize,
    hits: Vec<Hit>,
    facets: Vec<FacetBox>,
    page: usize,
    pages: usize,
    prev: String,
    next: String,
    stale: usize,
}

fn hit(p: &serde_json::Value, private: bool) -> Hit {
    let notes: String = p["notes"].as_str().unwrap_or_default().chars().take(220).collect();
    let mut formats: Vec<String> = p["resources"].as_array().into_iter().flatten().filter_map(|r| r["format"].as_str().map(str::to_owned)).collect();
    formats.sort();
    formats.dedup();
    Hit {
        name: p["name"].as_str().unwrap_or_default().to_owned(),
        title: p["title"].as_str().unwrap_or_default().to_owned(),
        notes,
        org: p["organization"]["title"].as_str().unwrap_or_default().to_owned(),
        formats,
        modified: chrono::NaiveDateTime::parse_from_str(p["metadata_modified"].as_str().unwrap_or_default(), "%Y-%m-%dT%H:%M:%S%.f")
            .map(|t| date(t.and_utc()))
            .unwrap_or_default(),
        private,
    }
}

impl SearchForm {
    fn filters(&self) -> [(&'static str, &'static str, &str); 5] {
        [
            ("organization", "Cơ quan", self.organization.as_str()),
            ("groups", "Lĩnh vực", self.groups.as_str()),
            ("tags", "Thẻ", self.tags.as_str()),
            ("res_format", "Định dạng", self.res_format.as_str()),
            ("license_id", "Giấy phép", self.license_id.as_str()),
        ]
    }

    /// This search's link with one filter set (or cleared) and the page reset.
    fn href(&self, field: &str, value: &str, page: usize) -> String {
        let mut parts = Vec::new();
        if !self.q.is_empty() {
            parts.push(format!("q={}", enc(&self.q)));
        }
        for (f, _, v) in self.filters() {
            let v = if f == field { value } else { v };
            if !v.is_empty() {
                parts.push(format!("{f}={}", enc(v)));
            }
        }
        if !self.sort.is_empty() {
            parts.push(format!("sort={}", enc(&self.sort)));
        }
        if page > 1 {
            parts.push(format!("page={page}"));
        }
        format!("/du-lieu-mo?{}", parts.join("&"))
    }
}

pub async fn home(chrome: Chrome, State(od): State<Arc<OpenData>>, Query(form): Query<SearchForm>) -> Result<Html<String>, PageError> {
    let page = form.page.unwrap_or(1).max(1);
    let fq: Vec<String> = form.filters().iter().filter(|(_, _, v)| !v.is_empty()).map(|(f, _, v)| format!("{f}:\"{}\"", v.replace('"', ""))).collect();
    let sort = match form.sort.as_str() {
        "moi-nhat" => "metadata_modified desc",
        "ten" => "title_string asc",
        _ => "",
    };
    let params = SearchParams {
        q: form.q.replace(':', " "),
        fq: fq.join(" "),
        rows: PER_PAGE,
        start: (page - 1) * PER_PAGE,
        sort: sort.into(),
        facet_fields: crate::index::FACET_FIELDS.iter().map(|s| (*s).to_owned()).collect(),
        facet_limit: 10,
        include_private: true,
    };
    let index = od.index();
    let viewer = viewer_of(chrome.user.as_ref());
    let found = index.search(&params, &viewer).map_err(|m| PageError(tinhso_core::Error::invalid("invalid_query", "", m), Box::new(chrome.clone())))?;
    let hits = found.results.iter().map(|d| hit(&d.package, d.private)).collect();
    let facets = form
        .filters()
        .iter()
        .filter_map(|(field, title, current)| {
            let (_, items) = found.facets.iter().find(|(f, _)| f == field)?;
            let items = items
                .iter()
                .map(|(v, n)| {
                    let active = v == current;
                    FacetItem { label: index.display_name(field, v), count: *n, href: form.href(field, if active { "" } else { v }, 1), active }
                })
                .collect();
            Some(FacetBox { title, items })
        })
        .collect();
    let pages = found.count.div_ceil(PER_PAGE).max(1);
    let stale = stale_list(&od, &viewer).await.len();
    let (prev, next) = (form.href("", "", page.saturating_sub(1)), form.href("", "", page + 1));
    render(&HomePage { chrome, q: form.q.clone(), sort: form.sort.clone(), count: found.count, hits, facets, page, pages, prev, next, stale })
}

pub struct StaleRow {
    pub name: String,
    pub title: String,
    pub org: String,
    pub frequency: String,
    pub modified: String,
    pub overdue: i64,
}

async fn stale_list(od: &OpenData, viewer: &Viewer) -> Vec<StaleRow> {
    let now = chrono::Utc::now();
    let orgs = od.orgs();
    let Ok(all) = crate::store::all(od.db()).await else { return Vec::new() };
    let mut rows: Vec<StaleRow> = all
        .iter()
        .filter(|d| d.state == "active" && (!d.private || viewer.sees(&d.owner_org)))
        .filter_map(|d| {
            Some(StaleRow {
                overdue: crate::quality::days_overdue(d, now)?,
                name: d.name.clone(),
                title: d.title.clone(),
                org: orgs.title(&d.owner_org),
                frequency: crate::vocab::frequency(&d.frequency).map(|f| f.label).unwrap_or_default().to_owned(),
                modified: date(d.modified_at),
            })
        })
        .collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.overdue));
    rows
}

#[derive(Template)]
#[template(path = "od_stale.html")]
struct StalePage {
    chrome: Chrome,
    rows: Vec<StaleRow>,
}

pub async fn stale(chrome: Chrome, State(od): State<Arc<OpenData>>) -> Result<Html<String>, PageError> {
    let rows = stale_list(&od, &viewer_of(chrome.user.as_ref())).await;
    render(&StalePage { chrome, rows })
}

#[derive(Template)]
#[template(path = "od_org.html")]
struct OrgPage {
    chrome: Chrome,
    title: String,
    code: String,
    hits: Vec<Hit>,
    roadmap: Option<crate::roadmap::AgencyRow>,
}

pub async fn organization(chrome: Chrome, State(od): State<Arc<OpenData>>, Path(name): Path<String>) -> Result<Html<String>, PageError> {
    let orgs = od.orgs();
    let Some(org) = orgs.find(&name) else {
        return Err(PageError(tinhso_core::Error::not_found(format!("tổ chức '{name}'")), Box::new(chrome)));
    };
    let viewer = viewer_of(chrome.user.as_ref());
    let index = od.index();
    let hits = index.docs.iter().filter(|d| d.owner_code == org.code && (!d.private || viewer.sees(&d.owner_code))).map(|d| hit(&d.package, d.private)).collect();
    let roadmap = od.roadmap().await.map_err(|e| PageError(e, Box::new(chrome.clone())))?.into_iter().find(|r| r.org_code == org.code);
    render(&OrgPage { title: org.title.clone(), code: org.code.clone(), hits, roadmap, chrome })
}

#[derive(Template)]
#[template(path = "od_roadmap.html")]
struct RoadmapPage {
    chrome: Chrome,
    rows: Vec<crate::roadmap::AgencyRow>,
    agencies_on_track: usize,
    /// Units the viewer may add items for.
    units: Vec<(String, String)>,
}

pub async fn roadmap(chrome: Chrome, State(od): State<Arc<OpenData>>) -> Result<Html<String>, PageError> {
    let rows = od.roadmap().await.map_err(|e| PageError(e, Box::new(chrome.clone())))?;
    let agencies_on_track = rows.iter().filter(|r| r.late == 0 && r.published > 0).count();
    let orgs = od.orgs();
    let units = match &chrome.user {
        Some(u) if u.has(tinhso_core::roles::Role::Admin) => {
            let mut all: Vec<(String, String)> = orgs.by_code.values().filter(|o| o.kind != "commune").map(|o| (o.code.clone(), o.title.clone())).collect();
            all.sort();
            all
        }
        Some(u) => u.units_for(tinhso_core::roles::Role::DataSteward).map(|c| (c.to_owned(), orgs.title(c))).collect(),
        None => Vec::new(),
    };
    render(&RoadmapPage { chrome, rows, agencies_on_track, units })
}
