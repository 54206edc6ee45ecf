//! Vietnamese text: NFC on input, and a folded form for search that ignores case, diacritics,
//! tone-mark placement ("hoà"/"hòa") and "đ".
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Normalises input text to NFC and trims it, as every stored string should be.
pub fn nfc(s: &str) -> String {
    s.trim().nfc().collect()
}

/// Lower-case, without diacritics and with "đ" as "d": "Đăng ký" → "dang ky".
/// Because every tone mark is removed, old and new tone placement fold to the same text.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        match c {
            'đ' | 'Đ' => out.push('d'),
            _ => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// Splits folded text into words of letters and digits.
pub fn words(folded: &str) -> impl Iterator<Item = &str> {
    folded.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn folds_diacritics_and_d() {
        assert_eq!(fold("Đăng ký khai sinh"), "dang ky khai sinh");
        assert_eq!(fold("LÝ LỊCH TƯ PHÁP"), "ly lich tu phap");
    }

    #[test]
    fn old_and_new_tone_placement_fold_alike() {
        assert_eq!(fold("hoà"), fold("hòa"));
        assert_eq!(fold("thuý"), fold("thúy"));
    }

    #[test]
    fn nfd_input_becomes_nfc() {
        let nfd: String = "Hộ tịch".nfd().collect();
        assert_ne!(nfd, "Hộ tịch");
        assert_eq!(nfc(&nfd), "Hộ tịch");
        assert_eq!(fold(&nfd), "ho tich");
    }
}
