//! `GET /api/v1/procedures?q=…` against the app: started inside the bench, and the release
//! binary started the way an operator would (`tinhso import …`, then `tinhso serve`).
use crate::Engine;
use std::path::Path;
use tinhso_app::Config;
use tinhso_catalog::Procedure;
use tinhso_catalog::import::Row;
use tokio::io::AsyncBufReadExt;

pub struct Api {
    pub client: reqwest::Client,
    pub base: String,
}

impl Api {
    pub fn new(base: String) -> Api {
        Api { client: reqwest::Client::new(), base }
    }

    fn get(&self, q: &str) -> reqwest::RequestBuilder {
        self.client.get(format!("{}/api/v1/procedures", self.base)).query(&[("q", q), ("per_page", "20")])
    }
}

impl Engine for Api {
    async fn top(&self, q: &str) -> anyhow::Result<Option<String>> {
        let v: serde_json::Value = self.get(q).send().await?.error_for_status()?.json().await?;
        Ok(v["items"][0]["code"].as_str().map(str::to_owned))
    }

    /// The whole body is read, not parsed: the client shares the two cores with the server.
    async fn hit(&self, q: &str) -> bool {
        match self.get(q).send().await {
            Ok(r) if r.status().is_success() => r.bytes().await.is_ok(),
            _ => false,
        }
    }
}

/// A fresh SQLite database with the org units and `procs`, served by `tinhso_app::start`.
pub async fn start_in_process(dir: &Path, procs: &[Procedure]) -> anyhow::Result<(String, tokio::task::JoinHandle<anyhow::Result<()>>)> {
    let db = tinhso_db::open(&format!("sqlite://{}/tinhso.db", dir.display())).await?;
    let units = tinhso_identity::org_units::parse_csv(tinhso_app::seed::ORG_UNITS_CSV.as_bytes())?;
    tinhso_identity::org_units::import(&db, "system:bench", units).await?;
    let catalog = tinhso_catalog::Catalog::open(db.clone()).await?;
    let rows = procs.iter().enumerate().map(|(i, p)| Row { line: i + 1, procedure: p.clone(), lenient_agencies: false }).collect();
    let report = catalog.import("system:bench", rows, false).await?;
    anyhow::ensure!(report.created == procs.len(), "imported {} of {} procedures", report.created, procs.len());
    let config = Config { listen: "127.0.0.1:0".into(), log_format: "text".into(), ..Default::default() };
    let (addr, task) = tinhso_app::start(&config, db).await?;
    Ok((format!("http://{addr}"), task))
}

fn command(bin: &Path, dir: &Path) -> tokio::process::Command {
    let mut c = tokio::process::Command::new(bin);
    c.current_dir(dir)
        .env("TINHSO__DATA_DIR", dir)
        .env("TINHSO__LOG_FORMAT", "text")
        .env("RUST_LOG", "warn")
        .env_remove("DATABASE_URL")
        .kill_on_drop(true);
    c
}

/// Generates the catalogue and imports it with the binary's own commands (so a binary built
/// from other sources than the bench still reads its own format), then starts `tinhso serve`
/// on a free port; returns its address.
pub async fn start_binary(bin: &Path, dir: &Path, count: usize) -> anyhow::Result<(String, tokio::process::Child)> {
    std::fs::write(dir.join("org_units.csv"), tinhso_app::seed::ORG_UNITS_CSV)?;
    let out = command(bin, dir).args(["generate-catalogue", "--count", &count.to_string()]).output().await?;
    anyhow::ensure!(out.status.success(), "tinhso generate-catalogue failed: {}", String::from_utf8_lossy(&out.stderr));
    std::fs::write(dir.join("procedures.json"), out.stdout)?;
    for args in [["import", "org-units", "org_units.csv"], ["import", "procedures", "procedures.json"]] {
        let out = command(bin, dir).args(args).output().await?;
        anyhow::ensure!(out.status.success(), "tinhso {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        println!("  tinhso {}: {}", args.join(" "), String::from_utf8_lossy(&out.stdout).trim());
    }
    let mut child = command(bin, dir)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()?;
    let stdout = child.stdout.take().ok_or_else(|| anyhow::anyhow!("no stdout"))?;
    let mut lines = tokio::io::BufReader::new(stdout).lines();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(120);
    let base = loop {
        let line = tokio::time::timeout_at(deadline, lines.next_line()).await??;
        let line = line.ok_or_else(|| anyhow::anyhow!("tinhso serve exited before listening"))?;
        if let Some(at) = line.find("http://") {
            break line[at..].trim().to_owned();
        }
    };
    // Keep draining stdout so the server never writes into a closed pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    Ok((base, child))
}
