//! The plan's self-published datasets (indicators, tasks, budget) against their sources, on a
//! real database (SQLite, or PostgreSQL with TINHSO_TEST_POSTGRES).
#![allow(clippy::unwrap_used, clippy::expect_used)]
use crate::index::Viewer;
use crate::service::OpenData;
use std::collections::HashMap;

/// The rows of a dataset's CSV resource named `name`, as header → cell maps.
async fn csv_rows(od: &OpenData, dataset: &str, name: &str) -> Vec<HashMap<String, String>> {
    let d = od.get(dataset, &Viewer::default()).await.unwrap();
    let r = d.active_resources().find(|r| r.name == name).unwrap_or_else(|| panic!("{dataset}: no resource {name}"));
    assert!(r.is_tabular(), "{name} is previewable and queryable");
    let bytes = od.file(r).await.unwrap();
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    reader.records().map(|rec| header.iter().cloned().zip(rec.unwrap().iter().map(str::to_owned)).collect()).collect()
}

fn int(row: &HashMap<String, String>, col: &str) -> i64 {
    row[col].parse().unwrap_or_else(|_| panic!("{col}: {:?}", row[col]))
}

#[tokio::test]
async fn the_plan_is_published_as_indicators_tasks_and_budget() {
    let (od, _, db) = super::tests::setup().await;
    let inputs = super::tests::inputs(&db).await;
    inputs.catalog.import("test", tinhso_catalog::import::parse_json(tinhso_catalog::DEMO_PROCEDURES.as_bytes()).unwrap(), false).await.unwrap();
    tinhso_indicators::import::import(&db, "test", tinhso_indicators::import::bundled()).await.unwrap();
    let period = tinhso_indicators::Indicators::current_period();
    inputs.indicators.recompute(&period).await.unwrap();
    assert_eq!(crate::selfpub::publish_all(&od, &inputs).await, crate::selfpub::sources().len());

    // Budget: the 2025 plan's total is the document's 328,364 million VND, by agency and by source.
    let by_agency = csv_rows(&od, "kinh-phi-chuyen-doi-so", "Kinh phí chuyển đổi số theo cơ quan (CSV)").await;
    let plan25: Vec<_> = by_agency.iter().filter(|r| r["ke_hoach"] == "KH-CĐS-2025").collect();
    assert_eq!(plan25.len(), 19, "19 agencies in Appendix 2");
    assert_eq!(plan25.iter().map(|r| int(r, "kinh_phi_trieu_dong")).sum::<i64>(), 328_364);
    assert_eq!(plan25.iter().map(|r| int(r, "kinh_phi_dong")).sum::<i64>(), 328_364 * 1_000_000);
    let budget = inputs.tasks.budget("KH-CĐS-2025").await.unwrap();
    for line in &budget.by_agency {
        let row = plan25.iter().find(|r| r["ma_co_quan"] == line.key || r["ten_co_quan"] == line.label).unwrap_or_else(|| panic!("no row for {}", line.key));
        assert_eq!((int(row, "kinh_phi_dong"), int(row, "so_nhiem_vu")), (line.total_vnd, line.tasks as i64), "{}", line.key);
    }
    let by_source = csv_rows(&od, "kinh-phi-chuyen-doi-so", "Kinh phí chuyển đổi số theo nguồn vốn (CSV)").await;
    assert_eq!(by_source.iter().filter(|r| r["ke_hoach"] == "KH-CĐS-2025").map(|r| int(r, "kinh_phi_trieu_dong")).sum::<i64>(), 328_364);
    assert!(by_source.iter().any(|r| r["nguon_von"] == "CĐT CTX NST" && int(r, "kinh_phi_trieu_dong") == 140_000));

    // Tasks: one row per task of every plan, and the summary counts each plan's tasks once.
    let all = inputs.tasks.all_tasks().await.unwrap();
    let tasks = csv_rows(&od, "tien-do-nhiem-vu-ke-hoach", "Danh sách nhiệm vụ và tiến độ (CSV)").await;
    assert_eq!(tasks.len(), all.len());
    assert_eq!(tasks.len(), 187, "data/plan/README.md: 187 task rows");
    let first = all.iter().find(|t| t.plan == "05/KH-UBND").unwrap();
    let row = tasks.iter().find(|r| r["ke_hoach"] == "05/KH-UBND" && r["so_thu_tu"] == first.number && r["muc"] == first.section).unwrap();
    assert_eq!(row["ten_nhiem_vu"], first.title);
    assert_eq!(row["thoi_han"], first.deadline_on.map(|d| d.to_string()).unwrap_or_default());
    assert!(!tasks[0].contains_key("ghi_chu") && !tasks[0].keys().any(|k| k.contains("bao_cao")), "no report text");
    let summary = csv_rows(&od, "tien-do-nhiem-vu-ke-hoach", "Tổng hợp tiến độ theo cơ quan chủ trì (CSV)").await;
    let count = |plan: &str| summary.iter().filter(|r| r["ke_hoach"] == plan).map(|r| int(r, "so_nhiem_vu")).sum::<i64>();
    assert_eq!((count("05/KH-UBND"), count("KH-CĐS-2025"), count("PL04-02/KH-BCĐTW")), (43, 127, 9));
    // The 2025 plan's deadlines have passed and nothing was reported done: all overdue.
    assert_eq!(summary.iter().filter(|r| r["ke_hoach"] == "KH-CĐS-2025").map(|r| int(r, "qua_han")).sum::<i64>(), 127);

    // Indicators: this month's value of each for the province, as the indicators service has it.
    let values = csv_rows(&od, "chi-tieu-ke-hoach-chinh-quyen-so", "Giá trị chỉ tiêu theo tháng và đơn vị (CSV)").await;
    let overview = inputs.indicators.overview(&period, crate::selfpub::PUBLISHER, true).await.unwrap();
    assert!(!overview.is_empty());
    for v in &overview {
        let row = values.iter().find(|r| r["thang"] == period && r["ma_chi_tieu"] == v.code && r["ma_don_vi"] == crate::selfpub::PUBLISHER).unwrap_or_else(|| panic!("no row for {}", v.code));
        assert_eq!(row["ten_trang_thai"], v.status_label, "{}", v.code);
        assert_eq!(row["gia_tri"].parse::<f64>().ok().map(|x| (x * 10.0).round()), v.value.map(|x| (x * 10.0).round()), "{}", v.code);
    }
    let fully = values.iter().find(|r| r["thang"] == period && r["ma_don_vi"] == crate::selfpub::PUBLISHER && r["cach_lay_so_lieu"] == "tự động" && !r["mau_so"].is_empty()).expect("a computed value with its counts");
    assert!(int(fully, "tu_so") <= int(fully, "mau_so"));
    let statuses = ["met", "on_track", "at_risk", "missed", "no_target", "no_data", ""];
    assert!(values.iter().all(|r| statuses.contains(&r["trang_thai"].as_str())));

    // Refreshing with nothing changed republishes nothing.
    assert_eq!(crate::selfpub::publish_all(&od, &inputs).await, 0);
}
