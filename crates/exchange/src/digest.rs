//! The daily digest of the exchange log: the day's first and last sequence numbers, its number
//! of calls and the chain head after its last call, signed (ECDSA P-256, SHA-256) with the key
//! of the unit that runs the exchange. With the chain, it shows that no call of a signed day
//! was altered or removed afterwards, even by someone who can write the database.
use crate::Exchange;
use crate::entity::{digest, log};
use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Duration, FixedOffset, NaiveDate, Offset, TimeZone, Utc};
use p256::ecdsa::signature::{Signer, Verifier};
use p256::pkcs8::DecodePrivateKey;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};
use std::sync::Arc;
use tinhso_audit::Entry;
use tinhso_core::{Error, Result};
use tinhso_db::db_error;
use tinhso_web::{ApiError, ApiJson, SignedIn};
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DayDigest {
    /// YYYY-MM-DD in Asia/Ho_Chi_Minh.
    pub day: String,
    pub first_seq: i64,
    pub last_seq: i64,
    pub calls: i64,
    pub head_hash: String,
    /// DER ECDSA signature, hex.
    pub signature: String,
    pub signer: String,
    pub cert_fingerprint: String,
}

impl From<digest::Model> for DayDigest {
    fn from(m: digest::Model) -> Self {
        DayDigest { day: m.day, first_seq: m.first_seq, last_seq: m.last_seq, calls: m.calls, head_hash: m.head_hash, signature: m.signature, signer: m.signer, cert_fingerprint: m.cert_fingerprint }
    }
}

fn vn() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).unwrap_or_else(|| Utc.fix())
}

fn bounds(day: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = day.and_hms_opt(0, 0, 0).and_then(|t| vn().from_local_datetime(&t).single()).map(|t| t.with_timezone(&Utc)).unwrap_or_default();
    (start, start + Duration::days(1))
}

/// The signed message: what a verifier recomputes.
pub fn message(d: &DayDigest) -> Vec<u8> {
    format!("tinhso-exchange-digest/1\n{}\n{}\n{}\n{}\n{}\n", d.day, d.first_seq, d.last_seq, d.calls, d.head_hash).into_bytes()
}

fn today() -> NaiveDate {
    Utc::now().with_timezone(&vn()).date_naive()
}

impl Exchange {
    async fn key(&self) -> Result<(p256::ecdsa::SigningKey, String)> {
        let unit = tinhso_identity::org_units::by_code(&self.db, &self.settings.signer_unit).await?;
        let pair = tinhso_signing::keystore::for_unit(&self.db, &unit.code, &unit.name).await?;
        let key = p256::ecdsa::SigningKey::from_pkcs8_der(&pair.key_pkcs8_der).map_err(|_| Error::other("the exchange operator's key is not ECDSA P-256"))?;
        Ok((key, hex::encode(Sha256::digest(&pair.cert_der))))
    }

    /// Signs the digest of a day. A finished day is signed once; today's digest may be signed
    /// again as the day goes on, replacing the earlier one.
    pub async fn sign_day(&self, actor: &str, day: NaiveDate) -> Result<DayDigest> {
        if day > today() {
            return Err(Error::invalid("invalid_day", "Ngày", "chưa đến ngày này."));
        }
        let key_day = day.format("%Y-%m-%d").to_string();
        let existing = digest::Entity::find_by_id(key_day.clone()).one(&self.db).await.map_err(db_error)?;
        if existing.is_some() && day < today() {
            return Err(Error::conflict("digest_exists", "Bản tóm tắt của ngày này đã được ký."));
        }
        let (from, to) = bounds(day);
        let in_day = || log::Entity::find().filter(log::Column::At.gte(from)).filter(log::Column::At.lt(to));
        let first = in_day().order_by_asc(log::Column::Seq).limit(1).one(&self.db).await.map_err(db_error)?;
        let last = in_day().order_by_desc(log::Column::Seq).limit(1).one(&self.db).await.map_err(db_error)?;
        let (first_seq, last_seq, head_hash) = match (first, last) {
            (Some(f), Some(l)) => (f.seq, l.seq, l.hash),
            _ => (0, 0, tinhso_migrations::GENESIS.to_owned()),
        };
        let calls = if last_seq == 0 { 0 } else { last_seq - first_seq + 1 };
        let (key, fingerprint) = self.key().await?;
        let mut d = DayDigest { day: key_day.clone(), first_seq, last_seq, calls, head_hash, signature: String::new(), signer: self.settings.signer_unit.clone(), cert_fingerprint: fingerprint };
        let sig: p256::ecdsa::DerSignature = key.sign(&message(&d));
        d.signature = hex::encode(sig.as_bytes());
        let row = digest::Model {
            day: d.day.clone(), first_seq, last_seq, calls, head_hash: d.head_hash.clone(), signature: d.signature.clone(), signer: d.signer.clone(), cert_fingerprint: d.cert_fingerprint.clone(), created_at: Utc::now(),
        };
        let tx = tinhso_audit::begin(&self.db).await?;
        digest::Entity::delete_by_id(key_day.clone()).exec(&tx).await.map_err(db_error)?;
        digest::Entity::insert(digest::ActiveModel::from(row)).exec_without_returning(&tx).await.map_err(db_error)?;
        tinhso_audit::record(&tx, Entry::new(actor, "exchange.digest_sign", format!("exchange_digest:{key_day}")).detail(serde_json::json!({"last_seq": last_seq, "calls": calls}))).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(d)
    }

    /// Checks a digest's signature and that the log still holds its chain head.
    pub async fn verify_digest(&self, d: &DayDigest) -> Result<bool> {
        let (key, _) = self.key().await?;
        let sig = hex::decode(&d.signature).ok().and_then(|b| p256::ecdsa::DerSignature::from_bytes(&b).ok());
        let Some(sig) = sig else { return Ok(false) };
        if key.verifying_key().verify(&message(d), &sig).is_err() {
            return Ok(false);
        }
        if d.last_seq == 0 {
            return Ok(true);
        }
        let row = log::Entity::find_by_id(d.last_seq).one(&self.db).await.map_err(db_error)?;
        Ok(row.is_some_and(|r| r.hash == d.head_hash))
    }

    pub async fn digests(&self) -> Result<Vec<DayDigest>> {
        let rows = digest::Entity::find().order_by_desc(digest::Column::Day).limit(60).all(&self.db).await.map_err(db_error)?;
        Ok(rows.into_iter().map(DayDigest::from).collect())
    }

    /// The background job's step: signs yesterday's digest if it is not signed yet.
    pub async fn sign_yesterday(&self) -> Result<Option<DayDigest>> {
        let day = today() - Duration::days(1);
        let exists = digest::Entity::find_by_id(day.format("%Y-%m-%d").to_string()).one(&self.db).await.map_err(db_error)?;
        if exists.is_some() {
            return Ok(None);
        }
        self.sign_day("system:exchange", day).await.map(Some)
    }
}

#[utoipa::path(get, path = "/api/v1/exchange/digests", tag = "exchange", responses((status = 200, body = [DayDigest])))]
pub async fn api_list(State(ex): State<Arc<Exchange>>, SignedIn(who): SignedIn) -> Result<Json<Vec<DayDigest>>, ApiError> {
    if !crate::stats::may_watch(&who) {
        return Err(Error::Forbidden.into());
    }
    Ok(Json(ex.digests().await?))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SignRequest {
    /// YYYY-MM-DD (Asia/Ho_Chi_Minh).
    pub day: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Signed {
    pub digest: DayDigest,
    pub verified: bool,
}

/// Signs a day's digest now (normally the daily job does).
#[utoipa::path(post, path = "/api/v1/exchange/digests", tag = "exchange", request_body = SignRequest, responses((status = 200, body = Signed)))]
pub async fn api_sign(State(ex): State<Arc<Exchange>>, SignedIn(who): SignedIn, ApiJson(req): ApiJson<SignRequest>) -> Result<Json<Signed>, ApiError> {
    if !crate::stats::may_watch(&who) {
        return Err(Error::Forbidden.into());
    }
    let day = NaiveDate::parse_from_str(&req.day, "%Y-%m-%d").map_err(|_| Error::invalid("invalid_day", "Ngày", "dạng năm-tháng-ngày."))?;
    let digest = ex.sign_day(&who.actor(), day).await?;
    let verified = ex.verify_digest(&digest).await?;
    Ok(Json(Signed { digest, verified }))
}
