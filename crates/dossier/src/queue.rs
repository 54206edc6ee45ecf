//! Lists: an officer's queue (only their org units' dossiers, overdue first, then by due time)
//! and an applicant's own dossiers.
use crate::entity::dossier;
use crate::machine::State;
use crate::model::Dossier;
use crate::service::Dossiers;
use sea_orm::sea_query::NullOrdering;
use sea_orm::{ColumnTrait, Condition, EntityTrait, Order, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use tinhso_core::{Error, Result};
use tinhso_db::db_error;
use tinhso_identity::Principal;

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct QueueParams {
    /// Only dossiers in this state (default: every open state).
    pub state: Option<String>,
    /// A dossier code or part of the applicant's name.
    pub q: Option<String>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DossierPage {
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
    pub items: Vec<Dossier>,
}

impl Dossiers {
    /// The dossiers held by the officer's org units.
    pub async fn queue(&self, who: &Principal, params: &QueueParams) -> Result<DossierPage> {
        let units: Vec<&str> = who.roles.iter().filter(|g| g.role.is_staff()).filter_map(|g| g.org_unit_code.as_deref()).collect();
        if units.is_empty() {
            return Err(Error::Forbidden);
        }
        let mut query = dossier::Entity::find().filter(dossier::Column::CurrentUnitCode.is_in(units));
        query = match params.state.as_deref().filter(|s| !s.is_empty()) {
            Some(s) => {
                let state = State::parse(s).ok_or_else(|| Error::invalid("invalid_state", "Trạng thái", format!("không có trạng thái '{s}'.")))?;
                query.filter(dossier::Column::State.eq(state.as_str()))
            }
            // Open states listed rather than final ones excluded: the index then visits only the
            // open dossiers of the unit, not its whole history.
            None => query.filter(dossier::Column::State.is_in(State::ALL.iter().filter(|s| !s.is_final()).map(|s| s.as_str()))),
        };
        if let Some(q) = params.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            let pattern = format!("%{}%", q.replace(['%', '_'], ""));
            query = query.filter(Condition::any().add(dossier::Column::Code.like(&pattern)).add(dossier::Column::ApplicantName.like(&pattern)));
        }
        let query = query
            .order_by(dossier::Column::Overdue, Order::Desc)
            .order_by_with_nulls(dossier::Column::DueAt, Order::Asc, NullOrdering::Last)
            .order_by_asc(dossier::Column::SubmittedAt);
        self.page_of(query, params.page, params.per_page).await
    }

    /// The applicant's own dossiers, newest first.
    pub async fn mine(&self, who: &Principal, page: Option<u64>, per_page: Option<u64>) -> Result<DossierPage> {
        let query = dossier::Entity::find().filter(dossier::Column::ApplicantId.eq(who.user_id)).order_by_desc(dossier::Column::CreatedAt);
        self.page_of(query, page, per_page).await
    }

    async fn page_of(&self, query: sea_orm::Select<dossier::Entity>, page: Option<u64>, per_page: Option<u64>) -> Result<DossierPage> {
        let per_page = per_page.unwrap_or(20).clamp(1, 100);
        let page = page.unwrap_or(1).max(1);
        let total = query.clone().count(&self.db).await.map_err(db_error)?;
        let rows = query.offset((page - 1) * per_page).limit(per_page).all(&self.db).await.map_err(db_error)?;
        Ok(DossierPage { total, page, per_page, items: rows.into_iter().map(Dossier::from_row).collect() })
    }
}

