//! `/api/v1/dossiers/{id}/documents`: upload, pick from the wallet, list, download, and the
//! wallet's offers for each required document.
use super::upload::{self, MAX_BODY_BYTES, Refusal};
use super::{Document, FromWalletRequest, Offer};
use crate::Dossiers;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, FromRef, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use sea_orm::DatabaseConnection;
use std::sync::Arc;
use tinhso_web::{ApiError, ApiJson, SignedIn};
use uuid::Uuid;

pub fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Dossiers>: FromRef<S>,
    DatabaseConnection: FromRef<S>,
{
    Router::new()
        // Files are larger than the API's usual bodies: this route alone takes up to the file limit.
        .route("/api/v1/dossiers/{id}/documents", get(list).post(add).layer(DefaultBodyLimit::max(MAX_BODY_BYTES)))
        .route("/api/v1/dossiers/{id}/documents/from-wallet", post(from_wallet))
        .route("/api/v1/dossiers/{id}/documents/{doc_id}/file", get(download))
        .route("/api/v1/dossiers/{id}/document-offers", get(offers))
}

fn created(d: Document, new: bool) -> (StatusCode, Json<Document>) {
    (if new { StatusCode::CREATED } else { StatusCode::OK }, Json(d))
}

/// Upload a file for one required document (`multipart/form-data` with `requirement`, the
/// index in the procedure's `documents`, and `file`). PDF, JPEG or PNG as the bytes show, at
/// most 10 MB. The applicant uploads while the dossier is submitted, returned for completion
/// or awaiting a supplement; the receiving desk adds scans to a counter dossier.
#[utoipa::path(post, path = "/api/v1/dossiers/{id}/documents", tag = "dossier", params(("id" = String, Path)),
    request_body(content_type = "multipart/form-data", description = "fields `requirement` (index) and `file`"),
    responses((status = 201, body = Document), (status = 200, body = Document, description = "the same file was already given for it"),
        (status = 409, description = "documents_closed"), (status = 413, description = "file_too_large"),
        (status = 415, description = "unsupported_file_type"), (status = 422, description = "file_type_mismatch, empty_file, unknown_requirement")))]
pub async fn add(
    State(svc): State<Arc<Dossiers>>,
    SignedIn(who): SignedIn,
    Path(id): Path<Uuid>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, Json<Document>), Response> {
    // Who and when first: a file nobody may add is not read at all.
    svc.may_add_document(&who, id).await.map_err(|e| ApiError(e).into_response())?;
    let multipart = multipart.map_err(|_| Refusal::BadForm("Cần gửi biểu mẫu multipart/form-data gồm trường requirement và file.".into()).into_response())?;
    let form = upload::read(multipart).await.map_err(IntoResponse::into_response)?;
    let requirement = form.requirement.as_deref().and_then(|r| r.parse::<i32>().ok());
    let (Some(requirement), Some(file)) = (requirement, form.file) else {
        return Err(Refusal::BadForm("Cần trường requirement (số thứ tự thành phần hồ sơ) và trường file.".into()).into_response());
    };
    let (d, new) = svc.add_document(&who, id, requirement, file).await.map_err(|e| ApiError(e).into_response())?;
    Ok(created(d, new))
}

/// Give a document from the applicant's wallet instead of uploading it again.
#[utoipa::path(post, path = "/api/v1/dossiers/{id}/documents/from-wallet", tag = "dossier", params(("id" = String, Path)), request_body = FromWalletRequest,
    responses((status = 201, body = Document), (status = 200, body = Document, description = "already given"), (status = 404, description = "not_found: not in your wallet"),
        (status = 409, description = "documents_closed, wallet_item_expired")))]
pub async fn from_wallet(State(svc): State<Arc<Dossiers>>, SignedIn(who): SignedIn, Path(id): Path<Uuid>, ApiJson(req): ApiJson<FromWalletRequest>) -> Result<(StatusCode, Json<Document>), ApiError> {
    let (d, new) = svc.add_from_wallet(&who, id, req).await?;
    Ok(created(d, new))
}

/// The dossier's documents (its applicant, or staff who may see the dossier).
#[utoipa::path(get, path = "/api/v1/dossiers/{id}/documents", tag = "dossier", params(("id" = String, Path)), responses((status = 200, body = [Document]), (status = 404, description = "not_found")))]
pub async fn list(State(svc): State<Arc<Dossiers>>, SignedIn(who): SignedIn, Path(id): Path<Uuid>) -> Result<Json<Vec<Document>>, ApiError> {
    Ok(Json(svc.documents(&who, id).await?))
}

/// Download one document; a read by staff is written to the audit log ("xử lý hồ sơ").
#[utoipa::path(get, path = "/api/v1/dossiers/{id}/documents/{doc_id}/file", tag = "dossier", params(("id" = String, Path), ("doc_id" = String, Path)),
    responses((status = 200, description = "the file, with its real type"), (status = 404, description = "not_found")))]
pub async fn download(State(svc): State<Arc<Dossiers>>, SignedIn(who): SignedIn, Path((id, doc_id)): Path<(Uuid, Uuid)>) -> Result<Response, ApiError> {
    let (d, bytes) = svc.document_file(&who, id, doc_id).await?;
    Ok(tinhso_wallet::http::file_response(bytes, &d.mime, &d.name))
}

/// For each required document: what the dossier has and what the applicant's wallet offers
/// instead of an upload (the applicant only).
#[utoipa::path(get, path = "/api/v1/dossiers/{id}/document-offers", tag = "dossier", params(("id" = String, Path)), responses((status = 200, body = [Offer]), (status = 403, description = "forbidden")))]
pub async fn offers(State(svc): State<Arc<Dossiers>>, SignedIn(who): SignedIn, Path(id): Path<Uuid>) -> Result<Json<Vec<Offer>>, ApiError> {
    Ok(Json(svc.document_offers(&who, id).await?))
}
