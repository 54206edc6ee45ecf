//! The portal's fixed lists: licences (CKAN's ids, so existing tools recognise them, plus the
//! Vietnamese open licence), update frequencies and themes (CKAN "groups").

/// An open (or not) licence as `license_list` shows it.
pub struct Licence {
    pub id: &'static str,
    pub title: &'static str,
    pub url: &'static str,
    pub open: bool,
}

pub const LICENCES: &[Licence] = &[
    Licence { id: "cc-by", title: "Creative Commons Ghi công 4.0 (CC BY 4.0)", url: "https://creativecommons.org/licenses/by/4.0/", open: true },
    Licence { id: "cc-by-sa", title: "Creative Commons Ghi công – Chia sẻ tương tự 4.0 (CC BY-SA 4.0)", url: "https://creativecommons.org/licenses/by-sa/4.0/", open: true },
    Licence { id: "cc-zero", title: "Creative Commons CC0 (dâng hiến cho công chúng)", url: "https://creativecommons.org/publicdomain/zero/1.0/", open: true },
    Licence { id: "odc-by", title: "Open Data Commons Attribution License (ODC-BY)", url: "https://opendatacommons.org/licenses/by/1-0/", open: true },
    Licence { id: "odc-odbl", title: "Open Data Commons Open Database License (ODbL)", url: "https://opendatacommons.org/licenses/odbl/1-0/", open: true },
    Licence { id: "odc-pddl", title: "Open Data Commons Public Domain Dedication and License (PDDL)", url: "https://opendatacommons.org/licenses/pddl/1-0/", open: true },
    Licence { id: "vn-ogl-1.0", title: "Giấy phép dữ liệu mở của cơ quan nhà nước Việt Nam 1.0 (theo mẫu Giấy phép Chính phủ mở)", url: "/du-lieu-mo/giay-phep/vn-ogl-1.0", open: true },
    Licence { id: "uk-ogl", title: "UK Open Government Licence (OGL)", url: "https://www.nationalarchives.gov.uk/doc/open-government-licence/", open: true },
    Licence { id: "other-open", title: "Giấy phép mở khác", url: "", open: true },
    Licence { id: "notspecified", title: "Chưa xác định giấy phép", url: "", open: false },
];

pub fn licence(id: &str) -> Option<&'static Licence> {
    LICENCES.iter().find(|l| l.id == id)
}

/// How often a dataset is meant to be updated; `days` is how long it may go without an update
/// before it counts as stale (`None`: never stale by date).
pub struct Frequency {
    pub id: &'static str,
    pub label: &'static str,
    pub days: Option<i64>,
    /// The EU frequency vocabulary's term, for DCAT.
    pub eu: &'static str,
}

pub const FREQUENCIES: &[Frequency] = &[
    Frequency { id: "daily", label: "Hằng ngày", days: Some(2), eu: "DAILY" },
    Frequency { id: "weekly", label: "Hằng tuần", days: Some(8), eu: "WEEKLY" },
    Frequency { id: "monthly", label: "Hằng tháng", days: Some(32), eu: "MONTHLY" },
    Frequency { id: "quarterly", label: "Hằng quý", days: Some(93), eu: "QUARTERLY" },
    Frequency { id: "semiannual", label: "Sáu tháng một lần", days: Some(184), eu: "ANNUAL_2" },
    Frequency { id: "annual", label: "Hằng năm", days: Some(366), eu: "ANNUAL" },
    Frequency { id: "irregular", label: "Không định kỳ", days: None, eu: "IRREG" },
    Frequency { id: "never", label: "Không cập nhật (dữ liệu lịch sử)", days: None, eu: "NEVER" },
];

pub fn frequency(id: &str) -> Option<&'static Frequency> {
    FREQUENCIES.iter().find(|f| f.id == id)
}

/// Themes (lĩnh vực), shown to CKAN clients as groups.
pub const THEMES: &[(&str, &str)] = &[
    ("hanh-chinh-cong", "Hành chính công"),
    ("kinh-te", "Kinh tế, doanh nghiệp"),
    ("tai-chinh-ngan-sach", "Tài chính, ngân sách"),
    ("giao-duc", "Giáo dục, đào tạo"),
    ("y-te", "Y tế"),
    ("giao-thong", "Giao thông vận tải"),
    ("moi-truong", "Tài nguyên, môi trường"),
    ("dan-so-lao-dong", "Dân số, lao động"),
    ("van-hoa-du-lich", "Văn hóa, du lịch"),
    ("nong-nghiep", "Nông nghiệp, nông thôn"),
    ("dat-dai-xay-dung", "Đất đai, xây dựng"),
    ("khoa-hoc-cong-nghe", "Khoa học, công nghệ, chuyển đổi số"),
];

pub fn theme_title(name: &str) -> Option<&'static str> {
    THEMES.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// Resource formats accepted for upload or link.
pub const FORMATS: &[&str] = &["CSV", "JSON", "XLSX", "GEOJSON", "PDF"];

/// The format named by a client or guessed from a file name; `None` when not accepted.
pub fn format_of(given: &str, file_name: &str) -> Option<&'static str> {
    let given = given.trim().trim_start_matches('.').to_ascii_uppercase();
    let from_name = file_name.rsplit_once('.').map(|(_, e)| e.to_ascii_uppercase()).unwrap_or_default();
    let pick = if given.is_empty() { from_name } else { given };
    let pick = match pick.as_str() {
        "TEXT/CSV" => "CSV",
        "APPLICATION/JSON" => "JSON",
        "GEO+JSON" | "APPLICATION/GEO+JSON" => "GEOJSON",
        "APPLICATION/PDF" => "PDF",
        other => other,
    };
    FORMATS.iter().copied().find(|f| *f == pick)
}

pub fn mimetype_of(format: &str) -> &'static str {
    match format {
        "CSV" => "text/csv",
        "JSON" => "application/json",
        "XLSX" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "GEOJSON" => "application/geo+json",
        "PDF" => "application/pdf",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_named_or_guessed() {
        assert_eq!(format_of("", "so-lieu.csv"), Some("CSV"));
        assert_eq!(format_of("text/csv", ""), Some("CSV"));
        assert_eq!(format_of("geojson", "x"), Some("GEOJSON"));
        assert_eq!(format_of("", "virus.exe"), None);
        assert!(licence("cc-zero").unwrap().open);
        assert_eq!(frequency("monthly").unwrap().days, Some(32));
    }
}
