//! Dossiers at the province's scale: a database holding 2 million dossiers (the size of the
//! province's data warehouse), then, in one run on the same database,
//! - the raw insert ceiling: one dossier row and its event per transaction, no application;
//! - submissions per second through the HTTP API (signed-in citizens, idempotency keys);
//! - full lifecycles per second (submit → … → signed result returned), through the API;
//! - latency of the officer's queue and of the statistics query under no other load.
//!
//! Run: `cargo bench -p tinhso-app --bench dossiers` (SQLite in a temporary folder).
//! `TINHSO_BENCH_POSTGRES=postgres://…/postgres` runs it on PostgreSQL instead (a fresh
//! database is created and dropped); `TINHSO_BENCH_DOSSIERS` changes the 2,000,000.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod agent;
mod history;
#[path = "../search/load.rs"]
#[allow(dead_code)] // shared with the search benchmark, which uses all of it
mod load;

use agent::{Agent, Desk};
use load::Stats;
use sea_orm::ConnectionTrait;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const RUN: Duration = Duration::from_secs(10);
const WORKERS: usize = 16;
const LATENCY_SAMPLES: usize = 300;

async fn database() -> (sea_orm::DatabaseConnection, String, Option<(String, String)>) {
    match std::env::var("TINHSO_BENCH_POSTGRES") {
        Ok(server) => {
            let name = format!("tinhso_bench_{}", std::process::id());
            let admin = tinhso_db::connect(&server).await.unwrap();
            admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.unwrap();
            let url = format!("{}/{name}", server.rsplit_once('/').unwrap().0);
            (tinhso_db::open(&url).await.unwrap(), "PostgreSQL".into(), Some((server, name)))
        }
        Err(_) => {
            let dir = std::env::temp_dir().join(format!("tinhso-bench-dossiers-{}", std::process::id()));
            let url = format!("sqlite://{}/tinhso.db", dir.display());
            (tinhso_db::open(&url).await.unwrap(), "SQLite".into(), None)
        }
    }
}

/// Sequential requests, one at a time: the latency a person waits.
async fn latency(agent: &Agent, paths: &[String]) -> Stats {
    let mut lat = Vec::with_capacity(LATENCY_SAMPLES);
    let mut errors = 0;
    let start = Instant::now();
    for i in 0..LATENCY_SAMPLES {
        let t = Instant::now();
        errors += usize::from(!agent.get_ok(&paths[i % paths.len()]).await);
        lat.push(t.elapsed());
    }
    Stats::from(1, lat, errors, start.elapsed())
}

fn ms(us: f64) -> String {
    format!("{:.1} ms", us / 1000.0)
}

#[tokio::main]
async fn main() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let total: usize = std::env::var("TINHSO_BENCH_DOSSIERS").ok().and_then(|v| v.parse().ok()).unwrap_or(2_000_000);
    let (db, backend, drop_after) = database().await;
    let catalog = tinhso_catalog::Catalog::open(db.clone()).await.unwrap();
    tinhso_app::seed::seed_demo(&db, &catalog).await.unwrap();
    println!("# Dossier benchmark on {backend}, {} cores", std::thread::available_parallelism().map_or(1, |n| n.get()));

    let t = Instant::now();
    let rate = history::load(&db, total).await;
    println!("history: {total} dossiers loaded in {:.0} s ({rate:.0} rows/s, multi-row inserts)", t.elapsed().as_secs_f64());
    let t = Instant::now();
    let counted = tinhso_dossier::stats::rebuild(&db).await.unwrap();
    println!("figures: {counted} dossiers counted into the statistics table in {:.0} s", t.elapsed().as_secs_f64());
    if backend == "SQLite" {
        db.execute_unprepared("ANALYZE").await.unwrap();
    } else {
        db.execute_unprepared("ANALYZE dossiers").await.unwrap();
    }

    let ceiling = history::raw_insert_rate(&db, WORKERS, RUN).await;
    println!("ceiling: raw inserts, one dossier + one event per transaction (taking the write turn), {WORKERS} tasks: {ceiling:.0} dossiers/s");
    db.execute_unprepared("DELETE FROM dossier_events WHERE actor = 'raw'").await.unwrap();
    db.execute_unprepared("DELETE FROM dossiers WHERE code LIKE 'RAW%'").await.unwrap();

    let dir = std::env::temp_dir().join(format!("tinhso-bench-data-{}", std::process::id()));
    let mail = tinhso_notify_sandbox::smtp::spawn("127.0.0.1:0", "127.0.0.1:0").await.unwrap();
    let mut config = tinhso_app::Config { listen: "127.0.0.1:0".into(), log_format: "text".into(), data_dir: dir.display().to_string(), ..tinhso_app::Config::default() };
    config.smtp_port = mail.smtp_addr.port();
    let (addr, _server) = tinhso_app::start(&config, db.clone()).await.unwrap();
    let base = format!("http://{addr}");

    let mut citizens = Vec::new();
    for n in 0..WORKERS {
        citizens.push(Agent::citizen(&base, n).await);
    }
    let citizens = Arc::new(citizens);
    let next = Arc::new(AtomicUsize::new(0));
    let keys = Arc::new(vec![String::new(); WORKERS]);
    // Yêu cầu trợ giúp pháp lý (Sở Tư pháp) has an identity document that data replaces, so
    // each submission also reads the population registry through the gateway; Chuyển trường
    // (Sở GD&ĐT) has none. Measured apart, the difference is the registry call's cost.
    for (procedure, what) in [(agent::WITH_REGISTRY_CALL, "with a registry call (2.000829)"), ("2.002854", "without registry calls (2.002854)")] {
        let (c, n) = (citizens.clone(), next.clone());
        let submissions = load::tasks(WORKERS, RUN, keys.clone(), move |_| {
            let (c, n) = (c.clone(), n.clone());
            async move {
                let i = n.fetch_add(1, Ordering::Relaxed);
                c[i % c.len()].submit(procedure, &format!("bench-s-{i}")).await.is_some()
            }
        })
        .await;
        println!("submissions through the API, {what}: {}", submissions.line());
        println!("  = {:.0}% of the raw insert ceiling", submissions.qps * 100.0 / ceiling);
    }

    let desk = Desk { one_stop: Agent::login(&base, "motcua.tuphap").await, lead: Agent::login(&base, "pheduyet.tuphap").await, officer: Agent::login(&base, "chuyenvien.tuphap").await };
    let (c, n, d) = (citizens.clone(), next.clone(), desk.clone());
    let lifecycles = load::tasks(WORKERS / 2, RUN, keys, move |_| {
        let (c, n, d) = (c.clone(), n.clone(), d.clone());
        async move {
            let i = n.fetch_add(1, Ordering::Relaxed);
            d.lifecycle(&c[i % c.len()], &format!("bench-l-{i}")).await
        }
    })
    .await;
    println!("full lifecycles (7 API calls each, the result signed): {}", lifecycles.line());

    let queue: Vec<String> = ["", "?page=2", "?state=received", "?q=Công%20dân"].iter().map(|q| format!("/api/v1/dossiers/queue{q}")).collect();
    let q = latency(&desk.one_stop, &queue).await;
    println!("officer queue of Sở Tư pháp (sequential): median {}, p99 {}, {} errors", ms(q.median_us), ms(q.p99_us), q.errors);
    let leader = Agent::login(&base, "lanhdao.tinh").await;
    let today = chrono::Utc::now().date_naive();
    let period = format!("from={}&to={}", today - chrono::Duration::days(760), today + chrono::Duration::days(1));
    let stats: Vec<String> = ["agency", "commune", "procedure", "month"].iter().map(|g| format!("/api/v1/stats/dossiers?group={g}&{period}")).collect();
    let s = latency(&leader, &stats).await;
    println!("statistics over two years, by agency/commune/procedure/month (sequential): median {}, p99 {}, {} errors", ms(s.median_us), ms(s.p99_us), s.errors);

    let count: i64 = db.query_one_raw(sea_orm::Statement::from_string(db.get_database_backend(), "SELECT COUNT(*) AS n FROM dossiers")).await.unwrap().unwrap().try_get("", "n").unwrap();
    println!("dossiers in the database at the end: {count}");
    if let Some((server, name)) = drop_after {
        db.close().await.ok();
        let admin = tinhso_db::connect(&server).await.unwrap();
        admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await.unwrap();
    } else {
        let _ = std::fs::remove_dir_all(std::env::temp_dir().join(format!("tinhso-bench-dossiers-{}", std::process::id())));
    }
    let _ = std::fs::remove_dir_all(dir);
}
