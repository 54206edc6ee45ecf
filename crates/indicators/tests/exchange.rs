//! The exchange indicator ("100% hệ thống thông tin được kết nối, chia sẻ dữ liệu", 05/KH-UBND
//! II.2.2): per agency, the share of its registered information systems that exchanged at
//! least one successful call through the gateway in the month, worked out by hand on a known
//! registry and log. SQLite always; PostgreSQL with TINHSO_TEST_POSTGRES.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use chrono::{DateTime, Duration, TimeZone, Utc};
use sea_orm::{ActiveValue::Set, DatabaseConnection, EntityTrait};
use std::sync::Arc;
use tinhso_exchange::entity::{log, subsystem};
use tinhso_exchange::usage::{ConnectedSystems, connected_systems};
use tinhso_indicators::{Indicators, import};

const PROVINCE: &str = "000.00.00.H55";
const TU_PHAP: &str = "000.00.04.H55";
const CONG_AN: &str = "000.00.15.H55";
const KHCN: &str = "000.00.03.H55";

/// Noon of a day of May 2026 in Vietnam.
fn may(d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 5, d, 12, 0, 0).unwrap() - Duration::hours(7)
}

async fn system(db: &DatabaseConnection, member: &str, code: &str, active: bool, created: DateTime<Utc>) {
    let am = subsystem::ActiveModel { id: Set(tinhso_core::new_id()), member_code: Set(member.into()), code: Set(code.into()), name: Set(code.into()), rate_per_sec: Set(100), active: Set(active), created_at: Set(created) };
    subsystem::Entity::insert(am).exec_without_returning(db).await.unwrap();
}

async fn call(db: &DatabaseConnection, seq: i64, consumer: &str, provider: &str, status: i32, at: DateTime<Utc>) {
    let am = log::ActiveModel {
        seq: Set(seq), id: Set(tinhso_core::new_id()), at: Set(at), request_id: Set(format!("r{seq}")), consumer: Set(consumer.into()), provider: Set(provider.into()),
        service: Set(format!("{provider}/svc")), method: Set("GET".into()), path: Set("/".into()), purpose: Set(String::new()), subject: Set(String::new()),
        status: Set(status), error_code: Set(String::new()), latency_us: Set(1), request_hash: Set(String::new()), response_hash: Set(String::new()),
        request_body: Set(None), response_body: Set(None), prev_hash: Set(String::new()), hash: Set(format!("h{seq}")),
    };
    log::Entity::insert(am).exec_without_returning(db).await.unwrap();
}

/// Registry: Sở Tư pháp 3 systems (hotich, lltp, old one retired), Công an tỉnh 2 (dancu,
/// cutru), Sở KH&CN 1 (lgsp) registered only in June.
async fn known_exchange(db: &DatabaseConnection) {
    let april = may(1) - Duration::days(20);
    system(db, TU_PHAP, "hotich", true, april).await;
    system(db, TU_PHAP, "lltp", true, april).await;
    system(db, TU_PHAP, "cu", false, april).await;
    system(db, CONG_AN, "dancu", true, april).await;
    system(db, CONG_AN, "cutru", true, april).await;
    system(db, KHCN, "lgsp", true, may(31) + Duration::days(2)).await;
    let (hotich, lltp, dancu, cutru) = (format!("{TU_PHAP}/hotich"), format!("{TU_PHAP}/lltp"), format!("{CONG_AN}/dancu"), format!("{CONG_AN}/cutru"));
    call(db, 1, &hotich, &dancu, 200, may(5)).await; // hotich (consumer) and dancu (provider) connected
    call(db, 2, &lltp, &cutru, 403, may(6)).await; // refused: connects neither
    call(db, 3, &lltp, &cutru, 502, may(7)).await; // upstream failed: neither
    call(db, 4, &lltp, &cutru, 200, Utc.with_ymd_and_hms(2026, 4, 30, 16, 30, 0).unwrap()).await; // 23:30 on 30 April in Vietnam: not May
    call(db, 5, &hotich, &dancu, 200, may(9)).await; // again: still one system each
}

#[tokio::test]
async fn systems_connected_per_agency_match_hand_counts() {
    let (db, _) = tinhso_db::testing::fresh_db().await.unwrap();
    known_exchange(&db).await;
    let (from, to) = tinhso_indicators::compute::month_bounds("2026-05").unwrap();
    let rows = connected_systems(&db, from, to).await.unwrap();
    let row = |m: &str, r, c| ConnectedSystems { member_code: m.into(), registered: r, connected: c };
    assert_eq!(rows, vec![row(TU_PHAP, 2, 1), row(CONG_AN, 2, 1)], "retired and June systems are not counted");
    let april = connected_systems(&db, from - Duration::days(30), from).await.unwrap();
    assert_eq!(april, vec![row(TU_PHAP, 2, 1), row(CONG_AN, 2, 1)], "lltp → cutru on 30 April");

    // The same as the plan's indicator, per agency and for the province.
    let units = tinhso_identity::org_units::parse_csv(include_bytes!("../../../data/org_units.csv")).unwrap();
    tinhso_identity::org_units::import(&db, "test", units).await.unwrap();
    import::import(&db, "test", import::bundled()).await.unwrap();
    let catalog = tinhso_catalog::Catalog::open(db.clone()).await.unwrap();
    let blobs = tinhso_db::blobs::BlobStore::local(std::env::temp_dir().join("tinhso-ind-test-blobs")).unwrap();
    let tasks = Arc::new(tinhso_tasks::Tasks::new(db.clone(), blobs.clone()));
    let svc = Indicators::new(db.clone(), catalog, tasks, blobs, PROVINCE.into());
    svc.recompute("2026-05").await.unwrap();
    let at = |org: &'static str| {
        let svc = &svc;
        async move {
            let v = svc.overview("2026-05", org, false).await.unwrap().into_iter().find(|v| v.code == "ket_noi_chia_se").unwrap();
            (v.source, v.value, v.numerator, v.denominator)
        }
    };
    assert_eq!(at(PROVINCE).await, ("computed", Some(50.0), 2, 4), "hotich and dancu of four systems");
    assert_eq!(at(TU_PHAP).await, ("computed", Some(50.0), 1, 2));
    assert_eq!(at(CONG_AN).await, ("computed", Some(50.0), 1, 2));
    assert_eq!(at(KHCN).await.1, None, "no system registered in May");
}
