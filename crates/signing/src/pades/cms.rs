//! The CMS SignedData inside a PAdES signature: detached (the PDF bytes are not embedded),
//! SHA-256, and the signed attributes the PAdES baseline B-B profile requires: content-type,
//! message-digest and ESS signing-certificate-v2. The claimed signing time lives in the
//! signature dictionary's /M, because ETSI EN 319 142-1 forbids the CMS signing-time
//! attribute in PAdES baseline signatures.
use chrono::{DateTime, Utc};
use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{
    CertificateSet, EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo, SignerInfos,
};
use der::asn1::{ObjectIdentifier, OctetString, SetOfVec};
use der::{Any, Decode, Encode, EncodeValue, Reader, Sequence, SliceReader, Tagged};
use sha2::{Digest, Sha256};
use spki::AlgorithmIdentifierOwned;
use tinhso_core::{Error, Result};
use x509_cert::Certificate;
use x509_cert::attr::Attribute;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::serial_number::SerialNumber;

use crate::internal;
use crate::keys::{self, SigningKey};

const ID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
const ID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const ID_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const ATTR_CONTENT_TYPE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
const ATTR_MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
const ATTR_SIGNING_TIME: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.5");
const ATTR_SIGNING_CERT_V2: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.47");

/// RFC 5035 SigningCertificateV2; `policies` is never written and ignored when read.
#[derive(Clone, Debug, Sequence)]
struct SigningCertificateV2 {
    certs: Vec<EssCertIdV2>,
}

/// RFC 5035 ESSCertIDv2. The hash algorithm defaults to SHA-256, and DER omits defaults.
#[derive(Clone, Debug, Sequence)]
struct EssCertIdV2 {
    #[asn1(optional = "true")]
    hash_algorithm: Option<AlgorithmIdentifierOwned>,
    cert_hash: OctetString,
    #[asn1(optional = "true")]
    issuer_serial: Option<IssuerSerial>,
}

#[derive(Clone, Debug, Sequence)]
struct IssuerSerial {
    issuer: Vec<GeneralName>,
    serial_number: SerialNumber,
}

fn sha256_id() -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned { oid: ID_SHA256, parameters: None }
}

fn attribute<T: EncodeValue + Tagged>(oid: ObjectIdentifier, value: &T) -> der::Result<Attribute> {
    Ok(Attribute { oid, values: SetOfVec::try_from(vec![Any::encode_from(value)?])? })
}

/// Builds the DER ContentInfo for a detached signature over a document whose SHA-256 is
/// `digest`. `chain` (issuer certificates) is embedded so verifiers can build the path.
pub(crate) fn sign_digest(
    digest: &[u8],
    key: &SigningKey,
    cert_der: &[u8],
    chain: &[Vec<u8>],
) -> Result<Vec<u8>> {
    let cert = crate::ca::parse_cert(cert_der)?;
    if key.public_key_info()? != cert.tbs_certificate.subject_public_key_info {
        return Err(Error::invalid("key_mismatch", "khoá", "khoá bí mật không khớp chứng thư ký"));
    }
    let mut certs = vec![CertificateChoices::Certificate(cert.clone())];
    for der in chain {
        certs.push(CertificateChoices::Certificate(crate::ca::parse_cert(der)?));
    }
    let signed_attrs = signed_attributes(digest, &cert, cert_der).map_err(|e| internal("CMS", e))?;
    let to_sign = signed_attrs.to_der().map_err(|e| internal("CMS", e))?;
    let signature = key.sign(&to_sign)?;
    let build = || -> der::Result<Vec<u8>> {
        let signer = SignerInfo {
            version: CmsVersion::V1,
            sid: SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
                issuer: cert.tbs_certificate.issuer.clone(),
                serial_number: cert.tbs_certificate.serial_number.clone(),
            }),
            digest_alg: sha256_id(),
            signed_attrs: Some(signed_attrs),
            signature_algorithm: key.signature_algorithm().map_err(|_| der::ErrorKind::Failed)?,
            signature: OctetString::new(signature)?,
            unsigned_attrs: None,
        };
        let signed_data = SignedData {
            version: CmsVersion::V1,
            digest_algorithms: SetOfVec::try_from(vec![sha256_id()])?,
            encap_content_info: EncapsulatedContentInfo { econtent_type: ID_DATA, econtent: None },
            certificates: Some(CertificateSet::try_from(certs)?),
            crls: None,
            signer_infos: SignerInfos::try_from(vec![signer])?,
        };
        ContentInfo { content_type: ID_SIGNED_DATA, content: Any::encode_from(&signed_data)? }.to_der()
    };
    build().map_err(|e| internal("CMS", e))
}

fn signed_attributes(digest: &[u8], cert: &Certificate, cert_der: &[u8]) -> der::Result<SetOfVec<Attribute>> {
    let ess = SigningCertificateV2 {
        certs: vec![EssCertIdV2 {
            hash_algorithm: None,
            cert_hash: OctetString::new(Sha256::digest(cert_der).to_vec())?,
            issuer_serial: Some(IssuerSerial {
                issuer: vec![GeneralName::DirectoryName(cert.tbs_certificate.issuer.clone())],
                serial_number: cert.tbs_certificate.serial_number.clone(),
            }),
        }],
    };
    SetOfVec::try_from(vec![
        attribute(ATTR_CONTENT_TYPE, &ID_DATA)?,
        attribute(ATTR_MESSAGE_DIGEST, &OctetString::new(digest.to_vec())?)?,
        attribute(ATTR_SIGNING_CERT_V2, &ess)?,
    ])
}

/// What the CMS says about itself once checked against the document digest.
pub(crate) struct Checked {
    pub signer_cert_der: Vec<u8>,
    pub signer_cn: String,
    /// The CMS signing-time attribute, which other signers may include.
    pub signing_time: Option<DateTime<Utc>>,
    /// Digest matches, the signature verifies with the signer's key, and the
    /// signing-certificate attribute (when present) names that certificate.
    pub valid: bool,
}

/// Reads a ContentInfo (trailing zero padding allowed, as in a PDF /Contents) and checks it
/// against `digest`, the SHA-256 of the signed byte ranges.
pub(crate) fn check(contents: &[u8], digest: &[u8]) -> Result<Checked> {
    let unreadable = || Error::invalid("invalid_signature", "chữ ký", "chữ ký số không đọc được");
    let mut reader = SliceReader::new(contents).map_err(|_| unreadable())?;
    let info: ContentInfo = reader.decode().map_err(|_| unreadable())?;
    if info.content_type != ID_SIGNED_DATA {
        return Err(unreadable());
    }
    let data: SignedData = info.content.decode_as().map_err(|_| unreadable())?;
    let signer = data.signer_infos.0.iter().next().ok_or_else(unreadable)?;
    let SignerIdentifier::IssuerAndSerialNumber(sid) = &signer.sid else { return Err(unreadable()) };
    let cert = data
        .certificates
        .iter()
        .flat_map(|set| set.0.iter())
        .find_map(|choice| match choice {
            CertificateChoices::Certificate(c)
                if c.tbs_certificate.issuer == sid.issuer
                    && c.tbs_certificate.serial_number == sid.serial_number =>
            {
                Some(c)
            }
            _ => None,
        })
        .ok_or_else(unreadable)?;
    let cert_der = cert.to_der().map_err(|_| unreadable())?;
    let attrs = signer.signed_attrs.as_ref().ok_or_else(unreadable)?;
    let value = |oid: ObjectIdentifier| attrs.iter().find(|a| a.oid == oid).and_then(|a| a.values.iter().next());

    let digest_ok = signer.digest_alg.oid == ID_SHA256
        && value(ATTR_MESSAGE_DIGEST)
            .and_then(|v| v.decode_as::<OctetString>().ok())
            .is_some_and(|d| d.as_bytes() == digest);
    let content_type_ok =
        value(ATTR_CONTENT_TYPE).and_then(|v| v.decode_as::<ObjectIdentifier>().ok()) == Some(ID_DATA);
    let ess_ok = match value(ATTR_SIGNING_CERT_V2) {
        None => true,
        Some(v) => v.decode_as::<SigningCertificateV2>().ok().is_some_and(|ess| {
            ess.certs.first().is_some_and(|id| {
                id.hash_algorithm.as_ref().is_none_or(|a| a.oid == ID_SHA256)
                    && id.cert_hash.as_bytes() == Sha256::digest(&cert_der).as_slice()
            })
        }),
    };
    let signature_ok = attrs.to_der().is_ok_and(|signed| {
        keys::verify(
            &cert.tbs_certificate.subject_public_key_info,
            &signer.signature_algorithm.oid,
            &signed,
            signer.signature.as_bytes(),
        )
    });
    let signing_time = value(ATTR_SIGNING_TIME)
        .and_then(|v| v.to_der().ok())
        .and_then(|der| x509_cert::time::Time::from_der(&der).ok())
        .map(|t| DateTime::<Utc>::from(t.to_system_time()));
    Ok(Checked {
        signer_cn: crate::ca::common_name(&cert.tbs_certificate.subject).unwrap_or_default(),
        signer_cert_der: cert_der,
        signing_time,
        valid: digest_ok && content_type_ok && ess_ok && signature_ok,
    })
}

/// Upper bound of the DER size of a signature by `key` with these certificates, so the
/// /Contents placeholder can be reserved before signing.
pub(crate) fn size_bound(cert_der: &[u8], chain: &[Vec<u8>]) -> usize {
    let certs: usize = cert_der.len() + chain.iter().map(Vec::len).sum::<usize>();
    // Issuer name and serial appear twice more (sid, ESS); RSA-4096 signatures are 512 bytes.
    certs + 2 * cert_der.len().min(1024) + 1024
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn ess_cert_id_omits_the_default_hash_algorithm() {
        let id = EssCertIdV2 {
            hash_algorithm: None,
            cert_hash: OctetString::new(vec![7u8; 32]).unwrap(),
            issuer_serial: None,
        };
        let der = id.to_der().unwrap();
        // SEQUENCE { OCTET STRING (32) } and nothing else.
        assert_eq!(&der[..4], &[0x30, 34, 0x04, 32]);
        let back = EssCertIdV2::from_der(&der).unwrap();
        assert!(back.hash_algorithm.is_none());
    }
}
