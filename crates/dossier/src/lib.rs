//! Dossiers and their processing (Hệ thống thông tin giải quyết TTHC; Bộ phận một cửa):
//! submission with gap-free codes, the one-stop state machine, deadlines and the timeline.
pub mod codes;
mod communes;
pub mod documents;
pub mod drafts;
pub mod entity;
pub mod figures;
pub mod form;
pub mod http;
pub mod machine;
pub mod model;
pub mod notify;
pub mod outputs;
pub mod payments;
pub mod pages;
pub mod queue;
pub mod registries;
pub mod results;
mod rules;
pub mod verify;
pub mod service;
pub mod stats;
mod submissions;

pub use model::Dossier;
pub use service::Dossiers;
