//! The audit chain on a real database (SQLite, and PostgreSQL when TINHSO_TEST_POSTGRES is
//! set): it verifies when untouched and names the first broken link when tampered with.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use sea_orm::ConnectionTrait;
use tinhso_audit::{Entry, record_now, verify};

async fn chain_of(n: usize) -> sea_orm::DatabaseConnection {
    let (db, _) = tinhso_db::testing::fresh_db().await.unwrap();
    for i in 0..n {
        record_now(&db, Entry::new("user:test", "test.change", format!("thing:{i}")).purpose("kiểm thử")).await.unwrap();
    }
    db
}

#[tokio::test]
async fn an_untouched_chain_verifies() {
    let db = chain_of(5).await;
    let v = verify(&db).await.unwrap();
    assert_eq!((v.rows, v.first_break), (5, None));
}

#[tokio::test]
async fn an_altered_row_is_named() {
    let db = chain_of(5).await;
    db.execute_unprepared("UPDATE audit_log SET actor = 'user:someone-else' WHERE seq = 3").await.unwrap();
    assert_eq!(verify(&db).await.unwrap().first_break.map(|b| b.0), Some(3));
}

#[tokio::test]
async fn a_deleted_row_is_named() {
    let db = chain_of(5).await;
    db.execute_unprepared("DELETE FROM audit_log WHERE seq = 2").await.unwrap();
    assert_eq!(verify(&db).await.unwrap().first_break.map(|b| b.0), Some(2));
}

#[tokio::test]
async fn deleting_the_newest_rows_is_detected() {
    let db = chain_of(5).await;
    db.execute_unprepared("DELETE FROM audit_log WHERE seq >= 4").await.unwrap();
    let v = verify(&db).await.unwrap();
    assert_eq!(v.first_break.as_ref().map(|b| b.0), Some(4), "{v:?}");
}

#[tokio::test]
async fn concurrent_writers_keep_one_chain() {
    let db = chain_of(0).await;
    let tasks: Vec<_> = (0..16)
        .map(|i| {
            let db = db.clone();
            tokio::spawn(async move { record_now(&db, Entry::new("user:test", "test.change", format!("thing:{i}"))).await })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    let v = verify(&db).await.unwrap();
    assert_eq!((v.rows, v.first_break), (16, None));
}

#[tokio::test]
async fn verifying_while_others_write_reports_no_break() {
    let db = chain_of(50).await;
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let db = db.clone();
            tokio::spawn(async move {
                for i in 0..40 {
                    record_now(&db, Entry::new("system:job", "test.change", format!("thing:{w}-{i}"))).await.unwrap();
                }
            })
        })
        .collect();
    let mut checked = 0;
    while !writers.iter().all(|w| w.is_finished()) {
        let v = verify(&db).await.unwrap();
        assert_eq!(v.first_break, None, "after {} rows", v.rows);
        checked += 1;
    }
    for w in writers {
        w.await.unwrap();
    }
    assert_eq!(verify(&db).await.unwrap(), tinhso_audit::Verification { rows: 210, first_break: None });
    assert!(checked > 0);
}
