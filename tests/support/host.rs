//! The machine's own programs that tests check PDFs with (poppler, qpdf, zbarimg), run the same
//! way whether the test is a Linux program or a Windows one under Wine. Under Wine a Windows
//! program cannot start a Linux one by name: it goes through Wine's `start /unix`, by a shell
//! that prints the program's exit status after its output (`start` does not pass it on), and
//! paths on Wine's drive Z: (the test prefix's temporary folder is there) are given as Unix
//! paths. Included by the test crates that need it (`#[path]`).

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

/// The marker before the exit status the shell prints.
const STATUS: &[u8] = b"\nhost-exit-status:";

fn run_through_wine(name: &str, args: &[&str]) -> Output {
    let mut out = Command::new("start.exe")
        .args(["/wait", "/unix", "/bin/sh", "-c"])
        .arg(r#""$0" "$@"; status=$?; printf '\nhost-exit-status:%s' "$status""#)
        .arg(name)
        .args(args.iter().map(|arg| unix_path(arg)))
        .output()
        .unwrap_or_else(|e| panic!("Wine's start.exe runs {name}: {e}"));
    let at = out
        .stdout
        .windows(STATUS.len())
        .rposition(|w| w == STATUS)
        .unwrap_or_else(|| panic!("{name} did not run under Wine's start /unix"));
    let code: u32 = String::from_utf8_lossy(&out.stdout[at + STATUS.len()..])
        .trim()
        .parse()
        .unwrap_or(255);
    out.stdout.truncate(at);
    #[cfg(windows)]
    {
        use std::os::windows::process::ExitStatusExt;
        out.status = std::process::ExitStatus::from_raw(code);
    }
    #[cfg(not(windows))]
    let _ = code;
    out
}

/// `Z:\tmp\x\sheet.pdf` as `/tmp/x/sheet.pdf`; anything else as it is.
fn unix_path(arg: &str) -> String {
    match arg.strip_prefix("Z:").or_else(|| arg.strip_prefix("z:")) {
        Some(rest) => rest.replace('\\', "/"),
        None => arg.to_string(),
    }
}
