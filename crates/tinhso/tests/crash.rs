//! Kill the server with SIGKILL in the middle of a burst of submissions: every dossier the
//! server acknowledged is still there after a restart, and the codes stay unique and gap-free.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(unix)]
use serde_json::{Value, json};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(dir: &std::path::Path, url: &str, port: u16) -> Server {
    let child = Command::new(env!("CARGO_BIN_EXE_tinhso"))
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .current_dir(dir)
        .env("DATABASE_URL", url)
        .env("TINHSO__LOG_FORMAT", "text")
        .env("TINHSO__NOTIFY_INTERVAL_SECS", "0")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    Server(child)
}

async fn wait_ready(base: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if reqwest::get(format!("{base}/healthz")).await.is_ok_and(|r| r.status().is_success()) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the server did not come up");
}

async fn sign_in(base: &str) -> (reqwest::Client, String) {
    let client = reqwest::Client::builder().cookie_store(true).build().unwrap();
    let r: Value = client.post(format!("{base}/api/v1/session")).json(&json!({"login": "051095000123", "password": tinhso_app_password()})).send().await.unwrap().json().await.unwrap();
    (client, r["csrf_token"].as_str().unwrap().to_owned())
}

fn tinhso_app_password() -> &'static str {
    "tinhso-demo-2026"
}

#[tokio::test]
async fn acknowledged_dossiers_survive_sigkill_and_codes_stay_gap_free() {
    let dir = std::env::temp_dir().join(format!("tinhso-crash-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = tinhso_db::testing::fresh_url().await.unwrap();
    let seeded = Command::new(env!("CARGO_BIN_EXE_tinhso")).arg("seed-demo").current_dir(&dir).env("DATABASE_URL", &url).env("RUST_LOG", "warn").output().unwrap();
    assert!(seeded.status.success(), "{}", String::from_utf8_lossy(&seeded.stderr));
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let base = format!("http://127.0.0.1:{port}");

    let server = start(&dir, &url, port);
    wait_ready(&base).await;
    let (client, csrf) = sign_in(&base).await;
    let acked = Arc::new(Mutex::new(Vec::<String>::new()));
    let workers: Vec<_> = (0..8)
        .map(|w| {
            let (client, csrf, base, acked) = (client.clone(), csrf.clone(), base.clone(), acked.clone());
            tokio::spawn(async move {
                for i in 0.. {
                    let body = json!({"procedure_code": "2.000829", "idempotency_key": format!("w{w}-{i}"), "form": {"phone": "0905123456", "address": "Phường Nghĩa Lộ"}});
                    match client.post(format!("{base}/api/v1/dossiers")).header("x-csrf-token", &csrf).json(&body).send().await {
                        Ok(r) if r.status() == 201 => {
                            // The body may be cut by the kill: only a complete answer counts as acknowledged.
                            let Ok(d) = r.json::<Value>().await else { break };
                            let code = d["code"].as_str().unwrap().to_owned();
                            acked.lock().unwrap().push(code);
                        }
                        Ok(_) => {}
                        Err(_) => break,
                    }
                }
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    // SIGKILL: no shutdown, no flush.
    let mut server = server;
    server.0.kill().unwrap();
    server.0.wait().unwrap();
    for w in workers {
        let _ = w.await;
    }
    let acked = acked.lock().unwrap().clone();
    assert!(acked.len() > 10, "the burst acknowledged only {} dossiers", acked.len());

    let _again = start(&dir, &url, port);
    wait_ready(&base).await;
    let (client, _) = sign_in(&base).await;
    let mut stored = Vec::new();
    for page in 1.. {
        let r: Value = client.get(format!("{base}/api/v1/dossiers/mine?per_page=100&page={page}")).send().await.unwrap().json().await.unwrap();
        let items = r["items"].as_array().unwrap();
        stored.extend(items.iter().map(|d| d["code"].as_str().unwrap().to_owned()));
        if items.len() < 100 {
            break;
        }
    }
    for code in &acked {
        assert!(stored.contains(code), "acknowledged {code} was lost");
    }
    let mut seqs: Vec<u32> = stored.iter().map(|c| c.rsplit('-').next().unwrap().parse().unwrap()).collect();
    seqs.sort();
    assert_eq!(seqs, (1..=stored.len() as u32).collect::<Vec<_>>(), "codes are unique and gap-free");
    println!("{} acknowledged, {} stored after SIGKILL", acked.len(), stored.len());
}
