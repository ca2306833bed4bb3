//! Every error code that can reach the app's window has words in the UI's three catalogues
//! (`ui/src/lib/i18n/{id,en,vi}.json`, as `error.<code>`), and the codes the laptop's crates
//! give are the table's.

use std::path::PathBuf;

use ovop_core::codes::{Audience, Code};
use ovop_store::StoreError;

fn catalogue(lang: &str) -> serde_json::Map<String, serde_json::Value> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(format!("../../ui/src/lib/i18n/{lang}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("a catalogue is a JSON object")
}

#[test]
fn every_code_that_can_reach_the_window_has_words_in_indonesian_english_and_vietnamese() {
    let app_codes: Vec<Code> = Code::ALL
        .iter()
        .copied()
        .filter(|c| c.audience() == Audience::App)
        .collect();
    assert!(
        app_codes.len() > 80,
        "only {} codes reach the window",
        app_codes.len()
    );
    for lang in ["id", "en", "vi"] {
        let words = catalogue(lang);
        let missing: Vec<&str> = app_codes
            .iter()
            .map(|c| c.as_str())
            .filter(|code| {
                words
                    .get(&format!("error.{code}"))
                    .and_then(|v| v.as_str())
                    .is_none_or(|m| m.trim().is_empty())
            })
            .collect();
        assert!(
            missing.is_empty(),
            "{lang}.json has no words for {missing:?}"
        );
    }
}

#[test]
fn the_codes_the_store_and_the_sheets_give_are_in_the_table_and_reach_the_window() {
    let errors = [
        StoreError::NewerSchema {
            found: 9,
            supported: 8,
        },
        StoreError::NotADatabase("x".into()),
        StoreError::Corrupt("x".into()),
        StoreError::DiskFull,
        StoreError::ReadOnly("x".into()),
        StoreError::CannotOpen("x".into()),
        StoreError::NotFound {
            what: "producer",
            id: "x".into(),
        },
        StoreError::Invalid("x".into()),
        StoreError::Locked("x".into()),
        StoreError::RegionData("x".into()),
        StoreError::Io("x".into()),
        StoreError::Exists("x".into()),
        StoreError::WouldStop(Vec::new()),
    ];
    for error in errors {
        let code = Code::parse(error.code())
            .unwrap_or_else(|| panic!("{} is not in the table", error.code()));
        assert_eq!(code.audience(), Audience::App, "{code}");
    }
    // An unexpected database error (StoreError::Sqlite) has its code too.
    assert_eq!(Code::parse("store.sqlite"), Some(Code::StoreSqlite));
    let font = ovop_sheets::SheetError::Font("x".into());
    let invalid = ovop_sheets::SheetError::Invalid("x".into());
    for error in [font, invalid] {
        let code = Code::parse(error.code())
            .unwrap_or_else(|| panic!("{} is not in the table", error.code()));
        assert_eq!(code.audience(), Audience::App, "{code}");
    }
}
