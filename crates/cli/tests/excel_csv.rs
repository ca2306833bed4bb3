//! A criteria sheet as Excel saves it on Windows, read by `ovop criteria validate` from real
//! files: "CSV UTF-8" (a byte-order mark), "Unicode Text" (UTF-16 LE, tabs), plain "CSV" in the
//! machine's code page (Windows-1252, or Windows-1258 on Vietnamese Windows), with CRLF line
//! ends and the semicolons of Indonesian and Vietnamese region settings. Each reads to the same
//! set (the same content hash) as the UTF-8 file with LF and commas.

use std::path::Path;
use std::process::Command;

use encoding_rs::{Encoding, WINDOWS_1252, WINDOWS_1258};
use serde_json::Value;
use unicode_normalization::UnicodeNormalization;

fn example_rows() -> Vec<Vec<String>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../assets/criteria/examples/ovop-tapin-example.csv");
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(path)
        .expect("the example")
        .records()
        .map(|r| r.expect("a row").iter().map(str::to_string).collect())
        .collect()
}

/// The rows as CSV text, separated by `delimiter`, lines ended by `terminator`.
fn csv_text(rows: &[Vec<String>], delimiter: u8, crlf: bool) -> String {
    let mut writer = csv::WriterBuilder::new()
        .flexible(true)
        .delimiter(delimiter)
        .terminator(if crlf {
            csv::Terminator::CRLF
        } else {
            csv::Terminator::Any(b'\n')
        })
        .from_writer(Vec::new());
    for row in rows {
        writer.write_record(row).expect("a row");
    }
    String::from_utf8(writer.into_inner().expect("the text")).expect("UTF-8")
}

/// Vietnamese as Windows-1258 holds it: each tone mark a combining character after its vowel,
/// the other marks composed (â, ơ, ư).
fn windows_1258_form(text: &str) -> String {
    let tone = |c: &char| matches!(c, '\u{300}' | '\u{301}' | '\u{303}' | '\u{309}' | '\u{323}');
    let mut out = String::new();
    for c in text.chars() {
        let (tones, rest): (Vec<char>, Vec<char>) = std::iter::once(c).nfd().partition(tone);
        out.extend(rest.into_iter().nfc());
        out.extend(tones);
    }
    out
}

fn in_code_page(text: &str, encoding: &'static Encoding) -> Vec<u8> {
    let text = if encoding == WINDOWS_1258 {
        windows_1258_form(text)
    } else {
        text.to_string()
    };
    let (bytes, _, unmappable) = encoding.encode(&text);
    assert!(
        !unmappable,
        "{} lacks a letter of the sheet",
        encoding.name()
    );
    assert!(std::str::from_utf8(&bytes).is_err(), "not UTF-8");
    bytes.into_owned()
}

fn utf16_le(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    bytes
}

/// `ovop criteria validate --json` of the file: what it says of the set.
fn validated(dir: &Path, name: &str, bytes: &[u8]) -> Value {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_ovop"))
        .args(["criteria", "validate", "--json"])
        .arg(&path)
        .env("OVOP_DATA_DIR", dir.join("data"))
        .output()
        .expect("run ovop");
    serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
        panic!(
            "{name}: no set was read:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// Every way Excel on Windows saves `rows` reads to the set the UTF-8 file with LF and commas
/// reads to.
fn every_way_excel_saves_reads_the_same(rows: &[Vec<String>], code_page: &'static Encoding) {
    let dir = tempfile::tempdir().expect("dir");
    let plain = csv_text(rows, b',', false);
    let want = validated(dir.path(), "plain.csv", plain.as_bytes());
    assert_eq!(want["errors"], 0, "{want:#}");
    let crlf = csv_text(rows, b',', true);
    let semicolons = csv_text(rows, b';', true);
    for (name, bytes) in [
        ("crlf.csv", crlf.as_bytes().to_vec()),
        (
            "csv-utf8.csv",
            [b"\xEF\xBB\xBF".as_slice(), crlf.as_bytes()].concat(),
        ),
        ("unicode-text.txt", utf16_le(&csv_text(rows, b'\t', true))),
        ("ansi.csv", in_code_page(&crlf, code_page)),
        ("ansi-semicolons.csv", in_code_page(&semicolons, code_page)),
        ("utf8-semicolons.csv", semicolons.as_bytes().to_vec()),
    ] {
        let read = validated(dir.path(), name, &bytes);
        assert_eq!(read["hash"], want["hash"], "{name}: {read:#}");
        assert_eq!(read["errors"], 0, "{name}");
    }
}

#[test]
fn an_ovop_sheet_saved_by_excel_on_indonesian_windows_reads_the_same_every_way() {
    let mut rows = example_rows();
    for row in &mut rows {
        match row.first().map(String::as_str) {
            Some("#name") if row.len() == 2 => row[1] = "Kopi Luwak Café, señor".into(),
            _ => {}
        }
        for cell in row.iter_mut() {
            if cell == "Produksi musiman" {
                *cell = "Produksi musiman (jalapeño, crème brûlée)".into();
            }
        }
    }
    assert!(csv_text(&rows, b',', false).contains("Café"));
    every_way_excel_saves_reads_the_same(&rows, WINDOWS_1252);
}

#[test]
fn an_ocop_sheet_saved_by_excel_on_vietnamese_windows_reads_the_same_every_way() {
    let mut rows = example_rows();
    for row in &mut rows {
        match row.first().map(String::as_str) {
            Some("#programme") => row[1] = "ocop".into(),
            Some("#language") => row[1] = "vi".into(),
            Some("#name") if row.len() == 2 => row[1] = "Nước mắm Phú Quốc".into(),
            _ => {}
        }
        for cell in row.iter_mut() {
            *cell = match cell.as_str() {
                "Produksi musiman" => "Sản xuất theo mùa".into(),
                "Produksi rutin bulanan" => "Sản xuất đều đặn hằng tháng".into(),
                "Kemasan sederhana" => "Bao bì đơn giản; chưa có nhãn".into(),
                _ => std::mem::take(cell),
            };
        }
    }
    assert!(csv_text(&rows, b',', false).contains("Nước mắm Phú Quốc"));
    every_way_excel_saves_reads_the_same(&rows, WINDOWS_1258);
}
