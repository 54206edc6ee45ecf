//! The people's pages over HTTP: what they say, that forms are protected, and that each
//! page stays light enough for an old phone on a slow link.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;
use common::{PASSWORD, spawn_app};

const MAX_PAGE_BYTES: usize = 60 * 1024;

/// Every input and select with an id has a label pointing at it.
fn assert_labelled(html: &str, page: &str) {
    for tag in ["<input", "<select"] {
        for part in html.split(tag).skip(1) {
            let el = &part[..part.find('>').unwrap()];
            if el.contains("type=\"hidden\"") || el.contains("type=\"radio\"") {
                continue;
            }
            let id = el.split("id=\"").nth(1).map(|s| &s[..s.find('"').unwrap()]).unwrap_or_else(|| panic!("{page}: {tag} without id: {el}"));
            assert!(html.contains(&format!("for=\"{id}\"")), "{page}: #{id} has no label");
        }
    }
}

#[tokio::test]
async fn pages_say_what_a_person_needs_and_stay_light() {
    let app = spawn_app().await;
    for path in ["/", "/thu-tuc", "/thu-tuc?q=ly+lich+tu+phap", "/thu-tuc/1.001193", "/dang-nhap", "/dang-ky"] {
        let r = app.get(path).await;
        assert_eq!(r.status(), 200, "{path}");
        assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
        let html = r.text().await.unwrap();
        assert!(html.len() < MAX_PAGE_BYTES, "{path} weighs {} bytes", html.len());
        assert!(html.contains("<html lang=\"vi\">") && html.contains("<h1"), "{path}");
        assert_labelled(&html, path);
    }
    let results = app.get("/thu-tuc?q=xin+giay+phep+xay+dung").await.text().await.unwrap();
    let first = results.split("<li class=\"card\">").nth(1).unwrap();
    assert!(first.contains("giấy phép xây dựng") || first.contains("Giấy phép xây dựng"), "{first}");

    let page = app.get("/thu-tuc/1.001193").await.text().await.unwrap();
    for expected in ["Đăng ký khai sinh", "Bạn cần chuẩn bị", "Lệ phí", "Nộp hồ sơ ở đâu", "Trực tuyến toàn trình", "Thời gian giải quyết"] {
        assert!(page.contains(expected), "procedure page lacks {expected}");
    }
    let missing = app.get("/thu-tuc/9.999999").await;
    assert_eq!(missing.status(), 404);
}

#[tokio::test]
async fn filters_on_the_results_page_narrow_the_list() {
    let app = spawn_app().await;
    let all = app.get("/thu-tuc?q=dang+ky").await.text().await.unwrap();
    let commune = app.get("/thu-tuc?q=dang+ky&level=commune").await.text().await.unwrap();
    let count = |html: &str| html.split("Tìm thấy ").nth(1).unwrap().split(' ').next().unwrap().parse::<usize>().unwrap();
    assert!(count(&commune) < count(&all));
    assert!(commune.contains("<option value=\"commune\" selected>"));
}

#[tokio::test]
async fn signing_in_and_out_through_the_forms() {
    let app = spawn_app().await;
    let token = app.form_token("/dang-nhap").await;
    let form = |login: &str, password: &str, token: &str| {
        app.client.post(app.url("/dang-nhap")).form(&[("csrf_token", token), ("login", login), ("password", password)]).send()
    };
    let wrong = form("051095000123", "sai-mat-khau", &token).await.unwrap();
    assert_eq!(wrong.status(), 422);
    assert!(wrong.text().await.unwrap().contains("Tên đăng nhập hoặc mật khẩu không đúng."));
    let forged = form("051095000123", PASSWORD, "not-the-token").await.unwrap();
    assert_eq!(forged.status(), 403, "a form without the session's token is refused");

    let ok = form("051095000123", PASSWORD, &token).await.unwrap();
    assert_eq!(ok.status(), 303);
    assert_eq!(ok.headers()["location"], "/tai-khoan");
    let account = app.get("/tai-khoan").await.text().await.unwrap();
    assert!(account.contains("Xin chào, Nguyễn Văn An") && account.contains("Công dân"));

    let token = app.form_token("/tai-khoan").await;
    let out = app.client.post(app.url("/dang-xuat")).form(&[("csrf_token", token.as_str())]).send().await.unwrap();
    assert_eq!(out.status(), 303);
    let after = app.get("/tai-khoan").await;
    assert_eq!(after.headers()["location"], "/dang-nhap?tiep=%2Ftai-khoan", "signed out: the account page asks to sign in");

    // Signing in from there comes back to the page asked for, and never to another site.
    let token = app.form_token("/dang-nhap?tiep=%2Fthu-tuc%2F1.001193").await;
    let login = |tiep: &'static str| app.client.post(app.url("/dang-nhap")).form(&[("csrf_token", token.as_str()), ("login", "051095000123"), ("password", PASSWORD), ("tiep", tiep)]).send();
    assert_eq!(login("/thu-tuc/1.001193").await.unwrap().headers()["location"], "/thu-tuc/1.001193");
    assert_eq!(login("//evil.example/x").await.unwrap().headers()["location"], "/tai-khoan");
}

#[tokio::test]
async fn registration_explains_a_wrong_personal_id() {
    let app = spawn_app().await;
    let token = app.form_token("/dang-ky").await;
    let fields = |login: &'static str| [("csrf_token", token.clone()), ("kind", "citizen".into()), ("login", login.into()), ("full_name", "Trần Văn Bình".into()), ("password", "mat-khau-du-dai".into()), ("password_again", "mat-khau-du-dai".into())];
    let r = app.client.post(app.url("/dang-ky")).form(&fields("999095000123")).send().await.unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Số định danh cá nhân") && html.contains("mã tỉnh"), "the message says what is wrong");
    assert!(html.contains("value=\"Trần Văn Bình\""), "what the person typed is kept");
    let r = app.client.post(app.url("/dang-ky")).form(&fields("051095000456")).send().await.unwrap();
    assert_eq!(r.status(), 303);
}

#[tokio::test]
async fn an_administrator_creates_staff_and_others_cannot() {
    let app = spawn_app().await;
    let (citizen, csrf) = app.api_login("051095000123").await;
    let body = serde_json::json!({"username": "motcua.xa", "full_name": "Cán bộ một cửa xã", "password": PASSWORD, "roles": [{"role": "one_stop_officer", "org_unit": "000.01.50.H55"}]});
    let r = citizen.post(app.url("/api/v1/admin/staff")).header("x-csrf-token", &csrf).json(&body).send().await.unwrap();
    assert_eq!(r.status(), 403);
    let (admin, csrf) = app.api_login("quantri").await;
    let r = admin.post(app.url("/api/v1/admin/staff")).header("x-csrf-token", &csrf).json(&body).send().await.unwrap();
    assert_eq!(r.status(), 201);
    let id = r.json::<serde_json::Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    let grant = serde_json::json!({"role": "approver", "org_unit": "000.01.50.H55"});
    let r = admin.post(app.url(&format!("/api/v1/admin/staff/{id}/roles"))).header("x-csrf-token", &csrf).json(&grant).send().await.unwrap();
    assert_eq!(r.status(), 204);
    let (new_staff, _) = app.api_login("motcua.xa").await;
    let me: serde_json::Value = new_staff.get(app.url("/api/v1/session")).send().await.unwrap().json().await.unwrap();
    assert_eq!(me["roles"].as_array().unwrap().len(), 2);
    assert_eq!(me["roles"][0]["org_unit_code"], "000.01.50.H55");

    // The page form does the same for a person.
    let page = app.client.get(app.url("/quan-tri/can-bo")).send().await.unwrap();
    assert_eq!(page.headers()["location"], "/dang-nhap?tiep=%2Fquan-tri%2Fcan-bo");
}
