//! Tasks and indicators through HTTP: agency-scoped "my tasks", progress reports by the lead
//! agency only, the assigning office's decision, budget roll-ups, the leaders' IOC and the
//! public page of the main indicators.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;
use common::{person, spawn_app};

const TU_PHAP: &str = "000.00.04.H55";

const BOUNDARY: &str = "----tinhso-test-boundary";

/// A `multipart/form-data` body as a browser form sends it: text fields, then an optional file.
fn multipart(fields: &[(&str, &str)], file: Option<(&str, &str, &[u8])>) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend(format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes());
    }
    if let Some((name, mime, bytes)) = file {
        body.extend(format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: {mime}\r\n\r\n").as_bytes());
        body.extend(bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

async fn post_report(p: &common::Person, app: &common::TestApp, task: &str, body: Vec<u8>) -> reqwest::Response {
    p.client
        .post(app.url(&format!("/api/v1/tasks/{task}/reports")))
        .header("x-csrf-token", &p.csrf)
        .header("content-type", format!("multipart/form-data; boundary={BOUNDARY}"))
        .body(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn agencies_see_and_report_their_own_tasks_and_leaders_decide() {
    let app = spawn_app().await;
    let leader = person(&app, "lanhdao.tinh").await;
    let officer = person(&app, "chuyenvien.tuphap").await;
    let citizen = person(&app, "051095000123").await;

    let (s, all) = leader.get(&app, "/api/v1/tasks").await;
    assert_eq!(s, 200);
    assert_eq!(all.as_array().unwrap().len(), 187, "leaders see every agency's tasks");
    let (s, mine) = officer.get(&app, "/api/v1/tasks").await;
    assert_eq!(s, 200);
    let mine = mine.as_array().unwrap().clone();
    assert_eq!(mine.len(), 6, "Sở Tư pháp's own tasks only");
    assert!(mine.iter().all(|t| t["lead_org_code"] == TU_PHAP));
    assert_eq!(citizen.get(&app, "/api/v1/tasks").await.0, 403);

    // Another agency's task is out of reach: not shown, and no report on it is accepted.
    let other = all.as_array().unwrap().iter().find(|t| t["lead_org_code"] == "000.00.03.H55").unwrap();
    let other_id = other["id"].as_str().unwrap();
    assert_eq!(officer.get(&app, &format!("/api/v1/tasks/{other_id}")).await.0, 404);
    let form = || multipart(&[("progress", "50"), ("note", "Đã ký hợp đồng thuê dịch vụ")], None);
    let r = post_report(&officer, &app, other_id, form()).await;
    assert_eq!(r.status().as_u16(), 404);
    // A leader is not the lead agency either.
    let id = mine[0]["id"].as_str().unwrap();
    let r = post_report(&leader, &app, id, form()).await;
    assert_eq!(r.status().as_u16(), 403);

    // The lead agency reports completion with an attachment.
    let done = multipart(&[("progress", "100"), ("completed", "true"), ("note", "Đã nghiệm thu, đưa vào sử dụng")], Some(("bien-ban.pdf", "application/pdf", b"%PDF-1.4 bien ban nghiem thu")));
    let r = post_report(&officer, &app, id, done).await;
    assert_eq!(r.status().as_u16(), 201);
    let report: serde_json::Value = r.json().await.unwrap();
    let rid = report["id"].as_str().unwrap();
    let file_url = report["file_url"].as_str().unwrap();
    let bytes = officer.client.get(app.url(file_url)).send().await.unwrap().bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF"));

    // Only the assigning office decides; returning needs a reason.
    let decision = format!("/api/v1/tasks/{id}/reports/{rid}/decision");
    assert_eq!(officer.post(&app, &decision, serde_json::json!({"accept": true})).await.0, 403);
    let (s, e) = leader.post(&app, &decision, serde_json::json!({"accept": false})).await;
    assert_eq!((s, e["error"]["code"].as_str()), (422, Some("invalid_note")));
    let (s, task) = leader.post(&app, &decision, serde_json::json!({"accept": true, "note": "Đồng ý"})).await;
    assert_eq!(s, 200, "{task}");
    assert_eq!(task["status"], "done");
    assert_eq!(task["progress"], 100);
    assert_eq!(leader.post(&app, &decision, serde_json::json!({"accept": true})).await.0, 409);
    // Closed: no further report.
    let r = post_report(&officer, &app, id, form()).await;
    assert_eq!(r.status().as_u16(), 409);

    // The report form of the task page carries the session's CSRF token; without it nothing is saved.
    let next = mine[1]["id"].as_str().unwrap();
    let page = officer.client.get(app.url(&format!("/nhiem-vu/{next}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Gửi báo cáo tiến độ"), "the lead agency sees the form");
    let token = page.split("name=\"csrf_token\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let send = |fields: Vec<(&'static str, String)>| {
        let body = multipart(&fields.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>(), None);
        officer.client.post(app.url(&format!("/nhiem-vu/{next}/bao-cao"))).header("content-type", format!("multipart/form-data; boundary={BOUNDARY}")).body(body).send()
    };
    let r = send(vec![("progress", "30".into()), ("note", "Đã khảo sát".into())]).await.unwrap();
    assert_eq!(r.status().as_u16(), 422, "no token");
    let r = send(vec![("csrf_token", token.clone()), ("progress", "30".into()), ("note", "Đã khảo sát hiện trạng".into())]).await.unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let (_, detail) = officer.get(&app, &format!("/api/v1/tasks/{next}")).await;
    assert_eq!(detail["reports"].as_array().unwrap().len(), 1);
    assert_eq!(detail["reports"][0]["note"], "Đã khảo sát hiện trạng");

    // The pages: my tasks for staff, every agency's for leaders.
    let page = officer.client.get(app.url("/nhiem-vu")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Nhiệm vụ của đơn vị tôi") && page.contains("6 nhiệm vụ."), "{page}");
    let page = leader.client.get(app.url(&format!("/nhiem-vu/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Đã chấp nhận") && page.contains("bien-ban.pdf"));
}

#[tokio::test]
async fn budgets_add_up_and_the_ioc_shows_figures_against_targets() {
    let app = spawn_app().await;
    let leader = person(&app, "lanhdao.tinh").await;
    let officer = person(&app, "chuyenvien.tuphap").await;
    let (s, b) = leader.get(&app, "/api/v1/tasks/budget?plan=KH-C%C4%90S-2025").await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["total_vnd"], 328_364i64 * 1_000_000);
    let yte = b["by_agency"].as_array().unwrap().iter().find(|l| l["key"] == "000.00.09.H55").unwrap();
    assert_eq!(yte["total_vnd"], 165_749i64 * 1_000_000);

    let (s, c) = leader.post(&app, "/api/v1/indicators/compute", serde_json::json!({})).await;
    assert_eq!(s, 200, "{c}");
    assert_eq!(officer.post(&app, "/api/v1/indicators/compute", serde_json::json!({})).await.0, 403);
    let (s, d) = leader.get(&app, "/api/v1/ioc").await;
    assert_eq!(s, 200, "{d}");
    let inds = d["indicators"].as_array().unwrap();
    let tracked = inds.iter().find(|v| v["code"] == "nhiem_vu_dien_tu").unwrap();
    assert_eq!(tracked["denominator"], 187);
    assert_eq!(tracked["target"], 100.0);
    assert_eq!(officer.get(&app, "/api/v1/ioc").await.0, 403);
    let page = leader.client.get(app.url("/dieu-hanh")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Trung tâm điều hành") && page.contains("<svg") && page.contains("s-risk"), "{page}");
    let r = officer.client.get(app.url("/dieu-hanh")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let page = officer.client.get(app.url("/dieu-hanh/chi-so/nhiem_vu_dien_tu")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Theo cơ quan, đơn vị") && page.contains("Sở Tư pháp"), "{page}");
    let page = officer.client.get(app.url(&format!("/dieu-hanh/don-vi/{TU_PHAP}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Sở Tư pháp — kỳ") && page.contains("Tỷ lệ nhiệm vụ"), "{page}");

    // The public page and its downloads need no account and carry no personal data.
    let r = app.get("/chi-so").await;
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.text().await.unwrap().contains("Các chỉ số chính"));
    let (s, p) = app.get_json("/api/v1/public/indicators").await;
    assert_eq!(s, 200);
    assert!(p["indicators"].as_array().unwrap().iter().any(|v| v["code"] == "hai_long"));
    let csv = app.get("/chi-so.csv").await.text().await.unwrap();
    assert!(csv.contains("chi_tieu,\"hai_long\""), "{csv}");
    let xlsx = app.get("/chi-so.xlsx").await.bytes().await.unwrap();
    assert!(xlsx.starts_with(b"PK"), "an XLSX file is a zip");
}
