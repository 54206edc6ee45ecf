//! Sandboxes for the two channels the platform notifies applicants through, run as separate
//! upstreams (`tinhso sandbox smtp`, `tinhso sandbox sms`) with synthetic data kept in memory:
//!
//! - [`smtp`]: a mail sink that speaks plain SMTP (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP,
//!   QUIT) and shows what arrived at `GET /messages`;
//! - [`sms`]: an SMS brandname gateway (`POST /sms/send` with an API key) that shows what it
//!   would have delivered at `GET /messages`.
//!
//! Both can simulate an outage (`POST /sandbox/outage {"unavailable": true}`), so retries can
//! be seen working. Nothing here is part of the product: the platform talks to them exactly
//! as to a real relay or gateway; only the configured addresses and keys differ.
pub mod sms;
pub mod smtp;

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

/// How many messages a sandbox remembers; older ones are forgotten, so a sandbox left
/// running does not grow without bound.
pub const KEEP: usize = 1000;

/// The body of `POST /sandbox/outage`.
#[derive(Debug, Deserialize)]
pub struct OutageRequest {
    pub unavailable: bool,
}

/// An error as both sandboxes answer it: `{"error": {"code", "message"}}`.
pub(crate) fn json_error(status: StatusCode, code: &str, message: &str) -> Response {
    (status, Json(serde_json::json!({"error": {"code": code, "message": message}}))).into_response()
}

/// Resolves when the process is asked to stop (Ctrl-C).
pub(crate) async fn ctrl_c() {
    let _ = tokio::signal::ctrl_c().await;
}
