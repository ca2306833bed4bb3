//! Where the laptop keeps its enrolment: the server's address, the device token and who it
//! belongs to. The token goes into the operating system's keyring when one answers (the
//! Secret Service on Linux: GNOME Keyring, KWallet); the file then says so and holds no token.
//! Without a keyring the token stays in the file. The file is written whole (a temporary file,
//! synced, renamed) and readable by the user only (mode 0600 on Unix); a damaged file is an
//! error with a code, never a panic. `OVOP_NO_KEYRING=1` keeps the token in the file.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::AppError;
use ovop_core::Code;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Enrolment {
    pub server: String,
    pub token: String,
    pub device_id: i64,
    pub server_id: String,
    /// The officer's user name on the server.
    pub user: String,
    pub enrolled_at: String,
    /// The token is in the keyring, not in the file (`token` is then empty on disk).
    #[serde(default)]
    pub token_in_keyring: bool,
}

/// The keyring's name for this app's tokens.
const SERVICE: &str = "org.ovopfield.app";

fn keyring_entry(enrolment: &Enrolment) -> Option<keyring::Entry> {
    if std::env::var_os("OVOP_NO_KEYRING").is_some_and(|v| !v.is_empty() && v != "0") {
        return None;
    }
    // Without a session bus (a console or SSH session) there is no Secret Service to ask, and
    // D-Bus would try to start one.
    #[cfg(target_os = "linux")]
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none_or(|v| v.is_empty()) {
        return None;
    }
    keyring::Entry::new(
        SERVICE,
        &format!(
            "device {} of server {}",
            enrolment.device_id, enrolment.server_id
        ),
    )
    .ok()
}

/// `<data dir>/enrolment.json`.
pub fn enrolment_path(data_dir: &Path) -> PathBuf {
    data_dir.join("enrolment.json")
}

/// The user name of the officer this laptop is enrolled for, read without the keyring; `None`
/// when it is not enrolled (or its enrolment cannot be read).
pub fn officer(data_dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(enrolment_path(data_dir)).ok()?;
    serde_json::from_str::<serde_json::Value>(&text)
        .ok()?
        .get("user")?
        .as_str()
        .map(str::to_string)
}

/// The enrolment kept in `data_dir`, if any.
pub fn load(data_dir: &Path) -> Result<Option<Enrolment>, AppError> {
    let path = enrolment_path(data_dir);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(AppError::new(
                Code::SyncEnrolmentUnreadable.as_str(),
                format!("{}: {e}", path.display()),
            ))
        }
    };
    let mut enrolment: Enrolment = serde_json::from_str(&text).map_err(|e| {
        AppError::new(
            Code::SyncEnrolmentUnreadable.as_str(),
            format!("{} is damaged ({e}); enrol again", path.display()),
        )
    })?;
    if enrolment.token_in_keyring {
        let entry = keyring_entry(&enrolment).ok_or_else(|| {
            AppError::new(
                Code::SyncKeyringUnavailable.as_str(),
                "the token is in the system keyring, which is switched off (OVOP_NO_KEYRING)",
            )
        })?;
        enrolment.token = entry.get_password().map_err(|e| {
            AppError::new(
                Code::SyncKeyringUnavailable.as_str(),
                format!("the token cannot be read from the system keyring ({e}); unlock it, or enrol again"),
            )
        })?;
    }
    Ok(Some(enrolment))
}

/// Keeps `enrolment` in `data_dir`, readable by the user only, its token in the keyring when
/// one answers. Returns whether the keyring holds the token.
pub fn save(data_dir: &Path, enrolment: &Enrolment) -> Result<bool, AppError> {
    let path = enrolment_path(data_dir);
    let mut on_disk = enrolment.clone();
    on_disk.token_in_keyring = false;
    if let Some(entry) = keyring_entry(enrolment) {
        // Written, then read back: a keyring that takes it but cannot give it back is no keyring.
        let kept = entry.set_password(&enrolment.token).is_ok()
            && entry.get_password().is_ok_and(|t| t == enrolment.token);
        if kept {
            on_disk.token = String::new();
            on_disk.token_in_keyring = true;
        }
    }
    let bytes = serde_json::to_vec_pretty(&on_disk)
        .map_err(|e| AppError::new(Code::SyncLocal.as_str(), e.to_string()))?;
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
        AppError::new(
            Code::SyncEnrolmentUnwritable.as_str(),
            format!("{}: {e}", path.display()),
        )
    })?;
    Ok(on_disk.token_in_keyring)
}

/// Forgets the enrolment (the device was revoked, or the officer leaves).
pub fn forget(data_dir: &Path) -> Result<(), AppError> {
    if let Ok(text) = std::fs::read_to_string(enrolment_path(data_dir)) {
        if let Ok(enrolment) = serde_json::from_str::<Enrolment>(&text) {
            if enrolment.token_in_keyring {
                if let Some(entry) = keyring_entry(&enrolment) {
                    let _ = entry.delete_credential();
                }
            }
        }
    }
    match std::fs::remove_file(enrolment_path(data_dir)) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(AppError::new(
            Code::SyncEnrolmentUnwritable.as_str(),
            e.to_string(),
        )),
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
        // No keyring in this test: the token stays in the file (the keyring has its own test).
        std::env::set_var("OVOP_NO_KEYRING", "1");
        let dir = tempfile::tempdir().expect("temp");
        assert_eq!(load(dir.path()).expect("none"), None);
        let enrolment = Enrolment {
            server: "https://dinas.example.id".into(),
            token: "ovt_secret".into(),
            device_id: 7,
            server_id: "s-1".into(),
            user: "budi".into(),
            enrolled_at: "2026-12-02T01:00:00Z".into(),
            token_in_keyring: false,
        };
        assert!(
            !save(dir.path(), &enrolment).expect("save"),
            "no keyring: the file holds the token"
        );
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
