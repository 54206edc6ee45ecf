//! The dispatcher's storage: which outbox event is next, what was already sent for it, and
//! the record of each send, written with the event's `dispatched_at` in one transaction.
use crate::entity::event;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, LockBehavior, LockType, Query};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use tinhso_core::Result;
use tinhso_db::db_error;
use uuid::Uuid;

pub mod entity {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "notifications")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub event_id: Uuid,
        pub dossier_id: Uuid,
        /// email | sms
        pub channel: String,
        /// SHA-256 of the normalised address or number, never the address itself.
        pub recipient_hash: String,
        /// sent | pending (will be tried again at `next_attempt_at`) | failed (gave up)
        pub status: String,
        pub attempts: i32,
        /// Why the last try failed, with addresses and numbers masked.
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

pub use tinhso_mail::status::{FAILED, PENDING, SENT};

/// The oldest undispatched event that is not waiting out a retry backoff and was not tried
/// in this run (`skip`). With `lock` (PostgreSQL, inside a transaction) the row is locked
/// `FOR UPDATE SKIP LOCKED`, so several nodes take different events; SQLite has one writer
/// and ignores the lock clause.
pub async fn next_event<C: ConnectionTrait>(conn: &C, now: DateTime<Utc>, skip: &[Uuid], lock: bool) -> Result<Option<event::Model>> {
    let waiting = Query::select()
        .column(entity::Column::EventId)
        .from(entity::Entity)
        .and_where(entity::Column::Status.eq(PENDING))
        .and_where(entity::Column::NextAttemptAt.gt(now))
        .to_owned();
    let mut q = event::Entity::find()
        .filter(event::Column::DispatchedAt.is_null())
        .filter(event::Column::Id.not_in_subquery(waiting))
        .order_by_asc(event::Column::At)
        .order_by_asc(event::Column::Id)
        .limit(1);
    if !skip.is_empty() {
        q = q.filter(event::Column::Id.is_not_in(skip.iter().copied()));
    }
    if lock {
        q = q.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    q.one(conn).await.map_err(db_error)
}

/// What was recorded for an event so far, one row per channel.
pub async fn prior<C: ConnectionTrait>(conn: &C, event_id: Uuid) -> Result<Vec<entity::Model>> {
    entity::Entity::find().filter(entity::Column::EventId.eq(event_id)).all(conn).await.map_err(db_error)
}

/// One try on one channel, as it is to be recorded.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub channel: &'static str,
    pub recipient_hash: String,
    /// [`SENT`], [`PENDING`] or [`FAILED`].
    pub status: &'static str,
    /// Tries so far, this one included.
    pub tries: i32,
    /// Why it failed, masked.
    pub error: Option<String>,
    pub next_attempt_at: Option<DateTime<Utc>>,
}

/// Records the tries of this run and, when `done`, marks the event dispatched; the caller
/// runs it in one transaction, so an event is never marked without its sends.
pub async fn record<C: ConnectionTrait>(conn: &C, ev: &event::Model, prior: &[entity::Model], attempts: &[Attempt], done: bool, now: DateTime<Utc>) -> Result<()> {
    for a in attempts {
        let before = prior.iter().find(|p| p.channel == a.channel);
        let row = entity::ActiveModel {
            id: Set(before.map_or_else(tinhso_core::new_id, |p| p.id)),
            event_id: Set(ev.id),
            dossier_id: Set(ev.dossier_id),
            channel: Set(a.channel.to_owned()),
            recipient_hash: Set(a.recipient_hash.clone()),
            status: Set(a.status.to_owned()),
            attempts: Set(a.tries),
            last_error: Set(a.error.clone()),
            next_attempt_at: Set(a.next_attempt_at),
            sent_at: Set((a.status == SENT).then_some(now)),
            created_at: Set(before.map_or(now, |p| p.created_at)),
            updated_at: Set(now),
        };
        if before.is_some() {
            entity::Entity::update(row).exec(conn).await.map_err(db_error)?;
        } else {
            entity::Entity::insert(row).exec_without_returning(conn).await.map_err(db_error)?;
        }
    }
    if done {
        event::Entity::update_many()
            .col_expr(event::Column::DispatchedAt, Expr::value(now))
            .filter(event::Column::Id.eq(ev.id))
            .filter(event::Column::DispatchedAt.is_null())
            .exec(conn)
            .await
            .map_err(db_error)?;
    }
    Ok(())
}
