//! The life of a dossier through the HTTP API, on SQLite and PostgreSQL: submission with its
//! code, the one-stop flow across two agencies, supplement, refusal, withdrawal, a late result
//! with its apology, and what each person may see and do.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;
use common::{PASSWORD, Person, TestApp, ok, person, spawn_app};
use serde_json::{Value, json};

/// A procedure of Sở Tư pháp that passes through Công an tỉnh (as the criminal-record
/// certificate does), and staff for Công an tỉnh.
async fn setup(app: &TestApp) {
    let steward = person(app, "dulieu.khcn").await;
    let procedure = json!({
        "code": "2.999100", "name": "Thủ tục thử nghiệm liên thông Tư pháp – Công an", "field": "Lý lịch tư pháp",
        "level": "province", "agencies": ["Sở Tư pháp"], "processing_days": 3,
        "documents": [{"name": "Tờ khai", "form": "original", "count": 1}],
        "service_level": "full_online", "target_groups": ["citizen"],
        "steps": [
            {"name": "Tiếp nhận", "role": "one_stop", "days": 0.5},
            {"name": "Tra cứu hồ sơ", "role": "processing", "days": 1},
            {"name": "Xác minh tại Công an tỉnh", "role": "transfer", "days": 1, "agency": "Công an tỉnh"},
            {"name": "Phê duyệt", "role": "approval", "days": 0.5}
        ],
        "form_fields": [{"name": "purpose", "label": "Mục đích sử dụng", "kind": "text", "required": true}]
    });
    assert_eq!(steward.post(app, "/api/v1/procedures", procedure).await.0, 201);
    let admin = person(app, "quantri").await;
    for (login, role) in [("lanhdao.congan", "approver"), ("chuyenvien.congan", "processing_officer"), ("motcua.yte", "one_stop_officer")] {
        let unit = if login == "motcua.yte" { "000.00.09.H55" } else { "000.00.15.H55" };
        let body = json!({"username": login, "full_name": login, "password": PASSWORD, "roles": [{"role": role, "org_unit": unit}]});
        assert_eq!(admin.post(app, "/api/v1/admin/staff", body).await.0, 201);
    }
}

fn submission(key: &str) -> Value {
    json!({"procedure_code": "2.999100", "idempotency_key": key, "form": {"phone": "0905123456", "address": "Phường Cẩm Thành", "purpose": "Xin việc"}})
}

#[tokio::test]
async fn a_dossier_travels_through_two_agencies_to_its_result() {
    let app = spawn_app().await;
    setup(&app).await;
    let citizen = person(&app, "051095000123").await;
    let desk = person(&app, "motcua.tuphap").await;
    let lead = person(&app, "pheduyet.tuphap").await;
    let officer = person(&app, "chuyenvien.tuphap").await;
    let police_lead = person(&app, "lanhdao.congan").await;
    let police_officer = person(&app, "chuyenvien.congan").await;
    let stranger = person(&app, "motcua.yte").await;

    let mut missing = submission("k0");
    missing["form"].as_object_mut().unwrap().remove("purpose");
    let (status, body) = citizen.post(&app, "/api/v1/dossiers", missing).await;
    assert_eq!((status, body["error"]["code"].as_str()), (422, Some("invalid_form")));

    let (status, d) = citizen.post(&app, "/api/v1/dossiers", submission("k1")).await;
    assert_eq!(status, 201, "{d}");
    let code = d["code"].as_str().unwrap();
    assert!(code.starts_with("000.00.04.H55-") && code.ends_with("-0001"), "{code}");
    let (again, same) = citizen.post(&app, "/api/v1/dossiers", submission("k1")).await;
    assert_eq!((again, &same["id"]), (200, &d["id"]), "the same key makes one dossier");

    assert_eq!(citizen.act(&app, &d, "receive", json!({})).await.0, 403, "an applicant cannot receive");
    let (status, _) = stranger.get(&app, &format!("/api/v1/dossiers/{}", d["id"].as_str().unwrap())).await;
    assert_eq!(status, 404, "another agency's officer cannot read it");
    assert_eq!(stranger.get(&app, "/api/v1/dossiers/queue").await.1["total"], 0);

    let d = ok(desk.act(&app, &d, "receive", json!({})).await, "receive");
    assert_eq!(d["state"], "received");
    assert!(d["due_at"].is_string(), "the receipt carries an appointment");
    let stale = json!({"action": "assign", "version": 1, "assignee": officer.id});
    let (status, body) = lead.post(&app, &format!("/api/v1/dossiers/{}/actions", d["id"].as_str().unwrap()), stale).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("version_conflict")));
    assert_eq!(desk.act(&app, &d, "receive", json!({})).await.1["error"]["code"], "illegal_transition");

    let d = ok(lead.act(&app, &d, "assign", json!({"assignee": officer.id})).await, "assign");
    let d = ok(officer.act(&app, &d, "record_step", json!({"note": "Đã tra cứu"})).await, "step");
    let own_part = d["stage_due_at"].as_str().expect("the first agency has its own part of the time").to_owned();
    assert!(own_part.as_str() < d["due_at"].as_str().unwrap(), "its part ends before the whole time limit");
    let d = ok(officer.act(&app, &d, "transfer", json!({})).await, "transfer");
    assert_eq!((d["state"].as_str(), d["current_unit_code"].as_str()), (Some("transferred"), Some("000.00.15.H55")));
    let next_part = d["stage_due_at"].as_str().unwrap();
    assert!(next_part != own_part && next_part <= d["due_at"].as_str().unwrap(), "the next agency gets its own part: {next_part}");
    assert_eq!(officer.act(&app, &d, "record_step", json!({})).await.0, 409, "the first agency has handed it over");

    let d = ok(police_lead.act(&app, &d, "assign", json!({"assignee": police_officer.id})).await, "assign at police");
    assert_eq!(police_officer.act(&app, &d, "request_supplement", json!({})).await.1["error"]["code"], "reason_required");
    let d = ok(police_officer.act(&app, &d, "request_supplement", json!({"note": "Bổ sung bản sao CCCD"})).await, "supplement");
    assert_eq!(d["state"], "supplement_requested");
    let d = ok(citizen.act(&app, &d, "complete_supplement", json!({})).await, "complete");
    assert_eq!(d["state"], "assigned", "processing resumes where it stopped");
    let d = ok(police_officer.act(&app, &d, "record_step", json!({})).await, "step at police");
    let d = ok(police_officer.act(&app, &d, "submit_for_approval", json!({})).await, "to approval");
    let d = ok(police_lead.act(&app, &d, "approve", json!({})).await, "approve");
    let d = ok(desk.act(&app, &d, "return_result", json!({})).await, "return result at the receiving desk");
    assert_eq!(d["state"], "result_returned");
    assert!(d["finished_at"].is_string());
    check_documents(&app, &citizen, &stranger, &d).await;
    check_lookup_and_figures(&app, &citizen, &d).await;

    let (_, timeline) = citizen.get(&app, &format!("/api/v1/dossiers/{}/timeline", d["id"].as_str().unwrap())).await;
    let actions: Vec<&str> = timeline.as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["submit", "receive", "assign", "record_step", "transfer", "assign", "request_supplement", "complete_supplement", "record_step", "submit_for_approval", "approve", "return_result"]);
    assert_eq!(citizen.get(&app, "/api/v1/dossiers/mine").await.1["total"], 1);
    assert_eq!(tinhso_audit::verify(&app.db).await.unwrap().first_break, None);
}

#[tokio::test]
async fn refusal_needs_a_reason_and_withdrawal_ends_it() {
    let app = spawn_app().await;
    setup(&app).await;
    let citizen = person(&app, "051095000123").await;
    let desk = person(&app, "motcua.tuphap").await;
    let lead = person(&app, "pheduyet.tuphap").await;
    let (_, d) = citizen.post(&app, "/api/v1/dossiers", submission("r1")).await;
    let d = ok(desk.act(&app, &d, "receive", json!({})).await, "receive");
    assert_eq!(lead.act(&app, &d, "refuse", json!({})).await.1["error"]["code"], "reason_required");
    let d = ok(lead.act(&app, &d, "refuse", json!({"note": "Không thuộc thẩm quyền"})).await, "refuse");
    assert_eq!(d["state"], "refused");
    assert_eq!(citizen.act(&app, &d, "withdraw", json!({})).await.1["error"]["code"], "illegal_transition");

    let (_, d2) = citizen.post(&app, "/api/v1/dossiers", submission("w1")).await;
    assert!(d2["code"].as_str().unwrap().ends_with("-0002"));
    let d2 = ok(citizen.act(&app, &d2, "withdraw", json!({})).await, "withdraw");
    assert_eq!(d2["state"], "withdrawn");
    assert_counted_right(&app).await;
}

#[tokio::test]
async fn a_late_result_needs_an_apology_with_a_new_appointment() {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let app = spawn_app().await;
    setup(&app).await;
    let citizen = person(&app, "051095000123").await;
    let desk = person(&app, "motcua.tuphap").await;
    let lead = person(&app, "pheduyet.tuphap").await;
    let officer = person(&app, "chuyenvien.tuphap").await;
    let (_, d) = citizen.post(&app, "/api/v1/dossiers", submission("l1")).await;
    let d = ok(desk.act(&app, &d, "receive", json!({})).await, "receive");
    let id = d["id"].as_str().unwrap().to_owned();
    // Two days pass: the appointment is now in the past.
    use tinhso_dossier::entity::dossier;
    let past = chrono::Utc::now() - chrono::Duration::days(2);
    dossier::Entity::update_many()
        .col_expr(dossier::Column::DueAt, sea_orm::sea_query::Expr::value(past))
        .filter(dossier::Column::Id.eq(uuid::Uuid::parse_str(&id).unwrap()))
        .exec(&app.db)
        .await
        .unwrap();
    let catalog = tinhso_catalog::Catalog::open(app.db.clone()).await.unwrap();
    let settings = tinhso_dossier::service::Settings { blobs: app.blobs.clone(), public_url: app.base.clone(), payments: std::sync::Arc::new(tinhso_app::Config::default().merchant()) };
    let dossiers = tinhso_dossier::Dossiers::new(app.db.clone(), catalog, settings);
    assert_eq!(dossiers.flag_overdue(chrono::Utc::now()).await.unwrap(), 1);
    let d = citizen.get(&app, &format!("/api/v1/dossiers/{id}")).await.1;
    assert_eq!(d["overdue"], true);
    assert_eq!(desk.get(&app, "/api/v1/dossiers/queue").await.1["items"][0]["id"], d["id"], "overdue first in the queue");

    let d = ok(lead.act(&app, &d, "assign", json!({"assignee": officer.id})).await, "assign");
    let d = ok(officer.act(&app, &d, "record_step", json!({})).await, "step");
    let d = ok(officer.act(&app, &d, "submit_for_approval", json!({})).await, "to approval");
    let d = ok(lead.act(&app, &d, "approve", json!({})).await, "approve");
    assert_eq!(desk.act(&app, &d, "return_result", json!({})).await.1["error"]["code"], "apology_required");
    let new_due = (chrono::Utc::now() + chrono::Duration::days(1)).to_rfc3339();
    let apology = json!({"version": d["version"], "reason": "Chậm do phải xác minh thêm.", "new_due_at": new_due});
    let d = ok(desk.post(&app, &format!("/api/v1/dossiers/{id}/apology"), apology).await, "apology");
    assert_eq!(d["apologized"], true);
    let d = ok(desk.act(&app, &d, "return_result", json!({})).await, "return late result");
    assert_eq!(d["state"], "result_returned");
    let (_, timeline) = citizen.get(&app, &format!("/api/v1/dossiers/{id}/timeline")).await;
    assert!(timeline.as_array().unwrap().iter().any(|e| e["action"] == "apologize" && e["note"].as_str().unwrap().contains("Hẹn trả kết quả mới")));
    assert_counted_right(&app).await;
}

#[tokio::test]
async fn concurrent_submissions_get_unique_gap_free_codes() {
    let app = spawn_app().await;
    setup(&app).await;
    let citizen = std::sync::Arc::new(person(&app, "051095000123").await);
    let app = std::sync::Arc::new(app);
    let tasks: Vec<_> = (0..20)
        .map(|i| {
            let (citizen, app) = (citizen.clone(), app.clone());
            tokio::spawn(async move { citizen.post(&app, "/api/v1/dossiers", submission(&format!("c{i}"))).await })
        })
        .collect();
    let mut seqs = Vec::new();
    for t in tasks {
        let (status, d) = t.await.unwrap();
        assert_eq!(status, 201, "{d}");
        seqs.push(d["code"].as_str().unwrap().rsplit('-').next().unwrap().parse::<u32>().unwrap());
    }
    seqs.sort();
    assert_eq!(seqs, (1..=20).collect::<Vec<_>>());
}

/// On SQLite a node's submission writer remembers the last number of each agency's day. A
/// second node on the same database makes that number stale; the first node's next dossier
/// must still get the next free code, not one already given.
#[tokio::test]
async fn a_node_whose_remembered_number_is_stale_still_hands_out_the_next_code() {
    let app = spawn_app().await;
    setup(&app).await;
    let citizen = person(&app, "051095000123").await;
    let config = tinhso_app::Config { listen: "127.0.0.1:0".into(), ..app.config.clone() };
    let (other, _task) = tinhso_app::start(&config, app.db.clone()).await.unwrap();
    let on_other = |key: &str| {
        // The session is in the shared database, so the same cookie signs in on both nodes.
        citizen.client.post(format!("http://{other}/api/v1/dossiers")).header("x-csrf-token", &citizen.csrf).json(&submission(key)).send()
    };
    let number = |d: &Value| d["code"].as_str().unwrap().rsplit('-').next().unwrap().parse::<u32>().unwrap();
    let (status, first) = citizen.post(&app, "/api/v1/dossiers", submission("n1")).await;
    assert_eq!((status, number(&first)), (201, 1), "{first}");
    let r = on_other("n2").await.unwrap();
    assert_eq!(r.status(), 201);
    assert_eq!(number(&r.json().await.unwrap()), 2);
    let (status, third) = citizen.post(&app, "/api/v1/dossiers", submission("n3")).await;
    assert_eq!((status, number(&third)), (201, 3), "{third}");
}

/// Submissions of the same moment share one transaction; a repeated idempotency key among
/// them fails that transaction, and each is then written on its own: one dossier per key, the
/// same answer to both of its senders, and the codes still 1..n without a gap.
#[tokio::test]
async fn a_repeated_key_among_concurrent_submissions_costs_no_other_its_dossier() {
    let app = spawn_app().await;
    setup(&app).await;
    let citizen = std::sync::Arc::new(person(&app, "051095000123").await);
    let app = std::sync::Arc::new(app);
    let tasks: Vec<_> = (0..24)
        .map(|i| {
            let (citizen, app) = (citizen.clone(), app.clone());
            // Keys k0..k7 are sent twice, k8..k15 once.
            let key = format!("k{}", if i < 16 { i % 8 } else { i - 8 });
            tokio::spawn(async move { (key.clone(), citizen.post(&app, "/api/v1/dossiers", submission(&key)).await) })
        })
        .collect();
    let mut by_key: std::collections::HashMap<String, Vec<String>> = std::collections::HashMap::new();
    let mut created = Vec::new();
    for t in tasks {
        let (key, (status, d)) = t.await.unwrap();
        assert!(status == 201 || status == 200, "{status} {d}");
        if status == 201 {
            created.push(d["code"].as_str().unwrap().rsplit('-').next().unwrap().parse::<u32>().unwrap());
        }
        by_key.entry(key).or_default().push(d["id"].as_str().unwrap().to_owned());
    }
    assert_eq!(by_key.len(), 16);
    assert!(by_key.values().all(|ids| ids.iter().all(|id| *id == ids[0])), "both senders of a key get its one dossier: {by_key:?}");
    created.sort();
    assert_eq!(created, (1..=16).collect::<Vec<_>>(), "one dossier per key, numbered without a gap");
}

async fn bytes(p: &Person, app: &TestApp, path: &str) -> (u16, Vec<u8>) {
    let r = p.client.get(app.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.bytes().await.unwrap().to_vec())
}

/// The receipt, the signed result and its public verification, and the one rating.
async fn check_documents(app: &TestApp, citizen: &Person, stranger: &Person, d: &Value) {
    let id = d["id"].as_str().unwrap();
    let (status, receipt) = bytes(citizen, app, &format!("/api/v1/dossiers/{id}/receipt.pdf")).await;
    assert_eq!(status, 200);
    assert!(receipt.starts_with(b"%PDF"));
    let (status, pdf) = bytes(citizen, app, &format!("/api/v1/dossiers/{id}/result.pdf")).await;
    assert_eq!(status, 200);
    let v = tinhso_signing::verify_pdf(&pdf).unwrap();
    assert!(v.is_valid(), "{v:?}");
    assert_eq!(v.signer_cn, "Công an tỉnh", "signed by the agency that approved it");
    assert_eq!(bytes(stranger, app, &format!("/api/v1/dossiers/{id}/result.pdf")).await.0, 404);

    let anyone = common::client();
    let r = anyone.post(app.url("/api/v1/results/verify")).header("content-type", "application/pdf").body(pdf.clone()).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let check: Value = r.json().await.unwrap();
    assert_eq!((check["file_matches"].as_bool(), check["dossier_code"].as_str()), (Some(true), d["code"].as_str()));
    assert!(check.get("applicant_name").is_none(), "no personal data in the public check");
    let code = check["verification_code"].as_str().unwrap();
    let by_code: Value = anyone.get(app.url(&format!("/api/v1/results/{code}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(by_code["issuer"], "Công an tỉnh");
    let mut forged = pdf.clone();
    let at = forged.len() / 3;
    forged[at] ^= 0x01;
    let r = anyone.post(app.url("/api/v1/results/verify")).header("content-type", "application/pdf").body(forged).send().await.unwrap();
    assert_eq!(r.status(), 422, "a changed file is not the result");

    assert_eq!(citizen.post(app, &format!("/api/v1/dossiers/{id}/rating"), json!({"score": 7})).await.0, 422);
    assert_eq!(citizen.post(app, &format!("/api/v1/dossiers/{id}/rating"), json!({"score": 5, "comment": "Nhanh, gọn"})).await.0, 204);
    let (status, body) = citizen.post(app, &format!("/api/v1/dossiers/{id}/rating"), json!({"score": 1})).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("already_rated")));
}

#[tokio::test]
async fn the_fee_is_paid_through_the_gateway_before_the_result() {
    let app = spawn_app().await;
    setup(&app).await;
    let steward = person(&app, "dulieu.khcn").await;
    let mut paid_procedure = submission("p1");
    paid_procedure["procedure_code"] = json!("2.999101");
    let procedure = json!({
        "code": "2.999101", "name": "Thủ tục thử nghiệm có lệ phí", "field": "Lý lịch tư pháp", "level": "province",
        "agencies": ["Sở Tư pháp"], "processing_days": 2, "fees": [{"case": "Lệ phí", "amount_vnd": 200000}], "fee_timing": "before_result",
        "documents": [{"name": "Tờ khai", "form": "original", "count": 1}], "service_level": "full_online", "target_groups": ["citizen"],
        "form_fields": [{"name": "purpose", "label": "Mục đích sử dụng", "kind": "text", "required": true}]
    });
    assert_eq!(steward.post(&app, "/api/v1/procedures", procedure).await.0, 201);
    let citizen = person(&app, "051095000123").await;
    let desk = person(&app, "motcua.tuphap").await;
    let lead = person(&app, "pheduyet.tuphap").await;
    let officer = person(&app, "chuyenvien.tuphap").await;
    let (_, d) = citizen.post(&app, "/api/v1/dossiers", paid_procedure).await;
    assert_eq!((d["fee_vnd"].as_i64(), d["payment_status"].as_str()), (Some(200_000), Some("pending")));
    let id = d["id"].as_str().unwrap().to_owned();
    let d = ok(desk.act(&app, &d, "receive", json!({})).await, "receive");
    let d = ok(lead.act(&app, &d, "assign", json!({"assignee": officer.id})).await, "assign");
    let d = ok(officer.act(&app, &d, "record_step", json!({})).await, "step");
    let d = ok(officer.act(&app, &d, "submit_for_approval", json!({})).await, "to approval");
    let d = ok(lead.act(&app, &d, "approve", json!({})).await, "approve");
    assert_eq!(desk.act(&app, &d, "return_result", json!({})).await.1["error"]["code"], "payment_required");

    let pay = |outcome: &'static str| {
        let (citizen, app) = (&citizen, &app);
        let id = id.clone();
        async move {
            let (status, start) = citizen.post(app, &format!("/api/v1/dossiers/{id}/payment"), json!({})).await;
            assert_eq!(status, 200, "{start}");
            assert_eq!(start["amount_vnd"], 200_000);
            let r = reqwest::Client::new().post(format!("{}/sandbox/pay", app.gateway)).json(&json!({"payment_url": start["payment_url"], "outcome": outcome})).send().await.unwrap();
            assert_eq!(r.status(), 200);
            r.json::<Value>().await.unwrap()
        }
    };
    pay("cancel").await;
    assert_eq!(citizen.get(&app, &format!("/api/v1/dossiers/{id}")).await.1["payment_status"], "failed");
    let paid = pay("success").await;
    assert_eq!(citizen.get(&app, &format!("/api/v1/dossiers/{id}")).await.1["payment_status"], "paid");

    // The browser's return carries the same signed parameters: it only redirects.
    let return_url = paid["return_url"].as_str().unwrap();
    let r = citizen.client.get(return_url).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], format!("/ho-so/{id}?thanh_toan=paid").as_str());
    let query = return_url.split_once('?').unwrap().1;
    let replay: Value = reqwest::get(app.url(&format!("/api/thanh-toan/ipn?{query}"))).await.unwrap().json().await.unwrap();
    assert_eq!(replay["RspCode"], "02", "a repeated callback changes nothing");
    let forged = query.replace("vnp_Amount=20000000", "vnp_Amount=100");
    assert_ne!(forged, query);
    let r = reqwest::get(app.url(&format!("/api/thanh-toan/ipn?{forged}"))).await.unwrap();
    assert_eq!(r.status(), 422);
    assert_eq!(r.json::<Value>().await.unwrap()["RspCode"], "97");

    let d = citizen.get(&app, &format!("/api/v1/dossiers/{id}")).await.1;
    let d = ok(desk.act(&app, &d, "return_result", json!({})).await, "return result once paid");
    assert_eq!(d["state"], "result_returned");
    let (_, timeline) = citizen.get(&app, &format!("/api/v1/dossiers/{id}/timeline")).await;
    assert_eq!(timeline.as_array().unwrap().iter().filter(|e| e["action"] == "payment").count(), 2, "one event per attempt's outcome");
    assert_counted_right(&app).await;
}

/// The public status lookup and the leaders' figures after one finished, rated dossier.
async fn check_lookup_and_figures(app: &TestApp, citizen: &Person, d: &Value) {
    let code = d["code"].as_str().unwrap();
    let anyone = common::client();
    let lookup = |contact: &str| anyone.post(app.url("/api/v1/dossiers/lookup")).json(&json!({"code": code, "contact": contact})).send();
    let r = lookup("0905 123 456").await.unwrap();
    assert_eq!(r.status(), 200);
    let status: Value = r.json().await.unwrap();
    assert_eq!(status["state"], "Đã trả kết quả");
    assert!(status.get("applicant_name").is_none() && !status.to_string().contains("Nguyễn"), "no personal data: {status}");
    assert_eq!(lookup("051095000123").await.unwrap().status(), 200, "the personal id number works too");
    for wrong in ["0905000000", "051095000999", ""] {
        assert_eq!(lookup(wrong).await.unwrap().status(), 404, "{wrong}");
    }
    let page = anyone.post(app.url("/tra-cuu-ho-so")).form(&[("ma", code), ("lien_he", "0905123456")]).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Đã trả kết quả") && !html.contains("Nguyễn") && !html.contains("0905123456"), "{html}");
    let miss = anyone.post(app.url("/tra-cuu-ho-so")).form(&[("ma", code), ("lien_he", "0905000000")]).send().await.unwrap();
    assert_eq!(miss.status(), 404);
    assert!(miss.text().await.unwrap().contains("role=\"alert\""));
    // That was the code's fourth wrong pair; after the fifth nobody may try it for a while,
    // not even with the right number, so guessing a person's number is not possible.
    assert_eq!(lookup("0905111111").await.unwrap().status(), 404);
    let limited = lookup("0905123456").await.unwrap();
    assert_eq!(limited.status(), 429);
    assert_eq!(limited.json::<Value>().await.unwrap()["error"]["code"], "rate_limited");
    let page = anyone.post(app.url("/tra-cuu-ho-so")).form(&[("ma", code), ("lien_he", "0905123456")]).send().await.unwrap();
    assert_eq!(page.status(), 429);
    assert!(page.text().await.unwrap().contains("quá nhiều lần"));

    let today = chrono::Utc::now().date_naive();
    let period = format!("from={}&to={}", today - chrono::Duration::days(1), today + chrono::Duration::days(2));
    assert_eq!(citizen.get(app, &format!("/api/v1/stats/dossiers?group=agency&{period}")).await.0, 403);
    let leader = person(app, "lanhdao.tinh").await;
    let (status, rows) = leader.get(app, &format!("/api/v1/stats/dossiers?group=agency&{period}")).await;
    assert_eq!(status, 200, "{rows}");
    let row = rows.as_array().unwrap().iter().find(|r| r["key"] == "000.00.04.H55").unwrap();
    for (figure, want) in [("submitted", 1), ("received", 1), ("finished", 1), ("on_time", 1), ("online", 1), ("electronic_results", 1), ("ratings", 1), ("satisfied", 1), ("in_progress", 0)] {
        assert_eq!(row[figure], want, "{figure}: {row}");
    }
    let page = leader.client.get(app.url("/thong-ke/ho-so?nhom=agency")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    let row = html.split("title=\"000.00.04.H55\">").nth(1).expect("a row for Sở Tư pháp");
    assert!(row.starts_with("Sở Tư pháp</th><td>1</td>") && row.contains("<td>100,0%</td>"), "{row}");
    assert_eq!(citizen.client.get(app.url("/thong-ke/ho-so")).send().await.unwrap().status(), 403);
    let (_, months) = leader.get(app, &format!("/api/v1/stats/dossiers?group=month&{period}")).await;
    assert_eq!(months[0]["key"], chrono::Utc::now().with_timezone(&tinhso_core::calendar::vietnam()).format("%Y-%m").to_string());
    assert_counted_right(app).await;
}

/// The figures kept change by change equal a count made afresh from the dossiers.
pub async fn assert_counted_right(app: &TestApp) {
    use tinhso_dossier::stats::{GroupBy, dossier_figures};
    let (from, to) = (chrono::Utc::now() - chrono::Duration::days(40), chrono::Utc::now() + chrono::Duration::days(40));
    let mut kept = Vec::new();
    for group in [GroupBy::Agency, GroupBy::Procedure] {
        kept.push(dossier_figures(&app.db, group, from, to).await.unwrap());
    }
    tinhso_dossier::stats::rebuild(&app.db).await.unwrap();
    for (group, kept) in [GroupBy::Agency, GroupBy::Procedure].into_iter().zip(kept) {
        assert_eq!(dossier_figures(&app.db, group, from, to).await.unwrap(), kept, "{group:?}");
    }
}

#[tokio::test]
async fn the_desk_registers_a_paper_dossier_for_a_person_without_an_account() {
    let app = spawn_app().await;
    setup(&app).await;
    let desk = person(&app, "motcua.tuphap").await;
    let citizen = person(&app, "051095000123").await;
    let stranger = person(&app, "motcua.yte").await;
    let mut paper = submission("giay-1");
    paper["applicant_personal_id"] = json!("051201000555");
    paper["applicant_name"] = json!("Đinh Thị Lan");
    assert_eq!(citizen.post(&app, "/api/v1/dossiers/counter", paper.clone()).await.0, 403, "only the desk registers paper dossiers");
    assert_eq!(stranger.post(&app, "/api/v1/dossiers/counter", paper.clone()).await.0, 403, "the desk of the receiving agency only");
    let mut bad = paper.clone();
    bad["applicant_personal_id"] = json!("12345");
    assert_eq!(desk.post(&app, "/api/v1/dossiers/counter", bad).await.1["error"]["code"], "invalid_personal_id");

    let (status, d) = desk.post(&app, "/api/v1/dossiers/counter", paper.clone()).await;
    assert_eq!(status, 201, "{d}");
    assert_eq!((d["channel"].as_str(), d["applicant_name"].as_str()), (Some("counter"), Some("Đinh Thị Lan")));
    assert_eq!(desk.post(&app, "/api/v1/dossiers/counter", paper).await.1["id"], d["id"], "the same key makes one dossier");
    let d = ok(desk.act(&app, &d, "receive", json!({})).await, "receive at the desk");
    assert_eq!(d["state"], "received");
}
