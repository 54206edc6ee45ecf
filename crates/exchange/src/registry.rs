//! The registry: subsystems, services, API keys and grants. A data steward manages the
//! subsystems of their own agency; the steward of the providing agency decides on access to
//! its services. Every change is audited in the same transaction.
use crate::entity::{credential, grant, service, subsystem};
use crate::model::*;
use crate::Exchange;
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use sha2::{Digest, Sha256};
use tinhso_audit::Entry;
use tinhso_core::{Error, Result, roles::Role, text::nfc};
use tinhso_db::db_error;
use tinhso_identity::Principal;

/// Whether `who` may act for the member (agency) `member_code`.
pub fn may_manage(who: &Principal, member_code: &str) -> bool {
    who.has(Role::Admin) || who.units_for(Role::DataSteward).any(|u| u == member_code)
}

pub(crate) fn require(who: &Principal, member_code: &str) -> Result<()> {
    if may_manage(who, member_code) { Ok(()) } else { Err(Error::Forbidden) }
}

fn valid_code(code: &str) -> bool {
    !code.is_empty() && code.len() <= 64 && code.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// The kinds of credential (`exchange_credentials.kind`).
pub const KEY: &str = "key";
pub const CERTIFICATE: &str = "certificate";

/// The SHA-256 of an API key, as stored.
pub fn key_hash(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

fn new_key() -> String {
    let mut bytes = [0u8; 32];
    rand::fill(&mut bytes);
    format!("tsx_{}", hex::encode(bytes))
}

fn check_url(url: &str) -> Result<()> {
    let ok = (url.starts_with("http://") || url.starts_with("https://")) && reqwest::Url::parse(url).is_ok_and(|u| u.host().is_some() && u.query().is_none());
    if ok { Ok(()) } else { Err(Error::invalid("invalid_upstream_url", "Địa chỉ dịch vụ gốc", "phải là địa chỉ http(s) đầy đủ, không có tham số truy vấn.")) }
}

fn check_timeout(ms: i32) -> Result<()> {
    if (100..=60_000).contains(&ms) { Ok(()) } else { Err(Error::invalid("invalid_timeout", "Thời gian chờ", "từ 100 đến 60.000 mili giây.")) }
}

impl Exchange {
    pub async fn subsystems(&self) -> Result<Vec<Subsystem>> {
        let rows = subsystem::Entity::find().order_by_asc(subsystem::Column::MemberCode).order_by_asc(subsystem::Column::Code).all(&self.db).await.map_err(db_error)?;
        Ok(rows.into_iter().map(Subsystem::from).collect())
    }

    pub(crate) async fn subsystem_row(&self, id: uuid::Uuid) -> Result<subsystem::Model> {
        subsystem::Entity::find_by_id(id).one(&self.db).await.map_err(db_error)?.ok_or_else(|| Error::not_found("hệ thống thông tin"))
    }

    /// A subsystem by its identifier `member/code`.
    pub async fn subsystem_by_ident(&self, ident: &str) -> Result<subsystem::Model> {
        let (member, code) = ident.split_once('/').ok_or_else(|| Error::not_found(format!("hệ thống {ident}")))?;
        subsystem::Entity::find()
            .filter(subsystem::Column::MemberCode.eq(member))
            .filter(subsystem::Column::Code.eq(code))
            .one(&self.db)
            .await
            .map_err(db_error)?
            .ok_or_else(|| Error::not_found(format!("hệ thống {ident}")))
    }

    pub async fn register_subsystem(&self, who: &Principal, req: NewSubsystem) -> Result<Subsystem> {
        require(who, &req.member_code)?;
        tinhso_identity::org_units::by_code(&self.db, &req.member_code).await.map_err(|_| Error::invalid("unknown_member", "Đơn vị", format!("không có đơn vị mã {}.", req.member_code)))?;
        if !valid_code(&req.code) {
            return Err(Error::invalid("invalid_code", "Mã hệ thống", "chữ thường không dấu, số, - hoặc _, tối đa 64 ký tự."));
        }
        let name = nfc(req.name.trim());
        if name.is_empty() {
            return Err(Error::invalid("invalid_name", "Tên hệ thống", "không được để trống."));
        }
        let rate = req.rate_per_sec.unwrap_or(100);
        if !(1..=100_000).contains(&rate) {
            return Err(Error::invalid("invalid_rate", "Giới hạn tần suất", "từ 1 đến 100.000 lần gọi mỗi giây."));
        }
        let row = subsystem::Model { id: tinhso_core::new_id(), member_code: req.member_code, code: req.code, name, rate_per_sec: rate, active: true, created_at: Utc::now() };
        let tx = tinhso_audit::begin(&self.db).await?;
        let exists = subsystem::Entity::find().filter(subsystem::Column::MemberCode.eq(&row.member_code)).filter(subsystem::Column::Code.eq(&row.code)).one(&tx).await.map_err(db_error)?;
        if exists.is_some() {
            return Err(Error::conflict("subsystem_exists", "Đơn vị đã có hệ thống mang mã này."));
        }
        subsystem::Entity::insert(subsystem::ActiveModel::from(row.clone())).exec_without_returning(&tx).await.map_err(db_error)?;
        tinhso_audit::record(&tx, Entry::new(who.actor(), "exchange.subsystem_register", format!("exchange_subsystem:{}", row.id)).detail(serde_json::json!({"ident": format!("{}/{}", row.member_code, row.code)}))).await?;
        tx.commit().await.map_err(db_error)?;
        self.cache.invalidate();
        Ok(row.into())
    }

    pub async fn services(&self) -> Result<Vec<Service>> {
        let subs = self.subsystems().await?;
        let rows = service::Entity::find().order_by_asc(service::Column::Code).all(&self.db).await.map_err(db_error)?;
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                let provider = subs.iter().find(|s| s.id == r.subsystem_id)?.ident.clone();
                Some(Service::from_row(r, &provider))
            })
            .collect())
    }

    pub async fn register_service(&self, who: &Principal, subsystem_id: uuid::Uuid, req: NewService) -> Result<Service> {
        let sub = self.subsystem_row(subsystem_id).await?;
        require(who, &sub.member_code)?;
        if !valid_code(&req.code) {
            return Err(Error::invalid("invalid_code", "Mã dịch vụ", "chữ thường không dấu, số, - hoặc _, tối đa 64 ký tự."));
        }
        check_url(&req.upstream_url)?;
        let timeout_ms = req.timeout_ms.unwrap_or(5000);
        check_timeout(timeout_ms)?;
        let description = nfc(req.description.trim());
        if description.is_empty() {
            return Err(Error::invalid("invalid_description", "Mô tả", "không được để trống."));
        }
        let row = service::Model {
            id: tinhso_core::new_id(),
            subsystem_id,
            code: req.code,
            description,
            schema: req.schema,
            upstream_url: req.upstream_url.trim_end_matches('/').to_owned(),
            timeout_ms,
            personal_data: req.personal_data,
            log_bodies: req.log_bodies,
            active: true,
            created_at: Utc::now(),
        };
        let tx = tinhso_audit::begin(&self.db).await?;
        let exists = service::Entity::find().filter(service::Column::SubsystemId.eq(subsystem_id)).filter(service::Column::Code.eq(&row.code)).one(&tx).await.map_err(db_error)?;
        if exists.is_some() {
            return Err(Error::conflict("service_exists", "Hệ thống đã có dịch vụ mang mã này."));
        }
        service::Entity::insert(service::ActiveModel::from(row.clone())).exec_without_returning(&tx).await.map_err(db_error)?;
        let detail = serde_json::json!({"code": row.code, "upstream_url": row.upstream_url, "personal_data": row.personal_data, "log_bodies": row.log_bodies});
        tinhso_audit::record(&tx, Entry::new(who.actor(), "exchange.service_register", format!("exchange_service:{}", row.id)).detail(detail)).await?;
        tx.commit().await.map_err(db_error)?;
        self.cache.invalidate();
        Ok(Service::from_row(row, &format!("{}/{}", sub.member_code, sub.code)))
    }

    pub async fn change_service(&self, who: &Principal, id: uuid::Uuid, c: ServiceChange) -> Result<Service> {
        let row = service::Entity::find_by_id(id).one(&self.db).await.map_err(db_error)?.ok_or_else(|| Error::not_found("dịch vụ"))?;
        let sub = self.subsystem_row(row.subsystem_id).await?;
        require(who, &sub.member_code)?;
        let mut a: service::ActiveModel = row.into();
        if let Some(d) = c.description {
            a.description = Set(nfc(d.trim()));
        }
        if let Some(s) = c.schema {
            a.schema = Set(s);
        }
        if let Some(u) = c.upstream_url {
            check_url(&u)?;
            a.upstream_url = Set(u.trim_end_matches('/').to_owned());
        }
        if let Some(t) = c.timeout_ms {
            check_timeout(t)?;
            a.timeout_ms = Set(t);
        }
        if let Some(b) = c.log_bodies {
            a.log_bodies = Set(b);
        }
        if let Some(b) = c.active {
            a.active = Set(b);
        }
        let tx = tinhso_audit::begin(&self.db).await?;
        let saved = a.update(&tx).await.map_err(db_error)?;
        let detail = serde_json::json!({"upstream_url": saved.upstream_url, "timeout_ms": saved.timeout_ms, "log_bodies": saved.log_bodies, "active": saved.active});
        tinhso_audit::record(&tx, Entry::new(who.actor(), "exchange.service_change", format!("exchange_service:{id}")).detail(detail)).await?;
        tx.commit().await.map_err(db_error)?;
        self.cache.invalidate();
        Ok(Service::from_row(saved, &format!("{}/{}", sub.member_code, sub.code)))
    }

    pub async fn credentials(&self, who: &Principal, subsystem_id: uuid::Uuid) -> Result<Vec<Credential>> {
        let sub = self.subsystem_row(subsystem_id).await?;
        require(who, &sub.member_code)?;
        let rows = credential::Entity::find().filter(credential::Column::SubsystemId.eq(subsystem_id)).order_by_desc(credential::Column::CreatedAt).all(&self.db).await.map_err(db_error)?;
        Ok(rows.into_iter().map(Credential::from).collect())
    }

    /// Issues a new API key for a consumer subsystem; the key is in the answer and nowhere else.
    pub async fn issue_key(&self, who: &Principal, subsystem_id: uuid::Uuid) -> Result<IssuedKey> {
        let sub = self.subsystem_row(subsystem_id).await?;
        require(who, &sub.member_code)?;
        let tx = tinhso_audit::begin(&self.db).await?;
        let issued = insert_key(&tx, who, subsystem_id).await?;
        tx.commit().await.map_err(db_error)?;
        self.cache.invalidate();
        Ok(issued)
    }

    /// Revokes a key at once.
    pub async fn revoke_key(&self, who: &Principal, id: uuid::Uuid) -> Result<Credential> {
        let tx = tinhso_audit::begin(&self.db).await?;
        let row = self.revoke_key_in(&tx, who, id).await?;
        tx.commit().await.map_err(db_error)?;
        self.cache.invalidate();
        Ok(row)
    }

    /// Replaces a key by a new one in one step: the old one stops working when the new one exists.
    pub async fn rotate_key(&self, who: &Principal, id: uuid::Uuid) -> Result<IssuedKey> {
        let tx = tinhso_audit::begin(&self.db).await?;
        let old = self.revoke_key_in(&tx, who, id).await?;
        if old.kind != KEY {
            return Err(Error::conflict("not_a_key", "Chứng thư số không đổi thành khóa được: hãy đăng ký chứng thư mới, rồi thu hồi chứng thư cũ."));
        }
        let issued = insert_key(&tx, who, old.subsystem_id).await?;
        tx.commit().await.map_err(db_error)?;
        self.cache.invalidate();
        Ok(issued)
    }

    pub(crate) async fn revoke_key_in(&self, tx: &tinhso_audit::WriteTx, who: &Principal, id: uuid::Uuid) -> Result<Credential> {
        let row = credential::Entity::find_by_id(id).one(tx).await.map_err(db_error)?.ok_or_else(|| Error::not_found("khóa truy cập"))?;
        let sub = subsystem::Entity::find_by_id(row.subsystem_id).one(tx).await.map_err(db_error)?.ok_or_else(|| Error::not_found("hệ thống thông tin"))?;
        require(who, &sub.member_code)?;
        if row.revoked_at.is_some() {
            return Err(Error::conflict("key_revoked", "Khóa này đã bị thu hồi."));
        }
        let mut a: credential::ActiveModel = row.into();
        a.revoked_at = Set(Some(Utc::now()));
        let saved = a.update(tx).await.map_err(db_error)?;
        tinhso_audit::record(tx, Entry::new(who.actor(), "exchange.key_revoke", format!("exchange_credential:{id}"))).await?;
        Ok(saved.into())
    }
}

async fn insert_key(tx: &tinhso_audit::WriteTx, who: &Principal, subsystem_id: uuid::Uuid) -> Result<IssuedKey> {
    let key = new_key();
    let row = credential::Model {
        id: tinhso_core::new_id(),
        subsystem_id,
        kind: KEY.into(),
        key_hash: key_hash(&key),
        key_prefix: key.chars().take(12).collect(),
        created_by: who.actor(),
        created_at: Utc::now(),
        revoked_at: None,
    };
    credential::Entity::insert(credential::ActiveModel::from(row.clone())).exec_without_returning(tx).await.map_err(db_error)?;
    tinhso_audit::record(tx, Entry::new(who.actor(), "exchange.key_issue", format!("exchange_credential:{}", row.id)).detail(serde_json::json!({"subsystem": subsystem_id, "prefix": row.key_prefix}))).await?;
    Ok(IssuedKey { credential: row.into(), key })
}

/// Issues a key with no person behind it (benchmarks, operators' scripts); audited as `actor`.
pub async fn system_key(ex: &Exchange, actor: &str, subsystem_id: uuid::Uuid) -> Result<String> {
    let key = new_key();
    let row = credential::Model { id: tinhso_core::new_id(), subsystem_id, kind: KEY.into(), key_hash: key_hash(&key), key_prefix: key.chars().take(12).collect(), created_by: actor.to_owned(), created_at: Utc::now(), revoked_at: None };
    let tx = tinhso_audit::begin(&ex.db).await?;
    credential::Entity::insert(credential::ActiveModel::from(row.clone())).exec_without_returning(&tx).await.map_err(db_error)?;
    tinhso_audit::record(&tx, Entry::new(actor, "exchange.key_issue", format!("exchange_credential:{}", row.id))).await?;
    tx.commit().await.map_err(db_error)?;
    ex.cache.invalidate();
    Ok(key)
}

pub(crate) fn grant_state_ok(g: &grant::Model) -> bool {
    g.state == "approved" && g.expires_at.is_none_or(|e| e > Utc::now())
}
