//! API keys for writing through the CKAN API: given to data stewards, shown once, kept only as
//! their SHA-256.
use crate::entity::api_key;
use crate::service::OpenData;
use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use sha2::{Digest, Sha256};
use tinhso_audit::Entry;
use tinhso_core::{Error, Result, roles::Role, text::nfc};
use tinhso_db::db_error;
use tinhso_identity::Principal;

fn digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct KeyInfo {
    pub id: uuid::Uuid,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub revoked: bool,
}

impl OpenData {
    /// Makes a key for a data steward or administrator; returns the token (shown only now).
    pub async fn create_key(&self, who: &Principal, name: &str) -> Result<(KeyInfo, String)> {
        if !(who.has(Role::DataSteward) || who.has(Role::Admin)) {
            return Err(Error::Forbidden);
        }
        let name = nfc(name);
        if name.is_empty() || name.chars().count() > 100 {
            return Err(Error::invalid("invalid_key_name", "Tên khóa", "cần một tên ngắn (tối đa 100 ký tự) để nhận ra khóa."));
        }
        let mut bytes = [0u8; 32];
        rand::fill(&mut bytes);
        let token = format!("tso_{}", hex::encode(bytes));
        let id = tinhso_core::new_id();
        let now = Utc::now();
        let tx = tinhso_audit::begin(&self.db).await?;
        api_key::Entity::insert(api_key::ActiveModel { id: Set(id), user_id: Set(who.user_id), name: Set(name.clone()), token_hash: Set(digest(&token)), revoked: Set(false), created_at: Set(now) })
            .exec_without_returning(&tx)
            .await
            .map_err(db_error)?;
        tinhso_audit::record(&tx, Entry::new(who.actor(), "opendata.api_key.create", format!("api_key:{id}"))).await?;
        tx.commit().await.map_err(db_error)?;
        Ok((KeyInfo { id, name, created_at: now, revoked: false }, token))
    }

    pub async fn keys_of(&self, who: &Principal) -> Result<Vec<KeyInfo>> {
        let rows = api_key::Entity::find().filter(api_key::Column::UserId.eq(who.user_id)).order_by_desc(api_key::Column::CreatedAt).all(&self.db).await.map_err(db_error)?;
        Ok(rows.into_iter().map(|k| KeyInfo { id: k.id, name: k.name, created_at: k.created_at, revoked: k.revoked }).collect())
    }

    pub async fn revoke_key(&self, who: &Principal, id: uuid::Uuid) -> Result<()> {
        let key = api_key::Entity::find_by_id(id).one(&self.db).await.map_err(db_error)?.filter(|k| k.user_id == who.user_id).ok_or_else(|| Error::not_found("khóa API"))?;
        let tx = tinhso_audit::begin(&self.db).await?;
        api_key::Entity::update(api_key::ActiveModel { id: Set(key.id), revoked: Set(true), ..Default::default() }).exec(&tx).await.map_err(db_error)?;
        tinhso_audit::record(&tx, Entry::new(who.actor(), "opendata.api_key.revoke", format!("api_key:{id}"))).await?;
        tx.commit().await.map_err(db_error)
    }

    /// The person a key belongs to; `None` for an unknown or revoked key or a disabled account.
    pub async fn principal_by_key(&self, token: &str) -> Result<Option<Principal>> {
        let token = token.trim().trim_start_matches("Bearer ").trim();
        if token.is_empty() {
            return Ok(None);
        }
        let found = api_key::Entity::find().filter(api_key::Column::TokenHash.eq(digest(token))).one(&self.db).await.map_err(db_error)?;
        match found.filter(|k| !k.revoked) {
            None => Ok(None),
            Some(k) => match tinhso_identity::accounts::principal(&self.db, k.user_id).await {
                Ok(p) => Ok(Some(p)),
                Err(Error::Unauthorized) => Ok(None),
                Err(e) => Err(e),
            },
        }
    }
}
