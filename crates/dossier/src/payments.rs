//! Paying a dossier's fee online through the payment provider: the applicant is sent to the
//! gateway with a signed request; the gateway's signed server-to-server callback (IPN) records
//! the outcome once, in the same transaction as its event and audit entry. The browser's
//! return only shows where things stand: it never changes anything.
use crate::figures::Delta;
use crate::entity::dossier;
use crate::machine::State;
use crate::service::Dossiers;
use chrono::Utc;
use sea_orm::entity::prelude::*;
use sea_orm::{ActiveValue::Set, QueryOrder};
use serde::Serialize;
use tinhso_audit::Entry;
use tinhso_core::{Error, Result};
use tinhso_db::db_error;
use tinhso_identity::Principal;
use tinhso_payment::{IpnReply, PaymentRequest, PaymentStatus, StoredPayment, ipn};

pub mod entity {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "payments")]
    pub struct Model {
        #[sea_orm(primary_key, auto_increment = false)]
        pub txn_ref: String,
        pub dossier_id: Uuid,
        pub amount_vnd: i64,
        pub status: String,
        pub transaction_no: Option<String>,
        pub created_at: DateTimeUtc,
        pub updated_at: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PaymentStart {
    pub txn_ref: String,
    pub amount_vnd: i64,
    /// Send the payer's browser here.
    pub payment_url: String,
}

impl Dossiers {
    /// Starts a payment attempt for the dossier's fee; each attempt has its own reference.
    pub async fn start_payment(&self, who: &Principal, id: Uuid, client_ip: &str) -> Result<PaymentStart> {
        let d = self.load(who, id).await?;
        if d.applicant_id != who.user_id {
            return Err(Error::Forbidden);
        }
        if d.fee_vnd <= 0 || d.payment_status == "paid" {
            return Err(Error::conflict("nothing_to_pay", "Hồ sơ không có khoản phí nào cần thanh toán."));
        }
        if State::parse(&d.state).is_some_and(State::is_final) {
            return Err(Error::conflict("dossier_closed", "Hồ sơ đã kết thúc."));
        }
        let now = Utc::now();
        let txn_ref = tinhso_core::new_id().simple().to_string();
        let tx = tinhso_audit::begin(&self.db).await?;
        entity::Entity::insert(entity::ActiveModel {
            txn_ref: Set(txn_ref.clone()),
            dossier_id: Set(id),
            amount_vnd: Set(d.fee_vnd),
            status: Set(PaymentStatus::Pending.as_str().into()),
            transaction_no: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .exec_without_returning(&tx)
        .await
        .map_err(db_error)?;
        tinhso_audit::record(&tx, Entry::new(who.actor(), "payment.start", format!("dossier:{id}")).detail(serde_json::json!({"txn_ref": txn_ref, "amount_vnd": d.fee_vnd}))).await?;
        tx.commit().await.map_err(db_error)?;
        let request = PaymentRequest {
            txn_ref: txn_ref.clone(),
            amount_vnd: d.fee_vnd,
            order_info: format!("Thanh toan phi ho so {}", d.code.unwrap_or_default()),
            return_url: format!("{}/thanh-toan/ket-qua", self.public_url.trim_end_matches('/')),
            ip: client_ip.to_owned(),
            created_at: now,
        };
        Ok(PaymentStart { payment_url: self.payments.payment_url(&request), txn_ref, amount_vnd: d.fee_vnd })
    }

    /// Handles the gateway's IPN: verified, idempotent, logged. Returns the reply to send.
    pub async fn payment_callback(&self, query: &str) -> IpnReply {
        match self.apply_callback(query).await {
            Ok(reply) => reply,
            Err(e) => {
                if !matches!(e, Error::Invalid { .. } | Error::NotFound { .. }) {
                    tracing::error!(error = %e, "payment callback failed");
                }
                IpnReply::from_error(&e)
            }
        }
    }

    async fn apply_callback(&self, query: &str) -> Result<IpnReply> {
        let result = self.payments.verify_callback(query)?;
        let tx = tinhso_audit::begin(&self.db).await?;
        let stored = entity::Entity::find_by_id(result.txn_ref.clone()).one(&tx).await.map_err(db_error)?;
        let decision = ipn::decide(
            stored.as_ref().map(|p| StoredPayment { status: PaymentStatus::parse(&p.status).unwrap_or(PaymentStatus::Pending), amount_vnd: p.amount_vnd }),
            &result,
        );
        let (Some(payment), Some(status)) = (stored, decision.new_status) else {
            tinhso_audit::record(&tx, Entry::new("system:payment-gateway", "payment.callback_ignored", format!("payment:{}", result.txn_ref)).detail(serde_json::json!({"reply": decision.reply.rsp_code}))).await?;
            tx.commit().await.map_err(db_error)?;
            return Ok(decision.reply);
        };
        let now = Utc::now();
        let mut row: entity::ActiveModel = payment.clone().into();
        row.status = Set(status.as_str().into());
        row.transaction_no = Set(Some(result.transaction_no.clone()));
        row.updated_at = Set(now);
        entity::Entity::update(row).exec(&tx).await.map_err(db_error)?;
        let d = dossier::Entity::find_by_id(payment.dossier_id).one(&tx).await.map_err(db_error)?.ok_or_else(|| Error::not_found("hồ sơ"))?;
        // A failed attempt does not undo an earlier success.
        if d.payment_status != "paid" {
            dossier::Entity::update_many()
                .col_expr(dossier::Column::PaymentStatus, sea_orm::sea_query::Expr::value(status.as_str()))
                .filter(dossier::Column::Id.eq(d.id))
                .exec(&tx)
                .await
                .map_err(db_error)?;
            let delta = Delta::default().state_change(Some(&d), &dossier::Model { payment_status: status.as_str().into(), ..d.clone() });
            crate::figures::apply(&tx, &d, &delta).await?;
        }
        let state = State::parse(&d.state).unwrap_or(State::Submitted);
        let mut batch = tinhso_db::batch::Batch::new();
        let event = crate::service::Event { dossier: d.id, actor: "system:payment-gateway", action: "payment", from: Some(state), to: state, note: status.label() };
        crate::service::push_event(&tx, &mut batch, event);
        tx.run(batch).await.map_err(db_error)?;
        tx.commit().await.map_err(db_error)?;
        Ok(decision.reply)
    }

    /// Where the payer lands after the gateway: checks the signature and names the dossier.
    pub async fn payment_return(&self, query: &str) -> Result<(Uuid, PaymentStatus)> {
        let result = self.payments.verify_callback(query)?;
        let payment = entity::Entity::find_by_id(result.txn_ref).one(&self.db).await.map_err(db_error)?.ok_or_else(|| Error::not_found("giao dịch thanh toán"))?;
        Ok((payment.dossier_id, PaymentStatus::parse(&payment.status).unwrap_or(PaymentStatus::Pending)))
    }

    /// The payment attempts of a dossier, newest first.
    pub async fn payments_of(&self, who: &Principal, id: Uuid) -> Result<Vec<entity::Model>> {
        self.load(who, id).await?;
        entity::Entity::find().filter(entity::Column::DossierId.eq(id)).order_by_desc(entity::Column::CreatedAt).all(&self.db).await.map_err(db_error)
    }
}
