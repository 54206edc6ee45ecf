//! CSRF protection. Each session holds a random token; every form carries it in a hidden
//! `csrf_token` field and every API call that relies on the session cookie sends it in the
//! `X-CSRF-Token` header.
use axum::body::Body;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use tinhso_core::Error;
use tower_sessions::Session;

const KEY: &str = "csrf";
pub const HEADER: &str = "x-csrf-token";

/// The session's token, created on first use.
pub async fn token(session: &Session) -> Result<String, Error> {
    if let Some(t) = session.get::<String>(KEY).await.map_err(Error::other)? {
        return Ok(t);
    }
    let mut bytes = [0u8; 24];
    rand::fill(&mut bytes);
    let t = hex::encode(bytes);
    session.insert(KEY, &t).await.map_err(Error::other)?;
    Ok(t)
}

/// Whether `given` is the session's token (for forms the `CsrfForm` extractor cannot read, such
/// as file uploads).
pub async fn valid(session: &Session, given: &str) -> bool {
    matches!(session.get::<String>(KEY).await, Ok(Some(t)) if !given.is_empty() && constant_time_eq(t.as_bytes(), given.as_bytes()))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn forbidden(api: bool) -> Response {
    let e = Error::invalid("csrf_failed", "", "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Hãy tải lại trang và thử lại.");
    let mut response = if api { crate::ApiError(e).into_response() } else { crate::PageError::from(e).into_response() };
    *response.status_mut() = axum::http::StatusCode::FORBIDDEN;
    response
}

/// A url-encoded form whose `csrf_token` field was checked against the session.
pub struct CsrfForm<T>(pub T);

#[derive(serde::Deserialize)]
struct TokenOnly {
    #[serde(default)]
    csrf_token: String,
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for CsrfForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let session = Session::from_request_parts(&mut parts, state).await.map_err(IntoResponse::into_response)?;
        let bytes = axum::body::Bytes::from_request(Request::from_parts(parts, body), state).await.map_err(IntoResponse::into_response)?;
        let t: TokenOnly = serde_urlencoded::from_bytes(&bytes).map_err(|_| forbidden(false))?;
        if !valid(&session, &t.csrf_token).await {
            return Err(forbidden(false));
        }
        serde_urlencoded::from_bytes(&bytes)
            .map(CsrfForm)
            .map_err(|e| crate::PageError::from(Error::invalid("invalid_form", "", format!("Biểu mẫu không hợp lệ: {e}"))).into_response())
    }
}

/// Middleware for the JSON API: a state-changing call under `/api/` that carries a signed-in
/// session must also carry the session's token in `X-CSRF-Token`. Signing in itself is exempt:
/// it proves who is calling by the password.
pub async fn api_guard(session: Session, req: Request<Body>, next: Next) -> Response {
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let path = req.uri().path();
    let guarded = path.starts_with("/api/") && !(path == "/api/v1/session" && req.method() == Method::POST);
    if unsafe_method && guarded && session.get::<uuid::Uuid>(crate::auth::USER_KEY).await.ok().flatten().is_some() {
        let given = req.headers().get(HEADER).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        if !valid(&session, &given).await {
            return forbidden(true);
        }
    }
    next.run(req).await
}
