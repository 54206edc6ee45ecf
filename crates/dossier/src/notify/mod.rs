//! Notifications to applicants, sent from the outbox (`dossier_events`) by a background job.
//!
//! Each run takes the oldest undispatched events one at a time, decides whether the applicant
//! is told ([`message`]), sends the e-mail (if the form has an address) and the SMS (to the
//! form's phone), records each send in `notifications` and marks the event dispatched, in one
//! transaction. A send that worked is never repeated; one that failed stays pending and is
//! tried again with a doubling backoff, up to a limit, while the event stays undispatched, so
//! nothing is lost to a restart or an outage. Events that need no message are marked too.
//!
//! On PostgreSQL the event row is locked `FOR UPDATE SKIP LOCKED` for the whole of its
//! handling, so several nodes can run the job without sending anything twice. SQLite has one
//! writer; there the sends happen outside any transaction (a transaction held over the
//! network would block every other writer) and the record is written right after.
//!
//! Phone numbers and addresses are read from the form only at send time; they are never
//! logged or stored here (a SHA-256 stands in for them), and error texts are masked.
pub mod channels;
pub mod message;
pub mod store;

pub use channels::{EmailSettings, SmsSettings};
pub use tinhso_mail::RetryPolicy;

use crate::entity::{dossier, event};
use crate::form::FormData;
use channels::{Failure, Mailer, SendResult, SmsClient};
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, TransactionTrait};
use std::sync::Arc;
use std::time::Duration;
use store::{Attempt, FAILED, PENDING, SENT};
use tinhso_audit::Entry;
use tinhso_catalog::Catalog;
use tinhso_core::{Error, Result};
use tinhso_db::db_error;

/// Longest pause between two tries of one message.

#[derive(Debug, Clone)]
pub struct Settings {
    /// The portal's address, for the link to the dossier's page.
    pub public_url: String,
    /// How often the background job runs; zero leaves it off (another node sends).
    pub interval: Duration,
    /// Most events handled in one run.
    pub batch_size: usize,
    pub retry: RetryPolicy,
    /// An event older than this when first seen is marked without a message: after a long
    /// stop, or when the job is first turned on over old data, stale news is not sent.
    pub max_age: Duration,
    /// `None`: no e-mail.
    pub email: Option<EmailSettings>,
    /// `None`: no SMS.
    pub sms: Option<SmsSettings>,
}


/// What one run did, for the job's log line.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Report {
    /// Events marked dispatched.
    pub dispatched: usize,
    /// Messages sent (e-mails and SMS).
    pub sent: usize,
    /// Sends that failed (to be tried again, or given up).
    pub failed: usize,
    /// Events that could not be handled this run (left for the next).
    pub errors: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Channel {
    Email,
    Sms,
}

impl Channel {
    fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
        }
    }
}

/// What handling one event came to: the tries to record and whether it is finished.
struct Outcome {
    prior: Vec<store::entity::Model>,
    attempts: Vec<Attempt>,
    done: bool,
}

pub struct Dispatcher {
    db: DatabaseConnection,
    catalog: Arc<Catalog>,
    settings: Settings,
    mailer: Option<Mailer>,
    sms: Option<SmsClient>,
}

impl Dispatcher {
    /// Fails on settings that could not work (a sender that is not an address, an unknown
    /// TLS mode), so a misconfiguration shows at start, not at the first message.
    pub fn new(db: DatabaseConnection, catalog: Arc<Catalog>, settings: Settings) -> Result<Dispatcher> {
        let mailer = settings.email.as_ref().map(Mailer::new).transpose()?;
        let sms = settings.sms.as_ref().map(SmsClient::new).transpose()?;
        Ok(Dispatcher { db, catalog, settings, mailer, sms })
    }

    /// One run now; returns how many messages were sent.
    pub async fn run_once(&self) -> Result<usize> {
        Ok(self.run_at(Utc::now()).await?.sent)
    }

    /// One run as of `now` (tests move the clock past a backoff).
    pub async fn run_at(&self, now: DateTime<Utc>) -> Result<Report> {
        let mut report = Report::default();
        let mut seen = Vec::new();
        while seen.len() < self.settings.batch_size.max(1) && self.step(now, &mut seen, &mut report).await? {}
        Ok(report)
    }

    /// Handles the next event; false when there is none.
    async fn step(&self, now: DateTime<Utc>, seen: &mut Vec<uuid::Uuid>, report: &mut Report) -> Result<bool> {
        if self.db.get_database_backend() == DbBackend::Postgres {
            let tx = self.db.begin().await.map_err(db_error)?;
            let Some(ev) = store::next_event(&tx, now, seen, true).await? else { return Ok(false) };
            seen.push(ev.id);
            if let Some(o) = self.handle(&tx, &ev, now, report).await {
                store::record(&tx, &ev, &o.prior, &o.attempts, o.done, now).await?;
            }
            tx.commit().await.map_err(db_error)?;
        } else {
            let Some(ev) = store::next_event(&self.db, now, seen, false).await? else { return Ok(false) };
            seen.push(ev.id);
            if let Some(o) = self.handle(&self.db, &ev, now, report).await {
                let (_turn, tx) = tinhso_db::write_turn::begin(&self.db).await.map_err(db_error)?;
                store::record(&tx, &ev, &o.prior, &o.attempts, o.done, now).await?;
                tx.commit().await.map_err(db_error)?;
            }
        }
        Ok(true)
    }

    /// Handles one event, counting what happened; `None` when it could not be handled (it
    /// stays undispatched and is tried in a later run).
    async fn handle<C: ConnectionTrait>(&self, conn: &C, ev: &event::Model, now: DateTime<Utc>, report: &mut Report) -> Option<Outcome> {
        match self.deliver(conn, ev, now).await {
            Ok(o) => {
                report.dispatched += usize::from(o.done);
                report.sent += o.attempts.iter().filter(|a| a.status == SENT).count();
                report.failed += o.attempts.iter().filter(|a| a.status != SENT).count();
                Some(o)
            }
            Err(e) => {
                tracing::warn!(event_id = %ev.id, error = %e, "notification event could not be handled; left for the next run");
                report.errors += 1;
                None
            }
        }
    }

    async fn deliver<C: ConnectionTrait>(&self, conn: &C, ev: &event::Model, now: DateTime<Utc>) -> Result<Outcome> {
        let prior = store::prior(conn, ev.id).await?;
        let Some(kind) = message::kind_of(&ev.action, &ev.note) else { return Ok(Outcome { prior, attempts: Vec::new(), done: true }) };
        let age = (now - ev.at).to_std().unwrap_or_default();
        if prior.is_empty() && age > self.settings.max_age {
            tracing::info!(event_id = %ev.id, "event too old to notify about; marked without a message");
            return Ok(Outcome { prior, attempts: Vec::new(), done: true });
        }
        let d = dossier::Entity::find_by_id(ev.dossier_id).one(conn).await.map_err(db_error)?.ok_or_else(|| Error::not_found("hồ sơ"))?;
        let form: FormData = serde_json::from_str(&d.form_data).unwrap_or_default();
        // A procedure since removed from the catalogue is still named by its code.
        let procedure = self.catalog.get(&d.procedure_code).await.map(|p| p.name).unwrap_or_else(|_| d.procedure_code.clone());
        let code = d.code.clone().unwrap_or_default();
        let link = format!("{}/ho-so/{}", self.settings.public_url.trim_end_matches('/'), d.id);
        let ctx = message::Context { code: &code, procedure: &procedure, due_at: d.due_at, note: &ev.note, fee_vnd: d.fee_vnd, payment_status: &d.payment_status, link };
        let notice = message::compose(kind, &ctx);
        let raw_phone = form.get("phone").map(String::as_str).unwrap_or_default();
        let mut targets = Vec::new();
        if self.mailer.is_some()
            && let Some(to) = form.get("email").and_then(|e| channels::normalize_email(e))
        {
            targets.push((Channel::Email, to));
        }
        if self.sms.is_some()
            && let Some(to) = channels::normalize_phone(raw_phone)
        {
            targets.push((Channel::Sms, to));
        }
        let mut attempts = Vec::new();
        let mut done = true;
        for (channel, to) in targets {
            let before = prior.iter().find(|p| p.channel == channel.as_str());
            match before {
                Some(p) if p.status == SENT || p.status == FAILED => continue,
                Some(p) if p.next_attempt_at.is_some_and(|t| t > now) => {
                    done = false;
                    continue;
                }
                _ => {}
            }
            let key = format!("{}-{}", ev.id, channel.as_str());
            let result = match (channel, &self.mailer, &self.sms) {
                (Channel::Email, Some(m), _) => m.send(&to, &notice.subject, &notice.body, &key).await,
                (Channel::Sms, _, Some(s)) => s.send(&to, &notice.sms, &key).await,
                _ => continue,
            };
            let secrets = [to.as_str(), raw_phone, to.strip_prefix("84").unwrap_or_default()];
            let a = self.settle(channel, &to, before, result, &secrets, now);
            if a.status != SENT {
                tracing::warn!(event_id = %ev.id, channel = channel.as_str(), tries = a.tries, status = a.status, error = a.error.as_deref().unwrap_or_default(), "notification not sent");
            }
            metrics::counter!("notifications_total", "channel" => channel.as_str(), "status" => a.status).increment(1);
            done &= a.status != PENDING;
            attempts.push(a);
        }
        if !attempts.is_empty() {
            self.audit(ev, &attempts).await;
        }
        Ok(Outcome { prior, attempts, done })
    }

    /// Turns one send's result into the row to record.
    fn settle(&self, channel: Channel, to: &str, before: Option<&store::entity::Model>, result: SendResult, secrets: &[&str], now: DateTime<Utc>) -> Attempt {
        let tries = before.map_or(0, |p| p.attempts).saturating_add(1);
        let (status, error, next) = match result {
            Ok(()) => (SENT, None, None),
            Err(Failure { reason, permanent }) => {
                let given_up = permanent || u32::try_from(tries).unwrap_or(u32::MAX) >= self.settings.retry.max_attempts;
                let next = (!given_up).then(|| now + chrono::Duration::from_std(self.settings.retry.backoff(tries)).unwrap_or_default());
                (if given_up { FAILED } else { PENDING }, Some(channels::mask(&reason, secrets)), next)
            }
        };
        Attempt { channel: channel.as_str(), recipient_hash: channels::recipient_hash(to), status, tries, error, next_attempt_at: next }
    }

    /// The contact details were used and handed to a relay or gateway: that is a use of
    /// personal data, so it goes to the audit log the applicant can see, whatever came of it.
    async fn audit(&self, ev: &event::Model, attempts: &[Attempt]) {
        let channels: Vec<_> = attempts.iter().map(|a| serde_json::json!({"channel": a.channel, "status": a.status})).collect();
        let entry = Entry::new("system:notifier", "dossier.notify", format!("dossier:{}", ev.dossier_id))
            .purpose("thông báo tình trạng hồ sơ cho người nộp")
            .detail(serde_json::json!({"event_id": ev.id, "action": ev.action, "channels": channels}));
        if let Err(e) = tinhso_audit::record_now(&self.db, entry).await {
            tracing::warn!(event_id = %ev.id, error = %e, "audit entry for a notification failed");
        }
    }
}

/// Starts the job that runs the dispatcher every `settings.interval`; does nothing when the
/// interval is zero. Logs counts only: never who was told.
pub fn spawn_job(db: DatabaseConnection, catalog: Arc<Catalog>, settings: Settings) -> Option<tokio::task::JoinHandle<()>> {
    if settings.interval.is_zero() {
        return None;
    }
    let interval = settings.interval;
    let dispatcher = match Dispatcher::new(db, catalog, settings) {
        Ok(d) => d,
        Err(e) => {
            tracing::error!(error = %e, "notification job not started: check the mail and SMS settings");
            return None;
        }
    };
    Some(tokio::spawn(async move {
        let mut tick = tokio::time::interval(interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match dispatcher.run_at(Utc::now()).await {
                Ok(r) if r == Report::default() => {}
                Ok(r) => tracing::info!(dispatched = r.dispatched, sent = r.sent, failed = r.failed, errors = r.errors, "notifications dispatched"),
                Err(e) => tracing::warn!(error = %e, "notification run failed"),
            }
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::RetryPolicy;
    use std::time::Duration;

    #[test]
    fn the_backoff_doubles_up_to_an_hour() {
        let p = RetryPolicy { base: Duration::from_secs(30), max_attempts: 10 };
        assert_eq!(p.backoff(1), Duration::from_secs(30));
        assert_eq!(p.backoff(3), Duration::from_secs(120));
        assert_eq!(p.backoff(50), Duration::from_secs(3600));
    }
}
