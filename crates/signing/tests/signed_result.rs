//! A result as a citizen receives it: a Vietnamese birth certificate rendered to PDF, signed
//! by the agency with a certificate from the demo CA, verified by our own verifier and, where
//! poppler-utils is installed, by `pdfsig` and `pdftotext` as any reader would.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use std::path::PathBuf;
use std::process::Command;

use chrono::{TimeZone, Utc};
use tinhso_signing::ca::{self, IssuedCert, KeyAlgorithm};
use tinhso_signing::{Document, Line, SignOptions, Signer, render, sign_pdf, verify_pdf};

const AGENCY: &str = "Ủy ban nhân dân đặc khu Lý Sơn";
const CODE: &str = "H48-260315-0007-7KQ2";

fn pki(algorithm: KeyAlgorithm) -> (IssuedCert, IssuedCert) {
    let root = ca::create_root_ca("CA thử nghiệm tỉnh Quảng Ngãi", 10, algorithm).unwrap();
    let agency = ca::issue_agency_cert(&root.cert_der, &root.key_pkcs8_der, AGENCY, 3, algorithm).unwrap();
    (root, agency)
}

fn birth_certificate() -> Document {
    let mut doc = Document::new("GIẤY KHAI SINH");
    doc.header = Line::national_motto();
    doc.lines = vec![
        Line::Centered("Ủy ban nhân dân xã Tịnh Khê, tỉnh Quảng Ngãi".into()),
        Line::Gap,
        Line::field("Họ và tên", "Nguyễn Thị Hoà"),
        Line::field("Ngày, tháng, năm sinh", "15/03/2026"),
        Line::field("Nơi sinh", "Trung tâm Y tế Đặc khu Lý Sơn"),
        Line::field("Quê quán", "Đặc khu Lý Sơn, tỉnh Quảng Ngãi"),
        Line::Heading("Thông tin người cha, người mẹ".into()),
        Line::field("Họ và tên mẹ", "Trần Thị Thuý"),
        Line::Paragraph(
            "Giấy khai sinh này được cấp dưới dạng văn bản điện tử, có giá trị pháp lý như bản giấy \
             khi chữ ký số của cơ quan cấp còn hợp lệ. Mọi thay đổi nội dung tệp sau khi ký đều \
             làm chữ ký không còn hợp lệ."
                .into(),
        ),
    ];
    doc.footer = "Văn bản điện tử do Ủy ban nhân dân đặc khu Lý Sơn ký số.".into();
    doc.verification_code = Some(CODE.into());
    doc.qr_payload = Some(format!("https://dichvucong.quangngai.gov.vn/xac-minh/{CODE}"));
    doc
}

fn options() -> SignOptions {
    SignOptions {
        signer_name: AGENCY.into(),
        reason: "Cấp kết quả giải quyết thủ tục hành chính".into(),
        location: "Đặc khu Lý Sơn, Quảng Ngãi".into(),
        signing_time: Utc.with_ymd_and_hms(2026, 3, 15, 2, 30, 0).unwrap(),
    }
}

fn signed(algorithm: KeyAlgorithm) -> Vec<u8> {
    let (root, agency) = pki(algorithm);
    let pdf = render(&birth_certificate()).unwrap();
    let chain = vec![root.cert_der.clone()];
    let signer = Signer { key_pkcs8_der: &agency.key_pkcs8_der, cert_der: &agency.cert_der, chain: &chain };
    sign_pdf(&pdf, &signer, &options()).unwrap()
}

/// Flips one bit in the first stream of the rendered file, well inside the first signed range.
fn tampered(pdf: &[u8]) -> Vec<u8> {
    let mut bad = pdf.to_vec();
    let at = pdf.windows(6).position(|w| w == b"stream").unwrap() + 40;
    bad[at] ^= 0x01;
    bad
}

#[test]
fn a_signed_result_verifies_and_any_change_breaks_it() {
    let pdf = signed(KeyAlgorithm::EcdsaP256);
    let v = verify_pdf(&pdf).unwrap();
    assert!(v.intact && v.covers_whole_file && v.is_valid());
    assert_eq!(v.signer_cn, AGENCY);
    assert_eq!(v.signed_at, Some(options().signing_time));

    let v = verify_pdf(&tampered(&pdf)).unwrap();
    assert!(!v.intact, "a flipped byte in the signed range must break the signature");

    let mut forged = pdf.clone();
    let at = pdf.windows(10).rposition(|w| w == b"/Contents ").unwrap() + 40;
    forged[at] = if forged[at] == b'A' { b'B' } else { b'A' };
    match verify_pdf(&forged) {
        Ok(v) => assert!(!v.intact, "a changed signature value must not verify"),
        Err(e) => assert_eq!(e.code(), "invalid_signature"),
    }

    let mut appended = pdf.clone();
    appended.extend_from_slice(b"\n% appended after signing\n");
    let v = verify_pdf(&appended).unwrap();
    assert!(v.intact, "the signed bytes themselves are unchanged");
    assert!(!v.covers_whole_file && !v.is_valid());
}

#[test]
fn an_unsigned_pdf_has_no_signature_to_verify() {
    let pdf = render(&birth_certificate()).unwrap();
    let err = verify_pdf(&pdf).unwrap_err();
    assert_eq!(err.code(), "no_signature");
}

#[test]
fn agency_certificates_chain_to_the_demo_ca() {
    let (root, agency) = pki(KeyAlgorithm::EcdsaP256);
    assert!(ca::is_issued_by(&agency.cert_der, &root.cert_der).unwrap());
    assert!(ca::is_issued_by(&root.cert_der, &root.cert_der).unwrap(), "the root is self-signed");
    let (other_root, _) = pki(KeyAlgorithm::EcdsaP256);
    assert!(!ca::is_issued_by(&agency.cert_der, &other_root.cert_der).unwrap());

    assert_eq!(agency.info.subject_cn, AGENCY);
    assert_eq!(agency.info.issuer_cn, "CA thử nghiệm tỉnh Quảng Ngãi");
    let years = (agency.info.not_after - agency.info.not_before).num_days() / 365;
    assert_eq!(years, 3);
    assert!(agency.cert_pem.starts_with("-----BEGIN CERTIFICATE-----"));
    assert_eq!(ca::der_from_pem(&agency.key_pem).unwrap(), agency.key_pkcs8_der);
}

#[test]
fn signing_with_a_key_that_does_not_match_the_certificate_is_refused() {
    let (root, agency) = pki(KeyAlgorithm::EcdsaP256);
    let pdf = render(&birth_certificate()).unwrap();
    let signer = Signer { key_pkcs8_der: &root.key_pkcs8_der, cert_der: &agency.cert_der, chain: &[] };
    assert_eq!(sign_pdf(&pdf, &signer, &options()).unwrap_err().code(), "key_mismatch");
}

#[test]
fn rsa_agency_keys_sign_and_verify() {
    // Licensed Vietnamese CAs issue RSA keys; the CA here stays ECDSA because an RSA key
    // takes seconds to generate in an unoptimised test build.
    let (root, _) = pki(KeyAlgorithm::EcdsaP256);
    let agency = ca::issue_agency_cert(&root.cert_der, &root.key_pkcs8_der, AGENCY, 3, KeyAlgorithm::Rsa2048).unwrap();
    let chain = vec![root.cert_der.clone()];
    let signer = Signer { key_pkcs8_der: &agency.key_pkcs8_der, cert_der: &agency.cert_der, chain: &chain };
    let pdf = sign_pdf(&render(&birth_certificate()).unwrap(), &signer, &options()).unwrap();
    assert!(verify_pdf(&pdf).unwrap().is_valid());
    assert!(!verify_pdf(&tampered(&pdf)).unwrap().intact);
    if poppler_available() {
        let out = pdfsig(&write("rsa.pdf", &pdf));
        assert!(out.contains("Signature Validation: Signature is Valid."), "{out}");
    }
}

#[test]
fn a_second_signature_leaves_the_first_one_valid() {
    let once = signed(KeyAlgorithm::EcdsaP256);
    let (root, agency) = pki(KeyAlgorithm::EcdsaP256);
    let chain = vec![root.cert_der.clone()];
    let signer = Signer { key_pkcs8_der: &agency.key_pkcs8_der, cert_der: &agency.cert_der, chain: &chain };
    let twice = sign_pdf(&once, &signer, &options()).unwrap();
    assert!(twice.starts_with(&once));
    assert!(verify_pdf(&twice).unwrap().is_valid());
    if poppler_available() {
        let out = pdfsig(&write("twice.pdf", &twice));
        assert_eq!(out.matches("Signature Validation: Signature is Valid.").count(), 2, "{out}");
    }
}

// --- poppler-utils: the tools any reader of these documents might use ---

fn poppler_available() -> bool {
    let has = |tool: &str| Command::new(tool).arg("-v").output().is_ok();
    if has("pdfsig") && has("pdftotext") {
        return true;
    }
    if std::env::var_os("CI").is_some() {
        panic!("pdfsig and pdftotext are required in CI: install poppler-utils");
    }
    eprintln!("note: poppler-utils (pdfsig, pdftotext) not installed; skipping checks with them");
    false
}

fn write(name: &str, bytes: &[u8]) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("signing-{name}"));
    std::fs::write(&path, bytes).unwrap();
    path
}

fn pdfsig(path: &PathBuf) -> String {
    let out = Command::new("pdfsig").arg(path).output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    println!("pdfsig {}:\n{text}", path.display());
    text
}

#[test]
fn poppler_accepts_the_signature_and_reads_the_vietnamese_text() {
    if !poppler_available() {
        return;
    }
    let pdf = signed(KeyAlgorithm::EcdsaP256);
    let out = pdfsig(&write("result.pdf", &pdf));
    assert!(out.contains("Signature Validation: Signature is Valid."), "{out}");
    assert!(out.contains("Total document signed"), "{out}");
    assert!(out.contains(AGENCY), "{out}");
    assert!(out.contains("ETSI.CAdES.detached"), "{out}");

    let out = pdfsig(&write("tampered.pdf", &tampered(&pdf)));
    assert!(!out.contains("Signature is Valid."), "{out}");
    assert!(out.contains("Digest Mismatch") || out.contains("Signature is Invalid"), "{out}");

    let text = Command::new("pdftotext").args(["-enc", "UTF-8"]).arg(write("text.pdf", &pdf)).arg("-").output().unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    for expected in [
        "GIẤY KHAI SINH",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Họ và tên: Nguyễn Thị Hoà",
        "Đặc khu Lý Sơn",
        "Ủy ban nhân dân xã Tịnh Khê",
        "Họ và tên mẹ: Trần Thị Thuý",
        CODE,
    ] {
        assert!(text.contains(expected), "pdftotext lacks {expected:?}:\n{text}");
    }
}

#[test]
fn the_receipt_renders_with_the_same_renderer() {
    let mut doc = Document::new("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ");
    doc.header = Line::national_motto();
    doc.lines = vec![
        Line::field("Mã hồ sơ", "000.00.12.H48-260315-0007"),
        Line::field("Tiếp nhận hồ sơ của", "Ông/bà Nguyễn Văn Đức"),
        Line::field("Ngày hẹn trả kết quả", "Thứ Sáu, 20/03/2026"),
    ];
    doc.footer = "Bộ phận Một cửa đặc khu Lý Sơn".into();
    let pdf = render(&doc).unwrap();
    assert!(pdf.len() < 60_000, "subset fonts keep a receipt small: {} bytes", pdf.len());
    if poppler_available() {
        let path = write("receipt.pdf", &pdf);
        let text = Command::new("pdftotext").arg(&path).arg("-").output().unwrap();
        let text = String::from_utf8(text.stdout).unwrap();
        assert!(text.contains("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"), "{text}");
        assert!(text.contains("Ngày hẹn trả kết quả: Thứ Sáu, 20/03/2026"), "{text}");
    }
}
