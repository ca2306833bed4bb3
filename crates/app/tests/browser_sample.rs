//! The assessments a plain browser shows (`npm run dev`, no desktop shell) are made here, by the
//! real store and rubric engine, on the UI's sample criteria sets: a draft, a council still
//! scoring, a final assessment and one corrected by a second revision. They are written to
//! `ui/src/lib/fixtures/assessments.json`; the browser only reads them, so no second engine is
//! needed in TypeScript. The test fails when the committed file drifts;
//! `UPDATE_FIXTURES=1 cargo test -p ovop-app --test browser_sample` rewrites it.

use std::collections::BTreeMap;
use std::path::PathBuf;

use ovop_app::views::{summaries, view_at, AssessmentSummary, AssessmentView};
use ovop_core::{parse_set, Answer, Answers, Rubric};
use ovop_store::assessments::{Assessor, DraftChange, EvidenceDocument, Visit};
use ovop_store::records::{Producer, Product};
use ovop_store::Store;
use serde::Serialize;

fn ui(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../ui/src/lib/fixtures")
        .join(path)
}

/// One of the UI's sample criteria sets, as the engine takes it.
fn rubric(file: &str) -> Rubric {
    let text = std::fs::read_to_string(ui(file)).expect("a sample set");
    Rubric::new(parse_set(&text).expect("the sample set parses")).expect("the sample set is valid")
}

/// Every gate met and every criterion at the level `pick` gives (by its position on the
/// sheet), settled as the engine says: "not applicable" where a condition makes a criterion not
/// apply, level 1 where "not applicable" was picked for one that applies, and any other refused
/// answer left out.
fn filled(rubric: &Rubric, pick: impl Fn(&str, usize) -> Option<Answer>) -> Answers {
    let set = rubric.set();
    let mut answers = Answers {
        criteria: set.id.clone(),
        version: Some(set.version.clone()),
        ..Answers::default()
    };
    for gate in &set.gates {
        answers.gates.insert(gate.code.clone(), true);
    }
    let criteria = set
        .parts
        .iter()
        .flat_map(|p| &p.sections)
        .flat_map(|s| &s.criteria);
    for (i, criterion) in criteria.enumerate() {
        if let Some(answer) = pick(&criterion.code, i) {
            let answer = match answer {
                Answer::Level(n) => Answer::Level(n.clamp(1, criterion.levels.len() as u32)),
                other => other,
            };
            answers.answers.insert(criterion.code.clone(), answer);
        }
    }
    for _ in 0..64 {
        let Err(errors) = rubric.score(&answers) else {
            return answers;
        };
        for error in &errors {
            let Some(code) = error.criterion.clone() else {
                continue;
            };
            match error.code.as_str() {
                "answers.not_applicable" => answers.answers.insert(code, Answer::NotApplicable),
                "answers.applies" => answers.answers.insert(code, Answer::Level(1)),
                _ => answers.answers.remove(&code),
            };
        }
    }
    panic!("the sample answers do not settle");
}

fn visit(on: &str, village: &str, assessors: &[(&str, &str)]) -> Visit {
    Visit {
        assessed_on: Some(on.into()),
        region_code: Some(village.into()),
        assessors: assessors
            .iter()
            .map(|(name, title)| Assessor {
                name: (*name).into(),
                title: Some((*title).into()),
                ..Assessor::default()
            })
            .collect(),
        ..Visit::default()
    }
}

#[derive(Serialize)]
struct Sample {
    /// Each assessment's revisions, oldest first, as `assessment_get` answers for each, less
    /// the criteria set (`set`), which is the sample set of the same id and version.
    views: BTreeMap<String, Vec<serde_json::Value>>,
    /// As `assessment_list` answers with no filter, newest first.
    summaries: Vec<AssessmentSummary>,
}

/// The sample, with the store's ids and the content hashes they enter replaced by names, so
/// the file is the same on every run.
fn render() -> String {
    let dir = tempfile::tempdir().expect("a folder");
    let mut store = Store::open(&dir.path().join("ovop.sqlite")).expect("a store");
    let ovop = rubric("ovop-id-seleksi.json");
    let tea = rubric("ocop-1048-01.json");
    // The UI's sample producers and products (`records.ts`), by their ids there.
    for (producer, products) in [
        (
            "p-purun-tungkap",
            &[
                ("pr-tas-purun", "Tas anyaman purun"),
                ("pr-tikar-purun", "Tikar purun motif"),
            ][..],
        ),
        ("p-wadai-binuang", &[("pr-bingka", "Bingka kentang")][..]),
    ] {
        store
            .add_producer(
                &Producer {
                    id: producer.into(),
                    name: producer.into(),
                    ..Producer::default()
                },
                "2023-01-02T08:00:00Z",
            )
            .expect("a producer");
        for (id, name) in products {
            store
                .add_product(
                    &Product {
                        id: (*id).into(),
                        producer_id: producer.into(),
                        name: (*name).into(),
                        ..Product::default()
                    },
                    "2023-01-02T08:00:00Z",
                )
                .expect("a product");
        }
    }
    let mut names: Vec<(String, &str)> = Vec::new();

    // 2023: final, every criterion answered.
    let on = "2023-08-14T09:00:00Z";
    let id = store
        .new_assessment(
            "pr-tas-purun",
            &ovop,
            &visit(
                "2023-08-14",
                "63.05.01.2003",
                &[("Rina Wulandari", "Penyuluh")],
            ),
            on,
        )
        .expect("started");
    let answers = filled(&ovop, |code, i| {
        Some(Answer::Level(if code.starts_with("1.") {
            2
        } else {
            1 + (i % 2) as u32
        }))
    });
    store.save_answers(&id, &answers, on).expect("answered");
    store.finalize(&id, "2023-08-14T11:30:00Z").expect("final");
    names.push((id, "a-demo-2023"));

    // 2024: final, then corrected by a second revision (a score typed wrong).
    let on = "2024-09-02T09:00:00Z";
    let id = store
        .new_assessment(
            "pr-tas-purun",
            &ovop,
            &visit(
                "2024-09-02",
                "63.05.01.2003",
                &[("Rina Wulandari", "Penyuluh")],
            ),
            on,
        )
        .expect("started");
    let answers = filled(&ovop, |code, _| {
        Some(if code == "3.3" {
            Answer::NotApplicable
        } else if code.starts_with("5.") {
            Answer::Level(3)
        } else {
            Answer::Level(2)
        })
    });
    store.save_answers(&id, &answers, on).expect("answered");
    store
        .set_evidence(
            &id,
            &EvidenceDocument {
                kind: "nib".into(),
                present: true,
                number: Some("9120304561827".into()),
                ..EvidenceDocument::default()
            },
        )
        .expect("a document");
    store.finalize(&id, "2024-09-02T11:00:00Z").expect("final");
    store
        .correct(
            &id,
            "Promosi lewat lokapasar daring terlewat saat kunjungan; skor 5.3 salah ketik.",
            "2024-09-05T08:00:00Z",
        )
        .expect("a correction");
    for (code, level) in [("4.2", 3), ("5.3", 2)] {
        store
            .change(
                &id,
                &DraftChange::Answer {
                    code: code.into(),
                    answer: Some(Answer::Level(level)),
                },
                "2024-09-05T08:10:00Z",
            )
            .expect("corrected");
    }
    store
        .finalize(&id, "2024-09-05T08:30:00Z")
        .expect("final again");
    names.push((id, "a-demo-2024"));

    // A draft on the OCOP tea sheet, half scored, with a note.
    let on = "2026-11-20T09:00:00Z";
    let id = store
        .new_assessment(
            "pr-bingka",
            &tea,
            &visit(
                "2026-11-20",
                "63.05.01.1001",
                &[("Rina Wulandari", "Penyuluh")],
            ),
            on,
        )
        .expect("started");
    let answers = filled(&tea, |_, i| {
        (i < 9).then_some(Answer::Level(2 + (i % 3) as u32))
    });
    store.save_answers(&id, &answers, on).expect("answered");
    store
        .change(
            &id,
            &DraftChange::Note {
                code: "1.1".into(),
                text: "Bahan baku dari kebun sendiri, dicatat di buku kas.".into(),
            },
            "2026-11-20T09:40:00Z",
        )
        .expect("a note");
    names.push((id, "a-demo-draft"));

    // A council of three scoring the mats: each member on their own sheet.
    let on = "2026-11-21T09:00:00Z";
    let id = store
        .new_assessment(
            "pr-tikar-purun",
            &ovop,
            &visit(
                "2026-11-21",
                "63.05.01.2003",
                &[("Rina Wulandari", "Ketua tim")],
            ),
            on,
        )
        .expect("started");
    let lead = filled(&ovop, |_, i| Some(Answer::Level(3 - (i % 2) as u32)));
    store.save_answers(&id, &lead, on).expect("answered");
    for (name, shift) in [("Budi Santoso", 0u32), ("Sari Dewi", 1)] {
        let member = store
            .add_member(
                &id,
                &Assessor {
                    name: name.into(),
                    title: Some("Penyuluh".into()),
                    ..Assessor::default()
                },
                on,
            )
            .expect("a member");
        let theirs = filled(&ovop, |_, i| {
            (i < 12).then_some(Answer::Level(2 + ((i as u32 + shift) % 2)))
        });
        for (code, answer) in &theirs.answers {
            store
                .change_member(
                    &id,
                    member,
                    &DraftChange::Answer {
                        code: code.clone(),
                        answer: Some(*answer),
                    },
                    "2026-11-21T10:00:00Z",
                )
                .expect("a member's answer");
        }
    }
    names.push((id, "a-demo-council"));

    let mut views = BTreeMap::new();
    for (id, _) in &names {
        let revisions = store.revisions(id).expect("revisions");
        let list = revisions
            .iter()
            .map(|r| {
                let view: AssessmentView = view_at(&store, id, Some(r.revision)).expect("a view");
                let mut value = serde_json::to_value(view).expect("json");
                value.as_object_mut().map(|v| v.remove("set"));
                value
            })
            .collect();
        views.insert(id.clone(), list);
    }
    let sample = Sample {
        views,
        summaries: summaries(&store, None, None).expect("the list"),
    };
    let mut text = serde_json::to_string_pretty(&sample).expect("json");
    // The store's ids, and the local hashes that cover them, by name.
    for (id, name) in &names {
        for revision in store.revisions(id).expect("revisions") {
            if let Some(hash) = revision.content_hash {
                text = text.replace(
                    &hash,
                    &format!("sha256:sample-{name}-{}", revision.revision),
                );
            }
        }
        text = text.replace(id.as_str(), name);
    }
    text.push('\n');
    text
}

#[test]
fn the_browser_sample_is_the_engines_and_in_step_with_it() {
    let path = ui("assessments.json");
    let fresh = render();
    if std::env::var_os("UPDATE_FIXTURES").is_some() {
        std::fs::write(&path, &fresh).expect("write the sample");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "ui/src/lib/fixtures/assessments.json is out of step with the engine and the views; run `UPDATE_FIXTURES=1 cargo test -p ovop-app --test browser_sample` and commit it"
    );
    // The sample shows what the screens need: a draft, a council, a corrected final.
    for name in [
        "a-demo-2023",
        "a-demo-2024",
        "a-demo-draft",
        "a-demo-council",
    ] {
        assert!(fresh.contains(&format!("\"{name}\"")), "{name}");
    }
}

/// The programmes' levels, rounds and kinds a plain browser offers when an assessment starts:
/// the shipped programme files as the app's criteria list answers them.
#[test]
fn the_browser_programmes_are_the_shipped_ones() {
    let path = ui("programmes.json");
    let list = ovop_app::views::criteria_list(&ovop_core::Catalog::shipped());
    let mut fresh = serde_json::to_string_pretty(&list.programmes).expect("json");
    fresh.push('\n');
    if std::env::var_os("UPDATE_FIXTURES").is_some() {
        std::fs::write(&path, &fresh).expect("write the programmes");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "ui/src/lib/fixtures/programmes.json is out of step with assets/programmes; run `UPDATE_FIXTURES=1 cargo test -p ovop-app --test browser_sample` and commit it"
    );
    assert!(list.programmes.len() >= 2, "OCOP and OVOP");
}
