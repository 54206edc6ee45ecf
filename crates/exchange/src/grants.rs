//! Access requests and grants, per consumer subsystem and service (optionally per method and
//! path prefix), with a stated legal purpose. The steward of the providing agency decides.
use crate::entity::{grant, service, subsystem};
use crate::model::{AccessRequest, Allowed, Grant};
use crate::registry::{grant_state_ok, may_manage};
use crate::Exchange;
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, QueryOrder};
use tinhso_audit::Entry;
use tinhso_core::{Error, Result, text::nfc};
use tinhso_db::db_error;
use tinhso_identity::Principal;

const METHODS: [&str; 5] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

/// What a decision does to a grant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Reject,
    Revoke,
}

impl Decision {
    pub fn parse(s: &str) -> Option<Decision> {
        match s {
            "approve" => Some(Decision::Approve),
            "reject" => Some(Decision::Reject),
            "revoke" => Some(Decision::Revoke),
            _ => None,
        }
    }
}

impl Exchange {
    /// The provider's member code of a service.
    async fn provider_of(&self, service_id: uuid::Uuid) -> Result<(service::Model, subsystem::Model)> {
        let s = service::Entity::find_by_id(service_id).one(&self.db).await.map_err(db_error)?.ok_or_else(|| Error::not_found("dịch vụ"))?;
        let sub = self.subsystem_row(s.subsystem_id).await?;
        Ok((s, sub))
    }

    /// A consumer's steward asks for access; the grant waits for the provider's steward.
    pub async fn request_access(&self, who: &Principal, req: AccessRequest) -> Result<Grant> {
        let consumer = self.subsystem_by_ident(&req.consumer).await?;
        if !may_manage(who, &consumer.member_code) {
            return Err(Error::Forbidden);
        }
        self.provider_of(req.service_id).await?;
        let method = req.method.map(|m| m.trim().to_ascii_uppercase()).filter(|m| !m.is_empty());
        if let Some(m) = &method
            && !METHODS.contains(&m.as_str())
        {
            return Err(Error::invalid("invalid_method", "Phương thức", "GET, POST, PUT, PATCH hoặc DELETE."));
        }
        let prefix = req.path_prefix.unwrap_or_default().trim().to_owned();
        if !prefix.is_empty() && (!prefix.starts_with('/') || prefix.contains("..")) {
            return Err(Error::invalid("invalid_path_prefix", "Tiền tố đường dẫn", "phải bắt đầu bằng / và không chứa '..'."));
        }
        let purpose = nfc(req.purpose.trim());
        if purpose.chars().count() < 5 || purpose.chars().count() > 500 {
            return Err(Error::invalid("invalid_purpose", "Mục đích", "nêu căn cứ pháp lý và mục đích sử dụng (5–500 ký tự)."));
        }
        if req.expires_at.is_some_and(|e| e <= Utc::now()) {
            return Err(Error::invalid("invalid_expiry", "Thời hạn", "phải ở tương lai."));
        }
        let row = grant::Model {
            id: tinhso_core::new_id(),
            consumer_id: consumer.id,
            service_id: req.service_id,
            method,
            path_prefix: prefix,
            purpose,
            state: "pending".into(),
            requested_by: who.actor(),
            decided_by: None,
            expires_at: req.expires_at,
            created_at: Utc::now(),
            decided_at: None,
        };
        let tx = tinhso_audit::begin(&self.db).await?;
        grant::Entity::insert(grant::ActiveModel::from(row.clone())).exec_without_returning(&tx).await.map_err(db_error)?;
        let detail = serde_json::json!({"consumer": req.consumer, "service": req.service_id, "method": row.method, "path_prefix": row.path_prefix});
        tinhso_audit::record(&tx, Entry::new(who.actor(), "exchange.access_request", format!("exchange_grant:{}", row.id)).purpose(row.purpose.clone()).detail(detail)).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(row.into())
    }

    /// Approve or reject a pending request, or revoke an approved grant: only a steward of the
    /// providing agency (or an administrator).
    pub async fn decide(&self, who: &Principal, id: uuid::Uuid, decision: Decision) -> Result<Grant> {
        let g = grant::Entity::find_by_id(id).one(&self.db).await.map_err(db_error)?.ok_or_else(|| Error::not_found("yêu cầu truy cập"))?;
        let (_, provider) = self.provider_of(g.service_id).await?;
        if !may_manage(who, &provider.member_code) {
            return Err(Error::Forbidden);
        }
        let to = match (decision, g.state.as_str()) {
            (Decision::Approve, "pending") => "approved",
            (Decision::Reject, "pending") => "rejected",
            (Decision::Revoke, "approved") => "revoked",
            _ => return Err(Error::conflict("invalid_grant_state", format!("Yêu cầu đang ở trạng thái '{}', không thực hiện được thao tác này.", g.state))),
        };
        let from = g.state.clone();
        let mut a: grant::ActiveModel = g.into();
        a.state = Set(to.into());
        a.decided_by = Set(Some(who.actor()));
        a.decided_at = Set(Some(Utc::now()));
        let tx = tinhso_audit::begin(&self.db).await?;
        let saved = a.update(&tx).await.map_err(db_error)?;
        tinhso_audit::record(&tx, Entry::new(who.actor(), "exchange.grant_decide", format!("exchange_grant:{id}")).detail(serde_json::json!({"from": from, "to": to}))).await?;
        tx.commit().await.map_err(db_error)?;
        self.cache.invalidate();
        Ok(saved.into())
    }

    /// Grants the person may see: those of subsystems of their agencies, as consumer or provider.
    pub async fn grants_for(&self, who: &Principal) -> Result<Vec<Grant>> {
        let subs = subsystem::Entity::find().all(&self.db).await.map_err(db_error)?;
        let services = service::Entity::find().all(&self.db).await.map_err(db_error)?;
        let mine = |sub_id: uuid::Uuid| subs.iter().find(|s| s.id == sub_id).is_some_and(|s| may_manage(who, &s.member_code));
        let rows = grant::Entity::find().order_by_desc(grant::Column::CreatedAt).all(&self.db).await.map_err(db_error)?;
        Ok(rows
            .into_iter()
            .filter(|g| mine(g.consumer_id) || services.iter().find(|s| s.id == g.service_id).is_some_and(|s| mine(s.subsystem_id)))
            .map(Grant::from)
            .collect())
    }

    /// The services a consumer subsystem may call now, with their descriptions.
    pub async fn allowed(&self, consumer_id: uuid::Uuid) -> Result<Vec<Allowed>> {
        let snap = self.cache.get(&self.db).await?;
        let mut out = Vec::new();
        for g in snap.grants.values().flatten().filter(|g| g.consumer_id == consumer_id && grant_state_ok(g)) {
            if let Some(s) = snap.services_by_id.get(&g.service_id).filter(|s| s.row.active) {
                out.push(Allowed {
                    service: s.ident.clone(),
                    description: s.row.description.clone(),
                    method: g.method.clone(),
                    path_prefix: g.path_prefix.clone(),
                    purpose: g.purpose.clone(),
                    expires_at: g.expires_at,
                    personal_data: s.row.personal_data,
                });
            }
        }
        out.sort_by(|a, b| a.service.cmp(&b.service));
        Ok(out)
    }
}
