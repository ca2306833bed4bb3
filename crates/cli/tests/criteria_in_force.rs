//! A criteria set not in force on the visit's day, through `ovop`: scoring and starting an
//! assessment on it still work (an office may redo an old assessment), with a warning line on
//! stderr naming the decision, the day it was replaced and the set to use instead.

use std::path::Path;
use std::process::Command;

use serde_json::{json, Value};

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn ovop(data: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_ovop"))
        .args(args)
        .env("OVOP_DATA_DIR", data)
        .env("OVOP_NOW", "2026-11-20T09:00:00Z")
        .output()
        .expect("run ovop");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).trim().to_string(),
        stderr: String::from_utf8_lossy(&out.stderr).into(),
    }
}

fn ok(data: &Path, args: &[&str]) -> Run {
    let run = ovop(data, args);
    assert_eq!(
        run.code, 0,
        "ovop {args:?} failed:\n{}{}",
        run.stdout, run.stderr
    );
    run
}

fn shipped(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../assets/criteria/sets")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The cereal sheet as a Decision 148 sheet would be published: in force from 24 February 2023.
fn install_successor(data: &Path) {
    let mut set = shipped("ocop-1048-02.json");
    set["id"] = json!("ocop-148-02");
    set["version"] = json!("2023.1");
    set["legal_basis"] = json!(["Quyết định 148/QĐ-TTg (24/02/2023)"]);
    set["effective"] = json!({ "from": "2023-02-24" });
    let file = data.join("ocop-148-02.json");
    std::fs::write(&file, set.to_string()).unwrap();
    ok(data, &["criteria", "import", file.to_str().unwrap()]);
}

fn score(data: &Path, criteria: &str, extra: &[&str]) -> Run {
    let answers = data.join("answers.json");
    std::fs::write(
        &answers,
        json!({ "criteria": criteria, "answers": {} }).to_string(),
    )
    .unwrap();
    let mut args = vec![
        "score",
        "--criteria",
        criteria,
        "--answers",
        answers.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    ok(data, &args)
}

#[test]
fn scoring_on_a_replaced_set_warns_and_still_scores() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let run = score(d, "ocop-1048-02", &[]);
    assert!(run.stdout.contains("official total"), "{}", run.stdout);
    let warning: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(warning.len(), 1, "{}", run.stderr);
    assert_eq!(
        warning[0],
        "warning: criteria set ocop-1048-02 781-2020 (Quyết định 1048/QĐ-TTg (21/08/2019); \
         Quyết định 781/QĐ-TTg (08/06/2020)) is no longer in force on 2026-11-20: it was replaced \
         on 2023-02-24; no set in force for product group 02 is installed: ask the office to \
         publish the current sheet (it arrives with the next sync), or import it with `ovop \
         criteria import FILE`"
    );
    // On the last day before Decision 148 the sheet is in force: nothing to say.
    assert_eq!(
        score(d, "ocop-1048-02", &["--date", "2023-02-23"]).stderr,
        ""
    );
    // The replacement day itself is out of force.
    assert!(score(d, "ocop-1048-02", &["--date", "2023-02-24"])
        .stderr
        .contains("is no longer in force on 2023-02-24"));
    // Refused answers on it: the error alone, as scripts expect (`error[code]: message`).
    let wrong = d.join("wrong.json");
    std::fs::write(
        &wrong,
        json!({ "criteria": "ocop-1048-02", "answers": { "99.9": 1 } }).to_string(),
    )
    .unwrap();
    let refused = ovop(
        d,
        &[
            "score",
            "--criteria",
            "ocop-1048-02",
            "--answers",
            wrong.to_str().unwrap(),
        ],
    );
    assert_eq!(refused.code, 1);
    assert!(
        refused.stderr.starts_with("error[") && !refused.stderr.contains("warning"),
        "{}",
        refused.stderr
    );
    // A set without dates (the OVOP template) is never warned about.
    assert_eq!(score(d, "ovop-id-template", &[]).stderr, "");
    let bad = ovop(
        d,
        &[
            "score",
            "--criteria",
            "ocop-1048-02",
            "--answers",
            "x.json",
            "--date",
            "20/11/2026",
        ],
    );
    assert_eq!(bad.code, 1);
    assert!(
        bad.stderr.contains("--date \"20/11/2026\""),
        "{}",
        bad.stderr
    );

    install_successor(d);
    let run = score(d, "ocop-1048-02", &[]);
    assert!(
        run.stderr.trim_end().ends_with(
            "the set in force for product group 02 is ocop-148-02 2023.1 (--criteria ocop-148-02 --version 2023.1)"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(score(d, "ocop-148-02", &[]).stderr, "");
    assert!(score(d, "ocop-148-02", &["--date", "2023-02-23"])
        .stderr
        .contains("is not yet in force on 2023-02-23: it applies from 2023-02-24"));
}

#[test]
fn starting_an_assessment_on_a_replaced_set_warns_and_starts_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let producer = ok(d, &["producer", "add", "--name", "HTX Chè Tân Cương"]).stdout;
    let product = ok(
        d,
        &[
            "product",
            "add",
            "--producer",
            &producer,
            "--name",
            "Chè Tân Cương",
            "--programme",
            "ocop",
            "--product-set",
            "02",
        ],
    )
    .stdout;
    let new = |criteria: &str, extra: &[&str]| {
        let mut args = vec![
            "assessment",
            "new",
            "--product",
            &product,
            "--criteria",
            criteria,
        ];
        args.extend_from_slice(extra);
        ok(d, &args)
    };
    let run = new("ocop-1048-02", &[]);
    assert!(!run.stdout.is_empty(), "the new assessment's id is printed");
    assert!(
        run.stderr
            .contains("is no longer in force on 2026-11-20: it was replaced on 2023-02-24"),
        "{}",
        run.stderr
    );
    assert!(run
        .stderr
        .contains("no set in force for product group 02 is installed"));
    let listed = ok(d, &["assessment", "list", "--json"]).stdout;
    assert!(listed.contains(&run.stdout), "{listed}");
    // An old visit, on the day the sheet applied: no warning.
    assert_eq!(new("ocop-1048-02", &["--date", "2022-06-01"]).stderr, "");

    install_successor(d);
    let run = new("ocop-1048-02", &[]);
    assert!(
        run.stderr
            .contains("the set in force for product group 02 is ocop-148-02 2023.1"),
        "{}",
        run.stderr
    );
    assert_eq!(new("ocop-148-02", &[]).stderr, "");
}
