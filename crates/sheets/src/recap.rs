//! The office's recap for reporting upward (*rekap program*, *báo cáo tổng hợp*): for a region
//! and a period, the products by star per regency with the year before and the targets, a bar
//! chart of stars per regency, the products by product set, the coaching actions open and
//! overdue, each officer's work, and the overdue actions. Every figure is the server's
//! ([`Recap`]); this only lays them out. The QR code names the region, the period and a digest
//! of the figures, so a printed recap can be matched to the one on the dashboard.

use ovop_protocol::recap::{total, ActionCount, Recap, RegencyStars};
use sha2::{Digest, Sha256};

use crate::canvas::{leading, Weight, DANGER, INK, MUTED, RULE};
use crate::fonts::Fonts;
use crate::labels::Labels;
use crate::model::Lang;
use crate::sheet::{facts, heading, lines, title_block};
use crate::writer::{Block, Item, Writer, LEFT, RIGHT, WIDTH};
use crate::SheetError;

type Ink = (f32, f32, f32);

const BODY: f32 = 8.5;

/// The shades of the chart's stars, from none to five.
const SHADES: [Ink; 6] = [
    (0.80, 0.82, 0.81),
    (0.93, 0.83, 0.62),
    (0.90, 0.72, 0.38),
    (0.87, 0.60, 0.18),
    (0.62, 0.56, 0.20),
    (0.12, 0.44, 0.31),
];

/// The text of the recap's QR code: `OVOP:R:<region or *>:<from>:<to>:<digest>`, the digest the
/// first 16 hex digits of the SHA-256 of the recap's figures as JSON.
pub fn recap_code(r: &Recap) -> String {
    let figures = serde_json::to_vec(&(
        &r.regencies,
        &r.sets,
        &r.actions_by_officer,
        &r.actions_by_regency,
        &r.actions_by_support,
        &r.officers,
    ))
    .unwrap_or_default();
    let digest: String = Sha256::digest(&figures)
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect();
    format!(
        "OVOP:R:{}:{}:{}:{digest}",
        r.region.as_deref().unwrap_or("*"),
        r.from,
        r.to
    )
}

/// One table row: each cell wrapped in its column (numbers right-aligned), a rule under it.
fn row(w: &Writer, columns: &[(f32, f32, bool)], cells: &[(String, Weight, Ink)]) -> Block {
    let mut b = Block::default();
    let mut end: f32 = 0.0;
    for ((x, width, number), (text, weight, ink)) in columns.iter().zip(cells) {
        if *number {
            // Right-aligned, line by line (a heading may take two).
            let wrapped = w.wrap(text, BODY, *weight, width - 2.5);
            let mut dy = 0.6;
            for line in &wrapped {
                let tw = w.width(line, BODY, *weight);
                b.text(
                    x + width - 1.5 - tw,
                    dy + leading(BODY) * 0.78,
                    BODY,
                    *weight,
                    *ink,
                    line.clone(),
                );
                dy += leading(BODY);
            }
            end = end.max(dy);
        } else {
            let wrapped = w.wrap(text, BODY, *weight, width - 1.5);
            end = end.max(lines(&mut b, *x, 0.6, BODY, *weight, *ink, &wrapped));
        }
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

fn table(w: &mut Writer, columns: &[(f32, f32, bool)], head: &[String], rows: Vec<Vec<String>>) {
    let cells: Vec<(String, Weight, Ink)> = head
        .iter()
        .map(|h| (h.clone(), Weight::Bold, MUTED))
        .collect();
    let block = row(w, columns, &cells);
    w.place(block);
    for cells in rows {
        let cells: Vec<(String, Weight, Ink)> = cells
            .into_iter()
            .map(|c| (c, Weight::Regular, INK))
            .collect();
        let block = row(w, columns, &cells);
        w.place(block);
    }
}

/// Columns: a name `first` wide, then `n` equal number columns over the rest.
fn columns(first: f32, n: usize) -> Vec<(f32, f32, bool)> {
    let each = (WIDTH - first) / n as f32;
    let mut out = vec![(LEFT, first, false)];
    for i in 0..n {
        out.push((LEFT + first + each * i as f32, each, true));
    }
    out
}

/// A star cell: the count, and the target beside it when the office set one.
fn star_cell(r: &RegencyStars, star: usize) -> String {
    match r.target[star] {
        Some(target) => format!("{} / {target}", r.now[star]),
        None => r.now[star].to_string(),
    }
}

fn star_heads(l: &Labels) -> Vec<String> {
    let mut heads = vec![l.get("recap_no_star")];
    heads.extend((1..=5).map(|n| l.fmt("recap_star_n", &[("n", &n.to_string())])));
    heads
}

/// The chart: one stacked bar per regency, a segment per star class, scaled to the largest.
fn chart(w: &Writer, l: &Labels, regencies: &[RegencyStars]) -> Block {
    let mut b = Block::default();
    let label_w = 52.0;
    let bar_x = LEFT + label_w;
    let bar_w = WIDTH - label_w - 14.0;
    let most = regencies
        .iter()
        .map(|r| total(&r.now))
        .max()
        .unwrap_or(0)
        .max(1) as f32;
    let mut y = 1.0;
    for r in regencies {
        let name = w.wrap(&r.name, BODY, Weight::Regular, label_w - 2.0);
        b.text(
            LEFT,
            y + 3.6,
            BODY,
            Weight::Regular,
            INK,
            name.first().cloned().unwrap_or_default(),
        );
        let mut x = bar_x;
        for (star, count) in r.now.iter().enumerate() {
            if *count == 0 {
                continue;
            }
            let seg = bar_w * *count as f32 / most;
            b.items.push(Item::Rect {
                x,
                dy: y,
                w: seg,
                h: 5.0,
                fill: Some(SHADES[star]),
                stroke: Some(((1.0, 1.0, 1.0), 0.3)),
            });
            x += seg;
        }
        let figure = total(&r.now).to_string();
        b.text(x + 1.5, y + 3.6, BODY, Weight::Bold, INK, figure);
        y += 7.0;
    }
    // The legend.
    let mut x = bar_x;
    for (star, shade) in SHADES.iter().enumerate() {
        b.items.push(Item::Rect {
            x,
            dy: y + 1.0,
            w: 3.5,
            h: 3.5,
            fill: Some(*shade),
            stroke: None,
        });
        let text = if star == 0 {
            l.get("recap_no_star")
        } else {
            l.fmt("recap_star_n", &[("n", &star.to_string())])
        };
        b.text(x + 4.5, y + 4.0, 7.5, Weight::Regular, MUTED, text.clone());
        x += 6.0 + w.width(&text, 7.5, Weight::Regular) + 4.0;
    }
    b.height = y + 7.0;
    b
}

fn counts_rows(list: &[ActionCount], label: impl Fn(&ActionCount) -> String) -> Vec<Vec<String>> {
    list.iter()
        .map(|c| vec![label(c), c.open.to_string(), c.overdue.to_string()])
        .collect()
}

/// A note in muted words.
fn note(w: &Writer, text: &str) -> Block {
    let mut b = Block::default();
    let end = lines(
        &mut b,
        LEFT,
        0.5,
        BODY,
        Weight::Regular,
        MUTED,
        &w.wrap(text, BODY, Weight::Regular, WIDTH),
    );
    b.height = end + 1.0;
    b
}

/// The recap as a PDF, in `lang`.
pub fn recap(r: &Recap, lang: Lang, fonts: &Fonts) -> Result<Vec<u8>, SheetError> {
    let labels = Labels::new(lang);
    let code = recap_code(r);
    let region = if r.region_name.is_empty() {
        labels.get("recap_all_regions")
    } else {
        r.region_name.clone()
    };
    let period = format!("{} – {}", labels.date(&r.from), labels.date(&r.to));
    let running = format!("{} · {region} · {period}", labels.get("recap_title"));
    let mut w = Writer::new(fonts, labels, running, format!("OVOP Field · {code}"))?;
    let l = |w: &Writer, k: &str| w.labels.get(k);

    let title = l(&w, "recap_title");
    let block = title_block(&w, &title, &format!("{region} · {period}"), None, &code)?;
    w.place(block);
    let before = format!(
        "{} – {}",
        w.labels.date(&r.before_from),
        w.labels.date(&r.before_to)
    );
    let rows = vec![
        (l(&w, "recap_region"), region.clone()),
        (l(&w, "recap_period"), period.clone()),
        (l(&w, "recap_before"), before),
        (l(&w, "recap_targets_of"), r.target_year.to_string()),
        (
            l(&w, "recap_made"),
            format!("{} · {}", w.labels.date(&r.generated_at), r.generated_by),
        ),
    ];
    let block = facts(&w, &rows);
    w.place(block);
    let block = note(&w, &l(&w, "recap_how"));
    w.place(block);

    // Products by star per regency, with the targets; then the chart.
    w.gap(1.5);
    let block = heading(&w, &l(&w, "recap_stars"));
    w.place(block);
    let cols = columns(50.0, 8);
    let mut head = vec![l(&w, "recap_regency")];
    head.extend(star_heads(&w.labels));
    head.push(l(&w, "recap_total"));
    head.push(l(&w, "recap_total_before"));
    let mut rows: Vec<Vec<String>> = r
        .regencies
        .iter()
        .map(|g| {
            let mut cells = vec![g.name.clone()];
            cells.extend((0..6).map(|s| star_cell(g, s)));
            cells.push(total(&g.now).to_string());
            cells.push(total(&g.before).to_string());
            cells
        })
        .collect();
    if r.regencies.len() > 1 {
        let mut sum = vec![l(&w, "recap_sum")];
        for s in 0..6 {
            sum.push(
                r.regencies
                    .iter()
                    .map(|g| g.now[s])
                    .sum::<u32>()
                    .to_string(),
            );
        }
        sum.push(
            r.regencies
                .iter()
                .map(|g| total(&g.now))
                .sum::<u32>()
                .to_string(),
        );
        sum.push(
            r.regencies
                .iter()
                .map(|g| total(&g.before))
                .sum::<u32>()
                .to_string(),
        );
        rows.push(sum);
    }
    if rows.is_empty() {
        let block = note(&w, &l(&w, "recap_none"));
        w.place(block);
    } else {
        table(&mut w, &cols, &head, rows);
        let block = note(&w, &l(&w, "recap_target_note"));
        w.place(block);
        w.gap(2.0);
        let block = heading(&w, &l(&w, "recap_chart"));
        w.place(block);
        let block = chart(&w, &w.labels, &r.regencies);
        w.place(block);
    }

    // By product set.
    if !r.sets.is_empty() {
        w.gap(1.5);
        let block = heading(&w, &l(&w, "recap_sets"));
        w.place(block);
        let cols = columns(62.0, 7);
        let mut head = vec![l(&w, "recap_set")];
        head.extend(star_heads(&w.labels));
        head.push(l(&w, "recap_total"));
        let rows = r
            .sets
            .iter()
            .map(|s| {
                let mut cells = vec![s.product_set.clone()];
                cells.extend(s.now.iter().map(u32::to_string));
                cells.push(total(&s.now).to_string());
                cells
            })
            .collect();
        table(&mut w, &cols, &head, rows);
    }

    // Coaching: open and overdue actions.
    w.gap(1.5);
    let block = heading(&w, &l(&w, "recap_coaching"));
    w.place(block);
    let cols = columns(110.0, 2);
    let lang_of = lang;
    for (title, list, support) in [
        (l(&w, "recap_by_support"), &r.actions_by_support, true),
        (l(&w, "recap_by_regency"), &r.actions_by_regency, false),
        (l(&w, "recap_by_officer"), &r.actions_by_officer, false),
    ] {
        let head = vec![title, l(&w, "recap_open"), l(&w, "recap_overdue")];
        let rows = counts_rows(list, |c| {
            if support {
                crate::coaching_word(lang_of, "support", &c.key)
            } else {
                c.label.clone()
            }
        });
        if rows.is_empty() {
            let block = note(&w, &format!("{}: {}", head[0], l(&w, "recap_no_actions")));
            w.place(block);
        } else {
            table(&mut w, &cols, &head, rows);
            w.gap(1.0);
        }
    }

    // Officers.
    w.gap(1.5);
    let block = heading(&w, &l(&w, "recap_officers"));
    w.place(block);
    let each = (WIDTH - 86.0) / 4.0;
    let mut cols = vec![(LEFT, 50.0, false), (LEFT + 50.0, 36.0, false)];
    cols.extend((0..4).map(|i| (LEFT + 86.0 + each * i as f32, each, true)));
    let head = vec![
        l(&w, "recap_officer"),
        l(&w, "recap_last_sync"),
        l(&w, "recap_assessments"),
        l(&w, "recap_visits"),
        l(&w, "recap_open"),
        l(&w, "recap_overdue"),
    ];
    let rows = r
        .officers
        .iter()
        .map(|o| {
            vec![
                o.display_name.clone(),
                o.last_sync
                    .as_deref()
                    .map_or_else(|| l(&w, "recap_never"), |d| w.labels.date(d)),
                o.assessments.to_string(),
                o.visits.to_string(),
                o.open_actions.to_string(),
                o.overdue_actions.to_string(),
            ]
        })
        .collect();
    table(&mut w, &cols, &head, rows);

    // The overdue actions.
    w.gap(1.5);
    let block = heading(&w, &l(&w, "recap_overdue_list"));
    w.place(block);
    if r.overdue.is_empty() {
        let block = note(&w, &l(&w, "recap_none_overdue"));
        w.place(block);
    } else {
        let cols = [
            (LEFT, 27.0, false),
            (LEFT + 27.0, 55.0, false),
            (LEFT + 82.0, 36.0, false),
            (LEFT + 118.0, 34.0, false),
            (LEFT + 152.0, WIDTH - 152.0, false),
        ];
        let head: Vec<(String, Weight, Ink)> = [
            "recap_due",
            "recap_product",
            "recap_support",
            "recap_regency",
            "recap_officer",
        ]
        .iter()
        .map(|k| (l(&w, k), Weight::Bold, MUTED))
        .collect();
        let block = row(&w, &cols, &head);
        w.place(block);
        for o in &r.overdue {
            let cells = vec![
                (w.labels.date(&o.due), Weight::Regular, DANGER),
                (
                    format!("{} · {}", o.product, o.producer),
                    Weight::Regular,
                    INK,
                ),
                (
                    crate::coaching_word(lang, "support", &o.support),
                    Weight::Regular,
                    INK,
                ),
                (o.regency.clone(), Weight::Regular, INK),
                (o.officer.clone(), Weight::Regular, INK),
            ];
            let block = row(&w, &cols, &cells);
            w.place(block);
        }
        if r.overdue_more > 0 {
            let more = w
                .labels
                .fmt("recap_more_overdue", &[("n", &r.overdue_more.to_string())]);
            let block = note(&w, &more);
            w.place(block);
        }
    }
    let title = format!("{title} · {region} · {period}");
    w.finish_with_subject(&title, &r.generated_at, &code)
}
