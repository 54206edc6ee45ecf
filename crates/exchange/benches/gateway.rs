//! The gateway against nginx (from Debian) as reverse proxies in front of the same upstream on
//! loopback, in one run, at several concurrencies, with wrk as the load generator. The gateway
//! is the release `tinhso serve` (its whole middleware stack) on a fresh SQLite database, with
//! authentication, grant check, rate limit and the exchange log on; nginx proxies with
//! keep-alive to the upstream and writes its access log. The upstream answers directly too,
//! as the baseline for added latency.
//! A third proxy runs in the same run: a bare reverse proxy on hyper and tokio, the libraries
//! the gateway is built on, with no authentication, no grant check and no log. It is the floor
//! of what any gateway on this stack costs here, so the gateway's share of nginx's throughput
//! can be read against what the stack itself reaches.
//! Run: `cargo build --release -p tinhso && cargo bench -p tinhso-exchange --bench gateway`
//! (`TINHSO_BENCH_BIN` names another `tinhso` binary; `TINHSO_BENCH_SECS` the length of each run).
#![allow(clippy::unwrap_used, clippy::expect_used)]
use sea_orm::ConnectionTrait;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CONCURRENCY: [usize; 4] = [1, 16, 64, 256];
const PATH_GATEWAY: &str = "/x/000.00.15.H55/dancu/population/citizen";
const PATH_DIRECT: &str = "/population/citizen";

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// The same answer for every call: a registry record of about 400 bytes.
async fn upstream() -> std::net::SocketAddr {
    let body = serde_json::json!({
        "personal_id": "051095000123", "full_name": "Nguyễn Văn An", "birth_date": "1995-04-12", "sex": "Nam",
        "permanent_address": "Số 12 Hùng Vương, phường Cẩm Thành, tỉnh Quảng Ngãi", "current_address": "Số 12 Hùng Vương, phường Cẩm Thành, tỉnh Quảng Ngãi",
        "phone": "0905123456", "household": {"head": "Nguyễn Văn An", "relation_to_head": "Chủ hộ"}, "sandbox": true
    })
    .to_string();
    let router = axum::Router::new().fallback(move || {
        let body = body.clone();
        async move { ([(axum::http::header::CONTENT_TYPE, "application/json")], body) }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    addr
}

/// The bare reverse proxy: hyper's server and its pooled client, the answer read whole (as the
/// gateway reads it, to hash it), content type passed back; its own runtime of two threads,
/// as the gateway's process has.
fn bare_proxy(upstream: std::net::SocketAddr) -> std::net::SocketAddr {
    use http_body_util::{BodyExt, Full};
    use hyper_util::rt::{TokioExecutor, TokioIo};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    listener.set_nonblocking(true).unwrap();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        rt.block_on(async move {
            let client = hyper_util::client::legacy::Client::builder(TokioExecutor::new()).build_http::<Full<bytes::Bytes>>();
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            loop {
                let (stream, _) = listener.accept().await.unwrap();
                let client = client.clone();
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                        let client = client.clone();
                        async move {
                            let out = hyper::Request::builder().method(req.method()).uri(format!("http://{upstream}{}", req.uri().path())).body(Full::default()).unwrap();
                            let answer = client.request(out).await.unwrap();
                            let content_type = answer.headers().get("content-type").cloned();
                            let body = answer.into_body().collect().await.unwrap().to_bytes();
                            let mut r = hyper::Response::new(Full::new(body));
                            if let Some(v) = content_type {
                                r.headers_mut().insert("content-type", v);
                            }
                            Ok::<_, std::convert::Infallible>(r)
                        }
                    });
                    let _ = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
                });
            }
        });
    });
    addr
}

struct Run {
    rps: f64,
    p50_us: f64,
    p99_us: f64,
    errors: u64,
}

fn micros(text: &str) -> f64 {
    let (num, unit) = text.trim().split_at(text.trim().find(|c: char| c.is_ascii_alphabetic()).unwrap_or(text.len()));
    let n: f64 = num.parse().unwrap_or(f64::NAN);
    match unit {
        "us" => n,
        "ms" => n * 1000.0,
        "s" => n * 1_000_000.0,
        _ => f64::NAN,
    }
}

fn wrk(url: &str, conns: usize, secs: u64, headers: &[(&str, String)]) -> Run {
    let mut cmd = Command::new("wrk");
    cmd.args(["-t", &conns.clamp(1, 2).to_string(), "-c", &conns.to_string(), "-d", &format!("{secs}s"), "--latency"]);
    for (k, v) in headers {
        cmd.args(["-H", &format!("{k}: {v}")]);
    }
    let out = cmd.arg(url).output().expect("wrk runs");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let line = |prefix: &str| text.lines().map(str::trim).find(|l| l.starts_with(prefix)).map(|l| l[prefix.len()..].trim().to_owned());
    let errors = line("Non-2xx or 3xx responses:").and_then(|v| v.parse().ok()).unwrap_or(0)
        + line("Socket errors:").map(|l| l.split(',').filter_map(|p| p.split_whitespace().last()?.parse::<u64>().ok()).sum()).unwrap_or(0);
    Run {
        rps: line("Requests/sec:").and_then(|v| v.parse().ok()).unwrap_or(0.0),
        p50_us: line("50%").map(|v| micros(&v)).unwrap_or(f64::NAN),
        p99_us: line("99%").map(|v| micros(&v)).unwrap_or(f64::NAN),
        errors,
    }
}

fn nginx(dir: &std::path::Path, port: u16, upstream: std::net::SocketAddr) -> Killed {
    let conf = format!(
        "worker_processes 2;\ndaemon off;\npid {d}/nginx.pid;\nerror_log {d}/nginx-error.log warn;\nevents {{ worker_connections 4096; }}\nhttp {{\n  access_log {d}/nginx-access.log;\n  client_body_temp_path {d}/body;\n  proxy_temp_path {d}/proxy;\n  fastcgi_temp_path {d}/fastcgi;\n  uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n  upstream registry {{ server {upstream}; keepalive 256; }}\n  server {{\n    listen 127.0.0.1:{port};\n    location / {{ proxy_pass http://registry; proxy_http_version 1.1; proxy_set_header Connection \"\"; }}\n  }}\n}}\n",
        d = dir.display()
    );
    std::fs::write(dir.join("nginx.conf"), conf).unwrap();
    let child = Command::new("nginx").args(["-p", &dir.display().to_string(), "-c", &dir.join("nginx.conf").display().to_string()]).stdout(Stdio::null()).spawn().expect("nginx starts");
    Killed(child)
}

async fn wait_up(url: &str) {
    let client = reqwest::Client::new();
    for _ in 0..200 {
        if client.get(url).send().await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{url} did not come up");
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    for tool in ["wrk", "nginx"] {
        if Command::new("which").arg(tool).stdout(Stdio::null()).status().map(|s| !s.success()).unwrap_or(true) {
            println!("gateway benchmark skipped: `{tool}` is not installed (apt-get install nginx wrk)");
            return Ok(());
        }
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let bin = std::env::var("TINHSO_BENCH_BIN").map(std::path::PathBuf::from).unwrap_or_else(|_| root.join("target/release/tinhso"));
    if !bin.exists() {
        println!("gateway benchmark skipped: {} not found (cargo build --release -p tinhso)", bin.display());
        return Ok(());
    }
    let secs: u64 = std::env::var("TINHSO_BENCH_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(5);
    let dir = std::env::temp_dir().join(format!("tinhso-gateway-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let up = upstream().await;

    // The registry as `seed-demo` leaves it, pointed at this upstream; a key for the platform's
    // dossier system, whose rate limit is raised so that the limit never answers instead.
    let db = tinhso_db::open(&format!("sqlite://{}/tinhso.db", dir.display())).await?;
    tinhso_exchange::seed::seed_demo(&db, &format!("http://{up}")).await?;
    let ex = tinhso_exchange::Exchange::new(db.clone(), tinhso_exchange::Settings::default())?;
    let platform = ex.subsystems().await?.into_iter().find(|s| s.ident == tinhso_exchange::seed::PLATFORM_CLIENT).expect("seeded");
    let key = tinhso_exchange::registry::system_key(&ex, "system:bench", platform.id).await?;
    db.execute_unprepared("UPDATE exchange_subsystems SET rate_per_sec = 100000").await?;

    let gw_port = free_port();
    let gateway = Killed(
        Command::new(&bin)
            .args(["serve", "--listen", &format!("127.0.0.1:{gw_port}")])
            .env("TINHSO__DATA_DIR", &dir)
            .env("TINHSO__LOG_FORMAT", "json")
            .env("RUST_LOG", "warn")
            .env("TINHSO__NOTIFY_INTERVAL_SECS", "0")
            .stdout(Stdio::null())
            .spawn()?,
    );
    let ng_port = free_port();
    let _nginx = nginx(&dir, ng_port, up);
    let bare = bare_proxy(up);
    wait_up(&format!("http://127.0.0.1:{gw_port}/healthz")).await;
    wait_up(&format!("http://127.0.0.1:{ng_port}/")).await;

    let headers = vec![
        ("X-Tinhso-Client", tinhso_exchange::seed::PLATFORM_CLIENT.to_owned()),
        ("X-Tinhso-Key", key.clone()),
        ("X-Tinhso-Purpose", "benchmark".to_owned()),
        ("X-Tinhso-Subject", "051095000123".to_owned()),
    ];
    let probe = reqwest::Client::new().get(format!("http://127.0.0.1:{gw_port}{PATH_GATEWAY}"));
    let probe = headers.iter().fold(probe, |r, (k, v)| r.header(*k, v)).send().await?;
    assert_eq!(probe.status(), 200, "the gateway answers the benchmark's call: {}", probe.text().await?);

    println!("gateway vs nginx, {secs} s per run, wrk on loopback, same upstream ({} cores)", std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1));
    println!("{:>5} | {:>22} | {:>22} | {:>22} | {:>7} | {:>9} | {:>22} | {:>8}", "conns", "upstream rps p50/p99", "nginx rps p50/p99", "gateway rps p50/p99", "gw/ngx", "logged/s", "bare hyper rps p50/p99", "bare/ngx");
    let count = || async {
        use sea_orm::{EntityTrait, PaginatorTrait};
        tinhso_exchange::entity::log::Entity::find().count(&db).await.unwrap()
    };
    let mut added = None;
    for c in CONCURRENCY {
        let direct = wrk(&format!("http://{up}{PATH_DIRECT}"), c, secs, &[]);
        let ngx = wrk(&format!("http://127.0.0.1:{ng_port}{PATH_DIRECT}"), c, secs, &[]);
        let before = count().await;
        let started = Instant::now();
        let gw = wrk(&format!("http://127.0.0.1:{gw_port}{PATH_GATEWAY}"), c, secs, &headers);
        let logged = (count().await - before) as f64 / started.elapsed().as_secs_f64();
        let floor = wrk(&format!("http://{bare}{PATH_DIRECT}"), c, secs, &[]);
        let cell = |r: &Run| format!("{:>8.0} {:>6.0}/{:<6.0}", r.rps, r.p50_us, r.p99_us);
        println!("{c:>5} | {} | {} | {} | {:>6.0}% | {logged:>9.0} | {} | {:>7.0}%", cell(&direct), cell(&ngx), cell(&gw), gw.rps / ngx.rps * 100.0, cell(&floor), floor.rps / ngx.rps * 100.0);
        if gw.errors + ngx.errors > 0 {
            println!("      errors: nginx {}, gateway {}", ngx.errors, gw.errors);
        }
        if c == 1 {
            added = Some((gw.p50_us - direct.p50_us, ngx.p50_us - direct.p50_us));
        }
    }
    if let Some((gw, ngx)) = added {
        println!("added median latency at 1 connection: gateway {gw:.0} µs, nginx {ngx:.0} µs (over the upstream answering directly)");
    }
    let v = tinhso_exchange::log::verify(&db).await?;
    println!("exchange log: {} rows, chain {}", v.rows, if v.first_break.is_none() { "intact" } else { "BROKEN" });
    drop(gateway);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
