//! Configuration: flags, then environment variables (`OVOP_*`), then an optional TOML file
//! (`--config`), then defaults. The database address may hold a password: it is never printed
//! ([`Config::describe`] masks it).

use std::path::PathBuf;

use ovop_protocol::Limits;
use serde::Deserialize;

use crate::error::ApiError;

#[derive(Clone)]
pub struct Config {
    /// The data folder: the SQLite database (by default) and the blobs.
    pub data: PathBuf,
    /// `postgres://...` to use PostgreSQL; `None` for SQLite in the data folder.
    pub database: Option<String>,
    /// `host:port`.
    pub listen: String,
    /// The office's name, shown to officers and on the dashboard.
    pub name: String,
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
    /// TLS ends at a reverse proxy in front: cookies are marked Secure all the same.
    pub behind_tls_proxy: bool,
    pub limits: Limits,
    /// Failed sign-ins per user name and per address within ten minutes before a pause.
    pub sign_in_attempts: usize,
    /// Reverse proxies in front of this server (their addresses as the server sees them): only
    /// from them is `X-Forwarded-For` believed, so sign-in limits count each client, not the proxy.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// How slowly a client may send its headers and its body.
    pub slow_clients: crate::guard::SlowClients,
    /// Open uploads per officer, and how long a partial one is kept.
    pub uploads: crate::ingest::UploadLimits,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

impl Config {
    /// A configuration for a data folder with every default (tests: `listen` 127.0.0.1:0).
    pub fn new(data: PathBuf) -> Config {
        Config {
            data,
            database: None,
            listen: "127.0.0.1:8480".into(),
            name: "OVOP Field".into(),
            tls_cert: None,
            tls_key: None,
            behind_tls_proxy: false,
            limits: Limits::default(),
            sign_in_attempts: 5,
            trusted_proxies: Vec::new(),
            slow_clients: crate::guard::SlowClients::default(),
            uploads: crate::ingest::UploadLimits::default(),
        }
    }

    /// Refuses settings the server cannot run with, naming the setting.
    pub fn check(&self) -> Result<(), ApiError> {
        if !(1..=1000).contains(&self.sign_in_attempts) {
            return Err(ApiError::startup(format!(
                "sign_in_attempts is from 1 to 1000, not {}",
                self.sign_in_attempts
            )));
        }
        let limits = &self.limits;
        if limits.max_blob_bytes == 0
            || limits.max_request_bytes < 1024
            || limits.max_batch_records == 0
        {
            return Err(ApiError::startup(
                "max_blob_bytes and max_batch_records are at least 1, max_request_bytes at least 1024",
            ));
        }
        Ok(())
    }

    /// One line for the log, the password masked.
    pub fn describe(&self) -> String {
        format!(
            "listen={} data={} database={} tls={} name={:?} limits=(blob {} B, request {} B, {} records)",
            self.listen,
            self.data.display(),
            self.database.as_deref().map_or("sqlite (in the data folder)".to_string(), mask_password),
            if self.tls_cert.is_some() { "native" } else if self.behind_tls_proxy { "proxy" } else { "off" },
            self.name,
            self.limits.max_blob_bytes,
            self.limits.max_request_bytes,
            self.limits.max_batch_records,
        )
    }
}

/// `postgres://ovop:secret@db/ovop` becomes `postgres://ovop:***@db/ovop`.
pub fn mask_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return "***".into();
    };
    let (auth, host) = match rest.rsplit_once('@') {
        Some(parts) => parts,
        None => return url.split('?').next().unwrap_or(url).to_string(),
    };
    let user = auth.split(':').next().unwrap_or("");
    let host = host.split('?').next().unwrap_or(host);
    format!("{scheme}://{user}:***@{host}")
}

/// What a `--config` file may hold: the same names as the flags, with underscores.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub data: Option<PathBuf>,
    pub database: Option<String>,
    pub listen: Option<String>,
    pub name: Option<String>,
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
    pub behind_tls_proxy: Option<bool>,
    pub max_blob_bytes: Option<u64>,
    pub max_request_bytes: Option<u64>,
    pub max_batch_records: Option<u32>,
    pub sign_in_attempts: Option<usize>,
    pub trusted_proxies: Option<Vec<std::net::IpAddr>>,
}

impl FileConfig {
    pub fn read(path: &std::path::Path) -> Result<FileConfig, ApiError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ApiError::startup(format!("cannot read {}: {e}", path.display())))?;
        toml::from_str(&text).map_err(|e| ApiError::startup(format!("{}: {e}", path.display())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_password_is_never_printed() {
        assert_eq!(
            mask_password("postgres://ovop:s3cret@db.example/ovop?sslmode=require"),
            "postgres://ovop:***@db.example/ovop"
        );
        let mut config = Config::new("/srv/ovop".into());
        config.database = Some("postgresql://admin:hunter2@10.0.0.5:5432/prov".into());
        assert!(!format!("{config:?}").contains("hunter2"));
        assert!(config
            .describe()
            .contains("postgresql://admin:***@10.0.0.5:5432/prov"));
    }

    #[test]
    fn settings_the_server_cannot_run_with_are_refused_at_start() {
        let mut config = Config::new("/srv/ovop".into());
        assert!(config.check().is_ok());
        config.sign_in_attempts = 0;
        let refused = config.check().expect_err("zero attempts");
        assert!(refused.problem.message.contains("sign_in_attempts"));
        config.sign_in_attempts = 5;
        config.limits.max_batch_records = 0;
        assert!(config.check().is_err());
    }

    #[test]
    fn a_config_file_refuses_unknown_keys() {
        assert!(
            toml::from_str::<FileConfig>("listen = \"0.0.0.0:8480\"\nname = \"Dinas Tapin\"")
                .is_ok()
        );
        assert!(toml::from_str::<FileConfig>("lisen = \"0.0.0.0:8480\"").is_err());
    }
}
