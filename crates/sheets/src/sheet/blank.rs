//! The blank sheet: every criterion with a box per level to tick, to fill in by hand.

use crate::canvas::{leading, Weight, ACCENT, GREY_FILL, INK, MUTED, RULE};
use crate::fonts::Fonts;
use crate::labels::Labels;
use crate::model::Blank;
use crate::writer::{Block, Item, Writer, LEFT, RIGHT, WIDTH};
use crate::SheetError;

use super::blocks::{
    facts, heading, lines, part_bar, section_head, signatures, stars, title_block,
};
use super::criterion::{criterion_block, stands_alone, Mark};
use super::{programme, short, Words, BODY, CODE_W, SMALL};

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
