//! What the pages show, prepared from the model so templates stay plain.
use crate::model::{Procedure, label};
use crate::search::{Facets, Filters};
use sea_orm::DatabaseConnection;
use std::collections::{BTreeMap, HashMap};

pub type AgencyNames = HashMap<String, String>;

pub async fn agency_names(db: &DatabaseConnection) -> tinhso_core::Result<AgencyNames> {
    let mut names: AgencyNames = tinhso_identity::org_units::list(db).await?.into_iter().map(|u| (u.code, u.name)).collect();
    names.insert("commune".into(), "UBND xã, phường, đặc khu".into());
    Ok(names)
}

pub struct Choice {
    pub value: String,
    pub label: String,
    pub count: usize,
    pub selected: bool,
}

pub struct FilterGroup {
    pub name: &'static str,
    pub label: &'static str,
    pub choices: Vec<Choice>,
}

pub fn choices(counts: &BTreeMap<String, usize>, selected: Option<&str>) -> Vec<Choice> {
    counts.iter().map(|(v, n)| Choice { value: v.clone(), label: label(v).to_owned(), count: *n, selected: selected == Some(v.as_str()) }).collect()
}

pub fn filter_groups(f: &Facets, sel: &Filters, names: &AgencyNames) -> Vec<FilterGroup> {
    let mut agencies = choices(&f.agency, sel.agency.as_deref());
    for c in &mut agencies {
        c.label = names.get(&c.value).cloned().unwrap_or_else(|| c.value.clone());
    }
    agencies.sort_by_key(|c| std::cmp::Reverse(c.count));
    vec![
        FilterGroup { name: "field", label: "Lĩnh vực", choices: choices(&f.field, sel.field.as_deref()) },
        FilterGroup { name: "level", label: "Cấp thực hiện", choices: choices(&f.level, sel.level.as_deref()) },
        FilterGroup { name: "agency", label: "Cơ quan thực hiện", choices: agencies },
        FilterGroup { name: "service_level", label: "Mức độ trực tuyến", choices: choices(&f.service_level, sel.service_level.as_deref()) },
        FilterGroup { name: "target_group", label: "Đối tượng", choices: choices(&f.target_group, sel.target_group.as_deref()) },
    ]
}

fn enc(s: &str) -> String {
    serde_urlencoded::to_string([("", s)]).unwrap_or_default().trim_start_matches('=').to_owned()
}

/// The link to another page of the same search.
pub fn results_link(q: &str, f: &Filters, page: usize) -> String {
    let mut link = format!("/thu-tuc?q={}", enc(q));
    for (k, v) in [("field", &f.field), ("level", &f.level), ("agency", &f.agency), ("service_level", &f.service_level), ("target_group", &f.target_group), ("life_event", &f.life_event)] {
        if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
            link.push_str(&format!("&{k}={}", enc(v)));
        }
    }
    link.push_str(&format!("&trang={page}"));
    link
}

pub struct DocumentView {
    pub name: String,
    pub form: String,
    pub count: u32,
    pub replaced_by: Option<String>,
    pub note: String,
}

pub struct StepView {
    pub name: String,
    pub who: String,
    pub days: String,
}

pub struct ProcedureView {
    pub code: String,
    pub name: String,
    pub field: String,
    pub level: String,
    pub agencies: String,
    pub where_to_go: String,
    pub duration: String,
    pub processing_note: String,
    pub fees: Vec<String>,
    pub online: String,
    pub fully_online: bool,
    pub service_level: String,
    pub target_groups: String,
    pub documents: Vec<DocumentView>,
    pub replaced_count: usize,
    pub steps: Vec<StepView>,
    pub legal_basis: Vec<String>,
    pub life_events: Vec<String>,
    pub demo_fields: String,
    pub retired: bool,
}

pub fn days_text(days: f64) -> String {
    if days <= 0.0 {
        "Trong ngày làm việc".into()
    } else if days.fract() == 0.0 {
        format!("{days} ngày làm việc")
    } else {
        format!("{} ngày làm việc", format!("{days}").replace('.', ","))
    }
}

fn vnd(amount: i64) -> String {
    let digits = amount.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    format!("{out} đồng")
}

fn registry_label(r: &str) -> String {
    match r {
        "business" => "CSDL quốc gia về đăng ký doanh nghiệp".into(),
        other => label(other).into(),
    }
}

impl ProcedureView {
    pub fn new(p: &Procedure, names: &AgencyNames) -> Self {
        let agencies = if p.agencies.is_empty() {
            if p.level == "commune" { "UBND xã, phường, đặc khu".into() } else { "Theo phân cấp của tỉnh".into() }
        } else {
            p.agencies.iter().map(|c| names.get(c).cloned().unwrap_or_else(|| c.clone())).collect::<Vec<_>>().join("; ")
        };
        let where_to_go = if p.level == "commune" {
            "Bộ phận một cửa (Trung tâm Phục vụ hành chính công) của UBND xã, phường, đặc khu nơi bạn cư trú".to_owned()
        } else {
            format!("Trung tâm Phục vụ hành chính công tỉnh Quảng Ngãi (tiếp nhận hồ sơ cho {agencies})")
        };
        let fees = if p.fees.is_empty() {
            vec!["Không có thông tin lệ phí".into()]
        } else if p.fees.iter().all(|f| f.amount_vnd == 0) {
            vec!["Miễn phí".into()]
        } else {
            p.fees.iter().map(|f| if f.case.is_empty() { vnd(f.amount_vnd) } else { format!("{}: {}", f.case, if f.amount_vnd == 0 { "miễn phí".into() } else { vnd(f.amount_vnd) }) }).collect()
        };
        let online = match p.service_level.as_str() {
            "full_online" => "Bạn có thể làm toàn bộ thủ tục trực tuyến, từ nộp hồ sơ đến nhận kết quả, không phải đến cơ quan.",
            "partial_online" => "Bạn có thể nộp hồ sơ trực tuyến, nhưng có bước phải đến cơ quan (nộp bản gốc hoặc nhận kết quả).",
            _ => "Thủ tục này cần nộp hồ sơ trực tiếp hoặc qua bưu chính.",
        };
        let documents: Vec<DocumentView> = p.documents.iter().map(|d| DocumentView {
            name: d.name.clone(),
            form: label(&d.form).into(),
            count: d.count,
            replaced_by: d.replaced_by_data.as_deref().map(registry_label),
            note: d.note.clone(),
        }).collect();
        ProcedureView {
            code: p.code.clone(),
            name: p.name.clone(),
            field: p.field.clone(),
            level: label(&p.level).into(),
            agencies,
            where_to_go,
            duration: days_text(p.processing_days),
            processing_note: p.processing_note.clone(),
            fees,
            online: online.into(),
            fully_online: p.fully_online(),
            service_level: label(&p.service_level).into(),
            target_groups: p.target_groups.iter().map(|t| label(t)).collect::<Vec<_>>().join(", "),
            replaced_count: documents.iter().filter(|d| d.replaced_by.is_some()).count(),
            documents,
            steps: p.steps.iter().map(|s| StepView { name: s.name.clone(), who: s.agency.clone().unwrap_or_else(|| label(&s.role).into()), days: if s.days > 0.0 { days_text(s.days) } else { String::new() } }).collect(),
            legal_basis: p.legal_basis.clone(),
            life_events: p.life_events.iter().map(|e| label(e).to_owned()).collect(),
            demo_fields: p.demo_fields.join(", "),
            retired: p.retired,
        }
    }
}
