//! Many sheets in one PDF (every final assessment of a village, a day or a selection), written
//! as it goes: each sheet is made, its objects written out and forgotten, so memory does not
//! grow with the batch. The cover and the table of contents are made last, when every sheet's
//! first page is known, and put first in the page order (a PDF's page order is its page tree's,
//! not the order of its objects).

use std::io::Write;

use lopdf::{Dictionary, Document as Pdf, Object, ObjectId, StringFormat};

use crate::canvas::{leading, Weight, ACCENT, INK, MUTED, RULE};
use crate::fonts::Fonts;
use crate::labels::Labels;
use crate::model::{Filled, Lang};
use crate::sheet::{lines, title_block, Words};
use crate::writer::{Block, Item, Writer, LEFT, RIGHT, WIDTH};
use crate::SheetError;

/// What the cover says the batch is.
#[derive(Debug, Clone, Default)]
pub struct Cover {
    pub lang: Option<Lang>,
    /// "Desa Tapin Bini (63.05.04.2007) · 20 November 2026", or what the selection was.
    pub title: String,
    /// When the batch was made (RFC 3339): the PDF's date.
    pub made: String,
    /// Documents whose pages come before the sheets, each listed in the contents by its title:
    /// the minutes of the councils' sessions of a batch forwarded to the next level.
    pub leading: Vec<Leading>,
}

/// A whole PDF put before the sheets of a batch.
#[derive(Debug, Clone, Default)]
pub struct Leading {
    /// Its line in the contents: "Berita acara · 2026 · I · Kabupaten/Kota · 20 November 2026".
    pub title: String,
    pub pdf: Vec<u8>,
}

/// One line of the table of contents.
struct Entry {
    product: String,
    producer: String,
    record: String,
    total: String,
    star: Option<u8>,
    first_page: usize,
}

/// What was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    pub sheets: usize,
    pub pages: usize,
    pub bytes: u64,
}

const ROOT: u32 = 1;
const PAGES: u32 = 2;
const INFO: u32 = 3;

/// Counts what goes out, for the cross-reference table.
struct Out<'w, W: Write> {
    inner: &'w mut W,
    at: u64,
    offsets: Vec<(u32, u64)>,
    hasher: sha2::Sha256,
}

impl<W: Write> Out<'_, W> {
    fn put(&mut self, bytes: &[u8]) -> Result<(), SheetError> {
        use sha2::Digest;
        self.inner.write_all(bytes).map_err(io)?;
        self.hasher.update(bytes);
        self.at += bytes.len() as u64;
        Ok(())
    }

    fn object(&mut self, id: u32, object: &Object) -> Result<(), SheetError> {
        self.offsets.push((id, self.at));
        let mut buf = format!("{id} 0 obj\n").into_bytes();
        serialize(&mut buf, object);
        buf.extend_from_slice(b"\nendobj\n");
        self.put(&buf)
    }
}

fn io(err: std::io::Error) -> SheetError {
    SheetError::Invalid(format!("the batch could not be written: {err}"))
}

/// Writes the sheets to `out` as one PDF, with a cover and a table of contents in front.
/// `sheets` is read one at a time (a sheet that cannot be read stops the batch with its error).
pub fn batch<W: Write, I>(
    cover: &Cover,
    sheets: I,
    fonts: &Fonts,
    out: &mut W,
) -> Result<Written, SheetError>
where
    I: IntoIterator<Item = Result<Filled, SheetError>>,
{
    let mut out = Out {
        inner: out,
        at: 0,
        offsets: Vec::new(),
        hasher: Default::default(),
    };
    out.put(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n")?;
    let mut next_id = INFO + 1;
    let mut sheet_pages: Vec<ObjectId> = Vec::new();
    let mut entries = Vec::new();
    let mut lang = cover.lang;
    // A few sheets at a time, made on every core and written in order: memory holds one round.
    let round = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 4);
    // The leading documents' pages: (title, first page among them).
    let mut leading_pages: Vec<ObjectId> = Vec::new();
    let mut leading = Vec::with_capacity(cover.leading.len());
    for document in &cover.leading {
        leading.push((document.title.clone(), leading_pages.len()));
        leading_pages.extend(copy_pages(&document.pdf, &mut next_id, &mut out)?);
    }
    let mut sheets = sheets.into_iter();
    loop {
        let mut batch = Vec::with_capacity(round);
        for sheet in sheets.by_ref().take(round) {
            batch.push(sheet?);
        }
        if batch.is_empty() {
            break;
        }
        let made: Vec<Result<Vec<u8>, SheetError>> = std::thread::scope(|scope| {
            let handles: Vec<_> = batch
                .iter()
                .map(|sheet| scope.spawn(move || crate::sheet::filled(sheet, fonts)))
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join().unwrap_or_else(|_| {
                        Err(SheetError::Invalid("a sheet could not be made".into()))
                    })
                })
                .collect()
        });
        for (sheet, bytes) in batch.iter().zip(made) {
            let bytes = bytes?;
            lang.get_or_insert(sheet.lang);
            let words = Words {
                lang: sheet.lang.code(),
                fallback: &sheet.set.language,
            };
            let pages = copy_pages(&bytes, &mut next_id, &mut out)?;
            entries.push(Entry {
                product: sheet.product.name.clone(),
                producer: sheet.producer.name.clone(),
                record: format!(
                    "{} · {}",
                    words.of(&sheet.set.name),
                    sheet
                        .trace
                        .assessment_id
                        .chars()
                        .take(8)
                        .collect::<String>()
                ),
                total: format!(
                    "{} / {}",
                    ovop_core::verdict::number_text(sheet.verdict.total),
                    sheet.verdict.max_total
                ),
                star: sheet.verdict.star,
                first_page: sheet_pages.len(),
            });
            sheet_pages.extend(pages);
        }
    }
    let lang = lang.unwrap_or(Lang::Id);

    // The cover and the contents, knowing how many pages they take themselves.
    // The page numbers in the contents depend on its own length; a few rounds settle it (wider
    // numbers could add a line, and the rounds stop at that length).
    let mut front_len = 1;
    let contents = Contents {
        leading: &leading,
        leading_pages: leading_pages.len(),
        entries: &entries,
    };
    let mut front = front_matter(cover, lang, &contents, front_len, fonts)?;
    for _ in 0..4 {
        let count = Pdf::load_mem(&front)
            .map(|d| d.get_pages().len())
            .unwrap_or(front_len);
        if count == front_len {
            break;
        }
        front_len = count;
        front = front_matter(cover, lang, &contents, front_len, fonts)?;
    }
    let front_pages = copy_pages(&front, &mut next_id, &mut out)?;

    let kids: Vec<Object> = front_pages
        .iter()
        .chain(&leading_pages)
        .chain(&sheet_pages)
        .map(|id| Object::Reference(*id))
        .collect();
    let count = kids.len();
    let mut pages = Dictionary::new();
    pages.set("Type", Object::Name(b"Pages".to_vec()));
    pages.set("Count", Object::Integer(count as i64));
    pages.set("Kids", Object::Array(kids));
    out.object(PAGES, &Object::Dictionary(pages))?;
    let mut root = Dictionary::new();
    root.set("Type", Object::Name(b"Catalog".to_vec()));
    root.set("Pages", Object::Reference((PAGES, 0)));
    out.object(ROOT, &Object::Dictionary(root))?;
    let mut info = Dictionary::new();
    let title = format!("OVOP Field – {}", cover.title);
    info.set("Title", text(&title));
    info.set("Creator", text("OVOP Field"));
    info.set("Producer", text("OVOP Field (printpdf, lopdf)"));
    let date = pdf_date(&cover.made);
    info.set(
        "CreationDate",
        Object::String(date.clone().into_bytes(), StringFormat::Literal),
    );
    info.set(
        "ModDate",
        Object::String(date.into_bytes(), StringFormat::Literal),
    );
    out.object(INFO, &Object::Dictionary(info))?;

    // The cross-reference table: every number up to the last, unused ones free.
    let size = next_id;
    let mut offsets = vec![None; size as usize];
    for (id, at) in std::mem::take(&mut out.offsets) {
        if let Some(slot) = offsets.get_mut(id as usize) {
            *slot = Some(at);
        }
    }
    let xref_at = out.at;
    let mut table = format!("xref\n0 {size}\n0000000000 65535 f \n");
    for offset in offsets.iter().skip(1) {
        match offset {
            Some(at) => table.push_str(&format!("{at:010} 00000 n \n")),
            None => table.push_str("0000000000 00000 f \n"),
        }
    }
    out.put(table.as_bytes())?;
    let digest: String = {
        use sha2::Digest;
        out.hasher
            .clone()
            .finalize()
            .iter()
            .take(16)
            .map(|b| format!("{b:02x}"))
            .collect()
    };
    let trailer = format!(
        "trailer\n<< /Size {size} /Root {ROOT} 0 R /Info {INFO} 0 R /ID [<{digest}> <{digest}>] >>\nstartxref\n{xref_at}\n%%EOF\n"
    );
    out.put(trailer.as_bytes())?;
    out.inner.flush().map_err(io)?;
    Ok(Written {
        sheets: entries.len(),
        pages: count,
        bytes: out.at,
    })
}

fn text(value: &str) -> Object {
    // UTF-16BE with a byte-order mark: the PDF way to a title in any language.
    let mut bytes = vec![0xFE, 0xFF];
    for unit in value.encode_utf16() {
        bytes.extend_from_slice(&unit.to_be_bytes());
    }
    Object::String(bytes, StringFormat::Hexadecimal)
}

fn pdf_date(rfc3339: &str) -> String {
    let digits: String = rfc3339
        .chars()
        .filter(char::is_ascii_digit)
        .take(14)
        .collect();
    format!("D:{digits:0<14}Z")
}

/// Writes the pages of a whole PDF (and everything they use) under new numbers, each page
/// hung on the batch's page tree; returns the pages in order.
fn copy_pages<W: Write>(
    bytes: &[u8],
    next_id: &mut u32,
    out: &mut Out<'_, W>,
) -> Result<Vec<ObjectId>, SheetError> {
    let mut doc = Pdf::load_mem(bytes)
        .map_err(|e| SheetError::Invalid(format!("a sheet could not be read back: {e}")))?;
    doc.renumber_objects_with(*next_id);
    *next_id = doc.max_id + 1;
    let pages: Vec<ObjectId> = doc.get_pages().into_values().collect();
    let skip: Vec<ObjectId> = doc
        .objects
        .iter()
        .filter(|(_, object)| {
            let kind = match object {
                Object::Dictionary(d) => d.get(b"Type").ok().cloned(),
                Object::Stream(s) => s.dict.get(b"Type").ok().cloned(),
                _ => None,
            };
            matches!(kind, Some(Object::Name(ref name)) if name == b"Catalog" || name == b"Pages" || name == b"ObjStm" || name == b"XRef")
        })
        .map(|(id, _)| *id)
        .collect();
    let info = doc
        .trailer
        .get(b"Info")
        .ok()
        .and_then(|o| o.as_reference().ok());
    for (id, object) in doc.objects.iter_mut() {
        if skip.contains(id) || Some(*id) == info {
            continue;
        }
        if pages.contains(id) {
            if let Object::Dictionary(page) = object {
                page.set("Parent", Object::Reference((PAGES, 0)));
            }
        }
        out.object(id.0, object)?;
    }
    Ok(pages)
}

/// The cover (what the batch is, how many sheets) and the contents: a line per sheet with its
/// first page, `front_len` pages counted in front of the sheets.
/// What the contents list: the leading documents (title, first page among theirs), then the
/// sheets, which start after the leading documents' pages.
struct Contents<'a> {
    leading: &'a [(String, usize)],
    leading_pages: usize,
    entries: &'a [Entry],
}

fn front_matter(
    cover: &Cover,
    lang: Lang,
    contents: &Contents,
    front_len: usize,
    fonts: &Fonts,
) -> Result<Vec<u8>, SheetError> {
    let entries = contents.entries;
    let labels = Labels::new(lang);
    let mut w = Writer::new(
        fonts,
        labels,
        cover.title.clone(),
        format!("OVOP Field · {}", cover.title),
    )?;
    let title = w.labels.get("batch_title");
    let count = w
        .labels
        .fmt("batch_count", &[("n", &entries.len().to_string())]);
    let block = title_block(
        &w,
        &title,
        &cover.title,
        None,
        &format!("OVOP:B:{}:{}", cover.title, entries.len()),
    )?;
    w.place(block);
    let mut b = Block::default();
    let y = lines(&mut b, LEFT, 0.5, 10.0, Weight::Bold, INK, &[count]);
    b.height = y + 4.0;
    w.place(b);
    let mut head = Block::default();
    let y = lines(
        &mut head,
        LEFT,
        0.5,
        10.5,
        Weight::Bold,
        ACCENT,
        &[w.labels.get("batch_contents")],
    );
    head.items.push(Item::Line {
        x1: LEFT,
        x2: RIGHT,
        dy: y + 0.6,
        width: 0.6,
        ink: RULE,
    });
    head.height = y + 2.0;
    w.place(head);
    for (title, first_page) in contents.leading {
        let mut b = Block::default();
        let page = (front_len + first_page + 1).to_string();
        let pw = w.width(&page, 9.0, Weight::Bold);
        let y = lines(
            &mut b,
            LEFT,
            0.3,
            9.0,
            Weight::Bold,
            INK,
            &w.wrap(title, 9.0, Weight::Bold, WIDTH - pw - 8.0),
        );
        close_line(&mut w, b, page, pw, y);
    }
    for (i, entry) in entries.iter().enumerate() {
        let mut b = Block::default();
        let page = (front_len + contents.leading_pages + entry.first_page + 1).to_string();
        let pw = w.width(&page, 9.0, Weight::Bold);
        let star = match entry.star {
            Some(n) => w.labels.fmt("batch_stars", &[("n", &n.to_string())]),
            None => w.labels.get("no_star"),
        };
        let right = format!("{}  ·  {star}", entry.total);
        let rw = w.width(&right, 8.5, Weight::Regular);
        b.text(
            LEFT,
            leading(9.0) * 0.78 + 0.3,
            9.0,
            Weight::Bold,
            MUTED,
            format!("{}.", i + 1),
        );
        let name = format!("{} — {}", entry.product, entry.producer);
        let text_w = WIDTH - 10.0 - rw - pw - 8.0;
        let mut y = lines(
            &mut b,
            LEFT + 10.0,
            0.3,
            9.0,
            Weight::Bold,
            INK,
            &w.wrap(&name, 9.0, Weight::Bold, text_w),
        );
        y = lines(
            &mut b,
            LEFT + 10.0,
            y,
            7.5,
            Weight::Regular,
            MUTED,
            &w.wrap(&entry.record, 7.5, Weight::Regular, text_w),
        );
        b.text(
            RIGHT - pw - 6.0 - rw,
            leading(9.0) * 0.78 + 0.3,
            8.5,
            Weight::Regular,
            INK,
            right,
        );
        close_line(&mut w, b, page, pw, y);
    }
    w.finish(&cover.title, &cover.made)
}

/// Ends a line of the contents: its page number (`pw` wide) at the right, a rule under its
/// text (which ends at `y`), and places it.
fn close_line(w: &mut Writer, mut b: Block, page: String, pw: f32, y: f32) {
    b.text(
        RIGHT - pw,
        leading(9.0) * 0.78 + 0.3,
        9.0,
        Weight::Bold,
        ACCENT,
        page,
    );
    b.items.push(Item::Line {
        x1: LEFT,
        x2: RIGHT,
        dy: y + 0.4,
        width: 0.25,
        ink: RULE,
    });
    b.height = y + 1.0;
    w.place(b);
}

/// PDF syntax for one object (what lopdf's own writer does, which it does not export).
fn serialize(buf: &mut Vec<u8>, object: &Object) {
    match object {
        Object::Null => buf.extend_from_slice(b"null"),
        Object::Boolean(v) => buf.extend_from_slice(if *v { b"true" } else { b"false" }),
        Object::Integer(v) => buf.extend_from_slice(v.to_string().as_bytes()),
        Object::Real(v) => buf.extend_from_slice(format!("{v}").as_bytes()),
        Object::Name(name) => name_bytes(buf, name),
        Object::String(bytes, StringFormat::Literal) => {
            buf.push(b'(');
            for &b in bytes {
                match b {
                    b'(' | b')' | b'\\' => {
                        buf.push(b'\\');
                        buf.push(b);
                    }
                    b'\r' => buf.extend_from_slice(b"\\r"),
                    b'\n' => buf.extend_from_slice(b"\\n"),
                    _ => buf.push(b),
                }
            }
            buf.push(b')');
        }
        Object::String(bytes, StringFormat::Hexadecimal) => {
            buf.push(b'<');
            for b in bytes {
                buf.extend_from_slice(format!("{b:02X}").as_bytes());
            }
            buf.push(b'>');
        }
        Object::Array(items) => {
            buf.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    buf.push(b' ');
                }
                serialize(buf, item);
            }
            buf.push(b']');
        }
        Object::Dictionary(dict) => dictionary(buf, dict),
        Object::Stream(stream) => {
            let mut dict = stream.dict.clone();
            dict.set("Length", Object::Integer(stream.content.len() as i64));
            dictionary(buf, &dict);
            buf.extend_from_slice(b"\nstream\n");
            buf.extend_from_slice(&stream.content);
            buf.extend_from_slice(b"\nendstream");
        }
        Object::Reference((id, gen)) => buf.extend_from_slice(format!("{id} {gen} R").as_bytes()),
    }
}

fn dictionary(buf: &mut Vec<u8>, dict: &Dictionary) {
    buf.extend_from_slice(b"<<");
    for (key, value) in dict.iter() {
        name_bytes(buf, key);
        buf.push(b' ');
        serialize(buf, value);
        buf.push(b' ');
    }
    buf.extend_from_slice(b">>");
}

fn name_bytes(buf: &mut Vec<u8>, name: &[u8]) {
    buf.push(b'/');
    for &b in name {
        if b.is_ascii_alphanumeric() || b"-_.+".contains(&b) {
            buf.push(b);
        } else {
            buf.extend_from_slice(format!("#{b:02X}").as_bytes());
        }
    }
}
