use crate::index;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // The application form of each procedure, defined in the catalogue.
        m.alter_table(Table::alter().table("procedures").add_column(text("form_fields").default("[]")).take()).await?;
        m.create_table(
            Table::create()
                .table("dossiers")
                .col(pk_uuid("id"))
                .col(string_null("code").unique_key())
                .col(string("procedure_code"))
                .col(string("agency_code"))
                .col(string("current_unit_code"))
                .col(uuid("applicant_id"))
                .col(string("applicant_name"))
                .col(string("channel"))
                .col(string("state"))
                .col(string_null("resume_state"))
                .col(text("form_data"))
                .col(uuid_null("assigned_to"))
                .col(integer("step_index"))
                .col(timestamp_with_time_zone_null("submitted_at"))
                .col(timestamp_with_time_zone_null("received_at"))
                .col(timestamp_with_time_zone_null("due_at"))
                .col(double_null("remaining_days"))
                .col(timestamp_with_time_zone_null("finished_at"))
                .col(boolean("overdue"))
                .col(boolean("apologized"))
                .col(string_null("idempotency_key"))
                .col(integer("version"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .take(),
        )
        .await?;
        let mut idem = index("dossiers", "idx_dossiers_idempotency", &["applicant_id", "idempotency_key"]);
        m.create_index(idem.unique().take()).await?;
        m.create_index(index("dossiers", "idx_dossiers_queue", &["current_unit_code", "state", "due_at"])).await?;
        m.create_index(index("dossiers", "idx_dossiers_applicant", &["applicant_id", "created_at"])).await?;
        // The last sequence number given per agency and day: incremented in the transaction
        // that creates the dossier, so codes are unique and leave no gaps.
        m.create_table(
            Table::create()
                .table("dossier_sequences")
                .col(string("agency_code"))
                .col(string("day"))
                .col(integer("last"))
                .primary_key(Index::create().col("agency_code").col("day"))
                .take(),
        )
        .await?;
        // Each transition, written with the state change: the timeline, and the outbox that
        // background jobs read (notifications, statistics).
        m.create_table(
            Table::create()
                .table("dossier_events")
                .col(pk_uuid("id"))
                .col(uuid("dossier_id"))
                .col(timestamp_with_time_zone("at"))
                .col(string("actor"))
                .col(string("action"))
                .col(string_null("from_state"))
                .col(string("to_state"))
                .col(text("note"))
                .col(timestamp_with_time_zone_null("dispatched_at"))
                .foreign_key(ForeignKey::create().from("dossier_events", "dossier_id").to("dossiers", "id"))
                .take(),
        )
        .await?;
        m.create_index(index("dossier_events", "idx_dossier_events_dossier", &["dossier_id", "at"])).await?;
        m.create_index(index("dossier_events", "idx_dossier_events_outbox", &["dispatched_at"])).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["dossier_events", "dossier_sequences", "dossiers"] {
            m.drop_table(Table::drop().table(t).take()).await?;
        }
        m.alter_table(Table::alter().table("procedures").drop_column("form_fields").take()).await
    }
}
