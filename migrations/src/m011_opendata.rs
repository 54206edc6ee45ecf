use crate::index;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Open datasets (CKAN "packages"). Tags and extras are read and written with the
        // dataset as a whole, so they are kept as JSON text, portable across backends.
        m.create_table(
            Table::create()
                .table("od_datasets")
                .col(pk_uuid("id"))
                .col(string_uniq("name"))
                .col(string("title"))
                .col(text("notes"))
                .col(string("owner_org"))
                .col(string("license_id"))
                .col(string("author"))
                .col(string("author_email"))
                .col(string("maintainer"))
                .col(string("maintainer_email"))
                .col(string("version"))
                .col(string("url"))
                .col(string("frequency"))
                .col(string("spatial"))
                .col(string("temporal_start"))
                .col(string("temporal_end"))
                .col(string("theme"))
                .col(text("tags"))
                .col(text("extras"))
                .col(boolean("private"))
                .col(string("state"))
                .col(string("source"))
                .col(uuid_null("creator_user_id"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("modified_at"))
                .take(),
        )
        .await?;
        m.create_index(index("od_datasets", "idx_od_datasets_org", &["owner_org"])).await?;
        m.create_index(index("od_datasets", "idx_od_datasets_modified", &["modified_at"])).await?;
        // Files of a dataset: uploaded (kept in the blob store by hash) or linked by URL.
        m.create_table(
            Table::create()
                .table("od_resources")
                .col(pk_uuid("id"))
                .col(uuid("package_id"))
                .col(integer("position"))
                .col(string("name"))
                .col(text("description"))
                .col(string("format"))
                .col(text("url"))
                .col(string("url_type"))
                .col(string_null("blob_hash"))
                .col(string("mimetype"))
                .col(big_integer_null("size"))
                .col(text_null("schema"))
                .col(text_null("report"))
                .col(string("state"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("modified_at"))
                .foreign_key(ForeignKey::create().from("od_resources", "package_id").to("od_datasets", "id"))
                .take(),
        )
        .await?;
        m.create_index(index("od_resources", "idx_od_resources_package", &["package_id", "position"])).await?;
        // API keys of data stewards, kept only as SHA-256 of the token.
        m.create_table(
            Table::create()
                .table("od_api_keys")
                .col(pk_uuid("id"))
                .col(uuid("user_id"))
                .col(string("name"))
                .col(string_uniq("token_hash"))
                .col(boolean("revoked"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(ForeignKey::create().from("od_api_keys", "user_id").to("users", "id"))
                .take(),
        )
        .await?;
        // Views, downloads and API calls per dataset and month (YYYY-MM).
        m.create_table(
            Table::create()
                .table("od_usage")
                .col(uuid("dataset_id"))
                .col(string("month"))
                .col(big_integer("views"))
                .col(big_integer("downloads"))
                .col(big_integer("api_calls"))
                .primary_key(Index::create().col("dataset_id").col("month"))
                .take(),
        )
        .await?;
        // Registered reuses of a dataset: apps, articles, studies.
        m.create_table(
            Table::create()
                .table("od_reuses")
                .col(pk_uuid("id"))
                .col(uuid("dataset_id"))
                .col(string("kind"))
                .col(string("title"))
                .col(text("url"))
                .col(text("description"))
                .col(string("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(ForeignKey::create().from("od_reuses", "dataset_id").to("od_datasets", "id"))
                .take(),
        )
        .await?;
        m.create_index(index("od_reuses", "idx_od_reuses_dataset", &["dataset_id"])).await?;
        // The priority list and roadmap: what each agency owes and by when.
        m.create_table(
            Table::create()
                .table("od_priorities")
                .col(pk_uuid("id"))
                .col(string("org_code"))
                .col(string("title"))
                .col(text("description"))
                .col(date("due_date"))
                .col(string("dataset_name"))
                .col(string("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .take(),
        )
        .await?;
        m.create_index(index("od_priorities", "idx_od_priorities_org", &["org_code", "due_date"])).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["od_priorities", "od_reuses", "od_usage", "od_api_keys", "od_resources", "od_datasets"] {
            m.drop_table(Table::drop().table(t).take()).await?;
        }
        Ok(())
    }
}
