//! A batch committed on its own (`write_turn::commit_batch`) on a real database (SQLite, and
//! PostgreSQL when TINHSO_TEST_POSTGRES is set): all of it or nothing, and the shared writer
//! connection is left outside any transaction.
#![allow(clippy::unwrap_used)]
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use tinhso_db::batch::Batch;
use tinhso_db::write_turn::commit_batch;

fn insert(db: &DatabaseConnection, a: i64, b: &str) -> Statement {
    Statement::from_string(db.get_database_backend(), format!("INSERT INTO turn_probe (a, b) VALUES ({a}, '{b}')"))
}

async fn rows(db: &DatabaseConnection) -> Vec<i64> {
    let rows = db.query_all_raw(Statement::from_string(db.get_database_backend(), "SELECT a FROM turn_probe ORDER BY a")).await.unwrap();
    rows.iter().map(|r| r.try_get("", "a").unwrap()).collect()
}

#[tokio::test]
async fn a_batch_committed_alone_keeps_all_of_it_or_nothing() {
    let (db, _) = tinhso_db::testing::fresh_db().await.unwrap();
    db.execute_unprepared("CREATE TABLE turn_probe (a BIGINT PRIMARY KEY, b TEXT NOT NULL)").await.unwrap();

    let mut failing = Batch::new();
    failing.push(insert(&db, 1, "một")).push(insert(&db, 1, "trùng khóa")).push(insert(&db, 3, "ba"));
    assert!(commit_batch(&db, failing).await.is_err());
    assert!(rows(&db).await.is_empty(), "the statement before the failing one is not kept");

    let mut good = Batch::new();
    good.push(insert(&db, 1, "một")).push(insert(&db, 2, "hai"));
    commit_batch(&db, good).await.unwrap();
    // Read on another connection of the pool: rows left in an open transaction would not show.
    assert_eq!(rows(&db).await, vec![1, 2]);
    let mut next = Batch::new();
    next.push(insert(&db, 4, "bốn"));
    commit_batch(&db, next).await.unwrap();
    assert_eq!(rows(&db).await, vec![1, 2, 4]);
}
