//! Dossier statistics per agency, commune, procedure or month: the figures the indicators and
//! the operations centre are built on. They are read from `dossier_figures` (kept current by
//! [`crate::figures`]), so a province's millions of dossiers answer in milliseconds.
use crate::figures::{COUNTERS, Delta, month_of};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement, Value};
use serde::{Deserialize, Serialize};
use tinhso_core::{Error, Result};
use tinhso_db::db_error;

#[derive(Debug, Clone, Copy, PartialEq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    Agency,
    /// Commune-level units only (xã, phường, đặc khu).
    Commune,
    Procedure,
    Month,
}

impl GroupBy {
    pub fn parse(s: &str) -> Result<GroupBy> {
        match s {
            "agency" => Ok(GroupBy::Agency),
            "commune" => Ok(GroupBy::Commune),
            "procedure" => Ok(GroupBy::Procedure),
            "month" => Ok(GroupBy::Month),
            other => Err(Error::invalid("invalid_group", "Nhóm theo", format!("'{other}' không hợp lệ: agency, commune, procedure hoặc month."))),
        }
    }
}

/// The figures of one group. Counts of dossiers unless said otherwise.
#[derive(Debug, Default, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Figures {
    /// The agency code, the procedure code, or the month (YYYY-MM) submitted.
    pub key: String,
    pub submitted: i64,
    pub received: i64,
    /// Results returned.
    pub finished: i64,
    pub on_time: i64,
    pub late: i64,
    pub in_progress: i64,
    pub overdue: i64,
    /// Submitted online (the rest at the one-stop desk: `counter`).
    pub online: i64,
    /// Submitted online for a procedure offered fully online (toàn trình).
    pub fully_online: i64,
    pub counter: i64,
    pub paid_online: i64,
    pub electronic_results: i64,
    /// Dossiers with their documents held electronically.
    pub digitised: i64,
    /// Documents given with the dossiers, and how many of them came from the person's store.
    pub documents: i64,
    pub documents_reused: i64,
    pub ratings: i64,
    /// Ratings of 4 or 5.
    pub satisfied: i64,
}

impl Figures {
    fn slot_mut(&mut self, counter: &str) -> Option<&mut i64> {
        Some(match counter {
            "submitted" => &mut self.submitted,
            "received" => &mut self.received,
            "finished" => &mut self.finished,
            "on_time" => &mut self.on_time,
            "late" => &mut self.late,
            "in_progress" => &mut self.in_progress,
            "overdue" => &mut self.overdue,
            "online" => &mut self.online,
            "fully_online" => &mut self.fully_online,
            "counter" => &mut self.counter,
            "paid_online" => &mut self.paid_online,
            "electronic_results" => &mut self.electronic_results,
            "digitised" => &mut self.digitised,
            "documents" => &mut self.documents,
            "documents_reused" => &mut self.documents_reused,
            "ratings" => &mut self.ratings,
            "satisfied" => &mut self.satisfied,
            _ => return None,
        })
    }

    /// Adds another group's counts to these (a total row).
    pub fn add(&mut self, other: &Figures) {
        let mut other = other.clone();
        for c in COUNTERS {
            let v = other.slot_mut(c).map_or(0, |v| *v);
            if let Some(slot) = self.slot_mut(c) {
                *slot += v;
            }
        }
    }
}

/// Narrows the figures to one agency (with its month-by-month trend, say) or one procedure.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub agency: Option<String>,
    pub procedure: Option<String>,
}

/// The figures a leader or administrator asks for, with the period given as days in Vietnam.
pub async fn for_leader(db: &DatabaseConnection, who: &tinhso_identity::Principal, group: &str, from: NaiveDate, to: NaiveDate, filter: Filter) -> Result<Vec<Figures>> {
    use tinhso_core::roles::Role;
    if !(who.has(Role::Leader) || who.has(Role::Admin)) {
        return Err(Error::Forbidden);
    }
    let group = GroupBy::parse(group)?;
    let start = |d: NaiveDate| d.and_hms_opt(0, 0, 0).and_then(|t| t.and_local_timezone(tinhso_core::calendar::vietnam()).single()).map(|t| t.with_timezone(&Utc));
    let (Some(from), Some(to)) = (start(from), start(to)) else {
        return Err(Error::invalid("invalid_period", "Kỳ thống kê", "ngày không hợp lệ."));
    };
    dossier_figures_of(db, group, from, to, &filter).await
}

/// Figures for the months of [from, to), grouped as asked. Dossiers count in the month they
/// were submitted (Vietnam time); a period that starts or ends inside a month takes that month.
pub async fn dossier_figures(db: &DatabaseConnection, group: GroupBy, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<Figures>> {
    dossier_figures_of(db, group, from, to, &Filter::default()).await
}

pub async fn dossier_figures_of(db: &DatabaseConnection, group: GroupBy, from: DateTime<Utc>, to: DateTime<Utc>, filter: &Filter) -> Result<Vec<Figures>> {
    if to <= from {
        return Err(Error::invalid("invalid_period", "Kỳ thống kê", "ngày kết thúc phải sau ngày bắt đầu."));
    }
    let backend = db.get_database_backend();
    let (dimension, key) = match group {
        GroupBy::Procedure => ("procedure", "f.key"),
        GroupBy::Month => (if filter.procedure.is_some() { "procedure" } else { "agency" }, "f.month"),
        GroupBy::Agency | GroupBy::Commune => ("agency", "f.key"),
    };
    if filter.agency.is_some() && filter.procedure.is_some() {
        return Err(Error::invalid("invalid_filter", "Bộ lọc", "chọn một đơn vị hoặc một thủ tục, không cả hai."));
    }
    let mut values: Vec<Value> = vec![dimension.into(), month_of(from).into(), month_of(to - chrono::Duration::seconds(1)).into()];
    let mut wheres = vec!["f.dimension = ?".to_owned(), "f.month >= ?".to_owned(), "f.month <= ?".to_owned()];
    if let Some(one) = filter.agency.as_ref().or(filter.procedure.as_ref()) {
        wheres.push("f.key = ?".into());
        values.push(one.as_str().into());
    }
    let join = if group == GroupBy::Commune { " JOIN org_units o ON o.code = f.key AND o.kind IN ('commune', 'ward', 'special_zone')" } else { "" };
    let sums: Vec<String> = COUNTERS.iter().map(|c| format!("SUM(f.{c}) AS {c}")).collect();
    let sql = numbered(
        backend,
        &format!("SELECT {key} AS key, {} FROM dossier_figures f{join} WHERE {} GROUP BY {key} ORDER BY {key}", sums.join(", "), wheres.join(" AND ")),
    );
    let rows = db.query_all_raw(Statement::from_sql_and_values(backend, sql, values)).await.map_err(db_error)?;
    rows.iter()
        .map(|row| {
            let mut f = Figures { key: row.try_get::<Option<String>>("", "key").map_err(db_error)?.unwrap_or_default(), ..Figures::default() };
            for c in COUNTERS {
                if let Some(slot) = f.slot_mut(c) {
                    *slot = int(row, c)?;
                }
            }
            Ok(f)
        })
        .collect()
}

/// `?` placeholders as `$1, $2…` on PostgreSQL.
pub(crate) fn numbered(backend: DbBackend, sql: &str) -> String {
    if backend != DbBackend::Postgres {
        return sql.to_owned();
    }
    let mut out = String::with_capacity(sql.len() + 8);
    let mut n = 0;
    for ch in sql.chars() {
        if ch == '?' {
            n += 1;
            out.push_str(&format!("${n}"));
        } else {
            out.push(ch);
        }
    }
    out
}

/// A whole-number column: SUM comes back as a decimal on PostgreSQL, and NULL over no rows.
fn int(row: &sea_orm::QueryResult, col: &str) -> Result<i64> {
    if let Ok(v) = row.try_get::<Option<i64>>("", col) {
        return Ok(v.unwrap_or(0));
    }
    if let Ok(v) = row.try_get::<Option<i32>>("", col) {
        return Ok(i64::from(v.unwrap_or(0)));
    }
    let d = row.try_get::<Option<sea_orm::prelude::Decimal>>("", col).map_err(db_error)?;
    Ok(d.and_then(|d| i64::try_from(d).ok()).unwrap_or(0))
}

/// Counts everything again from the dossiers, their documents, results and ratings, in one
/// transaction that holds the audit lock (so no change slips between the count and the write).
/// Used when the figures table is new, and by the tests to prove the running counts right.
pub async fn rebuild(db: &DatabaseConnection) -> Result<u64> {
    use crate::documents::entity as document;
    use crate::entity::dossier;
    use crate::outputs::rating;
    use crate::results::entity as result;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
    use std::collections::{HashMap, HashSet};
    let fully_online: HashSet<String> = tinhso_catalog::store::all(db).await?.into_iter().filter(|p| p.fully_online()).map(|p| p.code).collect();
    let tx = tinhso_audit::begin(db).await?;
    tx.execute_unprepared("DELETE FROM dossier_figures").await.map_err(db_error)?;
    let mut rows: HashMap<(&'static str, String, String), Delta> = HashMap::new();
    let mut last: Option<uuid::Uuid> = None;
    let mut counted = 0u64;
    loop {
        let mut q = dossier::Entity::find().order_by_asc(dossier::Column::Id).limit(5000);
        if let Some(id) = last {
            q = q.filter(dossier::Column::Id.gt(id));
        }
        let batch = q.all(&tx).await.map_err(db_error)?;
        let Some(tail) = batch.last() else { break };
        last = Some(tail.id);
        let ids: Vec<uuid::Uuid> = batch.iter().map(|d| d.id).collect();
        let mut extra: HashMap<uuid::Uuid, Delta> = HashMap::new();
        for doc in document::Entity::find().filter(document::Column::DossierId.is_in(ids.clone())).all(&tx).await.map_err(db_error)? {
            let first = !extra.contains_key(&doc.dossier_id);
            let e = extra.entry(doc.dossier_id).or_default();
            *e = std::mem::take(e).add("digitised", i64::from(first)).add("documents", 1).add("documents_reused", i64::from(doc.reused));
        }
        for r in result::Entity::find().filter(result::Column::DossierId.is_in(ids.clone())).all(&tx).await.map_err(db_error)? {
            let e = extra.entry(r.dossier_id).or_default();
            *e = std::mem::take(e).add("electronic_results", 1);
        }
        for g in rating::Entity::find().filter(rating::Column::DossierId.is_in(ids)).all(&tx).await.map_err(db_error)? {
            let e = extra.entry(g.dossier_id).or_default();
            *e = std::mem::take(e).add("ratings", 1).add("satisfied", i64::from(g.score >= 4));
        }
        for d in &batch {
            let delta = Delta::submission(d, fully_online.contains(&d.procedure_code)).merge(extra.remove(&d.id).unwrap_or_default());
            let month = month_of(d.submitted_at.unwrap_or(d.created_at));
            for (dimension, key) in [("agency", &d.agency_code), ("procedure", &d.procedure_code)] {
                let row = rows.entry((dimension, key.clone(), month.clone())).or_default();
                *row = std::mem::take(row).merge(delta.clone());
            }
        }
        counted += batch.len() as u64;
    }
    for ((dimension, key, month), delta) in rows {
        tx.execute_raw(crate::figures::upsert(tx.get_database_backend(), dimension, &key, &month, &delta)).await.map_err(db_error)?;
    }
    tx.commit().await.map_err(db_error)?;
    Ok(counted)
}

/// Builds the figures when they are missing (a database that had dossiers before the figures
/// table existed); returns how many dossiers were counted.
pub async fn ensure_built(db: &DatabaseConnection) -> Result<u64> {
    let has = |sql: &'static str| async move {
        let row = db.query_one_raw(Statement::from_string(db.get_database_backend(), sql)).await.map_err(db_error)?;
        Ok::<bool, Error>(row.is_some())
    };
    if has("SELECT 1 FROM dossier_figures LIMIT 1").await? || !has("SELECT 1 FROM dossiers LIMIT 1").await? {
        return Ok(0);
    }
    rebuild(db).await
}
