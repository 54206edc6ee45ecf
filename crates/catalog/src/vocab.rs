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
}

impl Vocabulary {
    pub fn add_text(&mut self, text: &str) {
        for w in text.split(' ').filter(|w| !w.is_empty() && *w != "zzgap") {
            *self.freq.entry(w.to_owned()).or_default() += 1;
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
        self.freq
            .iter()
            .filter(|(w, _)| w.len().abs_diff(word.len()) <= max)
            .filter_map(|(w, f)| {
                let d = strsim::damerau_levenshtein(word, w);
                (d <= max).then_some((d, std::cmp::Reverse(*f), w))
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
        v.add_text("chung thuc ban sao tu ban chinh");
        assert_eq!(v.correct("chung").as_deref(), Some("chung"));
        assert_eq!(v.correct("chng").as_deref(), Some("chung"));
        assert_eq!(v.correct("thcu").as_deref(), Some("thuc"));
        assert_eq!(v.correct("xyz"), None);
    }
}
