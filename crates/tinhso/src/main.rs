//! The `tinhso` command: serve the platform, migrate, seed demo data, import, verify the audit
//! log, and generate a catalogue for benchmarks.
use clap::{Parser, Subcommand};
use tinhso_app::Config;

#[derive(Parser)]
#[command(name = "tinhso", version, about = "Nền tảng chính quyền số tỉnh (tinhso)")]
struct Cli {
    /// Configuration file (default: tinhso.toml if present).
    #[arg(long, global = true)]
    config: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start the HTTP server.
    Serve {
        /// Address to listen on (overrides the configuration).
        #[arg(long)]
        listen: Option<String>,
        /// Load the demo data first (org units, demo accounts, demo catalogue).
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations.
    Migrate,
    /// Load demo data: org units, one account per role, the demo catalogue.
    SeedDemo,
    /// Import reference data from a file.
    Import {
        #[command(subcommand)]
        what: ImportWhat,
    },
    /// The audit log.
    Audit {
        #[command(subcommand)]
        what: AuditWhat,
    },
    /// Run a sandbox standing in for a national system out of reach (synthetic data only).
    Sandbox {
        #[command(subcommand)]
        what: SandboxWhat,
    },
    /// Issue a client certificate for mutual TLS at the exchange gateway to the consumer
    /// subsystem MEMBER/CODE, from the demo exchange CA (see `exchange_tls_listen`). Writes
    /// `<out>/client.pem` and `<out>/client.key`; register the certificate on the subsystem's
    /// page or at POST /api/v1/exchange/subsystems/{id}/certificates.
    ExchangeClientCert {
        subsystem: String,
        #[arg(long, default_value = ".")]
        out: String,
    },
    /// Write a generated catalogue of N procedures as JSON (for benchmarks).
    GenerateCatalogue {
        #[arg(long, default_value_t = 3000)]
        count: usize,
    },
}

#[derive(Subcommand)]
enum ImportWhat {
    /// Procedures from JSON (the platform's format or the national catalogue export) or CSV.
    Procedures {
        file: String,
        /// Skip invalid rows (and report them) instead of refusing the whole file.
        #[arg(long)]
        skip_invalid: bool,
    },
    /// Org units from CSV (code,name,kind,parent_code,demo,source).
    OrgUnits { file: String },
    /// A plan: a folder with plans.csv, indicators.csv and tasks.csv (see data/plan/README.md),
    /// or one of these files. All rows are checked first; a bad row imports nothing.
    Plan { path: String },
}

#[derive(Subcommand)]
enum SandboxWhat {
    /// The payment gateway sandbox (VNPay-style signed redirect and IPN), with this platform
    /// registered as its merchant.
    Payment {
        #[arg(long)]
        listen: Option<String>,
    },
    /// A mail server sink (SMTP) that keeps what it receives and shows it at /messages.
    Smtp {
        #[arg(long)]
        listen: Option<String>,
        #[arg(long)]
        http_listen: Option<String>,
    },
    /// An SMS brandname gateway (HTTP) that keeps what it is asked to send.
    Sms {
        #[arg(long)]
        listen: Option<String>,
    },
    /// The national registries (population, civil status, business, land) with synthetic
    /// data, reached through the exchange gateway.
    Registry {
        #[arg(long, default_value = "127.0.0.1:8094")]
        listen: String,
    },
}

#[derive(Subcommand)]
enum AuditWhat {
    /// Check the hash chain and report the first broken link.
    Verify,
}

fn init_logging(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if config.log_format == "json" { builder.json().init() } else { builder.init() }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let mut config = Config::load(cli.config.as_deref())?;
    init_logging(&config);
    let url = config.database_url();
    tinhso_db::backend_of(&url)?;
    match cli.command {
        Command::Serve { listen, demo } => {
            if let Some(l) = listen {
                config.listen = l;
            }
            tracing::info!(config = ?config, "starting");
            let db = tinhso_db::open(&url).await?;
            // The demo brings its sandboxes up as separate processes, as real upstreams are.
            let _sandboxes = if demo {
                seed(&db).await?;
                ["payment", "smtp", "sms", "registry"].iter().map(|which| spawn_sandbox(cli.config.as_deref(), which)).collect::<anyhow::Result<Vec<_>>>()?
            } else {
                Vec::new()
            };
            tinhso_app::serve(&config, db).await
        }
        Command::Migrate => {
            tinhso_db::open(&url).await?;
            println!("Đã cập nhật cấu trúc cơ sở dữ liệu.");
            Ok(())
        }
        Command::SeedDemo => seed(&tinhso_db::open(&url).await?).await,
        Command::Import { what } => import(&tinhso_db::open(&url).await?, what).await,
        Command::Audit { what: AuditWhat::Verify } => {
            let db = tinhso_db::open(&url).await?;
            let v = tinhso_audit::verify(&db).await?;
            match v.first_break {
                None => {
                    println!("Nhật ký toàn vẹn: {} bản ghi, chuỗi băm khớp.", v.rows);
                    Ok(())
                }
                Some((seq, why)) => {
                    println!("Nhật ký bị can thiệp: liên kết hỏng đầu tiên tại bản ghi số {seq}: {why}.");
                    std::process::exit(1);
                }
            }
        }
        Command::Sandbox { what: SandboxWhat::Payment { listen } } => {
            let listen = listen.unwrap_or_else(|| config.payment_sandbox_listen.clone());
            println!("Cổng thanh toán THỬ NGHIỆM (sandbox) tại http://{listen}");
            tinhso_payment::serve_sandbox(&listen, config.payment_sandbox()).await
        }
        Command::Sandbox { what: SandboxWhat::Smtp { listen, http_listen } } => {
            let listen = listen.unwrap_or_else(|| config.smtp_sandbox_listen.clone());
            let http = http_listen.unwrap_or_else(|| config.smtp_sandbox_http_listen.clone());
            println!("Máy chủ thư THỬ NGHIỆM (sandbox): SMTP {listen}, xem thư tại http://{http}/messages");
            tinhso_notify_sandbox::smtp::serve(&listen, &http).await
        }
        Command::Sandbox { what: SandboxWhat::Sms { listen } } => {
            let listen = listen.unwrap_or_else(|| config.sms_sandbox_listen.clone());
            println!("Cổng SMS THỬ NGHIỆM (sandbox) tại http://{listen}");
            let sms = tinhso_notify_sandbox::sms::SmsSandboxConfig { api_key: config.sms_api_key.clone(), brandnames: vec![config.sms_brandname.clone()] };
            tinhso_notify_sandbox::sms::serve(&listen, sms).await
        }
        Command::Sandbox { what: SandboxWhat::Registry { listen } } => {
            println!("Cơ sở dữ liệu quốc gia THỬ NGHIỆM (sandbox: dân cư, hộ tịch, doanh nghiệp, đất đai) tại http://{listen}");
            tinhso_registry_sandbox::serve(&listen).await
        }
        Command::ExchangeClientCert { subsystem, out } => {
            let dir = config.exchange_tls_dir();
            // The demo CA is made on first use, as the listener would make it.
            tinhso_app::exchange_tls::server_config(&dir, "localhost")?;
            let issued = tinhso_app::exchange_tls::issue_client(&dir, &subsystem)?;
            let out = std::path::Path::new(&out);
            std::fs::create_dir_all(out)?;
            std::fs::write(out.join("client.pem"), issued.cert_pem)?;
            tinhso_app::exchange_tls::write_private(&out.join("client.key"), &issued.key_pem)?;
            println!("Đã cấp chứng thư cho {subsystem}: {} và {}", out.join("client.pem").display(), out.join("client.key").display());
            Ok(())
        }
        Command::GenerateCatalogue { count } => {
            let base: Vec<tinhso_catalog::Procedure> = serde_json::from_str(tinhso_catalog::DEMO_PROCEDURES)?;
            println!("{}", serde_json::to_string(&tinhso_catalog::generate::catalogue(&base, count))?);
            Ok(())
        }
    }
}

/// Starts `tinhso sandbox <which>` beside the server; it stops with the server.
struct ChildGuard(std::process::Child);

impl Drop for ChildGuard {
    fn drop(&mut self) {
        let _ = self.0.kill();
    }
}

fn spawn_sandbox(config_file: Option<&str>, which: &str) -> anyhow::Result<ChildGuard> {
    let mut cmd = std::process::Command::new(std::env::current_exe()?);
    if let Some(file) = config_file {
        cmd.args(["--config", file]);
    }
    Ok(ChildGuard(cmd.args(["sandbox", which]).spawn()?))
}

async fn seed(db: &tinhso_db::Db) -> anyhow::Result<()> {
    let catalog = tinhso_catalog::Catalog::open(db.clone()).await?;
    let r = tinhso_app::seed::seed_demo(db, &catalog).await?;
    println!(
        "Dữ liệu mẫu: {} đơn vị, {} tài khoản mới, {} thủ tục mới. Mật khẩu các tài khoản mẫu: {}",
        r.org_units, r.accounts_created, r.procedures_created, tinhso_app::seed::DEMO_PASSWORD
    );
    Ok(())
}

async fn import(db: &tinhso_db::Db, what: ImportWhat) -> anyhow::Result<()> {
    let actor = "system:cli";
    match what {
        ImportWhat::OrgUnits { file } => {
            let rows = tinhso_identity::org_units::parse_csv(&std::fs::read(&file)?).map_err(report)?;
            let n = tinhso_identity::org_units::import(db, actor, rows).await.map_err(report)?;
            println!("Đã nhập {n} đơn vị.");
        }
        ImportWhat::Plan { path } => {
            let files = tinhso_indicators::import::read_path(std::path::Path::new(&path))?;
            let r = tinhso_indicators::import::import(db, actor, files).await.map_err(report)?;
            println!(
                "Đã nhập kế hoạch: {} văn bản mới, {} chỉ tiêu mới ({} dòng mục tiêu), {} nhiệm vụ mới, {} nhiệm vụ cập nhật.",
                r.plans_created, r.indicators_created, r.targets, r.tasks_created, r.tasks_updated
            );
        }
        ImportWhat::Procedures { file, skip_invalid } => {
            let bytes = std::fs::read(&file)?;
            let rows = if file.to_lowercase().ends_with(".csv") {
                tinhso_catalog::import::parse_csv(&bytes)
            } else {
                tinhso_catalog::import::parse_json(&bytes)
            }
            .map_err(report)?;
            let catalog = tinhso_catalog::Catalog::open(db.clone()).await?;
            let r = catalog.import(actor, rows, skip_invalid).await.map_err(report)?;
            for (row, why) in &r.skipped {
                println!("Bỏ qua bản ghi {row}: {why}");
            }
            println!("Đã nhập: {} thủ tục mới, {} cập nhật, {} bỏ qua.", r.created, r.updated, r.skipped.len());
        }
    }
    Ok(())
}

/// A domain error as the message a person reads on the terminal; nothing was written.
fn report(e: tinhso_core::Error) -> anyhow::Error {
    anyhow::anyhow!("{} (mã lỗi: {}). Không có dữ liệu nào được ghi.", e.public_message(), e.code())
}
