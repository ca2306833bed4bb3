//! `ovop db | regions | producer | product | assessment | export`: the local store from the
//! command line, enough to record a whole assessment from a script.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use ovop_core::Answer;
use ovop_store::assessments::{Assessor, Visit};
use ovop_store::records::{Producer, Product};
use ovop_store::Store;

use crate::criteria_cmd::{in_force_warning, load_catalog};
use crate::spreadsheet::read_text;
use crate::{CliError, CliResult};

use ovop_core::Code;
pub use ovop_store::now_utc as now;

pub fn db_path(data_dir: Option<&Path>, explicit: Option<&Path>) -> Result<PathBuf, CliError> {
    explicit
        .map(Path::to_path_buf)
        .or_else(|| data_dir.map(|d| d.join("ovop.sqlite")))
        .ok_or_else(|| {
            CliError::new(
                Code::DataNoDir.as_str(),
                "no data folder: pass --data-dir or set OVOP_DATA_DIR",
            )
        })
}

/// Opens the store, creating the data folder and importing the regions on first use.
pub fn open(path: &Path) -> Result<Store, CliError> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| {
            CliError::new(
                Code::DataUnwritable.as_str(),
                format!("cannot create {}: {e}", dir.display()),
            )
        })?;
    }
    let mut store = Store::open(path)?;
    store.ensure_regions()?;
    Ok(store)
}

fn print_json<T: serde::Serialize>(value: &T) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_default()
    );
}

#[derive(Subcommand)]
pub enum DbCommand {
    /// Create the database (with every region of Indonesia) or bring it up to date.
    Init,
    /// Check the database's integrity.
    Check,
    /// Write a consistent copy of the database.
    Backup { file: Option<PathBuf> },
    /// Replace the database with a backup (default: the latest); the old file is kept beside it.
    Restore { file: Option<PathBuf> },
    /// Write a whole backup (database, photos, imported criteria sets) as one `.ovopbak` file
    /// into the folder DIR, e.g. a USB drive.
    Archive { dir: PathBuf },
    /// Check a whole backup file entry by entry and say what it holds; changes nothing.
    CheckArchive { file: PathBuf },
    /// Restore a whole backup file (checked first): the photos the laptop lacks are added, the
    /// database replaced, the old one kept beside it.
    RestoreArchive { file: PathBuf },
}

pub fn db(cmd: DbCommand, path: &Path) -> CliResult {
    match cmd {
        DbCommand::Init => {
            let store = open(path)?;
            println!(
                "{}: schema {}, {} provinces, {} regencies, {} districts, {} villages",
                path.display(),
                store.schema_version()?,
                store.region_count("province")?,
                store.region_count("regency")?,
                store.region_count("district")?,
                store.region_count("village")?
            );
        }
        DbCommand::Check => {
            let store = Store::open(path)?;
            let problems = store.check()?;
            if !problems.is_empty() {
                return Err(CliError::new(
                    Code::StoreCorrupt.as_str(),
                    format!("{} is damaged:\n{}", path.display(), problems.join("\n")),
                ));
            }
            println!("{}: ok", path.display());
        }
        DbCommand::Backup { file } => {
            let store = Store::open(path)?;
            let target = file.unwrap_or_else(|| store.backup_path(&now().replace(':', "")));
            store.backup_to(&target)?;
            println!("{}", target.display());
        }
        DbCommand::Restore { file } => {
            let from = file
                .or_else(|| ovop_store::latest_backup(path))
                .ok_or_else(|| {
                    CliError::new(
                        Code::StoreNoBackup.as_str(),
                        format!("no backup of {} was found", path.display()),
                    )
                })?;
            let kept = ovop_store::restore(path, &from)?;
            println!(
                "restored {} from {}; the previous file is kept as {}",
                path.display(),
                from.display(),
                kept.display()
            );
        }
        DbCommand::Archive { dir } => {
            let store = Store::open(path)?;
            print_json(&store.write_archive(&dir, &now())?);
        }
        DbCommand::CheckArchive { file } => {
            print_json(&ovop_store::archive::inspect_archive(path, &file)?);
        }
        DbCommand::RestoreArchive { file } => {
            print_json(&ovop_store::archive::restore_archive(path, &file)?);
        }
    }
    Ok(())
}

#[derive(Subcommand)]
pub enum RegionsCommand {
    /// Find regions by name, with or without diacritics ("da nang", "tapin").
    Search {
        query: String,
        #[arg(long, default_value_t = 20)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// Import a country's regions: `id` (Indonesia, done by `db init`), `vn` (Vietnam's provinces
    /// and communes from 1 July 2025, with the table from the old communes to the new) or
    /// `vn-before-2025` (Vietnam's units before that day, to name old records).
    Import { country: String },
    /// The countries the officer works in (`id`, `vn` or `id,vn`): their regions are imported and
    /// searches keep to them. Without a value, prints them.
    Countries { countries: Option<String> },
    /// Producers registered under a Vietnamese unit that no longer exists, with where the
    /// government's table sends them.
    Relocations {
        #[arg(long)]
        json: bool,
    },
    /// Move a producer under an old commune to one of its successors (the history keeps the old).
    Relocate { producer: String, code: String },
    /// The regions directly under CODE (the provinces without CODE).
    Children {
        code: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

pub fn regions(cmd: RegionsCommand, path: &Path) -> CliResult {
    let mut store = open(path)?;
    let (list, json) = match cmd {
        RegionsCommand::Import { country } => {
            let dataset = match country.to_lowercase().as_str() {
                "id" => &ovop_store::regions::INDONESIA,
                "vn" => &ovop_store::regions::VIETNAM,
                "vn-before-2025" => &ovop_store::regions::VIETNAM_BEFORE_2025,
                other => {
                    return Err(CliError::new(
                        Code::RegionsUnknownCountry.as_str(),
                        format!("no region data for {other:?}; use id, vn or vn-before-2025"),
                    ))
                }
            };
            println!(
                "{}: {} regions",
                dataset.name,
                store.import_regions(dataset)?
            );
            return Ok(());
        }
        RegionsCommand::Countries { countries } => {
            let chosen = match countries {
                Some(list) => {
                    let wanted: Vec<String> = list
                        .split(',')
                        .map(|c| c.trim().to_uppercase())
                        .filter(|c| !c.is_empty())
                        .collect();
                    store.choose_countries(&wanted, &ovop_store::now_utc())?
                }
                None => store.region_countries()?,
            };
            println!("{}", chosen.chosen.join(","));
            return Ok(());
        }
        RegionsCommand::Relocations { json } => {
            let list = store.relocations()?;
            if json {
                print_json(&list);
            } else {
                for r in list {
                    let to: Vec<String> = r
                        .candidates
                        .iter()
                        .map(|c| format!("{} {} ({})", c.region.code, c.region.name, c.merge))
                        .collect();
                    println!(
                        "{}  {}  {} {} -> {}",
                        r.producer_id,
                        r.producer_name,
                        r.old.code,
                        r.old.name,
                        if to.is_empty() {
                            "?".to_string()
                        } else {
                            to.join(" | ")
                        }
                    );
                }
            }
            return Ok(());
        }
        RegionsCommand::Relocate { producer, code } => {
            let moved = store.relocate_producer(&producer, &code, &ovop_store::now_utc())?;
            println!("{} {}", moved.id, moved.village_code.unwrap_or_default());
            return Ok(());
        }
        RegionsCommand::Search { query, limit, json } => {
            (store.search_regions(&query, limit)?, json)
        }
        RegionsCommand::Children { code, json } => (store.region_children(code.as_deref())?, json),
    };
    if json {
        print_json(&list);
    } else {
        for r in list {
            let formerly = r
                .formerly
                .map(|f| format!("  [{}, {}: {}]", f.name, f.district, f.merge))
                .unwrap_or_default();
            println!(
                "{:<16} {:<9} {}  ({}){formerly}",
                r.code, r.level, r.name, r.path
            );
        }
    }
    Ok(())
}

#[derive(Subcommand)]
pub enum ProducerCommand {
    /// Register a producer; prints its id.
    Add(ProducerArgs),
    /// Producers, optionally in a region subtree.
    List {
        #[arg(long)]
        region: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
pub struct ProducerArgs {
    #[arg(long)]
    name: String,
    #[arg(long)]
    village: Option<String>,
    #[arg(long)]
    legal_form: Option<String>,
    /// NIB or business registration number.
    #[arg(long)]
    registration: Option<String>,
    #[arg(long)]
    representative: Option<String>,
    #[arg(long)]
    phone: Option<String>,
    #[arg(long)]
    workforce: Option<i64>,
    #[arg(long)]
    local_labour_pct: Option<f64>,
    #[arg(long)]
    women: Option<i64>,
    #[arg(long)]
    sentra_ikm: Option<String>,
    #[arg(long)]
    penghela: bool,
}

pub fn producer(cmd: ProducerCommand, path: &Path) -> CliResult {
    let mut store = open(path)?;
    match cmd {
        ProducerCommand::Add(a) => {
            let producer = Producer {
                name: a.name,
                village_code: a.village,
                legal_form: a.legal_form,
                registration_no: a.registration,
                representative: a.representative,
                phone: a.phone,
                workforce: a.workforce,
                local_labour_pct: a.local_labour_pct,
                women: a.women,
                sentra_ikm: a.sentra_ikm,
                penghela: a.penghela,
                ..Producer::default()
            };
            println!("{}", store.add_producer(&producer, &now())?);
        }
        ProducerCommand::List { region, json } => {
            let list = store.producers_in(region.as_deref(), 1000)?;
            if json {
                print_json(&list);
            } else {
                for p in list {
                    println!(
                        "{}  {}  {}",
                        p.id,
                        p.name,
                        p.village_code.unwrap_or_default()
                    );
                }
            }
        }
    }
    Ok(())
}

#[derive(Subcommand)]
pub enum ProductCommand {
    /// Register a product of a producer; prints its id.
    Add {
        #[arg(long)]
        producer: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        brand: Option<String>,
        #[arg(long)]
        programme: Option<String>,
        #[arg(long)]
        product_set: Option<String>,
        #[arg(long = "sku")]
        skus: Vec<String>,
        #[arg(long)]
        description: Option<String>,
    },
    /// A producer's products.
    List {
        #[arg(long)]
        producer: String,
        #[arg(long)]
        json: bool,
    },
    /// Find products by name, brand, SKU or producer, optionally in a region subtree.
    Search {
        query: String,
        #[arg(long)]
        region: Option<String>,
        #[arg(long, default_value_t = 20)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
}

pub fn product(cmd: ProductCommand, path: &Path) -> CliResult {
    let mut store = open(path)?;
    match cmd {
        ProductCommand::Add {
            producer,
            name,
            brand,
            programme,
            product_set,
            skus,
            description,
        } => {
            let product = Product {
                producer_id: producer,
                name,
                brand,
                programme,
                product_set,
                skus,
                description,
                ..Product::default()
            };
            println!("{}", store.add_product(&product, &now())?);
        }
        ProductCommand::List { producer, json } => {
            let list = store.products_of(&producer)?;
            if json {
                print_json(&list);
            } else {
                for p in list {
                    println!("{}  {}", p.id, p.name);
                }
            }
        }
        ProductCommand::Search {
            query,
            region,
            limit,
            json,
        } => {
            let hits = store.search_products(&query, region.as_deref(), limit)?;
            if json {
                print_json(&hits);
            } else {
                for h in hits {
                    println!(
                        "{}  {}  ({})",
                        h.product.id, h.product.name, h.producer_name
                    );
                }
            }
        }
    }
    Ok(())
}

#[derive(Subcommand)]
pub enum AssessmentCommand {
    /// Start a draft assessment; prints its id.
    New {
        #[arg(long)]
        product: String,
        #[arg(long)]
        criteria: String,
        #[arg(long)]
        version: Option<String>,
        /// The day of the visit (YYYY-MM-DD).
        #[arg(long)]
        date: Option<String>,
        /// Where the assessment took place (a region code).
        #[arg(long)]
        region: Option<String>,
        #[arg(long = "assessor")]
        assessors: Vec<String>,
        /// The round (`2026-1`: the year and its round).
        #[arg(long)]
        round: Option<String>,
        /// The programme level (`province`, `kabupaten`: the programme's file names them).
        #[arg(long)]
        level: Option<String>,
        /// new, reassessment or upgrade.
        #[arg(long)]
        kind: Option<String>,
    },
    /// Answer one criterion (a level position, "na", or "clear"), or load an answers file.
    Answer {
        id: String,
        code: Option<String>,
        value: Option<String>,
        #[arg(long)]
        file: Option<PathBuf>,
    },
    /// Lock the sheet and queue it for sync.
    Finalize { id: String },
    /// Start a correction of a final assessment (a new revision).
    Correct {
        id: String,
        #[arg(long)]
        reason: String,
    },
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
    List {
        #[arg(long)]
        status: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

pub fn assessment(cmd: AssessmentCommand, path: &Path, data_dir: Option<&Path>) -> CliResult {
    let mut store = open(path)?;
    match cmd {
        AssessmentCommand::New {
            product,
            criteria,
            version,
            date,
            region,
            assessors,
            round,
            level,
            kind,
        } => {
            let kind = match kind.as_deref() {
                None => None,
                Some(text) => Some(ovop_core::AssessmentKind::parse(text).ok_or_else(|| {
                    CliError::new(
                        Code::StoreInvalid.as_str(),
                        format!("--kind {text:?}: it is new, reassessment or upgrade"),
                    )
                })?),
            };
            let catalog = load_catalog(data_dir);
            let entry = catalog.get(&criteria, version.as_deref()).ok_or_else(|| {
                CliError::new(
                    Code::CriteriaNotFound.as_str(),
                    format!("no criteria set {criteria}"),
                )
            })?;
            // The visit's day, else today's; the product's group, else the set's own. Said once
            // the assessment is started: a refusal's stderr is its error alone.
            let at = now();
            let day = date.as_deref().unwrap_or(at.get(..10).unwrap_or(&at));
            let group = store.product(&product).ok().and_then(|p| p.product_set);
            let warning = in_force_warning(&catalog, entry, group.as_deref(), day);
            let visit = Visit {
                assessed_on: date,
                region_code: region,
                assessors: assessors
                    .into_iter()
                    .map(|name| Assessor {
                        name,
                        ..Assessor::default()
                    })
                    .collect(),
                round,
                level,
                kind,
                ..Visit::default()
            };
            let id = store.new_assessment(&product, &entry.rubric, &visit, &now())?;
            if let Some(warning) = warning {
                eprintln!("{warning}");
            }
            println!("{id}");
        }
        AssessmentCommand::Answer {
            id,
            code,
            value,
            file,
        } => {
            let result = match (code, value, file) {
                (None, None, Some(file)) => {
                    let mut answers =
                        ovop_core::parse_answers(&read_text(&file)?).map_err(|e| {
                            CliError::new(
                                Code::AnswersSchema.as_str(),
                                format!("{}: {e}", file.display()),
                            )
                        })?;
                    let current = store.assessment(&id)?;
                    answers.version = current.answers.version.clone();
                    let rubric = store.rubric_of(&current)?;
                    let result = rubric.score(&answers).map_err(|errors| {
                        CliError::new(
                            &errors[0].code,
                            errors
                                .iter()
                                .map(|e| e.message.as_str())
                                .collect::<Vec<_>>()
                                .join("\n"),
                        )
                    })?;
                    store.save_answers(&id, &answers, &now())?;
                    result
                }
                (Some(code), Some(value), None) => {
                    let answer = match value.as_str() {
                        "clear" => None,
                        "na" => Some(Answer::NotApplicable),
                        n => Some(Answer::Level(n.parse().ok().filter(|p| *p >= 1).ok_or_else(|| {
                            CliError::new(Code::AnswersSchema.as_str(), format!("a level position is 1, 2, ... or \"na\" or \"clear\", not {n:?}"))
                        })?)),
                    };
                    store.answer(&id, &code, answer, &now())?
                }
                _ => {
                    return Err(CliError::new(
                        "usage",
                        "give CODE and VALUE, or --file ANSWERS",
                    ))
                }
            };
            println!(
                "total {} / {}, {} unanswered",
                result.total,
                result.max_total,
                result.unanswered.len()
            );
        }
        AssessmentCommand::Finalize { id } => {
            let done = store.finalize(&id, &now())?;
            let verdict = store.verdict_of(&done)?;
            println!(
                "{} revision {} final: total {}, star {}; {}",
                done.id,
                done.revision,
                verdict.total_text(),
                verdict
                    .star
                    .map(|s| s.to_string())
                    .unwrap_or_else(|| "none".into()),
                done.content_hash.unwrap_or_default()
            );
        }
        AssessmentCommand::Correct { id, reason } => {
            println!(
                "{id} revision {} (draft)",
                store.correct(&id, &reason, &now())?
            );
        }
        AssessmentCommand::Show { id, json } => {
            let a = store.assessment(&id)?;
            if json {
                print_json(&a);
            } else {
                println!(
                    "{} revision {} [{}] product {}",
                    a.id, a.revision, a.status, a.product_id
                );
                let v = store.verdict_of(&a)?;
                println!(
                    "total {} / {}, star {:?} ({})",
                    v.total_text(),
                    v.max_total,
                    v.star,
                    v.standing.as_str()
                );
                for (code, answer) in &a.answers.answers {
                    println!(
                        "  {code}: {}",
                        match answer {
                            Answer::Level(p) => p.to_string(),
                            Answer::NotApplicable => "na".into(),
                        }
                    );
                }
            }
        }
        AssessmentCommand::List { status, json } => {
            let list = store.assessments(status.as_deref(), None)?;
            if json {
                print_json(&list);
            } else {
                for a in list {
                    let total = match a.status.as_str() {
                        "draft" => "-".to_string(),
                        _ => store.verdict_of(&a)?.total_text(),
                    };
                    println!(
                        "{}  r{}  {:<6} {:>4}  {}",
                        a.id, a.revision, a.status, total, a.product_id
                    );
                }
            }
        }
    }
    Ok(())
}
