//! Overdue plan tasks tell their lead agency by e-mail, through the SMTP sandbox, on SQLite
//! and PostgreSQL: one mail per task however often the job runs, to the agency's mailbox and
//! its staff's work addresses; a relay outage delays the mail without losing or repeating it;
//! and the agency's "my tasks" page puts its overdue tasks first.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;
use chrono::{Duration, NaiveDate, Utc};
use common::{TestApp, person, spawn_app_with};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use tinhso_tasks::entity::task;
use tinhso_tasks::mail::{self, Notifier};

const TU_PHAP: &str = "000.00.04.H55";
const UNIT_MAIL: &str = "stp@sotuphap.example.vn";
const STAFF_MAIL: &str = "cuong.lv@sotuphap.example.vn";

/// The app with neither background job, so the test decides when they run.
async fn app() -> TestApp {
    spawn_app_with(|c| {
        c.tasks_overdue_interval_secs = 0;
        c.notify_interval_secs = 0;
    })
    .await
}

async fn listed(url: &str) -> Vec<Value> {
    reqwest::get(format!("{url}/messages")).await.unwrap().json().await.unwrap()
}

async fn outage(url: &str, unavailable: bool) {
    let r = reqwest::Client::new().post(format!("{url}/sandbox/outage")).json(&json!({"unavailable": unavailable})).send().await.unwrap();
    assert_eq!(r.status(), 204);
}

/// No task has a deadline but `due` of Sở Tư pháp's, whose deadlines are set to 15/01/2026.
async fn only_these_due(app: &TestApp, due: &[uuid::Uuid]) {
    task::Entity::update_many().col_expr(task::Column::DeadlineOn, Expr::value(Option::<NaiveDate>::None)).exec(&app.db).await.unwrap();
    let day = NaiveDate::from_ymd_opt(2026, 1, 15).unwrap();
    task::Entity::update_many().col_expr(task::Column::DeadlineOn, Expr::value(day)).filter(task::Column::Id.is_in(due.iter().copied())).exec(&app.db).await.unwrap();
}

async fn tu_phap_tasks(app: &TestApp) -> Vec<task::Model> {
    let mut t = task::Entity::find().filter(task::Column::LeadOrgCode.eq(TU_PHAP)).all(&app.db).await.unwrap();
    t.sort_by(|a, b| a.number.cmp(&b.number));
    t
}

async fn addresses(app: &TestApp) {
    tinhso_identity::contact::set_unit_email(&app.db, "test", TU_PHAP, UNIT_MAIL).await.unwrap();
    let officer = person(app, "chuyenvien.tuphap").await;
    tinhso_identity::contact::set_user_email(&app.db, "test", officer.id.parse().unwrap(), STAFF_MAIL).await.unwrap();
}

#[tokio::test]
async fn an_overdue_task_mails_its_agency_once_even_if_the_job_runs_twice() {
    let app = app().await;
    addresses(&app).await;
    let mine = tu_phap_tasks(&app).await;
    let late = &mine[0];
    only_these_due(&app, &[late.id]).await;
    let tasks = tinhso_tasks::Tasks::new(app.db.clone(), app.blobs.clone());
    let notifier = Notifier::new(app.db.clone(), app.config.task_notices().unwrap()).unwrap();
    let now = Utc::now();

    for round in 0..2 {
        tasks.flag_overdue(now).await.unwrap();
        notifier.run_at(now).await.unwrap();
        let mails = listed(&app.mail_sandbox).await;
        assert_eq!(mails.len(), 1, "round {round}: one mail for one overdue task: {mails:#?}");
    }
    let mails = listed(&app.mail_sandbox).await;
    let m = &mails[0];
    let mut to: Vec<String> = serde_json::from_value(m["rcpt_to"].clone()).unwrap();
    to.sort();
    assert_eq!(to, vec![STAFF_MAIL.to_owned(), UNIT_MAIL.to_owned()], "the agency's mailbox and its staff");
    assert_eq!(m["subject"], format!("Nhiệm vụ quá hạn: {} – nhiệm vụ {}", late.plan_code, late.number));
    let text = m["text"].as_str().unwrap();
    assert!(text.contains("Kính gửi Sở Tư pháp") && text.contains(&late.title) && text.contains("15/01/2026"), "{text}");
    assert!(text.contains(&format!("/nhiem-vu/{}", late.id)), "{text}");
    let rows = mail::of_task(&app.db, late.id).await.unwrap();
    assert_eq!((rows.len(), rows[0].status.as_str(), rows[0].recipients), (1, mail::SENT, 2));
    let row = task::Entity::find_by_id(late.id).one(&app.db).await.unwrap().unwrap();
    assert_eq!(row.status, "overdue");

    // The agency's "my tasks" page puts it first, above the list; another agency's does not.
    let officer = person(&app, "chuyenvien.tuphap").await;
    let page = officer.client.get(app.url("/nhiem-vu")).send().await.unwrap().text().await.unwrap();
    let banner = page.find("1 nhiệm vụ quá hạn của đơn vị").expect("the overdue banner");
    assert!(banner < page.find("Tình hình:").unwrap(), "above the list");
    assert!(page[banner..].contains(&late.title));
    let other = person(&app, "dulieu.khcn").await;
    let page = other.client.get(app.url("/nhiem-vu")).send().await.unwrap().text().await.unwrap();
    assert!(!page.contains("nhiệm vụ quá hạn của đơn vị"), "Sở KH&CN has no overdue task");
}

#[tokio::test]
async fn a_relay_outage_delays_the_mail_without_losing_or_repeating_it() {
    let app = app().await;
    let mine = tu_phap_tasks(&app).await;
    let late = &mine[1];
    only_these_due(&app, &[late.id]).await;
    let tasks = tinhso_tasks::Tasks::new(app.db.clone(), app.blobs.clone());
    let notifier = Notifier::new(app.db.clone(), app.config.task_notices().unwrap()).unwrap();
    let now = Utc::now();
    assert_eq!(tasks.flag_overdue(now).await.unwrap(), 1);

    // No address on file yet: kept, and tried again later.
    let r = notifier.run_at(now).await.unwrap();
    assert_eq!((r.sent, r.failed), (0, 1));
    addresses(&app).await;
    outage(&app.mail_sandbox, true).await;
    let later = now + Duration::hours(1);
    assert_eq!(notifier.run_at(later).await.unwrap().failed, 1, "the relay is down");
    let rows = mail::of_task(&app.db, late.id).await.unwrap();
    assert_eq!((rows[0].status.as_str(), rows[0].attempts), (mail::PENDING, 2));
    assert!(!rows[0].last_error.as_deref().unwrap_or_default().contains('@'), "no address in the error");
    outage(&app.mail_sandbox, false).await;
    assert_eq!(notifier.run_at(later).await.unwrap(), mail::Report::default(), "waits out its backoff");
    // A second node's flag run, or a restart, queues nothing new.
    assert_eq!(tasks.flag_overdue(later).await.unwrap(), 0);
    let r = notifier.run_at(later + Duration::hours(2)).await.unwrap();
    assert_eq!((r.sent, r.failed), (1, 0));
    assert_eq!(listed(&app.mail_sandbox).await.len(), 1);
    assert_eq!(notifier.run_at(later + Duration::hours(5)).await.unwrap(), mail::Report::default());
    assert_eq!(listed(&app.mail_sandbox).await.len(), 1, "never sent twice");
}
