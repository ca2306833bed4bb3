//! One council's official verdict, read everywhere it is shown: the laptop's store, its lists
//! and history, the pushed body, the server's review list and detail, both exports, the
//! dashboard's list and page, and every printed sheet (the assessment sheet, the producer's
//! receipt, the council sheet and the day's batch). Three members score 44, 44 and 51 of 66 on
//! the OVOP template, whose rounding rule is `floor`: the average 46.33 is 46, four stars,
//! where the lead's own sheet is 44, three stars. Every place must say 46 and four stars.

mod field;
#[path = "../../../tests/support/host.rs"]
mod host;

use std::path::Path;
use std::process::Command;

use field::support::web;
use field::{client, server, Backend, Field, TAPIN};
use ovop_core::{Answer, Answers, Catalog, Standing};
use ovop_store::assessments::{Assessor, DraftChange, Visit};

const OFFICIAL: f64 = 46.0;
const STAR: u8 = 4;
const SUPERVISOR_PASSWORD: &str = "rahasia-sari-1";

/// The council's assessment of the field's product, finalised: its id.
fn council_assessment(field: &mut Field) -> String {
    let rubric = Catalog::shipped()
        .get(field::SET, None)
        .expect("the OVOP template")
        .rubric
        .clone();
    let visit = Visit {
        assessed_on: Some("2026-11-20".into()),
        region_code: Some(TAPIN.into()),
        assessors: vec![Assessor {
            name: "Siti Rahmah".into(),
            title: Some("Ketua dewan".into()),
            ..Assessor::default()
        }],
        // At the regency, with a fourth member absent: three of four, the chair present.
        level: Some("kabupaten".into()),
        round: Some("2026-2".into()),
        roster: Some(ovop_protocol::Roster {
            chair: "Siti Rahmah".into(),
            absent: vec![Assessor {
                name: "Agus Salim".into(),
                ..Assessor::default()
            }],
        }),
        ..Visit::default()
    };
    let now = field::now();
    let store = &mut field.store;
    let id = store
        .new_assessment(&field.product, &rubric, &visit, &now)
        .expect("new");
    let set = rubric.set();
    let at_two = Answers {
        criteria: set.id.clone(),
        version: Some(set.version.clone()),
        gates: set.gates.iter().map(|g| (g.code.clone(), true)).collect(),
        answers: set
            .criteria()
            .map(|c| (c.code.clone(), Answer::Level(2)))
            .collect(),
        ..Answers::default()
    };
    store.save_answers(&id, &at_two, &now).expect("lead");
    let member = |name: &str| Assessor {
        name: name.into(),
        role: Some("anggota".into()),
        ..Assessor::default()
    };
    let budi = store
        .add_member(&id, &member("Budi Santoso"), &now)
        .expect("member");
    let dewi = store
        .add_member(&id, &member("Dewi Lestari"), &now)
        .expect("member");
    for m in [budi, dewi] {
        for gate in &set.gates {
            let change = DraftChange::Gate {
                code: gate.code.clone(),
                met: Some(true),
            };
            store.change_member(&id, m, &change, &now).expect("gate");
        }
        for (code, answer) in &at_two.answers {
            let change = DraftChange::Answer {
                code: code.clone(),
                answer: Some(*answer),
            };
            store.change_member(&id, m, &change, &now).expect("answer");
        }
    }
    // Dewi sees seven criteria one level higher: 51, within the divergence of 7 allowed.
    for code in set.criteria().map(|c| c.code.clone()).take(7) {
        let change = DraftChange::Answer {
            code,
            answer: Some(Answer::Level(3)),
        };
        store
            .change_member(&id, dewi, &change, &now)
            .expect("answer");
    }
    store.finalize(&id, &now).expect("the council finalises");
    id
}

/// How many criteria the field's set has (a sheet's rows in the criteria export).
fn rubric_criteria_count() -> usize {
    Catalog::shipped()
        .get(field::SET, None)
        .expect("the OVOP template")
        .rubric
        .set()
        .criteria()
        .count()
}

fn pdf_text(pdf: &Path) -> String {
    let out = host::run("pdftotext", &["-layout", pdf.to_str().expect("path"), "-"]);
    assert!(out.status.success(), "pdftotext {pdf:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(str::trim)
}

/// Every star line of a printed sheet says four: the stars are drawn, the number before them is
/// text.
fn says_four_stars(name: &str, text: &str) {
    let stars: Vec<&str> = lines(text)
        .filter(|l| l.starts_with("Bintang menurut skor") || l.starts_with("Bintang akhir"))
        .collect();
    assert!(!stars.is_empty(), "{name} prints its stars: {text}");
    for line in stars {
        assert!(line.ends_with(" 4"), "{name}: {line:?}");
    }
}

/// Prints with the command line, on the laptop's own data folder.
fn print(data: &Path, args: &[&str], to: &Path) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_ovop"))
        .args(args)
        .args(["-o", to.to_str().expect("path")])
        .env("OVOP_DATA_DIR", data)
        .env("OVOP_NOW", "2026-11-20T09:00:00Z")
        .output()
        .expect("run ovop");
    assert!(
        out.status.success(),
        "ovop {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    pdf_text(to)
}

/// The text between `id="{html_id}">` and the element's end, tags removed.
fn element_text(html: &str, html_id: &str) -> String {
    let start = html
        .find(&format!("id=\"{html_id}\""))
        .unwrap_or_else(|| panic!("#{html_id} on the page"));
    let rest = &html[start..];
    let open = rest.find('>').expect("tag end") + 1;
    let mut depth = 1;
    let mut text = String::new();
    let mut chars = rest[open..].char_indices();
    while let Some((i, c)) = chars.next() {
        if c == '<' {
            let tag = &rest[open + i..];
            if tag.starts_with("</") {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            } else {
                depth += 1;
            }
            for (_, c) in chars.by_ref() {
                if c == '>' {
                    break;
                }
            }
        } else {
            text.push(c);
        }
    }
    text
}

/// The rows of a CSV export that are assessment `id`'s, each as column name to cell.
fn csv_rows(text: &str, id: &str) -> Vec<std::collections::HashMap<String, String>> {
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect();
    reader
        .records()
        .map(|r| r.expect("row"))
        .filter(|r| r.get(0) == Some(id))
        .map(|row| {
            header
                .iter()
                .cloned()
                .zip(row.iter().map(str::to_string))
                .collect()
        })
        .collect()
}

fn csv_row(text: &str, id: &str) -> std::collections::HashMap<String, String> {
    csv_rows(text, id)
        .into_iter()
        .next()
        .expect("the council's row")
}

/// Each sheet of assessment `id` in a per-criterion CSV export: (assessor, points, criteria).
fn council_sheets(
    criteria: &str,
    id: &str,
) -> std::collections::BTreeMap<i64, (String, i64, usize)> {
    let mut sheets: std::collections::BTreeMap<i64, (String, i64, usize)> = Default::default();
    for row in csv_rows(criteria, id) {
        let sheet: i64 = row["sheet"].parse().expect("sheet");
        let entry = sheets
            .entry(sheet)
            .or_insert_with(|| (row["assessor"].clone(), 0, 0));
        entry.1 += row["points"].parse::<i64>().unwrap_or(0);
        entry.2 += 1;
    }
    sheets
}

async fn the_council_verdict_is_one_number_and_one_star_everywhere(backend: Backend) {
    let mut field = Field::new();
    let id = council_assessment(&mut field);

    // The laptop: the stored verdict, the lead's own sheet beside it, the lists and history.
    let assessment = field.store.assessment(&id).expect("assessment");
    let verdict = field.store.verdict_of(&assessment).expect("verdict");
    assert_eq!(
        (
            verdict.total,
            verdict.star,
            verdict.standing,
            verdict.sheets
        ),
        (OFFICIAL, Some(STAR), Standing::Final, 3)
    );
    assert!(
        (verdict.exact - 139.0 / 3.0).abs() < 0.01,
        "{}",
        verdict.exact
    );
    let lead = field.store.current_result(&assessment).expect("lead");
    assert_eq!(
        (lead.total, lead.star),
        (44, Some(3)),
        "the lead's own sheet differs, so the test can tell them apart"
    );
    let listed = ovop_app::views::summaries(&field.store, Some("final"), None).expect("list");
    let line = listed.iter().find(|s| s.id == id).expect("listed");
    assert_eq!(
        (line.total, line.star, line.sheets),
        (OFFICIAL, Some(STAR), 3)
    );
    let view = ovop_app::views::view_at(&field.store, &id, None).expect("view");
    assert_eq!(view.verdict, verdict);
    assert_eq!(
        (view.revisions[0].total, view.revisions[0].star),
        (Some(OFFICIAL), Some(STAR))
    );

    // The pushed body.
    let wire = field.store.wire_assessment(&id, 1).expect("wire");
    let pushed: ovop_core::Verdict =
        serde_json::from_value(wire.body["verdict"].clone()).expect("a verdict in the body");
    assert_eq!(pushed, verdict);

    // The server, after a real sync.
    let (server, token) = server(backend).await;
    let report = field
        .sync(&client(&server.running.url(), &token))
        .await
        .expect("sync");
    assert_eq!(
        (report.sent, report.rejected),
        (1, 0),
        "{report:?} {:?}",
        field.store.outbox_rows()
    );
    server
        .user("sari", "supervisor", &["63.05"], Some(SUPERVISOR_PASSWORD))
        .await;
    let sari = server.enrol("sari", SUPERVISOR_PASSWORD).await;
    let (status, list) = server.get(&sari, "/v1/review/assessments").await;
    assert_eq!(status, 200, "{list}");
    let item = list
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["id"] == id.as_str())
        .expect("on the server's list")
        .clone();
    assert_eq!(
        (
            item["total"].as_f64(),
            item["star"].as_u64(),
            item["standing"].as_str(),
            item["sheets"].as_u64()
        ),
        (Some(OFFICIAL), Some(STAR.into()), Some("final"), Some(3))
    );
    // Its quorum was checked when it arrived, and four stars at the regency propose it to the
    // province.
    assert_eq!(
        (item["quorum"].as_str(), item["proposed_level"].as_str()),
        (Some("met"), Some("provinsi"))
    );
    let (status, detail) = server
        .get(&sari, &format!("/v1/review/assessments/{id}"))
        .await;
    assert_eq!(status, 200, "{detail}");
    let decided: ovop_core::Verdict =
        serde_json::from_value(detail["verdict"].clone()).expect("the server's verdict");
    assert_eq!(decided, verdict, "the server decided the same verdict");

    // Both exports.
    let (_, csv) = server.get(&sari, "/v1/export/assessments?format=csv").await;
    let row = csv_row(csv.as_str().expect("CSV text"), &id);
    assert_eq!(
        (
            row["total"].as_str(),
            row["star"].as_str(),
            row["standing"].as_str(),
            row["sheets"].as_str()
        ),
        ("46", "4", "final", "3"),
        "{row:?}"
    );
    let xlsx = server
        .http
        .get(server.url("/v1/export/assessments?format=xlsx"))
        .bearer_auth(&sari)
        .send()
        .await
        .expect("xlsx")
        .bytes()
        .await
        .expect("bytes");
    use calamine::{Data, Reader};
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx.to_vec())).expect("workbook");
    let sheet = book.worksheet_range("assessments").expect("the sheet");
    let header: Vec<String> = sheet
        .rows()
        .next()
        .expect("header")
        .iter()
        .map(|c| c.to_string())
        .collect();
    let column = |name: &str| header.iter().position(|h| h == name).expect(name);
    let row = sheet
        .rows()
        .find(|r| r[0] == Data::String(id.clone()))
        .expect("the council's row");
    assert_eq!(row[column("total")], Data::Float(OFFICIAL));
    assert!(
        matches!(row[column("star")], Data::Float(s) if s == f64::from(STAR))
            || row[column("star")] == Data::Int(STAR.into()),
        "{:?}",
        row[column("star")]
    );
    assert_eq!(row[column("standing")], Data::String("final".into()));

    // The per-criterion export has every member's sheet, each as that member scored it: the
    // lead's and Budi's 44, Dewi's 51 (not the lead's rows three times).
    let criteria_count = rubric_criteria_count();
    let expected: std::collections::BTreeMap<i64, (String, i64, usize)> = [
        (1, ("Siti Rahmah".to_string(), 44, criteria_count)),
        (2, ("Budi Santoso".to_string(), 44, criteria_count)),
        (3, ("Dewi Lestari".to_string(), 51, criteria_count)),
    ]
    .into_iter()
    .collect();
    let (_, criteria) = server.get(&sari, "/v1/export/criteria?format=csv").await;
    assert_eq!(
        council_sheets(criteria.as_str().expect("CSV text"), &id),
        expected,
        "the council's sheets in the criteria export"
    );
    // A server that stored this council before it kept members' sheets (schema 5) fills
    // them in from the stored body when it is upgraded (to the latest schema) ...
    server
        .running
        .state
        .db
        .run(|tx| {
            // Undo migrations 14 (assessments in the change feed), 13 (edits of producers and
            // products), 12 (coaching, targets,
            // last seen, superseded revisions),
            // 11 (forwarding), 10 (star decisions and awards), 9 (office round), 8 (quorum,
            // proposed level), 7 (round, level, kind) and 6 (council sheets).
            tx.exec("DELETE FROM change WHERE kind = 'assessment'", &[])?;
            tx.exec("DROP TABLE field_change", &[])?;
            tx.exec("ALTER TABLE change DROP COLUMN from_device", &[])?;
            tx.exec("DROP TABLE office_target", &[])?;
            tx.exec("DROP TABLE coaching_visit", &[])?;
            tx.exec("DROP TABLE coaching_action", &[])?;
            tx.exec("DROP INDEX assessment_latest", &[])?;
            tx.exec("ALTER TABLE assessment DROP COLUMN superseded", &[])?;
            tx.exec("ALTER TABLE device DROP COLUMN last_seen_at", &[])?;
            tx.exec("DROP TABLE forward_item", &[])?;
            tx.exec("DROP TABLE forward_batch", &[])?;
            tx.exec("DROP TABLE star_award", &[])?;
            tx.exec("DROP TABLE star_decision", &[])?;
            tx.exec("DROP INDEX assessment_round", &[])?;
            for column in ["quorum", "proposed_level", "round", "level", "kind"] {
                tx.exec(&format!("ALTER TABLE assessment DROP COLUMN {column}"), &[])?;
            }
            tx.exec("DROP TABLE office_round", &[])?;
            tx.exec("DROP TABLE assessment_sheet_criterion", &[])?;
            tx.exec("DROP TABLE assessment_sheet", &[])?;
            tx.exec("DELETE FROM schema_migration WHERE version >= 6", &[])?;
            Ok(())
        })
        .await
        .expect("back to schema 5");
    drop(server.open_database_again().await);
    // ... and the round, level and proposal its body records (the quorum, never checked by
    // that server, stays unknown).
    let (_, list) = server.get(&sari, "/v1/review/assessments").await;
    let item = list
        .as_array()
        .and_then(|items| items.iter().find(|i| i["id"] == id.as_str()))
        .expect("still on the list");
    assert_eq!(
        (
            item["round"].as_str(),
            item["level"].as_str(),
            item["proposed_level"].as_str(),
            item["quorum"].as_str()
        ),
        (Some("2026-2"), Some("kabupaten"), Some("provinsi"), None),
        "{item}"
    );
    let (_, criteria) = server.get(&sari, "/v1/export/criteria?format=csv").await;
    assert_eq!(
        council_sheets(criteria.as_str().expect("CSV text"), &id),
        expected,
        "the council's sheets after the upgrade"
    );

    // The dashboard: its list and the assessment's page.
    let cookie = web::dashboard_session(&server, "sari", SUPERVISOR_PASSWORD).await;
    let page = |path: String| {
        let cookie = cookie.clone();
        let url = server.url(&path);
        async move {
            let response = web::browser()
                .get(url)
                .header("cookie", cookie)
                .send()
                .await
                .expect("page");
            assert_eq!(response.status(), 200, "{path}");
            response.text().await.expect("html")
        }
    };
    let home = page("/dashboard".into()).await;
    let at = home
        .find(&id[..8])
        .expect("the council on the dashboard's list");
    let row_end = at + home[at..].find("</tr>").expect("row end");
    let home_row = &home[at..row_end];
    assert!(home_row.contains(">46/66<"), "{home_row}");
    assert!(home_row.contains("title=\"4\">★★★★☆<"), "{home_row}");
    let detail_page = page(format!("/dashboard/assessments/{id}")).await;
    assert_eq!(element_text(&detail_page, "official-total"), "46");
    assert_eq!(element_text(&detail_page, "official-star"), "★★★★☆");
    assert!(element_text(&detail_page, "council-verdict").contains('3'));

    // Every printed sheet, from the laptop's data folder.
    let data = field.dir.path().to_path_buf();
    let out = tempfile::tempdir().expect("temp");
    let sheet = print(&data, &["sheet", &id], &out.path().join("lembar.pdf"));
    let receipt = print(
        &data,
        &["sheet", &id, "--receipt"],
        &out.path().join("tanda-terima.pdf"),
    );
    let council = print(
        &data,
        &["sheet", &id, "--council"],
        &out.path().join("dewan.pdf"),
    );
    let batch = print(
        &data,
        &[
            "sheet",
            "--batch",
            "--village",
            "63.05",
            "--date",
            "2026-11-20",
        ],
        &out.path().join("kumpulan.pdf"),
    );
    let minutes = print(
        &data,
        &["sheet", &id, "--minutes"],
        &out.path().join("berita-acara.pdf"),
    );
    for (name, text) in [
        ("assessment sheet", &sheet),
        ("receipt", &receipt),
        ("council sheet", &council),
        ("batch", &batch),
    ] {
        says_four_stars(name, text);
    }
    assert!(
        lines(&sheet)
            .any(|l| l.starts_with("Hasil resmi: rata-rata dewan, 3 anggota")
                && l.ends_with("46 / 66")),
        "the official total under the sheet's own: {sheet}"
    );
    assert!(lines(&sheet).any(|l| l.starts_with("Total lembar ini") && l.ends_with("44 / 66")));
    assert!(
        lines(&receipt).any(|l| l.starts_with("Total") && l.ends_with("46 / 66")),
        "{receipt}"
    );
    assert!(
        lines(&receipt).any(|l| l.starts_with("Untuk bintang 5:")),
        "the next star is the council's next, not the lead's: {receipt}"
    );
    assert!(
        lines(&council).any(|l| l.starts_with("Total") && l.ends_with("46 / 66")),
        "{council}"
    );
    assert!(
        lines(&council).any(|l| l.ends_with("46,33 / 66")),
        "the exact average"
    );
    assert!(
        lines(&batch).any(|l| l.contains("46 / 66 · 4 bintang")),
        "the batch's index: {batch}"
    );
    assert!(lines(&batch).any(|l| l.starts_with("Hasil resmi") && l.ends_with("46 / 66")));
    // The minutes of the session: the round and level in words, the three who sat and the one
    // absent, the quorum, each member's total, the average and the verdict, and the product
    // proposed to the province.
    let squeezed = minutes.split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        "BERITA ACARA RAPAT DEWAN PENILAI · OVOP",
        "2026 · II · Kabupaten/Kota",
        "Siti Rahmah",
        "Budi Santoso",
        "Dewi Lestari",
        "Agus Salim",
        "Tidak hadir",
        "Ketua",
        "3 dari 4 anggota hadir, paling sedikit 3; ketua hadir — kuorum terpenuhi",
        "44 44 51 46,33 / 66",
        "46 · 4",
        "4 bintang, diusulkan ke Provinsi",
    ] {
        assert!(
            squeezed.contains(expected),
            "{expected:?} in the minutes: {squeezed}"
        );
    }

    // The supervisor approves it and forwards it to the province; after the next sync the
    // laptop prints the forwarded batch: the cover, the session's minutes, then the sheet.
    let (status, body) = server
        .post(
            &sari,
            &format!("/v1/review/assessments/{id}/decision"),
            &serde_json::json!({"revision": 1, "decision": "approved", "comment": ""}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let (status, forwarded) = server
        .post(
            &sari,
            "/v1/forwards",
            &serde_json::json!({"assessment_ids": [id], "note": "Surat 500/12/2026"}),
        )
        .await;
    assert_eq!(status, 201, "{forwarded}");
    let number = forwarded["id"].as_i64().expect("the batch's number");
    let report = field
        .sync(&client(&server.running.url(), &token))
        .await
        .expect("sync");
    assert_eq!(report.pulled.forwards, 1, "{report:?}");
    let up = print(
        &data,
        &["sheet", "--batch", "--forwarded", &number.to_string()],
        &out.path().join("usulan.pdf"),
    );
    let squeezed = up.split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        format!("Diusulkan ke Provinsi · berkas {number}"),
        "BERITA ACARA RAPAT DEWAN PENILAI · 2026 · II · Kabupaten/Kota · 2026-11-20".into(),
        "ketua hadir — kuorum terpenuhi".into(),
        "4 bintang, diusulkan ke Provinsi".into(),
        "46 / 66 · 4 bintang".into(),
        "LEMBAR PENILAIAN PRODUK · OVOP".into(),
    ] {
        assert!(
            squeezed.contains(&expected),
            "{expected:?} in the forwarded batch: {squeezed}"
        );
    }
    // A batch this laptop never pulled is refused by its code, and nothing is written.
    let missing = out.path().join("tidak-ada.pdf");
    let refused = Command::new(env!("CARGO_BIN_EXE_ovop"))
        .args(["sheet", "--batch", "--forwarded", "999", "-o"])
        .arg(&missing)
        .env("OVOP_DATA_DIR", &data)
        .output()
        .expect("run ovop");
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("sheet.batch_empty"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    assert!(!missing.exists());

    // A new laptop enrolled for the officer pulls the council's assessment: the same verdict,
    // the three sheets, and a correction there keeps the whole council.
    let new_token = server.enrol("budi", "rahasia-budi-1").await;
    let mut laptop = field::NewLaptop::new("budi", &new_token);
    let report = laptop
        .sync(&client(&server.running.url(), &new_token))
        .await;
    let restored = &mut laptop.store;
    // Its producer and product too, though they were sent before the server told laptops apart.
    assert_eq!(
        (
            report.pulled.producers,
            report.pulled.products,
            report.pulled.assessments
        ),
        (1, 1, 1),
        "{report:?}"
    );
    let pulled = restored.assessment(&id).expect("pulled");
    assert_eq!(pulled.status, "reviewed", "the office approved it");
    let again = restored.verdict_of(&pulled).expect("verdict");
    assert_eq!(
        (again.total, again.star, again.sheets),
        (OFFICIAL, Some(STAR), 3)
    );
    let council = restored
        .council_of(&pulled)
        .expect("council")
        .expect("the council's result");
    assert_eq!(council.members.len(), 3);
    let revision = restored
        .correct(&id, "tanggal rapat", &field::now())
        .expect("his own, corrected here");
    let draft = restored.assessment(&id).expect("draft");
    assert_eq!(draft.revision, revision);
    let members = restored.council_of(&draft).expect("council").expect("kept");
    assert_eq!(
        members.members.len(),
        3,
        "the correction keeps every member's sheet"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_council_verdict_is_one_number_and_one_star_everywhere_on_sqlite() {
    the_council_verdict_is_one_number_and_one_star_everywhere(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_council_verdict_is_one_number_and_one_star_everywhere_on_postgresql() {
    the_council_verdict_is_one_number_and_one_star_everywhere(Backend::Postgres).await;
}
