//! Reading tabular files (CSV, JSON arrays of records, the first sheet of an XLSX workbook, the
//! features of a GeoJSON file): decoding, a quoting check with line
//! numbers, schema inference (Frictionless Table Schema) and validation against a schema.
//! Nothing here fails on bad input: every problem becomes an issue in the [`Report`].
use crate::model::{Field, TableSchema};
use crate::table::Table;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::hash::{Hash, Hasher};

/// Values read as missing unless a schema says otherwise.
pub const MISSING: &[&str] = &["", "NA", "N/A", "null", "NULL"];
/// At most this many issues of each kind are listed (all are counted).
const LIST_LIMIT: usize = 20;

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Report {
    pub rows: u64,
    pub columns: u64,
    pub cells: u64,
    pub utf8: bool,
    /// The encoding the file was read as when it was not UTF-8.
    #[serde(default)]
    pub encoding: String,
    pub missing_cells: u64,
    pub type_errors: u64,
    pub duplicate_rows: u64,
    pub ragged_rows: u64,
    pub quoting_errors: u64,
    pub mixed_formats: u64,
    /// GeoJSON features whose geometry is invalid (also counted in `type_errors`).
    #[serde(default)]
    pub geometry_errors: u64,
    /// The first issues of each kind, with line numbers.
    pub issues: Vec<Issue>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Issue {
    /// `encoding`, `quoting`, `ragged`, `duplicate`, `type`, `required`, `format`, `parse`,
    /// `geometry`.
    pub kind: String,
    /// 1-based line in the file (CSV) or record (JSON) or feature (GeoJSON) number; 0 for the
    /// whole file.
    pub line: u64,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub column: String,
    pub message: String,
}

impl Report {
    pub(crate) fn note(&mut self, kind: &str, line: u64, column: &str, message: String) {
        if self.issues.iter().filter(|i| i.kind == kind).count() < LIST_LIMIT {
            self.issues.push(Issue { kind: kind.into(), line, column: column.into(), message });
        }
    }
}

/// The outcome of reading a file: the table (when it could be read as one), its schema and
/// the report.
pub struct Analysis {
    pub table: Option<Table>,
    pub schema: Option<TableSchema>,
    pub report: Report,
}

/// Decodes text: UTF-8 (without BOM), else Windows-1258 (what Vietnamese office software
/// writes), reporting the first line that was not UTF-8.
pub fn decode(bytes: &[u8], report: &mut Report) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => {
            report.utf8 = true;
            s.to_owned()
        }
        Err(e) => {
            report.utf8 = false;
            report.encoding = "windows-1258".into();
            let line = bytes[..e.valid_up_to()].iter().filter(|b| **b == b'\n').count() as u64 + 1;
            report.note("encoding", line, "", format!("Tệp không phải UTF-8 (byte lạ ở dòng {line}); đã đọc theo bảng mã Windows-1258."));
            // Windows-1258 writes tone marks as combining characters: compose them (NFC).
            tinhso_core::text::nfc(&encoding_rs::WINDOWS_1258.decode(bytes).0)
        }
    }
}

/// Walks the CSV text once and reports quotes that do not follow RFC 4180, with their lines.
fn check_quoting(text: &str, delim: u8, report: &mut Report) {
    let b = text.as_bytes();
    let (mut i, mut line, mut at_field_start) = (0usize, 1u64, true);
    while i < b.len() {
        let c = b[i];
        if at_field_start && c == b'"' {
            let start_line = line;
            i += 1;
            loop {
                match b.get(i) {
                    None => {
                        report.quoting_errors += 1;
                        report.note("quoting", start_line, "", format!("Dấu ngoặc kép mở ở dòng {start_line} không được đóng."));
                        return;
                    }
                    Some(b'"') if b.get(i + 1) == Some(&b'"') => i += 2,
                    Some(b'"') => {
                        i += 1;
                        break;
                    }
                    Some(b'\n') => {
                        line += 1;
                        i += 1;
                    }
                    Some(_) => i += 1,
                }
            }
            match b.get(i) {
                None | Some(b'\n') | Some(b'\r') => {}
                Some(x) if *x == delim => {}
                Some(_) => {
                    report.quoting_errors += 1;
                    report.note("quoting", line, "", format!("Dòng {line}: có ký tự sau dấu ngoặc kép đóng."));
                    while i < b.len() && b[i] != delim && b[i] != b'\n' {
                        i += 1;
                    }
                }
            }
            at_field_start = false;
            continue;
        }
        if c == b'"' {
            report.quoting_errors += 1;
            report.note("quoting", line, "", format!("Dòng {line}: dấu ngoặc kép nằm giữa một ô không được đặt trong ngoặc kép."));
        }
        at_field_start = c == delim || c == b'\n';
        if c == b'\n' {
            line += 1;
        }
        i += 1;
    }
}

fn sniff_delimiter(text: &str) -> u8 {
    let first = text.lines().next().unwrap_or_default();
    let count = |d: char| first.matches(d).count();
    if count(';') > count(',') { b';' } else if count('\t') > count(',') { b'\t' } else { b',' }
}

/// Header, rows, and the line (or record number) of each row.
pub(crate) type Rows = (Vec<String>, Vec<Vec<String>>, Vec<u64>);

/// Reads CSV text into rows, noting ragged rows.
fn read_csv(text: &str, report: &mut Report) -> Rows {
    let delim = sniff_delimiter(text);
    check_quoting(text, delim, report);
    let mut reader = csv::ReaderBuilder::new().delimiter(delim).has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut header: Option<Vec<String>> = None;
    let (mut rows, mut lines) = (Vec::new(), Vec::new());
    for rec in reader.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                report.note("parse", line, "", format!("Dòng {line}: không đọc được ({e})."));
                continue;
            }
        };
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        let cells: Vec<String> = rec.iter().map(|c| c.trim().to_owned()).collect();
        let Some(h) = &header else {
            header = Some(cells);
            continue;
        };
        if cells.len() == 1 && cells[0].is_empty() {
            continue;
        }
        let mut cells = cells;
        if cells.len() != h.len() {
            report.ragged_rows += 1;
            report.note("ragged", line, "", format!("Dòng {line} có {} ô, tiêu đề có {} cột.", cells.len(), h.len()));
            cells.resize(h.len(), String::new());
        }
        rows.push(cells);
        lines.push(line);
    }
    (header.unwrap_or_default(), rows, lines)
}

/// Reads a JSON array of records (or `{"data": […]}`); keys become columns in first-seen order.
fn read_json(text: &str, report: &mut Report) -> Option<Rows> {
    let value: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            report.note("parse", e.line() as u64, "", format!("JSON không hợp lệ ở dòng {}: {e}", e.line()));
            return None;
        }
    };
    let items = value.as_array().or_else(|| value.get("data").and_then(|d| d.as_array()))?;
    let mut header: Vec<String> = Vec::new();
    for item in items {
        for k in item.as_object()?.keys() {
            if !header.contains(k) {
                header.push(k.clone());
            }
        }
    }
    let rows = items
        .iter()
        .map(|item| {
            header
                .iter()
                .map(|k| match item.get(k) {
                    None | Some(serde_json::Value::Null) => String::new(),
                    Some(serde_json::Value::String(s)) => s.clone(),
                    Some(v) => v.to_string(),
                })
                .collect()
        })
        .collect();
    Some((header, rows, (1..=items.len() as u64).collect()))
}

pub fn is_integer(v: &str) -> bool {
    v.parse::<i64>().is_ok()
}

pub fn is_number(v: &str) -> bool {
    v.parse::<f64>().is_ok_and(f64::is_finite)
}

fn is_boolean(v: &str) -> bool {
    matches!(v.to_ascii_lowercase().as_str(), "true" | "false")
}

fn date_format(v: &str) -> Option<&'static str> {
    use chrono::NaiveDate;
    if NaiveDate::parse_from_str(v, "%Y-%m-%d").is_ok() {
        Some("default")
    } else if NaiveDate::parse_from_str(v, "%d/%m/%Y").is_ok() {
        Some("%d/%m/%Y")
    } else {
        None
    }
}

pub fn valid_as(field: &Field, v: &str) -> bool {
    match field.kind.as_str() {
        "integer" => is_integer(v),
        "number" => is_number(v),
        "boolean" => is_boolean(v),
        // Another date layout is valid but inconsistent: "clean" counts it, not "correct".
        "date" => date_format(v).is_some(),
        _ => true,
    }
}

/// The type most values of a column have (nine in ten), else `string`.
fn infer_field(name: &str, values: &[&str]) -> Field {
    let n = values.len().max(1);
    let share = |f: &dyn Fn(&str) -> bool| values.iter().filter(|v| f(v)).count() * 10 >= n * 9;
    let (kind, format) = if values.is_empty() {
        ("string", "")
    } else if share(&is_integer) {
        ("integer", "")
    } else if share(&is_number) {
        ("number", "")
    } else if share(&|v| date_format(v).is_some()) {
        let iso = values.iter().filter(|v| date_format(v) == Some("default")).count();
        ("date", if iso * 2 >= values.len() { "default" } else { "%d/%m/%Y" })
    } else if share(&is_boolean) {
        ("boolean", "")
    } else {
        ("string", "")
    };
    Field { name: name.to_owned(), kind: kind.into(), format: format.into(), title: String::new(), constraints: None }
}

/// Reads `bytes` of the given format; with `schema`, validates against it instead of inferring.
pub fn analyse(bytes: &[u8], format: &str, schema: Option<&TableSchema>) -> Analysis {
    let mut report = Report::default();
    let parsed = match format {
        "CSV" => {
            let text = decode(bytes, &mut report);
            Some(read_csv(&text, &mut report))
        }
        "JSON" => {
            let text = decode(bytes, &mut report);
            read_json(&text, &mut report)
        }
        "GEOJSON" => {
            let text = decode(bytes, &mut report);
            crate::geojson::read(&text, &mut report)
        }
        "XLSX" => {
            // Text inside a workbook is always Unicode.
            report.utf8 = true;
            crate::xlsx::read(bytes, &mut report)
        }
        _ => None,
    };
    let Some((header, rows, lines)) = parsed.filter(|(h, _, _)| !h.is_empty()) else {
        return Analysis { table: None, schema: None, report };
    };
    let missing: Vec<String> = schema.map(|s| s.missing_values.clone()).filter(|m| !m.is_empty()).unwrap_or_else(|| MISSING.iter().map(|s| (*s).to_owned()).collect());
    let is_missing = |v: &str| missing.iter().any(|m| m == v);
    let schema = match schema.filter(|s| s.fields.len() == header.len()) {
        Some(s) => s.clone(),
        None => TableSchema {
            fields: header
                .iter()
                .enumerate()
                .map(|(i, h)| {
                    let values: Vec<&str> = rows.iter().map(|r| r[i].as_str()).filter(|v| !is_missing(v)).collect();
                    let name = if h.is_empty() { format!("cot_{}", i + 1) } else { h.clone() };
                    infer_field(&name, &values)
                })
                .collect(),
            missing_values: missing.clone(),
        },
    };
    validate(&schema, &rows, &lines, &is_missing, &mut report);
    let table = Table::build(&schema, &rows, &is_missing);
    Analysis { table: Some(table), schema: Some(schema), report }
}

fn validate(schema: &TableSchema, rows: &[Vec<String>], lines: &[u64], is_missing: &dyn Fn(&str) -> bool, report: &mut Report) {
    report.rows = rows.len() as u64;
    report.columns = schema.fields.len() as u64;
    report.cells = report.rows * report.columns;
    let mut seen = HashSet::with_capacity(rows.len());
    for (row, line) in rows.iter().zip(lines) {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        row.hash(&mut h);
        if !seen.insert(h.finish()) {
            report.duplicate_rows += 1;
            report.note("duplicate", *line, "", format!("Dòng {line} trùng lặp hoàn toàn với một dòng trước đó."));
        }
        for (field, v) in schema.fields.iter().zip(row) {
            if is_missing(v) {
                report.missing_cells += 1;
                if field.constraints.as_ref().is_some_and(|c| c.required) {
                    report.type_errors += 1;
                    report.note("required", *line, &field.name, format!("Dòng {line}: cột '{}' bắt buộc nhưng để trống.", field.name));
                }
            } else if !valid_as(field, v) {
                report.type_errors += 1;
                report.note("type", *line, &field.name, format!("Dòng {line}: '{}' không phải giá trị kiểu {} của cột '{}'.", clip(v), field.kind, field.name));
            }
        }
    }
    // Dates written two ways in one column are valid but inconsistent.
    for (i, field) in schema.fields.iter().enumerate().filter(|(_, f)| f.kind == "date") {
        let mut first: Option<(&'static str, u64)> = None;
        for (row, line) in rows.iter().zip(lines) {
            match (date_format(&row[i]), first) {
                (Some(f), None) => first = Some((f, *line)),
                (Some(f), Some((g, _))) if f != g => {
                    report.mixed_formats += 1;
                    report.note("format", *line, &field.name, format!("Dòng {line}: ngày ở cột '{}' viết khác định dạng với các dòng trước.", field.name));
                }
                _ => {}
            }
        }
    }
}

fn clip(v: &str) -> String {
    let s: String = v.chars().take(40).collect();
    if s.len() < v.len() { format!("{s}…") } else { s }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_clean_csv_gets_a_schema_and_no_issues() {
        let a = analyse("ma,ten,so_ho_so,ngay\n1,Sở Tư pháp,12,2026-01-05\n2,Sở Y tế,7,2026-02-01\n".as_bytes(), "CSV", None);
        let s = a.schema.unwrap();
        let kinds: Vec<&str> = s.fields.iter().map(|f| f.kind.as_str()).collect();
        assert_eq!(kinds, ["integer", "string", "integer", "date"]);
        assert!(a.report.issues.is_empty(), "{:?}", a.report.issues);
        assert_eq!(a.report.rows, 2);
        assert_eq!(a.table.unwrap().len(), 2);
    }

    #[test]
    fn malformed_csv_is_reported_with_line_numbers() {
        let csv = "a,b,c\n1,2,3\n4,5\n1,2,3\n7,x\"y,9\n8,\"open,9\n10,11,12\n";
        let r = analyse(csv.as_bytes(), "CSV", None).report;
        let lines = |k: &str| r.issues.iter().filter(|i| i.kind == k).map(|i| i.line).collect::<Vec<_>>();
        assert_eq!(lines("ragged").first(), Some(&3), "{:?}", r.issues);
        assert_eq!(lines("duplicate"), vec![4]);
        assert!(lines("quoting").contains(&5), "{:?}", r.issues);
        assert!(lines("quoting").contains(&6), "{:?}", r.issues);
    }

    #[test]
    fn windows_1258_is_read_and_flagged() {
        // As Vietnamese office software writes it: "ô" precomposed, the dot below combining.
        let (bytes, _, unmappable) = encoding_rs::WINDOWS_1258.encode("ten\nHà Nô\u{323}i\n");
        assert!(!unmappable);
        let a = analyse(&bytes, "CSV", None);
        assert!(!a.report.utf8);
        assert_eq!(a.report.issues[0].kind, "encoding");
        assert_eq!(a.table.unwrap().text(0, 0), "Hà Nội");
    }

    #[test]
    fn values_against_the_schema_and_mixed_dates() {
        let csv = "n,d\n1,2026-01-01\n2,02/01/2026\nabc,2026-01-03\n3,2026-01-04\n4,2026-01-05\n5,2026-01-06\n6,2026-01-07\n7,2026-01-08\n8,2026-01-09\n9,2026-01-10\n10,2026-01-11\n";
        let r = analyse(csv.as_bytes(), "CSV", None).report;
        assert_eq!(r.type_errors, 1, "{:?}", r.issues);
        assert_eq!(r.issues.iter().find(|i| i.kind == "type").unwrap().line, 4);
        assert_eq!(r.mixed_formats, 1);
        assert!(analyse(b"{not json", "JSON", None).report.issues[0].kind == "parse");
    }
}
