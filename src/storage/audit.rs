//! The audit chain as stored: linking new events, reading the chain, verifying it against the log.
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{audit_chain, events};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, Statement,
};

use crate::{
    domain::audit::{Break, ChainRecord, GENESIS, Link, Unlinked, link_hash, sha256_hex, verify_links},
    error::AppError,
};

/// Events linked per transaction; the chainer repeats until nothing is left.
const CHAIN_BATCH: u64 = 2000;

/// How far below the highest linked event id the chainer still looks for events that committed late.
/// A write transaction lasts milliseconds; 50,000 newer events is minutes of peak intake.
const LATE_COMMIT_WINDOW: i32 = 50_000;

pub fn record(event: &events::Model) -> ChainRecord {
    ChainRecord {
        event_id: event.id,
        occurred_at: event.occurred_at,
        actor_account_id: event.actor_account_id,
        subject_type: event.subject_type.clone(),
        subject_id: event.subject_id.clone(),
        action: event.action.clone(),
        from_state: event.from_state.clone(),
        to_state: event.to_state.clone(),
        details_sha256: sha256_hex(&event.details),
    }
}

fn link(row: &audit_chain::Model) -> Link {
    Link { seq: row.seq, event_id: row.event_id, prev_hash: row.prev_hash.clone(), hash: row.hash.clone() }
}

/// Links every event not yet in the chain, in the order of their ids, and returns how many.
///
/// Events are linked after their own transaction committed, so an event whose transaction commits late
/// (a lower id than one already linked) is simply linked later: the chain's order is the order the
/// chainer saw them. One chainer at a time: a write transaction on SQLite, an advisory lock on PostgreSQL.
pub async fn link_new_events(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<u64, AppError> {
    let mut total = 0;
    loop {
        let txn = super::begin_write(db).await?;
        if !super::is_sqlite(&txn) {
            txn.execute_unprepared("SELECT pg_advisory_xact_lock(727311)").await?;
        }
        let head = audit_chain::Entity::find().order_by_desc(audit_chain::Column::Seq).one(&txn).await?;
        let (mut seq, mut prev) = head.map(|h| (h.seq, h.hash)).unwrap_or((0, GENESIS.to_owned()));
        // Events not linked yet, oldest first: everything above the highest linked id, and below it only
        // the last LATE_COMMIT_WINDOW ids (an event whose transaction committed after newer ones were
        // linked). Bounding the anti-join keeps each sweep cheap on a log of millions of events.
        let highest: Option<i32> = audit_chain::Entity::find()
            .select_only()
            .column_as(audit_chain::Column::EventId.max(), "highest")
            .into_tuple::<Option<i32>>()
            .one(&txn)
            .await?
            .flatten();
        let low = highest.map_or(0, |h| h.saturating_sub(LATE_COMMIT_WINDOW));
        let pending = events::Entity::find()
            .from_raw_sql(Statement::from_sql_and_values(
                txn.get_database_backend(),
                "SELECT * FROM events e WHERE e.id > $1 \
                 AND NOT EXISTS (SELECT 1 FROM audit_chain c WHERE c.event_id = e.id) ORDER BY e.id LIMIT $2",
                [low.into(), (CHAIN_BATCH as i64).into()],
            ))
            .all(&txn)
            .await?;
        let count = pending.len() as u64;
        for event in &pending {
            seq += 1;
            let hash = link_hash(&prev, &record(event));
            audit_chain::ActiveModel {
                seq: Set(seq),
                event_id: Set(event.id),
                prev_hash: Set(prev.clone()),
                hash: Set(hash.clone()),
                chained_at: Set(now),
            }
            .insert(&txn)
            .await?;
            prev = hash;
        }
        txn.commit().await?;
        total += count;
        if count < CHAIN_BATCH {
            return Ok(total);
        }
    }
}

/// The last link: its sequence number and hash (what watchdogs note down to detect rewriting later).
pub async fn head(db: &DatabaseConnection) -> Result<Option<audit_chain::Model>, AppError> {
    Ok(audit_chain::Entity::find().order_by_desc(audit_chain::Column::Seq).one(db).await?)
}

/// Links after `after_seq` with their events, in order.
pub async fn page(
    db: &DatabaseConnection,
    after_seq: i64,
    limit: u64,
) -> Result<Vec<(audit_chain::Model, Option<events::Model>)>, AppError> {
    let links = audit_chain::Entity::find()
        .filter(audit_chain::Column::Seq.gt(after_seq))
        .order_by_asc(audit_chain::Column::Seq)
        .limit(limit)
        .all(db)
        .await?;
    let mut by_id: HashMap<i32, events::Model> = events::Entity::find()
        .filter(events::Column::Id.is_in(links.iter().map(|l| l.event_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|e| (e.id, e))
        .collect();
    Ok(links
        .into_iter()
        .map(|l| {
            let event = by_id.remove(&l.event_id);
            (l, event)
        })
        .collect())
}

/// What a verification found.
#[derive(Debug, Clone)]
pub struct Verification {
    pub checked: u64,
    pub head: Option<(i64, String)>,
    pub broken: Option<Break>,
    /// Events older than [`UNLINKED_GRACE`] that are in the log but not in the chain: written outside
    /// the service (e.g. with a low id, below where the chainer looks) or lost by it.
    pub unlinked: Unlinked,
}

/// How old an unlinked event must be to count as never linked: the chainer links every event within a
/// sweep (a minute by default) of its commit, and verification links what is new before it looks.
pub const UNLINKED_GRACE: chrono::Duration = chrono::Duration::minutes(10);

/// Recomputes the whole chain from the event log as it is stored now, and looks for events of the log
/// the chain does not cover.
pub async fn verify(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<Verification, AppError> {
    let (mut prev, mut seq) = (GENESIS.to_owned(), 1_i64);
    let mut checked = 0;
    let unlinked = unlinked(db, now - UNLINKED_GRACE).await?;
    loop {
        let rows = page(db, seq - 1, CHAIN_BATCH).await?;
        if rows.is_empty() {
            break;
        }
        let links: Vec<Link> = rows.iter().map(|(l, _)| link(l)).collect();
        let records: Vec<Option<ChainRecord>> = rows.iter().map(|(_, e)| e.as_ref().map(record)).collect();
        match verify_links(&mut prev, &mut seq, links.iter().zip(records.iter().map(Option::as_ref))) {
            Ok(n) => checked += n,
            Err(broken) => return Ok(Verification { checked, head: None, broken: Some(broken), unlinked }),
        }
    }
    let head = (checked > 0).then(|| (seq - 1, prev));
    Ok(Verification { checked, head, broken: None, unlinked })
}

/// Events that occurred before `before` and have no link.
async fn unlinked(db: &DatabaseConnection, before: DateTime<Utc>) -> Result<Unlinked, AppError> {
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            "SELECT COUNT(*) AS n, MIN(e.id) AS first FROM events e WHERE e.occurred_at < $1 \
             AND NOT EXISTS (SELECT 1 FROM audit_chain c WHERE c.event_id = e.id)",
            [before.into()],
        ))
        .await?;
    Ok(match row {
        Some(row) => Unlinked {
            count: u64::try_from(row.try_get::<i64>("", "n")?).unwrap_or(0),
            first_event_id: row.try_get::<Option<i32>>("", "first")?,
        },
        None => Unlinked::default(),
    })
}
