//! One criterion as it reads on a sheet: its code, words and points, its levels (the chosen one
//! marked on a filled sheet, a box per level on a blank one), its condition and knock-out.

use ovop_core::criteria::{Criterion, Section};
use ovop_core::rubric::Outcome;
use ovop_core::Answer;

use crate::canvas::{leading, Weight, ACCENT, ACCENT_LIGHT, DANGER, INK, MUTED, RULE, WHITE};
use crate::writer::{Block, Item, Writer, LEFT, RIGHT, WIDTH};

use super::blocks::lines;
use super::{Words, BODY, CODE_W, POINTS_W, SMALL};

/// The section is its one criterion, numbered like it, with no words of its own.
pub(crate) fn stands_alone(section: &Section, criterion: &Criterion) -> bool {
    section.criteria.len() == 1
        && criterion.code == section.code
        && criterion.text.0.iter().all(|(lang, text)| {
            text.trim().is_empty()
                || section.name.0.get(lang).map(|n| n.trim()) == Some(text.trim())
        })
}

/// How one criterion reads on the sheet.
pub(crate) enum Mark<'a> {
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

pub(crate) fn criterion_block(
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
