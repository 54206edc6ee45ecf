//! Configuration, layered: defaults < `tinhso.toml` < environment (`TINHSO__LISTEN`, …;
//! `DATABASE_URL` is honoured too). Secrets are redacted when printed.
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

#[derive(Clone, Serialize, Deserialize)]
pub struct Config {
    /// Address to listen on; port 0 picks a free port.
    pub listen: String,
    /// Where the embedded database and files live.
    pub data_dir: String,
    /// `sqlite://…` or `postgres://…`; empty means SQLite in `data_dir`.
    pub database_url: String,
    /// Largest request body accepted, in bytes.
    pub body_limit_bytes: usize,
    /// Longest a request may take, in seconds.
    pub request_timeout_secs: u64,
    /// `json` for structured logs, `text` for people.
    pub log_format: String,
    /// Mark the session cookie `Secure` (behind HTTPS).
    pub secure_cookies: bool,
    /// The address people reach the platform at, printed in results' QR codes.
    pub public_url: String,
    /// The payment gateway: terminal code, shared secret and payment page. The defaults
    /// point at the sandbox gateway `tinhso sandbox payment` runs.
    pub payment_tmn_code: String,
    pub payment_secret: String,
    pub payment_gateway_url: String,
    /// Where `tinhso sandbox payment` listens.
    pub payment_sandbox_listen: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: "127.0.0.1:8080".into(),
            data_dir: "./data".into(),
            database_url: String::new(),
            body_limit_bytes: 1024 * 1024,
            request_timeout_secs: 30,
            log_format: "json".into(),
            secure_cookies: false,
            public_url: "http://127.0.0.1:8080".into(),
            payment_tmn_code: "TINHSO01".into(),
            payment_secret: "sandbox-secret-not-for-production".into(),
            payment_gateway_url: "http://127.0.0.1:8091/paymentv2/vpcpay.html".into(),
            payment_sandbox_listen: "127.0.0.1:8091".into(),
        }
    }
}

impl Config {
    /// Loads the layers; `file` defaults to `tinhso.toml` in the working directory.
    pub fn load(file: Option<&str>) -> anyhow::Result<Config> {
        let mut fig = Figment::from(Serialized::defaults(Config::default())).merge(Toml::file(file.unwrap_or("tinhso.toml")));
        if let Ok(url) = std::env::var("DATABASE_URL") {
            fig = fig.merge(Serialized::default("database_url", url));
        }
        let cfg: Config = fig.merge(Env::prefixed("TINHSO__").split("__")).extract()?;
        Ok(cfg)
    }

    /// The payment gateway as the dossier module calls it.
    pub fn merchant(&self) -> tinhso_payment::Merchant {
        tinhso_payment::Merchant { tmn_code: self.payment_tmn_code.clone(), secret: self.payment_secret.clone(), pay_url: self.payment_gateway_url.clone() }
    }

    /// The sandbox gateway, with this platform registered as its merchant.
    pub fn payment_sandbox(&self) -> tinhso_payment::SandboxConfig {
        let ipn = format!("{}/api/thanh-toan/ipn", self.public_url.trim_end_matches('/'));
        tinhso_payment::SandboxConfig::single(self.payment_tmn_code.clone(), self.payment_secret.clone(), ipn)
    }

    /// Where uploaded files and results are kept (content-addressed).
    pub fn blob_dir(&self) -> std::path::PathBuf {
        std::path::Path::new(&self.data_dir).join("blobs")
    }

    pub fn database_url(&self) -> String {
        if self.database_url.is_empty() {
            format!("sqlite://{}/tinhso.db", self.data_dir.trim_end_matches('/'))
        } else {
            self.database_url.clone()
        }
    }
}

/// Hides the password of a connection URL.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            let user = creds.split(':').next().unwrap_or_default();
            let hidden = if creds.contains(':') { format!("{user}:***") } else { user.to_owned() };
            format!("{}://{hidden}{}", &url[..s], &url[at..])
        }
        _ => url.to_owned(),
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("listen", &self.listen)
            .field("data_dir", &self.data_dir)
            .field("database_url", &redact_url(&self.database_url()))
            .field("body_limit_bytes", &self.body_limit_bytes)
            .field("request_timeout_secs", &self.request_timeout_secs)
            .field("log_format", &self.log_format)
            .field("secure_cookies", &self.secure_cookies)
            .field("public_url", &self.public_url)
            .field("payment_tmn_code", &self.payment_tmn_code)
            .field("payment_secret", &"***")
            .field("payment_gateway_url", &self.payment_gateway_url)
            .finish()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn password_is_redacted() {
        let cfg = Config { database_url: "postgres://tinhso:s3cret@db:5432/tinhso".into(), ..Config::default() };
        let shown = format!("{cfg:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("postgres://tinhso:***@db:5432/tinhso"), "{shown}");
    }

    #[test]
    fn default_is_sqlite_in_data() {
        assert_eq!(Config::default().database_url(), "sqlite://./data/tinhso.db");
    }
}
