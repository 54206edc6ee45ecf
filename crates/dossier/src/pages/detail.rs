//! `/ho-so/{id}`: one dossier with its appointment, what was declared, the timeline, and the
//! actions the viewer may take now, each a small form. A refused action shows the page again
//! with the reason, and the dossier as it is now, so the person can try again.
use super::view::{self, Choice, action_label, event_label, page_error, parse_action, time_text};
use crate::Dossiers;
use crate::entity::dossier;
use crate::form::contact_fields;
use crate::machine::{Action, Actor, actions_from};
use crate::model::{ActRequest, ApologyRequest, Dossier};
use crate::service::acts_for;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{NaiveDate, NaiveTime, Utc};
use sea_orm::{DatabaseConnection, EntityTrait, QuerySelect};
use serde::Deserialize;
use std::sync::Arc;
use tinhso_catalog::{Catalog, Procedure};
use tinhso_core::{Error, roles::Role};
use tinhso_identity::Principal;
use tinhso_web::{Chrome, CsrfForm, PageError, SignedIn, render};
use uuid::Uuid;

pub struct ActionView {
    pub action: &'static str,
    pub label: &'static str,
    pub needs_reason: bool,
    pub officers: Vec<Choice>,
    /// Withdrawal cannot be undone: the person ticks a box first.
    pub confirm: bool,
    pub note: String,
}

pub struct Line {
    pub label: String,
    pub value: String,
}

pub struct EventLine {
    pub at: String,
    pub iso: String,
    pub action: String,
    pub state: &'static str,
    pub note: String,
}

#[derive(Template)]
#[template(path = "dossier.html")]
struct DossierPage {
    chrome: Chrome,
    d: Dossier,
    procedure: String,
    late: bool,
    staff_view: bool,
    agency: String,
    current_unit: String,
    submitted: String,
    received: String,
    due: String,
    finished: String,
    assigned: String,
    fields: Vec<Line>,
    events: Vec<EventLine>,
    actions: Vec<ActionView>,
    /// The viewer may write the apology letter of a late dossier.
    apology: bool,
    apology_reason: String,
    /// The applicant's own steps: pay, rate.
    fee: String,
    can_pay: bool,
    can_rate: bool,
    has_result: bool,
    papers: Vec<super::papers::PaperRow>,
    can_add_papers: bool,
    done: String,
    error: String,
}

/// What the viewer tried, kept when it was refused.
struct Failed {
    message: String,
    action: String,
    note: String,
}

pub(super) fn parse_id(chrome: &Chrome, id: &str) -> Result<Uuid, PageError> {
    Uuid::parse_str(id).map_err(|_| page_error(chrome)(Error::not_found("hồ sơ")))
}

/// The applicant's id is not part of the public `Dossier`; read only after the service let the
/// viewer see the dossier.
async fn applicant_of(db: &DatabaseConnection, id: Uuid) -> Result<Option<Uuid>, Error> {
    dossier::Entity::find_by_id(id).select_only().column(dossier::Column::ApplicantId).into_tuple::<Uuid>().one(db).await.map_err(tinhso_db::db_error)
}

async fn unit_name(db: &DatabaseConnection, code: &str) -> String {
    tinhso_identity::org_units::by_code(db, code).await.map(|u| u.name).unwrap_or_else(|_| code.to_owned())
}

/// The actions open now that this viewer may take: the applicant's own, or staff's in the unit
/// that holds the dossier (the receiving desk for returning the result).
fn open_actions(who: &Principal, d: &Dossier, applicant: bool, p: Option<&Procedure>) -> Vec<Action> {
    let step = usize::try_from(d.step_index).unwrap_or(0);
    actions_from(d.state)
        .filter(|(a, actor)| match actor {
            Actor::Applicant => applicant,
            Actor::Staff(roles) => {
                let unit = if *a == Action::ReturnResult { &d.agency_code } else { &d.current_unit_code };
                let assignee_only = matches!(a, Action::RecordStep | Action::SubmitForApproval | Action::Transfer);
                acts_for(who, roles, unit)
                    && (!assignee_only || d.assigned_to == Some(who.user_id))
                    && (*a != Action::Transfer || p.is_none_or(|p| p.steps.iter().skip(step).any(|s| s.role == "transfer")))
            }
        })
        .map(|(a, _)| a)
        .collect()
}

async fn officers_of(db: &DatabaseConnection, unit: &str, current: Option<Uuid>) -> Result<Vec<Choice>, Error> {
    let staff = tinhso_identity::accounts::list_staff(db).await?;
    Ok(staff
        .into_iter()
        .filter(|s| acts_for(s, &[Role::ProcessingOfficer], unit))
        .map(|s| Choice { selected: Some(s.user_id) == current, value: s.user_id.to_string(), label: s.full_name })
        .collect())
}

fn done_message(done: &str, d: &Dossier) -> String {
    match done {
        "submit" => format!("Hồ sơ đã được nộp. Mã hồ sơ của bạn là {}; hãy ghi lại để tra cứu.", d.code),
        "apologize" => "Đã lập phiếu xin lỗi và hẹn lại ngày trả kết quả.".into(),
        "rate" => "Cảm ơn bạn đã đánh giá mức độ hài lòng.".into(),
        "document" => "Đã thêm giấy tờ vào hồ sơ.".into(),
        "paid" => "Đã thanh toán phí, lệ phí. Cảm ơn bạn.".into(),
        "payment_failed" => "Thanh toán chưa thành công; bạn có thể thử lại.".into(),
        other => parse_action(other).map(|a| format!("Đã thực hiện: {}.", action_label(a))).unwrap_or_default(),
    }
}

pub(super) struct Ctx {
    pub(super) svc: Arc<Dossiers>,
    pub(super) catalog: Arc<Catalog>,
    pub(super) db: DatabaseConnection,
}

impl Ctx {
    async fn page(&self, chrome: Chrome, who: &Principal, id: Uuid, done: &str, failed: Option<Failed>) -> Result<Html<String>, PageError> {
        let e = page_error(&chrome);
        let d = self.svc.get(who, id).await.map_err(e)?;
        let e = page_error(&chrome);
        let events = self.svc.timeline(who, id).await.map_err(e)?;
        let p = self.catalog.get(&d.procedure_code).await.ok();
        let e = page_error(&chrome);
        let applicant = applicant_of(&self.db, id).await.map_err(e)? == Some(who.user_id);
        let staff_view = who.roles.iter().any(|g| g.role.is_staff() && matches!(g.org_unit_code.as_deref(), Some(u) if u == d.agency_code || u == d.current_unit_code));
        let mut actions = Vec::new();
        for a in open_actions(who, &d, applicant, p.as_ref()) {
            let officers = if a == Action::Assign { officers_of(&self.db, &d.current_unit_code, d.assigned_to).await.map_err(page_error(&chrome))? } else { Vec::new() };
            let note = failed.as_ref().filter(|f| f.action == a.as_str()).map(|f| f.note.clone()).unwrap_or_default();
            actions.push(ActionView { action: a.as_str(), label: action_label(a), needs_reason: a.needs_reason(), officers, confirm: a == Action::Withdraw, note });
        }
        let now = Utc::now();
        let apology = !d.state.is_final() && d.due_at.is_some_and(|due| due < now) && acts_for(who, &[Role::OneStopOfficer, Role::Approver], &d.current_unit_code);
        let assigned = match d.assigned_to {
            Some(officer) if staff_view => tinhso_identity::accounts::principal(&self.db, officer).await.map(|p| p.full_name).unwrap_or_default(),
            _ => String::new(),
        };
        let labels: Vec<_> = contact_fields().into_iter().chain(p.iter().flat_map(|p| p.form_fields.clone())).collect();
        let mut fields: Vec<Line> = labels.iter().filter_map(|f| d.form.get(&f.name).map(|v| Line { label: f.label.clone(), value: v.clone() })).collect();
        fields.extend(d.form.iter().filter(|(k, _)| !labels.iter().any(|f| &f.name == *k)).map(|(k, v)| Line { label: k.clone(), value: v.clone() }));
        let (papers, can_add_papers) = super::papers::rows(&self.svc, &self.catalog, who, &d, applicant).await.map_err(page_error(&chrome))?;
        let current_unit = if d.current_unit_code == d.agency_code { String::new() } else { unit_name(&self.db, &d.current_unit_code).await };
        render(&DossierPage {
            procedure: p.as_ref().map(|p| p.name.clone()).unwrap_or_else(|| view::procedure_name(&self.catalog, &d.procedure_code)),
            late: view::is_late(&d, now),
            staff_view,
            agency: unit_name(&self.db, &d.agency_code).await,
            current_unit,
            submitted: d.submitted_at.map(time_text).unwrap_or_default(),
            received: d.received_at.map(time_text).unwrap_or_default(),
            due: d.due_at.map(time_text).unwrap_or_default(),
            finished: d.finished_at.map(time_text).unwrap_or_default(),
            assigned,
            fields,
            events: events
                .into_iter()
                .map(|e| EventLine {
                    at: time_text(e.at),
                    iso: e.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                    action: event_label(&e.action),
                    state: crate::machine::State::parse(&e.to_state).map_or("", |s| s.label()),
                    note: e.note,
                })
                .collect(),
            actions,
            apology,
            apology_reason: failed.as_ref().filter(|f| f.action == "apologize").map(|f| f.note.clone()).unwrap_or_default(),
            fee: if d.fee_vnd > 0 { tinhso_payment::format_vnd(d.fee_vnd) } else { String::new() },
            can_pay: applicant && d.fee_vnd > 0 && d.payment_status != "paid" && !d.state.is_final(),
            can_rate: applicant && d.state == crate::machine::State::ResultReturned && !self.svc.rated(d.id).await.map_err(page_error(&chrome))?,
            has_result: matches!(d.state, crate::machine::State::Approved | crate::machine::State::ResultReturned),
            papers,
            can_add_papers,
            done: done_message(done, &d),
            error: failed.map(|f| f.message).unwrap_or_default(),
            d,
            chrome,
        })
    }

    /// The outcome of a change: back to the dossier on success (so reloading repeats nothing),
    /// or the page again with the reason it was refused.
    pub(super) async fn answer(&self, chrome: Chrome, who: &Principal, id: Uuid, result: Result<&str, Error>, action: &str, note: String) -> Result<Response, PageError> {
        match result {
            Ok(done) => Ok(Redirect::to(&format!("/ho-so/{id}?da={done}")).into_response()),
            Err(e @ (Error::Invalid { .. } | Error::Conflict { .. })) => {
                let status = tinhso_web::error::status_of(&e);
                let failed = Failed { message: e.public_message(), action: action.to_owned(), note };
                Ok((status, self.page(chrome, who, id, "", Some(failed)).await?).into_response())
            }
            Err(e) => Err(page_error(&chrome)(e)),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ShowParams {
    da: String,
    /// Set by the payment gateway's return: paid | failed | pending.
    thanh_toan: String,
}

pub async fn show(
    chrome: Chrome,
    SignedIn(who): SignedIn,
    State(svc): State<Arc<Dossiers>>,
    State(catalog): State<Arc<Catalog>>,
    State(db): State<DatabaseConnection>,
    Path(id): Path<String>,
    Query(params): Query<ShowParams>,
) -> Result<Html<String>, PageError> {
    let id = parse_id(&chrome, &id)?;
    let done = match params.thanh_toan.as_str() {
        "paid" => "paid",
        "failed" => "payment_failed",
        _ => params.da.as_str(),
    };
    Ctx { svc, catalog, db }.page(chrome, &who, id, done, None).await
}

#[derive(Debug, Deserialize)]
pub struct ActForm {
    action: String,
    version: i32,
    #[serde(default)]
    note: String,
    #[serde(default)]
    assignee: String,
    #[serde(default)]
    confirm: String,
}

pub async fn act(
    chrome: Chrome,
    SignedIn(who): SignedIn,
    State(svc): State<Arc<Dossiers>>,
    State(catalog): State<Arc<Catalog>>,
    State(db): State<DatabaseConnection>,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<ActForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&chrome, &id)?;
    let ctx = Ctx { svc, catalog, db };
    let result = async {
        let action = parse_action(&form.action).ok_or_else(|| Error::invalid("invalid_action", "Thao tác", "không có thao tác này."))?;
        if action == Action::Withdraw && form.confirm != "yes" {
            return Err(Error::invalid("confirm_required", "", "Hãy đánh dấu ô xác nhận trước khi rút hồ sơ."));
        }
        let assignee = match form.assignee.trim() {
            "" => None,
            s => Some(Uuid::parse_str(s).map_err(|_| Error::invalid("invalid_assignee", "Chuyên viên", "chọn chuyên viên trong danh sách."))?),
        };
        let req = ActRequest { action, version: form.version, note: form.note.clone(), assignee };
        ctx.svc.act(&who, id, req).await.map(|_| action.as_str())
    }
    .await;
    ctx.answer(chrome, &who, id, result, &form.action, form.note).await
}

#[derive(Debug, Deserialize)]
pub struct ApologyForm {
    version: i32,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    time: String,
}

/// The new appointment as typed (date and time in Vietnam), in UTC.
fn new_appointment(date: &str, time: &str) -> Result<chrono::DateTime<Utc>, Error> {
    let bad = || Error::invalid("invalid_apology", "Ngày hẹn mới", "nhập ngày dạng năm-tháng-ngày và giờ dạng giờ:phút, ví dụ 2026-03-20 và 16:00.");
    let date = NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d").map_err(|_| bad())?;
    let time = if time.trim().is_empty() { NaiveTime::from_hms_opt(16, 0, 0).ok_or_else(bad)? } else { NaiveTime::parse_from_str(time.trim(), "%H:%M").map_err(|_| bad())? };
    date.and_time(time).and_local_timezone(tinhso_core::calendar::vietnam()).single().map(|t| t.with_timezone(&Utc)).ok_or_else(bad)
}

pub async fn apologize(
    chrome: Chrome,
    SignedIn(who): SignedIn,
    State(svc): State<Arc<Dossiers>>,
    State(catalog): State<Arc<Catalog>>,
    State(db): State<DatabaseConnection>,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<ApologyForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&chrome, &id)?;
    let ctx = Ctx { svc, catalog, db };
    let result = async {
        let new_due_at = new_appointment(&form.date, &form.time)?;
        ctx.svc.apologize(&who, id, ApologyRequest { version: form.version, reason: form.reason.clone(), new_due_at }).await.map(|_| "apologize")
    }
    .await;
    ctx.answer(chrome, &who, id, result, "apologize", form.reason).await
}
