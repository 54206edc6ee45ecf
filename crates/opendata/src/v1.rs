//! `/api/v1/opendata/…`: the platform's own JSON API for what CKAN's has no action for: data
//! stewards' API keys, and the quality scores of a dataset.
use crate::OpenData;
use crate::keys::KeyInfo;
use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use tinhso_web::{ApiError, ApiJson, SignedIn};

pub fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<OpenData>: axum::extract::FromRef<S>,
    sea_orm::DatabaseConnection: axum::extract::FromRef<S>,
{
    Router::new()
        .route("/api/v1/opendata/api-keys", get(list_keys).post(create_key))
        .route("/api/v1/opendata/api-keys/{id}/revoke", post(revoke_key))
        .route("/api/v1/opendata/datasets/{name}/quality", get(quality))
        .route("/api/v1/opendata/roadmap", get(roadmap))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewKey {
    /// A name to recognise the key by ("máy chủ đồng bộ").
    pub name: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CreatedKey {
    #[serde(flatten)]
    pub key: KeyInfo,
    /// Shown only in this answer; send it in `Authorization` to CKAN API write actions.
    pub token: String,
}

/// Makes an API key for the signed-in data steward (or administrator).
#[utoipa::path(post, path = "/api/v1/opendata/api-keys", tag = "opendata", request_body = NewKey,
    responses((status = 200, body = CreatedKey), (status = 403, description = "forbidden: not a data steward")))]
pub async fn create_key(State(od): State<Arc<OpenData>>, SignedIn(who): SignedIn, ApiJson(body): ApiJson<NewKey>) -> Result<Json<CreatedKey>, ApiError> {
    let (key, token) = od.create_key(&who, &body.name).await?;
    Ok(Json(CreatedKey { key, token }))
}

/// The signed-in person's API keys (without their tokens).
#[utoipa::path(get, path = "/api/v1/opendata/api-keys", tag = "opendata", responses((status = 200, body = [KeyInfo])))]
pub async fn list_keys(State(od): State<Arc<OpenData>>, SignedIn(who): SignedIn) -> Result<Json<Vec<KeyInfo>>, ApiError> {
    Ok(Json(od.keys_of(&who).await?))
}

/// Revokes one of the signed-in person's keys.
#[utoipa::path(post, path = "/api/v1/opendata/api-keys/{id}/revoke", tag = "opendata", params(("id" = String, Path)),
    responses((status = 200, description = "revoked"), (status = 404, description = "not_found")))]
pub async fn revoke_key(State(od): State<Arc<OpenData>>, SignedIn(who): SignedIn, Path(id): Path<uuid::Uuid>) -> Result<Json<serde_json::Value>, ApiError> {
    od.revoke_key(&who, id).await?;
    Ok(Json(serde_json::json!({"revoked": true})))
}

/// The four quality scores of a public dataset, each with its reasons.
#[utoipa::path(get, path = "/api/v1/opendata/datasets/{name}/quality", tag = "opendata", params(("name" = String, Path)),
    responses((status = 200, body = crate::quality::Quality), (status = 404, description = "not_found")))]
pub async fn quality(State(od): State<Arc<OpenData>>, Path(name): Path<String>) -> Result<Json<crate::quality::Quality>, ApiError> {
    let d = od.get(&name, &Default::default()).await.map_err(tinhso_core::Error::from)?;
    Ok(Json(crate::quality::assess(&d, chrono::Utc::now())))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Roadmap {
    /// Agencies that have published and have nothing late.
    pub agencies_on_track: usize,
    /// Agencies with items on the roadmap.
    pub agencies: usize,
    pub rows: Vec<crate::roadmap::AgencyRow>,
}

/// The priority list and roadmap per agency, each item published, late or not yet due.
#[utoipa::path(get, path = "/api/v1/opendata/roadmap", tag = "opendata", responses((status = 200, body = Roadmap)))]
pub async fn roadmap(State(od): State<Arc<OpenData>>) -> Result<Json<Roadmap>, ApiError> {
    let rows = od.roadmap().await?;
    let agencies_on_track = rows.iter().filter(|r| r.late == 0 && r.published > 0).count();
    Ok(Json(Roadmap { agencies_on_track, agencies: rows.len(), rows }))
}
