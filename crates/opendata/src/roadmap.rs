//! The priority list and roadmap: which datasets each agency owes and by when, and whether
//! each is published, late or not yet due. The share of agencies with nothing late feeds the
//! indicator "share of agencies publishing open data to standard".
use crate::entity::priority;
use crate::index::Viewer;
use crate::service::{Actor, OpenData};
use chrono::{NaiveDate, Utc};
use sea_orm::{ActiveValue::Set, EntityTrait, QueryOrder};
use serde::Serialize;
use tinhso_audit::Entry;
use tinhso_core::{Error, Result, text::nfc};
use tinhso_db::db_error;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Published,
    /// Published after its due date.
    PublishedLate,
    /// Not published and past due: missing.
    Late,
    Pending,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Published => "Đã công bố đúng hạn",
            Status::PublishedLate => "Đã công bố (trễ hạn)",
            Status::Late => "Quá hạn, chưa công bố",
            Status::Pending => "Chưa đến hạn",
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Item {
    pub id: uuid::Uuid,
    pub org_code: String,
    pub title: String,
    pub description: String,
    pub due_date: NaiveDate,
    /// The dataset that fulfils it, once published.
    pub dataset_name: String,
    pub status: Status,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AgencyRow {
    pub org_code: String,
    pub org_title: String,
    pub owed: usize,
    pub published: usize,
    pub late: usize,
    pub pending: usize,
    pub items: Vec<Item>,
}

impl OpenData {
    /// Adds an item to an agency's roadmap (a steward of that unit, or an administrator).
    pub async fn add_priority(&self, actor: &Actor, org_code: &str, title: &str, description: &str, due: &str, dataset_name: &str) -> Result<()> {
        if !actor.may_write(org_code) {
            return Err(Error::Forbidden);
        }
        let title = nfc(title);
        if title.is_empty() || title.chars().count() > 300 {
            return Err(Error::invalid("invalid_priority_title", "Tên bộ dữ liệu", "cần tên (tối đa 300 ký tự)."));
        }
        let due = NaiveDate::parse_from_str(due.trim(), "%Y-%m-%d").map_err(|_| Error::invalid("invalid_due_date", "Hạn công bố", "cần ngày dạng YYYY-MM-DD."))?;
        let id = tinhso_core::new_id();
        let tx = tinhso_audit::begin(&self.db).await?;
        priority::Entity::insert(priority::ActiveModel {
            id: Set(id),
            org_code: Set(org_code.to_owned()),
            title: Set(title),
            description: Set(nfc(description)),
            due_date: Set(due),
            dataset_name: Set(dataset_name.trim().to_owned()),
            created_by: Set(actor.id()),
            created_at: Set(Utc::now()),
        })
        .exec_without_returning(&tx)
        .await
        .map_err(db_error)?;
        tinhso_audit::record(&tx, Entry::new(actor.id(), "opendata.priority.create", format!("priority:{id}")).detail(serde_json::json!({"org": org_code}))).await?;
        tx.commit().await.map_err(db_error)
    }

    /// The roadmap per agency, with each item's status today.
    pub async fn roadmap(&self) -> Result<Vec<AgencyRow>> {
        let rows = priority::Entity::find().order_by_asc(priority::Column::OrgCode).order_by_asc(priority::Column::DueDate).all(&self.db).await.map_err(db_error)?;
        let today = Utc::now().with_timezone(&tinhso_core::calendar::vietnam()).date_naive();
        let orgs = self.orgs();
        let mut out: Vec<AgencyRow> = Vec::new();
        for p in rows {
            let published = match p.dataset_name.as_str() {
                "" => None,
                name => self.get(name, &Viewer::default()).await.ok(),
            };
            let status = match published {
                Some(d) if d.created_at.with_timezone(&tinhso_core::calendar::vietnam()).date_naive() <= p.due_date => Status::Published,
                Some(_) => Status::PublishedLate,
                None if p.due_date < today => Status::Late,
                None => Status::Pending,
            };
            let item = Item { id: p.id, org_code: p.org_code.clone(), title: p.title, description: p.description, due_date: p.due_date, dataset_name: p.dataset_name, status };
            match out.last_mut().filter(|r| r.org_code == p.org_code) {
                Some(row) => row.items.push(item),
                None => out.push(AgencyRow { org_title: orgs.title(&p.org_code), org_code: p.org_code, owed: 0, published: 0, late: 0, pending: 0, items: vec![item] }),
            }
        }
        for row in &mut out {
            row.owed = row.items.len();
            row.published = row.items.iter().filter(|i| matches!(i.status, Status::Published | Status::PublishedLate)).count();
            row.late = row.items.iter().filter(|i| i.status == Status::Late).count();
            row.pending = row.items.iter().filter(|i| i.status == Status::Pending).count();
        }
        Ok(out)
    }
}

impl OpenData {
    /// For the indicator "share of agencies publishing open data to standard": agencies with a
    /// roadmap that have published and have nothing late, and all agencies with a roadmap.
    pub async fn agencies_on_track(&self) -> Result<(usize, usize)> {
        let rows = self.roadmap().await?;
        Ok((rows.iter().filter(|r| r.late == 0 && r.published > 0).count(), rows.len()))
    }
}
