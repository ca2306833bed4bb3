//! Search text: lowercase, without diacritics, so "da nang" finds "Đà Nẵng" and "tapin" finds
//! "KABUPATEN TAPIN". FTS5's own diacritic removal leaves "đ" alone, hence this.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

pub fn fold(text: &str) -> String {
    text.nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            'đ' | 'Đ' => 'd',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// A user's query as an FTS5 expression: every word must match as a prefix.
pub fn fts_query(query: &str) -> Option<String> {
    let words: Vec<String> = fold(query)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{w}\"*"))
        .collect();
    if words.is_empty() {
        None
    } else {
        Some(words.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_vietnamese_and_indonesian_names() {
        assert_eq!(fold("Thành phố Đà Nẵng"), "thanh pho da nang");
        assert_eq!(fold("KABUPATEN TAPIN"), "kabupaten tapin");
        assert_eq!(fold("Xã Hòa Khương"), "xa hoa khuong");
        assert_eq!(fts_query("Da Nang").as_deref(), Some("\"da\"* \"nang\"*"));
        assert_eq!(fts_query("  \"*)( "), None);
    }
}
