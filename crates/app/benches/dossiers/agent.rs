//! A signed-in API client, and the walk of one dossier through its whole life.
use serde_json::{Value, json};

pub const PASSWORD: &str = tinhso_app::seed::DEMO_PASSWORD;
/// Yêu cầu trợ giúp pháp lý: its identity document is replaced by the population registry.
pub const WITH_REGISTRY_CALL: &str = "2.000829";

#[derive(Clone)]
pub struct Agent {
    pub base: String,
    pub client: reqwest::Client,
    pub csrf: String,
    pub id: String,
}

impl Agent {
    pub async fn login(base: &str, login: &str) -> Agent {
        let client = reqwest::Client::builder().cookie_store(true).pool_max_idle_per_host(64).build().unwrap();
        let r = client.post(format!("{base}/api/v1/session")).json(&json!({"login": login, "password": PASSWORD})).send().await.unwrap();
        assert_eq!(r.status(), 200, "login of {login}");
        let body: Value = r.json().await.unwrap();
        let me: Value = client.get(format!("{base}/api/v1/session")).send().await.unwrap().json().await.unwrap();
        Agent { base: base.to_owned(), client, csrf: body["csrf_token"].as_str().unwrap().to_owned(), id: me["user_id"].as_str().unwrap().to_owned() }
    }

    /// Signs in as the citizen whose personal id number is `login`, registering the account
    /// first when the demo has none.
    pub async fn citizen(base: &str, login: &str) -> Agent {
        let body = json!({"kind": "citizen", "login": login, "full_name": format!("Công dân thử tải {login}"), "password": PASSWORD});
        let r = reqwest::Client::new().post(format!("{base}/api/v1/accounts")).json(&body).send().await.unwrap();
        assert!(r.status().is_success() || r.status() == 409, "register {login}: {}", r.status());
        Agent::login(base, login).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        let r = self.client.post(format!("{}{path}", self.base)).header("x-csrf-token", &self.csrf).json(&body).send().await.unwrap();
        (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
    }

    pub async fn get_ok(&self, path: &str) -> bool {
        let r = self.client.get(format!("{}{path}", self.base)).send().await.unwrap();
        let ok = r.status().is_success();
        let _ = r.bytes().await;
        ok
    }

    /// Applies for `procedure` (a code) under the idempotency key `key`, at `agency` when the
    /// applicant chooses (commune-level procedures).
    pub async fn submit(&self, procedure: &str, agency: Option<&str>, key: &str) -> Option<Value> {
        let body = json!({"procedure_code": procedure, "agency_code": agency, "idempotency_key": key, "form": {"phone": "0905123456", "address": "12 Hùng Vương, phường Cẩm Thành"}});
        let (status, d) = self.post("/api/v1/dossiers", body).await;
        (status == 201).then_some(d)
    }

    pub async fn act(&self, d: &Value, action: &str, extra: Value) -> Option<Value> {
        let mut body = json!({"action": action, "version": d["version"]});
        if let Value::Object(m) = extra {
            body.as_object_mut()?.extend(m);
        }
        let (status, next) = self.post(&format!("/api/v1/dossiers/{}/actions", d["id"].as_str()?), body).await;
        (status == 200).then_some(next)
    }
}

/// The staff of Sở Tư pháp who move a dossier on.
#[derive(Clone)]
pub struct Desk {
    pub one_stop: Agent,
    pub lead: Agent,
    pub officer: Agent,
}

impl Desk {
    /// Submit → receive → assign → record the step → to approval → approve (signs the result)
    /// → return the result. True when every step succeeded.
    pub async fn lifecycle(&self, citizen: &Agent, key: &str) -> bool {
        let run = async {
            let d = citizen.submit(WITH_REGISTRY_CALL, None, key).await?;
            let d = self.one_stop.act(&d, "receive", json!({})).await?;
            let d = self.lead.act(&d, "assign", json!({"assignee": self.officer.id})).await?;
            let d = self.officer.act(&d, "record_step", json!({"note": "Đã thẩm định"})).await?;
            let d = self.officer.act(&d, "submit_for_approval", json!({})).await?;
            let d = self.lead.act(&d, "approve", json!({})).await?;
            self.one_stop.act(&d, "return_result", json!({})).await
        };
        run.await.is_some()
    }
}
