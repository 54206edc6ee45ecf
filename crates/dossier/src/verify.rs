//! The public page that checks a result: by the verification code printed on it (or its QR
//! code), or by uploading the file. It shows no personal data.
use crate::Dossiers;
use crate::outputs::ResultCheck;
use crate::results::local_time;
use askama::Template;
use axum::extract::{FromRef, Multipart, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use axum::http::StatusCode;
use sea_orm::DatabaseConnection;
use std::sync::Arc;
use tinhso_core::Error;
use tinhso_web::{Chrome, PageError, render};

pub fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Dossiers>: FromRef<S>,
    DatabaseConnection: FromRef<S>,
{
    Router::new().route("/xac-minh", get(by_code).post(by_file))
}

#[derive(Template)]
#[template(path = "verify.html")]
struct VerifyPage {
    chrome: Chrome,
    code: String,
    found: Option<ResultCheck>,
    signed_at: String,
    error: String,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct CodeParams {
    ma: String,
}

fn page(chrome: Chrome, code: String, outcome: Result<ResultCheck, Error>) -> Result<Response, PageError> {
    let (found, error, status) = match outcome {
        Ok(r) => (Some(r), String::new(), StatusCode::OK),
        Err(e @ (Error::NotFound { .. } | Error::Invalid { .. })) => (None, e.public_message(), tinhso_web::error::status_of(&e)),
        Err(e) => return Err(e.into()),
    };
    let signed_at = found.as_ref().map(|r| local_time(r.signed_at)).unwrap_or_default();
    Ok((status, render(&VerifyPage { chrome, code, found, signed_at, error })?).into_response())
}

async fn by_code(chrome: Chrome, State(svc): State<Arc<Dossiers>>, Query(p): Query<CodeParams>) -> Result<Response, PageError> {
    if p.ma.trim().is_empty() {
        return Ok(render(&VerifyPage { chrome, code: String::new(), found: None, signed_at: String::new(), error: String::new() })?.into_response());
    }
    let outcome = svc.verify_code(&p.ma).await;
    page(chrome, p.ma.trim().to_uppercase(), outcome)
}

async fn by_file(chrome: Chrome, State(svc): State<Arc<Dossiers>>, mut form: Multipart) -> Result<Response, PageError> {
    let mut bytes = Vec::new();
    while let Some(field) = form.next_field().await.map_err(|_| Error::invalid("invalid_upload", "Tệp", "không đọc được tệp tải lên."))? {
        if field.name() == Some("tep") {
            bytes = field.bytes().await.map_err(|_| Error::invalid("invalid_upload", "Tệp", "tệp quá lớn hoặc bị gián đoạn khi tải lên."))?.to_vec();
        }
    }
    let outcome = if bytes.is_empty() { Err(Error::invalid("invalid_upload", "Tệp", "chọn tệp PDF kết quả cần kiểm tra.")) } else { svc.verify_file(&bytes).await };
    page(chrome, String::new(), outcome)
}

