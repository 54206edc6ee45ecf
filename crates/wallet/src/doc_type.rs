//! The type of a document as a stable key, so that a document given for one procedure is
//! recognised when another procedure asks for the same kind of paper. The catalogue names the
//! same paper in several ways ("Bản sao Giấy khai sinh", "Giấy khai sinh (bản sao hợp lệ)"):
//! the key keeps the words that say what the paper is and drops those that say which copy.

/// Words about the copy rather than the paper, longest first.
const QUALIFIERS: &[&[&str]] = &[
    &["ban", "sao", "co", "chung", "thuc"],
    &["ban", "sao", "dien", "tu"],
    &["ban", "sao", "hop", "le"],
    &["ban", "chup"],
    &["ban", "chinh"],
    &["ban", "sao"],
    &["hoac"],
];

/// `"Bản sao Giấy khai sinh (có chứng thực)"` → `"giay-khai-sinh"`.
pub fn of_name(name: &str) -> String {
    let mut plain = String::with_capacity(name.len());
    let mut depth = 0usize;
    for c in name.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    let folded = tinhso_core::text::fold(&plain);
    let words: Vec<&str> = tinhso_core::text::words(&folded).collect();
    let mut kept = Vec::with_capacity(words.len());
    let mut i = 0;
    'outer: while i < words.len() {
        for q in QUALIFIERS {
            if words[i..].starts_with(q) {
                i += q.len();
                continue 'outer;
            }
        }
        kept.push(words[i]);
        i += 1;
    }
    kept.join("-")
}

/// The type of the result of a procedure.
pub fn of_result(procedure_code: &str) -> String {
    format!("result:{procedure_code}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_paper_named_differently_has_one_type() {
        assert_eq!(of_name("Tờ khai"), "to-khai");
        assert_eq!(of_name("Bản sao Giấy khai sinh"), "giay-khai-sinh");
        assert_eq!(of_name("Giấy khai sinh (bản sao hợp lệ)"), "giay-khai-sinh");
        assert_eq!(of_name("Bản chính hoặc bản sao có chứng thực Giấy khai sinh"), "giay-khai-sinh");
        assert_eq!(of_name("GIẤY KHAI SINH"), "giay-khai-sinh");
    }

    #[test]
    fn meaningful_words_stay() {
        assert_eq!(of_name("Báo cáo tài chính"), "bao-cao-tai-chinh");
        assert_ne!(of_name("Giấy chứng nhận kết hôn"), of_name("Giấy khai sinh"));
        assert_eq!(of_result("1.001193"), "result:1.001193");
    }
}
