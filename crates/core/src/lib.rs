//! Shared types with no I/O: errors, ids, Vietnamese text handling, personal id numbers, roles.
pub mod calendar;
pub mod error;
pub mod personal_id;
pub mod roles;
pub mod text;

pub use error::{Error, Result};

/// Internal ids are UUID v7: time-ordered, so indexes stay compact.
pub fn new_id() -> uuid::Uuid {
    uuid::Uuid::now_v7()
}
