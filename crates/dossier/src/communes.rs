//! The commune-level units a commune-level procedure is applied for at. Every such submission
//! names one, and the list changes a few times a year (an org-unit import), so it is read from
//! the database once a minute instead of once a submission: on SQLite each read is a hop to a
//! connection's thread and back, which at a thousand submissions a second is worth saving. A
//! code not in the list is looked up in the database before it is refused, so a unit created
//! a moment ago on another node is accepted at once.
use sea_orm::DatabaseConnection;
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tinhso_core::Result;

/// How long the list is used before it is read again.
const FRESH_FOR: Duration = Duration::from_secs(60);

#[derive(Default)]
pub(crate) struct Communes {
    list: Mutex<Option<(Instant, Arc<HashSet<String>>)>>,
}

impl Communes {
    /// Whether `code` is a commune-level unit (commune, ward or special zone).
    pub async fn contains(&self, db: &DatabaseConnection, code: &str) -> Result<bool> {
        if self.fresh().is_some_and(|l| l.contains(code)) {
            return Ok(true);
        }
        let units = tinhso_identity::org_units::list(db).await?;
        let list: Arc<HashSet<String>> = Arc::new(units.into_iter().filter(|u| tinhso_core::roles::is_commune_level(&u.kind)).map(|u| u.code).collect());
        let found = list.contains(code);
        if let Ok(mut slot) = self.list.lock() {
            *slot = Some((Instant::now(), list));
        }
        Ok(found)
    }

    fn fresh(&self) -> Option<Arc<HashSet<String>>> {
        let slot = self.list.lock().ok()?;
        slot.as_ref().filter(|(at, _)| at.elapsed() < FRESH_FOR).map(|(_, l)| l.clone())
    }
}
