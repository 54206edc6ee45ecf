//! The HTTP server: router, middleware stack, background jobs and graceful shutdown.
use crate::{AppState, Config, account, admin, openapi};
use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{HeaderName, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};
use tinhso_catalog::Catalog;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The process-wide metrics recorder (installed once, shared by every app in the process).
pub fn metrics_handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| PrometheusBuilder::new().install_recorder().unwrap_or_else(|_| PrometheusBuilder::new().build_recorder().handle()))
        .clone()
}

async fn track_metrics(req: Request, next: Next) -> Response {
    let route = req.extensions().get::<MatchedPath>().map(|p| p.as_str().to_owned()).unwrap_or_else(|| "unmatched".into());
    let method = req.method().to_string();
    let start = Instant::now();
    let response = next.run(req).await;
    let status = response.status().as_u16().to_string();
    let labels = [("method", method), ("route", route), ("status", status)];
    metrics::counter!("http_requests_total", &labels).increment(1);
    metrics::histogram!("http_request_duration_seconds", &labels).record(start.elapsed().as_secs_f64());
    response
}

async fn healthz(State(db): State<DatabaseConnection>) -> Response {
    match db.execute_unprepared("SELECT 1").await {
        Ok(_) => (StatusCode::OK, axum::Json(serde_json::json!({"status": "ok"}))).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, axum::Json(serde_json::json!({"status": "unavailable"}))).into_response()
        }
    }
}

async fn metrics_page(State(handle): State<PrometheusHandle>) -> String {
    handle.render()
}

async fn not_found(req: Request) -> Response {
    let e = tinhso_core::Error::not_found("trang bạn yêu cầu");
    if req.uri().path().starts_with("/api/") { tinhso_web::ApiError(e).into_response() } else { tinhso_web::PageError::from(e).into_response() }
}

pub fn build_router(state: AppState, config: &Config) -> Router {
    let sessions = SessionManagerLayer::new(tinhso_identity::session_store::DbSessionStore::new(state.db.clone()))
        .with_name("tinhso_session")
        .with_same_site(SameSite::Lax)
        .with_http_only(true)
        .with_secure(config.secure_cookies)
        .with_expiry(Expiry::OnInactivity(time::Duration::hours(8)));
    let pages_and_api = Router::new()
        .merge(tinhso_catalog::http::router())
        .merge(tinhso_dossier::http::router())
        .merge(tinhso_dossier::documents::router())
        .merge(tinhso_dossier::drafts::router())
        .merge(tinhso_wallet::http::router())
        .merge(tinhso_tasks::http::router()).merge(tinhso_indicators::http::router())
        .merge(tinhso_dossier::verify::router())
        .merge(tinhso_dossier::pages::router())
        .merge(tinhso_exchange::http::router())
        .merge(account::api_router())
        .merge(admin::api_router())
        .merge(crate::org_units::api_router())
        .merge(tinhso_opendata::router())
        .merge(account::page_router())
        .merge(admin::page_router())
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics_page))
        .route("/api/openapi.json", get(openapi::document))
        .fallback(not_found)
        .layer(middleware::from_fn(tinhso_web::csrf::api_guard))
        .layer(sessions)
        .layer(middleware::from_fn(track_metrics))
        .layer(DefaultBodyLimit::max(config.body_limit_bytes))
        .layer(CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, Duration::from_secs(config.request_timeout_secs)))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
            // The path only: query strings may carry what a person typed.
            let id = req.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or_default();
            tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
        }))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid));
    // The exchange gateway's calls pass none of the layers above: each costs CPU on every call,
    // and the gateway checks credentials, limits bodies and time, sets the request id and
    // logs every call itself (see `tinhso_exchange::gateway`).
    Router::new().merge(tinhso_exchange::http::gateway_router()).merge(pages_and_api).with_state(state)
}

/// Opens the database, builds the state and starts listening; returns the bound address and
/// the server task. Used by `tinhso serve` and by the scenario tests (port 0).
pub async fn start(config: &Config, db: DatabaseConnection) -> anyhow::Result<(SocketAddr, tokio::task::JoinHandle<anyhow::Result<()>>)> {
    let started = start_all(config, db).await?;
    Ok((started.addr, started.task))
}

/// A running platform: where it listens, and its server task.
pub struct Started {
    pub addr: SocketAddr,
    /// The exchange gateway's mutual-TLS listener, when `exchange_tls_listen` is set.
    pub exchange_tls: Option<SocketAddr>,
    pub task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

/// [`start`], with every listener the configuration asks for.
pub async fn start_all(config: &Config, db: DatabaseConnection) -> anyhow::Result<Started> {
    let listener = tokio::net::TcpListener::bind(&config.listen).await?;
    start_on(config, db, listener).await
}

/// [`start_all`] on a listener already bound: a caller that must know the port before the
/// platform starts (the scenario tests give it to the payment sandbox) keeps the port it was
/// given instead of letting it go and binding it again, when another socket may take it.
pub async fn start_on(config: &Config, db: DatabaseConnection, listener: tokio::net::TcpListener) -> anyhow::Result<Started> {
    let catalog = Catalog::open(db.clone()).await?;
    let counted = tinhso_dossier::stats::ensure_built(&db).await?;
    if counted > 0 {
        tracing::info!(dossiers = counted, "dossier figures counted from the dossiers");
    }
    let blobs = tinhso_db::blobs::BlobStore::local(config.blob_dir())?;
    let wallet = Arc::new(tinhso_wallet::Wallet::new(db.clone(), blobs.clone()));
    let tasks = Arc::new(tinhso_tasks::Tasks::new(db.clone(), blobs.clone()));
    let indicators = Arc::new(tinhso_indicators::Indicators::new(db.clone(), catalog.clone(), tasks.clone(), blobs.clone(), crate::seed::PROVINCE.to_owned()));
    let settings = tinhso_dossier::service::Settings { blobs: blobs.clone(), public_url: config.public_url.clone(), payments: Arc::new(config.merchant()) };
    let dossiers = tinhso_dossier::Dossiers::new(db.clone(), catalog.clone(), settings);
    let od_settings = tinhso_opendata::Settings { public_url: config.public_url.clone(), max_upload_bytes: tinhso_opendata::DEFAULT_MAX_UPLOAD };
    let opendata = tinhso_opendata::OpenData::open(db.clone(), blobs.clone(), od_settings).await?;
    let exchange = tinhso_exchange::Exchange::new(db.clone(), tinhso_exchange::Settings::default())?;
    dossiers.use_registries(Arc::new(tinhso_exchange::prefill::DossierRegistries { exchange: exchange.clone(), catalog: catalog.clone() }));
    let state = AppState { db: db.clone(), catalog: catalog.clone(), dossiers, wallet, tasks, indicators, metrics: metrics_handle(), opendata, exchange };
    spawn_background_jobs(&state, config);
    let app = build_router(state, config);
    let addr = listener.local_addr()?;
    let exchange_tls = match config.exchange_tls_listen.as_str() {
        "" => None,
        at => {
            let host = at.rsplit_once(':').map_or(at, |(h, _)| h).trim_matches(['[', ']']);
            let tls = crate::exchange_tls::server_config(&config.exchange_tls_dir(), host)?;
            let listener = tokio::net::TcpListener::bind(at).await?;
            let bound = listener.local_addr()?;
            tokio::spawn(crate::exchange_tls::serve(listener, tls, app.clone()));
            tracing::info!(addr = %bound, "exchange gateway listening over mutual TLS");
            Some(bound)
        }
    };
    let task = tokio::spawn(async move {
        axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).with_graceful_shutdown(shutdown_signal()).await?;
        Ok(())
    });
    Ok(Started { addr, exchange_tls, task })
}

fn spawn_background_jobs(state: &AppState, config: &Config) {
    // Notifications to applicants from the outbox; off on nodes whose interval is 0.
    tinhso_dossier::notify::spawn_job(state.db.clone(), state.catalog.clone(), config.notifications());
    let catalog = state.catalog.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(5));
        loop {
            tick.tick().await;
            if let Err(e) = catalog.refresh().await {
                tracing::warn!(error = %e, "catalogue index refresh failed");
            }
        }
    });
    let dossiers = state.dossiers.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        loop {
            tick.tick().await;
            match dossiers.flag_overdue(chrono::Utc::now()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(flagged = n, "dossiers flagged overdue"),
                Err(e) => tracing::warn!(error = %e, "overdue flagging failed"),
            }
        }
    });
    // Plan tasks past their deadline, and indicator values and the IOC snapshot.
    let notices = config.task_notices().and_then(|s| match tinhso_tasks::mail::Notifier::new(state.db.clone(), s) {
        Ok(n) => Some(n),
        Err(e) => {
            tracing::error!(error = %e, "overdue task notices off: check the mail settings");
            None
        }
    });
    tinhso_tasks::spawn_overdue_job(state.tasks.clone(), notices, Duration::from_secs(config.tasks_overdue_interval_secs));
    tinhso_indicators::spawn_job(state.indicators.clone(), Duration::from_secs(60));
    // The open data portal: the index follows other nodes' writes; the self-published
    // statistics refresh by themselves.
    let inputs = tinhso_opendata::selfpub::Inputs { db: state.db.clone(), catalog: state.catalog.clone(), tasks: state.tasks.clone(), indicators: state.indicators.clone() };
    tinhso_opendata::jobs::spawn(state.opendata.clone(), inputs);
    // The exchange log's daily digest, signed once the day is over (any node may; one wins).
    let exchange = state.exchange.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(3600));
        loop {
            tick.tick().await;
            match exchange.sign_yesterday().await {
                Ok(Some(d)) => tracing::info!(day = %d.day, calls = d.calls, "exchange log digest signed"),
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "exchange log digest not signed"),
            }
        }
    });
    let store = tinhso_identity::session_store::DbSessionStore::new(state.db.clone());
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(600));
        loop {
            tick.tick().await;
            if let Err(e) = store.delete_expired().await {
                tracing::warn!(error = %e, "expired session clean-up failed");
            }
        }
    });
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down: finishing requests in flight");
}

/// `tinhso serve`: runs until interrupted.
pub async fn serve(config: &Config, db: DatabaseConnection) -> anyhow::Result<()> {
    let Started { addr, exchange_tls, task } = start_all(config, db).await?;
    tracing::info!(%addr, "tinhso is listening");
    println!("tinhso đang chạy tại http://{addr}");
    if let Some(tls) = exchange_tls {
        println!("cổng trao đổi dữ liệu (TLS hai chiều) tại https://{tls}/x/");
    }
    task.await?
}
