use crate::index;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // When a procedure's fee is charged: before the desk receives, or before the result.
        m.alter_table(Table::alter().table("procedures").add_column(string("fee_timing").default("before_result")).take()).await?;
        m.alter_table(Table::alter().table("dossiers").add_column(big_integer("fee_vnd").default(0)).take()).await?;
        m.alter_table(Table::alter().table("dossiers").add_column(string("payment_status").default("none")).take()).await?;
        m.create_table(
            Table::create()
                .table("payments")
                .col(string("txn_ref").primary_key())
                .col(uuid("dossier_id"))
                .col(big_integer("amount_vnd"))
                .col(string("status"))
                .col(string_null("transaction_no"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(ForeignKey::create().from("payments", "dossier_id").to("dossiers", "id"))
                .take(),
        )
        .await?;
        m.create_index(index("payments", "idx_payments_dossier", &["dossier_id"])).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("payments").take()).await?;
        m.alter_table(Table::alter().table("dossiers").drop_column("payment_status").take()).await?;
        m.alter_table(Table::alter().table("dossiers").drop_column("fee_vnd").take()).await?;
        m.alter_table(Table::alter().table("procedures").drop_column("fee_timing").take()).await
    }
}
