//! The in-memory search index behind `package_search` and the portal's search page: every
//! active dataset with its package dict rendered once, an inverted index of folded words and
//! the facet fields. Rebuilt after each write and when another node's write is seen.
use crate::ckan::{self, Orgs};
use crate::model::Dataset;
use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use tinhso_core::text::{fold, words};

#[cfg(test)]
mod facet_tests;

pub struct Doc {
    pub dataset: Arc<Dataset>,
    pub package: Arc<Value>,
    pub id: String,
    pub name: String,
    pub owner_code: String,
    title_key: String,
    title_words: HashSet<String>,
    pub private: bool,
    pub modified: DateTime<Utc>,
    created: DateTime<Utc>,
    /// Facet field → values.
    facets: HashMap<&'static str, Vec<String>>,
    /// The same values as numbers into [`Index::facet_values`], one list per facet field in
    /// the order of [`FACET_FIELDS`]: counting is then array increments, no hashing.
    facet_ids: [Vec<u32>; FACET_COUNT],
}

pub const FACET_FIELDS: &[&str; FACET_COUNT] = &["organization", "groups", "tags", "res_format", "license_id"];
const FACET_COUNT: usize = 5;

#[derive(Default)]
pub struct Index {
    pub docs: Vec<Doc>,
    words: HashMap<String, Vec<u32>>,
    /// Display names for facet values (organisation and group titles, licence titles).
    display: HashMap<(&'static str, String), String>,
    /// Every distinct value of each facet field, numbered in first-seen order.
    facet_values: [Vec<String>; FACET_COUNT],
}

/// Who is searching: private datasets of these units (or all, for administrators) are shown
/// when the caller asks for them.
#[derive(Debug, Clone, Default)]
pub struct Viewer {
    pub all: bool,
    pub orgs: Vec<String>,
}

impl Viewer {
    pub fn sees(&self, owner_code: &str) -> bool {
        self.all || self.orgs.iter().any(|o| o == owner_code)
    }
}

#[derive(Debug, Clone, Default)]
pub struct SearchParams {
    pub q: String,
    pub fq: String,
    pub rows: usize,
    pub start: usize,
    pub sort: String,
    pub facet_fields: Vec<String>,
    pub facet_limit: usize,
    pub include_private: bool,
}

pub struct Found<'a> {
    pub count: usize,
    pub results: Vec<&'a Doc>,
    /// Field → (value, count) in decreasing count.
    pub facets: Vec<(String, Vec<(String, usize)>)>,
    pub sort: String,
}

impl Found<'_> {
    /// `facets` and `search_facets` as CKAN answers them.
    pub fn facet_json(&self, index: &Index) -> (Value, Value) {
        let mut facets = Map::new();
        let mut search = Map::new();
        for (field, items) in &self.facets {
            facets.insert(field.clone(), Value::Object(items.iter().map(|(v, n)| (v.clone(), json!(n))).collect()));
            let items: Vec<Value> = items.iter().map(|(v, n)| json!({"name": v, "display_name": index.display_name(field, v), "count": n})).collect();
            search.insert(field.clone(), json!({"title": field, "items": items}));
        }
        (Value::Object(facets), Value::Object(search))
    }
}

fn facet_key(field: &str) -> Option<&'static str> {
    FACET_FIELDS.iter().copied().find(|f| *f == field)
}

impl Index {
    pub fn build(all: Vec<Dataset>, orgs: &Orgs, base: &str) -> Index {
        Index::assemble(all.into_iter().map(|d| (Arc::new(d), None)).collect(), orgs, base)
    }

    /// This index with one dataset written (added, changed or removed): the other datasets'
    /// package dicts are reused, so a write costs one rendering, not one per dataset.
    pub fn with(&self, d: Dataset, orgs: &Orgs, base: &str) -> Index {
        let mut entries: Vec<(Arc<Dataset>, Option<Arc<Value>>)> =
            self.docs.iter().filter(|doc| doc.dataset.id != d.id).map(|doc| (doc.dataset.clone(), Some(doc.package.clone()))).collect();
        entries.push((Arc::new(d), None));
        Index::assemble(entries, orgs, base)
    }

    fn assemble(entries: Vec<(Arc<Dataset>, Option<Arc<Value>>)>, orgs: &Orgs, base: &str) -> Index {
        let mut index = Index::default();
        for (code, org) in &orgs.by_code {
            index.display.insert(("organization", org.name()), org.title.clone());
            let _ = code;
        }
        for (name, title) in crate::vocab::THEMES {
            index.display.insert(("groups", (*name).to_owned()), (*title).to_owned());
        }
        for l in crate::vocab::LICENCES {
            index.display.insert(("license_id", l.id.to_owned()), l.title.to_owned());
        }
        let mut numbers: [HashMap<String, u32>; FACET_COUNT] = Default::default();
        for (d, package) in entries.into_iter().filter(|(d, _)| d.state == "active") {
            let n = index.docs.len() as u32;
            let org_title = orgs.title(&d.owner_org);
            let mut text = format!("{} {} {} {} {} {}", d.name.replace(['-', '_'], " "), d.title, d.notes, d.tags.join(" "), org_title, d.spatial);
            for r in d.active_resources() {
                text.push_str(&format!(" {} {} {}", r.name, r.description, r.format));
            }
            let folded = fold(&text);
            let unique: HashSet<&str> = words(&folded).collect();
            for w in unique {
                index.words.entry(w.to_owned()).or_default().push(n);
            }
            let mut formats: Vec<String> = d.active_resources().map(|r| r.format.clone()).filter(|f| !f.is_empty()).collect();
            // A dataset counts once under a format, however many of its files have it.
            formats.sort();
            formats.dedup();
            let facets = HashMap::from([
                ("organization", vec![ckan::slug(&d.owner_org)]),
                ("groups", if d.theme.is_empty() { vec![] } else { vec![d.theme.clone()] }),
                ("tags", d.tags.clone()),
                ("res_format", formats),
                ("license_id", vec![d.license_id.clone()]),
            ]);
            let facet_ids = std::array::from_fn(|i| {
                let values = facets.get(FACET_FIELDS[i]).map(Vec::as_slice).unwrap_or(&[]);
                values.iter().map(|v| *numbers[i].entry(v.clone()).or_insert_with(|| { index.facet_values[i].push(v.clone()); index.facet_values[i].len() as u32 - 1 })).collect()
            });
            index.docs.push(Doc {
                package: package.unwrap_or_else(|| Arc::new(ckan::package(base, &d, orgs))),
                id: d.id.to_string(),
                name: d.name.clone(),
                owner_code: d.owner_org.clone(),
                title_key: fold(&d.title),
                title_words: words(&fold(&d.title)).map(str::to_owned).collect(),
                private: d.private,
                modified: d.modified_at,
                created: d.created_at,
                facets,
                facet_ids,
                dataset: d,
            });
        }
        index
    }

    pub fn display_name(&self, field: &str, value: &str) -> String {
        facet_key(field).and_then(|f| self.display.get(&(f, value.to_owned()))).cloned().unwrap_or_else(|| value.to_owned())
    }

    pub fn by_name(&self, name: &str) -> Option<&Doc> {
        self.docs.iter().find(|d| d.name == name || d.id == name)
    }

    /// Answers a search; `Err` carries a message for CKAN's "Search Query Error".
    pub fn search(&self, p: &SearchParams, viewer: &Viewer) -> Result<Found<'_>, String> {
        let (mut terms, mut filters) = (Vec::new(), Vec::new());
        split_query(&p.q, &mut terms, &mut filters, true)?;
        let mut fq_terms = Vec::new();
        split_query(&p.fq, &mut fq_terms, &mut filters, false)?;
        if !fq_terms.is_empty() {
            return Err(format!("fq chỉ nhận điều kiện dạng trường:giá_trị, không nhận '{}'", fq_terms.join(" ")));
        }
        let query_words: Vec<String> = terms.iter().flat_map(|t| words(&fold(t)).map(str::to_owned).collect::<Vec<_>>()).collect();
        // Candidates: the intersection of the posting lists of every word.
        let mut candidates: Option<Vec<u32>> = None;
        for w in &query_words {
            let list = self.words.get(w).map(Vec::as_slice).unwrap_or(&[]);
            candidates = Some(match candidates {
                None => list.to_vec(),
                Some(c) => c.into_iter().filter(|x| list.binary_search(x).is_ok()).collect(),
            });
        }
        let visible = |d: &Doc| !d.private || (p.include_private && viewer.sees(&d.owner_code));
        let keep = |d: &&Doc| visible(d) && filters.iter().all(|f: &Filter| f.matches(d));
        let matched: Vec<&Doc> = match candidates {
            Some(c) => c.into_iter().map(|i| &self.docs[i as usize]).filter(keep).collect(),
            None => self.docs.iter().filter(keep).collect(),
        };
        let facets = self.count_facets(&p.facet_fields, p.facet_limit, &matched);
        let mut hits: Vec<(&Doc, u32)> = matched.into_iter().map(|d| (d, score(d, &query_words))).collect();
        let sort = if p.sort.trim().is_empty() { "score desc, metadata_modified desc".to_owned() } else { p.sort.trim().to_owned() };
        let keys = parse_sort(&sort)?;
        let cmp = |a: &(&Doc, u32), b: &(&Doc, u32)| {
            for (key, desc) in &keys {
                let o = match key.as_str() {
                    "score" => a.1.cmp(&b.1),
                    "metadata_modified" => a.0.modified.cmp(&b.0.modified),
                    "metadata_created" => a.0.created.cmp(&b.0.created),
                    "name" => a.0.name.cmp(&b.0.name),
                    _ => a.0.title_key.cmp(&b.0.title_key),
                };
                let o = if *desc { o.reverse() } else { o };
                if o.is_ne() {
                    return o;
                }
            }
            a.0.name.cmp(&b.0.name)
        };
        let count = hits.len();
        let end = p.start.saturating_add(p.rows).min(count);
        if end > 0 && end < count {
            hits.select_nth_unstable_by(end - 1, cmp);
            hits.truncate(end);
        }
        hits.sort_unstable_by(cmp);
        let results = hits.into_iter().skip(p.start).take(p.rows).map(|(d, _)| d).collect();
        Ok(Found { count, results, facets, sort })
    }

    /// Per facet field, the values of `docs` with their counts, most frequent first (ties by
    /// value), at most `limit`. Counts are kept in an array indexed by value number.
    fn count_facets(&self, fields: &[String], limit: usize, docs: &[&Doc]) -> Vec<(String, Vec<(String, usize)>)> {
        fields
            .iter()
            .filter_map(|f| FACET_FIELDS.iter().position(|x| x == f))
            .map(|i| {
                let values = &self.facet_values[i];
                let mut counts = vec![0usize; values.len()];
                for d in docs {
                    for v in &d.facet_ids[i] {
                        counts[*v as usize] += 1;
                    }
                }
                let mut items: Vec<(u32, usize)> = counts.iter().enumerate().filter(|(_, n)| **n > 0).map(|(v, n)| (v as u32, *n)).collect();
                let order = |a: &(u32, usize), b: &(u32, usize)| b.1.cmp(&a.1).then_with(|| values[a.0 as usize].cmp(&values[b.0 as usize]));
                if limit > 0 && limit < items.len() {
                    items.select_nth_unstable_by(limit - 1, order);
                }
                items.truncate(limit);
                items.sort_unstable_by(order);
                (FACET_FIELDS[i].to_owned(), items.into_iter().map(|(v, n)| (values[v as usize].clone(), n)).collect())
            })
            .collect()
    }
}

fn score(d: &Doc, query_words: &[String]) -> u32 {
    query_words.iter().map(|w| if d.title_words.contains(w) { 3 } else { 1 }).sum()
}

fn parse_sort(sort: &str) -> Result<Vec<(String, bool)>, String> {
    sort.split(',')
        .map(|part| {
            let mut it = part.split_whitespace();
            let field = it.next().unwrap_or_default();
            let desc = match it.next().unwrap_or("asc") {
                "asc" => false,
                "desc" => true,
                other => return Err(format!("Hướng sắp xếp '{other}' không hợp lệ (asc hoặc desc)")),
            };
            match field {
                "score" | "metadata_modified" | "metadata_created" | "name" | "title_string" | "title" => Ok((field.to_owned(), desc)),
                other => Err(format!("Không sắp xếp được theo trường '{other}'")),
            }
        })
        .collect()
}

struct Filter {
    field: String,
    value: String,
    negate: bool,
}

impl Filter {
    fn matches(&self, d: &Doc) -> bool {
        let hit = match self.field.as_str() {
            "name" => d.name == self.value,
            "id" => d.id == self.value,
            "owner_org" => d.package["owner_org"].as_str() == Some(self.value.as_str()),
            "private" | "capacity" => (d.private && matches!(self.value.as_str(), "true" | "private")) || (!d.private && matches!(self.value.as_str(), "false" | "public")),
            "organization" | "groups" | "tags" | "res_format" | "license_id" => {
                let key = facet_key(&self.field).unwrap_or("tags");
                self.value == "*" || d.facets.get(key).is_some_and(|vs| vs.iter().any(|v| v == &self.value || v.eq_ignore_ascii_case(&self.value)))
            }
            _ => false,
        };
        hit != self.negate
    }
}

const FILTER_FIELDS: &[&str] = &["name", "id", "owner_org", "private", "capacity", "organization", "groups", "tags", "res_format", "license_id", "dataset_type", "state", "+dataset_type", "+state"];

/// Splits a Solr-like query into free words and `field:value` filters (values may be quoted).
/// In `q`, a field the index does not filter on (`title:…`, `notes:…`) searches its words.
fn split_query(q: &str, terms: &mut Vec<String>, filters: &mut Vec<Filter>, in_q: bool) -> Result<(), String> {
    let q = q.trim();
    if q.is_empty() || q == "*:*" {
        return Ok(());
    }
    let mut rest = q;
    while !rest.is_empty() {
        rest = rest.trim_start();
        if rest.is_empty() {
            break;
        }
        let (token, after) = next_token(rest);
        rest = after;
        if matches!(token.as_str(), "AND" | "&&") {
            continue;
        }
        match token.split_once(':') {
            Some((field, value)) if !field.is_empty() => {
                let negate = field.starts_with('-');
                let field = field.trim_start_matches(['+', '-']);
                if !FILTER_FIELDS.contains(&field) && in_q && !negate {
                    terms.push(value.trim_matches('"').to_owned());
                    continue;
                }
                if !FILTER_FIELDS.contains(&field) {
                    return Err(format!("Trường '{field}' không lọc được"));
                }
                if matches!(field, "dataset_type" | "state") {
                    continue;
                }
                filters.push(Filter { field: field.to_owned(), value: value.trim_matches('"').to_owned(), negate });
            }
            _ => terms.push(token),
        }
    }
    Ok(())
}

/// One token: up to whitespace, except inside double quotes.
fn next_token(s: &str) -> (String, &str) {
    let mut in_quotes = false;
    for (i, c) in s.char_indices() {
        match c {
            '"' => in_quotes = !in_quotes,
            c if c.is_whitespace() && !in_quotes => return (s[..i].to_owned(), &s[i..]),
            _ => {}
        }
    }
    (s.to_owned(), "")
}
