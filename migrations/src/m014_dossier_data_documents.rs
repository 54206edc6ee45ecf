use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Give-once: the required documents (their indexes in the procedure's list, as JSON)
        // that the applicant was not asked for because a registry held the data at submission.
        m.alter_table(Table::alter().table("dossiers").add_column(text("data_documents").default("[]")).take()).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table("dossiers").drop_column("data_documents").take()).await
    }
}
