//! HTTP plumbing shared by every module: the one mapping from domain errors to HTTP, the
//! signed-in person as typed extractors, CSRF tokens, and the page layout.
pub mod auth;
pub mod csrf;
pub mod error;
pub mod json;
pub mod page;

pub use auth::{Admin, CurrentUser, DataSteward, SignedIn};
pub use csrf::CsrfForm;
pub use error::{ApiError, PageError};
pub use json::ApiJson;
pub use page::{Chrome, render};

/// Percent-encodes a path for use as a query value.
pub fn encode_path(path: &str) -> String {
    serde_urlencoded::to_string([("", path)]).unwrap_or_default().trim_start_matches('=').to_owned()
}

/// A place to return to after signing in: a local path only, never another site.
pub fn safe_return(path: &str) -> Option<&str> {
    (path.starts_with('/') && !path.starts_with("//") && !path.contains('\\')).then_some(path)
}
