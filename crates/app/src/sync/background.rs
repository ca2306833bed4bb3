//! Sync in the background: a task on a thread of its own probes the server, backs off while it
//! does not answer (or something else answers, a Wi-Fi login page), syncs as soon as it does,
//! again every few minutes, and at once when woken ("Sync now", a finalised assessment). The
//! store is locked only inside each short step, so the app stays usable while a sync runs.
//! Status and progress go to a callback; the desktop shell turns them into window events.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use ovop_sync::{sync_once, Backoff, Client, Network, Progress};
use serde::Serialize;

use ovop_core::Code;

use super::side::LockedSide;
use super::token::{self, Enrolment};
use crate::{App, AppError};

/// How often an enrolled laptop syncs while the server answers.
const EVERY: Duration = Duration::from_secs(5 * 60);

/// Where sync stands, as the sync screen and the home screen show it.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
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
    #[cfg_attr(feature = "bindings", ts(type = "number | null"))]
    pub next_try_seconds: Option<u64>,
    pub progress: Option<SyncProgress>,
    /// What the last sync did.
    pub last_report: Option<SyncReport>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct SyncProgress {
    /// checking, pushing, uploading, pulling, done.
    pub phase: String,
    #[cfg_attr(feature = "bindings", ts(type = "number"))]
    pub records_done: u64,
    #[cfg_attr(feature = "bindings", ts(type = "number"))]
    pub records_total: u64,
    #[cfg_attr(feature = "bindings", ts(type = "number"))]
    pub bytes_done: u64,
    #[cfg_attr(feature = "bindings", ts(type = "number"))]
    pub bytes_total: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct SyncReport {
    pub sent: u32,
    pub rejected: u32,
    pub conflicts: u32,
    pub photos: u32,
    pub decisions: u32,
    /// Stars awarded by the office, with their certificates.
    pub awards: u32,
    pub products: u32,
    pub criteria_sets: u32,
    /// Assessment revisions of the region pulled from the office, and photo thumbnails.
    pub assessments: u32,
    pub thumbnails: u32,
}

/// Who hears of every change of status.
type Listener = Arc<dyn Fn(&SyncStatus) + Send + Sync>;

/// The background task's handle: its status and the bell that wakes it.
pub struct SyncTask {
    status: Arc<Mutex<SyncStatus>>,
    wake: Arc<tokio::sync::Notify>,
}

impl SyncTask {
    /// Starts the task on a thread of its own (with a runtime of its own); `listener` hears of
    /// every change of status.
    pub fn start(app: App, listener: impl Fn(&SyncStatus) + Send + Sync + 'static) -> SyncTask {
        let status = Arc::new(Mutex::new(SyncStatus {
            state: "waiting".into(),
            ..SyncStatus::default()
        }));
        let wake = Arc::new(tokio::sync::Notify::new());
        let task = SyncTask {
            status: Arc::clone(&status),
            wake: Arc::clone(&wake),
        };
        let reporter = Reporter {
            status,
            listener: Arc::new(listener),
        };
        std::thread::Builder::new()
            .name("sync".into())
            .spawn(move || {
                let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                else {
                    eprintln!("the sync task could not start");
                    return;
                };
                runtime.block_on(run(app, reporter, wake));
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

/// The status, and who hears of its changes.
struct Reporter {
    status: Arc<Mutex<SyncStatus>>,
    listener: Listener,
}

impl Reporter {
    fn update(&self, change: impl FnOnce(&mut SyncStatus)) {
        let now = match self.status.lock() {
            Ok(mut status) => {
                change(&mut status);
                status.clone()
            }
            Err(_) => return,
        };
        (self.listener)(&now);
    }
}

async fn run(app: App, reporter: Reporter, wake: Arc<tokio::sync::Notify>) {
    let mut backoff = Backoff::field();
    loop {
        let enrolment = app.data_dir().and_then(|dir| token::load(&dir));
        let last_success = last_sync(&app);
        let wait = match enrolment {
            Ok(None) => {
                reporter.update(|s| {
                    *s = SyncStatus {
                        state: "not_enrolled".into(),
                        last_success,
                        ..SyncStatus::default()
                    };
                });
                None
            }
            Err(error) => {
                reporter.update(|s| {
                    s.state = "failed".into();
                    s.error = Some(error);
                });
                None
            }
            Ok(Some(enrolment)) => once(&app, &reporter, &enrolment, &mut backoff).await,
        };
        match wait {
            Some(wait) => {
                let _ = tokio::time::timeout(wait, wake.notified()).await;
            }
            None => wake.notified().await,
        }
    }
}

fn last_sync(app: &App) -> Option<String> {
    app.with_store(|store| Ok(store.last_sync()?))
        .ok()
        .flatten()
}

/// One try; how long to wait before the next (`None`: until woken).
async fn once(
    app: &App,
    reporter: &Reporter,
    enrolment: &Enrolment,
    backoff: &mut Backoff,
) -> Option<Duration> {
    reporter.update(|s| {
        s.state = "syncing".into();
        s.server = Some(enrolment.server.clone());
        s.user = Some(enrolment.user.clone());
        s.next_try_seconds = None;
        s.progress = None;
    });
    let client = match Client::new(
        &enrolment.server,
        Some(enrolment.token.clone()),
        Network::default(),
    ) {
        Ok(client) => client,
        Err(error) => {
            reporter.update(|s| {
                s.state = "failed".into();
                s.error = Some(error.into());
            });
            return None;
        }
    };
    let mut side = LockedSide::new(app.clone());
    let mut progress = |p: Progress| {
        reporter.update(|s| {
            s.progress = Some(SyncProgress {
                phase: serde_json::to_value(p.phase)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
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
            if report.pulled.criteria_sets > 0 {
                // The sets the office published are offered at once, not after a restart.
                app.reload_catalog();
            }
            let last_success = last_sync(app);
            reporter.update(|s| {
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
                    awards: report.pulled.awards,
                    products: report.pulled.products,
                    criteria_sets: report.pulled.criteria_sets,
                    assessments: report.pulled.assessments,
                    thumbnails: report.pulled.thumbnails,
                });
            });
            Some(EVERY)
        }
        Err(error) if error.code == Code::SyncEnrolAgain.as_str() || error.status == Some(401) => {
            reporter.update(|s| {
                s.state = "enrol_again".into();
                s.error = Some(error.into());
            });
            None
        }
        Err(error) => {
            let wait = backoff.next(ovop_sync::backoff::clock_jitter());
            let offline = error.is_retryable();
            reporter.update(|s| {
                s.state = if offline { "offline" } else { "failed" }.into();
                s.error = Some(error.into());
                s.next_try_seconds = Some(wait.as_secs());
            });
            Some(wait)
        }
    }
}
