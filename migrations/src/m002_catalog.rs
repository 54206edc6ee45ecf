use crate::index;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Nested parts of a procedure (documents, fees, steps…) are kept as JSON text: they are
        // read and written with the procedure as a whole, and text is portable across backends.
        m.create_table(
            Table::create()
                .table("procedures")
                .col(pk_uuid("id"))
                .col(string_uniq("code"))
                .col(string("name"))
                .col(string("field"))
                .col(string("level"))
                .col(string("service_level"))
                .col(text("target_groups"))
                .col(text("agencies"))
                .col(double("processing_days"))
                .col(text("processing_note"))
                .col(text("fees"))
                .col(text("documents"))
                .col(text("legal_basis"))
                .col(text("steps"))
                .col(text("life_events"))
                .col(text("aliases"))
                .col(text("demo_fields"))
                .col(text("source"))
                .col(boolean("retired"))
                .col(integer("version"))
                .col(timestamp_with_time_zone("updated_at"))
                .take(),
        )
        .await?;
        m.create_index(index("procedures", "idx_procedures_updated", &["updated_at"])).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("procedures").take()).await
    }
}
