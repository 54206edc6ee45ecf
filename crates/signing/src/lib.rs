//! Digital signatures (chữ ký số): a demo certificate authority and agency certificates,
//! PDF rendering with an embedded Vietnamese font, and PAdES signing and verification of
//! those PDFs so that standard tools (Adobe Reader, poppler's `pdfsig`) accept them.
//!
//! Everything here is pure computation on bytes: keys and certificates come in and go out as
//! DER/PEM, and the caller stores them. No I/O, no database.
pub mod ca;
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
