//! The people's pages for dossiers, server-rendered and usable without JavaScript: the
//! application form, "my dossiers", a dossier with its timeline and the actions the viewer may
//! take now, and the officer's work queue. Who may see or do what is decided by the service;
//! these handlers only show its answers.
mod apply;
mod detail;
mod extras;
mod figures;
mod lists;
mod papers;
mod track;
mod view;

use crate::Dossiers;
use axum::Router;
use axum::extract::FromRef;
use axum::routing::{get, post};
use sea_orm::DatabaseConnection;
use std::sync::Arc;
use tinhso_catalog::Catalog;

pub fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Dossiers>: FromRef<S>,
    Arc<Catalog>: FromRef<S>,
    DatabaseConnection: FromRef<S>,
{
    Router::new()
        .route("/nop-ho-so/{code}", get(apply::form_page).post(apply::submit))
        .route("/thong-ke/ho-so", get(figures::page))
        .route("/tra-cuu-ho-so", get(track::form).post(track::lookup))
        .route("/ho-so-cua-toi", get(lists::mine))
        .route("/ban-nhap/{code}/xoa", get(lists::confirm_delete_draft).post(lists::delete_draft))
        .route("/can-bo/ho-so", get(lists::queue))
        .route("/ho-so/{id}", get(detail::show))
        .route("/ho-so/{id}/thao-tac", post(detail::act))
        .route("/ho-so/{id}/xin-loi", post(detail::apologize))
        .route("/ho-so/{id}/giay-to", post(papers::upload).layer(axum::extract::DefaultBodyLimit::max(crate::documents::upload::MAX_BODY_BYTES)))
        .route("/ho-so/{id}/giay-to/tu-kho", post(papers::from_wallet))
        .route("/ho-so/{id}/thanh-toan", post(extras::pay))
        .route("/ho-so/{id}/danh-gia", post(extras::rate))
}
