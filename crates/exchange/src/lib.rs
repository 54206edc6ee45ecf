//! The provincial data exchange (LGSP, Nền tảng tích hợp, chia sẻ dữ liệu), after X-Road:
//! members (agencies) own subsystems (information systems) that provide and consume services;
//! access is granted per consumer and service with a legal purpose; the gateway
//! `/x/{member}/{subsystem}/{service}/…` authenticates, checks the grant, limits the rate,
//! forwards to the upstream and writes every call to a hash-chained exchange log before it
//! answers. A citizen sees every call that named them, and every read of their data inside
//! the platform, at `/du-lieu-cua-toi/truy-cap`. Other modules reach it through [`Exchange`].
pub mod access;
pub mod certificates;
pub mod digest;
pub mod entity;
pub mod gateway;
pub mod grants;
pub mod http;
pub mod log;
pub mod model;
mod pages;
pub mod prefill;
pub mod registry;
pub mod seed;
pub mod snapshot;
pub mod stats;
pub mod usage;

use sea_orm::DatabaseConnection;
use std::sync::Arc;
use std::time::Duration;

/// How the gateway behaves; the defaults suit a province.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Largest request body forwarded, and largest response body accepted from an upstream.
    pub max_request_bytes: u64,
    pub max_response_bytes: u64,
    /// Consecutive failures that open a service's circuit, and how long it stays open.
    pub breaker_failures: u32,
    pub breaker_pause: Duration,
    /// The subsystem the platform itself calls registries as (give-once prefill).
    pub platform_client: String,
    /// The org unit whose key signs the daily digests of the exchange log.
    pub signer_unit: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            max_request_bytes: 1024 * 1024,
            max_response_bytes: 8 * 1024 * 1024,
            breaker_failures: 5,
            breaker_pause: Duration::from_secs(30),
            platform_client: seed::PLATFORM_CLIENT.into(),
            signer_unit: seed::OPERATOR_UNIT.into(),
        }
    }
}

pub struct Exchange {
    pub(crate) db: DatabaseConnection,
    pub(crate) cache: snapshot::Cache,
    pub(crate) log: log::LogWriter,
    pub(crate) limits: gateway::Limits,
    pub(crate) http: reqwest::Client,
    pub(crate) settings: Settings,
}

impl Exchange {
    /// Starts the exchange (and its log writer) on the current runtime.
    pub fn new(db: DatabaseConnection, settings: Settings) -> anyhow::Result<Arc<Exchange>> {
        // Redirects are the upstream's answer to pass on, not to follow; no proxy on loopback.
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).no_proxy().pool_max_idle_per_host(256).tcp_nodelay(true).build()?;
        Ok(Arc::new(Exchange { log: log::LogWriter::spawn(db.clone()), db, cache: snapshot::Cache::default(), limits: gateway::Limits::default(), http, settings }))
    }

    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }
}
