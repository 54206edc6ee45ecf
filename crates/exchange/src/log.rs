//! The exchange log. Every call, answered or refused, becomes one row before its response is
//! sent. Rows form a SHA-256 chain like the audit log's; one writer task takes the calls of the
//! moment in one transaction (group commit), so logging keeps up with the gateway, and each
//! caller waits until its row is committed. On PostgreSQL the head row is locked first in
//! every batch, so several nodes writing to one database queue there instead of forking the
//! chain; on SQLite the writer keeps the head it wrote last (see `run`).
use crate::entity::{head, log};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Statement};
use sha2::{Digest, Sha256};
use tinhso_core::{Error, Result};
use tinhso_db::batch::Batch;
use tinhso_db::db_error;
use tokio::sync::{mpsc, oneshot};

/// Most rows written in one transaction.
const BATCH: usize = 512;

/// One call as the gateway saw it.
#[derive(Debug, Clone, Default)]
pub struct Record {
    pub request_id: String,
    pub consumer: String,
    pub provider: String,
    pub service: String,
    pub method: String,
    pub path: String,
    pub purpose: String,
    pub subject: String,
    pub status: u16,
    pub error_code: String,
    pub latency_us: i64,
    pub request_hash: String,
    pub response_hash: String,
    pub request_body: Option<String>,
    pub response_body: Option<String>,
}

type Job = (Record, oneshot::Sender<Result<i64>>);

/// The handle the gateway writes through; cheap to clone.
#[derive(Clone)]
pub struct LogWriter {
    tx: mpsc::Sender<Job>,
}

impl LogWriter {
    /// Starts the writer task on the current runtime.
    pub fn spawn(db: DatabaseConnection) -> LogWriter {
        let (tx, rx) = mpsc::channel::<Job>(BATCH * 8);
        tokio::spawn(run(db, rx));
        LogWriter { tx }
    }

    /// Writes one record and returns its sequence number once it is committed.
    pub async fn write(&self, r: Record) -> Result<i64> {
        let (done, wait) = oneshot::channel();
        self.tx.send((r, done)).await.map_err(|_| Error::other("exchange log writer stopped"))?;
        wait.await.map_err(|_| Error::other("exchange log writer dropped a record"))?
    }
}

async fn run(db: DatabaseConnection, mut rx: mpsc::Receiver<Job>) {
    // On SQLite this task is the log's only writer (one per process; a SQLite file serves one
    // node), so the head it wrote last is still the head: it is kept here, and the next batch,
    // with nothing to read first, goes to the database as one request where reading the head
    // took four (begin, read, write, commit) while holding the write turn. Were it ever stale,
    // the batch's first sequence number would be taken already (the primary key), the batch
    // would fail, and it is written again on the head read from the database. PostgreSQL
    // nodes share the log, so there every batch locks and reads the head.
    let remember = db.get_database_backend() == DatabaseBackend::Sqlite;
    let mut head: Option<Head> = None;
    let mut jobs: Vec<Job> = Vec::with_capacity(BATCH);
    while rx.recv_many(&mut jobs, BATCH).await > 0 {
        let records: Vec<&Record> = jobs.iter().map(|(r, _)| r).collect();
        let known = head.take();
        let cached = known.is_some();
        let mut written = write_batch(&db, &records, known).await;
        if written.is_err() && cached {
            written = write_batch(&db, &records, None).await;
        }
        match written {
            Ok((first, last)) => {
                head = remember.then_some(last);
                for (i, (_, done)) in jobs.drain(..).enumerate() {
                    let _ = done.send(Ok(first + i as i64));
                }
            }
            Err(e) => {
                tracing::error!(error = %e, rows = jobs.len(), "exchange log batch failed");
                for (_, done) in jobs.drain(..) {
                    let _ = done.send(Err(Error::other("exchange log write failed")));
                }
            }
        }
    }
}

fn now_micros() -> DateTime<Utc> {
    let now = Utc::now();
    DateTime::from_timestamp_micros(now.timestamp_micros()).unwrap_or(now)
}

/// The chain link of one row: every field that matters, length-prefixed.
pub fn link_hash(prev: &str, seq: i64, at: DateTime<Utc>, r: &log::Model) -> String {
    let mut h = Sha256::new();
    let (status, latency) = (r.status.to_string(), r.latency_us.to_string());
    let body_req = r.request_body.clone().unwrap_or_default();
    let body_resp = r.response_body.clone().unwrap_or_default();
    for part in [
        prev, &seq.to_string(), &at.timestamp_micros().to_string(), &r.request_id, &r.consumer, &r.provider, &r.service, &r.method, &r.path, &r.purpose, &r.subject, &status,
        &r.error_code, &latency, &r.request_hash, &r.response_hash, &body_req, &body_resp,
    ] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

/// The chain's last row: its sequence number and hash.
type Head = (i64, String);

/// Writes `records` after `known`, the head this writer wrote last, or after the head read
/// from the database when `known` is `None`; returns the first sequence number and the new head.
async fn write_batch(db: &DatabaseConnection, records: &[&Record], known: Option<Head>) -> Result<(i64, Head)> {
    let backend = db.get_database_backend();
    if let Some(head) = known {
        // Nothing to read first: the rows, the head and the transaction's begin and commit go
        // to the database in one request.
        let (first, last, batch) = rows_after(backend, head, records);
        tinhso_db::write_turn::commit_batch(db, batch).await.map_err(db_error)?;
        return Ok((first, last));
    }
    let (_turn, tx) = tinhso_db::write_turn::begin(db).await.map_err(db_error)?;
    let written = async {
        // Locks the head and reads it in one statement: the write turn is held for as few
        // round trips as possible (see `tinhso_db::batch`).
        let h = tx
            .query_one_raw(Statement::from_string(backend, "UPDATE exchange_log_head SET seq = seq WHERE id = 1 RETURNING seq, hash"))
            .await
            .map_err(db_error)?
            .ok_or_else(|| Error::other("exchange_log_head row is missing"))?;
        let head = (h.try_get("", "seq").map_err(db_error)?, h.try_get("", "hash").map_err(db_error)?);
        let (first, last, batch) = rows_after(backend, head, records);
        batch.run(&tx).await.map_err(db_error)?;
        Ok::<_, Error>((first, last))
    }
    .await;
    match written {
        Ok(written) => {
            tx.commit().await.map_err(db_error)?;
            Ok(written)
        }
        Err(e) => {
            // Given back before the turn passes on (the batch may be written again at once).
            let _ = tx.rollback().await;
            Err(e)
        }
    }
}

/// The rows of `records` chained after `head`, and the head moved to the last of them: the
/// first sequence number, the new head and the statements.
fn rows_after(backend: DatabaseBackend, (mut seq, mut prev): Head, records: &[&Record]) -> (i64, Head, Batch) {
    let first = seq + 1;
    let at = now_micros();
    let mut rows = Vec::with_capacity(records.len());
    for r in records {
        seq += 1;
        let mut m = log::Model {
            seq,
            id: tinhso_core::new_id(),
            at,
            request_id: r.request_id.clone(),
            consumer: r.consumer.clone(),
            provider: r.provider.clone(),
            service: r.service.clone(),
            method: r.method.clone(),
            path: r.path.clone(),
            purpose: r.purpose.clone(),
            subject: r.subject.clone(),
            status: i32::from(r.status),
            error_code: r.error_code.clone(),
            latency_us: r.latency_us,
            request_hash: r.request_hash.clone(),
            response_hash: r.response_hash.clone(),
            request_body: r.request_body.clone(),
            response_body: r.response_body.clone(),
            prev_hash: prev.clone(),
            hash: String::new(),
        };
        m.hash = link_hash(&prev, seq, at, &m);
        prev = m.hash.clone();
        rows.push(log::ActiveModel::from(m));
    }
    // SQLite takes at most 32766 bound values in one statement: 20 columns × 512 rows fits.
    let mut batch = Batch::new();
    batch.push(log::Entity::insert_many(rows).build(backend));
    batch.push(head::Entity::update_many().col_expr(head::Column::Seq, seq.into()).col_expr(head::Column::Hash, prev.clone().into()).filter(head::Column::Id.eq(1)).build(backend));
    (first, (seq, prev), batch)
}

/// The outcome of checking the exchange log's chain.
#[derive(Debug, PartialEq, Eq)]
pub struct Verification {
    pub rows: u64,
    pub first_break: Option<(i64, String)>,
}

/// Walks the chain and reports the first altered, removed or reordered row.
pub async fn verify(db: &DatabaseConnection) -> Result<Verification> {
    const PAGE: u64 = 2000;
    let mut prev = tinhso_migrations::GENESIS.to_owned();
    let mut expected = 1i64;
    let mut rows = 0u64;
    loop {
        let page = log::Entity::find().filter(log::Column::Seq.gte(expected)).order_by_asc(log::Column::Seq).limit(PAGE).all(db).await.map_err(db_error)?;
        for row in &page {
            rows += 1;
            if row.seq != expected {
                return Ok(Verification { rows, first_break: Some((expected, "thiếu bản ghi (bị xóa)".into())) });
            }
            if row.prev_hash != prev || link_hash(&prev, row.seq, row.at, row) != row.hash {
                return Ok(Verification { rows, first_break: Some((row.seq, "nội dung bản ghi bị sửa đổi".into())) });
            }
            prev = row.hash.clone();
            expected += 1;
        }
        if (page.len() as u64) < PAGE {
            break;
        }
    }
    let h = head::Entity::find_by_id(1).one(db).await.map_err(db_error)?;
    match h {
        Some(h) if h.seq == expected - 1 && h.hash == prev => Ok(Verification { rows, first_break: None }),
        _ => Ok(Verification { rows, first_break: Some((expected, "các bản ghi mới nhất đã bị xóa".into())) }),
    }
}
