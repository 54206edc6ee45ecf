//! Mutual TLS at the exchange gateway: a consumer subsystem authenticates with a client
//! certificate from the exchange's CA once a data steward has registered it, keys still work
//! on the same port, and certificates that are unregistered, revoked, someone else's or from
//! another CA open nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]
mod common;
use common::exchange::{code_of, echo_upstream, grant, register};
use common::{TestApp, person, spawn_app_with};
use serde_json::{Value, json};
use std::sync::atomic::Ordering;
use tinhso_app::exchange_tls::{Issued, issue_client};

const CONSUMER: &str = "000.00.04.H55/dung-mtls";
const SERVICE: &str = "/x/000.00.05.H55/nguon-mtls/mtls/ho-so/1";

/// A client that trusts the gateway's CA and presents `identity`, if any.
fn tls_client(app: &TestApp, identity: Option<&Issued>) -> reqwest::Client {
    let ca = std::fs::read(app.config.exchange_tls_dir().join("ca.pem")).unwrap();
    let mut b = reqwest::Client::builder().use_rustls_tls().tls_built_in_root_certs(false).add_root_certificate(reqwest::Certificate::from_pem(&ca).unwrap());
    if let Some(i) = identity {
        b = b.identity(reqwest::Identity::from_pem(format!("{}{}", i.cert_pem, i.key_pem).as_bytes()).unwrap());
    }
    b.build().unwrap()
}

fn gateway_call(app: &TestApp, client: &reqwest::Client, path: &str, consumer: &str) -> reqwest::RequestBuilder {
    let url = format!("https://{}{path}", app.exchange_tls.expect("the TLS listener runs"));
    client.get(url).header("x-tinhso-client", consumer).header("x-tinhso-purpose", "kiem thu").header("x-tinhso-subject", "051095000123")
}

#[tokio::test]
async fn a_registered_client_certificate_authenticates_and_others_open_nothing() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let app = spawn_app_with(|c| c.exchange_tls_listen = "127.0.0.1:0".into()).await;
    let (upstream, hits) = echo_upstream().await;
    let admin = person(&app, "quantri").await;
    let s = register(&app, &admin, &upstream, "mtls", true, 2000).await;
    grant(&app, &admin, &s, "mtls").await;
    let dir = app.config.exchange_tls_dir();
    let mine = issue_client(&dir, CONSUMER).unwrap();
    let with_cert = tls_client(&app, Some(&mine));

    // Not registered yet: the CA's signature alone opens nothing.
    let r = gateway_call(&app, &with_cert, SERVICE, CONSUMER).send().await.unwrap();
    assert_eq!(code_of(r).await, (401, "invalid_credential".into()));
    // Without a certificate the TLS port still takes API keys, and asks for a credential.
    let plain = tls_client(&app, None);
    let r = gateway_call(&app, &plain, SERVICE, CONSUMER).send().await.unwrap();
    assert_eq!(code_of(r).await, (401, "missing_credential".into()));
    let r = gateway_call(&app, &plain, SERVICE, CONSUMER).header("x-tinhso-key", &s.key).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(hits.load(Ordering::SeqCst), 1);

    // Registration: the steward gives the certificate (PEM); bad input is refused clearly.
    let path = format!("/api/v1/exchange/subsystems/{}/certificates", s.consumer_id);
    let (status, body) = admin.post(&app, &path, json!({"certificate_pem": "-----BEGIN CERTIFICATE-----\nkhông phải chứng thư\n-----END CERTIFICATE-----"})).await;
    assert_eq!((status, body["error"]["code"].as_str()), (422, Some("invalid_certificate")));
    let registered = admin.post_ok(&app, &path, json!({"certificate_pem": mine.cert_pem})).await;
    assert_eq!(registered["kind"], "certificate");
    assert!(registered["prefix"].as_str().unwrap().starts_with(CONSUMER), "{registered}");
    let (status, body) = admin.post(&app, &path, json!({"certificate_pem": mine.cert_pem})).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("certificate_registered")));
    let (status, _) = person(&app, "dulieu.khcn").await.post(&app, &path, json!({"certificate_pem": mine.cert_pem})).await;
    assert_eq!(status, 403, "a steward of another agency may not register certificates for this one");

    // Registered: the certificate alone authenticates, and the call is logged as the consumer's.
    let r = gateway_call(&app, &with_cert, SERVICE, CONSUMER).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers().get("x-tinhso-log-seq").is_some());
    let seen: Value = r.json().await.unwrap();
    assert_eq!(seen["client"], CONSUMER);
    assert_eq!(hits.load(Ordering::SeqCst), 2);
    let allowed: Value = with_cert.get(format!("https://{}/x/allowed", app.exchange_tls.unwrap())).header("x-tinhso-client", CONSUMER).send().await.unwrap().json().await.unwrap();
    assert_eq!(allowed[0]["service"], "000.00.05.H55/nguon-mtls/mtls");
    // The certificate speaks for its own subsystem only.
    let r = gateway_call(&app, &with_cert, SERVICE, "000.00.04.H55/dung-khac").send().await.unwrap();
    assert_eq!(r.status(), 401);
    // A certificate from another CA, even with the right name, fails the TLS handshake.
    let stranger = stranger_certificate(CONSUMER);
    assert!(gateway_call(&app, &tls_client(&app, Some(&stranger)), SERVICE, CONSUMER).send().await.is_err());

    // A certificate cannot be rotated into a key; revoked, it opens nothing at once.
    let id = registered["id"].as_str().unwrap();
    let (status, body) = admin.post(&app, &format!("/api/v1/exchange/keys/{id}/rotate"), json!({})).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("not_a_key")));
    admin.post_ok(&app, &format!("/api/v1/exchange/keys/{id}/revoke"), json!({})).await;
    let r = gateway_call(&app, &with_cert, SERVICE, CONSUMER).send().await.unwrap();
    assert_eq!(code_of(r).await, (401, "invalid_credential".into()));
    assert_eq!(hits.load(Ordering::SeqCst), 2, "nothing refused reached the upstream");

    // A new certificate, registered through the steward's page, works at once.
    let renewed = issue_client(&dir, CONSUMER).unwrap();
    let form = [("csrf_token", admin.csrf.as_str()), ("subsystem_id", s.consumer_id.as_str()), ("certificate_pem", renewed.cert_pem.as_str())];
    let r = admin.client.post(app.url("/trao-doi-du-lieu/chung-thu")).form(&form).send().await.unwrap();
    assert_eq!(r.headers()["location"], "/trao-doi-du-lieu?da=chung-thu");
    let page = admin.client.get(app.url("/trao-doi-du-lieu?da=chung-thu")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Đã đăng ký chứng thư số") && page.contains(&format!("Chứng thư <code>{CONSUMER}")), "{page}");
    let r = gateway_call(&app, &tls_client(&app, Some(&renewed)), SERVICE, CONSUMER).send().await.unwrap();
    assert_eq!(r.status(), 200);
}

/// A client certificate from a CA the gateway does not trust.
fn stranger_certificate(name: &str) -> Issued {
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    params.distinguished_name.push(rcgen::DnType::CommonName, name);
    params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ClientAuth];
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = params.signed_by(&key, &ca, &ca_key).unwrap();
    Issued { cert_pem: cert.pem(), key_pem: key.serialize_pem() }
}
