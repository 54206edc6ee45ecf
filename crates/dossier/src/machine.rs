//! The one-stop flow of Decree 118/2025 as one state machine. Every move a dossier can make is
//! in `TRANSITIONS`; anything else is refused with `illegal_transition`.
use serde::{Deserialize, Serialize};
use tinhso_core::{Error, roles::Role};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Submitted,
    ReturnedForCompletion,
    Received,
    Assigned,
    InProcessing,
    Transferred,
    AwaitingApproval,
    Approved,
    ResultReturned,
    SupplementRequested,
    Refused,
    Withdrawn,
    Paused,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// One-stop desk sends a submitted dossier back for completion before receipt.
    ReturnForCompletion,
    /// The applicant sends a returned dossier again.
    Resubmit,
    Receive,
    /// The lead of the processing unit assigns an officer.
    Assign,
    /// The assigned officer records the outcome of the current step.
    RecordStep,
    /// Pass the dossier to the next agency of an inter-agency procedure.
    Transfer,
    SubmitForApproval,
    /// The approver sends the dossier back to the officer.
    ReturnToProcessing,
    Approve,
    ReturnResult,
    RequestSupplement,
    /// The applicant completes a supplement; the clock runs again.
    CompleteSupplement,
    Refuse,
    Withdraw,
    Pause,
    Resume,
}

use Action as A;
use State as S;

/// Who acts: the applicant, or staff holding a role in the dossier's current org unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    Applicant,
    Staff(&'static [Role]),
}

const ONE_STOP: Actor = Actor::Staff(&[Role::OneStopOfficer]);
const OFFICER: Actor = Actor::Staff(&[Role::ProcessingOfficer]);
const LEAD: Actor = Actor::Staff(&[Role::Approver]);
const HANDLERS: Actor = Actor::Staff(&[Role::OneStopOfficer, Role::ProcessingOfficer, Role::Approver]);

/// (action, from, to, who). `to == None` means "back to the state before the pause".
pub const TRANSITIONS: &[(Action, &[State], Option<State>, Actor)] = &[
    (A::ReturnForCompletion, &[S::Submitted], Some(S::ReturnedForCompletion), ONE_STOP),
    (A::Resubmit, &[S::ReturnedForCompletion], Some(S::Submitted), Actor::Applicant),
    (A::Receive, &[S::Submitted], Some(S::Received), ONE_STOP),
    (A::Assign, &[S::Received, S::Transferred, S::Assigned], Some(S::Assigned), LEAD),
    (A::RecordStep, &[S::Assigned, S::InProcessing], Some(S::InProcessing), OFFICER),
    (A::Transfer, &[S::InProcessing], Some(S::Transferred), OFFICER),
    (A::SubmitForApproval, &[S::InProcessing], Some(S::AwaitingApproval), OFFICER),
    (A::ReturnToProcessing, &[S::AwaitingApproval], Some(S::InProcessing), LEAD),
    (A::Approve, &[S::AwaitingApproval], Some(S::Approved), LEAD),
    (A::ReturnResult, &[S::Approved], Some(S::ResultReturned), ONE_STOP),
    (A::RequestSupplement, &[S::Received, S::Assigned, S::InProcessing], Some(S::SupplementRequested), HANDLERS),
    (A::CompleteSupplement, &[S::SupplementRequested], None, Actor::Applicant),
    (A::Refuse, &[S::Received, S::Assigned, S::InProcessing, S::AwaitingApproval], Some(S::Refused), LEAD),
    (
        A::Withdraw,
        &[S::Submitted, S::ReturnedForCompletion, S::Received, S::Assigned, S::InProcessing, S::SupplementRequested, S::Paused],
        Some(S::Withdrawn),
        Actor::Applicant,
    ),
    (A::Pause, &[S::Assigned, S::InProcessing], Some(S::Paused), LEAD),
    (A::Resume, &[S::Paused], None, LEAD),
];

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            S::Submitted => "submitted",
            S::ReturnedForCompletion => "returned_for_completion",
            S::Received => "received",
            S::Assigned => "assigned",
            S::InProcessing => "in_processing",
            S::Transferred => "transferred",
            S::AwaitingApproval => "awaiting_approval",
            S::Approved => "approved",
            S::ResultReturned => "result_returned",
            S::SupplementRequested => "supplement_requested",
            S::Refused => "refused",
            S::Withdrawn => "withdrawn",
            S::Paused => "paused",
        }
    }

    pub const ALL: [State; 13] = [
        S::Submitted, S::ReturnedForCompletion, S::Received, S::Assigned, S::InProcessing, S::Transferred,
        S::AwaitingApproval, S::Approved, S::ResultReturned, S::SupplementRequested, S::Refused, S::Withdrawn, S::Paused,
    ];

    pub fn parse(s: &str) -> Option<State> {
        State::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// No more moves: the dossier is closed.
    pub fn is_final(self) -> bool {
        matches!(self, S::ResultReturned | S::Refused | S::Withdrawn)
    }

    /// The deadline clock stands still in these states (before receipt, or waiting on the
    /// applicant).
    pub fn clock_stopped(self) -> bool {
        matches!(self, S::Submitted | S::ReturnedForCompletion | S::SupplementRequested | S::Paused) || self.is_final()
    }

    /// Vietnamese label for pages.
    pub fn label(self) -> &'static str {
        match self {
            S::Submitted => "Đã nộp, chờ tiếp nhận",
            S::ReturnedForCompletion => "Trả lại để hoàn thiện",
            S::Received => "Đã tiếp nhận",
            S::Assigned => "Đã phân công",
            S::InProcessing => "Đang xử lý",
            S::Transferred => "Đã chuyển cơ quan phối hợp",
            S::AwaitingApproval => "Chờ phê duyệt",
            S::Approved => "Đã phê duyệt, chờ trả kết quả",
            S::ResultReturned => "Đã trả kết quả",
            S::SupplementRequested => "Yêu cầu bổ sung",
            S::Refused => "Từ chối giải quyết",
            S::Withdrawn => "Đã rút hồ sơ",
            S::Paused => "Tạm dừng",
        }
    }
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            A::ReturnForCompletion => "return_for_completion",
            A::Resubmit => "resubmit",
            A::Receive => "receive",
            A::Assign => "assign",
            A::RecordStep => "record_step",
            A::Transfer => "transfer",
            A::SubmitForApproval => "submit_for_approval",
            A::ReturnToProcessing => "return_to_processing",
            A::Approve => "approve",
            A::ReturnResult => "return_result",
            A::RequestSupplement => "request_supplement",
            A::CompleteSupplement => "complete_supplement",
            A::Refuse => "refuse",
            A::Withdraw => "withdraw",
            A::Pause => "pause",
            A::Resume => "resume",
        }
    }

    /// Actions whose note is the written reason the law requires.
    pub fn needs_reason(self) -> bool {
        matches!(self, A::ReturnForCompletion | A::RequestSupplement | A::Refuse | A::Pause | A::ReturnToProcessing)
    }
}

/// Where `action` takes a dossier in `from`; `resume_to` is the state before a pause or a
/// supplement request. Refuses a move the flow does not allow.
pub fn next(from: State, action: Action, resume_to: Option<State>) -> Result<(State, Actor), Error> {
    let rule = TRANSITIONS.iter().find(|(a, froms, _, _)| *a == action && froms.contains(&from));
    match rule {
        Some((_, _, Some(to), who)) => Ok((*to, *who)),
        Some((_, _, None, who)) => resume_to.map(|s| (s, *who)).ok_or_else(|| Error::other("resume state missing")),
        None => Err(Error::conflict(
            "illegal_transition",
            format!("Không thể thực hiện '{}' khi hồ sơ đang ở trạng thái '{}'.", action.as_str(), from.label()),
        )),
    }
}

/// The actions open from a state, for showing buttons.
pub fn actions_from(state: State) -> impl Iterator<Item = (Action, Actor)> {
    TRANSITIONS.iter().filter(move |(_, froms, _, _)| froms.contains(&state)).map(|(a, _, _, who)| (*a, *who))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const ALL_ACTIONS: [Action; 16] = [
        A::ReturnForCompletion, A::Resubmit, A::Receive, A::Assign, A::RecordStep, A::Transfer, A::SubmitForApproval,
        A::ReturnToProcessing, A::Approve, A::ReturnResult, A::RequestSupplement, A::CompleteSupplement, A::Refuse,
        A::Withdraw, A::Pause, A::Resume,
    ];

    #[test]
    fn the_happy_path() {
        let mut s = S::Submitted;
        for a in [A::Receive, A::Assign, A::RecordStep, A::Transfer, A::Assign, A::RecordStep, A::SubmitForApproval, A::Approve, A::ReturnResult] {
            s = next(s, a, None).unwrap().0;
        }
        assert_eq!(s, S::ResultReturned);
    }

    #[test]
    fn every_illegal_move_is_refused_and_every_legal_one_listed() {
        let mut legal = 0;
        for from in State::ALL {
            for action in ALL_ACTIONS {
                let allowed = TRANSITIONS.iter().any(|(a, froms, _, _)| *a == action && froms.contains(&from));
                match next(from, action, Some(S::InProcessing)) {
                    Ok(_) => {
                        assert!(allowed);
                        legal += 1;
                    }
                    Err(e) => {
                        assert!(!allowed, "{from:?} {action:?}");
                        assert_eq!(e.code(), "illegal_transition");
                    }
                }
            }
        }
        assert_eq!(legal, TRANSITIONS.iter().map(|t| t.1.len()).sum::<usize>());
    }

    #[test]
    fn final_states_have_no_way_out() {
        for s in [S::ResultReturned, S::Refused, S::Withdrawn] {
            assert!(s.is_final());
            assert_eq!(actions_from(s).count(), 0, "{s:?}");
        }
    }

    #[test]
    fn a_supplement_resumes_where_it_stopped() {
        let (s, _) = next(S::SupplementRequested, A::CompleteSupplement, Some(S::Assigned)).unwrap();
        assert_eq!(s, S::Assigned);
    }
}
