//! The public audit chain: every recorded transition, hash-chained, readable and verifiable by anyone.
use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::{Object, OpenApi, param::Query, payload::Json};

use super::{ApiTags, AppState};
use crate::{
    domain::audit::sha256_hex,
    error::{ApiResult, AppError},
    storage,
};

/// One link: the event's public fields, the digest of its details, and the hashes.
#[derive(Debug, Object)]
pub struct ChainLink {
    pub seq: i64,
    pub event_id: i32,
    #[oai(nullable)]
    pub occurred_at: Option<DateTime<Utc>>,
    /// A commitment to the account that acted (SHA-256 of a secret per-link salt, a newline and the
    /// account id), absent when no account acted. It ties no account to the item: without the salt it
    /// cannot be tested against account ids, and two links of one account do not match.
    #[oai(nullable)]
    pub actor_commitment: Option<String>,
    #[oai(nullable)]
    pub subject_type: Option<String>,
    #[oai(nullable)]
    pub subject_id: Option<String>,
    #[oai(nullable)]
    pub action: Option<String>,
    #[oai(nullable)]
    pub from_state: Option<String>,
    #[oai(nullable)]
    pub to_state: Option<String>,
    /// SHA-256 of the event's details as stored (the details themselves may be private text).
    #[oai(nullable)]
    pub details_sha256: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

#[derive(Debug, Object)]
pub struct ChainHead {
    /// Number of links; 0 for an empty chain.
    pub seq: i64,
    pub hash: String,
}

#[derive(Debug, Object)]
pub struct ChainVerification {
    pub valid: bool,
    /// Links checked before the first break (all of them when valid).
    pub checked: u64,
    #[oai(nullable)]
    pub head: Option<ChainHead>,
    /// The first broken link, when there is one.
    #[oai(nullable)]
    pub broken_seq: Option<i64>,
    #[oai(nullable)]
    pub broken_event_id: Option<i32>,
    /// Events of the log older than ten minutes that the chain does not cover (written outside the
    /// service, or never linked): any makes the verification fail.
    pub unlinked_events: u64,
    #[oai(nullable)]
    pub first_unlinked_event_id: Option<i32>,
    #[oai(nullable)]
    pub reason: Option<String>,
}

/// A one-off re-chaining: the head the chain had before, and the hash the same link has since.
#[derive(Debug, Object)]
pub struct Rechain {
    pub rechained_at: DateTime<Utc>,
    /// Links re-hashed: all the chain had then.
    pub links: i64,
    pub superseded_head: ChainHead,
    /// The hash of link `superseded_head.seq` after the re-chaining.
    pub new_hash_at_seq: String,
    pub reason: String,
}

pub struct AuditApi;

#[OpenApi(prefix_path = "/", tag = "ApiTags::Audit")]
impl AuditApi {
    /// The head of the audit chain
    ///
    /// Note it down: if anyone rewrites the past later, the chain will no longer lead to this hash.
    #[oai(path = "/audit/head", method = "get")]
    async fn head(&self, state: Data<&AppState>) -> ApiResult<Json<ChainHead>> {
        storage::audit::link_new_events(&state.db, Utc::now()).await?;
        let head = storage::audit::head(&state.db).await?;
        Ok(Json(match head {
            Some(h) => ChainHead { seq: h.seq, hash: h.hash },
            None => ChainHead { seq: 0, hash: crate::domain::audit::GENESIS.to_owned() },
        }))
    }

    /// The audit chain, page by page
    ///
    /// Each link's `hash` is SHA-256 of `prev_hash`, a newline, and the lines event_id, occurred_at
    /// (RFC 3339 UTC, microseconds), actor_commitment, subject_type, subject_id, action, from_state,
    /// to_state, details_sha256 (each empty for none), so anyone can recompute it.
    #[oai(path = "/audit/chain", method = "get")]
    async fn chain(
        &self,
        state: Data<&AppState>,
        #[oai(default)] after_seq: Query<i64>,
        #[oai(default = "default_limit")] limit: Query<u64>,
    ) -> ApiResult<Json<Vec<ChainLink>>> {
        if !(1..=5000).contains(&limit.0) || after_seq.0 < 0 {
            return Err(AppError::validation("limit", "limit is 1 to 5000 and after_seq is not negative").into());
        }
        storage::audit::link_new_events(&state.db, Utc::now()).await?;
        let rows = storage::audit::page(&state.db, after_seq.0, limit.0).await?;
        Ok(Json(
            rows.into_iter()
                .map(|(link, event)| ChainLink {
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
                .collect(),
        ))
    }

    /// Re-chainings of the audit chain, oldest first
    ///
    /// Links of an older format (which named the acting account) were re-hashed once in the current
    /// format; each entry gives the head the chain had before, so a head noted down earlier is explained.
    #[oai(path = "/audit/rechains", method = "get")]
    async fn rechains(&self, state: Data<&AppState>) -> ApiResult<Json<Vec<Rechain>>> {
        let rows = storage::audit::rechains(&state.db).await?;
        Ok(Json(
            rows.into_iter()
                .map(|r| Rechain {
                    rechained_at: r.rechained_at,
                    links: r.links,
                    superseded_head: ChainHead { seq: r.superseded_seq, hash: r.superseded_hash },
                    new_hash_at_seq: r.new_hash,
                    reason: r.reason,
                })
                .collect(),
        ))
    }

    /// Verify the audit chain against the event log as stored now
    #[oai(path = "/audit/verify", method = "get")]
    async fn verify(&self, state: Data<&AppState>) -> ApiResult<Json<ChainVerification>> {
        storage::audit::link_new_events(&state.db, Utc::now()).await?;
        Ok(Json(verification(storage::audit::verify(&state.db, Utc::now()).await?)))
    }
}

pub fn verification(v: storage::audit::Verification) -> ChainVerification {
    let reason = v.broken.as_ref().map(|b| b.reason.clone()).or_else(|| v.unlinked.reason());
    ChainVerification {
        valid: v.broken.is_none() && v.unlinked.count == 0,
        checked: v.checked,
        head: v.head.map(|(seq, hash)| ChainHead { seq, hash }),
        broken_seq: v.broken.as_ref().map(|b| b.seq),
        broken_event_id: v.broken.as_ref().map(|b| b.event_id),
        unlinked_events: v.unlinked.count,
        first_unlinked_event_id: v.unlinked.first_event_id,
        reason,
    }
}

fn default_limit() -> u64 {
    1000
}
