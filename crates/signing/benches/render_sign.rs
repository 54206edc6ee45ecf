//! How long rendering, signing and verifying one result takes, and how big it is.
//! Run with `cargo bench -p tinhso-signing`; prints one line per figure.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use std::time::{Duration, Instant};

use chrono::Utc;
use tinhso_signing::ca::{self, KeyAlgorithm};
use tinhso_signing::{Document, Line, SignOptions, Signer, render, sign_pdf, verify_pdf};

fn document(i: usize) -> Document {
    let mut doc = Document::new("GIẤY KHAI SINH");
    doc.header = Line::national_motto();
    doc.lines = vec![
        Line::Centered("Ủy ban nhân dân đặc khu Lý Sơn".into()),
        Line::field("Họ và tên", format!("Nguyễn Thị Hoà {i}")),
        Line::field("Nơi sinh", "Trung tâm Y tế Đặc khu Lý Sơn, tỉnh Quảng Ngãi"),
        Line::Paragraph("Giấy khai sinh được cấp dưới dạng văn bản điện tử có ký số. ".repeat(6)),
    ];
    doc.footer = "Văn bản điện tử do Ủy ban nhân dân đặc khu Lý Sơn ký số.".into();
    doc.verification_code = Some(format!("H48-260315-{i:04}"));
    doc.qr_payload = Some(format!("https://dichvucong.quangngai.gov.vn/xac-minh/H48-260315-{i:04}"));
    doc
}

fn per_op(total: Duration, n: usize) -> String {
    format!("{:.2} ms", total.as_secs_f64() * 1000.0 / n as f64)
}

fn main() {
    const N: usize = 50;
    for algorithm in [KeyAlgorithm::EcdsaP256, KeyAlgorithm::Rsa2048] {
        let root = ca::create_root_ca("CA thử nghiệm", 10, algorithm).unwrap();
        let agency = ca::issue_agency_cert(&root.cert_der, &root.key_pkcs8_der, "UBND đặc khu Lý Sơn", 3, algorithm).unwrap();
        let chain = vec![root.cert_der.clone()];
        let signer = Signer { key_pkcs8_der: &agency.key_pkcs8_der, cert_der: &agency.cert_der, chain: &chain };
        let options = SignOptions {
            signer_name: "UBND đặc khu Lý Sơn".into(),
            reason: "Cấp kết quả".into(),
            location: "Lý Sơn".into(),
            signing_time: Utc::now(),
        };
        let (mut render_t, mut sign_t, mut verify_t) = (Duration::ZERO, Duration::ZERO, Duration::ZERO);
        let (mut unsigned_size, mut signed_size) = (0, 0);
        for i in 0..N {
            let t = Instant::now();
            let pdf = render(&document(i)).unwrap();
            render_t += t.elapsed();
            let t = Instant::now();
            let signed = sign_pdf(&pdf, &signer, &options).unwrap();
            sign_t += t.elapsed();
            let t = Instant::now();
            assert!(verify_pdf(&signed).unwrap().is_valid());
            verify_t += t.elapsed();
            (unsigned_size, signed_size) = (pdf.len(), signed.len());
        }
        println!(
            "{algorithm:?}: render {} | sign {} | render+sign {} | verify {} | size {} B unsigned, {} B signed",
            per_op(render_t, N),
            per_op(sign_t, N),
            per_op(render_t + sign_t, N),
            per_op(verify_t, N),
            unsigned_size,
            signed_size,
        );
    }
}
