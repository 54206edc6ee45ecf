use crate::index;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Each person's store of documents and results (kho dữ liệu của tổ chức, cá nhân).
        // A file is kept once in the blob store; the same file of the same type is one item.
        m.create_table(
            Table::create()
                .table("wallet_items")
                .col(pk_uuid("id"))
                .col(uuid("owner_id"))
                .col(string("doc_type"))
                .col(string("title"))
                .col(string("issuer"))
                .col(timestamp_with_time_zone("issued_at"))
                .col(timestamp_with_time_zone_null("valid_until"))
                .col(string("blob_hash"))
                .col(string("mime"))
                .col(big_integer("size"))
                .col(string("source"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(ForeignKey::create().from("wallet_items", "owner_id").to("users", "id"))
                .take(),
        )
        .await?;
        let mut once = index("wallet_items", "idx_wallet_items_once", &["owner_id", "doc_type", "blob_hash"]);
        m.create_index(once.unique().take()).await?;
        m.create_index(index("wallet_items", "idx_wallet_items_owner", &["owner_id", "created_at"])).await?;
        // The documents given with a dossier, one row per file and required document.
        m.create_table(
            Table::create()
                .table("dossier_documents")
                .col(pk_uuid("id"))
                .col(uuid("dossier_id"))
                .col(integer("requirement_index"))
                .col(string("name"))
                .col(string("blob_hash"))
                .col(string("mime"))
                .col(big_integer("size"))
                .col(string("source"))
                .col(uuid_null("wallet_item_id"))
                .col(boolean("reused"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(ForeignKey::create().from("dossier_documents", "dossier_id").to("dossiers", "id"))
                .foreign_key(ForeignKey::create().from("dossier_documents", "wallet_item_id").to("wallet_items", "id"))
                .take(),
        )
        .await?;
        let mut per_file = index("dossier_documents", "idx_dossier_documents_file", &["dossier_id", "requirement_index", "blob_hash"]);
        m.create_index(per_file.unique().take()).await?;
        m.create_index(index("dossier_documents", "idx_dossier_documents_created", &["created_at"])).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["dossier_documents", "wallet_items"] {
            m.drop_table(Table::drop().table(t).take()).await?;
        }
        Ok(())
    }
}
