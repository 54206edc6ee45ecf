//! The indicators' tables. Other modules read indicators through [`crate::Indicators`].

pub mod indicator {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "indicators")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub code: String,
        pub name: String,
        pub unit: String,
        pub direction: String,
        /// The named query computing it from live data; empty: reported by agencies.
        pub query: String,
        pub lead_org_codes: String,
        pub created_at: DateTimeUtc,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

pub mod target {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "indicator_targets")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub indicator_code: String,
        pub plan_code: String,
        pub section: String,
        pub number: String,
        pub period_from: Option<i32>,
        pub period_to: Option<i32>,
        pub target: Option<f64>,
        pub target_text: String,
        pub statement: String,
        pub lead_agencies: String,
        pub lead_org_codes: String,
        pub implementing_agencies: String,
        pub implementing_org_codes: String,
        pub result_text: String,
        pub assessment: String,
        pub source_file: String,
        pub source_section: String,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}

pub mod value {
    use sea_orm::entity::prelude::*;
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "indicator_values")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub indicator_code: String,
        /// YYYY-MM
        pub period: String,
        pub org_code: String,
        pub value: Option<f64>,
        pub numerator: i64,
        pub denominator: i64,
        /// computed | reported
        pub source: String,
        /// For reported values: pending | approved | returned; computed values: approved.
        pub review: String,
        pub note: String,
        pub evidence_hash: Option<String>,
        pub evidence_name: String,
        pub reported_by: Option<Uuid>,
        pub reviewed_by: Option<Uuid>,
        pub updated_at: DateTimeUtc,
        /// Why the lead agency returned a reported value.
        pub review_note: String,
    }
    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}
    impl ActiveModelBehavior for ActiveModel {}
}
