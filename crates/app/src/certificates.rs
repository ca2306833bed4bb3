//! The stars the office awarded this laptop's products and their certificates: where each
//! stands on a day (always passed in), the list of those lapsing or lapsed, a certificate's
//! check against the office's keys (offline), and its one-page PDF.

use ovop_core::text::{decode_import, CodePage};
use ovop_core::validity::Standing;
use ovop_core::Code;
use ovop_protocol::certificate::{find_code, verify_code, PublicKey};
use ovop_protocol::{Award, CertificateCode};
use ovop_sheets::{Fonts, Lang};
use ovop_store::Store;
use serde::Serialize;

use crate::sync::side::CERTIFICATE_KEYS;
use crate::AppError;

/// An award as the product page and the lapsing list show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct AwardView {
    pub award: Award,
    /// Where its certificate stands on the day asked about; none without a certificate (or
    /// for a programme that certifies nothing).
    pub standing: Option<Standing>,
    /// Its star holds on that day: the latest award of the product, and its certificate (if
    /// the star is one that is certified) not lapsed. A lapsed star is never current.
    pub current: bool,
}

fn rules_of(award: &Award) -> Option<ovop_core::Certification> {
    ovop_core::criteria::Programme::parse(&award.programme)
        .and_then(ovop_core::programme::rules_of)
        .and_then(|r| r.certification)
}

/// Where an award's certificate stands on `today`.
pub fn standing(award: &Award, today: &str) -> Option<Standing> {
    let certificate = award.certificate.as_ref()?;
    rules_of(award)?.standing(&certificate.issued, &certificate.valid_until, today)
}

fn view(award: Award, latest: bool, today: &str) -> AwardView {
    let standing = standing(&award, today);
    let certified = rules_of(&award).is_some_and(|r| r.certifies(award.star));
    let current = latest
        && today >= award.decision.date.as_str()
        && match standing {
            Some(s) => s.current(),
            // A star the programme certifies holds only with its certificate.
            None => !certified,
        };
    AwardView {
        award,
        standing,
        current,
    }
}

/// A product's awards, the latest decision first, each with where it stands on `today`.
pub fn awards_of(store: &Store, product_id: &str, today: &str) -> Result<Vec<AwardView>, AppError> {
    Ok(store
        .awards_of(product_id)?
        .into_iter()
        .enumerate()
        .map(|(i, award)| view(award, i == 0, today))
        .collect())
}

/// The certificates of this laptop's products that lapse within their programme's listing
/// window (90 days for OCOP and OVOP) or have lapsed, on `today`: the soonest first.
pub fn lapsing(store: &Store, today: &str) -> Result<Vec<AwardView>, AppError> {
    let window = ovop_core::programme::shipped()
        .iter()
        .filter_map(|r| r.certification)
        .map(|c| c.list_days)
        .max()
        .unwrap_or(0);
    let until = ovop_core::validity::parse_day(today)
        .and_then(|d| d.checked_add(time::Duration::days(i64::from(window))))
        .map(ovop_core::validity::format_day)
        .ok_or_else(|| {
            AppError::new(
                Code::StoreInvalid.as_str(),
                format!("{today:?} is not a day written 2026-12-31"),
            )
        })?;
    Ok(store
        .certificates_until(&until)?
        .into_iter()
        .map(|award| view(award, true, today))
        .filter(|v| v.standing.is_some_and(Standing::listed))
        .collect())
}

/// The office's certificate keys, as the server announced them at the laptop's syncs.
pub fn office_keys(store: &Store) -> Result<Vec<PublicKey>, AppError> {
    let keys: Vec<String> = store
        .settings()?
        .remove(CERTIFICATE_KEYS)
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default();
    Ok(keys
        .iter()
        .filter_map(|k| PublicKey::parse(k).ok())
        .collect())
}

/// Checks a certificate code against `keys`: what it says, or why it is refused
/// (`certificate.malformed`, `certificate.unknown_key`, `certificate.bad_signature`).
pub fn verify(text: &str, keys: &[PublicKey]) -> Result<CertificateCode, AppError> {
    verify_code(text, keys).map_err(|e| AppError::new(e.code().as_str(), e.to_string()))
}

/// The certificate code in a file: a certificate's PDF (its subject), a picture of its QR
/// code (PNG or JPEG), or a text that holds one (what a phone's reader saved).
pub fn code_in_file(bytes: &[u8]) -> Result<String, AppError> {
    let none = || {
        AppError::new(
            Code::CertificateMalformed.as_str(),
            "no certificate code was found in the file",
        )
    };
    if bytes.starts_with(b"%PDF") {
        return pdf_subject(bytes)
            .and_then(|s| find_code(&s).map(str::to_string))
            .ok_or_else(none);
    }
    if let Ok(picture) = image::load_from_memory(bytes) {
        let mut prepared = rqrr::PreparedImage::prepare(picture.to_luma8());
        return prepared
            .detect_grids()
            .into_iter()
            .filter_map(|grid| grid.decode().ok().map(|(_, text)| text))
            .find_map(|text| find_code(&text).map(str::to_string))
            .ok_or_else(none);
    }
    // A text file: Unicode, or saved by Notepad in the ANSI code page, which is Vietnamese
    // Windows' for an OCOP certificate (its number says so; the number is ASCII in either).
    let code_page = |text: &str| match find_code(text).and_then(|c| c.split('|').nth(1)) {
        Some(number) if number.starts_with("OCOP") => CodePage::Windows1258,
        _ => CodePage::Windows1252,
    };
    let western = decode_import(bytes, Some(CodePage::Windows1252)).map_err(|_| none())?;
    let text = match code_page(&western) {
        CodePage::Windows1252 => western,
        vietnamese => decode_import(bytes, Some(vietnamese)).map_err(|_| none())?,
    };
    find_code(&text).map(str::to_string).ok_or_else(none)
}

/// The subject of a PDF's document information, as the sheets write it: a hex string (UTF-16
/// with its byte-order mark, or bytes) or a literal one.
fn pdf_subject(bytes: &[u8]) -> Option<String> {
    let at = bytes.windows(8).position(|w| w == b"/Subject")? + 8;
    let rest = &bytes[at..];
    let start = rest.iter().position(|b| !b.is_ascii_whitespace())?;
    let rest = &rest[start..];
    match rest.first()? {
        b'<' => {
            let end = rest.iter().position(|&b| b == b'>')?;
            let hex: Vec<u8> = rest[1..end]
                .iter()
                .copied()
                .filter(|b| !b.is_ascii_whitespace())
                .collect();
            let raw: Vec<u8> = hex
                .chunks(2)
                .map(|pair| {
                    std::str::from_utf8(pair)
                        .ok()
                        .and_then(|p| u8::from_str_radix(p, 16).ok())
                })
                .collect::<Option<_>>()?;
            if let Some(utf16) = raw.strip_prefix(&[0xFE, 0xFF]) {
                let units: Vec<u16> = utf16
                    .chunks(2)
                    .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
                    .collect();
                String::from_utf16(&units).ok()
            } else {
                String::from_utf8(raw).ok()
            }
        }
        b'(' => {
            let mut out = Vec::new();
            let mut escaped = false;
            for &b in &rest[1..] {
                match (escaped, b) {
                    (false, b'\\') => escaped = true,
                    (false, b')') => break,
                    (_, b) => {
                        out.push(b);
                        escaped = false;
                    }
                }
            }
            String::from_utf8(out).ok()
        }
        _ => None,
    }
}

/// A certificate held on this laptop, as a one-page PDF in `lang`, and a file name for it.
pub fn certificate_pdf(
    store: &Store,
    number: &str,
    lang: Lang,
) -> Result<(Vec<u8>, String), AppError> {
    let award = store.certificate(number)?;
    let certificate = award.certificate.clone().ok_or_else(|| {
        AppError::new(
            Code::StoreNotFound.as_str(),
            format!("{number} is not a certificate"),
        )
    })?;
    // Where the producer is, from this laptop's regions, when it holds the producer.
    let place = store
        .producer(&award.producer_id)
        .ok()
        .and_then(|p| p.village_code)
        .and_then(|code| store.region(&code).ok())
        .map(|village| {
            // "Desa Tapin Bini, Tapin, Kalimantan Selatan": the village, then its ancestors.
            std::iter::once(village.name.as_str())
                .chain(village.path.rsplit(" › ").filter(|n| !n.is_empty()))
                .collect::<Vec<_>>()
                .join(", ")
        });
    let sheet = ovop_sheets::Certificate {
        lang,
        programme: award.programme.to_uppercase(),
        number: certificate.number.clone(),
        product: award.product.clone(),
        producer: award.producer.clone(),
        place,
        star: award.star,
        decision_number: award.decision.number.clone(),
        decision_date: award.decision.date.clone(),
        authority: award.decision.authority.clone(),
        issued: certificate.issued.clone(),
        valid_until: certificate.valid_until.clone(),
        code: certificate.code.clone(),
    };
    let bytes = ovop_sheets::certificate(&sheet, &Fonts::bundled())?;
    let stem = ovop_core::files::words_stem(&certificate.number, 60);
    let name = ovop_core::files::safe_file_name(&format!("sertifikat-{stem}"), "pdf", "sertifikat");
    Ok((bytes, name))
}
