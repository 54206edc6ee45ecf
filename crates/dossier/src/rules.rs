//! What each action does besides changing the state: the appointment on receipt, assignment
//! to an officer of the unit, steps and inter-agency transfer, the stopped clock while the
//! applicant completes a supplement, and the apology a late result needs.
use crate::entity::dossier;
use crate::machine::{Action, State};
use crate::service::{Dossiers, acts_for};
use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::Set;
use tinhso_catalog::Procedure;
use tinhso_core::{Error, Result, roles::Role, text::fold};
use tinhso_identity::Principal;

fn only_assignee(who: &Principal, d: &dossier::Model) -> Result<()> {
    if d.assigned_to == Some(who.user_id) {
        Ok(())
    } else {
        Err(Error::conflict("not_assignee", "Chỉ chuyên viên được phân công mới xử lý được hồ sơ này."))
    }
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn apply(
    svc: &Dossiers,
    who: &Principal,
    m: &mut dossier::ActiveModel,
    d: &dossier::Model,
    p: &Procedure,
    action: Action,
    assignee: Option<uuid::Uuid>,
    now: DateTime<Utc>,
) -> Result<()> {
    let cal = svc.calendar();
    let unpaid = d.fee_vnd > 0 && d.payment_status != "paid";
    let payment_required = || Error::conflict("payment_required", "Hồ sơ chưa được thanh toán phí, lệ phí theo quy định của thủ tục.");
    match action {
        Action::Receive if unpaid && p.fee_timing == "before_receipt" => return Err(payment_required()),
        Action::ReturnResult if unpaid && p.fee_timing == "before_result" => return Err(payment_required()),
        _ => {}
    }
    match action {
        Action::Receive => {
            m.received_at = Set(Some(now));
            m.due_at = Set(Some(cal.add_working_days(now, p.processing_days)));
            // Inter-agency: the receiving agency's own part is the steps before the first transfer.
            if p.steps.iter().any(|s| s.role == "transfer") {
                let own: f64 = p.steps.iter().take_while(|s| s.role != "transfer").map(|s| s.days).sum();
                m.stage_due_at = Set(Some(cal.add_working_days(now, own)));
            }
        }
        Action::Assign => {
            let officer = assignee.ok_or_else(|| Error::invalid("assignee_required", "Chuyên viên", "chọn chuyên viên xử lý."))?;
            let target = tinhso_identity::accounts::principal(&svc.db, officer).await.map_err(|_| Error::invalid("invalid_assignee", "Chuyên viên", "không tìm thấy tài khoản."))?;
            if !acts_for(&target, &[Role::ProcessingOfficer], &d.current_unit_code) {
                return Err(Error::invalid("invalid_assignee", "Chuyên viên", "người được phân công phải là chuyên viên xử lý của đơn vị."));
            }
            m.assigned_to = Set(Some(officer));
        }
        Action::RecordStep | Action::SubmitForApproval => {
            only_assignee(who, d)?;
            if action == Action::RecordStep {
                m.step_index = Set(d.step_index + 1);
            }
        }
        Action::Transfer => {
            only_assignee(who, d)?;
            let start = usize::try_from(d.step_index).unwrap_or(0);
            let (i, step) = p
                .steps
                .iter()
                .enumerate()
                .skip(start)
                .find(|(_, s)| s.role == "transfer")
                .ok_or_else(|| Error::conflict("no_transfer_step", "Quy trình của thủ tục không còn bước chuyển cơ quan phối hợp."))?;
            let name = step.agency.as_deref().unwrap_or_default();
            let unit = tinhso_identity::org_units::list(&svc.db)
                .await?
                .into_iter()
                .find(|u| u.code == name || fold(&u.name) == fold(name))
                .ok_or_else(|| Error::conflict("unknown_transfer_agency", format!("Không có đơn vị '{name}' để chuyển hồ sơ.")))?;
            m.current_unit_code = Set(unit.code);
            // The next agency's part of the legal time: its transfer step's days.
            m.stage_due_at = Set(Some(cal.add_working_days(now, step.days)));
            m.assigned_to = Set(None);
            m.step_index = Set(i32::try_from(i + 1).unwrap_or(i32::MAX));
        }
        Action::RequestSupplement | Action::Pause => {
            let from = State::parse(&d.state).unwrap_or(State::Received);
            m.resume_state = Set(Some(from.as_str().into()));
            m.remaining_days = Set(d.due_at.map(|due| cal.working_days_between(now, due)));
        }
        Action::CompleteSupplement | Action::Resume => {
            let left = d.remaining_days.unwrap_or(p.processing_days);
            if d.due_at.is_some() {
                m.due_at = Set(Some(cal.add_working_days(now, left)));
            }
            m.resume_state = Set(None);
            m.remaining_days = Set(None);
        }
        Action::ReturnResult => {
            let late = d.due_at.is_some_and(|due| due < now);
            if late && !d.apologized {
                return Err(Error::conflict("apology_required", "Hồ sơ trả muộn: cần lập phiếu xin lỗi và hẹn lại ngày trả kết quả trước."));
            }
            m.finished_at = Set(Some(now));
        }
        Action::Refuse | Action::Withdraw => m.finished_at = Set(Some(now)),
        Action::Approve | Action::ReturnForCompletion | Action::Resubmit | Action::ReturnToProcessing => {}
    }
    Ok(())
}
