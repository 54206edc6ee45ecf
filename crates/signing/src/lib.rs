//! Digital signatures (chữ ký số): a demo certificate authority and agency certificates,
//! PDF rendering with an embedded Vietnamese font, and PAdES signing and verification of
//! those PDFs so that standard tools (Adobe Reader, poppler's `pdfsig`) accept them.
//!
//! The rendering and signing modules are pure computation on bytes; `keystore` keeps the
//! demo CA's and the agencies' certificates and keys in the database.
pub mod ca;
pub mod keystore;
mod keys;
pub mod pades;
pub mod pdf;

pub use ca::{IssuedCert, KeyAlgorithm};
pub use pades::{SignOptions, Signer, Verification, sign_pdf, verify_pdf};
pub use pdf::{Document, Line, render};

use tinhso_core::Error;

/// Library failures are internal errors: their detail is logged, never shown.
pub(crate) fn internal(context: &str, e: impl std::fmt::Display) -> Error {
    Error::other(format!("{context}: {e}"))
}
