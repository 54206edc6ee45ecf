//! The payer's pages at the sandbox gateway. Every page says plainly that it is a test
//! gateway, so nobody mistakes it for a real one or types real card details into it.
use super::checkout::Checkout;
use crate::format_vnd;
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use tinhso_core::Error;
use tinhso_core::calendar::vietnam;

#[derive(Template)]
#[template(path = "sandbox_checkout.html")]
struct CheckoutPage<'a> {
    tmn_code: &'a str,
    txn_ref: &'a str,
    order_info: &'a str,
    amount: String,
    bank: &'a str,
    expires: String,
    /// The signed request, posted back with the payer's choice and verified again there.
    query: &'a str,
}

#[derive(Template)]
#[template(path = "sandbox_message.html")]
struct MessagePage {
    message: String,
    code: &'static str,
}

fn html(rendered: askama::Result<String>) -> Response {
    match rendered {
        Ok(body) => Html(body).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "sandbox page failed to render");
            (StatusCode::INTERNAL_SERVER_ERROR, "Lỗi hiển thị trang").into_response()
        }
    }
}

pub fn checkout(c: &Checkout, query: &str) -> Response {
    let page = CheckoutPage {
        tmn_code: &c.merchant.tmn_code,
        txn_ref: &c.txn_ref,
        order_info: &c.order_info,
        amount: format_vnd(c.amount_vnd),
        bank: c.bank_code.as_deref().unwrap_or("NCB (ngân hàng thử nghiệm)"),
        expires: c.expires_at.with_timezone(&vietnam()).format("%H:%M ngày %d/%m/%Y").to_string(),
        query,
    };
    html(page.render())
}

pub fn message(e: &Error) -> Response {
    html(MessagePage { message: e.public_message(), code: e.code() }.render())
}
