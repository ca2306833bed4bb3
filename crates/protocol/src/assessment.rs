//! A final assessment as it travels: the one type the laptop writes and the server reads.
//!
//! The body keeps the shape it has always had on the wire (its canonical hash is the record's
//! content hash, so a field renamed here would make every stored revision a conflict): what the
//! officer recorded ([`LOCAL_FIELDS`], which the laptop's local hash covers), then what the
//! laptop adds for the office (the programme, the set, the result, the council's result, that
//! local hash and when it was finalised).

use ovop_core::council::CouncilResult;
use ovop_core::criteria::Programme;
use ovop_core::{
    canonical_hash, Answers, AssessmentKind, Quorum, QuorumCheck, ScoreResult, Verdict,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One assessor of a visit.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
#[serde(default)]
pub struct Assessor {
    pub name: String,
    pub title: Option<String>,
    pub unit: Option<String>,
    pub role: Option<String>,
}

/// Where, when and by whom: set when the assessment is started, editable while a draft.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
#[serde(default)]
pub struct Visit {
    /// `YYYY-MM-DD`; a final assessment has one.
    pub assessed_on: Option<String>,
    /// The village's official code; a final assessment has one.
    pub region_code: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub assessors: Vec<Assessor>,
    /// The round it belongs to (`2026-1`); an assessment made before rounds were recorded has
    /// none. Left out of the body when empty, so older bodies keep their hash.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "bindings", ts(optional))]
    pub round: Option<String>,
    /// The programme level it is made at (`province`, `kabupaten`: the programme's file).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "bindings", ts(optional))]
    pub level: Option<String>,
    /// New, re-assessment or upgrade.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "bindings", ts(optional))]
    pub kind: Option<AssessmentKind>,
    /// The council as appointed, when several members score: its chair and who was absent
    /// (those present are the members who scored).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "bindings", ts(optional))]
    pub roster: Option<Roster>,
}

/// A council as appointed: its chair (one of the members, present or not) and the members who
/// were absent from the session. The members present are those who scored a sheet.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
#[serde(default)]
pub struct Roster {
    pub chair: String,
    pub absent: Vec<Assessor>,
}

/// Why a council's roster does not hold together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RosterError {
    /// A council scored without recording who was appointed.
    Missing,
    /// The roster itself is not well formed: `no_chair`, `chair_unknown` (the chair is not a
    /// member), `named_twice`, `absent_unnamed`; `name` is the name concerned.
    Invalid { problem: &'static str, name: String },
    /// The quorum was not reached.
    NoQuorum(QuorumCheck),
}

impl std::fmt::Display for RosterError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RosterError::Missing => f.write_str(
                "a council's verdict needs its roster: the chair and the members who were absent",
            ),
            RosterError::Invalid { problem, name } => match *problem {
                "no_chair" => f.write_str("the council's chair is not named"),
                "chair_unknown" => {
                    write!(f, "the chair {name} is not one of the council's members")
                }
                "named_twice" => write!(f, "{name} is named twice in the council"),
                _ => f.write_str("an absent member has no name"),
            },
            RosterError::NoQuorum(q) => {
                write!(
                    f,
                    "the council has no quorum: {} of {} members present, {} needed",
                    q.present, q.appointed, q.required
                )?;
                if q.chair_required && !q.chair_present {
                    f.write_str(", and the chair must be present")?;
                }
                Ok(())
            }
        }
    }
}

fn same_name(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

impl Roster {
    /// The council's sitting when the members `present` scored: those appointed (present and
    /// absent) and whether the chair sat.
    pub fn sitting(&self, present: &[&str]) -> ovop_core::Sitting {
        ovop_core::Sitting {
            appointed: u32::try_from(present.len() + self.absent.len()).unwrap_or(u32::MAX),
            chair_present: present.iter().any(|n| same_name(n, &self.chair)),
        }
    }

    /// Counts the council whose members `present` scored (by name, in the council's order)
    /// against `quorum` (none: every council counts). A name twice, a blank chair or a chair who
    /// is neither present nor absent is refused.
    pub fn check(
        &self,
        present: &[String],
        quorum: Option<Quorum>,
    ) -> Result<QuorumCheck, RosterError> {
        let invalid = |problem, name: &str| {
            Err(RosterError::Invalid {
                problem,
                name: name.trim().to_string(),
            })
        };
        if self.chair.trim().is_empty() {
            return invalid("no_chair", "");
        }
        let present: Vec<&str> = present.iter().map(String::as_str).collect();
        let mut names = present.clone();
        for absent in &self.absent {
            if absent.name.trim().is_empty() {
                return invalid("absent_unnamed", "");
            }
            names.push(absent.name.as_str());
        }
        for (i, name) in names.iter().enumerate() {
            if names[..i].iter().any(|other| same_name(other, name)) {
                return invalid("named_twice", name);
            }
        }
        let sitting = self.sitting(&present);
        if !sitting.chair_present && !self.absent.iter().any(|a| same_name(&a.name, &self.chair)) {
            return invalid("chair_unknown", &self.chair);
        }
        let count = u32::try_from(present.len()).unwrap_or(u32::MAX);
        let quorum = quorum.unwrap_or(Quorum {
            share_percent: 1,
            chair_required: false,
        });
        let check = quorum.check(sitting.appointed, count, sitting.chair_present);
        if check.met {
            Ok(check)
        } else {
            Err(RosterError::NoQuorum(check))
        }
    }
}

impl Visit {
    /// The council's sitting as its roster records it (none without a roster): those appointed
    /// (the `present` members who scored and those absent) and whether the chair sat.
    pub fn sitting(&self, present: &[Answers]) -> Option<ovop_core::Sitting> {
        let names: Vec<&str> = present
            .iter()
            .map(|s| s.assessor.as_deref().unwrap_or_default())
            .collect();
        self.sitting_of(&names)
    }

    /// [`Visit::sitting`] from the names of the members who scored.
    pub fn sitting_of(&self, present: &[&str]) -> Option<ovop_core::Sitting> {
        Some(self.roster.as_ref()?.sitting(present))
    }

    /// Checks the council whose sheets are `sheets` (each named after its member) against its
    /// roster and the programme's quorum.
    pub fn council_quorum(
        &self,
        sheets: &[Answers],
        quorum: Option<Quorum>,
    ) -> Result<QuorumCheck, RosterError> {
        let roster = self.roster.as_ref().ok_or(RosterError::Missing)?;
        let present: Vec<String> = sheets
            .iter()
            .enumerate()
            .map(|(i, s)| s.assessor.clone().unwrap_or_else(|| format!("#{}", i + 1)))
            .collect();
        roster.check(&present, quorum)
    }

    /// The lead assessor's sheet as a council scores it (member 1): named after its own
    /// assessor, else after the visit's first assessor. The laptop and the server both build
    /// the council from it, so both name member 1 alike.
    pub fn lead_sheet(&self, answers: &Answers) -> Answers {
        let mut sheet = answers.clone();
        if sheet.assessor.is_none() {
            sheet.assessor = self.assessors.first().map(|a| a.name.clone());
        }
        sheet
    }
}

/// One document of the producer's dossier, as the officer checked it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
#[serde(default)]
pub struct EvidenceDocument {
    /// What it is: `food_safety_certificate`, `quality_declaration`, `test_report`, `nib`, ...
    pub kind: String,
    /// The criterion it is evidence for ("" for the dossier as a whole).
    pub criterion: String,
    pub present: bool,
    pub number: Option<String>,
    pub issued_on: Option<String>,
    pub issuer: Option<String>,
    pub expires_on: Option<String>,
    pub note: Option<String>,
}

/// A criteria set by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetRef {
    pub id: String,
    pub version: String,
}

/// The body of a final assessment revision. Fields the server does not need default when
/// absent; those it needs are required, and a missing or mistyped one is `push.invalid` naming
/// it (see [`crate::Record::read_body`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssessmentBody {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub revision: i64,
    /// The revision this one corrects.
    #[serde(default)]
    pub supersedes: Option<i64>,
    /// Why it was corrected.
    #[serde(default)]
    pub reason: Option<String>,
    pub product_id: String,
    /// The content hash of the frozen criteria set.
    #[serde(default)]
    pub criteria_hash: String,
    pub visit: Visit,
    /// The answers as scored; the server scores them again with the same engine on the set
    /// named by the result's hash, refuses a result that differs, and refuses the record while
    /// it does not know the set (`push.unknown_set`: the laptop sends the set, then the record).
    #[serde(default)]
    pub answers: Option<Answers>,
    #[serde(default)]
    pub evidence: Vec<EvidenceDocument>,
    /// The sheets of council members 2 onwards (member 1's are `answers`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub council: Option<Vec<Answers>>,
    pub programme: Programme,
    pub criteria: SetRef,
    pub result: ScoreResult,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub council_result: Option<CouncilResult>,
    /// The official verdict (one sheet's, or the council's over its members). The server
    /// decides it again and refuses a record whose verdict differs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<Verdict>,
    /// The canonical hash of [`LOCAL_FIELDS`], as the laptop stored it when finalising.
    #[serde(default)]
    pub local_hash: String,
    #[serde(default)]
    pub finalized_at: Option<String>,
}

/// The fields of what the officer recorded: the laptop's local hash covers these.
pub const LOCAL_FIELDS: [&str; 10] = [
    "id",
    "revision",
    "supersedes",
    "reason",
    "product_id",
    "criteria_hash",
    "visit",
    "answers",
    "evidence",
    "council",
];

impl AssessmentBody {
    /// The canonical hash of what the officer recorded ([`LOCAL_FIELDS`]): the laptop stores it
    /// as the revision's content hash when finalising and sends it as `local_hash`.
    pub fn local_hash_of(&self) -> Result<String, serde_json::Error> {
        let Value::Object(mut map) = serde_json::to_value(self)? else {
            return Ok(canonical_hash(&Value::Null));
        };
        map.retain(|key, _| LOCAL_FIELDS.contains(&key.as_str()));
        Ok(canonical_hash(&Value::Object(map)))
    }

    /// The body as a JSON value, for a [`crate::Record`].
    pub fn to_value(&self) -> Result<Value, serde_json::Error> {
        serde_json::to_value(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The local hash is the canonical hash of the record as the laptop has always written it
    /// (`null` for an absent correction, no `council` without one): a change here would make
    /// every final revision's stored hash disagree with its body.
    #[test]
    fn the_local_hash_covers_the_record_as_it_was_always_written() {
        let answers = Answers {
            criteria: "ovop-id-template".into(),
            version: Some("1".into()),
            ..Answers::default()
        };
        let visit = Visit {
            assessed_on: Some("2026-11-20".into()),
            region_code: Some("63.05.01.1001".into()),
            assessors: vec![Assessor {
                name: "Siti Rahmah".into(),
                ..Assessor::default()
            }],
            ..Visit::default()
        };
        let evidence = vec![EvidenceDocument {
            kind: "pirt".into(),
            present: true,
            ..EvidenceDocument::default()
        }];
        let written = json!({
            "id": "0192f000-0000-7000-8000-000000000001", "revision": 1, "supersedes": null,
            "reason": null, "product_id": "0192f000-0000-7000-8000-000000000002",
            "criteria_hash": "sha256:00", "visit": visit, "answers": answers,
            "evidence": evidence,
        });
        let body = AssessmentBody {
            id: "0192f000-0000-7000-8000-000000000001".into(),
            revision: 1,
            supersedes: None,
            reason: None,
            product_id: "0192f000-0000-7000-8000-000000000002".into(),
            criteria_hash: "sha256:00".into(),
            visit,
            answers: Some(answers),
            evidence,
            council: None,
            programme: Programme::Ovop,
            criteria: SetRef {
                id: "ovop-id-template".into(),
                version: "1".into(),
            },
            result: ovop_core::Catalog::shipped()
                .get("ovop-id-template", None)
                .expect("the template")
                .rubric
                .score(&Answers {
                    criteria: "ovop-id-template".into(),
                    ..Answers::default()
                })
                .expect("an empty sheet scores"),
            council_result: None,
            verdict: None,
            local_hash: String::new(),
            finalized_at: Some("2026-11-20T10:00:00Z".into()),
        };
        assert_eq!(body.local_hash_of().unwrap(), canonical_hash(&written));
        // With a council, its other members' sheets are part of what was recorded.
        let with_council = AssessmentBody {
            council: Some(vec![Answers::default()]),
            ..body.clone()
        };
        let mut written = written;
        written["council"] = json!([Answers::default()]);
        assert_eq!(
            with_council.local_hash_of().unwrap(),
            canonical_hash(&written)
        );
        // The wire keeps the absent council and council result absent.
        let value = body.to_value().unwrap();
        assert!(value.get("council").is_none() && value.get("council_result").is_none());
    }

    /// A visit that names no round, level or kind is written as visits always were, so the
    /// hashes of revisions finalised before rounds existed do not change; one that names them
    /// carries them.
    #[test]
    fn a_visit_without_a_round_is_written_as_before() {
        let visit = Visit {
            assessed_on: Some("2026-11-20".into()),
            region_code: Some("63.05.01.1001".into()),
            ..Visit::default()
        };
        assert_eq!(
            serde_json::to_value(&visit).unwrap(),
            json!({"assessed_on": "2026-11-20", "region_code": "63.05.01.1001",
                   "latitude": null, "longitude": null, "assessors": []})
        );
        let named = Visit {
            round: Some("2026-1".into()),
            level: Some("provinsi".into()),
            kind: Some(AssessmentKind::Reassessment),
            ..visit
        };
        let value = serde_json::to_value(&named).unwrap();
        assert_eq!(
            (&value["round"], &value["level"], &value["kind"]),
            (&json!("2026-1"), &json!("provinsi"), &json!("reassessment"))
        );
        assert_eq!(serde_json::from_value::<Visit>(value).unwrap(), named);
    }

    fn sheet(name: &str) -> Answers {
        Answers {
            assessor: Some(name.into()),
            ..Answers::default()
        }
    }

    /// A council counts its present members (those who scored) against its roster: 75 % with
    /// the chair present, names compared without case or spaces around them.
    #[test]
    fn a_council_counts_only_with_its_roster_and_quorum() {
        let quorum = Some(Quorum {
            share_percent: 75,
            chair_required: true,
        });
        let absent = |names: &[&str]| -> Vec<Assessor> {
            names
                .iter()
                .map(|n| Assessor {
                    name: (*n).into(),
                    ..Assessor::default()
                })
                .collect()
        };
        let sheets = [sheet("Siti"), sheet("Budi"), sheet("Dewi")];
        let mut visit = Visit::default();
        assert_eq!(
            visit.council_quorum(&sheets, quorum),
            Err(RosterError::Missing)
        );
        // Three of four, the chair among them: met.
        visit.roster = Some(Roster {
            chair: " siti ".into(),
            absent: absent(&["Agus"]),
        });
        let met = visit.council_quorum(&sheets, quorum).unwrap();
        assert_eq!((met.present, met.appointed, met.required), (3, 4, 3));
        assert!(met.chair_present);
        // Three of five: short.
        visit.roster = Some(Roster {
            chair: "Siti".into(),
            absent: absent(&["Agus", "Rina"]),
        });
        let Err(RosterError::NoQuorum(short)) = visit.council_quorum(&sheets, quorum) else {
            panic!("three of five is no quorum");
        };
        assert_eq!(short.required, 4);
        assert!(RosterError::NoQuorum(short)
            .to_string()
            .contains("3 of 5 members present, 4 needed"));
        // The chair absent: no quorum even with three of four.
        visit.roster = Some(Roster {
            chair: "Agus".into(),
            absent: absent(&["Agus"]),
        });
        let refused = visit.council_quorum(&sheets, quorum).unwrap_err();
        assert!(
            refused.to_string().contains("the chair must be present"),
            "{refused}"
        );
        // A roster that does not hold together.
        for (chair, names, why) in [
            ("", vec![], "not named"),
            ("Joko", vec![], "not one of the council's members"),
            ("Siti", vec!["budi"], "named twice"),
            ("Siti", vec![" "], "no name"),
        ] {
            visit.roster = Some(Roster {
                chair: chair.into(),
                absent: absent(&names),
            });
            let refused = visit.council_quorum(&sheets, quorum).unwrap_err();
            assert!(
                matches!(refused, RosterError::Invalid { .. }),
                "{refused:?}"
            );
            assert!(refused.to_string().contains(why), "{refused} / {why}");
        }
        // A programme without a quorum: any council with a well-formed roster counts.
        visit.roster = Some(Roster {
            chair: "Agus".into(),
            absent: absent(&["Agus", "Rina", "Joko", "Tono"]),
        });
        assert!(visit.council_quorum(&sheets, None).is_ok());
        // The roster is left out of a body without one, so older bodies keep their hash.
        let value = serde_json::to_value(Visit::default()).unwrap();
        assert!(value.get("roster").is_none());
    }
}
