//! SQLite has one writer at a time. Writers that collide wait in SQLite's busy handler, which
//! sleeps in growing steps (up to 100 ms) and leaves the database idle between a commit and the
//! next retry. The platform's write transactions therefore take a turn here first, in memory
//! and in arrival order, so they follow each other without sleeping. One queue per database
//! file; PostgreSQL needs none (its row lock on the audit head queues writers already).
use sea_orm::{DatabaseBackend, DatabaseConnection};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;
use tokio::sync::{Mutex as AsyncMutex, OwnedMutexGuard};

/// Longer than this in the queue and the writer goes ahead to SQLite's own busy handling: a
/// writer that somehow waits on itself is then refused by SQLite's timeout, as before, instead
/// of waiting forever.
const PATIENCE: Duration = Duration::from_secs(10);

pub struct Turn(#[allow(dead_code)] OwnedMutexGuard<()>);

fn queues() -> &'static Mutex<HashMap<PathBuf, Arc<AsyncMutex<()>>>> {
    static QUEUES: OnceLock<Mutex<HashMap<PathBuf, Arc<AsyncMutex<()>>>>> = OnceLock::new();
    QUEUES.get_or_init(Default::default)
}

/// Waits for this database's write turn (SQLite), or returns at once (PostgreSQL). Hold the
/// turn until the transaction ends.
pub async fn write_turn(db: &DatabaseConnection) -> Option<Turn> {
    if db.get_database_backend() != DatabaseBackend::Sqlite {
        return None;
    }
    let file = db.get_sqlite_connection_pool().connect_options().get_filename().to_path_buf();
    let queue = queues().lock().unwrap_or_else(|e| e.into_inner()).entry(file).or_default().clone();
    tokio::time::timeout(PATIENCE, queue.lock_owned()).await.ok().map(Turn)
}
