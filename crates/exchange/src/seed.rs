//! Demo data of the exchange: the sandbox registries as services of the agencies that would
//! provide them, and the platform's dossier system as a consumer with approved grants (the
//! give-once prefill calls the registries as that system). Running it again changes nothing.
use crate::entity::{grant, service, subsystem};
use chrono::Utc;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use tinhso_audit::Entry;
use tinhso_core::Result;
use tinhso_db::db_error;

/// Sở Khoa học và Công nghệ runs the exchange; its key signs the log's daily digests.
pub const OPERATOR_UNIT: &str = "000.00.03.H55";
/// The province's dossier system (Hệ thống thông tin giải quyết TTHC), as a consumer.
pub const PLATFORM_CLIENT: &str = "000.00.00.H55/dichvucong";
const ACTOR: &str = "system:seed-demo";
const PURPOSE: &str = "Giải quyết thủ tục hành chính, không yêu cầu người dân cung cấp lại thông tin đã có trong cơ sở dữ liệu (Nghị định 45/2020/NĐ-CP, Nghị định 47/2020/NĐ-CP)";

/// (member, subsystem, subsystem name, service code, path under the sandbox, description, personal data)
pub const REGISTRIES: [(&str, &str, &str, &str, &str, &str, bool); 4] = [
    ("000.00.15.H55", "dancu", "Cơ sở dữ liệu quốc gia về dân cư – bản THỬ NGHIỆM", "population", "/population", "Tra cứu thông tin công dân, nơi cư trú và hộ gia đình theo số định danh cá nhân", true),
    ("000.00.04.H55", "hotich", "Cơ sở dữ liệu hộ tịch điện tử – bản THỬ NGHIỆM", "civil_status", "/civil-status", "Tra cứu khai sinh và tình trạng hôn nhân theo số định danh cá nhân", true),
    ("000.00.01.H55", "dangkykinhdoanh", "Cơ sở dữ liệu đăng ký doanh nghiệp – bản THỬ NGHIỆM", "business", "/business", "Tra cứu thông tin đăng ký doanh nghiệp theo mã số thuế", false),
    ("000.00.05.H55", "datdai", "Cơ sở dữ liệu đất đai – bản THỬ NGHIỆM", "land", "/land", "Tra cứu thửa đất theo người sử dụng đất", true),
];

const SCHEMA: &str = r#"{"openapi":"3.1.0","info":{"title":"Sandbox registry","version":"1"},"paths":{}}"#;

async fn ensure_subsystem(db: &DatabaseConnection, member: &str, code: &str, name: &str, rate: i32) -> Result<uuid::Uuid> {
    let found = subsystem::Entity::find().filter(subsystem::Column::MemberCode.eq(member)).filter(subsystem::Column::Code.eq(code)).one(db).await.map_err(db_error)?;
    if let Some(s) = found {
        return Ok(s.id);
    }
    let row = subsystem::Model { id: tinhso_core::new_id(), member_code: member.into(), code: code.into(), name: name.into(), rate_per_sec: rate, active: true, created_at: Utc::now() };
    let tx = tinhso_audit::begin(db).await?;
    subsystem::Entity::insert(subsystem::ActiveModel::from(row.clone())).exec_without_returning(&tx).await.map_err(db_error)?;
    tinhso_audit::record(&tx, Entry::new(ACTOR, "exchange.subsystem_register", format!("exchange_subsystem:{}", row.id))).await?;
    tx.commit().await.map_err(db_error)?;
    Ok(row.id)
}

async fn ensure_service(db: &DatabaseConnection, subsystem_id: uuid::Uuid, code: &str, url: &str, description: &str, personal: bool) -> Result<uuid::Uuid> {
    let found = service::Entity::find().filter(service::Column::SubsystemId.eq(subsystem_id)).filter(service::Column::Code.eq(code)).one(db).await.map_err(db_error)?;
    if let Some(s) = found {
        return Ok(s.id);
    }
    let row = service::Model {
        id: tinhso_core::new_id(),
        subsystem_id,
        code: code.into(),
        description: description.into(),
        schema: SCHEMA.into(),
        upstream_url: url.into(),
        timeout_ms: 3000,
        personal_data: personal,
        log_bodies: false,
        active: true,
        created_at: Utc::now(),
    };
    let tx = tinhso_audit::begin(db).await?;
    service::Entity::insert(service::ActiveModel::from(row.clone())).exec_without_returning(&tx).await.map_err(db_error)?;
    tinhso_audit::record(&tx, Entry::new(ACTOR, "exchange.service_register", format!("exchange_service:{}", row.id))).await?;
    tx.commit().await.map_err(db_error)?;
    Ok(row.id)
}

async fn ensure_grant(db: &DatabaseConnection, consumer_id: uuid::Uuid, service_id: uuid::Uuid) -> Result<()> {
    let found = grant::Entity::find().filter(grant::Column::ConsumerId.eq(consumer_id)).filter(grant::Column::ServiceId.eq(service_id)).one(db).await.map_err(db_error)?;
    if found.is_some() {
        return Ok(());
    }
    let now = Utc::now();
    let row = grant::Model { id: tinhso_core::new_id(), consumer_id, service_id, method: Some("GET".into()), path_prefix: String::new(), purpose: PURPOSE.into(), state: "approved".into(), requested_by: ACTOR.into(), decided_by: Some(ACTOR.into()), expires_at: None, created_at: now, decided_at: Some(now) };
    let tx = tinhso_audit::begin(db).await?;
    grant::Entity::insert(grant::ActiveModel::from(row.clone())).exec_without_returning(&tx).await.map_err(db_error)?;
    tinhso_audit::record(&tx, Entry::new(ACTOR, "exchange.grant_decide", format!("exchange_grant:{}", row.id)).purpose(PURPOSE)).await?;
    tx.commit().await.map_err(db_error)?;
    Ok(())
}

/// Registers the sandbox registries found at `sandbox_base` (e.g. `http://127.0.0.1:8094`)
/// and grants the platform's dossier system (and the civil-status system, for population
/// data) access to them.
pub async fn seed_demo(db: &DatabaseConnection, sandbox_base: &str) -> Result<()> {
    let (member, code) = PLATFORM_CLIENT.split_once('/').unwrap_or(("000.00.00.H55", "dichvucong"));
    // The dossier system reads a registry for most submissions, so its limit follows the
    // platform's peak of submissions, not an ordinary consumer's 100 calls a second.
    let platform = ensure_subsystem(db, member, code, "Hệ thống thông tin giải quyết thủ tục hành chính tỉnh", 3000).await?;
    let base = sandbox_base.trim_end_matches('/');
    let mut population = None;
    let mut hotich = None;
    for (member, sub, name, svc, path, description, personal) in REGISTRIES {
        let sub_id = ensure_subsystem(db, member, sub, name, 100).await?;
        let svc_id = ensure_service(db, sub_id, svc, &format!("{base}{path}"), description, personal).await?;
        ensure_grant(db, platform, svc_id).await?;
        match svc {
            "population" => population = Some(svc_id),
            "civil_status" => hotich = Some(sub_id),
            _ => {}
        }
    }
    if let (Some(p), Some(h)) = (population, hotich) {
        ensure_grant(db, h, p).await?;
    }
    Ok(())
}
