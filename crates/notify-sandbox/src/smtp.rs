//! The SMTP sink: accepts every message a client hands it over plain SMTP (RFC 5321: EHLO or
//! HELO, MAIL FROM, RCPT TO, DATA, RSET, NOOP, QUIT), keeps it in memory instead of
//! delivering it, and shows it decoded (subject and text) at `GET /messages` on a separate
//! HTTP port. It does no TLS and no AUTH: it is for the sandbox, on loopback.
use crate::{KEEP, OutageRequest, ctrl_c};
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

const HOST: &str = "smtp-sandbox.tinhso.local";
/// RFC 5321 allows 1000 octets per line; a little slack for clients that fold late.
const MAX_LINE: usize = 4096;
const MAX_SIZE: usize = 10 * 1024 * 1024;
const MAX_RECIPIENTS: usize = 100;
/// A client silent this long is dropped (RFC 5321 suggests minutes; the sandbox is local).
const IDLE: Duration = Duration::from_secs(120);

/// A message as the sink received it.
#[derive(Debug, Clone, Serialize)]
pub struct Mail {
    pub id: String,
    pub received_at: DateTime<Utc>,
    pub mail_from: String,
    pub rcpt_to: Vec<String>,
    pub message_id: Option<String>,
    /// Decoded from RFC 2047 words.
    pub subject: String,
    /// The first text part, decoded from its transfer encoding.
    pub text: String,
    /// The message as it came over DATA, dot-stuffing removed.
    pub raw: String,
}

#[derive(Default)]
struct Inbox {
    messages: Mutex<VecDeque<Mail>>,
    unavailable: AtomicBool,
    next: AtomicU64,
}

impl Inbox {
    fn store(&self, from: String, rcpt: Vec<String>, raw: Vec<u8>) -> String {
        let id = format!("SBX-MAIL-{:06}", self.next.fetch_add(1, Ordering::Relaxed) + 1);
        let parsed = mail_parser::MessageParser::default().parse(&raw);
        let mail = Mail {
            id: id.clone(),
            received_at: Utc::now(),
            mail_from: from,
            rcpt_to: rcpt,
            message_id: parsed.as_ref().and_then(|m| m.message_id()).map(str::to_owned),
            subject: parsed.as_ref().and_then(|m| m.subject()).unwrap_or_default().to_owned(),
            text: parsed.as_ref().and_then(|m| m.body_text(0)).map(|t| t.into_owned()).unwrap_or_default(),
            raw: String::from_utf8_lossy(&raw).into_owned(),
        };
        if let Ok(mut messages) = self.messages.lock() {
            if messages.len() >= KEEP {
                messages.pop_front();
            }
            messages.push_back(mail);
        }
        id
    }

    fn all(&self) -> Vec<Mail> {
        self.messages.lock().map(|m| m.iter().cloned().collect()).unwrap_or_default()
    }
}

/// A running sink: where it listens, and its state for tests in the same process.
pub struct SmtpSandbox {
    /// Where clients speak SMTP.
    pub smtp_addr: SocketAddr,
    /// Where `GET /messages` and `POST /sandbox/outage` are served.
    pub http_addr: SocketAddr,
    inbox: Arc<Inbox>,
    tasks: Vec<JoinHandle<()>>,
}

impl SmtpSandbox {
    pub fn messages(&self) -> Vec<Mail> {
        self.inbox.all()
    }

    /// While unavailable, every connection is answered `421` and closed, as a relay that is
    /// down or overloaded does.
    pub fn set_unavailable(&self, unavailable: bool) {
        self.inbox.unavailable.store(unavailable, Ordering::Relaxed);
    }

    /// Stops listening on both ports.
    pub fn stop(&self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

fn http_router(inbox: Arc<Inbox>) -> Router {
    Router::new().route("/messages", get(messages)).route("/sandbox/outage", post(outage)).with_state(inbox)
}

async fn messages(State(inbox): State<Arc<Inbox>>) -> Json<Vec<Mail>> {
    Json(inbox.all())
}

async fn outage(State(inbox): State<Arc<Inbox>>, Json(req): Json<OutageRequest>) -> StatusCode {
    inbox.unavailable.store(req.unavailable, Ordering::Relaxed);
    StatusCode::NO_CONTENT
}

/// Starts the sink on `smtp_listen` and its HTTP view on `http_listen` (port 0 picks a free
/// port); returns at once with the bound addresses. Scenario tests use this.
pub async fn spawn(smtp_listen: &str, http_listen: &str) -> anyhow::Result<SmtpSandbox> {
    let inbox = Arc::new(Inbox::default());
    let smtp = TcpListener::bind(smtp_listen).await?;
    let http = TcpListener::bind(http_listen).await?;
    let (smtp_addr, http_addr) = (smtp.local_addr()?, http.local_addr()?);
    let accept = tokio::spawn(accept_loop(smtp, inbox.clone()));
    let app = http_router(inbox.clone());
    let view = tokio::spawn(async move {
        if let Err(e) = axum::serve(http, app).await {
            tracing::warn!(error = %e, "SMTP sandbox HTTP view stopped");
        }
    });
    Ok(SmtpSandbox { smtp_addr, http_addr, inbox, tasks: vec![accept, view] })
}

/// Runs the sink as its own process until Ctrl-C: `tinhso sandbox smtp`.
pub async fn serve(smtp_listen: &str, http_listen: &str) -> anyhow::Result<()> {
    let sandbox = spawn(smtp_listen, http_listen).await?;
    tracing::info!(smtp = %sandbox.smtp_addr, http = %sandbox.http_addr, "SMTP sandbox (synthetic, delivers nothing) listening");
    ctrl_c().await;
    sandbox.stop();
    Ok(())
}

async fn accept_loop(listener: TcpListener, inbox: Arc<Inbox>) {
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                let inbox = inbox.clone();
                tokio::spawn(async move {
                    if let Err(e) = session(stream, &inbox).await {
                        tracing::debug!(error = %e, "SMTP sandbox session ended with an error");
                    }
                });
            }
            Err(e) => {
                // Out of file descriptors and the like: wait rather than spin.
                tracing::warn!(error = %e, "SMTP sandbox accept failed");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

/// One line, without its CRLF; `None` at end of stream. A line longer than [`MAX_LINE`] is
/// an error, so a client cannot make the sink buffer without bound.
async fn read_line<R: AsyncRead + Unpin>(reader: &mut BufReader<R>) -> std::io::Result<Option<Vec<u8>>> {
    let mut buf = Vec::new();
    let n = tokio::time::timeout(IDLE, (&mut *reader).take(MAX_LINE as u64).read_until(b'\n', &mut buf))
        .await
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "client idle"))??;
    if n == 0 {
        return Ok(None);
    }
    if buf.last() != Some(&b'\n') {
        return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, "line too long"));
    }
    buf.pop();
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    Ok(Some(buf))
}

/// The address inside `FROM:<…>` or `TO:<…>`, ignoring ESMTP parameters after it.
fn path_arg(arg: &str, keyword: &str) -> Option<String> {
    let rest = arg.get(..keyword.len()).filter(|k| k.eq_ignore_ascii_case(keyword)).map(|_| &arg[keyword.len()..])?;
    let rest = rest.trim_start();
    let inner = rest.strip_prefix('<')?;
    let end = inner.find('>')?;
    Some(inner[..end].to_owned())
}

#[derive(Default)]
struct Envelope {
    from: Option<String>,
    rcpt: Vec<String>,
}

async fn session(stream: TcpStream, inbox: &Inbox) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    if inbox.unavailable.load(Ordering::Relaxed) {
        write.write_all(b"421 4.3.2 Sandbox simulating an outage, try again later\r\n").await?;
        return Ok(());
    }
    write.write_all(format!("220 {HOST} ESMTP sandbox: synthetic, nothing is delivered\r\n").as_bytes()).await?;
    let mut greeted = false;
    let mut env = Envelope::default();
    while let Some(line) = read_line(&mut reader).await? {
        let line = String::from_utf8_lossy(&line);
        let (verb, arg) = line.split_once(' ').unwrap_or((&line, ""));
        let reply: String = match verb.to_ascii_uppercase().as_str() {
            "EHLO" => {
                greeted = true;
                env = Envelope::default();
                format!("250-{HOST}\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 SIZE {MAX_SIZE}")
            }
            "HELO" => {
                greeted = true;
                env = Envelope::default();
                format!("250 {HOST}")
            }
            "MAIL" if !greeted => "503 5.5.1 Say EHLO first".into(),
            "MAIL" if env.from.is_some() => "503 5.5.1 Sender already given".into(),
            "MAIL" => match path_arg(arg, "FROM:") {
                Some(from) => {
                    env.from = Some(from);
                    "250 2.1.0 Sender OK".into()
                }
                None => "501 5.5.4 Syntax: MAIL FROM:<address>".into(),
            },
            "RCPT" if env.from.is_none() => "503 5.5.1 Need MAIL first".into(),
            "RCPT" if env.rcpt.len() >= MAX_RECIPIENTS => "452 4.5.3 Too many recipients".into(),
            "RCPT" => match path_arg(arg, "TO:").filter(|a| a.contains('@')) {
                Some(to) => {
                    env.rcpt.push(to);
                    "250 2.1.5 Recipient OK".into()
                }
                None => "501 5.1.3 Syntax: RCPT TO:<address>".into(),
            },
            "DATA" if env.rcpt.is_empty() => "503 5.5.1 Need RCPT first".into(),
            "DATA" => {
                write.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n").await?;
                let reply = match read_data(&mut reader).await? {
                    Some(raw) => {
                        let id = inbox.store(env.from.take().unwrap_or_default(), std::mem::take(&mut env.rcpt), raw);
                        format!("250 2.0.0 OK queued as {id}")
                    }
                    None => "552 5.3.4 Message too big".into(),
                };
                env = Envelope::default();
                reply
            }
            "RSET" => {
                env = Envelope::default();
                "250 2.0.0 OK".into()
            }
            "NOOP" => "250 2.0.0 OK".into(),
            "VRFY" => "252 2.1.5 Cannot verify, will accept".into(),
            "QUIT" => {
                write.write_all(format!("221 2.0.0 {HOST} closing\r\n").as_bytes()).await?;
                return Ok(());
            }
            "STARTTLS" | "AUTH" => "502 5.5.1 Not implemented by the sandbox".into(),
            _ => "500 5.5.2 Command not recognised".into(),
        };
        write.write_all(reply.as_bytes()).await?;
        write.write_all(b"\r\n").await?;
    }
    Ok(())
}

/// Reads DATA up to the lone dot, undoing dot-stuffing; `None` when it was too big (read to
/// the end all the same, so the session stays in step).
async fn read_data<R: AsyncRead + Unpin>(reader: &mut BufReader<R>) -> std::io::Result<Option<Vec<u8>>> {
    let mut raw = Vec::new();
    let mut too_big = false;
    loop {
        let Some(line) = read_line(reader).await? else {
            return Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "connection closed during DATA"));
        };
        if line == b"." {
            return Ok((!too_big).then_some(raw));
        }
        // A client doubles a leading dot (RFC 5321 4.5.2); the server drops one.
        let line = line.strip_prefix(b".").unwrap_or(&line);
        if raw.len() + line.len() + 2 > MAX_SIZE {
            too_big = true;
            raw.clear();
        }
        if !too_big {
            raw.extend_from_slice(line);
            raw.extend_from_slice(b"\r\n");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::path_arg;

    #[test]
    fn paths_are_read_with_or_without_parameters() {
        assert_eq!(path_arg("FROM:<a@b.vn>", "FROM:").as_deref(), Some("a@b.vn"));
        assert_eq!(path_arg("from: <a@b.vn> BODY=8BITMIME", "FROM:").as_deref(), Some("a@b.vn"));
        assert_eq!(path_arg("FROM:<>", "FROM:").as_deref(), Some(""));
        assert_eq!(path_arg("TO:a@b.vn", "TO:"), None);
        assert_eq!(path_arg("X", "FROM:"), None);
    }
}
