//! The people's pages: home with search, results with filters, and the procedure page that
//! says plainly what to bring, what it costs, how long it takes and where to go.
use super::view::{self, Choice, ProcedureView};
use crate::Catalog;
use crate::search::Filters;
use askama::Template;
use axum::extract::{FromRef, Path, Query, State};
use axum::response::Html;
use axum::routing::get;
use axum::Router;
use sea_orm::DatabaseConnection;
use serde::Deserialize;
use std::sync::Arc;
use tinhso_web::{Chrome, PageError, render};

pub fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Catalog>: FromRef<S>,
    DatabaseConnection: FromRef<S>,
{
    Router::new().route("/", get(home)).route("/thu-tuc", get(results)).route("/thu-tuc/{code}", get(procedure))
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    chrome: Chrome,
    total: usize,
    fully_online: usize,
    fields: Vec<Choice>,
    life_events: Vec<Choice>,
}

async fn home(chrome: Chrome, State(catalog): State<Arc<Catalog>>) -> Result<Html<String>, PageError> {
    let index = catalog.index();
    let all = catalog.search("", &Filters::default(), 1, 1)?;
    let mut fields = view::choices(&all.facets.field, None);
    fields.sort_by_key(|c| std::cmp::Reverse(c.count));
    fields.truncate(16);
    let life_events = crate::model::LIFE_EVENTS
        .iter()
        .map(|e| Choice { value: (*e).into(), label: crate::model::label(e).into(), count: index.procedures().iter().filter(|p| p.life_events.iter().any(|x| x == e)).count(), selected: false })
        .filter(|c| c.count > 0)
        .collect();
    let fully_online = all.facets.service_level.get("full_online").copied().unwrap_or(0);
    render(&HomePage { chrome, total: all.total, fully_online, fields, life_events })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ResultsParams {
    q: String,
    trang: Option<usize>,
}

#[derive(Template)]
#[template(path = "results.html")]
struct ResultsPage {
    chrome: Chrome,
    q: String,
    understood: String,
    total: usize,
    items: Vec<ProcedureView>,
    filters: Vec<view::FilterGroup>,
    filtered: bool,
    page: usize,
    pages: usize,
    prev_link: Option<String>,
    next_link: Option<String>,
}

const PER_PAGE: usize = 20;

async fn results(chrome: Chrome, State(catalog): State<Arc<Catalog>>, State(db): State<DatabaseConnection>, Query(params): Query<ResultsParams>, Query(filters): Query<Filters>) -> Result<Html<String>, PageError> {
    let page = params.trang.unwrap_or(1).max(1);
    let found = catalog.search(&params.q, &filters, page, PER_PAGE)?;
    let names = view::agency_names(&db).await?;
    // Shown only when a word was corrected, so the person sees what was searched for.
    let understood = found.understood.join(" ");
    let understood = if understood == crate::normalize_words(&params.q).join(" ") { String::new() } else { understood };
    let pages = found.total.div_ceil(PER_PAGE).max(1);
    let link = |p: usize| view::results_link(&params.q, &filters, p);
    render(&ResultsPage {
        q: params.q.clone(),
        understood,
        total: found.total,
        items: found.hits.iter().map(|p| ProcedureView::new(p, &names)).collect(),
        filters: view::filter_groups(&found.facets, &filters, &names),
        filtered: [&filters.field, &filters.level, &filters.agency, &filters.service_level, &filters.target_group, &filters.life_event].iter().any(|f| f.as_deref().is_some_and(|v| !v.is_empty())),
        page,
        pages,
        prev_link: (page > 1).then(|| link(page - 1)),
        next_link: (page < pages).then(|| link(page + 1)),
        chrome,
    })
}

#[derive(Template)]
#[template(path = "procedure.html")]
struct ProcedurePage {
    chrome: Chrome,
    p: ProcedureView,
}

async fn procedure(chrome: Chrome, State(catalog): State<Arc<Catalog>>, State(db): State<DatabaseConnection>, Path(code): Path<String>) -> Result<Html<String>, PageError> {
    let p = catalog.get(&code).await.map_err(|e| PageError(e, Box::new(chrome.clone())))?;
    let names = view::agency_names(&db).await?;
    render(&ProcedurePage { p: ProcedureView::new(&p, &names), chrome })
}
