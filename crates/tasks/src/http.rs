//! `/api/v1/tasks`: the tasks a person may see, one task with its reports, progress reports
//! (multipart, with an optional attachment) and the assigning office's decision; budget sums.
use crate::model::{Report, Task};
use crate::rollup::Budget;
use crate::service::{Filter, NewReport, Tasks};
use axum::extract::{DefaultBodyLimit, FromRef, Multipart, Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use tinhso_core::Error;
use tinhso_web::{ApiError, ApiJson, SignedIn};
use uuid::Uuid;

pub fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Tasks>: FromRef<S>,
    DatabaseConnection: FromRef<S>,
{
    Router::new()
        .route("/api/v1/tasks", get(list))
        .route("/api/v1/tasks/budget", get(budget))
        .route("/api/v1/tasks/{id}", get(show))
        .route("/api/v1/tasks/{id}/reports", post(report).layer(DefaultBodyLimit::max(crate::service::MAX_FILE_BYTES + 64 * 1024)))
        .route("/api/v1/tasks/{id}/reports/{report}/decision", post(decide))
        .route("/api/v1/tasks/{id}/reports/{report}/file", get(file))
        .merge(crate::pages::router())
}

/// Tasks the caller may see: leaders every agency's, staff their own units'.
#[utoipa::path(get, path = "/api/v1/tasks", tag = "tasks", params(Filter), responses((status = 200, body = [Task]), (status = 403, description = "forbidden")))]
pub async fn list(State(tasks): State<Arc<Tasks>>, SignedIn(who): SignedIn, Query(f): Query<Filter>) -> Result<Json<Vec<Task>>, ApiError> {
    Ok(Json(tasks.list(&who, &f).await?))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct TaskDetail {
    pub task: Task,
    pub reports: Vec<Report>,
}

#[utoipa::path(get, path = "/api/v1/tasks/{id}", tag = "tasks", params(("id" = String, Path)), responses((status = 200, body = TaskDetail), (status = 404, description = "not_found")))]
pub async fn show(State(tasks): State<Arc<Tasks>>, SignedIn(who): SignedIn, Path(id): Path<Uuid>) -> Result<Json<TaskDetail>, ApiError> {
    let (task, reports) = tasks.get(&who, id).await?;
    Ok(Json(TaskDetail { task, reports }))
}

/// Reads a report form: `progress`, `completed` (true/on), `note`, optional `file`.
pub async fn read_report(mut form: Multipart) -> Result<(NewReport, Option<String>), Error> {
    let bad = |_| Error::invalid("invalid_form", "", "Biểu mẫu multipart/form-data không hợp lệ hoặc tệp quá lớn (tối đa 10 MB).");
    let mut new = NewReport::default();
    let mut csrf = None;
    while let Some(field) = form.next_field().await.map_err(bad)? {
        match field.name().unwrap_or_default() {
            "progress" => {
                let v = field.text().await.map_err(bad)?;
                new.progress = v.trim().parse().map_err(|_| Error::invalid("invalid_progress", "Tiến độ", "phải là số từ 0 đến 100."))?;
            }
            "completed" => new.completed = matches!(field.text().await.map_err(bad)?.trim(), "true" | "on" | "1"),
            "note" => new.note = field.text().await.map_err(bad)?,
            "csrf_token" => csrf = Some(field.text().await.map_err(bad)?),
            "file" => {
                let name = field.file_name().unwrap_or("tep-dinh-kem").to_owned();
                let mime = field.content_type().unwrap_or("application/octet-stream").to_owned();
                let bytes = field.bytes().await.map_err(bad)?;
                if !bytes.is_empty() {
                    new.file = Some((name, mime, bytes.to_vec()));
                }
            }
            _ => {}
        }
    }
    Ok((new, csrf))
}

/// The lead agency reports progress (multipart). Staff of any other unit are refused.
#[utoipa::path(post, path = "/api/v1/tasks/{id}/reports", tag = "tasks", params(("id" = String, Path)),
    responses((status = 201, body = Report), (status = 403, description = "forbidden: not the lead agency"), (status = 409, description = "task_closed")))]
pub async fn report(State(tasks): State<Arc<Tasks>>, SignedIn(who): SignedIn, Path(id): Path<Uuid>, form: Multipart) -> Result<Response, ApiError> {
    let (new, _) = read_report(form).await?;
    let r = tasks.report(&who, id, new).await?;
    Ok((axum::http::StatusCode::CREATED, Json(r)).into_response())
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct Decision {
    /// true: accept; false: return to the agency (a note is then required).
    pub accept: bool,
    #[serde(default)]
    pub note: String,
}

/// The assigning office (leader role) accepts or returns a report.
#[utoipa::path(post, path = "/api/v1/tasks/{id}/reports/{report}/decision", tag = "tasks", params(("id" = String, Path), ("report" = String, Path)), request_body = Decision,
    responses((status = 200, body = Task), (status = 403, description = "forbidden"), (status = 409, description = "already_decided")))]
pub async fn decide(State(tasks): State<Arc<Tasks>>, SignedIn(who): SignedIn, Path((id, rid)): Path<(Uuid, Uuid)>, ApiJson(d): ApiJson<Decision>) -> Result<Json<Task>, ApiError> {
    Ok(Json(tasks.decide(&who, id, rid, d.accept, &d.note).await?))
}

#[utoipa::path(get, path = "/api/v1/tasks/{id}/reports/{report}/file", tag = "tasks", params(("id" = String, Path), ("report" = String, Path)), responses((status = 200, description = "the attachment"), (status = 404, description = "not_found")))]
pub async fn file(State(tasks): State<Arc<Tasks>>, SignedIn(who): SignedIn, Path((id, rid)): Path<(Uuid, Uuid)>) -> Result<Response, ApiError> {
    let (name, _mime, bytes) = tasks.report_file(&who, id, rid).await?;
    // Served as a download of unknown type: an agency's attachment is never rendered inline.
    let ascii: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '.' || c == '-' { c } else { '_' }).collect();
    let headers = [(header::CONTENT_TYPE, "application/octet-stream".to_owned()), (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{ascii}\"")), (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned())];
    Ok((headers, bytes).into_response())
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct BudgetQuery {
    pub plan: String,
}

/// A plan's budget added up from its task rows, per agency and per funding source.
#[utoipa::path(get, path = "/api/v1/tasks/budget", tag = "tasks", params(BudgetQuery), responses((status = 200, body = Budget)))]
pub async fn budget(State(tasks): State<Arc<Tasks>>, SignedIn(who): SignedIn, Query(q): Query<BudgetQuery>) -> Result<Json<Budget>, ApiError> {
    crate::service::scope_of(&who)?;
    Ok(Json(tasks.budget(&q.plan).await?))
}
