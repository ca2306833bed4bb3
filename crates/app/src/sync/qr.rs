//! The enrolment QR code (`OVOP:E:<code>:<server>`) read from a picture: a screenshot of the
//! admin's page, or a photo of the printed code.

use std::path::Path;

use super::token::parse_qr;
use crate::AppError;
use ovop_core::Code;

/// The code and the server address in the QR code pictured in `path`.
pub fn read_enrolment_qr(path: &Path) -> Result<(String, String), AppError> {
    let bytes = std::fs::read(path).map_err(|e| {
        AppError::new(
            Code::EnrolQrUnreadable.as_str(),
            format!("{}: {e}", path.display()),
        )
    })?;
    read_enrolment_qr_bytes(&bytes)
}

pub fn read_enrolment_qr_bytes(bytes: &[u8]) -> Result<(String, String), AppError> {
    let picture = image::load_from_memory(bytes)
        .map_err(|e| {
            AppError::new(
                Code::EnrolQrUnreadable.as_str(),
                format!("the picture cannot be read: {e}"),
            )
        })?
        .to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(picture);
    for grid in prepared.detect_grids() {
        if let Ok((_, text)) = grid.decode() {
            if let Some(found) = parse_qr(&text) {
                return Ok(found);
            }
        }
    }
    Err(AppError::new(
        Code::EnrolNoQr.as_str(),
        "no OVOP Field enrolment code was found in the picture",
    ))
}
