//! Sync in the background: a task on a thread of its own probes the server, backs off while it
//! does not answer (or something else answers, a Wi-Fi login page), syncs as soon as it does,
//! again every few minutes, and at once on "Sync now". The store is locked only inside each
//! short step, so the app stays usable while a sync runs. Status and progress reach the UI as
//! events (`sync://status`); the engine is `ovop-sync`'s.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ovop_store::sync::{OutboxRow, ReviewDecision};
use ovop_sync::engine::{Local, Pulled, Settle};
use ovop_sync::local_store::StoreSide;
use ovop_sync::token::{self, Enrolment};
use ovop_sync::{sync_once, Backoff, Client, Credentials, Network, Pending, Progress, SyncError};
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Emitter, Runtime, State};

use crate::error::AppError;
use crate::state::{lock_store, AppState, SharedStore};

/// How often an enrolled laptop syncs while the server answers.
const EVERY: Duration = Duration::from_secs(5 * 60);

/// The event the UI listens to.
pub const STATUS_EVENT: &str = "sync://status";

impl From<SyncError> for AppError {
    fn from(err: SyncError) -> Self {
        AppError::new(&err.code, err.message)
    }
}

/// Where sync stands, as the sync screen and the home screen show it.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SyncStatus {
    /// not_enrolled, waiting, syncing, offline, failed, enrol_again.
    pub state: String,
    pub server: Option<String>,
    pub user: Option<String>,
    /// When the last sync ended well (the server's answer was read to the end).
    pub last_success: Option<String>,
    /// Why the last try failed.
    pub error: Option<AppError>,
    /// Seconds until the next try, while waiting.
    #[cfg_attr(test, ts(type = "number | null"))]
    pub next_try_seconds: Option<u64>,
    pub progress: Option<SyncProgress>,
    /// What the last sync did.
    pub last_report: Option<SyncReport>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SyncProgress {
    /// checking, pushing, uploading, pulling, done.
    pub phase: String,
    #[cfg_attr(test, ts(type = "number"))]
    pub records_done: u64,
    #[cfg_attr(test, ts(type = "number"))]
    pub records_total: u64,
    #[cfg_attr(test, ts(type = "number"))]
    pub bytes_done: u64,
    #[cfg_attr(test, ts(type = "number"))]
    pub bytes_total: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SyncReport {
    pub sent: u32,
    pub rejected: u32,
    pub conflicts: u32,
    pub photos: u32,
    pub decisions: u32,
    pub products: u32,
    pub criteria_sets: u32,
}

/// How the officer proves who they are when enrolling.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(tag = "method", rename_all = "snake_case", deny_unknown_fields)]
pub enum EnrolWith {
    Password { user: String, password: String },
    Code { code: String },
    /// A picture of the enrolment QR code (it carries the server's address too).
    Qr { path: String },
}

/// The background task's handle: its status and the bell that wakes it.
pub struct SyncTask {
    status: Arc<Mutex<SyncStatus>>,
    wake: Arc<tokio::sync::Notify>,
}

impl SyncTask {
    /// Starts the task on a thread of its own.
    pub fn start<R: Runtime>(app: AppHandle<R>, shared: SharedStore) -> SyncTask {
        let status = Arc::new(Mutex::new(SyncStatus { state: "waiting".into(), ..SyncStatus::default() }));
        let wake = Arc::new(tokio::sync::Notify::new());
        let task = SyncTask { status: Arc::clone(&status), wake: Arc::clone(&wake) };
        std::thread::Builder::new()
            .name("sync".into())
            .spawn(move || {
                let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
                    eprintln!("the sync task could not start");
                    return;
                };
                runtime.block_on(run(app, shared, status, wake));
            })
            .map_err(|e| eprintln!("the sync task could not start: {e}"))
            .ok();
        task
    }

    pub fn status(&self) -> SyncStatus {
        self.status.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// Sync now (or as soon as the one running ends).
    pub fn wake(&self) {
        self.wake.notify_one();
    }
}

/// The data folder: where the database is.
fn data_dir(shared: &SharedStore) -> Result<PathBuf, AppError> {
    let (store, ready) = shared;
    let guard = lock_store(store, ready)?;
    Ok(guard.path().parent().map(PathBuf::from).unwrap_or_default())
}

fn update<R: Runtime>(app: &AppHandle<R>, status: &Mutex<SyncStatus>, change: impl FnOnce(&mut SyncStatus)) {
    let now = match status.lock() {
        Ok(mut status) => {
            change(&mut status);
            status.clone()
        }
        Err(_) => return,
    };
    let _ = app.emit(STATUS_EVENT, now);
}

async fn run<R: Runtime>(app: AppHandle<R>, shared: SharedStore, status: Arc<Mutex<SyncStatus>>, wake: Arc<tokio::sync::Notify>) {
    let mut backoff = Backoff::field();
    loop {
        let enrolment = data_dir(&shared).and_then(|dir| token::load(&dir).map_err(AppError::from));
        let last_success = {
            let (store, ready) = &shared;
            lock_store(store, ready).ok().and_then(|s| s.last_sync().ok().flatten())
        };
        let wait = match enrolment {
            Ok(None) => {
                update(&app, &status, |s| {
                    *s = SyncStatus { state: "not_enrolled".into(), last_success, ..SyncStatus::default() };
                });
                None
            }
            Err(error) => {
                update(&app, &status, |s| {
                    s.state = "failed".into();
                    s.error = Some(error);
                });
                None
            }
            Ok(Some(enrolment)) => once(&app, &shared, &status, &enrolment, &mut backoff).await,
        };
        match wait {
            Some(wait) => {
                let _ = tokio::time::timeout(wait, wake.notified()).await;
            }
            None => wake.notified().await,
        }
    }
}

/// One try; how long to wait before the next (`None`: until woken).
async fn once<R: Runtime>(
    app: &AppHandle<R>,
    shared: &SharedStore,
    status: &Mutex<SyncStatus>,
    enrolment: &Enrolment,
    backoff: &mut Backoff,
) -> Option<Duration> {
    update(app, status, |s| {
        s.state = "syncing".into();
        s.server = Some(enrolment.server.clone());
        s.user = Some(enrolment.user.clone());
        s.next_try_seconds = None;
        s.progress = None;
    });
    let client = match Client::new(&enrolment.server, Some(enrolment.token.clone()), Network::default()) {
        Ok(client) => client,
        Err(error) => {
            update(app, status, |s| {
                s.state = "failed".into();
                s.error = Some(error.into());
            });
            return None;
        }
    };
    let dir = data_dir(shared).ok();
    let mut side = ShellSide { shared: shared.clone(), data_dir: dir };
    let mut progress = |p: Progress| {
        update(app, status, |s| {
            s.progress = Some(SyncProgress {
                phase: serde_json::to_value(p.phase).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default(),
                records_done: p.records_done,
                records_total: p.records_total,
                bytes_done: p.bytes_done,
                bytes_total: p.bytes_total,
            });
        });
    };
    match sync_once(&client, &mut side, &mut progress).await {
        Ok(report) => {
            backoff.reset();
            let last_success = {
                let (store, ready) = shared;
                lock_store(store, ready).ok().and_then(|s| s.last_sync().ok().flatten())
            };
            update(app, status, |s| {
                s.state = "waiting".into();
                s.error = None;
                s.last_success = last_success;
                s.next_try_seconds = Some(EVERY.as_secs());
                s.last_report = Some(SyncReport {
                    sent: report.sent,
                    rejected: report.rejected,
                    conflicts: report.conflicts,
                    photos: report.blobs_uploaded,
                    decisions: report.pulled.decisions,
                    products: report.pulled.products,
                    criteria_sets: report.pulled.criteria_sets,
                });
            });
            Some(EVERY)
        }
        Err(error) if error.code == "sync.enrol_again" || error.status == Some(401) => {
            update(app, status, |s| {
                s.state = "enrol_again".into();
                s.error = Some(error.into());
            });
            None
        }
        Err(error) => {
            let wait = backoff.next(ovop_sync::backoff::clock_jitter());
            let offline = error.is_retryable();
            update(app, status, |s| {
                s.state = if offline { "offline" } else { "failed" }.into();
                s.error = Some(error.into());
                s.next_try_seconds = Some(wait.as_secs());
            });
            Some(wait)
        }
    }
}

/// The store as the engine's local side, locked for each step only.
struct ShellSide {
    shared: SharedStore,
    data_dir: Option<PathBuf>,
}

impl ShellSide {
    fn with<T>(&self, step: impl FnOnce(&mut StoreSide<'_>) -> Result<T, SyncError>) -> Result<T, SyncError> {
        let (store, ready) = &self.shared;
        let mut guard = lock_store(store, ready).map_err(|e| SyncError::new("sync.local", e.message))?;
        let mut side = StoreSide::new(&mut guard, self.data_dir.clone());
        step(&mut side)
    }
}

impl Local for ShellSide {
    fn pending(&mut self) -> Result<Vec<Pending>, SyncError> {
        // A long outbox is frozen a hundred records at a time, the store unlocked in between,
        // so the officer's autosaves never wait for all of it.
        while self.with(|s| s.store.freeze_waiting(100).map_err(|e| SyncError::local(e)))? > 0 {}
        self.with(|s| s.pending())
    }
    fn on_server(&mut self) -> Result<std::collections::HashSet<(ovop_protocol::Kind, String)>, SyncError> {
        self.with(|s| s.on_server())
    }
    fn mark_sending(&mut self, seqs: &[i64]) -> Result<(), SyncError> {
        self.with(|s| s.mark_sending(seqs))
    }
    fn mark_waiting(&mut self, seqs: &[i64]) -> Result<(), SyncError> {
        self.with(|s| s.mark_waiting(seqs))
    }
    fn settle(&mut self, outcomes: &[(i64, Settle)], on_server: &[(ovop_protocol::Kind, String, String)]) -> Result<(), SyncError> {
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
    fn upload_done(&mut self, sha256: &str) -> Result<(), SyncError> {
        self.with(|s| s.upload_done(sha256))
    }
    fn cursor(&mut self) -> Result<i64, SyncError> {
        self.with(|s| s.cursor())
    }
    fn apply(&mut self, page: &ovop_protocol::ChangesPage) -> Result<Pulled, SyncError> {
        self.with(|s| s.apply(page))
    }
    fn succeeded(&mut self) -> Result<(), SyncError> {
        self.with(|s| s.succeeded())
    }
}

#[tauri::command]
pub fn sync_status(sync: State<'_, SyncTask>) -> SyncStatus {
    sync.status()
}

#[tauri::command]
pub fn sync_now(sync: State<'_, SyncTask>) {
    sync.wake();
}

/// Enrols this laptop with the server at `server` (optional with a QR picture), keeps the
/// token beside the data, and syncs at once.
#[tauri::command]
pub async fn sync_enrol(
    state: State<'_, AppState>,
    sync: State<'_, SyncTask>,
    server: Option<String>,
    with: EnrolWith,
    device_name: String,
) -> Result<SyncStatus, AppError> {
    let (credentials, address) = match with {
        EnrolWith::Password { user, password } => (Credentials::Password { user, password }, server),
        EnrolWith::Code { code } => (Credentials::Code(code), server),
        EnrolWith::Qr { path } => {
            let (code, from_qr) = ovop_sync::qr::read_enrolment_qr(std::path::Path::new(&path))?;
            (Credentials::Code(code), server.filter(|s| !s.trim().is_empty()).or(Some(from_qr)))
        }
    };
    let address = address
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| AppError::new("enrol.no_server", "the server's address is needed"))?;
    let client = Client::new(&address, None, Network::default())?;
    client.health().await?;
    let name = if device_name.trim().is_empty() { "OVOP Field".to_string() } else { device_name.trim().to_string() };
    let enrolled = client.enrol(&credentials, &name).await?;
    let shared = state.shared_store();
    let dir = tauri::async_runtime::spawn_blocking(move || data_dir(&shared))
        .await
        .map_err(|_| AppError::new("store.unavailable", "the store is not available"))??;
    let enrolment = Enrolment {
        server: client.base().to_string(),
        token: enrolled.token,
        device_id: enrolled.device_id,
        server_id: enrolled.server_id,
        user: enrolled.user.get("name").and_then(|v| v.as_str()).unwrap_or_default().to_string(),
        enrolled_at: ovop_store::now_utc(),
        token_in_keyring: false,
    };
    token::save(&dir, &enrolment)?;
    sync.wake();
    let mut status = sync.status();
    status.server = Some(enrolment.server);
    status.user = Some(enrolment.user);
    Ok(status)
}

/// Forgets the enrolment (the outbox stays).
#[tauri::command]
pub async fn sync_forget(state: State<'_, AppState>, sync: State<'_, SyncTask>) -> Result<(), AppError> {
    let shared = state.shared_store();
    let dir = tauri::async_runtime::spawn_blocking(move || data_dir(&shared))
        .await
        .map_err(|_| AppError::new("store.unavailable", "the store is not available"))??;
    token::forget(&dir)?;
    sync.wake();
    Ok(())
}

/// Every record of the outbox with its state and the server's reason, newest first.
#[tauri::command]
pub async fn sync_outbox(state: State<'_, AppState>) -> Result<Vec<OutboxRow>, AppError> {
    state
        .with_store(|store| {
            let mut rows = store.outbox_rows()?;
            rows.reverse();
            Ok(rows)
        })
        .await
}

/// The supervisors' decisions on an assessment.
#[tauri::command]
pub async fn assessment_decisions(state: State<'_, AppState>, id: String) -> Result<Vec<ReviewDecision>, AppError> {
    state.with_store(move |store| Ok(store.decisions(&id)?)).await
}
