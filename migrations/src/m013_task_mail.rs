use crate::index;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // Where an agency is told things by e-mail: its official mailbox, and its staff's
        // work addresses. Both optional: many units have neither on file yet.
        m.alter_table(Table::alter().table("org_units").add_column(string_null("email")).take()).await?;
        m.alter_table(Table::alter().table("users").add_column(string_null("email")).take()).await?;
        // The outbox of notices to a task's lead agency, written in the same transaction as
        // the overdue flag: one row per task and kind, so a notice is queued once and sent
        // once; a failed send stays pending with its backoff. Addresses are read at send time.
        m.create_table(
            Table::create()
                .table("plan_task_mails")
                .col(pk_uuid("id"))
                .col(uuid("task_id"))
                .col(string("kind"))
                .col(string("org_code"))
                .col(string("status"))
                .col(integer("attempts"))
                .col(integer("recipients"))
                .col(text_null("last_error"))
                .col(timestamp_with_time_zone_null("next_attempt_at"))
                .col(timestamp_with_time_zone_null("sent_at"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(ForeignKey::create().from("plan_task_mails", "task_id").to("plan_tasks", "id"))
                .take(),
        )
        .await?;
        m.create_index(index("plan_task_mails", "idx_plan_task_mails_task_kind", &["task_id", "kind"]).unique().take()).await?;
        m.create_index(index("plan_task_mails", "idx_plan_task_mails_due", &["status", "next_attempt_at"])).await?;
        // Reported indicator values: why the lead agency returned one.
        m.alter_table(Table::alter().table("indicator_values").add_column(text("review_note").default("")).take()).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table("indicator_values").drop_column("review_note").take()).await?;
        m.drop_table(Table::drop().table("plan_task_mails").take()).await?;
        m.alter_table(Table::alter().table("users").drop_column("email").take()).await?;
        m.alter_table(Table::alter().table("org_units").drop_column("email").take()).await
    }
}
