//! Administration: staff accounts and their roles.
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use tinhso_core::{Error, roles::Role};
use tinhso_identity::{Principal, accounts, org_units};
use tinhso_web::{Admin, ApiError, ApiJson, Chrome, CsrfForm, PageError, render};

pub fn page_router() -> Router<AppState> {
    Router::new().route("/quan-tri/can-bo", get(staff_page).post(staff_submit))
}

pub fn api_router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/admin/staff", get(api_list).post(api_create))
        .route("/api/v1/admin/staff/{id}/roles", post(api_grant))
}

struct Choice {
    value: String,
    label: String,
}

#[derive(Template)]
#[template(path = "staff.html")]
struct StaffPage {
    chrome: Chrome,
    staff: Vec<Principal>,
    roles: Vec<Choice>,
    units: Vec<Choice>,
    error: String,
}

async fn staff_view(s: &AppState, chrome: Chrome, error: String) -> Result<Html<String>, PageError> {
    let staff = accounts::list_staff(&s.db).await?;
    let roles = Role::ALL.iter().filter(|r| r.is_staff()).map(|r| Choice { value: r.as_str().into(), label: r.label().into() }).collect();
    let units = org_units::list(&s.db).await?.into_iter().map(|u| Choice { label: format!("{} ({})", u.name, u.code), value: u.code }).collect();
    render(&StaffPage { chrome, staff, roles, units, error })
}

async fn staff_page(State(s): State<AppState>, chrome: Chrome, Admin(_): Admin) -> Result<Html<String>, PageError> {
    staff_view(&s, chrome, String::new()).await
}

#[derive(Deserialize)]
struct StaffForm {
    username: String,
    full_name: String,
    password: String,
    role: String,
    org_unit: String,
}

async fn staff_submit(State(s): State<AppState>, chrome: Chrome, Admin(admin): Admin, CsrfForm(f): CsrfForm<StaffForm>) -> Result<Response, PageError> {
    let role = Role::parse(&f.role).unwrap_or(Role::Citizen);
    match accounts::create_staff(&s.db, &admin.actor(), &f.username, &f.full_name, &f.password, &[(role, Some(f.org_unit))]).await {
        Ok(_) => Ok(Redirect::to("/quan-tri/can-bo").into_response()),
        Err(e @ (Error::Invalid { .. } | Error::Conflict { .. })) => {
            let status = tinhso_web::error::status_of(&e);
            Ok((status, staff_view(&s, chrome, e.public_message()).await?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantRequest {
    /// one_stop_officer | processing_officer | approver | leader | data_steward | admin
    pub role: String,
    /// Org-unit code the role is bound to, e.g. 000.00.04.H55.
    pub org_unit: String,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffRequest {
    pub username: String,
    pub full_name: String,
    pub password: String,
    pub roles: Vec<GrantRequest>,
}

fn parse_grants(grants: Vec<GrantRequest>) -> Result<Vec<(Role, Option<String>)>, Error> {
    grants
        .into_iter()
        .map(|g| Role::parse(&g.role).map(|r| (r, Some(g.org_unit))).ok_or_else(|| Error::invalid("invalid_roles", "Vai trò", format!("không có vai trò '{}'.", g.role))))
        .collect()
}

/// Staff accounts with their roles (administrators).
#[utoipa::path(get, path = "/api/v1/admin/staff", tag = "identity", responses((status = 200), (status = 403, description = "forbidden")))]
pub async fn api_list(State(s): State<AppState>, _admin: Admin) -> Result<Json<Vec<Principal>>, ApiError> {
    Ok(Json(accounts::list_staff(&s.db).await?))
}

/// Create a staff account with its roles (administrators).
#[utoipa::path(post, path = "/api/v1/admin/staff", tag = "identity", request_body = StaffRequest,
    responses((status = 201), (status = 409, description = "account_exists"), (status = 422, description = "invalid input")))]
pub async fn api_create(State(s): State<AppState>, Admin(admin): Admin, ApiJson(req): ApiJson<StaffRequest>) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let grants = parse_grants(req.roles)?;
    let id = accounts::create_staff(&s.db, &admin.actor(), &req.username, &req.full_name, &req.password, &grants).await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({"id": id}))))
}

/// Grant a role at an org unit to a staff account (administrators).
#[utoipa::path(post, path = "/api/v1/admin/staff/{id}/roles", tag = "identity", request_body = GrantRequest, params(("id" = String, Path)),
    responses((status = 204), (status = 404, description = "not_found"), (status = 409, description = "role_exists")))]
pub async fn api_grant(State(s): State<AppState>, Admin(admin): Admin, Path(id): Path<uuid::Uuid>, ApiJson(req): ApiJson<GrantRequest>) -> Result<StatusCode, ApiError> {
    let (role, unit) = parse_grants(vec![req])?.remove(0);
    accounts::grant_role(&s.db, &admin.actor(), id, role, unit.as_deref().unwrap_or_default()).await?;
    Ok(StatusCode::NO_CONTENT)
}
