//! `/thong-ke/ho-so`: the leaders' table of dossier figures per agency, commune, procedure or
//! month, with the shares the plan sets targets for (on time, online, fully online, digitised,
//! documents reused, satisfied).
use super::view::{Choice, page_error};
use crate::stats::{Figures, Filter, for_leader};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use chrono::{Datelike, NaiveDate};
use sea_orm::DatabaseConnection;
use serde::Deserialize;
use tinhso_web::{Chrome, PageError, SignedIn, render};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct FiguresQuery {
    nhom: String,
    /// Months, YYYY-MM.
    tu: String,
    den: String,
}

pub struct Row {
    key: String,
    label: String,
    f: Figures,
    on_time: String,
    online: String,
    fully_online: String,
    digitised: String,
    reused: String,
    satisfied: String,
}

fn share(part: i64, whole: i64) -> String {
    if whole == 0 { "–".into() } else { format!("{:.1}%", part as f64 * 100.0 / whole as f64).replace('.', ",") }
}

impl Row {
    fn new(f: Figures, label: String) -> Row {
        Row {
            key: f.key.clone(),
            label,
            on_time: share(f.on_time, f.finished),
            online: share(f.online, f.submitted),
            fully_online: share(f.fully_online, f.submitted),
            digitised: share(f.digitised, f.submitted),
            reused: share(f.documents_reused, f.documents),
            satisfied: share(f.satisfied, f.ratings),
            f,
        }
    }
}

#[derive(Template)]
#[template(path = "figures.html")]
struct FiguresPage {
    chrome: Chrome,
    groups: Vec<Choice>,
    from: String,
    to: String,
    rows: Vec<Row>,
    total: Row,
}

fn month(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(&format!("{s}-01"), "%Y-%m-%d").ok()
}

fn next_month(d: NaiveDate) -> NaiveDate {
    let (y, m) = if d.month() == 12 { (d.year() + 1, 1) } else { (d.year(), d.month() + 1) };
    NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(d)
}

pub async fn page(chrome: Chrome, SignedIn(who): SignedIn, State(db): State<DatabaseConnection>, State(catalog): State<std::sync::Arc<tinhso_catalog::Catalog>>, Query(q): Query<FiguresQuery>) -> Result<Html<String>, PageError> {
    let today = chrono::Utc::now().with_timezone(&tinhso_core::calendar::vietnam()).date_naive();
    let this_month = today.with_day(1).unwrap_or(today);
    let to = month(&q.den).unwrap_or(this_month);
    let from = month(&q.tu).unwrap_or_else(|| NaiveDate::from_ymd_opt(to.year(), 1, 1).unwrap_or(to));
    let group = if q.nhom.is_empty() { "agency" } else { q.nhom.as_str() };
    let figures = for_leader(&db, &who, group, from, next_month(to), Filter::default()).await.map_err(page_error(&chrome))?;
    let units = tinhso_identity::org_units::list(&db).await.map_err(page_error(&chrome))?;
    let label = |key: &str| match group {
        "procedure" => super::view::procedure_name(&catalog, key),
        "month" => key.split_once('-').map(|(y, m)| format!("Tháng {m}/{y}")).unwrap_or_else(|| key.to_owned()),
        _ => units.iter().find(|u| u.code == key).map(|u| u.name.clone()).unwrap_or_else(|| key.to_owned()),
    };
    let mut total = Figures { key: "Toàn tỉnh".into(), ..Figures::default() };
    for f in &figures {
        total.add(f);
    }
    let rows = figures
        .into_iter()
        .map(|f| {
            let l = label(&f.key);
            Row::new(f, l)
        })
        .collect();
    let groups = [("agency", "Cơ quan, đơn vị"), ("commune", "Xã, phường, đặc khu"), ("procedure", "Thủ tục"), ("month", "Tháng")]
        .into_iter()
        .map(|(v, l)| Choice { value: v.into(), label: l.into(), selected: v == group })
        .collect();
    render(&FiguresPage { groups, from: from.format("%Y-%m").to_string(), to: to.format("%Y-%m").to_string(), rows, total: Row::new(total, "Tổng cộng".into()), chrome })
}
