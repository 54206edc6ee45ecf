//! Data stewards' pages: their datasets and API keys, forms to create and edit a dataset, to
//! upload a file (multipart, with the CSRF token checked like every form) and to delete with
//! a confirmation, and adding items to their unit's roadmap.
use crate::service::{Actor, OpenData};
use crate::{Refused, vocab};
use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use std::sync::Arc;
use tinhso_core::{Error, roles::Role};
use tinhso_web::{Chrome, CsrfForm, DataSteward, PageError, render};

fn units_of(od: &OpenData, who: &tinhso_identity::Principal) -> Vec<(String, String)> {
    let orgs = od.orgs();
    if who.has(Role::Admin) {
        let mut all: Vec<(String, String)> = orgs.by_code.values().map(|o| (o.code.clone(), o.title.clone())).collect();
        all.sort();
        return all;
    }
    who.units_for(Role::DataSteward).map(|c| (c.to_owned(), orgs.title(c))).collect()
}

#[derive(Template)]
#[template(path = "od_steward.html")]
struct StewardPage {
    chrome: Chrome,
    datasets: Vec<(String, String, bool)>,
    keys: Vec<crate::keys::KeyInfo>,
    new_token: String,
}

pub async fn home(chrome: Chrome, DataSteward(who): DataSteward, State(od): State<Arc<OpenData>>) -> Result<Html<String>, PageError> {
    let viewer = crate::service::viewer_of(Some(&who));
    let datasets = od.index().docs.iter().filter(|d| viewer.sees(&d.owner_code)).map(|d| (d.name.clone(), d.package["title"].as_str().unwrap_or_default().to_owned(), d.private)).collect();
    let keys = od.keys_of(&who).await.map_err(|e| PageError(e, Box::new(chrome.clone())))?;
    render(&StewardPage { chrome, datasets, keys, new_token: String::new() })
}

#[derive(Debug, Deserialize)]
pub struct KeyForm {
    name: String,
}

/// Makes an API key and shows its token once, on this page.
pub async fn create_key(chrome: Chrome, DataSteward(who): DataSteward, State(od): State<Arc<OpenData>>, CsrfForm(f): CsrfForm<KeyForm>) -> Result<Html<String>, PageError> {
    let fail = |e| PageError(e, Box::new(chrome.clone()));
    let (_, token) = od.create_key(&who, &f.name).await.map_err(fail)?;
    let viewer = crate::service::viewer_of(Some(&who));
    let datasets = od.index().docs.iter().filter(|d| viewer.sees(&d.owner_code)).map(|d| (d.name.clone(), d.package["title"].as_str().unwrap_or_default().to_owned(), d.private)).collect();
    let keys = od.keys_of(&who).await.map_err(fail)?;
    render(&StewardPage { chrome, datasets, keys, new_token: token })
}

/// The dataset form's fields, as typed.
#[derive(Debug, Default, Deserialize)]
pub struct DatasetForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    notes: String,
    #[serde(default)]
    owner_org: String,
    #[serde(default)]
    license_id: String,
    #[serde(default)]
    tags: String,
    #[serde(default)]
    frequency: String,
    #[serde(default)]
    theme: String,
    #[serde(default)]
    spatial: String,
    #[serde(default)]
    temporal_start: String,
    #[serde(default)]
    temporal_end: String,
    #[serde(default)]
    maintainer: String,
    #[serde(default)]
    maintainer_email: String,
    #[serde(default)]
    author: String,
    #[serde(default)]
    private: Option<String>,
}

impl DatasetForm {
    fn to_input(&self) -> Map<String, Value> {
        let v = json!({
            "name": self.name.trim(), "title": self.title, "notes": self.notes, "owner_org": self.owner_org, "license_id": self.license_id,
            "tags": self.tags, "frequency": self.frequency, "theme": self.theme, "spatial": self.spatial, "temporal_start": self.temporal_start,
            "temporal_end": self.temporal_end, "maintainer": self.maintainer, "maintainer_email": self.maintainer_email, "author": self.author,
            "private": self.private.is_some(),
        });
        v.as_object().cloned().unwrap_or_default()
    }

    fn of(d: &crate::model::Dataset) -> DatasetForm {
        DatasetForm {
            name: d.name.clone(),
            title: d.title.clone(),
            notes: d.notes.clone(),
            owner_org: d.owner_org.clone(),
            license_id: d.license_id.clone(),
            tags: d.tags.join(", "),
            frequency: d.frequency.clone(),
            theme: d.theme.clone(),
            spatial: d.spatial.clone(),
            temporal_start: d.temporal_start.clone(),
            temporal_end: d.temporal_end.clone(),
            maintainer: d.maintainer.clone(),
            maintainer_email: d.maintainer_email.clone(),
            author: d.author.clone(),
            private: d.private.then(|| "on".to_owned()),
        }
    }
}

#[derive(Template)]
#[template(path = "od_form.html")]
struct FormPage {
    chrome: Chrome,
    editing: String,
    f: DatasetForm,
    errors: Vec<String>,
    units: Vec<(String, String)>,
    licences: &'static [vocab::Licence],
    frequencies: &'static [vocab::Frequency],
    themes: &'static [(&'static str, &'static str)],
}

fn form_page(chrome: Chrome, od: &OpenData, who: &tinhso_identity::Principal, editing: String, f: DatasetForm, errors: Vec<String>) -> Result<Html<String>, PageError> {
    let units = units_of(od, who);
    render(&FormPage { chrome, editing, f, errors, units, licences: vocab::LICENCES, frequencies: vocab::FREQUENCIES, themes: vocab::THEMES })
}

fn messages(r: Refused) -> Result<Vec<String>, Error> {
    match r {
        Refused::Validation(fields) => Ok(fields.into_iter().flat_map(|(f, ms)| ms.into_iter().map(move |m| format!("{f}: {m}"))).collect()),
        other => Err(other.into()),
    }
}

pub async fn new_form(chrome: Chrome, DataSteward(who): DataSteward, State(od): State<Arc<OpenData>>) -> Result<Html<String>, PageError> {
    let f = DatasetForm { license_id: "cc-by".into(), frequency: "annual".into(), spatial: "Tỉnh Quảng Ngãi".into(), ..Default::default() };
    form_page(chrome, &od, &who, String::new(), f, Vec::new())
}

pub async fn create(chrome: Chrome, DataSteward(who): DataSteward, State(od): State<Arc<OpenData>>, CsrfForm(f): CsrfForm<DatasetForm>) -> Result<Response, PageError> {
    match od.create(&Actor::Person(who.clone()), &f.to_input()).await {
        Ok(d) => Ok(Redirect::to(&format!("/dataset/{}/tai-len", d.name)).into_response()),
        Err(r) => {
            let errors = messages(r).map_err(|e| PageError(e, Box::new(chrome.clone())))?;
            Ok(form_page(chrome, &od, &who, String::new(), f, errors)?.into_response())
        }
    }
}

async fn own(od: &OpenData, who: &tinhso_identity::Principal, name: &str, chrome: &Chrome) -> Result<crate::model::Dataset, PageError> {
    od.writable(&Actor::Person(who.clone()), name).await.map_err(|r| PageError(r.into(), Box::new(chrome.clone())))
}

pub async fn edit_form(chrome: Chrome, DataSteward(who): DataSteward, State(od): State<Arc<OpenData>>, Path(name): Path<String>) -> Result<Html<String>, PageError> {
    let d = own(&od, &who, &name, &chrome).await?;
    form_page(chrome, &od, &who, d.name.clone(), DatasetForm::of(&d), Vec::new())
}

pub async fn edit(chrome: Chrome, DataSteward(who): DataSteward, State(od): State<Arc<OpenData>>, Path(name): Path<String>, CsrfForm(f): CsrfForm<DatasetForm>) -> Result<Response, PageError> {
    let d = own(&od, &who, &name, &chrome).await?;
    let mut input = f.to_input();
    input.insert("id".into(), Value::from(d.id.to_string()));
    match od.update(&Actor::Person(who.clone()), &input, true).await {
        Ok(d) => Ok(Redirect::to(&format!("/dataset/{}", d.name)).into_response()),
        Err(r) => {
            let errors = messages(r).map_err(|e| PageError(e, Box::new(chrome.clone())))?;
            Ok(form_page(chrome, &od, &who, name, f, errors)?.into_response())
        }
    }
}

#[derive(Template)]
#[template(path = "od_confirm.html")]
struct ConfirmPage {
    chrome: Chrome,
    name: String,
    title: String,
}

pub async fn delete_form(chrome: Chrome, DataSteward(who): DataSteward, State(od): State<Arc<OpenData>>, Path(name): Path<String>) -> Result<Html<String>, PageError> {
    let d = own(&od, &who, &name, &chrome).await?;
    render(&ConfirmPage { chrome, name: d.name, title: d.title })
}

#[derive(Debug, Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    confirm: String,
}

pub async fn delete(chrome: Chrome, DataSteward(who): DataSteward, State(od): State<Arc<OpenData>>, Path(name): Path<String>, CsrfForm(f): CsrfForm<ConfirmForm>) -> Result<Redirect, PageError> {
    if f.confirm != "yes" {
        return Ok(Redirect::to(&format!("/dataset/{name}")));
    }
    od.delete(&Actor::Person(who), &name).await.map_err(|r| PageError(r.into(), Box::new(chrome)))?;
    Ok(Redirect::to("/du-lieu-mo/quan-ly"))
}

#[derive(Template)]
#[template(path = "od_upload.html")]
struct UploadPage {
    chrome: Chrome,
    name: String,
    title: String,
    errors: Vec<String>,
    formats: &'static [&'static str],
}

pub async fn upload_form(chrome: Chrome, DataSteward(who): DataSteward, State(od): State<Arc<OpenData>>, Path(name): Path<String>) -> Result<Html<String>, PageError> {
    let d = own(&od, &who, &name, &chrome).await?;
    render(&UploadPage { chrome, name: d.name, title: d.title, errors: Vec::new(), formats: vocab::FORMATS })
}

fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && !a.is_empty() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The upload form: multipart, so its CSRF token is checked here against the session's.
pub async fn upload(chrome: Chrome, DataSteward(who): DataSteward, State(od): State<Arc<OpenData>>, Path(name): Path<String>, form: Result<Multipart, axum::extract::multipart::MultipartRejection>) -> Result<Response, PageError> {
    let d = own(&od, &who, &name, &chrome).await?;
    let fail = |m: String| PageError(Error::invalid("invalid_upload", "", m), Box::new(chrome.clone()));
    let mut form = form.map_err(|e| fail(format!("Biểu mẫu không hợp lệ: {e}")))?;
    let (mut input, mut upload, mut token) = (Map::new(), None, String::new());
    while let Some(field) = form.next_field().await.map_err(|_| fail(format!("Tệp vượt quá giới hạn {} MB hoặc biểu mẫu bị lỗi.", crate::DEFAULT_MAX_UPLOAD >> 20)))? {
        let key = field.name().unwrap_or_default().to_owned();
        match field.file_name().map(str::to_owned) {
            Some(file_name) if !file_name.is_empty() => {
                let bytes = field.bytes().await.map_err(|_| fail(format!("Tệp vượt quá giới hạn {} MB.", crate::DEFAULT_MAX_UPLOAD >> 20)))?;
                upload = Some(crate::Upload { file_name, bytes: bytes.to_vec() });
            }
            Some(_) => {}
            None => {
                let text = field.text().await.unwrap_or_default();
                if key == "csrf_token" {
                    token = text;
                } else if !text.trim().is_empty() {
                    input.insert(key, Value::String(text));
                }
            }
        }
    }
    if !same(&token, &chrome.csrf) {
        return Err(PageError(Error::invalid("csrf_failed", "", "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Hãy tải lại trang và thử lại."), Box::new(chrome)));
    }
    input.insert("package_id".into(), Value::from(d.id.to_string()));
    match od.add_resource(&Actor::Person(who), &input, upload).await {
        Ok((d, r)) if r.is_tabular() => Ok(Redirect::to(&format!("/dataset/{}/resource/{}", d.name, r.id)).into_response()),
        Ok((d, _)) => Ok(Redirect::to(&format!("/dataset/{}", d.name)).into_response()),
        Err(r) => {
            let errors = messages(r).map_err(|e| PageError(e, Box::new(chrome.clone())))?;
            Ok(render(&UploadPage { chrome, name: d.name, title: d.title, errors, formats: vocab::FORMATS })?.into_response())
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct PriorityForm {
    org_code: String,
    title: String,
    #[serde(default)]
    description: String,
    due_date: String,
    #[serde(default)]
    dataset_name: String,
}

pub async fn add_priority(chrome: Chrome, DataSteward(who): DataSteward, State(od): State<Arc<OpenData>>, CsrfForm(f): CsrfForm<PriorityForm>) -> Result<Redirect, PageError> {
    od.add_priority(&Actor::Person(who), &f.org_code, &f.title, &f.description, &f.due_date, &f.dataset_name).await.map_err(|e| PageError(e, Box::new(chrome)))?;
    Ok(Redirect::to("/du-lieu-mo/lo-trinh"))
}
