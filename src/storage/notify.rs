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
    let rows: Vec<outbox_mails::ActiveModel> = mails
        .iter()
        .filter(|m| m.dedupe_key.as_ref().is_none_or(|k| taken.insert(k.clone())))
        .map(|mail| outbox_mails::ActiveModel {
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
        })
        .collect();
    // 9 values a row: far below the bind-parameter limits of both databases.
    for chunk in rows.chunks(500) {
        Entity::insert_many(chunk.to_vec()).exec_without_returning(conn).await?;
    }
    Ok(rows.len())
}

/// Reserves up to `limit` due mails for `worker` until `now + lease`, in one statement on PostgreSQL.
pub async fn claim_due(
    db: &DatabaseConnection,
    worker: &str,
    now: DateTime<Utc>,
    lease: chrono::Duration,
    limit: u64,
) -> Result<Vec<outbox_mails::Model>, DbErr> {
    let due = "status = $3 AND next_attempt_at <= $4 AND (locked_until IS NULL OR locked_until < $4)";
    let mut values: Vec<Value> = vec![worker.into(), (now + lease).into(), PENDING.into(), now.into()];
    let candidates = if super::is_sqlite(db) {
        // SQLite serialises writers, so the conditional UPDATE alone decides ownership. The candidates are
        // read first: an idle poll then takes no write lock that another connection's transaction would
        // have to wait for.
        let ids: Vec<i32> = Entity::find()
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
            .await?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let placeholders: Vec<String> = (0..ids.len()).map(|i| format!("${}", i + 5)).collect();
        values.extend(ids.into_iter().map(Value::from));
        placeholders.join(", ")
    } else {
        // PostgreSQL skips the candidates another worker is claiming at this moment, and re-checks `due`
        // on rows another worker has just claimed. The order of `idx_outbox_due` (status, next_attempt_at)
        // lets the scan stop after `limit` due mails.
        values.push(i64::try_from(limit).unwrap_or(i64::MAX).into());
        format!("SELECT id FROM outbox_mails WHERE {due} ORDER BY next_attempt_at, id LIMIT $5 FOR UPDATE SKIP LOCKED")
    };
    let sql = format!(
        "UPDATE outbox_mails SET locked_by = $1, locked_until = $2 WHERE {due} AND id IN ({candidates}) RETURNING *"
    );
    let mut claimed = Entity::find()
        .from_raw_sql(Statement::from_sql_and_values(db.get_database_backend(), sql, values))
        .all(db)
        .await?;
    claimed.sort_by_key(|m| (m.next_attempt_at, m.id));
    Ok(claimed)
}

/// Records deliveries, in one statement. Only the worker holding the lease may do so.
pub async fn mark_sent_many(
    db: &DatabaseConnection,
    ids: &[i32],
    worker: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    if ids.is_empty() {
        return Ok(());
    }
    Entity::update_many()
        .col_expr(Column::Status, Expr::value(SENT))
        .col_expr(Column::SentAt, Expr::value(now))
        .col_expr(Column::Attempts, Expr::col(Column::Attempts).add(1))
        .col_expr(Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(Column::Id.is_in(ids.iter().copied()))
        .filter(Column::LockedBy.eq(worker))
        .exec(db)
        .await?;
    Ok(())
}

/// Records a delivery. Only the worker holding the lease may do so.
pub async fn mark_sent(db: &DatabaseConnection, id: i32, worker: &str, now: DateTime<Utc>) -> Result<(), DbErr> {
    mark_sent_many(db, &[id], worker, now).await
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
