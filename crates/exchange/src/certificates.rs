//! Client certificates for mutual TLS. A consumer subsystem may authenticate with a client
//! certificate instead of an API key, as X-Road's security servers do. The gateway's TLS
//! listener checks that the certificate chains to the exchange's client CA (the TLS layer in
//! `tinhso-app`); the registry pins which certificate belongs to which subsystem by its
//! SHA-256 fingerprint, so that a certificate from the right CA still opens nothing until a
//! data steward registers it, and revoking it here shuts it out at once.
use crate::Exchange;
use crate::entity::credential;
use crate::model::Credential;
use crate::registry::{CERTIFICATE, require};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::Utc;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::Deserialize;
use std::sync::Arc;
use tinhso_audit::Entry;
use tinhso_core::{Error, Result};
use tinhso_db::db_error;
use tinhso_identity::Principal;
use tinhso_web::{ApiError, ApiJson, SignedIn};
use utoipa::ToSchema;

/// The SHA-256 fingerprint (lower-case hex) of the client certificate a TLS connection
/// presented, put in each of its requests' extensions by the TLS listener.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientCertificate(pub String);

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct NewCertificate {
    /// The client certificate, PEM ("-----BEGIN CERTIFICATE-----…").
    pub certificate_pem: String,
}

impl Exchange {
    /// Registers a client certificate for a consumer subsystem. The certificate must be
    /// readable, valid today, and not registered already.
    pub async fn register_certificate(&self, who: &Principal, subsystem_id: uuid::Uuid, pem: &str) -> Result<Credential> {
        let sub = self.subsystem_row(subsystem_id).await?;
        require(who, &sub.member_code)?;
        let invalid = |why: &str| Error::invalid("invalid_certificate", "Chứng thư số", why.to_owned());
        let der = tinhso_signing::ca::der_from_pem(pem.trim()).map_err(|_| invalid("không đọc được khối PEM của chứng thư."))?;
        let info = tinhso_signing::ca::cert_info(&der).map_err(|_| invalid("không phải chứng thư X.509 đọc được."))?;
        let now = Utc::now();
        if info.not_before > now || info.not_after < now {
            return Err(invalid("chứng thư chưa có hiệu lực hoặc đã hết hạn."));
        }
        let taken = credential::Entity::find()
            .filter(credential::Column::KeyHash.eq(&info.sha256_fingerprint))
            .filter(credential::Column::RevokedAt.is_null())
            .one(&self.db)
            .await
            .map_err(db_error)?;
        if taken.is_some() {
            return Err(Error::conflict("certificate_registered", "Chứng thư này đã được đăng ký cho một hệ thống."));
        }
        let label: String = format!("{} · {}", info.subject_cn, &info.sha256_fingerprint[..16]).chars().take(120).collect();
        let row = credential::Model {
            id: tinhso_core::new_id(),
            subsystem_id,
            kind: CERTIFICATE.into(),
            key_hash: info.sha256_fingerprint.clone(),
            key_prefix: label,
            created_by: who.actor(),
            created_at: now,
            revoked_at: None,
        };
        let tx = tinhso_audit::begin(&self.db).await?;
        credential::Entity::insert(credential::ActiveModel::from(row.clone())).exec_without_returning(&tx).await.map_err(db_error)?;
        let detail = serde_json::json!({"subsystem": subsystem_id, "sha256": info.sha256_fingerprint, "subject": info.subject_cn, "not_after": info.not_after});
        tinhso_audit::record(&tx, Entry::new(who.actor(), "exchange.certificate_register", format!("exchange_credential:{}", row.id)).detail(detail)).await?;
        tx.commit().await.map_err(db_error)?;
        self.cache.invalidate();
        Ok(row.into())
    }
}

#[utoipa::path(post, path = "/api/v1/exchange/subsystems/{id}/certificates", tag = "exchange", request_body = NewCertificate, responses((status = 201, body = Credential), (status = 422, description = "invalid_certificate"), (status = 403, description = "forbidden"), (status = 409, description = "certificate_registered")))]
pub async fn register(State(ex): State<Arc<Exchange>>, SignedIn(who): SignedIn, Path(id): Path<uuid::Uuid>, ApiJson(req): ApiJson<NewCertificate>) -> std::result::Result<(StatusCode, Json<Credential>), ApiError> {
    Ok((StatusCode::CREATED, Json(ex.register_certificate(&who, id, &req.certificate_pem).await?)))
}
