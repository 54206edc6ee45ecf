use crate::index;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // The data exchange (LGSP), after X-Road: members are org units, which own subsystems
        // (information systems); a subsystem provides services and consumes others'.
        m.create_table(
            Table::create()
                .table("exchange_subsystems")
                .col(pk_uuid("id"))
                .col(string("member_code"))
                .col(string("code"))
                .col(string("name"))
                .col(integer("rate_per_sec"))
                .col(boolean("active"))
                .col(timestamp_with_time_zone("created_at"))
                .take(),
        )
        .await?;
        let mut ident = index("exchange_subsystems", "idx_exchange_subsystems_ident", &["member_code", "code"]);
        m.create_index(ident.unique().take()).await?;
        m.create_table(
            Table::create()
                .table("exchange_services")
                .col(pk_uuid("id"))
                .col(uuid("subsystem_id"))
                .col(string("code"))
                .col(text("description"))
                .col(text("schema"))
                .col(string("upstream_url"))
                .col(integer("timeout_ms"))
                .col(boolean("personal_data"))
                .col(boolean("log_bodies"))
                .col(boolean("active"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(ForeignKey::create().from("exchange_services", "subsystem_id").to("exchange_subsystems", "id"))
                .take(),
        )
        .await?;
        let mut svc = index("exchange_services", "idx_exchange_services_ident", &["subsystem_id", "code"]);
        m.create_index(svc.unique().take()).await?;
        // API keys are kept as SHA-256 of a random 32-byte key: shown once, never stored.
        m.create_table(
            Table::create()
                .table("exchange_credentials")
                .col(pk_uuid("id"))
                .col(uuid("subsystem_id"))
                .col(string_uniq("key_hash"))
                .col(string("key_prefix"))
                .col(string("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .foreign_key(ForeignKey::create().from("exchange_credentials", "subsystem_id").to("exchange_subsystems", "id"))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("exchange_grants")
                .col(pk_uuid("id"))
                .col(uuid("consumer_id"))
                .col(uuid("service_id"))
                .col(string_null("method"))
                .col(string("path_prefix"))
                .col(text("purpose"))
                .col(string("state"))
                .col(string("requested_by"))
                .col(string_null("decided_by"))
                .col(timestamp_with_time_zone_null("expires_at"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("decided_at"))
                .foreign_key(ForeignKey::create().from("exchange_grants", "consumer_id").to("exchange_subsystems", "id"))
                .foreign_key(ForeignKey::create().from("exchange_grants", "service_id").to("exchange_services", "id"))
                .take(),
        )
        .await?;
        m.create_index(index("exchange_grants", "idx_exchange_grants_pair", &["consumer_id", "service_id"])).await?;
        // The exchange log: one row per call, hash-chained like the audit log, with its head
        // in a row of its own so that removing the newest rows is detected.
        m.create_table(
            Table::create()
                .table("exchange_log")
                .col(big_integer("seq").primary_key())
                .col(uuid("id"))
                .col(timestamp_with_time_zone("at"))
                .col(string("request_id"))
                .col(string("consumer"))
                .col(string("provider"))
                .col(string("service"))
                .col(string("method"))
                .col(text("path"))
                .col(text("purpose"))
                .col(string("subject"))
                .col(integer("status"))
                .col(string("error_code"))
                .col(big_integer("latency_us"))
                .col(string("request_hash"))
                .col(string("response_hash"))
                .col(text_null("request_body"))
                .col(text_null("response_body"))
                .col(string("prev_hash"))
                .col(string("hash"))
                .take(),
        )
        .await?;
        m.create_index(index("exchange_log", "idx_exchange_log_subject", &["subject", "at"])).await?;
        m.create_index(index("exchange_log", "idx_exchange_log_at", &["at"])).await?;
        m.create_table(
            Table::create()
                .table("exchange_log_head")
                .col(integer("id").primary_key())
                .col(big_integer("seq"))
                .col(string("hash"))
                .take(),
        )
        .await?;
        let head = Query::insert()
            .into_table("exchange_log_head")
            .columns(["id", "seq", "hash"])
            .values_panic([1.into(), 0i64.into(), crate::GENESIS.into()])
            .to_owned();
        m.exec_stmt(head).await?;
        // One signed digest per day: the chain head at the day's last call, signed with the
        // key of the unit that runs the exchange.
        m.create_table(
            Table::create()
                .table("exchange_digests")
                .col(string("day").primary_key())
                .col(big_integer("first_seq"))
                .col(big_integer("last_seq"))
                .col(big_integer("calls"))
                .col(string("head_hash"))
                .col(text("signature"))
                .col(string("signer"))
                .col(string("cert_fingerprint"))
                .col(timestamp_with_time_zone("created_at"))
                .take(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["exchange_digests", "exchange_log_head", "exchange_log", "exchange_grants", "exchange_credentials", "exchange_services", "exchange_subsystems"] {
            m.drop_table(Table::drop().table(t).take()).await?;
        }
        Ok(())
    }
}
