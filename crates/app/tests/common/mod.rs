//! Starts the whole app on port 0 with a fresh database (SQLite, or PostgreSQL when
//! TINHSO_TEST_POSTGRES is set) and the demo data.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]
use tinhso_app::Config;

pub const PASSWORD: &str = tinhso_app::seed::DEMO_PASSWORD;

pub struct TestApp {
    pub base: String,
    pub db: sea_orm::DatabaseConnection,
    pub client: reqwest::Client,
}

pub async fn spawn_app() -> TestApp {
    let (db, _url) = tinhso_db::testing::fresh_db().await.unwrap();
    let catalog = tinhso_catalog::Catalog::open(db.clone()).await.unwrap();
    tinhso_app::seed::seed_demo(&db, &catalog).await.unwrap();
    let config = Config { listen: "127.0.0.1:0".into(), log_format: "text".into(), ..Config::default() };
    let (addr, _task) = tinhso_app::start(&config, db.clone()).await.unwrap();
    TestApp { base: format!("http://{addr}"), db, client: client() }
}

/// A browser-like client: keeps cookies, does not follow redirects (tests look at them).
pub fn client() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    pub async fn get_json(&self, path: &str) -> (u16, serde_json::Value) {
        let r = self.get(path).await;
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(serde_json::Value::Null))
    }

    /// Signs in through the API with a fresh client; returns it and its CSRF token.
    pub async fn api_login(&self, login: &str) -> (reqwest::Client, String) {
        let client = client();
        let r = client
            .post(self.url("/api/v1/session"))
            .json(&serde_json::json!({"login": login, "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "login of {login}");
        let body: serde_json::Value = r.json().await.unwrap();
        (client, body["csrf_token"].as_str().unwrap().to_owned())
    }

    /// The CSRF token embedded in a page's forms.
    pub async fn form_token(&self, path: &str) -> String {
        let html = self.get(path).await.text().await.unwrap();
        let start = html.find("name=\"csrf_token\" value=\"").expect("page has a form") + 25;
        html[start..start + 48].to_owned()
    }
}

/// A procedure in the API's format, valid unless the test changes it.
pub fn sample_procedure(code: &str) -> serde_json::Value {
    serde_json::json!({
        "code": code,
        "name": "Cấp giấy phép tổ chức lễ hội thử nghiệm",
        "field": "Văn hóa",
        "level": "province",
        "agencies": ["Sở Văn hóa, Thể thao và Du lịch"],
        "processing_days": 10,
        "fees": [{"case": "Lệ phí", "amount_vnd": 0}],
        "documents": [{"name": "Văn bản đề nghị", "form": "original", "count": 1}],
        "service_level": "full_online",
        "target_groups": ["business"],
        "steps": [{"name": "Xử lý", "role": "processing", "days": 10}]
    })
}
