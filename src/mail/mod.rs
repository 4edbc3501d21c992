//! Mail delivery: the transport (SMTP over parallel kept-alive connections, or a folder when no SMTP
//! server is configured) and the worker that drains the outbox (`worker`). See `docs/mail.md`.
pub mod links;
mod smtp;
mod worker;

use std::{path::PathBuf, sync::Arc, time::Duration};

use lettre::{AsyncFileTransport, AsyncTransport, Message, Tokio1Executor};

pub use worker::{MailCounters, OutboxWorker};

use crate::{config::Settings, domain::notify::DeliveryFailure};

/// Where mail goes. The folder backend keeps the embedded default usable offline: each mail is an
/// `.eml` file in `mail_dir`, and its subject and recipient are logged.
#[derive(Clone)]
pub enum Transport {
    Smtp { endpoint: Arc<smtp::Endpoint>, connections: usize, idle: Duration, timeout: Duration },
    Folder { transport: AsyncFileTransport<Tokio1Executor>, dir: PathBuf },
}

/// Mails written to the mail folder at the same time.
const FOLDER_WRITES_IN_FLIGHT: usize = 8;

impl Transport {
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Transport> {
        let outbox = &settings.outbox;
        match &settings.smtp_url {
            Some(url) => {
                let timeout = Duration::from_secs(outbox.smtp_timeout_seconds);
                let endpoint = smtp::Endpoint::parse(url, settings.smtp_ca_file.as_deref(), timeout)
                    .map_err(|e| anyhow::anyhow!("SMTP_URL: {e}"))?;
                Ok(Transport::Smtp {
                    endpoint: Arc::new(endpoint),
                    connections: outbox.connections,
                    idle: Duration::from_secs(outbox.idle_seconds),
                    timeout,
                })
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

    /// One sending lane per SMTP connection (or folder writer).
    fn lanes(&self) -> Vec<Lane> {
        let count = match self {
            Transport::Smtp { connections, .. } => *connections,
            Transport::Folder { .. } => FOLDER_WRITES_IN_FLIGHT,
        };
        (0..count.max(1)).map(|_| Lane { transport: self.clone(), connection: Default::default() }).collect()
    }

    /// The longest one mail may take; a mail is only started while its lease outlasts this.
    fn send_timeout(&self) -> Duration {
        match self {
            Transport::Smtp { timeout, .. } => *timeout,
            Transport::Folder { .. } => Duration::from_secs(10),
        }
    }
}

/// One sender: an SMTP connection reused across mails, or a folder writer.
struct Lane {
    transport: Transport,
    connection: smtp::Connection,
}

impl Lane {
    /// Opens (or reopens) the connection if needed; an error means the relay is unavailable.
    async fn ready(&mut self) -> Result<(), String> {
        match &self.transport {
            Transport::Smtp { endpoint, idle, .. } => self.connection.ready(endpoint, *idle).await,
            Transport::Folder { .. } => Ok(()),
        }
    }

    async fn send(&mut self, message: &Message) -> Result<(), DeliveryFailure> {
        match &self.transport {
            Transport::Smtp { timeout, .. } => self.connection.send(message, *timeout).await,
            Transport::Folder { transport, dir } => {
                let id = transport.send(message.clone()).await.map_err(|e| DeliveryFailure::Deferred(e.to_string()))?;
                tracing::info!(file = %dir.join(format!("{id}.eml")).display(), "mail written to folder (no SMTP_URL set)");
                Ok(())
            }
        }
    }
}
