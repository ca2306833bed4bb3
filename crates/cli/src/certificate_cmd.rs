//! `ovop certificate`: check a star certificate (its PDF, a picture of its QR code, or the
//! code as text) against the office's key, offline; list the certificates of this laptop's
//! products that lapse soon or have lapsed; print one as PDF.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use ovop_core::Code;
use ovop_protocol::certificate::PublicKey;
use ovop_sheets::Lang;

use crate::{store_cmd, CliError, CliResult};

#[derive(Subcommand)]
pub enum CertificateCommand {
    /// Check a certificate: a PDF, a picture of its QR code (PNG, JPEG) or a text file with its
    /// code. Checked against the office's keys this laptop learnt at sync, or those given.
    Verify(VerifyArgs),
    /// The certificates of this laptop's products that lapse within 90 days, or have lapsed.
    Lapsing(DayArgs),
    /// A product's stars and certificates, the latest first, and whether its star holds.
    Product {
        id: String,
        #[command(flatten)]
        day: DayArgs,
    },
    /// Print a certificate held on this laptop as a one-page PDF.
    Print {
        /// The certificate's number (OCOP-2026-00001).
        number: String,
        /// The language of the certificate's words: id, en or vi.
        #[arg(long, default_value = "id", value_parser = ["id", "en", "vi"])]
        lang: String,
        /// Where to write the PDF.
        #[arg(short, long)]
        output: PathBuf,
    },
}

#[derive(Args)]
pub struct VerifyArgs {
    /// The file to check.
    file: PathBuf,
    /// An office key (`ed25519:...`, as the server's health answer announces it); may be given
    /// more than once. Without it, the keys this laptop learnt at sync.
    #[arg(long)]
    key: Vec<String>,
    #[command(flatten)]
    day: DayArgs,
    /// Print what the certificate says as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct DayArgs {
    /// The day to judge validity on, YYYY-MM-DD (default: today).
    #[arg(long)]
    today: Option<String>,
}

impl DayArgs {
    fn day(&self) -> Result<String, CliError> {
        let day = self
            .today
            .clone()
            .unwrap_or_else(|| ovop_store::now_utc()[..10].to_string());
        if day.len() != 10 || ovop_core::validity::parse_day(&day).is_none() {
            return Err(CliError::new(
                Code::CertificateBadDay.as_str(),
                format!("--today {day:?} is not a day written 2026-12-31"),
            ));
        }
        Ok(day)
    }
}

pub fn run(cmd: CertificateCommand, db: impl Fn() -> Result<PathBuf, CliError>) -> CliResult {
    match cmd {
        CertificateCommand::Verify(args) => verify(&args, db),
        CertificateCommand::Lapsing(day) => {
            let today = day.day()?;
            let store = store_cmd::open(&db()?)?;
            let listed = ovop_app::certificates::lapsing(&store, &today)?;
            println!("{}", to_json(&listed));
            Ok(())
        }
        CertificateCommand::Product { id, day } => {
            let today = day.day()?;
            let store = store_cmd::open(&db()?)?;
            store.product(&id)?;
            let awards = ovop_app::certificates::awards_of(&store, &id, &today)?;
            println!("{}", to_json(&awards));
            Ok(())
        }
        CertificateCommand::Print {
            number,
            lang,
            output,
        } => {
            let store = store_cmd::open(&db()?)?;
            let (bytes, _) =
                ovop_app::certificates::certificate_pdf(&store, &number, Lang::parse(&lang))?;
            ovop_app::folder::write_file(&output, &bytes, Code::SheetWrite.as_str())?;
            println!("{}", output.display());
            Ok(())
        }
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

fn verify(args: &VerifyArgs, db: impl Fn() -> Result<PathBuf, CliError>) -> CliResult {
    let today = args.day.day()?;
    let keys: Vec<PublicKey> = if args.key.is_empty() {
        let path = db()?;
        if !Path::new(&path).exists() {
            return Err(no_keys());
        }
        ovop_app::certificates::office_keys(&store_cmd::open(&path)?)?
    } else {
        args.key
            .iter()
            .map(|k| {
                PublicKey::parse(k).map_err(|e| {
                    CliError::new(
                        Code::CertificateBadKey.as_str(),
                        format!("--key {k:?}: {e}"),
                    )
                })
            })
            .collect::<Result<_, _>>()?
    };
    if keys.is_empty() {
        return Err(no_keys());
    }
    let bytes = std::fs::read(&args.file).map_err(|e| {
        CliError::new(
            Code::FileUnreadable.as_str(),
            format!("{}: {e}", args.file.display()),
        )
    })?;
    let text = ovop_app::certificates::code_in_file(&bytes)?;
    let code = ovop_app::certificates::verify(&text, &keys)?;
    let current = today.as_str() >= code.issued.as_str() && today <= code.valid_until;
    if args.json {
        let mut value = serde_json::to_value(&code).unwrap_or_default();
        value["genuine"] = true.into();
        value["current"] = current.into();
        value["today"] = today.clone().into();
        println!("{}", to_json(&value));
    } else {
        println!(
            "certificate {} is genuine (signed with the office's key {})",
            code.number, code.key_id
        );
        println!("product: {} ({})", code.product, code.product_id);
        println!("star: {}", code.star);
        println!(
            "issued {}, valid until {}: {} on {today}",
            code.issued,
            code.valid_until,
            if current {
                "valid"
            } else if today < code.issued {
                "not yet valid"
            } else {
                "LAPSED"
            }
        );
    }
    Ok(())
}

fn no_keys() -> CliError {
    CliError::new(
        Code::CertificateUnknownKey.as_str(),
        "this laptop knows no office key yet: sync once with the office, or pass --key",
    )
}
