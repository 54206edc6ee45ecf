#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The queries people really type, each with the procedure they obviously mean: it must come
//! first. The set lives in data/search_queries.tsv so it can grow without code changes.
use tinhso_catalog::search::{Filters, SearchIndex};

fn demo_index() -> SearchIndex {
    let rows = tinhso_catalog::import::parse_json(tinhso_catalog::DEMO_PROCEDURES.as_bytes()).unwrap();
    let procs = rows
        .into_iter()
        .map(|mut r| {
            r.procedure.normalize_and_validate().unwrap();
            r.procedure
        })
        .collect();
    SearchIndex::build(procs)
}

fn query_set() -> Vec<(String, String)> {
    include_str!("../../../data/search_queries.tsv")
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let (q, code) = l.split_once('\t').unwrap();
            (q.to_owned(), code.trim().to_owned())
        })
        .collect()
}

#[test]
fn every_query_finds_the_procedure_meant_first() {
    let index = demo_index();
    let set = query_set();
    assert!(set.len() >= 40, "the query set has {} queries", set.len());
    let mut misses = Vec::new();
    for (q, want) in &set {
        let got = index.search(q, &Filters::default(), 1, 3);
        let codes: Vec<&str> = got.hits.iter().map(|p| p.code.as_str()).collect();
        if codes.first() != Some(&want.as_str()) {
            let names: Vec<String> = got.hits.iter().map(|p| format!("{} {}", p.code, p.name)).collect();
            misses.push(format!("{q:?}: want {want}, got {names:?}"));
        }
    }
    assert!(misses.is_empty(), "{} of {} queries missed:\n{}", misses.len(), set.len(), misses.join("\n"));
}

#[test]
fn the_four_named_queries_hold() {
    let index = demo_index();
    let name_of = |q: &str| index.search(q, &Filters::default(), 1, 1).hits[0].name.clone();
    assert_eq!(name_of("dang ky khai sinh"), "Đăng ký khai sinh");
    assert_eq!(name_of("lam giay khai sinh cho con"), "Đăng ký khai sinh");
    assert!(name_of("ly lich tu phap").to_lowercase().contains("lý lịch tư pháp"));
    assert!(name_of("xin giay phep xay dung").to_lowercase().contains("giấy phép xây dựng"));
}

#[test]
fn nfd_input_and_old_tone_placement_find_the_same() {
    let index = demo_index();
    let first = |q: &str| index.first(q);
    let nfd: String = unicode_nfd("Đăng ký kết hôn");
    assert_eq!(first(&nfd), first("dang ky ket hon"));
    assert_eq!(first("hoà giải"), first("hòa giải"));
}

fn unicode_nfd(s: &str) -> String {
    // Decompose the precomposed letters the test uses, by hand, to avoid a dependency.
    s.replace('ă', "a\u{306}").replace('ý', "y\u{301}").replace('ế', "e\u{302}\u{301}").replace('ô', "o\u{302}")
}

#[test]
fn filters_narrow_and_facets_count() {
    let index = demo_index();
    let all = index.search("", &Filters::default(), 1, 5);
    assert_eq!(all.total, index.len());
    let commune = Filters { level: Some("commune".into()), ..Filters::default() };
    let found = index.search("", &commune, 1, 100);
    assert!(found.total > 0 && found.total < all.total);
    assert!(found.hits.iter().all(|p| p.level == "commune"));
    // The level facet still counts the other level, so a person can switch.
    assert_eq!(found.facets.level.get("commune"), Some(&found.total));
    assert!(found.facets.level.get("province").copied().unwrap_or(0) > 0);
    let field_total: usize = found.facets.field.values().sum();
    assert_eq!(field_total, found.total);
}

#[test]
fn a_long_query_lists_only_what_shares_its_meaning() {
    let index = demo_index();
    let found = index.search("lam giay khai sinh cho con", &Filters::default(), 1, 5);
    assert_eq!(found.hits[0].name, "Đăng ký khai sinh");
    assert!(found.total < index.len() / 3, "{} of {} listed", found.total, index.len());
}
