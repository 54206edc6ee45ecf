use crate::index;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One row per outbox event and channel: it makes a send that succeeded never happen
        // again, and carries the retry count and backoff of one that failed. The recipient
        // is kept only as a hash, to answer "was this number told?" without storing it twice.
        m.create_table(
            Table::create()
                .table("notifications")
                .col(pk_uuid("id"))
                .col(uuid("event_id"))
                .col(uuid("dossier_id"))
                .col(string("channel"))
                .col(string("recipient_hash"))
                .col(string("status"))
                .col(integer("attempts"))
                .col(text_null("last_error"))
                .col(timestamp_with_time_zone_null("next_attempt_at"))
                .col(timestamp_with_time_zone_null("sent_at"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(ForeignKey::create().from("notifications", "event_id").to("dossier_events", "id"))
                .foreign_key(ForeignKey::create().from("notifications", "dossier_id").to("dossiers", "id"))
                .take(),
        )
        .await?;
        m.create_index(index("notifications", "idx_notifications_event_channel", &["event_id", "channel"]).unique().take()).await?;
        m.create_index(index("notifications", "idx_notifications_retry", &["status", "next_attempt_at"])).await?;
        m.create_index(index("notifications", "idx_notifications_dossier", &["dossier_id"])).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("notifications").take()).await
    }
}
