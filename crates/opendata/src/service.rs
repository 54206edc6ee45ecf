//! The portal service: datasets written whole in one audited transaction, the search index
//! kept in step (here after each write, and from the table's fingerprint for other nodes'),
//! and who may write what: a data steward for their own units, an administrator for all.
use crate::ckan::Orgs;
use crate::index::{Index, Viewer};
use crate::model::{self, Dataset, Problems};
use crate::table::Table;
use crate::{Outcome, Refused, store};
use chrono::Utc;
use sea_orm::DatabaseConnection;
use serde_json::{Map, Value};
use std::sync::{Arc, Mutex, RwLock};
use tinhso_audit::Entry;
use tinhso_core::{Error, roles::Role};
use tinhso_db::{blobs::BlobStore, db_error};
use tinhso_identity::Principal;

type Stamp = (u64, Option<chrono::DateTime<Utc>>);

#[derive(Debug, Clone)]
pub struct Settings {
    /// Where the portal is reached from outside: resource URLs and DCAT identifiers use it.
    pub public_url: String,
    pub max_upload_bytes: usize,
}

/// A file sent with `resource_create` or the upload form.
#[derive(Debug, Clone)]
pub struct Upload {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// Who writes: a person (their roles decide) or the platform itself (self-published data).
#[derive(Debug, Clone)]
pub enum Actor {
    Person(Principal),
    System(&'static str),
}

impl Actor {
    pub fn id(&self) -> String {
        match self {
            Actor::Person(p) => p.actor(),
            Actor::System(s) => format!("system:{s}"),
        }
    }

    pub fn may_write(&self, org_code: &str) -> bool {
        match self {
            Actor::Person(p) => p.has(Role::Admin) || p.units_for(Role::DataSteward).any(|u| u == org_code),
            Actor::System(_) => true,
        }
    }

    pub fn user_id(&self) -> Option<uuid::Uuid> {
        match self {
            Actor::Person(p) => Some(p.user_id),
            Actor::System(_) => None,
        }
    }
}

/// What a signed-in person (or key holder) may see beyond public data.
pub fn viewer_of(p: Option<&Principal>) -> Viewer {
    match p {
        None => Viewer::default(),
        Some(p) => Viewer { all: p.has(Role::Admin), orgs: p.units_for(Role::DataSteward).map(str::to_owned).collect() },
    }
}

pub struct OpenData {
    pub(crate) db: DatabaseConnection,
    pub(crate) blobs: BlobStore,
    pub settings: Settings,
    orgs: RwLock<Arc<Orgs>>,
    index: RwLock<Arc<Index>>,
    stamp: tokio::sync::Mutex<Stamp>,
    /// Recently queried tables by file hash and schema; a small cache, tables are immutable.
    tables: Mutex<Vec<(String, Arc<Table>)>>,
}

impl OpenData {
    pub async fn open(db: DatabaseConnection, blobs: BlobStore, settings: Settings) -> tinhso_core::Result<Arc<OpenData>> {
        let od = Arc::new(OpenData {
            db,
            blobs,
            settings,
            orgs: RwLock::new(Arc::new(Orgs::default())),
            index: RwLock::new(Arc::new(Index::default())),
            stamp: tokio::sync::Mutex::new((u64::MAX, None)),
            tables: Mutex::new(Vec::new()),
        });
        od.reindex().await?;
        Ok(od)
    }

    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    pub fn base(&self) -> &str {
        self.settings.public_url.trim_end_matches('/')
    }

    pub fn index(&self) -> Arc<Index> {
        self.index.read().map(|i| i.clone()).unwrap_or_else(|e| e.into_inner().clone())
    }

    pub fn orgs(&self) -> Arc<Orgs> {
        self.orgs.read().map(|i| i.clone()).unwrap_or_else(|e| e.into_inner().clone())
    }

    /// Rebuilds the index from the database (after a write, or when the table changed).
    pub async fn reindex(&self) -> tinhso_core::Result<()> {
        let mut stamp = self.stamp.lock().await;
        let now = store::stamp(&self.db).await?;
        let orgs = Arc::new(Orgs::load(&self.db).await?);
        let all = store::all(&self.db).await?;
        let base = self.base().to_owned();
        let o = orgs.clone();
        let index = tokio::task::spawn_blocking(move || Index::build(all, &o, &base)).await.map_err(Error::other)?;
        *self.orgs.write().unwrap_or_else(|e| e.into_inner()) = orgs;
        *self.index.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(index);
        *stamp = now;
        Ok(())
    }

    /// Rebuilds only when another node (or process) changed the datasets.
    pub async fn refresh(&self) -> tinhso_core::Result<bool> {
        let now = store::stamp(&self.db).await?;
        if now == *self.stamp.lock().await {
            return Ok(false);
        }
        self.reindex().await?;
        Ok(true)
    }

    /// A dataset as `viewer` may see it: private and deleted ones only for their stewards.
    pub async fn get(&self, name_or_id: &str, viewer: &Viewer) -> Outcome<Dataset> {
        match store::find(&self.db, name_or_id.trim()).await? {
            Some(d) if (d.state == "active" && !d.private) || viewer.sees(&d.owner_org) => Ok(d),
            _ => Err(Refused::NotFound(format!("Không tìm thấy bộ dữ liệu '{}'.", name_or_id.trim()))),
        }
    }

    fn resolve_org(&self, input: &Map<String, Value>, d: &mut Dataset, actor: &Actor, problems: &mut Problems) {
        match input.get("owner_org").and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty()) {
            Some(key) => match self.orgs().find(key) {
                Some(o) => d.owner_org = o.code.clone(),
                None => problems.add("owner_org", format!("Không có tổ chức '{key}' (xem organization_list).")),
            },
            None if d.owner_org.is_empty() => {
                // A steward of one unit publishes for it without naming it, as in CKAN's forms.
                let own: Vec<String> = match actor {
                    Actor::Person(p) => p.units_for(Role::DataSteward).map(str::to_owned).collect(),
                    Actor::System(_) => Vec::new(),
                };
                match own.as_slice() {
                    [one] => d.owner_org = one.clone(),
                    _ => problems.add("owner_org", "Missing value"),
                }
            }
            None => {}
        }
    }

    async fn name_taken(&self, name: &str, id: uuid::Uuid) -> Outcome<bool> {
        Ok(store::find(&self.db, name).await?.is_some_and(|other| other.id != id))
    }

    /// `package_create`.
    pub async fn create(&self, actor: &Actor, input: &Map<String, Value>) -> Outcome<Dataset> {
        let now = Utc::now();
        let mut d = Dataset::blank(now);
        d.creator_user_id = actor.user_id();
        let mut problems = Problems::default();
        model::apply(&mut d, input, false, &mut problems);
        self.resolve_org(input, &mut d, actor, &mut problems);
        model::check(&mut d, &mut problems);
        if let Some(list) = input.get("resources").and_then(Value::as_array) {
            for (i, r) in list.iter().enumerate() {
                match r.as_object().map(|r| crate::resources::link(&d, r, i as i32, now)) {
                    Some(Ok(res)) => d.resources.push(res),
                    Some(Err(m)) => problems.add("resources", m),
                    None => problems.add("resources", "Mỗi tài nguyên phải là một đối tượng."),
                }
            }
        }
        if !d.name.is_empty() && self.name_taken(&d.name, d.id).await? {
            problems.add("name", "Đường dẫn này đã được dùng (That URL is already in use).");
        }
        problems.into_result()?;
        if !actor.may_write(&d.owner_org) {
            return Err(Refused::Authorization(format!("Bạn không được xuất bản dữ liệu cho đơn vị {}.", d.owner_org)));
        }
        self.write(actor, &d, true, "opendata.dataset.create").await?;
        Ok(d)
    }

    /// `package_update` (`patch = false`: the dict replaces the dataset) and `package_patch`.
    pub async fn update(&self, actor: &Actor, input: &Map<String, Value>, patch: bool) -> Outcome<Dataset> {
        let key = input.get("id").or_else(|| input.get("name")).and_then(Value::as_str).unwrap_or_default();
        let mut d = match store::find(&self.db, key).await? {
            Some(d) if actor.may_write(&d.owner_org) => d,
            Some(d) if !d.private => return Err(Refused::Authorization("Bạn không được sửa bộ dữ liệu này.".into())),
            _ => return Err(Refused::NotFound(format!("Không tìm thấy bộ dữ liệu '{key}'."))),
        };
        let mut problems = Problems::default();
        let mut input = input.clone();
        if input.get("name").is_none() && !patch {
            input.insert("name".into(), Value::from(d.name.clone()));
        }
        model::apply(&mut d, &input, patch, &mut problems);
        self.resolve_org(&input, &mut d, actor, &mut problems);
        model::check(&mut d, &mut problems);
        let now = Utc::now();
        if let Some(list) = input.get("resources").and_then(Value::as_array) {
            crate::resources::replace_list(&mut d, list, now, &mut problems);
        }
        if self.name_taken(&d.name, d.id).await? {
            problems.add("name", "Đường dẫn này đã được dùng (That URL is already in use).");
        }
        problems.into_result()?;
        if !actor.may_write(&d.owner_org) {
            return Err(Refused::Authorization(format!("Bạn không được chuyển dữ liệu sang đơn vị {}.", d.owner_org)));
        }
        d.modified_at = now;
        self.write(actor, &d, false, if patch { "opendata.dataset.patch" } else { "opendata.dataset.update" }).await?;
        Ok(d)
    }

    /// `package_delete`: the dataset is kept, marked deleted, and leaves every list.
    pub async fn delete(&self, actor: &Actor, key: &str) -> Outcome<()> {
        let mut d = match store::find(&self.db, key.trim()).await? {
            Some(d) if actor.may_write(&d.owner_org) => d,
            Some(d) if !d.private => return Err(Refused::Authorization("Bạn không được xóa bộ dữ liệu này.".into())),
            _ => return Err(Refused::NotFound(format!("Không tìm thấy bộ dữ liệu '{key}'."))),
        };
        d.state = "deleted".into();
        d.modified_at = Utc::now();
        self.write(actor, &d, false, "opendata.dataset.delete").await
    }

    /// Writes the dataset and its audit entry in one transaction, then updates the index.
    pub(crate) async fn write(&self, actor: &Actor, d: &Dataset, is_new: bool, action: &'static str) -> Outcome<()> {
        self.write_noting(actor, d, is_new, action, None).await
    }

    /// As [`Self::write`], naming in the audit entry the resource the change was about.
    pub(crate) async fn write_noting(&self, actor: &Actor, d: &Dataset, is_new: bool, action: &'static str, resource: Option<uuid::Uuid>) -> Outcome<()> {
        let tx = tinhso_audit::begin(&self.db).await?;
        store::save(&tx, d, is_new).await?;
        let mut detail = serde_json::json!({"org": d.owner_org, "resources": d.resources.len(), "state": d.state});
        if let Some(id) = resource {
            detail["resource"] = serde_json::json!(id);
        }
        tinhso_audit::record(&tx, Entry::new(actor.id(), action, format!("dataset:{}", d.name)).detail(detail)).await?;
        tx.commit().await.map_err(db_error)?;
        self.reindex_one(d.clone()).await?;
        Ok(())
    }

    /// After this node's own write: the index with that dataset replaced, at once. The
    /// fingerprint is left alone, so the follower still rebuilds from the database within
    /// seconds and picks up any write another node made meanwhile.
    async fn reindex_one(&self, d: Dataset) -> tinhso_core::Result<()> {
        // Held so that two writes here do not each swap in an index without the other's.
        let _serial = self.stamp.lock().await;
        let (current, orgs, base) = (self.index(), self.orgs(), self.base().to_owned());
        let index = tokio::task::spawn_blocking(move || current.with(d, &orgs, &base)).await.map_err(Error::other)?;
        *self.index.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(index);
        Ok(())
    }

    /// The parsed table of a tabular resource, from the cache or read once from its file.
    pub async fn table(&self, r: &model::Resource) -> Outcome<Arc<Table>> {
        let (Some(hash), Some(schema)) = (&r.blob_hash, &r.schema) else {
            return Err(Refused::Validation([("resource_id".to_owned(), vec!["Tài nguyên này không phải dữ liệu dạng bảng.".to_owned()])].into()));
        };
        let key = format!("{hash}:{}", tinhso_db::blobs::BlobStore::hash(serde_json::to_string(schema).map_err(Error::other)?.as_bytes()));
        if let Some(t) = self.tables.lock().unwrap_or_else(|e| e.into_inner()).iter().find(|(k, _)| *k == key).map(|(_, t)| t.clone()) {
            return Ok(t);
        }
        let bytes = self.blobs.get(hash).await?;
        let (format, schema) = (r.format.clone(), schema.clone());
        let analysis = tokio::task::spawn_blocking(move || crate::tabular::analyse(&bytes, &format, Some(&schema))).await.map_err(Error::other)?;
        let table = Arc::new(analysis.table.ok_or_else(|| Refused::Validation([("resource_id".to_owned(), vec!["Không đọc được tệp thành bảng.".to_owned()])].into()))?);
        let mut cache = self.tables.lock().unwrap_or_else(|e| e.into_inner());
        cache.retain(|(k, _)| *k != key);
        cache.insert(0, (key, table.clone()));
        cache.truncate(8);
        Ok(table)
    }

    pub(crate) fn remember_table(&self, r: &model::Resource, table: Table) {
        if let (Some(hash), Some(schema)) = (&r.blob_hash, &r.schema)
            && let Ok(json) = serde_json::to_string(schema)
        {
            let key = format!("{hash}:{}", tinhso_db::blobs::BlobStore::hash(json.as_bytes()));
            let mut cache = self.tables.lock().unwrap_or_else(|e| e.into_inner());
            cache.retain(|(k, _)| *k != key);
            cache.insert(0, (key, Arc::new(table)));
            cache.truncate(8);
        }
    }

    /// The bytes of an uploaded resource.
    pub async fn file(&self, r: &model::Resource) -> Outcome<Vec<u8>> {
        match &r.blob_hash {
            Some(h) => Ok(self.blobs.get(h).await?),
            None => Err(Refused::NotFound("Không tìm thấy tệp: tài nguyên này là một liên kết.".into())),
        }
    }
}
