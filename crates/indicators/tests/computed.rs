//! Computed indicators match values worked out by hand on a known set of dossiers; a plan
//! file with one bad row imports nothing. SQLite always; PostgreSQL with TINHSO_TEST_POSTGRES.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use chrono::{DateTime, Duration, TimeZone, Utc};
use sea_orm::{ActiveValue::Set, DatabaseConnection, EntityTrait, PaginatorTrait};
use std::sync::Arc;
use tinhso_core::roles::Role;
use tinhso_dossier::entity::dossier;
use tinhso_identity::{Principal, accounts::RoleGrant};
use tinhso_indicators::{Indicators, import, status::Status};

const PROVINCE: &str = "000.00.00.H55";
const AGENCY: &str = "000.00.04.H55";
const COMMUNE: &str = "000.01.50.H55";

fn vn(d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 5, d, h, 0, 0).unwrap() - Duration::hours(7)
}

struct D {
    agency: &'static str,
    online: bool,
    state: &'static str,
    submitted: DateTime<Utc>,
    late: bool,
    apologized: bool,
    overdue: bool,
    result: bool,
    rating: Option<i32>,
}

async fn add(db: &DatabaseConnection, d: D) {
    let id = tinhso_core::new_id();
    let due = d.submitted + Duration::days(5);
    let finished = (d.state == "result_returned").then(|| if d.late { due + Duration::days(1) } else { due - Duration::days(1) });
    let am = dossier::ActiveModel {
        id: Set(id), code: Set(Some(format!("T-{id}"))), procedure_code: Set("1.000001".into()), agency_code: Set(d.agency.into()),
        current_unit_code: Set(d.agency.into()), applicant_id: Set(tinhso_core::new_id()), applicant_name: Set("Người thử".into()),
        channel: Set(if d.online { "online" } else { "counter" }.into()), state: Set(d.state.into()), resume_state: Set(None),
        form_data: Set("{}".into()), assigned_to: Set(None), step_index: Set(0), submitted_at: Set(Some(d.submitted)),
        received_at: Set(Some(d.submitted)), due_at: Set(Some(due)), remaining_days: Set(None), finished_at: Set(finished),
        overdue: Set(d.overdue), apologized: Set(d.apologized), stage_due_at: Set(None), data_documents: Set("[]".into()), idempotency_key: Set(None), fee_vnd: Set(0),
        payment_status: Set("none".into()), version: Set(1), created_at: Set(d.submitted), updated_at: Set(d.submitted),
    };
    dossier::Entity::insert(am).exec_without_returning(db).await.unwrap();
    if d.result {
        let r = tinhso_dossier::results::entity::ActiveModel { id: Set(tinhso_core::new_id()), dossier_id: Set(id), verification_code: Set(id.simple().to_string()), blob_hash: Set("x".into()), signer_unit_code: Set(d.agency.into()), title: Set("Kết quả".into()), signed_at: Set(d.submitted) };
        tinhso_dossier::results::entity::Entity::insert(r).exec_without_returning(db).await.unwrap();
    }
    if let Some(score) = d.rating {
        let r = tinhso_dossier::outputs::rating::ActiveModel { dossier_id: Set(id), score: Set(score), comment: Set(String::new()), created_at: Set(d.submitted) };
        tinhso_dossier::outputs::rating::Entity::insert(r).exec_without_returning(db).await.unwrap();
    }
    // Written straight into the tables, so the running figures are counted afresh.
    tinhso_dossier::stats::rebuild(db).await.unwrap();
}

async fn setup() -> (DatabaseConnection, Arc<Indicators>, Arc<tinhso_tasks::Tasks>, Arc<tinhso_catalog::Catalog>) {
    let (db, _) = tinhso_db::testing::fresh_db().await.unwrap();
    let units = tinhso_identity::org_units::parse_csv(include_bytes!("../../../data/org_units.csv")).unwrap();
    tinhso_identity::org_units::import(&db, "test", units).await.unwrap();
    let catalog = tinhso_catalog::Catalog::open(db.clone()).await.unwrap();
    catalog.import("test", tinhso_catalog::import::parse_json(tinhso_catalog::DEMO_PROCEDURES.as_bytes()).unwrap(), false).await.unwrap();
    let blobs = tinhso_db::blobs::BlobStore::local(std::env::temp_dir().join("tinhso-ind-test-blobs")).unwrap();
    let tasks = Arc::new(tinhso_tasks::Tasks::new(db.clone(), blobs.clone()));
    let svc = Arc::new(Indicators::new(db.clone(), catalog.clone(), tasks.clone(), blobs, PROVINCE.into()));
    (db, svc, tasks, catalog)
}

fn value(views: &[tinhso_indicators::View], code: &str) -> (Option<f64>, i64, i64, Status) {
    let v = views.iter().find(|v| v.code == code).unwrap_or_else(|| panic!("{code}"));
    (v.value, v.numerator, v.denominator, v.status)
}

#[tokio::test]
async fn computed_indicators_match_hand_counts() {
    let (db, svc, tasks, _catalog) = setup().await;
    import::import(&db, "test", import::bundled()).await.unwrap();
    let base = D { agency: AGENCY, online: true, state: "result_returned", submitted: vn(4, 9), late: false, apologized: false, overdue: false, result: true, rating: Some(5) };
    add(&db, D { ..base }).await; // 1: online, on time, e-result, rated 5
    add(&db, D { late: true, result: false, rating: Some(3), ..base }).await; // 2: online, late, paper result, rated 3
    add(&db, D { online: false, state: "processing", overdue: true, result: false, rating: None, ..base }).await; // 3: at the counter, still open, overdue
    add(&db, D { agency: COMMUNE, rating: Some(4), ..base }).await; // 4: commune, online, on time, e-result, rated 4
    add(&db, D { agency: COMMUNE, online: false, apologized: true, rating: None, ..base }).await; // 5: commune, counter, apologised (late), e-result
    add(&db, D { submitted: Utc.with_ymd_and_hms(2026, 4, 30, 16, 59, 0).unwrap(), ..base }).await; // 6: 23:59 on 30/4 in Vietnam: April
    // One task of Sở Tư pháp gets a progress report: tracked electronically.
    let who = Principal { user_id: tinhso_core::new_id(), kind: "staff".into(), full_name: "Cán bộ".into(), roles: vec![RoleGrant { role: Role::ProcessingOfficer, org_unit_code: Some(AGENCY.into()), org_unit_name: None }], login: "canbo".into() };
    let mine = tasks.list(&who, &Default::default()).await.unwrap();
    assert_eq!(mine.len(), 6, "Sở Tư pháp leads 6 tasks of the 2025 plan");
    tasks.report(&who, mine[0].id, tinhso_tasks::NewReport { progress: 40, note: "Đang triển khai".into(), ..Default::default() }).await.unwrap();

    let stored = svc.recompute("2026-05").await.unwrap();
    assert!(stored > 0);
    let p = svc.overview("2026-05", PROVINCE, false).await.unwrap();
    let pct = |n: f64, d: f64| Some(100.0 * n / d);
    assert_eq!(value(&p, "ho_so_truc_tuyen"), (pct(3.0, 5.0), 3, 5, Status::AtRisk), "online: 1, 2, 4 of 5; target 80% in 2026");
    assert_eq!(value(&p, "dung_han"), (pct(2.0, 4.0), 2, 4, Status::NoTarget), "on time: 1, 4; late: 2, 5");
    assert_eq!(value(&p, "ket_qua_dien_tu").0, pct(3.0, 4.0), "e-results: 1, 4, 5 of 4 finished");
    assert_eq!(value(&p, "hai_long").0, pct(2.0, 3.0), "ratings 5, 3, 4: two of three satisfied");
    assert_eq!(value(&p, "nhiem_vu_dien_tu"), (pct(1.0, 187.0), 1, 187, Status::AtRisk));
    let demo: Vec<serde_json::Value> = serde_json::from_str(tinhso_catalog::DEMO_PROCEDURES).unwrap();
    let full = demo.iter().filter(|p| p["service_level"] == "full_online").count() as f64;
    assert_eq!(value(&p, "dvctt_toan_trinh").0, pct(full, demo.len() as f64));
    assert_eq!(value(&p, "so_hoa").0, pct(0.0, 5.0), "none of the five dossiers has its documents on file");
    let a = svc.overview("2026-05", AGENCY, false).await.unwrap();
    assert_eq!(value(&a, "ho_so_truc_tuyen").0, pct(2.0, 3.0));
    assert_eq!(value(&a, "ket_qua_dien_tu").0, pct(1.0, 2.0));
    assert_eq!(value(&a, "nhiem_vu_dien_tu").0, pct(1.0, 6.0));
    let c = svc.overview("2026-05", COMMUNE, false).await.unwrap();
    assert_eq!(value(&c, "ho_so_truc_tuyen").0, pct(1.0, 2.0));
    assert_eq!(value(&c, "ket_qua_dien_tu").0, pct(2.0, 2.0));
    let april = svc.overview("2026-04", PROVINCE, false).await.unwrap();
    assert_eq!(value(&april, "ho_so_truc_tuyen").0, None, "April was not computed");
    svc.recompute("2026-04").await.unwrap();
    let series = svc.series("ho_so_truc_tuyen", PROVINCE, "2026-05", 3).await.unwrap();
    assert_eq!(series, vec![("2026-03".into(), None), ("2026-04".into(), Some(100.0)), ("2026-05".into(), pct(3.0, 5.0))]);
    // Drill-down: the commune and the agency, lowest first.
    let (_, units) = svc.by_org("ho_so_truc_tuyen", "2026-05").await.unwrap();
    assert_eq!(units.iter().map(|u| u.org_code.as_str()).collect::<Vec<_>>(), vec![COMMUNE, AGENCY]);
    // Recomputing replaces the month's values instead of adding to them.
    assert_eq!(svc.recompute("2026-05").await.unwrap(), stored);
}

#[tokio::test]
async fn a_plan_with_a_bad_row_imports_nothing() {
    let (db, _svc, _, _) = setup().await;
    let mut files = import::bundled();
    let tasks = String::from_utf8(files.tasks.take().unwrap()).unwrap();
    let mut lines: Vec<String> = tasks.lines().map(str::to_owned).collect();
    lines[4] = lines[4].replacen("000.00.03.H55", "000.00.99.H55", 1);
    assert!(lines[4].contains("000.00.99.H55"), "line 5 names an org unit");
    files.tasks = Some(lines.join("\n").into_bytes());
    let e = import::import(&db, "test", files).await.unwrap_err();
    assert_eq!(e.code(), "invalid_plan_row");
    assert!(e.public_message().contains("tasks.csv, dòng 5") && e.public_message().contains("000.00.99.H55"), "{}", e.public_message());
    assert_eq!(tinhso_tasks::entity::plan::Entity::find().count(&db).await.unwrap(), 0);
    assert_eq!(tinhso_tasks::entity::task::Entity::find().count(&db).await.unwrap(), 0);
    assert_eq!(tinhso_indicators::entity::indicator::Entity::find().count(&db).await.unwrap(), 0);
    // The good plan imports, and again changes nothing.
    let r = import::import(&db, "test", import::bundled()).await.unwrap();
    assert_eq!((r.plans_created, r.tasks_created, r.targets), (5, 187, 80));
    let again = import::import(&db, "test", import::bundled()).await.unwrap();
    assert_eq!((again.plans_created, again.indicators_created, again.tasks_created, again.tasks_updated), (0, 0, 0, 187));
}

fn staff_of(org: &str) -> Principal {
    with_role(org, Role::ProcessingOfficer)
}

fn with_role(org: &str, role: Role) -> Principal {
    Principal { user_id: tinhso_core::new_id(), kind: "staff".into(), full_name: "Cán bộ".into(), roles: vec![RoleGrant { role, org_unit_code: Some(org.into()), org_unit_name: None }], login: "canbo".into() }
}

/// A real 1×1 PNG: evidence is checked by its bytes like a dossier's documents.
const PNG_HEX: &str = "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c49444154789c63f8cfc0000003010100c9fe92ef0000000049454e44ae426082";

fn png() -> Vec<u8> {
    (0..PNG_HEX.len()).step_by(2).map(|i| u8::from_str_radix(&PNG_HEX[i..i + 2], 16).unwrap()).collect()
}

#[tokio::test]
async fn reported_values_need_evidence_and_the_lead_agencys_approval() {
    let (db, svc, _, _) = setup().await;
    import::import(&db, "test", import::bundled()).await.unwrap();
    // 05/KH-UBND I.2.6: officials trained in basic digital skills, led by Sở Nội vụ.
    let code = "05-I.2.6";
    let tu_phap = staff_of(AGENCY);
    // The lead agency's approver reviews; its other staff do not.
    let noi_vu = with_role("000.00.02.H55", Role::Approver);
    let noi_vu_officer = staff_of("000.00.02.H55");
    let new = |org: &str, evidence: bool| tinhso_indicators::service::NewValue {
        period: "2026-05".into(), org: org.into(), value: 80.0, note: "80/100 công chức".into(),
        evidence: evidence.then(|| ("danh-sach.png".to_owned(), png())),
    };
    assert_eq!(svc.report(&tu_phap, code, new(AGENCY, false)).await.unwrap_err().code(), "evidence_required");
    assert_eq!(svc.report(&tu_phap, code, new("000.00.03.H55", true)).await.unwrap_err().code(), "forbidden", "only for its own unit");
    assert_eq!(svc.report(&tu_phap, "ho_so_truc_tuyen", new(AGENCY, true)).await.unwrap_err().code(), "computed_indicator");
    let id = svc.report(&tu_phap, code, new(AGENCY, true)).await.unwrap();
    let pending = svc.overview("2026-05", AGENCY, false).await.unwrap();
    assert_eq!(value(&pending, code).0, None, "not counted before approval");
    assert_eq!(svc.review(&tu_phap, id, true, "").await.unwrap_err().code(), "forbidden", "the reporter does not approve itself");
    assert_eq!(svc.review(&noi_vu_officer, id, true, "").await.unwrap_err().code(), "forbidden", "an officer of the lead agency does not approve");
    assert_eq!(svc.review(&noi_vu, id, false, " ").await.unwrap_err().code(), "reason_required", "a return says why");
    svc.review(&noi_vu, id, true, "").await.unwrap();
    let approved = svc.overview("2026-05", AGENCY, false).await.unwrap();
    assert_eq!(value(&approved, code), (Some(80.0), 0, 0, Status::AtRisk), "target 100% for 2026–2027");
    assert_eq!(svc.review(&noi_vu, id, true, "").await.unwrap_err().code(), "already_decided");
    // A file that is not what a PDF, JPEG or PNG is, and an indicator the unit does not
    // implement (Sở Tư pháp neither leads nor implements 5G coverage), are refused.
    let fake = tinhso_indicators::service::NewValue { evidence: Some(("bang-tinh.pdf".into(), b"chi la van ban".to_vec())), ..new(AGENCY, true) };
    assert_eq!(svc.report(&tu_phap, code, fake).await.unwrap_err().code(), "unsupported_file_type");
    assert_eq!(svc.report(&tu_phap, "121-PL2.II.1", new(AGENCY, true)).await.unwrap_err().code(), "forbidden");
}
