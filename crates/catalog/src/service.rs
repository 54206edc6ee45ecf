//! The catalogue service: storage, audit and the search index kept in step. Every node
//! rebuilds its index after its own writes and when it sees another node's (by polling a
//! cheap fingerprint of the table).
use crate::import::Row;
use crate::model::Procedure;
use crate::search::{Filters, Found, SearchIndex};
use crate::store;
use sea_orm::DatabaseConnection;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, RwLock};
use tinhso_audit::Entry;
use tinhso_core::{Error, Result, text::fold};
use tinhso_db::db_error;

type Stamp = (u64, Option<chrono::DateTime<chrono::Utc>>);

pub struct Catalog {
    db: DatabaseConnection,
    index: RwLock<Arc<SearchIndex>>,
    stamp: tokio::sync::Mutex<Stamp>,
}

#[derive(Debug, Default, serde::Serialize)]
pub struct ImportReport {
    pub created: usize,
    pub updated: usize,
    /// Rows left out with `skip_invalid`: (row, reason).
    pub skipped: Vec<(usize, String)>,
}

/// Maps agency names and codes to org-unit codes.
struct Agencies {
    by_key: HashMap<String, String>,
}

impl Agencies {
    async fn load(db: &DatabaseConnection) -> Result<Agencies> {
        let mut by_key = HashMap::new();
        for u in tinhso_identity::org_units::list(db).await? {
            by_key.insert(fold(&u.name), u.code.clone());
            by_key.insert(u.code.to_lowercase(), u.code);
        }
        Ok(Agencies { by_key })
    }

    /// Resolves every agency of `p` to a code; a commune-level "UBND cấp xã" means every
    /// commune-level unit, which is stored as no agency on a commune-level procedure.
    fn resolve(&self, p: &mut Procedure, lenient: bool) -> Result<()> {
        let mut codes = Vec::new();
        for a in &p.agencies {
            let key = fold(a.trim());
            if key.contains("cap xa") {
                continue;
            }
            match self.by_key.get(&key) {
                Some(code) if !codes.contains(code) => codes.push(code.clone()),
                Some(_) => {}
                None if lenient => {
                    if !p.demo_fields.iter().any(|f| f == "agencies") {
                        p.demo_fields.push("agencies".into());
                    }
                }
                None => return Err(Error::invalid("unknown_agency", "Cơ quan thực hiện", format!("không có cơ quan '{a}' trong danh sách đơn vị."))),
            }
        }
        p.agencies = codes;
        Ok(())
    }
}

impl Catalog {
    pub async fn open(db: DatabaseConnection) -> Result<Arc<Catalog>> {
        let stamp = store::stamp(&db).await?;
        let index = SearchIndex::build(store::all(&db).await?);
        Ok(Arc::new(Catalog { db, index: RwLock::new(Arc::new(index)), stamp: tokio::sync::Mutex::new(stamp) }))
    }

    pub fn index(&self) -> Arc<SearchIndex> {
        self.index.read().map(|i| i.clone()).unwrap_or_else(|e| e.into_inner().clone())
    }

    /// Rebuilds the index if the table changed since the last build (here or on another node).
    pub async fn refresh(&self) -> Result<bool> {
        let mut stamp = self.stamp.lock().await;
        let now = store::stamp(&self.db).await?;
        if now == *stamp {
            return Ok(false);
        }
        let all = store::all(&self.db).await?;
        let index = tokio::task::spawn_blocking(move || SearchIndex::build(all)).await.map_err(Error::other)?;
        *self.index.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(index);
        *stamp = now;
        Ok(true)
    }

    pub fn search(&self, q: &str, filters: &Filters, page: usize, per_page: usize) -> Result<Found> {
        Ok(self.index().search(q, filters, page, per_page))
    }

    /// A procedure by code, including retired ones.
    pub async fn get(&self, code: &str) -> Result<Procedure> {
        store::get(&self.db, code).await
    }

    /// A procedure from the in-memory index (as fresh as its last refresh), read from the
    /// database only when the index does not hold it: for hot paths such as submission.
    pub async fn cached(&self, code: &str) -> Result<Arc<Procedure>> {
        match self.index().get(code) {
            Some(p) => Ok(p),
            None => self.get(code).await.map(Arc::new),
        }
    }

    pub async fn create(&self, actor: &str, mut p: Procedure) -> Result<Procedure> {
        p.normalize_and_validate()?;
        Agencies::load(&self.db).await?.resolve(&mut p, false)?;
        p.version = 1;
        p.retired = false;
        let tx = tinhso_audit::begin(&self.db).await?;
        store::insert(&tx, &p).await?;
        tinhso_audit::record(&tx, Entry::new(actor, "procedure.create", format!("procedure:{}", p.code))).await?;
        tx.commit().await.map_err(db_error)?;
        self.refresh().await?;
        Ok(p)
    }

    /// Replaces a procedure; `p.version` must be the version the editor read.
    pub async fn update(&self, actor: &str, code: &str, mut p: Procedure) -> Result<Procedure> {
        if p.code.trim() != code {
            return Err(Error::invalid("code_mismatch", "Mã thủ tục", "mã trong nội dung khác mã trên đường dẫn."));
        }
        p.normalize_and_validate()?;
        Agencies::load(&self.db).await?.resolve(&mut p, false)?;
        let expected = p.version;
        p.version = expected + 1;
        let tx = tinhso_audit::begin(&self.db).await?;
        store::replace(&tx, &p, expected).await?;
        tinhso_audit::record(&tx, Entry::new(actor, "procedure.update", format!("procedure:{code}")).detail(serde_json::json!({"version": p.version}))).await?;
        tx.commit().await.map_err(db_error)?;
        self.refresh().await?;
        Ok(p)
    }

    /// Retires a procedure: it leaves search and listings but its page and history remain.
    pub async fn retire(&self, actor: &str, code: &str) -> Result<Procedure> {
        let tx = tinhso_audit::begin(&self.db).await?;
        let mut p = store::get(&tx, code).await?;
        if p.retired {
            return Err(Error::conflict("already_retired", format!("Thủ tục {code} đã bị bãi bỏ trước đó.")));
        }
        let expected = p.version;
        p.retired = true;
        p.version += 1;
        store::replace(&tx, &p, expected).await?;
        tinhso_audit::record(&tx, Entry::new(actor, "procedure.retire", format!("procedure:{code}"))).await?;
        tx.commit().await.map_err(db_error)?;
        self.refresh().await?;
        Ok(p)
    }

    /// Imports rows in one transaction: new codes are created, known ones updated. Unless
    /// `skip_invalid`, the first bad row stops the import and nothing is written.
    pub async fn import(&self, actor: &str, rows: Vec<Row>, skip_invalid: bool) -> Result<ImportReport> {
        let agencies = Agencies::load(&self.db).await?;
        let mut report = ImportReport::default();
        let mut seen = HashSet::new();
        let mut good = Vec::new();
        for mut row in rows {
            let checked = row.procedure.normalize_and_validate().and_then(|_| agencies.resolve(&mut row.procedure, row.lenient_agencies)).and_then(|_| {
                if seen.insert(row.procedure.code.clone()) {
                    Ok(())
                } else {
                    Err(Error::invalid("duplicate_code", "Mã thủ tục", format!("mã {} lặp lại trong tệp.", row.procedure.code)))
                }
            });
            match checked {
                Ok(()) => good.push(row.procedure),
                Err(e) if skip_invalid => report.skipped.push((row.line, e.public_message())),
                Err(Error::Invalid { code, message, field }) => {
                    return Err(Error::Invalid { code, field: format!("Bản ghi {}", row.line), message: format!("{field}: {message}") });
                }
                Err(e) => return Err(e),
            }
        }
        let tx = tinhso_audit::begin(&self.db).await?;
        for mut p in good {
            match store::get(&tx, &p.code).await {
                Ok(old) => {
                    p.version = old.version + 1;
                    store::replace(&tx, &p, old.version).await?;
                    report.updated += 1;
                    tinhso_audit::record(&tx, Entry::new(actor, "procedure.update", format!("procedure:{}", p.code)).purpose("import")).await?;
                }
                Err(Error::NotFound { .. }) => {
                    p.version = 1;
                    store::insert(&tx, &p).await?;
                    report.created += 1;
                    tinhso_audit::record(&tx, Entry::new(actor, "procedure.create", format!("procedure:{}", p.code)).purpose("import")).await?;
                }
                Err(e) => return Err(e),
            }
        }
        tx.commit().await.map_err(db_error)?;
        self.refresh().await?;
        Ok(report)
    }
}
