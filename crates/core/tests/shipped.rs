//! The criteria sets shipped in `assets/criteria/sets/`, the JSON Schema beside them, and what
//! validation reports about each.

use std::path::Path;

use ovop_core::catalog::Catalog;
use ovop_core::criteria::{CriteriaSet, KnockoutTrigger, Programme, SetStatus};
use ovop_core::{content_hash, parse_set, validate, LoadError, Severity};

fn assets() -> &'static Path {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../assets/criteria"
    ))
}

#[test]
fn every_shipped_set_loads_the_25_ocop_sheets_and_the_ovop_template() {
    let catalog = Catalog::shipped();
    assert!(catalog.rejected().is_empty(), "{:#?}", catalog.rejected());
    let ocop: Vec<_> = catalog
        .summaries()
        .into_iter()
        .filter(|s| s.programme == Programme::Ocop)
        .collect();
    assert_eq!(ocop.len(), 25);
    assert!(ocop
        .iter()
        .all(|s| s.status == SetStatus::Transcription && s.language == "vi"));
    let ovop = catalog
        .get("ovop-id-template", None)
        .expect("the OVOP template ships");
    assert_eq!(ovop.summary.status, SetStatus::Template);
    assert_eq!(ovop.summary.language, "id");
    assert!(
        !ovop.rubric.set().gates.is_empty(),
        "the template has the legality gates"
    );
    assert!(!ovop.rubric.set().minimum_requirements.is_empty());
    assert_eq!(catalog.entries().len(), 26);
}

/// Validation reports every defect of the transcription, and each set's metadata declares
/// exactly those: nothing found is undeclared and nothing declared is not found.
#[test]
fn validation_findings_and_declared_defects_agree_for_every_set() {
    for entry in Catalog::shipped().entries() {
        let set = entry.rubric.set();
        for finding in &entry.findings {
            assert_eq!(
                finding.severity,
                Severity::Warning,
                "{}: {finding:?}",
                set.id
            );
            assert!(
                finding.declared,
                "{}: undeclared {} at {}: {}",
                set.id, finding.code, finding.path, finding.message
            );
        }
        for defect in &set.known_defects {
            // Defects of the source that the conversion handled are declared but no longer found.
            if defect.code.starts_with("source_") {
                continue;
            }
            let found = entry.findings.iter().any(|f| {
                f.code == defect.code
                    && (f.path == defect.path || f.path.contains(&format!("({})", defect.path)))
            });
            assert!(
                found,
                "{}: declared {} at {} is not found by validation",
                set.id, defect.code, defect.path
            );
        }
    }
}

#[test]
fn the_known_transcription_defects_are_reported() {
    let catalog = Catalog::shipped();
    let codes = |id: &str| -> Vec<(String, String)> {
        catalog
            .get(id, None)
            .unwrap()
            .findings
            .iter()
            .map(|f| (f.code.clone(), f.path.clone()))
            .collect()
    };
    // Cereal set: criterion 6.2 has two levels worth 3.
    assert!(codes("ocop-1048-02")
        .iter()
        .any(|(c, p)| c == "duplicate_level_points" && p.contains("(6.2)")));
    // Three sets add up to 98, part C to 38 of 40.
    for id in ["ocop-1048-21", "ocop-1048-23", "ocop-1048-24"] {
        let found = codes(id);
        assert!(
            found
                .iter()
                .any(|(c, p)| c == "part_max_mismatch" && p.contains("(C)")),
            "{id}: {found:?}"
        );
        assert!(found.iter().any(|(c, _)| c == "total_max_mismatch"), "{id}");
        assert_eq!(catalog.get(id, None).unwrap().rubric.max_total(), 98);
    }
    assert_eq!(
        catalog
            .get("ocop-1048-01", None)
            .unwrap()
            .rubric
            .max_total(),
        100
    );
}

#[test]
fn ocop_rules_are_encoded_as_rules_not_notes() {
    let catalog = Catalog::shipped();
    let set = catalog.get("ocop-1048-02", None).unwrap().rubric.set();
    let criterion = |code: &str| {
        set.criteria()
            .find(|c| c.code == code)
            .unwrap_or_else(|| panic!("no {code}"))
    };
    assert_eq!(set.criterion_count(), 31);
    // Story conditions.
    for code in ["5.2", "5.3"] {
        let cond = criterion(code)
            .applies_if
            .as_ref()
            .expect("only if a story exists");
        assert_eq!((cond.criterion.as_str(), cond.min_points), ("5.1", 1));
    }
    // The alternative scale of 3.2.
    let management = criterion("3.2");
    assert_eq!(management.scales.len(), 2);
    assert_eq!(
        management
            .levels
            .iter()
            .filter(|l| l.scale.as_deref() == Some("b"))
            .count(),
        2
    );
    // Knock-outs: raw material (disqualifies), foreign matter and the food-safety certificate (stop).
    assert!(matches!(
        criterion("1.1").knockout.as_ref().map(|k| &k.trigger),
        Some(KnockoutTrigger::Observed {})
    ));
    assert!(criterion("6.1").knockout.is_some());
    assert!(criterion("9").knockout.is_some());
    // A section that is one criterion keeps the section's number.
    assert!(set.criteria().any(|c| c.code == "7"));
    assert_eq!(set.council.max_divergence, Some(10));
}

/// What the sheets say in their notes is a rule in the data: "only if a story exists" is an
/// applicability condition, "excluded if" and "do not assess further if" are knock-outs, "choose
/// one of the two cases" is a pair of alternative scales.
#[test]
fn every_ocop_note_that_states_a_rule_is_encoded_as_one() {
    for entry in Catalog::shipped()
        .entries()
        .iter()
        .filter(|e| e.summary.programme == Programme::Ocop)
    {
        let set = entry.rubric.set();
        for c in set.criteria() {
            let note = c
                .note
                .as_ref()
                .map(|n| n.get("vi", "vi").to_lowercase())
                .unwrap_or_default();
            if note.contains("chỉ áp dụng khi có câu chuyện") {
                assert!(
                    c.applies_if.is_some(),
                    "{} {}: story condition not encoded",
                    set.id,
                    c.code
                );
            }
            if note.contains("bị loại")
                || note.contains("không đánh giá các bước tiếp theo")
                || note.contains("không xem xét các chỉ tiêu khác")
            {
                assert!(
                    c.knockout.is_some(),
                    "{} {}: knock-out not encoded: {note}",
                    set.id,
                    c.code
                );
            }
            if note.contains("lựa chọn một trong hai") {
                assert_eq!(
                    c.scales.len(),
                    2,
                    "{} {}: alternative scales not encoded",
                    set.id,
                    c.code
                );
            }
        }
    }
}

#[test]
fn the_content_hash_ignores_formatting_and_sees_every_change() {
    let text = std::fs::read_to_string(assets().join("sets/ocop-1048-02.json")).unwrap();
    let set = parse_set(&text).unwrap();
    let compact = serde_json::to_string(&set).unwrap();
    assert_eq!(
        content_hash(&parse_set(&compact).unwrap()),
        content_hash(&set)
    );
    // Key order does not matter either.
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut reordered = serde_json::Map::new();
    if let serde_json::Value::Object(map) = value {
        for (k, v) in map.into_iter().rev() {
            reordered.insert(k, v);
        }
    }
    let reordered = serde_json::to_string(&serde_json::Value::Object(reordered)).unwrap();
    assert_eq!(
        content_hash(&parse_set(&reordered).unwrap()),
        content_hash(&set)
    );

    let mut changed = set.clone();
    changed.parts[0].sections[0].criteria[0].levels[0].points += 1;
    assert_ne!(content_hash(&changed), content_hash(&set));
    assert!(content_hash(&set).starts_with("sha256:") && content_hash(&set).len() == 71);
}

#[test]
fn the_json_schema_is_in_step_with_the_format() {
    let schema = schemars::schema_for!(CriteriaSet);
    let fresh = serde_json::to_string_pretty(&schema).unwrap() + "\n";
    let path = assets().join("criteria-set.schema.json");
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &fresh).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(committed == fresh, "assets/criteria/criteria-set.schema.json is stale: run `UPDATE_SCHEMA=1 cargo test -p ovop-core --test shipped`");
}

fn fixture() -> String {
    include_str!("fixtures/mini.json").to_string()
}

#[test]
fn malformed_json_names_the_line_and_column() {
    let broken = fixture().replacen("\"version\": \"1\",", "\"version\": \"1\",,", 1);
    match parse_set(&broken) {
        Err(LoadError::Syntax { line, column, .. }) => assert_eq!((line, column), (4, 18)),
        other => panic!("{other:?}"),
    }
    assert!(matches!(parse_set(""), Err(LoadError::Syntax { .. })));
    assert!(matches!(
        parse_set("{\"format\": 1, \"id\": \"x\""),
        Err(LoadError::Syntax { .. })
    ));
}

#[test]
fn a_schema_violation_names_the_json_path() {
    let cases = [
        (
            fixture().replacen("\"points\": 1,", "\"points\": \"one\",", 1),
            "parts[0].sections[0].criteria[0].levels[0].points",
        ),
        (
            fixture().replacen("\"programme\": \"ocop\"", "\"programme\": \"ocpo\"", 1),
            "programme",
        ),
        (
            fixture().replacen("\"effect\": \"disqualify\"", "\"effect\": \"maybe\"", 1),
            "parts[0].sections[0].criteria[0].knockout.effect",
        ),
        (
            fixture().replacen(
                "\"levels\": [{\"points\": 0, \"text\": {\"en\": \"No story\"}}",
                "\"leveles\": [{\"points\": 0, \"text\": {\"en\": \"No story\"}}",
                1,
            ),
            "parts[0].sections[0].criteria[2]",
        ),
        (
            fixture().replacen(
                "\"trigger\": {\"when\": \"observed\"}",
                "\"trigger\": {\"when\": \"sometimes\"}",
                1,
            ),
            "parts[0].sections[0].criteria[0].knockout.trigger",
        ),
        (
            fixture().replacen(
                "\"trigger\": {\"when\": \"observed\"}",
                "\"trigger\": {\"when\": \"observed\", \"points\": 1}",
                1,
            ),
            "parts[0].sections[0].criteria[0].knockout.trigger",
        ),
    ];
    for (json, path) in cases {
        match parse_set(&json) {
            Err(LoadError::Schema {
                path: found,
                message,
            }) => assert!(
                found.starts_with(path),
                "expected {path}, got {found}: {message}"
            ),
            other => panic!("expected a schema error at {path}, got {other:?}"),
        }
    }
}

#[test]
fn a_newer_format_is_refused_with_its_own_code() {
    let newer = fixture().replacen("\"format\": 1", "\"format\": 2", 1);
    let err = parse_set(&newer).unwrap_err();
    assert_eq!(err.code(), "criteria.newer_format");
    let newer_with_new_field = newer.replacen(
        "\"id\": \"mini\"",
        "\"id\": \"mini\", \"signatures\": []",
        1,
    );
    assert_eq!(
        parse_set(&newer_with_new_field).unwrap_err().code(),
        "criteria.newer_format"
    );
}

#[test]
fn validation_errors_name_the_criterion() {
    let set = |from: &str, to: &str| parse_set(&fixture().replacen(from, to, 1)).unwrap();
    let errors = |s: CriteriaSet| -> Vec<(String, String)> {
        validate(&s)
            .into_iter()
            .filter(|f| f.is_error())
            .map(|f| (f.code, f.path))
            .collect()
    };
    let cases = [
        (
            set("\"code\": \"1.2\"", "\"code\": \"1.1\""),
            "duplicate_code",
            "(1.1)",
        ),
        (
            set("\"criterion\": \"1.3\"", "\"criterion\": \"9.9\""),
            "unknown_criterion",
            "(1.4).applies_if",
        ),
        (
            set(
                "\"criterion\": \"1.3\", \"min_points\": 1",
                "\"criterion\": \"1.3\", \"min_points\": 7",
            ),
            "condition_unreachable",
            "(1.4)",
        ),
        (
            set(
                "\"scale\": \"b\"}, {\"points\": 1",
                "\"scale\": \"z\"}, {\"points\": 1",
            ),
            "unknown_scale",
            "(1.2).levels[2]",
        ),
        (
            set("{\"star\": 1, \"min\": 0}", "{\"star\": 1, \"min\": 1}"),
            "bands_gap",
            "stars.bands",
        ),
        (
            set("{\"star\": 3, \"min\": 10}", "{\"star\": 3, \"min\": 5}"),
            "bands_overlap",
            "stars.bands",
        ),
        (
            set("\"part\": \"B\"", "\"part\": \"Z\""),
            "unknown_part",
            "minimum_requirements[1]",
        ),
        (
            set("\"id\": \"mini\"", "\"id\": \"Mini Set\""),
            "bad_id",
            "id",
        ),
        (
            set(
                "{\"code\": \"1.1\", \"text\": {\"en\": \"Raw material\"},",
                "{\"code\": \"1.1\", \"text\": {\"en\": \"Raw material\"}, \"documents\": [\"Izin Edar\"],",
            ),
            "document_kind",
            "(1.1).documents",
        ),
        (
            set(
                "{\"code\": \"1.1\", \"text\": {\"en\": \"Raw material\"},",
                "{\"code\": \"1.1\", \"text\": {\"en\": \"Raw material\"}, \"documents\": [\"sni\", \"sni\"],",
            ),
            "duplicate_document",
            "(1.1).documents",
        ),
    ];
    for (s, code, path) in cases {
        let found = errors(s);
        assert!(
            found.iter().any(|(c, p)| c == code && p.contains(path)),
            "expected {code} at {path}, got {found:?}"
        );
    }
    let empty_levels = set("\"levels\": [{\"points\": 0, \"text\": {\"en\": \"Average\"}}, {\"points\": 2, \"text\": {\"en\": \"Unique\"}}, {\"points\": 5, \"text\": {\"en\": \"Very unique\"}}]", "\"levels\": []");
    assert!(errors(empty_levels)
        .iter()
        .any(|(c, p)| c == "no_levels" && p.contains("(3)")));
}
