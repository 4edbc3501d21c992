//! The mail outbox. A mail is queued in the same transaction as the change that causes it, so it is
//! never lost and never sent for a change that was rolled back; the worker in `crate::mail` delivers it.
//!
//! Claiming is one conditional UPDATE per batch (`… WHERE id IN (due mails) AND status = 'pending' AND
//! lease expired RETURNING *`), so two workers — two server instances on one PostgreSQL — can never both
//! own a mail; on PostgreSQL the candidates are also picked `FOR UPDATE SKIP LOCKED`, so concurrent
//! workers take different mails instead of waiting for each other.
use chrono::{DateTime, Utc};
use entity::outbox_mails::{self, Column, Entity};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, Statement, Value,
    sea_query::{Expr, ExprTrait},
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
    Ok(enqueue_many(conn, std::slice::from_ref(mail), now).await? == 1)
}

/// Queues several mails in one multi-row INSERT; call it with the transaction of the change that causes
/// them. Mails whose dedupe key is already queued (or repeated in `mails`) are skipped, as in [`enqueue`].
/// Returns how many were queued.
pub async fn enqueue_many(conn: &impl ConnectionTrait, mails: &[Mail], now: DateTime<Utc>) -> Result<usize, DbErr> {
    let keys: Vec<&str> = mails.iter().filter_map(|m| m.dedupe_key.as_deref()).collect();
    let mut taken: std::collections::HashSet<String> = if keys.is_empty() {
        Default::default()
    } else {
        Entity::find()
            .select_only()
            .column(Column::DedupeKey)
            .filter(Column::DedupeKey.is_in(keys))
            .into_tuple::<Option<String>>()
            .all(conn)
            .await?
            .into_iter()
            .flatten()
            .collect()
    };
    let rows = mails
        .iter()
        .filter(|m| m.dedupe_key.as_ref().is_none_or(|k| taken.insert(k.clone())))
        .map(|mail| -> Result<outbox_mails::ActiveModel, DbErr> {
            // A layout that does not render is a bug, reported like any failed write.
            let html = mail.html().map_err(|e| DbErr::Custom(e.to_string()))?;
            Ok(outbox_mails::ActiveModel {
                kind: Set(mail.kind.to_owned()),
                recipient: Set(mail.recipient.clone()),
                subject: Set(mail.subject.clone()),
                body_text: Set(mail.body.clone()),
                body_html: Set(Some(html)),
                list_unsubscribe: Set(mail.list_unsubscribe.clone()),
                dedupe_key: Set(mail.dedupe_key.clone()),
                status: Set(PENDING.to_owned()),
                attempts: Set(0),
                next_attempt_at: Set(now),
                created_at: Set(now),
                ..Default::default()
            })
        })
        .collect::<Result<Vec<_>, DbErr>>()?;
    // 11 values a row: far below the bind-parameter limits of both databases.
    for chunk in rows.chunks(500) {
        Entity::insert_many(chunk.to_vec()).exec_without_returning(conn).await?;
    }
    Ok(rows.len())
}

/// Reserves up to `limit` due mails for `worker` until `now + lease`, in one statement, and never more
/// than `limit`.
///
/// On PostgreSQL the candidates are picked once, in a `MATERIALIZED` CTE (`… LIMIT n FOR UPDATE SKIP
/// LOCKED`), and the UPDATE joins that fixed list: written as `WHERE id IN (SELECT … LIMIT n …)` the
/// planner may run a semi join that rescans the subquery and claims every due row.
pub async fn claim_due(
    db: &DatabaseConnection,
    worker: &str,
    now: DateTime<Utc>,
    lease: chrono::Duration,
    limit: u64,
) -> Result<Vec<outbox_mails::Model>, DbErr> {
    let due = "status = $3 AND next_attempt_at <= $4 AND (locked_until IS NULL OR locked_until < $4)";
    let mut values: Vec<Value> = vec![worker.into(), (now + lease).into(), PENDING.into(), now.into()];
    let sql = if super::is_sqlite(db) {
        // SQLite serialises writers, so the conditional UPDATE alone decides ownership. The candidates are
        // read first: an idle poll then takes no write lock that another connection's transaction would
        // have to wait for.
        let ids = due_ids(db, now, limit).await?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let placeholders: Vec<String> = (0..ids.len()).map(|i| format!("${}", i + 5)).collect();
        values.extend(ids.into_iter().map(Value::from));
        format!(
            "UPDATE outbox_mails SET locked_by = $1, locked_until = $2 WHERE {due} AND id IN ({}) RETURNING *",
            placeholders.join(", ")
        )
    } else {
        // Rows another worker is claiming are skipped; a row another worker has just claimed fails
        // `due` when FOR UPDATE re-checks it. `idx_outbox_due` (status, next_attempt_at) lets the scan
        // stop after `limit` due mails.
        values.push(i64::try_from(limit).unwrap_or(i64::MAX).into());
        format!(
            "WITH picked AS MATERIALIZED (SELECT id FROM outbox_mails WHERE {due} ORDER BY next_attempt_at, id \
             LIMIT $5 FOR UPDATE SKIP LOCKED) \
             UPDATE outbox_mails SET locked_by = $1, locked_until = $2 FROM picked \
             WHERE outbox_mails.id = picked.id RETURNING outbox_mails.*"
        )
    };
    let mut claimed = Entity::find()
        .from_raw_sql(Statement::from_sql_and_values(db.get_database_backend(), sql, values))
        .all(db)
        .await?;
    claimed.sort_by_key(|m| (m.next_attempt_at, m.id));
    Ok(claimed)
}

/// The ids of up to `limit` due mails, oldest first.
async fn due_ids(db: &DatabaseConnection, now: DateTime<Utc>, limit: u64) -> Result<Vec<i32>, DbErr> {
    Entity::find()
        .select_only()
        .column(Column::Id)
        .filter(Column::Status.eq(PENDING))
        .filter(Column::NextAttemptAt.lte(now))
        .filter(Column::LockedUntil.is_null().or(Column::LockedUntil.lt(now)))
        .order_by_asc(Column::NextAttemptAt)
        .order_by_asc(Column::Id)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await
}

/// Records deliveries, in one statement. A delivery is a fact whoever holds the lease: recording it
/// keeps any worker from sending the mail again.
pub async fn mark_sent_many(db: &DatabaseConnection, ids: &[i32], now: DateTime<Utc>) -> Result<(), DbErr> {
    if ids.is_empty() {
        return Ok(());
    }
    Entity::update_many()
        .col_expr(Column::Status, Expr::value(SENT))
        .col_expr(Column::SentAt, Expr::value(now))
        .col_expr(Column::Attempts, Expr::col(Column::Attempts).add(1))
        .col_expr(Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(Column::Id.is_in(ids.iter().copied()))
        .filter(Column::Status.eq(PENDING))
        .exec(db)
        .await?;
    Ok(())
}

/// Extends `worker`'s lease on `ids` to `until`; returns the ids it still held.
pub async fn renew_lease(
    db: &DatabaseConnection,
    ids: &[i32],
    worker: &str,
    until: DateTime<Utc>,
) -> Result<Vec<i32>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let held: Vec<i32> = Entity::update_many()
        .col_expr(Column::LockedUntil, Expr::value(until))
        .filter(Column::Id.is_in(ids.iter().copied()))
        .filter(Column::LockedBy.eq(worker))
        .filter(Column::Status.eq(PENDING))
        .exec_with_returning(db)
        .await?
        .into_iter()
        .map(|m| m.id)
        .collect();
    Ok(held)
}

/// Gives `worker`'s claim on `ids` back unsent and uncounted, due as before; `error` (why) is kept.
pub async fn release(db: &DatabaseConnection, ids: &[i32], worker: &str, error: Option<&str>) -> Result<(), DbErr> {
    if ids.is_empty() {
        return Ok(());
    }
    let mut update = Entity::update_many()
        .col_expr(Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(Column::LockedBy, Expr::value(Option::<String>::None));
    if let Some(error) = error {
        update = update.col_expr(Column::LastError, Expr::value(error));
    }
    update
        .filter(Column::Id.is_in(ids.iter().copied()))
        .filter(Column::LockedBy.eq(worker))
        .filter(Column::Status.eq(PENDING))
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

/// When the oldest mail still waiting was queued (for `/metrics`).
pub async fn oldest_queued(db: &DatabaseConnection) -> Result<Option<DateTime<Utc>>, DbErr> {
    Ok(Entity::find()
        .select_only()
        .column_as(Column::CreatedAt.min(), "oldest")
        .filter(Column::Status.eq(PENDING))
        .into_tuple::<Option<DateTime<Utc>>>()
        .one(db)
        .await?
        .flatten())
}

/// Mails with `status`, newest first, after `before_id` when paging; at most `limit`.
pub async fn list(
    db: &DatabaseConnection,
    status: &str,
    before_id: Option<i32>,
    limit: u64,
) -> Result<Vec<outbox_mails::Model>, DbErr> {
    let mut query = Entity::find().filter(Column::Status.eq(status));
    if let Some(id) = before_id {
        query = query.filter(Column::Id.lt(id));
    }
    query.order_by_desc(Column::Id).limit(limit).all(db).await
}

/// Puts failed mails back in the queue, due at once, with a fresh series of attempts (the last error
/// is kept until the next attempt). `ids` None: every failed mail. Returns the ids requeued.
pub async fn retry_failed(db: &DatabaseConnection, ids: Option<&[i32]>, now: DateTime<Utc>) -> Result<Vec<i32>, DbErr> {
    let mut update = Entity::update_many()
        .col_expr(Column::Status, Expr::value(PENDING))
        .col_expr(Column::Attempts, Expr::value(0))
        .col_expr(Column::NextAttemptAt, Expr::value(now))
        .col_expr(Column::LockedBy, Expr::value(Option::<String>::None))
        .col_expr(Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(Column::Status.eq(FAILED));
    if let Some(ids) = ids {
        update = update.filter(Column::Id.is_in(ids.iter().copied()));
    }
    Ok(update.exec_with_returning(db).await?.into_iter().map(|m| m.id).collect())
}

/// Which of `ids` exist.
pub async fn list_ids(db: &DatabaseConnection, ids: &[i32]) -> Result<Vec<i32>, DbErr> {
    Entity::find()
        .select_only()
        .column(Column::Id)
        .filter(Column::Id.is_in(ids.iter().copied()))
        .into_tuple()
        .all(db)
        .await
}
