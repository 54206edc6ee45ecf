//! Full-text search over the catalogue, tuned for how people type Vietnamese: text is folded
//! (no case, diacritics or tone placement; "y" and "i" alike at a syllable's end), a word not
//! in the catalogue's vocabulary is corrected to its nearest known word, and names, common
//! names and consecutive words weigh most.
//!
//! The index is held in memory and scored word by word into one array (see `postings`): a
//! province's catalogue has a few thousand procedures, and at that size a general-purpose
//! engine's per-query machinery cost more than the scoring itself (docs/performance.md).
mod facets;
mod postings;

use crate::model::Procedure;
use crate::vocab::{Vocabulary, normalize_words};
use facets::FacetTable;
use postings::{FieldIndex, GAP, Scored, add, best_of, pair_key};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// Words that carry intent but little meaning ("làm", "cho", "xin"…): they still count, less.
const LIGHT_WORDS: [&str; 18] = [
    "lam", "cho", "xin", "cua", "toi", "muon", "can", "nhu", "the", "nao", "o", "dau", "thu", "tuc", "va", "de", "ve", "mot",
];

#[derive(Debug, Default, Clone, serde::Deserialize, utoipa::IntoParams)]
#[serde(default)]
pub struct Filters {
    /// Lĩnh vực (exact name of the field).
    pub field: Option<String>,
    /// province | commune
    pub level: Option<String>,
    /// Org-unit code of an implementing agency, or "commune" for the commune-level units.
    pub agency: Option<String>,
    /// full_online | partial_online | in_person
    pub service_level: Option<String>,
    /// citizen | business
    pub target_group: Option<String>,
    /// Sự kiện cuộc đời.
    pub life_event: Option<String>,
}

/// Counts per value of each filter, over the matches of the query with the other filters.
#[derive(Debug, Default, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Facets {
    pub field: BTreeMap<String, usize>,
    pub level: BTreeMap<String, usize>,
    pub agency: BTreeMap<String, usize>,
    pub service_level: BTreeMap<String, usize>,
    pub target_group: BTreeMap<String, usize>,
}

pub struct Found {
    /// The query's words as searched for, after folding and spelling correction.
    pub understood: Vec<String>,
    pub total: usize,
    pub hits: Vec<Arc<Procedure>>,
    pub facets: Facets,
}

pub struct SearchIndex {
    procs: Vec<Arc<Procedure>>,
    by_code: HashMap<String, u32>,
    /// Positions of the procedures in name order, for listings without a query.
    by_name: Vec<u32>,
    /// Every word of the catalogue, numbered.
    word_ids: HashMap<String, u32>,
    /// Per word: its score in the procedures whose name (×3), common names (×2.5) or field
    /// (×1) have it, the best of the three plus a tenth of the others.
    titles: HashMap<u32, Vec<Scored>>,
    /// Per word: its score in the procedures whose documents list has it (×0.3).
    documents: HashMap<u32, Vec<Scored>>,
    /// Per pair of adjacent words: its score in names and common names (×2, the better one).
    pairs: HashMap<u64, Vec<Scored>>,
    /// Distinct word ids of each procedure's name and of each of its common names.
    names: Vec<Vec<Vec<u32>>>,
    facets: FacetTable,
    vocab: Vocabulary,
}

/// How many of the best matches are re-ranked by name coverage.
const RERANK: usize = 40;

/// Numbers words as they are first seen.
#[derive(Default)]
struct Numbering {
    ids: HashMap<String, u32>,
}

impl Numbering {
    fn id(&mut self, word: String) -> u32 {
        let next = self.ids.len() as u32;
        *self.ids.entry(word).or_insert(next)
    }

    fn ids(&mut self, words: Vec<String>) -> Vec<u32> {
        words.into_iter().map(|w| self.id(w)).collect()
    }
}

impl SearchIndex {
    /// Builds the index of every procedure that is not retired.
    pub fn build(all: Vec<Procedure>) -> SearchIndex {
        let procs: Vec<Arc<Procedure>> = all.into_iter().filter(|p| !p.retired).map(Arc::new).collect();
        let mut numbering = Numbering::default();
        let mut vocab = Vocabulary::default();
        let mut texts: [Vec<Vec<u32>>; 4] = Default::default();
        let mut names = Vec::with_capacity(procs.len());
        for p in &procs {
            let name = normalize_words(&format!("{} {}", p.name, p.code));
            // A gap between common names keeps pairs of words from spanning two of them.
            let mut aliases = Vec::new();
            for a in &p.aliases {
                if !aliases.is_empty() {
                    aliases.push(None);
                }
                aliases.extend(normalize_words(a).into_iter().map(Some));
            }
            let field = normalize_words(&p.field);
            let docs = normalize_words(&p.documents.iter().map(|d| d.name.as_str()).collect::<Vec<_>>().join(" "));
            for w in name.iter().chain(aliases.iter().flatten()).chain(&field).chain(&docs) {
                vocab.add(w);
            }
            texts[1].push(aliases.into_iter().map(|w| w.map_or(GAP, |w| numbering.id(w))).collect());
            texts[0].push(numbering.ids(name));
            texts[2].push(numbering.ids(field));
            texts[3].push(numbering.ids(docs));
            let mut distinct = |n: &String| {
                let mut ids = numbering.ids(normalize_words(n));
                ids.sort_unstable();
                ids.dedup();
                ids
            };
            names.push(std::iter::once(&p.name).chain(&p.aliases).map(&mut distinct).collect());
        }
        vocab.finish();
        let [name, aliases, field, docs] = texts.map(|t| FieldIndex::build(&t));
        let known = |merged: Vec<Scored>| (!merged.is_empty()).then_some(merged);
        let word_count = numbering.ids.len() as u32;
        let titles = (0..word_count)
            .filter_map(|id| Some((id, known(best_of(&[(name.word(id), 3.0), (aliases.word(id), 2.5), (field.word(id), 1.0)], 0.1))?)))
            .collect();
        let documents = (0..word_count).filter_map(|id| Some((id, known(best_of(&[(docs.word(id), 0.3)], 0.0))?))).collect();
        let pairs = name
            .keys()
            .chain(aliases.keys())
            .filter(|&key| key > u64::from(u32::MAX))
            .map(|key| (key, best_of(&[(name.list(key), 2.0), (aliases.list(key), 2.0)], 0.0)))
            .collect();
        let by_code = procs.iter().enumerate().map(|(i, p)| (p.code.clone(), i as u32)).collect();
        let mut by_name: Vec<u32> = (0..procs.len() as u32).collect();
        by_name.sort_by(|&a, &b| procs[a as usize].name.cmp(&procs[b as usize].name));
        let facets = FacetTable::build(&procs);
        SearchIndex { procs, by_code, by_name, word_ids: numbering.ids, titles, documents, pairs, names, facets, vocab }
    }

    pub fn len(&self) -> usize {
        self.procs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.procs.is_empty()
    }

    pub fn get(&self, code: &str) -> Option<Arc<Procedure>> {
        self.by_code.get(code).map(|&i| self.procs[i as usize].clone())
    }

    /// Every indexed procedure, for listings.
    pub fn procedures(&self) -> &[Arc<Procedure>] {
        &self.procs
    }

    /// The query's words after folding and spelling correction, for showing "did you mean".
    pub fn understood(&self, q: &str) -> Vec<String> {
        normalize_words(q).into_iter().filter_map(|w| self.vocab.correct(&w)).collect()
    }

    /// Scores every procedure for the query's words; returns the matches, unordered.
    ///
    /// A procedure matches when at least half of the meaningful words are in its name, common
    /// names or field; each word scores by the best of those fields (not their sum, so a common
    /// name that repeats the official name does not count twice). Words in the documents list,
    /// light words and consecutive pairs in a name only add to the score.
    fn score(&self, words: &[String]) -> Vec<(f32, u32)> {
        let ids: Vec<Option<u32>> = words.iter().map(|w| self.word_ids.get(w).copied()).collect();
        let light: Vec<bool> = words.iter().map(|w| LIGHT_WORDS.contains(&w.as_str())).collect();
        // Light words are required only when the query has nothing else.
        let any_content = light.iter().any(|l| !l);
        let required = |is_light: bool| is_light != any_content;
        let minimum = light.iter().filter(|&&l| required(l)).count().div_ceil(2).max(1);
        let minimum = u8::try_from(minimum).unwrap_or(u8::MAX);
        let mut score = vec![0.0f32; self.procs.len()];
        let mut present = vec![0u8; self.procs.len()];
        for (&id, &is_light) in ids.iter().zip(&light) {
            let Some(id) = id else { continue };
            if let Some(list) = self.titles.get(&id) {
                if required(is_light) {
                    add(list, 1.0, &mut score, Some(&mut present));
                }
                if is_light {
                    add(list, 0.2, &mut score, None);
                }
            }
            if let Some(list) = self.documents.get(&id) {
                add(list, 1.0, &mut score, None);
            }
        }
        for pair in ids.windows(2) {
            if let [Some(a), Some(b)] = *pair
                && let Some(list) = self.pairs.get(&pair_key(a, b))
            {
                add(list, 1.0, &mut score, None);
            }
        }
        present.iter().zip(score).enumerate().filter(|(_, (p, _))| **p >= minimum).map(|(i, (_, s))| (s, i as u32)).collect()
    }

    /// Among the best matches, prefers the procedure whose name (or a common name) the query
    /// says most completely: "đăng ký khai sinh" means "Đăng ký khai sinh", not "Đăng ký lại
    /// khai sinh", though both contain every word typed.
    fn rerank(&self, words: &[String], head: &mut [(f32, u32)]) {
        let typed: Vec<u32> = words.iter().filter_map(|w| self.word_ids.get(w).copied()).collect();
        for (score, i) in head.iter_mut() {
            let coverage = self.names[*i as usize]
                .iter()
                .filter(|n| !n.is_empty())
                .map(|n| n.iter().filter(|w| typed.contains(w)).count() as f32 / n.len() as f32)
                .fold(0.0, f32::max);
            *score *= 1.0 + coverage;
        }
        head.sort_by(|a, b| b.0.total_cmp(&a.0));
    }

    /// Searches and filters; `page` counts from 1.
    pub fn search(&self, q: &str, filters: &Filters, page: usize, per_page: usize) -> Found {
        let per_page = per_page.clamp(1, 100);
        let start = page.saturating_sub(1).saturating_mul(per_page);
        let words = if q.trim().is_empty() { Vec::new() } else { self.understood(q) };
        let (matched, facets) = if q.trim().is_empty() {
            self.facets.filter_and_count(&self.by_name, |i| i, filters)
        } else {
            let scored = if words.is_empty() { Vec::new() } else { self.score(&words) };
            let (mut ranked, facets) = self.facets.filter_and_count(&scored, |(_, i)| i, filters);
            // Only the head needs ordering: what is re-ranked and what this page shows.
            let by_rank = |a: &(f32, u32), b: &(f32, u32)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
            let head = RERANK.max(start.saturating_add(per_page)).min(ranked.len());
            if head > 0 && head < ranked.len() {
                ranked.select_nth_unstable_by(head - 1, by_rank);
            }
            ranked[..head].sort_unstable_by(by_rank);
            self.rerank(&words, &mut ranked[..head.min(RERANK)]);
            (ranked.into_iter().map(|(_, i)| i).collect(), facets)
        };
        let hits = matched.iter().skip(start).take(per_page).map(|&i| self.procs[i as usize].clone()).collect();
        Found { understood: words, total: matched.len(), hits, facets }
    }

    /// Only the best match's code: the in-process figure the benchmark measures.
    pub fn first(&self, q: &str) -> Option<String> {
        self.search(q, &Filters::default(), 1, 1).hits.first().map(|p| p.code.clone())
    }
}
