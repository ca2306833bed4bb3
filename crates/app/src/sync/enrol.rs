//! Enrolling this laptop with a district server: one flow for the app's sync screen and for
//! `ovop enrol`. The server is checked first (a Wi-Fi login page is not mistaken for it), the
//! enrolment is kept beside the data, the token in the system keyring when there is one.

use std::path::Path;

use ovop_sync::{Client, Credentials, Network};
use serde::Deserialize;

use super::token::{self, Enrolment};
use crate::AppError;
use ovop_core::Code;

/// How the officer proves who they are when enrolling.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
#[serde(tag = "method", rename_all = "snake_case", deny_unknown_fields)]
pub enum EnrolWith {
    Password {
        user: String,
        password: String,
    },
    Code {
        code: String,
    },
    /// A picture of the enrolment QR code (it carries the server's address too).
    Qr {
        path: String,
    },
}

/// The name a laptop is listed under when the officer gives none.
pub const DEFAULT_DEVICE_NAME: &str = "OVOP Field";

/// Enrols with the server at `server` (it may be left out with a QR picture, which names
/// it), keeps the enrolment in `data_dir` and returns it. `now` is the enrolment's time.
pub async fn enrol(
    data_dir: &Path,
    server: Option<String>,
    with: EnrolWith,
    device_name: &str,
    now: &str,
) -> Result<Enrolment, AppError> {
    let server = server.filter(|s| !s.trim().is_empty());
    let (credentials, address) = match with {
        EnrolWith::Password { user, password } => {
            (Credentials::Password { user, password }, server)
        }
        EnrolWith::Code { code } => (Credentials::Code(code), server),
        EnrolWith::Qr { path } => {
            let (code, from_qr) = super::qr::read_enrolment_qr(Path::new(&path))?;
            (Credentials::Code(code), server.or(Some(from_qr)))
        }
    };
    let address = address.ok_or_else(|| {
        AppError::new(
            Code::EnrolNoServer.as_str(),
            "the server's address is needed",
        )
    })?;
    let client = Client::new(&address, None, Network::default())?;
    client.health().await?;
    let name = match device_name.trim() {
        "" => DEFAULT_DEVICE_NAME,
        name => name,
    };
    let enrolled = client.enrol(&credentials, name).await?;
    let enrolment = Enrolment {
        server: client.base().to_string(),
        token: enrolled.token,
        device_id: enrolled.device_id,
        server_id: enrolled.server_id,
        user: enrolled.user.name,
        enrolled_at: now.to_string(),
        token_in_keyring: false,
    };
    token::save(data_dir, &enrolment)?;
    Ok(enrolment)
}
