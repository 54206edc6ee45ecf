//! The facet counts by value number answer what counting the values themselves answers.
#![allow(clippy::unwrap_used)]
use super::*;
use crate::model::Resource;

/// The counting the index did before value numbers: a map from value to count per field.
fn by_hashing(fields: &[String], limit: usize, docs: &[&Doc]) -> Vec<(String, Vec<(String, usize)>)> {
    fields
        .iter()
        .filter_map(|f| facet_key(f))
        .map(|field| {
            let mut counts: HashMap<&str, usize> = HashMap::new();
            for d in docs {
                for v in d.facets.get(field).map(Vec::as_slice).unwrap_or(&[]) {
                    *counts.entry(v.as_str()).or_default() += 1;
                }
            }
            let mut items: Vec<(String, usize)> = counts.into_iter().map(|(v, n)| (v.to_owned(), n)).collect();
            items.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            items.truncate(limit);
            (field.to_owned(), items)
        })
        .collect()
}

fn datasets(n: usize) -> Vec<Dataset> {
    let mut seed: u64 = 0x5eed;
    let mut next = move |m: u64| {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (seed >> 33) % m
    };
    let now = Utc::now();
    (0..n)
        .map(|i| {
            let mut d = Dataset::blank(now - chrono::Duration::minutes(i as i64));
            d.name = format!("bo-du-lieu-{i}");
            d.title = format!("Bộ dữ liệu {i} về y tế và giáo dục");
            d.owner_org = format!("000.00.{:02}.H55", next(19));
            d.theme = ["", "y-te", "giao-duc", "kinh-te", "moi-truong"][next(5) as usize].to_owned();
            d.license_id = ["cc-by", "cc-zero", "odc-odbl"][next(3) as usize].to_owned();
            d.tags = (0..next(5)).map(|_| format!("thẻ {}", next(40))).collect();
            d.private = next(10) == 0;
            for p in 0..next(4) {
                d.resources.push(Resource {
                    id: uuid::Uuid::now_v7(), package_id: d.id, position: p as i32, name: format!("tep-{p}"), description: String::new(),
                    format: ["CSV", "JSON", "PDF", "XLSX", "GEOJSON"][next(5) as usize].to_owned(), url: String::new(), url_type: "upload".into(),
                    blob_hash: None, mimetype: String::new(), size: None, schema: None, report: None,
                    state: if next(6) == 0 { "deleted" } else { "active" }.into(), created_at: now, modified_at: now,
                });
            }
            d
        })
        .collect()
}

#[test]
fn facet_counts_by_number_equal_counts_by_value() {
    let mut all = datasets(1500);
    let index = Index::build(all.clone(), &Orgs::default(), "http://cong.test");
    // One dataset written after the build: the numbering grows with it.
    let mut late = all.pop().unwrap();
    late.tags.push("thẻ chỉ một lần".into());
    let index = index.with(late, &Orgs::default(), "http://cong.test");
    let mut fields: Vec<String> = FACET_FIELDS.iter().map(|f| (*f).to_owned()).collect();
    fields.push("khong_co".into());
    let viewer = Viewer { all: true, orgs: vec![] };
    for (q, fq) in [("", ""), ("y te", ""), ("", "res_format:CSV"), ("giao duc", "-license_id:cc-by"), ("khong co tu nay", ""), ("", "tags:\"thẻ 7\"")] {
        for limit in [0, 1, 3, 10, 50, 1000] {
            let params = SearchParams { q: q.into(), fq: fq.into(), rows: 100_000, facet_fields: fields.clone(), facet_limit: limit, include_private: true, ..Default::default() };
            let found = index.search(&params, &viewer).unwrap();
            assert_eq!(found.results.len(), found.count);
            assert_eq!(found.facets, by_hashing(&fields, limit, &found.results), "q={q:?} fq={fq:?} limit={limit}");
        }
    }
    let everything = index.search(&SearchParams { rows: 100_000, facet_fields: vec!["tags".into()], facet_limit: 1000, include_private: true, ..Default::default() }, &viewer).unwrap();
    assert!(everything.facets[0].1.iter().any(|(v, n)| v == "thẻ chỉ một lần" && *n == 1));
    assert!(everything.facets[0].1.len() > 40, "a tag list long enough to be cut by the limits above");
}

#[test]
fn a_dataset_counts_once_under_a_format_it_has_twice() {
    let mut d = datasets(40).into_iter().find(|d| d.resources.len() >= 3).unwrap();
    let n = d.resources.len();
    for (i, r) in d.resources.iter_mut().enumerate() {
        r.state = "active".into();
        r.format = if i == 1 { "PDF" } else { "CSV" }.into();
    }
    d.private = false;
    let index = Index::build(vec![d], &Orgs::default(), "http://cong.test");
    let params = SearchParams { rows: 10, facet_fields: vec!["res_format".into()], facet_limit: 10, ..Default::default() };
    let found = index.search(&params, &Viewer::default()).unwrap();
    assert_eq!(found.count, 1);
    assert_eq!(found.facets[0].1, vec![("CSV".to_owned(), 1), ("PDF".to_owned(), 1)], "{n} files");
}
