//! The required documents of a dossier (thành phần hồ sơ): files the applicant uploads, scans
//! the one-stop desk makes of a counter dossier, and documents picked from the applicant's
//! wallet so that nothing is given twice. Each file is kept once in the blob store by its hash.
//! Accepted documents and results flow back into the wallet through [`after_transition`].
mod filling;
pub mod http;
pub mod upload;

pub use filling::after_transition;
pub use http::router;

use crate::entity::dossier;
use crate::machine::State;
use crate::service::{Dossiers, acts_for};
use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use tinhso_audit::Entry;
use tinhso_catalog::Procedure;
use tinhso_core::{Error, Result, roles::Role};
use tinhso_db::db_error;
use tinhso_identity::Principal;
use tinhso_wallet::Wallet;
use upload::CheckedFile;
use uuid::Uuid;

pub mod entity {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "dossier_documents")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub dossier_id: Uuid,
        /// Which of the procedure's required documents this file is for.
        pub requirement_index: i32,
        /// The file's name, with the extension of its real type.
        pub name: String,
        pub blob_hash: String,
        pub mime: String,
        pub size: i64,
        /// upload | scan | wallet
        pub source: String,
        pub wallet_item_id: Option<Uuid>,
        /// Given from the wallet rather than again.
        pub reused: bool,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// A document of a dossier, as the API shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Document {
    pub id: Uuid,
    /// Index into the procedure's `documents`.
    pub requirement: i32,
    pub requirement_name: String,
    pub name: String,
    pub sha256: String,
    pub mime: String,
    pub size: i64,
    /// upload | scan | wallet
    pub source: String,
    pub wallet_item_id: Option<Uuid>,
    pub reused: bool,
    pub created_at: DateTime<Utc>,
    pub download_url: String,
}

impl Document {
    fn new(m: entity::Model, p: &Procedure) -> Document {
        let requirement_name = usize::try_from(m.requirement_index).ok().and_then(|i| p.documents.get(i)).map(|r| r.name.clone()).unwrap_or_default();
        Document {
            download_url: format!("/api/v1/dossiers/{}/documents/{}/file", m.dossier_id, m.id),
            id: m.id,
            requirement: m.requirement_index,
            requirement_name,
            name: m.name,
            sha256: m.blob_hash,
            mime: m.mime,
            size: m.size,
            source: m.source,
            wallet_item_id: m.wallet_item_id,
            reused: m.reused,
            created_at: m.created_at,
        }
    }
}

/// Give a document from the wallet instead of uploading it again.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FromWalletRequest {
    pub requirement: i32,
    pub wallet_item_id: Uuid,
}

/// One required document of the procedure, with what the dossier has for it and what the
/// applicant's wallet offers instead of an upload.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Offer {
    pub requirement: i32,
    pub name: String,
    /// original | copy | original_or_copy | present
    pub form: String,
    pub count: u32,
    /// The registry the agency reads instead of asking for the paper, if any.
    pub replaced_by_data: Option<String>,
    pub doc_type: String,
    /// Documents the dossier already has for it.
    pub given: Vec<Uuid>,
    /// Valid wallet items of the same type, newest first.
    pub offers: Vec<tinhso_wallet::Item>,
}

/// The wallet service over the same database and blob store as the dossiers.
pub(crate) fn wallet_of(svc: &Dossiers) -> Wallet {
    Wallet::new(svc.db.clone(), svc.blobs.clone())
}

/// States in which documents may still be added: before receipt and while a supplement is due.
fn open_for_documents(state: &str) -> bool {
    matches!(State::parse(state), Some(State::Submitted | State::ReturnedForCompletion | State::SupplementRequested))
}

fn closed() -> Error {
    Error::conflict("documents_closed", "Chỉ thêm giấy tờ khi hồ sơ mới nộp, được trả lại để hoàn thiện hoặc được yêu cầu bổ sung.")
}

fn requirement_of(p: &Procedure, index: i32) -> Result<String> {
    usize::try_from(index)
        .ok()
        .and_then(|i| p.documents.get(i))
        .map(|r| r.name.clone())
        .ok_or_else(|| Error::invalid("unknown_requirement", "Thành phần hồ sơ", format!("thủ tục không có thành phần hồ sơ số {index}.")))
}

/// How `who` adds a file to `d`: the applicant uploads; the receiving desk scans the papers of
/// a counter dossier.
fn upload_source(who: &Principal, d: &dossier::Model) -> Result<&'static str> {
    let source = if who.user_id == d.applicant_id {
        "upload"
    } else if d.channel == "counter" && acts_for(who, &[Role::OneStopOfficer], &d.agency_code) {
        "scan"
    } else {
        return Err(Error::Forbidden);
    };
    if !open_for_documents(&d.state) { Err(closed()) } else { Ok(source) }
}

impl Dossiers {
    /// Whether `who` may add a file to the dossier now; checked before the file is read.
    pub async fn may_add_document(&self, who: &Principal, id: Uuid) -> Result<()> {
        upload_source(who, &self.load(who, id).await?).map(|_| ())
    }

    /// Adds an uploaded or scanned file. The same file for the same requirement is kept once:
    /// giving it again answers the document already there (`false`).
    pub async fn add_document(&self, who: &Principal, id: Uuid, requirement: i32, file: CheckedFile) -> Result<(Document, bool)> {
        let d = self.load(who, id).await?;
        let source = upload_source(who, &d)?;
        let p = self.catalog.get(&d.procedure_code).await?;
        requirement_of(&p, requirement)?;
        let (name, mime, size) = (file.name().to_owned(), file.mime(), file.size());
        let hash = self.blobs.put(file.into_bytes()).await?;
        let row = NewRow { requirement, name, hash, mime: mime.to_owned(), size, source, wallet_item: None };
        self.insert_document(who, &d, &p, row).await
    }

    /// Gives one of the applicant's wallet items for a required document.
    pub async fn add_from_wallet(&self, who: &Principal, id: Uuid, req: FromWalletRequest) -> Result<(Document, bool)> {
        let d = self.load(who, id).await?;
        if who.user_id != d.applicant_id {
            return Err(Error::Forbidden);
        }
        if !open_for_documents(&d.state) {
            return Err(closed());
        }
        let p = self.catalog.get(&d.procedure_code).await?;
        requirement_of(&p, req.requirement)?;
        let item = wallet_of(self).get(who.user_id, req.wallet_item_id).await?;
        if !item.is_valid_at(Utc::now()) {
            return Err(Error::conflict("wallet_item_expired", "Giấy tờ này trong kho đã hết hiệu lực; hãy tải lên bản còn hiệu lực."));
        }
        let name = format!("{}.{}", item.title, tinhso_wallet::http::extension_of(&item.mime));
        let size = usize::try_from(item.size).unwrap_or_default();
        let row = NewRow { requirement: req.requirement, name, hash: item.sha256, mime: item.mime, size, source: "wallet", wallet_item: Some(item.id) };
        self.insert_document(who, &d, &p, row).await
    }

    async fn insert_document(&self, who: &Principal, d: &dossier::Model, p: &Procedure, row: NewRow) -> Result<(Document, bool)> {
        if let Some(found) = self.same_document(&self.db, d.id, row.requirement, &row.hash).await? {
            return Ok((Document::new(found, p), false));
        }
        let doc_id = tinhso_core::new_id();
        let tx = tinhso_audit::begin(&self.db).await?;
        // Read again under the write lock: a desk that received the dossier meanwhile wins.
        let now_state = dossier::Entity::find_by_id(d.id).one(&tx).await.map_err(db_error)?.map(|x| x.state);
        if !now_state.as_deref().is_some_and(open_for_documents) {
            return Err(closed());
        }
        let first = entity::Entity::find().filter(entity::Column::DossierId.eq(d.id)).one(&tx).await.map_err(db_error)?.is_none();
        let reused = row.wallet_item.is_some();
        let model = entity::ActiveModel {
            id: Set(doc_id),
            dossier_id: Set(d.id),
            requirement_index: Set(row.requirement),
            name: Set(row.name),
            blob_hash: Set(row.hash.clone()),
            mime: Set(row.mime),
            size: Set(i64::try_from(row.size).map_err(Error::other)?),
            source: Set(row.source.to_owned()),
            wallet_item_id: Set(row.wallet_item),
            reused: Set(row.wallet_item.is_some()),
            created_at: Set(Utc::now()),
        };
        if let Err(e) = entity::Entity::insert(model).exec_without_returning(&tx).await {
            drop(tx);
            return match (db_error(e), self.same_document(&self.db, d.id, row.requirement, &row.hash).await?) {
                (Error::Conflict { code: "duplicate", .. }, Some(found)) => Ok((Document::new(found, p), false)),
                (e, _) => Err(e),
            };
        }
        let delta = crate::figures::Delta::default().add("documents", 1).add("documents_reused", i64::from(reused)).add("digitised", i64::from(first));
        crate::figures::apply(&tx, d, &delta).await?;
        let action = if reused { "dossier.document_reuse" } else { "dossier.document_add" };
        let detail = serde_json::json!({"document": doc_id, "requirement": row.requirement, "source": row.source, "sha256": row.hash, "wallet_item": row.wallet_item});
        tinhso_audit::record(&tx, Entry::new(who.actor(), action, format!("dossier:{}", d.id)).detail(detail)).await?;
        tx.commit().await.map_err(db_error)?;
        let saved = entity::Entity::find_by_id(doc_id).one(&self.db).await.map_err(db_error)?.ok_or_else(|| Error::not_found("giấy tờ"))?;
        Ok((Document::new(saved, p), true))
    }

    async fn same_document(&self, c: &impl ConnectionTrait, id: Uuid, requirement: i32, hash: &str) -> Result<Option<entity::Model>> {
        entity::Entity::find()
            .filter(entity::Column::DossierId.eq(id))
            .filter(entity::Column::RequirementIndex.eq(requirement))
            .filter(entity::Column::BlobHash.eq(hash))
            .one(c)
            .await
            .map_err(db_error)
    }

    pub(crate) async fn document_rows(&self, id: Uuid) -> Result<Vec<entity::Model>> {
        entity::Entity::find()
            .filter(entity::Column::DossierId.eq(id))
            .order_by_asc(entity::Column::RequirementIndex)
            .order_by_asc(entity::Column::CreatedAt)
            .all(&self.db)
            .await
            .map_err(db_error)
    }

    /// The dossier's documents, for its applicant and the staff who may see it.
    pub async fn documents(&self, who: &Principal, id: Uuid) -> Result<Vec<Document>> {
        let d = self.load(who, id).await?;
        let p = self.catalog.get(&d.procedure_code).await?;
        Ok(self.document_rows(id).await?.into_iter().map(|m| Document::new(m, &p)).collect())
    }

    /// One document's file. A read by anyone but the applicant is written to the audit log.
    pub async fn document_file(&self, who: &Principal, id: Uuid, doc_id: Uuid) -> Result<(Document, Vec<u8>)> {
        let d = self.load(who, id).await?;
        let row = entity::Entity::find_by_id(doc_id).one(&self.db).await.map_err(db_error)?;
        let row = row.filter(|r| r.dossier_id == id).ok_or_else(|| Error::not_found("giấy tờ của hồ sơ"))?;
        let bytes = self.blobs.get(&row.blob_hash).await?;
        if who.user_id != d.applicant_id {
            let entry = Entry::new(who.actor(), "dossier.document_read", format!("dossier:{id}")).purpose("xử lý hồ sơ").detail(serde_json::json!({"document": doc_id}));
            tinhso_audit::record_now(&self.db, entry).await?;
        }
        let p = self.catalog.get(&d.procedure_code).await?;
        Ok((Document::new(row, &p), bytes))
    }

    /// For each required document, what the applicant's wallet offers instead of an upload.
    pub async fn document_offers(&self, who: &Principal, id: Uuid) -> Result<Vec<Offer>> {
        let d = self.load(who, id).await?;
        if who.user_id != d.applicant_id {
            return Err(Error::Forbidden);
        }
        let p = self.catalog.get(&d.procedure_code).await?;
        let rows = self.document_rows(id).await?;
        let wallet = wallet_of(self);
        let mut offers = Vec::with_capacity(p.documents.len());
        for (i, r) in (0i32..).zip(&p.documents) {
            let doc_type = tinhso_wallet::doc_type::of_name(&r.name);
            offers.push(Offer {
                requirement: i,
                name: r.name.clone(),
                form: r.form.clone(),
                count: r.count,
                replaced_by_data: r.replaced_by_data.clone(),
                given: rows.iter().filter(|x| x.requirement_index == i).map(|x| x.id).collect(),
                offers: wallet.find_by_type(d.applicant_id, &doc_type).await?,
                doc_type,
            });
        }
        Ok(offers)
    }
}

struct NewRow {
    requirement: i32,
    name: String,
    hash: String,
    mime: String,
    size: usize,
    source: &'static str,
    wallet_item: Option<Uuid>,
}
