//! The public audit chain: every recorded transition, hash-chained, readable and verifiable by anyone.
use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::{Object, OpenApi, param::Query, payload::Json};

use super::{ApiTags, AppState};
use crate::{error::ApiResult, service::audit as use_case};

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

impl From<use_case::Head> for ChainHead {
    fn from(h: use_case::Head) -> Self {
        ChainHead { seq: h.seq, hash: h.hash }
    }
}

impl From<use_case::Link> for ChainLink {
    fn from(l: use_case::Link) -> Self {
        ChainLink {
            seq: l.seq,
            event_id: l.event_id,
            occurred_at: l.occurred_at,
            actor_commitment: l.actor_commitment,
            subject_type: l.subject_type,
            subject_id: l.subject_id,
            action: l.action,
            from_state: l.from_state,
            to_state: l.to_state,
            details_sha256: l.details_sha256,
            prev_hash: l.prev_hash,
            hash: l.hash,
        }
    }
}

impl From<use_case::Verification> for ChainVerification {
    fn from(v: use_case::Verification) -> Self {
        ChainVerification {
            valid: v.valid,
            checked: v.checked,
            head: v.head.map(ChainHead::from),
            broken_seq: v.broken_seq,
            broken_event_id: v.broken_event_id,
            unlinked_events: v.unlinked_events,
            first_unlinked_event_id: v.first_unlinked_event_id,
            reason: v.reason,
        }
    }
}

#[derive(Default)]
pub struct AuditApi;

#[OpenApi(prefix_path = "/", tag = "ApiTags::Audit")]
impl AuditApi {
    /// The head of the audit chain
    ///
    /// Note it down: if anyone rewrites the past later, the chain will no longer lead to this hash.
    #[oai(path = "/audit/head", method = "get")]
    async fn head(&self, state: Data<&AppState>) -> ApiResult<Json<ChainHead>> {
        Ok(Json(use_case::head(&state).await?.into()))
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
        let links = use_case::chain(&state, after_seq.0, limit.0).await?;
        Ok(Json(links.into_iter().map(ChainLink::from).collect()))
    }

    /// Re-chainings of the audit chain, oldest first
    ///
    /// Links of an older format (which named the acting account) were re-hashed once in the current
    /// format; each entry gives the head the chain had before, so a head noted down earlier is explained.
    #[oai(path = "/audit/rechains", method = "get")]
    async fn rechains(&self, state: Data<&AppState>) -> ApiResult<Json<Vec<Rechain>>> {
        let rows = use_case::rechains(&state).await?;
        Ok(Json(
            rows.into_iter()
                .map(|r| Rechain {
                    rechained_at: r.rechained_at,
                    links: r.links,
                    superseded_head: r.superseded_head.into(),
                    new_hash_at_seq: r.new_hash_at_seq,
                    reason: r.reason,
                })
                .collect(),
        ))
    }

    /// Verify the audit chain against the event log as stored now
    #[oai(path = "/audit/verify", method = "get")]
    async fn verify(&self, state: Data<&AppState>) -> ApiResult<Json<ChainVerification>> {
        Ok(Json(use_case::verify(&state).await?.into()))
    }
}

fn default_limit() -> u64 {
    1000
}
