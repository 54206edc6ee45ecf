//! The tamper-evident audit log: every change and every read of personal data, with actor,
//! time, action, subject and purpose. Rows form a SHA-256 hash chain, and the chain head is
//! kept in its own row so that removing the newest rows is detected too.
use chrono::{DateTime, Utc};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, EntityTrait, QueryOrder, QueryTrait, Statement,
    QuerySelect, ActiveValue::Set, PaginatorTrait,
};
use sha2::{Digest, Sha256};
use tinhso_core::{Error, Result};
use tinhso_db::db_error;

pub mod entity;
mod write_tx;
pub use write_tx::WriteTx;
use write_tx::Head;
use tinhso_db::batch::Batch;
use entity::{head, log};

/// What happened, as the caller states it. `actor` and `subject` are ids ("user:…",
/// "procedure:1.001193"), never names or personal id numbers.
#[derive(Debug, Clone)]
pub struct Entry {
    pub actor: String,
    pub action: &'static str,
    pub subject: String,
    pub purpose: String,
    pub detail: serde_json::Value,
}

impl Entry {
    pub fn new(actor: impl Into<String>, action: &'static str, subject: impl Into<String>) -> Self {
        Entry {
            actor: actor.into(),
            action,
            subject: subject.into(),
            purpose: String::new(),
            detail: serde_json::Value::Null,
        }
    }

    pub fn purpose(mut self, purpose: impl Into<String>) -> Self {
        self.purpose = purpose.into();
        self
    }

    pub fn detail(mut self, detail: serde_json::Value) -> Self {
        self.detail = detail;
        self
    }
}

/// Starts a write transaction and takes the chain head's lock first, so that concurrent
/// writers queue here (PostgreSQL row lock; SQLite: the database's write turn in memory, then
/// its write lock before any read) instead of forking the chain or failing on a stale snapshot.
/// The same statement reads the head, which the transaction then keeps in memory.
pub async fn begin(db: &DatabaseConnection) -> Result<WriteTx> {
    let (turn, tx) = tinhso_db::write_turn::begin(db).await.map_err(db_error)?;
    let backend = tx.get_database_backend();
    let row = tx
        .query_one_raw(Statement::from_string(backend, "UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq, hash"))
        .await
        .map_err(db_error)?
        .ok_or_else(|| Error::other("audit_head row is missing"))?;
    let head = Head { seq: row.try_get("", "seq").map_err(db_error)?, hash: row.try_get("", "hash").map_err(db_error)?, unsaved: false };
    Ok(WriteTx { tx, head: std::sync::Mutex::new(head), _turn: turn })
}

/// Appends one entry inside the caller's transaction (which came from [`begin`]).
pub async fn record(tx: &WriteTx, entry: Entry) -> Result<()> {
    tx.execute_raw(link(tx, entry)).await.map_err(db_error)?;
    Ok(())
}

/// Appends one entry to `batch`, which the caller then runs with [`WriteTx::run`]: the entry
/// costs no request of its own.
pub fn record_in(tx: &WriteTx, batch: &mut Batch, entry: Entry) {
    batch.push(link(tx, entry));
}

/// Chains `entry` to the transaction's head, moves the head to it and returns its insert.
fn link(tx: &WriteTx, entry: Entry) -> Statement {
    let mut head = tx.head.lock().unwrap_or_else(|e| e.into_inner());
    let seq = head.seq + 1;
    let at = now_micros();
    let detail = entry.detail.to_string();
    let hash = link_hash(&head.hash, seq, at, &entry.actor, entry.action, &entry.subject, &entry.purpose, &detail);
    let row = log::ActiveModel {
        seq: Set(seq),
        id: Set(tinhso_core::new_id()),
        at: Set(at),
        actor: Set(entry.actor),
        action: Set(entry.action.to_owned()),
        subject: Set(entry.subject),
        purpose: Set(entry.purpose),
        detail: Set(detail),
        prev_hash: Set(std::mem::replace(&mut head.hash, hash.clone())),
        hash: Set(hash),
    };
    head.seq = seq;
    head.unsaved = true;
    log::Entity::insert(row).build(tx.get_database_backend())
}

/// Records one entry in a transaction of its own (for reads of personal data and events that
/// change nothing else).
pub async fn record_now(db: &DatabaseConnection, entry: Entry) -> Result<()> {
    let tx = begin(db).await?;
    let mut batch = Batch::new();
    record_in(&tx, &mut batch, entry);
    tx.run(batch).await.map_err(db_error)?;
    tx.commit().await.map_err(db_error)
}

fn now_micros() -> DateTime<Utc> {
    let now = Utc::now();
    DateTime::from_timestamp_micros(now.timestamp_micros()).unwrap_or(now)
}

#[allow(clippy::too_many_arguments)]
fn link_hash(prev: &str, seq: i64, at: DateTime<Utc>, actor: &str, action: &str, subject: &str, purpose: &str, detail: &str) -> String {
    let mut h = Sha256::new();
    for part in [prev, &seq.to_string(), &at.timestamp_micros().to_string(), actor, action, subject, purpose, detail] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

/// The outcome of checking the whole chain.
#[derive(Debug, PartialEq, Eq)]
pub struct Verification {
    pub rows: u64,
    /// The first broken link: the sequence number and what is wrong there.
    pub first_break: Option<(i64, String)>,
}

/// Walks the chain from the start and reports the first row that was altered, removed or
/// inserted out of order, and a chain head that no longer matches the last row.
/// The head is read first and the walk stops at it: rows that other writers commit while
/// the walk runs (a live system's background jobs) are the next run's to check, rather than
/// looking like rows the head does not know.
pub async fn verify(db: &DatabaseConnection) -> Result<Verification> {
    const PAGE: u64 = 1000;
    let head = head::Entity::find_by_id(1).one(db).await.map_err(db_error)?;
    let last = head.as_ref().map(|h| h.seq).unwrap_or(i64::MAX);
    let mut prev = tinhso_migrations::GENESIS.to_owned();
    let mut expected_seq = 1i64;
    let mut rows = 0u64;
    loop {
        let page = log::Entity::find()
            .order_by_asc(log::Column::Seq)
            .filter_gt_seq(expected_seq - 1)
            .filter_le_seq(last)
            .limit(PAGE)
            .all(db)
            .await
            .map_err(db_error)?;
        for row in &page {
            rows += 1;
            if row.seq != expected_seq {
                return Ok(broken(rows, expected_seq, format!("thiếu bản ghi số {expected_seq} (bị xóa)")));
            }
            if row.prev_hash != prev {
                return Ok(broken(rows, row.seq, "liên kết với bản ghi trước bị thay đổi".into()));
            }
            let hash = link_hash(&prev, row.seq, row.at, &row.actor, &row.action, &row.subject, &row.purpose, &row.detail);
            if hash != row.hash {
                return Ok(broken(rows, row.seq, "nội dung bản ghi bị sửa đổi".into()));
            }
            prev = hash;
            expected_seq += 1;
        }
        if (page.len() as u64) < PAGE {
            break;
        }
    }
    match head {
        Some(h) if h.seq == expected_seq - 1 && h.hash == prev => Ok(Verification { rows, first_break: None }),
        _ => Ok(broken(rows, expected_seq, format!("các bản ghi từ số {expected_seq} trở đi đã bị xóa"))),
    }
}

fn broken(rows: u64, seq: i64, why: String) -> Verification {
    Verification { rows, first_break: Some((seq, why)) }
}

/// Number of entries, for pages and tests.
pub async fn count(db: &DatabaseConnection) -> Result<u64> {
    log::Entity::find().count(db).await.map_err(db_error)
}

/// The newest entries first, for the administrators' page.
pub async fn recent(db: &DatabaseConnection, limit: u64) -> Result<Vec<log::Model>> {
    log::Entity::find().order_by_desc(log::Column::Seq).limit(limit).all(db).await.map_err(db_error)
}

trait SeqFilter {
    fn filter_gt_seq(self, seq: i64) -> Self;
    fn filter_le_seq(self, seq: i64) -> Self;
}

impl SeqFilter for sea_orm::Select<log::Entity> {
    fn filter_gt_seq(self, seq: i64) -> Self {
        use sea_orm::{ColumnTrait, QueryFilter};
        self.filter(log::Column::Seq.gt(seq))
    }

    fn filter_le_seq(self, seq: i64) -> Self {
        use sea_orm::{ColumnTrait, QueryFilter};
        self.filter(log::Column::Seq.lte(seq))
    }
}

/// Entries about any of `subjects` ("user:…", "dossier:…"), newest first: what a person's
/// access log shows of the platform's own reads of their data.
pub async fn about(db: &DatabaseConnection, subjects: &[String], limit: u64) -> Result<Vec<log::Model>> {
    use sea_orm::{ColumnTrait, QueryFilter};
    if subjects.is_empty() {
        return Ok(Vec::new());
    }
    log::Entity::find()
        .filter(log::Column::Subject.is_in(subjects.iter().cloned()))
        .order_by_desc(log::Column::Seq)
        .limit(limit)
        .all(db)
        .await
        .map_err(db_error)
}
