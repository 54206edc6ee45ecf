//! HTTP entries: the gateway `/x/{member}/{subsystem}/{service}/…`, the consumer's catalogue
//! `/x/allowed`, and the registry, traffic, access-log and prefill API under `/api/v1`.
use crate::Exchange;
use crate::certificates::ClientCertificate;
use crate::gateway::{Answer, Auth, Call};
use crate::grants::Decision;
use crate::model::*;
use axum::extract::{FromRef, Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::{Json, Router};
use sea_orm::DatabaseConnection;
use std::sync::Arc;
use tinhso_core::Error;
use tinhso_web::{ApiError, ApiJson, SignedIn};

pub fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Exchange>: FromRef<S>,
    Arc<tinhso_catalog::Catalog>: FromRef<S>,
    Arc<tinhso_dossier::Dossiers>: FromRef<S>,
    DatabaseConnection: FromRef<S>,
{
    Router::new()
        .route("/api/v1/exchange/subsystems", get(list_subsystems).post(register_subsystem))
        .route("/api/v1/exchange/subsystems/{id}/services", post(register_service))
        .route("/api/v1/exchange/subsystems/{id}/keys", get(list_keys).post(issue_key))
        .route("/api/v1/exchange/subsystems/{id}/certificates", post(crate::certificates::register))
        .route("/api/v1/exchange/keys/{id}/revoke", post(revoke_key))
        .route("/api/v1/exchange/keys/{id}/rotate", post(rotate_key))
        .route("/api/v1/exchange/services", get(list_services))
        .route("/api/v1/exchange/services/{id}", post(change_service))
        .route("/api/v1/exchange/grants", get(list_grants).post(request_access))
        .route("/api/v1/exchange/grants/{id}/{decision}", post(decide))
        .route("/api/v1/exchange/traffic", get(crate::stats::api))
        .route("/api/v1/exchange/digests", get(crate::digest::api_list).post(crate::digest::api_sign))
        .route("/api/v1/me/access-log", get(crate::access::api))
        .route("/api/v1/prefill", get(crate::prefill::api))
        .merge(crate::pages::router())
}

/// The gateway's own routes, `/x/…`. The app serves them without the pages' middleware: the
/// gateway authenticates, limits, times out, identifies and logs each call itself.
pub fn gateway_router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Exchange>: FromRef<S>,
{
    Router::new()
        .route("/x/allowed", get(allowed))
        .route("/x/{member}/{subsystem}/{service}", any(gateway))
        .route("/x/{member}/{subsystem}/{service}/{*path}", any(gateway))
}

fn header_text(h: &HeaderMap, name: &str) -> String {
    h.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().trim().to_owned()
}

fn credential(h: &HeaderMap) -> Option<String> {
    let bearer = header_text(h, "authorization");
    let key = bearer.strip_prefix("Bearer ").map(str::trim).map(str::to_owned).unwrap_or_else(|| header_text(h, "x-tinhso-key"));
    (!key.is_empty()).then_some(key)
}

/// A request id we can put back in a header: the one set for this request, or a new one.
fn request_id(h: &HeaderMap) -> String {
    let given = header_text(h, "x-request-id");
    if !given.is_empty() && given.len() <= 64 && given.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') { given } else { tinhso_core::new_id().to_string() }
}

pub fn into_response(a: Answer, request_id: &str) -> Response {
    let mut r = (a.status, a.headers, a.body).into_response();
    if let Ok(v) = HeaderValue::from_str(request_id) {
        r.headers_mut().insert("x-request-id", v);
    }
    r
}

/// The gateway. The path after `/x/` names the provider member, its subsystem and the service.
pub async fn gateway(State(ex): State<Arc<Exchange>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let raw = parts.uri.path().strip_prefix("/x/").unwrap_or_default();
    let mut segs = raw.splitn(4, '/');
    let (member, subsystem, service) = (segs.next().unwrap_or_default(), segs.next().unwrap_or_default(), segs.next().unwrap_or_default());
    let rest = segs.next().map(|r| format!("/{r}")).unwrap_or_default();
    let h = &parts.headers;
    let rid = request_id(h);
    let call = Call {
        request_id: rid.clone(),
        client: header_text(h, "x-tinhso-client"),
        service: format!("{member}/{subsystem}/{service}"),
        path: rest,
        query: parts.uri.query().map(str::to_owned),
        method: parts.method.clone(),
        purpose: h.get("x-tinhso-purpose").map(|v| v.as_bytes().to_vec()).unwrap_or_default(),
        subject: header_text(h, "x-tinhso-subject"),
        headers: parts.headers.clone(),
    };
    into_response(ex.call(auth(&parts), call, Some(body)).await, &rid)
}

/// An API key when one is sent; otherwise the client certificate of a mutual-TLS connection.
fn auth(parts: &axum::http::request::Parts) -> Auth {
    match (credential(&parts.headers), parts.extensions.get::<ClientCertificate>()) {
        (None, Some(cert)) => Auth::Certificate(cert.0.clone()),
        (key, _) => Auth::Key(key),
    }
}

/// The services the calling subsystem may use now (X-Road's `allowedMethods`); the caller
/// authenticates as for the gateway.
pub async fn allowed(State(ex): State<Arc<Exchange>>, req: Request) -> Result<Json<Vec<Allowed>>, Response> {
    let refuse = |code: &str, msg: &str| (StatusCode::UNAUTHORIZED, Json(tinhso_web::error::error_body(code, msg))).into_response();
    let (parts, _) = req.into_parts();
    let client = header_text(&parts.headers, "x-tinhso-client");
    let auth = auth(&parts);
    if matches!(auth, Auth::Key(None)) {
        return Err(refuse("missing_credential", "Thiếu khóa truy cập hoặc chứng thư số."));
    }
    let id = ex.consumer_for(&client, &auth).await.map_err(|e| ApiError(e).into_response())?.ok_or_else(|| refuse("invalid_credential", "Khóa truy cập hoặc chứng thư số không đúng, hoặc không thuộc hệ thống đã nêu."))?;
    Ok(Json(ex.allowed(id).await.map_err(|e| ApiError(e).into_response())?))
}

impl Exchange {
    /// The consumer a key or a client certificate belongs to, when it is the named one.
    pub async fn consumer_for(&self, client: &str, auth: &Auth) -> tinhso_core::Result<Option<uuid::Uuid>> {
        let snap = self.cache.get(&self.db).await?;
        let owner = match auth {
            Auth::Key(Some(key)) => snap.keys.get(&crate::registry::key_hash(key)).copied(),
            Auth::Certificate(fingerprint) => snap.certificates.get(fingerprint).copied(),
            Auth::Key(None) | Auth::Internal => None,
        };
        Ok(snap.subsystems.get(client).filter(|s| s.active && Some(s.id) == owner).map(|s| s.id))
    }
}

#[utoipa::path(get, path = "/api/v1/exchange/subsystems", tag = "exchange", responses((status = 200, body = [Subsystem])))]
pub async fn list_subsystems(State(ex): State<Arc<Exchange>>, SignedIn(_who): SignedIn) -> Result<Json<Vec<Subsystem>>, ApiError> {
    Ok(Json(ex.subsystems().await?))
}

#[utoipa::path(post, path = "/api/v1/exchange/subsystems", tag = "exchange", request_body = NewSubsystem, responses((status = 201, body = Subsystem), (status = 403, description = "forbidden"), (status = 409, description = "subsystem_exists")))]
pub async fn register_subsystem(State(ex): State<Arc<Exchange>>, SignedIn(who): SignedIn, ApiJson(req): ApiJson<NewSubsystem>) -> Result<(StatusCode, Json<Subsystem>), ApiError> {
    Ok((StatusCode::CREATED, Json(ex.register_subsystem(&who, req).await?)))
}

#[utoipa::path(post, path = "/api/v1/exchange/subsystems/{id}/services", tag = "exchange", params(("id" = String, Path)), request_body = NewService, responses((status = 201, body = Service), (status = 403, description = "forbidden")))]
pub async fn register_service(State(ex): State<Arc<Exchange>>, SignedIn(who): SignedIn, Path(id): Path<uuid::Uuid>, ApiJson(req): ApiJson<NewService>) -> Result<(StatusCode, Json<Service>), ApiError> {
    Ok((StatusCode::CREATED, Json(ex.register_service(&who, id, req).await?)))
}

#[utoipa::path(get, path = "/api/v1/exchange/services", tag = "exchange", responses((status = 200, body = [Service])))]
pub async fn list_services(State(ex): State<Arc<Exchange>>, SignedIn(_who): SignedIn) -> Result<Json<Vec<Service>>, ApiError> {
    Ok(Json(ex.services().await?))
}

#[utoipa::path(post, path = "/api/v1/exchange/services/{id}", tag = "exchange", params(("id" = String, Path)), request_body = ServiceChange, responses((status = 200, body = Service)))]
pub async fn change_service(State(ex): State<Arc<Exchange>>, SignedIn(who): SignedIn, Path(id): Path<uuid::Uuid>, ApiJson(req): ApiJson<ServiceChange>) -> Result<Json<Service>, ApiError> {
    Ok(Json(ex.change_service(&who, id, req).await?))
}

#[utoipa::path(get, path = "/api/v1/exchange/subsystems/{id}/keys", tag = "exchange", params(("id" = String, Path)), responses((status = 200, body = [Credential])))]
pub async fn list_keys(State(ex): State<Arc<Exchange>>, SignedIn(who): SignedIn, Path(id): Path<uuid::Uuid>) -> Result<Json<Vec<Credential>>, ApiError> {
    Ok(Json(ex.credentials(&who, id).await?))
}

/// Issues an API key; the key is in this answer only.
#[utoipa::path(post, path = "/api/v1/exchange/subsystems/{id}/keys", tag = "exchange", params(("id" = String, Path)), responses((status = 201, body = IssuedKey)))]
pub async fn issue_key(State(ex): State<Arc<Exchange>>, SignedIn(who): SignedIn, Path(id): Path<uuid::Uuid>) -> Result<(StatusCode, Json<IssuedKey>), ApiError> {
    Ok((StatusCode::CREATED, Json(ex.issue_key(&who, id).await?)))
}

#[utoipa::path(post, path = "/api/v1/exchange/keys/{id}/revoke", tag = "exchange", params(("id" = String, Path)), responses((status = 200, body = Credential)))]
pub async fn revoke_key(State(ex): State<Arc<Exchange>>, SignedIn(who): SignedIn, Path(id): Path<uuid::Uuid>) -> Result<Json<Credential>, ApiError> {
    Ok(Json(ex.revoke_key(&who, id).await?))
}

#[utoipa::path(post, path = "/api/v1/exchange/keys/{id}/rotate", tag = "exchange", params(("id" = String, Path)), responses((status = 201, body = IssuedKey)))]
pub async fn rotate_key(State(ex): State<Arc<Exchange>>, SignedIn(who): SignedIn, Path(id): Path<uuid::Uuid>) -> Result<(StatusCode, Json<IssuedKey>), ApiError> {
    Ok((StatusCode::CREATED, Json(ex.rotate_key(&who, id).await?)))
}

#[utoipa::path(get, path = "/api/v1/exchange/grants", tag = "exchange", responses((status = 200, body = [Grant])))]
pub async fn list_grants(State(ex): State<Arc<Exchange>>, SignedIn(who): SignedIn) -> Result<Json<Vec<Grant>>, ApiError> {
    Ok(Json(ex.grants_for(&who).await?))
}

#[utoipa::path(post, path = "/api/v1/exchange/grants", tag = "exchange", request_body = AccessRequest, responses((status = 201, body = Grant)))]
pub async fn request_access(State(ex): State<Arc<Exchange>>, SignedIn(who): SignedIn, ApiJson(req): ApiJson<AccessRequest>) -> Result<(StatusCode, Json<Grant>), ApiError> {
    Ok((StatusCode::CREATED, Json(ex.request_access(&who, req).await?)))
}

/// `decision`: approve | reject | revoke.
#[utoipa::path(post, path = "/api/v1/exchange/grants/{id}/{decision}", tag = "exchange", params(("id" = String, Path), ("decision" = String, Path)), responses((status = 200, body = Grant), (status = 409, description = "invalid_grant_state")))]
pub async fn decide(State(ex): State<Arc<Exchange>>, SignedIn(who): SignedIn, Path((id, decision)): Path<(uuid::Uuid, String)>) -> Result<Json<Grant>, ApiError> {
    let d = Decision::parse(&decision).ok_or_else(|| Error::not_found("thao tác"))?;
    Ok(Json(ex.decide(&who, id, d).await?))
}
