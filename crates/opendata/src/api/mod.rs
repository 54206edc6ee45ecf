//! The CKAN Action API v3: `/api/3/action/{name}` and `/api/action/{name}`, GET with query
//! parameters or POST with JSON, a form or a multipart upload; the API key in `Authorization`
//! or `X-CKAN-API-Key`. Answers carry CKAN's envelope `{help, success, result}` and its error
//! objects (`__type`), so CKAN clients work unchanged.
mod datastore;
mod read;
mod write;

use crate::service::{OpenData, Upload};
use crate::{Outcome, Refused};
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Path, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Map, Value, json};
use std::sync::Arc;
use tinhso_identity::Principal;

pub fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<OpenData>: axum::extract::FromRef<S>,
{
    // The portal reads bodies itself, against its own upload limit, so that a file over the
    // limit gets CKAN's error object rather than a bare 413.
    Router::new()
        .route("/api/3/action/{name}", get(action).post(action).layer(DefaultBodyLimit::disable()))
        .route("/api/action/{name}", get(action).post(action).layer(DefaultBodyLimit::disable()))
}

/// One call: its parameters, the file if one was sent, and who is calling.
pub struct Call {
    pub input: Map<String, Value>,
    pub upload: Option<Upload>,
    pub who: Option<Principal>,
}

impl Call {
    pub fn str(&self, key: &str) -> String {
        match self.input.get(key) {
            Some(Value::String(s)) => s.trim().to_owned(),
            Some(Value::Number(n)) => n.to_string(),
            Some(Value::Bool(b)) => b.to_string(),
            _ => String::new(),
        }
    }

    pub fn flag(&self, key: &str) -> bool {
        match self.input.get(key) {
            Some(Value::Bool(b)) => *b,
            Some(Value::String(s)) => matches!(s.to_ascii_lowercase().as_str(), "true" | "1" | "yes"),
            _ => false,
        }
    }

    /// A non-negative integer parameter, or CKAN's validation error.
    pub fn int(&self, key: &str, default: usize, max: usize) -> Outcome<usize> {
        let v = match self.input.get(key) {
            None | Some(Value::Null) => return Ok(default),
            Some(Value::Number(n)) => n.as_u64().map(|n| n as usize),
            Some(Value::String(s)) if s.trim().is_empty() => return Ok(default),
            Some(Value::String(s)) => s.trim().parse::<usize>().ok(),
            _ => None,
        };
        v.map(|n| n.min(max)).ok_or_else(|| invalid(key, "Phải là số nguyên không âm (Invalid integer)."))
    }

    pub fn required(&self, key: &str) -> Outcome<String> {
        let v = self.str(key);
        if v.is_empty() { Err(invalid(key, "Missing value")) } else { Ok(v) }
    }
}

pub fn invalid(field: &str, message: &str) -> Refused {
    Refused::Validation([(field.to_owned(), vec![message.to_owned()])].into())
}

fn envelope(od: &OpenData, name: &str, outcome: Outcome<Value>) -> Response {
    let help = format!("{}/api/3/action/help_show?name={name}", od.base());
    match outcome {
        Ok(result) => Json(json!({"help": help, "success": true, "result": result})).into_response(),
        Err(refused) => {
            let (status, error) = error_object(refused);
            (status, Json(json!({"help": help, "success": false, "error": error}))).into_response()
        }
    }
}

/// CKAN's error objects and status codes.
pub fn error_object(refused: Refused) -> (StatusCode, Value) {
    match refused {
        Refused::NotFound(m) => (StatusCode::NOT_FOUND, json!({"__type": "Not Found Error", "message": format!("Not found: {m}")})),
        Refused::Authorization(m) => (StatusCode::FORBIDDEN, json!({"__type": "Authorization Error", "message": format!("Access denied: {m}")})),
        Refused::Query(m) => (StatusCode::CONFLICT, json!({"__type": "Search Query Error", "message": format!("Search Query Error: {m}")})),
        Refused::Validation(fields) => {
            let mut obj: Map<String, Value> = fields.into_iter().map(|(k, v)| (k, json!(v))).collect();
            obj.insert("__type".into(), json!("Validation Error"));
            (StatusCode::CONFLICT, Value::Object(obj))
        }
        Refused::Other(e) => {
            tracing::error!(error = %e, "open data API call failed");
            (StatusCode::INTERNAL_SERVER_ERROR, json!({"__type": "Internal Server Error", "message": "Hệ thống gặp sự cố. Vui lòng thử lại sau."}))
        }
    }
}

fn bad_request(od: &OpenData, name: &str, message: String) -> Response {
    let help = format!("{}/api/3/action/help_show?name={name}", od.base());
    (StatusCode::BAD_REQUEST, Json(json!({"help": help, "success": false, "error": {"__type": "Bad request", "message": message}}))).into_response()
}

async fn action(State(od): State<Arc<OpenData>>, Path(name): Path<String>, req: Request) -> Response {
    let call = match read_call(&od, req).await {
        Ok(c) => c,
        Err(resp) => return resp,
    };
    let outcome = match name.as_str() {
        "package_create" | "package_update" | "package_patch" | "package_delete" | "resource_create" | "resource_update" | "resource_patch" | "resource_delete" => write::run(&od, &name, call).await,
        "datastore_search" => datastore::search(&od, call).await,
        other => match read::run(&od, other, call).await {
            Some(o) => o,
            None => return bad_request(&od, &name, format!("Bad request - Action name not known: {name}")),
        },
    };
    envelope(&od, &name, outcome)
}

/// Reads the parameters (query string, then the JSON, form or multipart body) and the key.
async fn read_call(od: &OpenData, req: Request) -> Result<Call, Response> {
    let name = req.uri().path().rsplit('/').next().unwrap_or_default().to_owned();
    let mut input: Map<String, Value> = serde_urlencoded::from_str::<Vec<(String, String)>>(req.uri().query().unwrap_or_default())
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| (k, Value::String(v)))
        .collect();
    let who = match key_of(req.headers()) {
        None => None,
        Some(k) => match od.principal_by_key(&k).await {
            Ok(Some(p)) => Some(p),
            Ok(None) => return Err(envelope(od, &name, Err(Refused::Authorization("Khóa API không hợp lệ hoặc đã bị thu hồi.".into())))),
            Err(e) => return Err(envelope(od, &name, Err(e.into()))),
        },
    };
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_ascii_lowercase();
    let (parts, body) = req.into_parts();
    let limit = od.settings.max_upload_bytes + (1 << 20);
    let bytes = match axum::body::to_bytes(body, limit).await {
        Ok(b) => b,
        Err(_) => return Err(envelope(od, &name, Err(invalid("upload", &format!("Nội dung gửi lên vượt quá giới hạn {} MB.", od.settings.max_upload_bytes >> 20))))),
    };
    let mut upload = None;
    if bytes.is_empty() {
        // Parameters in the query string only.
    } else if content_type.starts_with("multipart/form-data") {
        let req = Request::from_parts(parts, Body::from(bytes));
        let mut form = Multipart::from_request(req, &()).await.map_err(|e| bad_request(od, &name, format!("Bad request - multipart: {e}")))?;
        while let Some(field) = form.next_field().await.map_err(|e| bad_request(od, &name, format!("Bad request - multipart: {e}")))? {
            let key = field.name().unwrap_or_default().to_owned();
            match field.file_name().map(str::to_owned) {
                Some(file_name) => {
                    let data = field.bytes().await.map_err(|e| bad_request(od, &name, format!("Bad request - multipart: {e}")))?;
                    upload = Some(Upload { file_name, bytes: data.to_vec() });
                }
                None => {
                    let text = field.text().await.map_err(|e| bad_request(od, &name, format!("Bad request - multipart: {e}")))?;
                    input.insert(key, Value::String(text));
                }
            }
        }
    } else if content_type.starts_with("application/x-www-form-urlencoded") {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).map_err(|_| bad_request(od, &name, "Bad request - form".into()))?;
        input.extend(pairs.into_iter().map(|(k, v)| (k, Value::String(v))));
    } else {
        // CKAN reads any other body as JSON.
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(Value::Object(m)) => input.extend(m),
            _ => return Err(bad_request(od, &name, "Bad request - JSON Error: Request data is not a JSON object.".into())),
        }
    }
    Ok(Call { input, upload, who })
}

/// The API key a CKAN client sends, in `Authorization` or `X-CKAN-API-Key`.
pub(crate) fn key_of(headers: &HeaderMap) -> Option<String> {
    [header::AUTHORIZATION.as_str(), "x-ckan-api-key"]
        .iter()
        .find_map(|h| headers.get(*h).and_then(|v| v.to_str().ok()).map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned))
}
