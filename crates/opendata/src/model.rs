//! Datasets and resources as the portal keeps them, and the checks every write passes.
use crate::vocab;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use tinhso_core::text::nfc;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    pub id: Uuid,
    pub name: String,
    pub title: String,
    pub notes: String,
    /// Org-unit code of the publishing agency.
    pub owner_org: String,
    pub license_id: String,
    pub author: String,
    pub author_email: String,
    pub maintainer: String,
    pub maintainer_email: String,
    pub version: String,
    pub url: String,
    pub frequency: String,
    pub spatial: String,
    pub temporal_start: String,
    pub temporal_end: String,
    /// A theme name of [`vocab::THEMES`], or empty.
    pub theme: String,
    pub tags: Vec<String>,
    pub extras: Vec<(String, String)>,
    pub private: bool,
    /// `active` or `deleted`.
    pub state: String,
    /// Empty for datasets people publish; `self:<key>` for the platform's own statistics.
    pub source: String,
    pub creator_user_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub modified_at: DateTime<Utc>,
    pub resources: Vec<Resource>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    pub id: Uuid,
    pub package_id: Uuid,
    pub position: i32,
    pub name: String,
    pub description: String,
    pub format: String,
    /// The linked URL, or the file name of an upload.
    pub url: String,
    /// `upload` for files kept here, empty for links.
    pub url_type: String,
    pub blob_hash: Option<String>,
    pub mimetype: String,
    pub size: Option<i64>,
    pub schema: Option<TableSchema>,
    pub report: Option<crate::tabular::Report>,
    pub state: String,
    pub created_at: DateTime<Utc>,
    pub modified_at: DateTime<Utc>,
}

impl Resource {
    pub fn is_upload(&self) -> bool {
        self.url_type == "upload" && self.blob_hash.is_some()
    }

    /// Tabular resources can be previewed and queried.
    pub fn is_tabular(&self) -> bool {
        self.is_upload() && self.schema.is_some()
    }
}

/// A Frictionless Table Schema (the parts the portal uses).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TableSchema {
    pub fields: Vec<Field>,
    #[serde(default, rename = "missingValues")]
    pub missing_values: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Field {
    pub name: String,
    /// `string`, `integer`, `number`, `boolean` or `date`.
    #[serde(rename = "type")]
    pub kind: String,
    /// For dates: `default` (ISO) or a pattern such as `%d/%m/%Y`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub format: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub constraints: Option<Constraints>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Constraints {
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub required: bool,
}

pub const FIELD_TYPES: &[&str] = &["string", "integer", "number", "boolean", "date"];

/// Validation problems per field, as CKAN's "Validation Error" carries them.
#[derive(Debug, Default)]
pub struct Problems(pub BTreeMap<String, Vec<String>>);

impl Problems {
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.entry(field.to_owned()).or_default().push(message.into());
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_result(self) -> Result<(), crate::Refused> {
        if self.is_empty() { Ok(()) } else { Err(crate::Refused::Validation(self.0)) }
    }
}

/// CKAN's rule for names: 2–100 of lower-case letters, digits, `-` and `_`.
pub fn valid_name(name: &str) -> bool {
    (2..=100).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::Null => Some(String::new()),
        Value::String(s) => Some(nfc(s)),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn bool_of(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) => match s.to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" => Some(true),
            "false" | "0" | "no" | "off" | "" => Some(false),
            _ => None,
        },
        Value::Null => Some(false),
        _ => None,
    }
}

/// Tags come as `[{"name": …}]` (CKAN) or `["…"]` or a comma-separated string (forms).
fn tags_of(v: &Value) -> Option<Vec<String>> {
    let raw: Vec<String> = match v {
        Value::Array(items) => items.iter().filter_map(|t| t.get("name").and_then(Value::as_str).or(t.as_str()).map(nfc)).collect(),
        Value::String(s) => s.split(',').map(nfc).collect(),
        Value::Null => Vec::new(),
        _ => return None,
    };
    let mut tags: Vec<String> = Vec::new();
    for t in raw.into_iter().filter(|t| !t.is_empty()) {
        if !tags.contains(&t) {
            tags.push(t);
        }
    }
    Some(tags)
}

/// Applies a CKAN package dict to `d`. With `patch`, absent keys keep their value; without,
/// absent metadata fields are cleared (package_update replaces the dataset).
pub fn apply(d: &mut Dataset, input: &Map<String, Value>, patch: bool, problems: &mut Problems) {
    let text = |key: &str, slot: &mut String, p: &mut Problems| match input.get(key) {
        Some(v) => match text_of(v) {
            Some(s) => *slot = s,
            None => p.add(key, "Giá trị phải là chuỗi ký tự."),
        },
        None if !patch => slot.clear(),
        None => {}
    };
    text("name", &mut d.name, problems);
    text("title", &mut d.title, problems);
    text("notes", &mut d.notes, problems);
    text("author", &mut d.author, problems);
    text("author_email", &mut d.author_email, problems);
    text("maintainer", &mut d.maintainer, problems);
    text("maintainer_email", &mut d.maintainer_email, problems);
    text("version", &mut d.version, problems);
    text("url", &mut d.url, problems);
    text("frequency", &mut d.frequency, problems);
    text("spatial", &mut d.spatial, problems);
    text("temporal_start", &mut d.temporal_start, problems);
    text("temporal_end", &mut d.temporal_end, problems);
    text("theme", &mut d.theme, problems);
    match input.get("license_id").map(text_of) {
        Some(Some(s)) => d.license_id = s,
        Some(None) => problems.add("license_id", "Giá trị phải là chuỗi ký tự."),
        None if !patch => d.license_id = "notspecified".into(),
        None => {}
    }
    // Groups are the themes: the first group named wins when no theme was given.
    if let Some(groups) = input.get("groups").and_then(Value::as_array)
        && !input.contains_key("theme")
    {
        d.theme = groups.iter().find_map(|g| g.get("name").and_then(Value::as_str).or(g.as_str())).unwrap_or_default().to_owned();
    }
    match input.get("tags").map(tags_of) {
        Some(Some(t)) => d.tags = t,
        Some(None) => problems.add("tags", "Thẻ phải là danh sách."),
        None if !patch => d.tags.clear(),
        None => {}
    }
    match input.get("private").map(bool_of) {
        Some(Some(b)) => d.private = b,
        Some(None) => problems.add("private", "Giá trị phải là true hoặc false."),
        None if !patch => d.private = false,
        None => {}
    }
    match input.get("extras") {
        Some(Value::Array(items)) => {
            d.extras = items
                .iter()
                .filter_map(|e| Some((e.get("key")?.as_str()?.trim().to_owned(), e.get("value").and_then(text_of).unwrap_or_default())))
                .filter(|(k, _)| !k.is_empty())
                .collect();
        }
        Some(Value::Null) => d.extras.clear(),
        Some(_) => problems.add("extras", "Trường bổ sung phải là danh sách {key, value}."),
        None if !patch => d.extras.clear(),
        None => {}
    }
}

/// The rules a dataset must meet before it is stored.
pub fn check(d: &mut Dataset, problems: &mut Problems) {
    d.name = d.name.trim().to_owned();
    if d.name.is_empty() {
        problems.add("name", "Missing value");
    } else if !valid_name(&d.name) {
        problems.add("name", "Tên (đường dẫn) chỉ gồm chữ thường không dấu, chữ số, '-' và '_', dài 2–100 ký tự.");
    }
    if d.title.is_empty() {
        d.title = d.name.clone();
    }
    if d.title.chars().count() > 300 {
        problems.add("title", "Tiêu đề dài quá 300 ký tự.");
    }
    if vocab::licence(&d.license_id).is_none() {
        problems.add("license_id", format!("Giấy phép '{}' không có trong danh sách (license_list).", d.license_id));
    }
    if !d.frequency.is_empty() && vocab::frequency(&d.frequency).is_none() {
        problems.add("frequency", "Tần suất cập nhật không hợp lệ (daily, weekly, monthly, quarterly, semiannual, annual, irregular, never).");
    }
    if !d.theme.is_empty() && vocab::theme_title(&d.theme).is_none() {
        problems.add("groups", format!("Lĩnh vực '{}' không có trong danh sách (group_list).", d.theme));
    }
    for (key, v) in [("temporal_start", &d.temporal_start), ("temporal_end", &d.temporal_end)] {
        if !v.is_empty() && chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d").is_err() {
            problems.add(key, "Ngày phải có dạng YYYY-MM-DD.");
        }
    }
    for t in &d.tags {
        if t.chars().count() > 100 || t.chars().any(|c| !(c.is_alphanumeric() || " -_.".contains(c))) {
            problems.add("tags", format!("Thẻ '{t}' chỉ được gồm chữ, số, khoảng trắng, '-', '_' và '.'."));
        }
    }
}

impl Dataset {
    pub fn blank(now: DateTime<Utc>) -> Dataset {
        Dataset {
            id: tinhso_core::new_id(),
            name: String::new(),
            title: String::new(),
            notes: String::new(),
            owner_org: String::new(),
            license_id: "notspecified".into(),
            author: String::new(),
            author_email: String::new(),
            maintainer: String::new(),
            maintainer_email: String::new(),
            version: String::new(),
            url: String::new(),
            frequency: String::new(),
            spatial: String::new(),
            temporal_start: String::new(),
            temporal_end: String::new(),
            theme: String::new(),
            tags: Vec::new(),
            extras: Vec::new(),
            private: false,
            state: "active".into(),
            source: String::new(),
            creator_user_id: None,
            created_at: now,
            modified_at: now,
            resources: Vec::new(),
        }
    }

    pub fn active_resources(&self) -> impl Iterator<Item = &Resource> {
        self.resources.iter().filter(|r| r.state == "active")
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_package_dict_is_checked_field_by_field() {
        let mut d = Dataset::blank(Utc::now());
        let mut p = Problems::default();
        let input = json!({"name": "Bad Name", "license_id": "nope", "tags": [{"name": "y tế"}, {"name": "y tế"}], "frequency": "sometimes"});
        apply(&mut d, input.as_object().unwrap(), false, &mut p);
        check(&mut d, &mut p);
        assert_eq!(d.tags, vec!["y tế"]);
        assert!(p.0.contains_key("name") && p.0.contains_key("license_id") && p.0.contains_key("frequency"), "{:?}", p.0);
        let mut p = Problems::default();
        apply(&mut d, json!({"name": "co-so-y-te", "license_id": "cc-by"}).as_object().unwrap(), true, &mut p);
        check(&mut d, &mut p);
        assert!(p.0.contains_key("frequency") && !p.0.contains_key("name"));
        assert_eq!(d.name, "co-so-y-te");
        assert_eq!(d.title, "Bad Name", "the title defaulted to the first name given");
        assert_eq!(d.tags, vec!["y tế"], "a patch keeps what it does not name");
    }
}
