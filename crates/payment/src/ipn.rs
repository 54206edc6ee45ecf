//! The merchant's side of the IPN (instant payment notification): what to answer the
//! gateway, and which change, if any, a callback makes to a payment. The caller (the dossier
//! module) loads the payment, calls [`decide`], applies the change and writes the audit entry
//! in one transaction, then answers with [`IpnReply`]. Deciding without I/O keeps the rule
//! that makes callbacks idempotent in one place, and testable.
use crate::protocol::CallbackResult;
use serde::{Deserialize, Serialize};
use tinhso_core::Error;

/// Where a fee payment stands, as the dossier records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    Pending,
    Paid,
    Failed,
}

impl PaymentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentStatus::Pending => "pending",
            PaymentStatus::Paid => "paid",
            PaymentStatus::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pending" => Some(PaymentStatus::Pending),
            "paid" => Some(PaymentStatus::Paid),
            "failed" => Some(PaymentStatus::Failed),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PaymentStatus::Pending => "Chờ thanh toán",
            PaymentStatus::Paid => "Đã thanh toán",
            PaymentStatus::Failed => "Thanh toán không thành công",
        }
    }
}

/// The JSON body the gateway expects back from an IPN call, with the HTTP status to send it
/// with. Gateways read only the body; the status makes a refused (forged) callback a clear 4xx
/// for everyone else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct IpnReply {
    #[serde(rename = "RspCode")]
    pub rsp_code: &'static str,
    #[serde(rename = "Message")]
    pub message: &'static str,
    #[serde(skip)]
    pub status: u16,
}

impl IpnReply {
    pub const CONFIRMED: IpnReply = IpnReply { rsp_code: "00", message: "Confirm Success", status: 200 };
    pub const ORDER_NOT_FOUND: IpnReply = IpnReply { rsp_code: "01", message: "Order not found", status: 404 };
    pub const ALREADY_CONFIRMED: IpnReply = IpnReply { rsp_code: "02", message: "Order already confirmed", status: 200 };
    pub const INVALID_AMOUNT: IpnReply = IpnReply { rsp_code: "04", message: "Invalid amount", status: 422 };
    pub const INVALID_SIGNATURE: IpnReply = IpnReply { rsp_code: "97", message: "Invalid signature", status: 422 };
    pub const MALFORMED: IpnReply = IpnReply { rsp_code: "99", message: "Invalid request", status: 400 };
    pub const UNKNOWN_ERROR: IpnReply = IpnReply { rsp_code: "99", message: "Unknown error", status: 500 };

    /// The answer to a callback that failed verification (or to a failure while handling it).
    pub fn from_error(e: &Error) -> IpnReply {
        match e {
            Error::Invalid { code: "invalid_signature", .. } => IpnReply::INVALID_SIGNATURE,
            Error::Invalid { code: "invalid_amount", .. } => IpnReply::INVALID_AMOUNT,
            Error::Invalid { .. } => IpnReply::MALFORMED,
            Error::NotFound { .. } => IpnReply::ORDER_NOT_FOUND,
            _ => IpnReply::UNKNOWN_ERROR,
        }
    }
}

/// The payment a callback refers to, as the merchant stored it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredPayment {
    pub status: PaymentStatus,
    pub amount_vnd: i64,
}

/// What to answer, and the new status to record (`None`: change nothing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpnDecision {
    pub reply: IpnReply,
    pub new_status: Option<PaymentStatus>,
}

/// Applies a verified callback to the stored payment. Only a pending payment changes, so a
/// repeated IPN (gateways retry until they hear "00" or "02") or a late cancel after a
/// success changes nothing and is answered "already confirmed".
pub fn decide(stored: Option<StoredPayment>, result: &CallbackResult) -> IpnDecision {
    let keep = |reply| IpnDecision { reply, new_status: None };
    let Some(stored) = stored else { return keep(IpnReply::ORDER_NOT_FOUND) };
    if result.check_amount(stored.amount_vnd).is_err() {
        return keep(IpnReply::INVALID_AMOUNT);
    }
    if stored.status != PaymentStatus::Pending {
        return keep(IpnReply::ALREADY_CONFIRMED);
    }
    let new_status = if result.success { PaymentStatus::Paid } else { PaymentStatus::Failed };
    IpnDecision { reply: IpnReply::CONFIRMED, new_status: Some(new_status) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(success: bool, amount_vnd: i64) -> CallbackResult {
        CallbackResult {
            tmn_code: "TINHSO01".into(),
            txn_ref: "T1".into(),
            amount_vnd,
            success,
            response_code: if success { "00" } else { "24" }.into(),
            transaction_status: None,
            transaction_no: "1".into(),
            bank_code: None,
            paid_at: None,
        }
    }

    fn stored(status: PaymentStatus) -> Option<StoredPayment> {
        Some(StoredPayment { status, amount_vnd: 150_000 })
    }

    #[test]
    fn only_a_pending_payment_changes() {
        let d = decide(stored(PaymentStatus::Pending), &result(true, 150_000));
        assert_eq!((d.reply, d.new_status), (IpnReply::CONFIRMED, Some(PaymentStatus::Paid)));
        let d = decide(stored(PaymentStatus::Pending), &result(false, 150_000));
        assert_eq!(d.new_status, Some(PaymentStatus::Failed));
        let d = decide(stored(PaymentStatus::Paid), &result(false, 150_000));
        assert_eq!((d.reply, d.new_status), (IpnReply::ALREADY_CONFIRMED, None));
    }

    #[test]
    fn unknown_order_or_wrong_amount_changes_nothing() {
        assert_eq!(decide(None, &result(true, 150_000)).reply, IpnReply::ORDER_NOT_FOUND);
        let d = decide(stored(PaymentStatus::Pending), &result(true, 15_000));
        assert_eq!((d.reply, d.new_status), (IpnReply::INVALID_AMOUNT, None));
    }

    #[test]
    fn forged_callbacks_get_a_4xx() {
        let e = Error::invalid("invalid_signature", "vnp_SecureHash", "x");
        assert_eq!(IpnReply::from_error(&e).rsp_code, "97");
        assert!((400..500).contains(&IpnReply::from_error(&e).status));
    }
}
