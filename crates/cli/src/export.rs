//! `ovop export`: assessments as CSV (UTF-8 with a byte-order mark, so Excel shows Indonesian
//! and Vietnamese correctly) or XLSX, one row per assessment: its latest final revision.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use crate::store_cmd::open;
use crate::{CliError, CliResult};
use ovop_core::Code;

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Csv,
    Xlsx,
}

#[derive(Args)]
pub struct ExportArgs {
    #[arg(long, value_enum)]
    format: Format,
    #[arg(short, long)]
    output: PathBuf,
}

pub fn run(args: ExportArgs, db: &Path) -> CliResult {
    let store = open(db)?;
    let list = store.final_assessments()?;
    let parts: BTreeSet<String> = list
        .iter()
        .filter_map(|a| a.result.as_ref())
        .flat_map(|r| r.parts.iter().map(|p| p.code.clone()))
        .collect();
    let mut header: Vec<String> = [
        "assessment",
        "revision",
        "status",
        "product",
        "producer",
        "village",
        "criteria",
        "version",
        "assessed_on",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    header.extend(parts.iter().map(|p| format!("part_{p}")));
    header.extend(
        [
            "total",
            "max_total",
            "star_by_score",
            "star",
            "content_hash",
        ]
        .iter()
        .map(|s| s.to_string()),
    );

    let mut rows = vec![header];
    for a in &list {
        let product = store.product(&a.product_id)?;
        let producer = store.producer(&product.producer_id)?;
        let mut row = vec![
            a.id.clone(),
            a.revision.to_string(),
            a.status.clone(),
            product.name.clone(),
            producer.name.clone(),
            producer.village_code.clone().unwrap_or_default(),
            a.answers.criteria.clone(),
            a.answers.version.clone().unwrap_or_default(),
            a.visit.assessed_on.clone().unwrap_or_default(),
        ];
        // The official verdict: a council's average, the star only once final.
        let verdict = if a.status == "draft" {
            None
        } else {
            Some(store.verdict_of(a)?)
        };
        let verdict = verdict.as_ref();
        for p in &parts {
            row.push(
                verdict
                    .and_then(|v| v.parts.iter().find(|x| &x.code == p))
                    .map(|x| ovop_core::verdict::number_text(x.points))
                    .unwrap_or_default(),
            );
        }
        row.push(verdict.map(|v| v.total_text()).unwrap_or_default());
        row.push(verdict.map(|v| v.max_total.to_string()).unwrap_or_default());
        row.push(
            verdict
                .map(|v| v.star_by_score.to_string())
                .unwrap_or_default(),
        );
        row.push(
            verdict
                .and_then(|v| v.star)
                .map(|s| s.to_string())
                .unwrap_or_default(),
        );
        row.push(a.content_hash.clone().unwrap_or_default());
        rows.push(row);
    }

    let fail = |e: String| {
        CliError::new(
            Code::ExportWrite.as_str(),
            format!("cannot write {}: {e}", args.output.display()),
        )
    };
    match args.format {
        Format::Csv => {
            let mut bytes = "\u{feff}".as_bytes().to_vec();
            {
                let mut writer = csv::Writer::from_writer(&mut bytes);
                for row in &rows {
                    writer.write_record(row).map_err(|e| fail(e.to_string()))?;
                }
                writer.flush().map_err(|e| fail(e.to_string()))?;
            }
            ovop_app::folder::write_file(&args.output, &bytes, Code::ExportWrite.as_str())?;
        }
        Format::Xlsx => {
            let mut book = rust_xlsxwriter::Workbook::new();
            let sheet = book.add_worksheet();
            sheet
                .set_name("Assessments")
                .map_err(|e| fail(e.to_string()))?;
            for (r, row) in rows.iter().enumerate() {
                for (c, cell) in row.iter().enumerate() {
                    let numeric = r > 0
                        && !cell.is_empty()
                        && cell.chars().all(|ch| ch.is_ascii_digit())
                        && cell.len() < 10;
                    let written = if numeric {
                        sheet
                            .write_number(r as u32, c as u16, cell.parse::<f64>().unwrap_or(0.0))
                            .map(|_| ())
                    } else {
                        sheet.write_string(r as u32, c as u16, cell).map(|_| ())
                    };
                    written.map_err(|e| fail(e.to_string()))?;
                }
            }
            let bytes = book.save_to_buffer().map_err(|e| fail(e.to_string()))?;
            ovop_app::folder::write_file(&args.output, &bytes, Code::ExportWrite.as_str())?;
        }
    }
    println!(
        "{} assessment(s) -> {}",
        rows.len() - 1,
        args.output.display()
    );
    Ok(())
}
