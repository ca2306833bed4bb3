//! A sheet's values read from the laptop's store: one revision of an assessment with its frozen
//! criteria set, product, producer, village, assessors and the documents seen.

use ovop_store::{Store, StoreError};

use crate::labels::Labels;
use crate::model::{Blank, Council, Document, Filled, Lang, Person, Producer, Product, Trace, Visit};
use crate::SheetError;

impl From<StoreError> for SheetError {
    fn from(err: StoreError) -> Self {
        SheetError::Record {
            code: err.code(),
            message: err.to_string(),
        }
    }
}

/// The filled sheet of revision `revision` of assessment `id` (the latest when `None`).
pub fn filled(store: &Store, id: &str, revision: Option<i64>, lang: Lang) -> Result<Filled, SheetError> {
    let assessment = match revision {
        None => store.assessment(id)?,
        Some(n) => store
            .revisions(id)?
            .into_iter()
            .find(|a| a.revision == n)
            .ok_or_else(|| StoreError::NotFound { what: "revision", id: format!("{id} revision {n}") })?,
    };
    let set = store.frozen_set(&assessment.criteria_hash)?;
    let result = store.current_result(&assessment)?;
    let product = store.product(&assessment.product_id)?;
    let producer = store.producer(&product.producer_id)?;
    let region_name = |code: &Option<String>| code.as_deref().and_then(|c| store.region(c).ok()).map(|r| r.name);
    let village_code = producer.village_code.clone().or_else(|| product.village_code.clone());
    let labels = Labels::new(lang);
    let documents = store
        .evidence(id, assessment.revision)?
        .into_iter()
        .filter(|d| d.criterion.is_empty())
        .map(|d| Document {
            label: document_label(&labels, &d.kind),
            present: d.present,
            number: d.number,
            issuer: d.issuer,
            issued_on: d.issued_on,
            expires_on: d.expires_on,
        })
        .collect();
    let visit = &assessment.visit;
    let person = |a: &ovop_store::assessments::Assessor| Person { name: a.name.clone(), title: a.title.clone(), unit: a.unit.clone(), contact: None };
    let mut assessors: Vec<Person> = visit.assessors.iter().map(person).collect();
    // The officer's own contact (from the profile in the settings) beside the lead assessor.
    let profile = store.settings().ok().and_then(|mut all| all.remove("officer"));
    if let (Some(lead), Some(profile)) = (assessors.first_mut(), profile) {
        if let Ok(profile) = serde_json::from_str::<serde_json::Value>(&profile) {
            if profile["name"].as_str().map(str::trim) == Some(lead.name.trim()) {
                let contact: Vec<&str> = ["phone", "email"].iter().filter_map(|k| profile[*k].as_str()).filter(|v| !v.trim().is_empty()).collect();
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
            members.extend(store.members(id, assessment.revision)?.iter().map(|m| person(&m.assessor)));
            Some(Council { result, members })
        }
    };
    Ok(Filled {
        council,
        lang,
        trace: Trace {
            assessment_id: assessment.id.clone(),
            revision: assessment.revision,
            content_hash: assessment.content_hash.clone().unwrap_or_default(),
            status: assessment.status.clone(),
            dated: assessment.finalized_at.clone().unwrap_or_else(|| assessment.updated_at.clone()),
        },
        visit: Visit {
            round: None,
            date: visit.assessed_on.clone(),
            place: region_name(&visit.region_code).or_else(|| region_name(&village_code)),
        },
        product: Product { name: product.name, brand: product.brand, skus: product.skus },
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
    Blank { lang, set, set_hash }
}

/// A dossier document's name: the ones the app lists by their words, a gate's proof by the
/// gate's code, any other by its kind.
fn document_label(labels: &Labels, kind: &str) -> String {
    let key = format!("doc_{kind}");
    let label = labels.get(&key);
    if label == key {
        kind.to_string()
    } else {
        label
    }
}
