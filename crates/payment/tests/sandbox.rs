//! The sandbox gateway end to end, over real sockets: a test merchant (an axum server on
//! port 0 that verifies and records IPN calls the way the platform will) and the sandbox.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{Duration, Utc};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use tinhso_payment::ipn::{self, PaymentStatus, StoredPayment};
use tinhso_payment::sandbox::{self, SandboxConfig};
use tinhso_payment::{CallbackResult, IpnReply, Merchant, PaymentRequest, build_payment_url, verify_callback};

const TMN: &str = "TINHSO01";
const SECRET: &str = "SANDBOX-SECRET-FOR-TESTS-ONLY";

#[derive(Default)]
struct Shop {
    /// Verified IPN calls, in order; refused ones are counted apart.
    ipn: Mutex<Vec<CallbackResult>>,
    refused: AtomicU32,
    payments: Mutex<HashMap<String, StoredPayment>>,
    /// Answers 503 to this many calls first, as a merchant in trouble would.
    fail_first: AtomicU32,
}

impl Shop {
    fn order(&self, txn_ref: &str, amount_vnd: i64) {
        self.payments.lock().unwrap().insert(txn_ref.into(), StoredPayment { status: PaymentStatus::Pending, amount_vnd });
    }

    fn status(&self, txn_ref: &str) -> PaymentStatus {
        self.payments.lock().unwrap()[txn_ref].status
    }

    fn calls(&self) -> Vec<CallbackResult> {
        self.ipn.lock().unwrap().clone()
    }
}

/// The merchant's IPN endpoint, written as the platform's will be: verify, decide, apply.
async fn ipn_endpoint(State(shop): State<Arc<Shop>>, RawQuery(q): RawQuery) -> Response {
    if shop.fail_first.load(Ordering::SeqCst) > 0 {
        shop.fail_first.fetch_sub(1, Ordering::SeqCst);
        return (StatusCode::SERVICE_UNAVAILABLE, "bảo trì").into_response();
    }
    let reply = match verify_callback(&q.unwrap_or_default(), SECRET) {
        Err(e) => {
            shop.refused.fetch_add(1, Ordering::SeqCst);
            IpnReply::from_error(&e)
        }
        Ok(result) => {
            shop.ipn.lock().unwrap().push(result.clone());
            let mut payments = shop.payments.lock().unwrap();
            let decision = ipn::decide(payments.get(&result.txn_ref).copied(), &result);
            if let (Some(status), Some(p)) = (decision.new_status, payments.get_mut(&result.txn_ref)) {
                p.status = status;
            }
            decision.reply
        }
    };
    (StatusCode::from_u16(reply.status).unwrap(), axum::Json(reply)).into_response()
}

/// Orders are registered before the shop listens, so no IPN can arrive ahead of its order.
async fn start_shop(listener: tokio::net::TcpListener, orders: &[(&str, i64)]) -> Arc<Shop> {
    let shop = Arc::new(Shop::default());
    for (txn_ref, amount_vnd) in orders {
        shop.order(txn_ref, *amount_vnd);
    }
    let app = Router::new().route("/ipn", get(ipn_endpoint)).with_state(shop.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    shop
}

async fn start_sandbox(shop: SocketAddr, secret: &str, attempts: u32) -> String {
    let mut config = SandboxConfig::single(TMN, secret, format!("http://{shop}/ipn"));
    config.ipn_attempts = attempts;
    config.ipn_backoff_ms = 50;
    let (addr, _task) = sandbox::spawn("127.0.0.1:0", config).await.unwrap();
    format!("http://{addr}")
}

async fn shop_and_sandbox() -> (Arc<Shop>, String) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let shop_addr = listener.local_addr().unwrap();
    let shop = start_shop(listener, &[]).await;
    (shop, start_sandbox(shop_addr, SECRET, 5).await)
}

fn payment_url(sandbox: &str, secret: &str, txn_ref: &str, amount_vnd: i64, created_ago: Duration) -> String {
    let merchant = Merchant { tmn_code: TMN.into(), secret: secret.into(), pay_url: format!("{sandbox}/paymentv2/vpcpay.html") };
    let req = PaymentRequest {
        txn_ref: txn_ref.into(),
        amount_vnd,
        order_info: format!("Thanh toan le phi ho so {txn_ref}"),
        return_url: "http://dichvucong.test/thanh-toan/ket-qua".into(),
        ip: "203.0.113.5".into(),
        created_at: Utc::now() - created_ago,
    };
    build_payment_url(&merchant, &req)
}

async fn pay(sandbox: &str, url: &str, outcome: &str) -> (StatusCode, Value) {
    let r = reqwest::Client::new()
        .post(format!("{sandbox}/sandbox/pay"))
        .json(&json!({"payment_url": url, "outcome": outcome}))
        .send()
        .await
        .unwrap();
    (r.status(), r.json().await.unwrap())
}

#[tokio::test]
async fn the_page_shows_the_order_and_paying_notifies_the_merchant_once() {
    let (shop, sandbox) = shop_and_sandbox().await;
    shop.order("HS-0007-1", 150_000);
    let url = payment_url(&sandbox, SECRET, "HS-0007-1", 150_000, Duration::zero());

    let page = reqwest::get(&url).await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    for text in ["150.000 đ", "Cổng thanh toán THỬ NGHIỆM – tinhso sandbox, không phải cổng thật", "HS-0007-1", ">Thanh toán<", ">Hủy<"] {
        assert!(html.contains(text), "page lacks {text}");
    }

    let (status, body) = pay(&sandbox, &url, "success").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["response_code"], "00");
    assert_eq!(body["ipn"]["delivered"], true);
    let calls = shop.calls();
    assert_eq!(calls.len(), 1);
    assert!(calls[0].success);
    assert_eq!((calls[0].txn_ref.as_str(), calls[0].amount_vnd), ("HS-0007-1", 150_000));
    assert_eq!(shop.status("HS-0007-1"), PaymentStatus::Paid);

    // The browser's way back carries the same signed result.
    let back = body["return_url"].as_str().unwrap();
    let (base, query) = back.split_once('?').unwrap();
    assert_eq!(base, "http://dichvucong.test/thanh-toan/ket-qua");
    assert_eq!(verify_callback(query, SECRET).unwrap(), calls[0]);

    // The gateway refuses a reference it has settled: no second charge, no second IPN.
    let (status, body) = pay(&sandbox, &url, "success").await;
    assert_eq!((status.as_u16(), body["error"]["code"].as_str()), (409, Some("duplicate_transaction")));
    assert_eq!(reqwest::get(&url).await.unwrap().status(), 409);
    assert_eq!(shop.calls().len(), 1);
}

#[tokio::test]
async fn cancelling_sends_code_24_and_the_payment_fails() {
    let (shop, sandbox) = shop_and_sandbox().await;
    shop.order("HS-0008-1", 35_000);
    let (status, body) = pay(&sandbox, &payment_url(&sandbox, SECRET, "HS-0008-1", 35_000, Duration::zero()), "cancel").await;
    assert_eq!(status, 200, "{body}");
    let calls = shop.calls();
    assert_eq!(calls.len(), 1);
    assert_eq!((calls[0].response_code.as_str(), calls[0].success), ("24", false));
    assert_eq!(calls[0].transaction_no, "0");
    assert_eq!(shop.status("HS-0008-1"), PaymentStatus::Failed);
}

#[tokio::test]
async fn the_buttons_post_back_and_redirect_the_browser_with_303() {
    let (shop, sandbox) = shop_and_sandbox().await;
    shop.order("HS-0009-1", 50_000);
    let url = payment_url(&sandbox, SECRET, "HS-0009-1", 50_000, Duration::zero());
    let query = url.split_once('?').unwrap().1;
    let browser = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let r = browser.post(format!("{sandbox}/paymentv2/confirm")).form(&[("query", query), ("outcome", "success")]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let location = r.headers()["location"].to_str().unwrap();
    let back = verify_callback(location.split_once('?').unwrap().1, SECRET).unwrap();
    assert!(back.success);
    assert_eq!(shop.status("HS-0009-1"), PaymentStatus::Paid);
}

#[tokio::test]
async fn forged_expired_or_foreign_requests_are_refused_before_the_payer_sees_them() {
    let (shop, sandbox) = shop_and_sandbox().await;
    let genuine = payment_url(&sandbox, SECRET, "HS-0010-1", 150_000, Duration::zero());
    let cheaper = genuine.replace("vnp_Amount=15000000", "vnp_Amount=100");
    let cases = [
        (cheaper, "invalid_signature"),
        (payment_url(&sandbox, "A-GUESSED-SECRET", "HS-0010-2", 150_000, Duration::zero()), "invalid_signature"),
        (payment_url(&sandbox, SECRET, "HS-0010-3", 150_000, Duration::hours(1)), "payment_expired"),
        (genuine.replace("vnp_TmnCode=TINHSO01", "vnp_TmnCode=KHAC0001"), "unknown_merchant"),
    ];
    for (url, code) in cases {
        let page = reqwest::get(&url).await.unwrap();
        assert_eq!(page.status(), 400, "{code}");
        let html = page.text().await.unwrap();
        assert!(html.contains(code) && html.contains("THỬ NGHIỆM"), "{code}: {html}");
        let (status, body) = pay(&sandbox, &url, "success").await;
        assert_eq!((status.as_u16(), body["error"]["code"].as_str()), (400, Some(code)));
    }
    assert!(shop.calls().is_empty());
}

#[tokio::test]
async fn a_merchant_that_is_down_at_first_gets_the_ipn_on_retry() {
    // Take a free port, leave it closed while the sandbox starts calling, then open the shop.
    let port_holder = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let shop_addr = port_holder.local_addr().unwrap();
    drop(port_holder);
    let sandbox = start_sandbox(shop_addr, SECRET, 8).await;
    let url = payment_url(&sandbox, SECRET, "HS-0011-1", 150_000, Duration::zero());
    let paying = tokio::spawn({
        let sandbox = sandbox.clone();
        async move { pay(&sandbox, &url, "success").await }
    });
    tokio::time::sleep(std::time::Duration::from_millis(120)).await;
    let shop = start_shop(tokio::net::TcpListener::bind(shop_addr).await.unwrap(), &[("HS-0011-1", 150_000)]).await;

    let (status, body) = paying.await.unwrap();
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["ipn"]["delivered"], true);
    let attempts = body["ipn"]["attempts"].as_array().unwrap();
    assert!(attempts.len() > 1);
    assert!(attempts[0]["http_status"].is_null() && attempts[0]["error"].is_string());
    assert_eq!(shop.calls().len(), 1);
    assert_eq!(shop.status("HS-0011-1"), PaymentStatus::Paid);
}

#[tokio::test]
async fn a_merchant_answering_errors_is_retried_until_it_confirms() {
    let (shop, sandbox) = shop_and_sandbox().await;
    shop.order("HS-0012-1", 20_000);
    shop.fail_first.store(2, Ordering::SeqCst);
    let (_, body) = pay(&sandbox, &payment_url(&sandbox, SECRET, "HS-0012-1", 20_000, Duration::zero()), "success").await;
    let codes: Vec<_> = body["ipn"]["attempts"].as_array().unwrap().iter().map(|a| a["http_status"].as_u64()).collect();
    assert_eq!(codes, [Some(503), Some(503), Some(200)]);
    assert_eq!(shop.status("HS-0012-1"), PaymentStatus::Paid);
}

#[tokio::test]
async fn a_merchant_that_refuses_the_signature_is_not_counted_as_notified() {
    // The sandbox signs with a secret the shop does not know: every IPN is answered "97".
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let shop_addr = listener.local_addr().unwrap();
    let shop = start_shop(listener, &[("HS-0013-1", 20_000)]).await;
    let sandbox = start_sandbox(shop_addr, "ANOTHER-SECRET", 3).await;
    let (status, body) = pay(&sandbox, &payment_url(&sandbox, "ANOTHER-SECRET", "HS-0013-1", 20_000, Duration::zero()), "success").await;
    assert_eq!(status, 200);
    assert_eq!(body["ipn"]["delivered"], false);
    let attempts = body["ipn"]["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 3);
    assert!(attempts.iter().all(|a| a["rsp_code"] == "97" && a["http_status"] == 422));
    assert_eq!(shop.refused.load(Ordering::SeqCst), 3);
    assert_eq!(shop.status("HS-0013-1"), PaymentStatus::Pending);
}
