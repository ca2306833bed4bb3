//! The minutes of a council's session (*berita acara*, *biên bản*): the round and level, who
//! sat and whether they made the quorum, each product's members' totals with the average, the
//! divergence check and the result, the products proposed to the next level, and a signature
//! line per member present. The QR code names the session and every record it covers.

use sha2::{Digest, Sha256};

use crate::canvas::{leading, Weight, ACCENT, DANGER, INK, MUTED, RULE};
use crate::fonts::Fonts;
use crate::labels::Labels;
use crate::model::{Minutes, MinutesProduct};
use crate::sheet::{facts, heading, lines, signatures_captioned, title_block};
use crate::writer::{Block, Item, Writer, LEFT, RIGHT, WIDTH};
use crate::SheetError;

/// A colour as the canvas takes it.
type Ink = (f32, f32, f32);

const BODY: f32 = 9.0;
const SMALL: f32 = 8.0;

/// The text of the minutes' QR code:
/// `OVOP:M:<round>:<level>:<date>:<products>:<digest>`, the digest the first 16 hex digits of
/// the SHA-256 of each record's `id:revision:content hash`, one per line, in the minutes' order.
pub fn minutes_code(m: &Minutes) -> String {
    let mut hasher = Sha256::new();
    for p in &m.products {
        hasher.update(format!(
            "{}:{}:{}\n",
            p.trace.assessment_id, p.trace.revision, p.trace.content_hash
        ));
    }
    let digest: String = hasher
        .finalize()
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect();
    format!(
        "OVOP:M:{}:{}:{}:{}:{digest}",
        m.round,
        m.level,
        m.date,
        m.products.len()
    )
}

/// One row of a table: each cell wrapped in its column, a rule under it.
fn row(
    w: &Writer,
    columns: &[(f32, f32)],
    cells: &[(String, Weight, Ink)],
    size: f32,
    rule: f32,
) -> Block {
    let mut b = Block::default();
    let mut end: f32 = 0.0;
    for ((x, width), (text, weight, ink)) in columns.iter().zip(cells) {
        let wrapped = w.wrap(text, size, *weight, width - 1.5);
        end = end.max(lines(&mut b, *x, 0.6, size, *weight, *ink, &wrapped));
    }
    b.items.push(Item::Line {
        x1: LEFT,
        x2: RIGHT,
        dy: end + 0.6,
        width: rule,
        ink: RULE,
    });
    b.height = end + 1.3;
    b
}

fn quorum_text(labels: &Labels, m: &Minutes) -> (String, bool) {
    // Each product scored by one assessor: no council sat, no quorum applies.
    if m.products.iter().all(|p| p.totals.len() <= 1) {
        return (labels.get("minutes_quorum_single"), true);
    }
    let Some(q) = m.quorum else {
        return (labels.get("minutes_quorum_unrecorded"), false);
    };
    let counted = labels.fmt(
        "minutes_quorum_count",
        &[
            ("present", &q.present.to_string()),
            ("appointed", &q.appointed.to_string()),
            ("required", &q.required.to_string()),
        ],
    );
    let chair = if q.chair_present {
        labels.get("minutes_chair_present")
    } else {
        labels.get("minutes_chair_absent")
    };
    let verdict = if q.met {
        labels.get("minutes_quorum_met")
    } else {
        labels.get("minutes_quorum_short")
    };
    (format!("{counted}; {chair} — {verdict}"), q.met)
}

fn star_text(labels: &Labels, star: Option<u8>) -> String {
    match star {
        Some(n) => labels.fmt("minutes_stars", &[("n", &n.to_string())]),
        None => labels.get("no_star"),
    }
}

/// The minutes as a PDF.
pub fn minutes(m: &Minutes, fonts: &Fonts) -> Result<Vec<u8>, SheetError> {
    if m.products.is_empty() {
        return Err(SheetError::Invalid(
            "minutes need at least one final assessment of the session".into(),
        ));
    }
    let labels = Labels::new(m.lang);
    let code = minutes_code(m);
    let running = format!(
        "{} · {} · {}",
        labels.get("minutes_title"),
        m.round_words,
        m.level_words
    );
    let trace = format!("OVOP Field · {}", code);
    let mut w = Writer::new(fonts, labels, running, trace)?;
    let l = |w: &Writer, k: &str| w.labels.get(k);

    let title = if m.programme.is_empty() {
        l(&w, "minutes_title")
    } else {
        format!("{} · {}", l(&w, "minutes_title"), m.programme)
    };
    let subtitle = format!("{} · {}", m.round_words, m.level_words);
    let block = title_block(&w, &title, &subtitle, None, &code)?;
    w.place(block);

    let place = m.place.clone().unwrap_or_default();
    let present = m.members.iter().filter(|p| p.present).count();
    let (quorum, met) = quorum_text(&w.labels, m);
    let rows = vec![
        (l(&w, "round"), m.round_words.clone()),
        (l(&w, "minutes_level"), m.level_words.clone()),
        (l(&w, "date"), w.labels.date(&m.date)),
        (l(&w, "place"), place.clone()),
        (
            l(&w, "minutes_members_present"),
            format!("{present} / {}", m.members.len()),
        ),
        (l(&w, "minutes_products"), m.products.len().to_string()),
    ];
    let block = facts(&w, &rows);
    w.place(block);
    let opening = w.labels.fmt(
        "minutes_opening",
        &[
            ("date", &w.labels.date(&m.date)),
            ("place", if place.is_empty() { "—" } else { &place }),
            ("round", &m.round_words),
            ("level", &m.level_words),
            ("n", &m.products.len().to_string()),
        ],
    );
    let mut b = Block::default();
    let end = lines(
        &mut b,
        LEFT,
        0.5,
        BODY,
        Weight::Regular,
        INK,
        &w.wrap(&opening, BODY, Weight::Regular, WIDTH),
    );
    b.height = end + 1.5;
    w.place(b);

    // The council: each member, their role, present or absent; then the quorum.
    w.gap(1.5);
    let block = heading(&w, &l(&w, "minutes_council"));
    w.place(block);
    let columns = [
        (LEFT, 8.0),
        (LEFT + 8.0, 58.0),
        (LEFT + 66.0, 62.0),
        (LEFT + 128.0, 30.0),
        (LEFT + 158.0, WIDTH - 158.0),
    ];
    let head = |k: &str| (l(&w, k), Weight::Bold, MUTED);
    let block = row(
        &w,
        &columns,
        &[
            ("№".into(), Weight::Bold, MUTED),
            head("minutes_name"),
            head("minutes_title_unit"),
            head("minutes_role"),
            head("minutes_attendance"),
        ],
        SMALL,
        0.5,
    );
    w.place(block);
    for (i, member) in m.members.iter().enumerate() {
        let detail = [member.person.title.clone(), member.person.unit.clone()]
            .into_iter()
            .flatten()
            .filter(|t| !t.trim().is_empty())
            .collect::<Vec<_>>()
            .join(", ");
        let mut role = member.role.clone().unwrap_or_default();
        if member.chair {
            let chair = l(&w, "minutes_chair");
            // A role that only says "chair" again is not repeated ("Ketua (ketua)").
            role = if role.trim().is_empty() || role.trim().to_lowercase() == chair.to_lowercase() {
                chair
            } else {
                format!("{} ({role})", l(&w, "minutes_chair"))
            };
        }
        let (attendance, ink) = if member.present {
            (l(&w, "minutes_present"), INK)
        } else {
            (l(&w, "minutes_absent"), DANGER)
        };
        let block = row(
            &w,
            &columns,
            &[
                ((i + 1).to_string(), Weight::Regular, INK),
                (member.person.name.clone(), Weight::Bold, INK),
                (detail, Weight::Regular, INK),
                (role, Weight::Regular, INK),
                (attendance, Weight::Bold, ink),
            ],
            BODY,
            0.3,
        );
        w.place(block);
    }
    let mut b = Block::default();
    let end = lines(
        &mut b,
        LEFT,
        1.0,
        BODY,
        Weight::Bold,
        if met { ACCENT } else { DANGER },
        &w.wrap(
            &format!("{}: {quorum}", l(&w, "minutes_quorum")),
            BODY,
            Weight::Bold,
            WIDTH,
        ),
    );
    b.height = end + 1.5;
    w.place(b);

    // The results: a row per product, a column per member present, the average, the check and
    // the verdict.
    w.gap(1.5);
    let block = heading(&w, &l(&w, "minutes_results"));
    w.place(block);
    let names: Vec<String> = m
        .members
        .iter()
        .filter(|p| p.present)
        .map(|p| p.person.name.clone())
        .collect();
    let first = 52.0;
    let tail = [22.0, 24.0, 18.0];
    let member_w =
        ((WIDTH - first - tail.iter().sum::<f32>()) / names.len().max(1) as f32).clamp(8.0, 24.0);
    let mut columns = vec![(LEFT, first)];
    let mut x = LEFT + first;
    for _ in &names {
        columns.push((x, member_w));
        x += member_w;
    }
    for width in tail {
        columns.push((x, width));
        x += width;
    }
    let mut header: Vec<(String, Weight, Ink)> =
        vec![(l(&w, "minutes_product"), Weight::Bold, MUTED)];
    header.extend(names.iter().map(|n| (n.clone(), Weight::Bold, MUTED)));
    header.extend([
        (l(&w, "council_average"), Weight::Bold, ACCENT),
        (l(&w, "minutes_spread"), Weight::Bold, MUTED),
        (l(&w, "minutes_result"), Weight::Bold, ACCENT),
    ]);
    let block = row(&w, &columns, &header, SMALL, 0.5);
    w.place(block);
    for p in &m.products {
        let block = product_row(&w, &columns, &names, p);
        w.place(block);
    }

    // What goes up a level.
    w.gap(1.5);
    let block = heading(&w, &l(&w, "minutes_proposed"));
    w.place(block);
    let proposed: Vec<&MinutesProduct> = m
        .products
        .iter()
        .filter(|p| p.proposed_to.is_some())
        .collect();
    let mut b = Block::default();
    let mut y = 0.5;
    if proposed.is_empty() {
        y = lines(
            &mut b,
            LEFT,
            y,
            BODY,
            Weight::Regular,
            MUTED,
            &[l(&w, "minutes_none_proposed")],
        );
    }
    for p in &proposed {
        let text = w.labels.fmt(
            "minutes_proposed_line",
            &[
                ("product", &p.product),
                ("producer", &p.producer),
                ("stars", &star_text(&w.labels, p.verdict.star)),
                ("level", p.proposed_to.as_deref().unwrap_or_default()),
            ],
        );
        y = lines(
            &mut b,
            LEFT,
            y,
            BODY,
            Weight::Regular,
            INK,
            &w.wrap(&format!("• {text}"), BODY, Weight::Regular, WIDTH),
        );
    }
    b.height = y + 1.5;
    w.place(b);

    // A signature line per member present.
    w.gap(2.0);
    let people: Vec<(String, &crate::model::Person)> = m
        .members
        .iter()
        .filter(|p| p.present)
        .map(|p| {
            let caption = if p.chair {
                "minutes_chair"
            } else {
                "minutes_member"
            };
            (l(&w, caption), &p.person)
        })
        .collect();
    let block = signatures_captioned(&w, &people, None, m.place.as_deref(), Some(&m.date));
    w.place(block);
    let title = format!(
        "{} – {} – {}",
        l(&w, "minutes_title"),
        m.round_words,
        m.level_words
    );
    w.finish(&title, &m.dated)
}

fn product_row(w: &Writer, columns: &[(f32, f32)], names: &[String], p: &MinutesProduct) -> Block {
    let mut cells: Vec<(String, Weight, Ink)> = vec![(
        format!("{}\n{}", p.product, p.producer),
        Weight::Regular,
        INK,
    )];
    for name in names {
        let total = p
            .totals
            .iter()
            .find(|(member, _)| member == name)
            .map_or("—".to_string(), |(_, t)| t.to_string());
        cells.push((total, Weight::Regular, INK));
    }
    cells.push((
        format!("{} / {}", w.labels.decimal(p.average), p.max_total),
        Weight::Bold,
        ACCENT,
    ));
    let spread = match p.max_spread {
        Some(max) if p.exceeded => w.labels.fmt(
            "minutes_spread_exceeded",
            &[("spread", &p.spread.to_string()), ("max", &max.to_string())],
        ),
        Some(max) => w.labels.fmt(
            "minutes_spread_ok",
            &[("spread", &p.spread.to_string()), ("max", &max.to_string())],
        ),
        None => p.spread.to_string(),
    };
    cells.push((
        spread,
        Weight::Regular,
        if p.exceeded { DANGER } else { INK },
    ));
    let mut result = format!(
        "{} · {}",
        w.labels.decimal(p.verdict.total),
        star_text(&w.labels, p.verdict.star)
    );
    if let Some(level) = &p.proposed_to {
        let to = w.labels.fmt("minutes_to_level", &[("level", level)]);
        result = format!("{result}\n{to}");
    }
    cells.push((result, Weight::Bold, ACCENT));
    // The product's name and producer on two lines: wrap each line on its own.
    let mut b = Block::default();
    let mut end: f32 = 0.0;
    for ((x, width), (text, weight, ink)) in columns.iter().zip(&cells) {
        let mut wrapped = Vec::new();
        for (i, line) in text.split('\n').enumerate() {
            let weight = if i == 0 && *x == LEFT {
                Weight::Bold
            } else {
                *weight
            };
            wrapped.extend(
                w.wrap(line, BODY, weight, width - 1.5)
                    .into_iter()
                    .map(|l| (l, weight)),
            );
        }
        let mut y = 0.6;
        for (line, weight) in wrapped {
            b.text(*x, y + leading(BODY) * 0.78, BODY, weight, *ink, line);
            y += leading(BODY);
        }
        end = end.max(y);
    }
    b.items.push(Item::Line {
        x1: LEFT,
        x2: RIGHT,
        dy: end + 0.6,
        width: 0.3,
        ink: RULE,
    });
    b.height = end + 1.3;
    b
}
