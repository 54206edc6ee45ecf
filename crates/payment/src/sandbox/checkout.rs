//! What the sandbox gateway checks in a merchant's payment request, and the signed result it
//! sends back, as a real gateway would: an unknown terminal, a bad signature, a malformed or
//! expired request is refused before the payer sees anything.
use super::{SandboxConfig, SandboxMerchant};
use crate::protocol::{
    self, Params, RESPONSE_CANCELLED, RESPONSE_SUCCESS, field, format_time, parse_amount, parse_query, parse_time,
    verify_signature,
};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use tinhso_core::{Error, Result};

/// The payer's choice on the gateway's page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Success,
    Cancel,
}

/// A verified payment request.
#[derive(Debug, Clone)]
pub struct Checkout {
    pub merchant: SandboxMerchant,
    pub txn_ref: String,
    pub amount_vnd: i64,
    pub order_info: String,
    pub return_url: String,
    pub bank_code: Option<String>,
    pub expires_at: DateTime<Utc>,
}

fn bad_request(field: &str, message: &str) -> Error {
    Error::invalid("invalid_request", field, message)
}

fn expect(params: &Params, key: &str, value: &str) -> Result<()> {
    if field(params, key)? == value {
        Ok(())
    } else {
        Err(bad_request(key, "Giá trị không được cổng thanh toán hỗ trợ."))
    }
}

fn time_field(params: &Params, key: &str) -> Result<DateTime<Utc>> {
    parse_time(field(params, key)?).ok_or_else(|| bad_request(key, "Thời gian không đúng định dạng yyyyMMddHHmmss."))
}

/// Reads and verifies a payment request's query string.
pub fn open(config: &SandboxConfig, query: &str, now: DateTime<Utc>) -> Result<Checkout> {
    let params = parse_query(query)?;
    let tmn_code = field(&params, "vnp_TmnCode")?;
    let merchant = config
        .merchants
        .iter()
        .find(|m| m.tmn_code == tmn_code)
        .ok_or_else(|| Error::invalid("unknown_merchant", "vnp_TmnCode", "Mã đơn vị thu không tồn tại trên cổng thử nghiệm."))?;
    verify_signature(&params, &merchant.secret)?;
    expect(&params, "vnp_Version", protocol::VERSION)?;
    expect(&params, "vnp_Command", "pay")?;
    expect(&params, "vnp_CurrCode", "VND")?;
    field(&params, "vnp_IpAddr")?;
    let return_url = field(&params, "vnp_ReturnUrl")?;
    match url::Url::parse(return_url) {
        Ok(u) if u.scheme() == "http" || u.scheme() == "https" => {}
        _ => return Err(bad_request("vnp_ReturnUrl", "Địa chỉ trả về không hợp lệ.")),
    }
    let created_at = time_field(&params, "vnp_CreateDate")?;
    let expires_at = time_field(&params, "vnp_ExpireDate")?;
    if expires_at <= created_at {
        return Err(bad_request("vnp_ExpireDate", "Thời hạn thanh toán phải sau thời điểm tạo giao dịch."));
    }
    if now > expires_at {
        return Err(Error::invalid("payment_expired", "vnp_ExpireDate", "Đã hết thời gian chờ thanh toán. Vui lòng tạo giao dịch mới."));
    }
    Ok(Checkout {
        merchant: merchant.clone(),
        txn_ref: field(&params, "vnp_TxnRef")?.to_owned(),
        amount_vnd: parse_amount(field(&params, "vnp_Amount")?)?,
        order_info: field(&params, "vnp_OrderInfo")?.to_owned(),
        return_url: return_url.to_owned(),
        bank_code: params.get("vnp_BankCode").filter(|b| !b.is_empty()).cloned(),
        expires_at,
    })
}

/// The result parameters (unsigned) for the payer's choice. A cancelled payment carries
/// transaction number "0" and status "02", as the real gateway sends them.
pub fn result_params(checkout: &Checkout, outcome: Outcome, transaction_no: u64, now: DateTime<Utc>) -> Params {
    let mut p = Params::new();
    let mut put = |k: &str, v: String| {
        p.insert(k.to_owned(), v);
    };
    put("vnp_TmnCode", checkout.merchant.tmn_code.clone());
    put("vnp_TxnRef", checkout.txn_ref.clone());
    put("vnp_Amount", (checkout.amount_vnd.saturating_mul(100)).to_string());
    put("vnp_OrderInfo", checkout.order_info.clone());
    put("vnp_PayDate", format_time(now));
    match outcome {
        Outcome::Success => {
            put("vnp_ResponseCode", RESPONSE_SUCCESS.to_owned());
            put("vnp_TransactionStatus", "00".to_owned());
            put("vnp_TransactionNo", transaction_no.to_string());
            put("vnp_BankCode", checkout.bank_code.clone().unwrap_or_else(|| "NCB".to_owned()));
            put("vnp_BankTranNo", format!("VNP{transaction_no}"));
            put("vnp_CardType", "ATM".to_owned());
        }
        Outcome::Cancel => {
            put("vnp_ResponseCode", RESPONSE_CANCELLED.to_owned());
            put("vnp_TransactionStatus", "02".to_owned());
            put("vnp_TransactionNo", "0".to_owned());
            put("vnp_BankCode", "VNPAY".to_owned());
        }
    }
    p
}
