//! Reading procedures from files: the platform's own JSON, a flat CSV, and the national
//! catalogue's export (the verbatim crawl in ../shared/data), which needs parsing.
use crate::model::{Fee, Procedure, RequiredDocument, Step};
use tinhso_core::{Error, Result, text::{fold, nfc}};

/// One row read from a file, with where it stood, not yet checked against the org units.
pub struct Row {
    pub line: usize,
    pub procedure: Procedure,
    /// The national export names agencies in free text: one that matches no org unit is
    /// dropped (and marked as demo) rather than refusing the row.
    pub lenient_agencies: bool,
}

fn row_error(line: usize, e: impl std::fmt::Display) -> Error {
    Error::invalid("invalid_row", format!("Bản ghi {line}"), e.to_string())
}

/// JSON: an array of procedures in the platform's format, or of the national export's records.
pub fn parse_json(input: &[u8]) -> Result<Vec<Row>> {
    let values: Vec<serde_json::Value> = serde_json::from_slice(input)
        .map_err(|e| Error::invalid("invalid_json", "Tệp JSON", format!("không đọc được: {e}")))?;
    values
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            let line = i + 1;
            let national = v.get("processing_time").is_some();
            let procedure = if national {
                from_national(&v)
            } else {
                serde_json::from_value(v).map_err(|e| row_error(line, e))?
            };
            Ok(Row { line, procedure, lenient_agencies: national })
        })
        .collect()
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct CsvRow {
    code: String,
    name: String,
    field: String,
    level: String,
    #[serde(default)]
    agencies: String,
    processing_days: f64,
    service_level: String,
    target_groups: String,
    documents: String,
    #[serde(default)]
    fees: String,
    #[serde(default)]
    legal_basis: String,
    #[serde(default)]
    life_events: String,
    #[serde(default)]
    aliases: String,
}

fn list(s: &str) -> Vec<String> {
    s.split(';').map(nfc).filter(|x| !x.is_empty()).collect()
}

/// CSV with one procedure a row; lists are separated by ";", a document is
/// `name|form|count|registry` (all but the name optional), a fee is `case|amount`.
pub fn parse_csv(input: &[u8]) -> Result<Vec<Row>> {
    let mut reader = csv::Reader::from_reader(input);
    let mut rows = Vec::new();
    for (i, rec) in reader.deserialize::<CsvRow>().enumerate() {
        let line = i + 2;
        let r = rec.map_err(|e| Error::invalid("invalid_csv", format!("Dòng {line}"), e.to_string()))?;
        let documents = list(&r.documents)
            .into_iter()
            .map(|d| {
                let mut parts = d.split('|').map(str::trim);
                let name = parts.next().unwrap_or_default().to_owned();
                let form = parts.next().filter(|s| !s.is_empty()).unwrap_or("original_or_copy").to_owned();
                let count = parts.next().and_then(|c| c.parse().ok()).unwrap_or(1);
                let replaced_by_data = parts.next().filter(|s| !s.is_empty()).map(str::to_owned);
                RequiredDocument { name, form, count, replaced_by_data, note: String::new() }
            })
            .collect();
        let fees = list(&r.fees)
            .into_iter()
            .map(|f| match f.rsplit_once('|') {
                Some((case, amount)) => amount.trim().parse().map(|amount_vnd| Fee { case: case.trim().to_owned(), amount_vnd }),
                None => f.trim().parse().map(|amount_vnd| Fee { case: String::new(), amount_vnd }),
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| Error::invalid("invalid_fee", format!("Dòng {line}"), "lệ phí phải là số tiền (VND)."))?;
        let procedure = Procedure {
            code: r.code,
            name: r.name,
            aliases: list(&r.aliases),
            field: r.field,
            level: r.level,
            agencies: list(&r.agencies),
            processing_days: r.processing_days,
            processing_note: String::new(),
            fees,
            documents,
            service_level: r.service_level,
            target_groups: list(&r.target_groups),
            legal_basis: list(&r.legal_basis),
            steps: default_steps(r.processing_days),
            life_events: list(&r.life_events),
            demo_fields: vec!["steps".into()],
            form_fields: Vec::new(),
            fee_timing: "before_result".into(),
            source: "csv".into(),
            retired: false,
            version: 0,
        };
        rows.push(Row { line, procedure, lenient_agencies: false });
    }
    Ok(rows)
}

/// The usual one-stop flow when a source gives no structured steps.
pub fn default_steps(days: f64) -> Vec<Step> {
    let receive = if days >= 1.0 { 0.5 } else { 0.0 };
    let approve = if days >= 2.0 { 0.5 } else { 0.0 };
    let step = |name: &str, role: &str, days: f64| Step { name: name.into(), role: role.into(), days, agency: None };
    vec![
        step("Tiếp nhận, kiểm tra hồ sơ", "one_stop", receive),
        step("Thẩm định, xử lý hồ sơ", "processing", (days - receive - approve).max(0.0)),
        step("Phê duyệt, ký kết quả", "approval", approve),
        step("Trả kết quả", "one_stop", 0.0),
    ]
}

fn text_of(v: &serde_json::Value, key: &str) -> String {
    v.get(key).and_then(|x| x.as_str()).map(nfc).unwrap_or_default()
}

fn strings_of(v: &serde_json::Value, key: &str) -> Vec<String> {
    v.get(key).and_then(|x| x.as_array()).map(|a| a.iter().filter_map(|s| s.as_str()).map(nfc).collect()).unwrap_or_default()
}

/// Days from text such as "35 Ngày làm việc", "Trực tuyến: 20 Ngày; Trực tiếp: …", "24 giờ".
pub fn parse_days(text: &str) -> Option<f64> {
    let folded = fold(text);
    let start = folded.find(|c: char| c.is_ascii_digit())?;
    let num: String = folded[start..].chars().take_while(|c| c.is_ascii_digit() || *c == ',' || *c == '.').collect();
    let value: f64 = num.replace(',', ".").trim_end_matches('.').parse().ok()?;
    let unit = folded[start + num.len()..].trim_start();
    Some(if unit.starts_with("gio") { (value / 8.0).ceil() } else { value })
}

/// Amounts in VND from text such as "Trực tuyến: 150,000 Việt Nam Đồng (…)" or "Miễn phí".
pub fn parse_fees(text: &str) -> Vec<Fee> {
    let folded = fold(text);
    if folded.trim().is_empty() {
        return Vec::new();
    }
    if folded.contains("mien phi") || folded.contains("khong thu") {
        return vec![Fee { case: "Miễn phí".into(), amount_vnd: 0 }];
    }
    let mut fees = Vec::new();
    for part in text.split(';') {
        let digits: String = part.chars().skip_while(|c| !c.is_ascii_digit()).take_while(|c| c.is_ascii_digit() || *c == ',' || *c == '.').filter(char::is_ascii_digit).collect();
        if let Ok(amount_vnd) = digits.parse::<i64>() {
            let case = part.split(':').next().filter(|c| c.len() < part.len()).map(nfc).unwrap_or_default();
            fees.push(Fee { case, amount_vnd });
        }
    }
    fees
}

/// A record of the national catalogue export. Values the export does not carry (service
/// level, target group, structured steps) are filled with defaults and listed in `demo_fields`.
pub fn from_national(v: &serde_json::Value) -> Procedure {
    // A record without a code is kept here and refused by validation, so that an import
    // with `skip_invalid` can report it and go on.
    let code = text_of(v, "code");
    let level_text = fold(&v.get("level").map(|l| l.to_string()).unwrap_or_default());
    let level = if level_text.contains("xa") && !level_text.contains("tinh") { "commune" } else { "province" };
    let days = parse_days(&text_of(v, "processing_time"));
    let documents: Vec<RequiredDocument> = strings_of(v, "documents")
        .into_iter()
        .map(|d| d.trim_start_matches(['-', '+', '*', ' ']).to_owned())
        .filter(|d| {
            let f = fold(d);
            !d.is_empty() && !["truong hop", "luu y", "ghi chu", "so luong"].iter().any(|p| f.starts_with(p))
        })
        .map(|name| {
            let f = fold(&name);
            let form = if f.contains("ban chinh") && f.contains("ban sao") { "original_or_copy" } else if f.contains("ban sao") { "copy" } else { "original" };
            RequiredDocument { name: name.chars().take(1000).collect(), form: form.into(), count: 1, replaced_by_data: None, note: String::new() }
        })
        .collect();
    let documents = if documents.is_empty() {
        vec![RequiredDocument { name: "Theo quy định của thủ tục".into(), form: "original".into(), count: 1, replaced_by_data: None, note: String::new() }]
    } else {
        documents
    };
    let mut demo = vec!["service_level".to_owned(), "target_groups".to_owned(), "steps".to_owned()];
    if days.is_none() {
        demo.push("processing_days".into());
    }
    let agency = text_of(v, "agency");
    Procedure {
        code,
        name: text_of(v, "name").trim_start_matches("Thủ tục ").to_owned(),
        aliases: Vec::new(),
        field: Some(text_of(v, "field")).filter(|f| !f.is_empty()).unwrap_or_else(|| "Chưa phân loại".into()),
        level: level.into(),
        agencies: if level == "commune" || agency.is_empty() { Vec::new() } else { vec![agency] },
        processing_days: days.unwrap_or(0.0).min(365.0),
        processing_note: text_of(v, "processing_time").chars().take(500).collect(),
        fees: parse_fees(&text_of(v, "fees")),
        documents,
        service_level: "partial_online".into(),
        target_groups: vec!["citizen".into()],
        legal_basis: strings_of(v, "legal_basis"),
        steps: default_steps(days.unwrap_or(0.0)),
        life_events: Vec::new(),
        demo_fields: demo,
        form_fields: Vec::new(),
        fee_timing: "before_result".into(),
        source: text_of(v, "source"),
        retired: false,
        version: 0,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn parses_national_time_and_fees() {
        assert_eq!(parse_days("35 Ngày làm việc"), Some(35.0));
        assert_eq!(parse_days("Trực tuyến: 20 Ngày; Trực tiếp: 20 Ngày"), Some(20.0));
        assert_eq!(parse_days("24 giờ"), Some(3.0));
        assert_eq!(parse_days("không quy định"), None);
        assert_eq!(parse_fees("Miễn phí")[0].amount_vnd, 0);
        let fees = parse_fees("Trực tuyến: 150,000 Việt Nam Đồng (Lệ phí); Trực tiếp: 200.000 đồng");
        assert_eq!(fees.iter().map(|f| f.amount_vnd).collect::<Vec<_>>(), [150_000, 200_000]);
        assert_eq!(fees[0].case, "Trực tuyến");
    }
}
