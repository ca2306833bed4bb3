//! The machine's own programs that tests check PDFs with (poppler, qpdf, zbarimg), run the same
//! way whether the test is a Linux program or a Windows one under Wine. Under Wine a Windows
//! program cannot start a Linux one by name: it goes through Wine's `start /unix`, by a shell
//! script (`host-run.sh`) that writes the program's output and exit status to files (`start`
//! passes on neither), and paths on Wine's drive Z: (the test prefix's temporary folder is there)
//! are given as Unix paths. Included by the test crates that need it (`#[path]`).

use std::process::{Command, Output};

/// Runs the machine's program `name` with `args` and returns what it printed and how it ended.
pub fn run(name: &str, args: &[&str]) -> Output {
    if cfg!(windows) {
        run_through_wine(name, args)
    } else {
        Command::new(name)
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("{name} is needed for this test: {e}"))
    }
}

fn run_through_wine(name: &str, args: &[&str]) -> Output {
    let wrapper = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/support/host-run.sh"
    );
    let dir = tempfile::tempdir().expect("temp");
    let out = dir.path().join("out");
    let status_file = dir.path().join("out.status");
    let started = Command::new("start.exe")
        .args([
            "/wait",
            "/unix",
            wrapper,
            &unix_path(&out.to_string_lossy()),
            name,
        ])
        .args(args.iter().map(|arg| unix_path(arg)))
        .status()
        .unwrap_or_else(|e| panic!("Wine's start.exe runs {name}: {e}"));
    assert!(started.success(), "Wine's start.exe runs {name}");
    // `start /wait` may return before the Linux program has ended: its status file says when.
    let begun = std::time::Instant::now();
    let code: u32 = loop {
        if let Ok(text) = std::fs::read_to_string(&status_file) {
            if let Ok(code) = text.trim().parse() {
                break code;
            }
        }
        assert!(
            begun.elapsed() < std::time::Duration::from_secs(60),
            "{name} did not end under Wine's start /unix"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let stdout = std::fs::read(&out).unwrap_or_default();
    let status = {
        #[cfg(windows)]
        {
            use std::os::windows::process::ExitStatusExt;
            std::process::ExitStatus::from_raw(code)
        }
        #[cfg(not(windows))]
        {
            use std::os::unix::process::ExitStatusExt;
            std::process::ExitStatus::from_raw((code as i32) << 8)
        }
    };
    Output {
        status,
        stdout,
        stderr: Vec::new(),
    }
}

/// `Z:\tmp\x\sheet.pdf` as `/tmp/x/sheet.pdf`; anything else as it is.
fn unix_path(arg: &str) -> String {
    match arg.strip_prefix("Z:").or_else(|| arg.strip_prefix("z:")) {
        Some(rest) => rest.replace('\\', "/"),
        None => arg.to_string(),
    }
}
