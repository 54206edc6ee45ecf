//! A procedure of the catalogue and the rules it must satisfy.
use serde::{Deserialize, Serialize};
use tinhso_core::{Error, Result, text::nfc};

pub const LEVELS: [&str; 2] = ["province", "commune"];
pub const SERVICE_LEVELS: [&str; 3] = ["full_online", "partial_online", "in_person"];
pub const TARGET_GROUPS: [&str; 2] = ["citizen", "business"];
pub const DOCUMENT_FORMS: [&str; 4] = ["original", "copy", "original_or_copy", "present"];
pub const REGISTRIES: [&str; 4] = ["population", "civil_status", "business", "land"];
pub const STEP_ROLES: [&str; 4] = ["one_stop", "processing", "approval", "transfer"];
pub const LIFE_EVENTS: [&str; 12] = [
    "birth", "school_entry", "marriage", "starting_business", "building_home", "land_and_housing",
    "employment", "retirement", "death", "health", "driving", "farming",
];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Fee {
    pub case: String,
    pub amount_vnd: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequiredDocument {
    pub name: String,
    /// original | copy | original_or_copy | present
    pub form: String,
    pub count: u32,
    /// The registry the agency reads instead of asking for the paper, if any.
    #[serde(default)]
    pub replaced_by_data: Option<String>,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub name: String,
    /// one_stop | processing | approval | transfer
    pub role: String,
    pub days: f64,
    /// For a transfer: the agency that takes the dossier over.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency: Option<String>,
}

/// One field of a procedure's application form, checked on the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FormField {
    /// Key in the submitted form, e.g. `child_name`.
    pub name: String,
    /// Vietnamese label shown to the person.
    pub label: String,
    /// text | date | number | personal_id | phone | select
    pub kind: String,
    #[serde(default)]
    pub required: bool,
    /// Choices of a `select`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
}

fn default_fee_timing() -> String {
    "before_result".into()
}

pub const FEE_TIMINGS: [&str; 2] = ["before_receipt", "before_result"];

pub const FORM_FIELD_KINDS: [&str; 6] = ["text", "date", "number", "personal_id", "phone", "select"];

/// A procedure as stored and as the API shows it. `agencies` holds org-unit codes; a
/// commune-level procedure with no agency listed is carried out by every commune-level unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Procedure {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub field: String,
    pub level: String,
    #[serde(default)]
    pub agencies: Vec<String>,
    pub processing_days: f64,
    #[serde(default)]
    pub processing_note: String,
    #[serde(default)]
    pub fees: Vec<Fee>,
    pub documents: Vec<RequiredDocument>,
    pub service_level: String,
    pub target_groups: Vec<String>,
    #[serde(default)]
    pub legal_basis: Vec<String>,
    #[serde(default)]
    pub steps: Vec<Step>,
    #[serde(default)]
    pub life_events: Vec<String>,
    /// When the fee is charged: before_receipt | before_result.
    #[serde(default = "default_fee_timing")]
    pub fee_timing: String,
    /// The application form beyond the applicant's contact details.
    #[serde(default)]
    pub form_fields: Vec<FormField>,
    /// Keys whose values are demo data rather than verified facts.
    #[serde(default)]
    pub demo_fields: Vec<String>,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub retired: bool,
    /// Incremented on each change; an update must name the version it read.
    #[serde(default)]
    pub version: i32,
}

fn one_of(code: &'static str, field: &str, value: &str, allowed: &[&str]) -> Result<()> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        Err(Error::invalid(code, field, format!("giá trị '{value}' không hợp lệ; chọn một trong: {}.", allowed.join(", "))))
    }
}

/// `1.001193`: a digit, a dot and six digits (also `2.000123`, `3.000439`…).
pub fn is_valid_code(code: &str) -> bool {
    match code.split_once('.') {
        Some((a, b)) => !a.is_empty() && a.len() <= 2 && b.len() == 6 && (a.to_owned() + b).bytes().all(|c| c.is_ascii_digit()),
        None => false,
    }
}

impl Procedure {
    /// Normalises text to NFC and checks every rule; the message names the part at fault.
    pub fn normalize_and_validate(&mut self) -> Result<()> {
        self.code = self.code.trim().to_owned();
        if !is_valid_code(&self.code) {
            return Err(Error::invalid("invalid_procedure_code", "Mã thủ tục", format!("'{}' không đúng dạng 1.001193.", self.code)));
        }
        for s in [&mut self.name, &mut self.field, &mut self.processing_note, &mut self.source] {
            *s = nfc(s);
        }
        for list in [&mut self.aliases, &mut self.legal_basis] {
            list.iter_mut().for_each(|s| *s = nfc(s));
            list.retain(|s| !s.is_empty());
        }
        if self.name.is_empty() || self.name.chars().count() > 2000 {
            return Err(Error::invalid("invalid_name", "Tên thủ tục", "không được để trống và không quá 2000 ký tự."));
        }
        if self.field.is_empty() {
            return Err(Error::invalid("invalid_field", "Lĩnh vực", "không được để trống."));
        }
        one_of("invalid_level", "Cấp thực hiện", &self.level, &LEVELS)?;
        one_of("invalid_service_level", "Mức độ dịch vụ", &self.service_level, &SERVICE_LEVELS)?;
        if self.target_groups.is_empty() {
            return Err(Error::invalid("invalid_target_group", "Đối tượng", "cần ít nhất một đối tượng."));
        }
        for t in &self.target_groups {
            one_of("invalid_target_group", "Đối tượng", t, &TARGET_GROUPS)?;
        }
        if !(0.0..=365.0).contains(&self.processing_days) {
            return Err(Error::invalid("invalid_processing_days", "Thời hạn giải quyết", "phải từ 0 đến 365 ngày làm việc."));
        }
        for fee in &mut self.fees {
            fee.case = nfc(&fee.case);
            if fee.amount_vnd < 0 {
                return Err(Error::invalid("invalid_fee", "Lệ phí", "số tiền không được âm."));
            }
        }
        if self.documents.is_empty() {
            return Err(Error::invalid("missing_documents", "Thành phần hồ sơ", "cần ít nhất một giấy tờ."));
        }
        for d in &mut self.documents {
            d.name = nfc(&d.name);
            d.note = nfc(&d.note);
            if d.name.is_empty() || d.count == 0 {
                return Err(Error::invalid("invalid_document", "Thành phần hồ sơ", "mỗi giấy tờ cần tên và số lượng từ 1 trở lên."));
            }
            one_of("invalid_document", "Hình thức giấy tờ", &d.form, &DOCUMENT_FORMS)?;
            if let Some(r) = &d.replaced_by_data {
                one_of("invalid_document", "Nguồn dữ liệu thay thế", r, &REGISTRIES)?;
            }
        }
        for s in &mut self.steps {
            s.name = nfc(&s.name);
            one_of("invalid_step", "Quy trình xử lý", &s.role, &STEP_ROLES)?;
            if s.days < 0.0 {
                return Err(Error::invalid("invalid_step", "Quy trình xử lý", "số ngày của bước không được âm."));
            }
        }
        let mut names = std::collections::HashSet::new();
        for f in &mut self.form_fields {
            f.label = nfc(&f.label);
            one_of("invalid_form_field", "Biểu mẫu", &f.kind, &FORM_FIELD_KINDS)?;
            let valid_name = !f.name.is_empty() && f.name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            if !valid_name || !names.insert(f.name.clone()) || f.label.is_empty() || (f.kind == "select" && f.options.is_empty()) {
                return Err(Error::invalid("invalid_form_field", "Biểu mẫu", format!("trường '{}' cần tên duy nhất (chữ thường, số, _), nhãn, và lựa chọn nếu là danh sách.", f.name)));
            }
        }
        one_of("invalid_fee_timing", "Thời điểm thu phí", &self.fee_timing, &FEE_TIMINGS)?;
        for e in &self.life_events {
            one_of("invalid_life_event", "Sự kiện", e, &LIFE_EVENTS)?;
        }
        Ok(())
    }

    /// True when the person can complete the procedure without visiting an office.
    pub fn fully_online(&self) -> bool {
        self.service_level == "full_online"
    }

    /// The fee charged online: the first case with an amount (a procedure with several cases
    /// lists the usual one first).
    pub fn fee_due(&self) -> i64 {
        self.fees.iter().map(|f| f.amount_vnd).find(|a| *a > 0).unwrap_or(0)
    }
}

/// Vietnamese labels used on pages.
pub fn label(value: &str) -> &str {
    match value {
        "province" => "Cấp tỉnh",
        "commune" => "Cấp xã",
        "full_online" => "Trực tuyến toàn trình",
        "partial_online" => "Trực tuyến một phần",
        "in_person" => "Trực tiếp",
        "citizen" => "Công dân",
        "business" => "Doanh nghiệp, tổ chức",
        "original" => "Bản chính",
        "copy" => "Bản sao",
        "original_or_copy" => "Bản chính hoặc bản sao",
        "present" => "Xuất trình",
        "population" => "CSDL quốc gia về dân cư",
        "civil_status" => "CSDL hộ tịch điện tử",
        "land" => "CSDL đất đai",
        "birth" => "Sinh con",
        "school_entry" => "Đi học",
        "marriage" => "Kết hôn",
        "starting_business" => "Khởi nghiệp, kinh doanh",
        "building_home" => "Xây nhà",
        "land_and_housing" => "Đất đai, nhà ở",
        "employment" => "Việc làm",
        "retirement" => "Nghỉ hưu",
        "death" => "Khi người thân qua đời",
        "health" => "Sức khỏe",
        "driving" => "Lái xe, phương tiện",
        "farming" => "Sản xuất nông nghiệp",
        "one_stop" => "Bộ phận một cửa",
        "processing" => "Chuyên viên xử lý",
        "approval" => "Lãnh đạo phê duyệt",
        "transfer" => "Chuyển cơ quan khác",
        other => other,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn procedure_codes() {
        assert!(is_valid_code("1.001193"));
        assert!(is_valid_code("2.000488"));
        assert!(!is_valid_code("1001193"));
        assert!(!is_valid_code("1.0011"));
    }
}
