//! The personal access log (like Estonia's Data Tracker): for a signed-in citizen, every
//! exchange call that named them as subject, and every read of their data inside the platform
//! that the audit log recorded: which agency and system, through which service, when, why.
use crate::Exchange;
use crate::entity::log;
use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;
use tinhso_core::Result;
use tinhso_db::db_error;
use tinhso_identity::Principal;
use tinhso_web::{ApiError, SignedIn};
use utoipa::ToSchema;

const LIMIT: u64 = 500;

/// One access to the person's data.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AccessEntry {
    pub at: DateTime<Utc>,
    /// exchange (a call through the data exchange) | platform (a read inside the platform)
    pub channel: String,
    /// The agency that read, by name (its code when the name is unknown).
    pub agency: String,
    /// The information system or the officer's role.
    pub system: String,
    /// The service called, or what was read.
    pub service: String,
    pub purpose: String,
    /// provided | refused
    pub outcome: String,
}

/// Audit actions that read a person's data (others change it, and show on the dossier).
fn is_read(action: &str) -> bool {
    action.ends_with("_read") || action.ends_with("download") || action.ends_with(".read") || action == "dossier.notify" || action.starts_with("prefill")
}

fn action_label(action: &str) -> String {
    match action {
        "dossier.document_read" => "Xem giấy tờ trong hồ sơ".into(),
        "dossier.result_download" => "Tải kết quả giải quyết hồ sơ".into(),
        "wallet.download" => "Tải giấy tờ trong kho dữ liệu cá nhân".into(),
        "dossier.notify" => "Gửi thông báo về hồ sơ (dùng số điện thoại, thư điện tử)".into(),
        other => other.to_owned(),
    }
}

impl Exchange {
    async fn unit_names(&self) -> Result<HashMap<String, String>> {
        Ok(tinhso_identity::org_units::list(&self.db).await?.into_iter().map(|u| (u.code, u.name)).collect())
    }

    /// The access log of the signed-in person, newest first.
    pub async fn access_log(&self, who: &Principal, dossiers: &tinhso_dossier::Dossiers) -> Result<Vec<AccessEntry>> {
        let units = self.unit_names().await?;
        let snap = self.cache.get(&self.db).await?;
        let mut out = Vec::new();
        if let Some(number) = who.personal_id() {
            let rows = log::Entity::find().filter(log::Column::Subject.eq(number)).order_by_desc(log::Column::Seq).limit(LIMIT).all(&self.db).await.map_err(db_error)?;
            for r in rows {
                let member = r.consumer.split('/').next().unwrap_or_default().to_owned();
                let system = snap.subsystems.get(&r.consumer).map(|s| s.name.clone()).unwrap_or_else(|| r.consumer.clone());
                let service = snap.services.get(&r.service).map(|s| format!("{} ({})", s.row.description, r.service)).unwrap_or(r.service);
                out.push(AccessEntry {
                    at: r.at,
                    channel: "exchange".into(),
                    agency: units.get(&member).cloned().unwrap_or(member),
                    system,
                    service,
                    purpose: r.purpose,
                    outcome: if r.status < 400 { "provided".into() } else { "refused".into() },
                });
            }
        }
        let mut subjects = vec![format!("user:{}", who.user_id)];
        let mut page = 1;
        loop {
            let p = dossiers.mine(who, Some(page), Some(100)).await?;
            subjects.extend(p.items.iter().map(|d| format!("dossier:{}", d.id)));
            if page * p.per_page >= p.total {
                break;
            }
            page += 1;
        }
        let me = format!("user:{}", who.user_id);
        for e in tinhso_audit::about(&self.db, &subjects, LIMIT).await?.into_iter().filter(|e| e.actor != me && is_read(&e.action)) {
            let (agency, system) = self.describe_actor(&e.actor, &units).await;
            out.push(AccessEntry { at: e.at, channel: "platform".into(), agency, system, service: action_label(&e.action), purpose: e.purpose, outcome: "provided".into() });
        }
        out.sort_by_key(|e| std::cmp::Reverse(e.at));
        Ok(out)
    }

    /// An audit actor as agency and role; a person's name is not shown, their office is.
    async fn describe_actor(&self, actor: &str, units: &HashMap<String, String>) -> (String, String) {
        if let Some(id) = actor.strip_prefix("user:").and_then(|s| uuid::Uuid::parse_str(s).ok())
            && let Ok(p) = tinhso_identity::accounts::principal(&self.db, id).await
            && let Some(g) = p.roles.iter().find(|g| g.role.is_staff())
        {
            let code = g.org_unit_code.clone().unwrap_or_default();
            return (units.get(&code).cloned().unwrap_or(code), format!("{} – Cổng dịch vụ công tỉnh", g.role.label()));
        }
        if let Some(system) = actor.strip_prefix("system:") {
            return ("Hệ thống tinhso".into(), system.to_owned());
        }
        ("Không xác định".into(), actor.to_owned())
    }
}

/// Who read the signed-in person's data: exchange calls naming them and reads inside the platform.
#[utoipa::path(get, path = "/api/v1/me/access-log", tag = "exchange", responses((status = 200, body = [AccessEntry]), (status = 401, description = "unauthorized")))]
pub async fn api(State(ex): State<Arc<Exchange>>, State(dossiers): State<Arc<tinhso_dossier::Dossiers>>, SignedIn(who): SignedIn) -> Result<Json<Vec<AccessEntry>>, ApiError> {
    Ok(Json(ex.access_log(&who, &dossiers).await?))
}
