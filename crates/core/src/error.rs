//! The one error type that stores and services return. The web layer maps it to HTTP in one
//! place; the `code` strings are part of the public API and must stay stable.

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// `what` is a Vietnamese noun phrase ("thủ tục 1.001193").
    #[error("không tìm thấy {what}")]
    NotFound { what: String },
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    #[error("{field}: {message}")]
    Invalid { code: &'static str, field: String, message: String },
    #[error("cần đăng nhập")]
    Unauthorized,
    #[error("không có quyền")]
    Forbidden,
    #[error("quá nhiều lần thử")]
    RateLimited,
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn not_found(what: impl Into<String>) -> Self {
        Error::NotFound { what: what.into() }
    }

    pub fn invalid(code: &'static str, field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Invalid { code, field: field.into(), message: message.into() }
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Error::Conflict { code, message: message.into() }
    }

    /// Wraps any storage or library failure; its detail is logged, never shown.
    pub fn other(e: impl std::fmt::Display) -> Self {
        Error::Other(anyhow::anyhow!("{e}"))
    }

    /// The stable machine-readable code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            Error::NotFound { .. } => "not_found",
            Error::Conflict { code, .. } | Error::Invalid { code, .. } => code,
            Error::Unauthorized => "unauthorized",
            Error::Forbidden => "forbidden",
            Error::RateLimited => "rate_limited",
            Error::Other(_) => "internal",
        }
    }

    /// A message a person can read. Internal errors never show their detail.
    pub fn public_message(&self) -> String {
        match self {
            Error::NotFound { what } => format!("Không tìm thấy {what}."),
            Error::Conflict { message, .. } => message.clone(),
            Error::Invalid { field, message, .. } if field.is_empty() => message.clone(),
            Error::Invalid { field, message, .. } => format!("{field}: {message}"),
            Error::Unauthorized => "Bạn cần đăng nhập để thực hiện việc này.".into(),
            Error::Forbidden => "Tài khoản của bạn không có quyền thực hiện việc này.".into(),
            Error::RateLimited => {
                "Bạn đã thử quá nhiều lần. Vui lòng đợi ít phút rồi thử lại.".into()
            }
            Error::Other(_) => "Hệ thống gặp sự cố. Vui lòng thử lại sau.".into(),
        }
    }
}
