//! A demo certificate authority: a self-signed root and agency signing certificates issued
//! by it. In production agencies hold certificates from a licensed CA; the demo CA lets
//! `tinhso seed-demo` produce results that sign and verify end to end.
use std::time::{Duration, SystemTime};

use chrono::{DateTime, Utc};
use der::asn1::{SetOfVec, Utf8StringRef};
use der::pem::LineEnding;
use der::{Any, Decode, Encode, Tag, Tagged, asn1::ObjectIdentifier};
use sha2::{Digest, Sha256};
use spki::{DynSignatureAlgorithmIdentifier, EncodePublicKey, SignatureBitStringEncoding};
use tinhso_core::{Error, Result};
use x509_cert::Certificate;
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::builder::{Builder, CertificateBuilder, Profile};
use x509_cert::name::{Name, RdnSequence, RelativeDistinguishedName};
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::{Time, Validity};

pub use crate::keys::KeyAlgorithm;
use crate::internal;
use crate::keys::{self, SigningKey};

/// The organisation named in every demo certificate, so that no one mistakes one for a
/// certificate of a licensed CA.
pub const DEMO_ORGANIZATION: &str = "UBND tỉnh Quảng Ngãi (demo)";

const COUNTRY: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.6");
const ORGANIZATION: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.10");
const COMMON_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");

/// A certificate with its private key, in the forms the caller stores.
#[derive(Debug, Clone)]
pub struct IssuedCert {
    pub cert_der: Vec<u8>,
    pub cert_pem: String,
    /// PKCS#8, unencrypted: the caller encrypts it at rest.
    pub key_pkcs8_der: Vec<u8>,
    pub key_pem: String,
    pub info: CertInfo,
}

/// What a person or a page needs to know about a certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertInfo {
    pub subject_cn: String,
    pub issuer_cn: String,
    /// Upper-case hex, as certificate viewers show it.
    pub serial_hex: String,
    pub not_before: DateTime<Utc>,
    pub not_after: DateTime<Utc>,
    /// SHA-256 of the DER certificate, lower-case hex.
    pub sha256_fingerprint: String,
}

/// Creates a self-signed root CA (CA:true, keyCertSign) valid for `years`.
pub fn create_root_ca(common_name: &str, years: u32, algorithm: KeyAlgorithm) -> Result<IssuedCert> {
    let subject = demo_name(common_name)?;
    let key = SigningKey::generate(algorithm)?;
    let spki = key.public_key_info()?;
    let cert = build(Profile::Root, validity(years)?, subject, spki, &key)?;
    finish(&cert, &key)
}

/// Issues an agency signing certificate (digitalSignature + nonRepudiation) from the CA whose
/// certificate and PKCS#8 key are given. `agency_name` becomes the CN, in Vietnamese.
pub fn issue_agency_cert(
    ca_cert_der: &[u8],
    ca_key_pkcs8_der: &[u8],
    agency_name: &str,
    years: u32,
    algorithm: KeyAlgorithm,
) -> Result<IssuedCert> {
    let ca_cert = parse_cert(ca_cert_der)?;
    let ca_key = SigningKey::from_pkcs8_der(ca_key_pkcs8_der)?;
    if ca_key.public_key_info()? != ca_cert.tbs_certificate.subject_public_key_info {
        return Err(Error::invalid("key_mismatch", "khoá", "khoá bí mật không khớp chứng thư CA"));
    }
    let key = SigningKey::generate(algorithm)?;
    let profile = Profile::Leaf {
        issuer: ca_cert.tbs_certificate.subject.clone(),
        enable_key_agreement: false,
        enable_key_encipherment: false,
    };
    let cert = build(profile, validity(years)?, demo_name(agency_name)?, key.public_key_info()?, &ca_key)?;
    finish(&cert, &key)
}

/// Reads the facts shown to people from a DER certificate.
pub fn cert_info(cert_der: &[u8]) -> Result<CertInfo> {
    let cert = parse_cert(cert_der)?;
    let tbs = &cert.tbs_certificate;
    Ok(CertInfo {
        subject_cn: common_name(&tbs.subject).unwrap_or_default(),
        issuer_cn: common_name(&tbs.issuer).unwrap_or_default(),
        serial_hex: hex::encode_upper(tbs.serial_number.as_bytes()),
        not_before: to_chrono(&tbs.validity.not_before),
        not_after: to_chrono(&tbs.validity.not_after),
        sha256_fingerprint: hex::encode(Sha256::digest(cert_der)),
    })
}

/// Whether `cert_der` names `issuer_der`'s subject as issuer and carries a valid signature
/// by its key. Validity dates and revocation are the caller's to judge.
pub fn is_issued_by(cert_der: &[u8], issuer_der: &[u8]) -> Result<bool> {
    let cert = parse_cert(cert_der)?;
    let issuer = parse_cert(issuer_der)?;
    if cert.tbs_certificate.issuer != issuer.tbs_certificate.subject {
        return Ok(false);
    }
    let tbs = cert.tbs_certificate.to_der().map_err(|e| internal("đọc chứng thư", e))?;
    let Some(signature) = cert.signature.as_bytes() else { return Ok(false) };
    Ok(keys::verify(
        &issuer.tbs_certificate.subject_public_key_info,
        &cert.signature_algorithm.oid,
        &tbs,
        signature,
    ))
}

/// Decodes a PEM block (certificate or key) to DER.
pub fn der_from_pem(pem: &str) -> Result<Vec<u8>> {
    let (_label, der) = der::pem::decode_vec(pem.as_bytes())
        .map_err(|_| Error::invalid("invalid_pem", "pem", "không đọc được khối PEM"))?;
    Ok(der)
}

pub(crate) fn parse_cert(der: &[u8]) -> Result<Certificate> {
    Certificate::from_der(der)
        .map_err(|_| Error::invalid("invalid_certificate", "chứng thư", "chứng thư số không đọc được"))
}

/// The CN of a name, whichever string type the issuing CA chose.
pub(crate) fn common_name(name: &Name) -> Option<String> {
    name.0.iter().flat_map(|rdn| rdn.0.iter()).find(|atv| atv.oid == COMMON_NAME).and_then(|atv| {
        match atv.value.tag() {
            Tag::Utf8String | Tag::PrintableString | Tag::Ia5String | Tag::TeletexString => {
                String::from_utf8(atv.value.value().to_vec()).ok()
            }
            Tag::BmpString => {
                let units: Vec<u16> =
                    atv.value.value().chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
                String::from_utf16(&units).ok()
            }
            _ => None,
        }
    })
}

fn to_chrono(time: &Time) -> DateTime<Utc> {
    DateTime::<Utc>::from(time.to_system_time())
}

/// C=VN, O=demo organisation, CN=name; CN and O as UTF8String so Vietnamese survives.
fn demo_name(common_name: &str) -> Result<Name> {
    let cn = common_name.trim();
    if cn.is_empty() || cn.chars().count() > 64 {
        return Err(Error::invalid("invalid_name", "tên", "tên trong chứng thư phải có từ 1 đến 64 ký tự"));
    }
    let cn = tinhso_core::text::nfc(cn);
    let rdn = |oid: ObjectIdentifier, value: Any| -> der::Result<RelativeDistinguishedName> {
        Ok(RelativeDistinguishedName(SetOfVec::try_from(vec![AttributeTypeAndValue { oid, value }])?))
    };
    let utf8 = |s: &str| -> der::Result<Any> { Any::encode_from(&Utf8StringRef::new(s)?) };
    let name = (|| -> der::Result<Name> {
        Ok(RdnSequence(vec![
            rdn(COUNTRY, Any::new(Tag::PrintableString, b"VN".as_slice())?)?,
            rdn(ORGANIZATION, utf8(DEMO_ORGANIZATION)?)?,
            rdn(COMMON_NAME, utf8(&cn)?)?,
        ]))
    })();
    name.map_err(|e| internal("tạo tên chứng thư", e))
}

fn validity(years: u32) -> Result<Validity> {
    if !(1..=30).contains(&years) {
        return Err(Error::invalid("invalid_validity", "thời hạn", "thời hạn chứng thư từ 1 đến 30 năm"));
    }
    let now = SystemTime::now();
    // Back-dated an hour so that a verifier whose clock lags a little still accepts it.
    let start = now.checked_sub(Duration::from_secs(3600)).unwrap_or(now);
    let end = now + Duration::from_secs(u64::from(years) * 365 * 24 * 3600);
    let time = |t| Time::try_from(t).map_err(|e| internal("thời hạn chứng thư", e));
    Ok(Validity { not_before: time(start)?, not_after: time(end)? })
}

/// A random positive 127-bit serial, as RFC 5280 asks for unpredictable serials.
fn random_serial() -> Result<SerialNumber> {
    let mut bytes = [0u8; 16];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut bytes);
    bytes[0] = (bytes[0] & 0x7f) | 0x01;
    SerialNumber::new(&bytes).map_err(|e| internal("số sê-ri", e))
}

fn build(
    profile: Profile,
    validity: Validity,
    subject: Name,
    spki: spki::SubjectPublicKeyInfoOwned,
    issuer_key: &SigningKey,
) -> Result<Certificate> {
    let serial = random_serial()?;
    match issuer_key {
        SigningKey::P256(k) => {
            build_with::<_, p256::ecdsa::DerSignature>(profile, serial, validity, subject, spki, k)
        }
        SigningKey::Rsa(k) => build_with::<_, rsa::pkcs1v15::Signature>(
            profile,
            serial,
            validity,
            subject,
            spki,
            k.as_ref(),
        ),
    }
}

fn build_with<S, Sig>(
    profile: Profile,
    serial: SerialNumber,
    validity: Validity,
    subject: Name,
    spki: spki::SubjectPublicKeyInfoOwned,
    signer: &S,
) -> Result<Certificate>
where
    S: rsa::signature::Keypair + DynSignatureAlgorithmIdentifier + rsa::signature::Signer<Sig>,
    S::VerifyingKey: EncodePublicKey,
    Sig: SignatureBitStringEncoding,
{
    let builder = CertificateBuilder::new(profile, serial, validity, subject, spki, signer)
        .map_err(|e| internal("tạo chứng thư", e))?;
    builder.build::<Sig>().map_err(|e| internal("ký chứng thư", e))
}

fn finish(cert: &Certificate, key: &SigningKey) -> Result<IssuedCert> {
    let cert_der = cert.to_der().map_err(|e| internal("ghi chứng thư", e))?;
    let key_pkcs8_der = key.to_pkcs8_der()?;
    let pem = |label, der: &[u8]| {
        der::pem::encode_string(label, LineEnding::LF, der).map_err(|e| internal("ghi PEM", e))
    };
    Ok(IssuedCert {
        cert_pem: pem("CERTIFICATE", &cert_der)?,
        key_pem: pem("PRIVATE KEY", &key_pkcs8_der)?,
        info: cert_info(&cert_der)?,
        cert_der,
        key_pkcs8_der,
    })
}
