//! The registry as the gateway reads it on every call: a snapshot of the (small) registry
//! tables, reloaded after any change made on this node and at most `MAX_AGE` after a change
//! made on another node. A call never waits on more than one reload.
use crate::entity::{credential, grant, service, subsystem};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tinhso_core::Result;
use tinhso_db::db_error;

/// How stale the snapshot may be for changes made on other nodes.
const MAX_AGE: Duration = Duration::from_secs(2);

pub struct ServiceEntry {
    pub row: service::Model,
    /// `member/subsystem/code`
    pub ident: String,
    /// `member/subsystem` of the provider.
    pub provider: String,
}

#[derive(Default)]
pub struct Snapshot {
    /// By `member/code`.
    pub subsystems: HashMap<String, subsystem::Model>,
    /// By `member/subsystem/code`.
    pub services: HashMap<String, Arc<ServiceEntry>>,
    pub services_by_id: HashMap<uuid::Uuid, Arc<ServiceEntry>>,
    /// Live keys: hash → subsystem id.
    pub keys: HashMap<String, uuid::Uuid>,
    /// Live client certificates: SHA-256 fingerprint → subsystem id.
    pub certificates: HashMap<String, uuid::Uuid>,
    /// By (consumer id, service id).
    pub grants: HashMap<(uuid::Uuid, uuid::Uuid), Vec<grant::Model>>,
}

#[derive(Default)]
pub struct Cache {
    current: Mutex<Option<(Instant, u64, Arc<Snapshot>)>>,
    generation: AtomicU64,
    reload: tokio::sync::Mutex<()>,
}

impl Cache {
    /// Marks the snapshot stale after a change on this node.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    fn fresh(&self) -> Option<Arc<Snapshot>> {
        let generation = self.generation.load(Ordering::SeqCst);
        let guard = self.current.lock().ok()?;
        guard.as_ref().filter(|(at, g, _)| *g == generation && at.elapsed() < MAX_AGE).map(|(_, _, s)| s.clone())
    }

    pub async fn get(&self, db: &DatabaseConnection) -> Result<Arc<Snapshot>> {
        if let Some(s) = self.fresh() {
            return Ok(s);
        }
        let _one = self.reload.lock().await;
        if let Some(s) = self.fresh() {
            return Ok(s);
        }
        let generation = self.generation.load(Ordering::SeqCst);
        let snap = Arc::new(load(db).await?);
        if let Ok(mut guard) = self.current.lock() {
            *guard = Some((Instant::now(), generation, snap.clone()));
        }
        Ok(snap)
    }
}

async fn load(db: &DatabaseConnection) -> Result<Snapshot> {
    let subs = subsystem::Entity::find().all(db).await.map_err(db_error)?;
    let services = service::Entity::find().all(db).await.map_err(db_error)?;
    let keys = credential::Entity::find().filter(credential::Column::RevokedAt.is_null()).all(db).await.map_err(db_error)?;
    let grants = grant::Entity::find().filter(grant::Column::State.eq("approved")).all(db).await.map_err(db_error)?;
    let mut snap = Snapshot::default();
    let by_id: HashMap<uuid::Uuid, &subsystem::Model> = subs.iter().map(|s| (s.id, s)).collect();
    for s in services {
        let Some(sub) = by_id.get(&s.subsystem_id) else { continue };
        let provider = format!("{}/{}", sub.member_code, sub.code);
        let entry = Arc::new(ServiceEntry { ident: format!("{provider}/{}", s.code), provider, row: s });
        snap.services_by_id.insert(entry.row.id, entry.clone());
        snap.services.insert(entry.ident.clone(), entry);
    }
    for k in keys {
        let by_kind = if k.kind == crate::registry::CERTIFICATE { &mut snap.certificates } else { &mut snap.keys };
        by_kind.insert(k.key_hash, k.subsystem_id);
    }
    for g in grants {
        snap.grants.entry((g.consumer_id, g.service_id)).or_default().push(g);
    }
    snap.subsystems = subs.into_iter().map(|s| (format!("{}/{}", s.member_code, s.code), s)).collect();
    Ok(snap)
}
