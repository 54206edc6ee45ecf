//! The province's plan as self-published statistics: indicator values against their targets,
//! the progress of the plans' tasks, and the digital-transformation budget. Read through the
//! services of `tinhso-indicators` and `tinhso-tasks`; no report text and no person goes in.
use super::{File, Inputs, csv_of};
use crate::ckan::Orgs;
use chrono::Utc;
use std::collections::BTreeMap;
use tinhso_core::Result;
use tinhso_indicators::{Indicators, PublicValue};
use tinhso_tasks::{Status, Task};

/// Months of indicator values published, the current one included.
pub const INDICATOR_MONTHS: u32 = 12;

/// Queries whose counts are dossiers, hence people: their small counts are hidden.
fn counts_people(query: &str) -> bool {
    query.starts_with("dossiers_") || matches!(query, "results_electronic" | "satisfaction" | "documents_reused")
}

fn number(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

fn status_code(s: tinhso_indicators::status::Status) -> String {
    serde_json::to_value(s).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// One CSV row of an indicator value. Where a count of dossiers is 1–4, the value, both counts
/// and the status are left empty (the value would give the hidden count away).
pub fn indicator_row(v: &PublicValue, orgs: &Orgs) -> Vec<String> {
    let small = |n: i64| n > 0 && n < super::SUPPRESS_BELOW;
    let hide = counts_people(&v.query) && (small(v.numerator) || small(v.denominator) || small(v.denominator - v.numerator));
    let (value, num, den, status, label) = if hide {
        Default::default()
    } else {
        let counted = !v.query.is_empty() && v.value.is_some();
        (
            v.value.map(number).unwrap_or_default(),
            if counted { v.numerator.to_string() } else { String::new() },
            if counted { v.denominator.to_string() } else { String::new() },
            status_code(v.status),
            v.status.label().to_owned(),
        )
    };
    vec![
        v.period.clone(),
        v.code.clone(),
        v.name.clone(),
        v.unit.clone(),
        if v.query.is_empty() { "báo cáo" } else { "tự động" }.to_owned(),
        v.org_code.clone(),
        orgs.title(&v.org_code),
        value,
        num,
        den,
        v.target.map(number).unwrap_or_default(),
        v.target_text.clone(),
        v.target_source.clone(),
        status,
        label,
    ]
}

pub async fn indicators(i: Inputs) -> Result<Vec<File>> {
    let mut months = published_months()?;
    months.reverse();
    let values = i.indicators.public_values(&months).await?;
    if values.is_empty() {
        return Ok(Vec::new());
    }
    let orgs = Orgs::load(&i.db).await?;
    let rows = values.iter().map(|v| indicator_row(v, &orgs)).collect();
    let header = [
        "thang", "ma_chi_tieu", "ten_chi_tieu", "don_vi_tinh", "cach_lay_so_lieu", "ma_don_vi", "ten_don_vi", "gia_tri", "tu_so", "mau_so",
        "chi_tieu", "chi_tieu_theo_van_ban", "nguon_chi_tieu", "trang_thai", "ten_trang_thai",
    ];
    Ok(vec![File {
        name: "Giá trị chỉ tiêu theo tháng và đơn vị (CSV)",
        description: "Mỗi dòng một chỉ tiêu của một đơn vị trong một tháng, với chỉ tiêu kế hoạch của năm và trạng thái (đạt, đúng tiến độ, có nguy cơ không đạt, không đạt).",
        file_name: "chi-tieu-ke-hoach.csv",
        csv: csv_of(&header, rows)?,
    }])
}

fn published_months() -> Result<Vec<String>> {
    tinhso_indicators::compute::months_back(&Indicators::current_period(), INDICATOR_MONTHS)
}

fn day(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default()
}

/// Open and past its deadline as of `today` (the overdue job may not have run yet).
fn is_overdue(t: &Task, today: chrono::NaiveDate) -> bool {
    t.status == Status::Overdue || (t.status.is_open() && t.deadline_on.is_some_and(|d| d < today))
}

/// The agency a task is counted for: its org-unit code, else the name printed in the plan.
fn lead_of(t: &Task, orgs: &Orgs) -> (String, String) {
    match &t.lead_org_code {
        Some(code) => (code.clone(), orgs.title(code)),
        None => (String::new(), t.lead_agencies.clone()),
    }
}

/// Per plan and lead agency: tasks (not cancelled, sub-items not counted again), done, done
/// on time, overdue as of `today`.
pub fn task_summary(tasks: &[Task], orgs: &Orgs, today: chrono::NaiveDate) -> Vec<Vec<String>> {
    let mut per: BTreeMap<(String, String, String), [i64; 4]> = BTreeMap::new();
    for t in tasks.iter().filter(|t| t.parent_number.is_empty() && t.status != Status::Cancelled) {
        let (code, name) = lead_of(t, orgs);
        let c = per.entry((t.plan.clone(), code, name)).or_default();
        let done = t.status == Status::Done;
        c[0] += 1;
        c[1] += i64::from(done);
        c[2] += i64::from(done && t.done_on_time());
        c[3] += i64::from(is_overdue(t, today));
    }
    per.into_iter().map(|((plan, code, name), c)| [vec![plan, code, name], c.iter().map(i64::to_string).collect()].concat()).collect()
}

pub async fn tasks(i: Inputs) -> Result<Vec<File>> {
    let plans: BTreeMap<String, String> = i.tasks.plans().await?.into_iter().collect();
    let all = i.tasks.all_tasks().await?;
    if all.is_empty() {
        return Ok(Vec::new());
    }
    let orgs = Orgs::load(&i.db).await?;
    let vn = tinhso_core::calendar::vietnam();
    let today = Utc::now().with_timezone(&vn).date_naive();
    let rows = all
        .iter()
        .map(|t| {
            let (code, name) = lead_of(t, &orgs);
            let status = if is_overdue(t, today) { Status::Overdue } else { t.status };
            vec![
                t.plan.clone(),
                plans.get(&t.plan).cloned().unwrap_or_default(),
                t.section.clone(),
                t.number.clone(),
                t.parent_number.clone(),
                t.title.clone(),
                code,
                name,
                t.timeframe.clone(),
                day(t.start_on),
                day(t.deadline_on),
                status.as_str().to_owned(),
                status.label().to_owned(),
                t.progress.to_string(),
                day(t.done_at.map(|at| at.with_timezone(&vn).date_naive())),
            ]
        })
        .collect();
    let header = [
        "ke_hoach", "ten_ke_hoach", "muc", "so_thu_tu", "thuoc_nhiem_vu", "ten_nhiem_vu", "ma_co_quan_chu_tri", "co_quan_chu_tri", "thoi_gian_thuc_hien",
        "ngay_bat_dau", "thoi_han", "trang_thai", "ten_trang_thai", "tien_do_phan_tram", "ngay_hoan_thanh",
    ];
    let summary_header = ["ke_hoach", "ma_co_quan_chu_tri", "co_quan_chu_tri", "so_nhiem_vu", "da_hoan_thanh", "hoan_thanh_dung_han", "qua_han"];
    Ok(vec![
        File {
            name: "Danh sách nhiệm vụ và tiến độ (CSV)",
            description: "Mỗi dòng một nhiệm vụ (hoặc hạng mục con) của các kế hoạch: cơ quan chủ trì, thời hạn, trạng thái và tiến độ. Không gồm nội dung báo cáo của các cơ quan.",
            file_name: "nhiem-vu-ke-hoach.csv",
            csv: csv_of(&header, rows)?,
        },
        File {
            name: "Tổng hợp tiến độ theo cơ quan chủ trì (CSV)",
            description: "Mỗi dòng một cơ quan chủ trì trong một kế hoạch: số nhiệm vụ (không tính hạng mục con, không tính nhiệm vụ đã hủy), đã hoàn thành, hoàn thành đúng hạn, quá hạn.",
            file_name: "tien-do-theo-co-quan.csv",
            csv: csv_of(&summary_header, task_summary(&all, &orgs, today))?,
        },
    ])
}

/// Integer VND as million VND, without trailing zeros.
pub fn million(vnd: i64) -> String {
    if vnd % 1_000_000 == 0 { (vnd / 1_000_000).to_string() } else { number(vnd as f64 / 1_000_000.0) }
}

pub async fn budget(i: Inputs) -> Result<Vec<File>> {
    let orgs = Orgs::load(&i.db).await?;
    let (mut by_agency, mut by_funding) = (Vec::new(), Vec::new());
    for (plan, _) in i.tasks.plans().await? {
        let b = i.tasks.budget(&plan).await?;
        if b.by_agency.is_empty() {
            continue;
        }
        for l in &b.by_agency {
            let (code, name) = if orgs.by_code.contains_key(&l.key) { (l.key.clone(), orgs.title(&l.key)) } else { (String::new(), l.label.clone()) };
            by_agency.push(vec![plan.clone(), code, name, l.tasks.to_string(), million(l.total_vnd), l.total_vnd.to_string()]);
        }
        for l in &b.by_funding {
            by_funding.push(vec![plan.clone(), l.key.clone(), l.tasks.to_string(), million(l.total_vnd), l.total_vnd.to_string()]);
        }
    }
    if by_agency.is_empty() {
        return Ok(Vec::new());
    }
    Ok(vec![
        File {
            name: "Kinh phí chuyển đổi số theo cơ quan (CSV)",
            description: "Mỗi dòng một cơ quan chủ trì trong một kế hoạch có kinh phí: số nhiệm vụ và tổng kinh phí (triệu đồng và đồng), tính từ các nhiệm vụ của kế hoạch.",
            file_name: "kinh-phi-theo-co-quan.csv",
            csv: csv_of(&["ke_hoach", "ma_co_quan", "ten_co_quan", "so_nhiem_vu", "kinh_phi_trieu_dong", "kinh_phi_dong"], by_agency)?,
        },
        File {
            name: "Kinh phí chuyển đổi số theo nguồn vốn (CSV)",
            description: "Mỗi dòng một tổ hợp nguồn vốn (mã như in trong kế hoạch) trong một kế hoạch: số hạng mục và tổng kinh phí; mỗi khoản chỉ tính một lần.",
            file_name: "kinh-phi-theo-nguon-von.csv",
            csv: csv_of(&["ke_hoach", "nguon_von", "so_hang_muc", "kinh_phi_trieu_dong", "kinh_phi_dong"], by_funding)?,
        },
    ])
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use tinhso_indicators::status::Status as S;

    fn value(query: &str, numerator: i64, denominator: i64) -> PublicValue {
        PublicValue {
            code: "c".into(), name: "Chỉ tiêu".into(), unit: "%".into(), query: query.into(), period: "2026-05".into(), org_code: "000.00.04.H55".into(),
            value: (denominator > 0).then(|| 100.0 * numerator as f64 / denominator as f64), numerator, denominator,
            target: Some(90.0), target_text: "90%".into(), target_source: "05/KH-UBND I.1.1".into(), status: S::AtRisk,
        }
    }

    #[test]
    fn small_counts_of_dossiers_hide_the_value_and_its_counts() {
        let orgs = Orgs::default();
        let cells = |v: &PublicValue| { let r = indicator_row(v, &orgs); (r[7].clone(), r[8].clone(), r[9].clone(), r[13].clone()) };
        assert_eq!(cells(&value("dossiers_on_time", 20, 40)), ("50".into(), "20".into(), "40".into(), "at_risk".into()));
        for (n, d) in [(3, 40), (2, 3), (38, 40)] {
            assert_eq!(cells(&value("dossiers_on_time", n, d)), Default::default(), "{n}/{d} would single out a person");
        }
        // Procedures and tasks are not people: small counts stay.
        assert_eq!(cells(&value("procedures_fully_online", 3, 4)), ("75".into(), "3".into(), "4".into(), "at_risk".into()));
        assert_eq!(million(328_364_000_000), "328364");
        assert_eq!(million(1_500_000), "1.5");
    }
}
