//! The operations centre's figures (IOC): dossiers today and this month, on time and late by
//! agency and by commune, service shares, plan indicators against targets, overdue tasks by
//! agency, and 12-month trends. Built from one grouped query per range and the stored
//! indicator values, kept as a snapshot that a background job refreshes, so a page view
//! reads memory instead of scanning dossiers.
use crate::compute;
use crate::service::{Indicators, View};
use chrono::{DateTime, Duration, TimeZone, Utc};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;
use tinhso_core::{Result, roles::is_commune_level};
use tinhso_dossier::stats::{Figures, GroupBy, dossier_figures};

#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct Totals {
    pub submitted: i64,
    pub received: i64,
    pub finished: i64,
    pub on_time: i64,
    pub late: i64,
    pub in_progress: i64,
    pub overdue: i64,
    pub online: i64,
    pub paid_online: i64,
    pub electronic_results: i64,
    pub ratings: i64,
    pub satisfied: i64,
}

impl Totals {
    fn add(&mut self, f: &Figures) {
        self.submitted += f.submitted;
        self.received += f.received;
        self.finished += f.finished;
        self.on_time += f.on_time;
        self.late += f.late;
        self.in_progress += f.in_progress;
        self.overdue += f.overdue;
        self.online += f.online;
        self.paid_online += f.paid_online;
        self.electronic_results += f.electronic_results;
        self.ratings += f.ratings;
        self.satisfied += f.satisfied;
    }
}

fn share(n: i64, d: i64) -> Option<f64> {
    (d > 0).then(|| 100.0 * n as f64 / d as f64)
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnitRow {
    pub code: String,
    pub name: String,
    pub submitted: i64,
    pub on_time: i64,
    pub late: i64,
    pub overdue: i64,
    /// On time over finished (on time + late), %.
    pub on_time_rate: Option<f64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TaskRow {
    pub code: String,
    pub name: String,
    pub assigned: i64,
    pub overdue: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Trend {
    pub code: String,
    pub name: String,
    /// (YYYY-MM, value %)
    pub points: Vec<(String, Option<f64>)>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Shares {
    pub online: Option<f64>,
    pub paid_online: Option<f64>,
    pub electronic_results: Option<f64>,
    pub on_time: Option<f64>,
    pub satisfaction: Option<f64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Dashboard {
    pub period: String,
    pub updated_at: DateTime<Utc>,
    pub today: Totals,
    pub month: Totals,
    pub shares: Shares,
    /// Agencies ranked by late dossiers (most first), then by on-time rate.
    pub agencies: Vec<UnitRow>,
    pub communes: Vec<UnitRow>,
    pub indicators: Vec<View>,
    pub tasks_overdue: Vec<TaskRow>,
    pub trends: Vec<Trend>,
}

/// The indicators drawn as 12-month trends.
pub const TRENDS: [&str; 4] = ["ho_so_truc_tuyen", "dung_han", "ket_qua_dien_tu", "hai_long"];

/// How old a snapshot may be before a page view rebuilds it itself. The background job
/// rebuilds it every minute, so a page view only rebuilds when the job has stopped.
pub const MAX_AGE_SECS: i64 = 300;

impl Indicators {
    /// The dashboard, from the snapshot when it is recent enough.
    pub async fn dashboard(&self) -> Result<Arc<Dashboard>> {
        if let Some(d) = self.snapshot.read().await.as_ref()
            && Utc::now() - d.updated_at < Duration::seconds(MAX_AGE_SECS)
        {
            return Ok(d.clone());
        }
        self.refresh_dashboard().await
    }

    /// Rebuilds the snapshot now (a stale page view calls this).
    pub async fn refresh_dashboard(&self) -> Result<Arc<Dashboard>> {
        let now = Utc::now();
        let data = compute::month_data(&self.db, &self.catalog, &self.tasks, &compute::period_of(now), &self.province, now).await?;
        self.install(now, data).await
    }

    /// What the background job does: reads the current month once, stores its indicator
    /// values, and rebuilds the snapshot from the same figures.
    pub async fn refresh(&self) -> Result<Arc<Dashboard>> {
        let now = Utc::now();
        let period = compute::period_of(now);
        let data = compute::month_data(&self.db, &self.catalog, &self.tasks, &period, &self.province, now).await?;
        compute::store_month(&self.db, &period, &data, &self.province).await?;
        self.install(now, data).await
    }

    async fn install(&self, now: DateTime<Utc>, data: compute::MonthData) -> Result<Arc<Dashboard>> {
        let d = Arc::new(self.build_dashboard(now, data).await?);
        *self.snapshot.write().await = Some(d.clone());
        Ok(d)
    }

    async fn build_dashboard(&self, now: DateTime<Utc>, data: compute::MonthData) -> Result<Dashboard> {
        let period = compute::period_of(now);
        let (from, to) = compute::month_bounds(&period)?;
        let vn = tinhso_core::calendar::vietnam();
        let midnight = vn.from_local_datetime(&now.with_timezone(&vn).date_naive().and_hms_opt(0, 0, 0).unwrap_or_default()).single().map(|t| t.with_timezone(&Utc)).unwrap_or(from);
        let per_agency = data.figures;
        let mut today = Totals::default();
        for f in dossier_figures(&self.db, GroupBy::Agency, midnight, to).await? {
            today.add(&f);
        }
        let units: HashMap<String, (String, String)> = tinhso_identity::org_units::list(&self.db).await?.into_iter().map(|u| (u.code, (u.name, u.kind))).collect();
        let mut month = Totals::default();
        let (mut agencies, mut communes) = (Vec::new(), Vec::new());
        for f in &per_agency {
            month.add(f);
            let (name, kind) = units.get(&f.key).cloned().unwrap_or_else(|| (f.key.clone(), String::new()));
            let row = UnitRow { code: f.key.clone(), name, submitted: f.submitted, on_time: f.on_time, late: f.late, overdue: f.overdue, on_time_rate: share(f.on_time, f.on_time + f.late) };
            if is_commune_level(&kind) { communes.push(row) } else { agencies.push(row) }
        }
        let rank = |v: &mut Vec<UnitRow>| v.sort_by(|a, b| (b.late + b.overdue).cmp(&(a.late + a.overdue)).then(a.on_time_rate.unwrap_or(100.0).total_cmp(&b.on_time_rate.unwrap_or(100.0))).then(a.code.cmp(&b.code)));
        rank(&mut agencies);
        rank(&mut communes);
        let shares = Shares {
            online: share(month.online, month.submitted),
            paid_online: share(month.paid_online, month.submitted),
            electronic_results: share(month.electronic_results, month.finished),
            on_time: share(month.on_time, month.on_time + month.late),
            satisfaction: share(month.satisfied, month.ratings),
        };
        let mut tasks_overdue: Vec<TaskRow> = data
            .tasks
            .into_iter()
            .filter(|t| t.org_code != self.province && t.overdue > 0)
            .map(|t| TaskRow { name: units.get(&t.org_code).map(|u| u.0.clone()).unwrap_or_else(|| t.org_code.clone()), code: t.org_code, assigned: t.assigned, overdue: t.overdue })
            .collect();
        tasks_overdue.sort_by(|a, b| b.overdue.cmp(&a.overdue).then(a.code.cmp(&b.code)));
        let indicators = self.overview(&period, &self.province, true).await?;
        let mut trends = Vec::new();
        let all = self.overview(&period, &self.province, false).await?;
        for code in TRENDS {
            if let Some(v) = all.iter().find(|v| v.code == code) {
                trends.push(Trend { code: code.to_owned(), name: v.name.clone(), points: self.series(code, &self.province, &period, 12).await? });
            }
        }
        Ok(Dashboard { period, updated_at: now, today, month, shares, agencies, communes, indicators, tasks_overdue, trends })
    }
}
