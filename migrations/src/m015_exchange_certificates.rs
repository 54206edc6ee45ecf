use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // A consumer's credential is an API key (its hash kept) or a client certificate for
        // mutual TLS (its SHA-256 fingerprint kept, the certificate's name shown in place of a
        // key's first letters). Existing rows are keys.
        m.alter_table(Table::alter().table("exchange_credentials").add_column(string("kind").default("key")).take()).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table("exchange_credentials").drop_column("kind").take()).await
    }
}
