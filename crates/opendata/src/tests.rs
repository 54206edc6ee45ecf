//! Store and service tests on a real database (SQLite, or PostgreSQL with TINHSO_TEST_POSTGRES).
#![allow(clippy::unwrap_used, clippy::expect_used)]
use crate::index::{SearchParams, Viewer};
use crate::service::{Actor, OpenData, Settings, viewer_of};
use crate::{Refused, Upload};
use serde_json::{Map, Value, json};
use std::sync::Arc;
use tinhso_core::roles::Role;

const UNITS: &str = include_str!("../../../data/org_units.csv");

pub(crate) async fn setup() -> (Arc<OpenData>, Actor, sea_orm::DatabaseConnection) {
    let (db, _) = tinhso_db::testing::fresh_db().await.unwrap();
    tinhso_identity::org_units::import(&db, "test", tinhso_identity::org_units::parse_csv(UNITS.as_bytes()).unwrap()).await.unwrap();
    let id = tinhso_identity::accounts::create_staff(&db, "test", "dulieu.test", "Cán bộ dữ liệu", "mat-khau-thu-2026", &[(Role::DataSteward, Some("000.00.09.H55".into()))]).await.unwrap();
    let who = tinhso_identity::accounts::principal(&db, id).await.unwrap();
    let dir = std::env::temp_dir().join(format!("tinhso-od-{}", uuid::Uuid::now_v7()));
    let blobs = tinhso_db::blobs::BlobStore::local(&dir).unwrap();
    let od = OpenData::open(db.clone(), blobs, Settings { public_url: "http://cong.test".into(), max_upload_bytes: 1 << 20 }).await.unwrap();
    (od, Actor::Person(who), db)
}

pub(crate) async fn inputs(db: &sea_orm::DatabaseConnection) -> crate::selfpub::Inputs {
    let catalog = tinhso_catalog::Catalog::open(db.clone()).await.unwrap();
    let blobs = tinhso_db::blobs::BlobStore::local(std::env::temp_dir().join("tinhso-od-test-plan-blobs")).unwrap();
    let tasks = Arc::new(tinhso_tasks::Tasks::new(db.clone(), blobs.clone()));
    let indicators = Arc::new(tinhso_indicators::Indicators::new(db.clone(), catalog.clone(), tasks.clone(), blobs, crate::selfpub::PUBLISHER.into()));
    crate::selfpub::Inputs { db: db.clone(), catalog, tasks, indicators }
}

fn obj(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

#[tokio::test]
async fn datasets_are_written_whole_searched_and_deleted() {
    let (od, steward, db) = setup().await;
    let d = od.create(&steward, &obj(json!({"name": "benh-vien", "title": "Bệnh viện công lập", "license_id": "cc-by", "tags": "y tế, bệnh viện", "frequency": "monthly"}))).await.unwrap();
    assert_eq!(d.owner_org, "000.00.09.H55");
    let found = od.index();
    let hits = found.search(&SearchParams { q: "benh vien".into(), rows: 10, facet_fields: vec!["tags".into()], facet_limit: 10, ..Default::default() }, &Viewer::default()).unwrap();
    assert_eq!(hits.count, 1);
    assert_eq!(hits.facets[0].1.len(), 2);
    // A private dataset of another unit cannot be written by this steward.
    let refused = od.create(&steward, &obj(json!({"name": "cua-so-khac", "owner_org": "000.00.04.H55"}))).await.unwrap_err();
    assert!(matches!(refused, Refused::Authorization(_)));

    let (_, r) = od.add_resource(&steward, &obj(json!({"package_id": "benh-vien"})), Some(Upload { file_name: "bv.csv".into(), bytes: b"ten,giuong\nA,10\nB,20\n".to_vec() })).await.unwrap();
    assert!(r.is_tabular());
    let d = od.get("benh-vien", &Viewer::default()).await.unwrap();
    let table = od.table(&d.resources[0]).await.unwrap();
    assert_eq!(table.len(), 2);
    let too_big = od.add_resource(&steward, &obj(json!({"package_id": "benh-vien"})), Some(Upload { file_name: "x.csv".into(), bytes: vec![b'a'; (1 << 20) + 1] })).await.unwrap_err();
    assert!(matches!(too_big, Refused::Validation(f) if f.contains_key("upload")));

    let p = od.update(&steward, &obj(json!({"id": "benh-vien", "private": true})), true).await.unwrap();
    assert!(p.private && p.tags.len() == 2 && p.resources.len() == 1);
    assert!(od.get("benh-vien", &Viewer::default()).await.is_err(), "private: hidden from the public");
    let steward_view = match &steward { Actor::Person(p) => viewer_of(Some(p)), Actor::System(_) => unreachable!() };
    assert!(od.get("benh-vien", &steward_view).await.is_ok());
    od.delete(&steward, "benh-vien").await.unwrap();
    assert!(od.index().docs.is_empty());
    let stored = crate::store::find(&db, "benh-vien").await.unwrap().unwrap();
    assert_eq!(stored.state, "deleted");
    assert_eq!(stored.resources.len(), 1, "the resource row is kept with its dataset");
}

#[tokio::test]
async fn api_keys_are_kept_hashed_and_can_be_revoked() {
    let (od, steward, _) = setup().await;
    let Actor::Person(who) = steward else { unreachable!() };
    let (info, token) = od.create_key(&who, "đồng bộ").await.unwrap();
    assert!(token.starts_with("tso_"));
    assert_eq!(od.principal_by_key(&token).await.unwrap().unwrap().user_id, who.user_id);
    let row = <crate::entity::api_key::Entity as sea_orm::EntityTrait>::find_by_id(info.id).one(od.db()).await.unwrap().unwrap();
    assert!(!row.token_hash.contains(&token[4..]), "only the hash is stored");
    od.revoke_key(&who, info.id).await.unwrap();
    assert!(od.principal_by_key(&token).await.unwrap().is_none());
    assert!(od.principal_by_key("tso_khong_co").await.unwrap().is_none());
}

#[tokio::test]
async fn self_published_statistics_refresh_and_hide_small_counts() {
    let (od, _, db) = setup().await;
    assert_eq!(crate::selfpub::suppress(3), "");
    assert_eq!(crate::selfpub::suppress(0), "0");
    assert_eq!(crate::selfpub::suppress(12), "12");
    let inputs = inputs(&db).await;
    let n = crate::selfpub::publish_all(&od, &inputs).await;
    // No plan imported yet: the plan's three datasets wait, rather than appear empty.
    assert_eq!(n, crate::selfpub::sources().len() - 3);
    for empty in ["chi-tieu-ke-hoach-chinh-quyen-so", "tien-do-nhiem-vu-ke-hoach", "kinh-phi-chuyen-doi-so"] {
        assert!(od.get(empty, &Viewer::default()).await.is_err(), "{empty} published without data");
    }
    let units = od.get("danh-sach-co-quan-don-vi", &Viewer::default()).await.unwrap();
    assert_eq!(units.owner_org, "000.00.02.H55");
    let table = od.table(&units.resources[0]).await.unwrap();
    assert_eq!(table.len(), UNITS.lines().count() - 1, "every org unit, one row each");
    let holidays = od.get("lich-ngay-nghi-le", &Viewer::default()).await.unwrap();
    assert!(od.table(&holidays.resources[0]).await.unwrap().len() > 10);
    assert_eq!(crate::selfpub::publish_all(&od, &inputs).await, 0, "unchanged data is not republished");
    assert!(units.source.starts_with("self:"));
}

#[tokio::test]
async fn the_roadmap_tells_published_late_and_pending() {
    let (od, steward, db) = setup().await;
    od.create(&steward, &obj(json!({"name": "co-so-kham-benh", "license_id": "cc-by"}))).await.unwrap();
    od.add_priority(&steward, "000.00.09.H55", "Cơ sở khám bệnh", "", "2099-01-01", "co-so-kham-benh").await.unwrap();
    od.add_priority(&steward, "000.00.09.H55", "Nhà thuốc", "", "2020-01-01", "").await.unwrap();
    od.add_priority(&steward, "000.00.09.H55", "Phòng khám tư", "", "2099-01-01", "").await.unwrap();
    assert!(od.add_priority(&steward, "000.00.04.H55", "Không phải của tôi", "", "2099-01-01", "").await.is_err());
    let rows = od.roadmap().await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].owed, rows[0].published, rows[0].late, rows[0].pending), (3, 1, 1, 1));
    assert_eq!(crate::seed::seed_demo(&db).await.unwrap(), 0, "the demo roadmap is only written into an empty one");
}
