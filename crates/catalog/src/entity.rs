//! SeaORM entity of the procedures table. Nested lists are JSON text (see the migration).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "procedures")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    pub field: String,
    pub level: String,
    pub service_level: String,
    pub target_groups: String,
    pub agencies: String,
    pub processing_days: f64,
    pub processing_note: String,
    pub fees: String,
    pub documents: String,
    pub legal_basis: String,
    pub steps: String,
    pub life_events: String,
    pub aliases: String,
    pub demo_fields: String,
    pub form_fields: String,
    pub fee_timing: String,
    pub source: String,
    pub retired: bool,
    pub version: i32,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
