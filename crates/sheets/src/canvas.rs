//! Drawing on A4 pages in millimetres from the top left, the way a sheet is designed; printpdf
//! wants points from the bottom left. Text is measured with the font's own advances (NFC, so a
//! Vietnamese letter with two marks is one glyph) and wrapped to a width.

use printpdf::{
    Color, FontId, Line, LinePoint, Op, PaintMode, PdfFontHandle, Point, Polygon, PolygonRing, Pt,
    Rect, Rgb, TextItem, WindingOrder,
};
use unicode_normalization::UnicodeNormalization;

use crate::fonts::Metrics;

pub const PAGE_W: f32 = 210.0;
pub const PAGE_H: f32 = 297.0;
const PT_PER_MM: f32 = 72.0 / 25.4;

/// The sheet's colours: ink, muted text, the accent of the app, rules and fills.
pub const INK: (f32, f32, f32) = (0.10, 0.16, 0.14);
pub const MUTED: (f32, f32, f32) = (0.36, 0.42, 0.39);
pub const ACCENT: (f32, f32, f32) = (0.12, 0.44, 0.31);
pub const ACCENT_LIGHT: (f32, f32, f32) = (0.90, 0.95, 0.92);
pub const RULE: (f32, f32, f32) = (0.78, 0.82, 0.80);
pub const DANGER: (f32, f32, f32) = (0.64, 0.15, 0.12);
pub const GREY_FILL: (f32, f32, f32) = (0.96, 0.97, 0.96);
pub const STAR: (f32, f32, f32) = (0.87, 0.64, 0.10);
pub const WHITE: (f32, f32, f32) = (1.0, 1.0, 1.0);

fn color((r, g, b): (f32, f32, f32)) -> Color {
    Color::Rgb(Rgb {
        r,
        g,
        b,
        icc_profile: None,
    })
}

fn point(x: f32, y: f32) -> Point {
    Point {
        x: Pt(x * PT_PER_MM),
        y: Pt((PAGE_H - y) * PT_PER_MM),
    }
}

/// Regular or bold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weight {
    Regular,
    Bold,
}

/// One page's drawing operations.
#[derive(Default)]
pub struct Page {
    pub ops: Vec<Op>,
}

/// The text the PDF shows: NFC (one glyph per Vietnamese letter), no control characters.
pub fn clean(text: &str) -> String {
    text.nfc()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

impl Page {
    pub fn text(
        &mut self,
        x: f32,
        baseline: f32,
        size: f32,
        weight: Weight,
        ink: (f32, f32, f32),
        text: &str,
    ) {
        if text.is_empty() {
            return;
        }
        let font = FontId(match weight {
            Weight::Regular => "R".into(),
            Weight::Bold => "B".into(),
        });
        self.ops.extend([
            Op::StartTextSection,
            Op::SetFillColor { col: color(ink) },
            Op::SetFont {
                font: PdfFontHandle::External(font),
                size: Pt(size),
            },
            Op::SetTextCursor {
                pos: point(x, baseline),
            },
            Op::ShowText {
                items: vec![TextItem::Text(clean(text))],
            },
            Op::EndTextSection,
        ]);
    }

    /// A straight rule.
    pub fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, width: f32, ink: (f32, f32, f32)) {
        self.ops.extend([
            Op::SetOutlineColor { col: color(ink) },
            Op::SetOutlineThickness { pt: Pt(width) },
            Op::DrawLine {
                line: Line {
                    points: vec![
                        LinePoint {
                            p: point(x1, y1),
                            bezier: false,
                        },
                        LinePoint {
                            p: point(x2, y2),
                            bezier: false,
                        },
                    ],
                    is_closed: false,
                },
            },
        ]);
    }

    /// A rectangle from its top-left corner, filled and/or outlined.
    pub fn rect(
        &mut self,
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Option<(f32, f32, f32)>,
        stroke: Option<((f32, f32, f32), f32)>,
    ) {
        let mode = match (fill, stroke) {
            (Some(_), Some(_)) => PaintMode::FillStroke,
            (Some(_), None) => PaintMode::Fill,
            (None, Some(_)) => PaintMode::Stroke,
            (None, None) => return,
        };
        if let Some(fill) = fill {
            self.ops.push(Op::SetFillColor { col: color(fill) });
        }
        if let Some((ink, width)) = stroke {
            self.ops.push(Op::SetOutlineColor { col: color(ink) });
            self.ops.push(Op::SetOutlineThickness { pt: Pt(width) });
        }
        let bottom_left = point(x, y + h);
        self.ops.push(Op::DrawRectangle {
            rectangle: Rect {
                x: bottom_left.x,
                y: bottom_left.y,
                width: Pt(w * PT_PER_MM),
                height: Pt(h * PT_PER_MM),
                mode: Some(mode),
                winding_order: Some(WindingOrder::NonZero),
            },
        });
    }

    /// A five-pointed star centred on (cx, cy) with outer radius r: filled, or an outline.
    pub fn star(&mut self, cx: f32, cy: f32, r: f32, filled: bool) {
        let points: Vec<LinePoint> = (0..10)
            .map(|i| {
                let radius = if i % 2 == 0 { r } else { r * 0.45 };
                let angle = std::f32::consts::PI * (i as f32) / 5.0 - std::f32::consts::FRAC_PI_2;
                LinePoint {
                    p: point(cx + radius * angle.cos(), cy + radius * angle.sin()),
                    bezier: false,
                }
            })
            .collect();
        self.ops.push(Op::SetFillColor {
            col: color(if filled { STAR } else { WHITE }),
        });
        self.ops.push(Op::SetOutlineColor {
            col: color(if filled { STAR } else { RULE }),
        });
        self.ops.push(Op::SetOutlineThickness { pt: Pt(0.6) });
        self.ops.push(Op::DrawPolygon {
            polygon: Polygon {
                rings: vec![PolygonRing { points }],
                mode: PaintMode::FillStroke,
                winding_order: WindingOrder::NonZero,
            },
        });
    }

    /// A tick in a box whose top-left is (x, y) and side `s`.
    pub fn tick(&mut self, x: f32, y: f32, s: f32, ink: (f32, f32, f32)) {
        let at = |fx: f32, fy: f32| LinePoint {
            p: point(x + s * fx, y + s * fy),
            bezier: false,
        };
        self.ops.extend([
            Op::SetOutlineColor { col: color(ink) },
            Op::SetOutlineThickness { pt: Pt(1.3) },
            Op::DrawLine {
                line: Line {
                    points: vec![at(0.2, 0.55), at(0.42, 0.78), at(0.82, 0.22)],
                    is_closed: false,
                },
            },
        ]);
    }

    /// The dark modules of a QR code, `module` mm each, from the top-left corner.
    pub fn qr(&mut self, x: f32, y: f32, module: f32, dark: &[Vec<bool>]) {
        self.ops.push(Op::SetFillColor {
            col: color((0.0, 0.0, 0.0)),
        });
        for (row, cells) in dark.iter().enumerate() {
            // Runs of dark modules on a row as one rectangle each: fewer operations.
            let mut col = 0;
            while col < cells.len() {
                if !cells[col] {
                    col += 1;
                    continue;
                }
                let start = col;
                while col < cells.len() && cells[col] {
                    col += 1;
                }
                let bottom_left = point(x + start as f32 * module, y + (row + 1) as f32 * module);
                self.ops.push(Op::DrawRectangle {
                    rectangle: Rect {
                        x: bottom_left.x,
                        y: bottom_left.y,
                        width: Pt((col - start) as f32 * module * PT_PER_MM),
                        height: Pt(module * PT_PER_MM),
                        mode: Some(PaintMode::Fill),
                        winding_order: Some(WindingOrder::NonZero),
                    },
                });
            }
        }
    }
}

/// Line height in mm for a font size in points.
pub fn leading(size: f32) -> f32 {
    size * 1.32 / PT_PER_MM
}

/// Text measured and broken into lines no wider than `width` mm: at spaces, and inside a word
/// only when the word alone is wider than the line.
pub fn wrap(metrics: &Metrics, text: &str, size: f32, weight: Weight, width: f32) -> Vec<String> {
    let text = clean(text);
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split(' ').filter(|w| !w.is_empty()) {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if metrics.width(&candidate, size, weight) <= width {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            if metrics.width(word, size, weight) <= width {
                line = word.to_string();
                continue;
            }
            // A word longer than the line: cut it where it must be cut.
            for c in word.chars() {
                let mut next = line.clone();
                next.push(c);
                if !line.is_empty() && metrics.width(&next, size, weight) > width {
                    lines.push(std::mem::take(&mut line));
                    line.push(c);
                } else {
                    line = next;
                }
            }
        }
        lines.push(line);
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    lines
}
