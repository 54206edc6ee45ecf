//! SeaORM entities of the dossier tables.
pub mod dossier {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "dossiers")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub code: Option<String>,
        pub procedure_code: String,
        pub agency_code: String,
        pub current_unit_code: String,
        pub applicant_id: Uuid,
        pub applicant_name: String,
        pub channel: String,
        pub state: String,
        pub resume_state: Option<String>,
        pub form_data: String,
        pub assigned_to: Option<Uuid>,
        pub step_index: i32,
        pub submitted_at: Option<DateTimeUtc>,
        pub received_at: Option<DateTimeUtc>,
        pub due_at: Option<DateTimeUtc>,
        pub remaining_days: Option<f64>,
        pub finished_at: Option<DateTimeUtc>,
        pub overdue: bool,
        pub apologized: bool,
        /// Inter-agency procedures: when the agency holding the dossier must be done with its part.
        pub stage_due_at: Option<DateTimeUtc>,
        /// JSON list of the required documents' indexes a registry's data replaced.
        pub data_documents: String,
        pub idempotency_key: Option<String>,
        pub fee_vnd: i64,
        /// none | pending | paid | failed
        pub payment_status: String,
        pub version: i32,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod event {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize)]
    #[sea_orm(table_name = "dossier_events")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub dossier_id: Uuid,
        pub at: DateTimeUtc,
        pub actor: String,
        pub action: String,
        pub from_state: Option<String>,
        pub to_state: String,
        pub note: String,
        pub dispatched_at: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
