//! The gateway's pipeline, shared by the HTTP entry `/x/…` and by the platform's own calls
//! (give-once prefill): authenticate, resolve the service, check purpose, subject and grant,
//! limit the rate, forward with the service's timeout (the request body streamed, counted and
//! hashed on the way), read the answer, and write the exchange log before answering.
use crate::Exchange;
use crate::log::Record;
use crate::registry::{grant_state_ok, key_hash};
use crate::snapshot::{ServiceEntry, Snapshot};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use bytes::Bytes;
use futures_util::StreamExt;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Bodies kept in the log, when a service asks for it, are cut at this size.
const LOGGED_BODY_BYTES: usize = 64 * 1024;

/// Request headers passed to the upstream; nothing else goes (no credentials, no cookies).
const FORWARD_REQUEST: [&str; 4] = ["content-type", "accept", "accept-language", "if-none-match"];
/// Response headers passed back to the consumer.
const FORWARD_RESPONSE: [&str; 6] = ["content-type", "content-language", "cache-control", "etag", "last-modified", "content-disposition"];

/// How the caller proved who it is.
pub enum Auth {
    /// An API key from `Authorization: Bearer` or `X-Tinhso-Key` (`None`: none was sent).
    Key(Option<String>),
    /// A client certificate the TLS listener accepted, by its SHA-256 fingerprint.
    Certificate(String),
    /// The platform itself, calling in-process as its registered subsystem.
    Internal,
}

/// One call through the gateway.
pub struct Call {
    pub request_id: String,
    /// The consumer subsystem the caller names, `member/code`.
    pub client: String,
    /// `member/subsystem/service`
    pub service: String,
    /// The path under the service, still percent-encoded, starting with `/` (or empty).
    pub path: String,
    pub query: Option<String>,
    pub method: Method,
    /// Raw header bytes of `X-Tinhso-Purpose` (UTF-8, possibly percent-encoded).
    pub purpose: Vec<u8>,
    pub subject: String,
    pub headers: HeaderMap,
}

/// What the gateway answers.
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
    /// Empty when the upstream answered; the stable code of the gateway's refusal otherwise.
    pub error_code: String,
}

struct Fail {
    status: StatusCode,
    code: &'static str,
    message: String,
}

fn fail(status: StatusCode, code: &'static str, message: impl Into<String>) -> Fail {
    Fail { status, code, message: message.into() }
}

#[derive(Default)]
pub struct Limits {
    buckets: Mutex<HashMap<uuid::Uuid, (f64, Instant)>>,
    breakers: Mutex<HashMap<uuid::Uuid, (u32, Option<Instant>)>>,
}

impl Limits {
    /// A token bucket per consumer: `rate` calls a second, bursts up to one second's worth.
    fn take(&self, consumer: uuid::Uuid, rate: i32) -> bool {
        let Ok(mut map) = self.buckets.lock() else { return true };
        let rate = f64::from(rate.max(1));
        let now = Instant::now();
        let (tokens, at) = map.entry(consumer).or_insert((rate, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * rate).min(rate);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }

    fn circuit_open(&self, service: uuid::Uuid) -> bool {
        let Ok(map) = self.breakers.lock() else { return false };
        map.get(&service).and_then(|(_, until)| *until).is_some_and(|u| Instant::now() < u)
    }

    /// After the pause, calls go through again; one more failure opens the circuit again.
    fn record(&self, service: uuid::Uuid, ok: bool, threshold: u32, pause: Duration) {
        let Ok(mut map) = self.breakers.lock() else { return };
        let entry = map.entry(service).or_insert((0, None));
        if ok {
            *entry = (0, None);
        } else {
            entry.0 += 1;
            if entry.0 >= threshold {
                entry.1 = Some(Instant::now() + pause);
            }
        }
    }
}

/// Keeps the SHA-256 of what passed, its size, and (when asked) its first bytes.
#[derive(Default)]
struct Tap {
    hasher: Sha256,
    bytes: u64,
    too_large: bool,
    keep: Option<Vec<u8>>,
}

impl Tap {
    fn feed(&mut self, chunk: &[u8]) {
        self.hasher.update(chunk);
        self.bytes += chunk.len() as u64;
        if let Some(k) = &mut self.keep {
            let room = LOGGED_BODY_BYTES.saturating_sub(k.len());
            k.extend_from_slice(&chunk[..chunk.len().min(room)]);
        }
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The purpose as text: percent-decoded UTF-8 without control characters (a CR or LF here
/// would be an attempt to inject headers upstream).
fn decode_purpose(raw: &[u8]) -> Result<String, Fail> {
    let decoded: Vec<u8> = percent_encoding::percent_decode(raw).collect();
    let text = String::from_utf8(decoded).map_err(|_| fail(StatusCode::BAD_REQUEST, "invalid_purpose", "X-Tinhso-Purpose phải là văn bản UTF-8."))?;
    let text = text.trim().to_owned();
    if text.is_empty() {
        return Err(fail(StatusCode::BAD_REQUEST, "missing_purpose", "Thiếu mục đích sử dụng (X-Tinhso-Purpose)."));
    }
    if text.chars().any(char::is_control) || text.chars().count() > 500 {
        return Err(fail(StatusCode::BAD_REQUEST, "invalid_purpose", "Mục đích sử dụng không hợp lệ (ký tự điều khiển hoặc dài quá 500 ký tự)."));
    }
    Ok(text)
}

/// The path under a service: no `..`, no backslash, no control characters, even encoded.
fn check_path(path: &str) -> Result<(), Fail> {
    let decoded: Vec<u8> = percent_encoding::percent_decode_str(path).collect();
    let text = String::from_utf8_lossy(&decoded);
    let bad = text.split('/').any(|seg| seg == ".." || seg == ".") || text.contains('\\') || text.chars().any(char::is_control) || path.len() > 2000;
    if bad { Err(fail(StatusCode::BAD_REQUEST, "invalid_path", "Đường dẫn không hợp lệ.")) } else { Ok(()) }
}

fn safe_label(s: &str) -> String {
    s.chars().filter(|c| c.is_ascii_graphic()).take(120).collect()
}

impl Exchange {
    /// Runs one call through the gateway and logs it; the answer is returned only after its
    /// log row is committed.
    pub async fn call(&self, auth: Auth, call: Call, body: Option<axum::body::Body>) -> Answer {
        let started = Instant::now();
        let mut rec = Record { request_id: call.request_id.clone(), consumer: safe_label(&call.client), service: safe_label(&call.service), method: call.method.to_string(), ..Record::default() };
        rec.path = call.path.split('?').next().unwrap_or_default().chars().take(500).collect();
        let request_tap = Arc::new(Mutex::new(Tap::default()));
        let outcome = self.pipeline(auth, &call, body, &mut rec, request_tap.clone()).await;
        let (req_hash, req_kept) = match request_tap.lock() {
            Ok(mut t) => (hex::encode(std::mem::take(&mut t.hasher).finalize()), t.keep.take()),
            Err(_) => (String::new(), None),
        };
        rec.request_hash = req_hash;
        rec.latency_us = started.elapsed().as_micros() as i64;
        let mut answer = match outcome {
            Ok((status, headers, body, keep_body)) => {
                rec.status = status.as_u16();
                rec.response_hash = sha256_hex(&body);
                if keep_body {
                    rec.request_body = req_kept.map(|b| String::from_utf8_lossy(&b).into_owned());
                    rec.response_body = Some(String::from_utf8_lossy(&body[..body.len().min(LOGGED_BODY_BYTES)]).into_owned());
                }
                Answer { status, headers, body, error_code: String::new() }
            }
            Err(f) => {
                let body = Bytes::from(tinhso_web::error::error_body(f.code, &f.message).to_string());
                rec.status = f.status.as_u16();
                rec.error_code = f.code.to_owned();
                rec.response_hash = sha256_hex(&body);
                let mut headers = HeaderMap::new();
                headers.insert(axum::http::header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
                Answer { status: f.status, headers, body, error_code: f.code.to_owned() }
            }
        };
        let labels = [("service", if rec.provider.is_empty() { "unknown".to_owned() } else { rec.service.clone() }), ("consumer", rec.consumer.clone()), ("status", rec.status.to_string())];
        metrics::counter!("exchange_calls_total", &labels).increment(1);
        metrics::histogram!("exchange_call_duration_seconds", &labels[..2]).record(rec.latency_us as f64 / 1e6);
        let (request_hash, response_hash) = (rec.request_hash.clone(), rec.response_hash.clone());
        match self.log.write(rec).await {
            Ok(seq) => {
                for (name, value) in [("x-tinhso-request-hash", request_hash), ("x-tinhso-response-hash", response_hash), ("x-tinhso-log-seq", seq.to_string())] {
                    if let Ok(v) = HeaderValue::from_str(&value) {
                        answer.headers.insert(HeaderName::from_static(name), v);
                    }
                }
            }
            Err(e) => {
                // No log row, no answer: the upstream's data is not handed over unrecorded.
                tracing::error!(error = %e, "exchange call not logged; answer withheld");
                let body = tinhso_web::error::error_body("log_failed", "Không ghi được nhật ký trao đổi; dữ liệu không được chuyển. Vui lòng thử lại.").to_string();
                let mut headers = HeaderMap::new();
                headers.insert(axum::http::header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
                answer = Answer { status: StatusCode::INTERNAL_SERVER_ERROR, headers, body: Bytes::from(body), error_code: "log_failed".into() };
            }
        }
        answer
    }

    async fn authenticate(&self, snap: &Snapshot, auth: Auth, client: &str) -> Result<(uuid::Uuid, i32), Fail> {
        let unknown = || fail(StatusCode::UNAUTHORIZED, "invalid_credential", "Khóa truy cập không đúng hoặc không thuộc hệ thống đã nêu.");
        if client.is_empty() {
            return Err(fail(StatusCode::UNAUTHORIZED, "missing_client", "Thiếu định danh hệ thống gọi (X-Tinhso-Client)."));
        }
        let consumer = snap.subsystems.get(client).filter(|s| s.active);
        match auth {
            Auth::Internal => consumer.map(|s| (s.id, s.rate_per_sec)).ok_or_else(unknown),
            Auth::Key(None) => Err(fail(StatusCode::UNAUTHORIZED, "missing_credential", "Thiếu khóa truy cập (Authorization: Bearer … hoặc X-Tinhso-Key).")),
            Auth::Key(Some(key)) => {
                let owner = snap.keys.get(&key_hash(&key));
                match consumer {
                    Some(s) if owner == Some(&s.id) => Ok((s.id, s.rate_per_sec)),
                    _ => Err(unknown()),
                }
            }
            Auth::Certificate(fingerprint) => match consumer {
                Some(s) if snap.certificates.get(&fingerprint) == Some(&s.id) => Ok((s.id, s.rate_per_sec)),
                _ => Err(fail(StatusCode::UNAUTHORIZED, "invalid_credential", "Chứng thư số chưa được đăng ký, đã bị thu hồi hoặc không thuộc hệ thống đã nêu.")),
            },
        }
    }

    #[allow(clippy::type_complexity)]
    async fn pipeline(&self, auth: Auth, call: &Call, body: Option<axum::body::Body>, rec: &mut Record, tap: Arc<Mutex<Tap>>) -> Result<(StatusCode, HeaderMap, Bytes, bool), Fail> {
        let snap = self.cache.get(&self.db).await.map_err(|e| {
            tracing::error!(error = %e, "exchange registry unavailable");
            fail(StatusCode::SERVICE_UNAVAILABLE, "registry_unavailable", "Hệ thống trao đổi dữ liệu tạm thời không sẵn sàng.")
        })?;
        let (consumer_id, rate) = self.authenticate(&snap, auth, &call.client).await?;
        let service: Arc<ServiceEntry> = snap.services.get(&call.service).filter(|s| s.row.active).cloned().ok_or_else(|| fail(StatusCode::NOT_FOUND, "unknown_service", format!("Không có dịch vụ {}.", rec.service)))?;
        rec.provider = service.provider.clone();
        let purpose = decode_purpose(&call.purpose)?;
        rec.purpose = purpose.clone();
        if !call.subject.is_empty() {
            let id = tinhso_core::personal_id::parse(&call.subject).map_err(|_| fail(StatusCode::BAD_REQUEST, "invalid_subject", "X-Tinhso-Subject phải là số định danh cá nhân 12 chữ số hợp lệ."))?;
            rec.subject = id.number;
        } else if service.row.personal_data {
            return Err(fail(StatusCode::BAD_REQUEST, "missing_subject", "Dịch vụ trả dữ liệu cá nhân: cần nêu người được tra cứu (X-Tinhso-Subject)."));
        }
        check_path(&call.path)?;
        let path_only = if call.path.is_empty() { "/" } else { call.path.as_str() };
        let granted = snap.grants.get(&(consumer_id, service.row.id)).is_some_and(|gs| {
            gs.iter().any(|g| grant_state_ok(g) && g.method.as_deref().is_none_or(|m| m == call.method.as_str()) && path_only.starts_with(g.path_prefix.as_str()))
        });
        if !granted {
            return Err(fail(StatusCode::FORBIDDEN, "no_grant", "Hệ thống của bạn chưa được cấp quyền gọi dịch vụ này (hoặc quyền đã hết hạn, bị thu hồi)."));
        }
        if !self.limits.take(consumer_id, rate) {
            return Err(fail(StatusCode::TOO_MANY_REQUESTS, "rate_limited", "Vượt giới hạn tần suất gọi của hệ thống. Vui lòng giảm tốc độ."));
        }
        let too_large = || fail(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", "Nội dung gửi lên vượt quá dung lượng cho phép.");
        let declared = call.headers.get(axum::http::header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|n| n > self.settings.max_request_bytes) {
            return Err(too_large());
        }
        if self.limits.circuit_open(service.row.id) {
            return Err(fail(StatusCode::SERVICE_UNAVAILABLE, "circuit_open", "Dịch vụ gốc đang gặp sự cố nên tạm ngừng nhận yêu cầu; hệ thống sẽ thử lại sau ít phút."));
        }
        let result = self.forward(call, body, &service, &purpose, &rec.subject, tap.clone()).await;
        let upstream_failed = match &result {
            Ok((status, ..)) => status.is_server_error(),
            Err(f) => matches!(f.code, "upstream_unreachable" | "upstream_timeout" | "upstream_error"),
        };
        self.limits.record(service.row.id, !upstream_failed, self.settings.breaker_failures, self.settings.breaker_pause);
        if tap.lock().is_ok_and(|t| t.too_large) {
            return Err(too_large());
        }
        let (status, headers, body) = result?;
        Ok((status, headers, body, service.row.log_bodies))
    }

    async fn forward(&self, call: &Call, body: Option<axum::body::Body>, service: &ServiceEntry, purpose: &str, subject: &str, tap: Arc<Mutex<Tap>>) -> Result<(StatusCode, HeaderMap, Bytes), Fail> {
        let mut url = format!("{}{}", service.row.upstream_url, call.path);
        if let Some(q) = &call.query {
            url.push('?');
            url.push_str(q);
        }
        let mut req = self.http.request(call.method.clone(), &url);
        for name in FORWARD_REQUEST {
            if let Some(v) = call.headers.get(name) {
                req = req.header(name, v.clone());
            }
        }
        let purpose_enc = percent_encoding::utf8_percent_encode(purpose, percent_encoding::NON_ALPHANUMERIC).to_string();
        req = req.header("x-tinhso-client", &call.client).header("x-tinhso-purpose", purpose_enc).header("x-request-id", &call.request_id);
        if !subject.is_empty() {
            req = req.header("x-tinhso-subject", subject);
        }
        if service.row.log_bodies && let Ok(mut t) = tap.lock() {
            t.keep = Some(Vec::new());
        }
        if let Some(body) = body {
            let limit = self.settings.max_request_bytes;
            let body_tap = tap.clone();
            // Streamed on: counted and hashed chunk by chunk, cut off past the limit.
            let stream = body.into_data_stream().map(move |chunk| {
                let chunk = chunk.map_err(std::io::Error::other)?;
                let mut t = body_tap.lock().map_err(|_| std::io::Error::other("tap poisoned"))?;
                if t.bytes + chunk.len() as u64 > limit {
                    t.too_large = true;
                    return Err(std::io::Error::other("request body over the limit"));
                }
                t.feed(&chunk);
                Ok::<Bytes, std::io::Error>(chunk)
            });
            req = req.body(reqwest::Body::wrap_stream(stream));
        }
        let timeout = Duration::from_millis(u64::try_from(service.row.timeout_ms).unwrap_or(5000));
        let max_response = self.settings.max_response_bytes;
        let exchange = async {
            let resp = req.send().await.map_err(classify)?;
            let status = resp.status();
            let mut headers = HeaderMap::new();
            for name in FORWARD_RESPONSE {
                if let Some(v) = resp.headers().get(name) {
                    headers.insert(HeaderName::from_static(name), v.clone());
                }
            }
            if resp.content_length().is_some_and(|n| n > max_response) {
                return Err(fail(StatusCode::BAD_GATEWAY, "upstream_too_large", "Dịch vụ gốc trả về dữ liệu quá lớn."));
            }
            let mut body = Vec::new();
            let mut s = resp.bytes_stream();
            while let Some(chunk) = s.next().await {
                let chunk = chunk.map_err(classify)?;
                if (body.len() + chunk.len()) as u64 > max_response {
                    return Err(fail(StatusCode::BAD_GATEWAY, "upstream_too_large", "Dịch vụ gốc trả về dữ liệu quá lớn."));
                }
                body.extend_from_slice(&chunk);
            }
            Ok((status, headers, Bytes::from(body)))
        };
        match tokio::time::timeout(timeout, exchange).await {
            Ok(r) => r,
            Err(_) => Err(fail(StatusCode::GATEWAY_TIMEOUT, "upstream_timeout", "Dịch vụ gốc không trả lời trong thời gian cho phép.")),
        }
    }
}

fn classify(e: reqwest::Error) -> Fail {
    if e.is_timeout() {
        fail(StatusCode::GATEWAY_TIMEOUT, "upstream_timeout", "Dịch vụ gốc không trả lời trong thời gian cho phép.")
    } else if e.is_connect() {
        fail(StatusCode::BAD_GATEWAY, "upstream_unreachable", "Không kết nối được tới dịch vụ gốc.")
    } else {
        fail(StatusCode::BAD_GATEWAY, "upstream_error", "Dịch vụ gốc trả lời không đúng giao thức.")
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn purposes_are_text_without_control_characters() {
        assert_eq!(decode_purpose("Gi%E1%BA%A3i quy%E1%BA%BFt h%E1%BB%93 s%C6%A1".as_bytes()).ok().unwrap(), "Giải quyết hồ sơ");
        assert_eq!(decode_purpose("Giải quyết".as_bytes()).ok().unwrap(), "Giải quyết");
        assert_eq!(decode_purpose(b"  ").err().unwrap().code, "missing_purpose");
        assert_eq!(decode_purpose(b"a%0D%0AX-Evil: 1").err().unwrap().code, "invalid_purpose");
        assert_eq!(decode_purpose(b"%FF%FE").err().unwrap().code, "invalid_purpose");
    }

    #[test]
    fn paths_cannot_climb_out_of_the_service() {
        assert!(check_path("/ho-so/1").is_ok());
        assert!(check_path("").is_ok());
        for bad in ["/a/../b", "/a/..%2f..%2fadmin", "/a/%2e%2e/b", "/a\\b", "/a%0d%0ab"] {
            assert!(check_path(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_rate_limit_refills_and_the_breaker_opens_then_retries() {
        let limits = Limits::default();
        let consumer = tinhso_core::new_id();
        let passed = (0..20).filter(|_| limits.take(consumer, 10)).count();
        assert_eq!(passed, 10, "a burst of one second's worth");
        std::thread::sleep(Duration::from_millis(250));
        assert!(limits.take(consumer, 10), "tokens come back with time");
        let service = tinhso_core::new_id();
        for _ in 0..2 {
            limits.record(service, false, 3, Duration::from_millis(100));
        }
        assert!(!limits.circuit_open(service));
        limits.record(service, false, 3, Duration::from_millis(100));
        assert!(limits.circuit_open(service));
        std::thread::sleep(Duration::from_millis(120));
        assert!(!limits.circuit_open(service), "retried after the pause");
        limits.record(service, true, 3, Duration::from_millis(100));
        limits.record(service, false, 3, Duration::from_millis(100));
        assert!(!limits.circuit_open(service), "a success closes it again");
    }
}
