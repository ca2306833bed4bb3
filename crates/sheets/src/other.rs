//! The producer's receipt and the council's sheet, from the same values as the filled sheet.

use crate::canvas::{leading, Weight, ACCENT, DANGER, GREY_FILL, INK, MUTED, RULE};
use crate::fonts::Fonts;
use crate::model::Filled;
use crate::sheet::{
    dated, fact_rows, facts, heading, lines, programme, rated, signatures, title_block, writer_for,
    Words,
};
use crate::writer::{Block, Item, Writer, LEFT, RIGHT, WIDTH};
use crate::SheetError;

const BODY: f32 = 9.0;
const SMALL: f32 = 8.0;

/// What to improve first: the scored criteria furthest from their top level, each with the
/// next level up and what it asks for.
pub(crate) struct Step {
    pub code: String,
    pub title: String,
    pub points: u32,
    pub next_points: u32,
    pub next: String,
}

pub(crate) fn steps(s: &Filled, words: &Words, limit: usize) -> Vec<Step> {
    // The engine orders them (the biggest gaps first); the sheet only puts them in words.
    ovop_core::coaching::steps(&s.set, &s.result)
        .into_iter()
        .take(limit)
        .filter_map(|step| {
            let criterion = s.set.criteria().find(|c| c.code == step.criterion)?;
            let next = criterion.levels.get(step.next_level as usize)?;
            Some(Step {
                title: words.of(&criterion.text).to_string(),
                next: words.of(&next.text).to_string(),
                code: step.criterion,
                points: step.points,
                next_points: step.next_points,
            })
        })
        .collect()
}

fn result_block(w: &Writer, total: String, by_score: u8, star: Option<u8>) -> Block {
    let mut b = Block::default();
    let l = |k: &str| w.labels.get(k);
    b.items.push(Item::Rect {
        x: LEFT,
        dy: 0.5,
        w: WIDTH,
        h: 9.0,
        fill: Some(GREY_FILL),
        stroke: None,
    });
    b.text(LEFT + 2.0, 6.6, 11.0, Weight::Bold, INK, l("total"));
    let tw = w.width(&total, 13.0, Weight::Bold);
    b.text(RIGHT - 2.0 - tw, 6.9, 13.0, Weight::Bold, ACCENT, total);
    let mut y = 11.5;
    for (label, value) in [
        (l("star_by_score"), Some(by_score)),
        (l("star_final"), star),
    ] {
        b.text(LEFT + 2.0, y + 4.0, BODY, Weight::Regular, INK, label);
        match value {
            Some(n) => rated(&mut b, w, y + 4.0, y + 2.8, n),
            None => {
                let text = l("no_star");
                let tw = w.width(&text, BODY, Weight::Bold);
                b.text(RIGHT - 2.0 - tw, y + 4.0, BODY, Weight::Bold, DANGER, text);
            }
        }
        y += 6.5;
    }
    b.height = y + 1.0;
    b
}

/// The producer's receipt: one page.
pub fn receipt(s: &Filled, fonts: &Fonts) -> Result<Vec<u8>, SheetError> {
    let mut w = writer_for(s, fonts)?;
    let words = Words {
        lang: s.lang.code(),
        fallback: &s.set.language,
    };
    let set_name = words.of(&s.set.name).to_string();
    let prog = programme(&s.set.programme);
    let title = if prog.is_empty() {
        w.labels.get("receipt_title")
    } else {
        format!("{} · {prog}", w.labels.get("receipt_title"))
    };
    let set_line = format!("{set_name} · {} {}", w.labels.get("version"), s.set.version);
    let draft = s.trace.status == "draft";
    let status = if draft {
        w.labels.get("status_draft")
    } else {
        w.labels.get("status_final")
    };
    let block = title_block(
        &w,
        &title,
        &set_line,
        Some((&status, draft)),
        &crate::trace_code(&s.trace),
    )?;
    w.place(block);
    let mut rows = fact_rows(&w, s);
    rows.retain(|(label, _)| label != &w.labels.get("gps") && label != &w.labels.get("record"));
    let block = facts(&w, &rows);
    w.place(block);

    w.gap(2.0);
    let block = heading(&w, &w.labels.get("receipt_result"));
    w.place(block);
    let block = result_block(
        &w,
        format!(
            "{} / {}",
            w.labels.decimal(s.verdict.total),
            s.verdict.max_total
        ),
        s.verdict.star_by_score,
        s.verdict.star,
    );
    w.place(block);
    if let Some(next) = s.next_star() {
        let mut b = Block::default();
        let text = w.labels.fmt(
            "receipt_next_star",
            &[
                ("star", &next.star.to_string()),
                ("points", &format!("{}", next.points_needed.ceil() as i64)),
                ("min", &next.min_total.to_string()),
            ],
        );
        let mut y = lines(
            &mut b,
            LEFT,
            0.5,
            BODY,
            Weight::Bold,
            INK,
            &w.wrap(&text, BODY, Weight::Bold, WIDTH),
        );
        for unmet in &next.unmet_requirements {
            y = lines(
                &mut b,
                LEFT + 3.0,
                y,
                SMALL,
                Weight::Regular,
                INK,
                &w.wrap(
                    &format!("• {}", words.of(unmet)),
                    SMALL,
                    Weight::Regular,
                    WIDTH - 3.0,
                ),
            );
        }
        b.height = y + 1.5;
        w.place(b);
    }

    let steps = steps(s, &words, 5);
    if !steps.is_empty() {
        w.gap(2.0);
        let block = heading(&w, &w.labels.get("receipt_steps"));
        w.place(block);
        for (i, step) in steps.iter().enumerate() {
            let mut b = Block::default();
            b.text(
                LEFT,
                0.5 + leading(BODY) * 0.78,
                BODY,
                Weight::Bold,
                ACCENT,
                format!("{}.", i + 1),
            );
            let head = format!(
                "{} {} — {}",
                step.code,
                step.title,
                w.labels
                    .fmt("receipt_now", &[("points", &step.points.to_string())])
            );
            let mut y = lines(
                &mut b,
                LEFT + 7.0,
                0.5,
                BODY,
                Weight::Bold,
                INK,
                &w.wrap(&head, BODY, Weight::Bold, WIDTH - 7.0),
            );
            let next = w.labels.fmt(
                "receipt_next_level",
                &[
                    ("points", &step.next_points.to_string()),
                    ("level", &step.next),
                ],
            );
            y = lines(
                &mut b,
                LEFT + 7.0,
                y,
                SMALL + 0.5,
                Weight::Regular,
                INK,
                &w.wrap(&next, SMALL + 0.5, Weight::Regular, WIDTH - 7.0),
            );
            b.height = y + 1.2;
            w.place(b);
        }
    }

    if !s.plan.is_empty() {
        w.gap(2.0);
        let block = heading(&w, &w.labels.get("receipt_plan"));
        w.place(block);
        for line in &s.plan {
            let mut b = Block::default();
            let mut head = line.support.clone();
            if let Some(criterion) = &line.criterion {
                head.push_str(" — ");
                head.push_str(criterion);
            }
            let mut y = lines(
                &mut b,
                LEFT + 3.0,
                0.5,
                BODY,
                Weight::Bold,
                INK,
                &w.wrap(&format!("• {head}"), BODY, Weight::Bold, WIDTH - 3.0),
            );
            let mut detail = Vec::new();
            if let Some(points) = line.target_points {
                detail.push(
                    w.labels
                        .fmt("receipt_plan_target", &[("points", &points.to_string())]),
                );
            }
            if let Some(due) = &line.due {
                detail.push(
                    w.labels
                        .fmt("receipt_plan_due", &[("date", &w.labels.date(due))]),
                );
            }
            detail.push(line.owner.clone());
            y = lines(
                &mut b,
                LEFT + 6.0,
                y,
                SMALL + 0.5,
                Weight::Regular,
                MUTED,
                &w.wrap(
                    &detail.join(" · "),
                    SMALL + 0.5,
                    Weight::Regular,
                    WIDTH - 6.0,
                ),
            );
            b.height = y + 1.0;
            w.place(b);
        }
    }

    w.gap(2.0);
    let block = heading(&w, &w.labels.get("receipt_contact"));
    w.place(block);
    let mut b = Block::default();
    let mut y = 0.5;
    for person in s.assessors.iter().take(1) {
        let detail = [
            Some(person.name.clone()),
            person.title.clone(),
            person.unit.clone(),
            person.contact.clone(),
        ]
        .into_iter()
        .flatten()
        .filter(|t| !t.trim().is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
        y = lines(
            &mut b,
            LEFT,
            y,
            BODY,
            Weight::Regular,
            INK,
            &w.wrap(&detail, BODY, Weight::Regular, WIDTH),
        );
    }
    y = lines(
        &mut b,
        LEFT,
        y + 1.0,
        SMALL,
        Weight::Regular,
        MUTED,
        &w.wrap(&w.labels.get("receipt_keep"), SMALL, Weight::Regular, WIDTH),
    );
    b.height = y + 1.0;
    w.place(b);
    let title = format!("{} – {}", w.labels.get("receipt_title"), s.product.name);
    w.finish(&title, &dated(s))
}

/// The council's sheet.
pub fn council(s: &Filled, fonts: &Fonts) -> Result<Vec<u8>, SheetError> {
    let Some(council) = &s.council else {
        return Err(SheetError::Invalid(format!(
            "assessment {} was scored by one assessor, not a council",
            s.trace.assessment_id
        )));
    };
    let result = &council.result;
    let mut w = writer_for(s, fonts)?;
    let words = Words {
        lang: s.lang.code(),
        fallback: &s.set.language,
    };
    let set_name = words.of(&s.set.name).to_string();
    let prog = programme(&s.set.programme);
    let title = if prog.is_empty() {
        w.labels.get("council_title")
    } else {
        format!("{} · {prog}", w.labels.get("council_title"))
    };
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
    let block = title_block(
        &w,
        &title,
        &set_line,
        Some((&status, draft)),
        &crate::trace_code(&s.trace),
    )?;
    w.place(block);
    let block = facts(&w, &fact_rows(&w, s));
    w.place(block);

    // Parts by member, the average on the right.
    w.gap(2.0);
    let block = heading(&w, &w.labels.get("council_totals"));
    w.place(block);
    let names: Vec<String> = result.members.iter().map(|m| m.member.clone()).collect();
    let first_col = 46.0;
    let col_w = ((WIDTH - first_col) / (names.len() as f32 + 1.0)).min(34.0);
    let mut header = Block::default();
    let mut head_h: f32 = 0.0;
    for (i, name) in names
        .iter()
        .chain(std::iter::once(&w.labels.get("council_average")))
        .enumerate()
    {
        let x = LEFT + first_col + i as f32 * col_w;
        let end = lines(
            &mut header,
            x,
            0.5,
            SMALL,
            Weight::Bold,
            if i == names.len() { ACCENT } else { INK },
            &w.wrap(name, SMALL, Weight::Bold, col_w - 2.0),
        );
        head_h = head_h.max(end);
    }
    header.items.push(Item::Line {
        x1: LEFT,
        x2: RIGHT,
        dy: head_h + 0.8,
        width: 0.5,
        ink: RULE,
    });
    header.height = head_h + 1.5;
    w.place(header);
    let mut rows: Vec<(String, Vec<String>, String)> = Vec::new();
    for part in &result.parts {
        let name = s
            .set
            .parts
            .iter()
            .find(|p| p.code == part.code)
            .map(|p| words.of(&p.name))
            .unwrap_or("");
        let by_member = result
            .members
            .iter()
            .map(|m| {
                m.result
                    .parts
                    .iter()
                    .find(|p| p.code == part.code)
                    .map(|p| p.points.to_string())
                    .unwrap_or_default()
            })
            .collect();
        rows.push((
            format!("{} {name}", part.code),
            by_member,
            w.labels.decimal(part.average),
        ));
    }
    rows.push((
        w.labels.get("total"),
        result
            .members
            .iter()
            .map(|m| format!("{} / {}", m.result.total, m.result.max_total))
            .collect(),
        format!(
            "{} / {}",
            w.labels.decimal(result.average),
            result.max_total
        ),
    ));
    let last = rows.len() - 1;
    for (r, (label, values, average)) in rows.into_iter().enumerate() {
        let mut b = Block::default();
        let weight = if r == last {
            Weight::Bold
        } else {
            Weight::Regular
        };
        let end = lines(
            &mut b,
            LEFT,
            0.5,
            BODY,
            weight,
            INK,
            &w.wrap(&label, BODY, weight, first_col - 2.0),
        );
        for (i, value) in values.iter().chain(std::iter::once(&average)).enumerate() {
            let x = LEFT + first_col + i as f32 * col_w;
            b.text(
                x,
                0.5 + leading(BODY) * 0.78,
                BODY,
                if i == values.len() {
                    Weight::Bold
                } else {
                    weight
                },
                if i == values.len() { ACCENT } else { INK },
                value.clone(),
            );
        }
        b.items.push(Item::Line {
            x1: LEFT,
            x2: RIGHT,
            dy: end + 0.5,
            width: 0.3,
            ink: RULE,
        });
        b.height = end + 1.2;
        w.place(b);
    }
    // The official verdict: the average after the set's rounding rule, the star only when final.
    let block = result_block(
        &w,
        format!(
            "{} / {}",
            w.labels.decimal(s.verdict.total),
            s.verdict.max_total
        ),
        s.verdict.star_by_score,
        s.verdict.star,
    );
    w.place(block);

    // The divergence check, who is apart, and on which criteria.
    w.gap(2.0);
    let block = heading(&w, &w.labels.get("council_divergence"));
    w.place(block);
    let mut b = Block::default();
    let divergence = &result.divergence;
    let verdict = match divergence.max_allowed {
        None => w.labels.fmt(
            "council_spread_unlimited",
            &[("spread", &divergence.spread.to_string())],
        ),
        Some(max) if divergence.exceeded => w.labels.fmt(
            "council_spread_exceeded",
            &[
                ("spread", &divergence.spread.to_string()),
                ("max", &max.to_string()),
            ],
        ),
        Some(max) => w.labels.fmt(
            "council_spread_ok",
            &[
                ("spread", &divergence.spread.to_string()),
                ("max", &max.to_string()),
            ],
        ),
    };
    let mut y = lines(
        &mut b,
        LEFT,
        0.5,
        BODY,
        Weight::Bold,
        if divergence.exceeded { DANGER } else { ACCENT },
        &w.wrap(&verdict, BODY, Weight::Bold, WIDTH),
    );
    for pair in &divergence.pairs {
        let text = w.labels.fmt(
            "council_pair",
            &[
                ("high", &pair.high),
                ("low", &pair.low),
                ("difference", &pair.difference.to_string()),
            ],
        );
        y = lines(
            &mut b,
            LEFT + 3.0,
            y,
            SMALL + 0.5,
            Weight::Regular,
            INK,
            &w.wrap(
                &format!("• {text}"),
                SMALL + 0.5,
                Weight::Regular,
                WIDTH - 3.0,
            ),
        );
    }
    b.height = y + 1.0;
    w.place(b);
    let spread: Vec<_> = divergence
        .criteria
        .iter()
        .filter(|c| c.spread > 0)
        .take(10)
        .collect();
    if !spread.is_empty() {
        let mut b = Block::default();
        let mut y = lines(
            &mut b,
            LEFT,
            1.0,
            SMALL,
            Weight::Bold,
            MUTED,
            &[w.labels.get("council_criteria")],
        );
        for criterion in spread {
            let title = s
                .set
                .criteria()
                .find(|c| c.code == criterion.code)
                .map(|c| words.of(&c.text))
                .unwrap_or("");
            let points = criterion
                .points
                .iter()
                .map(|p| p.map(|p| p.to_string()).unwrap_or_else(|| "—".into()))
                .collect::<Vec<_>>()
                .join(" · ");
            let text = format!(
                "{} {title}: {points} ({})",
                criterion.code,
                w.labels.fmt(
                    "council_apart",
                    &[("spread", &criterion.spread.to_string())]
                )
            );
            y = lines(
                &mut b,
                LEFT + 3.0,
                y,
                SMALL + 0.5,
                Weight::Regular,
                INK,
                &w.wrap(&text, SMALL + 0.5, Weight::Regular, WIDTH - 3.0),
            );
        }
        b.height = y + 1.0;
        w.place(b);
    }

    w.gap(3.0);
    let block = signatures(
        &w,
        &council.members,
        None,
        s.visit.place.as_deref(),
        s.visit.date.as_deref(),
    );
    w.place(block);
    let title = format!("{} – {}", w.labels.get("council_title"), s.product.name);
    w.finish(&title, &dated(s))
}
