//! The dashboard's words in Indonesian (the default), English and Vietnamese:
//! `i18n/{id,en,vi}.json`, flat keys. A test keeps the three files in step.

use std::collections::HashMap;
use std::sync::OnceLock;

pub const LANGUAGES: &[&str] = &["id", "en", "vi"];

fn tables() -> &'static HashMap<&'static str, HashMap<String, String>> {
    static TABLES: OnceLock<HashMap<&'static str, HashMap<String, String>>> = OnceLock::new();
    TABLES.get_or_init(|| {
        let files = [
            ("id", include_str!("../i18n/id.json")),
            ("en", include_str!("../i18n/en.json")),
            ("vi", include_str!("../i18n/vi.json")),
        ];
        files
            .into_iter()
            .map(|(lang, text)| (lang, serde_json::from_str(text).unwrap_or_default()))
            .collect()
    })
}

/// A supported language, or Indonesian.
pub fn language(wanted: Option<&str>) -> &'static str {
    wanted
        .and_then(|w| LANGUAGES.iter().find(|l| **l == w).copied())
        .unwrap_or("id")
}

/// The text of `key` in `lang`, falling back to Indonesian, then to the key itself.
pub fn t(lang: &str, key: &str) -> String {
    let tables = tables();
    tables
        .get(lang)
        .and_then(|t| t.get(key))
        .or_else(|| tables.get("id").and_then(|t| t.get(key)))
        .cloned()
        .unwrap_or_else(|| key.to_string())
}

/// A refusal's message in `lang` by its code (`error.<code>`), or the server's English words.
pub fn error(lang: &str, code: &str, fallback: &str) -> String {
    let key = format!("error.{code}");
    let text = t(lang, &key);
    if text == key {
        fallback.to_string()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_languages_have_the_same_keys_and_no_empty_text() {
        let tables = tables();
        let mut keys: Vec<&String> = tables["id"].keys().collect();
        keys.sort();
        assert!(keys.len() > 40, "{} keys", keys.len());
        for lang in LANGUAGES {
            let mut theirs: Vec<&String> = tables[lang].keys().collect();
            theirs.sort();
            assert_eq!(theirs, keys, "{lang} differs from id");
            assert!(
                tables[lang].values().all(|v| !v.trim().is_empty()),
                "{lang} has an empty text"
            );
        }
        assert_eq!(language(Some("vi")), "vi");
        assert_eq!(language(Some("fr")), "id");
    }
}
