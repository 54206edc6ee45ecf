//! `/api/v1/wallet` (the signed-in person's items and their files) and the page
//! `/kho-du-lieu`. Only the owner reaches an item here.
use crate::Wallet;
use crate::service::Item;
use axum::extract::{FromRef, Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use sea_orm::DatabaseConnection;
use std::sync::Arc;
use tinhso_web::{ApiError, SignedIn};

pub fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Wallet>: FromRef<S>,
    DatabaseConnection: FromRef<S>,
{
    Router::new()
        .route("/api/v1/wallet", get(mine))
        .route("/api/v1/wallet/{id}/file", get(download))
        .route("/kho-du-lieu", get(crate::pages::store))
}

/// The signed-in person's documents and results, newest first.
#[utoipa::path(get, path = "/api/v1/wallet", tag = "wallet", responses((status = 200, body = [Item]), (status = 401, description = "unauthorized")))]
pub async fn mine(State(wallet): State<Arc<Wallet>>, SignedIn(who): SignedIn) -> Result<Json<Vec<Item>>, ApiError> {
    Ok(Json(wallet.list(who.user_id).await?))
}

/// Download one of the signed-in person's documents (the read is written to the audit log).
#[utoipa::path(get, path = "/api/v1/wallet/{id}/file", tag = "wallet", params(("id" = String, Path)),
    responses((status = 200, description = "the file, with its real type"), (status = 404, description = "not_found")))]
pub async fn download(State(wallet): State<Arc<Wallet>>, SignedIn(who): SignedIn, Path(id): Path<uuid::Uuid>) -> Result<Response, ApiError> {
    let (item, bytes) = wallet.file(&who, id).await?;
    Ok(file_response(bytes, &item.mime, &item.title))
}

/// The file extension of an accepted type.
pub fn extension_of(mime: &str) -> &'static str {
    match mime {
        "application/pdf" => "pdf",
        "image/jpeg" => "jpg",
        "image/png" => "png",
        _ => "bin",
    }
}

/// A stored file as a download: its type as found from its bytes, never sniffed again by the
/// browser, under a name made from `title` (plain ASCII, with the Vietnamese name beside it).
pub fn file_response(bytes: Vec<u8>, mime: &str, title: &str) -> Response {
    let ext = extension_of(mime);
    let stem = title.rsplit_once('.').filter(|(_, e)| e.len() <= 4).map(|(s, _)| s).unwrap_or(title);
    let ascii: String = tinhso_core::text::words(&tinhso_core::text::fold(stem)).collect::<Vec<_>>().join("-").chars().take(80).collect();
    let ascii = if ascii.is_empty() { "tep".to_owned() } else { ascii };
    let utf8: String = format!("{stem}.{ext}").bytes().map(|b| if b.is_ascii_alphanumeric() || b"-._~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") }).collect();
    let disposition = format!("attachment; filename=\"{ascii}.{ext}\"; filename*=UTF-8''{utf8}");
    let mime = if ext == "bin" { "application/octet-stream" } else { mime };
    ([(header::CONTENT_TYPE, mime.to_owned()), (header::CONTENT_DISPOSITION, disposition), (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned())], bytes).into_response()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_download_is_named_safely() {
        let r = file_response(b"%PDF".to_vec(), "application/pdf", "Giấy khai sinh \"bản sao\".pdf");
        let d = r.headers()[header::CONTENT_DISPOSITION].to_str().unwrap().to_owned();
        assert!(d.starts_with("attachment; filename=\"giay-khai-sinh-ban-sao.pdf\"; filename*=UTF-8''Gi%E1%BA"), "{d}");
        assert!(!d[d.find("UTF-8''").unwrap()..].contains('"'));
        assert_eq!(r.headers()[header::CONTENT_TYPE], "application/pdf");
        let r = file_response(Vec::new(), "text/html", "x");
        assert_eq!(r.headers()[header::CONTENT_TYPE], "application/octet-stream");
    }
}
