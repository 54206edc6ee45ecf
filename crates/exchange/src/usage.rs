//! Which information systems use the exchange: per owning member (org unit), how many
//! subsystems are registered and how many of them took part, as provider or consumer, in at
//! least one successful call through the gateway in a period. The plan's indicator "100% hệ
//! thống thông tin được kết nối, chia sẻ dữ liệu qua dịch vụ chia sẻ dữ liệu" is built on it.
use crate::Exchange;
use crate::entity::{log, subsystem};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use std::collections::{BTreeMap, HashSet};
use tinhso_core::Result;
use tinhso_db::db_error;

/// One member's information systems in a period.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct ConnectedSystems {
    /// The owning member's org-unit code.
    pub member_code: String,
    /// Active subsystems registered before the period's end.
    pub registered: i64,
    /// Of those, the ones with at least one successful call (2xx or 3xx) in the period.
    pub connected: i64,
}

/// Per member, in member order, for the calls logged in `[from, to)`. A member appears once
/// it has a registered subsystem.
pub async fn connected_systems<C: ConnectionTrait>(conn: &C, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<ConnectedSystems>> {
    let systems = subsystem::Entity::find()
        .filter(subsystem::Column::Active.eq(true))
        .filter(subsystem::Column::CreatedAt.lt(to))
        .all(conn)
        .await
        .map_err(db_error)?;
    // Distinct pairs only: the log may hold millions of calls, its parties are few.
    let pairs: Vec<(String, String)> = log::Entity::find()
        .select_only()
        .column(log::Column::Consumer)
        .column(log::Column::Provider)
        .distinct()
        .filter(log::Column::At.gte(from))
        .filter(log::Column::At.lt(to))
        .filter(log::Column::Status.between(200, 399))
        .into_tuple()
        .all(conn)
        .await
        .map_err(db_error)?;
    let active: HashSet<String> = pairs.into_iter().flat_map(|(c, p)| [c, p]).collect();
    let mut per: BTreeMap<String, ConnectedSystems> = BTreeMap::new();
    for s in systems {
        let ident = format!("{}/{}", s.member_code, s.code);
        let row = per.entry(s.member_code.clone()).or_insert_with(|| ConnectedSystems { member_code: s.member_code.clone(), ..Default::default() });
        row.registered += 1;
        row.connected += i64::from(active.contains(&ident));
    }
    Ok(per.into_values().collect())
}

impl Exchange {
    /// [`connected_systems`] on the exchange's database.
    pub async fn connected_systems(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<ConnectedSystems>> {
        connected_systems(&self.db, from, to).await
    }
}
