//! Accounts, roles and org units on a real database.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use tinhso_core::{Error, roles::Role};
use tinhso_identity::accounts::{self, AccountKind};
use tinhso_identity::org_units;

const ORG_UNITS: &str = include_str!("../../../data/org_units.csv");

async fn db_with_units() -> sea_orm::DatabaseConnection {
    let (db, _) = tinhso_db::testing::fresh_db().await.unwrap();
    org_units::import(&db, "test", org_units::parse_csv(ORG_UNITS.as_bytes()).unwrap()).await.unwrap();
    db
}

#[tokio::test]
async fn the_province_has_its_96_communes_under_the_peoples_committee() {
    let db = db_with_units().await;
    let units = org_units::list(&db).await.unwrap();
    let root = units.iter().find(|u| u.kind == "province").unwrap();
    assert_eq!(root.code, "000.00.00.H55");
    let communes: Vec<_> = units.iter().filter(|u| tinhso_core::roles::is_commune_level(&u.kind)).collect();
    assert_eq!(communes.len(), 96);
    assert!(communes.iter().all(|u| u.parent_id == Some(root.id)));
    assert!(units.iter().any(|u| u.name == "Sở Tư pháp"));
    assert!(units.iter().any(|u| u.name == "Đặc khu Lý Sơn"));
}

#[tokio::test]
async fn an_org_unit_file_with_one_bad_row_changes_nothing() {
    let (db, _) = tinhso_db::testing::fresh_db().await.unwrap();
    let csv = "code,name,kind,parent_code,demo,source\n000.00.00.H55,UBND tỉnh,province,,false,x\n000.00.01.H55,Sở A,department,000.00.99.H55,false,x\n";
    let err = org_units::import(&db, "test", org_units::parse_csv(csv.as_bytes()).unwrap()).await.unwrap_err();
    assert_eq!(err.code(), "unknown_parent");
    assert!(err.public_message().contains("Dòng 3"), "{}", err.public_message());
    assert!(org_units::list(&db).await.unwrap().is_empty());
    assert_eq!(tinhso_audit::count(&db).await.unwrap(), 0);
}

#[tokio::test]
async fn citizens_register_with_a_well_formed_personal_id_once() {
    let db = db_with_units().await;
    let err = accounts::register(&db, AccountKind::Citizen, "051995000123", "Nguyễn Văn A", "mat-khau-du-dai").await.unwrap_err();
    assert_eq!(err.code(), "invalid_personal_id");
    let err = accounts::register(&db, AccountKind::Citizen, "12345", "Nguyễn Văn A", "mat-khau-du-dai").await.unwrap_err();
    assert_eq!(err.code(), "invalid_personal_id");
    accounts::register(&db, AccountKind::Citizen, "051095000999", "Nguyễn Văn A", "mat-khau-du-dai").await.unwrap();
    let again = accounts::register(&db, AccountKind::Citizen, "051095000999", "Người khác", "mat-khau-du-dai").await.unwrap_err();
    assert_eq!(again.code(), "account_exists");
    let short = accounts::register(&db, AccountKind::Citizen, "051095000998", "B", "ngan").await.unwrap_err();
    assert_eq!(short.code(), "weak_password");
    let business = accounts::register(&db, AccountKind::Business, "4300123456", "Công ty TNHH Mẫu", "mat-khau-du-dai").await;
    assert!(business.is_ok());
}

#[tokio::test]
async fn staff_roles_are_bound_to_an_existing_unit() {
    let db = db_with_units().await;
    let err = accounts::create_staff(&db, "admin", "cb.moi", "Cán bộ", "mat-khau-du-dai", &[(Role::Approver, Some("000.00.77.H55".into()))]).await.unwrap_err();
    assert_eq!(err.code(), "unknown_org_unit");
    let err = accounts::create_staff(&db, "admin", "cb.moi", "Cán bộ", "mat-khau-du-dai", &[(Role::Approver, None)]).await.unwrap_err();
    assert_eq!(err.code(), "missing_org_unit");
    let id = accounts::create_staff(&db, "admin", "cb.moi", "Cán bộ", "mat-khau-du-dai", &[(Role::Approver, Some("000.00.04.H55".into()))]).await.unwrap();
    accounts::grant_role(&db, "admin", id, Role::ProcessingOfficer, "000.00.04.H55").await.unwrap();
    let who = accounts::principal(&db, id).await.unwrap();
    assert!(who.has(Role::Approver) && who.has(Role::ProcessingOfficer));
    assert_eq!(who.units_for(Role::Approver).collect::<Vec<_>>(), ["000.00.04.H55"]);
}

#[tokio::test]
async fn repeated_wrong_passwords_lock_the_login_for_a_while() {
    let db = db_with_units().await;
    accounts::register(&db, AccountKind::Citizen, "051095000777", "Lê Thị C", "mat-khau-dung").await.unwrap();
    for _ in 0..accounts::MAX_FAILURES_PER_LOGIN {
        let e = accounts::authenticate(&db, "051095000777", "sai", "10.0.0.1").await.unwrap_err();
        assert_eq!(e.code(), "bad_credentials");
    }
    let locked = accounts::authenticate(&db, "051095000777", "mat-khau-dung", "10.0.0.2").await.unwrap_err();
    assert!(matches!(locked, Error::RateLimited));
    // Another person is not locked out by it.
    accounts::register(&db, AccountKind::Citizen, "051095000778", "Lê Văn D", "mat-khau-dung").await.unwrap();
    assert!(accounts::authenticate(&db, "051095000778", "mat-khau-dung", "10.0.0.2").await.is_ok());
}

#[tokio::test]
async fn the_signed_in_person_carries_their_number_for_registry_reads_but_never_shows_it() {
    let db = db_with_units().await;
    let citizen = accounts::register(&db, AccountKind::Citizen, "051095000777", "Nguyễn Văn Bảy", "mat-khau-du-dai").await.unwrap();
    let who = accounts::principal(&db, citizen).await.unwrap();
    assert_eq!(who.personal_id(), Some("051095000777"));
    assert_eq!(who.tax_code(), None);
    assert!(!format!("{who:?}").contains("051095000777"), "the number must not reach logs");
    assert!(!serde_json::to_string(&who).unwrap().contains("051095000777"), "nor pages or API answers");
    let business = accounts::register(&db, AccountKind::Business, "4300123457", "Công ty TNHH Mẫu", "mat-khau-du-dai").await.unwrap();
    let firm = accounts::principal(&db, business).await.unwrap();
    assert_eq!((firm.personal_id(), firm.tax_code()), (None, Some("4300123457")));
}
