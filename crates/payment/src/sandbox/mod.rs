//! The sandbox payment gateway: a separate service, run as `tinhso sandbox payment`, that
//! speaks the same redirect-and-signed-callback protocol as a real Vietnamese gateway, with
//! synthetic money and in-memory state. The platform talks to it exactly as it would to the
//! real gateway; only the configured `pay_url` and secrets differ.
mod checkout;
mod notify;
mod pages;

pub use checkout::Outcome;
pub use notify::{Attempt, Delivery};

use crate::protocol::{self, with_query};
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tinhso_core::{Error, Result};

/// A merchant registered with the sandbox. As with a real gateway, the IPN URL is part of
/// the registration, not of each request, so a forged request cannot redirect it.
#[derive(Clone, Deserialize)]
pub struct SandboxMerchant {
    pub tmn_code: String,
    pub secret: String,
    pub ipn_url: String,
}

impl std::fmt::Debug for SandboxMerchant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SandboxMerchant").field("tmn_code", &self.tmn_code).field("secret", &"***").field("ipn_url", &self.ipn_url).finish()
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct SandboxConfig {
    pub merchants: Vec<SandboxMerchant>,
    /// How many times an IPN is tried before the sandbox gives up.
    #[serde(default = "default_attempts")]
    pub ipn_attempts: u32,
    /// The pause before the second try; it doubles for each later one.
    #[serde(default = "default_backoff_ms")]
    pub ipn_backoff_ms: u64,
}

fn default_attempts() -> u32 {
    5
}

fn default_backoff_ms() -> u64 {
    500
}

impl SandboxConfig {
    /// One merchant, default retries.
    pub fn single(tmn_code: impl Into<String>, secret: impl Into<String>, ipn_url: impl Into<String>) -> Self {
        SandboxConfig {
            merchants: vec![SandboxMerchant { tmn_code: tmn_code.into(), secret: secret.into(), ipn_url: ipn_url.into() }],
            ipn_attempts: default_attempts(),
            ipn_backoff_ms: default_backoff_ms(),
        }
    }

    fn validate(&self) -> Result<()> {
        for m in &self.merchants {
            if m.tmn_code.is_empty() || m.secret.is_empty() {
                return Err(Error::invalid("invalid_config", "merchants", "Mã đơn vị thu và khóa bí mật không được để trống."));
            }
            match url::Url::parse(&m.ipn_url) {
                Ok(u) if u.scheme() == "http" || u.scheme() == "https" => {}
                _ => return Err(Error::invalid("invalid_config", "ipn_url", format!("Địa chỉ IPN của {} không hợp lệ.", m.tmn_code))),
            }
        }
        Ok(())
    }
}

/// A finished payment as the sandbox remembers it; `ipn` is empty while it is being delivered.
#[derive(Debug, Clone, Serialize)]
pub struct Transaction {
    pub tmn_code: String,
    pub txn_ref: String,
    pub amount_vnd: i64,
    pub response_code: String,
    pub transaction_no: String,
    pub at: DateTime<Utc>,
    pub ipn: Option<Delivery>,
}

struct Sandbox {
    config: SandboxConfig,
    client: reqwest::Client,
    next_no: AtomicU64,
    /// Keyed by (terminal, reference): a gateway refuses a reference it has already seen.
    transactions: Mutex<BTreeMap<(String, String), Transaction>>,
}

type Shared = Arc<Sandbox>;

/// The result of a payment the payer decided on.
#[derive(Debug, Clone, Serialize)]
pub struct Completed {
    /// Where the payer's browser is sent: the merchant's return URL with the signed result.
    pub return_url: String,
    pub response_code: String,
    pub transaction_no: String,
    pub ipn: Delivery,
}

/// The gateway's routes. Fails on a configuration that could not work (an empty secret, an
/// IPN URL that is not http(s)) or if the HTTP client cannot start.
pub fn sandbox_router(config: SandboxConfig) -> Result<Router> {
    config.validate()?;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        // An IPN answer is read where it is sent; following redirects could leak the result.
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(Error::other)?;
    // Transaction numbers look like the real gateway's eight digits.
    let state = Arc::new(Sandbox { config, client, next_no: AtomicU64::new(14_000_001), transactions: Mutex::new(BTreeMap::new()) });
    Ok(Router::new()
        .route("/paymentv2/vpcpay.html", get(checkout_page))
        .route("/paymentv2/confirm", post(confirm_form))
        .route("/sandbox/pay", post(pay_json))
        .route("/sandbox/transactions", get(transactions))
        .with_state(state))
}

/// Starts the sandbox on `listen` (port 0 picks a free port); returns the bound address and
/// the server task. Scenario tests use this.
pub async fn spawn(listen: &str, config: SandboxConfig) -> anyhow::Result<(SocketAddr, tokio::task::JoinHandle<std::io::Result<()>>)> {
    let app = sandbox_router(config)?;
    let listener = tokio::net::TcpListener::bind(listen).await?;
    let addr = listener.local_addr()?;
    Ok((addr, tokio::spawn(async move { axum::serve(listener, app).await })))
}

/// Runs the sandbox as its own process until Ctrl-C: `tinhso sandbox payment`.
pub async fn serve(listen: &str, config: SandboxConfig) -> anyhow::Result<()> {
    let app = sandbox_router(config)?;
    let listener = tokio::net::TcpListener::bind(listen).await?;
    tracing::info!(addr = %listener.local_addr()?, "payment sandbox (synthetic, not a real gateway) listening");
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}

impl Sandbox {
    fn duplicate() -> Error {
        Error::conflict("duplicate_transaction", "Mã giao dịch (vnp_TxnRef) đã được sử dụng. Vui lòng tạo giao dịch mới.")
    }

    /// Refuses, already on the page, a reference that has been settled.
    fn ensure_new(&self, c: &checkout::Checkout) -> Result<()> {
        let txns = self.transactions.lock().map_err(|_| Error::other("sandbox state poisoned"))?;
        if txns.contains_key(&(c.merchant.tmn_code.clone(), c.txn_ref.clone())) { Err(Self::duplicate()) } else { Ok(()) }
    }

    /// Claims the reference under the lock, so two clicks cannot both pay.
    fn reserve(&self, c: &checkout::Checkout, response_code: &str, transaction_no: String) -> Result<()> {
        let mut txns = self.transactions.lock().map_err(|_| Error::other("sandbox state poisoned"))?;
        let key = (c.merchant.tmn_code.clone(), c.txn_ref.clone());
        if txns.contains_key(&key) {
            return Err(Self::duplicate());
        }
        let txn = Transaction {
            tmn_code: key.0.clone(),
            txn_ref: key.1.clone(),
            amount_vnd: c.amount_vnd,
            response_code: response_code.to_owned(),
            transaction_no,
            at: Utc::now(),
            ipn: None,
        };
        txns.insert(key, txn);
        Ok(())
    }

    fn record_delivery(&self, c: &checkout::Checkout, delivery: &Delivery) {
        if let Ok(mut txns) = self.transactions.lock()
            && let Some(t) = txns.get_mut(&(c.merchant.tmn_code.clone(), c.txn_ref.clone()))
        {
            t.ipn = Some(delivery.clone());
        }
    }

    /// Settles the payment the payer chose: tell the merchant's server first (IPN), then
    /// give the browser its way back, as real gateways do.
    async fn complete(&self, query: &str, outcome: Outcome) -> Result<Completed> {
        let now = Utc::now();
        let checkout = checkout::open(&self.config, query, now)?;
        let no = match outcome {
            Outcome::Success => self.next_no.fetch_add(1, Ordering::Relaxed),
            Outcome::Cancel => 0,
        };
        let params = checkout::result_params(&checkout, outcome, no, now);
        let response_code = params.get("vnp_ResponseCode").cloned().unwrap_or_default();
        let transaction_no = params.get("vnp_TransactionNo").cloned().unwrap_or_default();
        self.reserve(&checkout, &response_code, transaction_no.clone())?;
        let result = protocol::signed_query(&params, &checkout.merchant.secret);
        tracing::info!(tmn_code = %checkout.merchant.tmn_code, txn_ref = %checkout.txn_ref, %response_code, "sandbox payment decided");
        let backoff = Duration::from_millis(self.config.ipn_backoff_ms);
        let ipn = notify::deliver(&self.client, &with_query(&checkout.merchant.ipn_url, &result), self.config.ipn_attempts, backoff).await;
        self.record_delivery(&checkout, &ipn);
        Ok(Completed { return_url: with_query(&checkout.return_url, &result), response_code, transaction_no, ipn })
    }
}

fn status_of(e: &Error) -> StatusCode {
    match e {
        Error::NotFound { .. } => StatusCode::NOT_FOUND,
        Error::Conflict { .. } => StatusCode::CONFLICT,
        Error::Invalid { .. } => StatusCode::BAD_REQUEST,
        Error::Other(inner) => {
            tracing::error!(error = %inner, "sandbox internal error");
            StatusCode::INTERNAL_SERVER_ERROR
        }
        _ => StatusCode::BAD_REQUEST,
    }
}

/// An error answered as JSON, for the automation endpoint.
struct JsonError(Error);

impl IntoResponse for JsonError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({"error": {"code": self.0.code(), "message": self.0.public_message()}});
        (status_of(&self.0), Json(body)).into_response()
    }
}

/// An error answered as a page, for the payer's browser.
struct PageError(Error);

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        (status_of(&self.0), pages::message(&self.0)).into_response()
    }
}

async fn checkout_page(State(s): State<Shared>, RawQuery(query): RawQuery) -> Result<Response, PageError> {
    let query = query.unwrap_or_default();
    let checkout = checkout::open(&s.config, &query, Utc::now()).map_err(PageError)?;
    s.ensure_new(&checkout).map_err(PageError)?;
    Ok(pages::checkout(&checkout, &query))
}

#[derive(Deserialize)]
struct ConfirmForm {
    query: String,
    outcome: Outcome,
}

async fn confirm_form(State(s): State<Shared>, Form(form): Form<ConfirmForm>) -> Result<Redirect, PageError> {
    let done = s.complete(&form.query, form.outcome).await.map_err(PageError)?;
    Ok(Redirect::to(&done.return_url))
}

#[derive(Deserialize)]
struct PayRequest {
    payment_url: String,
    outcome: Outcome,
}

/// Pays (or cancels) without a browser, for scenario tests: same checks, same IPN, and the
/// URL the browser would have been sent to.
async fn pay_json(State(s): State<Shared>, Json(req): Json<PayRequest>) -> Result<Json<Completed>, JsonError> {
    let url = url::Url::parse(&req.payment_url)
        .map_err(|_| JsonError(Error::invalid("invalid_request", "payment_url", "Địa chỉ thanh toán không hợp lệ.")))?;
    let done = s.complete(url.query().unwrap_or_default(), req.outcome).await.map_err(JsonError)?;
    Ok(Json(done))
}

async fn transactions(State(s): State<Shared>) -> Result<Json<Vec<Transaction>>, JsonError> {
    let txns = s.transactions.lock().map_err(|_| JsonError(Error::other("sandbox state poisoned")))?;
    Ok(Json(txns.values().cloned().collect()))
}
