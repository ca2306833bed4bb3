//! `ovop enrol | sync`: enrol this laptop with a district server and sync with it, the same
//! engine the app runs in the background; for scripts and for the tests.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Args, Subcommand};
use ovop_app::sync::{token, EnrolWith, StoreSide};
use ovop_sync::{sync_once, Backoff, Client, Network};

use crate::store_cmd::{now, open};
use crate::{CliError, CliResult};
use ovop_core::Code;

#[derive(Args)]
pub struct EnrolArgs {
    /// The server's address, e.g. https://dinas.example.id (not needed with --qr).
    #[arg(long)]
    server: Option<String>,
    /// A user name; the password is read from OVOP_PASSWORD or from stdin.
    #[arg(long, conflicts_with_all = ["code", "qr"])]
    user: Option<String>,
    /// A one-time code from the district admin.
    #[arg(long, conflicts_with = "qr")]
    code: Option<String>,
    /// A picture (PNG or JPEG) of the enrolment QR code.
    #[arg(long)]
    qr: Option<PathBuf>,
    /// This laptop's name as the server lists it.
    #[arg(long, default_value = ovop_app::sync::enrol::DEFAULT_DEVICE_NAME)]
    device_name: String,
}

#[derive(Args)]
pub struct SyncArgs {
    #[command(subcommand)]
    command: Option<SyncCommand>,
    /// Attempts before giving up on a network or server failure (waiting between them).
    #[arg(long, default_value_t = 1)]
    attempts: u32,
    /// Seconds to wait for the server's next bytes before calling the try failed.
    #[arg(long, default_value_t = 60)]
    timeout: u64,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
pub enum SyncCommand {
    /// The outbox: every record with its state and the server's reason.
    Status {
        #[arg(long)]
        json: bool,
    },
}

/// A bundle for the office, carried on a USB stick when there is no network.
#[derive(Subcommand)]
pub enum BundleCommand {
    /// Write everything waiting in the outbox (and the photos the office may lack) to one
    /// file, signed with this laptop's token.
    Export {
        #[arg(short = 'o', long)]
        output: PathBuf,
    },
    /// Import the office's receipt of a bundle: what arrived is marked sent.
    Receipt { file: PathBuf },
}

fn enrolled(db: &Path) -> Result<ovop_app::sync::Enrolment, CliError> {
    token::load(&enrolment_dir(db))?.ok_or_else(|| {
        CliError::new(
            Code::SyncNotEnrolled.as_str(),
            "this laptop is not enrolled: run `ovop enrol` first (a bundle is signed with its token)",
        )
    })
}

pub fn bundle(command: BundleCommand, db: &Path) -> CliResult {
    let enrolment = enrolled(db)?;
    let mut store = open(db)?;
    match command {
        BundleCommand::Export { output } => {
            let written = ovop_app::sync::bundle::write_bundle(
                &mut store,
                &enrolment,
                &output,
                &ovop_store::now_utc(),
            )?;
            println!(
                "{}: {} records, {} photos, {} bytes",
                output.display(),
                written.records,
                written.photos,
                written.bytes
            );
        }
        BundleCommand::Receipt { file } => {
            let applied = ovop_app::sync::bundle::import_receipt(&mut store, &enrolment, &file)?;
            println!(
                "{} sent, {} rejected, {} conflicts; {} photos arrived, {} still to upload",
                applied.sent,
                applied.rejected,
                applied.conflicts,
                applied.photos_arrived,
                applied.photos_missing
            );
        }
    }
    Ok(())
}

/// Where the enrolment is kept: beside the database.
fn enrolment_dir(db: &Path) -> PathBuf {
    db.parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

pub fn enrol(args: EnrolArgs, db: &Path) -> CliResult {
    let with = match (args.user, args.code, args.qr) {
        (Some(user), _, _) => {
            let password = match std::env::var("OVOP_PASSWORD") {
                Ok(p) if !p.is_empty() => p,
                _ => {
                    let mut text = String::new();
                    std::io::stdin().read_to_string(&mut text).map_err(|e| {
                        CliError::new(
                            Code::EnrolNoPassword.as_str(),
                            format!("the password cannot be read: {e}"),
                        )
                    })?;
                    text.trim_end_matches(['\r', '\n']).to_string()
                }
            };
            EnrolWith::Password { user, password }
        }
        (None, Some(code), _) => EnrolWith::Code { code },
        (None, None, Some(image)) => EnrolWith::Qr {
            path: image.display().to_string(),
        },
        (None, None, None) => {
            return Err(CliError::new(
                Code::EnrolNoCredentials.as_str(),
                "give --user (with the password on stdin), --code or --qr",
            ))
        }
    };
    let enrolment = runtime()?.block_on(ovop_app::sync::enrol(
        &enrolment_dir(db),
        args.server,
        with,
        &args.device_name,
        &now(),
    ))?;
    println!(
        "enrolled as {} with {} (device {})",
        enrolment.user, enrolment.server, enrolment.device_id
    );
    Ok(())
}

pub fn sync(args: SyncArgs, db: &Path, data_dir: Option<&Path>) -> CliResult {
    if let Some(SyncCommand::Status { json }) = args.command {
        return status(db, json);
    }
    let enrolment = token::load(&enrolment_dir(db))?.ok_or_else(|| {
        CliError::new(
            Code::SyncNotEnrolled.as_str(),
            "this laptop is not enrolled: run `ovop enrol` first",
        )
    })?;
    let network = Network {
        connect: Duration::from_secs(args.timeout.min(30)),
        read: Duration::from_secs(args.timeout),
        reuse_connections: true,
    };
    let client = Client::new(&enrolment.server, Some(enrolment.token.clone()), network)?;
    let mut store = open(db)?;
    let runtime = runtime()?;
    let mut backoff = Backoff::field();
    let mut attempt = 0;
    let report = loop {
        attempt += 1;
        let mut side = StoreSide::new(&mut store, data_dir.map(Path::to_path_buf));
        let mut last_phase = None;
        let mut progress = |p: ovop_sync::Progress| {
            if last_phase != Some(p.phase) {
                eprintln!(
                    "{:?}: {} of {} records, {} of {} photo bytes",
                    p.phase, p.records_done, p.records_total, p.bytes_done, p.bytes_total
                );
                last_phase = Some(p.phase);
            }
        };
        match runtime.block_on(sync_once(&client, &mut side, &mut progress)) {
            Ok(report) => break report,
            Err(err) if err.is_retryable() && attempt < args.attempts.max(1) => {
                let wait = backoff.next(ovop_sync::backoff::clock_jitter());
                eprintln!(
                    "error[{}]: {}; trying again in {} s",
                    err.code,
                    err.message,
                    wait.as_secs()
                );
                std::thread::sleep(wait);
            }
            Err(err) => return Err(err.into()),
        }
    };
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        );
    } else {
        println!(
            "sent {}, rejected {}, conflicts {}, photos uploaded {}; pulled {} producers, {} products, {} assessments ({} thumbnails), {} decisions, {} criteria sets",
            report.sent,
            report.rejected,
            report.conflicts,
            report.blobs_uploaded,
            report.pulled.producers,
            report.pulled.products,
            report.pulled.assessments,
            report.pulled.thumbnails,
            report.pulled.decisions,
            report.pulled.criteria_sets
        );
    }
    Ok(())
}

fn status(db: &Path, json: bool) -> CliResult {
    let store = open(db)?;
    let rows = store.outbox_rows()?;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&rows).unwrap_or_default()
        );
        return Ok(());
    }
    for row in rows {
        let why = row
            .code
            .map(|c| format!(" [{c}] {}", row.reason.unwrap_or_default()))
            .unwrap_or_default();
        println!(
            "{:>6} {:<10} {} r{} {}{why}",
            row.seq, row.kind, row.record_id, row.revision, row.state
        );
    }
    if let Some(last) = store.last_sync()? {
        println!("last sync: {last}");
    }
    Ok(())
}

fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::new(Code::SyncRuntime.as_str(), e.to_string()))
}
