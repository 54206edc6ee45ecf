use crate::index;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The counters kept per agency and per procedure and month (as they were when this migration
/// was written; the dossier crate's `figures::COUNTERS` names them today).
const COUNTERS: [&str; 17] = [
    "submitted", "received", "finished", "on_time", "late", "in_progress", "overdue", "online", "fully_online", "paid_online",
    "electronic_results", "digitised", "documents", "documents_reused", "ratings", "satisfied", "counter",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Dossier statistics kept up to date in the transaction of every change, so the figures
        // of millions of dossiers are read from a few thousand rows. `dimension` is `agency`
        // (key: the receiving unit's code) or `procedure` (key: the procedure code); `month`
        // is the month of submission in Vietnam's time, YYYY-MM.
        let mut t = Table::create();
        t.table("dossier_figures").col(string("dimension")).col(string("key")).col(string("month"));
        for c in COUNTERS {
            t.col(big_integer(c).default(0));
        }
        t.primary_key(Index::create().col("dimension").col("month").col("key"));
        m.create_table(t.take()).await?;
        // Application forms saved before submission, one per person and procedure.
        m.create_table(
            Table::create()
                .table("dossier_drafts")
                .col(pk_uuid("id"))
                .col(uuid("applicant_id"))
                .col(string("procedure_code"))
                .col(string_null("agency_code"))
                .col(text("form_data"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .take(),
        )
        .await?;
        let mut one = index("dossier_drafts", "idx_dossier_drafts_one", &["applicant_id", "procedure_code"]);
        m.create_index(one.unique().take()).await?;
        // The time limit of the agency holding an inter-agency dossier now (its part of the
        // procedure's legal time).
        m.alter_table(Table::alter().table("dossiers").add_column(timestamp_with_time_zone_null("stage_due_at")).take()).await?;
        // The officer's queue: a unit's open dossiers, overdue first, then by due time; every
        // column it sorts on is in the index, so the sort never reads the rows.
        m.drop_index(Index::drop().name("idx_dossiers_queue").table("dossiers").to_owned()).await?;
        m.create_index(index("dossiers", "idx_dossiers_open_queue", &["current_unit_code", "state", "overdue", "due_at", "submitted_at"])).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("idx_dossiers_open_queue").table("dossiers").to_owned()).await?;
        m.create_index(index("dossiers", "idx_dossiers_queue", &["current_unit_code", "state", "due_at"])).await?;
        m.alter_table(Table::alter().table("dossiers").drop_column("stage_due_at").take()).await?;
        for t in ["dossier_drafts", "dossier_figures"] {
            m.drop_table(Table::drop().table(t).take()).await?;
        }
        Ok(())
    }
}
