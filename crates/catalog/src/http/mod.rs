//! HTTP routes of the catalogue: the JSON API and the pages.
pub mod api;
pub mod pages;
mod view;

use crate::Catalog;
use axum::extract::FromRef;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

/// The state the catalogue's routes need from the app.
pub trait CatalogState: Clone + Send + Sync + 'static {}

impl<S> CatalogState for S
where
    S: Clone + Send + Sync + 'static,
    Arc<Catalog>: FromRef<S>,
    DatabaseConnection: FromRef<S>,
{
}

pub fn router<S>() -> axum::Router<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Catalog>: FromRef<S>,
    DatabaseConnection: FromRef<S>,
{
    api::router().merge(pages::router())
}
