//! The transcribed plan reproduces the documents' numbers once imported: each agency's
//! budget subtotal and the grand total 328,364 million VND of the 2025 plan's Appendix 2 come
//! out of the task rows; the counts of tasks per group match the documents. Runs on SQLite,
//! and on PostgreSQL when TINHSO_TEST_POSTGRES is set.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use chrono::{TimeZone, Utc};
use sea_orm::{DatabaseConnection, EntityTrait};
use std::collections::{BTreeMap, HashSet};
use tinhso_tasks::import::{self, PlanRow, TaskRow};
use tinhso_tasks::{Status, Tasks};

const ORG_UNITS: &str = include_str!("../../../data/org_units.csv");
const PLANS: &str = include_str!("../../../data/plan/plans.csv");
const TASKS: &str = include_str!("../../../data/plan/tasks.csv");
const SUBTOTALS: &str = include_str!("../../../data/plan/budget_subtotals.csv");

async fn imported() -> (DatabaseConnection, Tasks) {
    let (db, _) = tinhso_db::testing::fresh_db().await.unwrap();
    tinhso_identity::org_units::import(&db, "test", tinhso_identity::org_units::parse_csv(ORG_UNITS.as_bytes()).unwrap()).await.unwrap();
    let orgs: HashSet<String> = tinhso_identity::org_units::list(&db).await.unwrap().into_iter().map(|u| u.code).collect();
    let plans = import::check_plans(import::read_csv::<PlanRow>("plans.csv", PLANS.as_bytes()).unwrap()).unwrap();
    let codes: HashSet<String> = plans.iter().map(|p| p.code.clone()).collect();
    let tasks = import::check_tasks(import::read_csv::<TaskRow>("tasks.csv", TASKS.as_bytes()).unwrap(), &codes, &orgs).unwrap();
    let tx = tinhso_audit::begin(&db).await.unwrap();
    import::write_plans(&tx, &plans).await.unwrap();
    import::write_tasks(&tx, &tasks).await.unwrap();
    tx.commit().await.unwrap();
    let blobs = tinhso_db::blobs::BlobStore::local(std::env::temp_dir().join("tinhso-tasks-test-blobs")).unwrap();
    (db.clone(), Tasks::new(db, blobs))
}

#[derive(serde::Deserialize)]
struct Subtotal {
    number: String,
    agency: String,
    org_code: String,
    printed_million_vnd: i64,
}

#[tokio::test]
async fn plan_totals_match_the_document() {
    let (_db, tasks) = imported().await;
    let budget = tasks.budget("KH-CĐS-2025").await.unwrap();
    let printed: Vec<Subtotal> = csv::Reader::from_reader(SUBTOTALS.as_bytes()).deserialize().map(Result::unwrap).collect();
    let agencies: Vec<&Subtotal> = printed.iter().filter(|s| s.number != "TỔNG").collect();
    assert_eq!(agencies.len(), 19, "19 agencies in Appendix 2");
    assert_eq!(budget.by_agency.len(), 19);
    for s in &agencies {
        let line = budget.by_agency.iter().find(|l| l.key == s.org_code).unwrap_or_else(|| panic!("no budget line for {}", s.agency));
        assert_eq!(line.total_vnd, s.printed_million_vnd * 1_000_000, "subtotal of {} ({})", s.agency, s.number);
    }
    let total = printed.iter().find(|s| s.number == "TỔNG").unwrap().printed_million_vnd;
    assert_eq!(total, 328_364);
    assert_eq!(budget.total_vnd, 328_364 * 1_000_000);
    // The funding roll-up counts each amount once (sub-items instead of their parents).
    assert_eq!(budget.by_funding.iter().map(|l| l.total_vnd).sum::<i64>(), budget.total_vnd);
    assert_eq!(budget.by_funding.iter().find(|l| l.key == "CĐT CTX NST").unwrap().total_vnd, 140_000 * 1_000_000);
}

#[tokio::test]
async fn sub_items_add_up_to_their_parents_and_counts_match() {
    let (db, _) = imported().await;
    let rows = tinhso_tasks::entity::task::Entity::find().all(&db).await.unwrap();
    let mut per_plan: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for r in &rows {
        let kind = if r.parent_number.is_empty() { "task" } else { "sub" };
        *per_plan.entry((r.plan_code.as_str(), kind)).or_default() += 1;
    }
    assert_eq!(per_plan[&("KH-CĐS-2025", "task")], 127);
    assert_eq!(per_plan[&("KH-CĐS-2025", "sub")], 8);
    assert_eq!(per_plan[&("05/KH-UBND", "task")], 43);
    assert_eq!(per_plan[&("PL04-02/KH-BCĐTW", "task")], 9);
    let mut groups: BTreeMap<String, usize> = BTreeMap::new();
    for r in rows.iter().filter(|r| r.plan_code == "05/KH-UBND") {
        *groups.entry(r.section.split('.').next().unwrap().to_owned()).or_default() += 1;
    }
    assert_eq!(groups.values().copied().collect::<Vec<_>>(), vec![10, 4, 9, 5, 4, 7, 2, 2]);
    for parent in rows.iter().filter(|r| rows.iter().any(|c| c.parent_number == r.number && c.section == r.section && c.plan_code == r.plan_code)) {
        let sum: i64 = rows.iter().filter(|c| c.parent_number == parent.number && c.section == parent.section).map(|c| c.budget_vnd.unwrap()).sum();
        assert_eq!(Some(sum), parent.budget_vnd, "sub-items of {}", parent.number);
    }
}

#[tokio::test]
async fn overdue_tasks_are_flagged_once_and_reimport_keeps_status() {
    let (db, tasks) = imported().await;
    // On 2 January 2026 the 2025 tasks (deadline 31/12/2025) and PL04's are late; 05's are not.
    let at = Utc.with_ymd_and_hms(2026, 1, 2, 3, 0, 0).unwrap();
    let flagged = tasks.flag_overdue(at).await.unwrap();
    assert_eq!(flagged, 127 + 8 + 9);
    assert_eq!(tasks.flag_overdue(at).await.unwrap(), 0, "already flagged");
    let rows = tinhso_tasks::entity::task::Entity::find().all(&db).await.unwrap();
    assert!(rows.iter().filter(|r| r.plan_code == "05/KH-UBND").all(|r| r.status == Status::NotStarted.as_str()));
    // 31/12/2025 23:59 in Vietnam: the deadline day itself is not late yet; only PL04's task 6
    // (deadline 31/8/2025) is.
    let eve = Utc.with_ymd_and_hms(2025, 12, 31, 16, 59, 0).unwrap();
    let (db2, tasks2) = imported().await;
    assert_eq!(tasks2.flag_overdue(eve).await.unwrap(), 1);
    drop(db2);
    // Importing again updates the document fields but keeps each task's status.
    let orgs: HashSet<String> = tinhso_identity::org_units::list(&db).await.unwrap().into_iter().map(|u| u.code).collect();
    let codes: HashSet<String> = rows.iter().map(|r| r.plan_code.clone()).collect();
    let again = import::check_tasks(import::read_csv::<TaskRow>("tasks.csv", TASKS.as_bytes()).unwrap(), &codes, &orgs).unwrap();
    let tx = tinhso_audit::begin(&db).await.unwrap();
    let (created, updated) = import::write_tasks(&tx, &again).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!((created, updated), (0, 187));
    let overdue = tinhso_tasks::entity::task::Entity::find().all(&db).await.unwrap().into_iter().filter(|r| r.status == "overdue").count();
    assert_eq!(overdue, 144);
}
