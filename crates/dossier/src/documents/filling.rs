//! The wallet fills itself from dossiers: the documents an agency accepted (on receipt, and
//! supplements once the dossier is approved) and the signed result go to the applicant's
//! store, through the wallet service.
use super::wallet_of;
use crate::entity::dossier;
use crate::results;
use crate::service::Dossiers;
use chrono::Utc;
use sea_orm::EntityTrait;
use tinhso_core::{Error, Result};
use tinhso_db::db_error;
use tinhso_identity::Principal;
use tinhso_wallet::{NewItem, Source, doc_type};
use uuid::Uuid;

/// Called by the dossier service after a transition has been committed. The transition stands
/// whatever happens here; a failure is logged, and adding to the wallet is idempotent, so a
/// later approval adds what an earlier receipt missed.
pub async fn after_transition(svc: &Dossiers, who: &Principal, dossier_id: Uuid, action: &str) {
    if !matches!(action, "receive" | "approve") {
        return;
    }
    if let Err(e) = fill(svc, &who.actor(), dossier_id, action == "approve").await {
        tracing::warn!(error = %e, dossier = %dossier_id, action, "the applicant's wallet was not filled");
    }
}

async fn fill(svc: &Dossiers, actor: &str, id: Uuid, approved: bool) -> Result<()> {
    let d = dossier::Entity::find_by_id(id).one(&svc.db).await.map_err(db_error)?.ok_or_else(|| Error::not_found("hồ sơ"))?;
    let p = svc.catalog.get(&d.procedure_code).await?;
    let wallet = wallet_of(svc);
    let accepted_at = d.received_at.unwrap_or_else(Utc::now);
    let mut first_error = None;
    for row in svc.document_rows(id).await?.into_iter().filter(|r| r.wallet_item_id.is_none()) {
        let title = usize::try_from(row.requirement_index).ok().and_then(|i| p.documents.get(i)).map(|r| r.name.clone()).unwrap_or(row.name);
        let item = NewItem {
            owner_id: d.applicant_id,
            doc_type: doc_type::of_name(&title),
            title,
            issuer: d.agency_code.clone(),
            issued_at: accepted_at,
            valid_until: None,
            blob_hash: row.blob_hash,
            mime: row.mime,
            size: row.size,
            source: Source::Accepted,
        };
        if let Err(e) = wallet.add(actor, item).await {
            first_error.get_or_insert(e);
        }
    }
    if approved && let Some(r) = results::of_dossier(&svc.db, id).await? {
        let size = svc.blobs.get(&r.blob_hash).await?.len();
        let item = NewItem {
            owner_id: d.applicant_id,
            doc_type: doc_type::of_result(&d.procedure_code),
            title: format!("Kết quả: {}", p.name),
            issuer: r.signer_unit_code,
            issued_at: r.signed_at,
            valid_until: None,
            blob_hash: r.blob_hash,
            mime: "application/pdf".into(),
            size: i64::try_from(size).map_err(Error::other)?,
            source: Source::Result,
        };
        wallet.add(actor, item).await?;
    }
    first_error.map_or(Ok(()), Err)
}
