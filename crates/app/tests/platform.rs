//! The platform's plumbing seen from outside: health, metrics, OpenAPI, request ids, errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;
use common::spawn_app;

#[tokio::test]
async fn health_metrics_openapi_and_request_ids() {
    let app = spawn_app().await;
    let (status, body) = app.get_json("/healthz").await;
    assert_eq!((status, body["status"].as_str()), (200, Some("ok")));

    let r = app.get("/api/v1/procedures?q=khai+sinh").await;
    assert!(r.headers().get("x-request-id").is_some(), "every answer carries a request id");

    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(metrics.contains("http_requests_total"), "{metrics}");

    let (status, doc) = app.get_json("/api/openapi.json").await;
    assert_eq!(status, 200);
    for path in ["/api/v1/procedures", "/api/v1/procedures/{code}", "/api/v1/session", "/api/v1/admin/staff"] {
        assert!(doc["paths"].get(path).is_some(), "OpenAPI lacks {path}");
    }
}

#[tokio::test]
async fn unknown_addresses_answer_in_the_callers_language() {
    let app = spawn_app().await;
    let (status, body) = app.get_json("/api/v1/khong-co").await;
    assert_eq!(status, 404);
    assert_eq!(body["error"]["code"], "not_found");
    let page = app.get("/khong-co").await;
    assert_eq!(page.status(), 404);
    assert!(page.text().await.unwrap().contains("Không tìm thấy"));
    let (status, body) = app.get_json("/api/v1/procedures/9.999999").await;
    assert_eq!((status, body["error"]["code"].as_str()), (404, Some("not_found")));
}

#[tokio::test]
async fn the_demo_accounts_sign_in_and_see_their_roles() {
    let app = spawn_app().await;
    for (login, _, role, _) in tinhso_app::seed::DEMO_ACCOUNTS {
        let (client, _) = app.api_login(login).await;
        let me: serde_json::Value = client.get(app.url("/api/v1/session")).send().await.unwrap().json().await.unwrap();
        assert_eq!(me["roles"][0]["role"], role.as_str(), "{login}");
    }
}

#[tokio::test]
async fn org_units_are_published_with_their_hierarchy() {
    let app = spawn_app().await;
    let (status, units) = app.get_json("/api/v1/org-units").await;
    assert_eq!(status, 200);
    assert_eq!(units.as_array().unwrap().len(), 117);
    let (_, wards) = app.get_json("/api/v1/org-units?kind=ward").await;
    let wards = wards.as_array().unwrap();
    assert_eq!(wards.len(), 9);
    assert!(wards.iter().all(|w| w["parent_code"] == "000.00.00.H55"));
}
