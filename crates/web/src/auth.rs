//! Who is calling, as typed extractors: a handler states who may call it in its signature.
use crate::error::{ApiError, PageError};
use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use sea_orm::DatabaseConnection;
use tinhso_core::{Error, roles::Role};
use tinhso_identity::Principal;
use tower_sessions::Session;

pub const USER_KEY: &str = "user_id";

/// API paths answer JSON errors, pages a page (or a redirect to sign in).
fn reject(parts: &Parts, e: Error) -> Response {
    let path = parts.uri.path();
    if path.starts_with("/api/") {
        ApiError(e).into_response()
    } else if matches!(e, Error::Unauthorized) && parts.method == axum::http::Method::GET {
        // Back to this page after signing in (the path only: a query may hold what was typed).
        axum::response::Redirect::to(&format!("/dang-nhap?tiep={}", crate::encode_path(path))).into_response()
    } else {
        PageError::from(e).into_response()
    }
}

async fn load(parts: &mut Parts, db: &DatabaseConnection) -> Result<Option<Principal>, Error> {
    let session = Session::from_request_parts(parts, &()).await.map_err(|(_, m)| Error::other(m))?;
    let id: Option<uuid::Uuid> = session.get(USER_KEY).await.map_err(Error::other)?;
    match id {
        None => Ok(None),
        Some(id) => match tinhso_identity::accounts::principal(db, id).await {
            Ok(p) => Ok(Some(p)),
            // The account was disabled or removed since: the session no longer counts.
            Err(Error::Unauthorized) => {
                session.flush().await.map_err(Error::other)?;
                Ok(None)
            }
            Err(e) => Err(e),
        },
    }
}

/// Anyone; `None` when not signed in.
pub struct CurrentUser(pub Option<Principal>);

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser
where
    DatabaseConnection: FromRef<S>,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let db = DatabaseConnection::from_ref(state);
        load(parts, &db).await.map(CurrentUser).map_err(|e| reject(parts, e))
    }
}

macro_rules! role_extractor {
    ($(#[$doc:meta])* $name:ident, $check:expr) => {
        $(#[$doc])*
        pub struct $name(pub Principal);

        impl<S: Send + Sync> FromRequestParts<S> for $name
        where
            DatabaseConnection: FromRef<S>,
        {
            type Rejection = Response;

            async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
                let db = DatabaseConnection::from_ref(state);
                match load(parts, &db).await {
                    Ok(Some(p)) if ($check)(&p) => Ok($name(p)),
                    Ok(Some(_)) => Err(reject(parts, Error::Forbidden)),
                    Ok(None) => Err(reject(parts, Error::Unauthorized)),
                    Err(e) => Err(reject(parts, e)),
                }
            }
        }
    };
}

role_extractor!(
    /// Any signed-in person.
    SignedIn, |_: &Principal| true);
role_extractor!(
    /// A data steward (cán bộ quản lý dữ liệu) of some org unit.
    DataSteward, |p: &Principal| p.has(Role::DataSteward));
role_extractor!(
    /// A system administrator.
    Admin, |p: &Principal| p.has(Role::Admin));
