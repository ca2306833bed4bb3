//! The small sheet that has every rule (`fixtures/mini.json`), shared by the engine's tests.
// Each test file uses part of it.
#![allow(dead_code)]

use std::collections::BTreeMap;

use ovop_core::{parse_set, Answer, Answers, Rubric};

pub fn rubric() -> Rubric {
    let set = parse_set(include_str!("../fixtures/mini.json")).expect("fixture parses");
    Rubric::new(set).expect("fixture is valid")
}

pub fn answers(pairs: &[(&str, u32)]) -> Answers {
    Answers {
        criteria: "mini".into(),
        gates: BTreeMap::from([("G1".into(), true)]),
        answers: pairs
            .iter()
            .map(|(c, p)| (c.to_string(), Answer::Level(*p)))
            .collect(),
        ..Answers::default()
    }
}

/// 1.1 >75% (3), 1.2 scale a >=50% (2), 1.3 documented story (2), 1.4 complete (3),
/// 2.1 none (2), 2.2 valid (3), 3 very unique (5): 20 of 20.
pub fn full_marks() -> Answers {
    answers(&[
        ("1.1", 3),
        ("1.2", 2),
        ("1.3", 3),
        ("1.4", 2),
        ("2.1", 2),
        ("2.2", 2),
        ("3", 3),
    ])
}
