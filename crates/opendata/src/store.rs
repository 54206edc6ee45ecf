//! Rows to datasets and back. A dataset is written whole (its row and its resources) inside
//! the caller's transaction.
use crate::entity::{dataset, resource};
use crate::model::{Dataset, Resource};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;
use tinhso_core::{Error, Result};
use tinhso_db::db_error;
use uuid::Uuid;

fn json_list<T: serde::de::DeserializeOwned>(s: &str) -> Vec<T> {
    serde_json::from_str(s).unwrap_or_default()
}

fn to_resource(m: resource::Model) -> Resource {
    Resource {
        id: m.id,
        package_id: m.package_id,
        position: m.position,
        name: m.name,
        description: m.description,
        format: m.format,
        url: m.url,
        url_type: m.url_type,
        blob_hash: m.blob_hash,
        mimetype: m.mimetype,
        size: m.size,
        schema: m.schema.and_then(|s| serde_json::from_str(&s).ok()),
        report: m.report.and_then(|s| serde_json::from_str(&s).ok()),
        state: m.state,
        created_at: m.created_at,
        modified_at: m.modified_at,
    }
}

fn to_dataset(m: dataset::Model, resources: Vec<Resource>) -> Dataset {
    let extras: Vec<(String, String)> = json_list(&m.extras);
    Dataset {
        id: m.id,
        name: m.name,
        title: m.title,
        notes: m.notes,
        owner_org: m.owner_org,
        license_id: m.license_id,
        author: m.author,
        author_email: m.author_email,
        maintainer: m.maintainer,
        maintainer_email: m.maintainer_email,
        version: m.version,
        url: m.url,
        frequency: m.frequency,
        spatial: m.spatial,
        temporal_start: m.temporal_start,
        temporal_end: m.temporal_end,
        theme: m.theme,
        tags: json_list(&m.tags),
        extras,
        private: m.private,
        state: m.state,
        source: m.source,
        creator_user_id: m.creator_user_id,
        created_at: m.created_at,
        modified_at: m.modified_at,
        resources,
    }
}

fn dataset_row(d: &Dataset) -> Result<dataset::ActiveModel> {
    Ok(dataset::ActiveModel {
        id: Set(d.id),
        name: Set(d.name.clone()),
        title: Set(d.title.clone()),
        notes: Set(d.notes.clone()),
        owner_org: Set(d.owner_org.clone()),
        license_id: Set(d.license_id.clone()),
        author: Set(d.author.clone()),
        author_email: Set(d.author_email.clone()),
        maintainer: Set(d.maintainer.clone()),
        maintainer_email: Set(d.maintainer_email.clone()),
        version: Set(d.version.clone()),
        url: Set(d.url.clone()),
        frequency: Set(d.frequency.clone()),
        spatial: Set(d.spatial.clone()),
        temporal_start: Set(d.temporal_start.clone()),
        temporal_end: Set(d.temporal_end.clone()),
        theme: Set(d.theme.clone()),
        tags: Set(serde_json::to_string(&d.tags).map_err(Error::other)?),
        extras: Set(serde_json::to_string(&d.extras).map_err(Error::other)?),
        private: Set(d.private),
        state: Set(d.state.clone()),
        source: Set(d.source.clone()),
        creator_user_id: Set(d.creator_user_id),
        created_at: Set(d.created_at),
        modified_at: Set(d.modified_at),
    })
}

fn resource_row(r: &Resource) -> Result<resource::ActiveModel> {
    let json = |v: Option<String>| v;
    Ok(resource::ActiveModel {
        id: Set(r.id),
        package_id: Set(r.package_id),
        position: Set(r.position),
        name: Set(r.name.clone()),
        description: Set(r.description.clone()),
        format: Set(r.format.clone()),
        url: Set(r.url.clone()),
        url_type: Set(r.url_type.clone()),
        blob_hash: Set(r.blob_hash.clone()),
        mimetype: Set(r.mimetype.clone()),
        size: Set(r.size),
        schema: Set(json(r.schema.as_ref().map(serde_json::to_string).transpose().map_err(Error::other)?)),
        report: Set(json(r.report.as_ref().map(serde_json::to_string).transpose().map_err(Error::other)?)),
        state: Set(r.state.clone()),
        created_at: Set(r.created_at),
        modified_at: Set(r.modified_at),
    })
}

/// Inserts or replaces the dataset and every one of its resources.
pub async fn save<C: ConnectionTrait>(db: &C, d: &Dataset, is_new: bool) -> Result<()> {
    if is_new {
        dataset::Entity::insert(dataset_row(d)?).exec_without_returning(db).await.map_err(db_error)?;
    } else {
        dataset::Entity::update(dataset_row(d)?).exec(db).await.map_err(db_error)?;
    }
    let existing: Vec<Uuid> = resource::Entity::find().select_only().column(resource::Column::Id).filter(resource::Column::PackageId.eq(d.id)).into_tuple().all(db).await.map_err(db_error)?;
    for r in &d.resources {
        if existing.contains(&r.id) {
            resource::Entity::update(resource_row(r)?).exec(db).await.map_err(db_error)?;
        } else {
            resource::Entity::insert(resource_row(r)?).exec_without_returning(db).await.map_err(db_error)?;
        }
    }
    Ok(())
}

async fn with_resources<C: ConnectionTrait>(db: &C, rows: Vec<dataset::Model>) -> Result<Vec<Dataset>> {
    let ids: Vec<Uuid> = rows.iter().map(|d| d.id).collect();
    let mut by_pkg: HashMap<Uuid, Vec<Resource>> = HashMap::new();
    for chunk in ids.chunks(500) {
        let res = resource::Entity::find()
            .filter(resource::Column::PackageId.is_in(chunk.to_vec()))
            .order_by_asc(resource::Column::Position)
            .all(db)
            .await
            .map_err(db_error)?;
        for r in res {
            by_pkg.entry(r.package_id).or_default().push(to_resource(r));
        }
    }
    Ok(rows.into_iter().map(|m| {
        let res = by_pkg.remove(&m.id).unwrap_or_default();
        to_dataset(m, res)
    }).collect())
}

/// A dataset by name or id, deleted ones included.
pub async fn find<C: ConnectionTrait>(db: &C, name_or_id: &str) -> Result<Option<Dataset>> {
    let cond = match Uuid::parse_str(name_or_id) {
        Ok(id) => dataset::Column::Id.eq(id),
        Err(_) => dataset::Column::Name.eq(name_or_id),
    };
    let Some(row) = dataset::Entity::find().filter(cond).one(db).await.map_err(db_error)? else { return Ok(None) };
    Ok(with_resources(db, vec![row]).await?.pop())
}

/// Every dataset, deleted ones included (for the search index and the stale list).
pub async fn all<C: ConnectionTrait>(db: &C) -> Result<Vec<Dataset>> {
    let rows = dataset::Entity::find().order_by_asc(dataset::Column::Name).all(db).await.map_err(db_error)?;
    with_resources(db, rows).await
}

/// The dataset a resource belongs to.
pub async fn package_of_resource<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<Option<Dataset>> {
    let Some(r) = resource::Entity::find_by_id(id).one(db).await.map_err(db_error)? else { return Ok(None) };
    find(db, &r.package_id.to_string()).await
}

/// A cheap fingerprint of the datasets table: changes whenever any dataset is written.
pub async fn stamp<C: ConnectionTrait>(db: &C) -> Result<(u64, Option<chrono::DateTime<chrono::Utc>>)> {
    let count = dataset::Entity::find().count(db).await.map_err(db_error)?;
    let newest: Option<chrono::DateTime<chrono::Utc>> = dataset::Entity::find()
        .select_only()
        .column_as(dataset::Column::ModifiedAt.max(), "m")
        .into_tuple::<Option<chrono::DateTime<chrono::Utc>>>()
        .one(db)
        .await
        .map_err(db_error)?
        .flatten();
    Ok((count, newest))
}
