//! The shared page layout and rendering.
use askama::Template;
use axum::response::Html;
use tinhso_identity::Principal;

/// What every page's header needs: who is signed in and the CSRF token for its forms.
#[derive(Debug, Clone, Default)]
pub struct Chrome {
    pub user: Option<Principal>,
    pub csrf: String,
}

impl Chrome {
    pub fn user_name(&self) -> &str {
        self.user.as_ref().map(|u| u.full_name.as_str()).unwrap_or_default()
    }

    pub fn is_admin(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.has(tinhso_core::roles::Role::Admin))
    }

    /// Agency staff: they see their unit's tasks and report indicator values.
    pub fn is_staff(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.roles.iter().any(|g| g.role.is_staff()))
    }

    /// Leaders and administrators see the province's figures.
    pub fn sees_figures(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.has(tinhso_core::roles::Role::Leader) || u.has(tinhso_core::roles::Role::Admin))
    }
}

#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage {
    pub chrome: Chrome,
    pub title: String,
    pub message: String,
    pub code: String,
}

/// Renders a template; a template that fails to render is an internal error.
pub fn render<T: Template>(t: &T) -> Result<Html<String>, crate::PageError> {
    t.render().map(Html).map_err(|e| crate::PageError::from(tinhso_core::Error::other(e)))
}

pub(crate) fn render_page<T: Template>(t: &T) -> Html<String> {
    Html(t.render().unwrap_or_else(|_| "<!doctype html><title>Lỗi</title><p>Hệ thống gặp sự cố.</p>".into()))
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Chrome
where
    sea_orm::DatabaseConnection: axum::extract::FromRef<S>,
{
    type Rejection = axum::response::Response;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, Self::Rejection> {
        use axum::response::IntoResponse;
        let crate::CurrentUser(user) = crate::CurrentUser::from_request_parts(parts, state).await?;
        let session = tower_sessions::Session::from_request_parts(parts, state).await.map_err(IntoResponse::into_response)?;
        let csrf = crate::csrf::token(&session).await.map_err(|e| crate::PageError::from(e).into_response())?;
        Ok(Chrome { user, csrf })
    }
}
