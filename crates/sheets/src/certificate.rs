//! The star certificate: one A4 page fit to frame. The programme and the authority, the
//! certificate's number, the product and its producer, the stars, the decision that awarded them,
//! the issue date and the last valid day, a signature line for the authority, and a QR code that
//! carries the certificate's signed code, which a phone reads offline and `ovop certificate
//! verify` checks. The code is also the PDF's subject, so a file can be verified without
//! reading its picture.

use crate::canvas::{leading, Weight, ACCENT, INK, MUTED, PAGE_W, RULE};
use crate::fonts::Fonts;
use crate::labels::Labels;
use crate::model::Certificate;
use crate::sheet::qr_modules;
use crate::writer::{Block, Item, Writer};
use crate::SheetError;

/// How much of the page's width centred text may take.
const WIDE: f32 = PAGE_W - 50.0;

/// A size, a weight and an ink.
type Style = (f32, Weight, (f32, f32, f32));

/// At most `most` lines of `text` centred on the page from baseline `dy`; returns the next
/// baseline.
fn centred(w: &Writer, b: &mut Block, dy: f32, style: Style, text: &str, most: usize) -> f32 {
    let (size, weight, ink) = style;
    let mut y = dy;
    for line in w.wrap(text, size, weight, WIDE).into_iter().take(most) {
        let x = (PAGE_W - w.width(&line, size, weight)) / 2.0;
        b.text(x, y, size, weight, ink, line);
        y += leading(size);
    }
    y
}

/// The certificate as one page of PDF.
pub fn certificate(c: &Certificate, fonts: &Fonts) -> Result<Vec<u8>, SheetError> {
    if !(1..=5).contains(&c.star) {
        return Err(SheetError::Invalid(format!(
            "a star is 1 to 5, not {}",
            c.star
        )));
    }
    for (field, value) in [
        ("number", &c.number),
        ("product", &c.product),
        ("issued", &c.issued),
        ("valid_until", &c.valid_until),
        ("code", &c.code),
    ] {
        if value.trim().is_empty() {
            return Err(SheetError::Invalid(format!(
                "a certificate's {field} is empty"
            )));
        }
    }
    let labels = Labels::new(c.lang);
    let mut w = Writer::new(fonts, labels, String::new(), c.number.clone())?;
    let l = |w: &Writer, key: &str| w.labels.get(key);
    let mut b = Block::default();
    // The frame: a strong outer rule and a fine inner one.
    b.items.push(Item::Rect {
        x: 12.0,
        dy: -2.0,
        w: PAGE_W - 24.0,
        h: 266.0,
        fill: None,
        stroke: Some((ACCENT, 1.4)),
    });
    b.items.push(Item::Rect {
        x: 15.0,
        dy: 1.0,
        w: PAGE_W - 30.0,
        h: 260.0,
        fill: None,
        stroke: Some((ACCENT, 0.4)),
    });
    let mut y = centred(
        &w,
        &mut b,
        16.0,
        (11.0, Weight::Bold, MUTED),
        &c.authority.to_uppercase(),
        2,
    );
    y = y.max(24.0) + 10.0;
    y = centred(
        &w,
        &mut b,
        y,
        (26.0, Weight::Bold, ACCENT),
        &l(&w, "cert_title"),
        2,
    );
    let programme = w
        .labels
        .fmt("cert_programme", &[("programme", &c.programme)]);
    y = centred(
        &w,
        &mut b,
        y + 1.0,
        (13.0, Weight::Regular, INK),
        &programme,
        1,
    );
    let number = w.labels.fmt("cert_number", &[("number", &c.number)]);
    y = centred(
        &w,
        &mut b,
        y + 1.0,
        (10.0, Weight::Regular, MUTED),
        &number,
        1,
    );
    b.items.push(Item::Line {
        x1: 70.0,
        x2: PAGE_W - 70.0,
        dy: y + 2.0,
        width: 0.6,
        ink: RULE,
    });
    y = centred(
        &w,
        &mut b,
        y + 14.0,
        (11.0, Weight::Regular, INK),
        &l(&w, "cert_certifies"),
        1,
    );
    y = centred(
        &w,
        &mut b,
        y + 6.0,
        (22.0, Weight::Bold, INK),
        &c.product,
        2,
    );
    let by = w.labels.fmt("cert_by", &[("producer", &c.producer)]);
    y = centred(&w, &mut b, y + 2.0, (13.0, Weight::Regular, INK), &by, 2);
    if let Some(place) = c.place.as_deref().filter(|p| !p.trim().is_empty()) {
        y = centred(&w, &mut b, y, (10.0, Weight::Regular, MUTED), place, 2);
    }
    // The stars, large, those awarded filled.
    let r = 8.0;
    let gap = 21.0;
    let star_y = y + 14.0;
    for i in 0..5u8 {
        b.items.push(Item::Star {
            cx: PAGE_W / 2.0 + (f32::from(i) - 2.0) * gap,
            dy: star_y,
            r,
            filled: i < c.star,
        });
    }
    let stars = w.labels.fmt("cert_stars", &[("n", &c.star.to_string())]);
    y = centred(
        &w,
        &mut b,
        star_y + r + 9.0,
        (15.0, Weight::Bold, ACCENT),
        &stars,
        1,
    );
    let decision = w.labels.fmt(
        "cert_decision",
        &[
            ("number", &c.decision_number),
            ("date", &w.labels.date(&c.decision_date)),
            ("authority", &c.authority),
        ],
    );
    y = centred(
        &w,
        &mut b,
        y + 6.0,
        (10.5, Weight::Regular, INK),
        &decision,
        3,
    );
    let validity = w.labels.fmt(
        "cert_validity",
        &[
            ("issued", &w.labels.date(&c.issued)),
            ("until", &w.labels.date(&c.valid_until)),
        ],
    );
    centred(&w, &mut b, y + 4.0, (12.0, Weight::Bold, INK), &validity, 2);

    // The QR code at the bottom right, the authority's signature at the bottom left.
    let dark = qr_modules(&c.code)?;
    let module = (44.0 / dark.len() as f32).min(0.9);
    let side = module * dark.len() as f32;
    let qr_x = PAGE_W - 24.0 - side;
    let qr_y = 252.0 - side;
    b.items.push(Item::Qr {
        x: qr_x,
        dy: qr_y,
        module,
        dark,
    });
    let scan = l(&w, "cert_scan");
    for (i, line) in w
        .wrap(&scan, 7.5, Weight::Regular, side)
        .into_iter()
        .take(2)
        .enumerate()
    {
        let x = qr_x + (side - w.width(&line, 7.5, Weight::Regular)) / 2.0;
        b.text(
            x,
            255.0 + i as f32 * leading(7.5),
            7.5,
            Weight::Regular,
            MUTED,
            line,
        );
    }
    let sign_x = 30.0;
    let sign_w = 80.0;
    let on = w
        .labels
        .fmt("cert_signed_for", &[("authority", &c.authority)]);
    let mut sy = qr_y + 2.0;
    for line in w
        .wrap(&on, 9.5, Weight::Regular, sign_w)
        .into_iter()
        .take(3)
    {
        b.text(sign_x, sy, 9.5, Weight::Regular, INK, line);
        sy += leading(9.5);
    }
    b.items.push(Item::Line {
        x1: sign_x,
        x2: sign_x + sign_w,
        dy: 246.0,
        width: 0.5,
        ink: INK,
    });
    b.text(
        sign_x,
        250.5,
        8.0,
        Weight::Regular,
        MUTED,
        l(&w, "cert_signature"),
    );
    b.height = 264.0;
    w.place(b);
    let title = format!("{} {}", l(&w, "cert_title"), c.number);
    w.finish_with_subject(&title, &format!("{}T00:00:00Z", c.issued), &c.code)
}
