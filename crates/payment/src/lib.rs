//! Fee payment: the payment-provider interface the platform pays through, the VNPay-style
//! redirect-and-signed-callback protocol (`protocol`), the merchant's IPN rules (`ipn`), and
//! the sandbox gateway (`sandbox`), a separate service that speaks the same protocol with
//! synthetic money so the whole flow runs without a real gateway.
pub mod ipn;
pub mod protocol;
pub mod sandbox;

pub use ipn::{IpnDecision, IpnReply, PaymentStatus, StoredPayment};
pub use protocol::{CallbackResult, Merchant, PaymentRequest, build_payment_url, sign, verify_callback};
pub use sandbox::{SandboxConfig, SandboxMerchant, sandbox_router, serve as serve_sandbox};

use tinhso_core::Result;

/// A payment gateway as the platform sees it: where to send the payer, and how to read the
/// gateway's callbacks. The dossier module holds a `dyn PaymentProvider`, so a second gateway
/// is another implementation, not a change to the dossier.
pub trait PaymentProvider: Send + Sync {
    /// The gateway's name, as shown to the payer.
    fn name(&self) -> &str;
    /// The signed URL to send the payer's browser to.
    fn payment_url(&self, req: &PaymentRequest) -> String;
    /// Verifies an IPN or return query string; a forged or tampered one is an error with
    /// code `invalid_signature`.
    fn verify_callback(&self, query: &str) -> Result<CallbackResult>;
}

impl PaymentProvider for Merchant {
    fn name(&self) -> &str {
        "Cổng thanh toán VNPAY (giao thức 2.1.0)"
    }

    fn payment_url(&self, req: &PaymentRequest) -> String {
        build_payment_url(self, req)
    }

    fn verify_callback(&self, query: &str) -> Result<CallbackResult> {
        Merchant::verify_callback(self, query)
    }
}

/// An amount as people read it on a receipt: "150.000 đ".
pub fn format_vnd(amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + 8);
    if amount < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out.push_str(" đ");
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn vnd_is_grouped_by_thousands_with_dots() {
        assert_eq!(super::format_vnd(150_000), "150.000 đ");
        assert_eq!(super::format_vnd(1_234_567), "1.234.567 đ");
        assert_eq!(super::format_vnd(500), "500 đ");
        assert_eq!(super::format_vnd(-25_000), "-25.000 đ");
    }
}
