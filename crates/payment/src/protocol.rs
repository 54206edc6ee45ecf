//! The redirect-and-signed-callback protocol of Vietnamese payment gateways, modelled on
//! VNPay's public version 2.1.0: the merchant sends the payer to the gateway with signed query
//! parameters, and the gateway answers (IPN server-to-server, and the browser's return) with
//! signed result parameters. The signature is HMAC-SHA512 over the sorted, URL-encoded
//! `key=value&…` string of the `vnp_` parameters, keyed with the merchant's secret.
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use hmac::{Hmac, Mac};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Deserialize;
use sha2::Sha512;
use std::collections::BTreeMap;
use tinhso_core::calendar::vietnam;
use tinhso_core::{Error, Result};

pub const VERSION: &str = "2.1.0";
pub const SECURE_HASH: &str = "vnp_SecureHash";
pub const SECURE_HASH_TYPE: &str = "vnp_SecureHashType";
/// How long the payer has at the gateway, as VNPay's own samples set it.
pub const EXPIRE_MINUTES: i64 = 15;
/// `vnp_ResponseCode` of a successful payment, and of a payment the payer cancelled.
pub const RESPONSE_SUCCESS: &str = "00";
pub const RESPONSE_CANCELLED: &str = "24";

/// The protocol's parameters. A `BTreeMap` keeps them in the byte order the hash is taken in.
pub type Params = BTreeMap<String, String>;

type HmacSha512 = Hmac<Sha512>;

/// PHP's `urlencode`, which the gateways' hash string is defined by: every byte but
/// letters, digits and `-_.` is percent-encoded, and a space becomes `+`.
const URLENCODE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.');

/// The merchant's account at a gateway: terminal code, shared secret, and the gateway's
/// payment page. `Debug` never prints the secret.
#[derive(Clone, Deserialize)]
pub struct Merchant {
    pub tmn_code: String,
    pub secret: String,
    pub pay_url: String,
}

impl std::fmt::Debug for Merchant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Merchant").field("tmn_code", &self.tmn_code).field("secret", &"***").field("pay_url", &self.pay_url).finish()
    }
}

/// One payment attempt. `txn_ref` must be new for every attempt: gateways refuse a reference
/// they have seen, so a retry after a cancel needs a fresh one. `order_info` should be
/// unaccented text without personal data, since it travels in URLs and bank statements.
#[derive(Debug, Clone)]
pub struct PaymentRequest {
    pub txn_ref: String,
    pub amount_vnd: i64,
    pub order_info: String,
    pub return_url: String,
    pub ip: String,
    pub created_at: DateTime<Utc>,
}

/// What a verified callback (IPN or browser return) says about a payment.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CallbackResult {
    pub tmn_code: String,
    pub txn_ref: String,
    pub amount_vnd: i64,
    /// Paid: response code "00" and, when present, transaction status "00".
    pub success: bool,
    pub response_code: String,
    pub transaction_status: Option<String>,
    /// The gateway's number for the transaction ("0" when nothing was charged).
    pub transaction_no: String,
    pub bank_code: Option<String>,
    pub paid_at: Option<DateTime<Utc>>,
}

impl CallbackResult {
    /// The amount must match the order's; a mismatch means a callback for another order or
    /// a tampered amount, and gateways expect the merchant to refuse it.
    pub fn check_amount(&self, expected_vnd: i64) -> Result<()> {
        if self.amount_vnd == expected_vnd {
            Ok(())
        } else {
            Err(Error::invalid("invalid_amount", "vnp_Amount", "Số tiền thanh toán không khớp với số tiền của đơn hàng."))
        }
    }
}

/// Percent-encodes one key or value as the hash string and the query require.
pub fn encode(s: &str) -> String {
    // `%20` can only come from a space: a literal `%` is itself encoded as `%25`.
    utf8_percent_encode(s, URLENCODE).to_string().replace("%20", "+")
}

/// The string that is signed: `vnp_` parameters with a value, sorted by key, encoded, joined
/// with `&`; the hash itself and its type are left out.
pub fn hash_data(params: &Params) -> String {
    params
        .iter()
        .filter(|(k, v)| k.starts_with("vnp_") && !v.is_empty() && *k != SECURE_HASH && *k != SECURE_HASH_TYPE)
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn mac(secret: &str, data: &str) -> HmacSha512 {
    let mut mac = match HmacSha512::new_from_slice(secret.as_bytes()) {
        Ok(m) => m,
        // HMAC hashes long keys and pads short ones, so every key length is accepted.
        Err(_) => unreachable!("HMAC accepts keys of any length"),
    };
    mac.update(data.as_bytes());
    mac
}

/// `vnp_SecureHash` for these parameters: lower-case hex HMAC-SHA512.
pub fn sign(params: &Params, secret: &str) -> String {
    hex::encode(mac(secret, &hash_data(params)).finalize().into_bytes())
}

/// The parameters as a query string with their signature appended.
pub fn signed_query(params: &Params, secret: &str) -> String {
    format!("{}&{}={}", hash_data(params), SECURE_HASH, sign(params, secret))
}

/// Appends a query string to a URL that may already carry one.
pub fn with_query(base: &str, query: &str) -> String {
    let sep = if base.contains('?') { '&' } else { '?' };
    format!("{base}{sep}{query}")
}

/// Local time (GMT+7) as the protocol writes it: `yyyyMMddHHmmss`.
pub fn format_time(t: DateTime<Utc>) -> String {
    t.with_timezone(&vietnam()).format("%Y%m%d%H%M%S").to_string()
}

/// Reads a `yyyyMMddHHmmss` GMT+7 time; `None` if it is malformed.
pub fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    let naive = NaiveDateTime::parse_from_str(s, "%Y%m%d%H%M%S").ok()?;
    naive.and_local_timezone(vietnam()).single().map(|t| t.with_timezone(&Utc))
}

/// The signed URL that sends the payer to the gateway.
pub fn build_payment_url(merchant: &Merchant, req: &PaymentRequest) -> String {
    let expire = req.created_at + Duration::minutes(EXPIRE_MINUTES);
    let params: Params = [
        ("vnp_Version", VERSION.to_owned()),
        ("vnp_Command", "pay".to_owned()),
        ("vnp_TmnCode", merchant.tmn_code.clone()),
        // VND has no minor unit, but the protocol counts hundredths.
        ("vnp_Amount", req.amount_vnd.saturating_mul(100).to_string()),
        ("vnp_CurrCode", "VND".to_owned()),
        ("vnp_TxnRef", req.txn_ref.clone()),
        ("vnp_OrderInfo", req.order_info.clone()),
        ("vnp_OrderType", "other".to_owned()),
        ("vnp_Locale", "vn".to_owned()),
        ("vnp_ReturnUrl", req.return_url.clone()),
        ("vnp_IpAddr", req.ip.clone()),
        ("vnp_CreateDate", format_time(req.created_at)),
        ("vnp_ExpireDate", format_time(expire)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    with_query(&merchant.pay_url, &signed_query(&params, &merchant.secret))
}

fn forged(message: &str) -> Error {
    Error::invalid("invalid_signature", SECURE_HASH, message)
}

/// Decodes a query string. A repeated key is refused: which copy counts would otherwise
/// depend on who reads it, and a forger could show the verifier one and the handler another.
pub fn parse_query(query: &str) -> Result<Params> {
    let query = query.strip_prefix('?').unwrap_or(query);
    let mut params = Params::new();
    for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
        if params.insert(k.into_owned(), v.into_owned()).is_some() {
            return Err(forged("Tham số của giao dịch bị lặp lại, yêu cầu không hợp lệ."));
        }
    }
    Ok(params)
}

/// Checks `vnp_SecureHash` against the parameters. The comparison is constant-time
/// (`verify_slice` compares with `subtle`), so timing reveals nothing about the right hash.
pub fn verify_signature(params: &Params, secret: &str) -> Result<()> {
    let given = params.get(SECURE_HASH).ok_or_else(|| forged("Thiếu chữ ký của giao dịch."))?;
    let given = hex::decode(given).map_err(|_| forged("Chữ ký của giao dịch không hợp lệ."))?;
    mac(secret, &hash_data(params)).verify_slice(&given).map_err(|_| forged("Chữ ký của giao dịch không hợp lệ."))
}

/// A required field; absent or empty is the same, as empty values are not signed.
pub fn field<'a>(params: &'a Params, key: &str) -> Result<&'a str> {
    match params.get(key).map(String::as_str) {
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(Error::invalid("missing_field", key, "Thiếu thông tin bắt buộc của giao dịch.")),
    }
}

fn optional(params: &Params, key: &str) -> Option<String> {
    params.get(key).filter(|v| !v.is_empty()).cloned()
}

/// `vnp_Amount` (hundredths of a đồng) as whole đồng; anything but a positive whole number of
/// đồng is refused.
pub fn parse_amount(raw: &str) -> Result<i64> {
    let bad = || Error::invalid("invalid_amount", "vnp_Amount", "Số tiền thanh toán không hợp lệ.");
    let hundredths: i64 = raw.parse().map_err(|_| bad())?;
    if hundredths <= 0 || hundredths % 100 != 0 {
        return Err(bad());
    }
    Ok(hundredths / 100)
}

/// Verifies a callback's query string and reads its result.
pub fn verify_callback(query: &str, secret: &str) -> Result<CallbackResult> {
    verify_callback_params(&parse_query(query)?, secret)
}

/// Verifies already-decoded callback parameters and reads their result. The signature is
/// checked first, so nothing of an unsigned message is trusted, not even its error.
pub fn verify_callback_params(params: &Params, secret: &str) -> Result<CallbackResult> {
    verify_signature(params, secret)?;
    let response_code = field(params, "vnp_ResponseCode")?.to_owned();
    let transaction_status = optional(params, "vnp_TransactionStatus");
    let paid_at = match optional(params, "vnp_PayDate") {
        Some(raw) => Some(parse_time(&raw).ok_or_else(|| Error::invalid("invalid_field", "vnp_PayDate", "Thời gian thanh toán không hợp lệ."))?),
        None => None,
    };
    Ok(CallbackResult {
        tmn_code: field(params, "vnp_TmnCode")?.to_owned(),
        txn_ref: field(params, "vnp_TxnRef")?.to_owned(),
        amount_vnd: parse_amount(field(params, "vnp_Amount")?)?,
        success: response_code == RESPONSE_SUCCESS && transaction_status.as_deref().is_none_or(|s| s == RESPONSE_SUCCESS),
        response_code,
        transaction_status,
        transaction_no: optional(params, "vnp_TransactionNo").unwrap_or_else(|| "0".to_owned()),
        bank_code: optional(params, "vnp_BankCode"),
        paid_at,
    })
}

impl Merchant {
    /// Verifies a callback and checks that it was issued for this merchant's terminal.
    pub fn verify_callback(&self, query: &str) -> Result<CallbackResult> {
        let result = verify_callback(query, &self.secret)?;
        if result.tmn_code != self.tmn_code {
            return Err(forged("Giao dịch không thuộc về đơn vị thu này."));
        }
        Ok(result)
    }
}

/// What a `vnp_ResponseCode` means, in words a payer understands.
pub fn response_message(code: &str) -> &'static str {
    match code {
        "00" => "Giao dịch thành công.",
        "07" => "Trừ tiền thành công, giao dịch đang được ngân hàng kiểm tra thêm.",
        "09" => "Thẻ hoặc tài khoản chưa đăng ký dịch vụ ngân hàng trực tuyến.",
        "10" => "Xác thực thông tin thẻ hoặc tài khoản sai quá 3 lần.",
        "11" => "Đã hết thời gian chờ thanh toán.",
        "12" => "Thẻ hoặc tài khoản bị khóa.",
        "13" => "Nhập sai mật khẩu xác thực giao dịch (OTP).",
        "24" => "Bạn đã hủy giao dịch.",
        "51" => "Tài khoản không đủ số dư.",
        "65" => "Tài khoản đã vượt quá hạn mức giao dịch trong ngày.",
        "75" => "Ngân hàng thanh toán đang bảo trì.",
        "79" => "Nhập sai mật khẩu thanh toán quá số lần quy định.",
        _ => "Giao dịch không thành công.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_matches_php_urlencode() {
        assert_eq!(encode("Thanh toan le phi 1.001193 *~"), "Thanh+toan+le+phi+1.001193+%2A%7E");
        assert_eq!(encode("http://a/b?x=1"), "http%3A%2F%2Fa%2Fb%3Fx%3D1");
        assert_eq!(encode("100%20"), "100%2520");
    }

    #[test]
    fn times_are_written_in_gmt_plus_7() {
        let t = DateTime::parse_from_rfc3339("2026-03-15T02:04:05Z").map(|t| t.with_timezone(&Utc)).ok();
        let t = t.unwrap_or_default();
        assert_eq!(format_time(t), "20260315090405");
        assert_eq!(parse_time("20260315090405"), Some(t));
        assert_eq!(parse_time("2026-03-15"), None);
    }

    #[test]
    fn amount_must_be_whole_dong() {
        assert_eq!(parse_amount("15000000").ok(), Some(150_000));
        for bad in ["0", "-100", "150050", "abc", ""] {
            assert_eq!(parse_amount(bad).map_err(|e| e.code()).err(), Some("invalid_amount"));
        }
    }
}
