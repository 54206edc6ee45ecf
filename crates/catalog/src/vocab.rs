//! The words of the catalogue, for folding queries the way the index was folded and for
//! correcting a word typed with a small mistake to the nearest word the catalogue knows.
use std::collections::HashMap;
use tinhso_core::text::{fold, words};

/// Folds text into search words. Vietnamese writes a final "y" and "i" interchangeably after a
/// consonant ("kỹ"/"kĩ", "lý"/"lí"), so both fold to "i".
pub fn normalize_words(text: &str) -> Vec<String> {
    let folded = fold(text);
    words(&folded)
        .map(|w| {
            let b = w.as_bytes();
            if b.len() >= 2 && b[b.len() - 1] == b'y' && !b"aeiouy".contains(&b[b.len() - 2]) {
                format!("{}i", &w[..w.len() - 1])
            } else {
                w.to_owned()
            }
        })
        .collect()
}

#[derive(Default)]
pub struct Vocabulary {
    freq: HashMap<String, u32>,
    /// Each known word, and each word with one letter left out, to the known words it comes
    /// from: two words within one edit share one of these, so a typo finds its candidates by
    /// lookup instead of by comparing it with the whole vocabulary.
    one_out: HashMap<String, Vec<String>>,
}

/// The word with each of its letters left out in turn.
fn without_one(word: &str) -> impl Iterator<Item = String> + '_ {
    word.char_indices().map(|(i, c)| format!("{}{}", &word[..i], &word[i + c.len_utf8()..]))
}

impl Vocabulary {
    pub fn add(&mut self, word: &str) {
        *self.freq.entry(word.to_owned()).or_default() += 1;
    }

    /// Prepares the lookup of near words; call after the last `add`.
    pub fn finish(&mut self) {
        self.one_out.clear();
        for w in self.freq.keys() {
            for key in std::iter::once(w.clone()).chain(without_one(w)) {
                self.one_out.entry(key).or_default().push(w.clone());
            }
        }
    }

    /// The word itself when known; else the most frequent known word within one edit (two
    /// for long words); else `None`.
    pub fn correct(&self, word: &str) -> Option<String> {
        if self.freq.contains_key(word) {
            return Some(word.to_owned());
        }
        let n = word.chars().count();
        let max = match n {
            0..=2 => return None,
            3..=7 => 1,
            _ => 2,
        };
        let near: Vec<&String> = if max == 1 {
            std::iter::once(word.to_owned()).chain(without_one(word)).filter_map(|k| self.one_out.get(&k)).flatten().collect()
        } else {
            self.freq.keys().filter(|w| w.len().abs_diff(word.len()) <= max).collect()
        };
        near.into_iter()
            .filter_map(|w| {
                let d = strsim::damerau_levenshtein(word, w);
                (d <= max).then_some((d, std::cmp::Reverse(self.freq[w]), w))
            })
            .min()
            .map(|(_, _, w)| w.clone())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn y_and_i_fold_alike() {
        assert_eq!(normalize_words("Đăng ký kết hôn"), ["dang", "ki", "ket", "hon"]);
        assert_eq!(normalize_words("dang ki"), ["dang", "ki"]);
        assert_eq!(normalize_words("Lý lịch, Tư pháp"), ["li", "lich", "tu", "phap"]);
        // "uy" keeps its y: the y follows a vowel.
        assert_eq!(normalize_words("thuý"), ["thuy"]);
    }

    #[test]
    fn corrects_one_typo() {
        let mut v = Vocabulary::default();
        for w in normalize_words("chung thuc ban sao tu ban chinh") {
            v.add(&w);
        }
        v.finish();
        assert_eq!(v.correct("chung").as_deref(), Some("chung"));
        assert_eq!(v.correct("chng").as_deref(), Some("chung"));
        assert_eq!(v.correct("thcu").as_deref(), Some("thuc"));
        assert_eq!(v.correct("chunq").as_deref(), Some("chung"), "one letter changed");
        assert_eq!(v.correct("chuung").as_deref(), Some("chung"), "one letter added");
        assert_eq!(v.correct("xyz"), None);
    }

    #[test]
    fn long_words_take_two_typos_and_ties_go_to_the_commoner_word() {
        let mut v = Vocabulary::default();
        for w in ["nghiep", "nghiep", "nghiem", "chungnhan"] {
            v.add(w);
        }
        v.finish();
        assert_eq!(v.correct("chugnhna").as_deref(), Some("chungnhan"));
        // "nghiep" and "nghiem" are both one edit from "nghieo": the more frequent one wins.
        assert_eq!(v.correct("nghieo").as_deref(), Some("nghiep"));
    }
}
