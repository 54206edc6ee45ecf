//! The dossier's required documents on its page: what was given for each, and, while the
//! dossier is open for documents, a file upload and the matching items of the applicant's
//! store to give instead ("chỉ cung cấp một lần").
use super::detail::{Ctx, parse_id};
use super::view::time_text;
use crate::documents::FromWalletRequest;
use crate::documents::upload::{self, Refusal};
use crate::{Dossiers, Dossier};
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::response::Response;
use sea_orm::DatabaseConnection;
use serde::Deserialize;
use std::sync::Arc;
use tinhso_catalog::Catalog;
use tinhso_core::{Error, Result};
use tinhso_identity::Principal;
use tinhso_web::{Chrome, CsrfForm, PageError, SignedIn};
use tower_sessions::Session;
use uuid::Uuid;

pub struct Given {
    pub name: String,
    pub url: String,
    pub reused: bool,
}

pub struct WalletChoice {
    pub id: Uuid,
    pub title: String,
    pub issued: String,
}

/// One required document of the procedure on the dossier page.
pub struct PaperRow {
    pub index: i32,
    pub name: String,
    pub given: Vec<Given>,
    pub offers: Vec<WalletChoice>,
    /// The registry whose data replaced it, named for people: nothing to give.
    pub from_data: String,
}

/// A registry's name for people ("business" is also a target group in the catalogue's labels).
fn registry_name(registry: &str) -> &str {
    match registry {
        "business" => "CSDL quốc gia về đăng ký doanh nghiệp",
        other => tinhso_catalog::model::label(other),
    }
}

/// The rows for this viewer, and whether they may add documents now.
pub async fn rows(svc: &Dossiers, catalog: &Catalog, who: &Principal, d: &Dossier, applicant: bool) -> Result<(Vec<PaperRow>, bool)> {
    let may_add = svc.may_add_document(who, d.id).await.is_ok();
    let docs = svc.documents(who, d.id).await?;
    let p = catalog.get(&d.procedure_code).await?;
    let offers = if applicant && may_add { svc.document_offers(who, d.id).await? } else { Vec::new() };
    let rows = (0i32..)
        .zip(&p.documents)
        .map(|(i, r)| PaperRow {
            from_data: match &r.replaced_by_data {
                Some(registry) if d.documents_from_data.contains(&i) => registry_name(registry).to_owned(),
                _ => String::new(),
            },
            index: i,
            name: r.name.clone(),
            given: docs.iter().filter(|x| x.requirement == i).map(|x| Given { name: x.name.clone(), url: x.download_url.clone(), reused: x.reused }).collect(),
            offers: offers
                .iter()
                .filter(|o| o.requirement == i)
                .flat_map(|o| &o.offers)
                .map(|w| WalletChoice { id: w.id, title: w.title.clone(), issued: time_text(w.issued_at) })
                .collect(),
        })
        .collect();
    Ok((rows, may_add))
}

fn refused(r: Refusal) -> Error {
    Error::invalid(r.code(), "Tệp", r.message())
}

/// `POST /ho-so/{id}/giay-to`: a file for one required document, from the page's upload form.
#[allow(clippy::too_many_arguments)] // an axum handler: one argument per extractor
pub async fn upload(
    chrome: Chrome,
    session: Session,
    SignedIn(who): SignedIn,
    State(svc): State<Arc<Dossiers>>,
    State(catalog): State<Arc<Catalog>>,
    State(db): State<DatabaseConnection>,
    Path(id): Path<String>,
    multipart: std::result::Result<Multipart, MultipartRejection>,
) -> std::result::Result<Response, PageError> {
    let id = parse_id(&chrome, &id)?;
    let ctx = Ctx { svc, catalog, db };
    let result = async {
        ctx.svc.may_add_document(&who, id).await?;
        let multipart = multipart.map_err(|_| refused(Refusal::BadForm("Biểu mẫu tải tệp không hợp lệ.".into())))?;
        let form = upload::read(multipart).await.map_err(refused)?;
        if !tinhso_web::csrf::valid(&session, form.csrf_token.as_deref().unwrap_or_default()).await {
            return Err(Error::invalid("csrf_failed", "", "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Hãy tải lại trang và thử lại."));
        }
        let requirement = form.requirement.as_deref().and_then(|r| r.parse::<i32>().ok());
        let (Some(requirement), Some(file)) = (requirement, form.file) else {
            return Err(Error::invalid("invalid_upload", "Tệp", "hãy chọn tệp cần tải lên."));
        };
        ctx.svc.add_document(&who, id, requirement, file).await.map(|_| "document")
    }
    .await;
    ctx.answer(chrome, &who, id, result, "document", String::new()).await
}

#[derive(Debug, Deserialize)]
pub struct FromWalletForm {
    requirement: i32,
    wallet_item_id: Uuid,
}

/// `POST /ho-so/{id}/giay-to/tu-kho`: give a document from the applicant's store.
pub async fn from_wallet(
    chrome: Chrome,
    SignedIn(who): SignedIn,
    State(svc): State<Arc<Dossiers>>,
    State(catalog): State<Arc<Catalog>>,
    State(db): State<DatabaseConnection>,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<FromWalletForm>,
) -> std::result::Result<Response, PageError> {
    let id = parse_id(&chrome, &id)?;
    let ctx = Ctx { svc, catalog, db };
    let req = FromWalletRequest { requirement: form.requirement, wallet_item_id: form.wallet_item_id };
    let result = ctx.svc.add_from_wallet(&who, id, req).await.map(|_| "document");
    ctx.answer(chrome, &who, id, result, "document", String::new()).await
}
