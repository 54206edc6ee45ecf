//! `tinhso import plan DIR|FILE`: a plan's documents, indicators with their targets, and
//! tasks, from the CSV files of `data/plan/` (or XLSX sheets of the same shape converted by
//! the caller). Every row of every file is checked first; one bad row names its file and line
//! and nothing is imported. Everything is written in one audited transaction; importing the
//! same files again changes nothing.
use crate::entity::{indicator, target};
use chrono::Utc;
use sea_orm::{ActiveValue::Set, DatabaseConnection, DatabaseTransaction, EntityTrait};
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use tinhso_audit::Entry;
use tinhso_core::{Result, text::nfc};
use tinhso_db::db_error;
use tinhso_tasks::import::{self as tasks_import, CheckedTask, PlanRow, TaskRow, read_csv, row_error};

#[derive(Debug, Clone, Deserialize)]
pub struct IndicatorRow {
    pub plan: String,
    #[serde(default)]
    pub section: String,
    pub number: String,
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub direction: String,
    #[serde(default)]
    pub query: String,
    #[serde(default)]
    pub period_from: String,
    #[serde(default)]
    pub period_to: String,
    #[serde(default)]
    pub target: String,
    #[serde(default)]
    pub target_text: String,
    #[serde(default)]
    pub lead_agencies: String,
    #[serde(default)]
    pub lead_org_codes: String,
    #[serde(default)]
    pub implementing_agencies: String,
    #[serde(default)]
    pub implementing_org_codes: String,
    #[serde(default)]
    pub result_text: String,
    #[serde(default)]
    pub assessment: String,
    #[serde(default)]
    pub source_file: String,
    #[serde(default)]
    pub source_section: String,
}

/// The files of a plan, by name, as bytes (CSV).
#[derive(Debug, Default)]
pub struct PlanFiles {
    pub plans: Option<Vec<u8>>,
    pub indicators: Option<Vec<u8>>,
    pub tasks: Option<Vec<u8>>,
}

#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct ImportReport {
    pub plans_created: usize,
    pub indicators_created: usize,
    pub targets: usize,
    pub tasks_created: usize,
    pub tasks_updated: usize,
}

struct CheckedTarget {
    row: IndicatorRow,
    from: Option<i32>,
    to: Option<i32>,
    target: Option<f64>,
    lead: Vec<String>,
    implementing: Vec<String>,
}

fn year(cell: &str, line: usize) -> Result<Option<i32>> {
    match cell {
        "" => Ok(None),
        y => y.parse::<i32>().ok().filter(|y| (2000..=2100).contains(y)).map(Some).ok_or_else(|| row_error("indicators.csv", line, format!("năm '{y}' không hợp lệ."))),
    }
}

fn check_indicators(rows: Vec<(usize, IndicatorRow)>, plans: &HashSet<String>, orgs: &HashSet<String>) -> Result<Vec<CheckedTarget>> {
    const F: &str = "indicators.csv";
    let mut keys = HashSet::new();
    let mut out = Vec::new();
    for (line, r) in rows {
        if !plans.contains(&r.plan) {
            return Err(row_error(F, line, format!("văn bản '{}' không có trong plans.csv.", r.plan)));
        }
        if r.code.is_empty() || r.name.is_empty() || r.number.is_empty() {
            return Err(row_error(F, line, "thiếu mã, số thứ tự hoặc tên chỉ tiêu."));
        }
        if !matches!(r.unit.as_str(), "%" | "đạt") {
            return Err(row_error(F, line, format!("đơn vị '{}' không hợp lệ (dùng % hoặc đạt).", r.unit)));
        }
        if !matches!(r.direction.as_str(), "higher" | "lower") {
            return Err(row_error(F, line, "chiều đánh giá phải là higher hoặc lower."));
        }
        if !r.query.is_empty() && !crate::compute::QUERIES.contains(&r.query.as_str()) {
            return Err(row_error(F, line, format!("truy vấn '{}' không có; có: {}.", r.query, crate::compute::QUERIES.join(", "))));
        }
        let target = match r.target.as_str() {
            "" => None,
            t => Some(t.replace(',', ".").parse::<f64>().ok().filter(|v| v.is_finite() && *v >= 0.0).ok_or_else(|| row_error(F, line, format!("chỉ tiêu '{t}' không phải là số.")))?),
        };
        let (from, to) = (year(&r.period_from, line)?, year(&r.period_to, line)?);
        if let (Some(a), Some(b)) = (from, to)
            && b < a
        {
            return Err(row_error(F, line, "năm kết thúc trước năm bắt đầu."));
        }
        if !keys.insert((r.plan.clone(), r.section.clone(), r.number.clone())) {
            return Err(row_error(F, line, format!("chỉ tiêu {} {} của {} bị lặp.", r.section, r.number, r.plan)));
        }
        let lead = tasks_import::org_codes(&r.lead_org_codes, orgs, F, line)?;
        let implementing = tasks_import::org_codes(&r.implementing_org_codes, orgs, F, line)?;
        out.push(CheckedTarget { row: r, from, to, target, lead, implementing });
    }
    Ok(out)
}

async fn write_indicators(tx: &DatabaseTransaction, rows: &[CheckedTarget]) -> Result<(usize, usize)> {
    let existing: HashSet<String> = indicator::Entity::find().all(tx).await.map_err(db_error)?.into_iter().map(|i| i.code).collect();
    let targets: HashMap<(String, String, String), uuid::Uuid> =
        target::Entity::find().all(tx).await.map_err(db_error)?.into_iter().map(|t| ((t.plan_code, t.section, t.number), t.id)).collect();
    let mut created = 0;
    let mut seen = HashSet::new();
    for c in rows {
        let r = &c.row;
        // The first row of a code names the indicator; later rows add targets for other periods.
        if seen.insert(r.code.clone()) {
            let am = indicator::ActiveModel {
                code: Set(r.code.clone()),
                name: Set(nfc(&r.name)),
                unit: Set(r.unit.clone()),
                direction: Set(r.direction.clone()),
                query: Set(r.query.clone()),
                lead_org_codes: Set(c.lead.join(";")),
                created_at: Set(Utc::now()),
            };
            if existing.contains(&r.code) {
                let mut am = am;
                am.created_at = sea_orm::ActiveValue::NotSet;
                indicator::Entity::update(am).exec(tx).await.map_err(db_error)?;
            } else {
                indicator::Entity::insert(am).exec_without_returning(tx).await.map_err(db_error)?;
                created += 1;
            }
        }
        let key = (r.plan.clone(), r.section.clone(), r.number.clone());
        let am = target::ActiveModel {
            id: Set(targets.get(&key).copied().unwrap_or_else(tinhso_core::new_id)),
            indicator_code: Set(r.code.clone()),
            plan_code: Set(r.plan.clone()),
            section: Set(r.section.clone()),
            number: Set(r.number.clone()),
            period_from: Set(c.from),
            period_to: Set(c.to),
            target: Set(c.target),
            target_text: Set(r.target_text.clone()),
            statement: Set(r.name.clone()),
            lead_agencies: Set(r.lead_agencies.clone()),
            lead_org_codes: Set(c.lead.join(";")),
            implementing_agencies: Set(r.implementing_agencies.clone()),
            implementing_org_codes: Set(c.implementing.join(";")),
            result_text: Set(r.result_text.clone()),
            assessment: Set(r.assessment.clone()),
            source_file: Set(r.source_file.clone()),
            source_section: Set(r.source_section.clone()),
        };
        if targets.contains_key(&key) {
            target::Entity::update(am).exec(tx).await.map_err(db_error)?;
        } else {
            target::Entity::insert(am).exec_without_returning(tx).await.map_err(db_error)?;
        }
    }
    Ok((created, rows.len()))
}

/// Checks every file, then writes all of it in one transaction.
pub async fn import(db: &DatabaseConnection, actor: &str, files: PlanFiles) -> Result<ImportReport> {
    let orgs: HashSet<String> = tinhso_identity::org_units::list(db).await?.into_iter().map(|u| u.code).collect();
    let known_plans: HashSet<String> = tinhso_tasks::entity::plan::Entity::find().all(db).await.map_err(db_error)?.into_iter().map(|p| p.code).collect();
    let plans: Vec<PlanRow> = match &files.plans {
        Some(b) => tasks_import::check_plans(read_csv("plans.csv", b)?)?,
        None => Vec::new(),
    };
    let plan_codes: HashSet<String> = known_plans.into_iter().chain(plans.iter().map(|p| p.code.clone())).collect();
    let indicators = match &files.indicators {
        Some(b) => check_indicators(read_csv::<IndicatorRow>("indicators.csv", b)?, &plan_codes, &orgs)?,
        None => Vec::new(),
    };
    let tasks: Vec<CheckedTask> = match &files.tasks {
        Some(b) => tasks_import::check_tasks(read_csv::<TaskRow>("tasks.csv", b)?, &plan_codes, &orgs)?,
        None => Vec::new(),
    };
    let tx = tinhso_audit::begin(db).await?;
    let mut report = ImportReport { plans_created: tasks_import::write_plans(&tx, &plans).await?, ..Default::default() };
    (report.indicators_created, report.targets) = write_indicators(&tx, &indicators).await?;
    (report.tasks_created, report.tasks_updated) = tasks_import::write_tasks(&tx, &tasks).await?;
    let detail = serde_json::json!({"plans": plans.len(), "targets": report.targets, "tasks": tasks.len(), "tasks_created": report.tasks_created});
    tinhso_audit::record(&tx, Entry::new(actor, "plan.import", "plan").detail(detail)).await?;
    tx.commit().await.map_err(db_error)?;
    Ok(report)
}

/// Reads `plans.csv`, `indicators.csv` and `tasks.csv` from a folder, one of them from a file
/// (named by its file name), or all three from the sheets of an XLSX workbook.
pub fn read_path(path: &std::path::Path) -> anyhow::Result<PlanFiles> {
    let mut files = PlanFiles::default();
    let paths: Vec<std::path::PathBuf> = if path.is_dir() {
        ["plans.csv", "indicators.csv", "tasks.csv"].iter().map(|n| path.join(n)).filter(|p| p.exists()).collect()
    } else {
        vec![path.to_path_buf()]
    };
    for p in paths {
        if p.extension().is_some_and(|e| e.eq_ignore_ascii_case("xlsx")) {
            return crate::xlsx::read(&std::fs::read(&p)?).map_err(|e| anyhow::anyhow!("{}", e.public_message()));
        }
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
        let bytes = std::fs::read(&p)?;
        match name.as_str() {
            n if n.starts_with("plans") => files.plans = Some(bytes),
            n if n.starts_with("indicators") => files.indicators = Some(bytes),
            n if n.starts_with("tasks") => files.tasks = Some(bytes),
            _ => anyhow::bail!("{}: tên tệp phải bắt đầu bằng plans, indicators hoặc tasks", p.display()),
        }
    }
    Ok(files)
}

/// The plan kept in the repository (`data/plan/`), for the demo and the tests.
pub fn bundled() -> PlanFiles {
    PlanFiles {
        plans: Some(include_bytes!("../../../data/plan/plans.csv").to_vec()),
        indicators: Some(include_bytes!("../../../data/plan/indicators.csv").to_vec()),
        tasks: Some(include_bytes!("../../../data/plan/tasks.csv").to_vec()),
    }
}
