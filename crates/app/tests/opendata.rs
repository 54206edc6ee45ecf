//! The open data portal driven the way CKAN clients drive it: JSON POSTs to `/api/action/…`,
//! the API key in `Authorization` or `X-CKAN-API-Key`, multipart uploads; and the answers'
//! shapes checked against CKAN's.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;

use common::{TestApp, person, spawn_app};
use serde_json::{Value, json};

async fn steward_key(app: &TestApp) -> String {
    let steward = person(app, "dulieu.khcn").await;
    let out = steward.post_ok(app, "/api/v1/opendata/api-keys", json!({"name": "đồng bộ CKAN"})).await;
    out["token"].as_str().unwrap().to_owned()
}

/// POSTs JSON to an action as CKAN clients do; returns status and body.
async fn call(app: &TestApp, action: &str, key: Option<&str>, body: Value) -> (u16, Value) {
    let mut req = reqwest::Client::new().post(app.url(&format!("/api/action/{action}"))).json(&body);
    if let Some(k) = key {
        req = req.header("Authorization", k);
    }
    let r = req.send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

async fn ok(app: &TestApp, action: &str, key: Option<&str>, body: Value) -> Value {
    let (status, out) = call(app, action, key, body).await;
    assert_eq!(status, 200, "{action}: {out}");
    assert_eq!(out["success"], true);
    assert!(out["help"].as_str().unwrap().contains("help_show"));
    out["result"].clone()
}

fn dataset(name: &str) -> Value {
    json!({
        "name": name, "title": "Cơ sở y tế trên địa bàn tỉnh", "notes": "Danh sách bệnh viện, trạm y tế xã với địa chỉ và số giường bệnh.",
        "license_id": "cc-by", "tags": [{"name": "y tế"}, {"name": "bệnh viện"}], "frequency": "annual",
        "spatial": "Tỉnh Quảng Ngãi", "temporal_start": "2025-01-01", "groups": [{"name": "y-te"}],
        "maintainer": "Sở KH&CN", "extras": [{"key": "nguon", "value": "Sở Y tế"}]
    })
}

async fn upload(app: &TestApp, key: &str, package: &str, file: &str, bytes: Vec<u8>) -> (u16, Value) {
    const B: &str = "----tinhso-opendata-boundary";
    let mut body = Vec::new();
    for (k, v) in [("package_id", package), ("name", file)] {
        body.extend(format!("--{B}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").as_bytes());
    }
    body.extend(format!("--{B}\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"{file}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
    body.extend_from_slice(&bytes);
    body.extend(format!("\r\n--{B}--\r\n").as_bytes());
    let r = reqwest::Client::new()
        .post(app.url("/api/3/action/resource_create"))
        .header("X-CKAN-API-Key", key)
        .header("content-type", format!("multipart/form-data; boundary={B}"))
        .body(body)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

#[tokio::test]
async fn a_ckan_client_publishes_finds_and_reads_a_dataset() {
    let app = spawn_app().await;
    let key = steward_key(&app).await;
    let created = ok(&app, "package_create", Some(&key), dataset("co-so-y-te")).await;
    assert_eq!(created["name"], "co-so-y-te");
    assert_eq!(created["organization"]["name"], "000-00-03-h55", "a steward publishes for their own unit");
    assert_eq!(created["type"], "dataset");
    assert_eq!(created["license_title"].as_str().unwrap(), "Creative Commons Ghi công 4.0 (CC BY 4.0)");
    assert_eq!(created["isopen"], true);
    assert_eq!(created["num_tags"], 2);
    assert_eq!(created["groups"][0]["name"], "y-te");
    assert!(created["metadata_created"].as_str().unwrap().len() == 26, "CKAN's timestamp shape");

    // A CSV with a ragged row: accepted, read as a table, the problem reported with its line.
    let csv = "ten,loai,so_giuong\nBệnh viện Đa khoa tỉnh,benh_vien,800\nTrạm y tế xã Tịnh Khê,tram,5\nTrạm y tế Nghĩa Hà,tram\nBệnh viện Sản Nhi,benh_vien,400\n";
    let (status, res) = upload(&app, &key, "co-so-y-te", "co-so-y-te.csv", csv.as_bytes().to_vec()).await;
    assert_eq!(status, 200, "{res}");
    let res = res["result"].clone();
    assert_eq!(res["format"], "CSV");
    assert_eq!(res["url_type"], "upload");
    assert_eq!(res["datastore_active"], true);
    assert_eq!(res["size"], csv.len());
    assert_eq!(res["schema"]["fields"][2]["type"], "integer");
    let url = res["url"].as_str().unwrap();
    assert!(url.starts_with(&app.base) && url.ends_with("/download/co-so-y-te.csv"), "{url}");
    let file = app.client.get(url).send().await.unwrap();
    assert_eq!(file.status(), 200);
    assert_eq!(file.bytes().await.unwrap(), csv.as_bytes());

    // Datastore: filter, sort and page without downloading.
    let rid = res["id"].as_str().unwrap();
    let ds = ok(&app, "datastore_search", None, json!({"resource_id": rid, "filters": {"loai": "benh_vien"}, "sort": "so_giuong desc", "limit": 1})).await;
    assert_eq!(ds["total"], 2);
    assert_eq!(ds["records"][0]["so_giuong"], 800);
    assert_eq!(ds["records"][0]["_id"], 1);
    assert_eq!(ds["fields"][3], json!({"id": "so_giuong", "type": "int"}));
    let (status, bad) = call(&app, "datastore_search", None, json!({"resource_id": rid, "sort": "khong_co desc"})).await;
    assert_eq!((status, bad["error"]["__type"].as_str()), (409, Some("Validation Error")));

    // Quality: the ragged row is reported with its line, and the portal still serves the data.
    let (_, q) = app.get_json("/api/v1/opendata/datasets/co-so-y-te/quality").await;
    assert!(q["clean"]["reasons"].to_string().contains("dòng 4"), "{q}");

    // Reading, as CKAN clients do: GET with query parameters.
    let (status, shown) = app.get_json("/api/3/action/package_show?id=co-so-y-te").await;
    assert_eq!(status, 200);
    assert_eq!(shown["result"]["num_resources"], 1);
    assert_eq!(shown["result"]["resources"][0]["id"], rid);
    let (_, list) = app.get_json("/api/3/action/package_list").await;
    assert!(list["result"].as_array().unwrap().contains(&json!("co-so-y-te")));
    let found = ok(&app, "package_search", None, json!({"q": "benh vien", "facet.field": "[\"organization\",\"tags\",\"res_format\"]", "rows": 5})).await;
    assert_eq!(found["count"], 1, "{found}");
    assert_eq!(found["results"][0]["name"], "co-so-y-te");
    assert_eq!(found["facets"]["res_format"]["CSV"], 1);
    let org_items = &found["search_facets"]["organization"]["items"];
    assert_eq!(org_items[0], json!({"name": "000-00-03-h55", "display_name": "Sở Khoa học và Công nghệ", "count": 1}));
    let by_fq = ok(&app, "package_search", None, json!({"fq": "tags:\"y tế\" res_format:CSV", "sort": "metadata_modified desc"})).await;
    assert_eq!(by_fq["count"], 1);
    let (status, err) = call(&app, "package_search", None, json!({"sort": "khong_co asc"})).await;
    assert_eq!((status, err["error"]["__type"].as_str()), (409, Some("Search Query Error")));
    let shown = ok(&app, "resource_show", None, json!({"id": rid})).await;
    assert_eq!(shown["package_id"], created["id"]);
    let orgs = ok(&app, "organization_list", None, json!({"all_fields": true})).await;
    let khcn = orgs.as_array().unwrap().iter().find(|o| o["name"] == "000-00-03-h55").unwrap();
    assert_eq!(khcn["package_count"], 1);
    let org = ok(&app, "organization_show", None, json!({"id": "000.00.03.H55", "include_datasets": true})).await;
    assert_eq!(org["packages"][0]["name"], "co-so-y-te");
    assert!(ok(&app, "license_list", None, json!({})).await.as_array().unwrap().iter().any(|l| l["id"] == "cc-zero"));
    assert!(ok(&app, "tag_list", None, json!({})).await.as_array().unwrap().contains(&json!("y tế")));
    assert!(ok(&app, "group_list", None, json!({})).await.as_array().unwrap().contains(&json!("y-te")));
    assert_eq!(ok(&app, "status_show", None, json!({})).await["ckan_version"], "2.10.4");
    assert_eq!(ok(&app, "site_read", None, json!({})).await, true);
    let current = ok(&app, "current_package_list_with_resources", None, json!({"limit": 100})).await;
    assert!(current.as_array().unwrap().iter().any(|p| p["name"] == "co-so-y-te" && p["resources"].as_array().unwrap().len() == 1));
    let (status, err) = app.get_json("/api/3/action/package_show?id=khong-co").await;
    assert_eq!((status, err["error"]["__type"].as_str(), err["success"].as_bool()), (404, Some("Not Found Error"), Some(false)));
    let (status, _) = app.get_json("/api/3/action/khong_co_hanh_dong").await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn writes_need_a_key_and_are_checked() {
    let app = spawn_app().await;
    let key = steward_key(&app).await;
    let (status, err) = call(&app, "package_create", None, dataset("khong-khoa")).await;
    assert_eq!((status, err["error"]["__type"].as_str()), (403, Some("Authorization Error")));
    let (status, err) = call(&app, "package_create", Some("tso_sai"), dataset("khoa-sai")).await;
    assert_eq!((status, err["error"]["__type"].as_str()), (403, Some("Authorization Error")));
    let (status, err) = call(&app, "package_create", Some(&key), json!({"name": "Sai Ten", "license_id": "khong-co"})).await;
    assert_eq!(status, 409);
    assert_eq!(err["error"]["__type"], "Validation Error");
    assert!(err["error"]["name"].is_array() && err["error"]["license_id"].is_array(), "{err}");
    // Another agency's data: a steward of Sở KH&CN cannot publish for Sở Y tế.
    let mut other = dataset("cua-so-khac");
    other["owner_org"] = json!("000.00.04.H55");
    let (status, err) = call(&app, "package_create", Some(&key), other).await;
    assert_eq!((status, err["error"]["__type"].as_str()), (403, Some("Authorization Error")));
    ok(&app, "package_create", Some(&key), dataset("bo-du-lieu")).await;
    let (status, err) = call(&app, "package_create", Some(&key), dataset("bo-du-lieu")).await;
    assert_eq!(status, 409);
    assert!(err["error"]["name"][0].as_str().unwrap().contains("already in use"));

    // Patch changes what it names; update replaces the rest.
    let patched = ok(&app, "package_patch", Some(&key), json!({"id": "bo-du-lieu", "title": "Tên mới"})).await;
    assert_eq!((patched["title"].as_str(), patched["num_tags"].as_u64()), (Some("Tên mới"), Some(2)));
    let updated = ok(&app, "package_update", Some(&key), json!({"id": "bo-du-lieu", "title": "Chỉ còn tiêu đề", "license_id": "cc-zero"})).await;
    assert_eq!((updated["num_tags"].as_u64(), updated["license_id"].as_str()), (Some(0), Some("cc-zero")));

    // Uploads: unknown format and over the limit get clear errors; nothing is half-written.
    let (status, err) = upload(&app, &key, "bo-du-lieu", "chuong-trinh.exe", b"MZ\x90\x00".to_vec()).await;
    assert_eq!(status, 409, "{err}");
    assert!(err["error"]["format"][0].as_str().unwrap().contains("không được hỗ trợ"), "{err}");
    let (status, err) = upload(&app, &key, "bo-du-lieu", "lon.csv", vec![b'a'; tinhso_opendata::DEFAULT_MAX_UPLOAD + 10]).await;
    assert_eq!(status, 409, "{err}");
    assert!(err["error"]["upload"][0].as_str().unwrap().contains("vượt quá giới hạn"), "{err}");
    let (status, err) = upload(&app, &key, "bo-du-lieu", "gia.pdf", b"khong phai pdf".to_vec()).await;
    assert_eq!(status, 409, "{err}");
    assert_eq!(ok(&app, "package_show", None, json!({"id": "bo-du-lieu"})).await["num_resources"], 0);

    // A linked resource, then its schema-less update.
    let link = ok(&app, "resource_create", Some(&key), json!({"package_id": "bo-du-lieu", "url": "https://example.org/du-lieu.json", "name": "Bản JSON"})).await;
    assert_eq!((link["format"].as_str(), link["url_type"].as_str()), (Some("JSON"), None));
    let renamed = ok(&app, "resource_update", Some(&key), json!({"id": link["id"], "name": "Bản JSON (mới)"})).await;
    assert_eq!(renamed["name"], "Bản JSON (mới)");

    // Private datasets are invisible without a key of their unit.
    let mut private = dataset("du-lieu-rieng");
    private["private"] = json!(true);
    ok(&app, "package_create", Some(&key), private).await;
    let (status, _) = call(&app, "package_show", None, json!({"id": "du-lieu-rieng"})).await;
    assert_eq!(status, 404);
    assert_eq!(ok(&app, "package_show", Some(&key), json!({"id": "du-lieu-rieng"})).await["private"], true);
    assert!(!ok(&app, "package_list", None, json!({})).await.as_array().unwrap().contains(&json!("du-lieu-rieng")));
    let q = json!({"q": "co so y te", "include_private": true});
    assert_eq!(ok(&app, "package_search", None, q.clone()).await["count"], 0, "anonymous: not even with include_private");
    assert_eq!(ok(&app, "package_search", Some(&key), q.clone()).await["count"], 1);
    let mut without = q;
    without["include_private"] = json!(false);
    assert_eq!(ok(&app, "package_search", Some(&key), without).await["count"], 0, "private ones only when asked for, as in CKAN");

    // Delete: gone from every list, kept in the database, written to the audit log.
    assert_eq!(ok(&app, "package_delete", Some(&key), json!({"id": "bo-du-lieu"})).await, Value::Null);
    let (status, _) = call(&app, "package_show", None, json!({"id": "bo-du-lieu"})).await;
    assert_eq!(status, 404);
    assert!(!ok(&app, "package_list", None, json!({})).await.as_array().unwrap().contains(&json!("bo-du-lieu")));
    let log = tinhso_audit::recent(&app.db, 200).await.unwrap();
    assert!(log.iter().any(|e| e.action == "opendata.dataset.delete" && e.subject == "dataset:bo-du-lieu"));
    assert!(tinhso_audit::verify(&app.db).await.unwrap().first_break.is_none());
}

/// The real CKAN client library (ckanapi, from PyPI) against the portal, when Python has it.
#[tokio::test]
async fn the_ckanapi_python_client_works_unchanged() {
    let has = std::process::Command::new("python3").args(["-c", "import ckanapi"]).output().map(|o| o.status.success()).unwrap_or(false);
    if !has {
        eprintln!("skipped: python3 with ckanapi is not installed (pip install ckanapi)");
        return;
    }
    let app = spawn_app().await;
    let key = steward_key(&app).await;
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/opendata_ckanapi.py");
    let base = app.base.clone();
    let out = tokio::task::spawn_blocking(move || std::process::Command::new("python3").args([script, &base, &key]).output().unwrap()).await.unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{text}");
    assert!(text.contains("ckanapi: ok"), "{text}");
}

/// A key of a data steward of Sở Y tế: allowed nothing on Sở KH&CN's datasets.
async fn other_unit_key(app: &TestApp) -> String {
    let roles = [(tinhso_core::roles::Role::DataSteward, Some("000.00.09.H55".to_owned()))];
    tinhso_identity::accounts::create_staff(&app.db, "test", "dulieu.syt", "Cán bộ dữ liệu Sở Y tế", common::PASSWORD, &roles).await.unwrap();
    let steward = person(app, "dulieu.syt").await;
    steward.post_ok(app, "/api/v1/opendata/api-keys", json!({"name": "khóa khác"})).await["token"].as_str().unwrap().to_owned()
}

async fn fetch(app: &TestApp, url: &str, header: Option<(&str, &str)>) -> (u16, Vec<u8>) {
    let mut req = reqwest::Client::new().get(url);
    if let Some((k, v)) = header {
        req = req.header(k, v);
    }
    let r = req.send().await.unwrap();
    let _ = app;
    (r.status().as_u16(), r.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn private_files_need_a_key_allowed_to_see_them() {
    let app = spawn_app().await;
    let (key, other) = (steward_key(&app).await, other_unit_key(&app).await);
    let mut private = dataset("kho-rieng");
    private["private"] = json!(true);
    ok(&app, "package_create", Some(&key), private).await;
    let csv = "ten,so_giuong\nTrạm y tế Tịnh Khê,5\nTrạm y tế Nghĩa Hà,3\n";
    let (status, res) = upload(&app, &key, "kho-rieng", "tram.csv", csv.as_bytes().to_vec()).await;
    assert_eq!(status, 200, "{res}");
    let (url, rid) = (res["result"]["url"].as_str().unwrap().to_owned(), res["result"]["id"].as_str().unwrap().to_owned());

    // The resource's url, as a CKAN client fetches it: with the key, in either header.
    assert_eq!(fetch(&app, &url, Some(("Authorization", &key))).await, (200, csv.as_bytes().to_vec()));
    assert_eq!(fetch(&app, &url, Some(("X-CKAN-API-Key", &key))).await.0, 200);
    // Without a key, with a wrong one, or with another unit's: 404, as if it did not exist.
    for header in [None, Some(("Authorization", "tso_sai")), Some(("X-CKAN-API-Key", other.as_str()))] {
        assert_eq!(fetch(&app, &url, header).await.0, 404, "{header:?}");
    }
    let missing = url.replace(&rid, &uuid::Uuid::now_v7().to_string());
    assert_eq!(fetch(&app, &missing, Some(("Authorization", &key))).await.0, 404);

    // The datastore answers the same way.
    let q = json!({"resource_id": rid, "sort": "so_giuong asc"});
    for k in [None, Some(other.as_str())] {
        let (status, err) = call(&app, "datastore_search", k, q.clone()).await;
        assert_eq!((status, err["error"]["__type"].as_str()), (404, Some("Not Found Error")));
    }
    let found = ok(&app, "datastore_search", Some(&key), q).await;
    assert_eq!((found["total"].as_u64(), found["records"][0]["so_giuong"].as_i64()), (Some(2), Some(3)));
}

#[tokio::test]
async fn a_ckan_client_patches_and_deletes_a_resource() {
    let app = spawn_app().await;
    let (key, other) = (steward_key(&app).await, other_unit_key(&app).await);
    ok(&app, "package_create", Some(&key), dataset("diem-quan-trac")).await;
    let (_, first) = upload(&app, &key, "diem-quan-trac", "nuoc.csv", b"diem,ph\nA,7.1\nB,6.8\n".to_vec()).await;
    let (_, second) = upload(&app, &key, "diem-quan-trac", "khong-khi.csv", b"diem,pm25\nA,21\nB,35\n".to_vec()).await;
    let (gone, kept) = (first["result"]["id"].as_str().unwrap().to_owned(), second["result"]["id"].as_str().unwrap().to_owned());
    let url = first["result"]["url"].as_str().unwrap().to_owned();

    let patched = ok(&app, "resource_patch", Some(&key), json!({"id": kept, "description": "Chỉ số bụi mịn PM2.5"})).await;
    assert_eq!((patched["description"].as_str(), patched["name"].as_str()), (Some("Chỉ số bụi mịn PM2.5"), Some("khong-khi.csv")));

    // Refused: no key, another unit's key, no id, an unknown id.
    let (status, err) = call(&app, "resource_delete", None, json!({"id": gone})).await;
    assert_eq!((status, err["error"]["__type"].as_str()), (403, Some("Authorization Error")));
    let (status, err) = call(&app, "resource_delete", Some(&other), json!({"id": gone})).await;
    assert_eq!((status, err["error"]["__type"].as_str()), (403, Some("Authorization Error")));
    let (status, err) = call(&app, "resource_delete", Some(&key), json!({})).await;
    assert_eq!((status, err["error"]["__type"].as_str(), err["error"]["id"][0].as_str()), (409, Some("Validation Error"), Some("Missing value")));
    let (status, err) = call(&app, "resource_delete", Some(&key), json!({"id": uuid::Uuid::now_v7()})).await;
    assert_eq!((status, err["error"]["__type"].as_str()), (404, Some("Not Found Error")));
    assert_eq!(ok(&app, "package_show", None, json!({"id": "diem-quan-trac"})).await["num_resources"], 2);

    assert_eq!(ok(&app, "resource_delete", Some(&key), json!({"id": gone})).await, Value::Null);
    let shown = ok(&app, "package_show", None, json!({"id": "diem-quan-trac"})).await;
    assert_eq!(shown["num_resources"], 1);
    assert_eq!(shown["resources"][0]["id"], kept.as_str());
    let (status, _) = call(&app, "resource_show", None, json!({"id": gone})).await;
    assert_eq!(status, 404);
    let (status, _) = call(&app, "datastore_search", None, json!({"resource_id": gone})).await;
    assert_eq!(status, 404);
    assert_eq!(fetch(&app, &url, None).await.0, 404, "the file is no longer served");
    let page = app.get("/dataset/diem-quan-trac").await.text().await.unwrap();
    assert!(page.contains("khong-khi.csv") && !page.contains("nuoc.csv"), "{page}");
    let (status, _) = call(&app, "resource_delete", Some(&key), json!({"id": gone})).await;
    assert_eq!(status, 404, "deleted once");
    let log = tinhso_audit::recent(&app.db, 2000).await.unwrap();
    let entry = log.iter().find(|e| e.action == "opendata.resource.delete").expect("audited");
    assert_eq!(entry.subject, "dataset:diem-quan-trac");
    assert!(entry.detail.to_string().contains(&gone), "{:?}", entry.detail);
}

const STATIONS: &str = r#"{"type": "FeatureCollection", "features": [
  {"type": "Feature", "properties": {"ten": "Trạm y tế Tịnh Khê", "so_giuong": 5}, "geometry": {"type": "Point", "coordinates": [108.87, 15.17]}},
  {"type": "Feature", "properties": {"ten": "Trạm y tế Nghĩa Hà", "so_giuong": 3}, "geometry": {"type": "Point", "coordinates": [108.80, 15.10]}},
  {"type": "Feature", "properties": {"ten": "Khu bảo tồn Bà Tơ", "so_giuong": 0}, "geometry": {"type": "Polygon", "coordinates": [[[108.1, 15.0], [108.2, 15.0], [108.2, 15.1], [108.1, 15.0]]]}}
]}"#;

#[tokio::test]
async fn geojson_features_are_a_table_and_bad_geojson_is_reported() {
    let app = spawn_app().await;
    let key = steward_key(&app).await;
    ok(&app, "package_create", Some(&key), dataset("ban-do-y-te")).await;
    let (status, res) = upload(&app, &key, "ban-do-y-te", "tram-y-te.geojson", STATIONS.as_bytes().to_vec()).await;
    assert_eq!(status, 200, "{res}");
    let res = &res["result"];
    assert_eq!((res["format"].as_str(), res["datastore_active"].as_bool()), (Some("GEOJSON"), Some(true)));
    let names: Vec<&str> = res["schema"]["fields"].as_array().unwrap().iter().map(|f| f["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["so_giuong", "ten", "geometry_type", "geometry"]);
    let rid = res["id"].as_str().unwrap();
    let points = ok(&app, "datastore_search", None, json!({"resource_id": rid, "filters": {"geometry_type": "Point"}, "sort": "so_giuong desc"})).await;
    assert_eq!(points["total"], 2);
    assert_eq!(points["records"][0]["ten"], "Trạm y tế Tịnh Khê");
    let shape: Value = serde_json::from_str(points["records"][0]["geometry"].as_str().unwrap()).unwrap();
    assert_eq!(shape["coordinates"], json!([108.87, 15.17]));
    let preview = app.get(&format!("/dataset/ban-do-y-te/resource/{rid}?sort=so_giuong")).await;
    assert_eq!(preview.status(), 200);
    let html = preview.text().await.unwrap();
    assert!(html.contains("Khu bảo tồn Bà Tơ") && html.contains("geometry_type") && html.contains("3 dòng"), "{html}");

    // Bad GeoJSON is accepted, and its problems are in the quality result with their features.
    let bad = r#"{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"ten": "A"}, "geometry": {"type": "Point", "coordinates": [215.0, 15.1]}}, {"type": "Diem"}]}"#;
    let (status, res) = upload(&app, &key, "ban-do-y-te", "sai.geojson", bad.as_bytes().to_vec()).await;
    assert_eq!(status, 200, "{res}");
    let (status, res) = upload(&app, &key, "ban-do-y-te", "hong.geojson", b"{\"type\": \"FeatureCollection\", \"features\": [".to_vec()).await;
    assert_eq!((status, res["result"]["datastore_active"].as_bool()), (200, Some(false)), "{res}");
    let (_, q) = app.get_json("/api/v1/opendata/datasets/ban-do-y-te/quality").await;
    assert!(q["correct"]["reasons"].to_string().contains("hình học (geometry) không hợp lệ (đối tượng 1)"), "{q}");
    assert!(q["clean"]["reasons"].to_string().contains("hong.geojson"), "{q}");
    assert_eq!(app.get("/dataset/ban-do-y-te").await.status(), 200);
    assert_eq!(ok(&app, "package_show", None, json!({"id": "ban-do-y-te"})).await["num_resources"], 3);
}
