//! A criteria file's bytes read into a checked set: a workbook (XLSX; the command line and the
//! app also take XLSM, XLS and ODS) or CSV text into [`Table`]s, then [`read_table`]; JSON
//! through [`check_json`]. Behind the `spreadsheet` feature, so that only the crates that read
//! spreadsheets (the command line, the app, the server) build calamine and csv. Nothing here
//! opens a file: the caller passes the bytes it read or received.
//!
//! Untrusted bytes (an upload) are bounded before they are unpacked: a workbook's parts are
//! unpacked and counted against [`MAX_UNPACKED`] first, and its cells are read one by one
//! (never as one dense range) within [`MAX_ROWS`] and [`MAX_COLUMNS`].
//!
//! Text goes through the one decoder of imported files ([`crate::text::decode_import`]): UTF-8
//! (with or without a byte-order mark), UTF-16 with its byte-order mark, or, for a CSV file,
//! the ANSI code page Excel saves a plain "CSV" in on Windows: Windows-1258 when the sheet
//! declares the OCOP programme or Vietnamese (`#programme,ocop`, `#language,vi`), which Excel on
//! Vietnamese Windows writes, else Windows-1252. A file that is no text in it is refused with
//! `criteria.encoding`. JSON is always Unicode.

// A finding is a cell's error with where it is: returned a few times per sheet, never in a
// loop that counts, so it is not boxed.
#![allow(clippy::result_large_err)]

use std::io::{Cursor, Read};

use calamine::{open_workbook_auto_from_rs, open_workbook_from_rs, Data, Reader, Xlsx};

use crate::codes::Code;
use crate::criteria::Programme;
use crate::tabular::{check_json, read_table, Checked, SheetFinding, Table};
use crate::text::{csv_delimiter, decode_import, CodePage};

/// The most a workbook may unpack to (its sheet, shared strings and styles together).
pub const MAX_UNPACKED: u64 = 32 * 1024 * 1024;
/// The most rows a criteria sheet may use (a long sheet has a few hundred).
pub const MAX_ROWS: u32 = 10_000;
/// The most columns a criteria sheet may use.
pub const MAX_COLUMNS: u32 = 200;

/// What a criteria file is, by its name's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Json,
    /// XLSX or XLSM, read cell by cell.
    Xlsx,
    /// XLS or ODS, read whole by calamine: only for files the user picked on their own machine.
    OtherWorkbook,
    Csv,
}

impl FileKind {
    pub fn of(name: &str) -> Option<FileKind> {
        let ext = name
            .rsplit_once('.')
            .map(|(_, ext)| ext.to_ascii_lowercase())?;
        match ext.as_str() {
            "json" => Some(FileKind::Json),
            "xlsx" | "xlsm" => Some(FileKind::Xlsx),
            "xls" | "ods" => Some(FileKind::OtherWorkbook),
            "csv" | "txt" | "tsv" => Some(FileKind::Csv),
            _ => None,
        }
    }
}

/// The file's name without its folders (a browser may send a whole Windows path).
fn base_name(name: &str) -> &str {
    name.rsplit(['/', '\\']).next().unwrap_or(name)
}

/// Reads and checks a criteria file named `name` (its extension says what it is) from its
/// bytes: every finding, and the set when none is an error.
pub fn read_criteria(name: &str, bytes: &[u8]) -> Checked {
    let name = base_name(name);
    let read = match FileKind::of(name) {
        Some(FileKind::Json) => {
            return match decode_text(name, bytes, None) {
                Ok(text) => check_json(name, &text),
                Err(finding) => Checked::refused(finding),
            }
        }
        Some(FileKind::Xlsx) => read_xlsx(bytes),
        Some(FileKind::OtherWorkbook) => read_other_workbook(bytes),
        Some(FileKind::Csv) => read_csv(name, bytes),
        None => Err(SheetFinding::file(
            Code::CriteriaFileType,
            name,
            "a criteria file is .xlsx, .csv or .json",
        )),
    };
    match read {
        Ok(table) => read_table(&table),
        Err(mut finding) => {
            if finding.sheet.is_empty() {
                finding.sheet = name.to_string();
            }
            Checked::refused(finding)
        }
    }
}

/// A criteria file's text: Unicode, or a plain CSV read in `ansi` (none for JSON).
pub fn decode_text(
    name: &str,
    bytes: &[u8],
    ansi: Option<CodePage>,
) -> Result<String, SheetFinding> {
    decode_import(bytes, ansi)
        .map_err(|e| SheetFinding::file(Code::CriteriaEncoding, name, e.to_string()))
}

/// The lines of a text, ended by LF, CRLF or a lone CR (old Mac files).
fn lines(text: &str) -> std::str::Split<'_, [char; 2]> {
    text.split(['\r', '\n'])
}

/// A settings row (`#id,...`, `"#id";...`), not the header or a level.
fn is_setting(line: &str) -> bool {
    line.trim_start().trim_start_matches('"').starts_with('#')
}

/// The code page a plain CSV sheet was most likely saved in: Vietnamese Windows' when the sheet
/// declares the OCOP programme or Vietnamese as its language, else Western Windows'. The settings
/// rows are ASCII in every code page, so they are read before the text is decoded.
fn declared_code_page(bytes: &[u8]) -> CodePage {
    let text = String::from_utf8_lossy(bytes);
    let setting = |key: &str| {
        lines(&text).find_map(|line| {
            let cells: Vec<&str> = line.split([',', ';', '\t']).collect();
            let cell = |i: usize| cells.get(i).map(|c| c.trim().trim_matches('"').trim());
            cell(0)
                .filter(|k| k.eq_ignore_ascii_case(key))
                .and(cell(1))
                .map(str::to_ascii_lowercase)
        })
    };
    let by_programme = setting("#programme")
        .as_deref()
        .and_then(Programme::parse)
        .map(CodePage::of_programme);
    let by_language = setting("#language").map(|l| CodePage::of_language(&l));
    if by_programme == Some(CodePage::Windows1258) || by_language == Some(CodePage::Windows1258) {
        CodePage::Windows1258
    } else {
        CodePage::Windows1252
    }
}

/// Refuses a workbook that would unpack to more than [`MAX_UNPACKED`], by unpacking it into
/// nothing first (what a part's header claims is not believed).
fn check_unpacked(bytes: &[u8]) -> Result<(), SheetFinding> {
    let broken =
        |e: String| SheetFinding::file(Code::CriteriaNotASpreadsheet, "", broken_workbook(&e));
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| broken(e.to_string()))?;
    let mut left = MAX_UNPACKED;
    for i in 0..archive.len() {
        let part = archive.by_index(i).map_err(|e| broken(e.to_string()))?;
        let read = std::io::copy(&mut part.take(left + 1), &mut std::io::sink())
            .map_err(|e| broken(e.to_string()))?;
        if read > left {
            return Err(SheetFinding::file(
                Code::CriteriaSheetTooLarge,
                "",
                format!(
                    "the workbook unpacks to more than {} MB; a criteria sheet is far smaller",
                    MAX_UNPACKED / (1024 * 1024)
                ),
            ));
        }
        left -= read;
    }
    Ok(())
}

fn broken_workbook(detail: &str) -> String {
    format!("the file is not an Excel workbook (.xlsx), or it is damaged ({detail})")
}

/// The first sheet of an XLSX workbook, cell by cell, every cell as text (whole numbers
/// without ".0"). Rows keep their numbers: a sheet that starts below row 1 is padded, so a
/// finding names the row the office sees.
pub fn read_xlsx(bytes: &[u8]) -> Result<Table, SheetFinding> {
    if !bytes.starts_with(b"PK\x03\x04") {
        return Err(SheetFinding::file(
            Code::CriteriaNotASpreadsheet,
            "",
            broken_workbook("it does not begin as one"),
        ));
    }
    check_unpacked(bytes)?;
    let broken =
        |e: String| SheetFinding::file(Code::CriteriaNotASpreadsheet, "", broken_workbook(&e));
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e: calamine::XlsxError| broken(e.to_string()))?;
    let sheet = book
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| broken("it has no sheets".into()))?;
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut cells = book
        .worksheet_cells_reader(&sheet)
        .map_err(|e| broken(e.to_string()))?;
    while let Some(cell) = cells.next_cell().map_err(|e| broken(e.to_string()))? {
        let (row, column) = cell.get_position();
        if row >= MAX_ROWS || column >= MAX_COLUMNS {
            return Err(SheetFinding {
                row: Some(row as usize + 1),
                column: Some(crate::tabular::column_letter(column as usize)),
                ..SheetFinding::file(
                    Code::CriteriaSheetTooLarge,
                    &sheet,
                    format!(
                        "a criteria sheet uses at most {MAX_ROWS} rows and {MAX_COLUMNS} columns; clear the cells beyond them"
                    ),
                )
            });
        }
        let text = cell_text(&Data::from(cell.get_value().clone()));
        if text.is_empty() {
            continue;
        }
        let (row, column) = (row as usize, column as usize);
        if rows.len() <= row {
            rows.resize(row + 1, Vec::new());
        }
        let cells = &mut rows[row];
        if cells.len() <= column {
            cells.resize(column + 1, String::new());
        }
        cells[column] = text;
    }
    Ok(Table { sheet, rows })
}

/// The first sheet of an XLS or ODS workbook, read whole by calamine.
pub fn read_other_workbook(bytes: &[u8]) -> Result<Table, SheetFinding> {
    if bytes.starts_with(b"PK\x03\x04") {
        check_unpacked(bytes)?;
    }
    let broken =
        |e: String| SheetFinding::file(Code::CriteriaNotASpreadsheet, "", broken_workbook(&e));
    let mut book =
        open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| broken(e.to_string()))?;
    let sheet = book
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| broken("it has no sheets".into()))?;
    let range = book
        .worksheet_range(&sheet)
        .map_err(|e| broken(e.to_string()))?;
    let start_row = range.start().map(|(r, _)| r as usize).unwrap_or(0);
    let start_col = range.start().map(|(_, c)| c as usize).unwrap_or(0);
    let mut rows = vec![Vec::new(); start_row];
    for row in range.rows() {
        let mut cells = vec![String::new(); start_col];
        cells.extend(row.iter().map(cell_text));
        rows.push(cells);
    }
    Ok(Table { sheet, rows })
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => {
            let (y, m, day, ..) = d.to_ymd_hms_milli();
            format!("{y:04}-{m:02}-{day:02}")
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// A CSV file (comma-, semicolon- or tab-separated: Excel in Indonesian and Vietnamese locales
/// saves with semicolons, "Unicode text" with tabs; lines end in LF, CRLF or CR) as one table
/// named after the file.
pub fn read_csv(name: &str, bytes: &[u8]) -> Result<Table, SheetFinding> {
    let name = base_name(name);
    let text = decode_text(name, bytes, Some(declared_code_page(bytes)))?;
    let mut filled = lines(&text).filter(|l| !l.trim().is_empty());
    let first = filled.clone().next().unwrap_or("");
    let header = filled.find(|l| !is_setting(l)).unwrap_or(first);
    let delimiter = csv_delimiter(header);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let mut finding = SheetFinding::file(Code::CriteriaSpreadsheet, name, e.to_string());
            finding.row = e.position().map(|p| p.line() as usize);
            finding
        })?;
        // Place each record on its own line number: the reader skips blank lines (and counts
        // them into the next record's start), and a finding must name the row the office sees.
        let line = record
            .position()
            .map(|p| line_of(&text, p.byte() as usize))
            .unwrap_or(rows.len() + 1);
        if line > MAX_ROWS as usize {
            let mut finding = SheetFinding::file(
                Code::CriteriaSheetTooLarge,
                name,
                format!("a criteria sheet uses at most {MAX_ROWS} rows"),
            );
            finding.row = Some(line);
            return Err(finding);
        }
        rows.resize(line.saturating_sub(1).max(rows.len()), Vec::new());
        rows.push(record.iter().map(str::to_string).collect());
    }
    Ok(Table {
        sheet: name.to_string(),
        rows,
    })
}

/// The 1-based line a record starting at `byte` is on, past the blank lines before it.
fn line_of(text: &str, byte: usize) -> usize {
    let start = text.get(byte..).map_or(byte, |rest| {
        byte + (rest.len() - rest.trim_start_matches(['\r', '\n']).len())
    });
    let before = text.get(..start).unwrap_or(text);
    // A lone CR ends a line too (old Mac files); CRLF counts once.
    1 + before.matches('\n').count() + before.matches('\r').count() - before.matches("\r\n").count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::samples::{encoded, utf16, windows_1258_form};
    use crate::text::CodePage;

    const SHEET: &str = "#id,contoh\n#version,1\n#programme,ovop\n#name,Contoh\n#stars,1:0,2:3\npart,section,code,points,level\nA,1,1.1,1,Rendah\n,,,3,Tinggi\n";

    #[test]
    fn csv_in_utf8_with_and_without_bom_utf16_and_crlf_reads_the_same_set() {
        let plain = read_criteria("a.csv", SHEET.as_bytes());
        let set = plain.set.clone().expect("the set");
        let crlf = SHEET.replace('\n', "\r\n");
        let with_bom = [b"\xEF\xBB\xBF".as_slice(), crlf.as_bytes()].concat();
        let tabs = SHEET.replace(',', "\t").replace("\n", "\r\n");
        for (what, bytes) in [
            ("BOM and CRLF", with_bom),
            ("UTF-16 LE tabs", utf16(&tabs, false)),
            ("UTF-16 BE", utf16(SHEET, true)),
        ] {
            let read = read_criteria("a.csv", &bytes);
            assert_eq!(
                read.set.as_ref(),
                Some(&set),
                "{what}: {:#?}",
                read.findings
            );
        }
    }

    #[test]
    fn a_plain_csv_from_western_windows_is_read_in_windows_1252_with_semicolons() {
        let sheet = SHEET
            .replace("Contoh", "Kopi Luwak Café")
            .replace("Tinggi", "Jalapeño");
        let set = read_criteria("a.csv", sheet.as_bytes())
            .set
            .expect("the set");
        assert_eq!(set.name.get("id", "id"), "Kopi Luwak Café");
        let excel = sheet.replace(',', ";").replace('\n', "\r\n");
        let bytes = encoded(&excel, CodePage::Windows1252);
        assert!(std::str::from_utf8(&bytes).is_err());
        let read = read_criteria("a.csv", &bytes);
        assert_eq!(read.set.as_ref(), Some(&set), "{:#?}", read.findings);
    }

    #[test]
    fn a_plain_csv_of_an_ocop_sheet_is_read_in_windows_1258_and_composed() {
        let sheet = SHEET
            .replace("#programme,ovop", "#programme,ocop")
            .replace("Contoh", "Nước mắm Phú Quốc")
            .replace("Rendah", "Thấp")
            .replace("Tinggi", "Cao");
        let set = read_criteria("a.csv", sheet.as_bytes())
            .set
            .expect("the set");
        let bytes = encoded(
            &windows_1258_form(&sheet).replace('\n', "\r\n"),
            CodePage::Windows1258,
        );
        let read = read_criteria("a.csv", &bytes);
        assert_eq!(read.set.as_ref(), Some(&set), "{:#?}", read.findings);
        assert_eq!(
            read.set
                .map(|s| s.name.get("id", "id").to_string())
                .as_deref(),
            Some("Nước mắm Phú Quốc")
        );
        // Declared by its language alone (the setting's name in capitals, its value quoted).
        let by_language = sheet
            .replace("#programme,ocop", "#PROGRAMME,\"other\"")
            .replace("#version,1", "#version,1\n#language,vi");
        let want = read_criteria("a.csv", by_language.as_bytes()).set;
        assert!(want.is_some());
        let bytes = encoded(&windows_1258_form(&by_language), CodePage::Windows1258);
        assert_eq!(read_criteria("a.csv", &bytes).set, want);
    }

    #[test]
    fn bytes_that_are_no_text_are_refused_with_their_code() {
        // UTF-16 without its byte-order mark: NUL characters.
        let bare = &utf16(SHEET, false)[2..];
        assert_eq!(
            read_criteria("a.csv", bare).findings[0].code,
            "criteria.encoding"
        );
        // Cut in the middle of a UTF-16 unit.
        let cut = &utf16(SHEET, false)[..9];
        assert_eq!(
            read_criteria("a.csv", cut).findings[0].code,
            "criteria.encoding"
        );
        // A byte no code page defines.
        let read = read_criteria("a.csv", b"#id,caf\xe9\x81\n");
        assert_eq!(read.findings[0].code, "criteria.encoding");
        assert!(
            read.findings[0].message.contains("0x81"),
            "{:?}",
            read.findings
        );
        // JSON is Unicode: a Windows-1252 one is refused, not read in a code page.
        let read = read_criteria("a.json", b"{\"id\": \"caf\xe9\"}");
        assert_eq!(read.findings[0].code, "criteria.encoding");
        assert!(
            read.findings[0].message.contains("0xE9"),
            "{:?}",
            read.findings
        );
    }

    #[test]
    fn bytes_that_are_no_workbook_and_files_of_another_kind_are_refused() {
        let read = read_criteria("lembar.xlsx", b"not a spreadsheet at all");
        assert_eq!(read.findings[0].code, "criteria.not_a_spreadsheet");
        let read = read_criteria("lembar.xlsx", b"PK\x03\x04 and then nothing");
        assert_eq!(read.findings[0].code, "criteria.not_a_spreadsheet");
        let read = read_criteria("lembar.pdf", b"%PDF-1.4");
        assert_eq!(read.findings[0].code, "criteria.file_type");
        assert_eq!(read.findings[0].sheet, "lembar.pdf");
    }

    #[test]
    fn a_workbook_that_unpacks_to_too_much_is_refused_before_it_is_read() {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let deflated = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("xl/sharedStrings.xml", deflated).unwrap();
        let blanks = vec![b' '; 1024 * 1024];
        for _ in 0..=MAX_UNPACKED / (1024 * 1024) {
            zip.write_all(&blanks).unwrap();
        }
        let bytes = zip.finish().unwrap().into_inner();
        assert!(bytes.len() < 1024 * 1024, "{} bytes", bytes.len());
        let read = read_criteria("lembar.xlsx", &bytes);
        assert_eq!(read.findings[0].code, "criteria.sheet_too_large");
    }

    /// The smallest XLSX workbook with one sheet holding `cells` (`<c>` elements by row).
    fn workbook(cells: &str) -> Vec<u8> {
        use std::io::Write;
        let parts = [
            ("[Content_Types].xml", r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_string()),
            ("_rels/.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_string()),
            ("xl/workbook.xml", r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Lembar" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_string()),
            ("xl/_rels/workbook.xml.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.to_string()),
            ("xl/worksheets/sheet1.xml", format!(r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{cells}</sheetData></worksheet>"#)),
        ];
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, text) in parts {
            zip.start_file(name, zip::write::SimpleFileOptions::default())
                .unwrap();
            zip.write_all(text.as_bytes()).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    #[test]
    fn a_workbook_is_read_cell_by_cell_and_a_cell_far_out_is_refused_not_allocated() {
        let text = |r: u32, c: &str, t: &str| {
            format!(r#"<row r="{r}"><c r="{c}{r}" t="inlineStr"><is><t>{t}</t></is></c></row>"#)
        };
        let table = read_xlsx(&workbook(&format!(
            "{}{}",
            text(2, "B", "#id"),
            text(4, "C", "kode")
        )))
        .expect("a table");
        assert_eq!(table.sheet, "Lembar");
        assert_eq!(table.rows.len(), 4);
        assert_eq!(
            (table.rows[1][1].as_str(), table.rows[3][2].as_str()),
            ("#id", "kode")
        );
        // One cell at A1 and one at XFD1048576 would be a range of 17 billion cells.
        let far = workbook(&format!(
            "{}{}",
            text(1, "A", "#id"),
            text(1_048_576, "XFD", "x")
        ));
        let refused = read_xlsx(&far).expect_err("refused");
        assert_eq!(refused.code, "criteria.sheet_too_large");
        assert_eq!(refused.row, Some(1_048_576));
    }

    #[test]
    fn every_finding_of_a_csv_is_collected_with_its_row() {
        let bad = SHEET
            .replace(",,,3,Tinggi", ",,,tiga,Tinggi")
            .replace("#programme,ovop", "#programme,ovpo");
        let read = read_criteria("C:\\Kantor\\lembar.csv", bad.as_bytes());
        let rows: Vec<Option<usize>> = read.errors().map(|f| f.row).collect();
        assert_eq!(rows, [Some(3), Some(8)], "{:#?}", read.findings);
        assert!(read.findings.iter().all(|f| f.sheet == "lembar.csv"));
    }

    #[test]
    fn lines_ended_by_a_lone_cr_read_the_same_set() {
        let set = read_criteria("a.csv", SHEET.as_bytes())
            .set
            .expect("the set");
        let mac = SHEET.replace(',', ";").replace('\n', "\r");
        let read = read_criteria("a.csv", mac.as_bytes());
        assert_eq!(read.set.as_ref(), Some(&set), "{:#?}", read.findings);
    }

    #[test]
    fn the_delimiter_is_sniffed_from_the_header_outside_quotes() {
        // The header's quoted cell holds commas; its cells are separated by semicolons.
        let text = "#id;contoh\n\"part\";\"section, its code\";code\n\"A, B\";1;1.1\n";
        let table = read_csv("x.csv", text.as_bytes()).expect("a table");
        assert_eq!(table.rows[1], ["part", "section, its code", "code"]);
        assert_eq!(table.rows[2], ["A, B", "1", "1.1"]);
    }

    #[test]
    fn a_semicolon_sheet_and_blank_lines_keep_their_row_numbers() {
        let text = SHEET.replace(',', ";").replace("part;", "\npart;");
        let table = read_csv("x.csv", text.as_bytes()).expect("a table");
        assert_eq!(table.rows[6][0], "part");
        assert!(read_table(&table).set.is_some());
    }
}
