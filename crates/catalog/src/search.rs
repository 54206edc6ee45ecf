//! Full-text search over the catalogue with tantivy, tuned for how people type Vietnamese:
//! text is folded (no case, diacritics or tone placement; "y" and "i" alike at a syllable's
//! end), a word not in the catalogue's vocabulary is corrected to its nearest known word, and
//! names, common names and consecutive words weigh most. Filters and facet counts are computed
//! in memory over the matches: a province's catalogue has a few thousand entries.
use crate::model::Procedure;
use crate::vocab::{Vocabulary, normalize_words};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use tantivy::collector::TopDocs;
use tantivy::columnar::Column;
use tantivy::query::{BooleanQuery, BoostQuery, DisjunctionMaxQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{FAST, Field, IndexRecordOption, STORED, Schema, TEXT};
use tantivy::{Index, Searcher, Term, doc};

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
    pub total: usize,
    pub hits: Vec<Arc<Procedure>>,
    pub facets: Facets,
}

struct Fields {
    idx: Field,
    name: Field,
    aliases: Field,
    field: Field,
    docs: Field,
}

pub struct SearchIndex {
    searcher: Searcher,
    fields: Fields,
    columns: Vec<Column<u64>>,
    procs: Vec<Arc<Procedure>>,
    /// Positions of the procedures in name order, for listings without a query.
    by_name: Vec<usize>,
    /// Folded words of each procedure's name and of each of its common names.
    names: Vec<Vec<HashSet<String>>>,
    vocab: Vocabulary,
}

/// How many of the best matches are re-ranked by name coverage.
const RERANK: usize = 40;

fn agency_keys(p: &Procedure) -> impl Iterator<Item = &str> {
    let commune = p.agencies.is_empty() && p.level == "commune";
    commune.then_some("commune").into_iter().chain(p.agencies.iter().map(String::as_str))
}

impl Filters {
    /// Whether `p` passes every filter but the one named `skip`.
    fn pass(&self, p: &Procedure, skip: &str) -> bool {
        let ok = |name: &str, want: &Option<String>, has: &dyn Fn(&str) -> bool| {
            name == skip || want.as_deref().is_none_or(|w| w.is_empty() || has(w))
        };
        ok("field", &self.field, &|w| p.field == w)
            && ok("level", &self.level, &|w| p.level == w)
            && ok("agency", &self.agency, &|w| agency_keys(p).any(|k| k == w))
            && ok("service_level", &self.service_level, &|w| p.service_level == w)
            && ok("target_group", &self.target_group, &|w| p.target_groups.iter().any(|t| t == w))
            && ok("life_event", &self.life_event, &|w| p.life_events.iter().any(|t| t == w))
    }
}

impl SearchIndex {
    /// Builds the index of every procedure that is not retired.
    pub fn build(all: Vec<Procedure>) -> tantivy::Result<SearchIndex> {
        let procs: Vec<Arc<Procedure>> = all.into_iter().filter(|p| !p.retired).map(Arc::new).collect();
        let mut sb = Schema::builder();
        let fields = Fields {
            idx: sb.add_u64_field("idx", FAST | STORED),
            name: sb.add_text_field("name", TEXT),
            aliases: sb.add_text_field("aliases", TEXT),
            field: sb.add_text_field("field", TEXT),
            docs: sb.add_text_field("docs", TEXT),
        };
        let index = Index::create_in_ram(sb.build());
        let mut writer = index.writer_with_num_threads(1, 50_000_000)?;
        let mut vocab = Vocabulary::default();
        let mut names = Vec::with_capacity(procs.len());
        for (i, p) in procs.iter().enumerate() {
            names.push(std::iter::once(&p.name).chain(&p.aliases).map(|n| normalize_words(n).into_iter().collect()).collect());
            let name = normalize_words(&format!("{} {}", p.name, p.code)).join(" ");
            // A gap word between common names keeps phrases from spanning two of them.
            let aliases = p.aliases.iter().map(|a| normalize_words(a).join(" ")).collect::<Vec<_>>().join(" zzgap ");
            let field = normalize_words(&p.field).join(" ");
            let docs = normalize_words(&p.documents.iter().map(|d| d.name.as_str()).collect::<Vec<_>>().join(" ")).join(" ");
            for text in [&name, &aliases, &field, &docs] {
                vocab.add_text(text);
            }
            writer.add_document(doc!(fields.idx => i as u64, fields.name => name, fields.aliases => aliases, fields.field => field, fields.docs => docs))?;
        }
        writer.commit()?;
        let searcher = index.reader()?.searcher();
        let columns = searcher
            .segment_readers()
            .iter()
            .map(|s| s.fast_fields().u64("idx"))
            .collect::<tantivy::Result<Vec<_>>>()?;
        let mut by_name: Vec<usize> = (0..procs.len()).collect();
        by_name.sort_by(|&a, &b| procs[a].name.cmp(&procs[b].name));
        Ok(SearchIndex { searcher, fields, columns, procs, by_name, names, vocab })
    }

    pub fn len(&self) -> usize {
        self.procs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.procs.is_empty()
    }

    pub fn get(&self, code: &str) -> Option<Arc<Procedure>> {
        self.procs.iter().find(|p| p.code == code).cloned()
    }

    /// Every indexed procedure, for listings.
    pub fn procedures(&self) -> &[Arc<Procedure>] {
        &self.procs
    }

    /// The query's words after folding and spelling correction, for showing "did you mean".
    pub fn understood(&self, q: &str) -> Vec<String> {
        normalize_words(q).into_iter().filter_map(|w| self.vocab.correct(&w)).collect()
    }

    /// A procedure matches when at least half of the meaningful words are in its name, common
    /// names or field; each word scores by the best of those fields (not their sum, so a common
    /// name that repeats the official name does not count twice). Words in the documents list,
    /// light words and consecutive pairs only add to the score.
    fn text_query(&self, words: &[String]) -> Box<dyn Query> {
        let f = &self.fields;
        let boosted = |q: Box<dyn Query>, boost: f32| -> Box<dyn Query> { Box::new(BoostQuery::new(q, boost)) };
        let term = |field: Field, w: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(Term::from_field_text(field, w), IndexRecordOption::WithFreqs))
        };
        let best_of = |w: &str, weight: f32| -> Box<dyn Query> {
            let fields = vec![boosted(term(f.name, w), 3.0 * weight), boosted(term(f.aliases, w), 2.5 * weight), boosted(term(f.field, w), weight)];
            Box::new(DisjunctionMaxQuery::with_tie_breaker(fields, 0.1))
        };
        let (light, content): (Vec<&String>, Vec<&String>) = words.iter().partition(|w| LIGHT_WORDS.contains(&w.as_str()));
        let required: Vec<&String> = if content.is_empty() { light.clone() } else { content };
        let minimum = required.len().div_ceil(2).max(1);
        let core = BooleanQuery::with_minimum_required_clauses(required.iter().map(|w| (Occur::Should, best_of(w, 1.0))).collect(), minimum);
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, Box::new(core))];
        for w in &light {
            clauses.push((Occur::Should, best_of(w, 0.2)));
        }
        for w in words {
            clauses.push((Occur::Should, boosted(term(f.docs, w), 0.3)));
        }
        for pair in words.windows(2) {
            let phrase = |field: Field| -> Box<dyn Query> {
                Box::new(PhraseQuery::new(pair.iter().map(|w| Term::from_field_text(field, w)).collect()))
            };
            let best = DisjunctionMaxQuery::new(vec![boosted(phrase(f.name), 2.0), boosted(phrase(f.aliases), 2.0)]);
            clauses.push((Occur::Should, Box::new(best)));
        }
        Box::new(BooleanQuery::new(clauses))
    }

    /// Among the best matches, prefers the procedure whose name (or a common name) the query
    /// says most completely: "đăng ký khai sinh" means "Đăng ký khai sinh", not "Đăng ký lại
    /// khai sinh", though both contain every word typed.
    fn rerank(&self, words: &[String], scored: &mut [(f32, usize)]) {
        let typed: HashSet<&str> = words.iter().map(String::as_str).collect();
        let head = scored.len().min(RERANK);
        for (score, i) in scored[..head].iter_mut() {
            let coverage = self.names[*i]
                .iter()
                .filter(|n| !n.is_empty())
                .map(|n| n.iter().filter(|w| typed.contains(w.as_str())).count() as f32 / n.len() as f32)
                .fold(0.0, f32::max);
            *score *= 1.0 + coverage;
        }
        scored[..head].sort_by(|a, b| b.0.total_cmp(&a.0));
    }

    /// Searches and filters; `page` counts from 1.
    pub fn search(&self, q: &str, filters: &Filters, page: usize, per_page: usize) -> tantivy::Result<Found> {
        let words = self.understood(q);
        let ranked: Vec<usize> = if q.trim().is_empty() {
            self.by_name.clone()
        } else if words.is_empty() {
            Vec::new()
        } else {
            // Every match is scored: the total and the facet counts need them all, and a second,
            // unscored pass for those measured slower than one scored pass on this catalogue.
            let limit = self.procs.len().max(1);
            let top = self.searcher.search(&*self.text_query(&words), &TopDocs::with_limit(limit).order_by_score())?;
            let mut scored: Vec<(f32, usize)> = top.into_iter().filter_map(|(score, addr)| Some((score, self.idx_of(addr)?))).collect();
            self.rerank(&words, &mut scored);
            scored.into_iter().map(|(_, i)| i).collect()
        };
        // Counted by borrowed names, turned into owned keys once per value at the end.
        let mut counts: [HashMap<&str, usize>; 5] = Default::default();
        let mut matched = Vec::new();
        for &i in &ranked {
            let p = &self.procs[i];
            count(&mut counts[0], filters.pass(p, "field"), [p.field.as_str()]);
            count(&mut counts[1], filters.pass(p, "level"), [p.level.as_str()]);
            count(&mut counts[2], filters.pass(p, "agency"), agency_keys(p));
            count(&mut counts[3], filters.pass(p, "service_level"), [p.service_level.as_str()]);
            count(&mut counts[4], filters.pass(p, "target_group"), p.target_groups.iter().map(String::as_str));
            if filters.pass(p, "") {
                matched.push(i);
            }
        }
        let owned = |m: &HashMap<&str, usize>| m.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect::<BTreeMap<String, usize>>();
        let facets = Facets { field: owned(&counts[0]), level: owned(&counts[1]), agency: owned(&counts[2]), service_level: owned(&counts[3]), target_group: owned(&counts[4]) };
        let per_page = per_page.clamp(1, 100);
        let start = page.saturating_sub(1).saturating_mul(per_page);
        let hits = matched.iter().skip(start).take(per_page).map(|&i| self.procs[i].clone()).collect();
        Ok(Found { total: matched.len(), hits, facets })
    }

    fn idx_of(&self, addr: tantivy::DocAddress) -> Option<usize> {
        self.columns.get(addr.segment_ord as usize)?.first(addr.doc_id).map(|i| i as usize)
    }

    /// Only the best match's code: the in-process figure the benchmark measures.
    pub fn first(&self, q: &str) -> Option<String> {
        self.search(q, &Filters::default(), 1, 1).ok()?.hits.first().map(|p| p.code.clone())
    }
}

fn count<'a>(map: &mut HashMap<&'a str, usize>, include: bool, keys: impl IntoIterator<Item = &'a str>) {
    if include {
        for k in keys {
            *map.entry(k).or_default() += 1;
        }
    }
}
