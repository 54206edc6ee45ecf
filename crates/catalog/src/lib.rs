//! The catalogue of administrative procedures (Danh mục thủ tục hành chính): what each
//! procedure needs, costs and takes, searchable in forgiving Vietnamese.
pub mod generate;
pub mod import;
pub mod model;
pub mod search;
pub mod service;
pub mod store;
mod entity;
pub mod http;
mod vocab;

pub use model::Procedure;
pub use service::Catalog;
pub use vocab::normalize_words;

/// The demo catalogue shipped with the platform (data/procedures.json).
pub const DEMO_PROCEDURES: &str = include_str!("../../../data/procedures.json");
