//! The dossier pages as people use them, without JavaScript: a citizen applies through the form,
//! follows the dossier, and the one-stop desk and the processing unit move it on through the
//! action forms; each page says what happened, stays light and labels every control.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;
use common::{PASSWORD, TestApp, spawn_app};

const MAX_PAGE_BYTES: usize = 60 * 1024;
const PROCEDURE: &str = "2.000829";

/// Every input, select and textarea that a person fills in has a label pointing at it.
fn assert_labelled(html: &str, page: &str) {
    for tag in ["<input", "<select", "<textarea"] {
        for part in html.split(tag).skip(1) {
            let el = &part[..part.find('>').unwrap()];
            if el.contains("type=\"hidden\"") {
                continue;
            }
            let id = el.split("id=\"").nth(1).map(|s| &s[..s.find('"').unwrap()]).unwrap_or_else(|| panic!("{page}: {tag} without id: {el}"));
            assert!(html.contains(&format!("for=\"{id}\"")), "{page}: #{id} has no label");
        }
    }
}

/// The value of the first hidden field `name` in a page.
fn field(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).unwrap_or_else(|| panic!("no field {name}")) + marker.len();
    html[start..start + html[start..].find('"').unwrap()].to_owned()
}

/// A person with a browser that keeps cookies and does not follow redirects.
struct Browser<'a> {
    app: &'a TestApp,
    client: reqwest::Client,
}

struct Answer {
    status: u16,
    location: String,
    html: String,
}

impl<'a> Browser<'a> {
    /// Signs in through the login form.
    async fn sign_in(app: &'a TestApp, login: &str) -> Browser<'a> {
        let b = Browser { app, client: common::client() };
        let token = field(&b.get("/dang-nhap").await.html, "csrf_token");
        let r = b.post("/dang-nhap", &[("csrf_token", &token), ("login", login), ("password", PASSWORD)]).await;
        assert_eq!(r.status, 303, "sign-in of {login}");
        b
    }

    async fn get(&self, path: &str) -> Answer {
        let r = self.client.get(self.app.url(path)).send().await.unwrap();
        Answer::from(r, path).await
    }

    async fn post(&self, path: &str, form: &[(&str, &str)]) -> Answer {
        let r = self.client.post(self.app.url(path)).form(form).send().await.unwrap();
        Answer::from(r, path).await
    }

    /// Opens a page that must exist.
    async fn page(&self, path: &str) -> String {
        let a = self.get(path).await;
        assert_eq!(a.status, 200, "{path}: {}", a.html);
        a.html
    }

    /// Takes an action through the form on the dossier page, at the version that page shows.
    async fn act(&self, dossier: &str, action: &str, extra: &[(&str, &str)]) -> Answer {
        let html = self.page(dossier).await;
        assert!(html.contains(&format!("name=\"action\" value=\"{action}\"")), "{dossier} offers no {action}");
        let (token, version) = (field(&html, "csrf_token"), field(&html, "version"));
        let mut form = vec![("csrf_token", token.as_str()), ("action", action), ("version", version.as_str())];
        form.extend_from_slice(extra);
        self.post(&format!("{dossier}/thao-tac"), &form).await
    }
}

impl Answer {
    async fn from(r: reqwest::Response, path: &str) -> Answer {
        let status = r.status().as_u16();
        let location = r.headers().get("location").map(|l| l.to_str().unwrap().to_owned()).unwrap_or_default();
        let html = r.text().await.unwrap();
        if !html.is_empty() {
            assert!(html.len() < MAX_PAGE_BYTES, "{path} weighs {} bytes", html.len());
            assert!(html.contains("<html lang=\"vi\">") && html.contains("<h1"), "{path}");
            assert_labelled(&html, path);
        }
        Answer { status, location, html }
    }
}

/// The application form of the procedure with the given contact details, ready to post.
fn application<'a>(token: &'a str, key: &'a str, phone: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![("csrf_token", token), ("idempotency_key", key), ("phone", phone), ("address", "12 Hùng Vương, phường Cẩm Thành"), ("email", "")]
}

/// "HH:MM ngày dd/mm/yyyy"
fn is_appointment(s: &str) -> bool {
    s.split_once(" ngày ").is_some_and(|(time, date)| {
        time.len() == 5 && date.len() == 10 && chrono::NaiveTime::parse_from_str(time, "%H:%M").is_ok() && chrono::NaiveDate::parse_from_str(date, "%d/%m/%Y").is_ok()
    })
}

fn appointment_on(html: &str) -> String {
    let after = html.split("Hẹn trả kết quả</th><td><strong>").nth(1).expect("an appointment");
    after[..after.find('<').unwrap()].to_owned()
}

/// A citizen submits; returns the dossier page's path and its code.
async fn submit(citizen: &Browser<'_>, procedure: &str, extra: &[(&str, &str)]) -> (String, String) {
    let html = citizen.page(&format!("/nop-ho-so/{procedure}")).await;
    let (token, key) = (field(&html, "csrf_token"), field(&html, "idempotency_key"));
    let mut form = application(&token, &key, "0905 123 456");
    form.extend_from_slice(extra);
    let r = citizen.post(&format!("/nop-ho-so/{procedure}"), &form).await;
    assert_eq!(r.status, 303, "{}", r.html);
    let path = r.location.split('?').next().unwrap().to_owned();
    let page = citizen.page(&r.location).await;
    let code = page.split("<h1>Hồ sơ ").nth(1).unwrap().split('<').next().unwrap().to_owned();
    (path, code)
}

#[tokio::test]
async fn a_citizen_applies_and_the_one_stop_desk_receives_it() {
    let app = spawn_app().await;
    let citizen = Browser::sign_in(&app, "051095000123").await;
    let procedure = citizen.page(&format!("/thu-tuc/{PROCEDURE}")).await;
    assert!(procedure.contains(&format!("href=\"/nop-ho-so/{PROCEDURE}\"")), "the procedure page leads to the form");

    let form = citizen.page(&format!("/nop-ho-so/{PROCEDURE}")).await;
    assert!(form.contains("Yêu cầu trợ giúp pháp lý") && form.contains("Sở Tư pháp") && form.contains("Số điện thoại liên hệ"));
    let (token, key) = (field(&form, "csrf_token"), field(&form, "idempotency_key"));
    assert_ne!(key, field(&citizen.page(&format!("/nop-ho-so/{PROCEDURE}")).await, "idempotency_key"), "each form gets its own key");

    let wrong = citizen.post(&format!("/nop-ho-so/{PROCEDURE}"), &application(&token, &key, "12345")).await;
    assert_eq!(wrong.status, 422);
    assert!(wrong.html.contains("role=\"alert\"") && wrong.html.contains("Số điện thoại liên hệ: phải là số điện thoại 10 chữ số"), "{}", wrong.html);
    assert!(wrong.html.contains("value=\"12 Hùng Vương, phường Cẩm Thành\"") && wrong.html.contains("value=\"12345\""), "what was typed is kept");
    assert_eq!(field(&wrong.html, "idempotency_key"), key);

    let done = citizen.post(&format!("/nop-ho-so/{PROCEDURE}"), &application(&token, &key, "0905 123 456")).await;
    assert_eq!(done.status, 303);
    assert!(done.location.starts_with("/ho-so/"), "{}", done.location);
    let dossier = done.location.split('?').next().unwrap().to_owned();
    let page = citizen.page(&done.location).await;
    let code = page.split("<h1>Hồ sơ ").nth(1).unwrap().split('<').next().unwrap().to_owned();
    assert!(code.starts_with("000.00.04.H55-") && code.ends_with("-0001"), "{code}");
    assert!(page.contains("Đã nộp, chờ tiếp nhận") && page.contains("Hồ sơ đã được nộp") && page.contains("0905 123 456"));
    assert!(page.contains("Nộp hồ sơ trực tuyến</strong>"), "the timeline shows the submission");
    assert!(page.contains("value=\"withdraw\"") && !page.contains("value=\"receive\""), "the applicant may withdraw, not receive");

    let again = citizen.post(&format!("/nop-ho-so/{PROCEDURE}"), &application(&token, &key, "0905 123 456")).await;
    assert_eq!((again.status, again.location.split('?').next().unwrap()), (303, dossier.as_str()), "the same form makes one dossier");
    let mine = citizen.page("/ho-so-cua-toi").await;
    assert!(mine.contains(&code) && mine.contains("Yêu cầu trợ giúp pháp lý") && mine.contains("Bạn có 1 hồ sơ"));
    assert_eq!(citizen.get("/can-bo/ho-so").await.status, 403, "a citizen has no work queue");

    let desk = Browser::sign_in(&app, "motcua.tuphap").await;
    assert!(desk.page("/tai-khoan").await.contains("href=\"/can-bo/ho-so\""));
    let queue = desk.page("/can-bo/ho-so").await;
    assert!(queue.contains(&code) && queue.contains(&format!("href=\"{dossier}\"")) && queue.contains("Nguyễn Văn An"));
    assert!(desk.page(&format!("/can-bo/ho-so?q={code}")).await.contains(&code));
    assert!(!desk.page("/can-bo/ho-so?q=Tr%E1%BA%A7n+Kh%C3%B4ng+C%C3%B3").await.contains(&code));
    assert!(!desk.page("/can-bo/ho-so?trang_thai=received").await.contains(&code));
    let stale_page = desk.page(&dossier).await;

    let received = desk.act(&dossier, "receive", &[("note", "")]).await;
    assert_eq!(received.status, 303);
    let page = desk.page(&received.location).await;
    assert!(page.contains("<strong>Đã tiếp nhận</strong>") && page.contains("Đã thực hiện: Tiếp nhận hồ sơ."));
    assert!(is_appointment(&appointment_on(&page)), "{}", appointment_on(&page));
    assert!(citizen.page(&dossier).await.contains(&appointment_on(&page)), "the citizen sees the same appointment");

    let form = [("csrf_token", field(&stale_page, "csrf_token")), ("action", "receive".into()), ("version", field(&stale_page, "version"))];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let stale = desk.post(&format!("{dossier}/thao-tac"), &form).await;
    assert_eq!(stale.status, 409);
    assert!(stale.html.contains("role=\"alert\"") && stale.html.contains("Hồ sơ vừa được người khác cập nhật"), "{}", stale.html);
    assert!(stale.html.contains("<strong>Đã tiếp nhận</strong>"), "the page shows the dossier as it is now");

    let lead = Browser::sign_in(&app, "pheduyet.tuphap").await;
    let refused = lead.act(&dossier, "refuse", &[("note", "  ")]).await;
    assert_eq!(refused.status, 422);
    assert!(refused.html.contains("role=\"alert\"") && refused.html.contains("Lý do: cần ghi rõ lý do"));

    let (admin, csrf) = app.api_login("quantri").await;
    let body = serde_json::json!({"username": "motcua.yte", "full_name": "Cán bộ một cửa Sở Y tế", "password": PASSWORD, "roles": [{"role": "one_stop_officer", "org_unit": "000.00.09.H55"}]});
    assert_eq!(admin.post(app.url("/api/v1/admin/staff")).header("x-csrf-token", csrf).json(&body).send().await.unwrap().status(), 201);
    let stranger = Browser::sign_in(&app, "motcua.yte").await;
    assert_eq!(stranger.get(&dossier).await.status, 404, "another agency's officer cannot open it");
    assert!(!stranger.page("/can-bo/ho-so").await.contains(&code));
    assert_eq!(stranger.get("/ho-so/khong-phai-ma").await.status, 404);

    let anonymous = app.get("/ho-so-cua-toi").await;
    assert_eq!(anonymous.headers()["location"], "/dang-nhap?tiep=%2Fho-so-cua-toi", "sign in, then back here");
}

#[tokio::test]
async fn a_commune_procedure_asks_where_and_the_applicant_may_withdraw() {
    let app = spawn_app().await;
    let citizen = Browser::sign_in(&app, "051095000123").await;
    let form = citizen.page("/nop-ho-so/1.001193").await;
    let select = form.split("<select id=\"agency_code\"").nth(1).expect("a choice of commune").split("</select>").next().unwrap();
    assert!(select.matches("<option value=\"000.").count() >= 90, "every commune-level unit is offered");
    let (token, key) = (field(&form, "csrf_token"), field(&form, "idempotency_key"));
    let missing = citizen.post("/nop-ho-so/1.001193", &application(&token, &key, "0905123456")).await;
    assert_eq!(missing.status, 422);
    assert!(missing.html.contains("Nơi nộp: chọn xã, phường hoặc đặc khu"));

    let commune = select.split("<option value=\"").nth(2).unwrap().split('"').next().unwrap().to_owned();
    // The birth registration's own fields come from the catalogue and are checked too.
    assert!(form.contains("for=\"f-child_birth_date\"") && form.contains("Giới tính của trẻ"));
    let mut without_child = application(&token, &key, "0905123456");
    without_child.push(("agency_code", &commune));
    let refused = citizen.post("/nop-ho-so/1.001193", &without_child).await;
    assert_eq!(refused.status, 422);
    assert!(refused.html.contains("Họ, chữ đệm và tên của trẻ: không được để trống."), "the missing field is named");
    let child = [("agency_code", commune.as_str()), ("child_name", "Nguyễn Thị Hoà"), ("child_birth_date", "2026-11-01"), ("child_sex", "Nữ"), ("birth_place", "Bệnh viện Đa khoa tỉnh Quảng Ngãi"), ("mother_name", "Trần Thị Mai"), ("requester_relation", "Mẹ")];
    let (dossier, code) = submit(&citizen, "1.001193", &child).await;
    assert!(code.starts_with(&format!("{commune}-")), "{code}");

    let unconfirmed = citizen.act(&dossier, "withdraw", &[("note", "")]).await;
    assert_eq!(unconfirmed.status, 422, "withdrawing asks to confirm first");
    let withdrawn = citizen.act(&dossier, "withdraw", &[("note", "Nộp nhầm nơi"), ("confirm", "yes")]).await;
    assert_eq!(withdrawn.status, 303);
    let page = citizen.page(&dossier).await;
    assert!(page.contains("<strong>Đã rút hồ sơ</strong>") && page.contains("Nộp nhầm nơi") && !page.contains("name=\"action\""));
    assert_eq!(citizen.get("/nop-ho-so/9.999999").await.status, 404);
}

#[tokio::test]
async fn a_late_dossier_goes_to_its_result_through_the_pages_with_an_apology() {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    use tinhso_dossier::entity::dossier;
    let app = spawn_app().await;
    let citizen = Browser::sign_in(&app, "051095000123").await;
    let (path, code) = submit(&citizen, PROCEDURE, &[]).await;
    let desk = Browser::sign_in(&app, "motcua.tuphap").await;
    assert_eq!(desk.act(&path, "receive", &[]).await.status, 303);
    // Two days pass: the appointment is now in the past.
    let past = chrono::Utc::now() - chrono::Duration::days(2);
    let id = uuid::Uuid::parse_str(path.trim_start_matches("/ho-so/")).unwrap();
    dossier::Entity::update_many().col_expr(dossier::Column::DueAt, sea_orm::sea_query::Expr::value(past)).filter(dossier::Column::Id.eq(id)).exec(&app.db).await.unwrap();
    let queue = desk.page("/can-bo/ho-so").await;
    assert!(queue.contains(&code) && queue.contains("Quá hạn"), "the queue marks it late");

    let lead = Browser::sign_in(&app, "pheduyet.tuphap").await;
    let page = lead.page(&path).await;
    let officers = page.split("<select id=\"assignee-assign\"").nth(1).unwrap().split("</select>").next().unwrap();
    let officer = officers.split("<option value=\"").nth(2).unwrap();
    assert!(officer.contains("Lê Văn Cường"), "the unit's processing officers are offered: {officers}");
    let officer_id = officer.split('"').next().unwrap().to_owned();
    assert_eq!(lead.act(&path, "assign", &[("assignee", &officer_id)]).await.status, 303);

    let officer = Browser::sign_in(&app, "chuyenvien.tuphap").await;
    assert!(officer.page(&path).await.contains("Lê Văn Cường"), "staff see who handles it");
    assert_eq!(officer.act(&path, "record_step", &[("note", "Đủ điều kiện trợ giúp pháp lý")]).await.status, 303);
    assert_eq!(officer.act(&path, "submit_for_approval", &[]).await.status, 303);
    assert_eq!(lead.act(&path, "approve", &[]).await.status, 303);

    let early = desk.act(&path, "return_result", &[]).await;
    assert_eq!(early.status, 409);
    assert!(early.html.contains("cần lập phiếu xin lỗi"));
    let page = desk.page(&path).await;
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(2)).format("%Y-%m-%d").to_string();
    let apology = [("csrf_token", field(&page, "csrf_token")), ("version", field(&page, "version")), ("reason", "Phải xác minh thêm.".into()), ("date", tomorrow), ("time", "16:30".into())];
    let apology: Vec<(&str, &str)> = apology.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = desk.post(&format!("{path}/xin-loi"), &apology).await;
    assert_eq!(r.status, 303, "{}", r.html);
    assert_eq!(desk.act(&path, "return_result", &[]).await.status, 303);

    let page = citizen.page(&path).await;
    assert!(page.contains("<strong>Đã trả kết quả</strong>") && page.contains("Đã hẹn lại kèm phiếu xin lỗi"));
    assert!(appointment_on(&page).starts_with("16:30 ngày "), "{}", appointment_on(&page));
    for step in ["Tiếp nhận hồ sơ, hẹn ngày trả kết quả", "Phân công chuyên viên xử lý", "Đủ điều kiện trợ giúp pháp lý", "Phiếu xin lỗi và hẹn lại ngày trả kết quả", "Trả kết quả"] {
        assert!(page.contains(step), "the timeline lacks {step}");
    }

    // The signed result is one click away, and the service is rated once.
    assert!(page.contains(&format!("/api/v1/dossiers/{id}/result.pdf")) && page.contains("/receipt.pdf"));
    let pdf = citizen.client.get(app.url(&format!("/api/v1/dossiers/{id}/result.pdf"))).send().await.unwrap();
    assert_eq!(pdf.status(), 200);
    assert!(tinhso_signing::verify_pdf(&pdf.bytes().await.unwrap()).unwrap().is_valid());
    let token = field(&page, "csrf_token");
    let r = citizen.post(&format!("{path}/danh-gia"), &[("csrf_token", &token), ("score", "5"), ("comment", "Nhanh")]).await;
    assert_eq!(r.status, 303, "{}", r.html);
    let page = citizen.page(&r.location).await;
    assert!(page.contains("Cảm ơn bạn đã đánh giá") && !page.contains("Gửi đánh giá"), "rated once: the form is gone");
}

#[tokio::test]
async fn a_form_saved_as_a_draft_is_resumed_and_gone_once_submitted() {
    let app = spawn_app().await;
    let citizen = Browser::sign_in(&app, "051095000123").await;
    let path = format!("/nop-ho-so/{PROCEDURE}");
    let html = citizen.page(&path).await;
    assert!(html.contains("formnovalidate"), "saving a half-filled form is not blocked by the browser");
    let (token, key) = (field(&html, "csrf_token"), field(&html, "idempotency_key"));
    let half = [("csrf_token", token.as_str()), ("idempotency_key", key.as_str()), ("phone", "0905 123"), ("address", "12 Hùng Vương"), ("luu_nhap", "1")];
    let saved = citizen.post(&path, &half).await;
    assert_eq!((saved.status, saved.location.as_str()), (303, path.as_str()), "{}", saved.html);
    let resumed = citizen.page(&path).await;
    assert!(resumed.contains("Bản nháp đã lưu lúc") && resumed.contains("value=\"0905 123\"") && resumed.contains("value=\"12 Hùng Vương\""), "{resumed}");
    let mine = citizen.page("/ho-so-cua-toi").await;
    assert!(mine.contains("Hồ sơ đang soạn") && mine.contains(&format!("href=\"{path}\"")), "my dossiers lists the draft");

    let (api, csrf) = app.api_login("051095000123").await;
    let drafts: serde_json::Value = api.get(app.url("/api/v1/drafts")).send().await.unwrap().json().await.unwrap();
    assert_eq!((drafts[0]["procedure_code"].as_str(), drafts[0]["form"]["phone"].as_str()), (Some(PROCEDURE), Some("0905 123")));
    let unknown = serde_json::json!({"form": {"mat_khau": "x"}});
    let r = api.put(app.url(&format!("/api/v1/drafts/{PROCEDURE}"))).header("x-csrf-token", &csrf).json(&unknown).send().await.unwrap();
    assert_eq!(r.status(), 422, "a field the form does not have is refused");
    let still: serde_json::Value = api.get(app.url(&format!("/api/v1/drafts/{PROCEDURE}"))).send().await.unwrap().json().await.unwrap();
    assert_eq!(still["form"]["phone"], "0905 123", "and the draft is unchanged");

    let form = [("csrf_token", token.as_str()), ("idempotency_key", key.as_str()), ("phone", "0905 123 456"), ("address", "12 Hùng Vương")];
    assert_eq!(citizen.post(&path, &form).await.status, 303);
    assert!(!citizen.page(&path).await.contains("Bản nháp đã lưu"), "submission removes the draft");
    assert_eq!(api.get(app.url(&format!("/api/v1/drafts/{PROCEDURE}"))).send().await.unwrap().status(), 404);

    // Deleting a draft asks first.
    let html = citizen.page(&path).await;
    let again = [("csrf_token", field(&html, "csrf_token")), ("idempotency_key", field(&html, "idempotency_key")), ("phone", "0905".into()), ("luu_nhap", "1".into())];
    let again: Vec<(&str, &str)> = again.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(citizen.post(&path, &again).await.status, 303);
    let confirm = citizen.page(&format!("/ban-nhap/{PROCEDURE}/xoa")).await;
    assert!(confirm.contains("không khôi phục được"));
    let gone = citizen.post(&format!("/ban-nhap/{PROCEDURE}/xoa"), &[("csrf_token", field(&confirm, "csrf_token").as_str())]).await;
    assert_eq!((gone.status, gone.location.as_str()), (303, "/ho-so-cua-toi"));
    assert!(!citizen.page("/ho-so-cua-toi").await.contains("Hồ sơ đang soạn"));
}
