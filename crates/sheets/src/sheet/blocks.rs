//! The blocks every document about an assessment is built from: the title block with the QR
//! code, lines of text, the facts table, headings, a part's bar, a section's head, stars and the
//! signature lines.

use qrcode::{EcLevel, QrCode};

use crate::canvas::{leading, Weight, ACCENT, DANGER, INK, MUTED, RULE, WHITE};
use crate::writer::{Block, Item, Writer, LEFT, RIGHT, WIDTH};
use crate::SheetError;

use super::{BODY, CODE_W, SMALL};

/// The dark and light modules of `text`'s QR code, row by row.
pub(crate) fn qr_modules(text: &str) -> Result<Vec<Vec<bool>>, SheetError> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|e| SheetError::Invalid(format!("the QR code cannot hold {text:?}: {e}")))?;
    let width = code.width();
    let colors = code.to_colors();
    Ok(colors
        .chunks(width)
        .map(|row| row.iter().map(|c| *c == qrcode::Color::Dark).collect())
        .collect())
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

pub(crate) fn part_bar(w: &Writer, label: &str, figure: &str) -> Block {
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
pub(crate) fn section_head(w: &Writer, b: &mut Block, code: &str, name: &str) {
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

/// A star class as the sheets print it: `n` drawn stars of five ending at the right margin,
/// with the number before them, so a faded copy and a text search both read it.
pub(crate) fn rated(b: &mut Block, w: &Writer, text_dy: f32, star_dy: f32, n: u8) {
    let x = RIGHT - 27.0;
    stars(b, x, star_dy, n);
    let digit = n.to_string();
    let tw = w.width(&digit, BODY, Weight::Bold);
    b.text(x - 1.5 - tw, text_dy, BODY, Weight::Bold, INK, digit);
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

pub(crate) fn signatures(
    w: &Writer,
    assessors: &[crate::model::Person],
    producer: Option<&str>,
    place: Option<&str>,
    date: Option<&str>,
) -> Block {
    let captioned: Vec<(String, &crate::model::Person)> = assessors
        .iter()
        .map(|a| (w.labels.get("assessor"), a))
        .collect();
    signatures_captioned(w, &captioned, producer, place, date)
}

/// [`signatures`] with each signer's caption above the line (the chair, a member).
pub(crate) fn signatures_captioned(
    w: &Writer,
    assessors: &[(String, &crate::model::Person)],
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
        .map(|(caption, a)| {
            let detail = [a.title.clone(), a.unit.clone()]
                .into_iter()
                .flatten()
                .filter(|t| !t.trim().is_empty())
                .collect();
            (
                caption.clone(),
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
