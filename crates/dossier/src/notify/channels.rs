//! The two channels: e-mail through an SMTP relay (`tinhso-mail`), and SMS through a brandname
//! gateway's HTTP API (`POST {to, text, brandname, request_id}` with `X-Api-Key`). Each send
//! carries the event's id, as `Message-ID` and as `request_id`, so a relay or gateway that
//! keeps them can drop a retry of something it already took.
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::time::Duration;
use tinhso_core::{Error, Result};
// The e-mail channel lives in `tinhso-mail`, shared with the overdue-task notices.
pub use tinhso_mail::{EmailSettings, Failure, Mailer, SendResult, normalize_email, transient};

/// Longest a relay or gateway may take to answer one message.
const TIMEOUT: Duration = Duration::from_secs(15);

/// The SMS gateway's send endpoint, key and registered sender name.
#[derive(Clone)]
pub struct SmsSettings {
    pub url: String,
    pub api_key: String,
    pub brandname: String,
}

impl std::fmt::Debug for SmsSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmsSettings").field("url", &self.url).field("api_key", &"***").field("brandname", &self.brandname).finish()
    }
}

pub(crate) struct SmsClient {
    client: reqwest::Client,
    url: String,
    api_key: String,
    brandname: String,
}

#[derive(Deserialize)]
struct GatewayError {
    error: GatewayErrorBody,
}

#[derive(Deserialize)]
struct GatewayErrorBody {
    code: String,
}

impl SmsClient {
    pub fn new(s: &SmsSettings) -> Result<SmsClient> {
        // The key goes in a header: a redirect could hand it to another host.
        let client = reqwest::Client::builder().timeout(TIMEOUT).redirect(reqwest::redirect::Policy::none()).build().map_err(Error::other)?;
        Ok(SmsClient { client, url: s.url.clone(), api_key: s.api_key.clone(), brandname: s.brandname.clone() })
    }

    /// Sends `text` to `to` (`84…`); `key` is the request id the gateway deduplicates on.
    pub async fn send(&self, to: &str, text: &str, key: &str) -> SendResult {
        let body = serde_json::json!({"to": to, "text": text, "brandname": self.brandname, "request_id": key});
        let response = self
            .client
            .post(&self.url)
            .header("x-api-key", &self.api_key)
            .json(&body)
            .send()
            .await
            // Without the URL: the reason is stored, and only the kind of failure matters.
            .map_err(|e| transient(format!("SMS gateway unreachable: {}", e.without_url())))?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        // Only the error code is kept: a gateway's message may repeat the number.
        let code = response.json::<GatewayError>().await.map(|e| e.error.code).unwrap_or_default();
        Err(Failure { reason: format!("SMS gateway answered {} ({code})", status.as_u16()), permanent: code == "invalid_number" })
    }
}

/// A Vietnamese mobile number as gateways route it (`84` and nine digits), or `None`.
pub fn normalize_phone(raw: &str) -> Option<String> {
    let digits: String = raw.chars().filter(|c| !matches!(c, ' ' | '.' | '-')).collect();
    let digits = digits.strip_prefix('+').unwrap_or(&digits);
    let national = digits.strip_prefix("84").filter(|n| n.len() == 9).or_else(|| digits.strip_prefix('0').filter(|n| n.len() == 9))?;
    national.bytes().all(|b| b.is_ascii_digit()).then(|| format!("84{national}"))
}

/// SHA-256 of the recipient (addresses lower-cased), kept instead of the recipient.
pub fn recipient_hash(recipient: &str) -> String {
    hex::encode(Sha256::digest(recipient.to_lowercase().as_bytes()))
}

/// An error text fit for the log and the `notifications` table: the recipient's forms in
/// `secrets`, any word with an `@` and any run of nine or more digits are masked, whatever
/// the relay or gateway chose to echo back.
pub fn mask(text: &str, secrets: &[&str]) -> String {
    let mut s = text.to_owned();
    for secret in secrets.iter().filter(|x| x.len() >= 3) {
        s = s.replace(secret, "***");
    }
    let words: Vec<String> = s.split_whitespace().map(|w| if w.contains('@') { "***".to_owned() } else { mask_digits(w) }).collect();
    words.join(" ").chars().take(300).collect()
}

fn mask_digits(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        out.push_str(if run.len() >= 9 { "***" } else { run });
        run.clear();
    };
    for c in word.chars() {
        if c.is_ascii_digit() {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_are_routed_in_international_form() {
        assert_eq!(normalize_phone("0905 123 456").as_deref(), Some("84905123456"));
        assert_eq!(normalize_phone("+84 905.123.456").as_deref(), Some("84905123456"));
        assert_eq!(normalize_phone("12345"), None);
    }

    #[test]
    fn errors_never_carry_the_recipient() {
        let e = "550 5.1.1 <An.Nguyen@example.vn>: rejected; sms to 84905123456 or 0905 123 456 failed";
        let m = mask(e, &["0905 123 456"]);
        assert!(!m.contains("example.vn") && !m.contains("905123456") && !m.contains("0905 123 456"), "{m}");
        assert!(m.starts_with("550 5.1.1 ***"), "{m}");
        assert!(mask("answered 503 (unavailable)", &[]).contains("503"));
    }

    #[test]
    fn the_hash_ignores_case_and_hides_the_address() {
        assert_eq!(recipient_hash("A@B.VN"), recipient_hash("a@b.vn"));
        assert_eq!(recipient_hash("a@b.vn").len(), 64);
    }
}
