//! Audit use cases: the head of the public chain, its links page by page, the re-chainings, and a full
//! verification against the event log. The JSON API (`api/audit.rs`) and the audit page both call these.
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::AppState;
use crate::{
    domain::audit::{GENESIS, sha256_hex},
    error::AppError,
    storage,
};

/// The most links one page may hold.
pub const MAX_PAGE: u64 = 5000;

#[derive(Debug, Clone, Serialize)]
pub struct Head {
    /// Number of links; 0 for an empty chain.
    pub seq: i64,
    pub hash: String,
}

/// One link with the public fields of its event (see `api::audit::ChainLink` for their meaning).
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub seq: i64,
    pub event_id: i32,
    pub occurred_at: Option<DateTime<Utc>>,
    pub actor_commitment: Option<String>,
    pub subject_type: Option<String>,
    pub subject_id: Option<String>,
    pub action: Option<String>,
    pub from_state: Option<String>,
    pub to_state: Option<String>,
    pub details_sha256: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Rechain {
    pub rechained_at: DateTime<Utc>,
    pub links: i64,
    pub superseded_head: Head,
    pub new_hash_at_seq: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Verification {
    pub valid: bool,
    pub checked: u64,
    pub head: Option<Head>,
    pub broken_seq: Option<i64>,
    pub broken_event_id: Option<i32>,
    pub unlinked_events: u64,
    pub first_unlinked_event_id: Option<i32>,
    pub reason: Option<String>,
}

/// The last link, after linking the events newer than it (one that committed late, below it, is linked
/// by the watcher's next sweep).
pub async fn head(state: &AppState) -> Result<Head, AppError> {
    storage::audit::link_if_behind(&state.db, Utc::now()).await?;
    Ok(match storage::audit::head(&state.db).await? {
        Some(h) => Head { seq: h.seq, hash: h.hash },
        None => Head { seq: 0, hash: GENESIS.to_owned() },
    })
}

/// Up to `limit` links after `after_seq`.
pub async fn chain(state: &AppState, after_seq: i64, limit: u64) -> Result<Vec<Link>, AppError> {
    if !(1..=MAX_PAGE).contains(&limit) || after_seq < 0 {
        return Err(AppError::validation("limit", "limit is 1 to 5000 and after_seq is not negative"));
    }
    storage::audit::link_if_behind(&state.db, Utc::now()).await?;
    let rows = storage::audit::page(&state.db, after_seq, limit).await?;
    Ok(rows
        .into_iter()
        .map(|(link, event)| Link {
            seq: link.seq,
            event_id: link.event_id,
            occurred_at: event.as_ref().map(|e| e.occurred_at),
            actor_commitment: event
                .as_ref()
                .map(|e| storage::audit::record(e, link.actor_salt.as_deref()).actor_commitment)
                .filter(|c| !c.is_empty()),
            subject_type: event.as_ref().map(|e| e.subject_type.clone()),
            subject_id: event.as_ref().map(|e| e.subject_id.clone()),
            action: event.as_ref().map(|e| e.action.clone()),
            from_state: event.as_ref().and_then(|e| e.from_state.clone()),
            to_state: event.as_ref().and_then(|e| e.to_state.clone()),
            details_sha256: event.as_ref().map(|e| sha256_hex(&e.details)),
            prev_hash: link.prev_hash,
            hash: link.hash,
        })
        .collect())
}

/// The one-off re-chainings, oldest first.
pub async fn rechains(state: &AppState) -> Result<Vec<Rechain>, AppError> {
    Ok(storage::audit::rechains(&state.db)
        .await?
        .into_iter()
        .map(|r| Rechain {
            rechained_at: r.rechained_at,
            links: r.links,
            superseded_head: Head { seq: r.superseded_seq, hash: r.superseded_hash },
            new_hash_at_seq: r.new_hash,
            reason: r.reason,
        })
        .collect())
}

/// Recomputes the whole chain from the event log as stored now.
pub async fn verify(state: &AppState) -> Result<Verification, AppError> {
    storage::audit::link_new_events(&state.db, Utc::now()).await?;
    Ok(verification(storage::audit::verify(&state.db, Utc::now()).await?))
}

/// A verification as reported: valid only with no broken link and no unlinked event.
pub fn verification(v: storage::audit::Verification) -> Verification {
    let reason = v.broken.as_ref().map(|b| b.reason.clone()).or_else(|| v.unlinked.reason());
    Verification {
        valid: v.broken.is_none() && v.unlinked.count == 0,
        checked: v.checked,
        head: v.head.map(|(seq, hash)| Head { seq, hash }),
        broken_seq: v.broken.as_ref().map(|b| b.seq),
        broken_event_id: v.broken.as_ref().map(|b| b.event_id),
        unlinked_events: v.unlinked.count,
        first_unlinked_event_id: v.unlinked.first_event_id,
        reason,
    }
}

/// The subjects administration changes: the directory, statutes, the calendar, API keys and accounts.
pub const ADMINISTERED: [&str; 8] = [
    "organisation",
    "district",
    "category",
    "petition_statute",
    "calendar_day",
    "calendar_martial_law",
    "api_key",
    "account",
];

/// One change as administrators read it in the event history.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub id: i32,
    pub occurred_at: DateTime<Utc>,
    pub actor_account_id: Option<i32>,
    pub subject_type: String,
    pub subject_id: String,
    pub action: String,
    pub from_state: Option<String>,
    pub to_state: Option<String>,
    /// The event's non-personal details (JSON text).
    pub details: String,
}

/// The latest changes to what administrators manage (`subject` one of [`ADMINISTERED`], or all of
/// them), newest first, with ids below `before_id`; at most `limit`, 1 to 200 (administrators).
pub async fn changes(
    state: &AppState,
    actor: &super::Actor,
    subject: Option<&str>,
    before_id: Option<i32>,
    limit: u64,
) -> Result<Vec<Change>, AppError> {
    actor.administrator()?;
    if !(1..=200).contains(&limit) {
        return Err(AppError::validation("limit", "limit must be between 1 and 200"));
    }
    let types: Vec<&str> = match subject {
        None => ADMINISTERED.to_vec(),
        Some(s) if ADMINISTERED.contains(&s) => vec![s],
        Some(other) => {
            let known = ADMINISTERED.join(", ");
            return Err(AppError::validation("subject", format!("`{other}` is not one of {known}")));
        }
    };
    let rows = storage::events::recent(&state.db, &types, before_id, limit).await?;
    Ok(rows
        .into_iter()
        .map(|e| Change {
            id: e.id,
            occurred_at: e.occurred_at,
            actor_account_id: e.actor_account_id,
            subject_type: e.subject_type,
            subject_id: e.subject_id,
            action: e.action,
            from_state: e.from_state,
            to_state: e.to_state,
            details: e.details,
        })
        .collect())
}
