//! Domain errors to HTTP, in one place. The API answers `{"error":{"code","message"}}`; pages
//! answer a Vietnamese message page. Internal details are logged, never shown.
use crate::page::{Chrome, MessagePage, render_page};
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use tinhso_core::Error;

pub fn status_of(e: &Error) -> StatusCode {
    match e {
        Error::NotFound { .. } => StatusCode::NOT_FOUND,
        Error::Conflict { .. } => StatusCode::CONFLICT,
        Error::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        Error::Unauthorized => StatusCode::UNAUTHORIZED,
        Error::Forbidden => StatusCode::FORBIDDEN,
        Error::RateLimited => StatusCode::TOO_MANY_REQUESTS,
        Error::Other(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

fn log_internal(e: &Error) {
    if let Error::Other(inner) = e {
        tracing::error!(error = %inner, "internal error");
    }
}

/// An error answered as JSON.
#[derive(Debug)]
pub struct ApiError(pub Error);

impl<E: Into<Error>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

/// The JSON body of every API error.
pub fn error_body(code: &str, message: &str) -> serde_json::Value {
    serde_json::json!({"error": {"code": code, "message": message}})
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        log_internal(&self.0);
        let body = error_body(self.0.code(), &self.0.public_message());
        (status_of(&self.0), Json(body)).into_response()
    }
}

/// An error answered as a page; a page that needs a signed-in person sends them to sign in.
#[derive(Debug)]
pub struct PageError(pub Error, pub Box<Chrome>);

impl<E: Into<Error>> From<E> for PageError {
    fn from(e: E) -> Self {
        PageError(e.into(), Box::default())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        log_internal(&self.0);
        if matches!(self.0, Error::Unauthorized) {
            return Redirect::to("/dang-nhap").into_response();
        }
        let status = status_of(&self.0);
        let title = match status {
            StatusCode::NOT_FOUND => "Không tìm thấy",
            StatusCode::FORBIDDEN => "Không có quyền truy cập",
            s if s.is_server_error() => "Hệ thống gặp sự cố",
            _ => "Không thực hiện được",
        };
        let page = MessagePage { chrome: *self.1, title: title.into(), message: self.0.public_message(), code: self.0.code().into() };
        (status, render_page(&page)).into_response()
    }
}
