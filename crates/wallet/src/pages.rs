//! `/kho-du-lieu`: the person's store as a page, usable without JavaScript.
use crate::Wallet;
use crate::service::Item;
use askama::Template;
use axum::extract::State;
use axum::response::Html;
use sea_orm::DatabaseConnection;
use std::collections::HashMap;
use std::sync::Arc;
use tinhso_web::{Chrome, PageError, SignedIn, render};

pub struct Row {
    pub title: String,
    pub kind: &'static str,
    pub issuer: String,
    pub issued: String,
    pub valid: String,
    pub expired: bool,
    pub size: String,
    pub format: &'static str,
    pub url: String,
}

#[derive(Template)]
#[template(path = "wallet.html")]
struct StorePage {
    chrome: Chrome,
    rows: Vec<Row>,
}

fn date(t: chrono::DateTime<chrono::Utc>) -> String {
    t.with_timezone(&tinhso_core::calendar::vietnam()).format("%d/%m/%Y").to_string()
}

fn size_text(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0)).replace('.', ",")
    } else {
        format!("{} KB", (bytes + 1023) / 1024)
    }
}

fn row(item: Item, units: &HashMap<String, String>, now: chrono::DateTime<chrono::Utc>) -> Row {
    let issuer = match item.issuer.as_str() {
        "self" => "Bạn tự tải lên".to_owned(),
        code => units.get(code).cloned().unwrap_or_else(|| code.to_owned()),
    };
    Row {
        kind: item.source.label(),
        issued: date(item.issued_at),
        valid: item.valid_until.map(date).unwrap_or_else(|| "Không thời hạn".into()),
        expired: !item.is_valid_at(now),
        size: size_text(item.size),
        format: match item.mime.as_str() {
            "application/pdf" => "PDF",
            "image/jpeg" => "JPEG",
            "image/png" => "PNG",
            _ => "tệp",
        },
        url: item.download_url,
        title: item.title,
        issuer,
    }
}

pub async fn store(chrome: Chrome, SignedIn(who): SignedIn, State(wallet): State<Arc<Wallet>>, State(db): State<DatabaseConnection>) -> Result<Html<String>, PageError> {
    let fail = |e| PageError(e, Box::new(chrome.clone()));
    let items = wallet.list(who.user_id).await.map_err(fail)?;
    let units: HashMap<String, String> = tinhso_identity::org_units::list(&db).await.map_err(fail)?.into_iter().map(|u| (u.code, u.name)).collect();
    let now = chrono::Utc::now();
    let rows = items.into_iter().map(|i| row(i, &units, now)).collect();
    render(&StorePage { chrome, rows })
}
