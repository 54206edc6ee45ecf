use crate::index;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Certificates and keys of the demo CA and of each agency. A real deployment keeps
        // agency keys in an HSM or a remote signing service; the demo keeps them here.
        m.create_table(
            Table::create()
                .table("signing_keys")
                .col(pk_uuid("id"))
                .col(string_uniq("owner"))
                .col(text("cert_pem"))
                .col(text("key_pem"))
                .col(string("fingerprint"))
                .col(timestamp_with_time_zone("created_at"))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("dossier_results")
                .col(pk_uuid("id"))
                .col(uuid_uniq("dossier_id"))
                .col(string_uniq("verification_code"))
                .col(string("blob_hash"))
                .col(string("signer_unit_code"))
                .col(string("title"))
                .col(timestamp_with_time_zone("signed_at"))
                .foreign_key(ForeignKey::create().from("dossier_results", "dossier_id").to("dossiers", "id"))
                .take(),
        )
        .await?;
        m.create_index(index("dossier_results", "idx_dossier_results_blob", &["blob_hash"])).await?;
        m.create_table(
            Table::create()
                .table("dossier_ratings")
                .col(uuid("dossier_id").primary_key())
                .col(integer("score"))
                .col(text("comment"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(ForeignKey::create().from("dossier_ratings", "dossier_id").to("dossiers", "id"))
                .take(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["dossier_ratings", "dossier_results", "signing_keys"] {
            m.drop_table(Table::drop().table(t).take()).await?;
        }
        Ok(())
    }
}
