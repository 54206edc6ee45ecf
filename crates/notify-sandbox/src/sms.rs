//! The SMS gateway sandbox, shaped like the brandname SMS APIs of Vietnamese carriers and
//! aggregators: `POST /sms/send` with the key in `X-Api-Key` and a JSON body
//! `{to, text, brandname, request_id}`. It checks what a real gateway checks (key, registered
//! brandname, a Vietnamese mobile number, text length), counts segments as a carrier bills
//! them, refuses to send the same `request_id` twice, and keeps the messages in memory for
//! `GET /messages` instead of delivering them.
use crate::{KEEP, OutageRequest, ctrl_c, json_error};
use axum::extract::rejection::JsonRejection;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::task::JoinHandle;

/// Longest text accepted: 10 segments of Unicode SMS, as gateways cap concatenated messages.
const MAX_TEXT_CHARS: usize = 670;

#[derive(Clone, Deserialize)]
pub struct SmsSandboxConfig {
    /// The key clients must send in `X-Api-Key`.
    pub api_key: String,
    /// Sender names registered with the carriers; a send under another name is refused.
    pub brandnames: Vec<String>,
}

impl std::fmt::Debug for SmsSandboxConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmsSandboxConfig").field("api_key", &"***").field("brandnames", &self.brandnames).finish()
    }
}

/// What a client asks the gateway to send.
#[derive(Debug, Deserialize)]
pub struct SendRequest {
    /// `84…` or `0…`, a Vietnamese mobile number.
    pub to: String,
    pub text: String,
    pub brandname: String,
    /// The client's id for this message: a retry with the same id is not sent again.
    #[serde(default)]
    pub request_id: Option<String>,
}

/// The gateway's answer to an accepted send.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SendResponse {
    pub message_id: String,
    pub status: String,
    pub segments: u32,
    /// True when `request_id` had been sent before: nothing new went out.
    pub duplicate: bool,
}

/// A message as the sandbox would have handed it to the carrier.
#[derive(Debug, Clone, Serialize)]
pub struct Sms {
    pub message_id: String,
    pub request_id: Option<String>,
    /// Normalised to `84…`.
    pub to: String,
    pub brandname: String,
    pub text: String,
    /// `gsm7` or `ucs2`: Vietnamese with diacritics needs UCS-2, 70 characters a segment.
    pub encoding: &'static str,
    pub segments: u32,
    pub received_at: DateTime<Utc>,
}

struct Gateway {
    config: SmsSandboxConfig,
    messages: Mutex<VecDeque<Sms>>,
    unavailable: AtomicBool,
    next: AtomicU64,
}

type Shared = Arc<Gateway>;

/// A running gateway: where it listens, and its state for tests in the same process.
pub struct SmsSandbox {
    pub addr: SocketAddr,
    gateway: Shared,
    task: JoinHandle<()>,
}

impl SmsSandbox {
    pub fn messages(&self) -> Vec<Sms> {
        self.gateway.all()
    }

    /// While unavailable, every send is answered `503`, as a gateway under maintenance does.
    pub fn set_unavailable(&self, unavailable: bool) {
        self.gateway.unavailable.store(unavailable, Ordering::Relaxed);
    }

    pub fn stop(&self) {
        self.task.abort();
    }
}

impl Gateway {
    fn all(&self) -> Vec<Sms> {
        self.messages.lock().map(|m| m.iter().cloned().collect()).unwrap_or_default()
    }
}

/// A Vietnamese mobile number in the `84…` form carriers route on, or `None`.
pub fn normalize_number(to: &str) -> Option<String> {
    let digits: String = to.chars().filter(|c| !matches!(c, ' ' | '.' | '-')).collect();
    let digits = digits.strip_prefix('+').unwrap_or(&digits);
    let national = digits.strip_prefix("84").filter(|n| n.len() == 9).or_else(|| digits.strip_prefix('0').filter(|n| n.len() == 9))?;
    // Mobile ranges since the 2018 renumbering start with 3, 5, 7, 8 or 9.
    let mobile = national.bytes().all(|b| b.is_ascii_digit()) && matches!(national.as_bytes().first(), Some(b'3' | b'5' | b'7' | b'8' | b'9'));
    mobile.then(|| format!("84{national}"))
}

/// How a carrier encodes and bills a text. Plain ASCII is taken as GSM 7-bit (close enough
/// for a sandbox); anything else, Vietnamese diacritics included, goes as UCS-2.
pub fn segments(text: &str) -> (&'static str, u32) {
    let chars = text.chars().count();
    let (encoding, single, part) = if text.is_ascii() { ("gsm7", 160, 153) } else { ("ucs2", 70, 67) };
    let n = if chars <= single { 1 } else { chars.div_ceil(part) };
    (encoding, u32::try_from(n).unwrap_or(u32::MAX))
}

/// The gateway's routes.
pub fn router(config: SmsSandboxConfig) -> anyhow::Result<Router> {
    Ok(routes(gateway(config)?))
}

fn gateway(config: SmsSandboxConfig) -> anyhow::Result<Shared> {
    anyhow::ensure!(!config.api_key.is_empty(), "the SMS sandbox needs an API key");
    Ok(Arc::new(Gateway { config, messages: Mutex::new(VecDeque::new()), unavailable: AtomicBool::new(false), next: AtomicU64::new(0) }))
}

fn routes(gateway: Shared) -> Router {
    Router::new()
        .route("/sms/send", post(send))
        .route("/messages", get(messages))
        .route("/sandbox/outage", post(outage))
        .with_state(gateway)
}

/// Starts the gateway on `listen` (port 0 picks a free port); returns at once.
pub async fn spawn(listen: &str, config: SmsSandboxConfig) -> anyhow::Result<SmsSandbox> {
    let gateway = gateway(config)?;
    let listener = tokio::net::TcpListener::bind(listen).await?;
    let addr = listener.local_addr()?;
    let app = routes(gateway.clone());
    let task = tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::warn!(error = %e, "SMS sandbox stopped");
        }
    });
    Ok(SmsSandbox { addr, gateway, task })
}

/// Runs the gateway as its own process until Ctrl-C: `tinhso sandbox sms`.
pub async fn serve(listen: &str, config: SmsSandboxConfig) -> anyhow::Result<()> {
    let app = router(config)?;
    let listener = tokio::net::TcpListener::bind(listen).await?;
    tracing::info!(addr = %listener.local_addr()?, "SMS gateway sandbox (synthetic, delivers nothing) listening");
    axum::serve(listener, app).with_graceful_shutdown(ctrl_c()).await?;
    Ok(())
}

async fn send(State(g): State<Shared>, headers: HeaderMap, body: Result<Json<SendRequest>, JsonRejection>) -> Response {
    if g.unavailable.load(Ordering::Relaxed) {
        return json_error(StatusCode::SERVICE_UNAVAILABLE, "unavailable", "Cổng SMS đang bảo trì, vui lòng gửi lại sau.");
    }
    let key = headers.get("x-api-key").and_then(|v| v.to_str().ok()).unwrap_or_default();
    if key != g.config.api_key {
        return json_error(StatusCode::UNAUTHORIZED, "unauthorized", "Khóa API không hợp lệ.");
    }
    let Ok(Json(req)) = body else {
        return json_error(StatusCode::BAD_REQUEST, "invalid_request", "Nội dung yêu cầu phải là JSON {to, text, brandname}.");
    };
    if !g.config.brandnames.contains(&req.brandname) {
        return json_error(StatusCode::BAD_REQUEST, "brandname_not_registered", "Tên định danh (brandname) chưa được đăng ký.");
    }
    let Some(to) = normalize_number(&req.to) else {
        return json_error(StatusCode::BAD_REQUEST, "invalid_number", "Số điện thoại nhận không phải số di động Việt Nam hợp lệ.");
    };
    let chars = req.text.chars().count();
    if req.text.trim().is_empty() || chars > MAX_TEXT_CHARS {
        return json_error(StatusCode::BAD_REQUEST, "invalid_text", "Nội dung tin nhắn trống hoặc quá dài.");
    }
    let Ok(mut store) = g.messages.lock() else {
        return json_error(StatusCode::INTERNAL_SERVER_ERROR, "internal", "Lỗi nội bộ của cổng thử nghiệm.");
    };
    if let Some(id) = req.request_id.as_deref()
        && let Some(done) = store.iter().find(|m| m.request_id.as_deref() == Some(id))
    {
        let answer = SendResponse { message_id: done.message_id.clone(), status: "accepted".into(), segments: done.segments, duplicate: true };
        return Json(answer).into_response();
    }
    let (encoding, segments) = segments(&req.text);
    let message_id = format!("SBX-SMS-{:06}", g.next.fetch_add(1, Ordering::Relaxed) + 1);
    if store.len() >= KEEP {
        store.pop_front();
    }
    store.push_back(Sms {
        message_id: message_id.clone(),
        request_id: req.request_id,
        to,
        brandname: req.brandname,
        text: req.text,
        encoding,
        segments,
        received_at: Utc::now(),
    });
    Json(SendResponse { message_id, status: "accepted".into(), segments, duplicate: false }).into_response()
}

async fn messages(State(g): State<Shared>) -> Json<Vec<Sms>> {
    Json(g.all())
}

async fn outage(State(g): State<Shared>, Json(req): Json<OutageRequest>) -> StatusCode {
    g.unavailable.store(req.unavailable, Ordering::Relaxed);
    StatusCode::NO_CONTENT
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_vietnamese_mobiles_in_international_form() {
        assert_eq!(normalize_number("0905 123 456").as_deref(), Some("84905123456"));
        assert_eq!(normalize_number("+84905123456").as_deref(), Some("84905123456"));
        assert_eq!(normalize_number("84-3-1234-5678").as_deref(), Some("84312345678"));
        assert_eq!(normalize_number("0243123456"), None, "a landline");
        assert_eq!(normalize_number("090512345"), None);
    }

    #[test]
    fn vietnamese_text_is_billed_as_unicode() {
        assert_eq!(segments("Ho so da duoc tiep nhan"), ("gsm7", 1));
        assert_eq!(segments(&"a".repeat(161)), ("gsm7", 2));
        assert_eq!(segments("Hồ sơ đã được tiếp nhận"), ("ucs2", 1));
        assert_eq!(segments(&"ệ".repeat(71)), ("ucs2", 2));
    }
}
