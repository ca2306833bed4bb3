//! `ovop`: the command line of OVOP Field, over the same crates as the app. Scripts and tests
//! outside the project use it, so its commands, flags, JSON output and exit codes are a public
//! interface: 0 success, 1 the input was refused (with `error[code]: message` on stderr),
//! 2 a usage error.

mod criteria_cmd;
mod score_cmd;
mod spreadsheet;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "ovop", version, about = "OVOP Field: criteria sets and scoring from the command line")]
struct Cli {
    /// The data folder (default: the app's, e.g. ~/.local/share/org.ovopfield.app).
    #[arg(long, global = true, env = "OVOP_DATA_DIR")]
    data_dir: Option<PathBuf>,
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
}

/// An error for the user: a stable code and a message that says what to do.
#[derive(Debug)]
pub struct CliError {
    pub code: String,
    pub message: String,
}

impl CliError {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        CliError { code: code.into(), message: message.into() }
    }
}

pub type CliResult = Result<(), CliError>;

/// The app's identifier in tauri.conf.json: the app and the CLI share one data folder.
const APP_IDENTIFIER: &str = "org.ovopfield.app";

pub fn data_dir(explicit: Option<PathBuf>) -> Option<PathBuf> {
    explicit.or_else(|| dirs::data_dir().map(|d| d.join(APP_IDENTIFIER)))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let data_dir = data_dir(cli.data_dir);
    let result = match cli.command {
        Command::Criteria(cmd) => criteria_cmd::run(cmd, data_dir.as_deref()),
        Command::Score(args) => score_cmd::run(args, data_dir.as_deref()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            for line in err.message.lines() {
                eprintln!("error[{}]: {line}", err.code);
            }
            ExitCode::from(1)
        }
    }
}
