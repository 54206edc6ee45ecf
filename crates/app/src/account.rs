//! Signing in and out, registration of citizens and businesses, and the account page; as
//! pages (with CSRF-checked forms) and as JSON API.
use crate::AppState;
use askama::Template;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use std::net::SocketAddr;
use tinhso_core::{Error, roles::Role};
use tinhso_identity::Principal;
use tinhso_identity::accounts::{self, AccountKind};
use tinhso_web::auth::USER_KEY;
use tinhso_web::{ApiError, ApiJson, Chrome, CsrfForm, PageError, SignedIn, render};
use tower_sessions::Session;

pub fn page_router() -> Router<AppState> {
    Router::new()
        .route("/dang-nhap", get(login_page).post(login_submit))
        .route("/dang-xuat", post(logout_submit))
        .route("/dang-ky", get(register_page).post(register_submit))
        .route("/tai-khoan", get(account_page))
}

pub fn api_router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/session", get(api_me).post(api_login).delete(api_logout))
        .route("/api/v1/accounts", post(api_register))
}

/// What each role may do, shown on the account page and in the README.
pub fn abilities(role: Role) -> &'static str {
    match role {
        Role::Citizen => "Tra cứu thủ tục, nộp và theo dõi hồ sơ của mình, xem ai đã truy cập dữ liệu của mình.",
        Role::OneStopOfficer => "Tiếp nhận, kiểm tra hồ sơ và trả kết quả tại bộ phận một cửa của đơn vị.",
        Role::ProcessingOfficer => "Xử lý hồ sơ được phân công của đơn vị.",
        Role::Approver => "Phê duyệt và ký kết quả giải quyết hồ sơ của đơn vị.",
        Role::Leader => "Theo dõi số liệu điều hành, chỉ tiêu và nhiệm vụ của toàn tỉnh.",
        Role::DataSteward => "Quản lý danh mục thủ tục hành chính và dữ liệu của đơn vị (thêm, sửa, bãi bỏ).",
        Role::Admin => "Tạo tài khoản cán bộ, phân quyền, xem nhật ký hệ thống.",
    }
}

async fn sign_in(session: &Session, who: &Principal) -> Result<(), Error> {
    // A new session id at sign-in, so an id planted before cannot be reused.
    session.cycle_id().await.map_err(Error::other)?;
    session.insert(USER_KEY, who.user_id).await.map_err(Error::other)?;
    Ok(())
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    chrome: Chrome,
    error: String,
    login: String,
    tiep: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ReturnTo {
    tiep: String,
}

async fn login_page(chrome: Chrome, Query(r): Query<ReturnTo>) -> Result<Html<String>, PageError> {
    let tiep = tinhso_web::safe_return(&r.tiep).unwrap_or_default().to_owned();
    render(&LoginPage { chrome, error: String::new(), login: String::new(), tiep })
}

#[derive(Deserialize)]
struct LoginForm {
    login: String,
    password: String,
    #[serde(default)]
    tiep: String,
}

async fn login_submit(State(s): State<AppState>, chrome: Chrome, session: Session, ConnectInfo(addr): ConnectInfo<SocketAddr>, CsrfForm(form): CsrfForm<LoginForm>) -> Result<Response, PageError> {
    match accounts::authenticate(&s.db, &form.login, &form.password, &addr.ip().to_string()).await {
        Ok(who) => {
            sign_in(&session, &who).await?;
            Ok(Redirect::to(tinhso_web::safe_return(&form.tiep).unwrap_or("/tai-khoan")).into_response())
        }
        Err(e @ (Error::Invalid { .. } | Error::RateLimited)) => {
            let status = tinhso_web::error::status_of(&e);
            let tiep = tinhso_web::safe_return(&form.tiep).unwrap_or_default().to_owned();
            let page = render(&LoginPage { chrome, error: e.public_message(), login: form.login, tiep })?;
            Ok((status, page).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

async fn logout_submit(session: Session, CsrfForm(_): CsrfForm<serde_json::Value>) -> Result<Redirect, PageError> {
    session.flush().await.map_err(Error::other)?;
    Ok(Redirect::to("/"))
}

#[derive(Template)]
#[template(path = "register.html")]
struct RegisterPage {
    chrome: Chrome,
    error: String,
    form: RegisterForm,
}

#[derive(Deserialize, Default)]
struct RegisterForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    login: String,
    #[serde(default)]
    full_name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_again: String,
}

async fn register_page(chrome: Chrome) -> Result<Html<String>, PageError> {
    render(&RegisterPage { chrome, error: String::new(), form: RegisterForm { kind: "citizen".into(), ..Default::default() } })
}

fn kind_of(s: &str) -> AccountKind {
    if s == "business" { AccountKind::Business } else { AccountKind::Citizen }
}

async fn register_submit(State(s): State<AppState>, chrome: Chrome, session: Session, CsrfForm(mut form): CsrfForm<RegisterForm>) -> Result<Response, PageError> {
    let result = if form.password != form.password_again {
        Err(Error::invalid("password_mismatch", "Mật khẩu", "hai lần nhập không giống nhau."))
    } else {
        accounts::register(&s.db, kind_of(&form.kind), &form.login, &form.full_name, &form.password).await
    };
    match result {
        Ok(id) => {
            sign_in(&session, &accounts::principal(&s.db, id).await?).await?;
            Ok(Redirect::to("/tai-khoan").into_response())
        }
        Err(e @ (Error::Invalid { .. } | Error::Conflict { .. })) => {
            form.password.clear();
            form.password_again.clear();
            let status = tinhso_web::error::status_of(&e);
            Ok((status, render(&RegisterPage { chrome, error: e.public_message(), form })?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

struct RoleLine {
    label: &'static str,
    unit: String,
    abilities: &'static str,
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    chrome: Chrome,
    roles: Vec<RoleLine>,
}

async fn account_page(chrome: Chrome, SignedIn(who): SignedIn) -> Result<Html<String>, PageError> {
    let roles = who
        .roles
        .iter()
        .map(|g| RoleLine { label: g.role.label(), unit: g.org_unit_name.clone().unwrap_or_default(), abilities: abilities(g.role) })
        .collect();
    render(&AccountPage { chrome, roles })
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// Personal id number (citizen), tax code (business) or user name (staff).
    pub login: String,
    pub password: String,
}

/// Sign in; the answer carries the CSRF token to send in `X-CSRF-Token` on later changes.
#[utoipa::path(post, path = "/api/v1/session", tag = "identity", request_body = LoginRequest,
    responses((status = 200, description = "signed in"), (status = 422, description = "bad_credentials"), (status = 429, description = "rate_limited")))]
pub async fn api_login(State(s): State<AppState>, session: Session, ConnectInfo(addr): ConnectInfo<SocketAddr>, ApiJson(req): ApiJson<LoginRequest>) -> Result<Json<serde_json::Value>, ApiError> {
    let who = accounts::authenticate(&s.db, &req.login, &req.password, &addr.ip().to_string()).await?;
    sign_in(&session, &who).await?;
    let csrf = tinhso_web::csrf::token(&session).await?;
    Ok(Json(serde_json::json!({"user": who, "csrf_token": csrf})))
}

/// The signed-in person and their roles.
#[utoipa::path(get, path = "/api/v1/session", tag = "identity", responses((status = 200), (status = 401, description = "unauthorized")))]
pub async fn api_me(SignedIn(who): SignedIn) -> Json<Principal> {
    Json(who)
}

/// Sign out.
#[utoipa::path(delete, path = "/api/v1/session", tag = "identity", responses((status = 204)))]
pub async fn api_logout(session: Session) -> Result<StatusCode, ApiError> {
    session.flush().await.map_err(Error::other)?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    /// citizen | business
    pub kind: String,
    /// Personal id number (12 digits) or tax code.
    pub login: String,
    pub full_name: String,
    pub password: String,
}

/// Register a citizen (by personal id number) or a business (by tax code).
#[utoipa::path(post, path = "/api/v1/accounts", tag = "identity", request_body = RegisterRequest,
    responses((status = 201), (status = 409, description = "account_exists"), (status = 422, description = "invalid_personal_id, invalid_tax_code, weak_password")))]
pub async fn api_register(State(s): State<AppState>, ApiJson(req): ApiJson<RegisterRequest>) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    if req.kind != "citizen" && req.kind != "business" {
        return Err(Error::invalid("invalid_kind", "kind", "chỉ nhận 'citizen' hoặc 'business'.").into());
    }
    let id = accounts::register(&s.db, kind_of(&req.kind), &req.login, &req.full_name, &req.password).await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({"id": id}))))
}

