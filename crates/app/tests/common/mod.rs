//! Starts the whole app on port 0 with a fresh database (SQLite, or PostgreSQL when
//! TINHSO_TEST_POSTGRES is set) and the demo data.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]
use tinhso_app::Config;

pub mod exchange;

pub const PASSWORD: &str = tinhso_app::seed::DEMO_PASSWORD;

pub struct TestApp {
    pub base: String,
    pub db: sea_orm::DatabaseConnection,
    pub client: reqwest::Client,
    pub blobs: tinhso_db::blobs::BlobStore,
    /// The payment sandbox this app pays through.
    pub gateway: String,
    /// The HTTP view of the SMTP sandbox the app mails through, and the SMS gateway sandbox.
    pub mail_sandbox: String,
    pub sms_sandbox: String,
    /// The configuration the app runs with.
    pub config: Config,
    /// The exchange gateway's mutual-TLS listener, when the configuration asks for one.
    pub exchange_tls: Option<std::net::SocketAddr>,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// As [`spawn_app`], with the configuration changed by `tweak` before the app starts.
pub async fn spawn_app_with(tweak: impl FnOnce(&mut Config)) -> TestApp {
    let (db, _url) = tinhso_db::testing::fresh_db().await.unwrap();
    let catalog = tinhso_catalog::Catalog::open(db.clone()).await.unwrap();
    tinhso_app::seed::seed_demo(&db, &catalog).await.unwrap();
    let data_dir = std::env::temp_dir().join(format!("tinhso-app-{}", uuid::Uuid::now_v7()));
    // The payment sandbox calls the app back, so the app's port is chosen first.
    // Kept bound until the app takes it over: let go, the port could be taken meanwhile.
    let reserved = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = reserved.local_addr().unwrap().port();
    let mut config = Config { listen: format!("127.0.0.1:{port}"), log_format: "text".into(), data_dir: data_dir.display().to_string(), public_url: format!("http://127.0.0.1:{port}"), ..Config::default() };
    let mut sandbox = config.payment_sandbox();
    sandbox.ipn_backoff_ms = 50;
    let (gateway, _) = tinhso_payment::sandbox::spawn("127.0.0.1:0", sandbox).await.unwrap();
    config.payment_gateway_url = format!("http://{gateway}/paymentv2/vpcpay.html");
    // The notification sandboxes on free ports, so no test mails a sandbox someone runs.
    let mail = tinhso_notify_sandbox::smtp::spawn("127.0.0.1:0", "127.0.0.1:0").await.unwrap();
    let sms_config = tinhso_notify_sandbox::sms::SmsSandboxConfig { api_key: config.sms_api_key.clone(), brandnames: vec![config.sms_brandname.clone()] };
    let sms = tinhso_notify_sandbox::sms::spawn("127.0.0.1:0", sms_config).await.unwrap();
    config.smtp_port = mail.smtp_addr.port();
    config.sms_api_url = format!("http://{}/sms/send", sms.addr);
    tweak(&mut config);
    reserved.set_nonblocking(true).unwrap();
    let listener = tokio::net::TcpListener::from_std(reserved).unwrap();
    let started = tinhso_app::start_on(&config, db.clone(), listener).await.unwrap();
    let addr = started.addr;
    let blobs = tinhso_db::blobs::BlobStore::local(config.blob_dir()).unwrap();
    let (mail_sandbox, sms_sandbox) = (format!("http://{}", mail.http_addr), format!("http://{}", sms.addr));
    TestApp { base: format!("http://{addr}"), db, client: client(), blobs, gateway: format!("http://{gateway}"), mail_sandbox, sms_sandbox, config, exchange_tls: started.exchange_tls }
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

/// A signed-in person talking to the JSON API.
pub struct Person {
    pub client: reqwest::Client,
    pub csrf: String,
    pub id: String,
}

pub async fn person(app: &TestApp, login: &str) -> Person {
    let (client, csrf) = app.api_login(login).await;
    let me: serde_json::Value = client.get(app.url("/api/v1/session")).send().await.unwrap().json().await.unwrap();
    Person { client, csrf, id: me["user_id"].as_str().unwrap().to_owned() }
}

impl Person {
    pub async fn post(&self, app: &TestApp, path: &str, body: serde_json::Value) -> (u16, serde_json::Value) {
        let r = self.client.post(app.url(path)).header("x-csrf-token", &self.csrf).json(&body).send().await.unwrap();
        (r.status().as_u16(), r.json().await.unwrap_or(serde_json::Value::Null))
    }

    pub async fn get(&self, app: &TestApp, path: &str) -> (u16, serde_json::Value) {
        let r = self.client.get(app.url(path)).send().await.unwrap();
        (r.status().as_u16(), r.json().await.unwrap_or(serde_json::Value::Null))
    }

    /// Takes an action on the dossier at its current version; returns status and body.
    pub async fn act(&self, app: &TestApp, d: &serde_json::Value, action: &str, extra: serde_json::Value) -> (u16, serde_json::Value) {
        let mut body = serde_json::json!({"action": action, "version": d["version"]});
        if let serde_json::Value::Object(m) = extra {
            body.as_object_mut().unwrap().extend(m);
        }
        self.post(app, &format!("/api/v1/dossiers/{}/actions", d["id"].as_str().unwrap()), body).await
    }

    /// `post` that must succeed (200 or 201); returns the body.
    pub async fn post_ok(&self, app: &TestApp, path: &str, body: serde_json::Value) -> serde_json::Value {
        let (status, out) = self.post(app, path, body).await;
        assert!(status == 200 || status == 201, "{path}: {status} {out}");
        out
    }

    /// `act` that must succeed; returns the dossier.
    pub async fn act_ok(&self, app: &TestApp, d: &serde_json::Value, action: &str, extra: serde_json::Value) -> serde_json::Value {
        ok(self.act(app, d, action, extra).await, action)
    }
}

pub fn ok(r: (u16, serde_json::Value), what: &str) -> serde_json::Value {
    assert_eq!(r.0, 200, "{what}: {}", r.1);
    r.1
}
