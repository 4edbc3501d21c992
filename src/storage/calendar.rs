//! Calendar overrides: an administrator's dated decisions that beat the statutory rules (a Cabinet resolution
//! declaring a day off, a working Saturday). Rows are never deleted; at most one per date is live
//! (`revoked_at` unset). Every change appends a `calendar_day` event in the same transaction.
use std::{
    collections::BTreeMap,
    sync::{
        LazyLock,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use chrono::{DateTime, NaiveDate, Utc};
use entity::calendar_overrides;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, Set,
};
use serde_json::json;

use super::events::{self, NewEvent};
use crate::{
    domain::calendar::{Calendar, DayOverride},
    error::AppError,
};

const SUBJECT: &str = "calendar_day";

fn state(working: bool) -> &'static str {
    if working { "working" } else { "day_off" }
}

/// Every live override, by date.
pub async fn list_overrides(conn: &impl ConnectionTrait) -> Result<Vec<calendar_overrides::Model>, sea_orm::DbErr> {
    calendar_overrides::Entity::find()
        .filter(calendar_overrides::Column::RevokedAt.is_null())
        .order_by_asc(calendar_overrides::Column::Date)
        .order_by_asc(calendar_overrides::Column::Id)
        .all(conn)
        .await
}

/// The live overrides in the shape the domain calendar takes.
pub async fn load_overrides(conn: &impl ConnectionTrait) -> Result<BTreeMap<NaiveDate, DayOverride>, sea_orm::DbErr> {
    Ok(list_overrides(conn)
        .await?
        .into_iter()
        .map(|o| (o.date, DayOverride { working: o.working, note: o.note }))
        .collect())
}

/// The working-day calendar in force: the statutory rules (with or without martial law) plus the live overrides.
pub async fn calendar(conn: &impl ConnectionTrait, martial_law: bool) -> Result<Calendar, sea_orm::DbErr> {
    Ok(Calendar::new(martial_law, load_overrides(conn).await?))
}

/// How long the overrides read for [`current_calendar`] are reused. A change made through this process
/// takes effect at once ([`set_override`] and [`remove_override`] call [`overrides_changed`] once they
/// have committed); a change made by another instance sharing the database takes effect here within
/// this time.
pub const OVERRIDES_MAX_AGE: Duration = Duration::from_secs(1);

static OVERRIDES_GENERATION: AtomicU64 = AtomicU64::new(0);
static OVERRIDES: LazyLock<super::directory::SharedCache<BTreeMap<NaiveDate, DayOverride>>> =
    LazyLock::new(|| super::directory::SharedCache::new(&OVERRIDES_GENERATION, OVERRIDES_MAX_AGE));

/// Marks the overrides this process keeps in memory as out of date.
pub fn overrides_changed() {
    OVERRIDES_GENERATION.fetch_add(1, Ordering::SeqCst);
}

/// [`calendar`] for request handlers: the same calendar, from overrides kept in memory (see
/// [`OVERRIDES_MAX_AGE`]) instead of a query per request.
pub async fn current_calendar(db: &DatabaseConnection, martial_law: bool) -> Result<Calendar, sea_orm::DbErr> {
    let overrides = OVERRIDES.get(db, || load_overrides(db)).await?;
    Ok(Calendar::new(martial_law, (*overrides).clone()))
}

async fn live_override(
    conn: &impl ConnectionTrait,
    date: NaiveDate,
) -> Result<Option<calendar_overrides::Model>, sea_orm::DbErr> {
    calendar_overrides::Entity::find()
        .filter(calendar_overrides::Column::Date.eq(date))
        .filter(calendar_overrides::Column::RevokedAt.is_null())
        .one(conn)
        .await
}

/// A transaction that holds the right to change overrides from its first statement, so two administrators
/// changing the same date queue instead of both inserting (the partial unique index would refuse the second)
/// or deadlocking: `BEGIN IMMEDIATE` on SQLite; on PostgreSQL a table lock that conflicts only with itself,
/// so readers never wait.
async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, sea_orm::DbErr> {
    let txn = super::begin_write(db).await?;
    if !super::is_sqlite(&txn) {
        txn.execute_unprepared("LOCK TABLE calendar_overrides IN SHARE ROW EXCLUSIVE MODE").await?;
    }
    Ok(txn)
}

/// Records `decision` for `date`, replacing (revoking) the live override of that date if there is one.
/// Setting exactly what is already in force changes nothing and records no event.
pub async fn set_override(
    db: &DatabaseConnection,
    actor_account_id: i32,
    date: NaiveDate,
    decision: DayOverride,
    now: DateTime<Utc>,
) -> Result<calendar_overrides::Model, AppError> {
    let txn = begin_write(db).await?;
    let previous = live_override(&txn, date).await?;
    if let Some(previous) = &previous
        && previous.working == decision.working
        && previous.note == decision.note
    {
        return Ok(previous.clone());
    }
    if let Some(previous) = previous.clone() {
        let mut revoked = previous.into_active_model();
        revoked.revoked_at = Set(Some(now));
        revoked.update(&txn).await?;
    }
    let created = calendar_overrides::ActiveModel {
        date: Set(date),
        working: Set(decision.working),
        note: Set(decision.note),
        created_by_account_id: Set(actor_account_id),
        created_at: Set(now),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    events::append(
        &txn,
        now,
        NewEvent {
            actor_account_id: Some(actor_account_id),
            subject_type: SUBJECT,
            subject_id: date.to_string(),
            action: "override_set",
            from_state: previous.as_ref().map(|p| state(p.working)),
            to_state: Some(state(created.working)),
            details: json!({
                "working": created.working,
                "note": created.note,
                "replaced": previous.as_ref().map(|p| json!({"working": p.working, "note": p.note})),
            }),
        },
    )
    .await?;
    txn.commit().await?;
    overrides_changed();
    Ok(created)
}

/// Revokes the live override of `date`, so the statutory rules apply again. 404 when there is none.
pub async fn remove_override(
    db: &DatabaseConnection,
    actor_account_id: i32,
    date: NaiveDate,
    now: DateTime<Utc>,
) -> Result<calendar_overrides::Model, AppError> {
    let txn = begin_write(db).await?;
    let live = live_override(&txn, date).await?.ok_or_else(|| {
        AppError::not_found(format!("{date} has no override in force; see GET /api/v1/calendar/overrides"))
    })?;
    let mut revoked = live.into_active_model();
    revoked.revoked_at = Set(Some(now));
    let revoked = revoked.update(&txn).await?;
    events::append(
        &txn,
        now,
        NewEvent {
            actor_account_id: Some(actor_account_id),
            subject_type: SUBJECT,
            subject_id: date.to_string(),
            action: "override_removed",
            from_state: Some(state(revoked.working)),
            to_state: None,
            details: json!({ "working": revoked.working, "note": revoked.note }),
        },
    )
    .await?;
    txn.commit().await?;
    overrides_changed();
    Ok(revoked)
}
