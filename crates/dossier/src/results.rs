//! Documents a dossier produces: the receipt with its appointment (giấy tiếp nhận hồ sơ và hẹn
//! trả kết quả) and the electronic result, rendered as PDF with an embedded Vietnamese font and
//! signed by the approving agency (PAdES). Each result carries a verification code and a QR
//! code pointing at the public verification page.
use crate::entity::dossier;
use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;
use sea_orm::{ActiveValue::Set, DatabaseConnection, DatabaseTransaction};
use tinhso_catalog::Procedure;
use tinhso_core::{Error, Result, calendar::vietnam};
use tinhso_db::{blobs::BlobStore, db_error};
use tinhso_signing::{Document, Line, SignOptions, Signer};

pub mod entity {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "dossier_results")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        #[sea_orm(unique)]
        pub dossier_id: Uuid,
        #[sea_orm(unique)]
        pub verification_code: String,
        pub blob_hash: String,
        pub signer_unit_code: String,
        pub title: String,
        pub signed_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub fn local_time(t: DateTime<Utc>) -> String {
    t.with_timezone(&vietnam()).format("%H:%M ngày %d/%m/%Y").to_string()
}

/// Ten characters without look-alikes (no 0/O, 1/I/L), easy to read out on the phone.
fn verification_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 10];
    rand::fill(&mut bytes);
    bytes.iter().map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char).collect()
}

async fn unit_name(db: &DatabaseConnection, code: &str) -> Result<String> {
    Ok(tinhso_identity::org_units::by_code(db, code).await?.name)
}

/// The form's values under their labels; contact details stay off the result.
fn form_lines(d: &dossier::Model, p: &Procedure) -> Vec<Line> {
    let form: std::collections::BTreeMap<String, String> = serde_json::from_str(&d.form_data).unwrap_or_default();
    p.form_fields.iter().filter_map(|f| form.get(&f.name).map(|v| Line::field(f.label.clone(), v.clone()))).collect()
}

/// The receipt with the appointment, rendered on request from the dossier itself.
pub async fn receipt(db: &DatabaseConnection, d: &dossier::Model, p: &Procedure) -> Result<Vec<u8>> {
    let (Some(received), Some(due)) = (d.received_at, d.due_at) else {
        return Err(Error::conflict("not_received", "Hồ sơ chưa được tiếp nhận nên chưa có giấy hẹn."));
    };
    let agency = unit_name(db, &d.agency_code).await?;
    let mut doc = Document::new("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ");
    doc.header = Line::national_motto();
    doc.header.insert(0, Line::Centered(agency.to_uppercase()));
    doc.lines = vec![
        Line::field("Mã hồ sơ", d.code.clone().unwrap_or_default()),
        Line::field("Người nộp", d.applicant_name.clone()),
        Line::field("Thủ tục", p.name.clone()),
        Line::field("Thời điểm tiếp nhận", local_time(received)),
        Line::field("Thời hạn giải quyết", format!("{} ngày làm việc", p.processing_days)),
        Line::field("Hẹn trả kết quả", local_time(due)),
        Line::Gap,
        Line::Paragraph("Thời gian giải quyết tính theo ngày làm việc, không kể thứ Bảy, Chủ nhật và ngày nghỉ lễ, Tết theo quy định. Ông/bà theo dõi tiến độ hồ sơ bằng mã hồ sơ trên Cổng dịch vụ công của tỉnh.".into()),
    ];
    doc.footer = format!("Cổng dịch vụ công tỉnh Quảng Ngãi – {}", d.code.clone().unwrap_or_default());
    tinhso_signing::render(&doc)
}

/// What approval produces before its transaction: the signed PDF is already stored.
pub struct NewResult {
    pub verification_code: String,
    pub blob_hash: String,
    pub signer_unit_code: String,
    pub title: String,
    pub signed_at: DateTime<Utc>,
}

/// Renders and signs the result of an approved dossier with the current unit's certificate.
pub async fn issue(db: &DatabaseConnection, blobs: &BlobStore, public_url: &str, d: &dossier::Model, p: &Procedure, now: DateTime<Utc>) -> Result<NewResult> {
    let unit = d.current_unit_code.clone();
    let name = unit_name(db, &unit).await?;
    let code = verification_code();
    let title = format!("KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH: {}", p.name.to_uppercase());
    let mut doc = Document::new(title.clone());
    doc.header = Line::national_motto();
    doc.header.insert(0, Line::Centered(name.to_uppercase()));
    doc.lines = vec![
        Line::field("Mã hồ sơ", d.code.clone().unwrap_or_default()),
        Line::field("Tổ chức, cá nhân", d.applicant_name.clone()),
        Line::field("Thủ tục", format!("{} (mã {})", p.name, p.code)),
        Line::Heading("Nội dung".into()),
    ];
    doc.lines.extend(form_lines(d, p));
    doc.lines.extend([
        Line::Gap,
        Line::Paragraph(format!("{name} chấp thuận yêu cầu nêu trên. Văn bản điện tử này được ký số, có giá trị như bản giấy; tra cứu tính xác thực bằng mã xác minh hoặc mã QR.")),
        Line::field("Ngày ký", local_time(now)),
    ]);
    doc.verification_code = Some(code.clone());
    doc.qr_payload = Some(format!("{}/xac-minh?ma={code}", public_url.trim_end_matches('/')));
    doc.footer = format!("{name} – mã xác minh {code}");
    let pdf = tinhso_signing::render(&doc)?;
    let keys = tinhso_signing::keystore::for_unit(db, &unit, &name).await?;
    let signer = Signer { key_pkcs8_der: &keys.key_pkcs8_der, cert_der: &keys.cert_der, chain: &[] };
    let options = SignOptions { signer_name: name.clone(), reason: "Phê duyệt kết quả giải quyết thủ tục hành chính".into(), location: "Quảng Ngãi".into(), signing_time: now };
    let signed = tinhso_signing::sign_pdf(&pdf, &signer, &options)?;
    let blob_hash = blobs.put(signed).await?;
    Ok(NewResult { verification_code: code, blob_hash, signer_unit_code: unit, title, signed_at: now })
}

pub async fn record(tx: &DatabaseTransaction, dossier_id: Uuid, r: &NewResult) -> Result<()> {
    entity::Entity::insert(entity::ActiveModel {
        id: Set(tinhso_core::new_id()),
        dossier_id: Set(dossier_id),
        verification_code: Set(r.verification_code.clone()),
        blob_hash: Set(r.blob_hash.clone()),
        signer_unit_code: Set(r.signer_unit_code.clone()),
        title: Set(r.title.clone()),
        signed_at: Set(r.signed_at),
    })
    .exec_without_returning(tx)
    .await
    .map_err(db_error)?;
    Ok(())
}

pub async fn of_dossier(db: &DatabaseConnection, dossier_id: Uuid) -> Result<Option<entity::Model>> {
    entity::Entity::find().filter(entity::Column::DossierId.eq(dossier_id)).one(db).await.map_err(db_error)
}

pub async fn by_code(db: &DatabaseConnection, code: &str) -> Result<Option<entity::Model>> {
    entity::Entity::find().filter(entity::Column::VerificationCode.eq(code.trim().to_uppercase())).one(db).await.map_err(db_error)
}

pub async fn by_blob(db: &DatabaseConnection, hash: &str) -> Result<Option<entity::Model>> {
    entity::Entity::find().filter(entity::Column::BlobHash.eq(hash)).one(db).await.map_err(db_error)
}
