//! Pages of reported indicators, `/chi-so/bao-cao`: an agency's officer reports the value of
//! an indicator its unit leads or implements, for a month, with a note and an evidence file,
//! and follows the review of what its units sent; the lead agency's approvers and leaders see
//! the reports waiting for them and approve or return them (with a reason) after a
//! confirmation page. Everything works without JavaScript.
use crate::reports::{ReportRow, Reportable, staff_units};
use crate::service::{Indicators, NewValue};
use askama::Template;
use axum::extract::{DefaultBodyLimit, FromRef, Multipart, Path, Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use sea_orm::DatabaseConnection;
use std::sync::Arc;
use tinhso_core::Error;
use tinhso_dossier::documents::upload::{MAX_BODY_BYTES, MAX_FILE_BYTES};
use tinhso_web::{Chrome, CsrfForm, PageError, SignedIn, render};
use uuid::Uuid;

pub fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Indicators>: FromRef<S>,
    DatabaseConnection: FromRef<S>,
{
    Router::new()
        .route("/chi-so/bao-cao", get(page).post(submit).layer(DefaultBodyLimit::max(MAX_BODY_BYTES)))
        .route("/chi-so/bao-cao/{id}", get(one))
        .route("/chi-so/bao-cao/{id}/xem-xet", post(review))
        .route("/chi-so/bao-cao/{id}/minh-chung", get(evidence))
}

/// What a report form carries (the API's and the page's).
#[derive(Debug, Default)]
pub struct ValueForm {
    pub indicator: String,
    pub value: NewValue,
    pub csrf: Option<String>,
}

/// Reads a report form; the value must be a number (a comma is a decimal point).
pub async fn read_form(mut form: Multipart) -> Result<ValueForm, Error> {
    let bad = |e: axum::extract::multipart::MultipartError| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            Error::invalid("file_too_large", "Minh chứng", format!("tệp không quá {} MB.", MAX_FILE_BYTES / (1024 * 1024)))
        } else {
            Error::invalid("invalid_form", "", "Biểu mẫu multipart/form-data không hợp lệ.")
        }
    };
    let mut out = ValueForm::default();
    let mut raw = String::new();
    while let Some(field) = form.next_field().await.map_err(bad)? {
        match field.name().unwrap_or_default() {
            "indicator" => out.indicator = field.text().await.map_err(bad)?.trim().to_owned(),
            "period" => out.value.period = field.text().await.map_err(bad)?,
            "org" => out.value.org = field.text().await.map_err(bad)?,
            "value" => raw = field.text().await.map_err(bad)?,
            "note" => out.value.note = field.text().await.map_err(bad)?,
            "csrf_token" => out.csrf = Some(field.text().await.map_err(bad)?.trim().to_owned()),
            "file" => {
                let name = field.file_name().unwrap_or("minh-chung").to_owned();
                let bytes = field.bytes().await.map_err(bad)?.to_vec();
                if bytes.len() > MAX_FILE_BYTES {
                    return Err(Error::invalid("file_too_large", "Minh chứng", format!("tệp không quá {} MB.", MAX_FILE_BYTES / (1024 * 1024))));
                }
                out.value.evidence = Some((name, bytes));
            }
            _ => {}
        }
    }
    out.value.value = raw.trim().replace(',', ".").parse().map_err(|_| Error::invalid("invalid_value", "Giá trị", "phải là số."))?;
    Ok(out)
}

pub fn number(v: &Option<f64>) -> String {
    v.map(|v| format!("{v}").replace('.', ",")).unwrap_or_else(|| "—".into())
}

pub fn when(t: &chrono::DateTime<chrono::Utc>) -> String {
    t.with_timezone(&tinhso_core::calendar::vietnam()).format("%H:%M %d/%m/%Y").to_string()
}

#[derive(Template)]
#[template(path = "reports.html")]
struct ReportsPage {
    chrome: Chrome,
    reportable: Vec<Reportable>,
    units: Vec<(String, String)>,
    submitted: Vec<ReportRow>,
    pending: Vec<ReportRow>,
    period: String,
    done: &'static str,
}

#[derive(serde::Deserialize)]
struct Done {
    xong: Option<String>,
}

async fn page(chrome: Chrome, SignedIn(who): SignedIn, State(svc): State<Arc<Indicators>>, Query(q): Query<Done>) -> Result<Html<String>, PageError> {
    let fail = |e| PageError(e, Box::new(chrome.clone()));
    if staff_units(&who).is_empty() {
        return Err(fail(Error::Forbidden));
    }
    let reportable = svc.reportable(&who).await.map_err(fail)?;
    let mine = staff_units(&who);
    let units = tinhso_identity::org_units::list(svc.db()).await.map_err(fail)?.into_iter().filter(|u| reportable.iter().any(|r| r.org_codes.contains(&u.code)) && mine.contains(&u.code)).map(|u| (u.code, u.name)).collect();
    let submitted = svc.submitted(&who).await.map_err(fail)?;
    let pending = svc.pending_reviews(&who).await.map_err(fail)?;
    let done = match q.xong.as_deref() {
        Some("gui") => "Đã gửi số liệu. Số liệu được tính vào chỉ tiêu sau khi cơ quan chủ trì duyệt.",
        Some("duyet") => "Đã duyệt số liệu; số liệu được tính vào chỉ tiêu của kỳ.",
        Some("tra-lai") => "Đã trả lại số liệu cho đơn vị, kèm lý do.",
        _ => "",
    };
    render(&ReportsPage { chrome, reportable, units, submitted, pending, period: Indicators::current_period(), done })
}

async fn submit(chrome: Chrome, SignedIn(who): SignedIn, State(svc): State<Arc<Indicators>>, form: Multipart) -> Result<Response, PageError> {
    let fail = |e| PageError(e, Box::new(chrome.clone()));
    let f = read_form(form).await.map_err(fail)?;
    // A multipart form carries its CSRF token as a field; it must be this session's.
    if chrome.csrf.is_empty() || f.csrf.as_deref() != Some(chrome.csrf.as_str()) {
        return Err(fail(Error::invalid("csrf_failed", "", "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Hãy tải lại trang và thử lại.")));
    }
    svc.report(&who, &f.indicator, f.value).await.map_err(fail)?;
    Ok(Redirect::to("/chi-so/bao-cao?xong=gui").into_response())
}

#[derive(Template)]
#[template(path = "report_one.html")]
struct OnePage {
    chrome: Chrome,
    r: ReportRow,
    reviewer: bool,
}

async fn one(chrome: Chrome, SignedIn(who): SignedIn, State(svc): State<Arc<Indicators>>, Path(id): Path<Uuid>) -> Result<Html<String>, PageError> {
    let fail = |e| PageError(e, Box::new(chrome.clone()));
    let (r, reviewer) = svc.reported(&who, id).await.map_err(fail)?;
    render(&OnePage { chrome, r, reviewer })
}

#[derive(serde::Deserialize)]
struct Decision {
    decision: String,
    #[serde(default)]
    note: String,
}

async fn review(chrome: Chrome, SignedIn(who): SignedIn, State(svc): State<Arc<Indicators>>, Path(id): Path<Uuid>, CsrfForm(d): CsrfForm<Decision>) -> Result<Response, PageError> {
    let fail = |e| PageError(e, Box::new(chrome.clone()));
    let approve = match d.decision.as_str() {
        "approve" => true,
        "return" => false,
        _ => return Err(fail(Error::invalid("invalid_decision", "Quyết định", "chọn duyệt hoặc trả lại."))),
    };
    svc.review(&who, id, approve, &d.note).await.map_err(fail)?;
    Ok(Redirect::to(if approve { "/chi-so/bao-cao?xong=duyet" } else { "/chi-so/bao-cao?xong=tra-lai" }).into_response())
}

async fn evidence(chrome: Chrome, SignedIn(who): SignedIn, State(svc): State<Arc<Indicators>>, Path(id): Path<Uuid>) -> Result<Response, PageError> {
    let (name, bytes) = svc.evidence(&who, id).await.map_err(|e| PageError(e, Box::new(chrome.clone())))?;
    let mime = match name.rsplit('.').next().unwrap_or_default() {
        "pdf" => "application/pdf",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        _ => "application/octet-stream",
    };
    let ascii: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '.' || c == '-' { c } else { '_' }).collect();
    let disposition = format!("attachment; filename=\"{ascii}\"");
    Ok(([(header::CONTENT_TYPE, mime.to_owned()), (header::CONTENT_DISPOSITION, disposition), (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned())], bytes).into_response())
}
