//! Server-to-server delivery of the payment result to the merchant's IPN URL. Like a real
//! gateway, the sandbox keeps calling until the merchant confirms ("00") or says it already
//! has the result ("02"), backing off between tries, so a merchant that was briefly down
//! still learns that it was paid.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Longest pause between two tries, however many there are.
const MAX_BACKOFF: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, Serialize)]
pub struct Attempt {
    pub at: DateTime<Utc>,
    pub http_status: Option<u16>,
    pub rsp_code: Option<String>,
    /// Why the try failed when there was no usable answer (connection refused, timeout,
    /// a body that is not the expected JSON).
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Delivery {
    pub delivered: bool,
    pub attempts: Vec<Attempt>,
}

#[derive(Deserialize)]
struct Answer {
    #[serde(rename = "RspCode")]
    rsp_code: String,
}

async fn try_once(client: &reqwest::Client, url: &str) -> Attempt {
    let at = Utc::now();
    let response = match client.get(url).send().await {
        Ok(r) => r,
        Err(e) => return Attempt { at, http_status: None, rsp_code: None, error: Some(e.to_string()) },
    };
    let status = response.status().as_u16();
    // The body decides, whatever the status: merchants answer a refused callback with a
    // 4xx and an RspCode, and a 200 without one is not a confirmation.
    match response.json::<Answer>().await {
        Ok(a) => Attempt { at, http_status: Some(status), rsp_code: Some(a.rsp_code), error: None },
        Err(e) => Attempt { at, http_status: Some(status), rsp_code: None, error: Some(e.to_string()) },
    }
}

/// Calls `url` up to `attempts` times, waiting `backoff`, then twice that, and so on.
pub async fn deliver(client: &reqwest::Client, url: &str, attempts: u32, backoff: Duration) -> Delivery {
    let mut log = Vec::new();
    let mut wait = backoff;
    for n in 0..attempts.max(1) {
        if n > 0 {
            tokio::time::sleep(wait).await;
            wait = (wait * 2).min(MAX_BACKOFF);
        }
        let attempt = try_once(client, url).await;
        let done = matches!(attempt.rsp_code.as_deref(), Some("00" | "02"));
        tracing::info!(attempt = n + 1, http_status = ?attempt.http_status, rsp_code = ?attempt.rsp_code, error = ?attempt.error, "sandbox IPN call");
        log.push(attempt);
        if done {
            return Delivery { delivered: true, attempts: log };
        }
    }
    tracing::warn!(attempts = log.len(), "sandbox IPN not confirmed by the merchant");
    Delivery { delivered: false, attempts: log }
}
