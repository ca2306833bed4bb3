//! The laptop's store as the sync engine's [`Local`] side: [`StoreSide`] over a store the caller
//! holds (the command line), [`LockedSide`] over the app's store, locked for each step only.

use std::collections::HashSet;
use std::path::PathBuf;

use ovop_protocol::{ChangesPage, Kind, Record};
use ovop_store::sync::{Pulled as PulledChange, Settled, WireRecord};
use ovop_store::Store;

use ovop_sync::engine::{kind_of, record, Local, Pulled, Settle};
use ovop_sync::{Pending, SyncError};

use crate::App;
use ovop_core::Code;

/// The store, the data folder (where pulled criteria sets are installed) and the clock.
pub struct StoreSide<'a> {
    pub store: &'a mut Store,
    pub data_dir: Option<PathBuf>,
    pub now: fn() -> String,
}

impl<'a> StoreSide<'a> {
    pub fn new(store: &'a mut Store, data_dir: Option<PathBuf>) -> StoreSide<'a> {
        StoreSide {
            store,
            data_dir,
            now: ovop_store::now_utc,
        }
    }
}

fn local(err: ovop_store::StoreError) -> SyncError {
    let mut error = SyncError::local(&err);
    error.field = Some(err.code().to_string());
    error
}

fn wire(w: WireRecord) -> Result<Record, SyncError> {
    let kind = kind_of(&w.kind)
        .ok_or_else(|| SyncError::local(format!("a record of kind {:?}", w.kind)))?;
    Ok(record(kind, &w.id, w.revision, w.body, w.blobs))
}

impl Local for StoreSide<'_> {
    fn pending(&mut self) -> Result<Vec<Pending>, SyncError> {
        self.store
            .outgoing()
            .map_err(local)?
            .into_iter()
            .map(|o| {
                Ok(Pending {
                    seq: o.seq,
                    record: wire(o.record)?,
                    needs: o.needs.into_iter().map(wire).collect::<Result<_, _>>()?,
                })
            })
            .collect()
    }

    fn on_server(&mut self) -> Result<HashSet<(Kind, String)>, SyncError> {
        Ok(self
            .store
            .on_server()
            .map_err(local)?
            .into_iter()
            .filter_map(|(kind, id)| kind_of(&kind).map(|k| (k, id)))
            .collect())
    }

    fn mark_sending(&mut self, seqs: &[i64]) -> Result<(), SyncError> {
        self.store.mark_sending(seqs).map_err(local)
    }

    fn mark_waiting(&mut self, seqs: &[i64]) -> Result<(), SyncError> {
        self.store.mark_waiting(seqs).map_err(local)
    }

    fn settle(
        &mut self,
        outcomes: &[(i64, Settle)],
        on_server: &[(Kind, String, String)],
    ) -> Result<(), SyncError> {
        let outcomes: Vec<(i64, Settled, Option<String>, Option<String>)> = outcomes
            .iter()
            .map(|(seq, settle)| match settle {
                Settle::Sent => (*seq, Settled::Sent, None, None),
                Settle::Rejected { code, reason } => (
                    *seq,
                    Settled::Rejected,
                    Some(code.clone()),
                    Some(reason.clone()),
                ),
                Settle::Conflict { code, reason } => (
                    *seq,
                    Settled::Conflict,
                    Some(code.clone()),
                    Some(reason.clone()),
                ),
            })
            .collect();
        let have: Vec<(String, String, String)> = on_server
            .iter()
            .map(|(k, id, hash)| (k.as_str().to_string(), id.clone(), hash.clone()))
            .collect();
        self.store
            .settle(&outcomes, &have, &(self.now)())
            .map_err(local)
    }

    fn want_uploads(&mut self, blobs: &[(String, u64)]) -> Result<(), SyncError> {
        let hex: Vec<(String, u64)> = blobs
            .iter()
            .map(|(sha, size)| {
                (
                    sha.strip_prefix("sha256:").unwrap_or(sha).to_string(),
                    *size,
                )
            })
            .collect();
        self.store.want_uploads(&hex).map_err(local)
    }

    fn uploads(&mut self) -> Result<Vec<(String, u64)>, SyncError> {
        Ok(self
            .store
            .uploads_waiting()
            .map_err(local)?
            .into_iter()
            .map(|(hex, size)| (format!("sha256:{hex}"), size))
            .collect())
    }

    fn blob_bytes(&mut self, sha256: &str) -> Result<Vec<u8>, SyncError> {
        self.store
            .photo_bytes(sha256.strip_prefix("sha256:").unwrap_or(sha256))
            .map_err(local)
    }

    fn criteria_set(&mut self, hash: &str) -> Result<Option<String>, SyncError> {
        match self.store.frozen_set(hash) {
            Ok(set) => serde_json::to_string(&set)
                .map(Some)
                .map_err(SyncError::local),
            Err(ovop_store::StoreError::NotFound { .. }) => Ok(None),
            Err(e) => Err(local(e)),
        }
    }

    fn upload_done(&mut self, sha256: &str) -> Result<(), SyncError> {
        self.store
            .upload_done(
                sha256.strip_prefix("sha256:").unwrap_or(sha256),
                &(self.now)(),
            )
            .map_err(local)
    }

    fn cursor(&mut self) -> Result<i64, SyncError> {
        self.store.sync_cursor().map_err(local)
    }

    fn apply(&mut self, page: &ChangesPage) -> Result<Pulled, SyncError> {
        let mut criteria_sets = 0;
        if let Some(dir) = &self.data_dir {
            for change in page.changes.iter().filter(|c| c.kind == "criteria_set") {
                // A set this laptop cannot take is skipped; the others go on.
                if let Ok(true) =
                    ovop_store::installed::install_pulled(dir, &change.body.to_string())
                {
                    criteria_sets += 1;
                }
            }
        }
        let changes: Vec<PulledChange> = page
            .changes
            .iter()
            .map(|c| PulledChange {
                cursor: c.cursor,
                kind: c.kind.clone(),
                id: c.id.clone(),
                body: c.body.clone(),
            })
            .collect();
        let me = self.data_dir.as_deref().and_then(super::token::officer);
        let applied = self
            .store
            .apply_pulled_for(&changes, page.next, &(self.now)(), me.as_deref())
            .map_err(local)?;
        Ok(Pulled {
            assessments: applied.assessments,
            thumbnails: 0,
            producers: applied.producers,
            products: applied.products,
            decisions: applied.decisions,
            awards: applied.awards,
            forwards: applied.forwards,
            criteria_sets,
            kept_local: applied.kept_local,
        })
    }

    fn thumbnails_wanted(&mut self, limit: usize) -> Result<Vec<String>, SyncError> {
        Ok(self
            .store
            .thumbnails_wanted(limit)
            .map_err(local)?
            .into_iter()
            .map(|(hex, _)| hex)
            .collect())
    }

    fn keep_thumbnail(&mut self, hex: &str, bytes: Option<&[u8]>) -> Result<(), SyncError> {
        self.store
            .keep_thumbnail(hex, bytes, &(self.now)())
            .map_err(local)
    }

    fn succeeded(&mut self) -> Result<(), SyncError> {
        let now = (self.now)();
        self.store.set_last_sync(&now).map_err(local)
    }

    /// Kept as the settings `office.rounds` (JSON), which the start of a sheet reads, and
    /// `office.certificate_keys` (JSON), which a certificate is verified with; each written only
    /// when it changed. Keys once announced are kept, so certificates signed before a key was
    /// replaced still verify.
    fn announce(&mut self, health: &ovop_protocol::Health) -> Result<(), SyncError> {
        let mut settings = self.store.settings().map_err(local)?;
        let rounds =
            serde_json::to_string(&health.rounds).map_err(|e| SyncError::local(e.to_string()))?;
        let mut keys: Vec<String> = settings
            .remove(CERTIFICATE_KEYS)
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default();
        let known = keys.len();
        for key in &health.certificate_keys {
            if !keys.contains(key) {
                keys.push(key.clone());
            }
        }
        let now = (self.now)();
        if settings.remove(OFFICE_ROUNDS).as_deref() != Some(rounds.as_str()) {
            self.store
                .set_setting(OFFICE_ROUNDS, Some(&rounds), &now)
                .map_err(local)?;
        }
        if keys.len() != known {
            let keys = serde_json::to_string(&keys).map_err(|e| SyncError::local(e.to_string()))?;
            self.store
                .set_setting(CERTIFICATE_KEYS, Some(&keys), &now)
                .map_err(local)?;
        }
        Ok(())
    }
}

/// The setting the office's announced rounds are kept under.
pub const OFFICE_ROUNDS: &str = "office.rounds";
/// The setting the office's certificate keys are kept under (a JSON list of `ed25519:...`).
pub const CERTIFICATE_KEYS: &str = "office.certificate_keys";

/// The app's store as the engine's local side, locked for each step only, so the officer's
/// autosaves never wait for a whole sync.
pub struct LockedSide {
    app: App,
    data_dir: Option<PathBuf>,
}

impl LockedSide {
    pub fn new(app: App) -> LockedSide {
        let data_dir = app.data_dir().ok();
        LockedSide { app, data_dir }
    }

    fn with<T>(
        &self,
        step: impl FnOnce(&mut StoreSide<'_>) -> Result<T, SyncError>,
    ) -> Result<T, SyncError> {
        self.app
            .with_store(|store| Ok(step(&mut StoreSide::new(store, self.data_dir.clone()))))
            .map_err(|e| SyncError::new(Code::SyncLocal.as_str(), e.message))?
    }
}

impl Local for LockedSide {
    fn pending(&mut self) -> Result<Vec<Pending>, SyncError> {
        // A long outbox is frozen a hundred records at a time, the store unlocked in between.
        while self.with(|s| s.store.freeze_waiting(100).map_err(local))? > 0 {}
        self.with(|s| s.pending())
    }
    fn on_server(&mut self) -> Result<HashSet<(Kind, String)>, SyncError> {
        self.with(|s| s.on_server())
    }
    fn mark_sending(&mut self, seqs: &[i64]) -> Result<(), SyncError> {
        self.with(|s| s.mark_sending(seqs))
    }
    fn mark_waiting(&mut self, seqs: &[i64]) -> Result<(), SyncError> {
        self.with(|s| s.mark_waiting(seqs))
    }
    fn settle(
        &mut self,
        outcomes: &[(i64, Settle)],
        on_server: &[(Kind, String, String)],
    ) -> Result<(), SyncError> {
        self.with(|s| s.settle(outcomes, on_server))
    }
    fn want_uploads(&mut self, blobs: &[(String, u64)]) -> Result<(), SyncError> {
        self.with(|s| s.want_uploads(blobs))
    }
    fn uploads(&mut self) -> Result<Vec<(String, u64)>, SyncError> {
        self.with(|s| s.uploads())
    }
    fn blob_bytes(&mut self, sha256: &str) -> Result<Vec<u8>, SyncError> {
        self.with(|s| s.blob_bytes(sha256))
    }
    fn criteria_set(&mut self, hash: &str) -> Result<Option<String>, SyncError> {
        self.with(|s| s.criteria_set(hash))
    }
    fn upload_done(&mut self, sha256: &str) -> Result<(), SyncError> {
        self.with(|s| s.upload_done(sha256))
    }
    fn cursor(&mut self) -> Result<i64, SyncError> {
        self.with(|s| s.cursor())
    }
    fn apply(&mut self, page: &ChangesPage) -> Result<Pulled, SyncError> {
        self.with(|s| s.apply(page))
    }
    fn succeeded(&mut self) -> Result<(), SyncError> {
        self.with(|s| s.succeeded())
    }
    fn thumbnails_wanted(&mut self, limit: usize) -> Result<Vec<String>, SyncError> {
        self.with(|s| s.thumbnails_wanted(limit))
    }
    fn keep_thumbnail(&mut self, hex: &str, bytes: Option<&[u8]>) -> Result<(), SyncError> {
        self.with(|s| s.keep_thumbnail(hex, bytes))
    }
    fn announce(&mut self, health: &ovop_protocol::Health) -> Result<(), SyncError> {
        self.with(|s| s.announce(health))
    }
}
