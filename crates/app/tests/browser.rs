//! Drives headless Chromium (Debian's `chromium` and `chromium-driver`) through the real
//! pages: home → search → procedure page, the login form, and keyboard basics.
//!
//! Without `/usr/bin/chromedriver` the test is skipped, except in CI (env `CI` set), where
//! `.ci/run` must have installed it and its absence fails the test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::spawn_app;
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";
const SCREENSHOT: &str = "/tmp/tinhso-procedure.png";
const WAIT: Duration = Duration::from_secs(15);

/// A running chromedriver and the browser profile it uses. Dropping it (also while a failed
/// assertion unwinds) asks chromedriver to shut down, which closes the browsers it started,
/// then kills it and removes the profile.
struct Driver {
    child: Child,
    port: u16,
    profile: PathBuf,
}

impl Driver {
    fn start() -> Driver {
        let port = free_port();
        let profile = std::env::temp_dir().join(format!("tinhso-chromium-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&profile).unwrap();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let mut driver = Driver { child, port, profile };
        let started = Instant::now();
        while !driver.answers() {
            if let Some(status) = driver.child.try_wait().unwrap() {
                panic!("chromedriver exited at start: {status}");
            }
            assert!(started.elapsed() < WAIT, "chromedriver did not answer on port {port}");
            std::thread::sleep(Duration::from_millis(50));
        }
        driver
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// True once chromedriver answers `GET /status` with "ready".
    fn answers(&self) -> bool {
        http_get(self.port, "/status").is_some_and(|r| r.starts_with("HTTP/1.1 200") && r.contains("\"ready\":true"))
    }

    async fn connect(&self) -> Client {
        let args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1280,1000",
            "--lang=vi-VN",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .chain([format!("--user-data-dir={}", self.profile.display())])
        .collect::<Vec<_>>();
        let mut caps = serde_json::Map::new();
        caps.insert("goog:chromeOptions".into(), serde_json::json!({"binary": CHROMIUM, "args": args}));
        // Both of rustls' crypto backends end up in the build (fantoccini's hyper-rustls
        // brings aws-lc-rs, reqwest and sqlx ring), so rustls cannot pick one by itself.
        let _ = rustls::crypto::ring::default_provider().install_default();
        ClientBuilder::rustls().unwrap().capabilities(caps).connect(&self.url()).await.expect("start a Chromium session")
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // `/shutdown` quits chromedriver and the browsers it launched; killing it alone
        // would leave Chromium running.
        let _ = http_get(self.port, "/shutdown");
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A tiny blocking HTTP GET (usable in `Drop`); returns the raw response.
fn http_get(port: u16, path: &str) -> Option<String> {
    let mut s = TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), Duration::from_secs(1)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(3))).ok()?;
    write!(s, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n").ok()?;
    // chromedriver keeps the connection open: read until the body announced by
    // Content-Length is in, not until EOF.
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match s.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(_) if !out.is_empty() => break,
            Err(_) => return None,
        }
        let text = String::from_utf8_lossy(&out);
        if let Some(end) = text.find("\r\n\r\n") {
            let length = text[..end]
                .lines()
                .find_map(|l| l.split_once(':').filter(|(k, _)| k.eq_ignore_ascii_case("content-length")).map(|(_, v)| v.trim().parse::<usize>().unwrap_or(0)));
            if length.is_some_and(|l| out.len() >= end + 4 + l) {
                break;
            }
        }
    }
    Some(String::from_utf8_lossy(&out).into_owned())
}

async fn text(c: &Client, css: &str) -> String {
    let el = c.wait().at_most(WAIT).for_element(Locator::Css(css)).await.unwrap_or_else(|e| panic!("no `{css}` on the page: {e}"));
    el.text().await.unwrap().trim().to_owned()
}

/// Waits until the browser is on `path` (after a form submit or a click).
async fn wait_for_path(c: &Client, path: &str) {
    let started = Instant::now();
    loop {
        let url = c.current_url().await.unwrap();
        if url.path() == path {
            return;
        }
        assert!(started.elapsed() < WAIT, "expected to land on {path}, still on {url}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn pages_work_in_a_real_browser() {
    if !Path::new(CHROMEDRIVER).exists() {
        if std::env::var_os("CI").is_some() {
            panic!("{CHROMEDRIVER} is missing: CI must install Debian's chromium and chromium-driver (see .ci/run)");
        }
        eprintln!("skipping browser test: chromedriver not installed ({CHROMEDRIVER})");
        return;
    }
    let started = Instant::now();
    let app = spawn_app().await;
    let driver = Driver::start();
    let c = driver.connect().await;

    // Home page: heading, labelled search box, and the skip link comes first for keyboard users.
    c.goto(&app.url("/")).await.unwrap();
    assert_eq!(text(&c, "h1").await, "Bạn cần làm thủ tục gì?");
    let label = text(&c, "label[for=q]").await;
    assert!(!label.is_empty(), "the search input #q has a visible label");
    c.perform_actions(KeyActions::new("keyboard".into()).then(KeyAction::Down { value: Key::Tab.into() }).then(KeyAction::Up { value: Key::Tab.into() }))
        .await
        .unwrap();
    let focused = c.active_element().await.unwrap();
    assert_eq!(focused.text().await.unwrap().trim(), "Bỏ qua, đến nội dung chính", "Tab from the top focuses the skip link first");
    assert_eq!(focused.attr("href").await.unwrap().as_deref(), Some("#noi-dung"));

    // Search by keyboard, without diacritics.
    let q = c.find(Locator::Css("#q")).await.unwrap();
    q.click().await.unwrap();
    q.send_keys(&format!("lam giay khai sinh cho con{}", char::from(Key::Enter))).await.unwrap();
    wait_for_path(&c, "/thu-tuc").await;
    assert!(text(&c, "h1").await.starts_with("Kết quả cho"), "results page heading");
    let first = c.wait().at_most(WAIT).for_element(Locator::Css("section ol > li a")).await.unwrap();
    assert_eq!(first.text().await.unwrap().trim(), "Đăng ký khai sinh");

    // The procedure page.
    let href = first.attr("href").await.unwrap().unwrap();
    first.click().await.unwrap();
    wait_for_path(&c, &href).await;
    assert_eq!(text(&c, "h1").await, "Đăng ký khai sinh");
    let docs = c
        .find_all(Locator::XPath("//h2[normalize-space()='Bạn cần chuẩn bị']/following-sibling::ol[1]/li"))
        .await
        .unwrap();
    assert!(!docs.is_empty(), "the “Bạn cần chuẩn bị” section lists the documents");
    let fee = c.find(Locator::XPath("//tr[th[normalize-space()='Lệ phí']]/td")).await.expect("fee row");
    assert!(!fee.text().await.unwrap().trim().is_empty(), "the fee row says something");
    std::fs::write(SCREENSHOT, c.screenshot().await.unwrap()).unwrap();

    // Sign in with the demo citizen.
    c.goto(&app.url("/dang-nhap")).await.unwrap();
    c.wait().at_most(WAIT).for_element(Locator::Css("#login")).await.unwrap().send_keys("051095000123").await.unwrap();
    c.find(Locator::Css("#password")).await.unwrap().send_keys(common::PASSWORD).await.unwrap();
    c.find(Locator::Css("main form button[type=submit]")).await.unwrap().click().await.unwrap();
    wait_for_path(&c, "/tai-khoan").await;
    assert_eq!(text(&c, "h1").await, "Xin chào, Nguyễn Văn An");

    // A wrong password in a fresh session: the error is announced in Vietnamese.
    c.delete_all_cookies().await.unwrap();
    c.goto(&app.url("/dang-nhap")).await.unwrap();
    assert!(c.find(Locator::Css("a[href='/dang-nhap']")).await.is_ok(), "signed out after dropping the cookies");
    c.wait().at_most(WAIT).for_element(Locator::Css("#login")).await.unwrap().send_keys("051095000123").await.unwrap();
    c.find(Locator::Css("#password")).await.unwrap().send_keys("sai-mat-khau").await.unwrap();
    c.find(Locator::Css("main form button[type=submit]")).await.unwrap().click().await.unwrap();
    assert_eq!(text(&c, "[role=alert]").await, "Tên đăng nhập hoặc mật khẩu không đúng.");
    assert_eq!(c.current_url().await.unwrap().path(), "/dang-nhap");
    assert_eq!(c.find(Locator::Css("#login")).await.unwrap().prop("value").await.unwrap().as_deref(), Some("051095000123"), "the login is kept");

    c.close().await.unwrap();
    drop(driver);
    eprintln!("browser test took {:.1?}; screenshot of the procedure page: {SCREENSHOT}", started.elapsed());
}
