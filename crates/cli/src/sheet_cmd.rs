//! `ovop sheet`: an assessment's printed sheet, its producer receipt, its council's sheet or
//! the minutes of its council's session, or a blank sheet for a visit on paper, as PDF.

use std::path::{Path, PathBuf};

use clap::Args;
use ovop_sheets::{Fonts, Lang};

use crate::criteria_cmd::{find, load_catalog};
use crate::{store_cmd, CliError, CliResult};
use ovop_core::Code;

#[derive(Args)]
pub struct SheetArgs {
    /// The assessment (its latest revision unless --revision is given).
    #[arg(required_unless_present_any = ["blank", "batch"])]
    assessment: Option<String>,
    /// Every final assessment of a village (--village, a region code: its whole subtree) and/or
    /// a day (--date), in one PDF with a cover and contents.
    #[arg(long, conflicts_with_all = ["assessment", "blank", "receipt", "council"])]
    batch: bool,
    /// The batch's region (a village, or a district or regency: everything under it).
    #[arg(long, requires = "batch")]
    village: Option<String>,
    /// The batch's day of visit, YYYY-MM-DD.
    #[arg(long, requires = "batch")]
    date: Option<String>,
    /// A batch the office forwarded to the next level (its number on the dashboard's
    /// forwarding page), as this laptop pulled it: the minutes of each council's session
    /// first, then each product's sheet with its dossier.
    #[arg(long, requires = "batch", conflicts_with_all = ["village", "date"])]
    forwarded: Option<i64>,
    /// A revision of the assessment.
    #[arg(long)]
    revision: Option<i64>,
    /// The producer's receipt (one page: the result, what to improve first, the officer).
    #[arg(long, conflicts_with_all = ["blank", "council"])]
    receipt: bool,
    /// The council's sheet (each member's totals, the average, the divergence check).
    #[arg(long, conflicts_with = "blank")]
    council: bool,
    /// The minutes of the council's session the assessment was scored in: every final
    /// assessment of its round and level on its day, who sat, the quorum, the results and the
    /// products proposed to the next level.
    #[arg(long, conflicts_with_all = ["blank", "receipt", "council"])]
    minutes: bool,
    /// A blank sheet of a criteria set (with --criteria) instead of an assessment.
    #[arg(long, requires = "criteria", conflicts_with = "assessment")]
    blank: bool,
    /// The criteria set of a blank sheet.
    #[arg(long)]
    criteria: Option<String>,
    /// The set's version (the newest when left out).
    #[arg(long)]
    version: Option<String>,
    /// The language of the sheet's words: id, en or vi.
    #[arg(long, default_value = "id", value_parser = ["id", "en", "vi"])]
    lang: String,
    /// Where to write the PDF.
    #[arg(short, long)]
    output: PathBuf,
}

pub fn run(args: SheetArgs, db: &Path, data_dir: Option<&Path>) -> CliResult {
    let lang = Lang::parse(&args.lang);
    let fonts = Fonts::bundled();
    if args.batch {
        return batch(&args, db, lang);
    }
    let bytes = if args.blank {
        let catalog = load_catalog(data_dir);
        let id = args.criteria.as_deref().unwrap_or_default();
        let entry = find(&catalog, id, args.version.as_deref())?;
        let sheet = ovop_app::sheets::blank(entry.rubric.set().clone(), lang);
        ovop_sheets::blank(&sheet, &fonts)?
    } else {
        let store = store_cmd::open(db)?;
        let id = args.assessment.as_deref().unwrap_or_default();
        // The same papers, made the same way, as the window's.
        use ovop_app::sheets::SheetKind;
        let kind = if args.minutes {
            SheetKind::Minutes
        } else if args.receipt {
            SheetKind::Receipt
        } else if args.council {
            SheetKind::Council
        } else {
            SheetKind::Sheet
        };
        ovop_app::sheets::paper(&store, id, args.revision, lang, kind)?.0
    };
    ovop_app::folder::write_file(&args.output, &bytes, Code::SheetWrite.as_str())?;
    println!("{} ({} bytes)", args.output.display(), bytes.len());
    Ok(())
}

/// The final assessments of a region and/or a day, one sheet after another into the file.
fn batch(args: &SheetArgs, db: &Path, lang: Lang) -> CliResult {
    if args.village.is_none() && args.date.is_none() && args.forwarded.is_none() {
        return Err(CliError::new(
            Code::SheetBatchEmpty.as_str(),
            "a batch needs --village, --date or both, or --forwarded",
        ));
    }
    let store = store_cmd::open(db)?;
    if let Some(number) = args.forwarded {
        let (cover, chosen) =
            ovop_app::sheets::forwarded_batch(&store, number, lang, &ovop_store::now_utc())?;
        return write_batch(args, &store, lang, &cover, &chosen);
    }
    let mut title = Vec::new();
    if let Some(code) = &args.village {
        let region = store.region(code)?;
        title.push(format!("{} ({})", region.name, region.code));
    }
    if let Some(date) = &args.date {
        title.push(date.clone());
    }
    // The records are chosen first (ids and revisions only); each sheet is read when written.
    let mut chosen = Vec::new();
    for assessment in store.final_assessments()? {
        if args
            .date
            .as_ref()
            .is_some_and(|d| assessment.visit.assessed_on.as_ref() != Some(d))
        {
            continue;
        }
        if let Some(code) = &args.village {
            let product = store.product(&assessment.product_id)?;
            let producer = store.producer(&product.producer_id)?;
            let place = producer
                .village_code
                .or(product.village_code)
                .or(assessment.visit.region_code.clone())
                .unwrap_or_default();
            let inside = place == *code || place.starts_with(&format!("{code}."));
            if !inside {
                continue;
            }
        }
        chosen.push((assessment.id, assessment.revision));
    }
    if chosen.is_empty() {
        return Err(CliError::new(
            Code::SheetBatchEmpty.as_str(),
            format!("no final assessment for {}", title.join(" · ")),
        ));
    }
    let cover = ovop_sheets::Cover {
        lang: Some(lang),
        title: title.join(" · "),
        made: ovop_store::now_utc(),
        leading: Vec::new(),
    };
    write_batch(args, &store, lang, &cover, &chosen)
}

/// The batch's PDF, written beside its place and moved there once whole.
fn write_batch(
    args: &SheetArgs,
    store: &ovop_store::Store,
    lang: Lang,
    cover: &ovop_sheets::Cover,
    chosen: &[(String, i64)],
) -> CliResult {
    let mut partial = args.output.as_os_str().to_os_string();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    let written = (|| {
        let file = std::fs::File::create(&partial).map_err(|e| {
            CliError::new(
                Code::SheetWrite.as_str(),
                format!("cannot write {}: {e}", args.output.display()),
            )
        })?;
        let mut out = std::io::BufWriter::new(file);
        let written = ovop_app::sheets::write_batch(store, cover, chosen, lang, &mut out)?;
        let file = out
            .into_inner()
            .map_err(|e| CliError::new(Code::SheetWrite.as_str(), e.to_string()))?;
        file.sync_all()
            .map_err(|e| CliError::new(Code::SheetWrite.as_str(), e.to_string()))?;
        ovop_store::replace(&partial, &args.output).map_err(|e| {
            ovop_app::folder::write_error(&args.output, &e, Code::SheetWrite.as_str())
        })?;
        Ok::<_, CliError>(written)
    })();
    let written = written.inspect_err(|_| {
        let _ = std::fs::remove_file(&partial);
    })?;
    println!(
        "{} ({} sheets, {} pages, {} bytes)",
        args.output.display(),
        written.sheets,
        written.pages,
        written.bytes
    );
    Ok(())
}
