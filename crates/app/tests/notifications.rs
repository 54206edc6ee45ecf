//! Notifications to the applicant from the outbox, through the SMTP and SMS sandboxes, on
//! SQLite and PostgreSQL: what is told and how, that nothing is told twice, and that an
//! outage delays a message without losing it or repeating the other channel.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;
use common::{Person, TestApp, person, spawn_app_with};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use tinhso_dossier::entity::event;
use tinhso_dossier::notify::{Dispatcher, store::entity as notification};

const EMAIL: &str = "nguyen.van.an@example.vn";
const PHONE: &str = "0905 123 456";

/// The app without its own notification job, so the test decides when the dispatcher runs.
async fn app_without_job() -> TestApp {
    spawn_app_with(|c| c.notify_interval_secs = 0).await
}

/// A procedure of Sở Tư pháp to apply for.
async fn setup(app: &TestApp) {
    let steward = person(app, "dulieu.khcn").await;
    let procedure = json!({
        "code": "2.999200", "name": "Cấp Phiếu lý lịch tư pháp thử nghiệm", "field": "Lý lịch tư pháp",
        "level": "province", "agencies": ["Sở Tư pháp"], "processing_days": 5,
        "documents": [{"name": "Tờ khai", "form": "original", "count": 1}],
        "service_level": "full_online", "target_groups": ["citizen"],
        "steps": [{"name": "Xử lý", "role": "processing", "days": 5}]
    });
    steward.post_ok(app, "/api/v1/procedures", procedure).await;
}

/// A dossier submitted with a phone (and an e-mail if given), and received at the desk.
async fn received_dossier(app: &TestApp, email: Option<&str>) -> (Value, Person) {
    let citizen = person(app, "051095000123").await;
    let mut form = json!({"phone": PHONE, "address": "Phường Cẩm Thành"});
    if let Some(e) = email {
        form["email"] = json!(e);
    }
    let d = citizen.post_ok(app, "/api/v1/dossiers", json!({"procedure_code": "2.999200", "form": form})).await;
    let desk = person(app, "motcua.tuphap").await;
    (desk.act_ok(app, &d, "receive", json!({})).await, citizen)
}

async fn dispatcher(app: &TestApp) -> Dispatcher {
    let catalog = tinhso_catalog::Catalog::open(app.db.clone()).await.unwrap();
    Dispatcher::new(app.db.clone(), catalog, app.config.notifications()).unwrap()
}

async fn listed(url: &str) -> Vec<Value> {
    reqwest::get(format!("{url}/messages")).await.unwrap().json().await.unwrap()
}

async fn outage(url: &str, unavailable: bool) {
    let r = reqwest::Client::new().post(format!("{url}/sandbox/outage")).json(&json!({"unavailable": unavailable})).send().await.unwrap();
    assert_eq!(r.status(), 204);
}

async fn undispatched(app: &TestApp) -> u64 {
    event::Entity::find().filter(event::Column::DispatchedAt.is_null()).count(&app.db).await.unwrap()
}

#[tokio::test]
async fn receipt_and_supplement_reach_the_applicant_by_mail_and_sms_once() {
    let app = app_without_job().await;
    setup(&app).await;
    let (d, _) = received_dossier(&app, Some(EMAIL)).await;
    let code = d["code"].as_str().unwrap().to_owned();
    let lead = person(&app, "pheduyet.tuphap").await;
    let officer = person(&app, "chuyenvien.tuphap").await;
    let d = lead.act_ok(&app, &d, "assign", json!({"assignee": officer.id})).await;
    officer.act_ok(&app, &d, "request_supplement", json!({"note": "Bổ sung bản sao Căn cước công dân"})).await;

    let dispatcher = dispatcher(&app).await;
    assert_eq!(dispatcher.run_once().await.unwrap(), 4, "an e-mail and an SMS for the receipt and for the supplement");
    let mails = listed(&app.mail_sandbox).await;
    assert_eq!(mails.len(), 2, "{mails:#?}");
    assert!(mails.iter().all(|m| m["rcpt_to"] == json!([EMAIL])));
    assert_eq!(mails[0]["subject"], format!("Hồ sơ {code} đã được tiếp nhận"));
    let text = mails[0]["text"].as_str().unwrap();
    assert!(text.contains("Ngày hẹn trả kết quả") && text.contains("Cấp Phiếu lý lịch tư pháp thử nghiệm"), "{text}");
    assert!(text.contains(&format!("/ho-so/{}", d["id"].as_str().unwrap())), "links to the dossier's page: {text}");
    assert!(!text.contains("Phường Cẩm Thành") && !text.contains("0905"), "no more personal data than needed: {text}");
    assert_eq!(mails[1]["subject"], format!("Hồ sơ {code} cần bổ sung giấy tờ"));
    assert!(mails[1]["text"].as_str().unwrap().contains("Nội dung cần bổ sung: Bổ sung bản sao Căn cước công dân"));

    let sms = listed(&app.sms_sandbox).await;
    assert_eq!(sms.len(), 2, "{sms:#?}");
    assert!(sms.iter().all(|m| m["to"] == "84905123456" && m["brandname"] == "TINHSO" && m["encoding"] == "ucs2"));
    let texts: Vec<&str> = sms.iter().map(|m| m["text"].as_str().unwrap()).collect();
    assert!(texts[0].starts_with(&format!("Hồ sơ {code} (Cấp Phiếu lý lịch tư pháp thử nghiệm) đã được tiếp nhận. Hẹn trả kết quả:")), "{}", texts[0]);
    assert!(texts[1].starts_with(&format!("Hồ sơ {code} cần bổ sung: Bổ sung bản sao Căn cước công dân.")), "{}", texts[1]);

    assert_eq!(undispatched(&app).await, 0, "the submission and the assignment are marked without a message");
    assert_eq!(dispatcher.run_once().await.unwrap(), 0, "a second run sends nothing");
    assert_eq!((listed(&app.mail_sandbox).await.len(), listed(&app.sms_sandbox).await.len()), (2, 2));

    let rows = notification::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(rows.len(), 4);
    for r in &rows {
        assert_eq!((r.status.as_str(), r.attempts), ("sent", 1));
        assert_eq!(r.recipient_hash.len(), 64, "a hash stands in for the address");
        assert!(!r.recipient_hash.contains("905123456"));
    }
    let audit = tinhso_audit::entity::log::Entity::find().filter(tinhso_audit::entity::log::Column::Action.eq("dossier.notify")).count(&app.db).await.unwrap();
    assert_eq!(audit, 2, "each use of the contact details is in the audit log");
    assert_eq!(tinhso_audit::verify(&app.db).await.unwrap().first_break, None);
}

#[tokio::test]
async fn an_sms_outage_delays_the_sms_without_losing_it_or_mailing_twice() {
    let app = app_without_job().await;
    setup(&app).await;
    let (d, _) = received_dossier(&app, Some(EMAIL)).await;
    outage(&app.sms_sandbox, true).await;
    assert_eq!(dispatcher(&app).await.run_once().await.unwrap(), 1, "the e-mail goes; the SMS gateway answers 503");
    assert_eq!(listed(&app.sms_sandbox).await.len(), 0);
    let sms_row = notification::Entity::find().filter(notification::Column::Channel.eq("sms")).one(&app.db).await.unwrap().unwrap();
    assert_eq!((sms_row.status.as_str(), sms_row.attempts), ("pending", 1));
    let error = sms_row.last_error.unwrap();
    assert!(error.contains("503") && !error.contains("905123456"), "{error}");
    assert_eq!(undispatched(&app).await, 1, "the receipt's event waits for its SMS");

    outage(&app.sms_sandbox, false).await;
    assert_eq!(dispatcher(&app).await.run_once().await.unwrap(), 0, "not before the backoff has passed");
    // A new dispatcher, as after a restart, a few minutes later.
    let later = chrono::Utc::now() + chrono::Duration::minutes(5);
    let report = dispatcher(&app).await.run_at(later).await.unwrap();
    assert_eq!((report.sent, report.dispatched), (1, 1), "{report:?}");
    let sms = listed(&app.sms_sandbox).await;
    assert_eq!(sms.len(), 1);
    assert!(sms[0]["text"].as_str().unwrap().contains(d["code"].as_str().unwrap()));
    assert_eq!(listed(&app.mail_sandbox).await.len(), 1, "the e-mail was not sent again");
    assert_eq!(undispatched(&app).await, 0);
    assert_eq!(dispatcher(&app).await.run_at(later).await.unwrap().sent, 0);
}

#[tokio::test]
async fn the_background_job_tells_an_applicant_without_email_by_sms() {
    let app = spawn_app_with(|c| c.notify_interval_secs = 1).await;
    setup(&app).await;
    let (d, _) = received_dossier(&app, None).await;
    let mut sms = Vec::new();
    for _ in 0..100 {
        sms = listed(&app.sms_sandbox).await;
        if !sms.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(sms.len(), 1, "the job sent the receipt's SMS");
    assert!(sms[0]["text"].as_str().unwrap().contains(d["code"].as_str().unwrap()));
    assert!(listed(&app.mail_sandbox).await.is_empty(), "no address, no e-mail");
}

#[tokio::test]
async fn two_nodes_dispatching_at_once_send_each_message_once() {
    let app = app_without_job().await;
    if app.db.get_database_backend() != sea_orm::DbBackend::Postgres {
        // SQLite has a single writer and so a single dispatching node: nothing to race.
        return;
    }
    setup(&app).await;
    for _ in 0..4 {
        received_dossier(&app, Some(EMAIL)).await;
    }
    let (a, b) = (dispatcher(&app).await, dispatcher(&app).await);
    let (ra, rb) = tokio::join!(a.run_once(), b.run_once());
    assert_eq!(ra.unwrap() + rb.unwrap(), 8);
    let sms = listed(&app.sms_sandbox).await;
    let mut keys: Vec<&str> = sms.iter().map(|m| m["request_id"].as_str().unwrap()).collect();
    keys.sort();
    keys.dedup();
    assert_eq!((sms.len(), keys.len(), listed(&app.mail_sandbox).await.len()), (4, 4, 4));
    assert_eq!(undispatched(&app).await, 0);
}
