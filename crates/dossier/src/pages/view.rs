//! What the dossier pages show, prepared so templates stay plain: Vietnamese names of actions,
//! times in Asia/Ho_Chi_Minh, list rows and pagination.
use crate::machine::{Action, State, TRANSITIONS};
use crate::model::Dossier;
use chrono::{DateTime, Utc};
use tinhso_catalog::Catalog;
use tinhso_core::Error;
use tinhso_web::{Chrome, PageError};

/// An error shown as a page that keeps the header of the signed-in person.
pub fn page_error(chrome: &Chrome) -> impl FnOnce(Error) -> PageError + '_ {
    move |e| PageError(e, Box::new(chrome.clone()))
}

/// "HH:MM ngày dd/mm/yyyy" in Vietnam's time.
pub fn time_text(t: DateTime<Utc>) -> String {
    t.with_timezone(&tinhso_core::calendar::vietnam()).format("%H:%M ngày %d/%m/%Y").to_string()
}

/// "dd/mm/yyyy" in Vietnam's time.
pub fn date_text(t: DateTime<Utc>) -> String {
    t.with_timezone(&tinhso_core::calendar::vietnam()).format("%d/%m/%Y").to_string()
}

pub fn parse_action(s: &str) -> Option<Action> {
    TRANSITIONS.iter().map(|t| t.0).find(|a| a.as_str() == s)
}

/// The button of an action, as the person taking it reads it.
pub fn action_label(a: Action) -> &'static str {
    match a {
        Action::ReturnForCompletion => "Trả lại để hoàn thiện hồ sơ",
        Action::Resubmit => "Nộp lại hồ sơ",
        Action::Receive => "Tiếp nhận hồ sơ",
        Action::Assign => "Phân công chuyên viên xử lý",
        Action::RecordStep => "Ghi nhận kết quả bước xử lý",
        Action::Transfer => "Chuyển cơ quan phối hợp",
        Action::SubmitForApproval => "Trình lãnh đạo phê duyệt",
        Action::ReturnToProcessing => "Trả lại chuyên viên xử lý",
        Action::Approve => "Phê duyệt kết quả",
        Action::ReturnResult => "Trả kết quả",
        Action::RequestSupplement => "Yêu cầu bổ sung hồ sơ",
        Action::CompleteSupplement => "Xác nhận đã bổ sung hồ sơ",
        Action::Refuse => "Từ chối giải quyết",
        Action::Withdraw => "Rút hồ sơ",
        Action::Pause => "Tạm dừng xử lý",
        Action::Resume => "Tiếp tục xử lý",
    }
}

/// A timeline event as the applicant reads it.
pub fn event_label(action: &str) -> String {
    let known = match action {
        "submit" => "Nộp hồ sơ trực tuyến",
        "return_for_completion" => "Trả lại để hoàn thiện hồ sơ",
        "resubmit" => "Nộp lại hồ sơ",
        "receive" => "Tiếp nhận hồ sơ, hẹn ngày trả kết quả",
        "assign" => "Phân công chuyên viên xử lý",
        "record_step" => "Hoàn thành một bước xử lý",
        "transfer" => "Chuyển cơ quan phối hợp",
        "submit_for_approval" => "Trình lãnh đạo phê duyệt",
        "return_to_processing" => "Lãnh đạo trả lại để xử lý tiếp",
        "approve" => "Phê duyệt kết quả",
        "return_result" => "Trả kết quả",
        "request_supplement" => "Yêu cầu bổ sung hồ sơ",
        "complete_supplement" => "Người nộp đã bổ sung hồ sơ",
        "refuse" => "Từ chối giải quyết",
        "withdraw" => "Người nộp rút hồ sơ",
        "pause" => "Tạm dừng xử lý",
        "resume" => "Tiếp tục xử lý",
        "apologize" => "Phiếu xin lỗi và hẹn lại ngày trả kết quả",
        "overdue" => "Quá hạn giải quyết",
        other => return other.to_owned(),
    };
    known.to_owned()
}

/// The procedure's name from the in-memory index; its code when the index does not know it yet.
pub fn procedure_name(catalog: &Catalog, code: &str) -> String {
    catalog.index().get(code).map(|p| p.name.clone()).unwrap_or_else(|| format!("Thủ tục {code}"))
}

/// Late: flagged by the overdue job, or past its appointment while the clock runs.
pub fn is_late(d: &Dossier, now: DateTime<Utc>) -> bool {
    d.overdue || (!d.state.clock_stopped() && d.due_at.is_some_and(|due| due < now))
}

/// One line of a list of dossiers.
pub struct DossierRow {
    pub id: String,
    pub code: String,
    pub procedure: String,
    pub applicant: String,
    pub state: &'static str,
    pub submitted: String,
    pub due: String,
    pub late: bool,
}

impl DossierRow {
    pub fn new(d: &Dossier, catalog: &Catalog, now: DateTime<Utc>) -> DossierRow {
        DossierRow {
            id: d.id.to_string(),
            code: d.code.clone(),
            procedure: procedure_name(catalog, &d.procedure_code),
            applicant: d.applicant_name.clone(),
            state: d.state.label(),
            submitted: d.submitted_at.map(date_text).unwrap_or_default(),
            due: d.due_at.map(time_text).unwrap_or_else(|| "Chưa hẹn".into()),
            late: is_late(d, now),
        }
    }
}

/// An option of a `<select>`.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// The state filter of the queue: every state with its Vietnamese name.
pub fn state_choices(selected: &str) -> Vec<Choice> {
    State::ALL.iter().map(|s| Choice { value: s.as_str().into(), label: s.label().into(), selected: s.as_str() == selected }).collect()
}

pub fn enc(s: &str) -> String {
    serde_urlencoded::to_string([("", s)]).unwrap_or_default().trim_start_matches('=').to_owned()
}

/// Links to the pages before and after, built from the same query.
pub struct Pager {
    pub page: u64,
    pub pages: u64,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    /// `base` ends with `?` or `&`, ready for `trang=`.
    pub fn new(base: &str, page: u64, per_page: u64, total: u64) -> Pager {
        let pages = total.div_ceil(per_page.max(1)).max(1);
        let link = |p: u64| format!("{base}trang={p}");
        Pager { page, pages, prev: (page > 1).then(|| link(page - 1)), next: (page < pages).then(|| link(page + 1)) }
    }
}
