//! The printed sheets from the laptop's store: one revision of an assessment read with its
//! frozen criteria set, product, producer, village, assessors and the documents seen, made into
//! the sheet, the producer's receipt or the council's sheet, and a file name for each.

use ovop_sheets::{
    Blank, Council, Document, Filled, Fonts, Lang, Minutes, MinutesMember, MinutesProduct, Person,
    Producer, Product, Trace, Visit,
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
        // Only the receipt prints the plan: `paper` adds it there.
        plan: Vec::new(),
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
    /// The minutes of the council's session the assessment was scored in (its round, level and
    /// day), every final assessment of that session in it.
    Minutes,
    /// The batch the office forwarded the assessment in: a cover, the minutes of each session
    /// and each product's sheet with its dossier.
    Forwarded,
}

impl SheetKind {
    fn suffix(self) -> &'static str {
        match self {
            SheetKind::Sheet => "",
            SheetKind::Receipt => "-tanda-terima",
            SheetKind::Council => "-tim-penilai",
            SheetKind::Minutes => "-berita-acara",
            SheetKind::Forwarded => "-usulan",
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
    let fonts = Fonts::bundled();
    let (sheet, name) = match kind {
        // The minutes are of the session, not of one sheet.
        SheetKind::Minutes => {
            let assessment = crate::views::revision_of(store, id, revision)?;
            let minutes = minutes_of(store, &assessment, lang)?;
            let name = minutes_name(&minutes.round, &minutes.level, &minutes.date);
            return Ok((ovop_sheets::minutes(&minutes, &fonts)?, name));
        }
        // The batch is the office's, not the sheet's: its number names it.
        SheetKind::Forwarded => {
            let forwarding = forwarding_of(store, id)?;
            let (cover, chosen) =
                forwarded_batch(store, forwarding.batch, lang, &ovop_store::now_utc())?;
            let mut bytes = Vec::new();
            write_batch(store, &cover, &chosen, lang, &mut bytes)?;
            return Ok((bytes, forwarded_name(&forwarding)));
        }
        _ => {
            let mut sheet = filled(store, id, revision, lang)?;
            if kind == SheetKind::Receipt {
                sheet.plan = plan_lines(store, id, &sheet.set, lang)?;
            }
            let name = file_name(&sheet.product.name, sheet.trace.revision, kind);
            (sheet, name)
        }
    };
    let bytes = match kind {
        SheetKind::Receipt => ovop_sheets::receipt(&sheet, &fonts)?,
        SheetKind::Council => ovop_sheets::council(&sheet, &fonts)?,
        SheetKind::Sheet | SheetKind::Minutes | SheetKind::Forwarded => {
            ovop_sheets::filled(&sheet, &fonts)?
        }
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
    if kind == SheetKind::Forwarded {
        return Ok(forwarded_name(&forwarding_of(store, id)?));
    }
    let assessment = store.assessment(id)?;
    if kind == SheetKind::Minutes {
        let v = &assessment.visit;
        return Ok(minutes_name(
            v.round.as_deref().unwrap_or_default(),
            v.level.as_deref().unwrap_or_default(),
            v.assessed_on.as_deref().unwrap_or_default(),
        ));
    }
    let product = store.product(&assessment.product_id)?;
    Ok(file_name(
        &product.name,
        revision.unwrap_or(assessment.revision),
        kind,
    ))
}

/// The coaching plan made from `assessment`, in the sheet's words: each action's support, the
/// criterion it lifts, its target, its owner and its due day.
fn plan_lines(
    store: &Store,
    assessment_id: &str,
    set: &ovop_core::CriteriaSet,
    lang: Lang,
) -> Result<Vec<ovop_sheets::PlanLine>, AppError> {
    let product_id = store.assessment(assessment_id)?.product_id;
    Ok(store
        .actions_of(&product_id)?
        .into_iter()
        .filter(|a| a.assessment_id.as_deref() == Some(assessment_id))
        .map(|a| {
            let action = a.action;
            let criterion = action.criterion.as_ref().map(|code| {
                match set.criteria().find(|c| &c.code == code) {
                    Some(c) => format!("{code} {}", c.text.get(lang.code(), &set.language)),
                    None => code.clone(),
                }
            });
            let mut owner = ovop_sheets::coaching_word(lang, "owner", action.owner.code());
            if let Some(name) = action.owner_name.filter(|n| !n.trim().is_empty()) {
                owner = format!("{owner} · {name}");
            }
            ovop_sheets::PlanLine {
                support: ovop_sheets::coaching_word(lang, "support", action.support.code()),
                criterion,
                target_points: action.target_points,
                owner,
                due: action.due,
            }
        })
        .collect())
}

/// `Keripik-Pisang-Kepok-rev2-tanda-terima.pdf`: the product, the revision and the paper.
fn file_name(product: &str, revision: i64, kind: SheetKind) -> String {
    pdf_name(&format!(
        "{}-rev{revision}{}",
        file_stem(product),
        kind.suffix()
    ))
}

/// `stem.pdf`, as every system takes it (`ovop_core::files`).
fn pdf_name(stem: &str) -> String {
    ovop_core::files::safe_file_name(stem, "pdf", "lembar")
}

/// A batch the office forwarded to the next level, as this laptop knows it after a sync: the
/// cover of its PDF (titled by the level it went to, with the minutes of each council's session
/// its products were scored in before the sheets) and the revisions whose sheets follow, each
/// with its dossier. A product scored before rounds were recorded has its sheet and no minutes.
/// Refused with `sheet.batch_empty` when the laptop has none of the batch.
pub fn forwarded_batch(
    store: &Store,
    batch: i64,
    lang: Lang,
    made: &str,
) -> Result<(ovop_sheets::Cover, Vec<(String, i64)>), AppError> {
    let rows = store.forwarded_batch(batch)?;
    let Some((_, _, to_level)) = rows.first() else {
        return Err(AppError::new(
            ovop_core::Code::SheetBatchEmpty.as_str(),
            format!(
                "this laptop has no batch {batch} forwarded by the office: sync, then try again"
            ),
        ));
    };
    let fonts = Fonts::bundled();
    let mut level_words = None;
    let mut sessions: Vec<(String, String, String)> = Vec::new();
    let mut leading = Vec::new();
    for (id, revision, _) in &rows {
        let assessment = crate::views::revision_of(store, id, Some(*revision))?;
        // A batch is of one programme: its first record names the level's words.
        if level_words.is_none() {
            let programme = store.frozen_set(&assessment.criteria_hash)?.programme;
            level_words = Some(level_words_of(programme, to_level, lang));
        }
        let visit = &assessment.visit;
        let (Some(round), Some(level), Some(date)) =
            (&visit.round, &visit.level, &visit.assessed_on)
        else {
            continue;
        };
        let session = (round.clone(), level.clone(), date.clone());
        if sessions.contains(&session) {
            continue;
        }
        sessions.push(session);
        let minutes = minutes_of(store, &assessment, lang)?;
        leading.push(ovop_sheets::Leading {
            title: ovop_sheets::minutes_heading(&minutes),
            pdf: ovop_sheets::minutes(&minutes, &fonts)?,
        });
    }
    let cover = ovop_sheets::Cover {
        lang: Some(lang),
        title: ovop_sheets::forwarded_title(
            lang,
            level_words.as_deref().unwrap_or(to_level),
            batch,
        ),
        made: made.to_string(),
        leading,
    };
    Ok((
        cover,
        rows.into_iter()
            .map(|(id, revision, _)| (id, revision))
            .collect(),
    ))
}

/// Where the office forwarded an assessment, or `sheet.batch_empty` when it has not (yet, as
/// far as this laptop knows).
fn forwarding_of(store: &Store, id: &str) -> Result<ovop_store::awards::Forwarding, AppError> {
    store.forwarding(id)?.ok_or_else(|| {
        AppError::new(
            ovop_core::Code::SheetBatchEmpty.as_str(),
            format!("the office has not forwarded assessment {id} as far as this laptop knows: sync, then try again"),
        )
    })
}

/// `usulan-7-provinsi.pdf`: the batch's number and the level it went to.
fn forwarded_name(forwarding: &ovop_store::awards::Forwarding) -> String {
    pdf_name(&format!(
        "usulan-{}-{}",
        forwarding.batch,
        file_stem(&forwarding.to_level)
    ))
}

/// A batch's PDF written to `out` as each sheet is read: the cover, whatever leads (minutes),
/// then the sheets of `chosen` (id and revision) in order.
pub fn write_batch<W: std::io::Write>(
    store: &Store,
    cover: &ovop_sheets::Cover,
    chosen: &[(String, i64)],
    lang: Lang,
    out: &mut W,
) -> Result<ovop_sheets::Written, AppError> {
    let sheets = chosen.iter().map(|(id, revision)| {
        filled(store, id, Some(*revision), lang).map_err(ovop_sheets::SheetError::from)
    });
    Ok(ovop_sheets::batch(cover, sheets, &Fonts::bundled(), out)?)
}

/// A programme level's name in `lang` (English where that language has none), or its code
/// when the programme does not have it.
fn level_words_of(programme: ovop_core::criteria::Programme, level: &str, lang: Lang) -> String {
    ovop_core::programme::rules_of(programme)
        .and_then(|r| r.level(level))
        .map_or(level.to_string(), |l| {
            l.name.get(lang.code(), "en").to_string()
        })
}

/// `berita-acara-2026-1-kabupaten-2026-11-20.pdf`.
fn minutes_name(round: &str, level: &str, date: &str) -> String {
    pdf_name(&format!(
        "berita-acara-{}-{}-{}",
        file_stem(round),
        file_stem(level),
        file_stem(date)
    ))
}

/// The minutes of the council's session `assessment` was scored in: every final assessment of
/// the same programme, round and level on the same day, in the order they were finalised; who
/// sat (and who was absent, from the roster), the quorum, each product's members' totals, the
/// average, the divergence check, the verdict and the level it is proposed to.
pub fn minutes_of(
    store: &Store,
    assessment: &ovop_store::assessments::Assessment,
    lang: Lang,
) -> Result<Minutes, AppError> {
    let visit = &assessment.visit;
    let (Some(round), Some(level), Some(date)) = (&visit.round, &visit.level, &visit.assessed_on)
    else {
        return Err(AppError::new(
            ovop_core::Code::SheetInvalid.as_str(),
            "the minutes are of a council's session: a round and a level on a day, and this assessment names no round or no level",
        ));
    };
    let programme = store.frozen_set(&assessment.criteria_hash)?.programme;
    let session: Vec<_> = store
        .final_assessments()?
        .into_iter()
        .filter(|a| {
            a.visit.round.as_ref() == Some(round)
                && a.visit.level.as_ref() == Some(level)
                && a.visit.assessed_on.as_ref() == Some(date)
        })
        .filter(|a| {
            store
                .frozen_set(&a.criteria_hash)
                .is_ok_and(|set| set.programme == programme)
        })
        .collect();
    if session.is_empty() {
        return Err(AppError::new(
            ovop_core::Code::SheetInvalid.as_str(),
            format!("no final assessment of round {round} at level {level} on {date}: only a final one is in the minutes"),
        ));
    }
    let rules = ovop_core::programme::rules_of(programme);
    let level_words = level_words_of(programme, level, lang);
    let mut members: Vec<MinutesMember> = Vec::new();
    let mut products = Vec::new();
    let mut quorum = None;
    let mut regions: Vec<String> = Vec::new();
    for a in &session {
        let sheet = filled(store, &a.id, Some(a.revision), lang)?;
        // Who sat: each member who scored, once, with their role.
        let mut roles: Vec<(String, Option<String>)> = a
            .visit
            .assessors
            .iter()
            .take(1)
            .map(|x| (x.name.clone(), x.role.clone()))
            .collect();
        roles.extend(
            store
                .members(&a.id, a.revision)?
                .into_iter()
                .map(|m| (m.assessor.name, m.assessor.role)),
        );
        let sitting: Vec<Person> = match &sheet.council {
            Some(council) => council.members.clone(),
            None => sheet.assessors.iter().take(1).cloned().collect(),
        };
        for person in sitting {
            if person.name.trim().is_empty() || members.iter().any(|m| m.person.name == person.name)
            {
                continue;
            }
            let role = roles
                .iter()
                .find(|(name, _)| *name == person.name)
                .and_then(|(_, role)| role.clone());
            members.push(MinutesMember {
                person,
                role,
                chair: false,
                present: true,
            });
        }
        if let Some(roster) = &a.visit.roster {
            for absent in &roster.absent {
                if !members.iter().any(|m| m.person.name == absent.name) {
                    members.push(MinutesMember {
                        person: Person {
                            name: absent.name.clone(),
                            title: absent.title.clone(),
                            unit: absent.unit.clone(),
                            contact: None,
                        },
                        role: absent.role.clone(),
                        chair: false,
                        present: false,
                    });
                }
            }
            for m in &mut members {
                m.chair = m
                    .person
                    .name
                    .trim()
                    .eq_ignore_ascii_case(roster.chair.trim());
            }
        }
        // The council's result is the sheet's own (`filled` read it).
        if quorum.is_none() {
            quorum = crate::views::council_quorum(
                a,
                sheet.council.as_ref().map(|c| &c.result),
                store.rubric_of(a)?.council_quorum(),
            )
            .and_then(|q| q.check);
        }
        let proposed_to = sheet.verdict.star.and_then(|star| {
            rules
                .and_then(|r| r.proposed_level(level, date, star))
                .map(|l| l.name.get(lang.code(), "en").to_string())
        });
        let producer = sheet.producer.name.clone();
        if let Some(code) = sheet
            .producer
            .village_code
            .clone()
            .or(a.visit.region_code.clone())
        {
            regions.push(code);
        }
        products.push(match &sheet.council {
            Some(c) => MinutesProduct::of_council(
                sheet.product.name.clone(),
                producer,
                sheet.trace.clone(),
                &c.result,
                sheet.verdict.clone(),
                proposed_to,
            ),
            None => MinutesProduct {
                product: sheet.product.name.clone(),
                producer,
                trace: sheet.trace.clone(),
                totals: vec![(
                    sheet
                        .assessors
                        .first()
                        .map(|p| p.name.clone())
                        .unwrap_or_default(),
                    sheet.result.total,
                )],
                average: f64::from(sheet.result.total),
                max_total: sheet.result.max_total,
                spread: 0,
                max_spread: None,
                exceeded: false,
                verdict: sheet.verdict.clone(),
                proposed_to,
            },
        });
    }
    // The place: the smallest region every product comes from (the regency, say).
    let lineages: Vec<Vec<String>> = regions
        .iter()
        .map(|code| store.region_lineage(code))
        .collect::<Result<_, _>>()?;
    let place = common_region(&lineages).and_then(|code| store.region(&code).ok().map(|r| r.name));
    Ok(Minutes {
        lang,
        programme: match programme {
            ovop_core::criteria::Programme::Other => String::new(),
            p => p.as_str().to_uppercase(),
        },
        round: round.clone(),
        round_words: ovop_core::Round::parse(round).map_or(round.clone(), |r| r.to_string()),
        level: level.clone(),
        level_words,
        date: date.clone(),
        place,
        members,
        quorum,
        products,
        dated: session
            .iter()
            .filter_map(|a| a.finalized_at.clone())
            .max()
            .unwrap_or_default(),
    })
}

/// The smallest region every one of the regions is in (`63.05` for villages of Tapin,
/// `VN25-01` for communes of Hà Nội), from their lineages (the region first, then its ancestors):
/// Vietnam's codes do not nest as Indonesia's do.
fn common_region(lineages: &[Vec<String>]) -> Option<String> {
    let first = lineages.first()?;
    first
        .iter()
        .find(|code| lineages[1..].iter().all(|l| l.contains(code)))
        .cloned()
}

/// Part of a file name from a product's name (or a level, a date): letters, digits and dashes.
fn file_stem(name: &str) -> String {
    let stem = ovop_core::files::words_stem(name, 60);
    if stem.is_empty() {
        "lembar".into()
    } else {
        stem
    }
}

#[cfg(test)]
mod tests {
    use super::{common_region, file_name, file_stem, minutes_name, SheetKind};

    #[test]
    fn the_place_of_a_batch_is_the_smallest_region_all_are_in() {
        let lineage = |codes: &[&str]| codes.iter().map(|c| c.to_string()).collect::<Vec<_>>();
        let tapin = [
            lineage(&["63.05.01.1001", "63.05.01", "63.05", "63"]),
            lineage(&["63.05.02.2001", "63.05.02", "63.05", "63"]),
        ];
        assert_eq!(common_region(&tapin).as_deref(), Some("63.05"));
        let ha_noi = [
            lineage(&["VN25-00577", "VN25-01"]),
            lineage(&["VN25-00145", "VN25-01"]),
        ];
        assert_eq!(common_region(&ha_noi).as_deref(), Some("VN25-01"));
        let apart = [lineage(&["63.05", "63"]), lineage(&["VN25-01"])];
        assert_eq!(common_region(&apart), None);
        assert_eq!(common_region(&[]), None);
        assert_eq!(common_region(&ha_noi[..1]).as_deref(), Some("VN25-00577"));
    }

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

    #[test]
    fn a_long_name_keeps_its_revision_and_paper_and_stays_far_under_the_limits() {
        let long = "Nước mắm Phú Quốc thượng hạng loại đặc biệt ".repeat(8);
        let name = file_name(&long, 2, SheetKind::Receipt);
        assert!(name.starts_with("Nước-mắm-Phú-Quốc-"), "{name}");
        assert!(name.ends_with("-rev2-tanda-terima.pdf"), "{name}");
        assert!(
            name.len() < 200 && name.encode_utf16().count() < 200,
            "{name}"
        );
        assert_eq!(file_name("CON", 1, SheetKind::Sheet), "CON-rev1.pdf");
        assert_eq!(
            minutes_name("2026/1", "kabupaten", "2026-11-20"),
            "berita-acara-2026-1-kabupaten-2026-11-20.pdf"
        );
    }
}
