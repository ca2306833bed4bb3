//! Where the laptop keeps its enrolment: the server's address, the device token and who it
//! belongs to. The file is written whole (a temporary file, synced, renamed) and readable by
//! the user only (mode 0600 on Unix); a damaged file reads as "not enrolled", never a panic.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::SyncError;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Enrolment {
    pub server: String,
    pub token: String,
    pub device_id: i64,
    pub server_id: String,
    /// The officer's user name on the server.
    pub user: String,
    pub enrolled_at: String,
}

/// `<data dir>/enrolment.json`.
pub fn enrolment_path(data_dir: &Path) -> PathBuf {
    data_dir.join("enrolment.json")
}

/// The enrolment kept in `data_dir`, if any.
pub fn load(data_dir: &Path) -> Result<Option<Enrolment>, SyncError> {
    let path = enrolment_path(data_dir);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(SyncError::new(
                "sync.enrolment_unreadable",
                format!("{}: {e}", path.display()),
            ))
        }
    };
    serde_json::from_str(&text).map(Some).map_err(|e| {
        SyncError::new(
            "sync.enrolment_unreadable",
            format!("{} is damaged ({e}); enrol again", path.display()),
        )
    })
}

/// Keeps `enrolment` in `data_dir`, readable by the user only.
pub fn save(data_dir: &Path, enrolment: &Enrolment) -> Result<(), SyncError> {
    let path = enrolment_path(data_dir);
    let bytes = serde_json::to_vec_pretty(enrolment).map_err(SyncError::local)?;
    let write = || -> std::io::Result<()> {
        std::fs::create_dir_all(data_dir)?;
        let partial = path.with_extension("json.partial");
        {
            use std::io::Write;
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create(true).truncate(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                options.mode(0o600);
            }
            let mut file = options.open(&partial)?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
            }
            file.write_all(&bytes)?;
            file.sync_all()?;
        }
        std::fs::rename(&partial, &path)
    };
    write().map_err(|e| {
        SyncError::new(
            "sync.enrolment_unwritable",
            format!("{}: {e}", path.display()),
        )
    })
}

/// Forgets the enrolment (the device was revoked, or the officer leaves).
pub fn forget(data_dir: &Path) -> Result<(), SyncError> {
    match std::fs::remove_file(enrolment_path(data_dir)) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(SyncError::new("sync.enrolment_unwritable", e.to_string())),
    }
}

/// A one-time code as a QR code carries it: `OVOP:E:<code>:<server address>`.
pub fn parse_qr(text: &str) -> Option<(String, String)> {
    let rest = text.trim().strip_prefix("OVOP:E:")?;
    let (code, server) = rest.split_once(':')?;
    (!code.is_empty() && !server.is_empty()).then(|| (code.to_string(), server.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_enrolment_is_kept_for_the_user_only_and_a_damaged_file_reads_as_an_error() {
        let dir = tempfile::tempdir().expect("temp");
        assert_eq!(load(dir.path()).expect("none"), None);
        let enrolment = Enrolment {
            server: "https://dinas.example.id".into(),
            token: "ovt_secret".into(),
            device_id: 7,
            server_id: "s-1".into(),
            user: "budi".into(),
            enrolled_at: "2026-12-02T01:00:00Z".into(),
        };
        save(dir.path(), &enrolment).expect("save");
        assert_eq!(load(dir.path()).expect("load"), Some(enrolment));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(enrolment_path(dir.path()))
                .expect("meta")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::write(enrolment_path(dir.path()), b"{not json").expect("damage");
        assert_eq!(
            load(dir.path()).unwrap_err().code,
            "sync.enrolment_unreadable"
        );
        forget(dir.path()).expect("forget");
        assert_eq!(load(dir.path()).expect("gone"), None);
    }

    #[test]
    fn a_qr_code_gives_the_code_and_the_server() {
        assert_eq!(
            parse_qr("OVOP:E:ABCD-EFGH-JKLM:https://dinas.example.id:8480"),
            Some((
                "ABCD-EFGH-JKLM".into(),
                "https://dinas.example.id:8480".into()
            ))
        );
        assert_eq!(parse_qr("https://example.com"), None);
        assert_eq!(parse_qr("OVOP:E::x"), None);
    }
}
