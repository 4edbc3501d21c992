//! Open data use cases: the public exports and the limit on how many stream at once.
use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::error::AppError;

/// How many downloads this instance streams at once. Each holds a slot until its body is sent or the client
/// goes away; one more is refused (429) instead of queued, so memory stays bounded whatever the demand.
#[derive(Clone)]
pub struct DownloadSlots(Arc<Semaphore>);

/// Seconds a refused download is told to wait: about what a large export takes.
const DOWNLOAD_RETRY_AFTER_SECONDS: u64 = 30;

impl DownloadSlots {
    pub fn new(slots: usize) -> Self {
        DownloadSlots(Arc::new(Semaphore::new(slots)))
    }

    pub fn take(&self) -> Result<OwnedSemaphorePermit, AppError> {
        self.0.clone().try_acquire_owned().map_err(|_| AppError::TooManyRequests {
            message: "the open-data downloads this server streams at once are all running; retry shortly".into(),
            retry_after_seconds: DOWNLOAD_RETRY_AFTER_SECONDS,
        })
    }
}
