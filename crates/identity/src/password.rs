//! Password hashing with argon2id (the library's recommended defaults).
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use tinhso_core::{Error, Result};

pub const MIN_LEN: usize = 8;

pub fn hash(password: &str) -> Result<String> {
    if password.chars().count() < MIN_LEN {
        return Err(Error::invalid("weak_password", "Mật khẩu", format!("cần ít nhất {MIN_LEN} ký tự.")));
    }
    let mut bytes = [0u8; 16];
    rand::fill(&mut bytes);
    let salt = SaltString::encode_b64(&bytes).map_err(Error::other)?;
    Ok(Argon2::default().hash_password(password.as_bytes(), &salt).map_err(Error::other)?.to_string())
}

pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
        .unwrap_or(false)
}

/// A hash to verify against when the account does not exist, so that a wrong user name takes
/// as long as a wrong password and does not reveal which accounts exist.
pub fn decoy_verify(password: &str) {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let stored = DECOY.get_or_init(|| hash("decoy-password-not-used").unwrap_or_default());
    let _ = verify(password, stored);
}
