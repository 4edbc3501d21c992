//! The outbox worker. Each sweep claims exactly `batch_size` due mails (a lease held by this worker),
//! hands them to the sending lanes — one per SMTP connection — and records each outcome as it comes:
//! accepted mails are marked sent within a few milliseconds (grouped into one UPDATE), while the lease
//! of the mails still in hand is renewed every third of its length. So no other worker or instance can
//! take a mail that is being, or has been, delivered. See `docs/mail.md` for the guarantees.
use std::{
    collections::{HashSet, VecDeque},
    sync::{
        Arc, Mutex,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use chrono::{DateTime, Utc};
use entity::outbox_mails::Model as QueuedMail;
use lettre::{
    Message,
    message::{
        Mailbox, MultiPart,
        header::{ContentType, HeaderName, HeaderValue},
    },
};
use prometheus_client::metrics::counter::Counter;
use sea_orm::{DatabaseConnection, DbErr};
use tokio::sync::{Notify, mpsc, watch};

use super::{Lane, Transport};
use crate::{
    config::{OutboxSettings, Settings},
    domain::notify::{AfterFailure, DeliveryFailure, RetryPolicy},
    storage,
};

/// Accepted mails are recorded in one UPDATE at most this long after the first of them was accepted.
const RECORD_EVERY: Duration = Duration::from_millis(10);
/// …or as soon as this many are waiting.
const RECORD_AT_MOST: usize = 128;

/// What the worker counts for `/metrics` (shared with the registry; a fresh set counts for nobody).
#[derive(Clone, Default)]
pub struct MailCounters {
    pub sent: Counter,
    /// Given up on: a 5xx answer, an unusable address, or too many deferrals.
    pub failed: Counter,
    /// Deferred for a later attempt (4xx or a broken connection).
    pub deferred: Counter,
}

/// Drains the outbox. Several workers (several server instances) may run against one database.
pub struct OutboxWorker {
    db: DatabaseConnection,
    transport: Transport,
    lanes: Vec<tokio::sync::Mutex<Lane>>,
    from: Mailbox,
    settings: OutboxSettings,
    policy: RetryPolicy,
    grace: Duration,
    worker_id: String,
    wake: Arc<Notify>,
    counters: MailCounters,
}

/// How one sweep went.
#[derive(Debug, Default)]
struct Sweep {
    claimed: usize,
    /// Every lane failed to reach the relay: mail was put back untouched.
    relay_down: Option<String>,
}

impl OutboxWorker {
    pub fn new(
        db: DatabaseConnection,
        transport: Transport,
        settings: &Settings,
        wake: Arc<Notify>,
    ) -> anyhow::Result<Self> {
        let outbox = settings.outbox.clone();
        Ok(OutboxWorker {
            db,
            lanes: transport.lanes().into_iter().map(tokio::sync::Mutex::new).collect(),
            transport,
            from: settings.mail_from.parse()?,
            policy: RetryPolicy {
                base_ms: outbox.retry_base_ms,
                max_ms: outbox.retry_max_seconds * 1000,
                max_attempts: outbox.max_attempts,
            },
            settings: outbox,
            grace: Duration::from_secs(settings.shutdown_grace_seconds),
            worker_id: format!("worker-{}", uuid::Uuid::new_v4()),
            wake,
            counters: MailCounters::default(),
        })
    }

    /// Counts into `counters` (the ones `/metrics` shows).
    pub fn with_counters(mut self, counters: MailCounters) -> Self {
        self.counters = counters;
        self
    }

    /// Runs until `shutdown` turns true; then the mails in flight get up to the grace period, and the
    /// rest of the batch goes back to the queue for another instance.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        let poll = Duration::from_millis(self.settings.poll_interval_ms);
        let mut relay = RelayProbe::new(&self.settings);
        while !*shutdown.borrow() {
            if let Some(wait) = relay.wait() {
                tokio::select! {
                    _ = shutdown.changed() => {}
                    _ = tokio::time::sleep(wait) => {}
                }
                if !*shutdown.borrow() {
                    let probe = self.lanes[0].lock().await.ready().await;
                    relay.probed(probe);
                }
                continue;
            }
            match self.sweep(&shutdown).await {
                Ok(Sweep { relay_down: Some(error), .. }) => relay.down(error),
                Ok(Sweep { claimed, .. }) if claimed > 0 => continue,
                Ok(_) => {
                    tokio::select! {
                        _ = shutdown.changed() => {}
                        _ = self.wake.notified() => {}
                        _ = tokio::time::sleep(poll) => {}
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "outbox sweep failed; will retry");
                    tokio::select! {
                        _ = shutdown.changed() => {}
                        _ = tokio::time::sleep(poll) => {}
                    }
                }
            }
        }
        tracing::info!(worker = %self.worker_id, "mail worker stopped");
    }

    /// Claims and delivers one batch of due mail; returns how many mails were claimed.
    pub async fn deliver_due(&self) -> Result<usize, DbErr> {
        let (_keep, never) = watch::channel(false);
        Ok(self.sweep(&never).await?.claimed)
    }

    async fn sweep(&self, shutdown: &watch::Receiver<bool>) -> Result<Sweep, DbErr> {
        let lease = chrono::Duration::seconds(self.settings.lease_seconds as i64);
        let now = Utc::now();
        let mails = storage::notify::claim_due(&self.db, &self.worker_id, now, lease, self.settings.batch_size).await?;
        if mails.is_empty() {
            return Ok(Sweep::default());
        }
        let batch = Batch::new(mails, now + lease, self.lanes.len());
        let (tx, rx) = mpsc::unbounded_channel();
        let lanes =
            futures::future::join_all(self.lanes.iter().map(|lane| self.run_lane(lane, &batch, tx.clone(), shutdown)));
        drop(tx);
        // Recording ends the batch once every mail has an outcome; the lanes and the lease renewal
        // run beside it and are dropped with it.
        let deliver = async {
            tokio::select! {
                recorded = self.record(rx, &batch) => recorded,
                _ = async { tokio::join!(lanes, self.renew_leases(&batch)) } => Ok(()),
            }
        };
        tokio::select! {
            recorded = deliver => recorded?,
            _ = grace_after(shutdown.clone(), self.grace) => {
                tracing::warn!(worker = %self.worker_id, "mails still in flight at the end of the grace period stay queued");
                self.put_back(batch.unrecorded(), None).await?;
            }
        }
        Ok(Sweep { claimed: batch.size, relay_down: batch.relay_down() })
    }

    /// One lane sends mail from the batch until it is empty, the relay fails, or shutdown.
    async fn run_lane(
        &self,
        lane: &tokio::sync::Mutex<Lane>,
        batch: &Batch,
        outcomes: mpsc::UnboundedSender<(QueuedMail, Outcome)>,
        shutdown: &watch::Receiver<bool>,
    ) {
        let mut lane = lane.lock().await;
        let margin = chrono::Duration::from_std(self.transport.send_timeout()).unwrap_or(chrono::Duration::MAX);
        while !*shutdown.borrow() && batch.has_queued() {
            if let Err(error) = lane.ready().await {
                tracing::warn!(%error, "SMTP connection failed");
                batch.note_relay_error(error);
                break;
            }
            let Some(mail) = batch.next() else { break };
            // Start a mail only while the lease outlasts the longest send: no one else may take it meanwhile.
            if !batch.holds(mail.id, Utc::now() + margin) {
                let _ = outcomes.send((mail, Outcome::LeaseLost));
                continue;
            }
            let outcome = match self.message(&mail) {
                Ok(message) => lane.send(&message).await,
                Err(e) => Err(DeliveryFailure::Rejected(e)),
            };
            let _ = outcomes.send((mail, Outcome::Attempted(outcome)));
        }
        if batch.lane_done() {
            // The last lane out puts back what nobody could send.
            let error = batch.relay_error();
            for mail in batch.drain() {
                let _ = outcomes.send((mail, Outcome::Unsent(error.clone())));
            }
        }
    }

    /// Records every outcome of the batch: accepted mails grouped into one UPDATE every few ms.
    async fn record(
        &self,
        mut outcomes: mpsc::UnboundedReceiver<(QueuedMail, Outcome)>,
        batch: &Batch,
    ) -> Result<(), DbErr> {
        let mut accepted = Vec::new();
        let mut unsent: Vec<(i32, Option<String>)> = Vec::new();
        let mut flush_at = None;
        let mut remaining = batch.size;
        while remaining > 0 {
            let due = async {
                match flush_at {
                    Some(at) => tokio::time::sleep_until(at).await,
                    None => std::future::pending().await,
                }
            };
            let received = tokio::select! {
                received = outcomes.recv() => received,
                _ = due => {
                    self.mark_sent(&mut accepted, batch).await?;
                    flush_at = None;
                    continue;
                }
            };
            // Every lane has stopped and the last one handed back what was left.
            let Some((mail, outcome)) = received else { break };
            remaining -= 1;
            match outcome {
                Outcome::Attempted(Ok(())) => {
                    tracing::debug!(mail_id = mail.id, kind = %mail.kind, "mail delivered");
                    accepted.push(mail.id);
                    flush_at.get_or_insert_with(|| tokio::time::Instant::now() + RECORD_EVERY);
                    if accepted.len() >= RECORD_AT_MOST {
                        self.mark_sent(&mut accepted, batch).await?;
                        flush_at = None;
                    }
                }
                Outcome::Attempted(Err(failure)) => self.record_failure(&mail, failure, batch).await?,
                Outcome::Unsent(error) => unsent.push((mail.id, error)),
                Outcome::LeaseLost => batch.recorded(&[mail.id]),
            }
        }
        self.mark_sent(&mut accepted, batch).await?;
        let error = unsent.iter().find_map(|(_, e)| e.clone());
        let ids: Vec<i32> = unsent.into_iter().map(|(id, _)| id).collect();
        self.put_back(ids.clone(), error).await?;
        batch.recorded(&ids);
        Ok(())
    }

    async fn mark_sent(&self, accepted: &mut Vec<i32>, batch: &Batch) -> Result<(), DbErr> {
        if accepted.is_empty() {
            return Ok(());
        }
        storage::notify::mark_sent_many(&self.db, accepted, Utc::now()).await?;
        self.counters.sent.inc_by(accepted.len() as u64);
        batch.recorded(accepted);
        accepted.clear();
        Ok(())
    }

    async fn record_failure(&self, mail: &QueuedMail, failure: DeliveryFailure, batch: &Batch) -> Result<(), DbErr> {
        let attempts = mail.attempts.max(0) as u32;
        match self.policy.after(attempts, failure) {
            AfterFailure::Requeue { error } => {
                // The connection broke before the mail started: the relay's fault, not the mail's.
                self.put_back(vec![mail.id], Some(error)).await?;
            }
            AfterFailure::Retry { delay_ms, error } => {
                tracing::warn!(mail_id = mail.id, attempts = attempts + 1, %error, "mail deferred; will retry");
                let at = Utc::now() + chrono::Duration::milliseconds(delay_ms as i64);
                storage::notify::mark_failed(&self.db, mail.id, &self.worker_id, &error, Some(at)).await?;
                self.counters.deferred.inc();
            }
            AfterFailure::GiveUp { error } => {
                tracing::warn!(mail_id = mail.id, attempts = attempts + 1, %error, "mail failed; left for an operator");
                storage::notify::mark_failed(&self.db, mail.id, &self.worker_id, &error, None).await?;
                self.counters.failed.inc();
            }
        }
        batch.recorded(&[mail.id]);
        Ok(())
    }

    async fn put_back(&self, ids: Vec<i32>, error: Option<String>) -> Result<(), DbErr> {
        storage::notify::release(&self.db, &ids, &self.worker_id, error.as_deref()).await
    }

    /// Extends the lease of the mails still in hand every third of its length, for as long as the batch
    /// lasts (this future never ends; the batch drops it).
    async fn renew_leases(&self, batch: &Batch) {
        let lease = chrono::Duration::seconds(self.settings.lease_seconds as i64);
        let every = Duration::from_millis(self.settings.lease_seconds * 1000 / 3);
        loop {
            tokio::time::sleep(every).await;
            let ids = batch.unrecorded();
            let until = Utc::now() + lease;
            match storage::notify::renew_lease(&self.db, &ids, &self.worker_id, until).await {
                Ok(kept) => batch.renewed(&ids, &kept, until),
                Err(e) => tracing::warn!(error = %e, "renewing the lease of mails in hand failed"),
            }
        }
    }

    fn message(&self, mail: &QueuedMail) -> Result<Message, String> {
        let to: Mailbox = mail.recipient.parse().map_err(|e| format!("recipient `{}`: {e}", mail.recipient))?;
        // A stable Message-ID lets receiving servers drop a copy if a crash ever makes us send twice.
        let domain = self.from.email.domain().to_owned();
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .message_id(Some(format!("<outbox-{}@{domain}>", mail.id)));
        if let Some(url) = &mail.list_unsubscribe {
            // RFC 8058: a mail client may unsubscribe with one POST to this URL, no page, no cookies.
            builder = builder
                .raw_header(HeaderValue::new(HeaderName::new_from_ascii_str("List-Unsubscribe"), format!("<{url}>")))
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                    "List-Unsubscribe=One-Click".to_owned(),
                ));
        }
        let built = match &mail.body_html {
            Some(html) => builder.multipart(MultiPart::alternative_plain_html(mail.body_text.clone(), html.clone())),
            // Queued before the HTML part existed.
            None => builder.header(ContentType::TEXT_PLAIN).body(mail.body_text.clone()),
        };
        built.map_err(|e| e.to_string())
    }
}

/// Resolves `grace` after `shutdown` turns true (never, if it does not).
async fn grace_after(mut shutdown: watch::Receiver<bool>, grace: Duration) {
    while !*shutdown.borrow() {
        if shutdown.changed().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
    tokio::time::sleep(grace).await;
}

enum Outcome {
    Attempted(Result<(), DeliveryFailure>),
    /// Not started: no lane could reach the relay (the error), or shutdown (none).
    Unsent(Option<String>),
    /// The lease ran out before the mail was started: another worker may own it now.
    LeaseLost,
}

/// A claimed batch while its lanes work on it.
struct Batch {
    size: usize,
    queue: Mutex<VecDeque<QueuedMail>>,
    /// Claimed and not yet recorded: the mails whose lease is renewed.
    unrecorded: Mutex<HashSet<i32>>,
    /// Mails whose lease a renewal found gone.
    lost: Mutex<HashSet<i32>>,
    lease_until: Mutex<DateTime<Utc>>,
    lanes_working: AtomicUsize,
    relay_error: Mutex<Option<String>>,
    drained_for_relay: Mutex<Option<String>>,
}

impl Batch {
    fn new(mails: Vec<QueuedMail>, lease_until: DateTime<Utc>, lanes: usize) -> Batch {
        Batch {
            size: mails.len(),
            unrecorded: Mutex::new(mails.iter().map(|m| m.id).collect()),
            queue: Mutex::new(mails.into()),
            lost: Mutex::default(),
            lease_until: Mutex::new(lease_until),
            lanes_working: AtomicUsize::new(lanes),
            relay_error: Mutex::default(),
            drained_for_relay: Mutex::default(),
        }
    }

    fn has_queued(&self) -> bool {
        !self.queue.lock().unwrap().is_empty()
    }

    fn next(&self) -> Option<QueuedMail> {
        self.queue.lock().unwrap().pop_front()
    }

    fn holds(&self, id: i32, until: DateTime<Utc>) -> bool {
        *self.lease_until.lock().unwrap() > until && !self.lost.lock().unwrap().contains(&id)
    }

    fn note_relay_error(&self, error: String) {
        *self.relay_error.lock().unwrap() = Some(error);
    }

    fn relay_error(&self) -> Option<String> {
        self.relay_error.lock().unwrap().clone()
    }

    /// A lane stopped; true for the last one.
    fn lane_done(&self) -> bool {
        self.lanes_working.fetch_sub(1, Ordering::AcqRel) == 1
    }

    /// What is still queued, taken by the last lane out.
    fn drain(&self) -> Vec<QueuedMail> {
        let left: Vec<_> = self.queue.lock().unwrap().drain(..).collect();
        if !left.is_empty()
            && let Some(error) = self.relay_error()
        {
            *self.drained_for_relay.lock().unwrap() = Some(error);
        }
        left
    }

    /// Mails were left because no lane could reach the relay.
    fn relay_down(&self) -> Option<String> {
        self.drained_for_relay.lock().unwrap().clone()
    }

    fn recorded(&self, ids: &[i32]) {
        let mut unrecorded = self.unrecorded.lock().unwrap();
        for id in ids {
            unrecorded.remove(id);
        }
    }

    fn unrecorded(&self) -> Vec<i32> {
        self.unrecorded.lock().unwrap().iter().copied().collect()
    }

    fn renewed(&self, asked: &[i32], kept: &[i32], until: DateTime<Utc>) {
        let kept: HashSet<i32> = kept.iter().copied().collect();
        self.lost.lock().unwrap().extend(asked.iter().filter(|id| !kept.contains(id)));
        *self.lease_until.lock().unwrap() = until;
    }
}

/// While the relay is down the worker claims nothing: it tries one connection after a delay that
/// doubles from `retry_base_ms` up to `relay_retry_max_seconds`, and sends at once when one works.
struct RelayProbe {
    base: Duration,
    max: Duration,
    delay: Option<Duration>,
}

impl RelayProbe {
    fn new(settings: &OutboxSettings) -> RelayProbe {
        RelayProbe {
            base: Duration::from_millis(settings.retry_base_ms),
            max: Duration::from_secs(settings.relay_retry_max_seconds),
            delay: None,
        }
    }

    fn wait(&self) -> Option<Duration> {
        self.delay
    }

    fn down(&mut self, error: String) {
        tracing::warn!(%error, "the SMTP relay is unavailable; queued mail waits for it");
        self.delay = Some(self.base.min(self.max));
    }

    fn probed(&mut self, result: Result<(), String>) {
        match result {
            Ok(()) => {
                tracing::info!("the SMTP relay is back; sending queued mail");
                self.delay = None;
            }
            Err(error) => {
                tracing::debug!(%error, "the SMTP relay is still unavailable");
                self.delay = self.delay.map(|d| (d * 2).min(self.max));
            }
        }
    }
}
