//! Traffic figures per service and consumer (counts, error rate, latency percentiles) for the
//! operators' page and API; `/metrics` carries the same as Prometheus series from the gateway.
//! Also the give-once figures: how many procedures and documents the registries replace.
use crate::Exchange;
use crate::entity::log;
use axum::Json;
use axum::extract::{Query, State};
use chrono::{Duration, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;
use tinhso_core::{Error, Result, roles::Role};
use tinhso_db::db_error;
use tinhso_identity::Principal;
use tinhso_web::{ApiError, SignedIn};
use utoipa::ToSchema;

/// Most calls a figure is computed from (the newest).
const SAMPLE: u64 = 200_000;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Traffic {
    pub service: String,
    pub consumer: String,
    pub calls: u64,
    pub errors: u64,
    pub error_rate: f64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct GiveOnce {
    pub procedures: u64,
    pub procedures_replaced: u64,
    pub documents: u64,
    pub documents_replaced: u64,
    /// Replaced documents whose registry is a service registered on the exchange.
    pub documents_served: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TrafficReport {
    pub hours: i64,
    pub rows: Vec<Traffic>,
    pub give_once: Option<GiveOnce>,
}

fn percentile(sorted: &[i64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)] as f64 / 1000.0
}

/// Operators of the exchange: data stewards, leaders and administrators.
pub fn may_watch(who: &Principal) -> bool {
    who.has(Role::DataSteward) || who.has(Role::Admin) || who.has(Role::Leader)
}

impl Exchange {
    pub async fn traffic(&self, hours: i64) -> Result<Vec<Traffic>> {
        let since = Utc::now() - Duration::hours(hours);
        let rows: Vec<(String, String, i32, i64)> = log::Entity::find()
            .select_only()
            .columns([log::Column::Service, log::Column::Consumer, log::Column::Status, log::Column::LatencyUs])
            .filter(log::Column::At.gte(since))
            .order_by_desc(log::Column::Seq)
            .limit(SAMPLE)
            .into_tuple()
            .all(&self.db)
            .await
            .map_err(db_error)?;
        let mut groups: BTreeMap<(String, String), (u64, Vec<i64>)> = BTreeMap::new();
        for (service, consumer, status, latency) in rows {
            let g = groups.entry((service, consumer)).or_default();
            if status >= 400 {
                g.0 += 1;
            }
            g.1.push(latency);
        }
        Ok(groups
            .into_iter()
            .map(|((service, consumer), (errors, mut lat))| {
                lat.sort_unstable();
                let calls = lat.len() as u64;
                Traffic { service, consumer, calls, errors, error_rate: errors as f64 / calls.max(1) as f64, p50_ms: percentile(&lat, 0.5), p95_ms: percentile(&lat, 0.95), p99_ms: percentile(&lat, 0.99) }
            })
            .collect())
    }

    /// How many procedures and documents of the catalogue are replaced by registry data.
    pub async fn give_once(&self, catalog: &tinhso_catalog::Catalog) -> Result<GiveOnce> {
        let snap = self.cache.get(&self.db).await?;
        let served: std::collections::HashSet<&str> = snap.services.values().filter(|s| s.row.active).map(|s| s.row.code.as_str()).collect();
        let mut g = GiveOnce { procedures: 0, procedures_replaced: 0, documents: 0, documents_replaced: 0, documents_served: 0 };
        for p in catalog.index().procedures().iter().filter(|p| !p.retired) {
            g.procedures += 1;
            let mut any = false;
            for d in &p.documents {
                g.documents += 1;
                if let Some(r) = &d.replaced_by_data {
                    g.documents_replaced += 1;
                    any = true;
                    if served.contains(r.as_str()) {
                        g.documents_served += 1;
                    }
                }
            }
            if any {
                g.procedures_replaced += 1;
            }
        }
        Ok(g)
    }
}

#[derive(Debug, Deserialize)]
pub struct Window {
    pub hours: Option<i64>,
}

/// Traffic per service and consumer over the last `hours` (default 24), and the give-once figures.
#[utoipa::path(get, path = "/api/v1/exchange/traffic", tag = "exchange", params(("hours" = Option<i64>, Query)), responses((status = 200, body = TrafficReport), (status = 403, description = "forbidden")))]
pub async fn api(
    State(ex): State<Arc<Exchange>>,
    State(catalog): State<Arc<tinhso_catalog::Catalog>>,
    SignedIn(who): SignedIn,
    Query(w): Query<Window>,
) -> Result<Json<TrafficReport>, ApiError> {
    if !may_watch(&who) {
        return Err(Error::Forbidden.into());
    }
    let hours = w.hours.unwrap_or(24).clamp(1, 24 * 90);
    Ok(Json(TrafficReport { hours, rows: ex.traffic(hours).await?, give_once: Some(ex.give_once(&catalog).await?) }))
}
