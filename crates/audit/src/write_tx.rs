//! A write transaction that holds its database's write turn until it ends (see
//! `tinhso_db::write_turn`) and the audit chain's head, read once when it began. It is used as
//! the transaction itself: it derefs to it and runs statements like it.
//!
//! Entries recorded in the transaction advance the head here, in memory; the head row is
//! written once, with the last batch the transaction runs or just before it commits, instead of
//! being read and written again for every entry.
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend, DbErr, ExecResult, QueryResult, Statement};
use std::ops::Deref;
use std::sync::Mutex;
use tinhso_db::batch::Batch;
use tinhso_db::write_turn::Turn;

pub struct WriteTx {
    pub(crate) tx: DatabaseTransaction,
    pub(crate) head: Mutex<Head>,
    pub(crate) _turn: Option<Turn>,
}

/// The chain's newest link as this transaction sees it, and whether the row is behind it.
pub(crate) struct Head {
    pub seq: i64,
    pub hash: String,
    pub unsaved: bool,
}

impl WriteTx {
    pub async fn commit(self) -> Result<(), DbErr> {
        if let Some(save) = self.save_head() {
            self.tx.execute_raw(save).await?;
        }
        self.tx.commit().await
    }

    pub async fn rollback(self) -> Result<(), DbErr> {
        self.tx.rollback().await
    }

    /// Runs `batch` in this transaction (see [`Batch`]), saving the audit head with it.
    pub async fn run(&self, mut batch: Batch) -> Result<(), DbErr> {
        if let Some(save) = self.save_head() {
            batch.push(save);
        }
        batch.run(&self.tx).await
    }

    /// The statement that writes the head, when entries moved it; the head counts as saved
    /// from here (a failure fails the transaction, which then does not commit).
    fn save_head(&self) -> Option<Statement> {
        let mut head = self.head.lock().unwrap_or_else(|e| e.into_inner());
        if !head.unsaved {
            return None;
        }
        head.unsaved = false;
        let backend = self.tx.get_database_backend();
        let sql = match backend {
            DbBackend::Postgres => "UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1",
            _ => "UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1",
        };
        Some(Statement::from_sql_and_values(backend, sql, [head.seq.into(), head.hash.clone().into()]))
    }
}

impl Deref for WriteTx {
    type Target = DatabaseTransaction;
    fn deref(&self) -> &DatabaseTransaction {
        &self.tx
    }
}

#[async_trait::async_trait]
impl ConnectionTrait for WriteTx {
    fn get_database_backend(&self) -> DbBackend {
        self.tx.get_database_backend()
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.tx.execute_raw(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.tx.execute_unprepared(sql).await
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.tx.query_one_raw(stmt).await
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.tx.query_all_raw(stmt).await
    }

    fn support_returning(&self) -> bool {
        self.tx.support_returning()
    }
}
