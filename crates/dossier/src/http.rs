//! `/api/v1/dossiers`: submit and follow for applicants; queue and actions for officers of the
//! dossier's org unit.
use crate::Dossiers;
use crate::model::{ActRequest, ApologyRequest, CounterRequest, Dossier, SubmitRequest, TimelineEntry};
use crate::queue::{DossierPage, QueueParams};
use axum::extract::{ConnectInfo, FromRef, Path, Query, RawQuery, State};
use crate::payments::PaymentStart;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use crate::outputs::{PublicStatus, RatingRequest, ResultCheck};
use crate::stats::Figures;
use axum::routing::{get, post};
use axum::{Json, Router};
use sea_orm::DatabaseConnection;
use std::sync::Arc;
use tinhso_web::{ApiError, ApiJson, SignedIn};

pub fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Dossiers>: FromRef<S>,
    DatabaseConnection: FromRef<S>,
{
    Router::new()
        .route("/api/v1/dossiers", post(submit))
        .route("/api/v1/dossiers/counter", post(counter))
        .route("/api/v1/dossiers/mine", get(mine))
        .route("/api/v1/dossiers/queue", get(queue))
        .route("/api/v1/dossiers/{id}", get(show))
        .route("/api/v1/dossiers/{id}/timeline", get(timeline))
        .route("/api/v1/dossiers/{id}/actions", post(act))
        .route("/api/v1/dossiers/{id}/apology", post(apologize))
        .route("/api/v1/dossiers/{id}/receipt.pdf", get(receipt))
        .route("/api/v1/dossiers/{id}/result.pdf", get(result))
        .route("/api/v1/dossiers/{id}/rating", post(rate))
        .route("/api/v1/results/{code}", get(check_code))
        .route("/api/v1/results/verify", post(check_file))
        .route("/api/v1/dossiers/{id}/payment", post(start_payment))
        .route("/api/v1/dossiers/lookup", post(lookup))
        .route("/api/v1/stats/dossiers", get(stats))
        .route("/api/thanh-toan/ipn", get(payment_ipn))
        .route("/thanh-toan/ket-qua", get(payment_return))
}

/// Start paying the dossier's fee: answers the gateway URL to send the payer to.
#[utoipa::path(post, path = "/api/v1/dossiers/{id}/payment", tag = "dossier", params(("id" = String, Path)),
    responses((status = 200, body = PaymentStart), (status = 409, description = "nothing_to_pay")))]
pub async fn start_payment(State(svc): State<Arc<Dossiers>>, SignedIn(who): SignedIn, ConnectInfo(addr): ConnectInfo<std::net::SocketAddr>, Path(id): Path<uuid::Uuid>) -> Result<Json<PaymentStart>, ApiError> {
    Ok(Json(svc.start_payment(&who, id, &addr.ip().to_string()).await?))
}

/// The payment gateway's signed server-to-server callback (IPN). A forged or tampered
/// callback answers 4xx with RspCode 97 and changes nothing.
#[utoipa::path(get, path = "/api/thanh-toan/ipn", tag = "dossier", responses((status = 200, description = "RspCode 00 or 02"), (status = 422, description = "RspCode 97: invalid signature")))]
pub async fn payment_ipn(State(svc): State<Arc<Dossiers>>, RawQuery(query): RawQuery) -> Response {
    let reply = svc.payment_callback(query.as_deref().unwrap_or_default()).await;
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, Json(reply)).into_response()
}

/// Where the payer's browser lands after the gateway: back to the dossier page.
pub async fn payment_return(State(svc): State<Arc<Dossiers>>, RawQuery(query): RawQuery) -> Result<Response, tinhso_web::PageError> {
    let (id, status) = svc.payment_return(query.as_deref().unwrap_or_default()).await?;
    Ok(axum::response::Redirect::to(&format!("/ho-so/{id}?thanh_toan={}", status.as_str())).into_response())
}

fn pdf(bytes: Vec<u8>, name: &str) -> Response {
    let disposition = format!("inline; filename=\"{name}\"");
    ([(header::CONTENT_TYPE, "application/pdf".to_owned()), (header::CONTENT_DISPOSITION, disposition)], bytes).into_response()
}

/// The receipt with the appointment date (PDF).
#[utoipa::path(get, path = "/api/v1/dossiers/{id}/receipt.pdf", tag = "dossier", params(("id" = String, Path)),
    responses((status = 200, content_type = "application/pdf"), (status = 409, description = "not_received")))]
pub async fn receipt(State(svc): State<Arc<Dossiers>>, SignedIn(who): SignedIn, Path(id): Path<uuid::Uuid>) -> Result<Response, ApiError> {
    Ok(pdf(svc.receipt_pdf(&who, id).await?, "giay-hen.pdf"))
}

/// The electronic result, signed by the issuing agency (PDF, PAdES).
#[utoipa::path(get, path = "/api/v1/dossiers/{id}/result.pdf", tag = "dossier", params(("id" = String, Path)),
    responses((status = 200, content_type = "application/pdf"), (status = 404, description = "not_found")))]
pub async fn result(State(svc): State<Arc<Dossiers>>, SignedIn(who): SignedIn, Path(id): Path<uuid::Uuid>) -> Result<Response, ApiError> {
    Ok(pdf(svc.result_pdf(&who, id).await?, "ket-qua.pdf"))
}

/// Rate the service once, after the result was returned.
#[utoipa::path(post, path = "/api/v1/dossiers/{id}/rating", tag = "dossier", request_body = RatingRequest, params(("id" = String, Path)),
    responses((status = 204), (status = 409, description = "already_rated, not_finished")))]
pub async fn rate(State(svc): State<Arc<Dossiers>>, SignedIn(who): SignedIn, Path(id): Path<uuid::Uuid>, ApiJson(req): ApiJson<RatingRequest>) -> Result<StatusCode, ApiError> {
    svc.rate(&who, id, req).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Public: what a verification code stands for (no personal data).
#[utoipa::path(get, path = "/api/v1/results/{code}", tag = "dossier", params(("code" = String, Path)), responses((status = 200, body = ResultCheck), (status = 404, description = "not_found")))]
pub async fn check_code(State(svc): State<Arc<Dossiers>>, Path(code): Path<String>) -> Result<Json<ResultCheck>, ApiError> {
    Ok(Json(svc.verify_code(&code).await?))
}

/// Public: check a result file (the PDF as the body).
#[utoipa::path(post, path = "/api/v1/results/verify", tag = "dossier", request_body(content = Vec<u8>, content_type = "application/pdf"),
    responses((status = 200, body = ResultCheck), (status = 422, description = "not_signed, unknown_result")))]
pub async fn check_file(State(svc): State<Arc<Dossiers>>, body: axum::body::Bytes) -> Result<Json<ResultCheck>, ApiError> {
    Ok(Json(svc.verify_file(&body).await?))
}

/// Submit a dossier online. The same `idempotency_key` answers 200 with the dossier it made.
#[utoipa::path(post, path = "/api/v1/dossiers", tag = "dossier", request_body = SubmitRequest,
    responses((status = 201, body = Dossier), (status = 200, body = Dossier, description = "already submitted with this key"), (status = 422, description = "invalid_form, unknown_agency")))]
pub async fn submit(State(svc): State<Arc<Dossiers>>, SignedIn(who): SignedIn, ApiJson(req): ApiJson<SubmitRequest>) -> Result<(StatusCode, Json<Dossier>), ApiError> {
    let (d, created) = svc.submit(&who, req).await?;
    Ok((if created { StatusCode::CREATED } else { StatusCode::OK }, Json(d)))
}

#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct PageParams {
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

/// The signed-in applicant's dossiers.
#[utoipa::path(get, path = "/api/v1/dossiers/mine", tag = "dossier", params(PageParams), responses((status = 200, body = DossierPage)))]
pub async fn mine(State(svc): State<Arc<Dossiers>>, SignedIn(who): SignedIn, Query(p): Query<PageParams>) -> Result<Json<DossierPage>, ApiError> {
    Ok(Json(svc.mine(&who, p.page, p.per_page).await?))
}

/// The officer's queue: dossiers of their org units, overdue first.
#[utoipa::path(get, path = "/api/v1/dossiers/queue", tag = "dossier", params(QueueParams), responses((status = 200, body = DossierPage), (status = 403, description = "forbidden")))]
pub async fn queue(State(svc): State<Arc<Dossiers>>, SignedIn(who): SignedIn, Query(p): Query<QueueParams>) -> Result<Json<DossierPage>, ApiError> {
    Ok(Json(svc.queue(&who, &p).await?))
}

/// One dossier (its applicant, or staff of its agency).
#[utoipa::path(get, path = "/api/v1/dossiers/{id}", tag = "dossier", params(("id" = String, Path)), responses((status = 200, body = Dossier), (status = 404, description = "not_found")))]
pub async fn show(State(svc): State<Arc<Dossiers>>, SignedIn(who): SignedIn, Path(id): Path<uuid::Uuid>) -> Result<Json<Dossier>, ApiError> {
    Ok(Json(svc.get(&who, id).await?))
}

/// The dossier's history, oldest first.
#[utoipa::path(get, path = "/api/v1/dossiers/{id}/timeline", tag = "dossier", params(("id" = String, Path)), responses((status = 200, body = [TimelineEntry])))]
pub async fn timeline(State(svc): State<Arc<Dossiers>>, SignedIn(who): SignedIn, Path(id): Path<uuid::Uuid>) -> Result<Json<Vec<TimelineEntry>>, ApiError> {
    Ok(Json(svc.timeline(&who, id).await?))
}

/// Take one step of the one-stop flow (receive, assign, record_step, transfer, …).
#[utoipa::path(post, path = "/api/v1/dossiers/{id}/actions", tag = "dossier", request_body = ActRequest, params(("id" = String, Path)),
    responses((status = 200, body = Dossier), (status = 403, description = "forbidden"), (status = 409, description = "illegal_transition, version_conflict, apology_required")))]
pub async fn act(State(svc): State<Arc<Dossiers>>, SignedIn(who): SignedIn, Path(id): Path<uuid::Uuid>, ApiJson(req): ApiJson<ActRequest>) -> Result<Json<Dossier>, ApiError> {
    Ok(Json(svc.act(&who, id, req).await?))
}

/// Record the apology letter and new appointment of a late dossier.
#[utoipa::path(post, path = "/api/v1/dossiers/{id}/apology", tag = "dossier", request_body = ApologyRequest, params(("id" = String, Path)),
    responses((status = 200, body = Dossier), (status = 409, description = "not_late")))]
pub async fn apologize(State(svc): State<Arc<Dossiers>>, SignedIn(who): SignedIn, Path(id): Path<uuid::Uuid>, ApiJson(req): ApiJson<ApologyRequest>) -> Result<Json<Dossier>, ApiError> {
    Ok(Json(svc.apologize(&who, id, req).await?))
}

#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct LookupRequest {
    /// The dossier code.
    pub code: String,
    /// The phone number given in the application, or the applicant's personal id number.
    pub contact: String,
}

/// Public: a dossier's state by its code and the applicant's phone or personal id number (sent
/// in the body, so it never sits in a URL or an access log).
#[utoipa::path(post, path = "/api/v1/dossiers/lookup", tag = "dossier", request_body = LookupRequest,
    responses((status = 200, body = PublicStatus), (status = 404, description = "not_found"), (status = 429, description = "rate_limited")))]
pub async fn lookup(State(svc): State<Arc<Dossiers>>, ConnectInfo(addr): ConnectInfo<std::net::SocketAddr>, ApiJson(req): ApiJson<LookupRequest>) -> Result<Json<PublicStatus>, ApiError> {
    Ok(Json(svc.lookup(&req.code, &req.contact, &addr.ip().to_string()).await?))
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub struct StatsParams {
    /// agency | commune | procedure | month
    pub group: String,
    /// First day (YYYY-MM-DD, Vietnam time); figures are kept per month of submission, so the
    /// period covers the whole months it touches.
    pub from: chrono::NaiveDate,
    /// Day after the last (YYYY-MM-DD).
    pub to: chrono::NaiveDate,
    /// Only this agency (its code), e.g. for its month-by-month trend.
    pub agency: Option<String>,
    /// Only this procedure (its code).
    pub procedure: Option<String>,
}

/// Dossier figures per agency, commune, procedure or month (leaders and administrators).
#[utoipa::path(get, path = "/api/v1/stats/dossiers", tag = "dossier", params(StatsParams), responses((status = 200, body = [Figures]), (status = 403, description = "forbidden")))]
pub async fn stats(State(svc): State<Arc<Dossiers>>, SignedIn(who): SignedIn, Query(p): Query<StatsParams>) -> Result<Json<Vec<Figures>>, ApiError> {
    Ok(Json(crate::stats::for_leader(svc.db(), &who, &p.group, p.from, p.to, crate::stats::Filter { agency: p.agency, procedure: p.procedure }).await?))
}

/// Register a paper dossier at the one-stop desk for a person (one-stop officers of the
/// receiving unit). Scans are then attached through the documents API.
#[utoipa::path(post, path = "/api/v1/dossiers/counter", tag = "dossier", request_body = CounterRequest,
    responses((status = 201, body = Dossier), (status = 403, description = "forbidden"), (status = 422, description = "invalid_personal_id, invalid_form")))]
pub async fn counter(State(svc): State<Arc<Dossiers>>, SignedIn(who): SignedIn, ApiJson(req): ApiJson<CounterRequest>) -> Result<(StatusCode, Json<Dossier>), ApiError> {
    let (d, created) = svc.submit_at_counter(&who, req).await?;
    Ok((if created { StatusCode::CREATED } else { StatusCode::OK }, Json(d)))
}
