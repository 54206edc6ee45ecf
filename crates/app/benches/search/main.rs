//! Search over a generated catalogue of 3,000 procedures: our index in-process, the app's
//! `GET /api/v1/procedures?q=…` under concurrent load (in-process and the release binary),
//! PostgreSQL full-text search and SQLite FTS5, in one run, on the same query set.
//! Run: `cargo bench -p tinhso-app --bench search` (figures in docs/performance.md).
//! `TINHSO_BENCH_POSTGRES` names the PostgreSQL server (a fresh database is created and
//! dropped); `TINHSO_BENCH_BIN` the `tinhso` binary (default target/release/tinhso).
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod engines;
mod http;
mod load;

use load::Stats;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tinhso_catalog::Procedure;
use tinhso_catalog::search::{Filters, SearchIndex};

const PROCEDURES: usize = 3000;
/// How long each measurement runs.
const SEQ: Duration = Duration::from_secs(3);
const CONC: Duration = Duration::from_secs(5);
/// Concurrent clients for everything behind a socket.
const WORKERS: usize = 32;
const QUERIES: &str = include_str!("../../../../data/search_queries.tsv");

/// Something that answers a query with its best procedure code.
pub trait Engine: Send + Sync + 'static {
    fn top(&self, q: &str) -> impl Future<Output = anyhow::Result<Option<String>>> + Send;
    /// One query as the load generator sends it; true when it succeeded.
    fn hit(&self, q: &str) -> impl Future<Output = bool> + Send {
        async move { self.top(q).await.is_ok() }
    }
}

struct Row {
    engine: String,
    relevant: usize,
    seq: Stats,
    conc: Stats,
}

struct QuerySet {
    queries: Arc<Vec<String>>,
    expected: Vec<String>,
}

impl QuerySet {
    fn load() -> QuerySet {
        let (queries, expected) = QUERIES.lines().skip(1).filter_map(|l| l.split_once('\t')).map(|(q, c)| (q.to_owned(), c.trim().to_owned())).unzip();
        QuerySet { queries: Arc::new(queries), expected }
    }

    /// How many queries put the expected procedure first; prints a few misses.
    fn score(&self, engine: &str, got: &[Option<String>]) -> usize {
        let mut misses = Vec::new();
        for ((q, want), got) in self.queries.iter().zip(&self.expected).zip(got) {
            if got.as_deref() != Some(want) {
                misses.push(format!("\"{q}\" → {} (want {want})", got.as_deref().unwrap_or("nothing")));
            }
        }
        let ok = self.queries.len() - misses.len();
        println!("  {engine}: relevance {ok}/{}{}", self.queries.len(), if misses.is_empty() { "" } else { "; misses:" });
        for m in misses.iter().take(6) {
            println!("      {m}");
        }
        if misses.len() > 6 {
            println!("      … and {} more", misses.len() - 6);
        }
        ok
    }

    async fn relevance<E: Engine>(&self, name: &str, e: &E) -> usize {
        let mut got = Vec::new();
        for q in self.queries.iter() {
            got.push(e.top(q).await.unwrap_or_else(|err| panic!("{name}: \"{q}\": {err:#}")));
        }
        self.score(name, &got)
    }
}

async fn bench_engine<E: Engine>(name: &str, e: Arc<E>, set: &QuerySet) -> Row {
    let relevant = set.relevance(name, &*e).await;
    let run = |workers, dur| {
        let e = e.clone();
        load::tasks(workers, dur, set.queries.clone(), move |q: String| {
            let e = e.clone();
            async move { e.hit(&q).await }
        })
    };
    let seq = run(1, SEQ).await;
    println!("    {}", seq.line());
    let conc = run(WORKERS, CONC).await;
    println!("    {}", conc.line());
    Row { engine: name.into(), relevant, seq, conc }
}

fn in_process(procs: Vec<Procedure>, set: &QuerySet) -> Row {
    let t = Instant::now();
    let index = SearchIndex::build(procs);
    println!("  index of {} procedures built in {:.0} ms", index.len(), t.elapsed().as_secs_f64() * 1e3);
    let search = |q: &str| index.search(q, &Filters::default(), 1, 20);
    let got: Vec<_> = set.queries.iter().map(|q| search(q).hits.first().map(|p| p.code.clone())).collect();
    let relevant = set.score("SearchIndex::search", &got);
    let mut slowest: Vec<(Duration, &String)> = set
        .queries
        .iter()
        .map(|q| {
            let mut runs: Vec<Duration> = (0..21)
                .map(|_| {
                    let t = Instant::now();
                    std::hint::black_box(search(q));
                    t.elapsed()
                })
                .collect();
            runs.sort_unstable();
            (runs[10], q)
        })
        .collect();
    slowest.sort_unstable_by(|a, b| b.cmp(a));
    let shown: Vec<String> = slowest.iter().take(5).map(|(d, q)| format!("\"{q}\" {:.0} µs", d.as_secs_f64() * 1e6)).collect();
    println!("    slowest queries (median of 21 runs): {}", shown.join(", "));
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let seq = load::threads(1, SEQ, &set.queries, |q| search(q).total <= index.len());
    println!("    {}", seq.line());
    let conc = load::threads(cores, SEQ, &set.queries, |q| search(q).total <= index.len());
    println!("    {}", conc.line());
    Row { engine: "tinhso SearchIndex (in-process)".into(), relevant, seq, conc }
}

/// The app inside this process, then the release binary as its own process.
async fn over_http(dir: &std::path::Path, procs: &[Procedure], set: &QuerySet, rows: &mut Vec<Row>, memory: &mut Vec<String>) {
    let t = Instant::now();
    let (base, task) = http::start_in_process(&dir.join("app"), procs).await.unwrap();
    println!("  in-process app: {PROCEDURES} procedures imported and serving in {:.1} s", t.elapsed().as_secs_f64());
    rows.push(bench_engine("HTTP, app in the bench process", Arc::new(http::Api::new(base)), set).await);
    if let Some((rss, hwm)) = load::rss_mib("self") {
        memory.push(format!("bench process (in-process app + index + load generator), after load: VmRSS {rss:.1} MiB, VmHWM {hwm:.1} MiB"));
    }
    task.abort();

    let bin = std::env::var("TINHSO_BENCH_BIN")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/release/tinhso"));
    if !bin.exists() {
        println!("  {} not found: skipping the binary (build it with `cargo build --release -p tinhso`)", bin.display());
        return;
    }
    let dir = dir.join("bin");
    std::fs::create_dir_all(&dir).unwrap();
    let built = std::fs::metadata(&bin).and_then(|m| m.modified()).map(chrono::DateTime::<chrono::Utc>::from).unwrap();
    println!("  {} (built {})", bin.display(), built.format("%Y-%m-%d %H:%M UTC"));
    let (base, mut child) = http::start_binary(&bin, &dir, procs.len()).await.unwrap();
    let pid = child.id().unwrap().to_string();
    let idle = load::rss_mib(&pid).unwrap_or_default();
    rows.push(bench_engine("HTTP, `tinhso serve` release binary", Arc::new(http::Api::new(base)), set).await);
    let (rss, hwm) = load::rss_mib(&pid).unwrap_or_default();
    memory.push(format!("`tinhso serve` ({PROCEDURES} procedures): VmRSS {:.1} MiB idle after start, {rss:.1} MiB after load, peak (VmHWM) {hwm:.1} MiB", idle.0));
    child.kill().await.unwrap();
}

/// PostgreSQL and SQLite FTS: relevance of both query forms, timing of the better one.
async fn peers(dir: &std::path::Path, procs: &[Procedure], set: &QuerySet, rows: &mut Vec<Row>) {
    let url = std::env::var("TINHSO_BENCH_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    match engines::postgres(&url, procs).await {
        Err(e) => println!("  PostgreSQL at {} not usable, skipped: {e:#}", tinhso_app::config::redact_url(&url)),
        Ok(pg) => {
            let fold = if pg.unaccent { "unaccent" } else { "NO unaccent (extension unavailable)" };
            println!("  PostgreSQL: database {}, 'simple' config with {fold}, ts_rank_cd", pg.name);
            let and = set.relevance("PostgreSQL websearch_to_tsquery (AND)", &pg.and).await;
            let or = set.relevance("PostgreSQL websearch_to_tsquery, words OR-ed", &pg.or).await;
            let (name, sql) = if or > and { ("PostgreSQL FTS (OR)", &pg.or) } else { ("PostgreSQL FTS (AND)", &pg.and) };
            rows.push(bench_engine(name, Arc::new(sql.clone()), set).await);
            pg.drop_database().await.unwrap();
        }
    }
    let (and, or) = engines::sqlite(dir, procs).await.unwrap();
    let a = set.relevance("SQLite FTS5 (AND)", &and).await;
    let o = set.relevance("SQLite FTS5, words OR-ed", &or).await;
    let (name, sql) = if o > a { ("SQLite FTS5 (OR)", or) } else { ("SQLite FTS5 (AND)", and) };
    rows.push(bench_engine(name, Arc::new(sql), set).await);
}

fn print_table(rows: &[Row], total: usize, memory: &[String]) {
    println!("\n{PROCEDURES} procedures, {total} queries; relevance = expected procedure first; 1 worker = one client in a loop;");
    println!("N workers = {WORKERS} concurrent clients (tokio tasks; pools of {} connections), in-process = one thread per core.\n", engines::POOL);
    println!("| engine | relevance | 1 worker median µs | p99 µs | q/s | N workers | median µs | p99 µs | q/s | errors |");
    println!("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for r in rows {
        let (s, c) = (&r.seq, &r.conc);
        println!(
            "| {} | {}/{total} | {:.0} | {:.0} | {:.0} | {} | {:.0} | {:.0} | {:.0} | {} |",
            r.engine, r.relevant, s.median_us, s.p99_us, s.qps, c.workers, c.median_us, c.p99_us, c.qps, s.errors + c.errors
        );
    }
    println!();
    for m in memory {
        println!("memory: {m}");
    }
    if let Some(pg) = rows.iter().find(|r| r.engine.starts_with("PostgreSQL")) {
        for r in rows.iter().filter(|r| !r.engine.starts_with("PostgreSQL")) {
            println!(
                "vs {}: {} has {:.1}× its throughput with 1 worker, {:.1}× with N workers",
                pg.engine,
                r.engine,
                r.seq.qps / pg.seq.qps,
                r.conc.qps / pg.conc.qps
            );
        }
    }
}

fn main() {
    let base: Vec<Procedure> = serde_json::from_str(tinhso_catalog::DEMO_PROCEDURES).unwrap();
    let procs = tinhso_catalog::generate::catalogue(&base, PROCEDURES);
    let set = QuerySet::load();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let loadavg = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("search benchmark: {} procedures ({} demo + generated variants), {} queries, {cores} cores", procs.len(), base.len(), set.queries.len());
    println!("load average before the run: {} (anything else busy on the machine skews every figure)", loadavg.split(' ').take(3).collect::<Vec<_>>().join(" "));
    let mut rows = vec![in_process(procs.clone(), &set)];
    let mut memory = Vec::new();
    let dir = std::env::temp_dir().join(format!("tinhso-bench-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(dir.join("app")).unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    rt.block_on(async {
        over_http(&dir, &procs, &set, &mut rows, &mut memory).await;
        peers(&dir, &procs, &set, &mut rows).await;
    });
    drop(rt);
    let _ = std::fs::remove_dir_all(&dir);
    print_table(&rows, set.queries.len(), &memory);
    let loadavg = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("load average after the run: {}", loadavg.split(' ').take(3).collect::<Vec<_>>().join(" "));
}
