//! Sandbox national registries (population, civil status, business registration, land), with
//! synthetic data for the demo citizens. The platform reaches them only through the exchange
//! gateway, as it would reach the real ones: each answers for the person named in the
//! `X-Tinhso-Subject` header the gateway passes on (so no personal id travels in a URL), and
//! refuses a call that does not come with the gateway's purpose header.
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::sync::Arc;

/// The synthetic people, keyed by personal id number.
pub struct Data {
    people: Vec<Value>,
    enterprises: Vec<Value>,
}

// One row of the synthetic population, as a table would have it.
#[allow(clippy::too_many_arguments)]
fn person(id: &str, name: &str, birth: &str, sex: &str, permanent: &str, current: &str, phone: &str, spouse: Option<(&str, &str)>, parcels: Value) -> Value {
    json!({
        "personal_id": id, "full_name": name, "birth_date": birth, "sex": sex,
        "birth_place": "Quảng Ngãi", "nationality": "Việt Nam", "ethnicity": "Kinh",
        "permanent_address": permanent, "current_address": current, "phone": phone, "email": "",
        "spouse": spouse.map(|(n, i)| json!({"full_name": n, "personal_id": i})),
        "parcels": parcels,
    })
}

impl Default for Data {
    fn default() -> Self {
        let an_parcels = json!([{ "parcel": "Thửa số 125, tờ bản đồ số 12", "address": "Tổ 5, phường Cẩm Thành, tỉnh Quảng Ngãi", "area_m2": 120.5, "land_use": "Đất ở tại đô thị (ODT)", "certificate_no": "DĐ 123456" }]);
        Data {
            people: vec![
                person("051095000123", "Nguyễn Văn An", "1995-04-12", "Nam", "Số 12 Hùng Vương, phường Cẩm Thành, tỉnh Quảng Ngãi", "Số 12 Hùng Vương, phường Cẩm Thành, tỉnh Quảng Ngãi", "0905123456", Some(("Trần Thị Bình", "051197000456")), an_parcels),
                person("051197000456", "Trần Thị Bình", "1997-09-03", "Nữ", "Số 12 Hùng Vương, phường Cẩm Thành, tỉnh Quảng Ngãi", "Số 12 Hùng Vương, phường Cẩm Thành, tỉnh Quảng Ngãi", "0905654321", Some(("Nguyễn Văn An", "051095000123")), json!([])),
                person("051088000789", "Lê Văn Cường", "1988-01-20", "Nam", "Thôn An Phú, xã Tịnh Khê, tỉnh Quảng Ngãi", "Số 45 Quang Trung, phường Nghĩa Lộ, tỉnh Quảng Ngãi", "0912345678", None, json!([])),
                person("051301000234", "Phạm Thị Dung", "2001-11-30", "Nữ", "Thôn 3, xã Bình Sơn, tỉnh Quảng Ngãi", "Thôn 3, xã Bình Sơn, tỉnh Quảng Ngãi", "0987654321", None, json!([])),
            ],
            enterprises: vec![
                json!({"tax_code": "4300123456", "name": "Công ty TNHH Thương mại An Phú Quảng Ngãi", "legal_form": "Công ty trách nhiệm hữu hạn hai thành viên trở lên", "address": "Số 8 Lê Lợi, phường Cẩm Thành, tỉnh Quảng Ngãi", "registered_on": "2018-06-15", "representative": "Nguyễn Văn An", "status": "Đang hoạt động", "charter_capital_vnd": 5000000000i64}),
                json!({"tax_code": "4300654321", "name": "Hợp tác xã Nông nghiệp Tịnh Khê", "legal_form": "Hợp tác xã", "address": "Xã Tịnh Khê, tỉnh Quảng Ngãi", "registered_on": "2015-03-02", "representative": "Lê Văn Cường", "status": "Đang hoạt động", "charter_capital_vnd": 800000000i64}),
            ],
        }
    }
}

/// A refusal in the platform's error shape.
struct Refusal(StatusCode, &'static str, &'static str);

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        (self.0, Json(json!({"error": {"code": self.1, "message": self.2}}))).into_response()
    }
}

fn refuse(status: StatusCode, code: &'static str, message: &'static str) -> Refusal {
    Refusal(status, code, message)
}

/// The subject the gateway passed on, when the call came with a purpose.
fn subject<'a>(data: &'a Data, h: &HeaderMap) -> Result<&'a Value, Refusal> {
    if h.get("x-tinhso-purpose").is_none_or(|v| v.is_empty()) {
        return Err(refuse(StatusCode::BAD_REQUEST, "missing_purpose", "Thiếu mục đích tra cứu."));
    }
    let id = h.get("x-tinhso-subject").and_then(|v| v.to_str().ok()).unwrap_or_default();
    if id.is_empty() {
        return Err(refuse(StatusCode::BAD_REQUEST, "missing_subject", "Thiếu số định danh cá nhân của người được tra cứu."));
    }
    data.people.iter().find(|p| p["personal_id"] == id).ok_or_else(|| refuse(StatusCode::NOT_FOUND, "not_found", "Không có công dân mang số định danh này trong cơ sở dữ liệu thử nghiệm."))
}

async fn citizen(State(d): State<Arc<Data>>, h: HeaderMap) -> Response {
    match subject(&d, &h) {
        Ok(p) => {
            let mut out = p.clone();
            if let Some(o) = out.as_object_mut() {
                o.remove("parcels");
                o.remove("spouse");
                o.insert("household".into(), json!({"head": p["full_name"], "relation_to_head": "Chủ hộ", "address": p["permanent_address"]}));
                o.insert("sandbox".into(), json!(true));
            }
            Json(out).into_response()
        }
        Err(r) => r.into_response(),
    }
}

async fn birth(State(d): State<Arc<Data>>, h: HeaderMap) -> Response {
    match subject(&d, &h) {
        Ok(p) => Json(json!({"personal_id": p["personal_id"], "full_name": p["full_name"], "birth_date": p["birth_date"], "birth_place": p["birth_place"], "registry_office": "UBND phường Cẩm Thành", "sandbox": true})).into_response(),
        Err(r) => r.into_response(),
    }
}

async fn marriage(State(d): State<Arc<Data>>, h: HeaderMap) -> Response {
    match subject(&d, &h) {
        Ok(p) => {
            let spouse = &p["spouse"];
            let status = if spouse.is_null() { "single" } else { "married" };
            Json(json!({"personal_id": p["personal_id"], "full_name": p["full_name"], "status": status, "spouse_name": spouse["full_name"], "spouse_personal_id": spouse["personal_id"], "sandbox": true})).into_response()
        }
        Err(r) => r.into_response(),
    }
}

async fn parcels(State(d): State<Arc<Data>>, h: HeaderMap) -> Response {
    match subject(&d, &h) {
        Ok(p) => Json(json!({"owner": p["personal_id"], "parcels": p["parcels"], "sandbox": true})).into_response(),
        Err(r) => r.into_response(),
    }
}

async fn enterprise(State(d): State<Arc<Data>>, Path(tax_code): Path<String>) -> Response {
    match d.enterprises.iter().find(|e| e["tax_code"] == tax_code.as_str()) {
        Some(e) => Json(e.clone()).into_response(),
        None => refuse(StatusCode::NOT_FOUND, "not_found", "Không có doanh nghiệp mang mã số thuế này trong cơ sở dữ liệu thử nghiệm.").into_response(),
    }
}

pub fn router() -> Router {
    Router::new()
        .route("/", get(|| async { "Cơ sở dữ liệu quốc gia THỬ NGHIỆM (sandbox) – dữ liệu tổng hợp, không phải dữ liệu thật." }))
        .route("/population/citizen", get(citizen))
        .route("/civil-status/birth", get(birth))
        .route("/civil-status/marriage", get(marriage))
        .route("/land/parcels", get(parcels))
        .route("/business/enterprises/{tax_code}", get(enterprise))
        .with_state(Arc::new(Data::default()))
}

/// Starts the sandbox on `listen` in the background; returns its address.
pub async fn spawn(listen: &str) -> anyhow::Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind(listen).await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, router()).await {
            tracing::error!(error = %e, "registry sandbox stopped");
        }
    });
    Ok(addr)
}

/// `tinhso sandbox registry`: serves until interrupted.
pub async fn serve(listen: &str) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(listen).await?;
    axum::serve(listener, router()).with_graceful_shutdown(async { let _ = tokio::signal::ctrl_c().await; }).await?;
    Ok(())
}
