//! `/tra-cuu-ho-so`: anyone follows a dossier by its code with the applicant's phone or personal
//! id number. The contact is posted, never put in the address, and the answer shows no
//! personal data: only the procedure, the state and the dates.
use crate::Dossiers;
use crate::outputs::PublicStatus;
use crate::results::local_time;
use askama::Template;
use axum::extract::{ConnectInfo, Form, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use std::net::SocketAddr;
use std::sync::Arc;
use tinhso_core::Error;
use tinhso_web::{Chrome, PageError, render};

#[derive(Template)]
#[template(path = "track.html")]
struct TrackPage {
    chrome: Chrome,
    code: String,
    found: Option<PublicStatus>,
    received: String,
    due: String,
    finished: String,
    error: String,
}

fn empty(chrome: Chrome, code: String, error: String) -> TrackPage {
    TrackPage { chrome, code, found: None, received: String::new(), due: String::new(), finished: String::new(), error }
}

pub async fn form(chrome: Chrome) -> Result<Response, PageError> {
    Ok(render(&empty(chrome, String::new(), String::new()))?.into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TrackForm {
    ma: String,
    lien_he: String,
}

pub async fn lookup(chrome: Chrome, State(svc): State<Arc<Dossiers>>, ConnectInfo(addr): ConnectInfo<SocketAddr>, Form(f): Form<TrackForm>) -> Result<Response, PageError> {
    let code = f.ma.trim().to_uppercase();
    if code.is_empty() || f.lien_he.trim().is_empty() {
        let e = Error::invalid("missing_fields", "", "Hãy nhập mã hồ sơ và số điện thoại (hoặc số định danh cá nhân) đã khai khi nộp.");
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&empty(chrome, code, e.public_message()))?).into_response());
    }
    match svc.lookup(&code, &f.lien_he, &addr.ip().to_string()).await {
        Ok(s) => {
            let when = |t: Option<chrono::DateTime<chrono::Utc>>| t.map(local_time).unwrap_or_default();
            let page = TrackPage { received: when(s.received_at), due: when(s.due_at), finished: when(s.finished_at), found: Some(s), code, error: String::new(), chrome };
            Ok(render(&page)?.into_response())
        }
        Err(e @ Error::RateLimited) => Ok((StatusCode::TOO_MANY_REQUESTS, render(&empty(chrome, code, e.public_message()))?).into_response()),
        Err(e @ Error::NotFound { .. }) => Ok((StatusCode::NOT_FOUND, render(&empty(chrome, code, e.public_message()))?).into_response()),
        Err(e) => Err(e.into()),
    }
}
