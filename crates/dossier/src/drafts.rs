//! Application forms saved before submission (hồ sơ lưu nháp), one per person and procedure,
//! so a person can stop and come back. A draft is checked only for its shape (known fields,
//! sensible lengths); the full check happens on submission, which removes the draft in the
//! same transaction that creates the dossier.
use crate::Dossiers;
use crate::form::{FormData, contact_fields};
use axum::extract::{FromRef, Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QueryTrait, sea_query::OnConflict};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use tinhso_audit::Entry;
use tinhso_core::{Error, Result, text::nfc};
use tinhso_db::db_error;
use tinhso_identity::Principal;
use tinhso_web::{ApiError, ApiJson, SignedIn};

pub mod entity {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "dossier_drafts")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        pub applicant_id: Uuid,
        pub procedure_code: String,
        pub agency_code: Option<String>,
        pub form_data: String,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Draft {
    pub procedure_code: String,
    pub procedure_name: String,
    pub agency_code: Option<String>,
    pub form: FormData,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct DraftRequest {
    #[serde(default)]
    pub agency_code: Option<String>,
    #[serde(default)]
    pub form: FormData,
}

/// Longest value kept for one field of a draft.
const MAX_VALUE: usize = 2000;

impl Dossiers {
    /// Saves (or replaces) the person's draft for a procedure.
    pub async fn save_draft(&self, who: &Principal, code: &str, req: DraftRequest) -> Result<Draft> {
        let p = self.catalog.get(code).await?;
        if p.retired {
            return Err(Error::conflict("procedure_retired", "Thủ tục này đã bị bãi bỏ, không nhận hồ sơ mới."));
        }
        let known: Vec<String> = contact_fields().into_iter().chain(p.form_fields.iter().cloned()).map(|f| f.name).collect();
        let mut form = FormData::new();
        for (k, v) in req.form {
            if !known.contains(&k) {
                return Err(Error::invalid("invalid_form", k, "mục này không có trong tờ khai của thủ tục."));
            }
            if v.chars().count() > MAX_VALUE {
                return Err(Error::invalid("invalid_form", k, format!("dài quá {MAX_VALUE} ký tự.")));
            }
            let v = nfc(v.trim());
            if !v.is_empty() {
                form.insert(k, v);
            }
        }
        let now = Utc::now();
        let row = entity::ActiveModel {
            id: Set(tinhso_core::new_id()),
            applicant_id: Set(who.user_id),
            procedure_code: Set(p.code.clone()),
            agency_code: Set(req.agency_code.map(|a| a.trim().to_owned()).filter(|a| !a.is_empty())),
            form_data: Set(serde_json::to_string(&form).map_err(Error::other)?),
            created_at: Set(now),
            updated_at: Set(now),
        };
        let tx = tinhso_audit::begin(&self.db).await?;
        let upsert = OnConflict::columns([entity::Column::ApplicantId, entity::Column::ProcedureCode])
            .update_columns([entity::Column::AgencyCode, entity::Column::FormData, entity::Column::UpdatedAt])
            .to_owned();
        entity::Entity::insert(row).on_conflict(upsert).exec_without_returning(&tx).await.map_err(db_error)?;
        tinhso_audit::record(&tx, Entry::new(who.actor(), "dossier.draft_save", format!("draft:{}:{}", who.user_id, p.code))).await?;
        tx.commit().await.map_err(db_error)?;
        self.draft(who, &p.code).await?.ok_or_else(|| Error::not_found("bản nháp"))
    }

    pub async fn draft(&self, who: &Principal, code: &str) -> Result<Option<Draft>> {
        let row = mine(who).filter(entity::Column::ProcedureCode.eq(code)).one(&self.db).await.map_err(db_error)?;
        match row {
            Some(r) => Ok(Some(self.view(r).await?)),
            None => Ok(None),
        }
    }

    /// The person's drafts, last saved first.
    pub async fn drafts(&self, who: &Principal) -> Result<Vec<Draft>> {
        let rows = mine(who).order_by_desc(entity::Column::UpdatedAt).all(&self.db).await.map_err(db_error)?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            out.push(self.view(r).await?);
        }
        Ok(out)
    }

    /// Deletes the person's draft for a procedure; true when there was one.
    pub async fn delete_draft(&self, who: &Principal, code: &str) -> Result<bool> {
        let tx = tinhso_audit::begin(&self.db).await?;
        let gone = discard(&tx, who.user_id, code).await?;
        if gone {
            tinhso_audit::record(&tx, Entry::new(who.actor(), "dossier.draft_delete", format!("draft:{}:{code}", who.user_id))).await?;
        }
        tx.commit().await.map_err(db_error)?;
        Ok(gone)
    }

    async fn view(&self, r: entity::Model) -> Result<Draft> {
        let procedure_name = self.catalog.get(&r.procedure_code).await.map(|p| p.name).unwrap_or_else(|_| r.procedure_code.clone());
        Ok(Draft { procedure_name, procedure_code: r.procedure_code, agency_code: r.agency_code, form: serde_json::from_str(&r.form_data).map_err(Error::other)?, updated_at: r.updated_at })
    }
}

fn mine(who: &Principal) -> sea_orm::Select<entity::Entity> {
    entity::Entity::find().filter(entity::Column::ApplicantId.eq(who.user_id))
}

/// Removes a draft inside a transaction.
async fn discard<C: ConnectionTrait>(conn: &C, applicant: uuid::Uuid, code: &str) -> Result<bool> {
    let res = conn.execute_raw(discard_statement(conn.get_database_backend(), applicant, code)).await.map_err(db_error)?;
    Ok(res.rows_affected() > 0)
}

/// The statement that removes a person's draft of a procedure (submission batches it with the
/// dossier's insert).
pub(crate) fn discard_statement(backend: sea_orm::DbBackend, applicant: uuid::Uuid, code: &str) -> sea_orm::Statement {
    entity::Entity::delete_many()
        .filter(entity::Column::ApplicantId.eq(applicant))
        .filter(entity::Column::ProcedureCode.eq(code))
        .build(backend)
}

pub fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Dossiers>: FromRef<S>,
    sea_orm::DatabaseConnection: FromRef<S>,
{
    Router::new().route("/api/v1/drafts", get(list)).route("/api/v1/drafts/{code}", get(show).put(save).delete(remove))
}

/// The signed-in person's saved application forms.
#[utoipa::path(get, path = "/api/v1/drafts", tag = "dossier", responses((status = 200, body = [Draft])))]
pub async fn list(State(svc): State<Arc<Dossiers>>, SignedIn(who): SignedIn) -> Result<Json<Vec<Draft>>, ApiError> {
    Ok(Json(svc.drafts(&who).await?))
}

/// The person's draft for one procedure.
#[utoipa::path(get, path = "/api/v1/drafts/{code}", tag = "dossier", params(("code" = String, Path)), responses((status = 200, body = Draft), (status = 404, description = "not_found")))]
pub async fn show(State(svc): State<Arc<Dossiers>>, SignedIn(who): SignedIn, Path(code): Path<String>) -> Result<Json<Draft>, ApiError> {
    Ok(Json(svc.draft(&who, &code).await?.ok_or_else(|| Error::not_found("bản nháp"))?))
}

/// Save the application form of a procedure as a draft (replaces the earlier one).
#[utoipa::path(put, path = "/api/v1/drafts/{code}", tag = "dossier", params(("code" = String, Path)), request_body = DraftRequest,
    responses((status = 200, body = Draft), (status = 422, description = "invalid_form")))]
pub async fn save(State(svc): State<Arc<Dossiers>>, SignedIn(who): SignedIn, Path(code): Path<String>, ApiJson(req): ApiJson<DraftRequest>) -> Result<Json<Draft>, ApiError> {
    Ok(Json(svc.save_draft(&who, &code, req).await?))
}

/// Delete the draft of a procedure.
#[utoipa::path(delete, path = "/api/v1/drafts/{code}", tag = "dossier", params(("code" = String, Path)), responses((status = 204), (status = 404, description = "not_found")))]
pub async fn remove(State(svc): State<Arc<Dossiers>>, SignedIn(who): SignedIn, Path(code): Path<String>) -> Result<StatusCode, ApiError> {
    if svc.delete_draft(&who, &code).await? { Ok(StatusCode::NO_CONTENT) } else { Err(Error::not_found("bản nháp").into()) }
}
