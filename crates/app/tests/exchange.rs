//! The data exchange end to end: register a provider and a consumer, request and approve
//! access, call through the gateway, revoke, failing upstreams, bad input, the exchange log
//! and its digest, the citizen's access log and give-once prefill from the sandbox registries.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;
use common::exchange::{call, code_of, echo_upstream, grant, register};
use common::{Person, TestApp, person, spawn_app};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::sync::atomic::Ordering;

async fn log_rows(app: &TestApp) -> u64 {
    use sea_orm::{EntityTrait, PaginatorTrait};
    tinhso_exchange::entity::log::Entity::find().count(&app.db).await.unwrap()
}

#[tokio::test]
async fn register_request_approve_call_and_revoke() {
    let app = spawn_app().await;
    let (upstream, hits) = echo_upstream().await;
    let admin = person(&app, "quantri").await;
    let s = register(&app, &admin, &upstream, "echo", true, 2000).await;
    let client = "000.00.04.H55/dung-echo";
    let svc = "/x/000.00.05.H55/nguon-echo/echo/ho-so/1?x=1";
    let before = log_rows(&app).await;

    // No grant yet: refused, nothing forwarded.
    let r = call(&app, svc, client, Some(&s.key)).header("x-tinhso-subject", "051095000123").send().await.unwrap();
    assert_eq!(code_of(r).await, (403, "no_grant".into()));
    assert_eq!(hits.load(Ordering::SeqCst), 0);

    // A steward of another agency may not approve access to this provider's service.
    let g = admin.post_ok(&app, "/api/v1/exchange/grants", json!({"consumer": client, "service_id": s.service_id, "method": "GET", "path_prefix": "/ho-so", "purpose": "Kiểm thử theo Nghị định 47/2020/NĐ-CP"})).await;
    let steward = person(&app, "dulieu.khcn").await;
    let (status, _) = steward.post(&app, &format!("/api/v1/exchange/grants/{}/approve", g["id"].as_str().unwrap()), json!({})).await;
    assert_eq!(status, 403);
    admin.post_ok(&app, &format!("/api/v1/exchange/grants/{}/approve", g["id"].as_str().unwrap()), json!({})).await;

    // Granted: forwarded with purpose and subject, never the credential or cookies.
    let body_sent = "";
    let r = call(&app, svc, client, Some(&s.key)).header("x-tinhso-subject", "051095000123").header("cookie", "tinhso_session=abc").header("x-evil", "1").send().await.unwrap();
    assert_eq!(r.status(), 200);
    let h = r.headers().clone();
    assert!(h.get("x-request-id").is_some());
    assert_eq!(h["x-tinhso-request-hash"].to_str().unwrap(), hex::encode(Sha256::digest(body_sent.as_bytes())));
    let bytes = r.bytes().await.unwrap();
    assert_eq!(h["x-tinhso-response-hash"].to_str().unwrap(), hex::encode(Sha256::digest(&bytes)));
    let seen: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(seen["path"], "/ho-so/1");
    assert_eq!(seen["query"], "x=1");
    assert_eq!(seen["subject"], "051095000123");
    assert_eq!(seen["client"], client);
    assert!(seen["purpose"].as_str().unwrap().contains("%"), "purpose travels percent-encoded: {seen}");
    for header in ["authorization", "key", "cookie", "evil"] {
        assert!(seen[header].is_null(), "{header} must not reach the upstream: {seen}");
    }
    // X-Tinhso-Key works as well as a bearer token.
    let r = call(&app, svc, client, None).header("x-tinhso-key", &s.key).header("x-tinhso-subject", "051095000123").send().await.unwrap();
    assert_eq!(r.status(), 200);

    // The grant's scope: another path prefix or method is refused.
    let r = call(&app, "/x/000.00.05.H55/nguon-echo/echo/khac", client, Some(&s.key)).header("x-tinhso-subject", "051095000123").send().await.unwrap();
    assert_eq!(code_of(r).await, (403, "no_grant".into()));
    let r = reqwest::Client::new().post(app.url(svc)).header("x-tinhso-client", client).header("x-tinhso-purpose", "kiem thu").header("x-tinhso-key", &s.key).header("x-tinhso-subject", "051095000123").body("{}").send().await.unwrap();
    assert_eq!(code_of(r).await, (403, "no_grant".into()));

    // The consumer's catalogue lists the service.
    let allowed: Value = reqwest::Client::new().get(app.url("/x/allowed")).header("x-tinhso-client", client).header("x-tinhso-key", &s.key).send().await.unwrap().json().await.unwrap();
    assert_eq!(allowed[0]["service"], "000.00.05.H55/nguon-echo/echo");
    assert_eq!(allowed[0]["path_prefix"], "/ho-so");

    // Revoked: 403 again.
    admin.post_ok(&app, &format!("/api/v1/exchange/grants/{}/revoke", g["id"].as_str().unwrap()), json!({})).await;
    let r = call(&app, svc, client, Some(&s.key)).header("x-tinhso-subject", "051095000123").send().await.unwrap();
    assert_eq!(code_of(r).await, (403, "no_grant".into()));
    assert_eq!(hits.load(Ordering::SeqCst), 2, "only the two granted calls reached the upstream");

    // Rotating the key: the old one stops working at once.
    let keys: Value = admin.get(&app, &format!("/api/v1/exchange/subsystems/{}/keys", s.consumer_id)).await.1;
    let fresh = admin.post_ok(&app, &format!("/api/v1/exchange/keys/{}/rotate", keys[0]["id"].as_str().unwrap()), json!({})).await;
    let r = call(&app, svc, client, Some(&s.key)).send().await.unwrap();
    assert_eq!(code_of(r).await, (401, "invalid_credential".into()));
    grant(&app, &admin, &s, "echo").await;
    let r = call(&app, svc, client, Some(fresh["key"].as_str().unwrap())).header("x-tinhso-subject", "051095000123").send().await.unwrap();
    assert_eq!(r.status(), 200);

    // Every call is in the log, the chain holds, and a signed digest covers it.
    assert_eq!(log_rows(&app).await - before, 8);
    let v = tinhso_exchange::log::verify(&app.db).await.unwrap();
    assert_eq!(v.first_break, None);
    let today = chrono::Utc::now().with_timezone(&chrono::FixedOffset::east_opt(7 * 3600).unwrap()).format("%Y-%m-%d").to_string();
    let signed = admin.post_ok(&app, "/api/v1/exchange/digests", json!({"day": today})).await;
    assert_eq!(signed["verified"], true);
    assert!(signed["digest"]["calls"].as_i64().unwrap() >= 8);

    // Figures per service and consumer, on the API, the page and in /metrics.
    let (_, traffic) = admin.get(&app, "/api/v1/exchange/traffic").await;
    let row = traffic["rows"].as_array().unwrap().iter().find(|r| r["service"] == "000.00.05.H55/nguon-echo/echo" && r["consumer"] == client).unwrap();
    assert_eq!(row["calls"], 8);
    assert!(row["error_rate"].as_f64().unwrap() > 0.5);
    assert!(traffic["give_once"]["documents_replaced"].as_u64().unwrap() > 0);
    let page = admin.client.get(app.url("/trao-doi-du-lieu/luu-luong")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("nguon-echo/echo"), "{page}");
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(metrics.contains("exchange_calls_total"), "{metrics}");

    // Every change was audited.
    let audit = tinhso_audit::recent(&app.db, 200).await.unwrap();
    for action in ["exchange.subsystem_register", "exchange.service_register", "exchange.key_issue", "exchange.access_request", "exchange.grant_decide", "exchange.key_revoke", "exchange.digest_sign"] {
        assert!(audit.iter().any(|e| e.action == action), "{action} not audited");
    }
}

#[tokio::test]
async fn bad_input_is_refused_clearly_logged_and_not_forwarded() {
    let app = spawn_app().await;
    let (upstream, hits) = echo_upstream().await;
    let admin = person(&app, "quantri").await;
    let s = register(&app, &admin, &upstream, "bad", true, 2000).await;
    grant(&app, &admin, &s, "bad").await;
    let client = "000.00.04.H55/dung-bad";
    let svc = "/x/000.00.05.H55/nguon-bad/bad/a";
    let before = log_rows(&app).await;
    let subject = |r: reqwest::RequestBuilder| r.header("x-tinhso-subject", "051095000123");

    assert_eq!(code_of(subject(call(&app, svc, client, None)).send().await.unwrap()).await, (401, "missing_credential".into()));
    assert_eq!(code_of(subject(call(&app, svc, client, Some("tsx_wrong"))).send().await.unwrap()).await, (401, "invalid_credential".into()));
    assert_eq!(code_of(subject(call(&app, svc, "000.00.04.H55/khac", Some(&s.key))).send().await.unwrap()).await, (401, "invalid_credential".into()));
    assert_eq!(code_of(subject(call(&app, "/x/000.00.05.H55/nguon-bad/khong-co/a", client, Some(&s.key))).send().await.unwrap()).await, (404, "unknown_service".into()));
    // A service that returns personal data must name the person, with a well-formed number.
    assert_eq!(code_of(call(&app, svc, client, Some(&s.key)).send().await.unwrap()).await, (400, "missing_subject".into()));
    let forged = call(&app, svc, client, Some(&s.key)).header("x-tinhso-subject", "123456789012").send().await.unwrap();
    assert_eq!(code_of(forged).await, (400, "invalid_subject".into()));
    // Header injection through an encoded line break in the purpose.
    let injected = reqwest::Client::new().get(app.url(svc)).header("x-tinhso-client", client).header("x-tinhso-key", &s.key).header("x-tinhso-subject", "051095000123").header("x-tinhso-purpose", "a%0D%0AX-Evil:%201").send().await.unwrap();
    assert_eq!(code_of(injected).await, (400, "invalid_purpose".into()));
    let no_purpose = reqwest::Client::new().get(app.url(svc)).header("x-tinhso-client", client).header("x-tinhso-key", &s.key).header("x-tinhso-subject", "051095000123").send().await.unwrap();
    assert_eq!(code_of(no_purpose).await, (400, "missing_purpose".into()));
    // Path traversal, encoded.
    assert_eq!(code_of(subject(call(&app, "/x/000.00.05.H55/nguon-bad/bad/a/..%2F..%2Fadmin", client, Some(&s.key))).send().await.unwrap()).await, (400, "invalid_path".into()));
    // Oversized body, declared and streamed.
    let big = vec![b'x'; 2 * 1024 * 1024];
    let r = subject(reqwest::Client::new().post(app.url(svc)).header("x-tinhso-client", client).header("x-tinhso-purpose", "kiem thu").header("x-tinhso-key", &s.key)).body(big.clone()).send().await.unwrap();
    assert_eq!(code_of(r).await, (413, "payload_too_large".into()));
    assert_eq!(hits.load(Ordering::SeqCst), 0, "nothing was forwarded");
    let stream = futures_util::stream::iter((0..40).map(|_| Ok::<_, std::io::Error>(vec![b'y'; 64 * 1024])));
    let r = subject(reqwest::Client::new().post(app.url(svc)).header("x-tinhso-client", client).header("x-tinhso-purpose", "kiem thu").header("x-tinhso-key", &s.key)).body(reqwest::Body::wrap_stream(stream)).send().await.unwrap();
    assert_eq!(code_of(r).await, (413, "payload_too_large".into()));
    assert_eq!(log_rows(&app).await - before, 11, "every refused call is logged");
}

#[tokio::test]
async fn failing_upstreams_answer_502_504_and_trip_the_breaker() {
    let app = spawn_app().await;
    let admin = person(&app, "quantri").await;
    // A port nobody listens on.
    let closed = { std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap() };
    let s = register(&app, &admin, &format!("http://{closed}"), "down", false, 500).await;
    grant(&app, &admin, &s, "down").await;
    let client = "000.00.04.H55/dung-down";
    for _ in 0..5 {
        let r = call(&app, "/x/000.00.05.H55/nguon-down/down/a", client, Some(&s.key)).send().await.unwrap();
        assert_eq!(code_of(r).await, (502, "upstream_unreachable".into()));
    }
    let r = call(&app, "/x/000.00.05.H55/nguon-down/down/a", client, Some(&s.key)).send().await.unwrap();
    assert_eq!(code_of(r).await, (503, "circuit_open".into()), "the failing upstream is cut off");

    let (upstream, _) = echo_upstream().await;
    let slow = register(&app, &admin, &upstream, "slow", false, 300).await;
    grant(&app, &admin, &slow, "slow").await;
    let started = std::time::Instant::now();
    let r = call(&app, "/x/000.00.05.H55/nguon-slow/slow/slow", "000.00.04.H55/dung-slow", Some(&slow.key)).send().await.unwrap();
    assert_eq!(code_of(r).await, (504, "upstream_timeout".into()));
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
    let rows: Vec<tinhso_exchange::entity::log::Model> = {
        use sea_orm::EntityTrait;
        tinhso_exchange::entity::log::Entity::find().all(&app.db).await.unwrap()
    };
    assert_eq!(rows.iter().filter(|r| r.error_code == "upstream_unreachable").count(), 5);
    assert_eq!(rows.iter().filter(|r| r.error_code == "upstream_timeout" && r.status == 504).count(), 1);
}

/// Points the demo's registry services at a sandbox started for this test.
async fn registries(app: &TestApp, admin: &Person) {
    let addr = tinhso_registry_sandbox::spawn("127.0.0.1:0").await.unwrap();
    let (_, services) = admin.get(app, "/api/v1/exchange/services").await;
    for s in services.as_array().unwrap() {
        let url = s["upstream_url"].as_str().unwrap();
        if let Some(i) = url.find("127.0.0.1:8094") {
            let new = format!("{}{}{}", &url[..i], addr, &url[i + "127.0.0.1:8094".len()..]);
            admin.post_ok(app, &format!("/api/v1/exchange/services/{}", s["id"].as_str().unwrap()), json!({"upstream_url": new})).await;
        }
    }
}

#[tokio::test]
async fn prefill_through_the_gateway_and_the_citizens_access_log() {
    let app = spawn_app().await;
    let admin = person(&app, "quantri").await;
    registries(&app, &admin).await;
    let an = person(&app, "051095000123").await;

    let (status, p) = an.get(&app, "/api/v1/prefill?procedure=1.013225").await;
    assert_eq!(status, 200, "{p}");
    assert_eq!(p["values"]["parcel"], "Thửa số 125, tờ bản đồ số 12");
    assert_eq!(p["values"]["phone"], "0905123456");
    assert!(p["values"]["address"].as_str().unwrap().contains("Hùng Vương"));
    assert!(p["replaced_documents"].as_array().unwrap().iter().any(|d| d["registry"] == "land" && d["available"] == true));
    let (_, birth) = an.get(&app, "/api/v1/prefill?procedure=1.001193").await;
    assert_eq!(birth["values"]["father_name"], "Nguyễn Văn An");
    assert_eq!(birth["values"]["mother_name"], "Trần Thị Bình");
    assert_eq!(birth["values"]["requester_relation"], "Cha");

    // Another system reads another person's data: it shows in their log, not in An's.
    let s = {
        let (_, services) = admin.get(&app, "/api/v1/exchange/services").await;
        services.as_array().unwrap().iter().find(|s| s["code"] == "population").unwrap()["id"].as_str().unwrap().to_owned()
    };
    let consumer = admin.post_ok(&app, "/api/v1/exchange/subsystems", json!({"member_code": "000.00.05.H55", "code": "datdai-test", "name": "Hệ thống đất đai"})).await;
    let key = admin.post_ok(&app, &format!("/api/v1/exchange/subsystems/{}/keys", consumer["id"].as_str().unwrap()), json!({})).await;
    let g = admin.post_ok(&app, "/api/v1/exchange/grants", json!({"consumer": "000.00.05.H55/datdai-test", "service_id": s, "purpose": "Cấp giấy chứng nhận quyền sử dụng đất"})).await;
    admin.post_ok(&app, &format!("/api/v1/exchange/grants/{}/approve", g["id"].as_str().unwrap()), json!({})).await;
    let r = reqwest::Client::new()
        .get(app.url("/x/000.00.15.H55/dancu/population/citizen"))
        .header("x-tinhso-client", "000.00.05.H55/datdai-test")
        .header("x-tinhso-key", key["key"].as_str().unwrap())
        .header("x-tinhso-purpose", "C%E1%BA%A5p%20gi%E1%BA%A5y%20ch%E1%BB%A9ng%20nh%E1%BA%ADn")
        .header("x-tinhso-subject", "051088000789")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let cuong: Value = r.json().await.unwrap();
    assert_eq!(cuong["full_name"], "Lê Văn Cường");

    // An officer reads An's data inside the platform (as the dossier module records it).
    let officer = person(&app, "motcua.tuphap").await;
    let entry = tinhso_audit::Entry::new(format!("user:{}", officer.id), "dossier.document_read", format!("user:{}", an.id)).purpose("xử lý hồ sơ");
    tinhso_audit::record_now(&app.db, entry).await.unwrap();

    let (status, log) = an.get(&app, "/api/v1/me/access-log").await;
    assert_eq!(status, 200);
    let log = log.as_array().unwrap();
    let exchange: Vec<&Value> = log.iter().filter(|e| e["channel"] == "exchange").collect();
    assert!(exchange.len() >= 4, "population and civil-status and land calls: {log:?}");
    assert!(exchange.iter().all(|e| e["agency"] == "Ủy ban nhân dân tỉnh Quảng Ngãi" && e["purpose"].as_str().unwrap().contains("Điền sẵn tờ khai")));
    assert!(exchange.iter().any(|e| e["service"].as_str().unwrap().contains("000.00.05.H55/datdai/land")));
    assert!(!log.iter().any(|e| e["purpose"].as_str().unwrap().contains("Cấp giấy chứng nhận")), "another person's read is not in An's log");
    assert!(log.iter().any(|e| e["channel"] == "platform" && e["agency"] == "Sở Tư pháp" && e["purpose"] == "xử lý hồ sơ"));
    let page = an.client.get(app.url("/du-lieu-cua-toi/truy-cap")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Sở Tư pháp") && page.contains("Điền sẵn tờ khai"), "{page}");

    // Give once: An applies for a building permit; the land certificate and the identity
    // paper come from the registries, so the dossier does not ask for them.
    let mut form = p["values"].clone();
    for (field, value) in [("floor_area", "120"), ("floors", "2")] {
        form[field] = json!(value);
    }
    let submission = json!({"procedure_code": "1.013225", "agency_code": "000.01.50.H55", "form": form, "idempotency_key": "giay-phep-xay-dung-1"});
    let d = an.post_ok(&app, "/api/v1/dossiers", submission).await;
    assert_eq!(d["documents_from_data"], json!([1, 4]), "{d}");
    let page = an.client.get(app.url(&format!("/ho-so/{}", d["id"].as_str().unwrap()))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Không cần nộp: cơ quan giải quyết khai thác dữ liệu từ CSDL đất đai"), "{page}");
    assert!(page.contains("Không cần nộp: cơ quan giải quyết khai thác dữ liệu từ CSDL quốc gia về dân cư"));
    assert_eq!(page.matches("type=\"file\"").count(), 3, "an upload only for the three papers no registry holds");
    let (_, log) = an.get(&app, "/api/v1/me/access-log").await;
    assert!(log.as_array().unwrap().iter().any(|e| e["purpose"].as_str().unwrap().contains("Không yêu cầu nộp lại giấy tờ")), "{log}");

    // A business gets its registered address from the business registry.
    tinhso_identity::accounts::register(&app.db, tinhso_identity::accounts::AccountKind::Business, "4300123456", "Công ty TNHH Thương mại An Phú Quảng Ngãi", common::PASSWORD).await.unwrap();
    let company = person(&app, "4300123456").await;
    let (_, p) = company.get(&app, "/api/v1/prefill?procedure=1.013225").await;
    assert_eq!(p["values"]["address"], "Số 8 Lê Lợi, phường Cẩm Thành, tỉnh Quảng Ngãi", "{p}");

    // Cường (a citizen account of his own) sees the land system's read, and nothing of An's.
    tinhso_identity::accounts::register(&app.db, tinhso_identity::accounts::AccountKind::Citizen, "051088000789", "Lê Văn Cường", common::PASSWORD).await.unwrap();
    let cuong = person(&app, "051088000789").await;
    let (_, theirs) = cuong.get(&app, "/api/v1/me/access-log").await;
    let theirs = theirs.as_array().unwrap();
    assert_eq!(theirs.len(), 1, "{theirs:?}");
    assert_eq!(theirs[0]["agency"], "Sở Nông nghiệp và Môi trường");
    assert_eq!(theirs[0]["purpose"], "Cấp giấy chứng nhận");
}

#[tokio::test]
async fn registry_pages_for_stewards_and_not_for_citizens() {
    let app = spawn_app().await;
    let steward = person(&app, "dulieu.khcn").await;
    let page = steward.client.get(app.url("/trao-doi-du-lieu")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("000.00.15.H55/dancu/population") && html.contains("Đăng ký hệ thống"), "{html}");
    // A steward registers a system of their own agency, not of another.
    let (status, _) = steward.post(&app, "/api/v1/exchange/subsystems", json!({"member_code": "000.00.03.H55", "code": "thu-nghiem", "name": "Hệ thống thử nghiệm"})).await;
    assert_eq!(status, 201);
    let (status, body) = steward.post(&app, "/api/v1/exchange/subsystems", json!({"member_code": "000.00.15.H55", "code": "x", "name": "x"})).await;
    assert_eq!((status, body["error"]["code"].as_str()), (403, Some("forbidden")));
    let citizen = person(&app, "051095000123").await;
    assert_eq!(citizen.client.get(app.url("/trao-doi-du-lieu")).send().await.unwrap().status(), 403);
}
