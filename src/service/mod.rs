//! The use cases, shared by the JSON API (`api/`) and the web pages (`web/`).
//!
//! One module per area, with the same names as `domain/` and `storage/`. A use case takes the state, an
//! [`Actor`] and plain inputs, and returns plain results or the one [`AppError`]; it authorizes through
//! `domain::authorization`, applies the domain's rules and saves through `storage`. Handlers only parse,
//! call one use case and render, so a rule is never decided twice and no sea-orm model reaches them.
pub mod accounts;
pub mod api_keys;
pub mod appeals;
pub mod audit;
pub mod calendar;
pub mod directory;
pub mod forms;
pub mod mail;
pub mod metrics;
pub mod once;
pub mod open_data;
pub mod petitions;
pub mod rate_limit;
pub mod report_map;
pub mod reports;
pub mod secrets;
pub mod widgets;

use std::sync::Arc;

use sea_orm::DatabaseConnection;
use tokio::sync::Notify;

use crate::{config::Settings, domain::authorization::Principal, storage};

/// Who is asking. Use cases hand the principal to `domain::authorization`, which alone decides.
#[derive(Debug, Clone)]
pub enum Actor {
    /// Nobody signed in: a visitor, a watchdog, an anonymous signer.
    Anonymous,
    /// A signed-in account with its role and organisation memberships.
    Person(Principal),
}

impl Actor {
    pub fn principal(&self) -> Option<&Principal> {
        match self {
            Actor::Anonymous => None,
            Actor::Person(principal) => Some(principal),
        }
    }
}

impl Actor {
    /// The account id of an administrator; 401 for nobody, 403 for anyone else (`domain::authorization`).
    pub fn administrator(&self) -> Result<i32, crate::error::AppError> {
        let principal = self
            .principal()
            .ok_or_else(|| crate::error::AppError::Unauthorized("log in as an administrator".into()))?;
        crate::domain::authorization::authorize(principal, crate::domain::authorization::Action::Administer)?;
        Ok(principal.account_id)
    }
}

impl From<Option<Principal>> for Actor {
    fn from(principal: Option<Principal>) -> Self {
        principal.map_or(Actor::Anonymous, Actor::Person)
    }
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub settings: Arc<Settings>,
    /// Poked after a transaction that queued mail commits, so the worker delivers at once.
    pub mail_wake: Arc<Notify>,
    pub limits: Arc<rate_limit::RateLimits>,
    /// Sessions looked up in the last moment (see [`SessionCache`]).
    pub sessions: Arc<SessionCache>,
    /// Prometheus metrics served at `/metrics`.
    pub metrics: Arc<crate::telemetry::prometheus::Metrics>,
    /// Batches every signature operation of this instance (see `storage::petitions`).
    pub signatures: storage::petitions::SignatureWriter,
    /// Batches the appeals filed through this instance's API (see `storage::appeals::AppealWriter`).
    pub appeals: storage::appeals::AppealWriter,
    /// Open-data downloads streaming now (see [`open_data::DownloadSlots`]).
    pub downloads: open_data::DownloadSlots,
    /// The batch writers' test seam (see [`storage::LostCommitAnswers`]); never armed in service.
    pub lost_commit_answers: storage::LostCommitAnswers,
}

/// Sessions looked up in the last [`SessionCache::TTL`], so a burst of requests with one token (a
/// citizen filing or signing, an officer working through a queue) does not read the same session and
/// memberships each time. A logout here forgets the session at once; a password reset, a role change
/// or a membership change here forgets every session; the same on another instance sharing the
/// database takes effect here within the TTL.
#[derive(Default)]
pub struct SessionCache {
    entries: std::sync::Mutex<std::collections::HashMap<String, (std::time::Instant, CachedSession)>>,
}

/// What a request needs of its session: the account and its organisation memberships.
#[derive(Debug, Clone)]
pub struct CachedSession {
    pub account: accounts::Account,
    pub memberships: Vec<crate::domain::authorization::Membership>,
}

impl SessionCache {
    pub const TTL: std::time::Duration = std::time::Duration::from_secs(2);
    const MAX_ENTRIES: usize = 100_000;

    fn lock(
        &self,
    ) -> std::sync::MutexGuard<'_, std::collections::HashMap<String, (std::time::Instant, CachedSession)>> {
        self.entries.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn get(&self, digest: &str) -> Option<CachedSession> {
        let entries = self.lock();
        entries.get(digest).filter(|(at, _)| at.elapsed() < Self::TTL).map(|(_, session)| session.clone())
    }

    pub fn put(&self, digest: String, session: CachedSession) {
        let mut entries = self.lock();
        if entries.len() >= Self::MAX_ENTRIES {
            entries.retain(|_, (at, _)| at.elapsed() < Self::TTL);
            if entries.len() >= Self::MAX_ENTRIES {
                entries.clear();
            }
        }
        entries.insert(digest, (std::time::Instant::now(), session));
    }

    pub fn forget(&self, digest: &str) {
        self.lock().remove(digest);
    }

    pub fn forget_all(&self) {
        self.lock().clear();
    }
}
