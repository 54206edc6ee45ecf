//! The wallet's one table. Other modules never touch it: they call [`crate::Wallet`].
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "wallet_items")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub owner_id: Uuid,
    pub doc_type: String,
    pub title: String,
    pub issuer: String,
    pub issued_at: DateTimeUtc,
    pub valid_until: Option<DateTimeUtc>,
    pub blob_hash: String,
    pub mime: String,
    pub size: i64,
    pub source: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
