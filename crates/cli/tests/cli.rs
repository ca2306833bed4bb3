//! The `ovop` binary as scripts use it: real files in a temporary data folder, real exit codes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{json, Value};

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn ovop(data: &Path, args: &[&str]) -> Run {
    let Output {
        status,
        stdout,
        stderr,
    } = Command::new(env!("CARGO_BIN_EXE_ovop"))
        .args(args)
        .env("OVOP_DATA_DIR", data)
        .output()
        .expect("run ovop");
    Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&stdout).into(),
        stderr: String::from_utf8_lossy(&stderr).into(),
    }
}

fn ok(data: &Path, args: &[&str]) -> String {
    let run = ovop(data, args);
    assert_eq!(
        run.code, 0,
        "ovop {args:?} failed:\n{}{}",
        run.stdout, run.stderr
    );
    run.stdout
}

fn refused(data: &Path, args: &[&str]) -> String {
    let run = ovop(data, args);
    assert_eq!(
        run.code, 1,
        "ovop {args:?} should be refused:\n{}{}",
        run.stdout, run.stderr
    );
    assert!(
        run.stderr.starts_with("error["),
        "errors carry a code: {}",
        run.stderr
    );
    run.stderr
}

fn example_csv() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../assets/criteria/examples/ovop-tapin-example.csv")
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn answers(dir: &Path, name: &str, value: Value) -> PathBuf {
    write(dir, name, &value.to_string())
}

#[test]
fn criteria_list_shows_the_25_ocop_sets_and_the_ovop_template() {
    let data = tempfile::tempdir().unwrap();
    let out = ok(data.path(), &["criteria", "list"]);
    assert_eq!(
        out.lines().filter(|l| l.starts_with("ocop-1048-")).count(),
        25,
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("ovop-id-template") && l.contains("template")),
        "{out}"
    );
    assert!(out.contains("Chế biến từ gạo, ngũ cốc"));

    let json: Value =
        serde_json::from_str(&ok(data.path(), &["criteria", "list", "--json"])).unwrap();
    let sets = json["sets"].as_array().unwrap();
    assert_eq!(sets.len(), 26);
    let cereal = sets.iter().find(|s| s["id"] == "ocop-1048-02").unwrap();
    assert_eq!(
        (
            cereal["criteria_count"].as_u64(),
            cereal["max_total"].as_u64()
        ),
        (Some(31), Some(100))
    );
}

#[test]
fn criteria_show_prints_the_whole_sheet() {
    let data = tempfile::tempdir().unwrap();
    let out = ok(data.path(), &["criteria", "show", "ocop-1048-02"]);
    assert!(out.contains("1.1 Nguồn nguyên liệu"), "{out}");
    assert!(out.contains("Sử dụng nguyên liệu có nguồn gốc trong tỉnh dưới 50%"));
    assert!(out.contains("only if 5.1 ≥ 1"));
    assert!(out.contains("knock-out"));
    let json: Value = serde_json::from_str(&ok(
        data.path(),
        &["criteria", "show", "ocop-1048-02", "--json"],
    ))
    .unwrap();
    assert_eq!(json["id"], "ocop-1048-02");
    let err = refused(data.path(), &["criteria", "show", "ocop-9999"]);
    assert!(err.contains("criteria.not_found"), "{err}");
}

#[test]
fn validate_reports_transcription_defects_as_declared_warnings() {
    let data = tempfile::tempdir().unwrap();
    let file =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/criteria/sets/ocop-1048-21.json");
    let out = ok(
        data.path(),
        &["criteria", "validate", file.to_str().unwrap()],
    );
    assert!(
        out.contains("warning[part_max_mismatch]") && out.contains("adds up to 38"),
        "{out}"
    );
    assert!(out.contains("declared in known_defects"));
}

#[test]
fn malformed_criteria_files_are_refused_with_the_place_named() {
    let dir = tempfile::tempdir().unwrap();
    let syntax = write(
        dir.path(),
        "syntax.json",
        "{\n  \"format\": 1,\n  \"id\": \"x\",,\n}",
    );
    let err = refused(
        dir.path(),
        &["criteria", "validate", syntax.to_str().unwrap()],
    );
    assert!(
        err.contains("criteria.json_syntax") && err.contains("line 3"),
        "{err}"
    );

    let template = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/criteria/sets/ocop-1048-02.json"),
    )
    .unwrap();
    let mut value: Value = serde_json::from_str(&template).unwrap();
    value["parts"][1]["sections"][0]["criteria"][2]["levels"][1]["points"] = json!("ba");
    let schema = write(dir.path(), "schema.json", &value.to_string());
    let err = refused(
        dir.path(),
        &["criteria", "validate", schema.to_str().unwrap()],
    );
    assert!(
        err.contains("criteria.schema")
            && err.contains("parts[1].sections[0].criteria[2].levels[1].points"),
        "{err}"
    );

    let other = write(dir.path(), "sheet.pdf", "%PDF-1.4");
    assert!(
        refused(dir.path(), &["criteria", "import", other.to_str().unwrap()])
            .contains("criteria.file_type")
    );
    let missing = dir.path().join("missing.json");
    assert!(refused(
        dir.path(),
        &["criteria", "import", missing.to_str().unwrap()]
    )
    .contains("file.unreadable"));
    // A byte that is no letter in the code page a plain CSV is read in (0x81) is refused.
    let latin1 = dir.path().join("latin1.csv");
    std::fs::write(&latin1, b"#id,caf\xe9\x81\n").unwrap();
    assert!(refused(
        dir.path(),
        &["criteria", "import", latin1.to_str().unwrap()]
    )
    .contains("criteria.encoding"));
    let binary = dir.path().join("binary.json");
    std::fs::write(&binary, [0xff, 0xfe, 0x00, 0x41]).unwrap();
    assert!(refused(
        dir.path(),
        &["criteria", "import", binary.to_str().unwrap()]
    )
    .contains("file.not_utf8"));
}

#[test]
fn a_csv_sheet_is_imported_listed_and_scored() {
    let data = tempfile::tempdir().unwrap();
    let out = ok(
        data.path(),
        &["criteria", "import", example_csv().to_str().unwrap()],
    );
    assert!(
        out.contains("ovop-tapin-contoh 2026.1 (7 criteria, maximum 24)"),
        "{out}"
    );
    let installed = data.path().join("criteria/ovop-tapin-contoh-2026.1.json");
    assert!(installed.exists());
    assert!(ok(data.path(), &["criteria", "list"]).contains("ovop-tapin-contoh"));

    // The same file again is a no-op; other content under the same version is refused.
    assert!(ok(
        data.path(),
        &["criteria", "import", example_csv().to_str().unwrap()]
    )
    .contains("already installed"));
    let changed = std::fs::read_to_string(example_csv())
        .unwrap()
        .replace("Produksi musiman", "Produksi tidak tentu");
    let changed = write(data.path(), "changed.csv", &changed);
    let err = refused(
        data.path(),
        &["criteria", "import", changed.to_str().unwrap()],
    );
    assert!(err.contains("criteria.version_clash"), "{err}");

    let set: Value = serde_json::from_str(&std::fs::read_to_string(&installed).unwrap()).unwrap();
    assert_eq!(
        set["parts"][0]["sections"][0]["criteria"][1]["scales"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        set["parts"][0]["sections"][1]["criteria"][1]["applies_if"]["criterion"],
        "2.1"
    );
    assert_eq!(
        set["parts"][1]["sections"][0]["criteria"][0]["knockout"]["trigger"]["when"],
        "points_at_most"
    );
    assert_eq!(
        set["parts"][0]["sections"][0]["criteria"][0]["levels"][0]["text"]["en"],
        "Mostly from outside the regency"
    );
    assert_eq!(set["gates"][0]["code"], "G1");
    assert_eq!(set["minimum_requirements"][0]["star"], 3);

    let a = answers(
        data.path(),
        "a.json",
        json!({
            "criteria": "ovop-tapin-contoh", "gates": {"G1": true},
            "answers": {"1.1": 3, "1.2": 2, "2.1": 3, "2.2": 2, "3.1": 3, "3.2": 3, "3.3": 3}
        }),
    );
    let result: Value = serde_json::from_str(&ok(
        data.path(),
        &[
            "score",
            "--criteria",
            "ovop-tapin-contoh",
            "--answers",
            a.to_str().unwrap(),
            "--json",
        ],
    ))
    .unwrap();
    assert_eq!(result["total"], 24);
    assert_eq!(result["star"], 5);
}

/// The committed example workbook is the CSV written as XLSX; `UPDATE_EXAMPLES=1` rewrites it.
fn write_xlsx(rows: &[Vec<String>], path: &Path, sheet: &str) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(sheet).unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            match cell.parse::<f64>() {
                Ok(n) if !cell.contains('.') => ws.write_number(r as u32, c as u16, n).map(|_| ()),
                _ if !cell.is_empty() => ws.write_string(r as u32, c as u16, cell).map(|_| ()),
                _ => Ok(()),
            }
            .unwrap();
        }
    }
    book.save(path).unwrap();
}

fn csv_rows(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn an_xlsx_sheet_imports_to_the_same_set_as_its_csv() {
    let data = tempfile::tempdir().unwrap();
    let rows = csv_rows(&std::fs::read_to_string(example_csv()).unwrap());
    let xlsx = data.path().join("tapin.xlsx");
    write_xlsx(&rows, &xlsx, "Lembar");
    if std::env::var_os("UPDATE_EXAMPLES").is_some() {
        write_xlsx(&rows, &example_csv().with_extension("xlsx"), "Lembar");
    }
    let from_csv = ok(
        data.path(),
        &[
            "criteria",
            "import",
            example_csv().to_str().unwrap(),
            "-o",
            data.path().join("a.json").to_str().unwrap(),
        ],
    );
    let from_xlsx = ok(
        data.path(),
        &[
            "criteria",
            "import",
            xlsx.to_str().unwrap(),
            "-o",
            data.path().join("b.json").to_str().unwrap(),
        ],
    );
    let hash = |out: &str| out.lines().last().unwrap().to_string();
    assert_eq!(hash(&from_csv), hash(&from_xlsx));
    // The documents column and the gate's fifth cell name the dossier documents.
    let set: Value =
        serde_json::from_str(&std::fs::read_to_string(data.path().join("a.json")).unwrap())
            .unwrap();
    assert_eq!(set["gates"][0]["documents"], serde_json::json!(["nib"]));
    assert_eq!(
        set["parts"][1]["sections"][0]["criteria"][0]["documents"],
        serde_json::json!(["sni"])
    );
    // The committed example workbook reads the same.
    let committed = example_csv().with_extension("xlsx");
    let from_committed = ok(
        data.path(),
        &[
            "criteria",
            "import",
            committed.to_str().unwrap(),
            "-o",
            data.path().join("c.json").to_str().unwrap(),
        ],
    );
    assert_eq!(hash(&from_committed), hash(&from_csv));
}

#[test]
fn spreadsheet_errors_name_the_sheet_row_and_column() {
    let data = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(example_csv()).unwrap();
    // Row 23 of the file is the second level of 1.1: points "dua".
    let bad = text.replacen(
        ",,,,,,2,Sebagian dari dalam kabupaten",
        ",,,,,,dua,Sebagian dari dalam kabupaten",
        1,
    );
    let path = write(data.path(), "bad.csv", &bad);
    let err = refused(data.path(), &["criteria", "import", path.to_str().unwrap()]);
    assert!(
        err.contains("criteria.spreadsheet")
            && err.contains("row 22")
            && err.contains("column G (points)")
            && err.contains("\"dua\""),
        "{err}"
    );

    let mut rows = csv_rows(&bad);
    rows.insert(0, vec![]); // one empty row on top: the error moves down with it
    let xlsx = data.path().join("bad.xlsx");
    write_xlsx(&rows, &xlsx, "Lembar Tapin");
    let err = refused(data.path(), &["criteria", "import", xlsx.to_str().unwrap()]);
    assert!(
        err.contains("sheet \"Lembar Tapin\"")
            && err.contains("row 23")
            && err.contains("column G"),
        "{err}"
    );

    let semicolons = text.replace(',', ";");
    let path = write(data.path(), "semicolon.csv", &semicolons);
    assert!(ok(
        data.path(),
        &[
            "criteria",
            "import",
            path.to_str().unwrap(),
            "-o",
            data.path().join("s.json").to_str().unwrap()
        ]
    )
    .contains("7 criteria"));

    for (from, to, expect) in [
        (
            "#stars,1:0,2:8",
            "#stars,1:0,2;8",
            "write a band as star:minimum",
        ),
        (
            "knockout_text",
            "knockout_txt",
            "unknown column \"knockout_txt\"",
        ),
        (",2.1 > 0,", ",2.1 >> 0,", "column K (applies_if)"),
        (
            "observed disqualify",
            "observed maybe",
            "column L (knockout)",
        ),
        ("#programme,ovop", "#programme,ovpo", "programme must be"),
        ("#id,ovop-tapin-contoh\n", "", "the #id setting is missing"),
    ] {
        assert!(text.contains(from), "{from}");
        let path = write(data.path(), "case.csv", &text.replacen(from, to, 1));
        let err = refused(
            data.path(),
            &["criteria", "validate", path.to_str().unwrap()],
        );
        assert!(err.contains(expect), "{from} -> {to}: {err}");
    }
}

/// The cereal sheet's criteria in sheet order, with their JSON.
fn cereal_criteria() -> Vec<Value> {
    let set: Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../assets/criteria/sets/ocop-1048-02.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let mut out = Vec::new();
    for part in set["parts"].as_array().unwrap() {
        for section in part["sections"].as_array().unwrap() {
            out.extend(section["criteria"].as_array().unwrap().iter().cloned());
        }
    }
    out
}

/// Every criterion of the cereal sheet at its last printed level (its best), 3.2 on its first
/// scale's best level, and 5.1 at level 1: no story, so 5.2 and 5.3 do not apply.
fn cereal_answers() -> Value {
    let mut answers = serde_json::Map::new();
    for c in cereal_criteria() {
        let code = c["code"].as_str().unwrap();
        let value = if c.get("applies_if").is_some() {
            json!("na")
        } else {
            json!(c["levels"].as_array().unwrap().len())
        };
        answers.insert(code.to_string(), value);
    }
    answers.insert("3.2".into(), json!(2));
    answers.insert("5.1".into(), json!(1));
    json!({ "criteria": "ocop-1048-02", "answers": answers })
}

#[test]
fn score_prints_the_engines_whole_result() {
    let dir = tempfile::tempdir().unwrap();
    let a = answers(dir.path(), "a.json", cereal_answers());
    let result: Value = serde_json::from_str(&ok(
        dir.path(),
        &[
            "score",
            "--criteria",
            "ocop-1048-02",
            "--answers",
            a.to_str().unwrap(),
            "--json",
        ],
    ))
    .unwrap();
    // Best level everywhere but the story (0), so 5.2 and 5.3 do not apply: 100 - 5 - 3 - 2.
    assert_eq!(result["total"], 90);
    assert_eq!(result["star_by_score"], 5);
    assert_eq!(result["star"], 5);
    let na: Vec<&str> = result["not_applicable"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["criterion"].as_str().unwrap())
        .collect();
    assert_eq!(na, ["5.2", "5.3"]);
    for key in [
        "parts",
        "reasons",
        "knockouts",
        "set",
        "complete",
        "criteria",
    ] {
        assert!(result.get(key).is_some(), "--json has {key}");
    }
    let text = ok(
        dir.path(),
        &[
            "score",
            "--criteria",
            "ocop-1048-02",
            "--answers",
            a.to_str().unwrap(),
        ],
    );
    assert!(
        text.contains("total       90 / 100") && text.contains("official star: 5"),
        "{text}"
    );

    // A knock-out observed at 6.1 stops the quality assessment; answering after it is refused.
    let mut knocked = cereal_answers();
    knocked["knockouts"] = json!(["6.1"]);
    let k = answers(dir.path(), "k.json", knocked.clone());
    let err = refused(
        dir.path(),
        &[
            "score",
            "--criteria",
            "ocop-1048-02",
            "--answers",
            k.to_str().unwrap(),
        ],
    );
    assert!(
        err.contains("answers.after_knockout") && err.contains("6.2"),
        "{err}"
    );
    let obj = knocked["answers"].as_object_mut().unwrap();
    let codes: Vec<String> = cereal_criteria()
        .iter()
        .map(|c| c["code"].as_str().unwrap().to_string())
        .collect();
    let at = codes.iter().position(|c| c == "6.1").unwrap();
    for code in &codes[at + 1..] {
        obj.remove(code);
    }
    let k = answers(dir.path(), "k2.json", knocked);
    let result: Value = serde_json::from_str(&ok(
        dir.path(),
        &[
            "score",
            "--criteria",
            "ocop-1048-02",
            "--answers",
            k.to_str().unwrap(),
            "--json",
        ],
    ))
    .unwrap();
    assert_eq!(result["star"], Value::Null);
    assert_eq!(result["knockouts"][0]["criterion"], "6.1");
}

#[test]
fn score_refuses_answers_that_do_not_fit_the_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            json!({"criteria": "ocop-1048-02", "answers": {"11.1": 1}}),
            "answers.unknown_criterion",
        ),
        (
            json!({"criteria": "ocop-1048-02", "answers": {"1.1": 9}}),
            "answers.no_such_level",
        ),
        (
            json!({"criteria": "ocop-1048-02", "answers": {"5.1": 1, "5.2": 2}}),
            "answers.not_applicable",
        ),
        (
            json!({"criteria": "ocop-1048-02", "answers": {"5.1": 3, "5.2": "na"}}),
            "answers.applies",
        ),
        (
            json!({"criteria": "ocop-1048-02", "answers": {"1.1": 0}}),
            "answers.schema",
        ),
        (
            json!({"criteria": "ocop-1048-02", "answers": {"1.1": 1}, "extra": true}),
            "answers.schema",
        ),
        (
            json!({"criteria": "ocop-1048-03", "answers": {}}),
            "answers.wrong_set",
        ),
    ];
    for (value, code) in cases {
        let a = answers(dir.path(), "bad.json", value.clone());
        let err = refused(
            dir.path(),
            &[
                "score",
                "--criteria",
                "ocop-1048-02",
                "--answers",
                a.to_str().unwrap(),
            ],
        );
        assert!(err.contains(code), "{value}: {err}");
    }
    let a = write(dir.path(), "broken.json", "{\"criteria\": ");
    assert!(refused(
        dir.path(),
        &[
            "score",
            "--criteria",
            "ocop-1048-02",
            "--answers",
            a.to_str().unwrap()
        ]
    )
    .contains("answers.schema"));
    let a = answers(dir.path(), "ok.json", cereal_answers());
    assert!(refused(
        dir.path(),
        &[
            "score",
            "--criteria",
            "nope",
            "--answers",
            a.to_str().unwrap()
        ]
    )
    .contains("criteria.not_found"));
}

#[test]
fn score_with_several_answers_files_is_a_council() {
    let dir = tempfile::tempdir().unwrap();
    let chair = answers(dir.path(), "chair.json", cereal_answers());
    let mut low = cereal_answers();
    low["answers"]["10"] = json!(1); // 5 -> 1
    low["answers"]["8.1"] = json!(1); // 3 -> 0
    low["answers"]["4.1"] = json!(1); // 5 -> 1
    low["assessor"] = json!("Trần Thị B");
    let low = answers(dir.path(), "low.json", low);
    let result: Value = serde_json::from_str(&ok(
        dir.path(),
        &[
            "score",
            "--criteria",
            "ocop-1048-02",
            "--answers",
            chair.to_str().unwrap(),
            "--answers",
            low.to_str().unwrap(),
            "--json",
        ],
    ))
    .unwrap();
    assert_eq!(result["average"], 84.5);
    assert_eq!(result["star_by_score"], 4);
    assert_eq!(result["divergence"]["spread"], 11);
    assert_eq!(result["divergence"]["exceeded"], true);
    assert_eq!(result["divergence"]["pairs"][0]["high"], "chair");
    assert_eq!(result["divergence"]["pairs"][0]["low"], "Trần Thị B");
    let diverging: Vec<&str> = result["divergence"]["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    assert_eq!(diverging, ["4.1", "10", "8.1"]);
    let text = ok(
        dir.path(),
        &[
            "score",
            "--criteria",
            "ocop-1048-02",
            "--answers",
            chair.to_str().unwrap(),
            "--answers",
            low.to_str().unwrap(),
        ],
    );
    assert!(text.contains("must discuss and score again"), "{text}");
    // Beyond the divergence the council's verdict is provisional: no official star.
    assert_eq!(result["verdict"]["standing"], "provisional");
    assert_eq!(result["verdict"]["star"], Value::Null);
    assert_eq!(result["verdict"]["total"], 84.5, "the set does not round");
    assert!(
        text.contains("official star: none yet, the result is provisional"),
        "{text}"
    );
}

#[test]
fn score_gives_no_official_star_to_an_incomplete_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let mut open = cereal_answers();
    open["answers"].as_object_mut().unwrap().remove("10");
    let a = answers(dir.path(), "open.json", open);
    let args = [
        "score",
        "--criteria",
        "ocop-1048-02",
        "--answers",
        a.to_str().unwrap(),
    ];
    let text = ok(dir.path(), &args);
    assert!(
        text.contains("official star: none yet, the result is provisional")
            && text.contains("unanswered: 10"),
        "{text}"
    );
    let mut json_args = args.to_vec();
    json_args.push("--json");
    let result: Value = serde_json::from_str(&ok(dir.path(), &json_args)).unwrap();
    assert_eq!(result["verdict"]["standing"], "provisional");
    assert_eq!(result["verdict"]["star"], Value::Null);
    assert!(
        result["star"].is_number(),
        "the sheet's own star is still shown"
    );
}
