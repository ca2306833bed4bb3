//! Blocks of a sheet flowed down A4 pages: a block that does not fit on what is left of the
//! page starts the next one, so a criterion is never cut in two; only a block taller than a
//! whole page is split, between its lines. Then every page gets its footer, and the pages
//! become one PDF.

use printpdf::{FontId, Mm, PdfDocument, PdfFont, PdfPage, PdfSaveOptions};
use sha2::{Digest, Sha256};

use crate::canvas::{leading, Page, Weight, INK, MUTED, PAGE_H, PAGE_W, RULE};
use crate::fonts::{Fonts, Metrics};
use crate::labels::Labels;
use crate::SheetError;

pub const LEFT: f32 = 16.0;
pub const RIGHT: f32 = PAGE_W - 16.0;
pub const WIDTH: f32 = RIGHT - LEFT;
const FIRST_TOP: f32 = 14.0;
const NEXT_TOP: f32 = 20.0;
const BOTTOM: f32 = 278.0;

/// Something drawn in a block, placed from the block's top.
pub enum Item {
    Text {
        x: f32,
        dy: f32,
        size: f32,
        weight: Weight,
        ink: (f32, f32, f32),
        text: String,
    },
    Rect {
        x: f32,
        dy: f32,
        w: f32,
        h: f32,
        fill: Option<(f32, f32, f32)>,
        stroke: Option<((f32, f32, f32), f32)>,
    },
    Line {
        x1: f32,
        x2: f32,
        dy: f32,
        width: f32,
        ink: (f32, f32, f32),
    },
    Tick {
        x: f32,
        dy: f32,
        s: f32,
    },
    Star {
        cx: f32,
        dy: f32,
        r: f32,
        filled: bool,
    },
    Qr {
        x: f32,
        dy: f32,
        module: f32,
        dark: Vec<Vec<bool>>,
    },
}

impl Item {
    fn top(&self) -> f32 {
        match self {
            Item::Text { dy, size, .. } => dy - leading(*size) * 0.78,
            Item::Rect { dy, .. }
            | Item::Line { dy, .. }
            | Item::Tick { dy, .. }
            | Item::Qr { dy, .. } => *dy,
            Item::Star { dy, r, .. } => dy - r,
        }
    }

    fn bottom(&self) -> f32 {
        match self {
            Item::Text { dy, size, .. } => dy + leading(*size) * 0.22,
            Item::Rect { dy, h, .. } => dy + h,
            Item::Line { dy, .. } => *dy,
            Item::Tick { dy, s, .. } => dy + s,
            Item::Star { dy, r, .. } => dy + r,
            Item::Qr {
                dy, module, dark, ..
            } => dy + module * dark.len() as f32,
        }
    }
}

/// A piece of the sheet kept together on one page.
#[derive(Default)]
pub struct Block {
    pub items: Vec<Item>,
    pub height: f32,
}

impl Block {
    pub fn text(
        &mut self,
        x: f32,
        dy: f32,
        size: f32,
        weight: Weight,
        ink: (f32, f32, f32),
        text: impl Into<String>,
    ) {
        self.items.push(Item::Text {
            x,
            dy,
            size,
            weight,
            ink,
            text: text.into(),
        });
    }
}

pub struct Writer<'a> {
    pub metrics: Metrics<'a>,
    pub labels: Labels,
    fonts: &'a Fonts,
    pages: Vec<Page>,
    y: f32,
    /// Printed on top of every page after the first: what the sheet is about.
    running: String,
    /// Printed in every footer: which record (or set) the paper is.
    trace: String,
}

impl<'a> Writer<'a> {
    pub fn new(
        fonts: &'a Fonts,
        labels: Labels,
        running: String,
        trace: String,
    ) -> Result<Writer<'a>, SheetError> {
        Ok(Writer {
            metrics: fonts.metrics()?,
            labels,
            fonts,
            pages: vec![Page::default()],
            y: FIRST_TOP,
            running,
            trace,
        })
    }

    pub fn wrap(&self, text: &str, size: f32, weight: Weight, width: f32) -> Vec<String> {
        crate::canvas::wrap(&self.metrics, text, size, weight, width)
    }

    pub fn width(&self, text: &str, size: f32, weight: Weight) -> f32 {
        self.metrics
            .width(&crate::canvas::clean(text), size, weight)
    }

    /// Vertical space before the next block.
    pub fn gap(&mut self, mm: f32) {
        self.y = (self.y + mm).min(BOTTOM);
    }

    fn new_page(&mut self) {
        let mut page = Page::default();
        let running = crate::canvas::clean(&self.running);
        let line = self
            .wrap(&running, 7.5, Weight::Regular, WIDTH)
            .into_iter()
            .next()
            .unwrap_or_default();
        page.text(LEFT, 11.0, 7.5, Weight::Regular, MUTED, &line);
        page.line(LEFT, 13.2, RIGHT, 13.2, 0.5, RULE);
        self.pages.push(page);
        self.y = NEXT_TOP;
    }

    /// Places `block` where the page has room for all of it.
    pub fn place(&mut self, block: Block) {
        let room = BOTTOM - self.y;
        let at_top =
            self.y <= NEXT_TOP + 0.01 || (self.pages.len() == 1 && self.y <= FIRST_TOP + 0.01);
        if block.height > room && !at_top {
            self.new_page();
        }
        let mut origin = self.y;
        let mut offset = 0.0_f32;
        let mut items = block.items;
        items.sort_by(|a, b| a.top().total_cmp(&b.top()));
        for item in items {
            // Only a block taller than a page gets here with an item below the page's end.
            if origin + (item.bottom() - offset) > BOTTOM && item.top() > offset + 0.01 {
                self.new_page();
                origin = self.y;
                offset = item.top();
            }
            let y = origin - offset;
            let Some(page) = self.pages.last_mut() else {
                continue;
            };
            match item {
                Item::Text {
                    x,
                    dy,
                    size,
                    weight,
                    ink,
                    text,
                } => page.text(x, y + dy, size, weight, ink, &text),
                Item::Rect {
                    x,
                    dy,
                    w,
                    h,
                    fill,
                    stroke,
                } => page.rect(x, y + dy, w, h, fill, stroke),
                Item::Line {
                    x1,
                    x2,
                    dy,
                    width,
                    ink,
                } => page.line(x1, y + dy, x2, y + dy, width, ink),
                Item::Tick { x, dy, s } => page.tick(x, y + dy, s, INK),
                Item::Star { cx, dy, r, filled } => page.star(cx, y + dy, r, filled),
                Item::Qr {
                    x,
                    dy,
                    module,
                    dark,
                } => page.qr(x, y + dy, module, &dark),
            }
        }
        self.y = (origin + block.height - offset).min(BOTTOM);
    }

    /// The PDF: every page with its footer, both fonts embedded as subsets, dated `dated`
    /// (RFC 3339) and identified by a hash of its content.
    pub fn finish(self, title: &str, dated: &str) -> Result<Vec<u8>, SheetError> {
        self.finish_with_subject(title, dated, "")
    }

    /// [`Writer::finish`], with `subject` as the document's subject (a certificate's code, so a
    /// file can be checked without reading its picture).
    pub fn finish_with_subject(
        mut self,
        title: &str,
        dated: &str,
        subject: &str,
    ) -> Result<Vec<u8>, SheetError> {
        let total = self.pages.len();
        let trace = crate::canvas::clean(&self.trace);
        for (i, page) in self.pages.iter_mut().enumerate() {
            page.line(LEFT, 284.0, RIGHT, 284.0, 0.5, RULE);
            page.text(LEFT, 288.5, 7.0, Weight::Regular, MUTED, &trace);
            let label = self.labels.fmt(
                "page",
                &[("n", &(i + 1).to_string()), ("m", &total.to_string())],
            );
            let w = self.metrics.width(&label, 8.0, Weight::Bold);
            page.text(RIGHT - w, 288.5, 8.0, Weight::Bold, INK, &label);
        }

        let mut doc = PdfDocument::new(title);
        let (regular, bold) = self.fonts.parsed()?;
        for (id, parsed) in [("R", regular), ("B", bold)] {
            doc.resources
                .fonts
                .map
                .insert(FontId(id.into()), PdfFont::new(parsed.clone()));
        }
        let when = printpdf::OffsetDateTime::from_unix_timestamp(unix_time(dated))
            .map_err(|e| SheetError::Invalid(format!("the date {dated:?}: {e}")))?;
        let info = &mut doc.metadata.info;
        info.creation_date = when;
        info.modification_date = when;
        info.metadata_date = when;
        info.author = "OVOP Field".into();
        info.creator = "OVOP Field".into();
        info.producer = "OVOP Field (printpdf)".into();
        info.subject = subject.to_string();
        let pages = std::mem::take(&mut self.pages)
            .into_iter()
            .map(|page| PdfPage::new(Mm(PAGE_W), Mm(PAGE_H), page.ops))
            .collect();
        doc.with_pages(pages);
        let options = PdfSaveOptions {
            optimize: true,
            subset_fonts: true,
            secure: true,
            image_optimization: None,
        };
        let mut warnings = Vec::new();
        let mut bytes = doc.save(&options, &mut warnings);
        fix_identifier(&mut bytes);
        Ok(bytes)
    }
}

/// Seconds since 1970 of an RFC 3339 time or a date (`2026-11-23T08:30:00Z`, `2026-11-23`);
/// 0 for anything else.
fn unix_time(text: &str) -> i64 {
    let digits =
        |range: std::ops::Range<usize>| text.get(range).and_then(|s| s.parse::<i64>().ok());
    let (Some(y), Some(m), Some(d)) = (digits(0..4), digits(5..7), digits(8..10)) else {
        return 0;
    };
    let (hh, mm, ss) = (
        digits(11..13).unwrap_or(0),
        digits(14..16).unwrap_or(0),
        digits(17..19).unwrap_or(0),
    );
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return 0;
    }
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    days * 86_400 + hh * 3600 + mm * 60 + ss
}

/// printpdf writes a random `/ID` into the trailer; it becomes a hash of the file's content
/// (same length, so nothing else moves), and the same sheet gives the same bytes.
fn fix_identifier(bytes: &mut [u8]) {
    let Some(at) = bytes.windows(4).rposition(|w| w == b"/ID[" || w == b"/ID ") else {
        return;
    };
    let mut spans = Vec::new();
    let mut i = at + 3;
    while i < bytes.len() && spans.len() < 2 {
        if bytes[i] == b'(' {
            let start = i + 1;
            let end = start + bytes[start..].iter().position(|&b| b == b')').unwrap_or(0);
            spans.push((start, end));
            i = end + 1;
        } else if bytes[i] == b']' {
            break;
        } else {
            i += 1;
        }
    }
    if spans.len() != 2 {
        return;
    }
    let mut hasher = Sha256::new();
    hasher.update(&bytes[..spans[0].0]);
    hasher.update(&bytes[spans[1].1..]);
    let digest: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    for (start, end) in spans {
        let id = digest.as_bytes();
        for (k, slot) in bytes[start..end].iter_mut().enumerate() {
            *slot = id[k % id.len()];
        }
    }
}
