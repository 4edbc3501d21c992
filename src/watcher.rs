//! The deadline watcher: a background job that, every `watcher.interval_seconds`, marks appeals whose
//! deadline passed as overdue (escalating to the organisation's head and the administrators) and reminds
//! executors of deadlines coming up (`watcher.reminder_working_days`).
//!
//! Several instances may run it against one database: each change is a versioned transition, so only
//! one instance wins it, and reminder and escalation mails carry dedupe keys in the outbox.
use std::{sync::Arc, time::Duration};

use chrono::Utc;
use sea_orm::DatabaseConnection;
use tokio::sync::{Notify, watch};

use crate::{
    config::Settings,
    error::AppError,
    storage::{
        self,
        appeals::{Context, SweepReport},
        calendar::Recount,
    },
};

pub struct DeadlineWatcher {
    db: DatabaseConnection,
    settings: Arc<Settings>,
    mail_wake: Arc<Notify>,
}

impl DeadlineWatcher {
    pub fn new(db: DatabaseConnection, settings: Arc<Settings>, mail_wake: Arc<Notify>) -> DeadlineWatcher {
        DeadlineWatcher { db, settings, mail_wake }
    }

    /// One whole sweep at the current time.
    pub async fn sweep(&self) -> Result<SweepReport, AppError> {
        let (_never, stop) = watch::channel(false);
        self.sweep_until(&stop).await
    }

    /// One sweep at the current time that returns soon after `stop` turns true (within one batch of
    /// transitions), leaving what it did not reach to the next sweep.
    pub async fn sweep_until(&self, stop: &watch::Receiver<bool>) -> Result<SweepReport, AppError> {
        let calendar = storage::calendar::calendar(&self.db, self.settings.calendar.martial_law_ended_on).await?;
        let ctx = Context { public_url: &self.settings.public_url, calendar: &calendar };
        let now = Utc::now();
        let reminder_days = &self.settings.watcher.reminder_working_days;
        let mut report = storage::appeals::sweep(&self.db, &ctx, reminder_days, now, stop).await?;
        if report.interrupted || *stop.borrow() {
            report.interrupted = true;
            if report.marked_overdue + report.reminded > 0 {
                self.mail_wake.notify_one();
            }
            return Ok(report);
        }
        report.petitions_closed = self.close_ended_petitions(&calendar, now).await?;
        // Keep the public audit chain current even when nobody reads it.
        storage::audit::link_new_events(&self.db, now).await?;
        storage::idempotency::sweep(&self.db, now).await?;
        // Photos kept for report drafts never filed go when their retention ends (filed ones stay).
        storage::appeals::forget_expired_pending_photos(&self.db, &self.settings.photos.dir, now).await?;
        if report != SweepReport::default() {
            tracing::info!(
                overdue = report.marked_overdue,
                reminded = report.reminded,
                petitions_closed = report.petitions_closed,
                "deadline sweep"
            );
            self.mail_wake.notify_one();
        }
        Ok(report)
    }

    /// When `calendar.martial_law_ended_on` changed since the last start (and no administrator decided),
    /// records the new value and counts the open deadlines again. Returns how many changed.
    pub async fn adopt_configured_martial_law_end(&self) -> Result<u32, AppError> {
        let configured = self.settings.calendar.martial_law_ended_on;
        let now = Utc::now();
        if !storage::calendar::adopt_configured_martial_law_end(&self.db, configured, now).await? {
            return Ok(0);
        }
        let calendar = storage::calendar::calendar(&self.db, configured).await?;
        let reason = match configured {
            Some(end) => format!("martial law ended on {end} (configuration)"),
            None => "martial law continues (configuration)".to_owned(),
        };
        let recount = Recount { calendar: &calendar, public_url: &self.settings.public_url, reason: &reason, now };
        let changed = storage::calendar::recalculate_open_items(&self.db, &recount).await?;
        tracing::info!(recalculated = changed, ended_on = ?configured, "martial law end adopted from the configuration");
        Ok(changed)
    }

    /// Closes the petitions whose collection period ended short of the threshold.
    async fn close_ended_petitions(
        &self,
        calendar: &crate::domain::calendar::Calendar,
        now: chrono::DateTime<Utc>,
    ) -> Result<u32, AppError> {
        let mut closed = 0;
        for id in storage::petitions::collection_ended(&self.db, now).await? {
            let system = crate::domain::petitions::Actor { system: true, ..Default::default() };
            let command = crate::domain::petitions::Command::Close;
            match storage::petitions::transition(
                &self.db,
                calendar,
                &self.settings.public_url,
                id,
                system,
                command,
                now,
            )
            .await
            {
                Ok(_) => closed += 1,
                // Another instance (or the last signature reaching the threshold) got there first.
                Err(AppError::Conflict(_)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(closed)
    }

    /// Sweeps until `shutdown` turns true; a failed sweep is logged and retried at the next tick. A sweep
    /// under way when `shutdown` turns true stops after its current batch.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        if let Err(e) = self.adopt_configured_martial_law_end().await {
            tracing::error!(error = %e, "adopting calendar.martial_law_ended_on failed; it applies to new deadlines only");
        }
        if !self.settings.watcher.enabled {
            return;
        }
        let mut tick = tokio::time::interval(Duration::from_secs(self.settings.watcher.interval_seconds));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = tick.tick() => {
                    if let Err(e) = self.sweep_until(&shutdown).await {
                        tracing::error!(error = %e, "deadline sweep failed");
                    }
                }
                _ = shutdown.changed() => break,
            }
            if *shutdown.borrow() {
                break;
            }
        }
    }
}
