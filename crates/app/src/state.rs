use axum::extract::FromRef;
use metrics_exporter_prometheus::PrometheusHandle;
use sea_orm::DatabaseConnection;
use std::sync::Arc;
use tinhso_catalog::Catalog;
use tinhso_dossier::Dossiers;

/// What every handler may reach: the database and the module services.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub catalog: Arc<Catalog>,
    pub dossiers: Arc<Dossiers>,
    pub wallet: Arc<tinhso_wallet::Wallet>,
    pub tasks: Arc<tinhso_tasks::Tasks>,
    pub indicators: Arc<tinhso_indicators::Indicators>,
    pub metrics: PrometheusHandle,
    pub opendata: Arc<tinhso_opendata::OpenData>,
    pub exchange: Arc<tinhso_exchange::Exchange>,
}
