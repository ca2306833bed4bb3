//! One assessor's answers to a criteria set: the answers file of `ovop score`, and the
//! sheet the app autosaves.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// ```json
/// {"criteria": "ocop-1048-02", "assessor": "Nguyễn Văn A",
///  "answers": {"1.1": 3, "5.2": "na"}, "knockouts": ["6.1"], "gates": {"G1": true}}
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Answers {
    /// The criteria set's id.
    pub criteria: String,
    /// The set's version, when the answers must match one exactly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Who filled the sheet (a council member's name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assessor: Option<String>,
    /// Criterion code -> 1-based position of the chosen level as printed, or "na".
    #[serde(default)]
    pub answers: BTreeMap<String, Answer>,
    /// Criteria whose knock-out condition the assessor observed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub knockouts: Vec<String>,
    /// Gate code -> whether the condition is met.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub gates: BTreeMap<String, bool>,
    /// Criterion code -> the assessor's note.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub notes: BTreeMap<String, String>,
}

/// A level position (1 = the first level printed) or "na" (not applicable).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
#[cfg_attr(feature = "bindings", ts(type = "number | \"na\""))]
pub enum Answer {
    Level(u32),
    NotApplicable,
}

impl Serialize for Answer {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Answer::Level(position) => s.serialize_u32(*position),
            Answer::NotApplicable => s.serialize_str("na"),
        }
    }
}

impl<'de> Deserialize<'de> for Answer {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct AnswerVisitor;
        impl Visitor<'_> for AnswerVisitor {
            type Value = Answer;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a level position (1, 2, ...) or \"na\"")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Answer, E> {
                match u32::try_from(v) {
                    Ok(p) if p >= 1 => Ok(Answer::Level(p)),
                    _ => Err(E::custom(format!(
                        "level positions start at 1; {v} is not one"
                    ))),
                }
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Answer, E> {
                Err(E::custom(format!(
                    "level positions start at 1; {v} is not one"
                )))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Answer, E> {
                Err(E::custom(format!(
                    "a level position is a whole number; {v} is not"
                )))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Answer, E> {
                match v.trim().to_ascii_lowercase().as_str() {
                    "na" | "n/a" => Ok(Answer::NotApplicable),
                    other => match other.parse::<u64>() {
                        Ok(n) => self.visit_u64(n),
                        Err(_) => Err(E::custom(format!(
                            "expected a level position or \"na\", found {v:?}"
                        ))),
                    },
                }
            }
        }
        d.deserialize_any(AnswerVisitor)
    }
}

/// Parses an answers file, naming the JSON path of the first value that does not fit.
pub fn parse_answers(json: &str) -> Result<Answers, crate::load::LoadError> {
    crate::load::parse_json(json)
}
