//! The indicators service: values against targets for a period and an org unit, drill-down
//! over org units, month-by-month series, and values reported by agencies with evidence and
//! approved by the indicator's lead agency.
use crate::compute;
use crate::entity::{indicator, target, value};
use crate::status::{Status, judge};
use chrono::{Datelike, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;
use tinhso_audit::Entry;
use tinhso_catalog::Catalog;
use tinhso_core::{Error, Result, text::nfc};
use tinhso_db::{blobs::BlobStore, db_error};
use tinhso_identity::Principal;
use tinhso_tasks::Tasks;
use uuid::Uuid;

pub struct Indicators {
    pub(crate) db: DatabaseConnection,
    pub(crate) catalog: Arc<Catalog>,
    pub(crate) tasks: Arc<Tasks>,
    pub(crate) blobs: BlobStore,
    /// The org unit standing for the whole province.
    pub province: String,
    pub(crate) snapshot: tokio::sync::RwLock<Option<Arc<crate::ioc::Dashboard>>>,
}

/// One indicator for one period and org unit, beside its target.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct View {
    pub code: String,
    pub name: String,
    pub unit: String,
    /// computed | reported
    pub source: &'static str,
    pub value: Option<f64>,
    pub numerator: i64,
    pub denominator: i64,
    pub target: Option<f64>,
    pub target_text: String,
    /// The plan row the target comes from ("05/KH-UBND I.1.3").
    pub target_source: String,
    pub status: Status,
    pub status_label: &'static str,
}

/// A value an agency reports, with its evidence (file name, bytes).
#[derive(Debug, Clone, Default)]
pub struct NewValue {
    pub period: String,
    pub org: String,
    pub value: f64,
    pub note: String,
    pub evidence: Option<(String, Vec<u8>)>,
}

/// An org unit's value of one indicator (drill-down).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OrgValue {
    pub org_code: String,
    pub org_name: String,
    pub kind: String,
    pub value: Option<f64>,
    pub numerator: i64,
    pub denominator: i64,
    pub status: Status,
}

fn year_month(period: &str) -> (i32, u32) {
    let (y, m) = period.split_once('-').unwrap_or(("0", "0"));
    (y.parse().unwrap_or(0), m.parse().unwrap_or(0))
}

/// The target that applies in a year: the narrowest period containing it.
pub fn target_for(targets: &[target::Model], year: i32) -> Option<&target::Model> {
    targets
        .iter()
        .filter(|t| t.period_from.is_some_and(|f| f <= year) && t.period_to.is_some_and(|to| year <= to))
        .min_by_key(|t| (t.period_to.unwrap_or(0) - t.period_from.unwrap_or(0), std::cmp::Reverse(t.period_from)))
}

impl Indicators {
    pub fn new(db: DatabaseConnection, catalog: Arc<Catalog>, tasks: Arc<Tasks>, blobs: BlobStore, province: String) -> Indicators {
        Indicators { db, catalog, tasks, blobs, province, snapshot: tokio::sync::RwLock::new(None) }
    }

    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Recomputes one month's computed values for every org unit.
    pub async fn recompute(&self, period: &str) -> Result<usize> {
        compute::compute_month(&self.db, &self.catalog, &self.tasks, period, &self.province).await
    }

    pub(crate) async fn targets(&self) -> Result<HashMap<String, Vec<target::Model>>> {
        let mut by: HashMap<String, Vec<target::Model>> = HashMap::new();
        for t in target::Entity::find().all(&self.db).await.map_err(db_error)? {
            by.entry(t.indicator_code.clone()).or_default().push(t);
        }
        Ok(by)
    }

    pub(crate) fn view(ind: &indicator::Model, v: Option<&value::Model>, targets: &[target::Model], period: &str) -> View {
        let (y, m) = year_month(period);
        let t = target_for(targets, y);
        let target = t.and_then(|t| t.target.map(|x| if ind.unit == "đạt" { x * 100.0 } else { x }));
        let val = v.and_then(|v| v.value);
        let last = t.is_some_and(|t| t.period_to == Some(y) && m == 12);
        let status = judge(val, target, ind.direction != "lower", last);
        View {
            code: ind.code.clone(),
            name: ind.name.clone(),
            unit: ind.unit.clone(),
            source: if ind.query.is_empty() { "reported" } else { "computed" },
            value: val,
            numerator: v.map(|v| v.numerator).unwrap_or(0),
            denominator: v.map(|v| v.denominator).unwrap_or(0),
            target,
            target_text: t.map(|t| t.target_text.clone()).unwrap_or_default(),
            target_source: t.map(|t| format!("{} {} {}", t.plan_code, t.section, t.number)).unwrap_or_default(),
            status,
            status_label: status.label(),
        }
    }

    /// Every indicator for one period and org unit; `only_targets` keeps those with a target
    /// in the period's year.
    pub async fn overview(&self, period: &str, org: &str, only_targets: bool) -> Result<Vec<View>> {
        compute::month_bounds(period)?;
        let inds = indicator::Entity::find().all(&self.db).await.map_err(db_error)?;
        let values: HashMap<String, value::Model> = value::Entity::find()
            .filter(value::Column::Period.eq(period))
            .filter(value::Column::OrgCode.eq(org))
            .filter(value::Column::Review.eq("approved"))
            .all(&self.db)
            .await
            .map_err(db_error)?
            .into_iter()
            .map(|v| (v.indicator_code.clone(), v))
            .collect();
        let targets = self.targets().await?;
        let (y, _) = year_month(period);
        let mut out: Vec<View> = inds
            .iter()
            .filter(|i| !only_targets || target_for(targets.get(&i.code).map(Vec::as_slice).unwrap_or(&[]), y).is_some())
            .map(|i| Self::view(i, values.get(&i.code), targets.get(&i.code).map(Vec::as_slice).unwrap_or(&[]), period))
            .collect();
        out.sort_by(|a, b| (a.source, &a.code).cmp(&(b.source, &b.code)));
        Ok(out)
    }

    /// One indicator for every org unit with a value, worst first (drill-down).
    pub async fn by_org(&self, code: &str, period: &str) -> Result<(View, Vec<OrgValue>)> {
        let ind = indicator::Entity::find_by_id(code.to_owned()).one(&self.db).await.map_err(db_error)?.ok_or_else(|| Error::not_found("chỉ tiêu"))?;
        let targets = self.targets().await?.remove(code).unwrap_or_default();
        let rows = value::Entity::find()
            .filter(value::Column::IndicatorCode.eq(code))
            .filter(value::Column::Period.eq(period))
            .filter(value::Column::Review.eq("approved"))
            .all(&self.db)
            .await
            .map_err(db_error)?;
        let units: HashMap<String, (String, String)> = tinhso_identity::org_units::list(&self.db).await?.into_iter().map(|u| (u.code, (u.name, u.kind))).collect();
        let province = rows.iter().find(|r| r.org_code == self.province);
        let head = Self::view(&ind, province, &targets, period);
        let mut out: Vec<OrgValue> = rows
            .iter()
            .filter(|r| r.org_code != self.province)
            .map(|r| {
                let v = Self::view(&ind, Some(r), &targets, period);
                let (name, kind) = units.get(&r.org_code).cloned().unwrap_or_else(|| (r.org_code.clone(), String::new()));
                OrgValue { org_code: r.org_code.clone(), org_name: name, kind, value: r.value, numerator: r.numerator, denominator: r.denominator, status: v.status }
            })
            .collect();
        out.sort_by(|a, b| a.value.unwrap_or(f64::MAX).total_cmp(&b.value.unwrap_or(f64::MAX)).then(a.org_code.cmp(&b.org_code)));
        Ok((head, out))
    }

    /// The `n` months ending with `period` of one indicator for one org unit, oldest first.
    pub async fn series(&self, code: &str, org: &str, period: &str, n: u32) -> Result<Vec<(String, Option<f64>)>> {
        let months = compute::months_back(period, n)?;
        let rows: HashMap<String, Option<f64>> = value::Entity::find()
            .filter(value::Column::IndicatorCode.eq(code))
            .filter(value::Column::OrgCode.eq(org))
            .filter(value::Column::Period.is_in(months.clone()))
            .filter(value::Column::Review.eq("approved"))
            .all(&self.db)
            .await
            .map_err(db_error)?
            .into_iter()
            .map(|v| (v.period, v.value))
            .collect();
        Ok(months.into_iter().map(|m| { let v = rows.get(&m).copied().flatten(); (m, v) }).collect())
    }

    /// An agency reports the value of a reported indicator for one of its own units, with
    /// evidence; it waits for the lead agency's approval.
    pub async fn report(&self, who: &Principal, code: &str, r: NewValue) -> Result<Uuid> {
        let NewValue { period, org, value: v, note, evidence } = r;
        let (period, org, note) = (period.trim(), org.trim(), note.as_str());
        compute::month_bounds(period)?;
        let ind = indicator::Entity::find_by_id(code.to_owned()).one(&self.db).await.map_err(db_error)?.ok_or_else(|| Error::not_found("chỉ tiêu"))?;
        if !ind.query.is_empty() {
            return Err(Error::conflict("computed_indicator", "Chỉ tiêu này được tính tự động từ dữ liệu của hệ thống, không nhận báo cáo."));
        }
        if !who.roles.iter().any(|g| g.role.is_staff() && g.org_unit_code.as_deref() == Some(org)) {
            return Err(Error::Forbidden);
        }
        // Only for an indicator its unit leads or implements: not someone else's.
        if !self.may_report(code, org).await? {
            return Err(Error::Forbidden);
        }
        if !v.is_finite() || v < 0.0 || (ind.unit == "%" && v > 100.0) {
            return Err(Error::invalid("invalid_value", "Giá trị", "phải từ 0 đến 100 (%)."));
        }
        let Some((name, bytes)) = evidence.filter(|(_, b)| !b.is_empty()) else {
            return Err(Error::invalid("evidence_required", "Minh chứng", "cần tệp minh chứng cho số liệu báo cáo."));
        };
        // The same checks as a dossier's documents: size, and the type read from the bytes.
        let file = tinhso_dossier::documents::upload::check(&name, bytes).map_err(|r| Error::invalid(r.code(), "Minh chứng", r.message()))?;
        let name = file.name().to_owned();
        let hash = self.blobs.put(file.into_bytes()).await?;
        let id = tinhso_core::new_id();
        let tx = tinhso_audit::begin(&self.db).await?;
        value::Entity::delete_many().filter(value::Column::IndicatorCode.eq(code)).filter(value::Column::Period.eq(period)).filter(value::Column::OrgCode.eq(org)).exec(&tx).await.map_err(db_error)?;
        let am = value::ActiveModel {
            id: Set(id), indicator_code: Set(code.into()), period: Set(period.into()), org_code: Set(org.into()), value: Set(Some(v)),
            numerator: Set(0), denominator: Set(0), source: Set("reported".into()), review: Set("pending".into()), note: Set(nfc(note)),
            evidence_hash: Set(Some(hash)), evidence_name: Set(nfc(&name)), reported_by: Set(Some(who.user_id)), reviewed_by: Set(None), updated_at: Set(Utc::now()),
            review_note: Set(String::new()),
        };
        value::Entity::insert(am).exec_without_returning(&tx).await.map_err(db_error)?;
        tinhso_audit::record(&tx, Entry::new(who.actor(), "indicator.report", format!("indicator:{code}")).detail(serde_json::json!({"value_id": id, "period": period, "org": org, "value": v}))).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(id)
    }

    /// The indicator's lead agency (its approvers and leaders) or the province's leadership
    /// approves or returns a report; a return says why, so the agency can correct it.
    pub async fn review(&self, who: &Principal, id: Uuid, approve: bool, note: &str) -> Result<()> {
        let note = nfc(note.trim());
        if !approve && note.is_empty() {
            return Err(Error::invalid("reason_required", "Lý do trả lại", "cần ghi rõ để đơn vị sửa và báo cáo lại."));
        }
        let tx = tinhso_audit::begin(&self.db).await?;
        let v = value::Entity::find_by_id(id).one(&tx).await.map_err(db_error)?.ok_or_else(|| Error::not_found("số liệu báo cáo"))?;
        let ind = indicator::Entity::find_by_id(v.indicator_code.clone()).one(&tx).await.map_err(db_error)?.ok_or_else(|| Error::not_found("chỉ tiêu"))?;
        if !crate::reports::may_review(who, &ind, &self.province) {
            return Err(Error::Forbidden);
        }
        if v.review != "pending" {
            return Err(Error::conflict("already_decided", "Số liệu này đã được xem xét."));
        }
        let review = if approve { "approved" } else { "returned" };
        let am = value::ActiveModel { id: Set(id), review: Set(review.into()), reviewed_by: Set(Some(who.user_id)), review_note: Set(note.clone()), updated_at: Set(Utc::now()), ..Default::default() };
        value::Entity::update(am).exec(&tx).await.map_err(db_error)?;
        let detail = serde_json::json!({"value_id": id, "review": review, "org": v.org_code, "period": v.period, "note": note});
        tinhso_audit::record(&tx, Entry::new(who.actor(), "indicator.review", format!("indicator:{}", v.indicator_code)).detail(detail)).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(())
    }

    /// The current month, in Vietnam's time.
    pub fn current_period() -> String {
        let now = Utc::now().with_timezone(&tinhso_core::calendar::vietnam());
        format!("{:04}-{:02}", now.year(), now.month())
    }
}
