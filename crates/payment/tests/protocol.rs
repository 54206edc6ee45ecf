//! The signed-parameter protocol: what a genuine callback yields, and that every kind of
//! tampering is refused with a stable code.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use chrono::{TimeZone, Utc};
use tinhso_payment::protocol::{self, Params, parse_query, signed_query};
use tinhso_payment::{Merchant, PaymentProvider, PaymentRequest, build_payment_url, verify_callback};

const SECRET: &str = "SECRETKEYFORTESTSONLY0123456789AB";

fn merchant() -> Merchant {
    Merchant { tmn_code: "TINHSO01".into(), secret: SECRET.into(), pay_url: "http://127.0.0.1:9/paymentv2/vpcpay.html".into() }
}

fn callback(amount_hundredths: &str) -> Params {
    [
        ("vnp_TmnCode", "TINHSO01"),
        ("vnp_TxnRef", "HS-260315-0007-1"),
        ("vnp_Amount", amount_hundredths),
        ("vnp_OrderInfo", "Thanh toan le phi ho so 000.00.12.H48-260315-0007"),
        ("vnp_ResponseCode", "00"),
        ("vnp_TransactionStatus", "00"),
        ("vnp_TransactionNo", "14000001"),
        ("vnp_BankCode", "NCB"),
        ("vnp_PayDate", "20260315093000"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

fn code<T: std::fmt::Debug>(r: tinhso_core::Result<T>) -> &'static str {
    r.expect_err("should be refused").code()
}

#[test]
fn a_signed_callback_verifies_and_reads_back() {
    let query = signed_query(&callback("15000000"), SECRET);
    let r = verify_callback(&query, SECRET).unwrap();
    assert_eq!(r.txn_ref, "HS-260315-0007-1");
    assert_eq!(r.amount_vnd, 150_000);
    assert!(r.success);
    assert_eq!(r.transaction_no, "14000001");
    assert_eq!(r.paid_at, Some(Utc.with_ymd_and_hms(2026, 3, 15, 2, 30, 0).unwrap()));
    assert_eq!(merchant().verify_callback(&query).unwrap(), r);
}

/// Computed independently (Python's hmac and quote_plus, which encode as PHP's urlencode does),
/// so a change to the hash string's encoding or order cannot pass unnoticed.
#[test]
fn the_signature_matches_an_independent_computation() {
    let params = callback("15000000");
    assert_eq!(
        protocol::hash_data(&params),
        "vnp_Amount=15000000&vnp_BankCode=NCB&vnp_OrderInfo=Thanh+toan+le+phi+ho+so+000.00.12.H48-260315-0007\
         &vnp_PayDate=20260315093000&vnp_ResponseCode=00&vnp_TmnCode=TINHSO01&vnp_TransactionNo=14000001\
         &vnp_TransactionStatus=00&vnp_TxnRef=HS-260315-0007-1"
    );
    assert_eq!(
        protocol::sign(&params, SECRET),
        "31ef1ad2acbedfd19bb51f980678e2e4f88811e9fd75df66d8276c9752188f4c\
         db3c92558d368b8fb25123e1b6e8659ed5f7c474598de9abd47547cfc4d305b6"
    );
}

#[test]
fn the_payment_url_is_signed_and_complete() {
    let req = PaymentRequest {
        txn_ref: "HS-260315-0007-1".into(),
        amount_vnd: 150_000,
        order_info: "Thanh toan le phi ho so 000.00.12.H48-260315-0007".into(),
        return_url: "https://dichvucong.example.vn/thanh-toan/ket-qua".into(),
        ip: "203.0.113.5".into(),
        created_at: Utc.with_ymd_and_hms(2026, 3, 15, 2, 0, 0).unwrap(),
    };
    let url = merchant().payment_url(&req);
    assert_eq!(url, build_payment_url(&merchant(), &req));
    let query = url.split_once('?').unwrap().1;
    let params = parse_query(query).unwrap();
    protocol::verify_signature(&params, SECRET).unwrap();
    assert_eq!(params["vnp_Amount"], "15000000");
    assert_eq!(params["vnp_Command"], "pay");
    assert_eq!(params["vnp_CurrCode"], "VND");
    assert_eq!(params["vnp_Locale"], "vn");
    assert_eq!(params["vnp_Version"], "2.1.0");
    assert_eq!(params["vnp_CreateDate"], "20260315090000");
    assert_eq!(params["vnp_ExpireDate"], "20260315091500");
    assert_eq!(params["vnp_ReturnUrl"], req.return_url);
    // Spaces travel as '+', and the signature is 128 hex digits of HMAC-SHA512.
    assert!(query.contains("vnp_OrderInfo=Thanh+toan+le+phi"));
    assert_eq!(params["vnp_SecureHash"].len(), 128);
}

#[test]
fn tampered_amount_or_reference_is_an_invalid_signature() {
    let genuine = signed_query(&callback("15000000"), SECRET);
    let cheaper = genuine.replace("vnp_Amount=15000000", "vnp_Amount=100");
    assert_eq!(code(verify_callback(&cheaper, SECRET)), "invalid_signature");
    let other_order = genuine.replace("vnp_TxnRef=HS-260315-0007-1", "vnp_TxnRef=HS-260315-0008-1");
    assert_eq!(code(verify_callback(&other_order, SECRET)), "invalid_signature");
    let failed_as_paid = signed_query(&{
        let mut p = callback("15000000");
        p.insert("vnp_ResponseCode".into(), "24".into());
        p
    }, SECRET)
    .replace("vnp_ResponseCode=24", "vnp_ResponseCode=00");
    assert_eq!(code(verify_callback(&failed_as_paid, SECRET)), "invalid_signature");
}

#[test]
fn forged_callbacks_are_refused() {
    let unsigned = protocol::hash_data(&callback("15000000"));
    assert_eq!(code(verify_callback(&unsigned, SECRET)), "invalid_signature");
    let other_key = signed_query(&callback("15000000"), "NOT-THE-MERCHANT-SECRET");
    assert_eq!(code(verify_callback(&other_key, SECRET)), "invalid_signature");
    let not_hex = format!("{unsigned}&vnp_SecureHash=zz");
    assert_eq!(code(verify_callback(&not_hex, SECRET)), "invalid_signature");
    // A second copy of a field could let the verifier and the handler read different values.
    let doubled = format!("{}&vnp_Amount=100", signed_query(&callback("15000000"), SECRET));
    assert_eq!(code(verify_callback(&doubled, SECRET)), "invalid_signature");
    // Signed for another terminal with the same secret: not this merchant's payment.
    let mut foreign = callback("15000000");
    foreign.insert("vnp_TmnCode".into(), "OTHER001".into());
    assert_eq!(code(merchant().verify_callback(&signed_query(&foreign, SECRET))), "invalid_signature");
}

#[test]
fn the_hash_comparison_covers_every_byte_and_ignores_hex_case() {
    let params = callback("15000000");
    let good = protocol::sign(&params, SECRET);
    let base = protocol::hash_data(&params);
    // A wrong first or last digit, a truncated or an extended hash: all refused the same way.
    // The comparison itself is HMAC's constant-time `verify_slice` (subtle); timing cannot be
    // asserted in a test, but a comparison that stopped early would still pass these, so the
    // point here is that no prefix of the hash is enough.
    let flip = |i: usize| {
        let mut b = good.clone().into_bytes();
        b[i] = if b[i] == b'0' { b'1' } else { b'0' };
        String::from_utf8(b).unwrap()
    };
    for forged in [flip(0), flip(good.len() - 1), good[..64].to_owned(), format!("{good}00")] {
        assert_eq!(code(verify_callback(&format!("{base}&vnp_SecureHash={forged}"), SECRET)), "invalid_signature");
    }
    let upper = format!("{base}&vnp_SecureHash={}", good.to_uppercase());
    assert!(verify_callback(&upper, SECRET).is_ok());
}

#[test]
fn signed_but_malformed_callbacks_name_the_problem() {
    let mut no_ref = callback("15000000");
    no_ref.remove("vnp_TxnRef");
    assert_eq!(code(verify_callback(&signed_query(&no_ref, SECRET), SECRET)), "missing_field");
    for bad in ["15000050", "-15000000", "0", "mot-tram"] {
        assert_eq!(code(verify_callback(&signed_query(&callback(bad), SECRET), SECRET)), "invalid_amount", "{bad}");
    }
    let r = verify_callback(&signed_query(&callback("15000000"), SECRET), SECRET).unwrap();
    assert!(r.check_amount(150_000).is_ok());
    assert_eq!(code(r.check_amount(100_000)), "invalid_amount");
}

#[test]
fn a_cancelled_payment_is_not_a_success() {
    let mut p = callback("15000000");
    p.insert("vnp_ResponseCode".into(), "24".into());
    p.insert("vnp_TransactionStatus".into(), "02".into());
    p.insert("vnp_TransactionNo".into(), "0".into());
    let r = verify_callback(&signed_query(&p, SECRET), SECRET).unwrap();
    assert!(!r.success);
    assert_eq!(r.response_code, "24");
    assert_eq!(protocol::response_message("24"), "Bạn đã hủy giao dịch.");
}
