//! Required documents and the personal data store, through the HTTP API on SQLite and
//! PostgreSQL: uploads typed by their bytes and kept once, refusals that change nothing, the
//! wallet filled on receipt and on approval, reuse in a later dossier and who may read what.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;
use common::{PASSWORD, Person, TestApp, person, spawn_app};
use serde_json::{Value, json};

const BOUNDARY: &str = "tinhso-test-7d1f0c";

impl Person {
    async fn bytes(&self, app: &TestApp, path: &str) -> (u16, String, Vec<u8>) {
        let r = self.client.get(app.url(path)).send().await.unwrap();
        let kind = r.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
        (r.status().as_u16(), kind, r.bytes().await.unwrap().to_vec())
    }

    /// Uploads one file as `multipart/form-data`, the way a browser form sends it.
    async fn upload(&self, app: &TestApp, d: &Value, requirement: &str, name: &str, declared: &str, bytes: &[u8]) -> (u16, Value) {
        let r = self
            .client
            .post(app.url(&format!("/api/v1/dossiers/{}/documents", d["id"].as_str().unwrap())))
            .header("x-csrf-token", &self.csrf)
            .header("content-type", format!("multipart/form-data; boundary={BOUNDARY}"))
            .body(multipart(&[("requirement", requirement)], name, declared, bytes))
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
    }

    /// Sends the dossier page's upload form; returns status, where it leads and the page.
    async fn page_upload(&self, app: &TestApp, d: &Value, csrf: &str, name: &str, bytes: &[u8]) -> (u16, String, String) {
        let body = multipart(&[("csrf_token", csrf), ("requirement", "0")], name, "application/octet-stream", bytes);
        let r = self
            .client
            .post(app.url(&format!("/ho-so/{}/giay-to", d["id"].as_str().unwrap())))
            .header("content-type", format!("multipart/form-data; boundary={BOUNDARY}"))
            .body(body)
            .send()
            .await
            .unwrap();
        let location = r.headers().get("location").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
        (r.status().as_u16(), location, r.text().await.unwrap())
    }

    async fn html(&self, app: &TestApp, path: &str) -> String {
        let r = self.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        r.text().await.unwrap()
    }

}

/// A `multipart/form-data` body with text fields and one file.
fn multipart(fields: &[(&str, &str)], name: &str, declared: &str, bytes: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend(format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").as_bytes());
    }
    body.extend(format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: {declared}\r\n\r\n").as_bytes());
    body.extend_from_slice(bytes);
    body.extend(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// A real 1×1 PNG.
const PNG_HEX: &str = "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c49444154789c63f8cfc0000003010100c9fe92ef0000000049454e44ae426082";

fn png() -> Vec<u8> {
    (0..PNG_HEX.len()).step_by(2).map(|i| u8::from_str_radix(&PNG_HEX[i..i + 2], 16).unwrap()).collect()
}

fn pdf(title: &str) -> Vec<u8> {
    tinhso_signing::render(&tinhso_signing::Document::new(title)).unwrap()
}

/// A procedure of Sở Tư pháp asking for two documents.
async fn setup(app: &TestApp) {
    let steward = person(app, "dulieu.khcn").await;
    let procedure = json!({
        "code": "2.999200", "name": "Thủ tục thử nghiệm giấy tờ dùng lại", "field": "Lý lịch tư pháp",
        "level": "province", "agencies": ["Sở Tư pháp"], "processing_days": 3,
        "documents": [{"name": "Tờ khai", "form": "original", "count": 1}, {"name": "Bản sao Giấy khai sinh", "form": "copy", "count": 1}],
        "service_level": "full_online", "target_groups": ["citizen"],
        "form_fields": [{"name": "purpose", "label": "Mục đích sử dụng", "kind": "text", "required": true}]
    });
    assert_eq!(steward.post(app, "/api/v1/procedures", procedure).await.0, 201);
}

async fn submit(app: &TestApp, citizen: &Person, key: &str) -> Value {
    let body = json!({"procedure_code": "2.999200", "idempotency_key": key, "form": {"phone": "0905123456", "address": "Phường Cẩm Thành", "purpose": "Xin việc"}});
    let (status, d) = citizen.post(app, "/api/v1/dossiers", body).await;
    assert_eq!(status, 201, "{d}");
    d
}

fn docs_path(d: &Value) -> String {
    format!("/api/v1/dossiers/{}/documents", d["id"].as_str().unwrap())
}

async fn audited(app: &TestApp, action: &str, purpose: &str) -> bool {
    tinhso_audit::recent(&app.db, 200).await.unwrap().iter().any(|e| e.action == action && e.purpose == purpose)
}

#[tokio::test]
async fn uploads_are_typed_by_their_bytes_kept_once_and_refused_without_change() {
    let app = spawn_app().await;
    setup(&app).await;
    let citizen = person(&app, "051095000123").await;
    let desk = person(&app, "motcua.tuphap").await;
    let d = submit(&app, &citizen, "u1").await;
    let form = pdf("Tờ khai");

    let (status, first) = citizen.upload(&app, &d, "0", "to-khai.pdf", "application/pdf", &form).await;
    assert_eq!(status, 201, "{first}");
    assert_eq!((first["mime"].as_str(), first["source"].as_str(), first["reused"].as_bool()), (Some("application/pdf"), Some("upload"), Some(false)));
    assert_eq!(first["sha256"], tinhso_db::blobs::BlobStore::hash(&form).as_str());
    assert_eq!(first["requirement_name"], "Tờ khai");
    let (status, again) = citizen.upload(&app, &d, "0", "to-khai (1).pdf", "application/pdf", &form).await;
    assert_eq!((status, &again["id"]), (200, &first["id"]), "the same file for the same document is one document");
    let (status, copy) = citizen.upload(&app, &d, "1", "ban-sao.pdf", "application/pdf", &form).await;
    assert_eq!(status, 201);
    assert_eq!(copy["sha256"], first["sha256"], "the same bytes are stored once, under one hash");
    assert_eq!(app.blobs.get(first["sha256"].as_str().unwrap()).await.unwrap(), form);

    let (status, photo) = citizen.upload(&app, &d, "1", "giay-khai-sinh.pdf", "application/pdf", &png()).await;
    assert_eq!(status, 201, "{photo}");
    assert_eq!((photo["mime"].as_str(), photo["name"].as_str()), (Some("image/png"), Some("giay-khai-sinh.png")), "typed by its bytes, not its name");

    let refusals: [(&str, Vec<u8>, u16, &str); 4] = [
        ("0", b"Day chi la van ban, khong phai PDF".to_vec(), 415, "unsupported_file_type"),
        ("0", b"%PDF-1.7\nrest of the file never came".to_vec(), 422, "file_type_mismatch"),
        ("0", [b"%PDF-1.7\n".as_slice(), &vec![b' '; 10 * 1024 * 1024]].concat(), 413, "file_too_large"),
        ("7", form.clone(), 422, "unknown_requirement"),
    ];
    for (requirement, bytes, want, code) in refusals {
        let (status, body) = citizen.upload(&app, &d, requirement, "x.pdf", "application/pdf", &bytes).await;
        assert_eq!((status, body["error"]["code"].as_str()), (want, Some(code)), "{body}");
    }
    let (status, listed) = citizen.get(&app, &docs_path(&d)).await;
    assert_eq!((status, listed.as_array().unwrap().len()), (200, 3), "refusals change nothing: {listed}");

    // Staff: the receiving desk reads (audited), another agency does not see the dossier,
    // and nobody but the applicant adds to an online dossier.
    let admin = person(&app, "quantri").await;
    let staff = json!({"username": "motcua.yte", "full_name": "motcua.yte", "password": PASSWORD, "roles": [{"role": "one_stop_officer", "org_unit": "000.00.09.H55"}]});
    assert_eq!(admin.post(&app, "/api/v1/admin/staff", staff).await.0, 201);
    let stranger = person(&app, "motcua.yte").await;
    assert_eq!(stranger.get(&app, &docs_path(&d)).await.0, 404);
    assert_eq!(stranger.bytes(&app, first["download_url"].as_str().unwrap()).await.0, 404);
    assert_eq!(desk.get(&app, &docs_path(&d)).await.1.as_array().unwrap().len(), 3);
    assert!(!audited(&app, "dossier.document_read", "xử lý hồ sơ").await);
    let (status, kind, bytes) = desk.bytes(&app, first["download_url"].as_str().unwrap()).await;
    assert_eq!((status, kind.as_str(), bytes == form), (200, "application/pdf", true));
    assert!(audited(&app, "dossier.document_read", "xử lý hồ sơ").await, "a read by staff is logged");
    assert_eq!(desk.upload(&app, &d, "0", "scan.pdf", "application/pdf", &pdf("Bản quét")).await.0, 403, "an online dossier takes the applicant's files");
    assert_eq!(citizen.get(&app, &format!("/api/v1/dossiers/{}/document-offers", d["id"].as_str().unwrap())).await.0, 200);
    assert_eq!(desk.get(&app, &format!("/api/v1/dossiers/{}/document-offers", d["id"].as_str().unwrap())).await.0, 403, "the wallet's offers are the applicant's");

    // The desk scans the papers of a dossier given at the counter.
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    use tinhso_dossier::entity::dossier;
    let id = uuid::Uuid::parse_str(d["id"].as_str().unwrap()).unwrap();
    dossier::Entity::update_many().col_expr(dossier::Column::Channel, sea_orm::sea_query::Expr::value("counter")).filter(dossier::Column::Id.eq(id)).exec(&app.db).await.unwrap();
    let (status, scan) = desk.upload(&app, &d, "1", "scan.pdf", "application/pdf", &pdf("Bản quét giấy khai sinh")).await;
    assert_eq!((status, scan["source"].as_str()), (201, Some("scan")));

    let d = desk.act_ok(&app, &d, "receive", json!({})).await;
    let (status, body) = citizen.upload(&app, &d, "0", "late.pdf", "application/pdf", &pdf("Muộn")).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("documents_closed")));
    assert_eq!(tinhso_audit::verify(&app.db).await.unwrap().first_break, None);
}

#[tokio::test]
async fn a_document_given_once_is_reused_and_the_result_lands_in_the_wallet() {
    let app = spawn_app().await;
    setup(&app).await;
    let citizen = person(&app, "051095000123").await;
    let desk = person(&app, "motcua.tuphap").await;
    let lead = person(&app, "pheduyet.tuphap").await;
    let officer = person(&app, "chuyenvien.tuphap").await;
    let start = chrono::Utc::now() - chrono::Duration::minutes(5);

    let d1 = submit(&app, &citizen, "w1").await;
    let form = pdf("Tờ khai của Nguyễn Văn An");
    assert_eq!(citizen.upload(&app, &d1, "0", "to-khai.pdf", "application/pdf", &form).await.0, 201);
    assert_eq!(citizen.get(&app, "/api/v1/wallet").await.1.as_array().unwrap().len(), 0, "nothing is kept before an agency accepts it");
    let d1 = desk.act_ok(&app, &d1, "receive", json!({})).await;
    let (status, wallet) = citizen.get(&app, "/api/v1/wallet").await;
    assert_eq!(status, 200);
    let items = wallet.as_array().unwrap();
    assert_eq!(items.len(), 1, "{wallet}");
    let accepted = &items[0];
    assert_eq!((accepted["source"].as_str(), accepted["issuer"].as_str(), accepted["doc_type"].as_str()), (Some("accepted"), Some("000.00.04.H55"), Some("to-khai")));
    assert_eq!(accepted["sha256"], tinhso_db::blobs::BlobStore::hash(&form).as_str());

    // A second dossier of the same procedure is offered the document and reuses it.
    let d2 = submit(&app, &citizen, "w2").await;
    let d2_id = d2["id"].as_str().unwrap();
    let (status, offers) = citizen.get(&app, &format!("/api/v1/dossiers/{d2_id}/document-offers")).await;
    assert_eq!(status, 200, "{offers}");
    assert_eq!(offers[0]["offers"][0]["id"], accepted["id"], "{offers}");
    assert_eq!(offers[1]["offers"].as_array().unwrap().len(), 0, "nothing of another type is offered");
    let pick = json!({"requirement": 0, "wallet_item_id": accepted["id"]});
    let (status, reused) = citizen.post(&app, &format!("/api/v1/dossiers/{d2_id}/documents/from-wallet"), pick.clone()).await;
    assert_eq!(status, 201, "{reused}");
    assert_eq!((reused["source"].as_str(), reused["reused"].as_bool(), &reused["wallet_item_id"]), (Some("wallet"), Some(true), &accepted["id"]));
    assert_eq!(citizen.post(&app, &format!("/api/v1/dossiers/{d2_id}/documents/from-wallet"), pick).await.0, 200, "picking it twice gives it once");
    let (status, _, bytes) = desk.bytes(&app, reused["download_url"].as_str().unwrap()).await;
    assert_eq!((status, bytes == form), (200, true), "the agency reads the reused file");
    let end = chrono::Utc::now() + chrono::Duration::minutes(5);
    let figures = tinhso_dossier::stats::dossier_figures(&app.db, tinhso_dossier::stats::GroupBy::Procedure, start, end).await.unwrap();
    let shares: Vec<_> = figures.iter().map(|f| (f.documents_reused, f.documents, f.digitised)).collect();
    assert_eq!(shares, [(1, 2, 2)], "one of two documents was given only once; both dossiers are digitised");
    assert_eq!(offers[0]["given"].as_array().unwrap().len(), 0);

    // Another citizen cannot pick, read or download someone else's items.
    let r = common::client()
        .post(app.url("/api/v1/accounts"))
        .json(&json!({"kind": "citizen", "login": "051095000456", "full_name": "Trần Thị Bình", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let other = person(&app, "051095000456").await;
    let d3 = submit(&app, &other, "o1").await;
    let steal = json!({"requirement": 0, "wallet_item_id": accepted["id"]});
    let (status, body) = other.post(&app, &format!("/api/v1/dossiers/{}/documents/from-wallet", d3["id"].as_str().unwrap()), steal.clone()).await;
    assert_eq!((status, body["error"]["code"].as_str()), (404, Some("not_found")));
    assert_eq!(other.post(&app, &format!("/api/v1/dossiers/{d2_id}/documents/from-wallet"), steal).await.0, 404, "nor into someone else's dossier");
    assert_eq!(other.bytes(&app, accepted["download_url"].as_str().unwrap()).await.0, 404);
    assert_eq!(other.get(&app, "/api/v1/wallet").await.1.as_array().unwrap().len(), 0);

    // Approval puts the signed result in the wallet; only its owner downloads it.
    let d1 = lead.act_ok(&app, &d1, "assign", json!({"assignee": officer.id})).await;
    let d1 = officer.act_ok(&app, &d1, "record_step", json!({})).await;
    let d1 = officer.act_ok(&app, &d1, "submit_for_approval", json!({})).await;
    lead.act_ok(&app, &d1, "approve", json!({})).await;
    let wallet = citizen.get(&app, "/api/v1/wallet").await.1;
    let result = wallet.as_array().unwrap().iter().find(|i| i["source"] == "result").expect("the result is in the wallet").clone();
    assert_eq!((result["doc_type"].as_str(), result["issuer"].as_str(), result["mime"].as_str()), (Some("result:2.999200"), Some("000.00.04.H55"), Some("application/pdf")));
    let url = result["download_url"].as_str().unwrap();
    assert!(!audited(&app, "wallet.download", "tải giấy tờ").await);
    let (status, kind, signed) = citizen.bytes(&app, url).await;
    assert_eq!((status, kind.as_str()), (200, "application/pdf"));
    assert!(tinhso_signing::verify_pdf(&signed).unwrap().is_valid(), "the wallet keeps the signed file as issued");
    assert_eq!(result["size"].as_u64(), Some(signed.len() as u64));
    assert!(audited(&app, "wallet.download", "tải giấy tờ").await, "every read of a wallet file is logged");
    assert_eq!(other.bytes(&app, url).await.0, 404);
    assert_eq!(officer.bytes(&app, url).await.0, 404, "staff reach documents through the dossier, not the wallet");

    let r = citizen.client.get(app.url("/kho-du-lieu")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    assert!(page.contains("Kho dữ liệu của tôi") && page.contains("Kết quả: Thủ tục thử nghiệm giấy tờ dùng lại") && page.contains(url), "{page}");
    assert!(page.contains("Sở Tư pháp"), "the issuer by name");
    assert_eq!(common::client().get(app.url("/kho-du-lieu")).send().await.unwrap().status(), 303, "signing in first");
    assert_eq!(tinhso_audit::verify(&app.db).await.unwrap().first_break, None);
}

#[tokio::test]
async fn the_dossier_page_takes_uploads_and_offers_what_the_store_holds() {
    let app = spawn_app().await;
    setup(&app).await;
    let citizen = person(&app, "051095000123").await;
    let desk = person(&app, "motcua.tuphap").await;
    let d1 = submit(&app, &citizen, "p1").await;
    let page_path = format!("/ho-so/{}", d1["id"].as_str().unwrap());
    let page = citizen.html(&app, &page_path).await;
    assert!(page.contains("Thành phần hồ sơ") && page.contains("enctype=\"multipart/form-data\"") && page.contains("Chưa có tệp."), "{page}");

    let form = pdf("Tờ khai");
    let (status, _, html) = citizen.page_upload(&app, &d1, "", "to-khai.pdf", &form).await;
    assert_eq!(status, 422);
    assert!(html.contains("Phiên làm việc đã hết hạn"), "a form without its token is refused");
    let (status, _, html) = citizen.page_upload(&app, &d1, &citizen.csrf, "to-khai.pdf", b"chi la chu").await;
    assert_eq!(status, 422);
    assert!(html.contains("role=\"alert\"") && html.contains("Chỉ nhận tệp PDF, JPEG hoặc PNG"), "{html}");
    assert_eq!(citizen.get(&app, &docs_path(&d1)).await.1.as_array().unwrap().len(), 0, "refusals add nothing");
    let (status, location, _) = citizen.page_upload(&app, &d1, &citizen.csrf, "to-khai.pdf", &form).await;
    assert_eq!((status, location.as_str()), (303, format!("{page_path}?da=document").as_str()));
    let page = citizen.html(&app, &location).await;
    assert!(page.contains("Đã thêm giấy tờ vào hồ sơ.") && page.contains(">to-khai.pdf</a>"), "{page}");

    desk.act_ok(&app, &d1, "receive", json!({})).await;
    let d2 = submit(&app, &citizen, "p2").await;
    let page2_path = format!("/ho-so/{}", d2["id"].as_str().unwrap());
    let page2 = citizen.html(&app, &page2_path).await;
    assert!(page2.contains("trong kho"), "the store's item is offered: {page2}");
    let item = page2.split("name=\"wallet_item_id\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let pick = [("csrf_token", citizen.csrf.as_str()), ("requirement", "0"), ("wallet_item_id", item.as_str())];
    let r = citizen.client.post(app.url(&format!("{page2_path}/giay-to/tu-kho"))).form(&pick).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert!(citizen.html(&app, &page2_path).await.contains("(dùng lại từ kho dữ liệu)"));
    assert!(!desk.html(&app, &page_path).await.contains("Tải tệp cho"), "a received dossier takes no more files");
}
