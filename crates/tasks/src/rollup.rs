//! What is computed over all tasks: overdue flags (a background job), budget roll-ups from the
//! task rows, and the per-agency figures the indicators are built on.
use crate::entity::{plan, report, task};
use crate::model::{BudgetLine, Status, Task};
use crate::service::Tasks;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use std::collections::{BTreeMap, HashSet};
use tinhso_audit::Entry;
use tinhso_core::Result;
use tinhso_db::db_error;

/// Per org unit (the lead agency), as of a day.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct TaskFigures {
    pub org_code: String,
    /// Tasks assigned (not cancelled).
    pub assigned: i64,
    /// Of those, followed on the platform: at least one progress report, or done.
    pub tracked: i64,
    /// Tasks whose deadline has passed.
    pub due: i64,
    /// Of those, done by the deadline.
    pub done_on_time: i64,
    /// Open and past the deadline.
    pub overdue: i64,
}

/// The sums of a plan's budget.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Budget {
    pub plan: String,
    pub by_agency: Vec<BudgetLine>,
    pub by_funding: Vec<BudgetLine>,
    pub total_vnd: i64,
}

impl Tasks {
    /// Flags open tasks whose deadline has passed (in Vietnam's calendar) as overdue, and
    /// queues one e-mail notice per task to its lead agency in the same transaction
    /// (sent by [`crate::mail::Notifier`]).
    pub async fn flag_overdue(&self, now: DateTime<Utc>) -> Result<usize> {
        let today = now.with_timezone(&tinhso_core::calendar::vietnam()).date_naive();
        let late = task::Entity::find()
            .filter(task::Column::Status.is_in([Status::NotStarted.as_str(), Status::InProgress.as_str()]))
            .filter(task::Column::DeadlineOn.lt(today))
            .all(&self.db)
            .await
            .map_err(db_error)?;
        if late.is_empty() {
            return Ok(0);
        }
        let tx = tinhso_audit::begin(&self.db).await?;
        for t in &late {
            let am = task::ActiveModel { id: Set(t.id), status: Set(Status::Overdue.as_str().into()), overdue_flagged_at: Set(Some(now)), updated_at: Set(now), ..Default::default() };
            task::Entity::update(am).exec(&tx).await.map_err(db_error)?;
            let detail = serde_json::json!({"org": t.lead_org_code, "deadline": t.deadline_on, "plan": t.plan_code, "number": t.number});
            tinhso_audit::record(&tx, Entry::new("system:tasks", "task.overdue", format!("task:{}", t.id)).purpose("thông báo nhiệm vụ quá hạn cho đơn vị chủ trì").detail(detail)).await?;
            // The notice to the lead agency is queued with the flag: both or neither.
            crate::mail::enqueue(&tx, t, crate::mail::OVERDUE, now).await?;
        }
        tx.commit().await.map_err(db_error)?;
        Ok(late.len())
    }

    /// Budget sums of one plan. By agency: the tasks (sub-items are already in their parent).
    /// By funding source: the leaves (a task's sub-items where it has some, else the task).
    pub async fn budget(&self, plan: &str) -> Result<Budget> {
        let rows = task::Entity::find().filter(task::Column::PlanCode.eq(plan)).all(&self.db).await.map_err(db_error)?;
        let parents: HashSet<(String, String)> = rows.iter().filter(|r| !r.parent_number.is_empty()).map(|r| (r.section.clone(), r.parent_number.clone())).collect();
        let mut by_agency: BTreeMap<String, BudgetLine> = BTreeMap::new();
        let mut by_funding: BTreeMap<String, BudgetLine> = BTreeMap::new();
        let mut total = 0;
        for r in rows.iter().filter(|r| r.budget_vnd.is_some()) {
            let amount = r.budget_vnd.unwrap_or(0);
            if r.parent_number.is_empty() {
                let key = r.lead_org_code.clone().unwrap_or_else(|| r.lead_agencies.clone());
                let line = by_agency.entry(key.clone()).or_insert_with(|| BudgetLine { key, label: r.lead_agencies.clone(), tasks: 0, total_vnd: 0 });
                line.tasks += 1;
                line.total_vnd += amount;
                total += amount;
            }
            if !parents.contains(&(r.section.clone(), r.number.clone())) {
                let key = if r.funding.is_empty() { "—".to_owned() } else { r.funding.clone() };
                let line = by_funding.entry(key.clone()).or_insert_with(|| BudgetLine { label: key.replace(' ', ", "), key, tasks: 0, total_vnd: 0 });
                line.tasks += 1;
                line.total_vnd += amount;
            }
        }
        Ok(Budget { plan: plan.to_owned(), by_agency: by_agency.into_values().collect(), by_funding: by_funding.into_values().collect(), total_vnd: total })
    }

    /// The plans (code, title), by code: for statistics and open data.
    pub async fn plans(&self) -> Result<Vec<(String, String)>> {
        let rows = plan::Entity::find().all(&self.db).await.map_err(db_error)?;
        let mut out: Vec<(String, String)> = rows.into_iter().map(|p| (p.code, p.title)).collect();
        out.sort();
        Ok(out)
    }

    /// Every task of every plan in document order, for statistics and open data. Tasks are
    /// not personal data; progress reports (whose text may be) are not part of a [`Task`].
    pub async fn all_tasks(&self) -> Result<Vec<Task>> {
        let rows = task::Entity::find().all(&self.db).await.map_err(db_error)?;
        let mut tasks: Vec<Task> = rows.into_iter().map(Task::from_row).collect();
        tasks.sort_by(|a, b| (&a.plan, &a.section, crate::service::number_key(&a.number)).cmp(&(&b.plan, &b.section, crate::service::number_key(&b.number))));
        Ok(tasks)
    }

    /// Task figures per lead agency as of `day`, plus the province as a whole under `province`.
    pub async fn figures(&self, day: NaiveDate, province: &str) -> Result<Vec<TaskFigures>> {
        let rows = task::Entity::find().filter(task::Column::Status.ne(Status::Cancelled.as_str())).all(&self.db).await.map_err(db_error)?;
        let reported: HashSet<uuid::Uuid> = report::Entity::find()
            .select_only()
            .column(report::Column::TaskId)
            .into_tuple::<uuid::Uuid>()
            .all(&self.db)
            .await
            .map_err(db_error)?
            .into_iter()
            .collect();
        let mut per: BTreeMap<String, TaskFigures> = BTreeMap::new();
        for r in rows {
            let t = Task::from_row(r);
            let tracked = reported.contains(&t.id) || t.status == Status::Done;
            let due = t.deadline_on.is_some_and(|d| d < day);
            let on_time = due && t.done_on_time();
            let overdue = due && t.status.is_open();
            let mut keys = vec![province.to_owned()];
            keys.extend(t.lead_org_code.clone());
            for k in keys {
                let f = per.entry(k.clone()).or_insert_with(|| TaskFigures { org_code: k, ..Default::default() });
                f.assigned += 1;
                f.tracked += i64::from(tracked);
                f.due += i64::from(due);
                f.done_on_time += i64::from(on_time);
                f.overdue += i64::from(overdue);
            }
        }
        Ok(per.into_values().collect())
    }
}
