//! The mail outbox. A mail is queued in the same transaction as the change that causes it, so it is
//! never lost and never sent for a change that was rolled back; the worker in `crate::mail` delivers it.
//!
//! Claiming is a conditional UPDATE (`… WHERE id = ? AND status = 'pending' AND lease expired`), so two
//! workers — two server instances on one PostgreSQL — can never both own a mail; on PostgreSQL the
//! candidates are also read `FOR UPDATE SKIP LOCKED` so concurrent workers do not even contend.
use chrono::{DateTime, Utc};
use entity::outbox_mails::{self, Column, Entity};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
    sea_query::{Expr, ExprTrait, LockBehavior, LockType},
};

use crate::domain::notify::Mail;

pub const PENDING: &str = "pending";
pub const SENT: &str = "sent";
/// Gave up after the configured number of attempts, or the address cannot be used at all.
pub const FAILED: &str = "failed";

/// Queues `mail`; call it with the transaction of the change that causes the mail.
///
/// A mail with a dedupe key that was already queued is skipped (returns `false`): that is how
/// "each reminder is sent once" holds across restarts and instances.
pub async fn enqueue(conn: &impl ConnectionTrait, mail: &Mail, now: DateTime<Utc>) -> Result<bool, DbErr> {
    if let Some(key) = &mail.dedupe_key {
        let exists = Entity::find().filter(Column::DedupeKey.eq(key.as_str())).count(conn).await? > 0;
        if exists {
            return Ok(false);
        }
    }
    outbox_mails::ActiveModel {
        kind: Set(mail.kind.to_owned()),
        recipient: Set(mail.recipient.clone()),
        subject: Set(mail.subject.clone()),
        body_text: Set(mail.body.clone()),
        dedupe_key: Set(mail.dedupe_key.clone()),
        status: Set(PENDING.to_owned()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(true)
}

fn claimable(now: DateTime<Utc>) -> Condition {
    Condition::all()
        .add(Column::Status.eq(PENDING))
        .add(Column::NextAttemptAt.lte(now))
        .add(Condition::any().add(Column::LockedUntil.is_null()).add(Column::LockedUntil.lt(now)))
}

/// Reserves up to `limit` due mails for `worker` until `now + lease`.
pub async fn claim_due(
    db: &DatabaseConnection,
    worker: &str,
    now: DateTime<Utc>,
    lease: chrono::Duration,
    limit: u64,
) -> Result<Vec<outbox_mails::Model>, DbErr> {
    if super::is_sqlite(db) {
        // SQLite serialises writers; the conditional update alone decides ownership.
        let candidates = Entity::find()
            .filter(claimable(now))
            .order_by_asc(Column::NextAttemptAt)
            .order_by_asc(Column::Id)
            .limit(limit)
            .all(db)
            .await?;
        claim_each(db, candidates, worker, now, lease).await
    } else {
        let txn = db.begin().await?;
        let candidates = Entity::find()
            .filter(claimable(now))
            // The order of `idx_outbox_due` (status, next_attempt_at): the scan stops after `limit` due mails.
            .order_by_asc(Column::NextAttemptAt)
            .order_by_asc(Column::Id)
            .limit(limit)
            .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
            .all(&txn)
            .await?;
        let claimed = claim_each(&txn, candidates, worker, now, lease).await?;
        txn.commit().await?;
        Ok(claimed)
    }
}

async fn claim_each(
    conn: &impl ConnectionTrait,
    candidates: Vec<outbox_mails::Model>,
    worker: &str,
    now: DateTime<Utc>,
    lease: chrono::Duration,
) -> Result<Vec<outbox_mails::Model>, DbErr> {
    let mut claimed = Vec::with_capacity(candidates.len());
    for mail in candidates {
        let result = Entity::update_many()
            .col_expr(Column::LockedBy, Expr::value(worker))
            .col_expr(Column::LockedUntil, Expr::value(now + lease))
            .filter(Column::Id.eq(mail.id))
            .filter(claimable(now))
            .exec(conn)
            .await?;
        if result.rows_affected == 1 {
            claimed.push(mail);
        }
    }
    Ok(claimed)
}

/// Records a delivery. Only the worker holding the lease may do so.
pub async fn mark_sent(db: &DatabaseConnection, id: i32, worker: &str, now: DateTime<Utc>) -> Result<(), DbErr> {
    Entity::update_many()
        .col_expr(Column::Status, Expr::value(SENT))
        .col_expr(Column::SentAt, Expr::value(now))
        .col_expr(Column::Attempts, Expr::col(Column::Attempts).add(1))
        .col_expr(Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(Column::Id.eq(id))
        .filter(Column::LockedBy.eq(worker))
        .exec(db)
        .await?;
    Ok(())
}

/// Records a failed attempt: retried at `retry_at`, or given up on when `retry_at` is `None`.
pub async fn mark_failed(
    db: &DatabaseConnection,
    id: i32,
    worker: &str,
    error: &str,
    retry_at: Option<DateTime<Utc>>,
) -> Result<(), DbErr> {
    let mut update = Entity::update_many()
        .col_expr(Column::Attempts, Expr::col(Column::Attempts).add(1))
        .col_expr(Column::LastError, Expr::value(error))
        .col_expr(Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None));
    update = match retry_at {
        Some(at) => update.col_expr(Column::NextAttemptAt, Expr::value(at)),
        None => update.col_expr(Column::Status, Expr::value(FAILED)),
    };
    update.filter(Column::Id.eq(id)).filter(Column::LockedBy.eq(worker)).exec(db).await?;
    Ok(())
}

/// Mails waiting to be delivered (for `/metrics` and operators).
pub async fn backlog(db: &DatabaseConnection) -> Result<u64, DbErr> {
    Entity::find().filter(Column::Status.eq(PENDING)).count(db).await
}
