//! Catalogue storage and import on a real database.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use tinhso_catalog::{Catalog, import};
use tinhso_identity::org_units;

async fn setup() -> (sea_orm::DatabaseConnection, std::sync::Arc<Catalog>) {
    let (db, _) = tinhso_db::testing::fresh_db().await.unwrap();
    let units = org_units::parse_csv(include_str!("../../../data/org_units.csv").as_bytes()).unwrap();
    org_units::import(&db, "test", units).await.unwrap();
    let catalog = Catalog::open(db.clone()).await.unwrap();
    (db, catalog)
}

fn demo_rows() -> Vec<import::Row> {
    import::parse_json(tinhso_catalog::DEMO_PROCEDURES.as_bytes()).unwrap()
}

#[tokio::test]
async fn the_demo_catalogue_imports_and_is_searchable() {
    let (_db, catalog) = setup().await;
    let report = catalog.import("test", demo_rows(), false).await.unwrap();
    assert!(report.created >= 80, "{report:?}");
    assert_eq!(catalog.index().len(), report.created);
    let again = catalog.import("test", demo_rows(), false).await.unwrap();
    assert_eq!((again.created, again.updated), (0, report.created), "a second import updates in place");
}

#[tokio::test]
async fn an_import_with_one_bad_row_reports_it_and_changes_nothing() {
    let (db, catalog) = setup().await;
    let audit_before = tinhso_audit::count(&db).await.unwrap();
    let mut rows = demo_rows();
    rows[5].procedure.agencies = vec!["Sở Không Tồn Tại".into()];
    let line = rows[5].line;
    let err = catalog.import("test", rows, false).await.unwrap_err();
    assert_eq!(err.code(), "unknown_agency");
    assert!(err.public_message().contains(&format!("Bản ghi {line}")), "{}", err.public_message());
    assert!(tinhso_catalog::store::all(&db).await.unwrap().is_empty());
    assert_eq!(tinhso_audit::count(&db).await.unwrap(), audit_before);

    let mut rows = demo_rows();
    rows[7].procedure.code = rows[3].procedure.code.clone();
    assert_eq!(catalog.import("test", rows, false).await.unwrap_err().code(), "duplicate_code");
    assert!(tinhso_catalog::store::all(&db).await.unwrap().is_empty());
}

#[tokio::test]
async fn csv_imports_with_lists_and_fees() {
    let (_db, catalog) = setup().await;
    let csv = "code,name,field,level,agencies,processing_days,service_level,target_groups,documents,fees,legal_basis,life_events,aliases\n\
        2.888001,Cấp phép thử nghiệm,Văn hóa,province,Sở Văn hóa; Thể thao và Du lịch,5,full_online,citizen;business,Đơn đề nghị|original|1; Bản sao CCCD|copy|1|population,Lệ phí|50000,Luật X,,giấy phép thử\n";
    let err = catalog.import("test", import::parse_csv(csv.as_bytes()).unwrap(), false).await.unwrap_err();
    assert_eq!(err.code(), "unknown_agency", "';' separates agencies, so this name is split and unknown");
    let csv = csv.replace("Sở Văn hóa; Thể thao và Du lịch", "000.00.08.H55");
    let report = catalog.import("test", import::parse_csv(csv.as_bytes()).unwrap(), false).await.unwrap();
    assert_eq!(report.created, 1);
    let p = catalog.get("2.888001").await.unwrap();
    assert_eq!(p.documents[1].replaced_by_data.as_deref(), Some("population"));
    assert_eq!(p.fees[0].amount_vnd, 50_000);
    assert_eq!(p.target_groups, ["citizen", "business"]);
}

#[tokio::test]
async fn another_node_sees_a_change_after_refresh() {
    let (db, catalog) = setup().await;
    let other_node = Catalog::open(db.clone()).await.unwrap();
    catalog.import("test", demo_rows(), false).await.unwrap();
    assert_eq!(other_node.index().len(), 0);
    assert!(other_node.refresh().await.unwrap());
    assert_eq!(other_node.index().len(), catalog.index().len());
    assert!(!other_node.refresh().await.unwrap(), "nothing changed since");
}

#[tokio::test]
async fn the_national_catalogue_export_imports() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/procedures_real.json");
    let Ok(bytes) = std::fs::read(&path) else {
        eprintln!("skipping: {} not present", path.display());
        return;
    };
    let (_db, catalog) = setup().await;
    let rows = import::parse_json(&bytes).unwrap();
    let total = rows.len();
    let strict = catalog.import("test", import::parse_json(&bytes).unwrap(), false).await;
    assert!(strict.is_err(), "the export has records without a code: a strict import refuses it");
    assert!(catalog.index().is_empty());
    let report = catalog.import("test", rows, true).await.unwrap();
    assert!(report.created > 1100, "{} created of {total}", report.created);
    assert_eq!(report.created + report.skipped.len(), total);
    let first = catalog.index().first("giao khu vuc bien nuoi trong thuy san").unwrap();
    assert!(catalog.get(&first).await.unwrap().name.contains("khu vực biển"));
}
