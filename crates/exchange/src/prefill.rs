//! Give-once prefill: for the signed-in citizen and a procedure, the platform's dossier
//! system calls the registries through the gateway (with purpose and subject, logged like any
//! consumer's call) and returns values for the application form, and the documents the
//! registries replace, which the applicant need not bring.
use crate::Exchange;
use crate::gateway::{Auth, Call};
use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, Method};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::Arc;
use tinhso_audit::Entry;
use tinhso_catalog::Catalog;
use tinhso_core::{Error, Result};
use tinhso_identity::Principal;
use tinhso_web::{ApiError, SignedIn};
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Source {
    pub field: String,
    /// The exchange service the value came from, `member/subsystem/service`.
    pub service: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ReplacedDocument {
    pub name: String,
    /// The registry (service code) that replaces it.
    pub registry: String,
    /// Whether the registry answered for this person just now.
    pub available: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Prefill {
    pub procedure: String,
    /// Form field → value, for fields left empty by the applicant.
    pub values: BTreeMap<String, String>,
    pub sources: Vec<Source>,
    pub replaced_documents: Vec<ReplacedDocument>,
    /// Registries that could not be reached now (the form still works without them).
    pub unavailable: Vec<String>,
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_owned).filter(|s| !s.is_empty())
}

impl Exchange {
    /// Calls `registry` (a service code) under `path` for `subject` as the platform's dossier system.
    async fn ask(&self, registry: &str, path: &str, subject: &str, purpose: &str) -> Option<(String, Value)> {
        let snap = self.cache.get(&self.db).await.ok()?;
        let service = snap.services.values().filter(|s| s.row.active && s.row.code == registry).map(|s| s.ident.clone()).min()?;
        let call = Call {
            request_id: tinhso_core::new_id().to_string(),
            client: self.settings.platform_client.clone(),
            service: service.clone(),
            path: path.into(),
            query: None,
            method: Method::GET,
            purpose: purpose.as_bytes().to_vec(),
            subject: subject.into(),
            headers: HeaderMap::new(),
        };
        let answer = self.call(Auth::Internal, call, None).await;
        if !answer.status.is_success() {
            tracing::info!(registry, status = answer.status.as_u16(), code = %answer.error_code, "prefill: registry gave no data");
            return None;
        }
        serde_json::from_slice(&answer.body).ok().map(|v| (service, v))
    }

    pub async fn prefill(&self, who: &Principal, catalog: &Catalog, code: &str) -> Result<Prefill> {
        let (prefill, read) = self.read_registries(who, catalog, code, &format!("Điền sẵn tờ khai thủ tục {code} theo yêu cầu của người nộp hồ sơ")).await?;
        if let Some(entry) = read {
            tinhso_audit::record_now(&self.db, entry).await?;
        }
        Ok(prefill)
    }

    /// What the registries hold for `who` that procedure `code` asks for, read for `purpose`,
    /// and the audit entry of that read of a person's data, which the caller records.
    async fn read_registries(&self, who: &Principal, catalog: &Catalog, code: &str, purpose: &str) -> Result<(Prefill, Option<Entry>)> {
        let p = catalog.cached(code).await?;
        let mut out = Prefill { procedure: p.code.clone(), values: BTreeMap::new(), sources: Vec::new(), replaced_documents: Vec::new(), unavailable: Vec::new() };
        let purpose = purpose.to_owned();
        let Some(number) = who.personal_id().map(str::to_owned) else {
            self.prefill_business(who, &purpose, &mut out).await?;
            return Ok((out, None));
        };
        let fields: Vec<&str> = p.form_fields.iter().map(|f| f.name.as_str()).chain(["phone", "address", "email"]).collect();
        let mut registries: Vec<&str> = vec!["population"];
        for d in &p.documents {
            if let Some(r) = d.replaced_by_data.as_deref()
                && !registries.contains(&r)
                && r != "business"
            {
                registries.push(r);
            }
        }
        if fields.iter().any(|f| *f == "mother_name" || *f == "father_name") && !registries.contains(&"civil_status") {
            registries.push("civil_status");
        }
        let mut answered: Vec<&str> = Vec::new();
        let put = |out: &mut Prefill, field: &str, value: Option<String>, service: &str| {
            if let Some(v) = value
                && fields.contains(&field)
                && !out.values.contains_key(field)
            {
                out.values.insert(field.to_owned(), v);
                out.sources.push(Source { field: field.to_owned(), service: service.to_owned() });
            }
        };
        let mut sex = String::new();
        for r in &registries {
            let got = match *r {
                "population" => self.ask(r, "/citizen", &number, &purpose).await.map(|(s, v)| {
                    sex = text(&v, "sex").unwrap_or_default();
                    put(&mut out, "address", text(&v, "current_address"), &s);
                    put(&mut out, "phone", text(&v, "phone"), &s);
                    put(&mut out, "email", text(&v, "email"), &s);
                    let residence = match (text(&v, "permanent_address"), text(&v, "current_address")) {
                        (Some(a), Some(b)) if a != b => Some(format!("Thường trú: {a}; nơi ở hiện tại: {b}")),
                        (Some(a), _) => Some(format!("Thường trú: {a}")),
                        _ => None,
                    };
                    put(&mut out, "residence_history", residence, &s);
                }),
                "civil_status" => self.ask(r, "/marriage", &number, &purpose).await.map(|(s, v)| {
                    let me = text(&v, "full_name");
                    let spouse = text(&v, "spouse_name");
                    let (father, mother, relation) = if sex == "Nữ" { (spouse, me, "Mẹ") } else { (me, spouse, "Cha") };
                    if text(&v, "status").as_deref() == Some("married") {
                        put(&mut out, "father_name", father, &s);
                        put(&mut out, "mother_name", mother, &s);
                        put(&mut out, "requester_relation", Some(relation.to_owned()), &s);
                    }
                }),
                "land" => self.ask(r, "/parcels", &number, &purpose).await.map(|(s, v)| {
                    if let Some(first) = v.get("parcels").and_then(Value::as_array).and_then(|a| a.first()) {
                        put(&mut out, "parcel", text(first, "parcel"), &s);
                        put(&mut out, "construction_address", text(first, "address"), &s);
                    }
                }),
                _ => None,
            };
            match got {
                Some(()) => answered.push(r),
                None => out.unavailable.push((*r).to_owned()),
            }
        }
        for d in &p.documents {
            if let Some(r) = &d.replaced_by_data {
                out.replaced_documents.push(ReplacedDocument { name: d.name.clone(), registry: r.clone(), available: answered.contains(&r.as_str()) });
            }
        }
        // The person's own request, in the audit log too (the registry calls are in the exchange log).
        let detail = serde_json::json!({"procedure": p.code, "registries": answered, "fields": out.values.keys().collect::<Vec<_>>()});
        Ok((out, Some(Entry::new(who.actor(), "prefill.read", format!("user:{}", who.user_id)).purpose(purpose).detail(detail))))
    }
}

impl Exchange {
    /// A business applies: its registration (by tax code, its login) gives the address.
    async fn prefill_business(&self, who: &Principal, purpose: &str, out: &mut Prefill) -> Result<()> {
        let Some(tax_code) = who.tax_code() else { return Ok(()) };
        match self.ask("business", &format!("/enterprises/{tax_code}"), "", purpose).await {
            Some((service, v)) => {
                if let Some(a) = text(&v, "address") {
                    out.values.insert("address".into(), a);
                    out.sources.push(Source { field: "address".into(), service });
                }
            }
            None => out.unavailable.push("business".into()),
        }
        Ok(())
    }
}

#[derive(Debug, Deserialize)]
pub struct PrefillQuery {
    pub procedure: String,
}

/// Values for the application form of a procedure, read from the registries through the
/// exchange for the signed-in citizen ("chỉ cung cấp thông tin một lần").
#[utoipa::path(get, path = "/api/v1/prefill", tag = "exchange", params(("procedure" = String, Query)), responses((status = 200, body = Prefill), (status = 401, description = "unauthorized"), (status = 404, description = "not_found")))]
pub async fn api(State(ex): State<Arc<Exchange>>, State(catalog): State<Arc<Catalog>>, SignedIn(who): SignedIn, Query(q): Query<PrefillQuery>) -> Result<Json<Prefill>, ApiError> {
    if q.procedure.trim().is_empty() {
        return Err(Error::invalid("missing_procedure", "procedure", "cần mã thủ tục.").into());
    }
    Ok(Json(ex.prefill(&who, &catalog, q.procedure.trim()).await?))
}

/// The dossier module's port to the registries: at submission, which of the documents that
/// data replaces the registries hold for the applicant, so they are not asked for.
pub struct DossierRegistries {
    pub exchange: Arc<Exchange>,
    pub catalog: Arc<Catalog>,
}

impl tinhso_dossier::registries::Registries for DossierRegistries {
    fn holding<'a>(&'a self, who: &'a Principal, procedure: &'a str) -> tinhso_dossier::registries::Holding<'a> {
        Box::pin(async move {
            let purpose = format!("Không yêu cầu nộp lại giấy tờ đã có trong cơ sở dữ liệu khi nộp hồ sơ thủ tục {procedure}");
            match self.exchange.read_registries(who, &self.catalog, procedure, &purpose).await {
                Ok((p, read)) => tinhso_dossier::registries::Held { registries: p.replaced_documents.into_iter().filter(|d| d.available).map(|d| d.registry).collect(), read },
                Err(e) => {
                    tracing::warn!(error = %e, "registries not read at submission; every document is asked for");
                    Default::default()
                }
            }
        })
    }
}
