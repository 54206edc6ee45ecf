//! The catalogue API: search for everyone; changes for data stewards only, validated at the
//! edge with stable error codes, versioned and audited.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;
use common::{sample_procedure, spawn_app};

#[tokio::test]
async fn search_ranks_filters_and_counts() {
    let app = spawn_app().await;
    let (status, body) = app.get_json("/api/v1/procedures?q=dang%20ky%20khai%20sinh").await;
    assert_eq!(status, 200);
    assert_eq!(body["items"][0]["code"], "1.001193");
    let (_, body) = app.get_json("/api/v1/procedures?level=commune&per_page=100").await;
    let items = body["items"].as_array().unwrap();
    assert!(!items.is_empty() && items.iter().all(|p| p["level"] == "commune"));
    assert_eq!(body["facets"]["level"]["commune"], body["total"]);
    let (_, page2) = app.get_json("/api/v1/procedures?per_page=10&page=2").await;
    assert_eq!(page2["items"].as_array().unwrap().len(), 10);
    assert_ne!(page2["items"][0]["code"], app.get_json("/api/v1/procedures?per_page=10").await.1["items"][0]["code"]);
}

#[tokio::test]
async fn a_data_steward_creates_updates_and_retires() {
    let app = spawn_app().await;
    let (steward, csrf) = app.api_login("dulieu.khcn").await;
    let post = |body: serde_json::Value| steward.post(app.url("/api/v1/procedures")).header("x-csrf-token", &csrf).json(&body).send();

    let r = post(sample_procedure("2.999001")).await.unwrap();
    assert_eq!(r.status(), 201);
    let created: serde_json::Value = r.json().await.unwrap();
    assert_eq!(created["agencies"][0], "000.00.08.H55", "agency names resolve to org-unit codes");
    assert_eq!(created["version"], 1);
    let (_, found) = app.get_json("/api/v1/procedures?q=le%20hoi%20thu%20nghiem").await;
    assert_eq!(found["items"][0]["code"], "2.999001", "a new procedure is searchable at once");

    let r = post(sample_procedure("2.999001")).await.unwrap();
    assert_eq!(r.status(), 409);
    assert_eq!(r.json::<serde_json::Value>().await.unwrap()["error"]["code"], "duplicate_code");

    let mut changed = created.clone();
    changed["processing_days"] = serde_json::json!(7);
    let put = |body: serde_json::Value| steward.put(app.url("/api/v1/procedures/2.999001")).header("x-csrf-token", &csrf).json(&body).send();
    let r = put(changed.clone()).await.unwrap();
    assert_eq!(r.status(), 200);
    // A second editor who read version 1 is refused rather than overwriting.
    let r = put(changed).await.unwrap();
    assert_eq!(r.status(), 409);
    assert_eq!(r.json::<serde_json::Value>().await.unwrap()["error"]["code"], "version_conflict");

    let r = steward.delete(app.url("/api/v1/procedures/2.999001")).header("x-csrf-token", &csrf).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let (_, found) = app.get_json("/api/v1/procedures?q=le%20hoi%20thu%20nghiem").await;
    assert_ne!(found["items"][0]["code"], "2.999001", "a retired procedure leaves search");
    let (status, body) = app.get_json("/api/v1/procedures/2.999001").await;
    assert_eq!((status, body["retired"].as_bool()), (200, Some(true)));

    let actions: Vec<String> = tinhso_audit::recent(&app.db, 1000).await.unwrap().into_iter().filter(|e| e.subject == "procedure:2.999001").map(|e| e.action).collect();
    assert_eq!(actions, ["procedure.retire", "procedure.update", "procedure.create"]);
}

#[tokio::test]
async fn bad_input_gets_a_stable_code_and_changes_nothing() {
    let app = spawn_app().await;
    let (steward, csrf) = app.api_login("dulieu.khcn").await;
    let send = |body: reqwest::Body, ctype: &'static str| {
        steward.post(app.url("/api/v1/procedures")).header("x-csrf-token", &csrf).header("content-type", ctype).body(body).send()
    };
    let code = |r: reqwest::Response| async move { (r.status().as_u16(), r.json::<serde_json::Value>().await.unwrap()["error"]["code"].as_str().unwrap().to_owned()) };

    assert_eq!(code(send("{\"code\": ".into(), "application/json").await.unwrap()).await, (400, "malformed_json".into()));
    let mut unknown = sample_procedure("2.999002");
    unknown["colour"] = serde_json::json!("red");
    assert_eq!(code(send(unknown.to_string().into(), "application/json").await.unwrap()).await, (422, "invalid_body".into()));
    let mut bad_agency = sample_procedure("2.999003");
    bad_agency["agencies"] = serde_json::json!(["Sở Không Tồn Tại"]);
    assert_eq!(code(send(bad_agency.to_string().into(), "application/json").await.unwrap()).await, (422, "unknown_agency".into()));
    let mut bad_code = sample_procedure("abc");
    bad_code["code"] = serde_json::json!("abc");
    assert_eq!(code(send(bad_code.to_string().into(), "application/json").await.unwrap()).await, (422, "invalid_procedure_code".into()));
    let huge = format!("{{\"name\": \"{}\"}}", "x".repeat(2 * 1024 * 1024));
    assert_eq!(code(send(huge.into(), "application/json").await.unwrap()).await, (413, "payload_too_large".into()));
    assert_eq!(code(send("code=1".into(), "application/x-www-form-urlencoded").await.unwrap()).await, (415, "unsupported_media_type".into()));

    for c in ["2.999002", "2.999003"] {
        assert_eq!(app.get_json(&format!("/api/v1/procedures/{c}")).await.0, 404, "{c} must not exist");
    }
}

#[tokio::test]
async fn only_data_stewards_change_the_catalogue() {
    let app = spawn_app().await;
    let body = sample_procedure("2.999004");
    let anonymous = common::client().post(app.url("/api/v1/procedures")).json(&body).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    let (citizen, csrf) = app.api_login("051095000123").await;
    let r = citizen.post(app.url("/api/v1/procedures")).header("x-csrf-token", &csrf).json(&body).send().await.unwrap();
    assert_eq!(r.status(), 403);
    let (steward, _) = app.api_login("dulieu.khcn").await;
    let r = steward.post(app.url("/api/v1/procedures")).json(&body).send().await.unwrap();
    assert_eq!(r.status(), 403, "a change without the CSRF token is refused");
    assert_eq!(r.json::<serde_json::Value>().await.unwrap()["error"]["code"], "csrf_failed");
}
