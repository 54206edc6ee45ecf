//! Dossier statistics per agency, procedure or month: the figures the indicators and the
//! operations centre are built on. One grouped query over the dossiers table (with the results
//! and ratings joined), in SQL that runs unchanged on SQLite and PostgreSQL.
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use serde::{Deserialize, Serialize};
use tinhso_core::{Error, Result};
use tinhso_db::db_error;

#[derive(Debug, Clone, Copy, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    Agency,
    Procedure,
    Month,
}

#[derive(Debug, Default, Serialize, utoipa::ToSchema)]
pub struct Figures {
    /// The agency code, the procedure code, or the month (YYYY-MM) submitted.
    pub key: String,
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
    /// Ratings of 4 or 5.
    pub satisfied: i64,
}

const FINAL: &str = "('result_returned','refused','withdrawn')";

/// Figures for dossiers submitted in [from, to), grouped as asked.
pub async fn dossier_figures(db: &DatabaseConnection, group: GroupBy, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<Figures>> {
    if to <= from {
        return Err(Error::invalid("invalid_period", "Kỳ thống kê", "ngày kết thúc phải sau ngày bắt đầu."));
    }
    let backend = db.get_database_backend();
    let key = match (group, backend) {
        (GroupBy::Agency, _) => "d.agency_code".to_owned(),
        (GroupBy::Procedure, _) => "d.procedure_code".to_owned(),
        // Months in Vietnam's time: dossiers are counted where people live them.
        (GroupBy::Month, DbBackend::Postgres) => "to_char(d.submitted_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM')".to_owned(),
        (GroupBy::Month, _) => "strftime('%Y-%m', d.submitted_at, '+7 hours')".to_owned(),
    };
    let (p1, p2) = if backend == DbBackend::Postgres { ("$1", "$2") } else { ("?", "?") };
    let sql = format!(
        "SELECT {key} AS key, COUNT(*) AS submitted, \
         SUM(CASE WHEN d.received_at IS NOT NULL THEN 1 ELSE 0 END) AS received, \
         SUM(CASE WHEN d.finished_at IS NOT NULL AND d.state = 'result_returned' THEN 1 ELSE 0 END) AS finished, \
         SUM(CASE WHEN d.state = 'result_returned' AND (d.due_at IS NULL OR d.finished_at <= d.due_at) AND NOT d.apologized THEN 1 ELSE 0 END) AS on_time, \
         SUM(CASE WHEN d.state = 'result_returned' AND (d.finished_at > d.due_at OR d.apologized) THEN 1 ELSE 0 END) AS late, \
         SUM(CASE WHEN d.state NOT IN {FINAL} THEN 1 ELSE 0 END) AS in_progress, \
         SUM(CASE WHEN d.state NOT IN {FINAL} AND d.overdue THEN 1 ELSE 0 END) AS overdue, \
         SUM(CASE WHEN d.channel = 'online' THEN 1 ELSE 0 END) AS online, \
         SUM(CASE WHEN d.payment_status = 'paid' THEN 1 ELSE 0 END) AS paid_online, \
         COUNT(r.id) AS electronic_results, COUNT(g.score) AS ratings, \
         SUM(CASE WHEN g.score >= 4 THEN 1 ELSE 0 END) AS satisfied \
         FROM dossiers d LEFT JOIN dossier_results r ON r.dossier_id = d.id LEFT JOIN dossier_ratings g ON g.dossier_id = d.id \
         WHERE d.submitted_at >= {p1} AND d.submitted_at < {p2} GROUP BY {key} ORDER BY {key}"
    );
    let rows = db.query_all_raw(Statement::from_sql_and_values(backend, sql, [from.into(), to.into()])).await.map_err(db_error)?;
    let int = |row: &sea_orm::QueryResult, col: &str| -> Result<i64> {
        // SUM is NULL over no rows and may come back as a decimal on PostgreSQL.
        if let Ok(v) = row.try_get::<Option<i64>>("", col) {
            return Ok(v.unwrap_or(0));
        }
        row.try_get::<Option<i32>>("", col).map(|v| i64::from(v.unwrap_or(0))).map_err(db_error)
    };
    rows.iter()
        .map(|row| {
            Ok(Figures {
                key: row.try_get::<Option<String>>("", "key").map_err(db_error)?.unwrap_or_default(),
                submitted: int(row, "submitted")?,
                received: int(row, "received")?,
                finished: int(row, "finished")?,
                on_time: int(row, "on_time")?,
                late: int(row, "late")?,
                in_progress: int(row, "in_progress")?,
                overdue: int(row, "overdue")?,
                online: int(row, "online")?,
                paid_online: int(row, "paid_online")?,
                electronic_results: int(row, "electronic_results")?,
                ratings: int(row, "ratings")?,
                satisfied: int(row, "satisfied")?,
            })
        })
        .collect()
}
