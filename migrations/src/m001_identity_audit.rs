use crate::index;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("org_units")
                .col(pk_uuid("id"))
                .col(string_uniq("code"))
                .col(string("name"))
                .col(string("kind"))
                .col(uuid_null("parent_id"))
                .col(boolean("demo"))
                .col(string("source"))
                .foreign_key(ForeignKey::create().from("org_units", "parent_id").to("org_units", "id"))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("users")
                .col(pk_uuid("id"))
                .col(string("kind"))
                .col(string_uniq("login"))
                .col(string("full_name"))
                .col(string("password_hash"))
                .col(boolean("active"))
                .col(timestamp_with_time_zone("created_at"))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("role_assignments")
                .col(pk_uuid("id"))
                .col(uuid("user_id"))
                .col(string("role"))
                .col(uuid_null("org_unit_id"))
                .foreign_key(ForeignKey::create().from("role_assignments", "user_id").to("users", "id"))
                .foreign_key(ForeignKey::create().from("role_assignments", "org_unit_id").to("org_units", "id"))
                .take(),
        )
        .await?;
        m.create_index(index("role_assignments", "idx_roles_user", &["user_id"])).await?;
        m.create_table(
            Table::create()
                .table("sessions")
                .col(string("id").primary_key())
                .col(text("data"))
                .col(timestamp_with_time_zone("expires_at"))
                .take(),
        )
        .await?;
        m.create_index(index("sessions", "idx_sessions_expiry", &["expires_at"])).await?;
        m.create_table(
            Table::create()
                .table("login_failures")
                .col(pk_uuid("id"))
                .col(string("key"))
                .col(timestamp_with_time_zone("at"))
                .take(),
        )
        .await?;
        m.create_index(index("login_failures", "idx_login_failures_key", &["key", "at"])).await?;
        m.create_table(
            Table::create()
                .table("audit_log")
                .col(big_integer("seq").primary_key())
                .col(uuid("id"))
                .col(timestamp_with_time_zone("at"))
                .col(string("actor"))
                .col(string("action"))
                .col(string("subject"))
                .col(string("purpose"))
                .col(text("detail"))
                .col(string("prev_hash"))
                .col(string("hash"))
                .take(),
        )
        .await?;
        m.create_index(index("audit_log", "idx_audit_subject", &["subject"])).await?;
        // The head of the hash chain: one row, updated in every transaction that appends, so
        // appends are serialised on both backends and a deleted tail row is detected.
        m.create_table(
            Table::create()
                .table("audit_head")
                .col(integer("id").primary_key())
                .col(big_integer("seq"))
                .col(string("hash"))
                .take(),
        )
        .await?;
        let seed = Query::insert()
            .into_table("audit_head")
            .columns(["id", "seq", "hash"])
            .values_panic([1.into(), 0i64.into(), GENESIS.into()])
            .take();
        m.exec_stmt(seed).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["audit_head", "audit_log", "login_failures", "sessions", "role_assignments", "users", "org_units"] {
            m.drop_table(Table::drop().table(t).take()).await?;
        }
        Ok(())
    }
}

/// The hash that the first audit row points back to.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
