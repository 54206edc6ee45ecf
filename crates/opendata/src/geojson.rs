//! GeoJSON (RFC 7946) read as a table: one row per feature, its properties as columns (those
//! of the first feature by name, then any new ones of later features), then `geometry_type` (Point, Polygon…) and `geometry` (the geometry as
//! GeoJSON text), so that a map layer can be previewed and queried like a CSV. A file that is
//! not a FeatureCollection, a feature without the shape GeoJSON asks for, or a position out of
//! range becomes an issue of the report with the feature's number; nothing here fails.
use crate::tabular::{Report, Rows};
use serde_json::{Map, Value};

const GEOMETRY_TYPES: [&str; 7] = ["Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection"];

/// Reads GeoJSON text into rows; `None` when it holds no features to tabulate.
pub fn read(text: &str, report: &mut Report) -> Option<Rows> {
    let value: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            report.note("parse", e.line() as u64, "", format!("GeoJSON không hợp lệ ở dòng {}: {e}", e.line()));
            return None;
        }
    };
    let features: Vec<Value> = match value.get("type").and_then(Value::as_str) {
        Some("FeatureCollection") => match value.get("features") {
            Some(Value::Array(list)) => list.clone(),
            _ => {
                report.note("parse", 0, "", "FeatureCollection thiếu mảng \"features\".".into());
                return None;
            }
        },
        Some("Feature") => vec![value],
        Some(t) if GEOMETRY_TYPES.contains(&t) => vec![serde_json::json!({"type": "Feature", "properties": null, "geometry": value})],
        _ => {
            report.note("parse", 0, "", "Tệp không phải GeoJSON: cần một đối tượng có \"type\" là FeatureCollection, Feature hoặc một kiểu hình học.".into());
            return None;
        }
    };
    let mut header: Vec<String> = Vec::new();
    let mut kept: Vec<(u64, &Map<String, Value>)> = Vec::new();
    for (i, f) in features.iter().enumerate() {
        let n = i as u64 + 1;
        match f.as_object().filter(|o| o.get("type").and_then(Value::as_str) == Some("Feature")) {
            Some(obj) => {
                match obj.get("properties") {
                    None | Some(Value::Null) => {}
                    Some(Value::Object(p)) => header.extend(p.keys().filter(|k| !header.contains(k)).cloned().collect::<Vec<_>>()),
                    Some(_) => note(report, n, "\"properties\" phải là một đối tượng hoặc null."),
                }
                kept.push((n, obj));
            }
            None => {
                report.note("parse", n, "", format!("Đối tượng thứ {n} không phải một Feature; đã bỏ qua."));
            }
        }
    }
    let geometry_type = free_name(&header, "geometry_type");
    let geometry = free_name(&header, "geometry");
    let mut rows = Vec::with_capacity(kept.len());
    for (n, obj) in &kept {
        let props = obj.get("properties").and_then(Value::as_object);
        let mut row: Vec<String> = header.iter().map(|k| props.and_then(|p| p.get(k)).map(cell).unwrap_or_default()).collect();
        let (kind, text) = match obj.get("geometry") {
            None | Some(Value::Null) => (String::new(), String::new()),
            Some(g) => {
                if let Err(why) = check_geometry(g) {
                    note(report, *n, &why);
                }
                (g.get("type").and_then(Value::as_str).unwrap_or_default().to_owned(), g.to_string())
            }
        };
        row.push(kind);
        row.push(text);
        rows.push(row);
    }
    header.push(geometry_type);
    header.push(geometry);
    Some((header, rows, kept.iter().map(|(n, _)| *n).collect()))
}

fn note(report: &mut Report, n: u64, why: &str) {
    report.type_errors += 1;
    report.geometry_errors += 1;
    report.note("geometry", n, "geometry", format!("Đối tượng thứ {n}: {why}"));
}

/// `name`, or `_name` (and so on) when a property already has it.
fn free_name(header: &[String], name: &str) -> String {
    let mut n = name.to_owned();
    while header.contains(&n) {
        n.insert(0, '_');
    }
    n
}

fn cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A position: longitude and latitude (WGS 84) in range, optionally an altitude.
fn position(v: &Value) -> Result<(), String> {
    let p = v.as_array().filter(|p| p.len() >= 2 && p.iter().all(Value::is_number)).ok_or("toạ độ phải là mảng [kinh độ, vĩ độ].")?;
    let (lon, lat) = (p[0].as_f64().unwrap_or(f64::NAN), p[1].as_f64().unwrap_or(f64::NAN));
    if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
        return Err(format!("toạ độ [{lon}, {lat}] nằm ngoài phạm vi kinh độ, vĩ độ."));
    }
    Ok(())
}

/// Positions nested `depth` arrays deep (0: one position).
fn positions(v: &Value, depth: u8) -> Result<(), String> {
    if depth == 0 {
        return position(v);
    }
    let list = v.as_array().ok_or("\"coordinates\" không đúng cấu trúc của kiểu hình học.")?;
    list.iter().try_for_each(|x| positions(x, depth - 1))
}

fn check_geometry(g: &Value) -> Result<(), String> {
    let kind = g.get("type").and_then(Value::as_str).unwrap_or_default();
    let coords = g.get("coordinates").unwrap_or(&Value::Null);
    match kind {
        "Point" => positions(coords, 0),
        "MultiPoint" | "LineString" => positions(coords, 1),
        "MultiLineString" | "Polygon" => positions(coords, 2),
        "MultiPolygon" => positions(coords, 3),
        "GeometryCollection" => g.get("geometries").and_then(Value::as_array).ok_or_else(|| "GeometryCollection thiếu \"geometries\".".to_owned())?.iter().try_for_each(check_geometry),
        other => Err(format!("kiểu hình học '{other}' không hợp lệ.")),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::tabular::analyse;

    const COMMUNES: &str = r#"{"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"ten": "Trạm y tế Tịnh Khê", "so_giuong": 5}, "geometry": {"type": "Point", "coordinates": [108.87, 15.17]}},
        {"type": "Feature", "properties": {"ten": "Trạm y tế Nghĩa Hà", "so_giuong": 3, "ghi_chu": "mới"}, "geometry": {"type": "Point", "coordinates": [108.80, 15.10]}},
        {"type": "Feature", "properties": {"ten": "Khu bảo tồn", "so_giuong": 0}, "geometry": {"type": "Polygon", "coordinates": [[[108.1, 15.0], [108.2, 15.0], [108.2, 15.1], [108.1, 15.0]]]}}
    ]}"#;

    #[test]
    fn features_become_rows_with_their_properties_and_geometry() {
        let a = analyse(COMMUNES.as_bytes(), "GEOJSON", None);
        let s = a.schema.unwrap();
        let cols: Vec<(&str, &str)> = s.fields.iter().map(|f| (f.name.as_str(), f.kind.as_str())).collect();
        assert_eq!(cols, [("so_giuong", "integer"), ("ten", "string"), ("ghi_chu", "string"), ("geometry_type", "string"), ("geometry", "string")]);
        assert!(a.report.issues.is_empty(), "{:?}", a.report.issues);
        let t = a.table.unwrap();
        assert_eq!(t.len(), 3);
        assert_eq!((t.text(2, 1), t.text(2, 3)), ("Khu bảo tồn", "Polygon"));
        let point: serde_json::Value = serde_json::from_str(t.text(0, 4)).unwrap();
        assert_eq!(point, serde_json::json!({"type": "Point", "coordinates": [108.87, 15.17]}));
    }

    #[test]
    fn invalid_geojson_is_reported_not_refused() {
        let bad = r#"{"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"ten": "A"}, "geometry": {"type": "Point", "coordinates": [200, 15]}},
            {"type": "Điểm"},
            {"type": "Feature", "properties": {"ten": "B"}, "geometry": {"type": "Hinh", "coordinates": []}},
            {"type": "Feature", "properties": {"ten": "C"}, "geometry": null}
        ]}"#;
        let a = analyse(bad.as_bytes(), "GEOJSON", None);
        let lines = |k: &str| a.report.issues.iter().filter(|i| i.kind == k).map(|i| i.line).collect::<Vec<_>>();
        assert_eq!(lines("geometry"), vec![1, 3], "{:?}", a.report.issues);
        assert_eq!(lines("parse"), vec![2]);
        assert_eq!((a.report.type_errors, a.report.geometry_errors), (2, 2));
        assert_eq!(a.table.unwrap().len(), 3, "the features that are features stay readable");
        let not_json = analyse(b"{\"type\": \"FeatureCollection\", ", "GEOJSON", None);
        assert!(not_json.table.is_none() && not_json.report.issues[0].kind == "parse");
        let not_geo = analyse(br#"{"ten": "khong phai GeoJSON"}"#, "GEOJSON", None);
        assert!(not_geo.schema.is_none() && not_geo.report.issues[0].message.contains("không phải GeoJSON"));
    }
}
