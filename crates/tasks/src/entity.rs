//! The tables of plans and their tasks. Other modules never touch them: they call
//! [`crate::Tasks`] or the importer in [`crate::import`].

pub mod plan {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "plan_documents")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub code: String,
        pub title: String,
        pub issued_on: String,
        pub source_file: String,
        pub created_at: DateTimeUtc,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

pub mod task {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "plan_tasks")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub plan_code: String,
        pub section: String,
        pub number: String,
        pub parent_number: String,
        pub title: String,
        pub lead_agencies: String,
        pub lead_org_code: Option<String>,
        pub coordinating_agencies: String,
        pub expected_result: String,
        pub start_on: Option<Date>,
        pub deadline_on: Option<Date>,
        pub timeframe: String,
        pub budget_vnd: Option<i64>,
        pub funding: String,
        pub legal_basis: String,
        pub result_text: String,
        pub source_file: String,
        pub source_section: String,
        pub status: String,
        pub progress: i32,
        pub done_at: Option<DateTimeUtc>,
        pub overdue_flagged_at: Option<DateTimeUtc>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

pub mod task_org {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "plan_task_orgs")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub task_id: Uuid,
        #[sea_orm(primary_key, auto_increment = false)]
        pub org_code: String,
        #[sea_orm(primary_key, auto_increment = false)]
        pub role: String,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

pub mod report {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "plan_task_reports")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub task_id: Uuid,
        pub author_id: Uuid,
        pub org_code: String,
        pub progress: i32,
        pub completed: bool,
        pub note: String,
        pub blob_hash: Option<String>,
        pub file_name: String,
        pub mime: String,
        pub decision: String,
        pub decided_by: Option<Uuid>,
        pub decided_at: Option<DateTimeUtc>,
        pub decision_note: String,
        pub created_at: DateTimeUtc,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}
