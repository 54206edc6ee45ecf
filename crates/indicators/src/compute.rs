//! The named queries that compute indicators from the platform's own data, and the monthly
//! computation that stores their values per org unit (the province, each agency, each commune).
use crate::entity::{indicator, value};
use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use std::collections::BTreeMap;
use tinhso_catalog::Catalog;
use tinhso_core::{Error, Result};
use tinhso_db::db_error;
use tinhso_dossier::stats::{Figures, GroupBy, dossier_figures};
use tinhso_tasks::Tasks;

/// Every query an indicator may name in `indicators.csv`.
pub const QUERIES: [&str; 10] = [
    "procedures_fully_online",
    "dossiers_online",
    "dossiers_on_time",
    "results_electronic",
    "dossiers_digitised",
    "documents_reused",
    "satisfaction",
    "tasks_tracked",
    "tasks_on_time",
    "systems_connected",
];

/// A share: numerator over denominator, per org unit.
pub type Shares = BTreeMap<String, (i64, i64)>;

/// `2026-05` → the month's first instant and the next month's, in Vietnam's time.
pub fn month_bounds(period: &str) -> Result<(DateTime<Utc>, DateTime<Utc>)> {
    let bad = || Error::invalid("invalid_period", "Kỳ", "phải có dạng YYYY-MM.");
    let (y, m) = period.split_once('-').ok_or_else(bad)?;
    let (y, m): (i32, u32) = (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    let first = NaiveDate::from_ymd_opt(y, m, 1).ok_or_else(bad)?;
    let next = if m == 12 { NaiveDate::from_ymd_opt(y + 1, 1, 1) } else { NaiveDate::from_ymd_opt(y, m + 1, 1) }.ok_or_else(bad)?;
    let vn = tinhso_core::calendar::vietnam();
    let at = |d: NaiveDate| vn.from_local_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default()).single().map(|t| t.with_timezone(&Utc)).ok_or_else(bad);
    Ok((at(first)?, at(next)?))
}

/// The month (YYYY-MM, Vietnam's time) of an instant.
pub fn period_of(t: DateTime<Utc>) -> String {
    t.with_timezone(&tinhso_core::calendar::vietnam()).format("%Y-%m").to_string()
}

/// Adds per-agency figures up to the province under `province`.
fn with_province(mut per: Shares, province: &str) -> Shares {
    let (n, d) = per.values().fold((0, 0), |(a, b), (n, d)| (a + n, b + d));
    per.insert(province.to_owned(), (n, d));
    per
}

fn from_figures(figs: &[Figures], province: &str, f: impl Fn(&Figures) -> (i64, i64)) -> Shares {
    with_province(figs.iter().map(|x| (x.key.clone(), f(x))).collect(), province)
}

/// The inputs of one month's computation, read once for all indicators.
pub struct MonthData {
    pub figures: Vec<Figures>,
    pub tasks: Vec<tinhso_tasks::TaskFigures>,
    pub catalog: Shares,
    /// Information systems registered on the exchange and those that exchanged data.
    pub systems: Shares,
}

pub async fn month_data(db: &DatabaseConnection, catalog: &Catalog, tasks: &Tasks, period: &str, province: &str, now: DateTime<Utc>) -> Result<MonthData> {
    let (from, to) = month_bounds(period)?;
    let figures = dossier_figures(db, GroupBy::Agency, from, to).await?;
    // Tasks are judged as of the month's end, or today for the month under way.
    let day = to.min(now).with_timezone(&tinhso_core::calendar::vietnam()).date_naive();
    let tasks = tasks.figures(day, province).await?;
    let mut per: Shares = BTreeMap::new();
    let index = catalog.index();
    let mut all = (0, 0);
    for p in index.procedures().iter().filter(|p| !p.retired) {
        let full = i64::from(p.fully_online());
        all = (all.0 + full, all.1 + 1);
        for a in &p.agencies {
            let e = per.entry(a.clone()).or_insert((0, 0));
            *e = (e.0 + full, e.1 + 1);
        }
    }
    per.insert(province.to_owned(), all);
    let connected = tinhso_exchange::usage::connected_systems(db, from, to).await?;
    let systems = with_province(connected.into_iter().map(|c| (c.member_code, (c.connected, c.registered))).collect(), province);
    Ok(MonthData { figures, tasks, catalog: per, systems })
}

/// The shares of one named query for every org unit that has data.
pub fn shares(query: &str, d: &MonthData, province: &str) -> Shares {
    let f = &d.figures;
    match query {
        "procedures_fully_online" => d.catalog.clone(),
        "dossiers_online" => from_figures(f, province, |x| (x.online, x.submitted)),
        "dossiers_on_time" => from_figures(f, province, |x| (x.on_time, x.on_time + x.late)),
        "results_electronic" => from_figures(f, province, |x| (x.electronic_results, x.finished)),
        "satisfaction" => from_figures(f, province, |x| (x.satisfied, x.ratings)),
        "tasks_tracked" => d.tasks.iter().map(|t| (t.org_code.clone(), (t.tracked, t.assigned))).collect(),
        "tasks_on_time" => d.tasks.iter().map(|t| (t.org_code.clone(), (t.done_on_time, t.due))).collect(),
        "dossiers_digitised" => from_figures(f, province, |x| (x.digitised, x.submitted)),
        "documents_reused" => from_figures(f, province, |x| (x.documents_reused, x.documents)),
        "systems_connected" => d.systems.clone(),
        _ => Shares::new(),
    }
}

/// Computes every computed indicator for one month and stores the values (replacing the
/// month's earlier computed values). Answers how many values were stored.
pub async fn compute_month(db: &DatabaseConnection, catalog: &Catalog, tasks: &Tasks, period: &str, province: &str) -> Result<usize> {
    let data = month_data(db, catalog, tasks, period, province, Utc::now()).await?;
    store_month(db, period, &data, province).await
}

/// Stores the values of one month computed from `data`.
pub async fn store_month(db: &DatabaseConnection, period: &str, data: &MonthData, province: &str) -> Result<usize> {
    let computed = indicator::Entity::find().filter(indicator::Column::Query.ne("")).all(db).await.map_err(db_error)?;
    let now = Utc::now();
    let mut rows = Vec::new();
    for ind in &computed {
        for (org, (n, d)) in shares(&ind.query, data, province) {
            let v = (d > 0).then(|| 100.0 * n as f64 / d as f64);
            rows.push(value::ActiveModel {
                id: Set(tinhso_core::new_id()),
                indicator_code: Set(ind.code.clone()),
                period: Set(period.to_owned()),
                org_code: Set(org),
                value: Set(v),
                numerator: Set(n),
                denominator: Set(d),
                source: Set("computed".into()),
                review: Set("approved".into()),
                note: Set(String::new()),
                evidence_hash: Set(None),
                evidence_name: Set(String::new()),
                reported_by: Set(None),
                reviewed_by: Set(None),
                updated_at: Set(now),
                review_note: Set(String::new()),
            });
        }
    }
    let stored = rows.len();
    let tx = tinhso_audit::begin(db).await?;
    value::Entity::delete_many().filter(value::Column::Period.eq(period)).filter(value::Column::Source.eq("computed")).exec(&tx).await.map_err(db_error)?;
    // Bounded batches: PostgreSQL allows 65,535 bind parameters per statement.
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<_> = rows.by_ref().take(2000).collect();
        value::Entity::insert_many(chunk).exec_without_returning(&tx).await.map_err(db_error)?;
    }
    let entry = tinhso_audit::Entry::new("system:indicators", "indicator.compute", format!("period:{period}")).detail(serde_json::json!({"values": stored}));
    tinhso_audit::record(&tx, entry).await?;
    tx.commit().await.map_err(db_error)?;
    Ok(stored)
}

/// The `n` months ending with `period`, oldest first.
pub fn months_back(period: &str, n: u32) -> Result<Vec<String>> {
    let (from, _) = month_bounds(period)?;
    let d = from.with_timezone(&tinhso_core::calendar::vietnam()).date_naive();
    let mut out = Vec::new();
    let (mut y, mut m) = (d.year(), d.month());
    for _ in 0..n {
        out.push(format!("{y:04}-{m:02}"));
        if m == 1 { y -= 1; m = 12 } else { m -= 1 }
    }
    out.reverse();
    Ok(out)
}
