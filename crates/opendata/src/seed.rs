//! Demo data of the portal that needs no files: the priority list and roadmap of a few
//! agencies (some published by the self-published datasets, one late, some not yet due).
//! The datasets themselves come from [`crate::selfpub`], which publishes the platform's own
//! data (procedures, org units, holidays, dossier figures) when the app starts.
use crate::entity::priority;
use chrono::{NaiveDate, Utc};
use sea_orm::{ActiveValue::Set, DatabaseConnection, EntityTrait, PaginatorTrait};
use tinhso_audit::Entry;
use tinhso_core::Result;
use tinhso_db::db_error;

/// (unit, dataset owed, due in days from the seeding day, the dataset that fulfils it). Due
/// dates are relative so that the demo shows every status whenever it is seeded.
const ROADMAP: &[(&str, &str, i64, &str)] = &[
    ("000.00.14.H55", "Danh mục thủ tục hành chính của tỉnh", 30, "danh-muc-thu-tuc-hanh-chinh"),
    ("000.00.14.H55", "Số liệu giải quyết hồ sơ theo cơ quan và tháng", 60, "so-lieu-ho-so-theo-co-quan-thang"),
    ("000.00.02.H55", "Danh sách cơ quan, đơn vị hành chính", 30, "danh-sach-co-quan-don-vi"),
    ("000.00.09.H55", "Danh sách cơ sở khám bệnh, chữa bệnh", -45, ""),
    ("000.00.10.H55", "Danh sách trường học các cấp", 180, ""),
    ("000.00.03.H55", "Điểm phát sóng wifi công cộng miễn phí", 120, ""),
];

/// Writes the demo roadmap once; returns how many items it added.
pub async fn seed_demo(db: &DatabaseConnection) -> Result<usize> {
    if priority::Entity::find().count(db).await.map_err(db_error)? > 0 {
        return Ok(0);
    }
    let today: NaiveDate = Utc::now().with_timezone(&tinhso_core::calendar::vietnam()).date_naive();
    let tx = tinhso_audit::begin(db).await?;
    for (org, title, due, dataset) in ROADMAP {
        let id = tinhso_core::new_id();
        priority::Entity::insert(priority::ActiveModel {
            id: Set(id),
            org_code: Set((*org).to_owned()),
            title: Set((*title).to_owned()),
            description: Set(String::new()),
            due_date: Set(today + chrono::Duration::days(*due)),
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
