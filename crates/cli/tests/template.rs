//! The OCOP 148 template (`assets/criteria/template-ocop-148.xlsx`): the committed workbook holds
//! exactly the cells `ovop criteria template` writes (`UPDATE_TEMPLATE=1` rewrites it), it is
//! not a set until criteria are typed in, and with a few criteria typed in it reads into a valid
//! set of Decision 148 whose parts add up to 40, 25 and 35.

use std::path::{Path, PathBuf};
use std::process::Command;

use calamine::{Data, Reader, Xlsx};
use ovop_core::tabular::{read_table, Table};

fn committed() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/criteria/template-ocop-148.xlsx")
}

fn ovop(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_ovop"))
        .args(args)
        .output()
        .expect("run ovop");
    assert!(
        out.status.success(),
        "ovop {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The first sheet's name and its cells as text, read back with calamine (trailing blanks
/// dropped, so the comparison is of what a person sees).
fn cells(path: &Path) -> (String, Vec<Vec<String>>) {
    let mut book: Xlsx<_> = calamine::open_workbook(path).expect("a workbook");
    let name = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&name).expect("the first sheet");
    let (top, left) = range.start().expect("cells");
    let mut rows = vec![Vec::new(); top as usize];
    for row in range.rows() {
        let mut texts = vec![String::new(); left as usize];
        texts.extend(row.iter().map(|cell| match cell {
            Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
            other => other.to_string(),
        }));
        while texts.last().is_some_and(String::is_empty) {
            texts.pop();
        }
        rows.push(texts);
    }
    (name, rows)
}

#[test]
fn the_committed_template_holds_the_cells_the_command_writes() {
    let dir = tempfile::tempdir().unwrap();
    let written = dir.path().join("template.xlsx");
    ovop(&["criteria", "template", "-o", written.to_str().unwrap()]);
    if std::env::var_os("UPDATE_TEMPLATE").is_some() {
        std::fs::copy(&written, committed()).expect("rewrite the committed template");
    }
    let (name, rows) = cells(&written);
    assert_eq!(name, "Phiếu 148");
    assert_eq!(
        cells(&committed()),
        (name, rows),
        "assets/criteria/template-ocop-148.xlsx is not what `ovop criteria template` writes; run `UPDATE_TEMPLATE=1 cargo test -p ovop --test template` and commit it"
    );
}

/// A level row typed under a section: code (blank after the first), criterion, points, level.
type Typed<'a> = (&'a str, &'a str, u32, &'a str);

/// The template's rows with `typed` criteria rows put under the note of each section
/// (`↓ Mục 4: ...`).
fn typed_in(rows: &[Vec<String>], typed: &[(&str, &[Typed])]) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for row in rows {
        out.push(row.clone());
        let note = row.get(1).map(String::as_str).unwrap_or("");
        for (section, criteria) in typed {
            if row[0] == "#note" && note.starts_with(&format!("↓ Mục {section}:")) {
                for (code, text, points, level) in criteria.iter() {
                    let mut cells = vec![String::new(); 9];
                    cells[5] = code.to_string();
                    cells[6] = text.to_string();
                    cells[7] = points.to_string();
                    cells[8] = level.to_string();
                    out.push(cells);
                }
            }
        }
    }
    out
}

#[test]
fn the_template_reads_into_a_set_of_decision_148_once_criteria_are_typed_in() {
    let (sheet, rows) = cells(&committed());
    // As it ships: every setting and the frame read, but no section has a criterion yet; each
    // empty section is named on its row.
    let empty = read_table(&Table {
        sheet: sheet.clone(),
        rows: rows.clone(),
    });
    assert!(empty.usable().is_none());
    let unread: Vec<_> = empty.read_errors().collect();
    assert!(unread.is_empty(), "{unread:#?}");
    let sections: Vec<Option<usize>> = empty
        .findings
        .iter()
        .filter(|f| f.code == "empty_section")
        .map(|f| f.row)
        .collect();
    assert_eq!(sections.len(), 6, "{:#?}", empty.findings);
    assert!(sections.iter().all(|row| row.is_some()));

    let typed = typed_in(
        &rows,
        &[
            (
                "1",
                &[
                    ("1.1", "Nguồn nguyên liệu", 0, "Không rõ nguồn gốc"),
                    ("", "", 5, "Một phần trong tỉnh"),
                    ("", "", 15, "Toàn bộ trong tỉnh"),
                ],
            ),
            (
                "2",
                &[
                    ("2.1", "Bao bì", 0, "Chưa có"),
                    ("", "", 10, "Có nhãn đầy đủ"),
                ],
            ),
            (
                "3",
                &[("3.1", "Liên kết", 0, "Không"), ("", "", 15, "Có hợp đồng")],
            ),
            (
                "4",
                &[("4.1", "Kênh bán", 0, "Tại chỗ"), ("", "", 15, "Toàn quốc")],
            ),
            (
                "5",
                &[("5.1", "Câu chuyện", 0, "Không có"), ("", "", 10, "Có")],
            ),
            (
                "6",
                &[("6.1", "Cảm quan", 0, "Không đạt"), ("", "", 35, "Đạt")],
            ),
        ],
    );
    let checked = read_table(&Table {
        sheet,
        rows: typed.clone(),
    });
    assert!(!checked.has_errors(), "{:#?}", checked.findings);
    let set = checked.usable().expect("a valid set");
    let parts: Vec<(&str, u32)> = set
        .parts
        .iter()
        .map(|p| (p.code.as_str(), p.criteria().map(|c| c.max_points()).sum()))
        .collect();
    assert_eq!(parts, [("A", 40), ("B", 25), ("C", 35)]);
    assert_eq!((set.computed_max(), set.max_total), (100, Some(100)));
    let bands: Vec<(u8, u32)> = set.stars.bands.iter().map(|b| (b.star, b.min)).collect();
    assert_eq!(bands, [(1, 0), (2, 30), (3, 50), (4, 70), (5, 90)]);
    assert_eq!(set.effective.from.as_deref(), Some("2023-02-24"));
    assert_eq!(
        set.legal_basis,
        ["Quyết định 148/QĐ-TTg ngày 24/02/2023".to_string()]
    );
    assert_eq!(set.language, "vi");
    assert_eq!(
        set.parts[0].name.get("vi", "vi"),
        "Sản phẩm và sức mạnh cộng đồng"
    );
    assert_eq!(set.parts[2].name.get("en", "vi"), "Product quality");
    assert!(
        set.remarks[0].get("vi", "vi").contains("làm tròn"),
        "the remark says what is not certain"
    );

    // The same rows as a workbook, through the command line.
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("ocop-148.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    for (r, row) in typed.iter().enumerate() {
        for (c, cell) in row.iter().enumerate().filter(|(_, c)| !c.is_empty()) {
            ws.write_string(r as u32, c as u16, cell).unwrap();
        }
    }
    book.save(&xlsx).unwrap();
    let out = ovop(&[
        "criteria",
        "import",
        xlsx.to_str().unwrap(),
        "-o",
        dir.path().join("set.json").to_str().unwrap(),
    ]);
    assert!(out.contains("(6 criteria, maximum 100)"), "{out}");
}
