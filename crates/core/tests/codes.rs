//! The table of error codes: each code once, well formed, with a meaning and a real HTTP
//! status where it has one; `docs/codes.md` is generated from it
//! (`UPDATE_CODES=1 cargo test -p ovop-core --test codes` rewrites it).

use std::collections::BTreeSet;
use std::path::PathBuf;

use ovop_core::codes::{markdown, Audience, Code};

#[test]
fn every_code_is_listed_once_well_formed_and_explained() {
    let mut seen = BTreeSet::new();
    for code in Code::ALL {
        let text = code.as_str();
        assert!(seen.insert(text), "{text} is in the table twice");
        let (area, name) = text
            .split_once('.')
            .unwrap_or_else(|| panic!("{text} has no area"));
        let word = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c == '_');
        assert!(
            word(area) && word(name),
            "{text} is not area.name in lowercase"
        );
        assert!(
            code.meaning().ends_with('.') && code.meaning().len() > 15,
            "{text}: say what it means in a sentence"
        );
        if let Some(status) = code.status() {
            assert!(
                (400..=599).contains(&status),
                "{text}: {status} is not an error status"
            );
        }
        assert_eq!(Code::parse(text), Some(*code));
    }
    assert_eq!(Code::parse("store.no_such_code"), None);
    // Each audience has codes: the table covers the app, the command line and the office.
    for audience in [Audience::App, Audience::Cli, Audience::Office] {
        assert!(
            Code::ALL.iter().any(|c| c.audience() == audience),
            "no {audience:?} code"
        );
    }
}

#[test]
fn the_codes_page_is_in_step_with_the_table() {
    let page = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/codes.md");
    let expected = markdown();
    if std::env::var_os("UPDATE_CODES").is_some() {
        std::fs::write(&page, &expected).expect("write docs/codes.md");
    }
    let on_disk = std::fs::read_to_string(&page).unwrap_or_default();
    assert!(
        on_disk == expected,
        "docs/codes.md is out of step with crates/core/src/codes.rs; run `UPDATE_CODES=1 cargo test -p ovop-core --test codes` and commit it"
    );
    for code in Code::ALL {
        assert!(on_disk.contains(&format!("`{}`", code.as_str())));
    }
}
