//! A change to a producer or a product after it first travelled, and its deletion.
//!
//! An edit carries only the fields the officer changed, with the values the laptop had before.
//! The server applies edits to the record's latest revision in the order it receives them: per
//! field, the later edit wins. When the value the server holds is not the one the editing laptop
//! had (another officer changed the field meanwhile), the value it replaces is kept in the
//! record's history, marked as overridden, and both laptops see it at their next pull.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::{is_uuid, Code, Kind, Problem};

/// What a field holds, for checking an edit without the laptop's types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// A name: text, not blank.
    Name,
    /// Text or nothing.
    Text,
    /// A whole number (not negative) or nothing.
    Count,
    /// A percentage, 0 to 100, or nothing.
    Percent,
    Bool,
    /// A list of short texts (a product's SKUs).
    TextList,
    /// A region's official code; a producer always has one.
    Region,
}

/// The fields of a producer an edit may change.
pub const PRODUCER_FIELDS: &[(&str, FieldType)] = &[
    ("name", FieldType::Name),
    ("legal_form", FieldType::Text),
    ("registration_no", FieldType::Text),
    ("representative", FieldType::Text),
    ("phone", FieldType::Text),
    ("village_code", FieldType::Region),
    ("address", FieldType::Text),
    ("workforce", FieldType::Count),
    ("local_labour_pct", FieldType::Percent),
    ("women", FieldType::Count),
    ("minorities", FieldType::Count),
    ("revenue_prev_year", FieldType::Count),
    ("revenue_last_year", FieldType::Count),
    ("accounting", FieldType::Text),
    ("sentra_ikm", FieldType::Text),
    ("penghela", FieldType::Bool),
];

/// The fields of a product an edit may change (its producer is not one: a product does not
/// move to another producer; its village follows its producer's).
pub const PRODUCT_FIELDS: &[(&str, FieldType)] = &[
    ("name", FieldType::Name),
    ("brand", FieldType::Text),
    ("programme", FieldType::Text),
    ("product_set", FieldType::Text),
    ("skus", FieldType::TextList),
    ("description", FieldType::Text),
    ("village_code", FieldType::Region),
];

/// The longest text a field takes, in characters.
pub const MAX_FIELD_CHARS: usize = 4000;
/// The most SKUs a product lists.
pub const MAX_SKUS: usize = 200;

/// The body of an [`Kind::Edit`] record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EditBody {
    /// `producer` or `product`.
    pub target: Kind,
    pub target_id: String,
    /// The fields changed, with their new values.
    #[serde(default)]
    pub fields: Map<String, Value>,
    /// The same fields as the laptop had them before the edit.
    #[serde(default)]
    pub before: Map<String, Value>,
    /// The record is deleted: a tombstone, which travels like any edit.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deleted: bool,
    /// Photos added to the record after it first travelled (`sha256:<hex>`), each one of the
    /// edit record's own blobs, which upload like any record's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub photos: Vec<String>,
}

/// The most photos one edit adds.
pub const MAX_EDIT_PHOTOS: usize = 50;

fn bad(field: &str, message: impl Into<String>) -> Problem {
    Problem::new(Code::PushBadEdit.as_str(), Some(field), message)
}

/// The fields an edit of `target` may change.
pub fn fields_of(target: Kind) -> Option<&'static [(&'static str, FieldType)]> {
    match target {
        Kind::Producer => Some(PRODUCER_FIELDS),
        Kind::Product => Some(PRODUCT_FIELDS),
        _ => None,
    }
}

fn short_text(value: &Value) -> bool {
    value
        .as_str()
        .is_some_and(|s| s.chars().count() <= MAX_FIELD_CHARS)
}

/// Whether `value` is a valid value of a field of type `ty`.
pub fn valid(ty: FieldType, value: &Value) -> bool {
    match ty {
        FieldType::Name => {
            short_text(value) && value.as_str().is_some_and(|s| !s.trim().is_empty())
        }
        FieldType::Region => value
            .as_str()
            .is_some_and(|s| !s.is_empty() && s.len() <= 40),
        FieldType::Text => value.is_null() || short_text(value),
        FieldType::Count => value.is_null() || value.as_i64().is_some_and(|n| n >= 0),
        FieldType::Percent => {
            value.is_null() || value.as_f64().is_some_and(|n| (0.0..=100.0).contains(&n))
        }
        FieldType::Bool => value.is_boolean(),
        FieldType::TextList => value
            .as_array()
            .is_some_and(|items| items.len() <= MAX_SKUS && items.iter().all(short_text)),
    }
}

impl EditBody {
    /// What is wrong with the edit itself, each with the field it concerns.
    pub fn check(&self) -> Result<(), Problem> {
        let Some(known) = fields_of(self.target) else {
            return Err(bad(
                "body.target",
                "only a producer or a product is edited this way",
            ));
        };
        if !is_uuid(&self.target_id) {
            return Err(bad(
                "body.target_id",
                "the edited record's id is not a UUID",
            ));
        }
        if self.fields.is_empty() && !self.deleted && self.photos.is_empty() {
            return Err(bad(
                "body.fields",
                "an edit changes at least one field or adds a photo",
            ));
        }
        if self.photos.len() > MAX_EDIT_PHOTOS {
            return Err(bad(
                "body.photos",
                format!("an edit adds at most {MAX_EDIT_PHOTOS} photos"),
            ));
        }
        let photo_name = |p: &str| {
            p.strip_prefix("sha256:").is_some_and(|hex| {
                hex.len() == 64
                    && hex
                        .bytes()
                        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
            })
        };
        if let Some(i) = self.photos.iter().position(|p| !photo_name(p)) {
            return Err(bad(
                &format!("body.photos[{i}]"),
                "a photo is named by sha256: and 64 lower-case hex digits",
            ));
        }
        for (name, value) in &self.fields {
            let Some((_, ty)) = known.iter().find(|(field, _)| field == name) else {
                return Err(bad(
                    &format!("body.fields.{}", name.chars().take(40).collect::<String>()),
                    format!(
                        "a {} has no field that an edit may change under this name",
                        self.target.as_str()
                    ),
                ));
            };
            // A product's village is its producer's: it may be left out, never blank.
            let ty = match (self.target, *ty) {
                (Kind::Product, FieldType::Region) if value.is_null() => FieldType::Text,
                (_, ty) => ty,
            };
            if !valid(ty, value) {
                return Err(bad(
                    &format!("body.fields.{name}"),
                    format!("{value} is not a valid value for {name}"),
                ));
            }
        }
        if let Some(extra) = self.before.keys().find(|k| !self.fields.contains_key(*k)) {
            return Err(bad(
                &format!("body.before.{}", extra.chars().take(40).collect::<String>()),
                "the values before the edit are those of the fields it changes",
            ));
        }
        Ok(())
    }
}

/// One field changed by an edit, as a record's history keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct FieldChange {
    /// The record's revision on the server after the edit.
    #[cfg_attr(feature = "bindings", ts(type = "number"))]
    pub revision: i64,
    pub field: String,
    #[cfg_attr(feature = "bindings", ts(type = "unknown"))]
    pub value: Value,
    /// What the field held on the server before.
    #[cfg_attr(feature = "bindings", ts(type = "unknown"))]
    pub previous: Value,
    /// The field held a value the editing laptop had not seen (another officer changed it
    /// meanwhile): that value lost, and is `previous`.
    pub overridden: bool,
    /// The officer who made the edit.
    pub by: String,
    /// When the server received it.
    pub at: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const ID: &str = "0192f5c4-7d1a-7b31-9c55-3e1f0a2b4c6d";

    fn edit(target: Kind, fields: Value) -> EditBody {
        EditBody {
            target,
            target_id: ID.into(),
            fields: fields.as_object().cloned().unwrap_or_default(),
            before: Map::new(),
            deleted: false,
            photos: Vec::new(),
        }
    }

    fn field_of(problem: Result<(), Problem>) -> Option<String> {
        problem.err().and_then(|p| {
            assert_eq!(p.code, "push.bad_edit");
            p.field
        })
    }

    #[test]
    fn a_valid_edit_passes_and_each_wrong_field_is_named() {
        assert!(edit(
            Kind::Producer,
            json!({"name": "UD Sari", "phone": null, "workforce": 4})
        )
        .check()
        .is_ok());
        assert!(edit(
            Kind::Product,
            json!({"skus": ["a", "b"], "village_code": null})
        )
        .check()
        .is_ok());
        let cases = [
            (Kind::Producer, json!({"name": "  "}), "body.fields.name"),
            (
                Kind::Producer,
                json!({"village_code": null}),
                "body.fields.village_code",
            ),
            (
                Kind::Producer,
                json!({"workforce": -1}),
                "body.fields.workforce",
            ),
            (
                Kind::Producer,
                json!({"local_labour_pct": 101}),
                "body.fields.local_labour_pct",
            ),
            (
                Kind::Producer,
                json!({"penghela": "yes"}),
                "body.fields.penghela",
            ),
            (Kind::Producer, json!({"id": ID}), "body.fields.id"),
            (
                Kind::Product,
                json!({"producer_id": ID}),
                "body.fields.producer_id",
            ),
            (Kind::Product, json!({"skus": [1]}), "body.fields.skus"),
            (
                Kind::Product,
                json!({"name": "x".repeat(MAX_FIELD_CHARS + 1)}),
                "body.fields.name",
            ),
            (Kind::Product, json!({}), "body.fields"),
            (Kind::Assessment, json!({"name": "x"}), "body.target"),
        ];
        for (target, fields, field) in cases {
            assert_eq!(
                field_of(edit(target, fields.clone()).check()).as_deref(),
                Some(field),
                "{fields}"
            );
        }
        let mut stray = edit(Kind::Producer, json!({"name": "A"}));
        stray.before.insert("phone".into(), json!("1"));
        assert_eq!(
            field_of(stray.check()).as_deref(),
            Some("body.before.phone")
        );
        let mut bad_id = edit(Kind::Producer, json!({"name": "A"}));
        bad_id.target_id = "x".into();
        assert_eq!(field_of(bad_id.check()).as_deref(), Some("body.target_id"));
        let tombstone = EditBody {
            deleted: true,
            ..edit(Kind::Product, json!({}))
        };
        assert!(tombstone.check().is_ok());
        // A photo added: named by its hash, a few at a time.
        let photo = |name: &str| EditBody {
            photos: vec![name.to_string()],
            ..edit(Kind::Producer, json!({}))
        };
        assert!(photo(&format!("sha256:{}", "a".repeat(64))).check().is_ok());
        for bad in [
            "a".repeat(64),
            format!("sha256:{}", "A".repeat(64)),
            "sha256:../x".into(),
        ] {
            assert_eq!(
                field_of(photo(&bad).check()).as_deref(),
                Some("body.photos[0]"),
                "{bad}"
            );
        }
        let many = EditBody {
            photos: vec![format!("sha256:{}", "b".repeat(64)); MAX_EDIT_PHOTOS + 1],
            ..edit(Kind::Product, json!({}))
        };
        assert_eq!(field_of(many.check()).as_deref(), Some("body.photos"));
    }
}
