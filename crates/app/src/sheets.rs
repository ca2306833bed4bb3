//! The printed sheets from the laptop's store: one revision of an assessment read with its
//! frozen criteria set, product, producer, village, assessors and the documents seen, made into
//! the sheet, the producer's receipt or the council's sheet, and a file name for each.

use ovop_sheets::{
    Blank, Council, Document, Filled, Fonts, Lang, Person, Producer, Product, Trace, Visit,
};
use ovop_store::Store;

use crate::AppError;

/// The filled sheet of revision `revision` of assessment `id` (the latest when `None`).
pub fn filled(
    store: &Store,
    id: &str,
    revision: Option<i64>,
    lang: Lang,
) -> Result<Filled, AppError> {
    let assessment = crate::views::revision_of(store, id, revision)?;
    let set = store.frozen_set(&assessment.criteria_hash)?;
    let result = store.current_result(&assessment)?;
    let product = store.product(&assessment.product_id)?;
    let producer = store.producer(&product.producer_id)?;
    let region_name = |code: &Option<String>| {
        code.as_deref()
            .and_then(|c| store.region(c).ok())
            .map(|r| r.name)
    };
    let village_code = producer
        .village_code
        .clone()
        .or_else(|| product.village_code.clone());
    let documents = store
        .evidence(id, assessment.revision)?
        .into_iter()
        .filter(|d| d.criterion.is_empty())
        .map(|d| Document {
            label: ovop_sheets::document_label(lang, &d.kind),
            present: d.present,
            number: d.number,
            issuer: d.issuer,
            issued_on: d.issued_on,
            expires_on: d.expires_on,
        })
        .collect();
    let visit = &assessment.visit;
    let person = |a: &ovop_store::assessments::Assessor| Person {
        name: a.name.clone(),
        title: a.title.clone(),
        unit: a.unit.clone(),
        contact: None,
    };
    let mut assessors: Vec<Person> = visit.assessors.iter().map(person).collect();
    // The officer's own contact (from the profile in the settings) beside the lead assessor.
    let profile = store
        .settings()
        .ok()
        .and_then(|mut all| all.remove("officer"));
    if let (Some(lead), Some(profile)) = (assessors.first_mut(), profile) {
        if let Ok(profile) = serde_json::from_str::<serde_json::Value>(&profile) {
            if profile["name"].as_str().map(str::trim) == Some(lead.name.trim()) {
                let contact: Vec<&str> = ["phone", "email"]
                    .iter()
                    .filter_map(|k| profile[*k].as_str())
                    .filter(|v| !v.trim().is_empty())
                    .collect();
                if !contact.is_empty() {
                    lead.contact = Some(contact.join(" · "));
                }
            }
        }
    }
    let council = match store.council_of(&assessment)? {
        None => None,
        Some(result) => {
            let mut members = vec![assessors.first().cloned().unwrap_or_default()];
            members.extend(
                store
                    .members(id, assessment.revision)?
                    .iter()
                    .map(|m| person(&m.assessor)),
            );
            Some(Council { result, members })
        }
    };
    let verdict = store.verdict_over(&assessment, &result, council.as_ref().map(|c| &c.result))?;
    Ok(Filled {
        council,
        verdict,
        lang,
        trace: Trace {
            assessment_id: assessment.id.clone(),
            revision: assessment.revision,
            content_hash: assessment.content_hash.clone().unwrap_or_default(),
            status: assessment.status.clone(),
            dated: assessment
                .finalized_at
                .clone()
                .unwrap_or_else(|| assessment.updated_at.clone()),
        },
        visit: Visit {
            // "2026 · I · Kabupaten/Kota · Penilaian baru"; empty when it names none of them.
            round: Some(
                ovop_core::programme::rules_of(set.programme)
                    .map(|rules| {
                        rules.describe(
                            lang.code(),
                            visit.round.as_deref(),
                            visit.level.as_deref(),
                            visit.kind,
                        )
                    })
                    .unwrap_or_else(|| {
                        [visit.round.clone(), visit.level.clone()]
                            .into_iter()
                            .flatten()
                            .collect::<Vec<_>>()
                            .join(" · ")
                    }),
            )
            .filter(|text| !text.is_empty()),
            date: visit.assessed_on.clone(),
            place: region_name(&visit.region_code).or_else(|| region_name(&village_code)),
        },
        product: Product {
            name: product.name,
            brand: product.brand,
            skus: product.skus,
        },
        producer: Producer {
            name: producer.name,
            registration: producer.registration_no,
            address: producer.address,
            village: region_name(&village_code),
            village_code,
            gps: visit.latitude.zip(visit.longitude),
            contact: producer.phone,
        },
        assessors,
        documents,
        answers: assessment.answers,
        result,
        set,
    })
}

/// The blank sheet of an installed or shipped criteria set.
pub fn blank(set: ovop_core::CriteriaSet, lang: Lang) -> Blank {
    let set_hash = ovop_core::content_hash(&set);
    Blank {
        lang,
        set,
        set_hash,
    }
}

/// Which paper: the assessment sheet, the producer's receipt or the council's sheet.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum SheetKind {
    #[default]
    Sheet,
    Receipt,
    Council,
}

impl SheetKind {
    fn suffix(self) -> &'static str {
        match self {
            SheetKind::Sheet => "",
            SheetKind::Receipt => "-tanda-terima",
            SheetKind::Council => "-tim-penilai",
        }
    }
}

/// The paper of a revision (the latest when `None`) in `lang`, and a file name for it.
pub fn paper(
    store: &Store,
    id: &str,
    revision: Option<i64>,
    lang: Lang,
    kind: SheetKind,
) -> Result<(Vec<u8>, String), AppError> {
    let sheet = filled(store, id, revision, lang)?;
    let name = file_name(&sheet.product.name, sheet.trace.revision, kind);
    let fonts = Fonts::bundled();
    let bytes = match kind {
        SheetKind::Sheet => ovop_sheets::filled(&sheet, &fonts)?,
        SheetKind::Receipt => ovop_sheets::receipt(&sheet, &fonts)?,
        SheetKind::Council => ovop_sheets::council(&sheet, &fonts)?,
    };
    Ok((bytes, name))
}

/// A name for the paper of a revision (the latest when `None`), to suggest when saving it.
pub fn paper_name(
    store: &Store,
    id: &str,
    revision: Option<i64>,
    kind: SheetKind,
) -> Result<String, AppError> {
    let assessment = store.assessment(id)?;
    let product = store.product(&assessment.product_id)?;
    Ok(file_name(
        &product.name,
        revision.unwrap_or(assessment.revision),
        kind,
    ))
}

/// `Keripik-Pisang-Kepok-rev2-tanda-terima.pdf`: the product, the revision and the paper.
fn file_name(product: &str, revision: i64, kind: SheetKind) -> String {
    format!("{}-rev{revision}{}.pdf", file_stem(product), kind.suffix())
}

/// A file name from a product's name: letters, digits and dashes.
fn file_stem(name: &str) -> String {
    let stem: String = name
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let stem: String = stem.chars().take(60).collect();
    if stem.is_empty() {
        "lembar".into()
    } else {
        stem
    }
}

#[cfg(test)]
mod tests {
    use super::file_stem;

    #[test]
    fn a_file_name_keeps_letters_and_digits_of_any_language() {
        assert_eq!(
            file_stem("Keripik Pisang / Kepok 150g"),
            "Keripik-Pisang-Kepok-150g"
        );
        assert_eq!(file_stem("Cà phê bột Đắk Hà"), "Cà-phê-bột-Đắk-Hà");
        assert_eq!(file_stem("../../etc/passwd"), "etc-passwd");
        assert_eq!(file_stem("///"), "lembar");
    }
}
