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
    /// Notifications to applicants, sent from the outbox: how often the job runs (seconds;
    /// 0 turns it off on this node), events per run, the first retry pause (doubling after
    /// each failure), tries before a message is given up, and the age past which an event
    /// first seen is not told any more.
    pub notify_interval_secs: u64,
    pub notify_batch_size: usize,
    pub notify_retry_base_secs: u64,
    pub notify_max_attempts: u32,
    pub notify_max_age_hours: u64,
    /// How often plan tasks past their deadline are flagged and their lead agencies' e-mail
    /// notices sent (seconds; 0 turns the job off on this node). Retries follow the
    /// `notify_retry_base_secs` and `notify_max_attempts` above.
    pub tasks_overdue_interval_secs: u64,
    /// The SMTP relay for e-mail (empty host: no e-mail); `smtp_tls` is none, starttls or
    /// tls; an empty user means no login. The defaults point at `tinhso sandbox smtp`.
    pub smtp_host: String,
    pub smtp_port: u16,
    pub smtp_tls: String,
    pub smtp_username: String,
    pub smtp_password: String,
    /// The sender people see, `Name <address>`.
    pub mail_from: String,
    /// The SMS brandname gateway's send endpoint (empty: no SMS), key and registered sender
    /// name. The defaults point at `tinhso sandbox sms`.
    pub sms_api_url: String,
    pub sms_api_key: String,
    pub sms_brandname: String,
    /// Where `tinhso sandbox smtp` takes mail, where it shows what arrived, and where
    /// `tinhso sandbox sms` listens.
    pub smtp_sandbox_listen: String,
    pub smtp_sandbox_http_listen: String,
    pub sms_sandbox_listen: String,
    /// Where the exchange gateway also listens over TLS, for consumers that authenticate with
    /// a client certificate (empty: no TLS listener), and the folder of its certificates
    /// (empty: `exchange-tls` in `data_dir`; see `exchange_tls`).
    pub exchange_tls_listen: String,
    pub exchange_tls_dir: String,
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
            notify_interval_secs: 5,
            notify_batch_size: 50,
            notify_retry_base_secs: 30,
            notify_max_attempts: 20,
            notify_max_age_hours: 168,
            tasks_overdue_interval_secs: 300,
            smtp_host: "127.0.0.1".into(),
            smtp_port: 2525,
            smtp_tls: "none".into(),
            smtp_username: String::new(),
            smtp_password: String::new(),
            mail_from: "Cổng Dịch vụ công tỉnh <khong-tra-loi@dichvucong.tinhso.local>".into(),
            sms_api_url: "http://127.0.0.1:8093/sms/send".into(),
            sms_api_key: "sandbox-sms-key-not-for-production".into(),
            sms_brandname: "TINHSO".into(),
            smtp_sandbox_listen: "127.0.0.1:2525".into(),
            smtp_sandbox_http_listen: "127.0.0.1:8092".into(),
            sms_sandbox_listen: "127.0.0.1:8093".into(),
            exchange_tls_listen: String::new(),
            exchange_tls_dir: String::new(),
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

    /// The notification dispatcher's settings.
    pub fn notifications(&self) -> tinhso_dossier::notify::Settings {
        use std::time::Duration;
        let email = (!self.smtp_host.is_empty()).then(|| tinhso_dossier::notify::EmailSettings {
            host: self.smtp_host.clone(),
            port: self.smtp_port,
            tls: self.smtp_tls.clone(),
            username: self.smtp_username.clone(),
            password: self.smtp_password.clone(),
            from: self.mail_from.clone(),
        });
        let sms = (!self.sms_api_url.is_empty()).then(|| tinhso_dossier::notify::SmsSettings {
            url: self.sms_api_url.clone(),
            api_key: self.sms_api_key.clone(),
            brandname: self.sms_brandname.clone(),
        });
        tinhso_dossier::notify::Settings {
            public_url: self.public_url.clone(),
            interval: Duration::from_secs(self.notify_interval_secs),
            batch_size: self.notify_batch_size,
            retry: tinhso_dossier::notify::RetryPolicy { base: Duration::from_secs(self.notify_retry_base_secs), max_attempts: self.notify_max_attempts },
            max_age: Duration::from_secs(self.notify_max_age_hours.saturating_mul(3600)),
            email,
            sms,
        }
    }

    /// The overdue-task notices' settings; `None` without an SMTP relay.
    pub fn task_notices(&self) -> Option<tinhso_tasks::mail::Settings> {
        use std::time::Duration;
        let email = self.notifications().email?;
        Some(tinhso_tasks::mail::Settings {
            public_url: self.public_url.clone(),
            email,
            retry_base: Duration::from_secs(self.notify_retry_base_secs),
            max_attempts: self.notify_max_attempts,
            batch_size: self.notify_batch_size,
        })
    }

    /// The folder of the exchange gateway's TLS certificates.
    pub fn exchange_tls_dir(&self) -> std::path::PathBuf {
        if self.exchange_tls_dir.is_empty() { std::path::Path::new(&self.data_dir).join("exchange-tls") } else { self.exchange_tls_dir.clone().into() }
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
            .field("notify_interval_secs", &self.notify_interval_secs)
            .field("notify_batch_size", &self.notify_batch_size)
            .field("notify_retry_base_secs", &self.notify_retry_base_secs)
            .field("notify_max_attempts", &self.notify_max_attempts)
            .field("notify_max_age_hours", &self.notify_max_age_hours)
            .field("tasks_overdue_interval_secs", &self.tasks_overdue_interval_secs)
            .field("smtp_host", &self.smtp_host)
            .field("smtp_port", &self.smtp_port)
            .field("smtp_tls", &self.smtp_tls)
            .field("smtp_username", &self.smtp_username)
            .field("smtp_password", &"***")
            .field("mail_from", &self.mail_from)
            .field("sms_api_url", &self.sms_api_url)
            .field("sms_api_key", &"***")
            .field("sms_brandname", &self.sms_brandname)
            .field("exchange_tls_listen", &self.exchange_tls_listen)
            .field("exchange_tls_dir", &self.exchange_tls_dir)
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
    fn mail_and_sms_secrets_are_redacted() {
        let cfg = Config { smtp_password: "mật-khẩu-smtp".into(), sms_api_key: "khoa-sms-bi-mat".into(), ..Config::default() };
        let shown = format!("{cfg:?} {:?}", cfg.notifications());
        assert!(!shown.contains("mật-khẩu-smtp") && !shown.contains("khoa-sms-bi-mat"), "{shown}");
    }

    #[test]
    fn default_is_sqlite_in_data() {
        assert_eq!(Config::default().database_url(), "sqlite://./data/tinhso.db");
    }
}
