//! The audit chain as stored: linking new events, reading the chain, verifying it against the log.
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{audit_chain, audit_rechains, events};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, Statement,
};

use crate::{
    domain::audit::{
        Break, ChainRecord, GENESIS, Link, Unlinked, actor_commitment, link_hash, sha256_hex, verify_links,
    },
    error::AppError,
};

/// Events linked per transaction; the chainer repeats until nothing is left.
const CHAIN_BATCH: u64 = 2000;

/// How far below the highest linked event id the chainer still looks for events that committed late.
/// A write transaction lasts milliseconds; 50,000 newer events is minutes of peak intake.
const LATE_COMMIT_WINDOW: i32 = 50_000;

/// What the link with `salt` commits to for `event`.
pub fn record(event: &events::Model, salt: Option<&str>) -> ChainRecord {
    ChainRecord {
        event_id: event.id,
        occurred_at: event.occurred_at,
        actor_commitment: actor_commitment(salt, event.actor_account_id),
        subject_type: event.subject_type.clone(),
        subject_id: event.subject_id.clone(),
        action: event.action.clone(),
        from_state: event.from_state.clone(),
        to_state: event.to_state.clone(),
        details_sha256: sha256_hex(&event.details),
    }
}

/// A fresh secret salt for the link of an event with an actor (122 random bits), none without one.
pub fn new_salt(actor_account_id: Option<i32>) -> Option<String> {
    actor_account_id.map(|_| uuid::Uuid::new_v4().simple().to_string())
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
        let low = lowest_unlinked_candidate(&txn).await?;
        let pending = events::Entity::find()
            .from_raw_sql(Statement::from_sql_and_values(
                txn.get_database_backend(),
                format!("SELECT * FROM events e WHERE {PENDING} ORDER BY e.id LIMIT $2"),
                [low.into(), (CHAIN_BATCH as i64).into()],
            ))
            .all(&txn)
            .await?;
        let count = pending.len() as u64;
        for event in &pending {
            seq += 1;
            let salt = new_salt(event.actor_account_id);
            let hash = link_hash(&prev, &record(event, salt.as_deref()));
            audit_chain::ActiveModel {
                seq: Set(seq),
                event_id: Set(event.id),
                prev_hash: Set(prev.clone()),
                hash: Set(hash.clone()),
                chained_at: Set(now),
                actor_salt: Set(salt),
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

/// The events of the log not linked yet, with ids above `$1` ([`lowest_unlinked_candidate`]). The
/// link's id is bounded like the event's (the same condition, since they are equal), so that PostgreSQL
/// reads both id ranges instead of the whole chain's index.
const PENDING: &str = "e.id > $1 AND NOT EXISTS \
    (SELECT 1 FROM audit_chain c WHERE c.event_id = e.id AND c.event_id > $1)";

/// Where the chainer looks for events not linked yet: everything above the highest linked id, and
/// below it only the last [`LATE_COMMIT_WINDOW`] ids (an event whose transaction committed after newer
/// ones were linked). Bounding the anti-join keeps each sweep cheap on a log of millions of events.
async fn lowest_unlinked_candidate(conn: &impl ConnectionTrait) -> Result<i32, AppError> {
    let highest: Option<i32> = audit_chain::Entity::find()
        .select_only()
        .column_as(audit_chain::Column::EventId.max(), "highest")
        .into_tuple::<Option<i32>>()
        .one(conn)
        .await?
        .flatten();
    Ok(highest.map_or(0, |h| h.saturating_sub(LATE_COMMIT_WINDOW)))
}

/// Links the events newer than the last linked one, if there are any: what readers of the chain call
/// on every request. Telling that nothing is new takes two index lookups and no lock, where the
/// chainer's sweep ([`link_new_events`]) reads its whole window under the chainer's lock (50 ms on a
/// 3.9 M-link chain, one request after another). An event that committed late (below the last linked
/// id) waits for the next sweep: the watcher's, or this one's the next time something new
/// came in.
pub async fn link_if_behind(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<u64, AppError> {
    let newest = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT (SELECT MAX(id) FROM events) AS logged, (SELECT MAX(event_id) FROM audit_chain) AS linked",
        ))
        .await?;
    let (logged, linked) = match newest {
        Some(row) => (row.try_get::<Option<i32>>("", "logged")?, row.try_get::<Option<i32>>("", "linked")?),
        None => (None, None),
    };
    if logged <= linked {
        return Ok(0);
    }
    link_new_events(db, now).await
}

/// The last link: its sequence number and hash (what watchdogs note down to detect rewriting later).
pub async fn head(db: &DatabaseConnection) -> Result<Option<audit_chain::Model>, AppError> {
    Ok(audit_chain::Entity::find().order_by_desc(audit_chain::Column::Seq).one(db).await?)
}

/// Links after `after_seq` with their events, in order.
pub async fn page(
    db: &impl ConnectionTrait,
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
        let records: Vec<Option<ChainRecord>> =
            rows.iter().map(|(l, e)| e.as_ref().map(|e| record(e, l.actor_salt.as_deref()))).collect();
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

/// Links chained before the actor commitments committed to the account id itself. When the chain still
/// has such a link (the first link with an actor has no salt), every link is re-hashed in the current
/// format, in order, with fresh salts, in one transaction (all or nothing), and the superseded head is
/// recorded in `audit_rechains`. Returns that record, or `None` when there was nothing to do.
pub async fn rechain_legacy(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
) -> Result<Option<audit_rechains::Model>, AppError> {
    let txn = super::begin_write(db).await?;
    if !super::is_sqlite(&txn) {
        txn.execute_unprepared("SELECT pg_advisory_xact_lock(727311)").await?;
    }
    let first_with_actor = txn
        .query_one_raw(Statement::from_string(
            txn.get_database_backend(),
            "SELECT c.actor_salt FROM audit_chain c JOIN events e ON e.id = c.event_id \
             WHERE e.actor_account_id IS NOT NULL ORDER BY c.seq LIMIT 1",
        ))
        .await?;
    let legacy = match first_with_actor {
        Some(row) => row.try_get::<Option<String>>("", "actor_salt")?.is_none(),
        None => false,
    };
    let Some(old_head) = audit_chain::Entity::find().order_by_desc(audit_chain::Column::Seq).one(&txn).await? else {
        return Ok(None);
    };
    if !legacy {
        return Ok(None);
    }
    let (mut after, mut prev) = (0_i64, GENESIS.to_owned());
    loop {
        let rows = page(&txn, after, CHAIN_BATCH).await?;
        let Some((last, _)) = rows.last() else { break };
        let (first_seq, last_seq) = (rows[0].0.seq, last.seq);
        let mut fresh = Vec::with_capacity(rows.len());
        for (link, event) in rows {
            let event = event.ok_or_else(|| {
                AppError::Internal(anyhow::anyhow!(
                    "cannot re-chain: event {} of link {} is gone",
                    link.event_id,
                    link.seq
                ))
            })?;
            let salt = new_salt(event.actor_account_id);
            let hash = link_hash(&prev, &record(&event, salt.as_deref()));
            fresh.push(audit_chain::ActiveModel {
                seq: Set(link.seq),
                event_id: Set(link.event_id),
                prev_hash: Set(std::mem::replace(&mut prev, hash.clone())),
                hash: Set(hash),
                chained_at: Set(link.chained_at),
                actor_salt: Set(salt),
            });
        }
        audit_chain::Entity::delete_many()
            .filter(audit_chain::Column::Seq.between(first_seq, last_seq))
            .exec(&txn)
            .await?;
        audit_chain::Entity::insert_many(fresh).exec(&txn).await?;
        after = last_seq;
    }
    let record = audit_rechains::ActiveModel {
        rechained_at: Set(now),
        links: Set(old_head.seq),
        superseded_seq: Set(old_head.seq),
        superseded_hash: Set(old_head.hash),
        new_hash: Set(prev),
        reason: Set("links that named the acting account re-hashed with a salted commitment to it instead".into()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(Some(record))
}

/// Every re-chaining, oldest first.
pub async fn rechains(db: &DatabaseConnection) -> Result<Vec<audit_rechains::Model>, AppError> {
    Ok(audit_rechains::Entity::find().order_by_asc(audit_rechains::Column::Id).all(db).await?)
}
