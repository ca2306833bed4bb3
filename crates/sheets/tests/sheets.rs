//! The sheets as a district office gets them: real PDFs checked with poppler (`pdftotext`,
//! `pdfinfo`), `qpdf --check` and a QR decoder (`zbarimg` on a `pdftoppm` render).

use std::path::{Path, PathBuf};

#[path = "../../../tests/support/host.rs"]
mod host;
mod support;

use ovop_core::{content_hash, Rubric};
use ovop_sheets::{Blank, Fonts, Lang};
use support::{council_sheet, filled_sheet, repo, set};

fn tool(name: &str, args: &[&str]) -> (bool, String) {
    let out = host::run(name, args);
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write");
    path
}

fn stdout(name: &str, args: &[&str]) -> String {
    let out = host::run(name, args);
    assert!(
        out.status.success(),
        "{name} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// What poppler, qpdf and a QR decoder make of a PDF: its text, its page count and the text of
/// the QR code on the first page.
struct Checked {
    text: String,
    pages: usize,
    qr: String,
}

fn check(bytes: &[u8]) -> Checked {
    let dir = tempfile::tempdir().expect("temp");
    let pdf = write(dir.path(), "sheet.pdf", bytes);
    let pdf = pdf.to_str().expect("path");
    let (ok, qpdf) = tool("qpdf", &["--check", pdf]);
    assert!(
        ok && qpdf.contains("No syntax or stream encoding errors"),
        "qpdf: {qpdf}"
    );
    let info = stdout("pdfinfo", &[pdf]);
    let pages = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("pdfinfo gives the pages");
    assert!(info.contains("A4"), "{info}");
    let text = stdout("pdftotext", &["-layout", pdf, "-"]);
    let png = dir.path().join("page");
    stdout(
        "pdftoppm",
        &[
            "-png",
            "-r",
            "150",
            "-f",
            "1",
            "-l",
            "1",
            pdf,
            png.to_str().expect("path"),
        ],
    );
    let first = std::fs::read_dir(dir.path())
        .expect("dir")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "png"))
        .expect("a rendered page");
    let qr = stdout("zbarimg", &["--raw", "-q", first.to_str().expect("path")])
        .trim()
        .to_string();
    Checked { text, pages, qr }
}

/// pdftotext's lines with their spacing squeezed, to find a phrase however the line was laid out.
/// Page `n` of a PDF file as text, white space squeezed.
fn page_text(pdf: &Path, n: usize) -> String {
    let page = n.to_string();
    squeezed(&stdout(
        "pdftotext",
        &["-f", &page, "-l", &page, pdf.to_str().unwrap(), "-"],
    ))
}

fn squeezed(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn a_filled_vietnamese_sheet_has_its_text_its_pages_and_a_qr_code_that_names_the_record() {
    let sheet = filled_sheet("ocop-1048-06", Lang::Vi);
    let bytes = ovop_sheets::filled(&sheet, &Fonts::bundled()).expect("a sheet");
    let checked = check(&bytes);
    let text = squeezed(&checked.text);
    for expected in [
        "PHIẾU ĐÁNH GIÁ SẢN PHẨM · OCOP",
        "Cà phê bột Đắk Hà nguyên chất",
        "Hợp tác xã Nông nghiệp Đắk Hà",
        "Xã Hà Mòn (VN-23440)",
        "14.523456, 107.912345",
        "ngày 20 tháng 11 năm 2026",
        // Finalised at 09:41 UTC: the footer says when in Vietnam's time.
        "chốt 16:41 ICT ngày 20 tháng 11 năm 2026",
        "Nguyễn Thị Hương",
        "Giấy chứng nhận ATTP",
        "(ký và ghi rõ họ tên)",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} is on the sheet: {text}"
        );
    }
    // Every criterion's text, and the total.
    for criterion in sheet.set.criteria() {
        let title = squeezed(criterion.text.get("vi", "vi"));
        let start: String = title.chars().take(24).collect();
        assert!(text.contains(&start), "{} {start:?}", criterion.code);
    }
    assert!(
        text.contains(&format!(
            "Tổng điểm {} / {}",
            sheet.result.total, sheet.result.max_total
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!("Trang {0}/{0}", checked.pages)),
        "page n of m on the last page"
    );
    assert!(checked.pages >= 3, "{} pages", checked.pages);
    assert_eq!(checked.qr, ovop_sheets::trace_code(&sheet.trace));
    assert!(checked
        .qr
        .starts_with("OVOP:A:0192f5c4-7d1a-7b31-9c55-3e1f0a2b4c6d:2:sha256:"));
}

#[test]
fn the_same_assessment_gives_the_same_bytes() {
    let sheet = filled_sheet("ocop-1048-06", Lang::Vi);
    let fonts = Fonts::bundled();
    let first = ovop_sheets::filled(&sheet, &fonts).expect("a sheet");
    let second = ovop_sheets::filled(&sheet, &fonts).expect("a sheet");
    assert!(first == second, "two renders of one record differ");
    let mut other = sheet.clone();
    other.trace.revision = 3;
    assert!(ovop_sheets::filled(&other, &fonts).expect("a sheet") != first);
    // Dated from the record, not from the clock.
    let text = String::from_utf8_lossy(&first);
    assert!(
        text.contains("D:20261120094100"),
        "the creation date is the record's"
    );
}

#[test]
fn an_indonesian_sheet_marks_gates_and_a_knock_out_and_says_why_the_stars_differ() {
    let mut sheet = filled_sheet("ovop-id-template", Lang::Id);
    let rubric = Rubric::new(sheet.set.clone()).expect("rubric");
    sheet.answers.knockouts.push("4.3".into());
    sheet.answers.notes.insert(
        "1.1".into(),
        "Bahan baku dari petani Desa Tapin Bini.".into(),
    );
    sheet.result = rubric.score(&sheet.answers).expect("scores");
    sheet.verdict = rubric.verdict(&sheet.result);
    let bytes = ovop_sheets::filled(&sheet, &Fonts::bundled()).expect("a sheet");
    let text = squeezed(&check(&bytes).text);
    for expected in [
        "LEMBAR PENILAIAN PRODUK · OVOP",
        "Syarat awal",
        "Terpenuhi",
        "Kondisi gugur ditemukan",
        "Catatan: Bahan baku dari petani Desa Tapin Bini.",
        "Tanpa bintang",
        "Gugur pada 4.3",
        "KWT Melati Sejahtera",
        "Tapin Bini (63.05.04.2007)",
        // Finalised at 09:41 UTC in Tapin, South Kalimantan: 17.41 Central Indonesian Time.
        "final 20 November 2026, pukul 17.41 WITA",
        "Budi Santoso",
    ] {
        assert!(text.contains(expected), "{expected:?}: {text}");
    }
}

#[test]
fn a_blank_sheet_has_a_box_per_level_room_to_write_and_a_qr_code_that_names_its_set() {
    let set = set("ocop-1048-06");
    let hash = content_hash(&set);
    let sheet = Blank {
        lang: Lang::Id,
        set: set.clone(),
        set_hash: hash.clone(),
    };
    let bytes = ovop_sheets::blank(&sheet, &Fonts::bundled()).expect("a blank sheet");
    let checked = check(&bytes);
    let text = squeezed(&checked.text);
    assert!(
        text.contains("LEMBAR PENILAIAN PRODUK (KOSONG) · OCOP"),
        "{text}"
    );
    assert!(
        text.contains("Beri tanda centang pada satu tingkat per kriteria"),
        "{text}"
    );
    assert!(text.contains("Jumlah poin"), "{text}");
    assert_eq!(
        checked.qr,
        ovop_sheets::set_code(&set.id, &set.version, &hash)
    );
    // Every level of every criterion is on the paper.
    let levels: usize = set.criteria().map(|c| c.levels.len()).sum();
    let boxes = text.matches(" poin").count();
    assert!(boxes >= levels, "{levels} levels, {boxes} on the paper");
}

#[test]
fn the_three_catalogues_have_the_same_words() {
    let read = |lang: &str| -> serde_json::Map<String, serde_json::Value> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("i18n/{lang}.json"));
        serde_json::from_str(&std::fs::read_to_string(path).expect("catalogue")).expect("json")
    };
    let id = read("id");
    for lang in ["en", "vi"] {
        let other = read(lang);
        let missing: Vec<_> = id.keys().filter(|k| !other.contains_key(*k)).collect();
        let extra: Vec<_> = other.keys().filter(|k| !id.contains_key(*k)).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{lang}: missing {missing:?}, extra {extra:?}"
        );
        assert_eq!(other["months"].as_array().map(Vec::len), Some(12));
    }
}

/// The reference sheets in `docs/sheets/` are what the code makes, object for object
/// (`UPDATE_SHEETS=1` writes them again, with a PNG of the first page of each).
#[test]
fn the_reference_sheets_are_what_the_code_makes_object_for_object() {
    let fonts = Fonts::bundled();
    let set06 = set("ocop-1048-06");
    let references = [
        (
            "filled-ocop-vi",
            ovop_sheets::filled(&filled_sheet("ocop-1048-06", Lang::Vi), &fonts).expect("filled"),
        ),
        (
            "filled-ovop-id",
            ovop_sheets::filled(&filled_sheet("ovop-id-template", Lang::Id), &fonts)
                .expect("filled"),
        ),
        (
            "receipt-ovop-id",
            ovop_sheets::receipt(&filled_sheet("ovop-id-template", Lang::Id), &fonts)
                .expect("receipt"),
        ),
        (
            "council-ovop-id",
            ovop_sheets::council(&council_sheet(), &fonts).expect("council"),
        ),
        (
            "minutes-ocop-vi",
            ovop_sheets::minutes(&support::minutes_sample(Lang::Vi), &fonts).expect("minutes"),
        ),
        (
            "recap-ovop-id",
            ovop_sheets::recap(&support::recap_sample(), Lang::Id, &fonts).expect("recap"),
        ),
        (
            "certificate-ocop-vi",
            ovop_sheets::certificate(&support::certificate_sample(Lang::Vi), &fonts)
                .expect("certificate"),
        ),
        ("batch-ovop-id", {
            let sheets = (0..3).map(|i| {
                let mut sheet = filled_sheet("ovop-id-template", Lang::Id);
                sheet.product.name =
                    ["Keripik Pisang Kepok", "Dodol Kandangan", "Tikar Purun"][i].into();
                sheet.trace.assessment_id = format!("0192f5c4-7d1a-7b31-9c55-3e1f0a2b4c6{i}");
                Ok(sheet)
            });
            let cover = ovop_sheets::Cover {
                lang: None,
                title: "Desa Tapin Bini (63.05.04.2007) · 20 November 2026".into(),
                made: "2026-11-21T08:00:00Z".into(),
                ..Default::default()
            };
            let mut bytes = Vec::new();
            ovop_sheets::batch(&cover, sheets, &fonts, &mut bytes).expect("batch");
            bytes
        }),
        (
            "blank-ocop-id",
            ovop_sheets::blank(
                &Blank {
                    lang: Lang::Id,
                    set_hash: content_hash(&set06),
                    set: set06,
                },
                &fonts,
            )
            .expect("blank"),
        ),
    ];
    let dir = repo().join("docs/sheets");
    for (name, bytes) in references {
        let path = dir.join(format!("{name}.pdf"));
        if std::env::var_os("UPDATE_SHEETS").is_some() {
            std::fs::create_dir_all(&dir).expect("docs/sheets");
            std::fs::write(&path, &bytes).expect("write the reference");
            let png = dir.join(name);
            stdout(
                "pdftoppm",
                &[
                    "-png",
                    "-r",
                    "60",
                    "-f",
                    "1",
                    "-l",
                    "1",
                    "-singlefile",
                    path.to_str().unwrap(),
                    png.to_str().unwrap(),
                ],
            );
        }
        let committed = std::fs::read(&path)
            .unwrap_or_else(|e| panic!("{}: {e}; run with UPDATE_SHEETS=1", path.display()));
        assert!(
            same_document(&committed, &bytes),
            "{name}.pdf differs from what the code makes now: run with UPDATE_SHEETS=1 and look at it"
        );
    }
    // The comparison sees a difference when there is one.
    let read = |name: &str| std::fs::read(dir.join(name)).expect("reference");
    assert!(!same_document(
        &read("filled-ocop-vi.pdf"),
        &read("filled-ovop-id.pdf")
    ));
}

/// The same document object for object, with every stream compared decompressed: the deflate
/// library a build links (miniz_oxide or zlib-rs, as other crates of the workspace choose) may
/// compress the same content into other bytes. Within one build the bytes are identical (see
/// `the_same_assessment_gives_the_same_bytes`).
fn same_document(a: &[u8], b: &[u8]) -> bool {
    use lopdf::Object;
    let (Ok(a), Ok(b)) = (lopdf::Document::load_mem(a), lopdf::Document::load_mem(b)) else {
        return false;
    };
    let plain = |object: &Object| -> Object {
        match object {
            Object::Stream(stream) => {
                let mut dict = stream.dict.clone();
                dict.remove(b"Length");
                dict.remove(b"Filter");
                let content = stream
                    .decompressed_content()
                    .unwrap_or_else(|_| stream.content.clone());
                Object::Stream(lopdf::Stream::new(dict, content))
            }
            other => other.clone(),
        }
    };
    a.objects.len() == b.objects.len()
        && a.objects.iter().all(|(id, object)| {
            b.objects
                .get(id)
                .is_some_and(|other| plain(object) == plain(other))
        })
}

#[test]
fn bad_input_gives_a_whole_pdf_or_a_coded_error() {
    let fonts = Fonts::bundled();
    // A criterion whose text is longer than a page: split between its lines, nothing lost.
    let mut long = filled_sheet("ovop-id-template", Lang::Id);
    let words =
        "Produk memakai bahan baku lokal yang ditanam sendiri oleh anggota kelompok. ".repeat(180);
    if let Some(first) = long.set.parts[0].sections[0].criteria.first_mut() {
        first
            .text
            .0
            .insert("id".into(), format!("{words}AKHIR-KRITERIA"));
    }
    // A product name of 500 characters, wrapped rather than cut.
    long.product.name = format!(
        "{}AKHIR-NAMA",
        "Keripik pisang kepok rasa original ".repeat(14)
    );
    assert!(long.product.name.chars().count() >= 500);
    let bytes =
        ovop_sheets::filled(&long, &fonts).expect("a sheet with a criterion longer than a page");
    let checked = check(&bytes);
    assert!(
        checked.text.contains("AKHIR-KRITERIA") && checked.text.contains("AKHIR-NAMA"),
        "the ends of the long texts are printed"
    );
    assert!(checked.pages >= 5, "{} pages", checked.pages);

    // An empty assessment: every criterion says it is not answered.
    let mut empty = filled_sheet("ovop-id-template", Lang::En);
    empty.answers.answers.clear();
    empty.answers.gates.clear();
    let rubric = Rubric::new(empty.set.clone()).expect("rubric");
    empty.result = rubric.score(&empty.answers).expect("scores");
    empty.verdict = rubric.verdict(&empty.result);
    empty.trace.status = "draft".into();
    empty.documents.clear();
    empty.assessors.clear();
    let text = squeezed(&check(&ovop_sheets::filled(&empty, &fonts).expect("an empty sheet")).text);
    assert!(
        text.contains("DRAFT — not finalised")
            && text.contains("Not answered")
            && text.contains("Not checked"),
        "{text}"
    );

    // Fonts that are not fonts: refused by code, nothing half-made.
    let err = Fonts::from_bytes(Vec::new(), b"not a font".to_vec())
        .err()
        .expect("refused");
    assert_eq!(err.code(), "sheet.font");
    let bundled = Fonts::bundled();
    let truncated = Fonts::from_bytes(
        bundled_bytes(&bundled, 0).into_iter().take(4096).collect(),
        bundled_bytes(&bundled, 1),
    );
    assert_eq!(
        truncated.err().map(|e| e.code().to_string()).as_deref(),
        Some("sheet.font")
    );
}

fn bundled_bytes(_fonts: &Fonts, which: usize) -> Vec<u8> {
    let name = if which == 0 {
        "NotoSans-Regular.ttf"
    } else {
        "NotoSans-Bold.ttf"
    };
    std::fs::read(repo().join("assets/fonts").join(name)).expect("font")
}

#[test]
fn the_producer_receipt_is_one_page_with_the_result_the_first_steps_and_the_officer() {
    let mut sheet = filled_sheet("ovop-id-template", Lang::Id);
    sheet.assessors[0].contact = Some("0812 5555 0101".into());
    let checked = check(&ovop_sheets::receipt(&sheet, &Fonts::bundled()).expect("a receipt"));
    assert_eq!(checked.pages, 1);
    assert_eq!(checked.qr, ovop_sheets::trace_code(&sheet.trace));
    let text = squeezed(&checked.text);
    for expected in [
        "TANDA TERIMA PENILAIAN PRODUK · OVOP",
        "Keripik Pisang Kepok",
        &format!("Total {} / {}", sheet.result.total, sheet.result.max_total),
        "Yang sebaiknya diperbaiki lebih dulu",
        "Tingkat berikutnya",
        "Rina Wulandari · Penyuluh Perindustrian · Dinas Perindustrian Kabupaten Tapin · 0812 5555 0101",
    ] {
        assert!(text.contains(expected), "{expected:?}: {text}");
    }
    // The first step is a criterion furthest from its top level, with its next level's words.
    let steps = text.matches("Tingkat berikutnya").count();
    assert!((1..=5).contains(&steps), "{steps} steps");
}

#[test]
fn the_receipt_prints_the_coaching_plan_made_from_the_assessment_in_the_sheets_language() {
    for (lang, words) in [
        (
            Lang::Id,
            [
                "Rencana pembinaan",
                "• Kemasan dan label — 1.1 Sumber bahan baku",
                "target 3 poin · tenggat 1 Maret 2027 · Petugas",
                "• Pembiayaan",
                "Mitra · Bank BPD Kalsel",
            ],
        ),
        (
            Lang::Vi,
            [
                "Kế hoạch hỗ trợ",
                "• Bao bì và nhãn — 1.1 Sumber bahan baku",
                "mục tiêu 3 điểm · hạn",
                "• Tài chính",
                "Đối tác · Bank BPD Kalsel",
            ],
        ),
    ] {
        let mut sheet = filled_sheet("ovop-id-template", lang);
        sheet.plan = vec![
            ovop_sheets::PlanLine {
                support: ovop_sheets::coaching_word(lang, "support", "packaging"),
                criterion: Some("1.1 Sumber bahan baku".into()),
                target_points: Some(3),
                owner: ovop_sheets::coaching_word(lang, "owner", "officer"),
                due: Some("2027-03-01".into()),
            },
            ovop_sheets::PlanLine {
                support: ovop_sheets::coaching_word(lang, "support", "finance"),
                criterion: None,
                target_points: None,
                owner: format!(
                    "{} · Bank BPD Kalsel",
                    ovop_sheets::coaching_word(lang, "owner", "partner")
                ),
                due: None,
            },
        ];
        let checked = check(&ovop_sheets::receipt(&sheet, &Fonts::bundled()).expect("a receipt"));
        let text = squeezed(&checked.text);
        for expected in words {
            assert!(text.contains(expected), "{lang:?} {expected:?}: {text}");
        }
        // A code without words is printed as it is.
        assert_eq!(
            ovop_sheets::coaching_word(lang, "support", "tarot"),
            "tarot"
        );
    }
}

#[test]
fn the_council_sheet_has_each_member_the_average_the_divergence_and_a_signature_each() {
    let sheet = council_sheet();
    let council = sheet.council.as_ref().expect("council");
    let checked = check(&ovop_sheets::council(&sheet, &Fonts::bundled()).expect("a council sheet"));
    let text = squeezed(&checked.text);
    for expected in [
        "LEMBAR HASIL TIM PENILAI · OVOP",
        "Rina Wulandari",
        "Budi Santoso",
        "Sari Dewi",
        "Rata-rata",
        "Pemeriksaan selisih",
        "PLUT-KUMKM Kalimantan Selatan",
    ] {
        assert!(text.contains(expected), "{expected:?}: {text}");
    }
    // The members' exact average (36.33, to two places, a decimal comma), then the official
    // verdict: the set rounds down, so 36, and no final star while the members diverge.
    assert!(
        text.contains(&format!("36,33 / {}", council.result.max_total)),
        "the average, with a decimal comma: {text}"
    );
    assert_eq!(sheet.verdict.total_text(), "36");
    assert!(
        text.contains("Total 36 / 66 Bintang menurut skor 3 Bintang akhir Tanpa bintang"),
        "the official verdict: {text}"
    );
    for member in &council.result.members {
        assert!(
            text.contains(&format!(
                "{} / {}",
                member.result.total, member.result.max_total
            )),
            "{}'s total",
            member.member
        );
    }
    let exceeded = council.result.divergence.exceeded;
    assert_eq!(text.contains("melebihi"), exceeded, "{text}");
    assert_eq!(
        text.matches("(tanda tangan dan nama jelas)").count(),
        3,
        "a signature line per member"
    );
    // A sheet scored alone has no council sheet.
    let alone = filled_sheet("ovop-id-template", Lang::Id);
    assert_eq!(
        ovop_sheets::council(&alone, &Fonts::bundled())
            .err()
            .map(|e| e.code().to_string())
            .as_deref(),
        Some("sheet.invalid")
    );
}

#[test]
fn a_batch_has_a_cover_contents_that_point_at_the_right_pages_and_every_sheet() {
    let base = filled_sheet("ovop-id-template", Lang::Id);
    let sheets: Vec<_> = (0..12)
        .map(|i| {
            let mut sheet = base.clone();
            sheet.product.name = format!("Produk nomor {:02}", i + 1);
            sheet.trace.assessment_id = format!("0192f5c4-0000-7000-8000-{:012}", i);
            Ok(sheet)
        })
        .collect();
    let cover = ovop_sheets::Cover {
        lang: None,
        title: "Desa Tapin Bini (63.05.04.2007) · 20 November 2026".into(),
        made: "2026-11-21T08:00:00Z".into(),
        ..Default::default()
    };
    let mut bytes = Vec::new();
    let written =
        ovop_sheets::batch(&cover, sheets, &Fonts::bundled(), &mut bytes).expect("a batch");
    assert_eq!(written.sheets, 12);
    assert_eq!(written.bytes as usize, bytes.len());
    let checked = check(&bytes);
    assert_eq!(checked.pages, written.pages);
    assert!(
        checked.qr.starts_with("OVOP:B:Desa Tapin Bini"),
        "{}",
        checked.qr
    );
    let text = squeezed(&checked.text);
    assert!(
        text.contains("KUMPULAN LEMBAR PENILAIAN")
            && text.contains("12 lembar penilaian final")
            && text.contains("Daftar isi"),
        "{text}"
    );

    // The contents say where each sheet starts; that page is the sheet's first.
    let dir = tempfile::tempdir().expect("temp");
    let pdf = write(dir.path(), "batch.pdf", &bytes);
    let page_text = |n: usize| page_text(&pdf, n);
    let contents = page_text(1);
    for i in [1usize, 7, 12] {
        let name = format!("Produk nomor {i:02}");
        let line = contents
            .split(&name)
            .nth(1)
            .unwrap_or_else(|| panic!("{name} in the contents: {contents}"));
        // "— producer  total · n bintang  PAGE"
        let page: usize = line
            .split("bintang")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|w| w.parse().ok())
            .unwrap_or_else(|| panic!("a page number for {name}: {line}"));
        let first = page_text(page);
        assert!(
            first.contains(&name) && first.contains("LEMBAR PENILAIAN PRODUK · OVOP"),
            "{name} starts on page {page}: {first}"
        );
    }
    // Every sheet is whole: its first page has its title, and the last page closes the batch.
    let firsts = (1..=checked.pages)
        .filter(|&n| page_text(n).contains("LEMBAR PENILAIAN PRODUK · OVOP"))
        .count();
    assert_eq!(firsts, 12);
}

#[test]
fn a_forwarded_batch_puts_the_minutes_first_and_its_contents_point_past_them() {
    let fonts = Fonts::bundled();
    let minutes =
        ovop_sheets::minutes(&support::minutes_sample(Lang::Id), &fonts).expect("minutes");
    let minutes_pages = check(&minutes).pages;
    let base = filled_sheet("ovop-id-template", Lang::Id);
    let sheets: Vec<_> = (0..3)
        .map(|i| {
            let mut sheet = base.clone();
            sheet.product.name = format!("Produk nomor {:02}", i + 1);
            sheet.trace.assessment_id = format!("0192f5c4-0000-7000-8000-{:012}", i);
            sheet
        })
        .collect();
    let sheets = || sheets.iter().cloned().map(Ok);
    let cover = ovop_sheets::Cover {
        lang: Some(Lang::Id),
        title: ovop_sheets::forwarded_title(Lang::Id, "Provinsi", 3),
        made: "2026-12-02T08:00:00Z".into(),
        leading: vec![ovop_sheets::Leading {
            title: "Berita acara · 2026 · I · Kabupaten/Kota · 20 November 2026".into(),
            pdf: minutes,
        }],
    };
    let mut bytes = Vec::new();
    let written = ovop_sheets::batch(&cover, sheets(), &fonts, &mut bytes).expect("a batch");
    assert_eq!(written.sheets, 3);
    let checked = check(&bytes);
    assert_eq!(checked.pages, written.pages);
    // The same batch without the minutes is shorter by exactly their pages.
    let mut plain = Vec::new();
    let without = ovop_sheets::Cover {
        leading: Vec::new(),
        ..cover.clone()
    };
    let alone = ovop_sheets::batch(&without, sheets(), &fonts, &mut plain).expect("a batch");
    assert_eq!(written.pages, alone.pages + minutes_pages);

    let dir = tempfile::tempdir().expect("temp");
    let pdf = write(dir.path(), "forwarded.pdf", &bytes);
    let page_text = |n: usize| page_text(&pdf, n);
    let contents = page_text(1);
    assert!(
        contents.contains("Diusulkan ke Provinsi · berkas 3"),
        "{contents}"
    );
    let page_after = |name: &str, marker: &str| -> usize {
        contents
            .split(name)
            .nth(1)
            .and_then(|line| line.split(marker).nth(1))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|w| w.parse().ok())
            .unwrap_or_else(|| panic!("a page for {name}: {contents}"))
    };
    // The minutes start right after the contents, and the first sheet right after them.
    let at = page_after("Berita acara · 2026 · I", "November 2026");
    assert_eq!(at, 2);
    assert!(
        page_text(at).contains("BERITA ACARA RAPAT DEWAN PENILAI"),
        "{}",
        page_text(at)
    );
    let first = page_after("Produk nomor 01", "bintang");
    assert_eq!(first, 2 + minutes_pages);
    assert!(page_text(first).contains("Produk nomor 01"));
}

#[test]
fn the_minutes_list_the_council_the_quorum_each_product_and_what_goes_up_with_a_qr_code() {
    let fonts = Fonts::bundled();
    for (lang, words) in [
        (
            Lang::Vi,
            [
                "BIÊN BẢN HỌP HỘI ĐỒNG ĐÁNH GIÁ · OCOP",
                "3/4 thành viên có mặt, cần tối thiểu 3",
                "Vắng mặt",
                "Chủ tịch",
                "đề nghị lên Cấp tỉnh",
            ],
        ),
        (
            Lang::Id,
            [
                "BERITA ACARA RAPAT DEWAN PENILAI · OCOP",
                "3 dari 4 anggota hadir, paling sedikit 3",
                "Tidak hadir",
                "Ketua",
                "diusulkan ke Tingkat provinsi",
            ],
        ),
        (
            Lang::En,
            [
                "MINUTES OF THE ASSESSMENT COUNCIL · OCOP",
                "3 of 4 members present, 3 needed",
                "Absent",
                "Chair",
                "proposed to the Province level",
            ],
        ),
    ] {
        let minutes = support::minutes_sample(lang);
        let bytes = ovop_sheets::minutes(&minutes, &fonts).expect("minutes");
        let checked = check(&bytes);
        let text = squeezed(&checked.text);
        for expected in words {
            assert!(text.contains(expected), "{lang:?} {expected:?}: {text}");
        }
        for member in &minutes.members {
            assert!(text.contains(&member.person.name), "{}", member.person.name);
        }
        // Each product's members' totals, its average and its verdict.
        for product in &minutes.products {
            assert!(text.contains(&product.product), "{}", product.product);
            for (_, total) in &product.totals {
                assert!(text.contains(&total.to_string()));
            }
            let average = if product.average.fract() == 0.0 {
                format!("{} / {}", product.average, product.max_total)
            } else {
                format!("{:.2} / {}", product.average, product.max_total)
            };
            let average = match lang {
                Lang::En => average,
                _ => average.replace('.', ","),
            };
            assert!(text.contains(&average), "{average}: {text}");
            assert!(!product.exceeded, "the members agree");
        }
        let proposed: Vec<_> = minutes
            .products
            .iter()
            .filter(|p| p.proposed_to.is_some())
            .collect();
        assert_eq!(proposed.len(), 1, "one product reaches four stars");
        assert_eq!(proposed[0].verdict.star, Some(4));
        // A signature line per member present, none for the absent one.
        let sign = match lang {
            Lang::Id => "(tanda tangan dan nama jelas)",
            Lang::En => "(signature and full name)",
            Lang::Vi => "(ký và ghi rõ họ tên)",
        };
        assert_eq!(text.matches(sign).count(), 3, "{text}");
        // Above the lines: the chair, then the two members present.
        let captions = match lang {
            Lang::Id => "Ketua Anggota Anggota",
            Lang::En => "Chair Member Member",
            Lang::Vi => "Chủ tịch Thành viên Thành viên",
        };
        assert!(text.contains(captions), "{captions}: {text}");
        // The QR code names the session and the records it covers.
        assert_eq!(checked.qr, ovop_sheets::minutes_code(&minutes));
        assert!(
            checked
                .qr
                .starts_with("OVOP:M:2025-1:district:2025-03-10:2:"),
            "{}",
            checked.qr
        );
        // The same session, the same bytes.
        assert_eq!(
            bytes,
            ovop_sheets::minutes(&minutes, &fonts).expect("again")
        );
    }
    // Another record under the minutes changes the code; a council short of its quorum says so.
    let mut short = support::minutes_sample(Lang::En);
    let code = ovop_sheets::minutes_code(&short);
    short.products[1].trace.revision = 2;
    assert_ne!(code, ovop_sheets::minutes_code(&short));
    short.members[1].present = false;
    short.quorum = Some(
        ovop_core::Quorum {
            share_percent: 75,
            chair_required: true,
        }
        .check(4, 2, true),
    );
    let text = squeezed(&check(&ovop_sheets::minutes(&short, &fonts).expect("minutes")).text);
    assert!(
        text.contains("quorum NOT reached: the results are not final"),
        "{text}"
    );
    short.quorum = None;
    let text = squeezed(&check(&ovop_sheets::minutes(&short, &fonts).expect("minutes")).text);
    assert!(
        text.contains("the council's roster was not recorded"),
        "{text}"
    );
    // Products each scored by one assessor: no council, no quorum to count.
    let mut alone = support::minutes_sample(Lang::En);
    for product in &mut alone.products {
        product.totals.truncate(1);
    }
    alone.quorum = None;
    let text = squeezed(&check(&ovop_sheets::minutes(&alone, &fonts).expect("minutes")).text);
    assert!(text.contains("no council sat, no quorum applies"), "{text}");
    assert!(!text.contains("roster was not recorded"));
    // Minutes of nothing are refused with a code.
    short.products.clear();
    assert_eq!(
        ovop_sheets::minutes(&short, &fonts)
            .err()
            .map(|e| e.code().to_string())
            .as_deref(),
        Some("sheet.invalid")
    );
}

#[test]
fn a_certificate_is_one_page_with_the_star_the_decision_its_validity_and_a_signed_qr_code() {
    let fonts = Fonts::bundled();
    let key = support::reference_key();
    for (lang, words) in [
        (
            Lang::Vi,
            [
                "GIẤY CHỨNG NHẬN",
                "Số OCOP-2026-00012",
                "4 SAO",
                "Theo quyết định số 1234/QĐ-UBND ngày 1 tháng 7 năm 2026",
                "có giá trị đến ngày 30 tháng 6 năm 2029",
            ],
        ),
        (
            Lang::Id,
            [
                "SERTIFIKAT",
                "Nomor OCOP-2026-00012",
                "4 BINTANG",
                "Berdasarkan keputusan nomor 1234/QĐ-UBND",
                "berlaku sampai 30 Juni 2029",
            ],
        ),
        (
            Lang::En,
            [
                "CERTIFICATE",
                "No. OCOP-2026-00012",
                "4 STARS",
                "By decision No. 1234/QĐ-UBND",
                "valid until 30 June 2029",
            ],
        ),
    ] {
        let sample = support::certificate_sample(lang);
        let bytes = ovop_sheets::certificate(&sample, &fonts).expect("certificate");
        let checked = check(&bytes);
        assert_eq!(checked.pages, 1, "{lang:?}");
        let text = squeezed(&checked.text);
        for word in words.iter().chain(&[
            "Trà Shan tuyết cổ thụ Suối Giàng",
            "Hợp tác xã Chè Suối Giàng",
        ]) {
            assert!(text.contains(word), "{lang:?}: {word:?} in {text}");
        }
        // The QR carries the signed code, which verifies; the PDF's subject carries it too.
        assert_eq!(checked.qr, sample.code);
        let read = ovop_protocol::certificate::verify_code(&checked.qr, &[key.public()])
            .expect("the printed code verifies");
        assert_eq!((read.star, read.valid_until.as_str()), (4, "2029-06-30"));
        let dir = tempfile::tempdir().expect("temp");
        let pdf = write(dir.path(), "c.pdf", &bytes);
        let info = stdout("pdfinfo", &[pdf.to_str().expect("path")]);
        assert!(info.contains(&sample.code), "{info}");
        assert_eq!(
            bytes,
            ovop_sheets::certificate(&sample, &fonts).expect("again"),
            "the same certificate gives the same bytes"
        );
    }
    let mut wrong = support::certificate_sample(Lang::En);
    wrong.star = 0;
    assert_eq!(
        ovop_sheets::certificate(&wrong, &fonts).unwrap_err().code(),
        "sheet.invalid"
    );
    let mut wrong = support::certificate_sample(Lang::En);
    wrong.code = " ".into();
    assert_eq!(
        ovop_sheets::certificate(&wrong, &fonts).unwrap_err().code(),
        "sheet.invalid"
    );
}

#[test]
fn the_recap_prints_every_figure_in_its_language_with_a_chart_and_a_qr_code_that_names_it() {
    let fonts = Fonts::bundled();
    let recap = support::recap_sample();
    for (lang, words) in [
        (
            Lang::Id,
            [
                "REKAP PROGRAM OVOP",
                "Kalimantan Selatan · 1 Januari 2026 – 30 November 2026",
                "Kabupaten Tapin 1 0 4 9 / 12 3 / 5 1 / 1 18 15",
                "Kemasan dan label 7 1",
                "Budi Santoso 29 November 2026 14 9 7 2",
                "Dewi Lestari belum pernah 0 0 0 0",
            ],
        ),
        (
            Lang::En,
            [
                "OVOP PROGRAMME RECAP",
                "Kalimantan Selatan · 1 January 2026 – 30 November 2026",
                "Kabupaten Hulu Sungai Selatan 0 1 6 5 2 0 14 12",
                "All 1 1 10 14 5 1 32 27",
                "Packaging and label 7 1",
                "Dewi Lestari never 0 0 0 0",
            ],
        ),
        (
            Lang::Vi,
            [
                "BÁO CÁO TỔNG HỢP CHƯƠNG TRÌNH",
                "Việc quá hạn",
                "makanan 1 0 6 8 3 1 19",
                "Dewi Lestari chưa bao giờ 0 0 0 0",
                "Bao bì và nhãn 7 1",
                "Kalimantan Selatan",
            ],
        ),
    ] {
        let bytes = ovop_sheets::recap(&recap, lang, &fonts).expect("recap");
        let checked = check(&bytes);
        // Cells of a row as one line, without the spaces pdftotext puts or leaves out
        // between narrow columns.
        let text: String = checked.text.split_whitespace().collect();
        for expected in words {
            let expected: String = expected.split_whitespace().collect();
            assert!(text.contains(&expected), "{lang:?} {expected:?}: {text}");
        }
        assert_eq!(checked.qr, ovop_sheets::recap_code(&recap));
        assert!(checked.qr.starts_with("OVOP:R:63:2026-01-01:2026-11-30:"));
        // The same figures, the same bytes.
        assert_eq!(
            bytes,
            ovop_sheets::recap(&recap, lang, &fonts).expect("again")
        );
    }
    // Other figures, another code.
    let mut other = recap.clone();
    other.regencies[0].now[3] += 1;
    assert_ne!(
        ovop_sheets::recap_code(&other),
        ovop_sheets::recap_code(&recap)
    );
    // Nothing to count: the recap still prints, and says so.
    let empty = ovop_protocol::recap::Recap {
        regencies: vec![],
        sets: vec![],
        actions_by_officer: vec![],
        actions_by_regency: vec![],
        actions_by_support: vec![],
        officers: vec![],
        overdue: vec![],
        ..recap
    };
    let text = squeezed(&check(&ovop_sheets::recap(&empty, Lang::Id, &fonts).expect("empty")).text);
    assert!(
        text.contains("Belum ada penilaian dalam periode ini."),
        "{text}"
    );
    assert!(
        text.contains("Tidak ada tindakan yang terlambat."),
        "{text}"
    );
}
