//! The open data portal (Cổng dữ liệu mở): datasets of the province's agencies with their
//! files, a CKAN-compatible Action API so existing tools work unchanged, a datastore-like
//! query of tabular files, quality scores ("đúng, đủ, sạch, sống"), usage and reuses, the
//! priority list and roadmap, DCAT-AP catalogues, and the platform's own anonymised
//! statistics published as datasets that refresh by themselves.
pub mod api;
pub mod ckan;
pub mod dcat;
mod dcat_write;
pub mod entity;
pub mod geojson;
pub mod index;
pub mod jobs;
pub mod keys;
pub mod resources;
pub mod roadmap;
pub mod seed;
pub mod selfpub;
pub mod usage;
pub mod model;
mod pages;
pub mod quality;
pub mod service;
pub mod store;
pub mod table;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_selfpub;
pub mod tabular;
pub mod v1;
pub mod vocab;
mod xlsx;

pub use service::{Actor, OpenData, Settings, Upload};

/// The largest file accepted for a resource.
pub const DEFAULT_MAX_UPLOAD: usize = 50 << 20;

/// Every route of the portal: the CKAN API, the pages and the DCAT catalogue.
pub fn router<S>() -> axum::Router<S>
where
    S: Clone + Send + Sync + 'static,
    std::sync::Arc<OpenData>: axum::extract::FromRef<S>,
    sea_orm::DatabaseConnection: axum::extract::FromRef<S>,
{
    use axum::routing::get;
    axum::Router::new()
        .merge(api::router())
        .merge(v1::router())
        .merge(pages::router())
        .route("/catalog.jsonld", get(dcat::catalog_jsonld))
        .route("/catalog.ttl", get(dcat::catalog_ttl))
        .route("/catalog.rdf", get(dcat::catalog_rdf))
}

use std::collections::BTreeMap;

/// Why a call of the portal was refused, in the categories CKAN's error objects use.
#[derive(Debug)]
pub enum Refused {
    NotFound(String),
    /// Field → messages.
    Validation(BTreeMap<String, Vec<String>>),
    Authorization(String),
    /// A search query the portal cannot read.
    Query(String),
    Other(tinhso_core::Error),
}

impl From<tinhso_core::Error> for Refused {
    fn from(e: tinhso_core::Error) -> Self {
        use tinhso_core::Error as E;
        match e {
            E::NotFound { what } => Refused::NotFound(format!("Không tìm thấy {what}.")),
            E::Invalid { field, message, .. } => Refused::Validation(BTreeMap::from([(if field.is_empty() { "message".into() } else { field }, vec![message])])),
            E::Conflict { message, .. } => Refused::Validation(BTreeMap::from([("message".into(), vec![message])])),
            E::Unauthorized | E::Forbidden => Refused::Authorization("Không có quyền thực hiện việc này.".into()),
            other => Refused::Other(other),
        }
    }
}

impl From<Refused> for tinhso_core::Error {
    fn from(r: Refused) -> Self {
        use tinhso_core::Error as E;
        match r {
            Refused::NotFound(what) => E::NotFound { what: what.trim_start_matches("Không tìm thấy ").trim_end_matches('.').to_owned() },
            Refused::Validation(fields) => {
                let message = fields.iter().map(|(f, m)| format!("{f}: {}", m.join("; "))).collect::<Vec<_>>().join(". ");
                E::invalid("invalid_dataset", "", message)
            }
            Refused::Authorization(_) => E::Forbidden,
            Refused::Query(m) => E::invalid("invalid_query", "", m),
            Refused::Other(e) => e,
        }
    }
}

pub type Outcome<T> = Result<T, Refused>;
