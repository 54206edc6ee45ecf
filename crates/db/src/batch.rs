//! Several write statements sent to the database as one request. On SQLite every statement is
//! a hop to the connection's worker thread and back; a write transaction of a dozen statements
//! spends most of its time in those hops while it holds the database's only write turn. A batch
//! joins statements that need no answer into one multi-statement request (SQLite binds the
//! values of each statement in turn), so the turn is held for one hop instead of many.
//! PostgreSQL does not take parameters in a multi-statement request; there the statements run
//! one after another, as they would without a batch.
use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement, Value};

#[derive(Debug, Default)]
pub struct Batch {
    statements: Vec<Statement>,
}

impl Batch {
    pub fn new() -> Self {
        Batch::default()
    }

    pub fn push(&mut self, statement: Statement) -> &mut Self {
        self.statements.push(statement);
        self
    }

    /// Moves the statements of `other` to the end of this batch.
    pub fn append(&mut self, other: Batch) -> &mut Self {
        self.statements.extend(other.statements);
        self
    }

    pub fn is_empty(&self) -> bool {
        self.statements.is_empty()
    }

    pub fn len(&self) -> usize {
        self.statements.len()
    }

    /// Runs every statement in order, in the caller's transaction; the first error stops it
    /// (and the caller's transaction, dropped, rolls everything back).
    pub async fn run<C: ConnectionTrait>(self, conn: &C) -> Result<(), DbErr> {
        if self.statements.is_empty() {
            return Ok(());
        }
        match conn.get_database_backend() {
            DbBackend::Sqlite => {
                conn.execute_raw(joined(self.statements)).await?;
            }
            _ => {
                for statement in self.statements {
                    conn.execute_raw(statement).await?;
                }
            }
        }
        Ok(())
    }
}

/// One SQLite request holding every statement; their values follow each other in the same
/// order as their `?` parameters.
fn joined(statements: Vec<Statement>) -> Statement {
    let mut sql = String::new();
    let mut values: Vec<Value> = Vec::new();
    for s in statements {
        sql.push_str(s.sql.trim_end().trim_end_matches(';'));
        sql.push_str(";\n");
        if let Some(v) = s.values {
            values.extend(v.0);
        }
    }
    Statement::from_sql_and_values(DbBackend::Sqlite, sql, values)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    async fn db() -> sea_orm::DatabaseConnection {
        // One connection: each connection to ":memory:" is a database of its own.
        let mut opts = sea_orm::ConnectOptions::new("sqlite::memory:");
        opts.max_connections(1).sqlx_logging(false);
        let db = sea_orm::Database::connect(opts).await.unwrap();
        db.execute_unprepared("CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT NOT NULL)").await.unwrap();
        db
    }

    fn insert(a: i64, b: &str) -> Statement {
        Statement::from_sql_and_values(DbBackend::Sqlite, "INSERT INTO t (a, b) VALUES (?, ?)", [a.into(), b.into()])
    }

    async fn rows(db: &sea_orm::DatabaseConnection) -> Vec<(i64, String)> {
        let rows = db.query_all_raw(Statement::from_string(DbBackend::Sqlite, "SELECT a, b FROM t ORDER BY a")).await.unwrap();
        rows.iter().map(|r| (r.try_get("", "a").unwrap(), r.try_get("", "b").unwrap())).collect()
    }

    #[tokio::test]
    async fn each_statement_gets_its_own_values_in_order() {
        let db = db().await;
        let mut batch = Batch::new();
        batch.push(insert(1, "một")).push(insert(2, "hai"));
        batch.push(Statement::from_sql_and_values(DbBackend::Sqlite, "UPDATE t SET b = ? WHERE a = ?;", ["ba".into(), 1i64.into()]));
        assert_eq!(batch.len(), 3);
        batch.run(&db).await.unwrap();
        assert_eq!(rows(&db).await, vec![(1, "ba".to_owned()), (2, "hai".to_owned())]);
    }

    #[tokio::test]
    async fn a_failing_statement_fails_the_batch_and_its_transaction_keeps_nothing() {
        use sea_orm::TransactionTrait;
        let db = db().await;
        let tx = db.begin().await.unwrap();
        let mut batch = Batch::new();
        batch.push(insert(1, "một")).push(insert(1, "trùng khóa")).push(insert(3, "ba"));
        assert!(batch.run(&tx).await.is_err());
        drop(tx);
        assert!(rows(&db).await.is_empty());
    }
}
