//! Tasks as the API and pages show them.
use crate::entity::{report, task};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    NotStarted,
    InProgress,
    Done,
    Overdue,
    Cancelled,
}

impl Status {
    pub const ALL: [Status; 5] = [Status::NotStarted, Status::InProgress, Status::Done, Status::Overdue, Status::Cancelled];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::NotStarted => "not_started",
            Status::InProgress => "in_progress",
            Status::Done => "done",
            Status::Overdue => "overdue",
            Status::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|x| x.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::NotStarted => "Chưa thực hiện",
            Status::InProgress => "Đang thực hiện",
            Status::Done => "Hoàn thành",
            Status::Overdue => "Quá hạn",
            Status::Cancelled => "Đã hủy",
        }
    }

    /// Still owed by the agency.
    pub fn is_open(self) -> bool {
        matches!(self, Status::NotStarted | Status::InProgress | Status::Overdue)
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Task {
    pub id: Uuid,
    /// The plan document (05/KH-UBND…).
    pub plan: String,
    pub section: String,
    /// As numbered in the document: 9.1, 9.1.1.
    pub number: String,
    pub parent_number: String,
    pub title: String,
    /// As printed in the document.
    pub lead_agencies: String,
    pub lead_org_code: Option<String>,
    pub coordinating_agencies: String,
    pub expected_result: String,
    pub start_on: Option<NaiveDate>,
    pub deadline_on: Option<NaiveDate>,
    pub timeframe: String,
    /// Integer VND.
    pub budget_vnd: Option<i64>,
    /// Funding codes: CTX, NST, CĐT.
    pub funding: String,
    pub legal_basis: String,
    /// The result the document reports, if any.
    pub result_text: String,
    pub source_file: String,
    pub source_section: String,
    pub status: Status,
    pub status_label: &'static str,
    pub progress: i32,
    pub done_at: Option<DateTime<Utc>>,
}

impl Task {
    pub fn from_row(t: task::Model) -> Task {
        let status = Status::parse(&t.status).unwrap_or(Status::NotStarted);
        Task {
            id: t.id,
            plan: t.plan_code,
            section: t.section,
            number: t.number,
            parent_number: t.parent_number,
            title: t.title,
            lead_agencies: t.lead_agencies,
            lead_org_code: t.lead_org_code,
            coordinating_agencies: t.coordinating_agencies,
            expected_result: t.expected_result,
            start_on: t.start_on,
            deadline_on: t.deadline_on,
            timeframe: t.timeframe,
            budget_vnd: t.budget_vnd,
            funding: t.funding,
            legal_basis: t.legal_basis,
            result_text: t.result_text,
            source_file: t.source_file,
            source_section: t.source_section,
            status,
            status_label: status.label(),
            progress: t.progress,
            done_at: t.done_at,
        }
    }

    /// Done by its deadline (a task with no deadline is on time when done).
    pub fn done_on_time(&self) -> bool {
        match (self.done_at, self.deadline_on) {
            (Some(at), Some(d)) => at.with_timezone(&tinhso_core::calendar::vietnam()).date_naive() <= d,
            (Some(_), None) => true,
            _ => false,
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Report {
    pub id: Uuid,
    pub task_id: Uuid,
    pub org_code: String,
    pub progress: i32,
    /// The agency reports the task finished.
    pub completed: bool,
    pub note: String,
    pub file_name: String,
    /// `/api/v1/tasks/{task}/reports/{id}/file` when a file is attached.
    pub file_url: Option<String>,
    /// pending | accepted | returned
    pub decision: String,
    pub decision_note: String,
    pub decided_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl Report {
    pub fn from_row(r: report::Model) -> Report {
        Report {
            file_url: r.blob_hash.as_ref().map(|_| format!("/api/v1/tasks/{}/reports/{}/file", r.task_id, r.id)),
            id: r.id,
            task_id: r.task_id,
            org_code: r.org_code,
            progress: r.progress,
            completed: r.completed,
            note: r.note,
            file_name: r.file_name,
            decision: r.decision,
            decision_note: r.decision_note,
            decided_at: r.decided_at,
            created_at: r.created_at,
        }
    }
}

/// Budget of a plan added up from its task rows.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BudgetLine {
    /// Org-unit code, agency name as printed, or funding codes.
    pub key: String,
    pub label: String,
    pub tasks: usize,
    pub total_vnd: i64,
}
