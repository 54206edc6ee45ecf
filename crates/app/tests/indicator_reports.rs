//! The pages of reported indicators, through HTTP: an agency's officer reports a value with
//! evidence for an indicator its unit implements and follows its review; the lead agency's
//! approver returns it with a reason, then approves it after a confirmation page; refusals for
//! someone else's indicator, a bad file, a missing token, and a reviewer who is not the lead.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;
use common::{PASSWORD, TestApp, person, spawn_app};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use tinhso_core::roles::Role;
use tinhso_indicators::entity::value;

const TU_PHAP: &str = "000.00.04.H55";
const NOI_VU: &str = "000.00.02.H55";
/// 05/KH-UBND I.2.6, officials trained in basic digital skills: led by Sở Nội vụ, carried out
/// by "các sở, ban, ngành" (so by Sở Tư pháp too).
const TRAINED: &str = "05-I.2.6";
/// 121/KH-UBND PL2.II.1, 5G coverage: Sở KH&CN's alone.
const FIVE_G: &str = "121-PL2.II.1";
const BOUNDARY: &str = "----tinhso-report-boundary";
const PNG_HEX: &str = "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c49444154789c63f8cfc0000003010100c9fe92ef0000000049454e44ae426082";

fn png() -> Vec<u8> {
    (0..PNG_HEX.len()).step_by(2).map(|i| u8::from_str_radix(&PNG_HEX[i..i + 2], 16).unwrap()).collect()
}

fn multipart(fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend(format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes());
    }
    if let Some((name, bytes)) = file {
        body.extend(format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
        body.extend(bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

fn token_of(page: &str) -> String {
    page.split("name=\"csrf_token\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned()
}

async fn page(p: &common::Person, app: &TestApp, path: &str) -> (u16, String) {
    let r = p.client.get(app.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// Sends the report form as a browser does; returns the status and where it leads.
async fn send(p: &common::Person, app: &TestApp, token: &str, indicator: &str, file: Option<(&str, &[u8])>) -> (u16, String) {
    let mut fields = vec![("indicator", indicator), ("org", TU_PHAP), ("period", "2026-05"), ("value", "80,5"), ("note", "161/200 công chức đã hoàn thành khóa học")];
    if !token.is_empty() {
        fields.push(("csrf_token", token));
    }
    let r = p.client.post(app.url("/chi-so/bao-cao")).header("content-type", format!("multipart/form-data; boundary={BOUNDARY}")).body(multipart(&fields, file)).send().await.unwrap();
    let status = r.status().as_u16();
    let to = r.headers().get("location").map(|l| l.to_str().unwrap().to_owned()).unwrap_or_else(String::new);
    (status, if to.is_empty() { r.text().await.unwrap() } else { to })
}

async fn latest(app: &TestApp) -> value::Model {
    let mut v = value::Entity::find().filter(value::Column::IndicatorCode.eq(TRAINED)).filter(value::Column::OrgCode.eq(TU_PHAP)).all(&app.db).await.unwrap();
    v.sort_by_key(|v| v.updated_at);
    v.pop().unwrap()
}

#[tokio::test]
async fn an_agency_reports_with_evidence_and_the_lead_agency_returns_then_approves() {
    let app = spawn_app().await;
    tinhso_identity::accounts::create_staff(&app.db, "test", "pheduyet.noivu", "Ngô Văn Khoa (Phó Giám đốc Sở Nội vụ)", PASSWORD, &[(Role::Approver, Some(NOI_VU.into()))]).await.unwrap();
    let officer = person(&app, "chuyenvien.tuphap").await;
    let approver = person(&app, "pheduyet.noivu").await;
    let other_approver = person(&app, "pheduyet.tuphap").await;
    let citizen = person(&app, "051095000123").await;

    // The officer finds the page from the nav and sees only what its unit implements.
    let (s, html) = page(&officer, &app, "/nhiem-vu").await;
    assert_eq!(s, 200);
    assert!(html.contains("href=\"/chi-so/bao-cao\""), "linked from the nav");
    let (s, html) = page(&officer, &app, "/chi-so/bao-cao").await;
    assert_eq!(s, 200, "{html}");
    assert!(html.contains(&format!("value=\"{TRAINED}\"")) && !html.contains(&format!("value=\"{FIVE_G}\"")), "only its own indicators");
    assert!(html.contains("<label for=\"file\">") && html.contains("Chưa có số liệu nào."));
    assert_eq!(page(&citizen, &app, "/chi-so/bao-cao").await.0, 403);
    let token = token_of(&html);

    // Refusals: no token, someone else's indicator, a file that is no PDF, JPEG or PNG.
    assert_eq!(send(&officer, &app, "", TRAINED, Some(("ds.png", &png()))).await.0, 422, "no CSRF token");
    assert_eq!(send(&officer, &app, &token, FIVE_G, Some(("ds.png", &png()))).await.0, 403, "Sở KH&CN's indicator");
    let (s, html) = send(&officer, &app, &token, TRAINED, Some(("bang-ke.pdf", b"chi la van ban, khong phai PDF"))).await;
    assert_eq!(s, 422);
    assert!(html.contains("Chỉ nhận tệp PDF, JPEG hoặc PNG"), "{html}");
    assert_eq!(send(&officer, &app, &token, TRAINED, None).await.0, 422, "evidence is required");
    assert!(value::Entity::find().filter(value::Column::IndicatorCode.eq(TRAINED)).all(&app.db).await.unwrap().is_empty(), "nothing saved");

    // Sent: waiting for the lead agency.
    assert_eq!(send(&officer, &app, &token, TRAINED, Some(("danh sach.png", &png()))).await, (303, "/chi-so/bao-cao?xong=gui".to_owned()));
    let (_, html) = page(&officer, &app, "/chi-so/bao-cao?xong=gui").await;
    assert!(html.contains("Đã gửi số liệu") && html.contains("Chờ duyệt") && html.contains("80,5"), "{html}");
    let v = latest(&app).await;
    assert_eq!((v.value, v.review.as_str()), (Some(80.5), "pending"));

    // Sở Nội vụ's approver sees it waiting; Sở Tư pháp's approver may look but not decide.
    let (_, html) = page(&approver, &app, "/chi-so/bao-cao").await;
    assert!(html.contains("Số liệu chờ đơn vị tôi duyệt (1)") && html.contains(&format!("/chi-so/bao-cao/{}", v.id)), "{html}");
    let (s, html) = page(&approver, &app, &format!("/chi-so/bao-cao/{}", v.id)).await;
    assert_eq!(s, 200);
    assert!(html.contains("Xác nhận duyệt số liệu") && html.contains("Xác nhận trả lại"), "a confirmation page");
    let review_token = token_of(&html);
    let r = approver.client.get(app.url(&format!("/chi-so/bao-cao/{}/minh-chung", v.id))).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.bytes().await.unwrap().to_vec(), png(), "the evidence as sent");
    let (_, html) = page(&other_approver, &app, &format!("/chi-so/bao-cao/{}", v.id)).await;
    assert!(!html.contains("Xác nhận duyệt"), "not the lead agency");
    let other_token = token_of(&page(&other_approver, &app, "/chi-so/bao-cao").await.1);
    let decide = |p: &common::Person, token: String, decision: &'static str, note: &'static str| {
        p.client.post(app.url(&format!("/chi-so/bao-cao/{}/xem-xet", v.id))).form(&[("csrf_token", token.as_str()), ("decision", decision), ("note", note)]).send()
    };
    assert_eq!(decide(&other_approver, other_token, "approve", "").await.unwrap().status(), 403);

    // Returned with a reason; the officer sees why.
    assert_eq!(decide(&approver, review_token.clone(), "return", " ").await.unwrap().status(), 422, "a return says why");
    let r = decide(&approver, review_token.clone(), "return", "Thiếu danh sách công chức kèm theo").await.unwrap();
    assert_eq!((r.status().as_u16(), r.headers()["location"].to_str().unwrap()), (303, "/chi-so/bao-cao?xong=tra-lai"));
    let (_, html) = page(&officer, &app, "/chi-so/bao-cao").await;
    assert!(html.contains("Bị trả lại") && html.contains("Thiếu danh sách công chức kèm theo"), "{html}");

    // Sent again, approved: counted in the indicator.
    send(&officer, &app, &token, TRAINED, Some(("danh-sach-day-du.png", &png()))).await;
    let v = latest(&app).await;
    let r = decide_again(&app, &approver, v.id).await;
    assert_eq!(r, 303);
    let (s, list) = officer.get(&app, &format!("/api/v1/indicators?period=2026-05&org={TU_PHAP}")).await;
    assert_eq!(s, 200);
    let row = list.as_array().unwrap().iter().find(|x| x["code"] == TRAINED).unwrap();
    assert_eq!(row["value"], 80.5);
    let (_, html) = page(&approver, &app, "/chi-so/bao-cao?xong=duyet").await;
    assert!(html.contains("Đã duyệt số liệu") && !html.contains("Số liệu chờ đơn vị tôi duyệt"), "nothing left to review");
}

async fn decide_again(app: &TestApp, approver: &common::Person, id: uuid::Uuid) -> u16 {
    let html = approver.client.get(app.url(&format!("/chi-so/bao-cao/{id}"))).send().await.unwrap().text().await.unwrap();
    let token = token_of(&html);
    let r = approver.client.post(app.url(&format!("/chi-so/bao-cao/{id}/xem-xet"))).form(&[("csrf_token", token.as_str()), ("decision", "approve")]).send().await.unwrap();
    r.status().as_u16()
}
