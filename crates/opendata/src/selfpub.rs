//! The platform's own anonymised statistics, published as datasets that refresh by themselves.
//! Each source is one entry of [`sources`]: the procedure catalogue, dossier figures per agency
//! and month and per procedure, the org units, the holiday calendar, and the province's plan
//! ([`plan`]): indicator values against their targets, task progress (per task and per lead
//! agency) and the digital-transformation budget by agency and by funding source. A source
//! with nothing to publish yet (no plan imported) creates no dataset.
//! No personal data ever goes in, and counts of dossiers under [`SUPPRESS_BELOW`] are left
//! empty so that no person can be singled out.
pub mod plan;

use crate::service::{Actor, OpenData, Upload};
use crate::{Outcome, Refused};
use chrono::{Datelike, Duration, TimeZone, Utc};
use sea_orm::DatabaseConnection;
use serde_json::{Value, json};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use tinhso_catalog::Catalog;
use tinhso_dossier::stats::{Figures, GroupBy, dossier_figures};

/// Counts from 1 to this minus one are published as empty cells.
pub const SUPPRESS_BELOW: i64 = 5;
/// The unit that publishes the platform's statistics: UBND tỉnh.
pub const PUBLISHER: &str = "000.00.00.H55";
/// Văn phòng UBND tỉnh, which keeps the procedure catalogue and the one-stop figures.
pub const VP_UBND: &str = "000.00.14.H55";

/// What a source needs to compute its files.
#[derive(Clone)]
pub struct Inputs {
    pub db: DatabaseConnection,
    pub catalog: Arc<Catalog>,
    pub tasks: Arc<tinhso_tasks::Tasks>,
    pub indicators: Arc<tinhso_indicators::Indicators>,
}

/// One file of a self-published dataset.
pub struct File {
    pub name: &'static str,
    pub description: &'static str,
    pub file_name: &'static str,
    pub csv: Vec<u8>,
}

type Build = fn(Inputs) -> Pin<Box<dyn Future<Output = tinhso_core::Result<Vec<File>>> + Send>>;

pub struct Source {
    pub name: &'static str,
    /// Org-unit code of the publishing agency.
    pub owner: &'static str,
    pub title: &'static str,
    pub notes: &'static str,
    pub theme: &'static str,
    pub tags: &'static [&'static str],
    pub build: Build,
}

/// The self-published datasets. One more statistic is one more entry here.
pub fn sources() -> Vec<Source> {
    vec![
        Source {
            name: "danh-muc-thu-tuc-hanh-chinh",
            owner: VP_UBND,
            title: "Danh mục thủ tục hành chính tỉnh Quảng Ngãi",
            notes: "Các thủ tục hành chính đang áp dụng: mã, tên, lĩnh vực, cấp thực hiện, cơ quan thực hiện, thời hạn giải quyết, lệ phí và mức độ dịch vụ công trực tuyến. Tự động cập nhật từ hệ thống danh mục thủ tục.",
            theme: "hanh-chinh-cong",
            tags: &["thủ tục hành chính", "dịch vụ công"],
            build: |i| Box::pin(procedures(i)),
        },
        Source {
            name: "so-lieu-ho-so-theo-co-quan-thang",
            owner: VP_UBND,
            title: "Số liệu giải quyết hồ sơ thủ tục hành chính theo cơ quan và tháng",
            notes: "Số hồ sơ tiếp nhận, đã giải quyết, đúng hạn, trễ hạn, đang giải quyết và nộp trực tuyến của mỗi cơ quan trong 12 tháng gần nhất. Dữ liệu tổng hợp, không có thông tin cá nhân; ô để trống là số liệu từ 1 đến 4 được ẩn để không thể nhận diện cá nhân.",
            theme: "hanh-chinh-cong",
            tags: &["hồ sơ", "dịch vụ công", "thống kê"],
            build: |i| Box::pin(dossiers_by_agency_month(i)),
        },
        Source {
            name: "so-lieu-ho-so-theo-thu-tuc",
            owner: VP_UBND,
            title: "Số liệu giải quyết hồ sơ theo thủ tục hành chính (12 tháng gần nhất)",
            notes: "Số hồ sơ của mỗi thủ tục trong 12 tháng gần nhất. Dữ liệu tổng hợp, không có thông tin cá nhân; ô để trống là số liệu từ 1 đến 4 được ẩn.",
            theme: "hanh-chinh-cong",
            tags: &["hồ sơ", "thủ tục hành chính", "thống kê"],
            build: |i| Box::pin(dossiers_by_procedure(i)),
        },
        Source {
            name: "danh-sach-co-quan-don-vi",
            owner: "000.00.02.H55",
            title: "Danh sách cơ quan, đơn vị hành chính tỉnh Quảng Ngãi",
            notes: "Mã định danh, tên, loại và đơn vị cấp trên của các sở, ban, ngành và UBND cấp xã. Tự động cập nhật từ danh mục đơn vị của nền tảng.",
            theme: "hanh-chinh-cong",
            tags: &["cơ quan nhà nước", "mã định danh"],
            build: |i| Box::pin(org_units(i)),
        },
        Source {
            name: "lich-ngay-nghi-le",
            owner: PUBLISHER,
            title: "Lịch ngày nghỉ lễ, Tết và ngày làm việc bù",
            notes: "Các ngày trong tuần được nghỉ và các ngày thứ Bảy làm việc bù của cơ quan hành chính, dùng để tính thời hạn giải quyết thủ tục. Cột du_lieu_mau = true: năm có lịch chưa đối chiếu với thông báo chính thức.",
            theme: "hanh-chinh-cong",
            tags: &["ngày nghỉ", "lịch làm việc"],
            build: |i| Box::pin(holidays(i)),
        },
        Source {
            name: "chi-tieu-ke-hoach-chinh-quyen-so",
            owner: PUBLISHER,
            title: "Chỉ tiêu kế hoạch chính quyền số, chuyển đổi số: giá trị và mức độ đạt theo tháng",
            notes: "Giá trị hằng tháng của các chỉ tiêu trong kế hoạch phát triển chính quyền số và chuyển đổi số của tỉnh, cho toàn tỉnh và từng cơ quan, đơn vị, bên cạnh chỉ tiêu kế hoạch của năm và trạng thái: đạt, đúng tiến độ, có nguy cơ không đạt, không đạt. Dữ liệu tổng hợp, không có thông tin cá nhân; với chỉ tiêu tính từ hồ sơ, dòng có số hồ sơ từ 1 đến 4 để trống giá trị.",
            theme: "khoa-hoc-cong-nghe",
            tags: &["chỉ tiêu", "chuyển đổi số", "chính quyền số", "thống kê"],
            build: |i| Box::pin(plan::indicators(i)),
        },
        Source {
            name: "tien-do-nhiem-vu-ke-hoach",
            owner: VP_UBND,
            title: "Tiến độ thực hiện nhiệm vụ của các kế hoạch chuyển đổi số",
            notes: "Các nhiệm vụ do UBND tỉnh giao trong các kế hoạch: kế hoạch, số thứ tự, tên nhiệm vụ, cơ quan chủ trì, thời gian thực hiện, thời hạn, trạng thái và tiến độ; kèm bảng tổng hợp theo cơ quan chủ trì (số nhiệm vụ, đã hoàn thành, hoàn thành đúng hạn, quá hạn). Không gồm nội dung báo cáo của các cơ quan.",
            theme: "khoa-hoc-cong-nghe",
            tags: &["nhiệm vụ", "chuyển đổi số", "kế hoạch"],
            build: |i| Box::pin(plan::tasks(i)),
        },
        Source {
            name: "kinh-phi-chuyen-doi-so",
            owner: PUBLISHER,
            title: "Kinh phí chuyển đổi số theo cơ quan và nguồn vốn",
            notes: "Kinh phí các nhiệm vụ chuyển đổi số theo cơ quan chủ trì và theo nguồn vốn, của mỗi kế hoạch có kinh phí, tính từ các dòng nhiệm vụ của kế hoạch (hạng mục con không cộng lại vào nhiệm vụ cha). Đơn vị: triệu đồng và đồng.",
            theme: "tai-chinh-ngan-sach",
            tags: &["kinh phí", "chuyển đổi số", "ngân sách"],
            build: |i| Box::pin(plan::budget(i)),
        },
    ]
}

pub(crate) fn csv_of(header: &[&str], rows: Vec<Vec<String>>) -> tinhso_core::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header).map_err(tinhso_core::Error::other)?;
    for r in rows {
        w.write_record(&r).map_err(tinhso_core::Error::other)?;
    }
    w.into_inner().map_err(tinhso_core::Error::other)
}

/// A small count hidden; zero and larger counts shown.
pub fn suppress(n: i64) -> String {
    if n > 0 && n < SUPPRESS_BELOW { String::new() } else { n.to_string() }
}

async fn procedures(i: Inputs) -> tinhso_core::Result<Vec<File>> {
    let index = i.catalog.index();
    let mut rows: Vec<Vec<String>> = index
        .procedures()
        .iter()
        .filter(|p| !p.retired)
        .map(|p| {
            vec![
                p.code.clone(),
                p.name.clone(),
                p.field.clone(),
                tinhso_catalog::model::label(&p.level).to_owned(),
                p.agencies.join("; "),
                p.processing_days.to_string(),
                p.fee_due().to_string(),
                tinhso_catalog::model::label(&p.service_level).to_owned(),
            ]
        })
        .collect();
    rows.sort();
    let header = ["ma_thu_tuc", "ten_thu_tuc", "linh_vuc", "cap_thuc_hien", "ma_co_quan_thuc_hien", "thoi_han_ngay", "le_phi_vnd", "muc_do_dvc"];
    Ok(vec![File { name: "Danh mục thủ tục (CSV)", description: "Mỗi dòng một thủ tục đang áp dụng.", file_name: "danh-muc-thu-tuc.csv", csv: csv_of(&header, rows)? }])
}

async fn org_units(i: Inputs) -> tinhso_core::Result<Vec<File>> {
    let units = tinhso_identity::org_units::list(&i.db).await?;
    let code_of: std::collections::HashMap<uuid::Uuid, String> = units.iter().map(|u| (u.id, u.code.clone())).collect();
    let rows = units.iter().map(|u| vec![u.code.clone(), u.name.clone(), u.kind.clone(), u.parent_id.and_then(|p| code_of.get(&p).cloned()).unwrap_or_default()]).collect();
    let header = ["ma_dinh_danh", "ten_don_vi", "loai", "ma_don_vi_cap_tren"];
    Ok(vec![File { name: "Danh sách đơn vị (CSV)", description: "Mỗi dòng một cơ quan, đơn vị.", file_name: "co-quan-don-vi.csv", csv: csv_of(&header, rows)? }])
}

async fn holidays(_: Inputs) -> tinhso_core::Result<Vec<File>> {
    use chrono::{NaiveDate, Weekday};
    let cal = tinhso_core::calendar::WorkingCalendar::builtin();
    let mut rows = Vec::new();
    for year in 2020..=2035 {
        let Some(demo) = cal.covers(year) else { continue };
        let mut day = NaiveDate::from_ymd_opt(year, 1, 1);
        while let Some(d) = day.filter(|d| d.year() == year) {
            let weekday = d.weekday();
            let kind = match weekday {
                Weekday::Sat if cal.is_working_day(d) => Some("Thứ Bảy làm việc bù"),
                Weekday::Sat | Weekday::Sun => None,
                _ if !cal.is_working_day(d) => Some("Ngày nghỉ"),
                _ => None,
            };
            if let Some(kind) = kind {
                rows.push(vec![d.format("%Y-%m-%d").to_string(), (weekday.number_from_monday() + 1).to_string(), kind.to_owned(), demo.to_string()]);
            }
            day = d.succ_opt();
        }
    }
    let header = ["ngay", "thu", "loai", "du_lieu_mau"];
    Ok(vec![File { name: "Lịch nghỉ (CSV)", description: "Mỗi dòng một ngày nghỉ trong tuần hoặc một ngày làm việc bù.", file_name: "lich-ngay-nghi.csv", csv: csv_of(&header, rows)? }])
}

const FIGURE_HEADER: [&str; 7] = ["tiep_nhan", "da_giai_quyet", "dung_han", "tre_han", "dang_giai_quyet", "qua_han", "nop_truc_tuyen"];

fn figure_cells(f: &Figures) -> Vec<String> {
    [f.submitted, f.finished, f.on_time, f.late, f.in_progress, f.overdue, f.online].into_iter().map(suppress).collect()
}

/// The first instant of the month `back` months before this one, in Vietnam's time.
fn month_start(back: u32) -> chrono::DateTime<Utc> {
    let vn = tinhso_core::calendar::vietnam();
    let now = Utc::now().with_timezone(&vn);
    let months = now.year() * 12 + now.month0() as i32 - back as i32;
    vn.with_ymd_and_hms(months.div_euclid(12), months.rem_euclid(12) as u32 + 1, 1, 0, 0, 0).single().map(|t| t.with_timezone(&Utc)).unwrap_or_else(|| Utc::now() - Duration::days(30 * i64::from(back)))
}

async fn dossiers_by_agency_month(i: Inputs) -> tinhso_core::Result<Vec<File>> {
    let names = crate::ckan::Orgs::load(&i.db).await?;
    let mut rows = Vec::new();
    for back in (0..12).rev() {
        let (from, to) = (month_start(back), month_start(back.saturating_sub(1)).max(month_start(back) + Duration::days(1)));
        let to = if back == 0 { Utc::now() + Duration::seconds(1) } else { to };
        let month = from.with_timezone(&tinhso_core::calendar::vietnam()).format("%Y-%m").to_string();
        for f in dossier_figures(&i.db, GroupBy::Agency, from, to).await? {
            let mut row = vec![month.clone(), f.key.clone(), names.title(&f.key)];
            row.extend(figure_cells(&f));
            rows.push(row);
        }
    }
    let mut header = vec!["thang", "ma_co_quan", "ten_co_quan"];
    header.extend(FIGURE_HEADER);
    Ok(vec![File { name: "Số liệu theo cơ quan và tháng (CSV)", description: "Mỗi dòng một cơ quan trong một tháng.", file_name: "ho-so-theo-co-quan-thang.csv", csv: csv_of(&header, rows)? }])
}

async fn dossiers_by_procedure(i: Inputs) -> tinhso_core::Result<Vec<File>> {
    let index = i.catalog.index();
    let mut rows = Vec::new();
    for f in dossier_figures(&i.db, GroupBy::Procedure, month_start(11), Utc::now() + Duration::seconds(1)).await? {
        let name = index.get(&f.key).map(|p| p.name.clone()).unwrap_or_default();
        let mut row = vec![f.key.clone(), name];
        row.extend(figure_cells(&f));
        rows.push(row);
    }
    let mut header = vec!["ma_thu_tuc", "ten_thu_tuc"];
    header.extend(FIGURE_HEADER);
    Ok(vec![File { name: "Số liệu theo thủ tục (CSV)", description: "Mỗi dòng một thủ tục có hồ sơ trong 12 tháng gần nhất.", file_name: "ho-so-theo-thu-tuc.csv", csv: csv_of(&header, rows)? }])
}

const ACTOR: Actor = Actor::System("opendata-selfpub");

/// Publishes (or refreshes) one source: creates the dataset the first time it has files,
/// replaces a file whose content changed, and marks the dataset checked when nothing changed.
pub async fn publish(od: &OpenData, source: &Source, inputs: Inputs) -> Outcome<bool> {
    let files = (source.build)(inputs).await?;
    let d = match crate::store::find(od.db(), source.name).await? {
        Some(d) => d,
        None if files.is_empty() => return Ok(false),
        None => {
            let input = json!({
                "name": source.name, "title": source.title, "notes": source.notes, "owner_org": source.owner,
                "license_id": "cc-by", "frequency": "daily", "theme": source.theme, "spatial": "Tỉnh Quảng Ngãi",
                "maintainer": "Hệ thống tinhso (tự động)", "author": "Ủy ban nhân dân tỉnh Quảng Ngãi",
                "tags": source.tags.iter().map(|t| json!({"name": t})).collect::<Vec<_>>(),
                "extras": [{"key": "tu_dong_xuat_ban", "value": "true"}],
            });
            let Value::Object(m) = input else { return Err(Refused::Other(tinhso_core::Error::other("dataset dict"))) };
            let mut d = od.create(&ACTOR, &m).await?;
            d.source = format!("self:{}", source.name);
            od.write(&ACTOR, &d, false, "opendata.selfpub.mark").await?;
            d
        }
    };
    let mut changed = false;
    for f in files {
        let hash = tinhso_db::blobs::BlobStore::hash(&f.csv);
        let upload = Upload { file_name: f.file_name.to_owned(), bytes: f.csv };
        match d.active_resources().find(|r| r.name == f.name) {
            Some(r) if r.blob_hash.as_deref() == Some(hash.as_str()) => {}
            Some(r) => {
                let input = json!({"id": r.id.to_string(), "format": "CSV"});
                od.update_resource(&ACTOR, input.as_object().unwrap_or(&Default::default()), Some(upload)).await?;
                changed = true;
            }
            None => {
                let input = json!({"package_id": d.id.to_string(), "name": f.name, "description": f.description, "format": "CSV"});
                od.add_resource(&ACTOR, input.as_object().unwrap_or(&Default::default()), Some(upload)).await?;
                changed = true;
            }
        }
    }
    // Checked and unchanged still counts as up to date for the "live" score.
    if !changed && Utc::now() - d.modified_at > Duration::hours(12) {
        let mut d = d;
        d.modified_at = Utc::now();
        od.write(&ACTOR, &d, false, "opendata.selfpub.checked").await?;
    }
    Ok(changed)
}

/// Publishes every source; a failing source is logged and the others still run.
pub async fn publish_all(od: &OpenData, inputs: &Inputs) -> usize {
    let mut changed = 0;
    for s in sources() {
        match publish(od, &s, inputs.clone()).await {
            Ok(true) => changed += 1,
            Ok(false) => {}
            Err(e) => tracing::warn!(source = s.name, error = ?e, "self-published dataset refresh failed"),
        }
    }
    changed
}
