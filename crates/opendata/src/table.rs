//! A parsed table kept in memory column by column (one text arena per column, numbers beside
//! it), so that filtering, sorting and paging a million rows needs no file read and few
//! allocations. Tables are immutable: a resource's file is content-addressed.
use crate::model::TableSchema;
use serde_json::{Map, Value};
use std::cmp::Ordering;

pub struct Column {
    pub name: String,
    pub kind: String,
    buf: String,
    ends: Vec<u32>,
    /// Numeric value of each cell for integer and number columns (NaN when missing or invalid).
    nums: Option<Vec<f64>>,
}

pub struct Table {
    pub columns: Vec<Column>,
    rows: usize,
}

impl Column {
    fn get(&self, row: usize) -> &str {
        let start = if row == 0 { 0 } else { self.ends[row - 1] as usize };
        &self.buf[start..self.ends[row] as usize]
    }

    /// Missing values sort last whichever the direction.
    fn cmp_rows(&self, a: usize, b: usize, desc: bool) -> Ordering {
        let dir = |o: Ordering| if desc { o.reverse() } else { o };
        match &self.nums {
            Some(n) => match (n[a].is_nan(), n[b].is_nan()) {
                (false, false) => dir(n[a].total_cmp(&n[b])),
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (true, true) => Ordering::Equal,
            },
            None => match (self.get(a).is_empty(), self.get(b).is_empty()) {
                (false, false) => dir(self.get(a).cmp(self.get(b))),
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (true, true) => Ordering::Equal,
            },
        }
    }

    /// The cell as JSON: numbers as numbers, missing as null.
    fn json(&self, row: usize) -> Value {
        let v = self.get(row);
        match &self.nums {
            Some(n) if n[row].is_nan() => if v.is_empty() { Value::Null } else { Value::String(v.to_owned()) },
            Some(_) if self.kind == "integer" => v.parse::<i64>().map(Value::from).unwrap_or_else(|_| Value::String(v.to_owned())),
            Some(n) => serde_json::Number::from_f64(n[row]).map(Value::Number).unwrap_or(Value::Null),
            None if v.is_empty() => Value::Null,
            None => Value::String(v.to_owned()),
        }
    }
}

/// CKAN datastore field types for our schema types.
pub fn datastore_type(kind: &str) -> &'static str {
    match kind {
        "integer" => "int",
        "number" => "numeric",
        "boolean" => "bool",
        "date" => "date",
        _ => "text",
    }
}

/// What a datastore query asks.
#[derive(Debug, Default, Clone)]
pub struct Query {
    /// Column → accepted values (equality).
    pub filters: Vec<(String, Vec<String>)>,
    /// Words that must appear in the row (diacritics folded).
    pub q: String,
    /// (column, descending).
    pub sort: Vec<(String, bool)>,
    pub limit: usize,
    pub offset: usize,
}

pub struct Page {
    pub total: usize,
    pub records: Vec<Map<String, Value>>,
}

impl Table {
    pub fn build(schema: &TableSchema, rows: &[Vec<String>], is_missing: &dyn Fn(&str) -> bool) -> Table {
        let columns = schema
            .fields
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let numeric = matches!(f.kind.as_str(), "integer" | "number");
                let mut buf = String::new();
                let mut ends = Vec::with_capacity(rows.len());
                let mut nums = numeric.then(|| Vec::with_capacity(rows.len()));
                for r in rows {
                    let v = if is_missing(&r[i]) { "" } else { r[i].as_str() };
                    buf.push_str(v);
                    ends.push(buf.len() as u32);
                    if let Some(n) = nums.as_mut() {
                        n.push(v.parse::<f64>().unwrap_or(f64::NAN));
                    }
                }
                Column { name: f.name.clone(), kind: f.kind.clone(), buf, ends, nums }
            })
            .collect();
        Table { columns, rows: rows.len() }
    }

    pub fn len(&self) -> usize {
        self.rows
    }

    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    pub fn text(&self, row: usize, col: usize) -> &str {
        self.columns[col].get(row)
    }

    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    /// Filters, sorts and pages; unknown columns are refused by the caller beforehand.
    pub fn query(&self, q: &Query) -> Page {
        let filters: Vec<(usize, &Vec<String>)> = q.filters.iter().filter_map(|(c, v)| Some((self.column(c)?, v))).collect();
        let words: Vec<String> = tinhso_core::text::words(&tinhso_core::text::fold(&q.q)).map(str::to_owned).collect();
        let matches = |row: usize| {
            filters.iter().all(|(c, vals)| {
                let cell = self.columns[*c].get(row);
                vals.iter().any(|v| v == cell)
            }) && (words.is_empty() || {
                let text: String = self.columns.iter().map(|c| tinhso_core::text::fold(c.get(row))).collect::<Vec<_>>().join(" ");
                words.iter().all(|w| text.contains(w.as_str()))
            })
        };
        let sort: Vec<(usize, bool)> = q.sort.iter().filter_map(|(c, d)| Some((self.column(c)?, *d))).collect();
        let end = q.offset.saturating_add(q.limit);
        let cmp = |a: &usize, b: &usize| {
            for (c, desc) in &sort {
                let o = self.columns[*c].cmp_rows(*a, *b, *desc);
                if o != Ordering::Equal {
                    return o;
                }
            }
            a.cmp(b)
        };
        let (total, page): (usize, Vec<usize>) = if sort.is_empty() {
            // In file order: stop collecting once the page is full, but keep counting.
            let mut total = 0;
            let mut page = Vec::with_capacity(q.limit.min(1000));
            for row in 0..self.rows {
                if matches(row) {
                    if total >= q.offset && total < end {
                        page.push(row);
                    }
                    total += 1;
                }
            }
            (total, page)
        } else {
            let mut hits: Vec<usize> = if filters.is_empty() && words.is_empty() { (0..self.rows).collect() } else { (0..self.rows).filter(|r| matches(*r)).collect() };
            let total = hits.len();
            // Only the rows up to the page's end need ordering.
            if end < hits.len() && end > 0 {
                hits.select_nth_unstable_by(end - 1, cmp);
                hits.truncate(end);
            }
            hits.sort_unstable_by(cmp);
            (total, hits.into_iter().skip(q.offset).take(q.limit).collect())
        };
        let records = page
            .into_iter()
            .map(|row| {
                let mut m = Map::new();
                m.insert("_id".into(), Value::from(row as u64 + 1));
                for c in &self.columns {
                    m.insert(c.name.clone(), c.json(row));
                }
                m
            })
            .collect();
        Page { total, records }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::tabular::analyse;

    use super::*;

    fn table() -> Table {
        let csv = "don_vi,thang,so_ho_so\nSở Tư pháp,2026-01,12\nSở Y tế,2026-01,7\nSở Tư pháp,2026-02,30\nSở Xây dựng,2026-02,\n";
        analyse(csv.as_bytes(), "CSV", None).table.unwrap()
    }

    #[test]
    fn filter_sort_and_page() {
        let t = table();
        let p = t.query(&Query { filters: vec![("don_vi".into(), vec!["Sở Tư pháp".into()])], limit: 10, ..Default::default() });
        assert_eq!(p.total, 2);
        let p = t.query(&Query { sort: vec![("so_ho_so".into(), true)], limit: 2, ..Default::default() });
        assert_eq!(p.total, 4);
        let got: Vec<Value> = p.records.iter().map(|r| r["so_ho_so"].clone()).collect();
        assert_eq!(got, vec![Value::from(30), Value::from(12)]);
        let p = t.query(&Query { sort: vec![("so_ho_so".into(), false)], limit: 10, offset: 3, ..Default::default() });
        assert_eq!(p.records[0]["so_ho_so"], Value::Null, "missing sorts last");
        let p = t.query(&Query { q: "xay dung".into(), limit: 10, ..Default::default() });
        assert_eq!(p.total, 1);
        assert_eq!(p.records[0]["_id"], 4);
    }
}
