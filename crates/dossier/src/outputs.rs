//! What a dossier gives back: the receipt, the signed result, its public verification, and
//! the applicant's rating.
use crate::machine::State;
use crate::results;
use crate::service::Dossiers;
use sea_orm::entity::prelude::*;
use sea_orm::ActiveValue::Set;
use serde::{Deserialize, Serialize};
use tinhso_audit::Entry;
use tinhso_core::{Error, Result, text::nfc};
use tinhso_db::{blobs::BlobStore, db_error};
use tinhso_identity::Principal;
use tinhso_identity::throttle::{self, Limit};

/// Wrong code-and-contact pairs allowed per dossier code, and per client address, in the
/// throttle's window: enough for typing mistakes, far too few to guess a phone number.
pub const LOOKUP_FAILURES_PER_CODE: u64 = 5;
pub const LOOKUP_FAILURES_PER_CLIENT: u64 = 20;

pub mod rating {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "dossier_ratings")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub dossier_id: Uuid,
        pub score: i32,
        pub comment: String,
        pub created_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

/// What the public verification tells anyone holding a result: no personal data.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ResultCheck {
    pub verification_code: String,
    pub title: String,
    pub dossier_code: String,
    pub issuer: String,
    pub signed_at: chrono::DateTime<chrono::Utc>,
    /// For an uploaded file: the signature is intact, covers the whole file, was made with a
    /// certificate the platform issued, and the file is the one the platform keeps.
    pub file_matches: Option<bool>,
}

/// What anyone holding the code and the phone number may see of a dossier.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PublicStatus {
    pub code: String,
    pub procedure: String,
    pub state: String,
    pub received_at: Option<chrono::DateTime<chrono::Utc>>,
    pub due_at: Option<chrono::DateTime<chrono::Utc>>,
    pub finished_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RatingRequest {
    /// 1 (very dissatisfied) to 5 (very satisfied).
    pub score: i32,
    #[serde(default)]
    pub comment: String,
}

impl Dossiers {
    /// The receipt with the appointment, once the desk has received the dossier.
    pub async fn receipt_pdf(&self, who: &Principal, id: Uuid) -> Result<Vec<u8>> {
        let d = self.load(who, id).await?;
        let p = self.catalog.get(&d.procedure_code).await?;
        results::receipt(&self.db, &d, &p).await
    }

    /// The signed result, once approved.
    pub async fn result_pdf(&self, who: &Principal, id: Uuid) -> Result<Vec<u8>> {
        self.load(who, id).await?;
        let r = results::of_dossier(&self.db, id).await?.ok_or_else(|| Error::not_found("kết quả của hồ sơ (hồ sơ chưa được phê duyệt)"))?;
        tinhso_audit::record_now(&self.db, Entry::new(who.actor(), "dossier.result_download", format!("dossier:{id}")).purpose("tải kết quả")).await?;
        self.blobs.get(&r.blob_hash).await
    }

    async fn check(&self, r: results::entity::Model, file_matches: Option<bool>) -> Result<ResultCheck> {
        let d = crate::entity::dossier::Entity::find_by_id(r.dossier_id).one(&self.db).await.map_err(db_error)?.ok_or_else(|| Error::not_found("hồ sơ"))?;
        let issuer = tinhso_identity::org_units::by_code(&self.db, &r.signer_unit_code).await.map(|u| u.name).unwrap_or(r.signer_unit_code);
        Ok(ResultCheck { verification_code: r.verification_code, title: r.title, dossier_code: d.code.unwrap_or_default(), issuer, signed_at: r.signed_at, file_matches })
    }

    /// Looks a result up by the code printed on it.
    pub async fn verify_code(&self, code: &str) -> Result<ResultCheck> {
        let r = results::by_code(&self.db, code).await?.ok_or_else(|| Error::not_found(format!("kết quả có mã xác minh {}", code.trim())))?;
        self.check(r, None).await
    }

    /// Checks an uploaded file: its signature, the certificate, and that it is the very file
    /// the platform issued (any change, even one that keeps a valid-looking signature, fails).
    pub async fn verify_file(&self, bytes: &[u8]) -> Result<ResultCheck> {
        let v = tinhso_signing::verify_pdf(bytes).map_err(|_| Error::invalid("not_signed", "Tệp", "tệp không phải văn bản PDF có chữ ký số."))?;
        let known_signer = tinhso_signing::keystore::owner_of(&self.db, &v.signer_cert_der).await?.is_some();
        let stored = results::by_blob(&self.db, &BlobStore::hash(bytes)).await?;
        match stored {
            Some(r) => self.check(r, Some(v.is_valid() && known_signer)).await,
            None => Err(Error::invalid("unknown_result", "Tệp", if v.is_valid() && known_signer {
                "chữ ký hợp lệ nhưng tệp không khớp với kết quả nào do hệ thống cấp."
            } else {
                "tệp đã bị sửa đổi hoặc không do hệ thống cấp: chữ ký không còn giá trị."
            })),
        }
    }

    /// The public status lookup: a dossier code with the applicant's phone number (as given in
    /// the form) or personal id number. Only the procedure, state and dates are shown; a wrong
    /// pair is "not found" whichever half was wrong. Wrong pairs are counted per code and per
    /// client address, so nobody can guess a person's number by trying them all.
    pub async fn lookup(&self, code: &str, contact: &str, client: &str) -> Result<PublicStatus> {
        let code = code.trim().to_uppercase();
        let limits = [Limit::new("lookup-code", &code, LOOKUP_FAILURES_PER_CODE), Limit::new("lookup-client", client, LOOKUP_FAILURES_PER_CLIENT)];
        throttle::check(&self.db, &limits).await?;
        match self.find_public(&code, contact).await? {
            Some(found) => Ok(found),
            None => {
                throttle::fail(&self.db, &limits).await?;
                Err(Error::not_found("hồ sơ với mã và số điện thoại (hoặc số định danh) này"))
            }
        }
    }

    async fn find_public(&self, code: &str, contact: &str) -> Result<Option<PublicStatus>> {
        let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
        let found = crate::entity::dossier::Entity::find().filter(crate::entity::dossier::Column::Code.eq(code)).one(&self.db).await.map_err(db_error)?;
        let Some(d) = found else { return Ok(None) };
        let given = digits(contact);
        let form: std::collections::BTreeMap<String, String> = serde_json::from_str(&d.form_data).unwrap_or_default();
        let by_phone = given.len() >= 9 && form.get("phone").map(|p| digits(p)) == Some(given.clone());
        let by_id = !by_phone && given.len() == 12 && tinhso_identity::accounts::is_login_of(&self.db, d.applicant_id, &given).await?;
        if !(by_phone || by_id) {
            return Ok(None);
        }
        let state = State::parse(&d.state).unwrap_or(State::Submitted);
        let procedure = self.catalog.get(&d.procedure_code).await.map(|p| p.name).unwrap_or(d.procedure_code);
        Ok(Some(PublicStatus { code: d.code.unwrap_or_default(), procedure, state: state.label().into(), received_at: d.received_at, due_at: d.due_at, finished_at: d.finished_at }))
    }

    /// Whether the dossier was rated already.
    pub async fn rated(&self, id: Uuid) -> Result<bool> {
        Ok(rating::Entity::find_by_id(id).one(&self.db).await.map_err(db_error)?.is_some())
    }

    /// The applicant rates the service once, after the result.
    pub async fn rate(&self, who: &Principal, id: Uuid, req: RatingRequest) -> Result<()> {
        let d = self.load(who, id).await?;
        if d.applicant_id != who.user_id {
            return Err(Error::Forbidden);
        }
        if State::parse(&d.state) != Some(State::ResultReturned) {
            return Err(Error::conflict("not_finished", "Chỉ đánh giá được sau khi nhận kết quả."));
        }
        if !(1..=5).contains(&req.score) {
            return Err(Error::invalid("invalid_score", "Mức độ hài lòng", "chọn từ 1 đến 5."));
        }
        let tx = tinhso_audit::begin(&self.db).await?;
        let row = rating::ActiveModel { dossier_id: Set(id), score: Set(req.score), comment: Set(nfc(&req.comment).chars().take(2000).collect()), created_at: Set(chrono::Utc::now()) };
        rating::Entity::insert(row).exec_without_returning(&tx).await.map_err(|e| match db_error(e) {
            Error::Conflict { .. } => Error::conflict("already_rated", "Hồ sơ này đã được đánh giá."),
            other => other,
        })?;
        crate::figures::apply(&tx, &d, &crate::figures::Delta::default().add("ratings", 1).add("satisfied", i64::from(req.score >= 4))).await?;
        tinhso_audit::record(&tx, Entry::new(who.actor(), "dossier.rate", format!("dossier:{id}")).detail(serde_json::json!({"score": req.score}))).await?;
        tx.commit().await.map_err(db_error)
    }
}
