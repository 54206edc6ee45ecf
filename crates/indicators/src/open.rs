//! Indicator values as plain rows for the open data portal. Indicators hold no personal data;
//! the portal decides which counts are small enough to hide (it knows which queries count
//! dossiers, hence people).
use crate::entity::{indicator, value};
use crate::service::{Indicators, target_for};
use crate::status::Status;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use std::collections::{BTreeMap, HashMap};
use tinhso_core::Result;
use tinhso_db::db_error;

/// One indicator's value for one month and org unit, beside the target of its year.
#[derive(Debug, Clone, PartialEq)]
pub struct PublicValue {
    pub code: String,
    pub name: String,
    pub unit: String,
    /// The named query computing it; empty when agencies report it.
    pub query: String,
    /// YYYY-MM
    pub period: String,
    pub org_code: String,
    pub value: Option<f64>,
    pub numerator: i64,
    pub denominator: i64,
    pub target: Option<f64>,
    pub target_text: String,
    pub target_source: String,
    pub status: Status,
}

impl Indicators {
    /// Every approved value of the given months, and for the province every indicator with a
    /// target in that month's year even without a value yet (so the target is published).
    /// Ordered by month, indicator and org unit.
    pub async fn public_values(&self, periods: &[String]) -> Result<Vec<PublicValue>> {
        for p in periods {
            crate::compute::month_bounds(p)?;
        }
        let inds: BTreeMap<String, indicator::Model> = indicator::Entity::find().all(&self.db).await.map_err(db_error)?.into_iter().map(|i| (i.code.clone(), i)).collect();
        let targets = self.targets().await?;
        let values = value::Entity::find()
            .filter(value::Column::Period.is_in(periods.iter().cloned()))
            .filter(value::Column::Review.eq("approved"))
            .all(&self.db)
            .await
            .map_err(db_error)?;
        let mut by: HashMap<(&str, &str, &str), &value::Model> = HashMap::new();
        for v in &values {
            by.insert((v.period.as_str(), v.indicator_code.as_str(), v.org_code.as_str()), v);
        }
        let mut out = Vec::new();
        for period in periods {
            let year: i32 = period.get(..4).and_then(|y| y.parse().ok()).unwrap_or(0);
            for (code, ind) in &inds {
                let ts = targets.get(code).map(Vec::as_slice).unwrap_or(&[]);
                let mut orgs: Vec<&str> = values.iter().filter(|v| &v.period == period && &v.indicator_code == code).map(|v| v.org_code.as_str()).collect();
                if !orgs.contains(&self.province.as_str()) && target_for(ts, year).is_some() {
                    orgs.push(&self.province);
                }
                orgs.sort_unstable();
                for org in orgs {
                    let v = by.get(&(period.as_str(), code.as_str(), org)).copied();
                    let view = Self::view(ind, v, ts, period);
                    out.push(PublicValue {
                        code: code.clone(),
                        name: ind.name.clone(),
                        unit: ind.unit.clone(),
                        query: ind.query.clone(),
                        period: period.clone(),
                        org_code: org.to_owned(),
                        value: view.value,
                        numerator: view.numerator,
                        denominator: view.denominator,
                        target: view.target,
                        target_text: view.target_text,
                        target_source: view.target_source,
                        status: view.status,
                    });
                }
            }
        }
        Ok(out)
    }
}
