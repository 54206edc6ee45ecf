//! The inverted index behind catalogue search. For each field it keeps, per word and per pair
//! of adjacent words, the procedures it occurs in with the procedure-dependent part of its
//! BM25 score already computed; a query then only adds weights into one array of scores.
//!
//! Scores follow BM25 as tantivy computes it (k1 = 1.2, b = 0.75, idf = ln(1 + (N − n + 0.5) /
//! (n + 0.5)); a pair of words weighs the sum of its words' idf, as a phrase query does), so
//! the ranking tuned on the query set carries over.
use std::collections::HashMap;

const K1: f32 = 1.2;
const B: f32 = 0.75;

/// Separates common names inside one field, so that no pair of words spans two of them.
pub const GAP: u32 = u32::MAX;

/// A word's (or a pair's) occurrence in one procedure: the procedure's position and
/// tf / (tf + k1·(1 − b + b·len/avg)), the part of BM25 that depends on the procedure.
#[derive(Clone, Copy)]
pub struct Posting {
    pub doc: u32,
    pub tf_part: f32,
}

pub struct List {
    /// idf · (k1 + 1): multiplied by a posting's `tf_part` it gives that procedure's score.
    pub weight: f32,
    /// In ascending order of `doc`.
    pub postings: Vec<Posting>,
}

/// One indexed field: words are keyed by their id, pairs by `pair_key`.
#[derive(Default)]
pub struct FieldIndex {
    lists: HashMap<u64, List>,
}

pub fn pair_key(a: u32, b: u32) -> u64 {
    // Word ids stay below 2^32 - 1, so a pair's key never equals a word's.
    ((u64::from(a) + 1) << 32) | u64::from(b)
}

fn idf(docs: usize, with_term: usize) -> f32 {
    let (n, df) = (docs as f32, with_term as f32);
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

impl FieldIndex {
    /// Indexes each procedure's words, in order (`GAP` between common names).
    pub fn build(docs: &[Vec<u32>]) -> FieldIndex {
        let total: usize = docs.iter().map(Vec::len).sum();
        let avg = (total as f32 / docs.len().max(1) as f32).max(f32::EPSILON);
        let mut counts: HashMap<u64, Vec<(u32, u32)>> = HashMap::new();
        let mut add = |key: u64, doc: u32| {
            let list = counts.entry(key).or_default();
            match list.last_mut() {
                Some((d, tf)) if *d == doc => *tf += 1,
                _ => list.push((doc, 1)),
            }
        };
        for (doc, words) in docs.iter().enumerate() {
            let doc = doc as u32;
            for &w in words.iter().filter(|&&w| w != GAP) {
                add(u64::from(w), doc);
            }
            for pair in words.windows(2).filter(|p| p[0] != GAP && p[1] != GAP) {
                add(pair_key(pair[0], pair[1]), doc);
            }
        }
        let n = docs.len();
        let norm = |doc: u32| K1 * (1.0 - B + B * docs[doc as usize].len() as f32 / avg);
        let word_idf: HashMap<u64, f32> = counts.iter().filter(|(k, _)| **k <= u64::from(u32::MAX)).map(|(k, l)| (*k, idf(n, l.len()))).collect();
        let lists = counts
            .iter()
            .map(|(&key, found)| {
                let idf = if key <= u64::from(u32::MAX) {
                    word_idf[&key]
                } else {
                    // A pair weighs as its two words together.
                    let (a, b) = ((key >> 32) - 1, key & u64::from(u32::MAX));
                    word_idf.get(&a).copied().unwrap_or(0.0) + word_idf.get(&b).copied().unwrap_or(0.0)
                };
                let postings = found
                    .iter()
                    .map(|&(doc, tf)| {
                        let tf = tf as f32;
                        Posting { doc, tf_part: tf / (tf + norm(doc)) }
                    })
                    .collect();
                (key, List { weight: idf * (K1 + 1.0), postings })
            })
            .collect();
        FieldIndex { lists }
    }

    /// The words and pairs this field has, as keys (a pair's is above `u32::MAX`).
    pub fn keys(&self) -> impl Iterator<Item = u64> + '_ {
        self.lists.keys().copied()
    }

    pub fn word(&self, id: u32) -> Option<&List> {
        self.lists.get(&u64::from(id))
    }

    #[cfg(test)]
    pub fn pair(&self, a: u32, b: u32) -> Option<&List> {
        self.list(pair_key(a, b))
    }

    pub fn list(&self, key: u64) -> Option<&List> {
        self.lists.get(&key)
    }
}

/// A procedure's score for one query word or pair, all weights applied.
#[derive(Clone, Copy)]
pub struct Scored {
    pub doc: u32,
    pub score: f32,
}

/// For every procedure in any of `lists`, the best of its boosted scores in them plus `tie`
/// times the others (a disjunction-max). Computed when the index is built, so a query only
/// adds these up.
pub fn best_of(lists: &[(Option<&List>, f32)], tie: f32) -> Vec<Scored> {
    let mut cursors: Vec<(&[Posting], f32)> = lists
        .iter()
        .filter_map(|(list, boost)| list.map(|l| (l.postings.as_slice(), l.weight * boost)))
        .collect();
    let mut out = Vec::new();
    while let Some(doc) = cursors.iter().filter_map(|(p, _)| p.first().map(|p| p.doc)).min() {
        let (mut best, mut sum) = (0.0f32, 0.0f32);
        for (postings, weight) in cursors.iter_mut() {
            if let Some((first, rest)) = postings.split_first()
                && first.doc == doc
            {
                let s = *weight * first.tf_part;
                best = best.max(s);
                sum += s;
                *postings = rest;
            }
        }
        out.push(Scored { doc, score: best + tie * (sum - best) });
    }
    out
}

/// Adds `scale` times each procedure's score in `list` to `score`, and counts one in `present`.
pub fn add(list: &[Scored], scale: f32, score: &mut [f32], present: Option<&mut [u8]>) {
    for s in list {
        score[s.doc as usize] += scale * s.score;
    }
    if let Some(present) = present {
        for s in list {
            present[s.doc as usize] = present[s.doc as usize].saturating_add(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rarer_words_and_shorter_fields_score_higher() {
        // Word 1 is in every procedure, word 2 only in the first; procedure 1 is longer.
        let field = FieldIndex::build(&[vec![1, 2], vec![1, 3, 4, 5]]);
        let (common, rare) = (field.word(1).map(|l| l.weight), field.word(2).map(|l| l.weight));
        assert!(rare > common);
        let mut score = vec![0.0; 2];
        add(&best_of(&[(field.word(1), 1.0)], 0.0), 1.0, &mut score, None);
        assert!(score[0] > score[1], "{score:?}");
    }

    #[test]
    fn pairs_do_not_span_a_gap() {
        let field = FieldIndex::build(&[vec![1, 2, GAP, 3]]);
        assert!(field.pair(1, 2).is_some());
        assert!(field.pair(2, 3).is_none());
        assert!(field.word(GAP).is_none());
    }

    #[test]
    fn best_of_takes_the_best_and_a_share_of_the_rest() {
        let a = FieldIndex::build(&[vec![7]]);
        let b = FieldIndex::build(&[vec![7]]);
        let one = a.word(7).map(|l| l.weight * l.postings[0].tf_part).unwrap_or(0.0);
        let mut score = vec![0.0];
        let mut present = vec![0u8];
        add(&best_of(&[(a.word(7), 3.0), (b.word(7), 1.0)], 0.1), 1.0, &mut score, Some(&mut present));
        assert!((score[0] - (3.0 * one + 0.1 * one)).abs() < 1e-5, "{score:?}");
        assert_eq!(present, [1]);
    }
}
