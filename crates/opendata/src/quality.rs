//! The four quality scores of a dataset, "đúng, đủ, sạch, sống", each 0–100 with the reasons
//! that cost it points, computed from the metadata and the tabular files' reports.
use crate::model::Dataset;
use crate::tabular::Report;
use crate::vocab;
use chrono::{DateTime, Utc};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Score {
    /// 0–100; none when there is nothing to measure.
    pub score: Option<u8>,
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Quality {
    /// Đúng: values valid against the schema.
    pub correct: Score,
    /// Đủ: required metadata filled, few missing values.
    pub complete: Score,
    /// Sạch: no duplicate rows, consistent formats, UTF-8, well-formed files.
    pub clean: Score,
    /// Sống: updated within the declared frequency.
    pub live: Score,
}

fn pct(x: f64) -> u8 {
    (x * 100.0).round().clamp(0.0, 100.0) as u8
}

fn lines(r: &Report, kind: &str) -> String {
    let l: Vec<String> = r.issues.iter().filter(|i| i.kind == kind && i.line > 0).take(5).map(|i| i.line.to_string()).collect();
    if l.is_empty() { String::new() } else { format!(" (dòng {})", l.join(", ")) }
}

fn tabular(d: &Dataset) -> Vec<(&str, &Report)> {
    d.active_resources().filter_map(|r| r.report.as_ref().map(|rep| (r.name.as_str(), rep))).collect()
}

fn correct(d: &Dataset) -> Score {
    let files = tabular(d);
    if files.is_empty() {
        return Score { score: None, reasons: vec!["Không có tệp dạng bảng (CSV, JSON, XLSX, GeoJSON) để kiểm tra giá trị.".into()] };
    }
    let (mut errors, mut cells, mut reasons) = (0u64, 0u64, Vec::new());
    for (name, r) in &files {
        errors += r.type_errors;
        cells += r.cells.saturating_sub(r.missing_cells);
        let shapes: Vec<String> = r.issues.iter().filter(|i| i.kind == "geometry").take(5).map(|i| i.line.to_string()).collect();
        if !shapes.is_empty() {
            reasons.push(format!("{name}: {} hình học (geometry) không hợp lệ (đối tượng {}).", r.geometry_errors, shapes.join(", ")));
        }
        if r.type_errors > r.geometry_errors {
            reasons.push(format!("{name}: {} giá trị không đúng kiểu hoặc thiếu ở cột bắt buộc{}.", r.type_errors - r.geometry_errors, lines(r, "type")));
        }
    }
    if reasons.is_empty() {
        reasons.push("Mọi giá trị đúng kiểu dữ liệu của lược đồ.".into());
    }
    Score { score: Some(pct(1.0 - errors as f64 / cells.max(1) as f64)), reasons }
}

fn complete(d: &Dataset) -> Score {
    let checks: [(bool, &str); 10] = [
        (!d.title.is_empty() && d.title != d.name, "Thiếu tiêu đề."),
        (d.notes.chars().count() >= 20, "Thiếu mô tả (ít nhất 20 ký tự)."),
        (!d.tags.is_empty(), "Chưa gắn thẻ."),
        (vocab::licence(&d.license_id).is_some_and(|l| l.open), "Chưa chọn giấy phép mở."),
        (!d.maintainer.is_empty() || !d.maintainer_email.is_empty(), "Thiếu người hoặc đơn vị duy trì."),
        (!d.frequency.is_empty(), "Chưa khai báo tần suất cập nhật."),
        (!d.spatial.is_empty(), "Thiếu phạm vi không gian."),
        (!d.temporal_start.is_empty(), "Thiếu phạm vi thời gian."),
        (!d.theme.is_empty(), "Chưa chọn lĩnh vực."),
        (d.active_resources().next().is_some(), "Chưa có tài nguyên (tệp hoặc liên kết)."),
    ];
    let mut reasons: Vec<String> = checks.iter().filter(|(ok, _)| !ok).map(|(_, why)| (*why).to_owned()).collect();
    let meta = checks.iter().filter(|(ok, _)| *ok).count() as f64 / checks.len() as f64;
    let (missing, cells) = tabular(d).iter().fold((0u64, 0u64), |(m, c), (_, r)| (m + r.missing_cells, c + r.cells));
    let filled = if cells == 0 { 1.0 } else { 1.0 - missing as f64 / cells as f64 };
    if missing > 0 {
        reasons.push(format!("{missing} trên {cells} ô dữ liệu để trống ({:.1}%).", missing as f64 * 100.0 / cells as f64));
    }
    if reasons.is_empty() {
        reasons.push("Đủ thông tin mô tả và dữ liệu không có ô trống.".into());
    }
    Score { score: Some(pct(0.7 * meta + 0.3 * filled)), reasons }
}

fn clean(d: &Dataset) -> Score {
    let files = tabular(d);
    if files.is_empty() {
        return Score { score: None, reasons: vec!["Không có tệp dạng bảng để kiểm tra.".into()] };
    }
    let (mut penalty, mut reasons) = (0u32, Vec::new());
    for (name, r) in files {
        if !r.utf8 {
            penalty += 30;
            reasons.push(format!("{name}: không phải UTF-8 (đã đọc theo {}){}.", r.encoding, lines(r, "encoding")));
        }
        let parse = r.issues.iter().filter(|i| i.kind == "parse").count();
        if parse > 0 {
            penalty += 30;
            reasons.push(format!("{name}: không đọc được {parse} chỗ{}.", lines(r, "parse")));
        }
        for (n, kind, what, cost) in [
            (r.quoting_errors, "quoting", "lỗi dấu ngoặc kép", 20),
            (r.ragged_rows, "ragged", "dòng có số ô khác số cột", 20),
            (r.duplicate_rows, "duplicate", "dòng trùng lặp", 15),
            (r.mixed_formats, "format", "giá trị viết không nhất quán định dạng", 10),
        ] {
            if n > 0 {
                penalty += cost;
                reasons.push(format!("{name}: {n} {what}{}.", lines(r, kind)));
            }
        }
    }
    if reasons.is_empty() {
        reasons.push("UTF-8, không trùng lặp, định dạng nhất quán.".into());
    }
    Score { score: Some(100u32.saturating_sub(penalty) as u8), reasons }
}

/// Days past the declared frequency (with its grace), when the dataset is late.
pub fn days_overdue(d: &Dataset, now: DateTime<Utc>) -> Option<i64> {
    let allowed = vocab::frequency(&d.frequency)?.days?;
    let age = (now - d.modified_at).num_days();
    (age > allowed).then_some(age - allowed)
}

fn live(d: &Dataset, now: DateTime<Utc>) -> Score {
    let age = (now - d.modified_at).num_days();
    let Some(freq) = vocab::frequency(&d.frequency) else {
        return Score { score: Some(50), reasons: vec![format!("Chưa khai báo tần suất cập nhật; lần cập nhật gần nhất cách đây {age} ngày.")] };
    };
    match freq.days {
        None => Score { score: Some(100), reasons: vec![format!("Tần suất: {}; cập nhật {age} ngày trước.", freq.label)] },
        Some(allowed) if age <= allowed => Score { score: Some(100), reasons: vec![format!("Cập nhật {age} ngày trước, trong hạn ({}).", freq.label.to_lowercase())] },
        Some(allowed) => {
            let score = if age <= allowed * 2 { 50 } else { 0 };
            Score { score: Some(score), reasons: vec![format!("Quá hạn cập nhật: {} ngày không cập nhật, tần suất khai báo {}.", age, freq.label.to_lowercase())] }
        }
    }
}

pub fn assess(d: &Dataset, now: DateTime<Utc>) -> Quality {
    Quality { correct: correct(d), complete: complete(d), clean: clean(d), live: live(d, now) }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::model::Resource;

    #[test]
    fn scores_say_why() {
        let now = Utc::now();
        let mut d = Dataset::blank(now - chrono::Duration::days(40));
        d.name = "x".into();
        d.frequency = "monthly".into();
        let a = crate::tabular::analyse(b"a,b\n1,2\n1,2\nx,\n", "CSV", None);
        d.resources.push(Resource {
            id: uuid::Uuid::nil(), package_id: d.id, position: 0, name: "t.csv".into(), description: String::new(), format: "CSV".into(),
            url: "t.csv".into(), url_type: "upload".into(), blob_hash: Some("h".into()), mimetype: String::new(), size: None,
            schema: a.schema, report: Some(a.report), state: "active".into(), created_at: now, modified_at: now,
        });
        let q = assess(&d, now);
        assert!(q.live.score == Some(50) && q.live.reasons[0].contains("Quá hạn"), "{:?}", q.live);
        assert!(q.clean.reasons.iter().any(|r| r.contains("trùng lặp") && r.contains("dòng 3")), "{:?}", q.clean);
        assert!(q.complete.reasons.iter().any(|r| r.contains("mô tả")));
        assert_eq!(days_overdue(&d, now), Some(8));
    }
}
