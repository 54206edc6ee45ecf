//! Kill the gateway with SIGKILL in the middle of traffic: every call whose answer reached the
//! consumer is in the exchange log afterwards, and the log's chain is intact.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(unix)]
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
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

#[tokio::test]
async fn answered_calls_are_in_the_log_after_sigkill() {
    let dir = std::env::temp_dir().join(format!("tinhso-exchange-crash-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = tinhso_db::testing::fresh_url().await.unwrap();
    let seeded = Command::new(env!("CARGO_BIN_EXE_tinhso")).arg("seed-demo").current_dir(&dir).env("DATABASE_URL", &url).env("RUST_LOG", "warn").output().unwrap();
    assert!(seeded.status.success(), "{}", String::from_utf8_lossy(&seeded.stderr));
    // The registries on a port of this test's own, and a key for the platform's dossier system.
    let sandbox = tinhso_registry_sandbox::spawn("127.0.0.1:0").await.unwrap();
    let db = tinhso_db::connect(&url).await.unwrap();
    db.execute_unprepared(&format!("UPDATE exchange_services SET upstream_url = REPLACE(upstream_url, '127.0.0.1:8094', '{sandbox}')")).await.unwrap();
    db.execute_unprepared("UPDATE exchange_subsystems SET rate_per_sec = 100000").await.unwrap();
    let ex = tinhso_exchange::Exchange::new(db.clone(), tinhso_exchange::Settings::default()).unwrap();
    let platform = ex.subsystems().await.unwrap().into_iter().find(|s| s.ident == tinhso_exchange::seed::PLATFORM_CLIENT).unwrap();
    let key = tinhso_exchange::registry::system_key(&ex, "system:test", platform.id).await.unwrap();

    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = Server(
        Command::new(env!("CARGO_BIN_EXE_tinhso"))
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .current_dir(&dir)
            .env("DATABASE_URL", &url)
            .env("TINHSO__NOTIFY_INTERVAL_SECS", "0")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    while !reqwest::get(format!("{base}/healthz")).await.is_ok_and(|r| r.status().is_success()) {
        assert!(Instant::now() < deadline, "the server did not come up");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let answered = Arc::new(Mutex::new(Vec::<String>::new()));
    let workers: Vec<_> = (0..8)
        .map(|w| {
            let (base, key, answered) = (base.clone(), key.clone(), answered.clone());
            tokio::spawn(async move {
                let client = reqwest::Client::new();
                for i in 0.. {
                    let id = format!("crash-{w}-{i}");
                    let sent = client
                        .get(format!("{base}/x/000.00.15.H55/dancu/population/citizen"))
                        .header("x-request-id", &id)
                        .header("x-tinhso-client", tinhso_exchange::seed::PLATFORM_CLIENT)
                        .header("x-tinhso-key", &key)
                        .header("x-tinhso-purpose", "kiem thu")
                        .header("x-tinhso-subject", "051095000123")
                        .send()
                        .await;
                    match sent {
                        // Only a complete answer counts as received.
                        Ok(r) if r.status() == 200 => match r.bytes().await {
                            Ok(_) => answered.lock().unwrap().push(id),
                            Err(_) => break,
                        },
                        Ok(r) => panic!("unexpected answer {}", r.status()),
                        Err(_) => break,
                    }
                }
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    server.0.kill().unwrap();
    server.0.wait().unwrap();
    for w in workers {
        let _ = w.await;
    }
    let answered = answered.lock().unwrap().clone();
    assert!(answered.len() > 20, "the burst answered only {} calls", answered.len());
    let logged: Vec<String> = tinhso_exchange::entity::log::Entity::find()
        .filter(tinhso_exchange::entity::log::Column::RequestId.starts_with("crash-"))
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.request_id)
        .collect();
    let missing: Vec<&String> = answered.iter().filter(|id| !logged.contains(id)).collect();
    assert!(missing.is_empty(), "{} answered calls are not in the log: {:?}", missing.len(), &missing[..missing.len().min(5)]);
    let v = tinhso_exchange::log::verify(&db).await.unwrap();
    assert_eq!(v.first_break, None);
    println!("{} answered, {} logged before SIGKILL", answered.len(), logged.len());
}
