//! Idempotency keys as stored: claiming a key for a request, linking it to what the request created in
//! the creating transaction, keeping the answer, and the sweep of expired keys (see `api::idempotency`
//! for the protocol clients see).
//!
//! The rows are a technical record with no personal data (the scope and fingerprint are digests; the kept
//! answer is what the client was already given): they are deleted when they expire, not archived.
use chrono::{DateTime, TimeDelta, Utc};
use entity::idempotency_keys::{self, Column};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, TryInsertResult,
    sea_query::Expr,
};

use crate::error::AppError;

/// How long a running request holds its key. A request that takes longer loses nothing: its retry waits
/// (409) until then, and then sees what it created.
pub const LEASE: TimeDelta = TimeDelta::seconds(60);

/// The answer given to a request, as kept for replay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptAnswer {
    pub status: u16,
    /// The headers replayed (content type, location), by name.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

/// Where a request with a key stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The key is new, or its first request stopped before creating anything: this request goes ahead.
    Proceed,
    /// The key's request was answered: give that answer again.
    Answered(KeptAnswer),
    /// The key's request created `resource`, but its answer was lost (the process stopped in between).
    Created { resource: String },
    /// The key's first request is still running.
    InFlight,
    /// The key was used for a different request.
    Mismatch,
}

/// Claims `scope` for a request whose content digest is `fingerprint`.
pub async fn claim(
    db: &DatabaseConnection,
    scope: &str,
    fingerprint: &str,
    now: DateTime<Utc>,
    retention: TimeDelta,
) -> Result<Claim, AppError> {
    let fresh = idempotency_keys::ActiveModel {
        scope: Set(scope.to_owned()),
        fingerprint: Set(fingerprint.to_owned()),
        locked_until: Set(Some(now + LEASE)),
        created_resource: Set(None),
        response_status: Set(None),
        response_headers: Set(None),
        response_body: Set(None),
        created_at: Set(now),
        expires_at: Set(now + retention),
    };
    let inserted = idempotency_keys::Entity::insert(fresh).on_conflict_do_nothing().exec_without_returning(db).await?;
    if matches!(inserted, TryInsertResult::Inserted(n) if n > 0) {
        return Ok(Claim::Proceed);
    }
    let Some(row) = idempotency_keys::Entity::find_by_id(scope.to_owned()).one(db).await? else {
        // Swept between the two statements: the caller may simply retry.
        return Ok(Claim::InFlight);
    };
    if row.fingerprint != fingerprint {
        return Ok(Claim::Mismatch);
    }
    if let (Some(status), Some(body)) = (row.response_status, row.response_body) {
        let headers = row.response_headers.as_deref().and_then(|h| serde_json::from_str(h).ok()).unwrap_or_default();
        return Ok(Claim::Answered(KeptAnswer { status: status as u16, headers, body }));
    }
    if row.locked_until.is_some_and(|until| until > now) {
        return Ok(Claim::InFlight);
    }
    if let Some(resource) = row.created_resource {
        return Ok(Claim::Created { resource });
    }
    // The first request stopped without creating anything (its transaction never committed): take the key
    // over. Two retries racing here: the update lets one win.
    let taken = idempotency_keys::Entity::update_many()
        .col_expr(Column::LockedUntil, Expr::value(Some(now + LEASE)))
        .filter(Column::Scope.eq(scope))
        .filter(Column::CreatedResource.is_null())
        .filter(match row.locked_until {
            Some(until) => Column::LockedUntil.eq(until),
            None => Column::LockedUntil.is_null(),
        })
        .exec(db)
        .await?;
    Ok(if taken.rows_affected == 1 { Claim::Proceed } else { Claim::InFlight })
}

/// Records, inside the transaction that creates it, that the request holding `scope` created `resource`:
/// if the transaction commits and the answer is lost, a retry learns what exists instead of creating it again.
pub async fn link(conn: &impl ConnectionTrait, scope: &str, resource: &str) -> Result<(), AppError> {
    idempotency_keys::Entity::update_many()
        .col_expr(Column::CreatedResource, Expr::value(resource))
        .filter(Column::Scope.eq(scope))
        .exec(conn)
        .await?;
    Ok(())
}

/// Keeps the answer of the request holding `scope` and ends its lease.
pub async fn keep_answer(db: &DatabaseConnection, scope: &str, answer: &KeptAnswer) -> Result<(), AppError> {
    let headers = serde_json::to_string(&answer.headers).map_err(|e| AppError::Internal(e.into()))?;
    idempotency_keys::Entity::update_many()
        .col_expr(Column::ResponseStatus, Expr::value(i32::from(answer.status)))
        .col_expr(Column::ResponseHeaders, Expr::value(headers))
        .col_expr(Column::ResponseBody, Expr::value(answer.body.as_str()))
        .col_expr(Column::LockedUntil, Expr::value(None::<DateTime<Utc>>))
        .filter(Column::Scope.eq(scope))
        .exec(db)
        .await?;
    Ok(())
}

/// Gives the key up after an answer not worth keeping (a fault, an outage, a rate limit): a retry runs
/// again. A key whose request created something is kept, only its lease ended.
pub async fn release(db: &DatabaseConnection, scope: &str) -> Result<(), AppError> {
    idempotency_keys::Entity::delete_many()
        .filter(Column::Scope.eq(scope))
        .filter(Column::CreatedResource.is_null())
        .exec(db)
        .await?;
    idempotency_keys::Entity::update_many()
        .col_expr(Column::LockedUntil, Expr::value(None::<DateTime<Utc>>))
        .filter(Column::Scope.eq(scope))
        .exec(db)
        .await?;
    Ok(())
}

/// Records, inside a batch's transaction, a key for the batch itself with what it created: a batch whose
/// COMMIT answered with an error may have landed, and [`created_by`] tells.
pub async fn record_batch(
    conn: &impl ConnectionTrait,
    scope: &str,
    created: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    idempotency_keys::Entity::insert(idempotency_keys::ActiveModel {
        scope: Set(scope.to_owned()),
        fingerprint: Set(String::new()),
        locked_until: Set(None),
        created_resource: Set(Some(created.to_owned())),
        response_status: Set(None),
        response_headers: Set(None),
        response_body: Set(None),
        created_at: Set(now),
        expires_at: Set(now + TimeDelta::hours(24)),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// What the request or batch holding `scope` created, if its transaction committed.
pub async fn created_by(db: &DatabaseConnection, scope: &str) -> Result<Option<String>, AppError> {
    Ok(idempotency_keys::Entity::find_by_id(scope.to_owned()).one(db).await?.and_then(|row| row.created_resource))
}

/// Deletes the keys that expired before `now`; returns how many.
pub async fn sweep(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<u64, AppError> {
    Ok(idempotency_keys::Entity::delete_many().filter(Column::ExpiresAt.lt(now)).exec(db).await?.rows_affected)
}

tokio::task_local! {
    /// The key scope of the request being handled (set by `api::idempotency` around the handler).
    static CURRENT_SCOPE: String;
}

/// Runs `work` as the request holding `scope`: what it creates is linked to the key (see [`link_current`]).
pub async fn with_scope<F: std::future::Future>(scope: String, work: F) -> F::Output {
    CURRENT_SCOPE.scope(scope, work).await
}

/// The key scope of the request being handled, if it sent an `Idempotency-Key`.
pub fn current_scope() -> Option<String> {
    CURRENT_SCOPE.try_with(Clone::clone).ok()
}

/// [`link`] for the request being handled, when it holds a key.
pub async fn link_current(conn: &impl ConnectionTrait, resource: &str) -> Result<(), AppError> {
    match current_scope() {
        Some(scope) => link(conn, &scope, resource).await,
        None => Ok(()),
    }
}
