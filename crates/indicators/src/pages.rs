//! Pages: the leaders' operations centre `/dieu-hanh` (figures, statuses in colour, ranked
//! agencies and communes, overdue tasks, SVG trends), the drill-down of one indicator
//! `/dieu-hanh/chi-so/{code}`, and the public page of the main indicators `/chi-so` with its
//! CSV download.
use crate::http::{leader, staff};
use crate::ioc::{Dashboard, UnitRow};
use crate::service::{Indicators, OrgValue, View};
use askama::Template;
use axum::extract::{FromRef, Path, Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use sea_orm::DatabaseConnection;
use serde::Serialize;
use std::sync::Arc;
use tinhso_core::Result;
use tinhso_web::{Chrome, PageError, SignedIn, render};

pub fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Arc<Indicators>: FromRef<S>,
    DatabaseConnection: FromRef<S>,
{
    Router::new()
        .route("/dieu-hanh", get(ioc))
        .route("/dieu-hanh/chi-so/{code}", get(drill))
        .route("/dieu-hanh/don-vi/{org}", get(unit))
        .route("/chi-so", get(public_page))
        .route("/chi-so.csv", get(public_csv))
        .route("/chi-so.xlsx", get(public_xlsx))
}

/// 95.3 → "95,3%"; none → "—".
pub fn pct(v: &Option<f64>) -> String {
    v.map(|v| format!("{v:.1}%").replace('.', ",")).unwrap_or_else(|| "—".into())
}

#[derive(Template)]
#[template(path = "ioc.html")]
struct IocPage {
    chrome: Chrome,
    d: Arc<Dashboard>,
    charts: Vec<(String, String)>,
    updated: String,
}

fn time(t: chrono::DateTime<chrono::Utc>) -> String {
    t.with_timezone(&tinhso_core::calendar::vietnam()).format("%H:%M:%S %d/%m/%Y").to_string()
}

async fn ioc(chrome: Chrome, SignedIn(who): SignedIn, State(svc): State<Arc<Indicators>>) -> Result<Html<String>, PageError> {
    let fail = |e| PageError(e, Box::new(chrome.clone()));
    leader(&who).map_err(fail)?;
    let d = svc.dashboard().await.map_err(fail)?;
    let charts = d
        .trends
        .iter()
        .map(|t| {
            let target = d.indicators.iter().find(|v| v.code == t.code).and_then(|v| v.target);
            (t.code.clone(), crate::svg::trend(&format!("{} — 12 tháng", t.name), &t.points, target))
        })
        .collect();
    let updated = time(d.updated_at);
    render(&IocPage { chrome, d, charts, updated })
}

#[derive(Template)]
#[template(path = "drill.html")]
struct DrillPage {
    chrome: Chrome,
    head: View,
    units: Vec<OrgValue>,
    period: String,
    chart: String,
}

#[derive(serde::Deserialize)]
struct PeriodQuery {
    period: Option<String>,
}

async fn drill(chrome: Chrome, SignedIn(who): SignedIn, State(svc): State<Arc<Indicators>>, Path(code): Path<String>, Query(q): Query<PeriodQuery>) -> Result<Html<String>, PageError> {
    let fail = |e| PageError(e, Box::new(chrome.clone()));
    staff(&who).map_err(fail)?;
    let period = q.period.filter(|p| !p.is_empty()).unwrap_or_else(Indicators::current_period);
    let (head, units) = svc.by_org(&code, &period).await.map_err(fail)?;
    let points = svc.series(&code, &svc.province, &period, 12).await.map_err(fail)?;
    let chart = crate::svg::trend(&format!("{} — 12 tháng", head.name), &points, head.target);
    render(&DrillPage { chrome, head, units, period, chart })
}

#[derive(Template)]
#[template(path = "unit.html")]
struct UnitPage {
    chrome: Chrome,
    name: String,
    views: Vec<View>,
    period: String,
}

/// One org unit's indicators (the drill-down from the province to an agency or a commune).
async fn unit(chrome: Chrome, SignedIn(who): SignedIn, State(svc): State<Arc<Indicators>>, Path(org): Path<String>, Query(q): Query<PeriodQuery>) -> Result<Html<String>, PageError> {
    let fail = |e| PageError(e, Box::new(chrome.clone()));
    staff(&who).map_err(fail)?;
    let unit = tinhso_identity::org_units::by_code(svc.db(), &org).await.map_err(fail)?;
    let period = q.period.filter(|p| !p.is_empty()).unwrap_or_else(Indicators::current_period);
    let views = svc.overview(&period, &org, false).await.map_err(fail)?.into_iter().filter(|v| v.value.is_some()).collect();
    render(&UnitPage { chrome, name: unit.name, views, period })
}

/// What the public page and its downloads publish: no personal data, only counts and shares.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Public {
    pub period: String,
    pub indicators: Vec<View>,
    pub agencies: Vec<UnitRow>,
    pub communes: Vec<UnitRow>,
}

pub async fn public_figures(svc: &Indicators) -> Result<Public> {
    let d = svc.dashboard().await?;
    Ok(Public { period: d.period.clone(), indicators: d.indicators.clone(), agencies: d.agencies.clone(), communes: d.communes.clone() })
}

#[derive(Template)]
#[template(path = "public.html")]
struct PublicPage {
    chrome: Chrome,
    p: Public,
}

async fn public_page(chrome: Chrome, State(svc): State<Arc<Indicators>>) -> Result<Html<String>, PageError> {
    let p = public_figures(&svc).await.map_err(|e| PageError(e, Box::new(chrome.clone())))?;
    render(&PublicPage { chrome, p })
}

fn csv_cell(s: &str) -> String {
    // A leading = + - @ would be read as a formula by spreadsheets.
    let s = if s.starts_with(['=', '+', '-', '@']) { format!("'{s}") } else { s.to_owned() };
    format!("\"{}\"", s.replace('"', "\"\""))
}

async fn public_csv(State(svc): State<Arc<Indicators>>) -> Result<Response, PageError> {
    let p = public_figures(&svc).await?;
    let mut out = String::from("\u{feff}loai,ma,ten,gia_tri,chi_tieu,trang_thai,ho_so,dung_han,tre_han\n");
    let num = |v: Option<f64>| v.map(|v| format!("{v:.2}")).unwrap_or_default();
    for v in &p.indicators {
        out += &format!("chi_tieu,{},{},{},{},{},,,\n", csv_cell(&v.code), csv_cell(&v.name), num(v.value), num(v.target), csv_cell(v.status_label));
    }
    for (kind, rows) in [("co_quan", &p.agencies), ("xa", &p.communes)] {
        for u in rows {
            out += &format!("{kind},{},{},{},,,{},{},{}\n", csv_cell(&u.code), csv_cell(&u.name), num(u.on_time_rate), u.submitted, u.on_time, u.late);
        }
    }
    let name = format!("attachment; filename=\"chi-so-{}.csv\"", p.period);
    Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()), (header::CONTENT_DISPOSITION, name)], out).into_response())
}

async fn public_xlsx(State(svc): State<Arc<Indicators>>) -> Result<Response, PageError> {
    let p = public_figures(&svc).await?;
    let bytes = crate::xlsx::public_workbook(&p)?;
    let name = format!("attachment; filename=\"chi-so-{}.xlsx\"", p.period);
    Ok(([(header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned()), (header::CONTENT_DISPOSITION, name)], bytes).into_response())
}
