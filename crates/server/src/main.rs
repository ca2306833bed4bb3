//! `ovop-server`: serve (the default), or manage users from the command line.

use std::io::BufRead;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use ovop_server::config::FileConfig;
use ovop_server::{admin, ApiError, Config};

#[derive(Parser)]
#[command(
    name = "ovop-server",
    version,
    about = "The central server of OVOP Field"
)]
struct Cli {
    /// A TOML file with the same settings (flags and OVOP_* variables win over it).
    #[arg(long, env = "OVOP_CONFIG", global = true)]
    config: Option<PathBuf>,
    /// The data folder: the SQLite database (by default) and the photos.
    #[arg(long, env = "OVOP_DATA", global = true)]
    data: Option<PathBuf>,
    /// postgres://user:password@host/db to use PostgreSQL instead of SQLite.
    #[arg(long, env = "OVOP_DATABASE", global = true, hide_env_values = true)]
    database: Option<String>,
    /// Address to listen on [default: 127.0.0.1:8480].
    #[arg(long, env = "OVOP_LISTEN", global = true)]
    listen: Option<String>,
    /// The office's name, shown to officers.
    #[arg(long, env = "OVOP_NAME", global = true)]
    name: Option<String>,
    /// TLS certificate chain (PEM); with --tls-key the server speaks HTTPS itself.
    #[arg(long, env = "OVOP_TLS_CERT", global = true)]
    tls_cert: Option<PathBuf>,
    /// TLS private key (PEM).
    #[arg(long, env = "OVOP_TLS_KEY", global = true)]
    tls_key: Option<PathBuf>,
    /// TLS ends at a reverse proxy in front of this server (cookies are marked Secure).
    #[arg(long, env = "OVOP_BEHIND_TLS_PROXY", global = true)]
    behind_tls_proxy: bool,
    /// A reverse proxy's address (repeat, or commas in OVOP_TRUSTED_PROXY): its X-Forwarded-For
    /// names the client for the sign-in limits. Without it the header is ignored.
    #[arg(long, env = "OVOP_TRUSTED_PROXY", global = true, value_delimiter = ',')]
    trusted_proxy: Vec<std::net::IpAddr>,
    /// Logs as JSON lines (for a log collector) rather than text.
    #[arg(long, env = "OVOP_LOG_JSON", global = true)]
    log_json: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the sync API and the dashboard (the default).
    Serve,
    /// Add a user; the password is read from OVOP_PASSWORD or the first line of stdin.
    AddUser {
        name: String,
        /// officer, supervisor or admin.
        #[arg(long, default_value = "officer")]
        role: String,
        #[arg(long)]
        display_name: Option<String>,
        /// Region codes, comma-separated (63.05,63.06).
        #[arg(long, value_delimiter = ',')]
        regions: Vec<String>,
        /// No password: the user enrols with a one-time code.
        #[arg(long)]
        no_password: bool,
    },
    /// Disable a user: every laptop and dashboard session of theirs is revoked at once.
    DisableUser { name: String },
    /// Enable a disabled user again (they enrol their laptops again).
    EnableUser { name: String },
    /// Set a user's password (from OVOP_PASSWORD or the first line of stdin); every laptop and
    /// session of theirs is revoked.
    ResetPassword {
        name: String,
        /// The user must choose a new password at their next sign-in to the dashboard.
        #[arg(long)]
        must_change: bool,
    },
    /// Import a laptop's bundle (brought on a USB stick): the same checks and the same
    /// exactly-once rule as a push. Writes the receipt the laptop imports.
    ImportBundle {
        file: std::path::PathBuf,
        /// Where the receipt is written (default: beside the bundle, `.receipt.json`).
        #[arg(long)]
        receipt: Option<std::path::PathBuf>,
    },
    /// Print a one-time enrolment code for a user.
    Code {
        name: String,
        #[arg(long, default_value_t = 72)]
        hours: u32,
        /// The address officers reach this server at (goes into the QR code).
        #[arg(long, default_value = "http://localhost:8480")]
        address: String,
    },
}

fn config(cli: &Cli) -> Result<Config, ApiError> {
    let file = match &cli.config {
        Some(path) => FileConfig::read(path)?,
        None => FileConfig::default(),
    };
    let data = cli.data.clone().or(file.data).ok_or_else(|| {
        ApiError::startup(
            "say where the data folder is: --data DIR (or OVOP_DATA, or data = in --config)",
        )
    })?;
    let mut config = Config::new(data);
    config.database = cli.database.clone().or(file.database);
    if let Some(listen) = cli.listen.clone().or(file.listen) {
        config.listen = listen;
    }
    if let Some(name) = cli.name.clone().or(file.name) {
        config.name = name;
    }
    config.tls_cert = cli.tls_cert.clone().or(file.tls_cert);
    config.tls_key = cli.tls_key.clone().or(file.tls_key);
    config.behind_tls_proxy = cli.behind_tls_proxy || file.behind_tls_proxy.unwrap_or(false);
    if let Some(v) = file.max_blob_bytes {
        config.limits.max_blob_bytes = v;
    }
    if let Some(v) = file.max_request_bytes {
        config.limits.max_request_bytes = v;
    }
    if let Some(v) = file.max_batch_records {
        config.limits.max_batch_records = v;
    }
    if let Some(v) = file.sign_in_attempts {
        config.sign_in_attempts = v;
    }
    config.trusted_proxies = if cli.trusted_proxy.is_empty() {
        file.trusted_proxies.unwrap_or_default()
    } else {
        cli.trusted_proxy.clone()
    };
    Ok(config)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

async fn run(cli: Cli) -> Result<(), ApiError> {
    let config = config(&cli)?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            tracing::info!(config = %config.describe(), "starting");
            let running = ovop_server::start(config).await?;
            tracing::info!(address = %running.addr, "listening");
            println!("ovop-server listening on {}", running.url());
            shutdown_signal().await;
            tracing::info!("stopping: finishing requests in flight");
            running.shutdown(Duration::from_secs(30)).await;
            tracing::info!("stopped");
            Ok(())
        }
        Command::AddUser {
            name,
            role,
            display_name,
            regions,
            no_password,
        } => {
            let password = if no_password {
                None
            } else {
                Some(read_password()?)
            };
            let state = ovop_server::open(&config).await?;
            let new = admin::NewUser {
                name,
                display_name,
                role,
                password,
                regions,
            };
            let user = admin::add_user(&state, new).await?;
            println!(
                "added {} ({}) regions: {}",
                user.name,
                user.role.as_str(),
                user.regions.join(",")
            );
            Ok(())
        }
        Command::DisableUser { name } => switch_user(&config, &name, true).await,
        Command::EnableUser { name } => switch_user(&config, &name, false).await,
        Command::ResetPassword { name, must_change } => {
            let password = read_password()?;
            let state = ovop_server::open(&config).await?;
            let user = admin::reset_password(&state, &name, password, must_change).await?;
            println!(
                "password of {} reset{}; their laptops and sessions are revoked",
                user.name,
                if must_change {
                    ", to be changed at the next sign-in"
                } else {
                    ""
                }
            );
            Ok(())
        }
        Command::ImportBundle { file, receipt } => {
            let state = ovop_server::open(&config).await?;
            let answer = ovop_server::bundle::import(&state, &file).await?;
            let target = receipt.unwrap_or_else(|| {
                let mut name = file.clone().into_os_string();
                name.push(".receipt.json");
                std::path::PathBuf::from(name)
            });
            let text = serde_json::to_vec_pretty(&answer)
                .map_err(|e| ApiError::internal(e.to_string()))?;
            let partial = target.with_extension("partial");
            std::fs::write(&partial, text)
                .and_then(|()| std::fs::rename(&partial, &target))
                .map_err(|e| {
                    ApiError::startup(format!("cannot write {}: {e}", target.display()))
                })?;
            let count = |outcome: ovop_protocol::Outcome| {
                answer
                    .results
                    .iter()
                    .filter(|r| r.outcome == outcome)
                    .count()
            };
            println!(
                "imported: {} accepted, {} accepted again, {} rejected, {} conflicts; {} photos stored, {} still missing\nreceipt: {}",
                count(ovop_protocol::Outcome::Accepted),
                count(ovop_protocol::Outcome::AcceptedAgain),
                count(ovop_protocol::Outcome::Rejected),
                count(ovop_protocol::Outcome::Conflict),
                answer.blobs_stored.len(),
                answer.missing_blobs.len(),
                target.display()
            );
            Ok(())
        }
        Command::Code {
            name,
            hours,
            address,
        } => {
            let state = ovop_server::open(&config).await?;
            let code = state
                .db
                .run(move |tx| admin::create_code_in(tx, &name, hours, &address))
                .await?;
            println!(
                "{}\nfor {}, valid until {}\nQR: {}",
                code.code, code.user, code.expires_at, code.qr_text
            );
            Ok(())
        }
    }
}

/// A password from OVOP_PASSWORD, or the first line of stdin.
fn read_password() -> Result<String, ApiError> {
    if let Ok(p) = std::env::var("OVOP_PASSWORD") {
        return Ok(p);
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| ApiError::startup(e.to_string()))?;
    Ok(line.trim_end_matches(['\n', '\r']).to_string())
}

/// Disables or enables a user from the command line (as the server's own operator).
async fn switch_user(config: &Config, name: &str, disabled: bool) -> Result<(), ApiError> {
    let state = ovop_server::open(config).await?;
    let name = name.to_string();
    let now = ovop_server::now();
    let user = state
        .db
        .run(move |tx| admin::set_disabled_by_operator(tx, &name, disabled, &now))
        .await?;
    println!(
        "{} is {}",
        user.name,
        if user.disabled {
            "disabled; their laptops and sessions are revoked"
        } else {
            "enabled; they enrol their laptops again"
        }
    );
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let filter = tracing_subscriber::EnvFilter::try_from_env("OVOP_LOG")
        .unwrap_or_else(|_| "info,tower_http=info".into());
    if cli.log_json {
        tracing_subscriber::fmt()
            .json()
            .with_env_filter(filter)
            .init();
    } else {
        tracing_subscriber::fmt().with_env_filter(filter).init();
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("ovop-server: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ovop-server: {} ({})", e.problem.message, e.problem.code);
            ExitCode::FAILURE
        }
    }
}
