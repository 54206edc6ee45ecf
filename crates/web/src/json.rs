//! JSON bodies with errors in the API's own shape: malformed JSON, a wrong content type, an
//! unknown or missing field and a body over the limit each get a stable code.
use crate::ApiError;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

pub struct ApiJson<T>(pub T);

fn reply(status: StatusCode, code: &str, message: String) -> Response {
    (status, axum::Json(crate::error::error_body(code, &message))).into_response()
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(JsonRejection::JsonDataError(e)) => {
                Err(reply(StatusCode::UNPROCESSABLE_ENTITY, "invalid_body", format!("Nội dung không đúng cấu trúc: {}", e.body_text())))
            }
            Err(JsonRejection::JsonSyntaxError(_)) => {
                Err(reply(StatusCode::BAD_REQUEST, "malformed_json", "Nội dung gửi lên không phải JSON hợp lệ.".into()))
            }
            Err(JsonRejection::MissingJsonContentType(_)) => Err(reply(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Cần gửi nội dung JSON với Content-Type: application/json.".into(),
            )),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(too_large()),
            Err(e) => Err(ApiError(tinhso_core::Error::other(e.body_text())).into_response()),
        }
    }
}

pub fn too_large() -> Response {
    reply(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", "Nội dung gửi lên vượt quá dung lượng cho phép.".into())
}
