//! The first sheet of an XLSX workbook as rows of text, for the same checks as CSV.
use crate::tabular::{Report, Rows};

/// Reads the first sheet of an XLSX workbook; its first row is the header.
pub fn read(bytes: &[u8], report: &mut Report) -> Option<Rows> {
    use calamine::Reader;
    let mut book = match calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)) {
        Ok(b) => b,
        Err(e) => {
            report.note("parse", 0, "", format!("Không đọc được tệp XLSX: {e}"));
            return None;
        }
    };
    let range = match book.worksheet_range_at(0)? {
        Ok(r) => r,
        Err(e) => {
            report.note("parse", 0, "", format!("Không đọc được trang tính đầu tiên: {e}"));
            return None;
        }
    };
    let first_line = range.start().map(|(r, _)| u64::from(r) + 1).unwrap_or(1);
    let mut all = range.rows();
    let header: Vec<String> = all.next()?.iter().map(xlsx_cell).collect();
    let (mut rows, mut lines) = (Vec::new(), Vec::new());
    for (i, r) in all.enumerate() {
        let cells: Vec<String> = r.iter().map(xlsx_cell).collect();
        if cells.iter().all(String::is_empty) {
            continue;
        }
        rows.push(cells);
        lines.push(first_line + 1 + i as u64);
    }
    Some((header, rows, lines))
}

/// A cell as text: whole numbers without ".0", dates as ISO dates.
fn xlsx_cell(d: &calamine::Data) -> String {
    use calamine::{Data, DataType};
    match d {
        Data::Empty => String::new(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::DateTime(_) => d
            .as_datetime()
            .map(|t| if t.time() == chrono::NaiveTime::MIN { t.format("%Y-%m-%d").to_string() } else { t.format("%Y-%m-%dT%H:%M:%S").to_string() })
            .unwrap_or_else(|| d.to_string()),
        other => other.to_string().trim().to_owned(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::tabular::analyse;

    /// A minimal workbook as spreadsheet software writes it (stored, not deflated).
    fn xlsx(rows: &[&[&str]]) -> Vec<u8> {
        use std::io::Write;
        let cell = |c: usize, r: usize, v: &str| match v.parse::<f64>() {
            Ok(n) => format!("<c r=\"{}{}\"><v>{n}</v></c>", (b'A' + c as u8) as char, r),
            Err(_) => format!("<c r=\"{}{}\" t=\"inlineStr\"><is><t>{v}</t></is></c>", (b'A' + c as u8) as char, r),
        };
        let sheet: String = rows.iter().enumerate().map(|(i, r)| format!("<row r=\"{}\">{}</row>", i + 1, r.iter().enumerate().map(|(c, v)| cell(c, i + 1, v)).collect::<String>())).collect();
        let files = [
            ("[Content_Types].xml", r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_owned()),
            ("_rels/.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_owned()),
            ("xl/workbook.xml", r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_owned()),
            ("xl/_rels/workbook.xml.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.to_owned()),
            ("xl/worksheets/sheet1.xml", format!(r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{sheet}</sheetData></worksheet>"#)),
        ];
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        for (name, body) in files {
            zip.start_file(name, opts).unwrap();
            zip.write_all(body.as_bytes()).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    #[test]
    fn the_first_sheet_of_a_workbook_is_a_table() {
        let book = xlsx(&[&["xa", "so_diem"], &["Tịnh Khê", "3"], &["Nghĩa Hà", "nhiều"], &["Bình Sơn", "5"], &["Ba Tơ", "1"], &["Sơn Hà", "2"], &["Minh Long", "4"], &["Trà Bồng", "6"], &["Lý Sơn", "7"], &["Đức Phổ", "8"], &["Mộ Đức", "9"]]);
        let a = analyse(&book, "XLSX", None);
        assert_eq!(a.schema.unwrap().fields[1].kind, "integer", "{:?}", a.report.issues);
        assert_eq!(a.report.type_errors, 1);
        assert_eq!(a.report.issues.iter().find(|i| i.kind == "type").unwrap().line, 3, "sheet row of the bad value");
        assert_eq!(a.table.unwrap().text(0, 0), "Tịnh Khê");
        assert_eq!(analyse(b"PK\x03\x04 not a workbook", "XLSX", None).report.issues[0].kind, "parse");
    }
}
