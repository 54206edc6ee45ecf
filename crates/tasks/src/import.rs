//! Reading a plan's tasks from CSV (`data/plan/plans.csv`, `tasks.csv`) and writing them in the
//! caller's transaction. Every row is checked before anything is written; a bad row is named
//! by file and line and nothing is imported. Importing the same file again changes nothing:
//! rows are matched by (plan, section, number) and a task's status and reports are kept.
use crate::entity::{plan, task, task_org};
use crate::model::Status;
use chrono::{NaiveDate, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::collections::{HashMap, HashSet};
use tinhso_core::{Error, Result, text::nfc};
use tinhso_db::db_error;

#[derive(Debug, Clone, Deserialize)]
pub struct PlanRow {
    pub code: String,
    pub title: String,
    #[serde(default)]
    pub issued_on: String,
    #[serde(default)]
    pub source_file: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct TaskRow {
    pub plan: String,
    #[serde(default)]
    pub section: String,
    pub number: String,
    #[serde(default)]
    pub parent_number: String,
    pub title: String,
    #[serde(default)]
    pub lead_agencies: String,
    #[serde(default)]
    pub lead_org_codes: String,
    #[serde(default)]
    pub coordinating_agencies: String,
    #[serde(default)]
    pub coordinating_org_codes: String,
    #[serde(default)]
    pub expected_result: String,
    #[serde(default)]
    pub start_on: String,
    #[serde(default)]
    pub deadline_on: String,
    #[serde(default)]
    pub timeframe: String,
    #[serde(default)]
    pub budget_million_vnd: String,
    #[serde(default)]
    pub funding: String,
    #[serde(default)]
    pub legal_basis: String,
    #[serde(default)]
    pub result_text: String,
    #[serde(default)]
    pub source_file: String,
    #[serde(default)]
    pub source_section: String,
}

/// A row error that names the file and the line (the header is line 1).
pub fn row_error(file: &str, line: usize, message: impl Into<String>) -> Error {
    Error::invalid("invalid_plan_row", format!("{file}, dòng {line}"), message)
}

/// Rows of a CSV file with their line numbers. Text is normalised to NFC.
pub fn read_csv<T: DeserializeOwned>(file: &str, bytes: &[u8]) -> Result<Vec<(usize, T)>> {
    let text = std::str::from_utf8(bytes).map_err(|_| row_error(file, 1, "tệp không phải UTF-8."))?;
    let text = nfc(text.trim_start_matches('\u{feff}'));
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(text.as_bytes());
    let mut out = Vec::new();
    for (i, rec) in reader.deserialize::<T>().enumerate() {
        let line = i + 2;
        out.push((line, rec.map_err(|e| row_error(file, line, format!("không đọc được dòng: {e}")))?));
    }
    Ok(out)
}

/// Org-unit codes of a `;`-separated cell, each checked against the known units.
pub fn org_codes(cell: &str, known: &HashSet<String>, file: &str, line: usize) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for code in cell.split(';').map(str::trim).filter(|c| !c.is_empty()) {
        if !known.contains(code) {
            return Err(row_error(file, line, format!("mã đơn vị '{code}' không có trong danh mục đơn vị.")));
        }
        if !out.iter().any(|c| c == code) {
            out.push(code.to_owned());
        }
    }
    Ok(out)
}

fn date(cell: &str, file: &str, line: usize, what: &str) -> Result<Option<NaiveDate>> {
    if cell.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(cell, "%Y-%m-%d").map(Some).map_err(|_| row_error(file, line, format!("{what} '{cell}' không đúng dạng YYYY-MM-DD.")))
}

fn valid_number(n: &str) -> bool {
    let body = n.strip_suffix(|c: char| c.is_ascii_lowercase()).unwrap_or(n);
    !body.is_empty() && body.split('.').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// A task row checked and converted, ready to write.
#[derive(Debug, Clone)]
pub struct CheckedTask {
    pub row: TaskRow,
    pub lead: Vec<String>,
    pub coordinating: Vec<String>,
    pub start_on: Option<NaiveDate>,
    pub deadline_on: Option<NaiveDate>,
    pub budget_vnd: Option<i64>,
}

pub fn check_plans(rows: Vec<(usize, PlanRow)>) -> Result<Vec<PlanRow>> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for (line, r) in rows {
        if r.code.is_empty() || r.title.is_empty() {
            return Err(row_error("plans.csv", line, "thiếu mã hoặc tên văn bản."));
        }
        if !seen.insert(r.code.clone()) {
            return Err(row_error("plans.csv", line, format!("mã văn bản '{}' bị lặp.", r.code)));
        }
        out.push(r);
    }
    Ok(out)
}

/// Checks every task row against the plans and org units it names.
pub fn check_tasks(rows: Vec<(usize, TaskRow)>, plans: &HashSet<String>, orgs: &HashSet<String>) -> Result<Vec<CheckedTask>> {
    const F: &str = "tasks.csv";
    let mut keys = HashSet::new();
    let mut out = Vec::with_capacity(rows.len());
    for (line, r) in &rows {
        let line = *line;
        if !plans.contains(&r.plan) {
            return Err(row_error(F, line, format!("văn bản '{}' không có trong plans.csv.", r.plan)));
        }
        if !valid_number(&r.number) {
            return Err(row_error(F, line, format!("số thứ tự '{}' không hợp lệ (ví dụ hợp lệ: 9.1, 9.1.1).", r.number)));
        }
        if r.title.is_empty() {
            return Err(row_error(F, line, "thiếu tên nhiệm vụ."));
        }
        if !keys.insert((r.plan.clone(), r.section.clone(), r.number.clone())) {
            return Err(row_error(F, line, format!("nhiệm vụ {} của {} bị lặp.", r.number, r.plan)));
        }
        let start_on = date(&r.start_on, F, line, "Ngày bắt đầu")?;
        let deadline_on = date(&r.deadline_on, F, line, "Thời hạn")?;
        if let (Some(s), Some(d)) = (start_on, deadline_on)
            && d < s
        {
            return Err(row_error(F, line, "thời hạn trước ngày bắt đầu."));
        }
        let budget_vnd = match r.budget_million_vnd.as_str() {
            "" => None,
            b => match b.parse::<i64>() {
                Ok(m) if (0..=i64::MAX / 1_000_000).contains(&m) => Some(m * 1_000_000),
                _ => return Err(row_error(F, line, format!("kinh phí '{b}' phải là số nguyên triệu đồng, không âm."))),
            },
        };
        let lead = org_codes(&r.lead_org_codes, orgs, F, line)?;
        let coordinating = org_codes(&r.coordinating_org_codes, orgs, F, line)?;
        out.push(CheckedTask { row: r.clone(), lead, coordinating, start_on, deadline_on, budget_vnd });
    }
    for (line, r) in &rows {
        if !r.parent_number.is_empty() && !keys.contains(&(r.plan.clone(), r.section.clone(), r.parent_number.clone())) {
            return Err(row_error(F, *line, format!("nhiệm vụ cha {} không có trong tệp.", r.parent_number)));
        }
    }
    Ok(out)
}

pub async fn write_plans(tx: &DatabaseTransaction, rows: &[PlanRow]) -> Result<usize> {
    let mut created = 0;
    for r in rows {
        let existing = plan::Entity::find_by_id(r.code.clone()).one(tx).await.map_err(db_error)?;
        let mut am = plan::ActiveModel {
            code: Set(r.code.clone()),
            title: Set(r.title.clone()),
            issued_on: Set(r.issued_on.clone()),
            source_file: Set(r.source_file.clone()),
            ..Default::default()
        };
        if existing.is_some() {
            plan::Entity::update(am).exec(tx).await.map_err(db_error)?;
        } else {
            am.created_at = Set(Utc::now());
            plan::Entity::insert(am).exec_without_returning(tx).await.map_err(db_error)?;
            created += 1;
        }
    }
    Ok(created)
}

/// Inserts new tasks and refreshes the document fields of those already there.
pub async fn write_tasks(tx: &DatabaseTransaction, rows: &[CheckedTask]) -> Result<(usize, usize)> {
    let existing: HashMap<(String, String, String), uuid::Uuid> = task::Entity::find()
        .all(tx)
        .await
        .map_err(db_error)?
        .into_iter()
        .map(|t| ((t.plan_code, t.section, t.number), t.id))
        .collect();
    let (mut created, mut updated) = (0, 0);
    let now = Utc::now();
    for c in rows {
        let r = &c.row;
        let key = (r.plan.clone(), r.section.clone(), r.number.clone());
        let mut am = task::ActiveModel {
            plan_code: Set(r.plan.clone()),
            section: Set(r.section.clone()),
            number: Set(r.number.clone()),
            parent_number: Set(r.parent_number.clone()),
            title: Set(r.title.clone()),
            lead_agencies: Set(r.lead_agencies.clone()),
            lead_org_code: Set(c.lead.first().cloned()),
            coordinating_agencies: Set(r.coordinating_agencies.clone()),
            expected_result: Set(r.expected_result.clone()),
            start_on: Set(c.start_on),
            deadline_on: Set(c.deadline_on),
            timeframe: Set(r.timeframe.clone()),
            budget_vnd: Set(c.budget_vnd),
            funding: Set(r.funding.clone()),
            legal_basis: Set(r.legal_basis.clone()),
            result_text: Set(r.result_text.clone()),
            source_file: Set(r.source_file.clone()),
            source_section: Set(r.source_section.clone()),
            updated_at: Set(now),
            ..Default::default()
        };
        let id = match existing.get(&key) {
            Some(id) => {
                am.id = Set(*id);
                task::Entity::update(am).exec(tx).await.map_err(db_error)?;
                task_org::Entity::delete_many().filter(task_org::Column::TaskId.eq(*id)).exec(tx).await.map_err(db_error)?;
                updated += 1;
                *id
            }
            None => {
                let id = tinhso_core::new_id();
                am.id = Set(id);
                am.status = Set(Status::NotStarted.as_str().to_owned());
                am.progress = Set(0);
                am.created_at = Set(now);
                task::Entity::insert(am).exec_without_returning(tx).await.map_err(db_error)?;
                created += 1;
                id
            }
        };
        let orgs = c.lead.iter().map(|o| (o, "lead")).chain(c.coordinating.iter().filter(|o| !c.lead.contains(o)).map(|o| (o, "coordinating")));
        let rows: Vec<task_org::ActiveModel> = orgs
            .map(|(o, role)| task_org::ActiveModel { task_id: Set(id), org_code: Set(o.clone()), role: Set(role.to_owned()) })
            .collect();
        if !rows.is_empty() {
            task_org::Entity::insert_many(rows).exec_without_returning(tx).await.map_err(db_error)?;
        }
    }
    Ok((created, updated))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_hierarchical() {
        for ok in ["1", "9.1", "9.1.1", "3.6a"] {
            assert!(valid_number(ok), "{ok}");
        }
        for bad in ["", "9.", ".1", "a", "9..1", "1.x"] {
            assert!(!valid_number(bad), "{bad}");
        }
    }

    #[test]
    fn a_bad_row_is_named() {
        let csv = "plan,number,title,budget_million_vnd\nP,1,Một,100\nP,2,Hai,abc\n";
        let rows = read_csv::<TaskRow>("tasks.csv", csv.as_bytes()).unwrap();
        let plans = HashSet::from(["P".to_owned()]);
        let e = check_tasks(rows, &plans, &HashSet::new()).unwrap_err();
        assert_eq!(e.code(), "invalid_plan_row");
        assert!(e.public_message().contains("tasks.csv, dòng 3"), "{}", e.public_message());
    }
}
