//! Spreadsheets: a plan given as an XLSX workbook (sheets named `plans`, `indicators`, `tasks`,
//! with the same columns as the CSV files) is read into the same CSV form, so it is checked
//! and imported by exactly the same rules; and the public figures as an XLSX download.
use crate::import::PlanFiles;
use crate::pages::Public;
use calamine::{Data, Reader, Xlsx};
use tinhso_core::{Error, Result};

fn cell(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        // Whole numbers typed in a spreadsheet come back as floats: 2026.0 is the year 2026.
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        // A date cell is a day count from 30/12/1899 (the spreadsheet epoch).
        Data::DateTime(dt) => chrono::NaiveDate::from_ymd_opt(1899, 12, 30)
            .and_then(|d| d.checked_add_signed(chrono::Duration::days(dt.as_f64().floor() as i64)))
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.chars().take(10).collect(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// The sheets of a workbook as the CSV files of a plan.
pub fn read(bytes: &[u8]) -> Result<PlanFiles> {
    let bad = |e: calamine::XlsxError| Error::invalid("invalid_workbook", "Tệp XLSX", format!("không đọc được: {e}"));
    let mut book = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).map_err(bad)?;
    let mut files = PlanFiles::default();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).map_err(bad)?;
        let mut w = csv::Writer::from_writer(Vec::new());
        for row in range.rows() {
            w.write_record(row.iter().map(cell)).map_err(Error::other)?;
        }
        let csv = w.into_inner().map_err(Error::other)?;
        match name.trim().to_lowercase().as_str() {
            "plans" => files.plans = Some(csv),
            "indicators" => files.indicators = Some(csv),
            "tasks" => files.tasks = Some(csv),
            _ => {}
        }
    }
    if files.plans.is_none() && files.indicators.is_none() && files.tasks.is_none() {
        return Err(Error::invalid("invalid_workbook", "Tệp XLSX", "cần ít nhất một trang tên plans, indicators hoặc tasks."));
    }
    Ok(files)
}

/// The public figures as a workbook: one sheet of indicators, one of agencies and communes.
pub fn public_workbook(p: &Public) -> Result<Vec<u8>> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let e = Error::other;
    let s = book.add_worksheet().set_name("Chỉ tiêu").map_err(e)?;
    for (c, h) in ["Mã", "Chỉ tiêu", "Kết quả (%)", "Mục tiêu", "Tình trạng"].iter().enumerate() {
        s.write_string(0, c as u16, *h).map_err(e)?;
    }
    for (i, v) in p.indicators.iter().enumerate() {
        let r = i as u32 + 1;
        s.write_string(r, 0, &v.code).map_err(e)?;
        s.write_string(r, 1, &v.name).map_err(e)?;
        if let Some(x) = v.value {
            s.write_number(r, 2, (x * 100.0).round() / 100.0).map_err(e)?;
        }
        s.write_string(r, 3, &v.target_text).map_err(e)?;
        s.write_string(r, 4, v.status_label).map_err(e)?;
    }
    let s = book.add_worksheet().set_name("Đơn vị").map_err(e)?;
    for (c, h) in ["Loại", "Mã", "Đơn vị", "Hồ sơ", "Đúng hạn", "Trễ hạn", "Tỷ lệ đúng hạn (%)"].iter().enumerate() {
        s.write_string(0, c as u16, *h).map_err(e)?;
    }
    let rows = p.agencies.iter().map(|u| ("Cơ quan", u)).chain(p.communes.iter().map(|u| ("Xã, phường", u)));
    for (i, (kind, u)) in rows.enumerate() {
        let r = i as u32 + 1;
        s.write_string(r, 0, kind).map_err(e)?;
        s.write_string(r, 1, &u.code).map_err(e)?;
        s.write_string(r, 2, &u.name).map_err(e)?;
        s.write_number(r, 3, u.submitted as f64).map_err(e)?;
        s.write_number(r, 4, u.on_time as f64).map_err(e)?;
        s.write_number(r, 5, u.late as f64).map_err(e)?;
        if let Some(x) = u.on_time_rate {
            s.write_number(r, 6, (x * 100.0).round() / 100.0).map_err(e)?;
        }
    }
    book.save_to_buffer().map_err(e)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// The bundled CSV plan written into a workbook as text, as a person would type it.
    pub fn workbook_of_bundled() -> Vec<u8> {
        let files = crate::import::bundled();
        let mut book = rust_xlsxwriter::Workbook::new();
        for (name, bytes) in [("plans", files.plans), ("indicators", files.indicators), ("tasks", files.tasks)] {
            let s = book.add_worksheet().set_name(name).unwrap();
            let mut r = csv::ReaderBuilder::new().has_headers(false).from_reader(std::io::Cursor::new(bytes.unwrap()));
            for (i, rec) in r.records().enumerate() {
                for (c, v) in rec.unwrap().iter().enumerate() {
                    // Years and budgets as numbers, the way a spreadsheet keeps them.
                    match v.parse::<f64>() {
                        Ok(n) if i > 0 && !v.contains('.') => s.write_number(i as u32, c as u16, n).unwrap(),
                        _ => s.write_string(i as u32, c as u16, v).unwrap(),
                    };
                }
            }
        }
        book.save_to_buffer().unwrap()
    }

    #[test]
    fn a_workbook_reads_as_the_csv_plan() {
        let files = read(&workbook_of_bundled()).unwrap();
        let tasks = String::from_utf8(files.tasks.unwrap()).unwrap();
        let original = String::from_utf8(crate::import::bundled().tasks.unwrap()).unwrap();
        let rows = |s: &str| csv::Reader::from_reader(s.as_bytes()).records().map(|r| r.unwrap().iter().map(str::to_owned).collect::<Vec<_>>()).collect::<Vec<_>>();
        assert_eq!(rows(&tasks), rows(&original));
        assert!(read(b"not a zip").is_err());
    }
}
