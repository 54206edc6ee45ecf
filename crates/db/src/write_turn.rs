//! SQLite has one writer at a time. Writers that collide wait in SQLite's busy handler, which
//! sleeps in growing steps (up to 100 ms) and leaves the database idle between a commit and the
//! next retry. The platform's write transactions therefore take a turn here first, in memory
//! and in arrival order, so they follow each other without sleeping. One queue per database
//! file; PostgreSQL needs none (its row lock on the audit head queues writers already).
//!
//! The turn's holders also share one connection ([`begin`]). A SQLite connection drops its
//! whole page cache whenever another connection has committed since its last transaction, so
//! writers spread over the pool read every index page they touch again, from the file, at
//! every transaction, while they hold the only write turn. On one connection the pages stay
//! cached from one write to the next.
use crate::batch::Batch;
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, DatabaseTransaction, DbErr, SqlxSqliteConnector, Statement, TransactionTrait};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;
use tokio::sync::{Mutex as AsyncMutex, OnceCell, OwnedMutexGuard};

/// Longer than this in the queue and the writer goes ahead to SQLite's own busy handling: a
/// writer that somehow waits on itself is then refused by SQLite's timeout, as before, instead
/// of waiting forever.
const PATIENCE: Duration = Duration::from_secs(10);

/// The writers' connection keeps this much of the database in its page cache (KiB): the
/// upper levels of every index of a few million dossiers.
const WRITER_CACHE_KIB: i64 = 64 * 1024;

pub struct Turn(#[allow(dead_code)] OwnedMutexGuard<()>);

/// One database file's queue of writers and their shared connection.
#[derive(Default)]
struct Slot {
    queue: Arc<AsyncMutex<()>>,
    writer: OnceCell<DatabaseConnection>,
}

fn slot(db: &DatabaseConnection) -> Arc<Slot> {
    static SLOTS: OnceLock<Mutex<HashMap<PathBuf, Arc<Slot>>>> = OnceLock::new();
    let file = db.get_sqlite_connection_pool().connect_options().get_filename().to_path_buf();
    SLOTS.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner()).entry(file).or_default().clone()
}

/// Takes the write turn and begins a transaction: on SQLite on the connection all of the
/// file's turn holders share, on PostgreSQL on `db` (no turn). Hold the turn until the
/// transaction ends.
pub async fn begin(db: &DatabaseConnection) -> Result<(Option<Turn>, DatabaseTransaction), DbErr> {
    if db.get_database_backend() != DatabaseBackend::Sqlite {
        return Ok((None, db.begin().await?));
    }
    let (turn, writer) = writer(db).await?;
    Ok((turn, writer.begin().await?))
}

/// Runs `batch` as a transaction of its own, for writers that need no answer from the
/// database before they commit. On SQLite the batch goes in the file's turn to the shared
/// connection as one request, `BEGIN IMMEDIATE` and `COMMIT` included: one hop to the
/// connection's thread instead of three. Nothing is kept when a statement fails.
pub async fn commit_batch(db: &DatabaseConnection, batch: Batch) -> Result<(), DbErr> {
    if db.get_database_backend() != DatabaseBackend::Sqlite {
        let tx = db.begin().await?;
        batch.run(&tx).await?;
        return tx.commit().await;
    }
    let (_turn, writer) = writer(db).await?;
    let mut whole = Batch::new();
    whole.push(Statement::from_string(DatabaseBackend::Sqlite, "BEGIN IMMEDIATE"));
    whole.append(batch);
    whole.push(Statement::from_string(DatabaseBackend::Sqlite, "COMMIT"));
    let ran = whole.run(&writer).await;
    if ran.is_err() {
        // The statements stop at the first failure, inside the open transaction: it is ended
        // here, before the turn passes on. (Refused when BEGIN itself failed: nothing is open.)
        let _ = writer.execute_unprepared("ROLLBACK").await;
    }
    ran
}

/// The file's write turn (in arrival order; past PATIENCE, on to SQLite's own busy handling)
/// and the connection its holders share.
async fn writer(db: &DatabaseConnection) -> Result<(Option<Turn>, DatabaseConnection), DbErr> {
    let slot = slot(db);
    let turn = tokio::time::timeout(PATIENCE, slot.queue.clone().lock_owned()).await.ok().map(Turn);
    let writer = slot
        .writer
        .get_or_try_init(|| async {
            let options = (*db.get_sqlite_connection_pool().connect_options()).clone().pragma("cache_size", format!("-{WRITER_CACHE_KIB}"));
            let pool = sea_orm::sqlx::sqlite::SqlitePoolOptions::new().max_connections(1).test_before_acquire(false).acquire_timeout(PATIENCE).connect_with(options).await.map_err(|e| DbErr::Conn(sea_orm::RuntimeErr::SqlxError(e.into())))?;
            Ok::<_, DbErr>(SqlxSqliteConnector::from_sqlx_sqlite_pool(pool))
        })
        .await?;
    Ok((turn, writer.clone()))
}
