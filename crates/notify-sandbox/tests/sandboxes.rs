//! The sandboxes as a client sees them: a real SMTP client (lettre) against the sink, plain
//! HTTP against the SMS gateway, and both through a simulated outage.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde_json::{Value, json};
use tinhso_notify_sandbox::{sms, smtp};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

fn mail(subject: &str, body: &str) -> Message {
    Message::builder()
        .from("Cổng Dịch vụ công <khong-tra-loi@tinhso.local>".parse().unwrap())
        .to("nguoi.nhan@example.vn".parse().unwrap())
        .subject(subject)
        .header(ContentType::TEXT_PLAIN)
        .body(body.to_owned())
        .unwrap()
}

#[tokio::test]
async fn the_sink_keeps_what_a_real_client_sends_decoded() {
    let sink = smtp::spawn("127.0.0.1:0", "127.0.0.1:0").await.unwrap();
    let client = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous("127.0.0.1").port(sink.smtp_addr.port()).build();
    let body = "Hồ sơ đã được tiếp nhận.\n.Dòng bắt đầu bằng dấu chấm\n";
    client.send(mail("Hồ sơ 000.00.04.H55-260315-0001 đã được tiếp nhận", body)).await.unwrap();

    let listed: Vec<Value> = reqwest::get(format!("http://{}/messages", sink.http_addr)).await.unwrap().json().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["subject"], "Hồ sơ 000.00.04.H55-260315-0001 đã được tiếp nhận");
    assert_eq!(listed[0]["rcpt_to"], json!(["nguoi.nhan@example.vn"]));
    assert_eq!(listed[0]["mail_from"], "khong-tra-loi@tinhso.local");
    let text = listed[0]["text"].as_str().unwrap().replace("\r\n", "\n");
    assert!(text.contains(".Dòng bắt đầu bằng dấu chấm"), "dot-stuffing undone: {text:?}");

    sink.set_unavailable(true);
    let e = client.send(mail("x", "y")).await.unwrap_err();
    assert!(e.is_transient(), "an outage is worth retrying: {e}");
    sink.set_unavailable(false);
    client.send(mail("z", "w")).await.unwrap();
    assert_eq!(sink.messages().len(), 2);
}

#[tokio::test]
async fn the_sink_refuses_commands_out_of_order() {
    let sink = smtp::spawn("127.0.0.1:0", "127.0.0.1:0").await.unwrap();
    let stream = tokio::net::TcpStream::connect(sink.smtp_addr).await.unwrap();
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    assert!(lines.next_line().await.unwrap().unwrap().starts_with("220 "));
    for (command, expected) in [("MAIL FROM:<a@b.vn>", "503"), ("HELO test", "250"), ("RCPT TO:<c@d.vn>", "503"), ("DATA", "503"), ("QUIT", "221")] {
        write.write_all(format!("{command}\r\n").as_bytes()).await.unwrap();
        let reply = lines.next_line().await.unwrap().unwrap();
        assert!(reply.starts_with(expected), "{command} → {reply}");
    }
}

#[tokio::test]
async fn the_gateway_checks_key_number_and_request_id() {
    let config = sms::SmsSandboxConfig { api_key: "khoa-thu".into(), brandnames: vec!["TINHSO".into()] };
    let gateway = sms::spawn("127.0.0.1:0", config).await.unwrap();
    let url = format!("http://{}/sms/send", gateway.addr);
    let client = reqwest::Client::new();
    let send = |key: &'static str, body: Value| {
        let (client, url) = (client.clone(), url.clone());
        async move {
            let r = client.post(url).header("x-api-key", key).json(&body).send().await.unwrap();
            (r.status().as_u16(), r.json::<Value>().await.unwrap())
        }
    };
    let ok = json!({"to": "0905123456", "text": "Hồ sơ đã có kết quả.", "brandname": "TINHSO", "request_id": "r1"});
    assert_eq!(send("sai", ok.clone()).await.0, 401);
    let (status, body) = send("khoa-thu", json!({"to": "0243123456", "text": "x", "brandname": "TINHSO"})).await;
    assert_eq!((status, body["error"]["code"].as_str()), (400, Some("invalid_number")));
    let (status, body) = send("khoa-thu", json!({"to": "0905123456", "text": "x", "brandname": "KHAC"})).await;
    assert_eq!((status, body["error"]["code"].as_str()), (400, Some("brandname_not_registered")));

    let (status, first) = send("khoa-thu", ok.clone()).await;
    assert_eq!((status, first["duplicate"].as_bool(), first["segments"].as_u64()), (200, Some(false), Some(1)));
    let (_, again) = send("khoa-thu", ok.clone()).await;
    assert_eq!((again["duplicate"].as_bool(), &again["message_id"]), (Some(true), &first["message_id"]), "a retry is not sent twice");
    let listed: Vec<Value> = reqwest::get(format!("http://{}/messages", gateway.addr)).await.unwrap().json().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!((listed[0]["to"].as_str(), listed[0]["encoding"].as_str()), (Some("84905123456"), Some("ucs2")));

    let r = client.post(format!("http://{}/sandbox/outage", gateway.addr)).json(&json!({"unavailable": true})).send().await.unwrap();
    assert_eq!(r.status(), 204);
    let ok2 = json!({"to": "0905123456", "text": "Lần hai", "brandname": "TINHSO", "request_id": "r2"});
    assert_eq!(send("khoa-thu", ok2).await.0, 503);
    assert_eq!(gateway.messages().len(), 1);
}
