//! The task service: who sees which tasks, progress reports by the lead agency, and the
//! assigning office's decision on them. Every change is audited in its own transaction.
use crate::entity::{report, task, task_org};
use crate::model::{Report, Status, Task};
use chrono::Utc;
use sea_orm::{ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashSet;
use tinhso_audit::Entry;
use tinhso_core::{Error, Result, roles::Role, text::nfc};
use tinhso_db::{blobs::BlobStore, db_error};
use tinhso_identity::Principal;
use uuid::Uuid;

/// Largest attachment of a progress report.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;

#[derive(Clone, Debug)]
pub struct Tasks {
    pub(crate) db: DatabaseConnection,
    blobs: BlobStore,
}

/// Which tasks a person sees: the leadership sees every agency's, staff their units'.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    All,
    Units(Vec<String>),
}

pub fn scope_of(who: &Principal) -> Result<Scope> {
    if who.has(Role::Leader) || who.has(Role::Admin) {
        return Ok(Scope::All);
    }
    let units: Vec<String> = who.roles.iter().filter(|g| g.role.is_staff()).filter_map(|g| g.org_unit_code.clone()).collect();
    if units.is_empty() { Err(Error::Forbidden) } else { Ok(Scope::Units(units)) }
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
pub struct Filter {
    /// Plan code, e.g. `05/KH-UBND`.
    pub plan: Option<String>,
    /// not_started | in_progress | done | overdue | cancelled
    pub status: Option<String>,
    /// Org-unit code of the lead agency.
    pub org: Option<String>,
}

/// What the lead agency reports.
#[derive(Debug, Clone, Default)]
pub struct NewReport {
    pub progress: i32,
    pub completed: bool,
    pub note: String,
    /// (file name, MIME type, bytes)
    pub file: Option<(String, String, Vec<u8>)>,
}

impl Tasks {
    pub fn new(db: DatabaseConnection, blobs: BlobStore) -> Tasks {
        Tasks { db, blobs }
    }

    async fn ids_of_units(&self, units: &[String], role: Option<&str>) -> Result<HashSet<Uuid>> {
        let mut q = task_org::Entity::find().filter(task_org::Column::OrgCode.is_in(units.iter().cloned()));
        if let Some(role) = role {
            q = q.filter(task_org::Column::Role.eq(role));
        }
        Ok(q.all(&self.db).await.map_err(db_error)?.into_iter().map(|r| r.task_id).collect())
    }

    /// The tasks `who` may see, in document order.
    pub async fn list(&self, who: &Principal, f: &Filter) -> Result<Vec<Task>> {
        let scope = scope_of(who)?;
        let mut q = task::Entity::find();
        if let Some(p) = f.plan.as_deref().filter(|p| !p.is_empty()) {
            q = q.filter(task::Column::PlanCode.eq(p));
        }
        if let Some(s) = f.status.as_deref().filter(|s| !s.is_empty()) {
            let s = Status::parse(s).ok_or_else(|| Error::invalid("invalid_status", "Trạng thái", "không hợp lệ."))?;
            q = q.filter(task::Column::Status.eq(s.as_str()));
        }
        if let Some(o) = f.org.as_deref().filter(|o| !o.is_empty()) {
            let ids = self.ids_of_units(&[o.to_owned()], Some("lead")).await?;
            q = q.filter(task::Column::Id.is_in(ids));
        }
        if let Scope::Units(units) = &scope {
            let ids = self.ids_of_units(units, None).await?;
            q = q.filter(task::Column::Id.is_in(ids));
        }
        let rows = q.order_by_asc(task::Column::PlanCode).order_by_asc(task::Column::Section).all(&self.db).await.map_err(db_error)?;
        let mut tasks: Vec<Task> = rows.into_iter().map(Task::from_row).collect();
        tasks.sort_by(|a, b| (&a.plan, &a.section, number_key(&a.number)).cmp(&(&b.plan, &b.section, number_key(&b.number))));
        Ok(tasks)
    }

    /// One task `who` may see, with its reports, newest first. A task outside the person's
    /// scope answers as if it did not exist.
    pub async fn get(&self, who: &Principal, id: Uuid) -> Result<(Task, Vec<Report>)> {
        let scope = scope_of(who)?;
        let row = task::Entity::find_by_id(id).one(&self.db).await.map_err(db_error)?.ok_or_else(|| Error::not_found("nhiệm vụ"))?;
        if let Scope::Units(units) = &scope
            && !self.ids_of_units(units, None).await?.contains(&id)
        {
            return Err(Error::not_found("nhiệm vụ"));
        }
        let reports = report::Entity::find()
            .filter(report::Column::TaskId.eq(id))
            .order_by_desc(report::Column::CreatedAt)
            .all(&self.db)
            .await
            .map_err(db_error)?;
        Ok((Task::from_row(row), reports.into_iter().map(Report::from_row).collect()))
    }

    /// The lead agency's staff report progress. Anyone else is refused.
    pub async fn report(&self, who: &Principal, id: Uuid, new: NewReport) -> Result<Report> {
        let (task, _) = self.get(who, id).await?;
        let leads = self.lead_units(id).await?;
        let org = who
            .roles
            .iter()
            .filter(|g| g.role.is_staff() && g.role != Role::Leader)
            .filter_map(|g| g.org_unit_code.clone())
            .find(|u| leads.contains(u))
            .ok_or(Error::Forbidden)?;
        if !task.status.is_open() {
            return Err(Error::conflict("task_closed", "Nhiệm vụ đã hoàn thành hoặc đã hủy, không nhận báo cáo mới."));
        }
        if !(0..=100).contains(&new.progress) {
            return Err(Error::invalid("invalid_progress", "Tiến độ", "phải từ 0 đến 100 (%)."));
        }
        let note = nfc(new.note.trim());
        if note.is_empty() {
            return Err(Error::invalid("invalid_note", "Nội dung báo cáo", "không được để trống."));
        }
        let (blob_hash, file_name, mime) = match new.file {
            Some((name, mime, bytes)) if !bytes.is_empty() => {
                if bytes.len() > MAX_FILE_BYTES {
                    return Err(Error::invalid("file_too_large", "Tệp đính kèm", "không quá 10 MB."));
                }
                (Some(self.blobs.put(bytes).await?), nfc(&name).chars().take(200).collect(), mime)
            }
            _ => (None, String::new(), String::new()),
        };
        let rid = tinhso_core::new_id();
        let row = report::ActiveModel {
            id: Set(rid),
            task_id: Set(id),
            author_id: Set(who.user_id),
            org_code: Set(org.clone()),
            progress: Set(if new.completed { 100 } else { new.progress }),
            completed: Set(new.completed),
            note: Set(note),
            blob_hash: Set(blob_hash),
            file_name: Set(file_name),
            mime: Set(mime),
            decision: Set("pending".into()),
            decided_by: Set(None),
            decided_at: Set(None),
            decision_note: Set(String::new()),
            created_at: Set(Utc::now()),
        };
        let tx = tinhso_audit::begin(&self.db).await?;
        report::Entity::insert(row).exec_without_returning(&tx).await.map_err(db_error)?;
        if task.status == Status::NotStarted {
            let am = task::ActiveModel { id: Set(id), status: Set(Status::InProgress.as_str().into()), updated_at: Set(Utc::now()), ..Default::default() };
            task::Entity::update(am).exec(&tx).await.map_err(db_error)?;
        }
        let detail = serde_json::json!({"report": rid, "org": org, "progress": new.progress, "completed": new.completed});
        tinhso_audit::record(&tx, Entry::new(who.actor(), "task.report", format!("task:{id}")).detail(detail)).await?;
        tx.commit().await.map_err(db_error)?;
        let saved = report::Entity::find_by_id(rid).one(&self.db).await.map_err(db_error)?.ok_or_else(|| Error::not_found("báo cáo"))?;
        Ok(Report::from_row(saved))
    }

    async fn lead_units(&self, id: Uuid) -> Result<Vec<String>> {
        let rows = task_org::Entity::find().filter(task_org::Column::TaskId.eq(id)).filter(task_org::Column::Role.eq("lead")).all(&self.db).await.map_err(db_error)?;
        Ok(rows.into_iter().map(|r| r.org_code).collect())
    }

    /// The assigning office (the province's leadership) accepts or returns a pending report.
    /// Accepting a report of completion closes the task as done at the report's date.
    pub async fn decide(&self, who: &Principal, task_id: Uuid, report_id: Uuid, accept: bool, note: &str) -> Result<Task> {
        if !who.has(Role::Leader) {
            return Err(Error::Forbidden);
        }
        let note = nfc(note.trim());
        if !accept && note.is_empty() {
            return Err(Error::invalid("invalid_note", "Lý do trả lại", "cần ghi rõ để đơn vị bổ sung."));
        }
        let tx = tinhso_audit::begin(&self.db).await?;
        let r = report::Entity::find_by_id(report_id).one(&tx).await.map_err(db_error)?.filter(|r| r.task_id == task_id).ok_or_else(|| Error::not_found("báo cáo"))?;
        if r.decision != "pending" {
            return Err(Error::conflict("already_decided", "Báo cáo này đã được xử lý."));
        }
        let t = task::Entity::find_by_id(task_id).one(&tx).await.map_err(db_error)?.ok_or_else(|| Error::not_found("nhiệm vụ"))?;
        let now = Utc::now();
        let decision = if accept { "accepted" } else { "returned" };
        let am = report::ActiveModel { id: Set(report_id), decision: Set(decision.into()), decided_by: Set(Some(who.user_id)), decided_at: Set(Some(now)), decision_note: Set(note.clone()), ..Default::default() };
        report::Entity::update(am).exec(&tx).await.map_err(db_error)?;
        if accept {
            let mut am = task::ActiveModel { id: Set(task_id), progress: Set(r.progress), updated_at: Set(now), ..Default::default() };
            if r.completed {
                am.status = Set(Status::Done.as_str().into());
                am.done_at = Set(Some(r.created_at));
            } else if t.status == Status::NotStarted.as_str() {
                am.status = Set(Status::InProgress.as_str().into());
            }
            task::Entity::update(am).exec(&tx).await.map_err(db_error)?;
        }
        let detail = serde_json::json!({"report": report_id, "note": note});
        let action = if accept { "task.accept" } else { "task.return" };
        tinhso_audit::record(&tx, Entry::new(who.actor(), action, format!("task:{task_id}")).detail(detail)).await?;
        tx.commit().await.map_err(db_error)?;
        let row = task::Entity::find_by_id(task_id).one(&self.db).await.map_err(db_error)?.ok_or_else(|| Error::not_found("nhiệm vụ"))?;
        Ok(Task::from_row(row))
    }

    /// The attachment of a report, for someone who may see the task.
    pub async fn report_file(&self, who: &Principal, task_id: Uuid, report_id: Uuid) -> Result<(String, String, Vec<u8>)> {
        self.get(who, task_id).await?;
        let r = report::Entity::find_by_id(report_id).one(&self.db).await.map_err(db_error)?.filter(|r| r.task_id == task_id).ok_or_else(|| Error::not_found("tệp đính kèm"))?;
        let hash = r.blob_hash.ok_or_else(|| Error::not_found("tệp đính kèm"))?;
        Ok((r.file_name, r.mime, self.blobs.get(&hash).await?))
    }
}

/// "9.10" after "9.9", "3.6a" after "3.6".
pub fn number_key(n: &str) -> Vec<(u32, String)> {
    n.split('.').map(|p| {
        let digits: String = p.chars().take_while(char::is_ascii_digit).collect();
        (digits.parse().unwrap_or(0), p[digits.len()..].to_owned())
    }).collect()
}
