//! `ovop`: the command line of OVOP Field, over the same crates as the app. Scripts and tests
//! outside the project use it, so its commands, flags, JSON output and exit codes are a public
//! interface: 0 success, 1 the input was refused (with `error[code]: message` on stderr),
//! 2 a usage error.

mod bench_cmd;
mod certificate_cmd;
mod criteria_cmd;
mod export;
mod score_cmd;
mod sheet_cmd;
mod spreadsheet;
mod store_cmd;
mod sync_cmd;
mod template;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "ovop",
    version,
    about = "OVOP Field: criteria sets and scoring from the command line"
)]
struct Cli {
    /// The data folder (default: the app's, e.g. ~/.local/share/org.ovopfield.app).
    #[arg(long, global = true, env = "OVOP_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// The database (default: ovop.sqlite in the data folder).
    #[arg(long, global = true, env = "OVOP_DB")]
    db: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List, show, validate and import criteria sets.
    #[command(subcommand)]
    Criteria(criteria_cmd::CriteriaCommand),
    /// Score one answers file, or several (a council), against a criteria set.
    Score(score_cmd::ScoreArgs),
    /// Create, check, back up and restore the local database.
    #[command(subcommand)]
    Db(store_cmd::DbCommand),
    /// Search and browse the regions of Indonesia and Vietnam; choose the countries; move
    /// producers out of Vietnam's units that ceased on 1 July 2025.
    #[command(subcommand)]
    Regions(store_cmd::RegionsCommand),
    /// Register and list producers.
    #[command(subcommand)]
    Producer(store_cmd::ProducerCommand),
    /// Register, list and search products.
    #[command(subcommand)]
    Product(store_cmd::ProductCommand),
    /// Record an assessment: new, answer, finalize, correct, show, list.
    #[command(subcommand)]
    Assessment(store_cmd::AssessmentCommand),
    /// Export assessments to CSV or XLSX.
    Export(export::ExportArgs),
    /// Print an assessment's sheet, or a blank one, as PDF.
    Sheet(sheet_cmd::SheetArgs),
    /// Enrol this laptop with a district server (password, one-time code or its QR code).
    Enrol(sync_cmd::EnrolArgs),
    /// Send what is waiting to the server and bring back what changed; `sync status` lists the outbox.
    Sync(sync_cmd::SyncArgs),
    /// Carry the outbox to the office on a USB stick: `bundle export -o FILE`, then
    /// `bundle receipt FILE` with the office's receipt.
    #[command(subcommand)]
    Bundle(sync_cmd::BundleCommand),
    /// Check a star certificate offline, list those lapsing, print one.
    #[command(subcommand)]
    Certificate(certificate_cmd::CertificateCommand),
    /// Benchmarks that print numbers (and the writer the crash test kills).
    #[command(subcommand)]
    Bench(bench_cmd::BenchCommand),
}

/// An error for the user: the application layer's, a stable code and a message that says
/// what to do.
pub use ovop_app::AppError as CliError;

pub type CliResult = Result<(), CliError>;

/// The data folder: the one given, or the app's (the app and the CLI share one), following it
/// where the officer moved it in the app. A moved folder that is gone (a drive not plugged in)
/// is an error, never a new empty database in the old place.
pub fn data_dir(explicit: Option<PathBuf>) -> Result<Option<PathBuf>, CliError> {
    match (explicit, ovop_app::folder::default_home()) {
        (Some(dir), _) => Ok(Some(dir)),
        (None, Some(home)) => ovop_app::folder::data_dir_in(&home).map(Some),
        (None, None) => Ok(None),
    }
}

fn fail(err: &CliError) -> ExitCode {
    for line in err.message.lines() {
        eprintln!("error[{}]: {line}", err.code);
    }
    ExitCode::from(1)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let data_dir = match data_dir(cli.data_dir) {
        Ok(dir) => dir,
        Err(err) => return fail(&err),
    };
    let db = || store_cmd::db_path(data_dir.as_deref(), cli.db.as_deref());
    let result = match cli.command {
        Command::Criteria(cmd) => criteria_cmd::run(cmd, data_dir.as_deref()),
        Command::Score(args) => score_cmd::run(args, data_dir.as_deref()),
        Command::Db(cmd) => db().and_then(|p| store_cmd::db(cmd, &p)),
        Command::Regions(cmd) => db().and_then(|p| store_cmd::regions(cmd, &p)),
        Command::Producer(cmd) => db().and_then(|p| store_cmd::producer(cmd, &p)),
        Command::Product(cmd) => db().and_then(|p| store_cmd::product(cmd, &p)),
        Command::Assessment(cmd) => {
            db().and_then(|p| store_cmd::assessment(cmd, &p, data_dir.as_deref()))
        }
        Command::Export(args) => db().and_then(|p| export::run(args, &p)),
        Command::Sheet(args) => db().and_then(|p| sheet_cmd::run(args, &p, data_dir.as_deref())),
        Command::Enrol(args) => db().and_then(|p| sync_cmd::enrol(args, &p)),
        Command::Sync(args) => db().and_then(|p| sync_cmd::sync(args, &p, data_dir.as_deref())),
        Command::Bundle(command) => db().and_then(|p| sync_cmd::bundle(command, &p)),
        Command::Certificate(cmd) => certificate_cmd::run(cmd, db),
        Command::Bench(cmd) => db().and_then(|p| bench_cmd::run(cmd, &p)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => fail(&err),
    }
}
