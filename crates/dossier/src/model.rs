//! A dossier as the API and pages show it.
use crate::entity::{dossier, event};
use crate::form::FormData;
use crate::machine::{Action, State};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Dossier {
    pub id: uuid::Uuid,
    /// `<agency code>-<yymmdd>-<sequence>`.
    pub code: String,
    pub procedure_code: String,
    /// The agency that received it.
    pub agency_code: String,
    /// The agency that holds it now (differs after an inter-agency transfer).
    pub current_unit_code: String,
    pub applicant_name: String,
    /// online | counter
    pub channel: String,
    pub state: State,
    pub state_label: String,
    #[schema(value_type = Object)]
    pub form: FormData,
    pub assigned_to: Option<uuid::Uuid>,
    pub step_index: i32,
    pub submitted_at: Option<DateTime<Utc>>,
    pub received_at: Option<DateTime<Utc>>,
    /// The appointment: when the result is due.
    pub due_at: Option<DateTime<Utc>>,
    /// Inter-agency procedures: the time limit of the agency holding the dossier now (its part).
    pub stage_due_at: Option<DateTime<Utc>>,
    /// Required documents (indexes in the procedure's list) the applicant was not asked for:
    /// a registry read through the exchange held the data ("chỉ cung cấp một lần").
    pub documents_from_data: Vec<i32>,
    pub finished_at: Option<DateTime<Utc>>,
    pub overdue: bool,
    pub apologized: bool,
    /// The fee to pay online (VND), 0 when free.
    pub fee_vnd: i64,
    /// none | pending | paid | failed
    pub payment_status: String,
    /// Send it back with the next action: a stale version is refused.
    pub version: i32,
}

impl Dossier {
    pub(crate) fn from_row(m: dossier::Model) -> Dossier {
        let state = State::parse(&m.state).unwrap_or(State::Submitted);
        Dossier {
            id: m.id,
            code: m.code.unwrap_or_default(),
            procedure_code: m.procedure_code,
            agency_code: m.agency_code,
            current_unit_code: m.current_unit_code,
            applicant_name: m.applicant_name,
            channel: m.channel,
            state,
            state_label: state.label().into(),
            form: serde_json::from_str(&m.form_data).unwrap_or_default(),
            assigned_to: m.assigned_to,
            step_index: m.step_index,
            submitted_at: m.submitted_at,
            received_at: m.received_at,
            due_at: m.due_at,
            stage_due_at: m.stage_due_at,
            documents_from_data: serde_json::from_str(&m.data_documents).unwrap_or_default(),
            finished_at: m.finished_at,
            overdue: m.overdue,
            apologized: m.apologized,
            fee_vnd: m.fee_vnd,
            payment_status: m.payment_status,
            version: m.version,
        }
    }
}

/// One entry of a dossier's timeline.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TimelineEntry {
    pub at: DateTime<Utc>,
    pub action: String,
    pub from_state: Option<String>,
    pub to_state: String,
    pub note: String,
}

impl From<event::Model> for TimelineEntry {
    fn from(e: event::Model) -> Self {
        TimelineEntry { at: e.at, action: e.action, from_state: e.from_state, to_state: e.to_state, note: e.note }
    }
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmitRequest {
    pub procedure_code: String,
    /// The receiving agency's org-unit code; required for commune-level procedures (the
    /// commune where the applicant lives), else defaults to the procedure's first agency.
    #[serde(default)]
    pub agency_code: Option<String>,
    #[schema(value_type = Object)]
    pub form: FormData,
    /// Submitting twice with the same key creates one dossier.
    #[serde(default)]
    pub idempotency_key: Option<String>,
}

/// A paper dossier the one-stop desk registers for a person.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CounterRequest {
    /// The applicant's 12-digit personal id number (an account is made if they have none).
    pub applicant_personal_id: String,
    pub applicant_name: String,
    pub procedure_code: String,
    #[serde(default)]
    pub agency_code: Option<String>,
    #[schema(value_type = Object)]
    pub form: FormData,
    #[serde(default)]
    pub idempotency_key: Option<String>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActRequest {
    pub action: Action,
    /// The version the actor saw.
    pub version: i32,
    /// The written note or reason (required to refuse, return, request a supplement, pause).
    #[serde(default)]
    pub note: String,
    /// With `assign`: the officer's user id.
    #[serde(default)]
    pub assignee: Option<uuid::Uuid>,
}

/// The apology letter with a new appointment (phiếu xin lỗi và hẹn lại ngày trả kết quả),
/// required before a late dossier's result is returned.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApologyRequest {
    pub version: i32,
    pub reason: String,
    pub new_due_at: DateTime<Utc>,
}
