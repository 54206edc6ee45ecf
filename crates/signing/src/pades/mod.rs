//! PAdES baseline B-B signatures (ETSI EN 319 142-1, /SubFilter /ETSI.CAdES.detached):
//! signing a PDF as an incremental update and verifying the newest signature of a PDF.
use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone, Utc};
use sha2::{Digest, Sha256};
use tinhso_core::{Error, Result};

use crate::internal;
use crate::keys::SigningKey;

mod cms;
mod incremental;

use incremental::rfind;

/// Who signs: the PKCS#8 key, its certificate, and the issuing chain to embed (DER).
#[derive(Debug, Clone, Copy)]
pub struct Signer<'a> {
    pub key_pkcs8_der: &'a [u8],
    pub cert_der: &'a [u8],
    pub chain: &'a [Vec<u8>],
}

/// What the signature dictionary says about the signing.
#[derive(Debug, Clone)]
pub struct SignOptions {
    /// Shown by readers as the signer; usually the agency's name.
    pub signer_name: String,
    pub reason: String,
    pub location: String,
    /// The claimed signing time (/M), written in Vietnam's time zone.
    pub signing_time: DateTime<Utc>,
}

/// The outcome of checking the newest signature in a PDF.
#[derive(Debug, Clone)]
pub struct Verification {
    /// CN of the signing certificate.
    pub signer_cn: String,
    /// DER of the signing certificate, for the caller to match against known agencies.
    pub signer_cert_der: Vec<u8>,
    /// The claimed signing time (/M, or the CMS signing-time of other signers).
    pub signed_at: Option<DateTime<Utc>>,
    /// The signed bytes are unchanged and the signature verifies with the certificate.
    pub intact: bool,
    /// The signature covers the whole file: nothing was appended after signing.
    pub covers_whole_file: bool,
}

impl Verification {
    /// Intact and covering the whole file: the document is exactly what was signed.
    pub fn is_valid(&self) -> bool {
        self.intact && self.covers_whole_file
    }
}

/// Vietnam has kept UTC+7 without daylight saving since 1975.
fn vietnam() -> Result<FixedOffset> {
    FixedOffset::east_opt(7 * 3600).ok_or_else(|| internal("múi giờ", "UTC+7"))
}

/// Signs `pdf` and returns the signed file: the original bytes followed by an incremental
/// update holding an invisible signature field and a PAdES-B-B signature over the whole file.
pub fn sign_pdf(pdf: &[u8], signer: &Signer<'_>, options: &SignOptions) -> Result<Vec<u8>> {
    let key = SigningKey::from_pkcs8_der(signer.key_pkcs8_der)?;
    let date = options.signing_time.with_timezone(&vietnam()?).format("D:%Y%m%d%H%M%S+07'00'").to_string();
    let dict = incremental::SigDict {
        name: &tinhso_core::text::nfc(&options.signer_name),
        reason: &tinhso_core::text::nfc(&options.reason),
        location: &tinhso_core::text::nfc(&options.location),
        date: &date,
    };
    let reserved = cms::size_bound(signer.cert_der, signer.chain);
    let mut prepared = incremental::prepare(pdf, &dict, reserved)?;
    let (start, end) = (prepared.contents_start, prepared.contents_end);
    let total = prepared.bytes.len();
    incremental::fill_byte_range(&mut prepared, [0, start, end, total - end])?;

    let mut hasher = Sha256::new();
    hasher.update(&prepared.bytes[..start]);
    hasher.update(&prepared.bytes[end..]);
    let digest = hasher.finalize();
    let signature = cms::sign_digest(&digest, &key, signer.cert_der, signer.chain)?;
    if signature.len() > reserved {
        return Err(internal("ký PDF", "chữ ký lớn hơn chỗ đã dành"));
    }
    let hex = hex::encode_upper(&signature);
    prepared.bytes[start + 1..start + 1 + hex.len()].copy_from_slice(hex.as_bytes());
    Ok(prepared.bytes)
}

/// Verifies the newest signature in `pdf`. Fails only when there is no readable signature;
/// a tampered file is reported through `intact` and `covers_whole_file`.
pub fn verify_pdf(pdf: &[u8]) -> Result<Verification> {
    let unsigned = || Error::invalid("no_signature", "pdf", "tệp không có chữ ký số đọc được");
    let at = rfind(pdf, b"/ByteRange").ok_or_else(unsigned)?;
    let [a, b, c, d] = parse_byte_range(&pdf[at + b"/ByteRange".len()..]).ok_or_else(unsigned)?;
    let well_formed = a == 0
        && b < c
        && c.checked_add(d).is_some_and(|end| end <= pdf.len())
        && pdf.get(b) == Some(&b'<')
        && pdf.get(c - 1) == Some(&b'>');
    if !well_formed {
        return Err(unsigned());
    }
    let contents = hex::decode(&pdf[b + 1..c - 1]).map_err(|_| unsigned())?;
    let mut hasher = Sha256::new();
    hasher.update(&pdf[..b]);
    hasher.update(&pdf[c..c + d]);
    let checked = cms::check(&contents, &hasher.finalize())?;
    let claimed = signature_dict_date(pdf, at, c).or(checked.signing_time);
    Ok(Verification {
        signer_cn: checked.signer_cn,
        signer_cert_der: checked.signer_cert_der,
        signed_at: claimed,
        intact: checked.valid,
        covers_whole_file: c + d == pdf.len(),
    })
}

/// Reads `[a b c d]` with any PDF whitespace around the numbers.
fn parse_byte_range(after: &[u8]) -> Option<[usize; 4]> {
    let open = after.iter().position(|&x| !x.is_ascii_whitespace())?;
    if after[open] != b'[' {
        return None;
    }
    let close = open + after[open..].iter().position(|&x| x == b']')?;
    let inner = std::str::from_utf8(&after[open + 1..close]).ok()?;
    let numbers: Vec<usize> = inner.split_ascii_whitespace().map(str::parse).collect::<Result<_, _>>().ok()?;
    numbers.try_into().ok()
}

/// The /M date of the signature dictionary around `byte_range_at`, which ends before the
/// `endobj` after the /Contents string.
fn signature_dict_date(pdf: &[u8], byte_range_at: usize, contents_end: usize) -> Option<DateTime<Utc>> {
    let start = rfind(&pdf[..byte_range_at], b" obj")?;
    let end = contents_end + pdf[contents_end..].windows(6).position(|w| w == b"endobj")?;
    let dict = &pdf[start..end];
    let mut from = 0;
    while let Some(i) = dict[from..].windows(2).position(|w| w == b"/M") {
        let rest = &dict[from + i + 2..];
        let value = rest.iter().position(|&x| !x.is_ascii_whitespace()).map(|p| &rest[p..]);
        if let Some(value) = value.filter(|v| v.starts_with(b"(D:")) {
            let close = value.iter().position(|&x| x == b')')?;
            return parse_pdf_date(std::str::from_utf8(&value[3..close]).ok()?);
        }
        from += i + 2;
    }
    None
}

/// `YYYYMMDDHHmmSS` followed by `Z`, or `+HH'mm'` / `-HH'mm'`; missing zone means UTC.
fn parse_pdf_date(s: &str) -> Option<DateTime<Utc>> {
    let local = NaiveDateTime::parse_from_str(s.get(..14)?, "%Y%m%d%H%M%S").ok()?;
    let zone = s.get(14..).unwrap_or("");
    let offset_secs = match zone.as_bytes().first() {
        Some(sign @ (b'+' | b'-')) => {
            let digits: String = zone.chars().filter(char::is_ascii_digit).collect();
            let hours: i32 = digits.get(..2)?.parse().ok()?;
            let minutes: i32 = digits.get(2..4).unwrap_or("0").parse().ok()?;
            let secs = hours * 3600 + minutes * 60;
            if *sign == b'-' { -secs } else { secs }
        }
        _ => 0,
    };
    FixedOffset::east_opt(offset_secs)?.from_local_datetime(&local).single().map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn byte_ranges_parse_with_padding() {
        assert_eq!(parse_byte_range(b" [0 10 20 30]    \n/Contents"), Some([0, 10, 20, 30]));
        assert_eq!(parse_byte_range(b"[0 10 20]"), None);
        assert_eq!(parse_byte_range(b"0 10 20 30"), None);
    }

    #[test]
    fn pdf_dates_carry_their_zone() {
        let t = parse_pdf_date("20260315093000+07'00'").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-03-15T02:30:00+00:00");
        assert_eq!(parse_pdf_date("20260315093000Z").unwrap().to_rfc3339(), "2026-03-15T09:30:00+00:00");
        assert!(parse_pdf_date("2026").is_none());
    }
}
