//! Usage per dataset and month (views, downloads, API calls) and registered reuses. Counting
//! is done off the request path: a lost increment never fails a download.
use crate::entity::{reuse, usage};
use crate::service::OpenData;
use chrono::Utc;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use tinhso_audit::Entry;
use tinhso_core::{Error, Result, text::nfc};
use tinhso_db::db_error;
use uuid::Uuid;

#[derive(Debug, Clone, Copy)]
pub enum Use {
    View,
    Download,
    ApiCall,
}

/// The month a use counts in, in Vietnam's time.
pub fn month_now() -> String {
    Utc::now().with_timezone(&tinhso_core::calendar::vietnam()).format("%Y-%m").to_string()
}

async fn bump(db: &DatabaseConnection, dataset: Uuid, what: Use) -> Result<()> {
    let col = match what {
        Use::View => usage::Column::Views,
        Use::Download => usage::Column::Downloads,
        Use::ApiCall => usage::Column::ApiCalls,
    };
    let month = month_now();
    let row = usage::ActiveModel { dataset_id: Set(dataset), month: Set(month.clone()), views: Set(0), downloads: Set(0), api_calls: Set(0) };
    usage::Entity::insert(row)
        .on_conflict(OnConflict::columns([usage::Column::DatasetId, usage::Column::Month]).do_nothing().to_owned())
        .exec_without_returning(db)
        .await
        .map_err(db_error)?;
    usage::Entity::update_many()
        .col_expr(col, Expr::col(col).add(1))
        .filter(usage::Column::DatasetId.eq(dataset))
        .filter(usage::Column::Month.eq(month))
        .exec(db)
        .await
        .map_err(db_error)?;
    Ok(())
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Reuse {
    pub id: Uuid,
    /// `app`, `article` or `study`.
    pub kind: String,
    pub title: String,
    pub url: String,
    pub description: String,
    pub created_at: chrono::DateTime<Utc>,
}

pub const REUSE_KINDS: &[(&str, &str)] = &[("app", "Ứng dụng"), ("article", "Bài viết"), ("study", "Nghiên cứu")];

impl OpenData {
    /// Counts one use in the background.
    pub fn count(&self, dataset: Uuid, what: Use) {
        let db = self.db.clone();
        tokio::spawn(async move {
            if let Err(e) = bump(&db, dataset, what).await {
                tracing::warn!(error = %e, "usage count failed");
            }
        });
    }

    /// Counts one use and waits for it (tests and the seed).
    pub async fn count_now(&self, dataset: Uuid, what: Use) -> Result<()> {
        bump(&self.db, dataset, what).await
    }

    /// Months newest first: (month, views, downloads, api calls).
    pub async fn usage_of(&self, dataset: Uuid) -> Result<Vec<(String, i64, i64, i64)>> {
        let rows = usage::Entity::find().filter(usage::Column::DatasetId.eq(dataset)).order_by_desc(usage::Column::Month).all(&self.db).await.map_err(db_error)?;
        Ok(rows.into_iter().map(|u| (u.month, u.views, u.downloads, u.api_calls)).collect())
    }

    pub async fn reuses_of(&self, dataset: Uuid) -> Result<Vec<Reuse>> {
        let rows = reuse::Entity::find().filter(reuse::Column::DatasetId.eq(dataset)).order_by_desc(reuse::Column::CreatedAt).all(&self.db).await.map_err(db_error)?;
        Ok(rows.into_iter().map(|r| Reuse { id: r.id, kind: r.kind, title: r.title, url: r.url, description: r.description, created_at: r.created_at }).collect())
    }

    /// Registers a reuse of a public dataset; anyone signed in may, the entry names them.
    pub async fn add_reuse(&self, actor: &str, dataset: &str, kind: &str, title: &str, url: &str, description: &str) -> Result<Reuse> {
        let d = self.get(dataset, &Default::default()).await.map_err(Error::from)?;
        let (title, url, description) = (nfc(title), url.trim().to_owned(), nfc(description));
        if !REUSE_KINDS.iter().any(|(k, _)| *k == kind) {
            return Err(Error::invalid("invalid_reuse_kind", "Loại tái sử dụng", "chọn ứng dụng, bài viết hoặc nghiên cứu."));
        }
        if title.is_empty() || title.chars().count() > 200 {
            return Err(Error::invalid("invalid_reuse_title", "Tên", "cần tên (tối đa 200 ký tự)."));
        }
        if !(url.starts_with("https://") || url.starts_with("http://")) || url.len() > 2000 {
            return Err(Error::invalid("invalid_reuse_url", "Địa chỉ", "cần một địa chỉ http(s) hợp lệ."));
        }
        let r = Reuse { id: tinhso_core::new_id(), kind: kind.to_owned(), title, url, description, created_at: Utc::now() };
        let tx = tinhso_audit::begin(&self.db).await?;
        reuse::Entity::insert(reuse::ActiveModel {
            id: Set(r.id),
            dataset_id: Set(d.id),
            kind: Set(r.kind.clone()),
            title: Set(r.title.clone()),
            url: Set(r.url.clone()),
            description: Set(r.description.clone()),
            created_by: Set(actor.to_owned()),
            created_at: Set(r.created_at),
        })
        .exec_without_returning(&tx)
        .await
        .map_err(db_error)?;
        tinhso_audit::record(&tx, Entry::new(actor, "opendata.reuse.create", format!("dataset:{}", d.name))).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(r)
    }
}
