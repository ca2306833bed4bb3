//! A criteria file imported on the laptop (the Criteria screen's "Import from file"): every
//! finding comes back with its row and column and nothing is installed; a clean sheet is
//! installed and listed at once as imported; the same file again writes nothing; other content
//! under an installed id and version is refused; a set the office published and a sync put in
//! the criteria folder is listed as the office's.

use std::path::{Path, PathBuf};

use ovop_app::App;
use ovop_core::catalog::Origin;

fn example(ext: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!(
        "../../assets/criteria/examples/ovop-tapin-example.{ext}"
    ))
}

fn installed(home: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(home.join("criteria"))
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn a_sheet_with_errors_gives_every_finding_with_its_row_and_installs_nothing() {
    let home = tempfile::tempdir().expect("home");
    let app = App::load(Some(home.path()));
    let text = std::fs::read_to_string(example("csv")).expect("the example");
    let bad = text
        .replacen(",,,,,,2,Sebagian", ",,,,,,dua,Sebagian", 1)
        .replacen("#programme,ovop", "#programme,ovpo", 1)
        .replacen("2.1 > 0", "9.9 > 0", 1);
    let file = home.path().join("lembar.csv");
    std::fs::write(&file, bad).expect("write");
    let imported = app.import_criteria_file(&file).expect("read");
    assert!(imported.summary.is_none());
    let errors: Vec<(Option<usize>, Option<&str>, &str)> = imported
        .findings
        .iter()
        .filter(|f| f.is_error())
        .map(|f| (f.row, f.column.as_deref(), f.code.as_str()))
        .collect();
    assert_eq!(
        errors,
        [
            (Some(3), Some("B"), "criteria.spreadsheet"),
            (Some(22), Some("G (points)"), "criteria.spreadsheet"),
            (Some(31), Some("K (applies_if)"), "unknown_criterion"),
        ],
        "{:#?}",
        imported.findings
    );
    assert!(installed(home.path()).is_empty());
    assert!(app.catalog().get("ovop-tapin-contoh", None).is_none());

    // Bytes that are no text in the code page a plain CSV is read in are refused with its code.
    let latin1 = home.path().join("latin1.csv");
    std::fs::write(&latin1, b"#id,caf\xe9\x81\n").expect("write");
    let imported = app.import_criteria_file(&latin1).expect("read");
    assert_eq!(imported.findings[0].code, "criteria.encoding");
    assert!(installed(home.path()).is_empty());
    // A path that is not a full one is refused as such.
    let relative = app.import_criteria_file(Path::new("lembar.csv"));
    assert_eq!(relative.expect_err("refused").code, "data.not_absolute");
}

#[test]
fn a_clean_workbook_is_installed_listed_at_once_and_not_twice() {
    let home = tempfile::tempdir().expect("home");
    let app = App::load(Some(home.path()));
    let imported = app.import_criteria_file(&example("xlsx")).expect("import");
    let summary = imported.summary.expect("installed");
    assert_eq!(
        (summary.id.as_str(), summary.version.as_str()),
        ("ovop-tapin-contoh", "2026.1")
    );
    assert_eq!(
        summary.origin,
        Origin::Imported("ovop-tapin-contoh-2026.1.json".into())
    );
    assert!(!imported.already_installed);
    assert!(imported.findings.iter().all(|f| !f.is_error()));
    assert_eq!(installed(home.path()), ["ovop-tapin-contoh-2026.1.json"]);
    assert!(app
        .catalog()
        .get("ovop-tapin-contoh", Some("2026.1"))
        .is_some());

    // The same set from its CSV twin: nothing written again.
    let again = app.import_criteria_file(&example("csv")).expect("import");
    assert!(again.already_installed);
    assert_eq!(again.summary.map(|s| s.hash), Some(summary.hash.clone()));

    // Other content under the same id and version: refused, the installed one kept.
    let changed = std::fs::read_to_string(example("csv"))
        .expect("csv")
        .replace("Produksi musiman", "Produksi tidak tentu");
    let file = home.path().join("changed.csv");
    std::fs::write(&file, changed).expect("write");
    let clash = app.import_criteria_file(&file).expect("read");
    assert!(clash.summary.is_none());
    assert_eq!(clash.findings[0].code, "criteria.version_clash");
    assert_eq!(installed(home.path()), ["ovop-tapin-contoh-2026.1.json"]);
    assert_eq!(
        app.catalog()
            .get("ovop-tapin-contoh", Some("2026.1"))
            .map(|e| e.summary.hash.clone()),
        Some(summary.hash)
    );
}

#[test]
fn a_set_the_office_published_is_listed_as_the_offices() {
    let home = tempfile::tempdir().expect("home");
    let set = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../assets/criteria/sets/ovop-id-template.json"),
    )
    .expect("a set")
    .replace("\"id\": \"ovop-id-template\"", "\"id\": \"ovop-kantor\"");
    assert!(ovop_store::installed::install_pulled(home.path(), &set).expect("installed"));
    let app = App::load(Some(home.path()));
    let entry = app.catalog();
    let entry = entry.get("ovop-kantor", None).expect("listed");
    assert!(matches!(&entry.summary.origin, Origin::Office(name) if name.starts_with("pulled-")));
}
