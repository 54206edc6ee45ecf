//! Notices to a task's lead agency by e-mail, from a durable outbox (`plan_task_mails`).
//!
//! The overdue job queues one row per task in the same transaction as the flag, so a restart
//! between the two loses nothing, and the unique (task, kind) index makes the notice be queued
//! once however often the job runs. [`Notifier::run_at`] sends the due rows through the SMTP
//! relay (`tinhso-mail`): to the agency's mailbox and its staff's work addresses, read from
//! `tinhso-identity` at send time. A send that worked is never repeated; one that failed (the
//! relay is down, the agency has no address on file yet) stays pending and is tried again with
//! a doubling backoff, up to a limit. On PostgreSQL the row is locked `FOR UPDATE SKIP LOCKED`
//! while it is handled, so several nodes never send one notice twice.
use crate::entity::task;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{LockBehavior, LockType};
use sea_orm::{ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect, TransactionTrait};
use std::time::Duration;
use tinhso_audit::Entry;
use tinhso_core::{Error, Result};
use tinhso_db::db_error;
use tinhso_mail::{EmailSettings, Mailer};
use uuid::Uuid;

pub mod entity {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "plan_task_mails")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub task_id: Uuid,
        /// overdue
        pub kind: String,
        /// The lead agency told.
        pub org_code: String,
        /// pending | sent | failed (given up)
        pub status: String,
        pub attempts: i32,
        /// How many addresses the notice went to (none are kept).
        pub recipients: i32,
        /// Why the last try failed, addresses masked.
        pub last_error: Option<String>,
        pub next_attempt_at: Option<DateTimeUtc>,
        pub sent_at: Option<DateTimeUtc>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

pub const OVERDUE: &str = "overdue";
pub use tinhso_mail::status::{FAILED, PENDING, SENT};

/// Queues a notice of `kind` about `t` to its lead agency, unless one is already queued.
pub(crate) async fn enqueue<C: ConnectionTrait>(conn: &C, t: &task::Model, kind: &str, now: DateTime<Utc>) -> Result<bool> {
    let Some(org) = t.lead_org_code.clone() else { return Ok(false) };
    let queued = entity::Entity::find().filter(entity::Column::TaskId.eq(t.id)).filter(entity::Column::Kind.eq(kind)).one(conn).await.map_err(db_error)?;
    if queued.is_some() {
        return Ok(false);
    }
    let row = entity::ActiveModel {
        id: Set(tinhso_core::new_id()), task_id: Set(t.id), kind: Set(kind.into()), org_code: Set(org), status: Set(PENDING.into()), attempts: Set(0), recipients: Set(0),
        last_error: Set(None), next_attempt_at: Set(None), sent_at: Set(None), created_at: Set(now), updated_at: Set(now),
    };
    entity::Entity::insert(row).exec_without_returning(conn).await.map_err(db_error)?;
    Ok(true)
}

/// The notices of one task, for its page and for tests.
pub async fn of_task(db: &DatabaseConnection, task_id: Uuid) -> Result<Vec<entity::Model>> {
    entity::Entity::find().filter(entity::Column::TaskId.eq(task_id)).all(db).await.map_err(db_error)
}

#[derive(Debug, Clone)]
pub struct Settings {
    /// The platform's address, for the link to the task's page.
    pub public_url: String,
    pub email: EmailSettings,
    /// The pause after the first failure; it doubles after each later one, up to an hour.
    pub retry_base: Duration,
    /// Tries before a notice is given up as failed.
    pub max_attempts: u32,
    /// Most notices sent in one run.
    pub batch_size: usize,
}

/// What one run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Report {
    pub sent: usize,
    /// Failed this run (to be tried again, or given up).
    pub failed: usize,
}

pub struct Notifier {
    db: DatabaseConnection,
    mailer: Mailer,
    settings: Settings,
}

impl Notifier {
    /// Fails on mail settings that could not work, so that shows at start.
    pub fn new(db: DatabaseConnection, settings: Settings) -> Result<Notifier> {
        Ok(Notifier { mailer: Mailer::new(&settings.email)?, db, settings })
    }

    /// Sends the notices due at `now` (tests move the clock past a backoff).
    pub async fn run_at(&self, now: DateTime<Utc>) -> Result<Report> {
        let mut report = Report::default();
        let mut seen = Vec::new();
        let pg = self.db.get_database_backend() == DbBackend::Postgres;
        while seen.len() < self.settings.batch_size.max(1) {
            if pg {
                // The row stays locked while it is sent: another node skips it.
                let tx = self.db.begin().await.map_err(db_error)?;
                let Some(row) = next_due(&tx, now, &seen, true).await? else { break };
                seen.push(row.id);
                let am = self.handle(&row, now, &mut report).await;
                entity::Entity::update(am).exec(&tx).await.map_err(db_error)?;
                tx.commit().await.map_err(db_error)?;
            } else {
                // SQLite has one writer: no transaction is held over the network.
                let Some(row) = next_due(&self.db, now, &seen, false).await? else { break };
                seen.push(row.id);
                let am = self.handle(&row, now, &mut report).await;
                entity::Entity::update(am).exec(&self.db).await.map_err(db_error)?;
            }
        }
        Ok(report)
    }

    async fn handle(&self, row: &entity::Model, now: DateTime<Utc>, report: &mut Report) -> entity::ActiveModel {
        let done = self.deliver(row, now).await;
        if done.is_ok() { report.sent += 1 } else { report.failed += 1 }
        self.settle(row, done, now)
    }

    /// Sends one notice; on success, how many addresses it went to.
    async fn deliver(&self, row: &entity::Model, now: DateTime<Utc>) -> std::result::Result<i32, tinhso_mail::Failure> {
        let fail = |e: Error| tinhso_mail::transient(e.to_string());
        let t = task::Entity::find_by_id(row.task_id).one(&self.db).await.map_err(|e| fail(db_error(e)))?.ok_or_else(|| tinhso_mail::Failure { reason: "nhiệm vụ không còn".into(), permanent: true })?;
        let to = tinhso_identity::contact::unit_addresses(&self.db, &row.org_code).await.map_err(fail)?;
        if to.is_empty() {
            return Err(tinhso_mail::transient("đơn vị chủ trì chưa có địa chỉ thư điện tử"));
        }
        let org = tinhso_identity::org_units::by_code(&self.db, &row.org_code).await.map(|u| u.name).unwrap_or_else(|_| t.lead_agencies.clone());
        let (subject, body) = compose(&t, &org, &self.settings.public_url);
        let result = self.mailer.send_to_all(&to, &subject, &body, &format!("task-{}-{}", row.kind, row.id)).await;
        // The staff's addresses were read and handed to the relay: a use of their data.
        let status = if result.is_ok() { SENT } else { PENDING };
        let entry = Entry::new("system:tasks", "task.notify", format!("task:{}", t.id))
            .purpose("thông báo nhiệm vụ quá hạn cho đơn vị chủ trì")
            .detail(serde_json::json!({"org": row.org_code, "kind": row.kind, "recipients": to.len(), "status": status, "at": now}));
        if let Err(e) = tinhso_audit::record_now(&self.db, entry).await {
            tracing::warn!(task_id = %t.id, error = %e, "audit entry for a task notice failed");
        }
        result.map(|()| i32::try_from(to.len()).unwrap_or(i32::MAX))
    }

    fn settle(&self, row: &entity::Model, done: std::result::Result<i32, tinhso_mail::Failure>, now: DateTime<Utc>) -> entity::ActiveModel {
        let tries = row.attempts.saturating_add(1);
        let mut am = entity::ActiveModel { id: Set(row.id), attempts: Set(tries), updated_at: Set(now), ..Default::default() };
        match done {
            Ok(n) => {
                am.status = Set(SENT.into());
                am.recipients = Set(n);
                am.sent_at = Set(Some(now));
                am.next_attempt_at = Set(None);
                am.last_error = Set(None);
            }
            Err(f) => {
                let given_up = f.permanent || u32::try_from(tries).unwrap_or(u32::MAX) >= self.settings.max_attempts;
                let pause = tinhso_mail::RetryPolicy { base: self.settings.retry_base, max_attempts: self.settings.max_attempts }.backoff(tries);
                am.status = Set(if given_up { FAILED } else { PENDING }.into());
                am.next_attempt_at = Set((!given_up).then(|| now + chrono::Duration::from_std(pause).unwrap_or_default()));
                am.last_error = Set(Some(mask(&f.reason)));
                tracing::warn!(task_id = %row.task_id, tries, given_up, "task notice not sent");
            }
        }
        am
    }
}

async fn next_due<C: ConnectionTrait>(conn: &C, now: DateTime<Utc>, skip: &[Uuid], lock: bool) -> Result<Option<entity::Model>> {
    let mut q = entity::Entity::find()
        .filter(entity::Column::Status.eq(PENDING))
        .filter(Condition::any().add(entity::Column::NextAttemptAt.is_null()).add(entity::Column::NextAttemptAt.lte(now)))
        .order_by_asc(entity::Column::CreatedAt)
        .order_by_asc(entity::Column::Id)
        .limit(1);
    if !skip.is_empty() {
        q = q.filter(entity::Column::Id.is_not_in(skip.iter().copied()));
    }
    if lock {
        q = q.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    q.one(conn).await.map_err(db_error)
}

/// No address a relay echoes back is kept.
fn mask(reason: &str) -> String {
    let words: Vec<&str> = reason.split_whitespace().map(|w| if w.contains('@') { "***" } else { w }).collect();
    words.join(" ").chars().take(300).collect()
}

/// The notice, in Vietnamese.
pub fn compose(t: &task::Model, org: &str, public_url: &str) -> (String, String) {
    let deadline = t.deadline_on.map(|d| d.format("%d/%m/%Y").to_string()).unwrap_or_else(|| t.timeframe.clone());
    let subject = format!("Nhiệm vụ quá hạn: {} – nhiệm vụ {}", t.plan_code, t.number);
    let body = format!(
        "Kính gửi {org},\n\n\
         Nhiệm vụ do quý cơ quan chủ trì đã quá thời hạn mà chưa được báo cáo hoàn thành:\n\n\
         - Nhiệm vụ: {number}. {title}\n\
         - Văn bản giao: {plan}{section}\n\
         - Thời hạn: {deadline}\n\
         - Tiến độ đã được chấp nhận: {progress}%\n\n\
         Đề nghị quý cơ quan khẩn trương thực hiện và báo cáo tiến độ trên Hệ thống theo dõi nhiệm vụ:\n\
         {url}/nhiem-vu/{id}\n\n\
         Thư được gửi tự động từ Hệ thống theo dõi nhiệm vụ của UBND tỉnh Quảng Ngãi, vui lòng không trả lời thư này.\n",
        number = t.number,
        title = t.title,
        plan = t.plan_code,
        section = if t.source_section.is_empty() { String::new() } else { format!(" ({})", t.source_section) },
        progress = t.progress,
        url = public_url.trim_end_matches('/'),
        id = t.id,
    );
    (subject, body)
}

/// One run now, with its outcome logged (the overdue job calls it right after flagging).
pub async fn run_logged(n: &Notifier) {
    match n.run_at(Utc::now()).await {
        Ok(r) if r == Report::default() => {}
        Ok(r) => tracing::info!(sent = r.sent, failed = r.failed, "task notices sent"),
        Err(e) => tracing::warn!(error = %e, "task notice run failed"),
    }
}
