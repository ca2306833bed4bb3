//! The filled and the blank assessment sheet: a title block with the QR code, the product and
//! the producer, the gates, every criterion with its levels (the chosen one marked, or a box per
//! level to tick), the summary with the stars and why they differ, the documents seen, and the
//! signature lines.

//!
//! This file holds the filled sheet and what the sheets share; `blocks` the pieces every
//! document is built from, `criterion` one criterion as it reads, `blank` the blank sheet.

mod blank;
mod blocks;
mod criterion;

use ovop_core::criteria::{Programme, Text};
use ovop_core::rubric::{Outcome, Reason};
use ovop_core::Standing;

use crate::canvas::{leading, Weight, ACCENT, DANGER, GREY_FILL, INK, MUTED, RULE};
use crate::fonts::Fonts;
use crate::labels::Labels;
use crate::model::Filled;
use crate::writer::{Block, Item, Writer, LEFT, RIGHT, WIDTH};
use crate::SheetError;

pub use blank::blank;
pub(crate) use blocks::{
    facts, heading, lines, qr_modules, rated, signatures, signatures_captioned, title_block,
};
use blocks::{part_bar, section_head};
use criterion::{criterion_block, stands_alone, Mark};

const CODE_W: f32 = 13.0;
const POINTS_W: f32 = 20.0;
const BODY: f32 = 9.0;
const SMALL: f32 = 8.0;

/// The first 12 hex digits of a `sha256:...` hash, for a footer.
pub(crate) fn short(hash: &str) -> String {
    hash.trim_start_matches("sha256:")
        .chars()
        .take(12)
        .collect()
}

/// Texts of the set in the sheet's language, else in the set's own.
pub(crate) struct Words<'a> {
    pub(crate) lang: &'a str,
    pub(crate) fallback: &'a str,
}

impl Words<'_> {
    pub(crate) fn of<'t>(&self, text: &'t Text) -> &'t str {
        text.get(self.lang, self.fallback)
    }
}

pub(crate) fn programme(p: &Programme) -> &'static str {
    match p {
        Programme::Ocop => "OCOP",
        Programme::Ovop => "OVOP",
        Programme::Otop => "OTOP",
        Programme::Other => "",
    }
}

/// A writer for a document about one assessment: its running header and footer name the
/// product, the producer and the record.
pub(crate) fn writer_for<'a>(s: &Filled, fonts: &'a Fonts) -> Result<Writer<'a>, SheetError> {
    let labels = Labels::new(s.lang);
    let words = Words {
        lang: s.lang.code(),
        fallback: &s.set.language,
    };
    let set_name = words.of(&s.set.name).to_string();
    let short_hash = short(&s.trace.content_hash);
    let running = format!("{} · {} · {}", set_name, s.product.name, s.producer.name);
    let mut trace = format!(
        "OVOP Field · {} · rev {} · {}",
        s.trace.assessment_id,
        s.trace.revision,
        if short_hash.is_empty() {
            "—".into()
        } else {
            short_hash.clone()
        }
    );
    // A final revision says when, in the village's own time (WIB, WITA, WIT, ICT).
    let finalised = s
        .producer
        .village_code
        .as_deref()
        .and_then(ovop_core::zone::of_region)
        .filter(|_| !short_hash.is_empty())
        .and_then(|zone| labels.moment(&s.trace.dated, zone));
    if let Some(moment) = finalised {
        trace.push_str(" · ");
        trace.push_str(&labels.fmt("finalised_at", &[("moment", &moment)]));
    }
    Writer::new(fonts, labels, running, trace)
}

/// The product, the producer, the visit and the record, as label–value rows.
pub(crate) fn fact_rows(w: &Writer, s: &Filled) -> Vec<(String, String)> {
    let l = |k: &str| w.labels.get(k);
    let mut product = s.product.name.clone();
    if let Some(brand) = s.product.brand.as_deref().filter(|b| !b.trim().is_empty()) {
        product = format!("{product} ({} {brand})", l("brand"));
    }
    if !s.product.skus.is_empty() {
        product = format!("{product} · {} {}", l("sku"), s.product.skus.join(", "));
    }
    let village = match (&s.producer.village, &s.producer.village_code) {
        (Some(v), Some(c)) => format!("{v} ({c})"),
        (Some(v), None) => v.clone(),
        (None, Some(c)) => c.clone(),
        (None, None) => String::new(),
    };
    let gps = s
        .producer
        .gps
        .map(|(lat, lon)| format!("{lat:.6}, {lon:.6}"))
        .unwrap_or_default();
    let assessors = s
        .assessors
        .iter()
        .map(|a| a.name.clone())
        .collect::<Vec<_>>()
        .join(", ");
    vec![
        (l("product"), product),
        (l("round"), s.visit.round.clone().unwrap_or_default()),
        (l("producer"), s.producer.name.clone()),
        (
            l("date"),
            s.visit
                .date
                .as_deref()
                .map(|d| w.labels.date(d))
                .unwrap_or_default(),
        ),
        (
            l("registration"),
            s.producer.registration.clone().unwrap_or_default(),
        ),
        (l("place"), s.visit.place.clone().unwrap_or_default()),
        (l("village"), village),
        (l("assessors"), assessors),
        (l("gps"), gps),
        (
            l("record"),
            format!("{} · rev {}", s.trace.assessment_id, s.trace.revision),
        ),
    ]
}

/// The PDF's date: when the revision was finalised, else its visit.
pub(crate) fn dated(s: &Filled) -> String {
    if s.trace.dated.is_empty() {
        s.visit.date.clone().unwrap_or_default()
    } else {
        s.trace.dated.clone()
    }
}

/// The filled sheet.
pub fn filled(s: &Filled, fonts: &Fonts) -> Result<Vec<u8>, SheetError> {
    let mut w = writer_for(s, fonts)?;
    let words = Words {
        lang: s.lang.code(),
        fallback: &s.set.language,
    };
    let set_name = words.of(&s.set.name).to_string();
    let prog = programme(&s.set.programme);
    let set_line = format!(
        "{set_name} · {} {} · {}",
        w.labels.get("version"),
        s.set.version,
        s.set.id
    );
    let draft = s.trace.status == "draft";
    let status = if draft {
        w.labels.get("status_draft")
    } else {
        w.labels.get("status_final")
    };
    let title = if prog.is_empty() {
        w.labels.get("title")
    } else {
        format!("{} · {prog}", w.labels.get("title"))
    };
    let block = title_block(
        &w,
        &title,
        &set_line,
        Some((&status, draft)),
        &crate::trace_code(&s.trace),
    )?;
    w.place(block);
    let rows = fact_rows(&w, s);
    let block = facts(&w, &rows);
    w.place(block);

    if !s.set.gates.is_empty() {
        w.gap(2.0);
        let block = heading(&w, &w.labels.get("gates"));
        w.place(block);
        for gate in &s.set.gates {
            let state = match s.answers.gates.get(&gate.code) {
                Some(true) => (w.labels.get("gate_met"), ACCENT),
                Some(false) => (w.labels.get("gate_not_met"), DANGER),
                None => (w.labels.get("gate_unanswered"), MUTED),
            };
            let mut b = Block::default();
            let state_w = w.width(&state.0, BODY, Weight::Bold);
            b.text(
                LEFT,
                leading(BODY) * 0.78 + 0.8,
                BODY,
                Weight::Bold,
                ACCENT,
                gate.code.clone(),
            );
            let y = lines(
                &mut b,
                LEFT + CODE_W,
                0.8,
                BODY,
                Weight::Regular,
                INK,
                &w.wrap(
                    words.of(&gate.text),
                    BODY,
                    Weight::Regular,
                    WIDTH - CODE_W - state_w - 6.0,
                ),
            );
            b.text(
                RIGHT - state_w,
                leading(BODY) * 0.78 + 0.8,
                BODY,
                Weight::Bold,
                state.1,
                state.0,
            );
            b.height = y + 1.2;
            w.place(b);
        }
    }

    let outcomes: std::collections::HashMap<&str, &Outcome> = s
        .result
        .criteria
        .iter()
        .map(|c| (c.code.as_str(), &c.outcome))
        .collect();
    let na_reasons: std::collections::HashMap<&str, &Text> = s
        .result
        .not_applicable
        .iter()
        .map(|n| (n.criterion.as_str(), &n.reason))
        .collect();
    for part in &s.set.parts {
        w.gap(2.5);
        let subtotal = s.result.parts.iter().find(|p| p.code == part.code);
        let figure = subtotal
            .map(|p| format!("{} / {}", p.points, p.max))
            .unwrap_or_default();
        let label = format!(
            "{} {} · {}",
            w.labels.get("part"),
            part.code,
            words.of(&part.name)
        );
        let block = part_bar(&w, &label, &figure);
        w.place(block);
        for section in &part.sections {
            for (i, criterion) in section.criteria.iter().enumerate() {
                let mut b = Block::default();
                if i == 0 {
                    section_head(&w, &mut b, &section.code, words.of(&section.name));
                }
                let code = criterion.code.as_str();
                let mark = Mark::Filled {
                    outcome: outcomes.get(code).copied(),
                    answer: s.answers.answers.get(code),
                    note: s.answers.notes.get(code).map(String::as_str),
                    observed: s.answers.knockouts.iter().any(|k| k == code),
                    na_reason: na_reasons.get(code).map(|t| words.of(t)),
                };
                criterion_block(
                    &w,
                    &words,
                    &mut b,
                    criterion,
                    stands_alone(section, criterion),
                    mark,
                );
                w.place(b);
            }
        }
    }

    w.gap(3.0);
    let block = summary(&w, &words, s);
    w.place(block);

    if !s.documents.is_empty() {
        w.gap(2.0);
        let block = documents(&w, s);
        w.place(block);
    }

    w.gap(3.0);
    let block = signatures(
        &w,
        &s.assessors,
        Some(&s.producer.name),
        s.visit.place.as_deref(),
        s.visit.date.as_deref(),
    );
    w.place(block);

    w.finish(&format!("{} – {}", set_name, s.product.name), &dated(s))
}

pub(crate) fn summary(w: &Writer, words: &Words, s: &Filled) -> Block {
    let mut b = Block::default();
    let l = |k: &str| w.labels.get(k);
    let mut y = lines(
        &mut b,
        LEFT,
        1.0,
        10.5,
        Weight::Bold,
        ACCENT,
        &[l("summary")],
    );
    b.items.push(Item::Line {
        x1: LEFT,
        x2: RIGHT,
        dy: y + 0.6,
        width: 0.6,
        ink: RULE,
    });
    y += 2.0;
    for part in &s.result.parts {
        let name = s
            .set
            .parts
            .iter()
            .find(|p| p.code == part.code)
            .map(|p| words.of(&p.name))
            .unwrap_or("");
        let figure = format!("{} / {}", part.points, part.max);
        let fw = w.width(&figure, BODY, Weight::Bold);
        b.text(
            LEFT,
            y + leading(BODY) * 0.78,
            BODY,
            Weight::Bold,
            ACCENT,
            part.code.clone(),
        );
        let end = lines(
            &mut b,
            LEFT + CODE_W,
            y,
            BODY,
            Weight::Regular,
            INK,
            &w.wrap(name, BODY, Weight::Regular, WIDTH - CODE_W - 30.0),
        );
        b.text(
            RIGHT - fw,
            y + leading(BODY) * 0.78,
            BODY,
            Weight::Bold,
            INK,
            figure,
        );
        y = end + 0.6;
    }
    // The grey band a total stands on.
    let band = |b: &mut Block, y: f32| {
        b.items.push(Item::Rect {
            x: LEFT,
            dy: y + 0.5,
            w: WIDTH,
            h: 9.0,
            fill: Some(GREY_FILL),
            stroke: None,
        })
    };
    band(&mut b, y);
    // The official total: the council's average when several scored (this sheet's own total
    // above it), one sheet's total otherwise.
    let council = s.verdict.sheets > 1;
    if council {
        let own = format!("{} / {}", s.result.total, s.result.max_total);
        b.text(
            LEFT + 2.0,
            y + 4.0,
            BODY,
            Weight::Regular,
            INK,
            l("sheet_total"),
        );
        let tw = w.width(&own, BODY, Weight::Regular);
        b.text(RIGHT - 2.0 - tw, y + 4.0, BODY, Weight::Regular, INK, own);
        y += 6.0;
        band(&mut b, y);
    }
    let total = format!(
        "{} / {}",
        w.labels.decimal(s.verdict.total),
        s.verdict.max_total
    );
    let label = if council {
        w.labels
            .fmt("council_total", &[("n", &s.verdict.sheets.to_string())])
    } else {
        l("total")
    };
    b.text(LEFT + 2.0, y + 6.6, 11.0, Weight::Bold, INK, label);
    let tw = w.width(&total, 13.0, Weight::Bold);
    b.text(RIGHT - 2.0 - tw, y + 6.9, 13.0, Weight::Bold, ACCENT, total);
    y += 11.5;

    let star_row = |b: &mut Block, y: f32, label: String, star: Option<u8>| {
        b.text(LEFT + 2.0, y + 4.0, BODY, Weight::Regular, INK, label);
        match star {
            Some(n) => rated(b, w, y + 4.0, y + 2.8, n),
            None => {
                let text = w.labels.get("no_star");
                let tw = w.width(&text, BODY, Weight::Bold);
                b.text(RIGHT - 2.0 - tw, y + 4.0, BODY, Weight::Bold, DANGER, text);
            }
        }
    };
    star_row(&mut b, y, l("star_by_score"), Some(s.verdict.star_by_score));
    y += 6.5;
    match s.verdict.standing {
        Standing::Provisional => {
            star_row(&mut b, y, l("star_provisional"), s.verdict.provisional_star)
        }
        _ => star_row(&mut b, y, l("star_final"), s.verdict.star),
    }
    y += 6.5;
    if !s.verdict.reasons.is_empty() {
        y = lines(
            &mut b,
            LEFT + 2.0,
            y + 0.5,
            SMALL,
            Weight::Bold,
            MUTED,
            &[l("reasons")],
        );
        for reason in &s.verdict.reasons {
            let text = match reason {
                Reason::Knockout { criterion, text } => format!(
                    "• {}: {}",
                    w.labels.fmt("reason_knockout", &[("criterion", criterion)]),
                    words.of(text)
                ),
                Reason::MinimumNotMet { star, text } => format!(
                    "• {}: {}",
                    w.labels
                        .fmt("reason_minimum", &[("star", &star.to_string())]),
                    words.of(text)
                ),
            };
            y = lines(
                &mut b,
                LEFT + 2.0,
                y,
                SMALL,
                Weight::Regular,
                INK,
                &w.wrap(&text, SMALL, Weight::Regular, WIDTH - 4.0),
            );
        }
    }
    b.height = y + 2.0;
    b
}

fn documents(w: &Writer, s: &Filled) -> Block {
    let mut b = Block::default();
    let l = |k: &str| w.labels.get(k);
    let mut y = lines(
        &mut b,
        LEFT,
        1.0,
        10.5,
        Weight::Bold,
        ACCENT,
        &[l("documents")],
    );
    b.items.push(Item::Line {
        x1: LEFT,
        x2: RIGHT,
        dy: y + 0.6,
        width: 0.6,
        ink: RULE,
    });
    y += 2.0;
    let cols = [LEFT, LEFT + 70.0, LEFT + 92.0, LEFT + 142.0];
    for (x, head) in cols
        .iter()
        .zip([l("document"), l("shown"), l("number"), l("valid_until")])
    {
        b.text(*x, y + 3.0, SMALL, Weight::Bold, MUTED, head);
    }
    y += 4.5;
    for document in &s.documents {
        let label = w.wrap(&document.label, SMALL + 0.5, Weight::Regular, 68.0);
        let end = lines(
            &mut b,
            cols[0],
            y,
            SMALL + 0.5,
            Weight::Regular,
            INK,
            &label,
        );
        let shown = if document.present {
            l("shown")
        } else {
            l("not_shown")
        };
        b.text(
            cols[1],
            y + leading(SMALL + 0.5) * 0.78,
            SMALL + 0.5,
            Weight::Bold,
            if document.present { ACCENT } else { MUTED },
            shown,
        );
        let number = document.number.clone().unwrap_or_default();
        let number = w.wrap(&number, SMALL + 0.5, Weight::Regular, 48.0);
        let end2 = lines(
            &mut b,
            cols[2],
            y,
            SMALL + 0.5,
            Weight::Regular,
            INK,
            &number,
        );
        if let Some(until) = &document.expires_on {
            b.text(
                cols[3],
                y + leading(SMALL + 0.5) * 0.78,
                SMALL + 0.5,
                Weight::Regular,
                INK,
                w.labels.date(until),
            );
        }
        y = end.max(end2) + 0.8;
        b.items.push(Item::Line {
            x1: LEFT,
            x2: RIGHT,
            dy: y - 0.3,
            width: 0.3,
            ink: RULE,
        });
    }
    b.height = y + 1.0;
    b
}
