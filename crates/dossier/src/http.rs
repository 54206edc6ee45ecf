//! `/api/v1/dossiers`: submit and follow for applicants; queue and actions for officers of the
//! dossier's org unit.
use crate::Dossiers;
use crate::model::{ActRequest, ApologyRequest, Dossier, SubmitRequest, TimelineEntry};
use crate::queue::{DossierPage, QueueParams};
use axum::extract::{FromRef, Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use sea_orm::DatabaseConnection;
use std::sync::Arc;
use tinhso_web::{ApiError, ApiJson, SignedIn};

pub fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Dossiers>: FromRef<S>,
    DatabaseConnection: FromRef<S>,
{
    Router::new()
        .route("/api/v1/dossiers", post(submit))
        .route("/api/v1/dossiers/mine", get(mine))
        .route("/api/v1/dossiers/queue", get(queue))
        .route("/api/v1/dossiers/{id}", get(show))
        .route("/api/v1/dossiers/{id}/timeline", get(timeline))
        .route("/api/v1/dossiers/{id}/actions", post(act))
        .route("/api/v1/dossiers/{id}/apology", post(apologize))
}

/// Submit a dossier online. The same `idempotency_key` answers 200 with the dossier it made.
#[utoipa::path(post, path = "/api/v1/dossiers", tag = "dossier", request_body = SubmitRequest,
    responses((status = 201, body = Dossier), (status = 200, body = Dossier, description = "already submitted with this key"), (status = 422, description = "invalid_form, unknown_agency")))]
pub async fn submit(State(svc): State<Arc<Dossiers>>, SignedIn(who): SignedIn, ApiJson(req): ApiJson<SubmitRequest>) -> Result<(StatusCode, Json<Dossier>), ApiError> {
    let (d, created) = svc.submit(&who, req).await?;
    Ok((if created { StatusCode::CREATED } else { StatusCode::OK }, Json(d)))
}

#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct PageParams {
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

/// The signed-in applicant's dossiers.
#[utoipa::path(get, path = "/api/v1/dossiers/mine", tag = "dossier", params(PageParams), responses((status = 200, body = DossierPage)))]
pub async fn mine(State(svc): State<Arc<Dossiers>>, SignedIn(who): SignedIn, Query(p): Query<PageParams>) -> Result<Json<DossierPage>, ApiError> {
    Ok(Json(svc.mine(&who, p.page, p.per_page).await?))
}

/// The officer's queue: dossiers of their org units, overdue first.
#[utoipa::path(get, path = "/api/v1/dossiers/queue", tag = "dossier", params(QueueParams), responses((status = 200, body = DossierPage), (status = 403, description = "forbidden")))]
pub async fn queue(State(svc): State<Arc<Dossiers>>, SignedIn(who): SignedIn, Query(p): Query<QueueParams>) -> Result<Json<DossierPage>, ApiError> {
    Ok(Json(svc.queue(&who, &p).await?))
}

/// One dossier (its applicant, or staff of its agency).
#[utoipa::path(get, path = "/api/v1/dossiers/{id}", tag = "dossier", params(("id" = String, Path)), responses((status = 200, body = Dossier), (status = 404, description = "not_found")))]
pub async fn show(State(svc): State<Arc<Dossiers>>, SignedIn(who): SignedIn, Path(id): Path<uuid::Uuid>) -> Result<Json<Dossier>, ApiError> {
    Ok(Json(svc.get(&who, id).await?))
}

/// The dossier's history, oldest first.
#[utoipa::path(get, path = "/api/v1/dossiers/{id}/timeline", tag = "dossier", params(("id" = String, Path)), responses((status = 200, body = [TimelineEntry])))]
pub async fn timeline(State(svc): State<Arc<Dossiers>>, SignedIn(who): SignedIn, Path(id): Path<uuid::Uuid>) -> Result<Json<Vec<TimelineEntry>>, ApiError> {
    Ok(Json(svc.timeline(&who, id).await?))
}

/// Take one step of the one-stop flow (receive, assign, record_step, transfer, …).
#[utoipa::path(post, path = "/api/v1/dossiers/{id}/actions", tag = "dossier", request_body = ActRequest, params(("id" = String, Path)),
    responses((status = 200, body = Dossier), (status = 403, description = "forbidden"), (status = 409, description = "illegal_transition, version_conflict, apology_required")))]
pub async fn act(State(svc): State<Arc<Dossiers>>, SignedIn(who): SignedIn, Path(id): Path<uuid::Uuid>, ApiJson(req): ApiJson<ActRequest>) -> Result<Json<Dossier>, ApiError> {
    Ok(Json(svc.act(&who, id, req).await?))
}

/// Record the apology letter and new appointment of a late dossier.
#[utoipa::path(post, path = "/api/v1/dossiers/{id}/apology", tag = "dossier", request_body = ApologyRequest, params(("id" = String, Path)),
    responses((status = 200, body = Dossier), (status = 409, description = "not_late")))]
pub async fn apologize(State(svc): State<Arc<Dossiers>>, SignedIn(who): SignedIn, Path(id): Path<uuid::Uuid>, ApiJson(req): ApiJson<ApologyRequest>) -> Result<Json<Dossier>, ApiError> {
    Ok(Json(svc.apologize(&who, id, req).await?))
}
