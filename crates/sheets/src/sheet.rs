//! The filled and the blank assessment sheet: a title block with the QR code, the product and
//! the producer, the gates, every criterion with its levels (the chosen one marked, or a box per
//! level to tick), the summary with the stars and why they differ, the documents seen, and the
//! signature lines.

use ovop_core::criteria::{Criterion, Programme, Section, Text};
use ovop_core::rubric::{Outcome, Reason};
use ovop_core::Answer;
use qrcode::{EcLevel, QrCode};

use crate::canvas::{
    leading, Weight, ACCENT, ACCENT_LIGHT, DANGER, GREY_FILL, INK, MUTED, RULE, WHITE,
};
use crate::fonts::Fonts;
use crate::labels::Labels;
use crate::model::{Blank, Filled};
use crate::writer::{Block, Item, Writer, LEFT, RIGHT, WIDTH};
use crate::SheetError;

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

fn qr_modules(text: &str) -> Result<Vec<Vec<bool>>, SheetError> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|e| SheetError::Invalid(format!("the QR code cannot hold {text:?}: {e}")))?;
    let width = code.width();
    let colors = code.to_colors();
    Ok(colors
        .chunks(width)
        .map(|row| row.iter().map(|c| *c == qrcode::Color::Dark).collect())
        .collect())
}

/// The section is its one criterion, numbered like it, with no words of its own.
fn stands_alone(section: &Section, criterion: &Criterion) -> bool {
    section.criteria.len() == 1
        && criterion.code == section.code
        && criterion.text.0.iter().all(|(lang, text)| {
            text.trim().is_empty()
                || section.name.0.get(lang).map(|n| n.trim()) == Some(text.trim())
        })
}

/// Lines of text from `dy` on, `size` points; returns where the next line would go.
pub(crate) fn lines(
    block: &mut Block,
    x: f32,
    dy: f32,
    size: f32,
    weight: Weight,
    ink: (f32, f32, f32),
    lines: &[String],
) -> f32 {
    let step = leading(size);
    let mut y = dy;
    for line in lines {
        block.text(x, y + step * 0.78, size, weight, ink, line.clone());
        y += step;
    }
    y
}

/// The title block: programme and sheet title, the set, the status, and the QR code.
pub(crate) fn title_block(
    w: &Writer,
    title: &str,
    set_line: &str,
    status: Option<(&str, bool)>,
    qr: &str,
) -> Result<Block, SheetError> {
    let mut b = Block::default();
    let dark = qr_modules(qr)?;
    let module = 26.0 / dark.len() as f32;
    let qr_x = RIGHT - module * dark.len() as f32;
    let text_w = qr_x - LEFT - 6.0;
    let mut y = lines(
        &mut b,
        LEFT,
        0.0,
        15.0,
        Weight::Bold,
        ACCENT,
        &w.wrap(title, 15.0, Weight::Bold, text_w),
    );
    y = lines(
        &mut b,
        LEFT,
        y + 0.5,
        10.5,
        Weight::Bold,
        INK,
        &w.wrap(set_line, 10.5, Weight::Bold, text_w),
    );
    if let Some((status, draft)) = status {
        let size = 8.5;
        let tw = w.width(status, size, Weight::Bold) + 4.0;
        let ink = if draft { DANGER } else { ACCENT };
        b.items.push(Item::Rect {
            x: LEFT,
            dy: y + 1.0,
            w: tw,
            h: 5.0,
            fill: None,
            stroke: Some((ink, 0.8)),
        });
        b.text(LEFT + 2.0, y + 4.6, size, Weight::Bold, ink, status);
        y += 7.0;
    }
    b.items.push(Item::Qr {
        x: qr_x,
        dy: 0.0,
        module,
        dark: dark.clone(),
    });
    let qr_bottom = module * dark.len() as f32;
    b.height = y.max(qr_bottom) + 3.0;
    b.items.push(Item::Line {
        x1: LEFT,
        x2: RIGHT,
        dy: b.height - 1.0,
        width: 1.2,
        ink: ACCENT,
    });
    b.height += 2.0;
    Ok(b)
}

/// Label–value rows in two columns.
pub(crate) fn facts(w: &Writer, rows: &[(String, String)]) -> Block {
    let mut b = Block::default();
    let col_w = (WIDTH - 6.0) / 2.0;
    let label_w = 30.0;
    let mut heights = [0.0_f32; 2];
    for (i, (label, value)) in rows.iter().enumerate() {
        let col = i % 2;
        let x = LEFT + col as f32 * (col_w + 6.0);
        let dy = heights[col];
        let label_lines = w.wrap(label, SMALL, Weight::Regular, label_w - 1.5);
        let value_lines = w.wrap(
            if value.is_empty() { "—" } else { value },
            BODY,
            Weight::Bold,
            col_w - label_w,
        );
        let a = lines(
            &mut b,
            x,
            dy + 0.3,
            SMALL,
            Weight::Regular,
            MUTED,
            &label_lines,
        );
        let c = lines(
            &mut b,
            x + label_w,
            dy,
            BODY,
            Weight::Bold,
            INK,
            &value_lines,
        );
        heights[col] = a.max(c) + 1.2;
        if col == 1 {
            let row_end = heights[0].max(heights[1]);
            heights = [row_end, row_end];
        }
    }
    b.height = heights[0].max(heights[1]) + 2.0;
    b
}

pub(crate) fn heading(w: &Writer, text: &str) -> Block {
    let mut b = Block::default();
    let y = lines(
        &mut b,
        LEFT,
        1.0,
        10.5,
        Weight::Bold,
        ACCENT,
        &w.wrap(text, 10.5, Weight::Bold, WIDTH),
    );
    b.items.push(Item::Line {
        x1: LEFT,
        x2: RIGHT,
        dy: y + 0.6,
        width: 0.6,
        ink: RULE,
    });
    b.height = y + 2.5;
    b
}

fn part_bar(w: &Writer, label: &str, figure: &str) -> Block {
    let mut b = Block::default();
    let figure_w = w.width(figure, 9.5, Weight::Bold);
    let text = w.wrap(label, 9.5, Weight::Bold, WIDTH - figure_w - 10.0);
    let h = leading(9.5) * text.len() as f32 + 2.8;
    b.items.push(Item::Rect {
        x: LEFT,
        dy: 1.5,
        w: WIDTH,
        h,
        fill: Some(ACCENT),
        stroke: None,
    });
    lines(&mut b, LEFT + 2.5, 2.9, 9.5, Weight::Bold, WHITE, &text);
    b.text(
        RIGHT - 2.5 - figure_w,
        2.9 + leading(9.5) * 0.78,
        9.5,
        Weight::Bold,
        WHITE,
        figure,
    );
    b.height = h + 3.0;
    b
}

/// A section heading, placed on top of its first criterion's block so it never ends a page.
fn section_head(w: &Writer, b: &mut Block, code: &str, name: &str) {
    let text = w.wrap(name, 9.5, Weight::Bold, WIDTH - CODE_W);
    b.text(
        LEFT,
        1.0 + leading(9.5) * 0.78,
        9.5,
        Weight::Bold,
        ACCENT,
        code,
    );
    let y = lines(b, LEFT + CODE_W, 1.0, 9.5, Weight::Bold, INK, &text);
    b.items.push(Item::Line {
        x1: LEFT,
        x2: RIGHT,
        dy: y + 0.5,
        width: 0.4,
        ink: RULE,
    });
    b.height = y + 1.5;
}

/// How one criterion reads on the sheet.
enum Mark<'a> {
    /// Filled: the outcome, the level chosen, the note and whether its knock-out was observed.
    Filled {
        outcome: Option<&'a Outcome>,
        answer: Option<&'a Answer>,
        note: Option<&'a str>,
        observed: bool,
        na_reason: Option<&'a str>,
    },
    /// Blank: a box per level and room to write.
    Blank,
}

fn criterion_block(
    w: &Writer,
    words: &Words,
    b: &mut Block,
    criterion: &Criterion,
    alone: bool,
    mark: Mark,
) {
    let labels = &w.labels;
    let text_x = LEFT + CODE_W;
    let text_w = WIDTH - CODE_W - POINTS_W;
    let mut y = b.height + 1.5;
    let max = criterion.levels.iter().map(|l| l.points).max().unwrap_or(0);

    // The head: code, title, points.
    let figure = match &mark {
        Mark::Filled {
            outcome: Some(Outcome::Scored { points, .. }),
            ..
        } => format!("{points} / {max}"),
        Mark::Filled { .. } => format!("— / {max}"),
        Mark::Blank => format!("___ / {max}"),
    };
    let fig_w = w.width(&figure, BODY, Weight::Bold);
    b.text(
        RIGHT - fig_w,
        y + leading(BODY) * 0.78,
        BODY,
        Weight::Bold,
        INK,
        figure,
    );
    if !alone {
        b.text(
            LEFT,
            y + leading(BODY) * 0.78,
            BODY,
            Weight::Bold,
            ACCENT,
            criterion.code.clone(),
        );
        let title = words.of(&criterion.text);
        if !title.trim().is_empty() {
            y = lines(
                b,
                text_x,
                y,
                BODY,
                Weight::Bold,
                INK,
                &w.wrap(title, BODY, Weight::Bold, text_w),
            );
        } else {
            y += leading(BODY);
        }
    } else {
        y += leading(BODY) * 0.2;
    }

    // What stopped it or made it not apply.
    if let Mark::Filled {
        outcome,
        na_reason,
        observed,
        ..
    } = &mark
    {
        match outcome {
            Some(Outcome::NotApplicable { .. }) => {
                let text = match na_reason {
                    Some(reason) if !reason.is_empty() => {
                        format!("{}: {reason}", labels.get("not_applicable"))
                    }
                    _ => labels.get("not_applicable"),
                };
                y = lines(
                    b,
                    text_x,
                    y + 0.5,
                    SMALL,
                    Weight::Bold,
                    MUTED,
                    &w.wrap(&text, SMALL, Weight::Bold, text_w),
                );
            }
            Some(Outcome::KnockedOut { by }) => {
                let text = labels.fmt("knocked_out", &[("by", by)]);
                y = lines(
                    b,
                    text_x,
                    y + 0.5,
                    SMALL,
                    Weight::Bold,
                    MUTED,
                    &w.wrap(&text, SMALL, Weight::Bold, text_w),
                );
            }
            Some(Outcome::Unanswered) | None => {
                y = lines(
                    b,
                    text_x,
                    y + 0.5,
                    SMALL,
                    Weight::Bold,
                    DANGER,
                    &[labels.get("unanswered")],
                );
            }
            Some(Outcome::Scored { .. }) => {}
        }
        if *observed {
            if let Some(knockout) = &criterion.knockout {
                let text = format!(
                    "{}: {}",
                    labels.get("knockout_observed"),
                    words.of(&knockout.text)
                );
                y = lines(
                    b,
                    text_x,
                    y + 0.5,
                    SMALL,
                    Weight::Bold,
                    DANGER,
                    &w.wrap(&text, SMALL, Weight::Bold, text_w),
                );
            }
        }
    }

    // The levels: a box each, the chosen one ticked and shaded.
    let box_s = 3.0;
    let points_w = 14.0;
    let desc_x = text_x + box_s + 2.0 + points_w;
    let desc_w = RIGHT - desc_x;
    let chosen = match &mark {
        Mark::Filled {
            answer: Some(Answer::Level(position)),
            ..
        } => Some(*position as usize),
        _ => None,
    };
    let dimmed = matches!(
        &mark,
        Mark::Filled {
            outcome: Some(Outcome::NotApplicable { .. } | Outcome::KnockedOut { .. }),
            ..
        }
    );
    let mut scale: Option<&str> = None;
    y += 0.8;
    for (i, level) in criterion.levels.iter().enumerate() {
        if let Some(id) = level.scale.as_deref() {
            if scale != Some(id) {
                scale = Some(id);
                if let Some(found) = criterion.scales.iter().find(|s| s.id == id) {
                    y = lines(
                        b,
                        text_x,
                        y + 0.4,
                        SMALL,
                        Weight::Bold,
                        MUTED,
                        &w.wrap(words.of(&found.label), SMALL, Weight::Bold, text_w),
                    );
                }
            }
        }
        let is_chosen = chosen == Some(i + 1);
        let weight = if is_chosen {
            Weight::Bold
        } else {
            Weight::Regular
        };
        let ink = if dimmed { MUTED } else { INK };
        let desc = w.wrap(words.of(&level.text), BODY - 0.5, weight, desc_w);
        let h = leading(BODY - 0.5) * desc.len() as f32 + 1.0;
        if is_chosen {
            b.items.push(Item::Rect {
                x: text_x - 1.0,
                dy: y - 0.2,
                w: RIGHT - text_x + 1.0,
                h: h + 0.2,
                fill: Some(ACCENT_LIGHT),
                stroke: None,
            });
        }
        b.items.push(Item::Rect {
            x: text_x,
            dy: y + 0.7,
            w: box_s,
            h: box_s,
            fill: Some(WHITE),
            stroke: Some((if is_chosen { ACCENT } else { MUTED }, 0.7)),
        });
        if is_chosen {
            b.items.push(Item::Tick {
                x: text_x,
                dy: y + 0.7,
                s: box_s,
            });
        }
        let pts = format!("{} {}", level.points, labels.get("points"));
        b.text(
            text_x + box_s + 2.0,
            y + 0.3 + leading(BODY - 0.5) * 0.78,
            BODY - 0.5,
            Weight::Bold,
            if is_chosen { ACCENT } else { ink },
            pts,
        );
        lines(b, desc_x, y + 0.3, BODY - 0.5, weight, ink, &desc);
        y += h;
    }

    match &mark {
        Mark::Filled {
            note: Some(note), ..
        } if !note.trim().is_empty() => {
            let text = format!("{}: {}", labels.get("note"), note.trim());
            y = lines(
                b,
                text_x,
                y + 0.8,
                SMALL,
                Weight::Regular,
                MUTED,
                &w.wrap(&text, SMALL, Weight::Regular, WIDTH - CODE_W),
            );
        }
        Mark::Blank => {
            if let Some(evidence) = &criterion.evidence {
                let text = format!("{}: {}", labels.get("evidence"), words.of(evidence));
                y = lines(
                    b,
                    text_x,
                    y + 0.8,
                    SMALL,
                    Weight::Regular,
                    MUTED,
                    &w.wrap(&text, SMALL, Weight::Regular, WIDTH - CODE_W),
                );
            }
            if criterion.knockout.is_some() {
                if let Some(knockout) = &criterion.knockout {
                    let text = format!(
                        "{}: {}",
                        labels.get("knockout_observed"),
                        words.of(&knockout.text)
                    );
                    b.items.push(Item::Rect {
                        x: text_x,
                        dy: y + 1.2,
                        w: 2.6,
                        h: 2.6,
                        fill: None,
                        stroke: Some((DANGER, 0.7)),
                    });
                    y = lines(
                        b,
                        text_x + 4.0,
                        y + 0.5,
                        SMALL,
                        Weight::Regular,
                        DANGER,
                        &w.wrap(&text, SMALL, Weight::Regular, WIDTH - CODE_W - 4.0),
                    );
                }
            }
            b.text(
                text_x,
                y + 4.0,
                SMALL - 0.5,
                Weight::Regular,
                MUTED,
                labels.get("note"),
            );
            for k in 0..2 {
                let ly = y + 5.0 + 5.5 * k as f32;
                b.items.push(Item::Line {
                    x1: text_x + 12.0,
                    x2: RIGHT,
                    dy: ly,
                    width: 0.4,
                    ink: RULE,
                });
            }
            y += 12.5;
        }
        _ => {}
    }
    b.items.push(Item::Line {
        x1: LEFT,
        x2: RIGHT,
        dy: y + 1.2,
        width: 0.3,
        ink: RULE,
    });
    b.height = y + 1.8;
}

/// Stars as drawn shapes (the font has no star): `filled` of five.
pub(crate) fn stars(b: &mut Block, x: f32, dy: f32, filled: u8) {
    for i in 0..5u8 {
        b.items.push(Item::Star {
            cx: x + 2.2 + i as f32 * 5.0,
            dy,
            r: 2.1,
            filled: i < filled,
        });
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
    let trace = format!(
        "OVOP Field · {} · rev {} · {}",
        s.trace.assessment_id,
        s.trace.revision,
        if short_hash.is_empty() {
            "—".into()
        } else {
            short_hash
        }
    );
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
    b.items.push(Item::Rect {
        x: LEFT,
        dy: y + 0.5,
        w: WIDTH,
        h: 9.0,
        fill: Some(GREY_FILL),
        stroke: None,
    });
    let total = format!("{} / {}", s.result.total, s.result.max_total);
    b.text(LEFT + 2.0, y + 6.6, 11.0, Weight::Bold, INK, l("total"));
    let tw = w.width(&total, 13.0, Weight::Bold);
    b.text(RIGHT - 2.0 - tw, y + 6.9, 13.0, Weight::Bold, ACCENT, total);
    y += 11.5;

    let star_row = |b: &mut Block, y: f32, label: String, star: Option<u8>| {
        b.text(LEFT + 2.0, y + 4.0, BODY, Weight::Regular, INK, label);
        match star {
            Some(n) => {
                stars(b, RIGHT - 27.0, y + 2.8, n);
            }
            None => {
                let text = w.labels.get("no_star");
                let tw = w.width(&text, BODY, Weight::Bold);
                b.text(RIGHT - 2.0 - tw, y + 4.0, BODY, Weight::Bold, DANGER, text);
            }
        }
    };
    star_row(&mut b, y, l("star_by_score"), Some(s.result.star_by_score));
    y += 6.5;
    star_row(&mut b, y, l("star_final"), s.result.star);
    y += 6.5;
    if !s.result.reasons.is_empty() {
        y = lines(
            &mut b,
            LEFT + 2.0,
            y + 0.5,
            SMALL,
            Weight::Bold,
            MUTED,
            &[l("reasons")],
        );
        for reason in &s.result.reasons {
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

pub(crate) fn signatures(
    w: &Writer,
    assessors: &[crate::model::Person],
    producer: Option<&str>,
    place: Option<&str>,
    date: Option<&str>,
) -> Block {
    let mut b = Block::default();
    let l = |k: &str| w.labels.get(k);
    let mut y = lines(
        &mut b,
        LEFT,
        1.0,
        10.5,
        Weight::Bold,
        ACCENT,
        &[l("signatures")],
    );
    b.items.push(Item::Line {
        x1: LEFT,
        x2: RIGHT,
        dy: y + 0.6,
        width: 0.6,
        ink: RULE,
    });
    y += 2.5;
    let when = match (place, date) {
        (Some(p), Some(d)) if !p.trim().is_empty() => format!("{p}, {}", w.labels.date(d)),
        (_, Some(d)) => w.labels.date(d),
        (Some(p), None) => p.to_string(),
        (None, None) => String::new(),
    };
    if !when.is_empty() {
        let tw = w.width(&when, BODY, Weight::Regular);
        b.text(RIGHT - tw, y + 3.5, BODY, Weight::Regular, INK, when);
        y += 6.0;
    }
    // Boxes of three to a row: each assessor, then the producer.
    let mut people: Vec<(String, String, Vec<String>)> = assessors
        .iter()
        .map(|a| {
            let detail = [a.title.clone(), a.unit.clone()]
                .into_iter()
                .flatten()
                .filter(|t| !t.trim().is_empty())
                .collect();
            (
                l("assessor"),
                if a.name.trim().is_empty() {
                    String::new()
                } else {
                    a.name.clone()
                },
                detail,
            )
        })
        .collect();
    if people.is_empty() {
        people.push((l("assessor"), String::new(), Vec::new()));
    }
    if let Some(producer) = producer {
        people.push((l("producer_sign"), producer.to_string(), Vec::new()));
    }
    let box_w = (WIDTH - 8.0) / 3.0;
    let mut row_top = y;
    let mut row_h: f32 = 0.0;
    for (i, (role, name, detail)) in people.iter().enumerate() {
        let col = i % 3;
        if col == 0 && i > 0 {
            row_top += row_h + 3.0;
            row_h = 0.0;
        }
        let x = LEFT + col as f32 * (box_w + 4.0);
        let mut yy = lines(
            &mut b,
            x,
            row_top,
            SMALL,
            Weight::Bold,
            MUTED,
            std::slice::from_ref(role),
        );
        yy += 16.0;
        b.items.push(Item::Line {
            x1: x,
            x2: x + box_w,
            dy: yy,
            width: 0.6,
            ink: INK,
        });
        yy = lines(
            &mut b,
            x,
            yy + 0.6,
            SMALL - 0.5,
            Weight::Regular,
            MUTED,
            &[l("signature_line")],
        );
        if !name.is_empty() {
            yy = lines(
                &mut b,
                x,
                yy,
                BODY,
                Weight::Bold,
                INK,
                &w.wrap(name, BODY, Weight::Bold, box_w),
            );
        }
        for d in detail {
            yy = lines(
                &mut b,
                x,
                yy,
                SMALL,
                Weight::Regular,
                INK,
                &w.wrap(d, SMALL, Weight::Regular, box_w),
            );
        }
        row_h = row_h.max(yy - row_top);
    }
    b.height = row_top + row_h + 2.0;
    b
}

/// The blank sheet.
pub fn blank(s: &Blank, fonts: &Fonts) -> Result<Vec<u8>, SheetError> {
    let labels = Labels::new(s.lang);
    let words = Words {
        lang: s.lang.code(),
        fallback: &s.set.language,
    };
    let set_name = words.of(&s.set.name).to_string();
    let short_hash = short(&s.set_hash);
    let running = format!("{set_name} · {} {}", labels.get("version"), s.set.version);
    let trace = format!(
        "OVOP Field · {} {} · {}",
        s.set.id, s.set.version, short_hash
    );
    let mut w = Writer::new(fonts, labels, running, trace)?;
    let prog = programme(&s.set.programme);
    let title = if prog.is_empty() {
        w.labels.get("title_blank")
    } else {
        format!("{} · {prog}", w.labels.get("title_blank"))
    };
    let set_line = format!(
        "{set_name} · {} {} · {}",
        w.labels.get("version"),
        s.set.version,
        s.set.id
    );
    let block = title_block(
        &w,
        &title,
        &set_line,
        None,
        &crate::set_code(&s.set.id, &s.set.version, &s.set_hash),
    )?;
    w.place(block);
    let mut hint = Block::default();
    let y = lines(
        &mut hint,
        LEFT,
        0.0,
        SMALL,
        Weight::Regular,
        MUTED,
        &w.wrap(&w.labels.get("blank_hint"), SMALL, Weight::Regular, WIDTH),
    );
    hint.height = y + 1.5;
    w.place(hint);

    let l = |k: &str| w.labels.get(k);
    let rows: Vec<(String, String)> = [
        "product",
        "round",
        "producer",
        "date",
        "registration",
        "place",
        "village",
        "assessors",
        "gps",
        "record",
    ]
    .iter()
    .map(|k| (l(k), String::new()))
    .collect();
    let mut block = facts(&w, &rows);
    // Room to write: a rule under every value instead of a dash.
    block
        .items
        .retain(|item| !matches!(item, Item::Text { text, .. } if text == "—"));
    let rules: Vec<Item> = block
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Text {
                x,
                dy,
                weight: Weight::Regular,
                ..
            } => Some(Item::Line {
                x1: x + 30.0,
                x2: x + (WIDTH - 6.0) / 2.0 - 1.0,
                dy: dy + 1.0,
                width: 0.4,
                ink: RULE,
            }),
            _ => None,
        })
        .collect();
    block.items.extend(rules);
    block.height += 2.0;
    w.place(block);

    if !s.set.gates.is_empty() {
        w.gap(2.0);
        let block = heading(&w, &w.labels.get("gates"));
        w.place(block);
        for gate in &s.set.gates {
            let mut b = Block::default();
            let met = w.labels.get("gate_met");
            let not_met = w.labels.get("gate_not_met");
            let opts_w = w.width(&met, SMALL, Weight::Regular)
                + w.width(&not_met, SMALL, Weight::Regular)
                + 16.0;
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
                    WIDTH - CODE_W - opts_w - 4.0,
                ),
            );
            let mut x = RIGHT - opts_w;
            for option in [met, not_met] {
                b.items.push(Item::Rect {
                    x,
                    dy: 1.5,
                    w: 3.0,
                    h: 3.0,
                    fill: None,
                    stroke: Some((MUTED, 0.7)),
                });
                let ow = w.width(&option, SMALL, Weight::Regular);
                b.text(x + 4.2, 4.2, SMALL, Weight::Regular, INK, option);
                x += ow + 8.0;
            }
            b.height = y + 1.2;
            w.place(b);
        }
    }

    for part in &s.set.parts {
        w.gap(2.5);
        let max: u32 = part
            .sections
            .iter()
            .flat_map(|s| &s.criteria)
            .map(|c| c.levels.iter().map(|l| l.points).max().unwrap_or(0))
            .sum();
        let label = format!(
            "{} {} · {}",
            w.labels.get("part"),
            part.code,
            words.of(&part.name)
        );
        let block = part_bar(&w, &label, &format!("___ / {max}"));
        w.place(block);
        for section in &part.sections {
            for (i, criterion) in section.criteria.iter().enumerate() {
                let mut b = Block::default();
                if i == 0 {
                    section_head(&w, &mut b, &section.code, words.of(&section.name));
                }
                criterion_block(
                    &w,
                    &words,
                    &mut b,
                    criterion,
                    stands_alone(section, criterion),
                    Mark::Blank,
                );
                w.place(b);
            }
        }
    }

    w.gap(3.0);
    let mut total = Block::default();
    let max_total: u32 = s
        .set
        .criteria()
        .map(|c| c.levels.iter().map(|l| l.points).max().unwrap_or(0))
        .sum();
    total.items.push(Item::Rect {
        x: LEFT,
        dy: 0.5,
        w: WIDTH,
        h: 9.0,
        fill: Some(GREY_FILL),
        stroke: None,
    });
    total.text(
        LEFT + 2.0,
        6.6,
        11.0,
        Weight::Bold,
        INK,
        w.labels.get("blank_total"),
    );
    let figure = format!("______ / {}", s.set.max_total.unwrap_or(max_total));
    let fw = w.width(&figure, 12.0, Weight::Bold);
    total.text(RIGHT - 2.0 - fw, 6.8, 12.0, Weight::Bold, INK, figure);
    total.text(
        LEFT + 2.0,
        15.0,
        BODY,
        Weight::Regular,
        INK,
        w.labels.get("star_final"),
    );
    stars(&mut total, RIGHT - 27.0, 13.8, 0);
    total.height = 19.0;
    w.place(total);

    w.gap(3.0);
    let block = signatures(&w, &[], Some(""), None, None);
    w.place(block);
    let title = format!("{} – {}", set_name, w.labels.get("title_blank"));
    w.finish(&title, &s.set.effective.from.clone().unwrap_or_default())
}
