//! `/api/v1/procedures`: search and read for everyone; create, update and retire for data
//! stewards, every change audited.
use crate::Catalog;
use crate::model::Procedure;
use crate::search::{Facets, Filters};
use axum::extract::{FromRef, Path, Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use tinhso_web::{ApiError, ApiJson, DataSteward};

pub fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Catalog>: FromRef<S>,
    DatabaseConnection: FromRef<S>,
{
    Router::new()
        .route("/api/v1/procedures", get(list).post(create))
        .route("/api/v1/procedures/{code}", get(show).put(update).delete(retire))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct ListParams {
    /// Search words, with or without diacritics.
    pub q: Option<String>,
    /// Page number, from 1.
    pub page: Option<usize>,
    /// Results per page, 1–100 (default 20).
    pub per_page: Option<usize>,
}

/// One procedure in a result list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProcedureSummary {
    pub code: String,
    pub name: String,
    pub field: String,
    pub level: String,
    pub service_level: String,
    pub processing_days: f64,
    pub target_groups: Vec<String>,
}

impl From<&Procedure> for ProcedureSummary {
    fn from(p: &Procedure) -> Self {
        ProcedureSummary {
            code: p.code.clone(),
            name: p.name.clone(),
            field: p.field.clone(),
            level: p.level.clone(),
            service_level: p.service_level.clone(),
            processing_days: p.processing_days,
            target_groups: p.target_groups.clone(),
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProcedureList {
    pub total: usize,
    pub page: usize,
    pub per_page: usize,
    pub items: Vec<ProcedureSummary>,
    pub facets: Facets,
}

/// Search the catalogue. Words are matched without regard to diacritics, tone placement,
/// word order or one small typo; filters narrow the result and facets count each value.
#[utoipa::path(get, path = "/api/v1/procedures", tag = "catalog", params(ListParams, Filters),
    responses((status = 200, body = ProcedureList)))]
pub async fn list(State(catalog): State<Arc<Catalog>>, Query(params): Query<ListParams>, Query(filters): Query<Filters>) -> Result<Json<ProcedureList>, ApiError> {
    let page = params.page.unwrap_or(1).max(1);
    let per_page = params.per_page.unwrap_or(20).clamp(1, 100);
    let found = catalog.search(params.q.as_deref().unwrap_or_default(), &filters, page, per_page)?;
    Ok(Json(ProcedureList {
        total: found.total,
        page,
        per_page,
        items: found.hits.iter().map(|p| ProcedureSummary::from(&**p)).collect(),
        facets: found.facets,
    }))
}

/// A procedure by its code, with everything a person needs to know.
#[utoipa::path(get, path = "/api/v1/procedures/{code}", tag = "catalog", params(("code" = String, Path, description = "Mã thủ tục, ví dụ 1.001193")),
    responses((status = 200, body = Procedure), (status = 404, description = "not_found")))]
pub async fn show(State(catalog): State<Arc<Catalog>>, Path(code): Path<String>) -> Result<Json<Procedure>, ApiError> {
    Ok(Json(catalog.get(&code).await?))
}

/// Add a procedure (data stewards). Agencies are org-unit codes or names.
#[utoipa::path(post, path = "/api/v1/procedures", tag = "catalog", request_body = Procedure,
    responses((status = 201, body = Procedure), (status = 409, description = "duplicate_code"), (status = 422, description = "invalid input")))]
pub async fn create(State(catalog): State<Arc<Catalog>>, DataSteward(user): DataSteward, ApiJson(p): ApiJson<Procedure>) -> Result<(StatusCode, Json<Procedure>), ApiError> {
    Ok((StatusCode::CREATED, Json(catalog.create(&user.actor(), p).await?)))
}

/// Replace a procedure (data stewards). `version` must be the version that was read.
#[utoipa::path(put, path = "/api/v1/procedures/{code}", tag = "catalog", request_body = Procedure, params(("code" = String, Path)),
    responses((status = 200, body = Procedure), (status = 409, description = "version_conflict")))]
pub async fn update(State(catalog): State<Arc<Catalog>>, DataSteward(user): DataSteward, Path(code): Path<String>, ApiJson(p): ApiJson<Procedure>) -> Result<Json<Procedure>, ApiError> {
    Ok(Json(catalog.update(&user.actor(), &code, p).await?))
}

/// Retire a procedure (data stewards): it leaves search, its page stays.
#[utoipa::path(delete, path = "/api/v1/procedures/{code}", tag = "catalog", params(("code" = String, Path)),
    responses((status = 200, body = Procedure)))]
pub async fn retire(State(catalog): State<Arc<Catalog>>, DataSteward(user): DataSteward, Path(code): Path<String>) -> Result<Json<Procedure>, ApiError> {
    Ok(Json(catalog.retire(&user.actor(), &code).await?))
}
