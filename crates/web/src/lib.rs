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
