//! Counting failed attempts in the database (so a limit holds across several app nodes):
//! sign-ins, and guesses at the public dossier lookup. Keys are hashed, because what they
//! count (a login, a dossier code, an address) can identify a person.
use crate::entity::login_failure;
use chrono::{Duration, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};
use sha2::{Digest, Sha256};
use tinhso_core::{Error, Result};
use tinhso_db::db_error;

/// The window failures are counted in.
pub const WINDOW_MINUTES: i64 = 15;

/// One thing to count failures of (`kind` says what, `value` which one) and how many the
/// window allows.
pub struct Limit {
    key: String,
    max: u64,
}

impl Limit {
    pub fn new(kind: &str, value: &str, max: u64) -> Limit {
        Limit { key: format!("{kind}:{}", hex::encode(&Sha256::digest(value.as_bytes())[..12])), max }
    }
}

async fn recent(db: &DatabaseConnection, key: &str) -> Result<u64> {
    let since = Utc::now() - Duration::minutes(WINDOW_MINUTES);
    login_failure::Entity::find().filter(login_failure::Column::Key.eq(key)).filter(login_failure::Column::At.gt(since)).count(db).await.map_err(db_error)
}

/// `RateLimited` when any of the limits has had its allowed failures within the window.
pub async fn check(db: &DatabaseConnection, limits: &[Limit]) -> Result<()> {
    for l in limits {
        if recent(db, &l.key).await? >= l.max {
            return Err(Error::RateLimited);
        }
    }
    Ok(())
}

/// Counts one failure against each limit.
pub async fn fail(db: &DatabaseConnection, limits: &[Limit]) -> Result<()> {
    for l in limits {
        let row = login_failure::ActiveModel { id: Set(tinhso_core::new_id()), key: Set(l.key.clone()), at: Set(Utc::now()) };
        login_failure::Entity::insert(row).exec_without_returning(db).await.map_err(db_error)?;
    }
    Ok(())
}

/// Forgets the failures of one limit (after a success).
pub async fn clear(db: &DatabaseConnection, limit: &Limit) -> Result<()> {
    login_failure::Entity::delete_many().filter(login_failure::Column::Key.eq(&limit.key)).exec(db).await.map_err(db_error)?;
    Ok(())
}
