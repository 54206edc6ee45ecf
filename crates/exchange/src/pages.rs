//! Pages: the registry and its forms for data stewards (`/trao-doi-du-lieu`), the traffic
//! figures (`/trao-doi-du-lieu/luu-luong`) and the citizen's access log
//! (`/du-lieu-cua-toi/truy-cap`). They work without JavaScript.
use crate::Exchange;
use crate::grants::Decision;
use crate::model::*;
use crate::registry::may_manage;
use askama::Template;
use axum::extract::{FromRef, Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use sea_orm::DatabaseConnection;
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::Arc;
use tinhso_core::Error;
use tinhso_identity::Principal;
use tinhso_web::{Chrome, CsrfForm, PageError, SignedIn, render};

pub fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Exchange>: FromRef<S>,
    Arc<tinhso_catalog::Catalog>: FromRef<S>,
    Arc<tinhso_dossier::Dossiers>: FromRef<S>,
    DatabaseConnection: FromRef<S>,
{
    Router::new()
        .route("/trao-doi-du-lieu", get(registry_page))
        .route("/trao-doi-du-lieu/he-thong", post(new_subsystem))
        .route("/trao-doi-du-lieu/dich-vu", post(new_service))
        .route("/trao-doi-du-lieu/khoa", post(new_key))
        .route("/trao-doi-du-lieu/khoa/{id}/thu-hoi", post(revoke_key))
        .route("/trao-doi-du-lieu/chung-thu", post(new_certificate))
        .route("/trao-doi-du-lieu/yeu-cau", post(new_request))
        .route("/trao-doi-du-lieu/quyen/{id}/{decision}", post(decide))
        .route("/trao-doi-du-lieu/luu-luong", get(traffic_page))
        .route("/du-lieu-cua-toi/truy-cap", get(access_page))
}

fn time(t: chrono::DateTime<chrono::Utc>) -> String {
    t.with_timezone(&tinhso_core::calendar::vietnam()).format("%H:%M %d/%m/%Y").to_string()
}

fn staff_only(chrome: &Chrome, who: &Principal) -> Result<(), PageError> {
    if crate::stats::may_watch(who) { Ok(()) } else { Err(PageError(Error::Forbidden, Box::new(chrome.clone()))) }
}

pub struct GrantRow {
    pub id: String,
    pub consumer: String,
    pub service: String,
    pub scope: String,
    pub purpose: String,
    pub state: &'static str,
    pub expires: String,
    pub can_decide: bool,
    pub pending: bool,
    pub approved: bool,
}

pub struct KeyRow {
    pub id: String,
    pub subsystem: String,
    pub prefix: String,
    pub created: String,
    pub revoked: bool,
    pub certificate: bool,
}

#[derive(Template)]
#[template(path = "registry.html")]
struct RegistryPage {
    chrome: Chrome,
    notice: String,
    subsystems: Vec<Subsystem>,
    mine: Vec<Subsystem>,
    services: Vec<Service>,
    grants: Vec<GrantRow>,
    keys: Vec<KeyRow>,
    members: Vec<(String, String)>,
    issued_key: String,
}

fn state_label(s: &str) -> &'static str {
    match s {
        "pending" => "Chờ phê duyệt",
        "approved" => "Đã cấp quyền",
        "rejected" => "Bị từ chối",
        "revoked" => "Đã thu hồi",
        _ => "Không rõ",
    }
}

#[derive(Debug, Deserialize, Default)]
pub struct Notice {
    pub da: Option<String>,
}

async fn registry_view(ex: &Exchange, chrome: Chrome, who: &Principal, notice: String, issued_key: String) -> Result<Html<String>, PageError> {
    let err = |e: Error| PageError(e, Box::new(chrome.clone()));
    let subsystems = ex.subsystems().await.map_err(err)?;
    let services = ex.services().await.map_err(err)?;
    let by_id: HashMap<uuid::Uuid, &Subsystem> = subsystems.iter().map(|s| (s.id, s)).collect();
    let svc_by_id: HashMap<uuid::Uuid, &Service> = services.iter().map(|s| (s.id, s)).collect();
    let mine: Vec<Subsystem> = subsystems.iter().filter(|s| may_manage(who, &s.member_code)).cloned().collect();
    let mut grants = Vec::new();
    for g in ex.grants_for(who).await.map_err(err)? {
        let service = svc_by_id.get(&g.service_id);
        let can_decide = service.and_then(|s| by_id.get(&s.subsystem_id)).is_some_and(|p| may_manage(who, &p.member_code));
        let scope = format!("{} {}", g.method.clone().unwrap_or_else(|| "mọi phương thức".into()), if g.path_prefix.is_empty() { "toàn bộ dịch vụ".into() } else { g.path_prefix.clone() });
        grants.push(GrantRow {
            id: g.id.to_string(),
            consumer: by_id.get(&g.consumer_id).map(|s| s.ident.clone()).unwrap_or_default(),
            service: service.map(|s| s.ident.clone()).unwrap_or_default(),
            scope,
            purpose: g.purpose,
            state: state_label(&g.state),
            expires: g.expires_at.map(time).unwrap_or_else(|| "Không thời hạn".into()),
            can_decide,
            pending: g.state == "pending",
            approved: g.state == "approved",
        });
    }
    let mut keys = Vec::new();
    for s in &mine {
        for k in ex.credentials(who, s.id).await.map_err(err)? {
            keys.push(KeyRow { id: k.id.to_string(), subsystem: s.ident.clone(), certificate: k.kind == crate::registry::CERTIFICATE, prefix: k.prefix, created: time(k.created_at), revoked: k.revoked_at.is_some() });
        }
    }
    let units = tinhso_identity::org_units::list(&ex.db).await.map_err(err)?;
    let members = units.into_iter().filter(|u| may_manage(who, &u.code)).map(|u| (u.code, u.name)).collect();
    render(&RegistryPage { chrome, notice, subsystems, mine, services, grants, keys, members, issued_key })
}

async fn registry_page(chrome: Chrome, SignedIn(who): SignedIn, State(ex): State<Arc<Exchange>>, Query(n): Query<Notice>) -> Result<Html<String>, PageError> {
    staff_only(&chrome, &who)?;
    let notice = match n.da.as_deref() {
        Some("he-thong") => "Đã đăng ký hệ thống thông tin.",
        Some("dich-vu") => "Đã đăng ký dịch vụ.",
        Some("thu-hoi") => "Đã thu hồi khóa truy cập.",
        Some("chung-thu") => "Đã đăng ký chứng thư số; hệ thống gọi dịch vụ qua cổng TLS hai chiều bằng chứng thư này.",
        Some("yeu-cau") => "Đã gửi yêu cầu cấp quyền; cán bộ quản lý dữ liệu của cơ quan cung cấp sẽ phê duyệt.",
        Some("quyen") => "Đã cập nhật quyền truy cập.",
        _ => "",
    };
    registry_view(&ex, chrome, &who, notice.into(), String::new()).await
}

/// After a form: back to the page with a notice, or the page with the error on it.
async fn after(ex: &Exchange, chrome: Chrome, who: &Principal, r: tinhso_core::Result<()>, done: &str) -> Result<Response, PageError> {
    match r {
        Ok(()) => Ok(Redirect::to(&format!("/trao-doi-du-lieu?da={done}")).into_response()),
        Err(e @ (Error::Invalid { .. } | Error::Conflict { .. } | Error::NotFound { .. })) => {
            let status = tinhso_web::error::status_of(&e);
            Ok((status, registry_view(ex, chrome, who, format!("Chưa thực hiện được: {}", e.public_message()), String::new()).await?).into_response())
        }
        Err(e) => Err(PageError(e, Box::new(chrome))),
    }
}

#[derive(Debug, Deserialize)]
struct SubsystemForm {
    member_code: String,
    code: String,
    name: String,
}

async fn new_subsystem(chrome: Chrome, SignedIn(who): SignedIn, State(ex): State<Arc<Exchange>>, CsrfForm(f): CsrfForm<SubsystemForm>) -> Result<Response, PageError> {
    let r = ex.register_subsystem(&who, NewSubsystem { member_code: f.member_code, code: f.code.trim().to_owned(), name: f.name, rate_per_sec: None }).await.map(|_| ());
    after(&ex, chrome, &who, r, "he-thong").await
}

#[derive(Debug, Deserialize)]
struct ServiceForm {
    subsystem_id: uuid::Uuid,
    code: String,
    description: String,
    #[serde(default)]
    schema: String,
    upstream_url: String,
    timeout_ms: Option<i32>,
    #[serde(default)]
    personal_data: Option<String>,
    #[serde(default)]
    log_bodies: Option<String>,
}

async fn new_service(chrome: Chrome, SignedIn(who): SignedIn, State(ex): State<Arc<Exchange>>, CsrfForm(f): CsrfForm<ServiceForm>) -> Result<Response, PageError> {
    let req = NewService { code: f.code.trim().to_owned(), description: f.description, schema: f.schema, upstream_url: f.upstream_url.trim().to_owned(), timeout_ms: f.timeout_ms, personal_data: f.personal_data.is_some(), log_bodies: f.log_bodies.is_some() };
    let r = ex.register_service(&who, f.subsystem_id, req).await.map(|_| ());
    after(&ex, chrome, &who, r, "dich-vu").await
}

#[derive(Debug, Deserialize)]
struct KeyForm {
    subsystem_id: uuid::Uuid,
}

/// The new key is shown on this page once; it is kept only as its hash.
async fn new_key(chrome: Chrome, SignedIn(who): SignedIn, State(ex): State<Arc<Exchange>>, CsrfForm(f): CsrfForm<KeyForm>) -> Result<Response, PageError> {
    match ex.issue_key(&who, f.subsystem_id).await {
        Ok(k) => Ok(registry_view(&ex, chrome, &who, "Đã cấp khóa truy cập mới. Hãy sao chép ngay: khóa chỉ hiện một lần.".into(), k.key).await?.into_response()),
        Err(e) => after(&ex, chrome, &who, Err(e), "").await,
    }
}

#[derive(Debug, Deserialize)]
struct CertificateForm {
    subsystem_id: uuid::Uuid,
    certificate_pem: String,
}

async fn new_certificate(chrome: Chrome, SignedIn(who): SignedIn, State(ex): State<Arc<Exchange>>, CsrfForm(f): CsrfForm<CertificateForm>) -> Result<Response, PageError> {
    let r = ex.register_certificate(&who, f.subsystem_id, &f.certificate_pem).await.map(|_| ());
    after(&ex, chrome, &who, r, "chung-thu").await
}

async fn revoke_key(chrome: Chrome, SignedIn(who): SignedIn, State(ex): State<Arc<Exchange>>, Path(id): Path<uuid::Uuid>, CsrfForm(_): CsrfForm<HashMap<String, String>>) -> Result<Response, PageError> {
    let r = ex.revoke_key(&who, id).await.map(|_| ());
    after(&ex, chrome, &who, r, "thu-hoi").await
}

#[derive(Debug, Deserialize)]
struct RequestForm {
    consumer: String,
    service_id: uuid::Uuid,
    #[serde(default)]
    method: String,
    #[serde(default)]
    path_prefix: String,
    purpose: String,
    #[serde(default)]
    expires_on: String,
}

async fn new_request(chrome: Chrome, SignedIn(who): SignedIn, State(ex): State<Arc<Exchange>>, CsrfForm(f): CsrfForm<RequestForm>) -> Result<Response, PageError> {
    let expires_at = chrono::NaiveDate::parse_from_str(f.expires_on.trim(), "%Y-%m-%d").ok().and_then(|d| d.and_hms_opt(23, 59, 59)).map(|t| t.and_utc());
    let req = AccessRequest { consumer: f.consumer, service_id: f.service_id, method: Some(f.method), path_prefix: Some(f.path_prefix), purpose: f.purpose, expires_at };
    let r = ex.request_access(&who, req).await.map(|_| ());
    after(&ex, chrome, &who, r, "yeu-cau").await
}

async fn decide(chrome: Chrome, SignedIn(who): SignedIn, State(ex): State<Arc<Exchange>>, Path((id, decision)): Path<(uuid::Uuid, String)>, CsrfForm(_): CsrfForm<HashMap<String, String>>) -> Result<Response, PageError> {
    let d = Decision::parse(&decision).ok_or_else(|| PageError(Error::not_found("thao tác"), Box::new(chrome.clone())))?;
    let r = ex.decide(&who, id, d).await.map(|_| ());
    after(&ex, chrome, &who, r, "quyen").await
}

pub struct TrafficRow {
    pub service: String,
    pub consumer: String,
    pub calls: u64,
    pub error_rate: String,
    pub p50: String,
    pub p95: String,
    pub p99: String,
}

#[derive(Template)]
#[template(path = "traffic.html")]
struct TrafficPage {
    chrome: Chrome,
    rows: Vec<TrafficRow>,
    give_once: crate::stats::GiveOnce,
    digests: Vec<crate::digest::DayDigest>,
}

fn ms(v: f64) -> String {
    format!("{v:.1}").replace('.', ",")
}

async fn traffic_page(chrome: Chrome, SignedIn(who): SignedIn, State(ex): State<Arc<Exchange>>, State(catalog): State<Arc<tinhso_catalog::Catalog>>) -> Result<Html<String>, PageError> {
    staff_only(&chrome, &who)?;
    let err = |e: Error| PageError(e, Box::new(chrome.clone()));
    let rows = ex
        .traffic(24)
        .await
        .map_err(err)?
        .into_iter()
        .map(|t| TrafficRow { service: t.service, consumer: t.consumer, calls: t.calls, error_rate: format!("{:.1} %", t.error_rate * 100.0).replace('.', ","), p50: ms(t.p50_ms), p95: ms(t.p95_ms), p99: ms(t.p99_ms) })
        .collect();
    let give_once = ex.give_once(&catalog).await.map_err(err)?;
    let digests = ex.digests().await.map_err(err)?;
    render(&TrafficPage { chrome, rows, give_once, digests })
}

pub struct AccessRow {
    pub at: String,
    pub channel: &'static str,
    pub agency: String,
    pub system: String,
    pub service: String,
    pub purpose: String,
    pub refused: bool,
}

#[derive(Template)]
#[template(path = "access.html")]
struct AccessPage {
    chrome: Chrome,
    rows: Vec<AccessRow>,
}

async fn access_page(chrome: Chrome, SignedIn(who): SignedIn, State(ex): State<Arc<Exchange>>, State(dossiers): State<Arc<tinhso_dossier::Dossiers>>) -> Result<Html<String>, PageError> {
    let entries = ex.access_log(&who, &dossiers).await.map_err(|e| PageError(e, Box::new(chrome.clone())))?;
    let rows = entries
        .into_iter()
        .map(|e| AccessRow {
            at: time(e.at),
            channel: if e.channel == "exchange" { "Trao đổi dữ liệu (LGSP)" } else { "Trong Cổng dịch vụ công" },
            agency: e.agency,
            system: e.system,
            service: e.service,
            purpose: e.purpose,
            refused: e.outcome == "refused",
        })
        .collect();
    render(&AccessPage { chrome, rows })
}
