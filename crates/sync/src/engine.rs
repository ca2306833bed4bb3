//! One sync: health, push of the outbox in planned batches (a criteria set the server does not
//! know, `push.unknown_set`, is sent once from the laptop's frozen copy and the assessments made
//! on it pushed again), upload of the photos the server lacks (resuming from its offset), then
//! the pull of what changed. The laptop's side is the
//! [`Local`] trait (`ovop-app` implements it over the store), so the engine is tested
//! against a real server without the app.
//!
//! What keeps it exactly once: every record is frozen before its first send (same bytes on
//! every retry, so a lost answer is "accepted again", never a conflict); an outbox entry moves
//! to `sent` only after the server's answer naming it is read; a batch that got no answer goes
//! back to waiting and is sent again whole; the server's primary key does the rest.

use std::collections::{BTreeMap, HashMap, HashSet};

use ovop_protocol::{ChangesPage, Health, Kind, MissingBlob, Outcome, PushRequest, Record};
use serde::Serialize;

use crate::{after, plan, Client, Next, Pending, SyncError};
use ovop_protocol::Code;

/// How a pushed outbox entry ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Settle {
    Sent,
    Rejected { code: String, reason: String },
    Conflict { code: String, reason: String },
}

/// What changed pulled into the laptop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Pulled {
    pub producers: u32,
    pub products: u32,
    pub decisions: u32,
    /// Stars the office awarded (with their certificates), and products it forwarded.
    pub awards: u32,
    pub forwards: u32,
    pub criteria_sets: u32,
    /// Pulled records not applied because a local change is not yet sent.
    pub kept_local: u32,
    /// Assessment revisions of the regions made on other laptops, and thumbnails of their
    /// photos fetched.
    pub assessments: u32,
    pub thumbnails: u32,
}

/// The laptop's side of a sync. Every method is one short, transactional step.
pub trait Local {
    /// The outbox entries still to send, oldest first, each frozen, with what it needs.
    fn pending(&mut self) -> Result<Vec<Pending>, SyncError>;
    /// The producers and products the server has.
    fn on_server(&mut self) -> Result<HashSet<(Kind, String)>, SyncError>;
    fn mark_sending(&mut self, seqs: &[i64]) -> Result<(), SyncError>;
    fn mark_waiting(&mut self, seqs: &[i64]) -> Result<(), SyncError>;
    /// Settles entries and records producers and products `(kind, id, content hash)` the
    /// server now has, in one transaction.
    fn settle(
        &mut self,
        outcomes: &[(i64, Settle)],
        on_server: &[(Kind, String, String)],
    ) -> Result<(), SyncError>;
    /// Photos the server asked for (`sha256:<hex>`, size).
    fn want_uploads(&mut self, blobs: &[(String, u64)]) -> Result<(), SyncError>;
    fn uploads(&mut self) -> Result<Vec<(String, u64)>, SyncError>;
    /// The bytes of a photo, checked against its hash.
    fn blob_bytes(&mut self, sha256: &str) -> Result<Vec<u8>, SyncError>;
    /// The criteria set frozen under this content hash (`sha256:<hex>`), as JSON; `None` when
    /// the laptop does not have it.
    fn criteria_set(&mut self, hash: &str) -> Result<Option<String>, SyncError>;
    fn upload_done(&mut self, sha256: &str) -> Result<(), SyncError>;
    fn cursor(&mut self) -> Result<i64, SyncError>;
    /// Applies one page and moves the cursor to `page.next`.
    fn apply(&mut self, page: &ChangesPage) -> Result<Pulled, SyncError>;
    /// The sync ended well, now.
    fn succeeded(&mut self) -> Result<(), SyncError>;
    /// What the server announces at each sync: the rounds the office runs its programmes in
    /// now and the keys its certificates are signed with (none of either: it announced none,
    /// or is older than them).
    fn announce(&mut self, health: &ovop_protocol::Health) -> Result<(), SyncError> {
        let _ = health;
        Ok(())
    }
    /// Photos of pulled records whose thumbnail to fetch next (hex), within the officer's
    /// disk budget, at most `limit`.
    fn thumbnails_wanted(&mut self, limit: usize) -> Result<Vec<String>, SyncError> {
        let _ = limit;
        Ok(Vec::new())
    }
    /// Keeps a fetched thumbnail; `None`: the server has none, do not ask again.
    fn keep_thumbnail(&mut self, hex: &str, bytes: Option<&[u8]>) -> Result<(), SyncError> {
        let _ = (hex, bytes);
        Ok(())
    }
}

/// Where a sync is, for the progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Checking,
    Pushing,
    Uploading,
    Pulling,
    Done,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Progress {
    pub phase: Phase,
    pub records_done: u64,
    pub records_total: u64,
    pub bytes_done: u64,
    pub bytes_total: u64,
}

/// What one sync did.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Report {
    /// Assessments, coaching actions and visits the server took (now or before).
    pub sent: u32,
    /// Producers, products and edits of them the server took.
    pub references: u32,
    pub rejected: u32,
    pub conflicts: u32,
    pub blobs_uploaded: u32,
    /// Photo bytes put on the wire, and push bodies.
    pub blob_bytes_sent: u64,
    pub push_bytes_sent: u64,
    pub pulled: Pulled,
    /// Photos the server wants that this laptop cannot read (left waiting).
    pub blobs_unreadable: Vec<String>,
    /// Photos the server refused for good (unknown to it, too long...), with its code: no
    /// longer asked for, so they never hold up the others.
    pub blobs_refused: Vec<(String, String)>,
    /// Criteria sets the server did not know (`push.unknown_set`) and took from this laptop.
    pub sets_sent: u32,
}

/// The server's refusal of a record or a set: its code and its reason.
type Refusal = (String, String);

/// How many changes one pull page asks for.
const PAGE: u32 = 500;

/// One whole sync. A retryable failure (the network, the server's trouble, a portal) returns
/// its error after putting the batch in flight back to waiting: nothing is lost, and the next
/// sync sends it again.
pub async fn sync_once(
    client: &Client,
    local: &mut dyn Local,
    progress: &mut dyn FnMut(Progress),
) -> Result<Report, SyncError> {
    let mut report = Report::default();
    let mut at = Progress {
        phase: Phase::Checking,
        records_done: 0,
        records_total: 0,
        bytes_done: 0,
        bytes_total: 0,
    };
    progress(at);
    let health = client.health().await?;
    local.announce(&health)?;
    push_all(client, local, &health, &mut report, &mut at, progress).await?;
    upload_all(client, local, &mut report, &mut at, progress).await?;
    at.phase = Phase::Pulling;
    progress(at);
    let mut cursor = local.cursor()?;
    loop {
        let page = client.changes(cursor, PAGE).await?;
        let pulled = local.apply(&page)?;
        report.pulled.producers += pulled.producers;
        report.pulled.products += pulled.products;
        report.pulled.decisions += pulled.decisions;
        report.pulled.awards += pulled.awards;
        report.pulled.forwards += pulled.forwards;
        report.pulled.criteria_sets += pulled.criteria_sets;
        report.pulled.kept_local += pulled.kept_local;
        report.pulled.assessments += pulled.assessments;
        cursor = page.next;
        if !page.more || page.changes.is_empty() {
            break;
        }
    }
    report.pulled.thumbnails += fetch_thumbnails(client, local).await?;
    local.succeeded()?;
    at.phase = Phase::Done;
    progress(at);
    Ok(report)
}

/// How many thumbnails are asked for at once.
const THUMBNAILS_IN_FLIGHT: usize = 4;

/// Fetches the thumbnails of pulled photos while the budget allows, a few at a time; each is
/// kept as it arrives, so an interrupted sync resumes with the rest. A photo the server does
/// not hold yet (its upload is not complete) is left for a later sync.
async fn fetch_thumbnails(client: &Client, local: &mut dyn Local) -> Result<u32, SyncError> {
    let mut fetched = 0;
    let mut later: HashSet<String> = HashSet::new();
    let mut asked: HashSet<String> = HashSet::new();
    loop {
        let wanted: Vec<String> = local
            .thumbnails_wanted(200 + later.len())?
            .into_iter()
            .filter(|hex| !later.contains(hex))
            .collect();
        // Nothing left, or a side that does not keep what it is given: stop either way.
        if wanted.is_empty() || wanted.iter().all(|hex| asked.contains(hex)) {
            return Ok(fetched);
        }
        asked.extend(wanted.iter().cloned());
        let mut queue = wanted.into_iter();
        let mut running = tokio::task::JoinSet::new();
        loop {
            while running.len() < THUMBNAILS_IN_FLIGHT {
                let Some(hex) = queue.next() else { break };
                let client = client.clone();
                running.spawn(async move {
                    let answer = client.thumbnail(&hex).await;
                    (hex, answer)
                });
            }
            let Some(done) = running.join_next().await else {
                break;
            };
            let (hex, answer) =
                done.map_err(|e| SyncError::local(format!("a thumbnail's download: {e}")))?;
            match answer {
                Ok(bytes) => {
                    local.keep_thumbnail(&hex, bytes.as_deref())?;
                    fetched += u32::from(bytes.is_some());
                }
                Err(e) if e.status == Some(404) => {
                    later.insert(hex);
                }
                Err(e) => return Err(e),
            }
        }
    }
}

async fn push_all(
    client: &Client,
    local: &mut dyn Local,
    health: &Health,
    report: &mut Report,
    at: &mut Progress,
    progress: &mut dyn FnMut(Progress),
) -> Result<(), SyncError> {
    at.phase = Phase::Pushing;
    // A push refused whole because of one record (`records[i]` outside my regions) sets that
    // record aside and plans again; so does a criteria set the server did not know, once sent.
    // Each round settles at least one entry or sends a set not sent before, so this ends.
    let mut first_round = true;
    // The sets this run sent, or tried to: each at most once; a refusal is kept for the
    // records made on that set.
    let mut sets_tried: HashMap<String, Option<Refusal>> = HashMap::new();
    loop {
        let pending = local.pending()?;
        if first_round {
            at.records_total = pending.len() as u64;
            first_round = false;
        }
        progress(*at);
        if pending.is_empty() {
            return Ok(());
        }
        let on_server = local.on_server()?;
        let planned = plan(&pending, &on_server, &health.limits);
        if !planned.too_large.is_empty() {
            let outcomes: Vec<(i64, Settle)> = planned
                .too_large
                .iter()
                .map(|seq| {
                    (*seq, Settle::Rejected { code: Code::SyncTooLarge.as_str().into(), reason: "the record and its photos' list are larger than the server accepts in one push".into() })
                })
                .collect();
            report.rejected += outcomes.len() as u32;
            local.settle(&outcomes, &[])?;
        }
        let seq_of: HashMap<(Kind, &str, i64), i64> = pending
            .iter()
            .map(|p| {
                (
                    (p.record.kind, p.record.id.as_str(), p.record.revision),
                    p.seq,
                )
            })
            .collect();
        let needed_by: HashMap<(Kind, &str), Vec<i64>> =
            pending.iter().fold(HashMap::new(), |mut map, p| {
                for need in &p.needs {
                    map.entry((need.kind, need.id.as_str()))
                        .or_default()
                        .push(p.seq);
                }
                map
            });
        let mut replan = false;
        for batch in planned.batches {
            let seqs: Vec<i64> = batch
                .iter()
                .filter_map(|r| seq_of.get(&(r.kind, r.id.as_str(), r.revision)).copied())
                .collect();
            local.mark_sending(&seqs)?;
            let request = PushRequest { records: batch };
            let answer = client.push(&request).await;
            let (response, bytes) = match answer {
                Ok(ok) => ok,
                Err(error) => {
                    local.mark_waiting(&seqs)?;
                    if let Some(index) = whole_push_refused_for(&error, request.records.len()) {
                        // One record refused the whole push: set it (or what needs it) aside.
                        let record = &request.records[index];
                        let aside: Vec<i64> =
                            match seq_of.get(&(record.kind, record.id.as_str(), record.revision)) {
                                Some(seq) => vec![*seq],
                                None => needed_by
                                    .get(&(record.kind, record.id.as_str()))
                                    .cloned()
                                    .unwrap_or_default(),
                            };
                        let outcomes: Vec<(i64, Settle)> = aside
                            .into_iter()
                            .map(|seq| {
                                (
                                    seq,
                                    Settle::Rejected {
                                        code: error.code.clone(),
                                        reason: error.message.clone(),
                                    },
                                )
                            })
                            .collect();
                        report.rejected += outcomes.len() as u32;
                        local.settle(&outcomes, &[])?;
                        replan = true;
                        break;
                    }
                    return Err(error);
                }
            };
            report.push_bytes_sent += bytes;
            let mut outcomes = Vec::new();
            let mut have = Vec::new();
            // Assessments on a set the server does not know, by the set's hash: they wait for it.
            let mut unknown_sets: Vec<(String, i64, Refusal)> = Vec::new();
            for (record, result) in request.records.iter().zip(&response.results) {
                if result.kind != record.kind
                    || result.id != record.id
                    || result.revision != record.revision
                {
                    local.mark_waiting(&seqs)?;
                    return Err(SyncError::new(
                        Code::SyncBadAnswer.as_str(),
                        "the server's results do not match the records sent",
                    ));
                }
                let problem = || {
                    result.problem.clone().map_or_else(
                        || {
                            (
                                Code::PushRejected.as_str().to_string(),
                                "refused by the server".to_string(),
                            )
                        },
                        |p| (p.code, p.message),
                    )
                };
                match seq_of.get(&(record.kind, record.id.as_str(), record.revision)) {
                    Some(seq) => {
                        let settle = match result.outcome {
                            Outcome::Accepted | Outcome::AcceptedAgain => Settle::Sent,
                            Outcome::Conflict => {
                                let (code, reason) = problem();
                                Settle::Conflict { code, reason }
                            }
                            Outcome::Rejected => {
                                let (code, reason) = problem();
                                match unknown_set(record, &code) {
                                    Some(hash) => match sets_tried.get(&hash) {
                                        None => {
                                            unknown_sets.push((hash, *seq, (code, reason)));
                                            continue;
                                        }
                                        // The set's own refusal says why better than the push.
                                        Some(Some((code, reason))) => Settle::Rejected {
                                            code: code.clone(),
                                            reason: reason.clone(),
                                        },
                                        Some(None) => Settle::Rejected { code, reason },
                                    },
                                    None => Settle::Rejected { code, reason },
                                }
                            }
                        };
                        match settle {
                            Settle::Sent if record.kind.reference() => report.references += 1,
                            Settle::Sent => report.sent += 1,
                            Settle::Rejected { .. } => report.rejected += 1,
                            Settle::Conflict { .. } => report.conflicts += 1,
                        }
                        outcomes.push((*seq, settle));
                    }
                    // A producer or product: once the server has it (ours, or another copy under
                    // the same id), it need not travel again.
                    None => {
                        if result.outcome != Outcome::Rejected {
                            have.push((
                                record.kind,
                                record.id.clone(),
                                record.content_hash.clone(),
                            ));
                        }
                    }
                }
            }
            // The blobs first: if the laptop stops between the two writes, the records are
            // sent again (accepted again) and the server lists the blobs again.
            let wanted: Vec<(String, u64)> = response
                .missing_blobs
                .iter()
                .map(|MissingBlob { sha256, size, .. }| (sha256.clone(), *size))
                .collect();
            local.want_uploads(&wanted)?;
            local.settle(&outcomes, &have)?;
            at.records_done += outcomes.len() as u64;
            progress(*at);
            if !unknown_sets.is_empty() {
                send_sets(client, local, unknown_sets, &mut sets_tried, report, at).await?;
                // What waits for a set the server now has goes in the next round.
                replan = true;
            }
        }
        if !replan {
            return Ok(());
        }
    }
}

/// The content hash of the set an assessment refused with `push.unknown_set` is made on.
fn unknown_set(record: &Record, code: &str) -> Option<String> {
    if record.kind != Kind::Assessment || code != Code::PushUnknownSet.as_str() {
        return None;
    }
    record
        .body
        .pointer("/result/set/hash")
        .and_then(|v| v.as_str())
        .map(str::to_string)
}

/// Sends each criteria set the server did not know, once per run, from the laptop's frozen
/// copy; the assessments made on a set it took wait for the next round of the push, those on
/// a set it refused (or the laptop does not have) are refused with that reason. A failure of
/// the network or of the laptop's token stops the sync, the assessments waiting.
async fn send_sets(
    client: &Client,
    local: &mut dyn Local,
    waiting: Vec<(String, i64, Refusal)>,
    sets_tried: &mut HashMap<String, Option<Refusal>>,
    report: &mut Report,
    at: &mut Progress,
) -> Result<(), SyncError> {
    let all: Vec<i64> = waiting.iter().map(|(_, seq, _)| *seq).collect();
    let mut by_set: BTreeMap<String, Vec<(i64, Refusal)>> = BTreeMap::new();
    for (hash, seq, problem) in waiting {
        by_set.entry(hash).or_default().push((seq, problem));
    }
    for (hash, entries) in by_set {
        let seqs: Vec<i64> = entries.iter().map(|(seq, _)| *seq).collect();
        let body = if ovop_protocol::is_sha256(&hash) {
            local.criteria_set(&hash)?
        } else {
            None
        };
        let refusal = match body {
            None => None,
            Some(json) => match client.put_criteria_set(&hash, json.into_bytes()).await {
                Ok(_) => {
                    sets_tried.insert(hash, None);
                    report.sets_sent += 1;
                    local.mark_waiting(&seqs)?;
                    continue;
                }
                Err(error)
                    if !error.is_retryable()
                        && error.status.is_some_and(|s| {
                            (400..500).contains(&s) && !matches!(s, 401 | 403)
                        }) =>
                {
                    Some((error.code, error.message))
                }
                Err(error) => {
                    local.mark_waiting(&all)?;
                    return Err(error);
                }
            },
        };
        sets_tried.insert(hash, refusal.clone());
        let outcomes: Vec<(i64, Settle)> = entries
            .into_iter()
            .map(|(seq, pushed)| {
                let (code, reason) = refusal.clone().unwrap_or(pushed);
                (seq, Settle::Rejected { code, reason })
            })
            .collect();
        report.rejected += outcomes.len() as u32;
        at.records_done += outcomes.len() as u64;
        local.settle(&outcomes, &[])?;
    }
    Ok(())
}

/// `403 push.region_not_assigned` (or any 4xx naming `records[i]`) refuses a whole push because
/// of one record: its index.
fn whole_push_refused_for(error: &SyncError, records: usize) -> Option<usize> {
    let status = error.status?;
    if after(status, Some(&error.code)) != Next::SetAside {
        return None;
    }
    let field = error.field.as_deref()?;
    let index: usize = field
        .strip_prefix("records[")?
        .split(']')
        .next()?
        .parse()
        .ok()?;
    (index < records).then_some(index)
}

async fn upload_all(
    client: &Client,
    local: &mut dyn Local,
    report: &mut Report,
    at: &mut Progress,
    progress: &mut dyn FnMut(Progress),
) -> Result<(), SyncError> {
    let uploads = local.uploads()?;
    at.phase = Phase::Uploading;
    at.bytes_total = uploads.iter().map(|(_, size)| size).sum();
    progress(*at);
    for (sha256, size) in uploads {
        let hex = sha256
            .strip_prefix("sha256:")
            .unwrap_or(&sha256)
            .to_string();
        let bytes = match local.blob_bytes(&sha256) {
            Ok(bytes) if bytes.len() as u64 == size => bytes,
            _ => {
                // Left waiting: the rest go on, and the report names it.
                report.blobs_unreadable.push(sha256.clone());
                at.bytes_done += size;
                continue;
            }
        };
        match upload_one(client, &hex, &bytes, report).await {
            Ok(()) => {}
            // Not a refusal of the laptop itself (401, 403): those stop the sync instead. A
            // photo another officer declared (403 blob.not_yours) is this photo's refusal only.
            Err(error)
                if !error.is_retryable()
                    && (error.code == ovop_protocol::Code::BlobNotYours.as_str()
                        || error.status.is_some_and(|s| {
                            (400..500).contains(&s) && !matches!(s, 401 | 403)
                        })) =>
            {
                // The server will never take it: stop asking, and say so; the rest go on.
                report.blobs_refused.push((sha256.clone(), error.code));
                local.upload_done(&sha256)?;
                at.bytes_done += size;
                progress(*at);
                continue;
            }
            Err(error) => return Err(error),
        }
        local.upload_done(&sha256)?;
        report.blobs_uploaded += 1;
        at.bytes_done += size;
        progress(*at);
    }
    Ok(())
}

/// Uploads one photo from the offset the server has, until the server holds it verified.
async fn upload_one(
    client: &Client,
    hex: &str,
    bytes: &[u8],
    report: &mut Report,
) -> Result<(), SyncError> {
    let size = bytes.len() as u64;
    {
        let mut status = client.blob_status(hex).await?;
        let mut restarts = 0;
        while !status.complete {
            let offset = status.offset.min(size);
            let sent = size - offset;
            match client
                .put_blob(hex, offset, bytes[offset as usize..].to_vec())
                .await
            {
                Ok(now) => {
                    report.blob_bytes_sent += sent;
                    status = now;
                }
                Err(error) if error.code == Code::BlobHashMismatch.as_str() && restarts < 1 => {
                    // The server threw its copy away; one more whole try.
                    report.blob_bytes_sent += sent;
                    restarts += 1;
                    status = client.blob_status(hex).await?;
                }
                Err(error) if error.code == Code::BlobWrongOffset.as_str() && restarts < 3 => {
                    restarts += 1;
                    status = client.blob_status(hex).await?;
                }
                Err(error) => return Err(error),
            }
        }
    }
    Ok(())
}

/// A record of the protocol from a kind name the store uses.
pub fn kind_of(name: &str) -> Option<Kind> {
    Kind::ALL.into_iter().find(|k| k.as_str() == name)
}

/// A record for the wire.
pub fn record(
    kind: Kind,
    id: &str,
    revision: i64,
    body: serde_json::Value,
    blobs: Vec<(String, u64)>,
) -> Record {
    let blobs = blobs
        .into_iter()
        .map(|(sha, size)| ovop_protocol::BlobRef {
            sha256: if sha.starts_with("sha256:") {
                sha
            } else {
                format!("sha256:{sha}")
            },
            size,
        })
        .collect();
    Record::new(kind, id, revision, body, blobs)
}
