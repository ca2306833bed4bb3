//! The office's official sheet, published on the dashboard's Kriteria page, reaches the laptops:
//! an administrator uploads the OCOP 148 template with its criteria typed in, previews it and
//! publishes it; before that the laptop's pull installs nothing new, after it the next pull
//! installs the set, which the laptop lists (`ovop criteria list`) as the office's.

mod field;

use std::path::Path;
use std::process::Command;

use calamine::{Data, Reader, Xlsx};
use field::support::web::{browser, dashboard_session, form_token, origin};
use field::{client, server, Backend, Field};
use ovop_core::catalog::Origin;

/// The committed template with one criterion typed under each section, as an office would.
fn typed_template() -> Vec<u8> {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/criteria/template-ocop-148.xlsx");
    let mut book: Xlsx<_> = calamine::open_workbook(&path).expect("the template");
    let sheet = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&sheet).expect("its sheet");
    let mut rows: Vec<Vec<String>> = Vec::new();
    for row in range.rows() {
        rows.push(
            row.iter()
                .map(|cell| match cell {
                    Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
                    other => other.to_string(),
                })
                .collect(),
        );
        let note = rows
            .last()
            .and_then(|r| r.get(1))
            .cloned()
            .unwrap_or_default();
        let best = match note.split(':').next().unwrap_or("") {
            "↓ Mục 1" | "↓ Mục 3" | "↓ Mục 4" => "15",
            "↓ Mục 2" | "↓ Mục 5" => "10",
            "↓ Mục 6" => "35",
            _ => continue,
        };
        let section = note
            .trim_start_matches("↓ Mục ")
            .chars()
            .next()
            .unwrap_or('0');
        for (first, points, level) in [(true, "0", "Chưa đạt"), (false, best, "Đạt")] {
            let mut cells = vec![String::new(); 9];
            if first {
                cells[5] = format!("{section}.1");
                cells[6] = format!("Tiêu chí {section}.1");
            }
            cells[7] = points.to_string();
            cells[8] = level.to_string();
            rows.push(cells);
        }
    }
    // The office names its own set.
    for row in &mut rows {
        if row.first().map(String::as_str) == Some("#id") {
            row[1] = "ocop-148-02".into();
        }
    }
    let mut out = rust_xlsxwriter::Workbook::new();
    let ws = out.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate().filter(|(_, c)| !c.is_empty()) {
            ws.write_string(r as u32, c as u16, cell).expect("a cell");
        }
    }
    out.save_to_buffer().expect("the workbook")
}

fn multipart(csrf: &str, name: &str, bytes: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(
        format!("--XB\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(
        format!("--XB\r\nContent-Disposition: form-data; name=\"sheet\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(b"\r\n--XB--\r\n");
    body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sheet_published_on_the_dashboard_is_installed_at_the_next_pull_as_the_offices() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let (server, token) = server(backend).await;
        server
            .user("admin", "admin", &[], Some("admin-rahasia-1"))
            .await;
        let mut field = Field::new();
        let through = client(&server.running.url(), &token);
        // The first pull brings what the server publishes at its start: the shipped sets,
        // installed already.
        let report = field.sync(&through).await.expect("sync");
        assert_eq!(report.pulled.criteria_sets, 0, "{report:?}");

        // The administrator checks the sheet on the dashboard, then publishes the draft.
        let session = dashboard_session(&server, "admin", "admin-rahasia-1").await;
        let csrf = form_token(&session);
        let checked = browser()
            .post(server.url("/dashboard/criteria"))
            .header("cookie", &session)
            .header("origin", origin(&server))
            .header("content-type", "multipart/form-data; boundary=XB")
            .body(multipart(&csrf, "phieu-148.xlsx", &typed_template()))
            .send()
            .await
            .expect("upload");
        assert_eq!(checked.status(), 303);
        let draft = checked.headers()["location"]
            .to_str()
            .expect("location")
            .to_string();
        let hash = format!("sha256:{}", draft.rsplit('/').next().expect("the hash"));
        // Checked, not published: the laptop's next pull installs nothing.
        let report = field.sync(&through).await.expect("sync");
        assert_eq!(report.pulled.criteria_sets, 0, "{report:?}");
        let published = browser()
            .post(server.url("/dashboard/criteria/publish"))
            .header("cookie", &session)
            .header("origin", origin(&server))
            .form(&[("csrf", csrf.as_str()), ("hash", hash.as_str())])
            .send()
            .await
            .expect("publish");
        assert_eq!(published.status(), 201);

        let report = field.sync(&through).await.expect("sync");
        assert_eq!(report.pulled.criteria_sets, 1, "{report:?}");
        let catalog = ovop_store::installed::load_catalog(Some(field.dir.path()));
        let entry = catalog
            .get("ocop-148-02", Some("2023.1"))
            .expect("the office's set is installed");
        assert_eq!(entry.rubric.hash(), hash);
        assert_eq!(
            entry.summary.origin,
            Origin::Office("pulled-ocop-148-02-2023.1.json".into())
        );
        assert_eq!(entry.summary.max_total, 100);
        assert_eq!(entry.summary.effective_from.as_deref(), Some("2023-02-24"));
        // The command line lists it as the office's.
        let listed = Command::new(env!("CARGO_BIN_EXE_ovop"))
            .args(["criteria", "list", "--json"])
            .env("OVOP_DATA_DIR", field.dir.path())
            .output()
            .expect("ovop criteria list");
        let listed: serde_json::Value =
            serde_json::from_slice(&listed.stdout).expect("the list as JSON");
        let set = listed["sets"]
            .as_array()
            .expect("sets")
            .iter()
            .find(|s| s["id"] == "ocop-148-02")
            .expect("listed");
        assert_eq!(set["origin"]["kind"], "office");
        // A second pull installs nothing again.
        let report = field.sync(&through).await.expect("sync");
        assert_eq!(report.pulled.criteria_sets, 0, "{report:?}");
        server.stop().await;
    }
}
