//! Dossiers at the province's scale: a database holding 2 million dossiers (the size of the
//! province's data warehouse), then, in one run on the same database,
//! - the raw insert ceiling: one dossier row and its event per transaction (one request), no
//!   application;
//! - submissions per second through the HTTP API (signed-in citizens, idempotency keys), at 16
//!   and at 64 clients;
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

/// CPU seconds this process has used (user and system), from /proc; 0 where there is none.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat.rsplit_once(')').map_or("", |(_, rest)| rest).split_whitespace().collect();
    let ticks: f64 = [11, 12].iter().filter_map(|&i| fields.get(i)?.parse::<f64>().ok()).sum();
    ticks / 100.0
}

fn ms(us: f64) -> String {
    format!("{:.1} ms", us / 1000.0)
}

#[tokio::main]
async fn main() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    // The platform's own log lines, when asked for (RUST_LOG=warn, say): a benchmark must
    // show a failure it would otherwise count as a fast answer.
    if std::env::var("RUST_LOG").is_ok() {
        tracing_subscriber::fmt().with_env_filter(tracing_subscriber::EnvFilter::from_default_env()).with_writer(std::io::stderr).init();
    }
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
    println!("ceiling: raw inserts, one dossier + one event per transaction in one request (taking the write turn), {WORKERS} tasks: {ceiling:.0} dossiers/s");
    db.execute_unprepared("DELETE FROM dossier_events WHERE actor = 'raw'").await.unwrap();
    db.execute_unprepared("DELETE FROM dossiers WHERE code LIKE 'RAW%'").await.unwrap();

    let dir = std::env::temp_dir().join(format!("tinhso-bench-data-{}", std::process::id()));
    let mail = tinhso_notify_sandbox::smtp::spawn("127.0.0.1:0", "127.0.0.1:0").await.unwrap();
    let mut config = tinhso_app::Config { listen: "127.0.0.1:0".into(), log_format: "text".into(), data_dir: dir.display().to_string(), ..tinhso_app::Config::default() };
    config.smtp_port = mail.smtp_addr.port();
    // The sandbox registries run beside the platform, reached through the gateway as real
    // upstreams are.
    let registry = tinhso_registry_sandbox::spawn("127.0.0.1:0").await.unwrap();
    db.execute_unprepared(&format!("UPDATE exchange_services SET upstream_url = REPLACE(upstream_url, '127.0.0.1:8094', '{registry}')")).await.unwrap();
    let (addr, _server) = tinhso_app::start(&config, db.clone()).await.unwrap();
    let base = format!("http://{addr}");

    // The four people the sandbox population registry knows, four sessions each, so that
    // every registry call finds its person and answers in full.
    let mut citizens = Vec::new();
    for n in 0..WORKERS {
        citizens.push(Agent::citizen(&base, ["051095000123", "051197000456", "051088000789", "051301000234"][n % 4]).await);
    }
    let citizens = Arc::new(citizens);
    let next = Arc::new(AtomicUsize::new(0));
    let keys = Arc::new(vec![String::new(); WORKERS]);
    // Two commune-level procedures, each applied for at the 96 communes in turn: a dossier
    // code numbers at most 9,999 dossiers of one agency a day, and most of a province's
    // dossiers are the communes'. Cấp Giấy xác nhận tình trạng hôn nhân has identity documents
    // that data replaces, so each submission also reads the population registry through the
    // gateway; Tạm ngừng kinh doanh has none. Measured apart, the difference is the registry
    // call's cost.
    let communes: Arc<Vec<String>> = Arc::new(history::targets(&db).await.into_iter().find(|t| t.procedure == "1.004873").unwrap().agencies);
    let mut rates = Vec::new();
    // At 16 clients each waiting for its answer, and at 64: submissions of one moment share a
    // transaction, so throughput is measured where the server, not the clients, sets it.
    let phases = [("1.004873", "with a registry call (1.004873, at the communes)"), ("1.001570", "without registry calls (1.001570, at the communes)")];
    for ((procedure, what), clients) in phases.into_iter().flat_map(|p| [(p, WORKERS), (p, WORKERS * 4)]) {
        let (c, n, at) = (citizens.clone(), next.clone(), communes.clone());
        let cpu = cpu_seconds();
        let submissions = load::tasks(clients, RUN, keys.clone(), move |_| {
            let (c, n, at) = (c.clone(), n.clone(), at.clone());
            async move {
                let i = n.fetch_add(1, Ordering::Relaxed);
                c[i % c.len()].submit(procedure, Some(&at[i % at.len()]), &format!("bench-s-{i}")).await.is_some()
            }
        })
        .await;
        // CPU time per submission varies less than throughput on a machine whose speed drifts:
        // it compares two builds where the rates alone cannot.
        let per = (cpu_seconds() - cpu) * 1000.0 / submissions.count.max(1) as f64;
        println!("submissions through the API, {what}: {}, {per:.2} ms of CPU each (server and clients, one process)", submissions.line());
        rates.push((procedure, clients, submissions.qps));
    }
    // The ceiling again, on the database as the submissions left it: this machine's speed
    // drifts from minute to minute, and the ratios take the higher of the two ceilings.
    let again = history::raw_insert_rate(&db, WORKERS, RUN).await;
    db.execute_unprepared("DELETE FROM dossier_events WHERE actor = 'raw'").await.unwrap();
    db.execute_unprepared("DELETE FROM dossiers WHERE code LIKE 'RAW%'").await.unwrap();
    let ceiling = ceiling.max(again);
    println!("ceiling measured again after the submissions: {again:.0} dossiers/s; the ratios use {ceiling:.0}");
    for (procedure, clients, qps) in rates {
        println!("  submissions of {procedure}, {clients} clients: {qps:.0}/s = {:.0}% of the raw insert ceiling", qps * 100.0 / ceiling);
    }
    let sql = "SELECT status, COUNT(*) AS n FROM exchange_log GROUP BY status ORDER BY status";
    let calls = db.query_all_raw(sea_orm::Statement::from_string(db.get_database_backend(), sql)).await.unwrap();
    let calls: Vec<String> = calls.iter().map(|r| format!("{} × {}", r.try_get::<i32>("", "status").unwrap(), r.try_get::<i64>("", "n").unwrap())).collect();
    println!("registry calls in the exchange log, by status: {}", calls.join(", "));

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
