//! `/ho-so-cua-toi`, the applicant's own dossiers, and `/can-bo/ho-so`, the officer's queue of
//! their org units' dossiers with overdue ones first.
use super::view::{Choice, DossierRow, Pager, enc, page_error, state_choices};
use crate::Dossiers;
use crate::queue::QueueParams;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, Redirect};
use serde::Deserialize;
use std::sync::Arc;
use tinhso_catalog::Catalog;
use tinhso_web::{Chrome, CsrfForm, PageError, SignedIn, render};

const PER_PAGE: u64 = 20;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MineParams {
    trang: Option<u64>,
}

/// A saved application form, to resume or delete.
struct DraftRow {
    code: String,
    procedure: String,
    saved: String,
}

#[derive(Template)]
#[template(path = "draft_delete.html")]
struct DeleteDraftPage {
    chrome: Chrome,
    code: String,
    procedure: String,
}

/// Asks before deleting a draft: what was typed is lost.
pub async fn confirm_delete_draft(chrome: Chrome, SignedIn(who): SignedIn, State(svc): State<Arc<Dossiers>>, Path(code): Path<String>) -> Result<Html<String>, PageError> {
    let draft = svc.draft(&who, &code).await.map_err(page_error(&chrome))?;
    let draft = draft.ok_or_else(|| page_error(&chrome)(tinhso_core::Error::not_found("bản nháp")))?;
    render(&DeleteDraftPage { code: draft.procedure_code, procedure: draft.procedure_name, chrome })
}

pub async fn delete_draft(chrome: Chrome, SignedIn(who): SignedIn, State(svc): State<Arc<Dossiers>>, Path(code): Path<String>, CsrfForm(_): CsrfForm<serde_json::Value>) -> Result<Redirect, PageError> {
    svc.delete_draft(&who, &code).await.map_err(page_error(&chrome))?;
    Ok(Redirect::to("/ho-so-cua-toi"))
}

#[derive(Template)]
#[template(path = "mine.html")]
struct MinePage {
    chrome: Chrome,
    drafts: Vec<DraftRow>,
    total: u64,
    rows: Vec<DossierRow>,
    pager: Pager,
}

pub async fn mine(chrome: Chrome, SignedIn(who): SignedIn, State(svc): State<Arc<Dossiers>>, State(catalog): State<Arc<Catalog>>, Query(params): Query<MineParams>) -> Result<Html<String>, PageError> {
    let found = svc.mine(&who, params.trang, Some(PER_PAGE)).await.map_err(page_error(&chrome))?;
    let drafts = svc.drafts(&who).await.map_err(page_error(&chrome))?;
    let drafts = drafts.into_iter().map(|d| DraftRow { saved: crate::results::local_time(d.updated_at), code: d.procedure_code, procedure: d.procedure_name }).collect();
    let now = chrono::Utc::now();
    render(&MinePage {
        drafts,
        total: found.total,
        rows: found.items.iter().map(|d| DossierRow::new(d, &catalog, now)).collect(),
        pager: Pager::new("/ho-so-cua-toi?", found.page, found.per_page, found.total),
        chrome,
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct QueueQuery {
    trang_thai: String,
    q: String,
    trang: Option<u64>,
}

#[derive(Template)]
#[template(path = "queue.html")]
struct QueuePage {
    chrome: Chrome,
    q: String,
    states: Vec<Choice>,
    filtered: bool,
    total: u64,
    late: usize,
    rows: Vec<DossierRow>,
    pager: Pager,
}

pub async fn queue(chrome: Chrome, SignedIn(who): SignedIn, State(svc): State<Arc<Dossiers>>, State(catalog): State<Arc<Catalog>>, Query(params): Query<QueueQuery>) -> Result<Html<String>, PageError> {
    let asked = QueueParams {
        state: Some(params.trang_thai.clone()).filter(|s| !s.is_empty()),
        q: Some(params.q.trim().to_owned()).filter(|s| !s.is_empty()),
        page: params.trang,
        per_page: Some(PER_PAGE),
    };
    let found = svc.queue(&who, &asked).await.map_err(page_error(&chrome))?;
    let now = chrono::Utc::now();
    let rows: Vec<DossierRow> = found.items.iter().map(|d| DossierRow::new(d, &catalog, now)).collect();
    let base = format!("/can-bo/ho-so?trang_thai={}&q={}&", enc(&params.trang_thai), enc(params.q.trim()));
    render(&QueuePage {
        q: params.q.trim().to_owned(),
        states: state_choices(&params.trang_thai),
        filtered: asked.state.is_some() || asked.q.is_some(),
        total: found.total,
        late: rows.iter().filter(|r| r.late).count(),
        rows,
        pager: Pager::new(&base, found.page, found.per_page, found.total),
        chrome,
    })
}
