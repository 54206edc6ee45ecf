//! The exchange's storage on a real database (SQLite, and PostgreSQL when
//! TINHSO_TEST_POSTGRES is set): the group-committed log chain under concurrent writers and its
//! tamper checks, and the registry's key and grant rules.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use sea_orm::ConnectionTrait;
use tinhso_exchange::gateway::Auth;
use tinhso_exchange::log::{LogWriter, Record, verify};

fn record(i: usize) -> Record {
    Record { request_id: format!("r{i}"), consumer: "000.00.04.H55/hotich".into(), service: "000.00.15.H55/dancu/population".into(), method: "GET".into(), status: 200, latency_us: i as i64, ..Record::default() }
}

#[tokio::test]
async fn concurrent_calls_make_one_unbroken_chain_and_tampering_is_found() {
    let (db, _) = tinhso_db::testing::fresh_db().await.unwrap();
    let writer = LogWriter::spawn(db.clone());
    let tasks: Vec<_> = (0..300).map(|i| {
        let w = writer.clone();
        tokio::spawn(async move { w.write(record(i)).await })
    }).collect();
    let mut seqs = Vec::new();
    for t in tasks {
        seqs.push(t.await.unwrap().unwrap());
    }
    seqs.sort_unstable();
    assert_eq!(seqs, (1..=300).collect::<Vec<i64>>(), "every call got its own place in the chain");
    let v = verify(&db).await.unwrap();
    assert_eq!((v.rows, v.first_break), (300, None));

    db.execute_unprepared("UPDATE exchange_log SET subject = '051095000123' WHERE seq = 120").await.unwrap();
    assert_eq!(verify(&db).await.unwrap().first_break.map(|b| b.0), Some(120));
    db.execute_unprepared("UPDATE exchange_log SET subject = '' WHERE seq = 120").await.unwrap();
    assert_eq!(verify(&db).await.unwrap().first_break, None);
    db.execute_unprepared("DELETE FROM exchange_log WHERE seq = 300").await.unwrap();
    assert!(verify(&db).await.unwrap().first_break.is_some(), "removing the newest row is found");
}

#[tokio::test]
async fn a_writer_whose_remembered_head_is_stale_writes_after_the_real_one() {
    // On SQLite a writer keeps the head it wrote last; another writer on the same file makes
    // that head stale, and the first writer's next row must still follow the real head.
    let (db, url) = tinhso_db::testing::fresh_db().await.unwrap();
    let other = tinhso_db::open(&url).await.unwrap();
    let (a, b) = (LogWriter::spawn(db.clone()), LogWriter::spawn(other));
    assert_eq!(a.write(record(1)).await.unwrap(), 1);
    assert_eq!(b.write(record(2)).await.unwrap(), 2);
    assert_eq!(a.write(record(3)).await.unwrap(), 3, "written after the other writer's row, not over it");
    assert_eq!(b.write(record(4)).await.unwrap(), 4);
    let v = verify(&db).await.unwrap();
    assert_eq!((v.rows, v.first_break), (4, None));
}

#[tokio::test]
async fn two_writers_on_one_database_do_not_fork_the_chain() {
    // Two nodes: two writers, one database; the head row's lock orders their batches.
    let (db, url) = tinhso_db::testing::fresh_db().await.unwrap();
    let other = tinhso_db::open(&url).await.unwrap();
    let (a, b) = (LogWriter::spawn(db.clone()), LogWriter::spawn(other));
    let mut tasks = Vec::new();
    for i in 0..100 {
        let w = if i % 2 == 0 { a.clone() } else { b.clone() };
        tasks.push(tokio::spawn(async move { w.write(record(i)).await }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    let v = verify(&db).await.unwrap();
    assert_eq!((v.rows, v.first_break), (100, None));
}

#[tokio::test]
async fn keys_are_kept_only_as_hashes() {
    let (db, _) = tinhso_db::testing::fresh_db().await.unwrap();
    tinhso_exchange::seed::seed_demo(&db, "http://127.0.0.1:1").await.unwrap();
    let ex = tinhso_exchange::Exchange::new(db.clone(), tinhso_exchange::Settings::default()).unwrap();
    let sub_id = ex.subsystems().await.unwrap().into_iter().find(|s| s.ident == "000.00.04.H55/hotich").unwrap().id;
    let key = tinhso_exchange::registry::system_key(&ex, "system:test", sub_id).await.unwrap();
    assert!(key.starts_with("tsx_") && key.len() == 68);
    let dump: Vec<tinhso_exchange::entity::credential::Model> = {
        use sea_orm::EntityTrait;
        tinhso_exchange::entity::credential::Entity::find().all(&db).await.unwrap()
    };
    assert_eq!(dump.len(), 1);
    assert_ne!(dump[0].key_hash, key);
    assert_eq!(dump[0].key_hash, tinhso_exchange::registry::key_hash(&key));
    assert_eq!(ex.consumer_for("000.00.04.H55/hotich", &Auth::Key(Some(key.clone()))).await.unwrap(), Some(sub_id));
    assert_eq!(ex.consumer_for("000.00.04.H55/hotich", &Auth::Key(Some("tsx_other".into()))).await.unwrap(), None);
}
