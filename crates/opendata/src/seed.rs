//! Demo data of the portal that needs no files: the priority list and roadmap of a few
//! agencies (some published by the self-published datasets, one late, some not yet due).
//! The datasets themselves come from [`crate::selfpub`], which publishes the platform's own
//! data (procedures, org units, holidays, dossier figures) when the app starts.
use crate::entity::priority;
use chrono::{NaiveDate, Utc};
use sea_orm::{ActiveValue::Set, DatabaseConnection, EntityTrait, PaginatorTrait};
use tinhso_audit::Entry;
use tinhso_core::{Error, Result};
use tinhso_db::db_error;

/// (unit, dataset owed, due date, the dataset that fulfils it).
const ROADMAP: &[(&str, &str, &str, &str)] = &[
    ("000.00.14.H55", "Danh mục thủ tục hành chính của tỉnh", "2026-06-30", "danh-muc-thu-tuc-hanh-chinh"),
    ("000.00.14.H55", "Số liệu giải quyết hồ sơ theo cơ quan và tháng", "2026-09-30", "so-lieu-ho-so-theo-co-quan-thang"),
    ("000.00.02.H55", "Danh sách cơ quan, đơn vị hành chính", "2026-03-31", "danh-sach-co-quan-don-vi"),
    ("000.00.09.H55", "Danh sách cơ sở khám bệnh, chữa bệnh", "2026-03-31", ""),
    ("000.00.10.H55", "Danh sách trường học các cấp", "2027-06-30", ""),
    ("000.00.03.H55", "Điểm phát sóng wifi công cộng miễn phí", "2027-03-31", ""),
];

/// Writes the demo roadmap once; returns how many items it added.
pub async fn seed_demo(db: &DatabaseConnection) -> Result<usize> {
    if priority::Entity::find().count(db).await.map_err(db_error)? > 0 {
        return Ok(0);
    }
    let tx = tinhso_audit::begin(db).await?;
    for (org, title, due, dataset) in ROADMAP {
        let id = tinhso_core::new_id();
        priority::Entity::insert(priority::ActiveModel {
            id: Set(id),
            org_code: Set((*org).to_owned()),
            title: Set((*title).to_owned()),
            description: Set(String::new()),
            due_date: Set(NaiveDate::parse_from_str(due, "%Y-%m-%d").map_err(Error::other)?),
            dataset_name: Set((*dataset).to_owned()),
            created_by: Set("system:seed-demo".into()),
            created_at: Set(Utc::now()),
        })
        .exec_without_returning(&tx)
        .await
        .map_err(db_error)?;
        tinhso_audit::record(&tx, Entry::new("system:seed-demo", "opendata.priority.create", format!("priority:{id}"))).await?;
    }
    tx.commit().await.map_err(db_error)?;
    Ok(ROADMAP.len())
}
