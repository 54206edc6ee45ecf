//! `/nhiem-vu`: "my tasks" of an agency's staff, every agency's for the leadership; one task
//! with its reports, the lead agency's report form and the assigning office's decision.
use crate::model::{Report, Task};
use crate::service::{Filter, Tasks, scope_of};
use askama::Template;
use axum::extract::{FromRef, Multipart, Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use sea_orm::DatabaseConnection;
use std::collections::BTreeMap;
use std::sync::Arc;
use tinhso_core::{Error, roles::Role};
use tinhso_web::{Chrome, CsrfForm, PageError, SignedIn, render};
use uuid::Uuid;

pub fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Tasks>: FromRef<S>,
    DatabaseConnection: FromRef<S>,
{
    Router::new()
        .route("/nhiem-vu", get(list))
        .route("/nhiem-vu/{id}", get(show))
        .route("/nhiem-vu/{id}/bao-cao", post(report))
        .route("/nhiem-vu/{id}/bao-cao/{report}/quyet-dinh", post(decide))
}

pub fn vnd_million(v: Option<i64>) -> String {
    match v {
        None => String::new(),
        Some(v) => group(v / 1_000_000),
    }
}

/// 328364 → "328.364", as the documents print numbers.
pub fn group(n: i64) -> String {
    let s = n.abs().to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

fn date(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.format("%d/%m/%Y").to_string()).unwrap_or_default()
}

pub struct Row {
    pub task: Task,
    pub deadline: String,
    pub budget: String,
}

#[derive(Template)]
#[template(path = "tasks.html")]
struct ListPage {
    chrome: Chrome,
    rows: Vec<Row>,
    all: bool,
    counts: Vec<(&'static str, &'static str, usize, bool)>,
    plan: String,
    plans: Vec<(String, bool)>,
    /// Open tasks past their deadline, oldest deadline first, shown above everything else.
    overdue: Vec<Row>,
}

async fn list(chrome: Chrome, SignedIn(who): SignedIn, State(tasks): State<Arc<Tasks>>, Query(f): Query<Filter>) -> Result<Html<String>, PageError> {
    let fail = |e| PageError(e, Box::new(chrome.clone()));
    let all = matches!(scope_of(&who).map_err(fail)?, crate::Scope::All);
    let every = tasks.list(&who, &Filter { plan: f.plan.clone(), ..Default::default() }).await.map_err(fail)?;
    let mut counts = BTreeMap::new();
    for t in &every {
        *counts.entry(t.status.as_str()).or_insert(0usize) += 1;
    }
    let status = f.status.clone().unwrap_or_default();
    let counts = crate::Status::ALL.iter().map(|s| (s.as_str(), s.label(), counts.get(s.as_str()).copied().unwrap_or(0), s.as_str() == status)).collect();
    let today = chrono::Utc::now().with_timezone(&tinhso_core::calendar::vietnam()).date_naive();
    let mut overdue: Vec<Row> = every
        .iter()
        .filter(|t| t.status == crate::Status::Overdue || (t.status.is_open() && t.deadline_on.is_some_and(|d| d < today)))
        .map(|t| Row { deadline: date(t.deadline_on), budget: vnd_million(t.budget_vnd), task: t.clone() })
        .collect();
    overdue.sort_by_key(|r| r.task.deadline_on);
    let shown = tasks.list(&who, &f).await.map_err(fail)?;
    let mut plans: Vec<String> = tasks.list(&who, &Filter::default()).await.map_err(fail)?.into_iter().map(|t| t.plan).collect();
    plans.dedup();
    let plan = f.plan.clone().unwrap_or_default();
    let plans = plans.into_iter().map(|p| { let sel = p == plan; (p, sel) }).collect();
    let rows = shown.into_iter().map(|t| Row { deadline: date(t.deadline_on), budget: vnd_million(t.budget_vnd), task: t }).collect();
    render(&ListPage { chrome, rows, all, counts, plan, plans, overdue })
}

#[derive(Template)]
#[template(path = "task.html")]
struct TaskPage {
    chrome: Chrome,
    task: Task,
    reports: Vec<Report>,
    deadline: String,
    start: String,
    budget: String,
    can_report: bool,
    can_decide: bool,
}

async fn show(chrome: Chrome, SignedIn(who): SignedIn, State(tasks): State<Arc<Tasks>>, Path(id): Path<Uuid>) -> Result<Html<String>, PageError> {
    let fail = |e| PageError(e, Box::new(chrome.clone()));
    let (task, reports) = tasks.get(&who, id).await.map_err(fail)?;
    let leads = task.lead_org_code.clone();
    let can_report = task.status.is_open() && who.roles.iter().any(|g| g.role.is_staff() && g.role != Role::Leader && g.org_unit_code.is_some() && g.org_unit_code == leads);
    let can_decide = who.has(Role::Leader);
    render(&TaskPage { chrome, deadline: date(task.deadline_on), start: date(task.start_on), budget: vnd_million(task.budget_vnd), task, reports, can_report, can_decide })
}

async fn report(chrome: Chrome, SignedIn(who): SignedIn, State(tasks): State<Arc<Tasks>>, Path(id): Path<Uuid>, form: Multipart) -> Result<Response, PageError> {
    let fail = |e| PageError(e, Box::new(chrome.clone()));
    let (new, csrf) = crate::http::read_report(form).await.map_err(fail)?;
    // A multipart form carries its CSRF token as a field; it must be this session's.
    if csrf.as_deref() != Some(chrome.csrf.as_str()) || chrome.csrf.is_empty() {
        return Err(fail(Error::invalid("csrf_failed", "", "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Hãy tải lại trang và thử lại.")));
    }
    tasks.report(&who, id, new).await.map_err(fail)?;
    Ok(Redirect::to(&format!("/nhiem-vu/{id}")).into_response())
}

#[derive(serde::Deserialize)]
struct DecisionForm {
    decision: String,
    #[serde(default)]
    note: String,
}

async fn decide(chrome: Chrome, SignedIn(who): SignedIn, State(tasks): State<Arc<Tasks>>, Path((id, rid)): Path<(Uuid, Uuid)>, CsrfForm(f): CsrfForm<DecisionForm>) -> Result<Response, PageError> {
    let fail = |e| PageError(e, Box::new(chrome.clone()));
    tasks.decide(&who, id, rid, f.decision == "accept", &f.note).await.map_err(fail)?;
    Ok(Redirect::to(&format!("/nhiem-vu/{id}")).into_response())
}
