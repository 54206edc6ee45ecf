//! The province's org units as open reference data: `GET /api/v1/org-units`.
use crate::AppState;
use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use tinhso_web::ApiError;

pub fn api_router() -> Router<AppState> {
    Router::new().route("/api/v1/org-units", get(list))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct OrgUnitParams {
    /// province | department | agency | commune | ward | special_zone
    pub kind: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct OrgUnitView {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub parent_code: Option<String>,
    /// True where the unit is demo data rather than taken from the plan documents.
    pub demo: bool,
}

/// The People's Committee, its departments and agencies, and the commune-level units.
#[utoipa::path(get, path = "/api/v1/org-units", tag = "identity", params(OrgUnitParams), responses((status = 200, body = [OrgUnitView])))]
pub async fn list(State(s): State<AppState>, Query(params): Query<OrgUnitParams>) -> Result<Json<Vec<OrgUnitView>>, ApiError> {
    let units = tinhso_identity::org_units::list(&s.db).await?;
    let code_of: std::collections::HashMap<_, _> = units.iter().map(|u| (u.id, u.code.clone())).collect();
    let views = units
        .iter()
        .filter(|u| params.kind.as_deref().is_none_or(|k| k == u.kind))
        .map(|u| OrgUnitView {
            code: u.code.clone(),
            name: u.name.clone(),
            kind: u.kind.clone(),
            parent_code: u.parent_id.and_then(|p| code_of.get(&p).cloned()),
            demo: u.demo,
        })
        .collect();
    Ok(Json(views))
}
