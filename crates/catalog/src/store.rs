//! Storage of procedures. Every write goes through one audited transaction.
use crate::entity::{self, ActiveModel, Column, Entity};
use crate::model::Procedure;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use tinhso_core::{Error, Result};
use tinhso_db::db_error;

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".into())
}

fn parse<T: serde::de::DeserializeOwned + Default>(s: &str) -> T {
    serde_json::from_str(s).unwrap_or_default()
}

pub(crate) fn from_row(m: entity::Model) -> Procedure {
    Procedure {
        code: m.code,
        name: m.name,
        aliases: parse(&m.aliases),
        field: m.field,
        level: m.level,
        agencies: parse(&m.agencies),
        processing_days: m.processing_days,
        processing_note: m.processing_note,
        fees: parse(&m.fees),
        documents: parse(&m.documents),
        service_level: m.service_level,
        target_groups: parse(&m.target_groups),
        legal_basis: parse(&m.legal_basis),
        steps: parse(&m.steps),
        life_events: parse(&m.life_events),
        demo_fields: parse(&m.demo_fields),
        form_fields: parse(&m.form_fields),
        fee_timing: m.fee_timing,
        source: m.source,
        retired: m.retired,
        version: m.version,
    }
}

fn to_row(id: uuid::Uuid, p: &Procedure) -> ActiveModel {
    ActiveModel {
        id: Set(id),
        code: Set(p.code.clone()),
        name: Set(p.name.clone()),
        field: Set(p.field.clone()),
        level: Set(p.level.clone()),
        service_level: Set(p.service_level.clone()),
        target_groups: Set(json(&p.target_groups)),
        agencies: Set(json(&p.agencies)),
        processing_days: Set(p.processing_days),
        processing_note: Set(p.processing_note.clone()),
        fees: Set(json(&p.fees)),
        documents: Set(json(&p.documents)),
        legal_basis: Set(json(&p.legal_basis)),
        steps: Set(json(&p.steps)),
        life_events: Set(json(&p.life_events)),
        aliases: Set(json(&p.aliases)),
        demo_fields: Set(json(&p.demo_fields)),
        form_fields: Set(json(&p.form_fields)),
        fee_timing: Set(p.fee_timing.clone()),
        source: Set(p.source.clone()),
        retired: Set(p.retired),
        version: Set(p.version),
        updated_at: Set(chrono::Utc::now()),
    }
}

pub async fn get<C: ConnectionTrait>(db: &C, code: &str) -> Result<Procedure> {
    Entity::find()
        .filter(Column::Code.eq(code))
        .one(db)
        .await
        .map_err(db_error)?
        .map(from_row)
        .ok_or_else(|| Error::not_found(format!("thủ tục mã {code}")))
}

async fn id_of<C: ConnectionTrait>(db: &C, code: &str) -> Result<Option<uuid::Uuid>> {
    let row = Entity::find().filter(Column::Code.eq(code)).select_only().column(Column::Id).into_tuple::<uuid::Uuid>().one(db).await;
    row.map_err(db_error)
}

/// Inserts a new procedure; its code must not exist yet.
pub async fn insert<C: ConnectionTrait>(db: &C, p: &Procedure) -> Result<()> {
    if id_of(db, &p.code).await?.is_some() {
        return Err(Error::conflict("duplicate_code", format!("Mã thủ tục {} đã có trong danh mục.", p.code)));
    }
    Entity::insert(to_row(tinhso_core::new_id(), p)).exec_without_returning(db).await.map_err(db_error)?;
    Ok(())
}

/// Replaces a stored procedure if its version is still `expected_version`.
pub async fn replace<C: ConnectionTrait>(db: &C, p: &Procedure, expected_version: i32) -> Result<()> {
    let id = id_of(db, &p.code).await?.ok_or_else(|| Error::not_found(format!("thủ tục mã {}", p.code)))?;
    let res = Entity::update_many()
        .set(to_row(id, p))
        .filter(Column::Id.eq(id))
        .filter(Column::Version.eq(expected_version))
        .exec(db)
        .await
        .map_err(db_error)?;
    if res.rows_affected == 0 {
        return Err(Error::conflict("version_conflict", "Thủ tục vừa được người khác sửa. Hãy tải lại rồi sửa tiếp."));
    }
    Ok(())
}

pub async fn all(db: &DatabaseConnection) -> Result<Vec<Procedure>> {
    Ok(Entity::find().order_by_asc(Column::Code).all(db).await.map_err(db_error)?.into_iter().map(from_row).collect())
}

/// A cheap fingerprint of the table, so each node notices changes made by others.
pub async fn stamp(db: &DatabaseConnection) -> Result<(u64, Option<chrono::DateTime<chrono::Utc>>)> {
    let n = Entity::find().count(db).await.map_err(db_error)?;
    let newest = Entity::find()
        .select_only()
        .column(Column::UpdatedAt)
        .order_by_desc(Column::UpdatedAt)
        .into_tuple::<chrono::DateTime<chrono::Utc>>()
        .one(db)
        .await
        .map_err(db_error)?;
    Ok((n, newest))
}
