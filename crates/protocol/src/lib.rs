//! ovop-protocol: the messages of sync protocol v1 between the app and the central server
//! (DESIGN.md §4), and the checks both sides run on them. Types and checks only: no network, no
//! storage.
//!
//! - Every request and response carries [`VERSION_HEADER`]; changes are additive
//!   (`#[serde(default)]`), a breaking change bumps [`PROTOCOL_VERSION`].
//! - Records are pushed with their id (made offline), revision and content hash: the same three
//!   again are accepted again with no effect, the same id and revision with another hash is a
//!   conflict. The hash is the canonical hash of the record's body, so both sides compute it.
//! - Blobs (photos, scans) are named by their SHA-256 and uploaded after the records that need
//!   them, resuming from the offset the server reports.
//! - Requests that carry records refuse unknown fields; responses the client reads tolerate
//!   them (a newer server may add some).

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub mod assessment;
pub mod certificate;
pub mod recap;
pub use assessment::{
    AssessmentBody, Assessor, EvidenceDocument, Roster, RosterError, SetRef, Visit,
};
pub mod bundle;
pub mod edit;
pub use certificate::{Award, CertificateCode, CertificateRef, CodeError, DecisionRef, PublicKey};
pub use edit::{EditBody, FieldChange};

/// The one table of error codes (`ovop-core`'s), part of the wire contract.
pub use ovop_core::codes::{self, Code};

pub const PROTOCOL_VERSION: u32 = 1;
/// The header every request and response carries, with [`PROTOCOL_VERSION`].
pub const VERSION_HEADER: &str = "ovop-protocol";
/// What the health endpoint says the service is, so a captive portal is not taken for it.
pub const SERVICE: &str = "ovop-server";

/// `POST /v1/enrol`: a password or a one-time code (typed, or read from its QR code) for a
/// device token. Exactly one of `user` with `password`, or `code`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnrolRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The laptop's name as the server lists it (1 to 120 characters).
    pub device_name: String,
}

/// The answer to an enrolment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Enrolled {
    /// Shown once: the server keeps only its hash.
    pub token: String,
    pub device_id: i64,
    pub user: Officer,
    pub server_id: String,
}

/// A user as the server describes them to a laptop.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Officer {
    pub id: i64,
    /// The user name they sign in with.
    pub name: String,
    #[serde(default)]
    pub display_name: String,
    /// officer, supervisor or admin.
    pub role: String,
    /// The region codes they may record assessments in.
    #[serde(default)]
    pub regions: Vec<String>,
    #[serde(default)]
    pub disabled: bool,
}

/// The health endpoint's answer (`GET /v1/health`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Health {
    pub service: String,
    pub protocol: u32,
    /// A stable identity of this server (the client remembers which server it enrolled with).
    pub server_id: String,
    /// The office's name, for the officer to see.
    #[serde(default)]
    pub name: String,
    /// The server's clock (RFC 3339); the client does not trust its own.
    #[serde(default)]
    pub time: String,
    pub limits: Limits,
    /// The round each programme's assessments are in now, as the office set it: a sheet
    /// started on a laptop after a sync is pre-filled with it. Entries a client cannot read
    /// are left out, never a reason to distrust the server.
    #[serde(
        default,
        deserialize_with = "readable_rounds",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub rounds: Vec<OfficeRound>,
    /// The public keys the office's star certificates are signed with (`ed25519:...`), newest
    /// first; a laptop keeps them to verify a certificate offline. Keys that do not read are
    /// left out.
    #[serde(
        default,
        deserialize_with = "readable_keys",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub certificate_keys: Vec<String>,
}

/// The keys of a health answer that read as public keys; the others are dropped.
fn readable_keys<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let values: Vec<serde_json::Value> = match serde_json::Value::deserialize(d)? {
        serde_json::Value::Array(values) => values,
        _ => Vec::new(),
    };
    Ok(values
        .iter()
        .filter_map(serde_json::Value::as_str)
        .filter_map(|k| PublicKey::parse(k).ok())
        .map(|k| k.text())
        .collect())
}

/// The round (and level) an office runs a programme's assessments in now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficeRound {
    pub programme: ovop_core::criteria::Programme,
    /// `2026-1`.
    pub round: String,
    /// The level its council sits at (`kabupaten`, `province`), if the office said.
    #[serde(default)]
    pub level: Option<String>,
    /// When it was set (RFC 3339).
    #[serde(default)]
    pub set_at: String,
}

impl OfficeRound {
    /// Whether the round is a round and the level one of its programme's.
    pub fn check(&self) -> Result<(), ovop_core::programme::VisitError> {
        ovop_core::programme::check_visit(
            self.programme,
            Some(&self.round),
            self.level.as_deref(),
            None,
        )
    }
}

/// The rounds of a health answer that read as rounds of a programme; the others are dropped.
fn readable_rounds<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<OfficeRound>, D::Error> {
    let values: Vec<serde_json::Value> = match serde_json::Value::deserialize(d)? {
        serde_json::Value::Array(values) => values,
        _ => Vec::new(),
    };
    Ok(values
        .into_iter()
        .filter_map(|v| serde_json::from_value::<OfficeRound>(v).ok())
        .filter(|r| r.check().is_ok())
        .collect())
}

/// What the server accepts, announced in [`Health`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    pub max_blob_bytes: u64,
    pub max_request_bytes: u64,
    pub max_batch_records: u32,
    /// Photos and scans one record may name (a server that does not say takes 200).
    #[serde(default = "default_blobs_per_record")]
    pub max_blobs_per_record: u32,
}

fn default_blobs_per_record() -> u32 {
    200
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_blob_bytes: 25 * 1024 * 1024,
            max_request_bytes: 8 * 1024 * 1024,
            max_batch_records: 200,
            max_blobs_per_record: default_blobs_per_record(),
        }
    }
}

/// Why a message was refused: a stable code, the field it is about, and a message in English
/// (the app translates by code).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{code}: {message}")]
pub struct Problem {
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    pub message: String,
}

impl Problem {
    pub fn new(code: &str, field: Option<&str>, message: impl Into<String>) -> Problem {
        Problem {
            code: code.into(),
            field: field.map(str::to_string),
            message: message.into(),
        }
    }
}

/// Tells the server from anything else that answers on its address (a captive portal's HTML,
/// a proxy's error page): the body must be this protocol's health JSON, of a version the client
/// speaks.
pub fn recognise_health(body: &[u8]) -> Result<Health, Problem> {
    let health: Health = serde_json::from_slice(body).map_err(|_| {
        Problem::new(
            Code::SyncNotTheServer.as_str(),
            None,
            "the address answered, but not as an OVOP Field server (a login page or a proxy?)",
        )
    })?;
    if health.service != SERVICE {
        return Err(Problem::new(
            Code::SyncNotTheServer.as_str(),
            Some("service"),
            format!(
                "the address is a {:?}, not an OVOP Field server",
                health.service
            ),
        ));
    }
    if health.protocol != PROTOCOL_VERSION {
        return Err(Problem::new(
            Code::SyncProtocolVersion.as_str(),
            Some("protocol"),
            format!(
                "the server speaks protocol {}, this app {PROTOCOL_VERSION}; update the older one",
                health.protocol
            ),
        ));
    }
    Ok(health)
}

/// What a pushed record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Producer,
    Product,
    Assessment,
    /// A revision of a coaching plan's action.
    CoachingAction,
    /// A follow-up visit (one revision, never changed).
    CoachingVisit,
    /// A change to a producer or product the server already has (or a deletion): sent once,
    /// under its own id; the server applies it to the record's latest revision, field by field,
    /// in the order it receives edits ([`EditBody`]).
    Edit,
}

impl Kind {
    /// Its wire word (`coaching_action`).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Producer => "producer",
            Kind::Product => "product",
            Kind::Assessment => "assessment",
            Kind::CoachingAction => "coaching_action",
            Kind::CoachingVisit => "coaching_visit",
            Kind::Edit => "edit",
        }
    }

    /// Every kind, in the order a push stores them: what a record needs comes first.
    pub const ALL: [Kind; 6] = [
        Kind::Producer,
        Kind::Product,
        Kind::Edit,
        Kind::Assessment,
        Kind::CoachingVisit,
        Kind::CoachingAction,
    ];

    /// A producer, a product or an edit of one: what an assessment refers to, not the work
    /// itself.
    pub fn reference(self) -> bool {
        matches!(self, Kind::Producer | Kind::Product | Kind::Edit)
    }

    /// A kind whose records have revisions (the others are sent once, as revision 1).
    pub fn revised(self) -> bool {
        matches!(self, Kind::Assessment | Kind::CoachingAction)
    }
}

/// A blob a record refers to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlobRef {
    /// `sha256:<64 hex>`.
    pub sha256: String,
    pub size: u64,
}

/// One record of a push: a producer, a product or a revision of an assessment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    pub kind: Kind,
    /// A UUID made on the laptop.
    pub id: String,
    /// 1 for producers and products; an assessment's revision.
    pub revision: i64,
    /// The canonical hash of `body` (`ovop_core::canonical_hash`).
    pub content_hash: String,
    /// The record itself, as the store has it.
    pub body: Value,
    #[serde(default)]
    pub blobs: Vec<BlobRef>,
}

/// `POST /v1/push`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushRequest {
    pub records: Vec<Record>,
}

/// What became of one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Stored now.
    Accepted,
    /// Already there with the same content: nothing changed.
    AcceptedAgain,
    /// Already there with other content under the same id and revision (`push.conflict`).
    Conflict,
    /// Refused: the problem says why; the record is not stored.
    Rejected,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordResult {
    pub kind: Kind,
    pub id: String,
    pub revision: i64,
    pub outcome: Outcome,
    /// The HTTP status this record would have had alone: 201 accepted, 200 accepted again,
    /// 409 conflict, 422 rejected.
    #[serde(default)]
    pub status: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<Problem>,
}

impl Outcome {
    /// See [`RecordResult::status`].
    pub fn status(self) -> u16 {
        match self {
            Outcome::Accepted => 201,
            Outcome::AcceptedAgain => 200,
            Outcome::Conflict => 409,
            Outcome::Rejected => 422,
        }
    }
}

/// A blob the server still needs, and how much of it it already has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissingBlob {
    pub sha256: String,
    pub size: u64,
    /// Bytes already received: the upload resumes here.
    pub offset: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushResponse {
    pub results: Vec<RecordResult>,
    #[serde(default)]
    pub missing_blobs: Vec<MissingBlob>,
}

/// One change since a cursor (`GET /v1/changes?since=..`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// The server's monotonic position of this change.
    pub cursor: i64,
    /// `criteria_set`, `product`, `producer`, `assessment`, `decision`, `award`, `forward`,
    /// `owner` (an assessment handed to another officer).
    pub kind: String,
    pub id: String,
    pub body: Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangesPage {
    pub changes: Vec<Change>,
    /// Where the next page starts.
    pub next: i64,
    /// More changes wait after this page.
    pub more: bool,
}

/// The answer to `PUT /v1/criteria-sets/{hash}`: a criteria set the server did not know
/// (`push.unknown_set`), sent once by its content hash. The server checks it, keeps it and
/// scores the assessments made on it again; it does not publish it to other laptops.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetReceived {
    /// `sha256:` and 64 hex digits: the set's content hash.
    pub hash: String,
    pub id: String,
    pub version: String,
}

/// What the server reads of a producer's body; the rest is kept as sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProducerBody {
    pub name: String,
    /// The village's official code: it decides whose region the producer is in.
    pub village_code: String,
}

/// What the server reads of a product's body; the rest is kept as sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductBody {
    pub producer_id: String,
    pub name: String,
    #[serde(default)]
    pub programme: Option<String>,
    #[serde(default)]
    pub product_set: Option<String>,
    /// When empty, the producer's village.
    #[serde(default)]
    pub village_code: Option<String>,
}

/// A revision of a coaching action as it travels: the action whole, the product it is for, the
/// assessment its plan was made from and the visit that changed it, if any.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoachingActionBody {
    pub product_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assessment_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visit_id: Option<String>,
    pub action: ovop_core::coaching::Action,
}

/// A follow-up visit as it travels (its photos are the record's blobs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoachingVisitBody {
    pub product_id: String,
    /// `YYYY-MM-DD`.
    pub visited_on: String,
    #[serde(default)]
    pub notes: String,
    pub updates: Vec<ovop_core::coaching::ActionUpdate>,
}

impl CoachingActionBody {
    /// What the server can check without the criteria set: the ids, and the action's rules
    /// apart from its criterion (checked on the laptop against the plan's set).
    pub fn check(&self) -> Result<(), Problem> {
        let ids = [
            ("body.product_id", Some(&self.product_id)),
            ("body.assessment_id", self.assessment_id.as_ref()),
            ("body.visit_id", self.visit_id.as_ref()),
        ];
        for (field, id) in ids {
            if id.is_some_and(|id| !is_uuid(id)) {
                return Err(Problem::new(
                    Code::PushInvalid.as_str(),
                    Some(field),
                    format!("{field} is not an id"),
                ));
            }
        }
        if self.action.criterion.is_some() && self.assessment_id.is_none() {
            return Err(Problem::new(
                Code::PushInvalid.as_str(),
                Some("body.assessment_id"),
                "an action on a criterion names the assessment its plan was made from",
            ));
        }
        if self
            .action
            .criterion
            .as_ref()
            .is_some_and(|c| c.is_empty() || c.len() > 64)
        {
            return Err(Problem::new(
                Code::PushInvalid.as_str(),
                Some("body.action.criterion"),
                "body.action.criterion is not a criterion's code",
            ));
        }
        let mut unaimed = self.action.clone();
        unaimed.criterion = None;
        unaimed.target_points = None;
        ovop_core::coaching::check_action(None, &unaimed).map_err(|e| {
            let field = format!("body.action.{}", e.field);
            Problem::new(Code::PushInvalid.as_str(), Some(&field), e.to_string())
        })
    }
}

impl CoachingVisitBody {
    /// The visit's own rules (`ovop_core::coaching::check_visit`) and its ids.
    pub fn check(&self) -> Result<(), Problem> {
        if !is_uuid(&self.product_id) {
            return Err(Problem::new(
                Code::PushInvalid.as_str(),
                Some("body.product_id"),
                "body.product_id is not an id",
            ));
        }
        if let Some(n) = self.updates.iter().position(|u| !is_uuid(&u.action_id)) {
            let field = format!("body.updates[{n}].action_id");
            return Err(Problem::new(
                Code::PushInvalid.as_str(),
                Some(&field),
                format!("{field} is not an id"),
            ));
        }
        ovop_core::coaching::check_visit(&self.visited_on, &self.notes, &self.updates).map_err(
            |e| {
                let field = format!("body.{}", e.field);
                Problem::new(Code::PushInvalid.as_str(), Some(&field), e.to_string())
            },
        )
    }
}

impl Record {
    /// Reads the part of the body the server needs, by kind; a missing or mistyped field is
    /// `push.invalid` naming the field (`body.visit.region_code`).
    pub fn read_body<T: serde::de::DeserializeOwned>(&self) -> Result<T, Problem> {
        serde_path_to_error::deserialize(&self.body).map_err(|e| {
            let mut path = e.path().to_string();
            // A missing field is reported at its parent: name the field itself.
            let inner = e.inner().to_string();
            if let Some(missing) = inner
                .strip_prefix("missing field `")
                .and_then(|rest| rest.split('`').next())
            {
                path = if path == "." {
                    missing.to_string()
                } else {
                    format!("{path}.{missing}")
                };
            }
            let field = if path == "." {
                "body".to_string()
            } else {
                format!("body.{path}")
            };
            Problem::new(
                Code::PushInvalid.as_str(),
                Some(&field),
                format!("{field}: {}", e.inner()),
            )
        })
    }
}

/// Where a blob upload stands (`GET /v1/blobs/{hex}` and the answer to every chunk).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlobStatus {
    pub sha256: String,
    pub size: u64,
    /// Bytes received so far: the next chunk starts here.
    pub offset: u64,
    /// All bytes are here and their hash was verified.
    pub complete: bool,
}

/// `PUT /v1/blobs/{hex}?offset=N`: which blob a chunk belongs to and where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobChunk {
    /// `sha256:` and the 64 hex digits of the path.
    pub sha256: String,
    pub offset: u64,
}

impl BlobChunk {
    /// Reads the path's name (64 lower-case hex digits, `sha256:` allowed before them) and the
    /// query (`offset=N`, nothing else), refusing anything else with `blob.bad_name` or
    /// `blob.bad_offset`: a name is never a path.
    pub fn parse(name: &str, query: Option<&str>) -> Result<BlobChunk, Problem> {
        let hex = name.strip_prefix("sha256:").unwrap_or(name);
        if !is_hex(hex, 64) {
            return Err(Problem::new(
                Code::BlobBadName.as_str(),
                Some("sha256"),
                "a blob is named by the 64 lower-case hex digits of its SHA-256",
            ));
        }
        let bad_offset = || {
            Problem::new(
                Code::BlobBadOffset.as_str(),
                Some("offset"),
                "the query must be offset=N, N a whole number of bytes",
            )
        };
        let offset = match query.unwrap_or("") {
            "" => 0,
            query => {
                let value = query.strip_prefix("offset=").ok_or_else(bad_offset)?;
                if value.is_empty()
                    || value.len() > 15
                    || !value.bytes().all(|b| b.is_ascii_digit())
                {
                    return Err(bad_offset());
                }
                value.parse().map_err(|_| bad_offset())?
            }
        };
        Ok(BlobChunk {
            sha256: format!("sha256:{hex}"),
            offset,
        })
    }

    /// The hex digits alone, for a file name.
    pub fn hex(&self) -> &str {
        &self.sha256["sha256:".len()..]
    }
}

fn is_hex(text: &str, len: usize) -> bool {
    text.len() == len
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// `sha256:` and 64 lower-case hex digits.
pub fn is_sha256(text: &str) -> bool {
    text.strip_prefix("sha256:")
        .is_some_and(|hex| is_hex(hex, 64))
}

/// A UUID in its canonical text form, lower-case (any version; the app makes v7). An id in
/// capitals is refused rather than taken as another record than its lower-case twin.
pub fn is_uuid(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    parts.len() == 5
        && [8, 4, 4, 4, 12]
            .iter()
            .zip(&parts)
            .all(|(len, part)| is_hex(part, *len))
}

impl PushRequest {
    /// Reads a push body, refusing malformed JSON, wrong types, unknown fields and more records
    /// than `limits` allow, each with its own code.
    pub fn parse(body: &[u8], limits: &Limits) -> Result<PushRequest, Problem> {
        if body.len() as u64 > limits.max_request_bytes {
            return Err(Problem::new(
                Code::PushTooLarge.as_str(),
                None,
                format!(
                    "the request has {} bytes; at most {} are accepted",
                    body.len(),
                    limits.max_request_bytes
                ),
            ));
        }
        let request: PushRequest = serde_json::from_slice(body).map_err(|e| {
            let code = if e.is_syntax() || e.is_eof() {
                Code::PushMalformed.as_str()
            } else {
                Code::PushInvalid.as_str()
            };
            Problem::new(code, None, format!("the push cannot be read: {e}"))
        })?;
        if request.records.len() > limits.max_batch_records as usize {
            return Err(Problem::new(
                Code::PushTooMany.as_str(),
                Some("records"),
                format!(
                    "{} records in one push; at most {}",
                    request.records.len(),
                    limits.max_batch_records
                ),
            ));
        }
        Ok(request)
    }
}

impl Record {
    /// What is wrong with the record itself, before anything is stored: its id, revision, hash
    /// (which must be the canonical hash of its body) and blobs.
    pub fn check(&self, limits: &Limits) -> Result<(), Problem> {
        if !is_uuid(&self.id) {
            return Err(Problem::new(
                Code::PushBadId.as_str(),
                Some("id"),
                format!(
                    "{:?} is not a UUID in lower-case canonical form",
                    self.id.chars().take(80).collect::<String>()
                ),
            ));
        }
        if self.revision < 1 || (!self.kind.revised() && self.revision != 1) {
            return Err(Problem::new(
                Code::PushBadRevision.as_str(),
                Some("revision"),
                format!(
                    "revision {} is not valid for a {:?}",
                    self.revision, self.kind
                ),
            ));
        }
        if !self.body.is_object() {
            return Err(Problem::new(
                Code::PushBadBody.as_str(),
                Some("body"),
                "the record's body must be an object",
            ));
        }
        if !is_sha256(&self.content_hash) {
            return Err(Problem::new(
                Code::PushBadHash.as_str(),
                Some("content_hash"),
                "the content hash must be sha256: and 64 hex digits",
            ));
        }
        if ovop_core::canonical_hash(&self.body) != self.content_hash {
            return Err(Problem::new(
                Code::PushHashMismatch.as_str(),
                Some("content_hash"),
                "the content hash is not the hash of the body",
            ));
        }
        if self.blobs.len() > limits.max_blobs_per_record as usize {
            return Err(Problem::new(
                Code::PushTooManyBlobs.as_str(),
                Some("blobs"),
                format!(
                    "a record names {} photos; at most {} are accepted",
                    self.blobs.len(),
                    limits.max_blobs_per_record
                ),
            ));
        }
        for (i, blob) in self.blobs.iter().enumerate() {
            if !is_sha256(&blob.sha256) {
                return Err(Problem::new(
                    Code::PushBadBlob.as_str(),
                    Some(&format!("blobs[{i}].sha256")),
                    "a blob is named by sha256: and 64 hex digits",
                ));
            }
            if blob.size == 0 || blob.size > limits.max_blob_bytes {
                return Err(Problem::new(
                    Code::PushBlobTooLarge.as_str(),
                    Some(&format!("blobs[{i}].size")),
                    format!(
                        "a blob of {} bytes; between 1 and {} are accepted",
                        blob.size, limits.max_blob_bytes
                    ),
                ));
            }
        }
        Ok(())
    }

    /// A record of `kind` with its hash computed from `body`.
    pub fn new(kind: Kind, id: &str, revision: i64, body: Value, blobs: Vec<BlobRef>) -> Record {
        Record {
            kind,
            id: id.into(),
            revision,
            content_hash: ovop_core::canonical_hash(&body),
            body,
            blobs,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const ID: &str = "0192f5c4-7d1a-7b31-9c55-3e1f0a2b4c6d";

    fn health(service: &str, protocol: u32) -> Vec<u8> {
        serde_json::to_vec(&json!({
            "service": service, "protocol": protocol, "server_id": "s-1", "name": "Dinas Perindustrian Tapin",
            "time": "2026-11-23T08:00:00Z",
            "limits": {"max_blob_bytes": 1000, "max_request_bytes": 5000, "max_batch_records": 3},
            "added_later": true
        }))
        .expect("json")
    }

    #[test]
    fn the_server_is_told_from_a_captive_portal_and_from_another_version() {
        let found = recognise_health(&health(SERVICE, 1)).expect("the server");
        assert_eq!(found.limits.max_batch_records, 3);
        let portal = b"<html><body>Silakan login ke WiFi Kantor</body></html>";
        assert_eq!(
            recognise_health(portal).unwrap_err().code,
            "sync.not_the_server"
        );
        assert_eq!(
            recognise_health(&health("nginx", 1)).unwrap_err().code,
            "sync.not_the_server"
        );
        assert_eq!(
            recognise_health(b"{}").unwrap_err().code,
            "sync.not_the_server"
        );
        assert_eq!(
            recognise_health(&health(SERVICE, 2)).unwrap_err().code,
            "sync.protocol_version"
        );
    }

    #[test]
    fn a_push_is_refused_by_code_when_it_is_not_json_has_wrong_types_unknown_fields_or_too_much() {
        let limits = Limits {
            max_request_bytes: 2000,
            max_batch_records: 2,
            ..Limits::default()
        };
        let record = Record::new(Kind::Producer, ID, 1, json!({"name": "KUB Purun"}), vec![]);
        let ok = serde_json::to_vec(&PushRequest {
            records: vec![record.clone()],
        })
        .expect("json");
        assert_eq!(
            PushRequest::parse(&ok, &limits)
                .expect("a push")
                .records
                .len(),
            1
        );
        let code = |body: &[u8]| PushRequest::parse(body, &limits).unwrap_err().code;
        assert_eq!(code(b"{\"records\": [ "), "push.malformed");
        assert_eq!(code(b"{\"records\": 7}"), "push.invalid");
        assert_eq!(code(b"{\"records\": [], \"extra\": 1}"), "push.invalid");
        let mut unknown = serde_json::to_value(&record).expect("value");
        unknown["sneaky"] = json!(1);
        assert_eq!(
            code(&serde_json::to_vec(&json!({"records": [unknown]})).expect("json")),
            "push.invalid"
        );
        let three = serde_json::to_vec(&PushRequest {
            records: vec![record.clone(), record.clone(), record],
        })
        .expect("json");
        assert_eq!(code(&three), "push.too_many");
        assert_eq!(code(&vec![b' '; 2001]), "push.too_large");
    }

    #[test]
    fn a_record_is_checked_for_its_id_revision_hash_and_blobs() {
        let limits = Limits::default();
        let blob = BlobRef {
            sha256: format!("sha256:{}", "a".repeat(64)),
            size: 2048,
        };
        let good = Record::new(
            Kind::Assessment,
            ID,
            2,
            json!({"answers": {"1.1": 3}}),
            vec![blob.clone()],
        );
        assert_eq!(good.check(&limits), Ok(()));
        let broken = |f: &dyn Fn(&mut Record)| {
            let mut record = good.clone();
            f(&mut record);
            record.check(&limits).unwrap_err().code
        };
        assert_eq!(
            broken(&|r| r.id = "'; DROP TABLE assessment; --".into()),
            "push.bad_id"
        );
        assert_eq!(broken(&|r| r.revision = 0), "push.bad_revision");
        assert_eq!(broken(&|r| r.kind = Kind::Product), "push.bad_revision");
        assert_eq!(broken(&|r| r.body = json!([1, 2])), "push.bad_body");
        assert_eq!(
            broken(&|r| r.content_hash = "md5:abc".into()),
            "push.bad_hash"
        );
        assert_eq!(
            broken(&|r| r.body = json!({"answers": {"1.1": 2}})),
            "push.hash_mismatch"
        );
        assert_eq!(
            broken(&|r| r.blobs[0].sha256 = "sha256:../../etc/passwd".into()),
            "push.bad_blob"
        );
        assert_eq!(
            broken(&|r| r.blobs[0].size = limits.max_blob_bytes + 1),
            "push.blob_too_large"
        );
        assert_eq!(
            broken(&|r| {
                let one = r.blobs[0].clone();
                r.blobs = vec![one; limits.max_blobs_per_record as usize + 1];
            }),
            "push.too_many_blobs"
        );
        // A server that does not announce the photo limit takes 200.
        let older: Limits = serde_json::from_value(
            json!({"max_blob_bytes": 1, "max_request_bytes": 2, "max_batch_records": 3}),
        )
        .expect("limits");
        assert_eq!(older.max_blobs_per_record, 200);
        // The hash does not depend on the order of the body's keys.
        let reordered: Value = serde_json::from_str(r#"{"b": 2, "a": 1}"#).expect("json");
        assert_eq!(
            Record::new(Kind::Producer, ID, 1, reordered, vec![]).content_hash,
            Record::new(Kind::Producer, ID, 1, json!({"a": 1, "b": 2}), vec![]).content_hash
        );
    }

    #[test]
    fn a_blob_chunk_names_a_hash_and_an_offset_and_nothing_else() {
        let hex = "ab".repeat(32);
        let chunk = BlobChunk::parse(&hex, Some("offset=1024")).expect("a chunk");
        assert_eq!(
            (chunk.sha256.as_str(), chunk.offset, chunk.hex()),
            (format!("sha256:{hex}").as_str(), 1024, hex.as_str())
        );
        assert_eq!(
            BlobChunk::parse(&format!("sha256:{hex}"), None)
                .expect("a chunk")
                .offset,
            0
        );
        let code =
            |name: &str, query: Option<&str>| BlobChunk::parse(name, query).unwrap_err().code;
        assert_eq!(code("../../ovop.sqlite", None), "blob.bad_name");
        assert_eq!(code(&format!("{}/..", &hex[..61]), None), "blob.bad_name");
        assert_eq!(code(&hex.to_uppercase(), None), "blob.bad_name");
        assert_eq!(code(&hex, Some("offset=-1")), "blob.bad_offset");
        assert_eq!(code(&hex, Some("offset=1&x=2")), "blob.bad_offset");
        assert_eq!(
            code(&hex, Some("offset=99999999999999999999")),
            "blob.bad_offset"
        );
        assert_eq!(code(&hex, Some("offset=")), "blob.bad_offset");
    }

    #[test]
    fn uuids_and_hashes_are_recognised_exactly() {
        assert!(is_uuid(ID) && !is_uuid(&ID.to_uppercase()));
        assert!(
            !is_uuid("0192f5c4-7d1a-7b31-9c55") && !is_uuid("zz92f5c4-7d1a-7b31-9c55-3e1f0a2b4c6d")
        );
        assert!(is_sha256(&format!("sha256:{}", "0f".repeat(32))));
        assert!(!is_sha256(&format!("sha256:{}", "0F".repeat(32))) && !is_sha256("sha256:"));
    }
}

#[cfg(test)]
mod health_tests {
    use super::*;

    /// A health answer's rounds are read where they are rounds of a programme; a malformed or
    /// unknown one is dropped, and never makes the server unrecognisable.
    #[test]
    fn the_office_rounds_are_read_leniently() {
        let body = serde_json::json!({
            "service": SERVICE, "protocol": PROTOCOL_VERSION, "server_id": "s", "name": "Tapin",
            "time": "2026-12-06T00:00:00Z",
            "limits": {"max_blob_bytes": 1, "max_request_bytes": 1, "max_batch_records": 1},
            "rounds": [
                {"programme": "ovop", "round": "2026-2", "level": "kabupaten", "set_at": "2026-07-01T00:00:00Z"},
                {"programme": "ocop", "round": "2026 · I"},
                {"programme": "ocop", "round": "2026-1", "level": "moon"},
                {"programme": "mars", "round": "2026-1"},
                "nonsense",
                {"programme": "ocop", "round": "2026-1"}
            ]
        });
        let health = recognise_health(body.to_string().as_bytes()).expect("a server");
        let read: Vec<(&str, Option<&str>)> = health
            .rounds
            .iter()
            .map(|r| (r.round.as_str(), r.level.as_deref()))
            .collect();
        assert_eq!(read, [("2026-2", Some("kabupaten")), ("2026-1", None)]);
        let mut odd = body.clone();
        odd["rounds"] = serde_json::json!({"not": "a list"});
        assert!(recognise_health(odd.to_string().as_bytes())
            .expect("still a server")
            .rounds
            .is_empty());
        let mut none = body;
        none.as_object_mut().expect("object").remove("rounds");
        assert!(recognise_health(none.to_string().as_bytes())
            .expect("an older server")
            .rounds
            .is_empty());
    }
}
