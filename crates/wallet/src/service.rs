//! The wallet service: what other modules call to keep a document in a person's store, and
//! what the owner reads. Only the owner reads their items here; staff see a document through
//! the dossier it was given with. Every read of a file is written to the audit log.
use crate::entity;
use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use tinhso_audit::Entry;
use tinhso_core::{Error, Result, text::nfc};
use tinhso_db::{blobs::BlobStore, db_error};
use tinhso_identity::Principal;
use uuid::Uuid;

/// How an item came into the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The owner put it there themselves.
    Upload,
    /// The signed result of one of the owner's dossiers.
    Result,
    /// A document the owner gave with a dossier, accepted by the agency that received it.
    Accepted,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Upload => "upload",
            Source::Result => "result",
            Source::Accepted => "accepted",
        }
    }

    pub fn parse(s: &str) -> Option<Source> {
        [Source::Upload, Source::Result, Source::Accepted].into_iter().find(|x| x.as_str() == s)
    }

    /// As the owner reads it.
    pub fn label(self) -> &'static str {
        match self {
            Source::Upload => "Tự tải lên",
            Source::Result => "Kết quả giải quyết thủ tục",
            Source::Accepted => "Giấy tờ đã được cơ quan tiếp nhận",
        }
    }
}

/// What a module hands the wallet to keep.
#[derive(Debug, Clone)]
pub struct NewItem {
    pub owner_id: Uuid,
    /// See [`crate::doc_type`].
    pub doc_type: String,
    pub title: String,
    /// Org-unit code of the issuing or accepting agency, or `self`.
    pub issuer: String,
    pub issued_at: DateTime<Utc>,
    pub valid_until: Option<DateTime<Utc>>,
    /// The file, already in the blob store.
    pub blob_hash: String,
    pub mime: String,
    pub size: i64,
    pub source: Source,
}

/// One item of a person's store, as the API shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Item {
    pub id: Uuid,
    /// Normalised key of the kind of document (`giay-khai-sinh`), or `result:<procedure code>`.
    pub doc_type: String,
    pub title: String,
    /// Org-unit code of the issuing or accepting agency; `self` for the owner's own uploads.
    pub issuer: String,
    pub issued_at: DateTime<Utc>,
    /// No date: valid until replaced.
    pub valid_until: Option<DateTime<Utc>>,
    /// SHA-256 of the file.
    pub sha256: String,
    pub mime: String,
    pub size: i64,
    pub source: Source,
    pub created_at: DateTime<Utc>,
    pub download_url: String,
}

impl Item {
    fn from_row(m: entity::Model) -> Item {
        Item {
            download_url: format!("/api/v1/wallet/{}/file", m.id),
            id: m.id,
            doc_type: m.doc_type,
            title: m.title,
            issuer: m.issuer,
            issued_at: m.issued_at,
            valid_until: m.valid_until,
            sha256: m.blob_hash,
            mime: m.mime,
            size: m.size,
            source: Source::parse(&m.source).unwrap_or(Source::Upload),
            created_at: m.created_at,
        }
    }

    pub fn is_valid_at(&self, now: DateTime<Utc>) -> bool {
        self.valid_until.is_none_or(|until| until > now)
    }
}

/// The personal data store. Cheap to clone: a connection pool and a blob store handle.
#[derive(Clone, Debug)]
pub struct Wallet {
    db: DatabaseConnection,
    blobs: BlobStore,
}

impl Wallet {
    pub fn new(db: DatabaseConnection, blobs: BlobStore) -> Wallet {
        Wallet { db, blobs }
    }

    /// Keeps a document in its owner's store. The same file of the same type is kept once:
    /// adding it again answers the item already there.
    pub async fn add(&self, actor: &str, new: NewItem) -> Result<Item> {
        let title = nfc(&new.title);
        if title.is_empty() || new.doc_type.trim().is_empty() || new.size < 0 {
            return Err(Error::invalid("invalid_wallet_item", "Giấy tờ", "thiếu tên, loại giấy tờ hoặc dung lượng không hợp lệ."));
        }
        if let Some(found) = self.existing(&new).await? {
            return Ok(found);
        }
        let id = tinhso_core::new_id();
        let row = entity::ActiveModel {
            id: Set(id),
            owner_id: Set(new.owner_id),
            doc_type: Set(new.doc_type.clone()),
            title: Set(title.chars().take(250).collect()),
            issuer: Set(new.issuer.clone()),
            issued_at: Set(new.issued_at),
            valid_until: Set(new.valid_until),
            blob_hash: Set(new.blob_hash.clone()),
            mime: Set(new.mime.clone()),
            size: Set(new.size),
            source: Set(new.source.as_str().to_owned()),
            created_at: Set(Utc::now()),
        };
        let tx = tinhso_audit::begin(&self.db).await?;
        if let Err(e) = entity::Entity::insert(row).exec_without_returning(&tx).await {
            drop(tx);
            // The same item was added concurrently: answer with it.
            return match (db_error(e), self.existing(&new).await?) {
                (Error::Conflict { code: "duplicate", .. }, Some(found)) => Ok(found),
                (e, _) => Err(e),
            };
        }
        let detail = serde_json::json!({"wallet_item": id, "source": new.source.as_str(), "doc_type": new.doc_type});
        tinhso_audit::record(&tx, Entry::new(actor, "wallet.add", format!("user:{}", new.owner_id)).detail(detail)).await?;
        tx.commit().await.map_err(db_error)?;
        self.get(new.owner_id, id).await
    }

    async fn existing(&self, new: &NewItem) -> Result<Option<Item>> {
        let row = entity::Entity::find()
            .filter(entity::Column::OwnerId.eq(new.owner_id))
            .filter(entity::Column::DocType.eq(new.doc_type.as_str()))
            .filter(entity::Column::BlobHash.eq(new.blob_hash.as_str()))
            .one(&self.db)
            .await
            .map_err(db_error)?;
        Ok(row.map(Item::from_row))
    }

    /// The owner's items, newest first.
    pub async fn list(&self, owner: Uuid) -> Result<Vec<Item>> {
        let rows = entity::Entity::find()
            .filter(entity::Column::OwnerId.eq(owner))
            .order_by_desc(entity::Column::CreatedAt)
            .order_by_desc(entity::Column::Id)
            .all(&self.db)
            .await
            .map_err(db_error)?;
        Ok(rows.into_iter().map(Item::from_row).collect())
    }

    /// One item of the owner; anyone else's answers as if it did not exist.
    pub async fn get(&self, owner: Uuid, id: Uuid) -> Result<Item> {
        let row = entity::Entity::find_by_id(id).one(&self.db).await.map_err(db_error)?;
        row.filter(|r| r.owner_id == owner).map(Item::from_row).ok_or_else(|| Error::not_found("giấy tờ trong kho dữ liệu"))
    }

    /// The owner's items of one type that are still valid, newest first: what a dossier
    /// offers instead of asking for an upload.
    pub async fn find_by_type(&self, owner: Uuid, doc_type: &str) -> Result<Vec<Item>> {
        let now = Utc::now();
        let rows = entity::Entity::find()
            .filter(entity::Column::OwnerId.eq(owner))
            .filter(entity::Column::DocType.eq(doc_type))
            .filter(Condition::any().add(entity::Column::ValidUntil.is_null()).add(entity::Column::ValidUntil.gt(now)))
            .order_by_desc(entity::Column::IssuedAt)
            .all(&self.db)
            .await
            .map_err(db_error)?;
        Ok(rows.into_iter().map(Item::from_row).collect())
    }

    /// The file of one of the signed-in person's items; the read is audited.
    pub async fn file(&self, who: &Principal, id: Uuid) -> Result<(Item, Vec<u8>)> {
        let item = self.get(who.user_id, id).await?;
        let bytes = self.blobs.get(&item.sha256).await?;
        let entry = Entry::new(who.actor(), "wallet.download", format!("user:{}", who.user_id)).purpose("tải giấy tờ").detail(serde_json::json!({"wallet_item": id}));
        tinhso_audit::record_now(&self.db, entry).await?;
        Ok((item, bytes))
    }
}
