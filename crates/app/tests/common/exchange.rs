//! The data exchange's test helpers: an echo upstream, a registered provider and consumer,
//! an approved grant, a gateway call.
use super::{Person, TestApp};
use axum::extract::{Request, State};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// An upstream that tells what reached it, and counts the calls.
pub async fn echo_upstream() -> (String, Arc<AtomicU64>) {
    let hits = Arc::new(AtomicU64::new(0));
    async fn echo(State(hits): State<Arc<AtomicU64>>, req: Request) -> axum::Json<Value> {
        hits.fetch_add(1, Ordering::SeqCst);
        let (parts, body) = req.into_parts();
        if parts.uri.path().ends_with("/slow") {
            tokio::time::sleep(std::time::Duration::from_secs(3)).await;
        }
        // A body cut off by the gateway arrives incomplete: the upstream sees an aborted request.
        let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap_or_default();
        let h = |n: &str| parts.headers.get(n).map(|v| v.to_str().unwrap_or("?").to_owned());
        axum::Json(json!({
            "path": parts.uri.path(), "query": parts.uri.query(), "method": parts.method.as_str(),
            "subject": h("x-tinhso-subject"), "purpose": h("x-tinhso-purpose"), "client": h("x-tinhso-client"),
            "authorization": h("authorization"), "key": h("x-tinhso-key"), "cookie": h("cookie"), "evil": h("x-evil"),
            "body_len": bytes.len(),
        }))
    }
    let router = axum::Router::new().fallback(echo).with_state(hits.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    (format!("http://{addr}"), hits)
}

pub struct Setup {
    pub service_id: String,
    pub consumer_id: String,
    pub key: String,
}

/// Admin registers a provider service at `upstream` and a consumer with a key.
pub async fn register(app: &TestApp, admin: &Person, upstream: &str, code: &str, personal: bool, timeout_ms: i64) -> Setup {
    let provider = admin.post_ok(app, "/api/v1/exchange/subsystems", json!({"member_code": "000.00.05.H55", "code": format!("nguon-{code}"), "name": "Hệ thống nguồn thử nghiệm"})).await;
    let service = admin
        .post_ok(app, &format!("/api/v1/exchange/subsystems/{}/services", provider["id"].as_str().unwrap()), json!({"code": code, "description": "Dịch vụ thử nghiệm", "upstream_url": upstream, "timeout_ms": timeout_ms, "personal_data": personal}))
        .await;
    assert_eq!(service["ident"], format!("000.00.05.H55/nguon-{code}/{code}"));
    let consumer = admin.post_ok(app, "/api/v1/exchange/subsystems", json!({"member_code": "000.00.04.H55", "code": format!("dung-{code}"), "name": "Hệ thống dùng thử nghiệm"})).await;
    let key = admin.post_ok(app, &format!("/api/v1/exchange/subsystems/{}/keys", consumer["id"].as_str().unwrap()), json!({})).await;
    Setup { service_id: service["id"].as_str().unwrap().into(), consumer_id: consumer["id"].as_str().unwrap().into(), key: key["key"].as_str().unwrap().into() }
}

pub async fn grant(app: &TestApp, admin: &Person, s: &Setup, code: &str) -> String {
    let g = admin.post_ok(app, "/api/v1/exchange/grants", json!({"consumer": format!("000.00.04.H55/dung-{code}"), "service_id": s.service_id, "purpose": "Kiểm thử theo Nghị định 47/2020/NĐ-CP"})).await;
    assert_eq!(g["state"], "pending");
    let id = g["id"].as_str().unwrap().to_owned();
    let approved = admin.post_ok(app, &format!("/api/v1/exchange/grants/{id}/approve"), json!({})).await;
    assert_eq!(approved["state"], "approved");
    id
}

pub fn call(app: &TestApp, path: &str, client: &str, key: Option<&str>) -> reqwest::RequestBuilder {
    let mut r = reqwest::Client::new().get(app.url(path)).header("x-tinhso-client", client).header("x-tinhso-purpose", "Gi%E1%BA%A3i%20quy%E1%BA%BFt%20h%E1%BB%93%20s%C6%A1");
    if let Some(k) = key {
        r = r.header("authorization", format!("Bearer {k}"));
    }
    r
}

pub async fn code_of(r: reqwest::Response) -> (u16, String) {
    let status = r.status().as_u16();
    let body: Value = r.json().await.unwrap_or(Value::Null);
    (status, body["error"]["code"].as_str().unwrap_or_default().to_owned())
}

