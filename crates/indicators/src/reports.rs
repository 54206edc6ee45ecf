//! Reported indicators, as the people who report and review them see them: which indicators
//! an agency's officer may report (those its unit leads or implements), the values its units
//! sent and how they were reviewed, the reports waiting for a lead agency's approver or leader,
//! and the evidence files. Scoped here, in the service, not in the templates.
use crate::entity::{indicator, target, value};
use crate::service::Indicators;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::{HashMap, HashSet};
use tinhso_core::{Error, Result, roles::Role};
use tinhso_db::db_error;
use tinhso_identity::Principal;
use uuid::Uuid;

/// One reported value, with what a person needs to judge it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ReportRow {
    pub id: Uuid,
    pub indicator_code: String,
    pub indicator_name: String,
    pub unit: String,
    pub period: String,
    pub org_code: String,
    pub org_name: String,
    pub value: Option<f64>,
    pub note: String,
    pub evidence_name: String,
    /// pending | approved | returned
    pub review: String,
    pub review_label: &'static str,
    /// Why it was returned.
    pub review_note: String,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// A reported indicator an officer may report, for which of their units.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Reportable {
    pub code: String,
    pub name: String,
    pub unit: String,
    pub org_codes: Vec<String>,
}

pub fn review_label(review: &str) -> &'static str {
    match review {
        "pending" => "Chờ duyệt",
        "approved" => "Đã duyệt",
        "returned" => "Bị trả lại",
        _ => "",
    }
}

fn codes(s: &str) -> impl Iterator<Item = &str> {
    s.split(';').map(str::trim).filter(|c| !c.is_empty())
}

/// Whether a unit of `kind` with `code` leads or implements the indicator: named by code, or
/// covered by the plan's collective wording ("Các sở, ban, ngành", "UBND các xã, phường").
pub fn implements(ind: &indicator::Model, targets: &[target::Model], code: &str, kind: &str) -> bool {
    if codes(&ind.lead_org_codes).any(|c| c == code) {
        return true;
    }
    targets.iter().any(|t| {
        let text = t.implementing_agencies.to_lowercase();
        let departments = matches!(kind, "department" | "agency") && (text.contains("sở, ban, ngành") || text.contains("sở, ban ngành"));
        let communes = tinhso_core::roles::is_commune_level(kind) && (text.contains("các xã") || text.contains("các địa phương"));
        codes(&t.implementing_org_codes).chain(codes(&t.lead_org_codes)).any(|c| c == code) || departments || communes
    })
}

/// The units where `who` works as staff (not as the province's leadership).
pub fn staff_units(who: &Principal) -> Vec<String> {
    let mut units: Vec<String> = who.roles.iter().filter(|g| g.role.is_staff()).filter_map(|g| g.org_unit_code.clone()).collect();
    units.sort();
    units.dedup();
    units
}

/// The units where `who` may approve reports: as an approver or leader of the unit.
fn reviewer_units(who: &Principal) -> HashSet<String> {
    who.roles.iter().filter(|g| matches!(g.role, Role::Approver | Role::Leader)).filter_map(|g| g.org_unit_code.clone()).collect()
}

/// Whether `who` may review reports of `ind`: the province's leadership, or an approver or
/// leader of one of its lead agencies.
pub fn may_review(who: &Principal, ind: &indicator::Model, province: &str) -> bool {
    let mine = reviewer_units(who);
    mine.contains(province) || codes(&ind.lead_org_codes).any(|c| mine.contains(c))
}

impl Indicators {
    async fn reported_indicators(&self) -> Result<(Vec<indicator::Model>, HashMap<String, Vec<target::Model>>)> {
        let inds = indicator::Entity::find().filter(indicator::Column::Query.eq("")).order_by_asc(indicator::Column::Code).all(&self.db).await.map_err(db_error)?;
        let mut by: HashMap<String, Vec<target::Model>> = HashMap::new();
        for t in target::Entity::find().all(&self.db).await.map_err(db_error)? {
            by.entry(t.indicator_code.clone()).or_default().push(t);
        }
        Ok((inds, by))
    }

    /// The reported indicators `who` may report, each with the units it may report for.
    pub async fn reportable(&self, who: &Principal) -> Result<Vec<Reportable>> {
        let units = staff_units(who);
        let kinds: HashMap<String, String> = tinhso_identity::org_units::list(&self.db).await?.into_iter().filter(|u| units.contains(&u.code)).map(|u| (u.code, u.kind)).collect();
        let (inds, targets) = self.reported_indicators().await?;
        Ok(inds
            .into_iter()
            .filter_map(|i| {
                let ts = targets.get(&i.code).map(Vec::as_slice).unwrap_or(&[]);
                let org_codes: Vec<String> = units.iter().filter(|u| implements(&i, ts, u, kinds.get(*u).map(String::as_str).unwrap_or_default())).cloned().collect();
                (!org_codes.is_empty()).then_some(Reportable { code: i.code, name: i.name, unit: i.unit, org_codes })
            })
            .collect())
    }

    /// Whether `org` may report `code`.
    pub(crate) async fn may_report(&self, code: &str, org: &str) -> Result<bool> {
        let Some(ind) = indicator::Entity::find_by_id(code.to_owned()).one(&self.db).await.map_err(db_error)? else { return Ok(false) };
        let targets = target::Entity::find().filter(target::Column::IndicatorCode.eq(code)).all(&self.db).await.map_err(db_error)?;
        let kind = tinhso_identity::org_units::by_code(&self.db, org).await.map(|u| u.kind).unwrap_or_default();
        Ok(implements(&ind, &targets, org, &kind))
    }

    async fn rows(&self, values: Vec<value::Model>) -> Result<Vec<ReportRow>> {
        let names: HashMap<String, (String, String)> = indicator::Entity::find().all(&self.db).await.map_err(db_error)?.into_iter().map(|i| (i.code, (i.name, i.unit))).collect();
        let units: HashMap<String, String> = tinhso_identity::org_units::list(&self.db).await?.into_iter().map(|u| (u.code, u.name)).collect();
        Ok(values
            .into_iter()
            .map(|v| {
                let (name, unit) = names.get(&v.indicator_code).cloned().unwrap_or_default();
                ReportRow {
                    id: v.id,
                    org_name: units.get(&v.org_code).cloned().unwrap_or_else(|| v.org_code.clone()),
                    indicator_code: v.indicator_code,
                    indicator_name: name,
                    unit,
                    period: v.period,
                    org_code: v.org_code,
                    value: v.value,
                    note: v.note,
                    evidence_name: v.evidence_name,
                    review_label: review_label(&v.review),
                    review: v.review,
                    review_note: v.review_note,
                    updated_at: v.updated_at,
                }
            })
            .collect())
    }

    /// The values `who`'s units reported, newest first.
    pub async fn submitted(&self, who: &Principal) -> Result<Vec<ReportRow>> {
        let units = staff_units(who);
        let values = value::Entity::find()
            .filter(value::Column::Source.eq("reported"))
            .filter(value::Column::OrgCode.is_in(units))
            .order_by_desc(value::Column::UpdatedAt)
            .all(&self.db)
            .await
            .map_err(db_error)?;
        self.rows(values).await
    }

    /// The reports waiting for `who`'s review, oldest first.
    pub async fn pending_reviews(&self, who: &Principal) -> Result<Vec<ReportRow>> {
        let mine: HashSet<String> = indicator::Entity::find()
            .filter(indicator::Column::Query.eq(""))
            .all(&self.db)
            .await
            .map_err(db_error)?
            .into_iter()
            .filter(|i| may_review(who, i, &self.province))
            .map(|i| i.code)
            .collect();
        if mine.is_empty() {
            return Ok(Vec::new());
        }
        let values = value::Entity::find()
            .filter(value::Column::Review.eq("pending"))
            .filter(value::Column::IndicatorCode.is_in(mine))
            .order_by_asc(value::Column::UpdatedAt)
            .all(&self.db)
            .await
            .map_err(db_error)?;
        self.rows(values).await
    }

    /// One report, for its unit's staff or its reviewers; anyone else is told it does not exist.
    pub async fn reported(&self, who: &Principal, id: Uuid) -> Result<(ReportRow, bool)> {
        let v = value::Entity::find_by_id(id).one(&self.db).await.map_err(db_error)?.filter(|v| v.source == "reported").ok_or_else(|| Error::not_found("số liệu báo cáo"))?;
        let ind = indicator::Entity::find_by_id(v.indicator_code.clone()).one(&self.db).await.map_err(db_error)?.ok_or_else(|| Error::not_found("chỉ tiêu"))?;
        let reviewer = may_review(who, &ind, &self.province);
        if !reviewer && !staff_units(who).contains(&v.org_code) {
            return Err(Error::not_found("số liệu báo cáo"));
        }
        let row = self.rows(vec![v]).await?.into_iter().next().ok_or_else(|| Error::not_found("số liệu báo cáo"))?;
        Ok((row, reviewer))
    }

    /// The evidence file of a report: (name, bytes).
    pub async fn evidence(&self, who: &Principal, id: Uuid) -> Result<(String, Vec<u8>)> {
        self.reported(who, id).await?;
        let v = value::Entity::find_by_id(id).one(&self.db).await.map_err(db_error)?.ok_or_else(|| Error::not_found("số liệu báo cáo"))?;
        let hash = v.evidence_hash.ok_or_else(|| Error::not_found("tệp minh chứng"))?;
        Ok((v.evidence_name, self.blobs.get(&hash).await?))
    }
}
