//! `/api/v1/indicators`, `/api/v1/ioc` and `/api/v1/public/indicators`: values against
//! targets, drill-down over org units, series, recomputation, reported values and their
//! review, the operations centre's figures, and the public main indicators.
use crate::ioc::Dashboard;
use crate::service::{Indicators, OrgValue, View};
use axum::extract::{FromRef, Multipart, Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use tinhso_core::{Error, roles::Role};
use tinhso_identity::Principal;
use tinhso_web::{ApiError, ApiJson, SignedIn};
use uuid::Uuid;

pub fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Indicators>: FromRef<S>,
    DatabaseConnection: FromRef<S>,
{
    Router::new()
        .route("/api/v1/indicators", get(list))
        .route("/api/v1/indicators/compute", post(compute))
        .route("/api/v1/indicators/reports/{id}/review", post(review))
        .route("/api/v1/indicators/{code}/orgs", get(orgs))
        .route("/api/v1/indicators/{code}/series", get(series))
        .route("/api/v1/indicators/{code}/reports", post(report).layer(axum::extract::DefaultBodyLimit::max(tinhso_dossier::documents::upload::MAX_BODY_BYTES)))
        .route("/api/v1/ioc", get(ioc))
        .route("/api/v1/public/indicators", get(public))
        .merge(crate::pages::router())
        .merge(crate::report_pages::router())
}

/// Leaders see every org unit; staff see the figures too (they steer their own unit by them).
pub fn staff(who: &Principal) -> Result<(), Error> {
    if who.roles.iter().any(|g| g.role.is_staff()) { Ok(()) } else { Err(Error::Forbidden) }
}

pub fn leader(who: &Principal) -> Result<(), Error> {
    if who.has(Role::Leader) || who.has(Role::Admin) { Ok(()) } else { Err(Error::Forbidden) }
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct At {
    /// YYYY-MM; the current month if absent.
    pub period: Option<String>,
    /// Org-unit code; the province if absent.
    pub org: Option<String>,
    /// Months of a series (default 12, at most 60).
    pub months: Option<u32>,
}

impl At {
    fn period(&self) -> String {
        self.period.clone().filter(|p| !p.is_empty()).unwrap_or_else(Indicators::current_period)
    }
    fn org(&self, svc: &Indicators) -> String {
        self.org.clone().filter(|o| !o.is_empty()).unwrap_or_else(|| svc.province.clone())
    }
}

/// Every indicator for a period and org unit, against its target.
#[utoipa::path(get, path = "/api/v1/indicators", tag = "indicators", params(At), responses((status = 200, body = [View]), (status = 403, description = "forbidden")))]
pub async fn list(State(svc): State<Arc<Indicators>>, SignedIn(who): SignedIn, Query(at): Query<At>) -> Result<Json<Vec<View>>, ApiError> {
    staff(&who)?;
    Ok(Json(svc.overview(&at.period(), &at.org(&svc), false).await?))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct DrillDown {
    pub province: View,
    pub units: Vec<OrgValue>,
}

/// One indicator for every org unit (worst first).
#[utoipa::path(get, path = "/api/v1/indicators/{code}/orgs", tag = "indicators", params(("code" = String, Path), At), responses((status = 200, body = DrillDown)))]
pub async fn orgs(State(svc): State<Arc<Indicators>>, SignedIn(who): SignedIn, Path(code): Path<String>, Query(at): Query<At>) -> Result<Json<DrillDown>, ApiError> {
    staff(&who)?;
    let (province, units) = svc.by_org(&code, &at.period()).await?;
    Ok(Json(DrillDown { province, units }))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Point {
    pub period: String,
    pub value: Option<f64>,
}

/// One indicator month by month for one org unit.
#[utoipa::path(get, path = "/api/v1/indicators/{code}/series", tag = "indicators", params(("code" = String, Path), At), responses((status = 200, body = [Point])))]
pub async fn series(State(svc): State<Arc<Indicators>>, SignedIn(who): SignedIn, Path(code): Path<String>, Query(at): Query<At>) -> Result<Json<Vec<Point>>, ApiError> {
    staff(&who)?;
    let pts = svc.series(&code, &at.org(&svc), &at.period(), at.months.unwrap_or(12).clamp(1, 60)).await?;
    Ok(Json(pts.into_iter().map(|(period, value)| Point { period, value }).collect()))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Computed {
    pub period: String,
    pub values: usize,
}

/// Recomputes a month's computed indicators for every org unit (leaders, administrators).
#[utoipa::path(post, path = "/api/v1/indicators/compute", tag = "indicators", params(At), responses((status = 200, body = Computed), (status = 403, description = "forbidden")))]
pub async fn compute(State(svc): State<Arc<Indicators>>, SignedIn(who): SignedIn, Query(at): Query<At>) -> Result<Json<Computed>, ApiError> {
    leader(&who)?;
    let period = at.period();
    let values = svc.recompute(&period).await?;
    svc.refresh_dashboard().await?;
    Ok(Json(Computed { period, values }))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Reported {
    pub id: Uuid,
}

/// An agency reports a value (multipart: period, org, value, note, file as evidence).
#[utoipa::path(post, path = "/api/v1/indicators/{code}/reports", tag = "indicators", params(("code" = String, Path)), responses((status = 201, body = Reported), (status = 403, description = "forbidden"), (status = 422, description = "evidence_required, file_too_large, unsupported_file_type")))]
pub async fn report(State(svc): State<Arc<Indicators>>, SignedIn(who): SignedIn, Path(code): Path<String>, form: Multipart) -> Result<Response, ApiError> {
    let f = crate::report_pages::read_form(form).await?;
    let id = svc.report(&who, &code, f.value).await?;
    Ok((axum::http::StatusCode::CREATED, Json(Reported { id })).into_response())
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct Review {
    pub approve: bool,
    /// Why it is returned (required when `approve` is false).
    #[serde(default)]
    pub note: String,
}

/// The lead agency approves or returns a reported value.
#[utoipa::path(post, path = "/api/v1/indicators/reports/{id}/review", tag = "indicators", params(("id" = String, Path)), request_body = Review, responses((status = 204, description = "done"), (status = 403, description = "forbidden"), (status = 422, description = "reason_required")))]
pub async fn review(State(svc): State<Arc<Indicators>>, SignedIn(who): SignedIn, Path(id): Path<Uuid>, ApiJson(r): ApiJson<Review>) -> Result<axum::http::StatusCode, ApiError> {
    svc.review(&who, id, r.approve, &r.note).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

/// The operations centre's figures (leaders).
#[utoipa::path(get, path = "/api/v1/ioc", tag = "indicators", responses((status = 200, body = Dashboard), (status = 403, description = "forbidden")))]
pub async fn ioc(State(svc): State<Arc<Indicators>>, SignedIn(who): SignedIn) -> Result<Json<Dashboard>, ApiError> {
    leader(&who)?;
    Ok(Json((*svc.dashboard().await?).clone()))
}

/// The main indicators, published for everyone (no personal data): the province's values
/// against the plan's targets, and the service figures per agency and commune.
#[utoipa::path(get, path = "/api/v1/public/indicators", tag = "indicators", responses((status = 200, body = crate::pages::Public)))]
pub async fn public(State(svc): State<Arc<Indicators>>) -> Result<Json<crate::pages::Public>, ApiError> {
    Ok(Json(crate::pages::public_figures(&svc).await?))
}
