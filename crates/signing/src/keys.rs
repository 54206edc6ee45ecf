//! The two key types we sign with: ECDSA P-256 (what the demo CA issues: fast to generate,
//! small signatures) and RSA with PKCS#1 v1.5 and SHA-256 (what Vietnamese public CAs issue
//! today, so real agency keys can be used without code changes).
use der::{Decode, Encode, asn1::ObjectIdentifier};
use p256::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use rsa::signature::{Keypair, Signer as _, Verifier as _};
use sha2::Sha256;
use spki::{AlgorithmIdentifierOwned, DynSignatureAlgorithmIdentifier, SubjectPublicKeyInfoOwned};
use tinhso_core::{Error, Result};

use crate::internal;

pub(crate) const ECDSA_WITH_SHA256: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
pub(crate) const SHA256_WITH_RSA: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
/// Some signers name the key type instead of the signature scheme in SignerInfo.
const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");

/// Which kind of key to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyAlgorithm {
    /// ECDSA on NIST P-256 with SHA-256.
    EcdsaP256,
    /// RSA 2048 bits, PKCS#1 v1.5 with SHA-256.
    Rsa2048,
}

pub(crate) enum SigningKey {
    P256(p256::ecdsa::SigningKey),
    Rsa(Box<rsa::pkcs1v15::SigningKey<Sha256>>),
}

impl SigningKey {
    pub(crate) fn generate(algorithm: KeyAlgorithm) -> Result<Self> {
        let mut rng = rand_core::OsRng;
        Ok(match algorithm {
            KeyAlgorithm::EcdsaP256 => SigningKey::P256(p256::ecdsa::SigningKey::random(&mut rng)),
            KeyAlgorithm::Rsa2048 => {
                let key = rsa::RsaPrivateKey::new(&mut rng, 2048)
                    .map_err(|e| internal("tạo khoá RSA", e))?;
                SigningKey::Rsa(Box::new(rsa::pkcs1v15::SigningKey::new(key)))
            }
        })
    }

    /// Reads a PKCS#8 private key of either type.
    pub(crate) fn from_pkcs8_der(der: &[u8]) -> Result<Self> {
        if let Ok(key) = p256::ecdsa::SigningKey::from_pkcs8_der(der) {
            return Ok(SigningKey::P256(key));
        }
        let key = rsa::RsaPrivateKey::from_pkcs8_der(der).map_err(|_| {
            Error::invalid("invalid_key", "khoá", "khoá bí mật không đọc được (cần PKCS#8 ECDSA P-256 hoặc RSA)")
        })?;
        Ok(SigningKey::Rsa(Box::new(rsa::pkcs1v15::SigningKey::new(key))))
    }

    pub(crate) fn to_pkcs8_der(&self) -> Result<Vec<u8>> {
        let doc = match self {
            SigningKey::P256(k) => k.to_pkcs8_der(),
            SigningKey::Rsa(k) => k.as_ref().as_ref().to_pkcs8_der(),
        }
        .map_err(|e| internal("ghi khoá PKCS#8", e))?;
        Ok(doc.as_bytes().to_vec())
    }

    pub(crate) fn public_key_info(&self) -> Result<SubjectPublicKeyInfoOwned> {
        let der = match self {
            SigningKey::P256(k) => k.verifying_key().to_public_key_der(),
            SigningKey::Rsa(k) => k.verifying_key().to_public_key_der(),
        }
        .map_err(|e| internal("khoá công khai", e))?;
        SubjectPublicKeyInfoOwned::from_der(der.as_bytes()).map_err(|e| internal("khoá công khai", e))
    }

    pub(crate) fn signature_algorithm(&self) -> Result<AlgorithmIdentifierOwned> {
        match self {
            SigningKey::P256(k) => k.signature_algorithm_identifier(),
            SigningKey::Rsa(k) => k.signature_algorithm_identifier(),
        }
        .map_err(|e| internal("thuật toán ký", e))
    }

    /// Signs `message` (hashing it with SHA-256); ECDSA signatures come DER-encoded as CMS
    /// and X.509 expect.
    pub(crate) fn sign(&self, message: &[u8]) -> Result<Vec<u8>> {
        match self {
            SigningKey::P256(k) => {
                let sig: p256::ecdsa::DerSignature =
                    k.try_sign(message).map_err(|e| internal("ký ECDSA", e))?;
                Ok(sig.as_bytes().to_vec())
            }
            SigningKey::Rsa(k) => {
                let sig = k.try_sign(message).map_err(|e| internal("ký RSA", e))?;
                Ok(Box::<[u8]>::from(sig).into_vec())
            }
        }
    }
}

/// Checks `signature` over `message` with the public key in `spki`. Any malformed input is
/// simply "not valid": callers report that, they do not fail.
pub(crate) fn verify(
    spki: &SubjectPublicKeyInfoOwned,
    algorithm: &ObjectIdentifier,
    message: &[u8],
    signature: &[u8],
) -> bool {
    let Ok(spki_der) = spki.to_der() else { return false };
    if *algorithm == ECDSA_WITH_SHA256 {
        let Ok(key) = p256::ecdsa::VerifyingKey::from_public_key_der(&spki_der) else {
            return false;
        };
        let Ok(sig) = p256::ecdsa::Signature::from_der(signature) else { return false };
        key.verify(message, &sig).is_ok()
    } else if *algorithm == SHA256_WITH_RSA || *algorithm == RSA_ENCRYPTION {
        let Ok(key) = rsa::RsaPublicKey::from_public_key_der(&spki_der) else { return false };
        let Ok(sig) = rsa::pkcs1v15::Signature::try_from(signature) else { return false };
        rsa::pkcs1v15::VerifyingKey::<Sha256>::new(key).verify(message, &sig).is_ok()
    } else {
        false
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_p256_key_round_trips_through_pkcs8_and_verifies() {
        let key = SigningKey::generate(KeyAlgorithm::EcdsaP256).unwrap();
        let again = SigningKey::from_pkcs8_der(&key.to_pkcs8_der().unwrap()).unwrap();
        let sig = again.sign(b"giay khai sinh").unwrap();
        let spki = key.public_key_info().unwrap();
        assert!(verify(&spki, &ECDSA_WITH_SHA256, b"giay khai sinh", &sig));
        assert!(!verify(&spki, &ECDSA_WITH_SHA256, b"giay khai tu", &sig));
    }

    #[test]
    fn garbage_is_not_a_key() {
        assert!(SigningKey::from_pkcs8_der(b"not a key").is_err());
    }
}
