//! E-mail through the province's SMTP relay (lettre), shared by the modules that tell people
//! things: the dossier notifications to applicants and the overdue-task notices to agencies.
//! Moved out of `tinhso-dossier` so that a module can send mail without depending on dossiers.
//! Each send carries a key as its `Message-ID`, so a relay that keeps them can drop a retry of
//! something it already took. What to send, to whom and how often to retry stays with the
//! module: each keeps its own durable outbox.
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::extension::ClientId;
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;
use tinhso_core::{Error, Result};

/// Longest a relay may take to answer one message.
/// The states of a queued message, shared by every outbox that mails.
pub mod status {
    pub const PENDING: &str = "pending";
    pub const SENT: &str = "sent";
    /// Given up after the retry policy's last attempt, or refused for good.
    pub const FAILED: &str = "failed";
}

pub const TIMEOUT: Duration = Duration::from_secs(15);

/// The SMTP relay the platform sends through.
#[derive(Clone)]
pub struct EmailSettings {
    pub host: String,
    pub port: u16,
    /// `none` (plain, for the sandbox or a relay on the same host), `starttls` or `tls`.
    pub tls: String,
    /// Empty: no authentication.
    pub username: String,
    pub password: String,
    /// `Name <address>`, the sender people see.
    pub from: String,
}

impl std::fmt::Debug for EmailSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmailSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("username", &self.username)
            .field("password", &"***")
            .field("from", &self.from)
            .finish()
    }
}

/// Why one send failed; `permanent` when trying again cannot help (the address itself is
/// unusable). Callers mask the reason before they store or log it.
#[derive(Debug, Clone)]
pub struct Failure {
    pub reason: String,
    pub permanent: bool,
}

pub type SendResult = std::result::Result<(), Failure>;

/// A failure worth another try.
pub fn transient(reason: impl Into<String>) -> Failure {
    Failure { reason: reason.into(), permanent: false }
}

/// The address as written, trimmed, if it looks like one.
pub fn normalize_email(raw: &str) -> Option<String> {
    let e = raw.trim();
    (e.contains('@') && !e.contains(char::is_whitespace)).then(|| e.to_owned())
}

pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// Fails on settings that could not work (a sender that is not an address, an unknown
    /// TLS mode), so a misconfiguration shows at start, not at the first message.
    pub fn new(s: &EmailSettings) -> Result<Mailer> {
        let from: Mailbox = s.from.parse().map_err(|_| Error::invalid("invalid_config", "mail_from", "địa chỉ người gửi không hợp lệ."))?;
        let builder = match s.tls.as_str() {
            "none" => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(s.host.as_str()),
            "starttls" => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&s.host).map_err(Error::other)?,
            "tls" => AsyncSmtpTransport::<Tokio1Executor>::relay(&s.host).map_err(Error::other)?,
            _ => return Err(Error::invalid("invalid_config", "smtp_tls", "chọn none, starttls hoặc tls.")),
        };
        let mut builder = builder.port(s.port).timeout(Some(TIMEOUT)).hello_name(ClientId::Domain(from.email.domain().to_owned()));
        if !s.username.is_empty() {
            builder = builder.credentials(Credentials::new(s.username.clone(), s.password.clone()));
        }
        Ok(Mailer { transport: builder.build(), from })
    }

    /// Sends one plain-text message to `to`; `key` becomes its `Message-ID`.
    pub async fn send(&self, to: &str, subject: &str, body: &str, key: &str) -> SendResult {
        self.send_to_all(&[to.to_owned()], subject, body, key).await
    }

    /// Sends one plain-text message addressed to every address of `to` (one message, so the
    /// relay takes it or refuses it as a whole); `key` becomes its `Message-ID`.
    pub async fn send_to_all(&self, to: &[String], subject: &str, body: &str, key: &str) -> SendResult {
        let mut builder = Message::builder().from(self.from.clone());
        for t in to {
            let Ok(address) = t.parse::<Address>() else {
                return Err(Failure { reason: "địa chỉ thư điện tử không hợp lệ".into(), permanent: true });
            };
            builder = builder.to(Mailbox::new(None, address));
        }
        if to.is_empty() {
            return Err(Failure { reason: "không có địa chỉ nhận".into(), permanent: true });
        }
        let message = builder
            .subject(subject)
            .message_id(Some(format!("<{key}@{}>", self.from.email.domain())))
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_owned())
            .map_err(|e| transient(e.to_string()))?;
        self.transport.send(message).await.map(|_| ()).map_err(|e| transient(format!("SMTP: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_sender_or_tls_mode_is_refused_at_start() {
        let s = EmailSettings { host: "127.0.0.1".into(), port: 25, tls: "none".into(), username: String::new(), password: "secret".into(), from: "Cổng <noreply@quangngai.gov.vn>".into() };
        assert!(Mailer::new(&s).is_ok());
        assert!(Mailer::new(&EmailSettings { from: "not an address".into(), ..s.clone() }).is_err());
        assert!(Mailer::new(&EmailSettings { tls: "ssl3".into(), ..s.clone() }).is_err());
        assert!(!format!("{s:?}").contains("secret"));
    }
}

/// Longest pause between two tries of one message.
const MAX_BACKOFF: Duration = Duration::from_secs(3600);

/// How a queued message is tried again: the dossier notices and the task notices alike.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// The pause after the first failure; it doubles after each later one.
    pub base: Duration,
    /// Tries before a message is given up as `failed`.
    pub max_attempts: u32,
}

impl RetryPolicy {
    /// The pause after the `tries`-th failure.
    pub fn backoff(&self, tries: i32) -> Duration {
        let doublings = u32::try_from(tries.saturating_sub(1)).unwrap_or(0).min(20);
        self.base.saturating_mul(1 << doublings).min(MAX_BACKOFF)
    }
}
