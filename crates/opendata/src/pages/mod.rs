//! The portal's pages, in Vietnamese, server-rendered and usable without JavaScript.
mod dataset;
mod portal;
mod steward;

use crate::OpenData;
use axum::Router;
use axum::routing::get;
use std::sync::Arc;

pub fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<OpenData>: axum::extract::FromRef<S>,
    sea_orm::DatabaseConnection: axum::extract::FromRef<S>,
{
    Router::new()
        .route("/du-lieu-mo", get(portal::home))
        .route("/du-lieu-mo/chua-cap-nhat", get(portal::stale))
        .route("/du-lieu-mo/lo-trinh", get(portal::roadmap).post(steward::add_priority))
        .route("/organization/{name}", get(portal::organization))
        .route("/dataset/{name}", get(dataset::show))
        .route("/dataset/{name}/tai-su-dung", axum::routing::post(dataset::add_reuse))
        .route("/dataset/{name}/resource/{id}", get(dataset::preview))
        .route("/dataset/{name}/resource/{id}/download/{file}", get(dataset::download))
        .route("/du-lieu-mo/quan-ly", get(steward::home).post(steward::create_key))
        .route("/du-lieu-mo/quan-ly/tao-moi", get(steward::new_form).post(steward::create))
        .route("/dataset/{name}/sua", get(steward::edit_form).post(steward::edit))
        .route("/dataset/{name}/xoa", get(steward::delete_form).post(steward::delete))
        .route("/dataset/{name}/tai-len", get(steward::upload_form).post(steward::upload).layer(axum::extract::DefaultBodyLimit::max(crate::DEFAULT_MAX_UPLOAD + (1 << 20))))
}

/// `12/03/2026` in Vietnam's time.
pub fn date(t: chrono::DateTime<chrono::Utc>) -> String {
    t.with_timezone(&tinhso_core::calendar::vietnam()).format("%d/%m/%Y").to_string()
}

pub fn size_text(bytes: Option<i64>) -> String {
    match bytes {
        None => String::new(),
        Some(b) if b >= 1 << 20 => format!("{:.1} MB", b as f64 / (1u64 << 20) as f64).replace('.', ","),
        Some(b) => format!("{} KB", (b + 1023) / 1024),
    }
}

/// Query-string value encoding for links built in templates.
pub fn enc(s: &str) -> String {
    tinhso_web::encode_path(s)
}
