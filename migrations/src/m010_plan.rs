use crate::index;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // The plan documents the indicators and tasks come from (05/KH-UBND, 121/KH-UBND…).
        m.create_table(
            Table::create()
                .table("plan_documents")
                .col(string("code").primary_key())
                .col(string("title"))
                .col(string("issued_on"))
                .col(string("source_file"))
                .col(timestamp_with_time_zone("created_at"))
                .take(),
        )
        .await?;
        // Tasks assigned by a plan, numbered as the document numbers them (9.1, 9.1.1).
        m.create_table(
            Table::create()
                .table("plan_tasks")
                .col(pk_uuid("id"))
                .col(string("plan_code"))
                .col(string("section"))
                .col(string("number"))
                .col(string("parent_number"))
                .col(text("title"))
                .col(text("lead_agencies"))
                .col(string_null("lead_org_code"))
                .col(text("coordinating_agencies"))
                .col(text("expected_result"))
                .col(date_null("start_on"))
                .col(date_null("deadline_on"))
                .col(string("timeframe"))
                .col(big_integer_null("budget_vnd"))
                .col(string("funding"))
                .col(text("legal_basis"))
                .col(text("result_text"))
                .col(string("source_file"))
                .col(text("source_section"))
                .col(string("status"))
                .col(integer("progress"))
                .col(timestamp_with_time_zone_null("done_at"))
                .col(timestamp_with_time_zone_null("overdue_flagged_at"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(ForeignKey::create().from("plan_tasks", "plan_code").to("plan_documents", "code"))
                .take(),
        )
        .await?;
        let mut key = index("plan_tasks", "idx_plan_tasks_key", &["plan_code", "section", "number"]);
        m.create_index(key.unique().take()).await?;
        m.create_index(index("plan_tasks", "idx_plan_tasks_status", &["status", "deadline_on"])).await?;
        // Which org units lead or coordinate a task: "my tasks" of an agency.
        m.create_table(
            Table::create()
                .table("plan_task_orgs")
                .col(uuid("task_id"))
                .col(string("org_code"))
                .col(string("role"))
                .primary_key(Index::create().col("task_id").col("org_code").col("role"))
                .foreign_key(ForeignKey::create().from("plan_task_orgs", "task_id").to("plan_tasks", "id"))
                .take(),
        )
        .await?;
        m.create_index(index("plan_task_orgs", "idx_plan_task_orgs_org", &["org_code", "role"])).await?;
        // Progress reports of the lead agency, accepted or returned by the assigning office.
        m.create_table(
            Table::create()
                .table("plan_task_reports")
                .col(pk_uuid("id"))
                .col(uuid("task_id"))
                .col(uuid("author_id"))
                .col(string("org_code"))
                .col(integer("progress"))
                .col(boolean("completed"))
                .col(text("note"))
                .col(string_null("blob_hash"))
                .col(string("file_name"))
                .col(string("mime"))
                .col(string("decision"))
                .col(uuid_null("decided_by"))
                .col(timestamp_with_time_zone_null("decided_at"))
                .col(text("decision_note"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(ForeignKey::create().from("plan_task_reports", "task_id").to("plan_tasks", "id"))
                .take(),
        )
        .await?;
        m.create_index(index("plan_task_reports", "idx_plan_task_reports_task", &["task_id", "created_at"])).await?;
        // Indicators: one row each; targets per plan row and period; values per month and org unit.
        m.create_table(
            Table::create()
                .table("indicators")
                .col(string("code").primary_key())
                .col(text("name"))
                .col(string("unit"))
                .col(string("direction"))
                .col(string("query"))
                .col(string("lead_org_codes"))
                .col(timestamp_with_time_zone("created_at"))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("indicator_targets")
                .col(pk_uuid("id"))
                .col(string("indicator_code"))
                .col(string("plan_code"))
                .col(string("section"))
                .col(string("number"))
                .col(integer_null("period_from"))
                .col(integer_null("period_to"))
                .col(double_null("target"))
                .col(string("target_text"))
                .col(text("statement"))
                .col(text("lead_agencies"))
                .col(string("lead_org_codes"))
                .col(text("implementing_agencies"))
                .col(string("implementing_org_codes"))
                .col(text("result_text"))
                .col(string("assessment"))
                .col(string("source_file"))
                .col(text("source_section"))
                .foreign_key(ForeignKey::create().from("indicator_targets", "indicator_code").to("indicators", "code"))
                .foreign_key(ForeignKey::create().from("indicator_targets", "plan_code").to("plan_documents", "code"))
                .take(),
        )
        .await?;
        let mut tkey = index("indicator_targets", "idx_indicator_targets_key", &["plan_code", "section", "number"]);
        m.create_index(tkey.unique().take()).await?;
        m.create_table(
            Table::create()
                .table("indicator_values")
                .col(pk_uuid("id"))
                .col(string("indicator_code"))
                .col(string("period"))
                .col(string("org_code"))
                .col(double_null("value"))
                .col(big_integer("numerator"))
                .col(big_integer("denominator"))
                .col(string("source"))
                .col(string("review"))
                .col(text("note"))
                .col(string_null("evidence_hash"))
                .col(string("evidence_name"))
                .col(uuid_null("reported_by"))
                .col(uuid_null("reviewed_by"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(ForeignKey::create().from("indicator_values", "indicator_code").to("indicators", "code"))
                .take(),
        )
        .await?;
        let mut vkey = index("indicator_values", "idx_indicator_values_key", &["indicator_code", "period", "org_code"]);
        m.create_index(vkey.unique().take()).await?;
        m.create_index(index("indicator_values", "idx_indicator_values_period", &["period", "org_code"])).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["indicator_values", "indicator_targets", "indicators", "plan_task_reports", "plan_task_orgs", "plan_tasks", "plan_documents"] {
            m.drop_table(Table::drop().table(t).take()).await?;
        }
        Ok(())
    }
}
