//! Each person's store of documents and results (Kho quản lý dữ liệu điện tử của tổ chức, cá
//! nhân): what an agency accepted from them and the results it issued, kept with type, issuer,
//! date and validity, so that a later dossier reuses them instead of asking again ("chỉ cung
//! cấp một lần"). Other modules reach it through [`Wallet`], never through its table.
pub mod doc_type;
pub mod entity;
pub mod http;
mod pages;
pub mod service;

pub use service::{Item, NewItem, Source, Wallet};
