//! `/nop-ho-so/{code}`: the application form of a procedure and its submission. The form carries
//! a fresh idempotency key, so a double click or a resubmitted page makes one dossier.
use super::view::{Choice, page_error};
use crate::Dossiers;
use crate::form::{FormData, contact_fields};
use crate::model::SubmitRequest;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use sea_orm::DatabaseConnection;
use std::sync::Arc;
use tinhso_catalog::model::FormField;
use tinhso_catalog::{Catalog, Procedure};
use tinhso_core::{Error, roles::is_commune_level, text::fold};
use tinhso_web::{Chrome, CsrfForm, PageError, SignedIn, render};

/// One field of the form as the template draws it.
pub struct FieldView {
    pub name: String,
    pub id: String,
    pub label: String,
    pub required: bool,
    /// text | date | select
    pub control: &'static str,
    pub inputmode: &'static str,
    pub autocomplete: &'static str,
    pub hint: &'static str,
    pub options: Vec<Choice>,
    pub value: String,
}

impl FieldView {
    fn new(f: &FormField, value: &str) -> FieldView {
        let (control, inputmode, autocomplete, hint) = match f.kind.as_str() {
            "phone" => ("text", "tel", "tel", "10 chữ số, bắt đầu bằng 0, ví dụ 0905 123 456."),
            "date" => ("date", "", "", "Dạng năm-tháng-ngày, ví dụ 2026-03-15."),
            "number" => ("text", "decimal", "", ""),
            "personal_id" => ("text", "numeric", "", "Số định danh cá nhân gồm 12 chữ số."),
            "select" => ("select", "", "", ""),
            _ if f.name == "address" => ("text", "", "street-address", ""),
            _ if f.name == "email" => ("text", "email", "email", ""),
            _ => ("text", "", "", ""),
        };
        FieldView {
            name: f.name.clone(),
            id: format!("f-{}", f.name),
            label: f.label.clone(),
            required: f.required,
            control,
            inputmode,
            autocomplete,
            hint,
            options: f.options.iter().map(|o| Choice { value: o.clone(), label: o.clone(), selected: o == value }).collect(),
            value: value.to_owned(),
        }
    }
}

#[derive(Template)]
#[template(path = "apply.html")]
struct ApplyPage {
    chrome: Chrome,
    code: String,
    name: String,
    error: String,
    fields: Vec<FieldView>,
    /// Where to submit, when the person chooses (commune-level, or several agencies).
    agency_label: &'static str,
    agency_choices: Vec<Choice>,
    /// The receiving agency when there is no choice.
    agency_fixed: String,
    idempotency_key: String,
    /// "Saved as a draft at …", when there is a draft.
    notice: String,
}

async fn agency_view(db: &DatabaseConnection, p: &Procedure, chosen: &str) -> Result<(&'static str, Vec<Choice>, String), Error> {
    let units = tinhso_identity::org_units::list(db).await?;
    let choice = |u: &tinhso_identity::org_units::OrgUnit| Choice { value: u.code.clone(), label: u.name.clone(), selected: u.code == chosen };
    if p.level == "commune" {
        let mut communes: Vec<_> = units.iter().filter(|u| is_commune_level(&u.kind)).collect();
        communes.sort_by_key(|u| fold(&u.name));
        return Ok(("Nơi nộp hồ sơ: xã, phường hoặc đặc khu nơi bạn cư trú", communes.into_iter().map(choice).collect(), String::new()));
    }
    let named: Vec<Choice> = p
        .agencies
        .iter()
        .map(|code| units.iter().find(|u| &u.code == code).map(choice).unwrap_or_else(|| Choice { value: code.clone(), label: code.clone(), selected: code == chosen }))
        .collect();
    if named.len() > 1 {
        return Ok(("Cơ quan tiếp nhận hồ sơ", named, String::new()));
    }
    let fixed = named.into_iter().next().map(|c| c.label).unwrap_or_else(|| "Theo phân cấp của tỉnh".into());
    Ok(("", Vec::new(), fixed))
}

/// What the form shows besides the procedure: the values, the chosen agency, and a message.
struct Filled<'a> {
    values: &'a FormData,
    agency: &'a str,
    key: String,
    error: String,
    notice: String,
}

async fn page(db: &DatabaseConnection, chrome: Chrome, p: &Procedure, f: Filled<'_>) -> Result<Html<String>, PageError> {
    let (agency_label, agency_choices, agency_fixed) = agency_view(db, p, f.agency).await.map_err(page_error(&chrome))?;
    let fields = contact_fields().iter().chain(&p.form_fields).map(|field| FieldView::new(field, f.values.get(&field.name).map_or("", String::as_str))).collect();
    render(&ApplyPage { code: p.code.clone(), name: p.name.clone(), error: f.error, fields, agency_label, agency_choices, agency_fixed, idempotency_key: f.key, notice: f.notice, chrome })
}

async fn open_procedure(catalog: &Catalog, chrome: &Chrome, code: &str) -> Result<Procedure, PageError> {
    let p = catalog.get(code).await.map_err(page_error(chrome))?;
    if p.retired {
        return Err(page_error(chrome)(Error::conflict("procedure_retired", "Thủ tục này đã bị bãi bỏ, không nhận hồ sơ mới.")));
    }
    Ok(p)
}

/// The form, filled from the person's draft when there is one.
pub async fn form_page(
    chrome: Chrome,
    SignedIn(who): SignedIn,
    State(svc): State<Arc<Dossiers>>,
    State(catalog): State<Arc<Catalog>>,
    State(db): State<DatabaseConnection>,
    Path(code): Path<String>,
) -> Result<Html<String>, PageError> {
    let p = open_procedure(&catalog, &chrome, &code).await?;
    let key = tinhso_core::new_id().simple().to_string();
    let draft = svc.draft(&who, &p.code).await.map_err(page_error(&chrome))?;
    let (values, agency) = draft.as_ref().map(|d| (d.form.clone(), d.agency_code.clone().unwrap_or_default())).unwrap_or_default();
    let notice = draft.map(|d| format!("Bản nháp đã lưu lúc {}. Bạn có thể sửa tiếp rồi nộp, hoặc lưu lại để làm sau.", crate::results::local_time(d.updated_at))).unwrap_or_default();
    page(&db, chrome, &p, Filled { values: &values, agency: &agency, key, error: String::new(), notice }).await
}

/// Fields of the page itself; every other field is the application's and goes to the service,
/// which refuses any it does not know.
const OWN_FIELDS: [&str; 4] = ["csrf_token", "idempotency_key", "agency_code", "luu_nhap"];

pub async fn submit(
    chrome: Chrome,
    SignedIn(who): SignedIn,
    State(svc): State<Arc<Dossiers>>,
    State(catalog): State<Arc<Catalog>>,
    State(db): State<DatabaseConnection>,
    Path(code): Path<String>,
    CsrfForm(mut input): CsrfForm<FormData>,
) -> Result<Response, PageError> {
    let mut own = OWN_FIELDS.map(|k| input.remove(k).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty()));
    let (key, agency, save_draft) = (own[1].take(), own[2].take(), own[3].is_some());
    if save_draft {
        let draft = crate::drafts::DraftRequest { agency_code: agency.clone(), form: input.clone() };
        return match svc.save_draft(&who, &code, draft).await {
            Ok(_) => Ok(Redirect::to(&format!("/nop-ho-so/{code}")).into_response()),
            Err(e) => Err(page_error(&chrome)(e)),
        };
    }
    let req = SubmitRequest { procedure_code: code.clone(), agency_code: agency.clone(), form: input.clone(), idempotency_key: key.clone() };
    match svc.submit(&who, req).await {
        Ok((d, _)) => Ok(Redirect::to(&format!("/ho-so/{}?da=submit", d.id)).into_response()),
        Err(e @ (Error::Invalid { .. } | Error::Conflict { .. })) => {
            let p = open_procedure(&catalog, &chrome, &code).await?;
            let key = key.unwrap_or_else(|| tinhso_core::new_id().simple().to_string());
            let filled = Filled { values: &input, agency: agency.as_deref().unwrap_or_default(), key, error: e.public_message(), notice: String::new() };
            let html = page(&db, chrome, &p, filled).await?;
            Ok((tinhso_web::error::status_of(&e), html).into_response())
        }
        Err(e) => Err(page_error(&chrome)(e)),
    }
}
