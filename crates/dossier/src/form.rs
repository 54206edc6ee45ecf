//! The application form: the applicant's contact details that every dossier needs, and the
//! procedure's own fields from the catalogue, checked on the server with Vietnamese messages.
use std::collections::BTreeMap;
use tinhso_catalog::model::FormField;
use tinhso_core::{Error, Result, text::nfc};

pub type FormData = BTreeMap<String, String>;

/// Fields every dossier carries, before the procedure's own.
pub fn contact_fields() -> Vec<FormField> {
    let field = |name: &str, label: &str, kind: &str, required: bool| FormField {
        name: name.into(),
        label: label.into(),
        kind: kind.into(),
        required,
        options: Vec::new(),
    };
    vec![
        field("phone", "Số điện thoại liên hệ", "phone", true),
        field("address", "Địa chỉ liên hệ", "text", true),
        field("email", "Thư điện tử (nếu có)", "text", false),
    ]
}

fn bad(label: &str, message: &str) -> Error {
    Error::invalid("invalid_form", label, message)
}

fn check(field: &FormField, value: &str) -> Result<()> {
    match field.kind.as_str() {
        "phone" => {
            let digits: String = value.chars().filter(|c| !matches!(c, ' ' | '.' | '-')).collect();
            let ok = digits.len() == 10 && digits.starts_with('0') && digits.bytes().all(|b| b.is_ascii_digit());
            if !ok {
                return Err(bad(&field.label, "phải là số điện thoại 10 chữ số bắt đầu bằng 0."));
            }
        }
        "date" => {
            chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| bad(&field.label, "phải là ngày dạng năm-tháng-ngày, ví dụ 2026-03-15."))?;
        }
        "number" => {
            value.parse::<f64>().map_err(|_| bad(&field.label, "phải là một số."))?;
        }
        "personal_id" => {
            tinhso_core::personal_id::parse(value).map_err(|e| bad(&field.label, &e.public_message()))?;
        }
        "select" if !field.options.iter().any(|o| o == value) => {
            return Err(bad(&field.label, &format!("chọn một trong: {}.", field.options.join(", "))));
        }
        _ => {}
    }
    if value.chars().count() > 2000 {
        return Err(bad(&field.label, "dài quá 2.000 ký tự."));
    }
    Ok(())
}

/// Normalises and checks a submitted form against the contact fields and the procedure's own;
/// keys the form does not define are refused so nothing is silently dropped.
pub fn validate(fields: &[FormField], input: &FormData) -> Result<FormData> {
    let all: Vec<FormField> = contact_fields().into_iter().chain(fields.iter().cloned()).collect();
    if let Some(unknown) = input.keys().find(|k| !all.iter().any(|f| &f.name == *k)) {
        return Err(Error::invalid("invalid_form", "Biểu mẫu", format!("trường '{unknown}' không có trong biểu mẫu của thủ tục.")));
    }
    let mut out = FormData::new();
    for f in &all {
        let value = input.get(&f.name).map(|v| nfc(v)).unwrap_or_default();
        if value.is_empty() {
            if f.required {
                return Err(bad(&f.label, "không được để trống."));
            }
            continue;
        }
        check(f, &value)?;
        out.insert(f.name.clone(), value);
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> FormData {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn contact_details_are_checked() {
        assert!(validate(&[], &form(&[("phone", "0905 123 456"), ("address", "Xã An Phú")])).is_ok());
        let e = validate(&[], &form(&[("phone", "12345"), ("address", "x")])).unwrap_err();
        assert!(e.public_message().contains("Số điện thoại"), "{}", e.public_message());
        assert_eq!(validate(&[], &form(&[("phone", "0905123456")])).unwrap_err().code(), "invalid_form");
        assert!(validate(&[], &form(&[("phone", "0905123456"), ("address", "x"), ("hack", "1")])).is_err());
    }

    #[test]
    fn procedure_fields_are_checked_by_kind() {
        let fields = vec![
            FormField { name: "child_dob".into(), label: "Ngày sinh của trẻ".into(), kind: "date".into(), required: true, options: vec![] },
            FormField { name: "sex".into(), label: "Giới tính".into(), kind: "select".into(), required: true, options: vec!["Nam".into(), "Nữ".into()] },
        ];
        let base = [("phone", "0905123456"), ("address", "x")];
        let mut ok = form(&base);
        ok.extend(form(&[("child_dob", "2026-03-01"), ("sex", "Nữ")]));
        assert!(validate(&fields, &ok).is_ok());
        let mut bad_date = ok.clone();
        bad_date.insert("child_dob".into(), "01/03/2026".into());
        assert!(validate(&fields, &bad_date).unwrap_err().public_message().contains("Ngày sinh"));
        let mut bad_choice = ok;
        bad_choice.insert("sex".into(), "Khác".into());
        assert!(validate(&fields, &bad_choice).is_err());
    }
}
