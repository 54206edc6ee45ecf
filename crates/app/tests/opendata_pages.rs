//! The open data portal's pages: search with facets, a dataset with its quality and usage, a
//! table's preview, the roadmap, a steward creating, uploading and deleting through forms, and
//! the DCAT catalogue.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;

use common::{TestApp, spawn_app};
use std::time::Duration;

/// The self-published datasets appear shortly after the app starts.
async fn wait_for(app: &TestApp, name: &str) {
    for _ in 0..100 {
        let (_, list) = app.get_json("/api/3/action/package_list").await;
        if list["result"].as_array().is_some_and(|l| l.iter().any(|n| n == name)) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("{name} was not self-published");
}

async fn text(client: &reqwest::Client, url: String) -> (u16, String) {
    let r = client.get(url).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test]
async fn the_public_finds_reads_and_previews_self_published_data() {
    let app = spawn_app().await;
    wait_for(&app, "danh-sach-co-quan-don-vi").await;
    wait_for(&app, "lich-ngay-nghi-le").await;
    let (status, home) = text(&app.client, app.url("/du-lieu-mo?q=co+quan+don+vi")).await;
    assert_eq!(status, 200);
    assert!(home.contains("Danh sách cơ quan, đơn vị hành chính tỉnh Quảng Ngãi") && home.contains("Sở Nội vụ"), "{home}");
    assert!(home.contains("Định dạng") && home.contains("CSV"), "facets are shown");
    let (_, filtered) = text(&app.client, app.url("/du-lieu-mo?res_format=PDF")).await;
    assert!(filtered.contains("<strong>0</strong> bộ dữ liệu"), "a facet filters");

    let (status, page) = text(&app.client, app.url("/dataset/danh-sach-co-quan-don-vi")).await;
    assert_eq!(status, 200);
    for part in ["Chất lượng dữ liệu", "Đúng:", "Đủ:", "Sạch:", "Sống:", "Xem trước bảng", "Lượt sử dụng", "Tái sử dụng"] {
        assert!(page.contains(part), "{part} missing");
    }
    let at = page.find("/dataset/danh-sach-co-quan-don-vi/resource/").unwrap();
    let preview = page[at..].split('"').next().unwrap().to_owned();
    let (status, table) = text(&app.client, app.url(&format!("{preview}?sort=ten_don_vi&desc=true"))).await;
    assert_eq!(status, 200);
    assert!(table.contains("aria-sort=\"descending\"") && table.contains("Xã") && table.contains("Trang sau"), "sorted, paged preview");
    // The view was counted for this month.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (_, again) = text(&app.client, app.url("/dataset/danh-sach-co-quan-don-vi")).await;
    assert!(again.contains(&tinhso_opendata::usage::month_now()), "usage per month is shown");

    // The plan's budget, published from the imported plan, adds up to the document's total.
    // (The dataset is created first, then its files are added: wait for the file.)
    wait_for(&app, "kinh-phi-chuyen-doi-so").await;
    let mut by_agency = serde_json::Value::Null;
    for _ in 0..100 {
        let (_, budget) = app.get_json("/api/3/action/package_show?id=kinh-phi-chuyen-doi-so").await;
        if let Some(r) = budget["result"]["resources"].as_array().unwrap().iter().find(|r| r["name"] == "Kinh phí chuyển đổi số theo cơ quan (CSV)") {
            by_agency = r.clone();
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let q = format!("/api/3/action/datastore_search?resource_id={}&limit=1000&filters={}", by_agency["id"].as_str().unwrap(), tinhso_web::encode_path(r#"{"ke_hoach":"KH-CĐS-2025"}"#));
    let (status, rows) = app.get_json(&q).await;
    assert_eq!(status, 200, "{rows}");
    let total: i64 = rows["result"]["records"].as_array().unwrap().iter().map(|r| r["kinh_phi_trieu_dong"].as_i64().unwrap()).sum();
    assert_eq!(total, 328_364);
    wait_for(&app, "tien-do-nhiem-vu-ke-hoach").await;
    wait_for(&app, "chi-tieu-ke-hoach-chinh-quyen-so").await;

    let (_, roadmap) = text(&app.client, app.url("/du-lieu-mo/lo-trinh")).await;
    assert!(roadmap.contains("Quá hạn, chưa công bố") && roadmap.contains("Chưa đến hạn") && roadmap.contains("Đã công bố đúng hạn"), "{roadmap}");
    let (status, _) = text(&app.client, app.url("/du-lieu-mo/chua-cap-nhat")).await;
    assert_eq!(status, 200);
    let (status, org) = text(&app.client, app.url("/organization/000-00-02-h55")).await;
    assert_eq!(status, 200);
    assert!(org.contains("Sở Nội vụ") && org.contains("Lộ trình công bố"));

    let (_, plan) = app.get_json("/api/v1/opendata/roadmap").await;
    assert_eq!(plan["agencies"], 5, "{plan}");
    assert!(plan["rows"].to_string().contains("\"late\""), "{plan}");
    let (_, found) = app.get_json("/api/3/action/package_search?q=title:lich").await;
    assert_eq!(found["result"]["results"][0]["name"], "lich-ngay-nghi-le", "a field CKAN clients put in q searches its words");

    let r = app.get("/catalog.ttl").await;
    assert_eq!(r.headers()["content-type"], "text/turtle; charset=utf-8");
    assert!(r.text().await.unwrap().contains("<http://www.w3.org/ns/dcat#Catalog>"));
    let (status, ld) = app.get_json("/dataset/danh-sach-co-quan-don-vi.jsonld").await;
    assert_eq!(status, 200);
    assert!(ld.to_string().contains("http://www.w3.org/ns/dcat#Dataset"));
    let r = app.get("/dataset/danh-sach-co-quan-don-vi.rdf").await;
    assert!(r.text().await.unwrap().starts_with("<?xml"));
}

#[tokio::test]
async fn a_steward_publishes_through_the_forms_and_confirms_deletion() {
    let app = spawn_app().await;
    let (client, csrf) = app.api_login("dulieu.khcn").await;
    let (status, form) = text(&client, app.url("/du-lieu-mo/quan-ly/tao-moi")).await;
    assert_eq!(status, 200);
    assert!(form.contains("Tạo bộ dữ liệu mới"));
    let fields = [("csrf_token", csrf.as_str()), ("name", "diem-wifi"), ("title", "Điểm wifi công cộng"), ("notes", "Các điểm phát sóng wifi miễn phí"), ("owner_org", "000.00.03.H55"), ("license_id", "cc-by"), ("tags", "wifi, chuyển đổi số"), ("frequency", "quarterly"), ("theme", "khoa-hoc-cong-nghe")];
    let r = client.post(app.url("/du-lieu-mo/quan-ly/tao-moi")).form(&fields).send().await.unwrap();
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    assert_eq!(r.headers()["location"], "/dataset/diem-wifi/tai-len");
    // A bad name re-shows the form with the reason, nothing stored.
    let bad = [("csrf_token", csrf.as_str()), ("name", "Sai Ten"), ("owner_org", "000.00.03.H55"), ("license_id", "cc-by")];
    let (_, again) = (0, client.post(app.url("/du-lieu-mo/quan-ly/tao-moi")).form(&bad).send().await.unwrap().text().await.unwrap());
    assert!(again.contains("Chưa lưu được") && again.contains("name:"), "{again}");
    // Without the CSRF token: refused.
    let r = client.post(app.url("/du-lieu-mo/quan-ly/tao-moi")).form(&fields[1..]).send().await.unwrap();
    assert_eq!(r.status(), 403);

    const B: &str = "----tinhso-form";
    let mut body = format!("--{B}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{csrf}\r\n--{B}\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nDanh sách điểm\r\n").into_bytes();
    body.extend(format!("--{B}\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"wifi.csv\"\r\nContent-Type: text/csv\r\n\r\nten,xa,so_diem\nQuảng trường,Cẩm Thành,3\nBến xe,Nghĩa Lộ,2\n\r\n--{B}--\r\n").as_bytes());
    let r = client.post(app.url("/dataset/diem-wifi/tai-len")).header("content-type", format!("multipart/form-data; boundary={B}")).body(body).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let preview = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(preview.starts_with("/dataset/diem-wifi/resource/"));
    let (_, table) = text(&client, app.url(&preview)).await;
    assert!(table.contains("Quảng trường") && table.contains("2 dòng"), "{table}");

    let (status, confirm) = text(&client, app.url("/dataset/diem-wifi/xoa")).await;
    assert_eq!(status, 200);
    assert!(confirm.contains("Xác nhận xóa"));
    let r = client.post(app.url("/dataset/diem-wifi/xoa")).form(&[("csrf_token", csrf.as_str()), ("confirm", "yes")]).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let (status, _) = text(&app.client, app.url("/dataset/diem-wifi")).await;
    assert_eq!(status, 404);
    // A citizen is not a data steward.
    let (citizen, _) = app.api_login("051095000123").await;
    let (status, _) = text(&citizen, app.url("/du-lieu-mo/quan-ly")).await;
    assert_eq!(status, 403);
}
