//! `cargo bench -p ovop-core --bench rubric`: scoring one sheet, a council, and loading and
//! validating every shipped criteria set.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use ovop_core::catalog::Catalog;
use ovop_core::{Answer, Answers};

fn best_answers(catalog: &Catalog, id: &str) -> Answers {
    let rubric = &catalog.get(id, None).expect("shipped set").rubric;
    let mut answers = Answers {
        criteria: id.into(),
        ..Answers::default()
    };
    for c in rubric.set().criteria() {
        let answer = if c.applies_if.is_some() {
            Answer::NotApplicable
        } else {
            Answer::Level(c.levels.len() as u32)
        };
        answers.answers.insert(c.code.clone(), answer);
    }
    answers.answers.insert("5.1".into(), Answer::Level(1));
    rubric.score(&answers).expect("answers fit the sheet");
    answers
}

fn benches(c: &mut Criterion) {
    let catalog = Catalog::shipped();
    let rubric = &catalog.get("ocop-1048-02", None).unwrap().rubric;
    let answers = best_answers(&catalog, "ocop-1048-02");
    c.bench_function("score one 31-criterion sheet (ocop-1048-02)", |b| {
        b.iter(|| black_box(rubric.score(black_box(&answers))))
    });

    let council: Vec<Answers> = (0..5).map(|_| answers.clone()).collect();
    c.bench_function("score a council of 5 (ocop-1048-02)", |b| {
        b.iter(|| black_box(rubric.score_council(black_box(&council))))
    });

    c.bench_function("load and validate all 26 shipped sets", |b| {
        b.iter(|| black_box(Catalog::shipped()))
    });
}

criterion_group!(group, benches);
criterion_main!(group);
