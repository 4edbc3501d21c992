//! Mail delivery: the transport (SMTP, or a folder when no SMTP server is configured) and the worker
//! that drains the outbox with retries and exponential backoff.
use std::{sync::Arc, time::Duration};

use chrono::Utc;
use lettre::{
    AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Mailbox, header::ContentType},
};
use sea_orm::DatabaseConnection;
use tokio::sync::{Notify, watch};

use crate::{config::Settings, storage};

/// Where mail goes. The folder backend keeps the embedded default usable offline: each mail is an
/// `.eml` file in `mail_dir`, and its subject and recipient are logged.
#[derive(Clone)]
pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Folder { transport: AsyncFileTransport<Tokio1Executor>, dir: std::path::PathBuf },
}

impl Transport {
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Transport> {
        match &settings.smtp_url {
            Some(url) => {
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| anyhow::anyhow!("SMTP_URL `{url}`: {e}"))?
                    .timeout(Some(Duration::from_secs(settings.outbox.smtp_timeout_seconds)))
                    .build();
                Ok(Transport::Smtp(transport))
            }
            None => {
                std::fs::create_dir_all(&settings.mail_dir).map_err(|e| {
                    anyhow::anyhow!("cannot create the mail folder {}: {e}", settings.mail_dir.display())
                })?;
                Ok(Transport::Folder {
                    transport: AsyncFileTransport::new(&settings.mail_dir),
                    dir: settings.mail_dir.clone(),
                })
            }
        }
    }

    fn sends_in_flight(&self) -> usize {
        match self {
            Transport::Smtp(_) => 1,
            Transport::Folder { .. } => FOLDER_WRITES_IN_FLIGHT,
        }
    }

    async fn send(&self, message: Message) -> Result<(), String> {
        match self {
            Transport::Smtp(smtp) => smtp.send(message).await.map(|_| ()).map_err(|e| e.to_string()),
            Transport::Folder { transport, dir } => {
                let id = transport.send(message).await.map_err(|e| e.to_string())?;
                tracing::info!(file = %dir.join(format!("{id}.eml")).display(), "mail written to folder (no SMTP_URL set)");
                Ok(())
            }
        }
    }
}

/// Mails of one batch written to the mail folder at the same time. SMTP gets one mail at a time over
/// its kept-alive pooled connection: a mail server may serve only a few connections per client, and an
/// idle pooled connection would hold one of them.
const FOLDER_WRITES_IN_FLIGHT: usize = 8;

/// Drains the outbox. Several workers (several server instances) may run against one database.
pub struct OutboxWorker {
    db: DatabaseConnection,
    transport: Transport,
    from: Mailbox,
    settings: crate::config::OutboxSettings,
    worker_id: String,
    wake: Arc<Notify>,
}

impl OutboxWorker {
    pub fn new(
        db: DatabaseConnection,
        transport: Transport,
        settings: &Settings,
        wake: Arc<Notify>,
    ) -> anyhow::Result<Self> {
        Ok(OutboxWorker {
            db,
            transport,
            from: settings.mail_from.parse()?,
            settings: settings.outbox.clone(),
            worker_id: format!("worker-{}", uuid::Uuid::new_v4()),
            wake,
        })
    }

    /// Runs until `shutdown` turns true. A mail being sent when shutdown comes is finished first.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        let poll = Duration::from_millis(self.settings.poll_interval_ms);
        loop {
            if *shutdown.borrow() {
                break;
            }
            match self.deliver_due().await {
                Ok(n) if n > 0 => continue,
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "outbox sweep failed; will retry"),
            }
            tokio::select! {
                _ = shutdown.changed() => {}
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(poll) => {}
            }
        }
        tracing::info!(worker = %self.worker_id, "mail worker stopped");
    }

    /// Claims and delivers one batch of due mail; returns how many were attempted.
    ///
    /// The batch is claimed in one statement, sent (over the SMTP transport's kept-alive connection, or a
    /// few files at a time to the folder), and its deliveries recorded in one statement; failures are
    /// recorded one by one.
    pub async fn deliver_due(&self) -> Result<usize, sea_orm::DbErr> {
        use futures::StreamExt;
        let lease = chrono::Duration::seconds(self.settings.lease_seconds as i64);
        let batch =
            storage::notify::claim_due(&self.db, &self.worker_id, Utc::now(), lease, self.settings.batch_size).await?;
        let attempted = batch.len();
        let outcomes: Vec<_> = futures::stream::iter(batch)
            .map(|mail| async move {
                let outcome = match self.message(&mail) {
                    Ok(message) => self.transport.send(message).await.map_err(|e| (e, true)),
                    // An address that does not parse will never work: give up at once.
                    Err(e) => Err((e, false)),
                };
                (mail, outcome)
            })
            .buffer_unordered(self.transport.sends_in_flight())
            .collect()
            .await;
        let mut sent = Vec::with_capacity(outcomes.len());
        let mut failed = Vec::new();
        for (mail, outcome) in outcomes {
            match outcome {
                Ok(()) => {
                    tracing::info!(mail_id = mail.id, kind = %mail.kind, "mail delivered");
                    sent.push(mail.id);
                }
                Err(error) => failed.push((mail, error)),
            }
        }
        // Deliveries first: they are what must not be repeated.
        storage::notify::mark_sent_many(&self.db, &sent, &self.worker_id, Utc::now()).await?;
        for (mail, (error, retryable)) in failed {
            let attempts = mail.attempts as u32 + 1;
            let retry_at =
                (retryable && attempts < self.settings.max_attempts).then(|| Utc::now() + self.backoff(attempts));
            tracing::warn!(mail_id = mail.id, attempts, %error, will_retry = retry_at.is_some(), "mail delivery failed");
            storage::notify::mark_failed(&self.db, mail.id, &self.worker_id, &error, retry_at).await?;
        }
        Ok(attempted)
    }

    /// `base · 2^(attempts-1)`, capped.
    fn backoff(&self, attempts: u32) -> chrono::Duration {
        let factor = 1u64 << attempts.saturating_sub(1).min(20);
        let ms = self.settings.retry_base_ms.saturating_mul(factor).min(self.settings.retry_max_seconds * 1000);
        chrono::Duration::milliseconds(ms as i64)
    }

    fn message(&self, mail: &entity::outbox_mails::Model) -> Result<Message, String> {
        let to: Mailbox = mail.recipient.parse().map_err(|e| format!("recipient `{}`: {e}", mail.recipient))?;
        // A stable Message-ID lets receiving servers drop a copy if a crash ever makes us send twice.
        let domain = self.from.email.domain().to_owned();
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .message_id(Some(format!("<outbox-{}@{domain}>", mail.id)))
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body_text.clone())
            .map_err(|e| e.to_string())
    }
}
