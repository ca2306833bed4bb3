//! A file the officer still has open in another program when `ovop` writes over it: a sheet in
//! a PDF viewer, an export in Excel. Windows refuses to replace a file opened without sharing
//! its deletion (Acrobat and Excel open files that way); Linux replaces it. On Windows (these
//! tests run under Wine too) the command fails with `store.file_in_use`, the file there is
//! unchanged and nothing half-written is left beside it; once the other program lets go, the
//! same command writes. On Linux the file is replaced at once.

use std::path::Path;
use std::process::Command;

fn ovop(data: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_ovop"))
        .args(args)
        .env("OVOP_DATA_DIR", data)
        .env("OVOP_NOW", "2026-11-20T09:00:00Z")
        .output()
        .expect("run ovop");
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// Opens `path` the way a PDF viewer or Excel does: others may read it, not delete or
/// replace it.
fn hold_open(path: &Path) -> std::fs::File {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(windows)]
    {
        use std::os::windows::fs::OpenOptionsExt;
        const FILE_SHARE_READ: u32 = 1;
        options.share_mode(FILE_SHARE_READ);
    }
    options.open(path).expect("held open")
}

/// Runs `args` (which write `target`) while another program holds `target` open, then again
/// once it is closed.
fn write_over_a_held_file(data: &Path, target: &Path, args: &[&str], magic: &[u8]) {
    std::fs::write(target, b"the officer's earlier copy").expect("earlier copy");
    let held = hold_open(target);
    let (ok, said) = ovop(data, args);
    if cfg!(windows) {
        assert!(!ok, "replaced a file another program holds open: {said}");
        assert!(said.contains("error[store.file_in_use]"), "{said}");
        assert!(said.contains("close it"), "{said}");
        assert_eq!(
            std::fs::read(target).expect("still there"),
            b"the officer's earlier copy",
            "the file there is unchanged"
        );
    } else {
        assert!(ok, "{said}");
        assert!(std::fs::read(target).expect("written").starts_with(magic));
    }
    let left: Vec<_> = std::fs::read_dir(target.parent().expect("folder"))
        .expect("folder")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".partial"))
        .collect();
    assert!(left.is_empty(), "half-written files left: {left:?}");
    drop(held);
    let (ok, said) = ovop(data, args);
    assert!(ok, "once closed: {said}");
    assert!(std::fs::read(target).expect("written").starts_with(magic));
}

#[test]
fn a_sheet_open_in_a_pdf_viewer_is_not_replaced_half_way() {
    let dir = tempfile::tempdir().expect("temp");
    let out = dir.path().join("out");
    std::fs::create_dir(&out).expect("out");
    let pdf = out.join("lembar-kosong.pdf");
    let pdf_text = pdf.to_string_lossy().into_owned();
    write_over_a_held_file(
        dir.path(),
        &pdf,
        &[
            "sheet",
            "--blank",
            "--criteria",
            "ocop-1048-02",
            "-o",
            &pdf_text,
        ],
        b"%PDF",
    );
}

#[test]
fn an_export_open_in_excel_is_not_replaced_half_way() {
    let dir = tempfile::tempdir().expect("temp");
    let (ok, said) = ovop(dir.path(), &["db", "init"]);
    assert!(ok, "{said}");
    let out = dir.path().join("out");
    std::fs::create_dir(&out).expect("out");
    for (name, format, magic) in [
        ("penilaian.csv", "csv", "\u{feff}".as_bytes()),
        ("penilaian.xlsx", "xlsx", b"PK".as_slice()),
    ] {
        let target = out.join(name);
        let target_text = target.to_string_lossy().into_owned();
        write_over_a_held_file(
            dir.path(),
            &target,
            &["export", "--format", format, "-o", &target_text],
            magic,
        );
    }
}
