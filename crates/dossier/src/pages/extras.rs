//! The applicant's own steps on the dossier page: paying the fee through the gateway and
//! rating the service once the result is back.
use super::detail::{Ctx, parse_id};
use crate::Dossiers;
use crate::outputs::RatingRequest;
use axum::extract::{ConnectInfo, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use sea_orm::DatabaseConnection;
use serde::Deserialize;
use std::net::SocketAddr;
use std::sync::Arc;
use tinhso_catalog::Catalog;
use tinhso_core::Error;
use tinhso_web::{Chrome, CsrfForm, PageError, SignedIn};

#[derive(Deserialize)]
pub struct Empty {}

/// Sends the applicant to the payment gateway.
#[allow(clippy::too_many_arguments)] // one extractor per thing the handler needs
pub async fn pay(
    chrome: Chrome,
    SignedIn(who): SignedIn,
    State(svc): State<Arc<Dossiers>>,
    State(catalog): State<Arc<Catalog>>,
    State(db): State<DatabaseConnection>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, PageError> {
    let id = parse_id(&chrome, &id)?;
    match svc.start_payment(&who, id, &addr.ip().to_string()).await {
        Ok(start) => Ok(Redirect::to(&start.payment_url).into_response()),
        Err(e) => Ctx { svc, catalog, db }.answer(chrome, &who, id, Err(e), "pay", String::new()).await,
    }
}

#[derive(Deserialize)]
pub struct RatingForm {
    #[serde(default)]
    score: String,
    #[serde(default)]
    comment: String,
}

pub async fn rate(
    chrome: Chrome,
    SignedIn(who): SignedIn,
    State(svc): State<Arc<Dossiers>>,
    State(catalog): State<Arc<Catalog>>,
    State(db): State<DatabaseConnection>,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<RatingForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&chrome, &id)?;
    let result = match form.score.parse::<i32>() {
        Ok(score) => svc.rate(&who, id, RatingRequest { score, comment: form.comment.clone() }).await.map(|_| "rate"),
        Err(_) => Err(Error::invalid("invalid_score", "Mức độ hài lòng", "chọn một mức từ 1 đến 5.")),
    };
    Ctx { svc, catalog, db }.answer(chrome, &who, id, result, "rate", form.comment).await
}
