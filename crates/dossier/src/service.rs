//! The dossier service: submission, every transition with its rules, the queues. Each change
//! is one transaction holding the state change, its event (timeline and outbox) and the audit
//! entry; a stale `version` is refused so two concurrent actions never both apply.
use crate::entity::{dossier, event};
use crate::figures::{self, Delta};
use crate::form;
use crate::machine::{self, Actor, State};
use crate::model::{ActRequest, ApologyRequest, Dossier, SubmitRequest, TimelineEntry};
use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, TryIntoModel, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QueryTrait};
use std::sync::Arc;
use tinhso_audit::{Entry, WriteTx};
use tinhso_db::batch::Batch;
use tinhso_catalog::{Catalog, Procedure};
use tinhso_core::{Error, Result, calendar::WorkingCalendar, roles::Role};
use tinhso_db::{blobs::BlobStore, db_error};
use tinhso_identity::Principal;
use tinhso_payment::PaymentProvider;

pub struct Dossiers {
    pub(crate) db: DatabaseConnection,
    pub(crate) catalog: Arc<Catalog>,
    pub(crate) blobs: BlobStore,
    /// The platform's public address, printed in results' QR codes.
    pub(crate) public_url: String,
    pub(crate) payments: Arc<dyn PaymentProvider>,
    calendar: &'static WorkingCalendar,
    pub(crate) registries: std::sync::OnceLock<Arc<dyn crate::registries::Registries>>,
    /// The group writer of submissions, started with the first one.
    submissions: std::sync::OnceLock<crate::submissions::Writer>,
    communes: crate::communes::Communes,
}

/// What the dossier service needs from the platform besides the database and the catalogue.
pub struct Settings {
    pub blobs: BlobStore,
    pub public_url: String,
    pub payments: Arc<dyn PaymentProvider>,
}

struct Applicant {
    id: uuid::Uuid,
    name: String,
}

/// Whether `who` holds one of `roles` in the org unit `unit`.
pub fn acts_for(who: &Principal, roles: &[Role], unit: &str) -> bool {
    who.roles.iter().any(|g| roles.contains(&g.role) && g.org_unit_code.as_deref() == Some(unit))
}

/// Staff of the receiving or the current agency may see a dossier; so may its applicant.
pub fn may_see(who: &Principal, d: &dossier::Model) -> bool {
    who.user_id == d.applicant_id
        || who.roles.iter().any(|g| g.role.is_staff() && matches!(g.org_unit_code.as_deref(), Some(u) if u == d.current_unit_code || u == d.agency_code))
}

/// One line of a dossier's timeline, as a transition writes it.
pub(crate) struct Event<'a> {
    pub dossier: uuid::Uuid,
    pub actor: &'a str,
    pub action: &'a str,
    pub from: Option<State>,
    pub to: State,
    pub note: &'a str,
}

/// Adds the event (timeline and outbox) and its audit entry to `batch`.
pub(crate) fn push_event(tx: &WriteTx, batch: &mut Batch, e: Event<'_>) {
    batch.push(
        event::Entity::insert(event::ActiveModel {
            id: Set(tinhso_core::new_id()),
            dossier_id: Set(e.dossier),
            at: Set(Utc::now()),
            actor: Set(e.actor.to_owned()),
            action: Set(e.action.to_owned()),
            from_state: Set(e.from.map(|s| s.as_str().to_owned())),
            to_state: Set(e.to.as_str().to_owned()),
            note: Set(e.note.to_owned()),
            dispatched_at: Set(None),
        })
        .build(tx.get_database_backend()),
    );
    let detail = serde_json::json!({"action": e.action, "to": e.to.as_str()});
    tinhso_audit::record_in(tx, batch, Entry::new(e.actor, "dossier.transition", format!("dossier:{}", e.dossier)).detail(detail));
}

impl Dossiers {
    pub fn new(db: DatabaseConnection, catalog: Arc<Catalog>, s: Settings) -> Arc<Dossiers> {
        Arc::new(Dossiers { db, catalog, blobs: s.blobs, public_url: s.public_url, payments: s.payments, calendar: WorkingCalendar::builtin(), registries: std::sync::OnceLock::new(), submissions: std::sync::OnceLock::new(), communes: Default::default() })
    }

    async fn receiving_agency(&self, p: &Procedure, asked: Option<&str>) -> Result<String> {
        if p.level == "commune" {
            let code = asked.ok_or_else(|| Error::invalid("missing_agency", "Nơi nộp", "chọn xã, phường hoặc đặc khu nơi bạn cư trú."))?;
            if !self.communes.contains(&self.db, code).await? {
                return Err(Error::invalid("unknown_agency", "Nơi nộp", format!("không có UBND xã, phường hoặc đặc khu mã {code}; thủ tục cấp xã nộp tại đó.")));
            }
            return Ok(code.to_owned());
        }
        match asked {
            Some(code) if p.agencies.iter().any(|a| a == code) => Ok(code.to_owned()),
            Some(code) => Err(Error::invalid("unknown_agency", "Nơi nộp", format!("đơn vị {code} không giải quyết thủ tục này."))),
            None => p.agencies.first().cloned().ok_or_else(|| Error::invalid("unknown_agency", "Nơi nộp", "thủ tục chưa có cơ quan tiếp nhận.")),
        }
    }

    /// Submits a dossier online. The same idempotency key returns the dossier it created.
    /// Returns the dossier and whether it was created now.
    pub async fn submit(&self, who: &Principal, req: SubmitRequest) -> Result<(Dossier, bool)> {
        self.create(who, Applicant { id: who.user_id, name: who.full_name.clone() }, None, req).await
    }

    /// A paper dossier registered at the one-stop desk for a person (who need not have an
    /// account yet): it is digitised (scans attached through the documents API) and follows
    /// the same flow from "submitted".
    pub async fn submit_at_counter(&self, desk: &Principal, req: crate::model::CounterRequest) -> Result<(Dossier, bool)> {
        let name = tinhso_core::text::nfc(&req.applicant_name);
        let id = tinhso_identity::accounts::find_or_create_citizen(&self.db, &desk.actor(), &req.applicant_personal_id, &name).await?;
        let submission = SubmitRequest { procedure_code: req.procedure_code, agency_code: req.agency_code, form: req.form, idempotency_key: req.idempotency_key };
        self.create(desk, Applicant { id, name }, Some(desk), submission).await
    }

    async fn create(&self, who: &Principal, applicant: Applicant, desk: Option<&Principal>, req: SubmitRequest) -> Result<(Dossier, bool)> {
        if let Some(existing) = self.by_idempotency(applicant.id, req.idempotency_key.as_deref()).await? {
            return Ok((existing, false));
        }
        let p = self.catalog.cached(&req.procedure_code).await?;
        if p.retired {
            return Err(Error::conflict("procedure_retired", "Thủ tục này đã bị bãi bỏ, không nhận hồ sơ mới."));
        }
        let agency = self.receiving_agency(&p, req.agency_code.as_deref()).await?;
        if desk.is_some_and(|d| !acts_for(d, &[Role::OneStopOfficer], &agency)) {
            return Err(Error::Forbidden);
        }
        let data = form::validate(&p.form_fields, &req.form)?;
        // Asked before the transaction: a slow registry must not hold the write lock.
        let (from_data, read) = if desk.is_none() { self.documents_from_data(who, &p).await } else { (Vec::new(), None) };
        let written = self.write_submission(who, &applicant, desk.is_some(), &p, agency, data, from_data, req.idempotency_key, read.clone()).await;
        // The registries were read for this person: when no new dossier carried that read into
        // the audit log, it is recorded on its own.
        if !matches!(written, Ok((_, true)))
            && let Some(entry) = read
        {
            tinhso_audit::record_now(&self.db, entry).await?;
        }
        written
    }

    /// The submission's write: its code, the dossier, its event, figures and audit entries
    /// (with the registry read `read`, if any), the draft removed, in one transaction that
    /// other submissions of the moment may share (see `crate::submissions`).
    #[allow(clippy::too_many_arguments)]
    async fn write_submission(&self, who: &Principal, applicant: &Applicant, at_desk: bool, p: &Procedure, agency: String, data: form::FormData, from_data: Vec<i32>, key: Option<String>, read: Option<Entry>) -> Result<(Dossier, bool)> {
        // Stored to the microsecond on both backends; the answer is built from this row.
        let now = chrono::DurationRound::duration_trunc(Utc::now(), chrono::TimeDelta::microseconds(1)).unwrap_or_else(|_| Utc::now());
        let row = dossier::Model {
            id: tinhso_core::new_id(),
            code: None,
            procedure_code: p.code.clone(),
            agency_code: agency.clone(),
            current_unit_code: agency,
            applicant_id: applicant.id,
            applicant_name: applicant.name.clone(),
            channel: if at_desk { "counter" } else { "online" }.into(),
            state: State::Submitted.as_str().into(),
            resume_state: None,
            form_data: serde_json::to_string(&data).map_err(Error::other)?,
            assigned_to: None,
            step_index: 0,
            submitted_at: Some(now),
            received_at: None,
            due_at: None,
            remaining_days: None,
            finished_at: None,
            overdue: false,
            apologized: false,
            stage_due_at: None,
            data_documents: serde_json::to_string(&from_data).map_err(Error::other)?,
            idempotency_key: key.clone(),
            fee_vnd: p.fee_due(),
            payment_status: if p.fee_due() > 0 { "pending" } else { "none" }.into(),
            version: 1,
            created_at: now,
            updated_at: now,
        };
        let writer = self.submissions.get_or_init(|| crate::submissions::Writer::spawn(self.db.clone()));
        let pending = crate::submissions::Pending { row, actor: who.actor(), fully_online: p.fully_online(), read, discard_draft: !at_desk };
        match writer.write(pending).await {
            Ok(row) => Ok((Dossier::from_row(row), true)),
            Err(e) => {
                // A concurrent submission with the same key won the race: answer with its dossier.
                if let Some(existing) = self.by_idempotency(applicant.id, key.as_deref()).await? {
                    return Ok((existing, false));
                }
                Err(e)
            }
        }
    }

    async fn by_idempotency(&self, applicant: uuid::Uuid, key: Option<&str>) -> Result<Option<Dossier>> {
        let Some(key) = key else { return Ok(None) };
        let row = dossier::Entity::find()
            .filter(dossier::Column::ApplicantId.eq(applicant))
            .filter(dossier::Column::IdempotencyKey.eq(key))
            .one(&self.db)
            .await
            .map_err(db_error)?;
        Ok(row.map(Dossier::from_row))
    }

    pub(crate) async fn load(&self, who: &Principal, id: uuid::Uuid) -> Result<dossier::Model> {
        let d = dossier::Entity::find_by_id(id).one(&self.db).await.map_err(db_error)?;
        // A dossier the person may not see answers as if it did not exist.
        d.filter(|d| may_see(who, d)).ok_or_else(|| Error::not_found("hồ sơ"))
    }

    pub async fn get(&self, who: &Principal, id: uuid::Uuid) -> Result<Dossier> {
        self.load(who, id).await.map(Dossier::from_row)
    }

    pub async fn timeline(&self, who: &Principal, id: uuid::Uuid) -> Result<Vec<TimelineEntry>> {
        self.load(who, id).await?;
        let events = event::Entity::find().filter(event::Column::DossierId.eq(id)).order_by_asc(event::Column::At).all(&self.db).await.map_err(db_error)?;
        Ok(events.into_iter().map(TimelineEntry::from).collect())
    }

    /// Applies one action of the one-stop flow.
    pub async fn act(&self, who: &Principal, id: uuid::Uuid, req: ActRequest) -> Result<Dossier> {
        let d = self.load(who, id).await?;
        if d.version != req.version {
            return Err(Error::conflict("version_conflict", "Hồ sơ vừa được người khác cập nhật. Hãy tải lại trước khi thao tác."));
        }
        let from = State::parse(&d.state).ok_or_else(|| Error::other("unknown state"))?;
        let resume = d.resume_state.as_deref().and_then(State::parse);
        let (to, actor) = machine::next(from, req.action, resume)?;
        let allowed = match actor {
            Actor::Applicant => who.user_id == d.applicant_id,
            // The result goes back at the desk that received the dossier, wherever it ended.
            Actor::Staff(roles) if req.action == machine::Action::ReturnResult => acts_for(who, roles, &d.agency_code),
            Actor::Staff(roles) => acts_for(who, roles, &d.current_unit_code),
        };
        if !allowed {
            return Err(Error::Forbidden);
        }
        let note = tinhso_core::text::nfc(&req.note);
        if req.action.needs_reason() && note.is_empty() {
            return Err(Error::invalid("reason_required", "Lý do", "cần ghi rõ lý do bằng văn bản."));
        }
        let procedure = self.catalog.get(&d.procedure_code).await?;
        let now = Utc::now();
        let mut m: dossier::ActiveModel = d.clone().into();
        crate::rules::apply(self, who, &mut m, &d, &procedure, req.action, req.assignee, now).await?;
        // Approval signs the result before the transaction: the PDF is stored by its hash, so a
        // rolled-back approval leaves at most an unreferenced file.
        let result = if req.action == machine::Action::Approve {
            Some(crate::results::issue(&self.db, &self.blobs, &self.public_url, &d, &procedure, now).await?)
        } else {
            None
        };
        m.state = Set(to.as_str().into());
        m.version = Set(d.version + 1);
        m.updated_at = Set(now);
        self.save(who, d, m, req.action.as_str(), from, to, &note, result).await
    }

    /// Records the apology letter with a new appointment for a late dossier.
    pub async fn apologize(&self, who: &Principal, id: uuid::Uuid, req: ApologyRequest) -> Result<Dossier> {
        let d = self.load(who, id).await?;
        let from = State::parse(&d.state).ok_or_else(|| Error::other("unknown state"))?;
        if !acts_for(who, &[Role::OneStopOfficer, Role::Approver], &d.current_unit_code) {
            return Err(Error::Forbidden);
        }
        if d.version != req.version {
            return Err(Error::conflict("version_conflict", "Hồ sơ vừa được người khác cập nhật. Hãy tải lại trước khi thao tác."));
        }
        let now = Utc::now();
        if from.is_final() || d.due_at.is_none_or(|due| due >= now) {
            return Err(Error::conflict("not_late", "Chỉ lập phiếu xin lỗi cho hồ sơ đã quá hạn và chưa kết thúc."));
        }
        let reason = tinhso_core::text::nfc(&req.reason);
        if reason.is_empty() || req.new_due_at <= now {
            return Err(Error::invalid("invalid_apology", "Phiếu xin lỗi", "cần lý do và ngày hẹn mới sau thời điểm hiện tại."));
        }
        let mut m: dossier::ActiveModel = d.clone().into();
        m.apologized = Set(true);
        m.due_at = Set(Some(req.new_due_at));
        m.version = Set(d.version + 1);
        m.updated_at = Set(now);
        let note = format!("{reason} Hẹn trả kết quả mới: {}.", req.new_due_at.with_timezone(&tinhso_core::calendar::vietnam()).format("%H:%M ngày %d/%m/%Y"));
        self.save(who, d, m, "apologize", from, from, &note, None).await
    }

    #[allow(clippy::too_many_arguments)]
    async fn save(&self, who: &Principal, d: dossier::Model, m: dossier::ActiveModel, action: &str, from: State, to: State, note: &str, result: Option<crate::results::NewResult>) -> Result<Dossier> {
        let tx = tinhso_audit::begin(&self.db).await?;
        let res = dossier::Entity::update_many()
            .set(m.clone())
            .filter(dossier::Column::Id.eq(d.id))
            .filter(dossier::Column::Version.eq(d.version))
            .exec(&tx)
            .await
            .map_err(db_error)?;
        if res.rows_affected == 0 {
            return Err(Error::conflict("version_conflict", "Hồ sơ vừa được người khác cập nhật. Hãy tải lại trước khi thao tác."));
        }
        if let Some(r) = &result {
            crate::results::record(&tx, d.id, r).await?;
        }
        let new = m.try_into_model().map_err(db_error)?;
        let mut batch = Batch::new();
        figures::push(&mut batch, tx.get_database_backend(), &new, &Delta::default().add("electronic_results", i64::from(result.is_some())).state_change(Some(&d), &new));
        push_event(&tx, &mut batch, Event { dossier: d.id, actor: &who.actor(), action, from: Some(from), to, note });
        tx.run(batch).await.map_err(db_error)?;
        tx.commit().await.map_err(db_error)?;
        crate::documents::after_transition(self, who, d.id, action).await; // wallet: accepted documents (receive) and the signed result (approve) go to the applicant's store
        // Read back without the visibility check: after a transfer the actor may no longer
        // see the dossier, but they are owed the outcome of what they just did.
        let row = dossier::Entity::find_by_id(d.id).one(&self.db).await.map_err(db_error)?.ok_or_else(|| Error::not_found("hồ sơ"))?;
        Ok(Dossier::from_row(row))
    }

    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    pub(crate) fn calendar(&self) -> &WorkingCalendar {
        self.calendar
    }

    /// Flags dossiers whose due time has passed while their clock runs; returns how many.
    pub async fn flag_overdue(&self, now: DateTime<Utc>) -> Result<u64> {
        let running: Vec<&str> = State::ALL.iter().filter(|s| !s.clock_stopped()).map(|s| s.as_str()).collect();
        let late = dossier::Entity::find()
            .filter(dossier::Column::Overdue.eq(false))
            .filter(dossier::Column::DueAt.lt(now))
            .filter(dossier::Column::State.is_in(running))
            .all(&self.db)
            .await
            .map_err(db_error)?;
        let mut flagged = 0;
        for d in late {
            let tx = tinhso_audit::begin(&self.db).await?;
            let res = dossier::Entity::update_many()
                .col_expr(dossier::Column::Overdue, true.into())
                .filter(dossier::Column::Id.eq(d.id))
                .filter(dossier::Column::Overdue.eq(false))
                .exec(&tx)
                .await
                .map_err(db_error)?;
            if res.rows_affected == 1 {
                let mut batch = Batch::new();
                figures::push(&mut batch, tx.get_database_backend(), &d, &Delta::default().state_change(Some(&d), &dossier::Model { overdue: true, ..d.clone() }));
                let state = State::parse(&d.state).unwrap_or(State::Received);
                push_event(&tx, &mut batch, Event { dossier: d.id, actor: "system:overdue-job", action: "overdue", from: Some(state), to: state, note: "Hồ sơ đã quá hạn giải quyết." });
                tx.run(batch).await.map_err(db_error)?;
                flagged += 1;
            }
            tx.commit().await.map_err(db_error)?;
        }
        Ok(flagged)
    }
}
