//! Calendar overrides: an administrator's dated decisions that beat the statutory rules (a Cabinet resolution
//! declaring a day off, a working Saturday). Rows are never deleted; at most one per date is live
//! (`revoked_at` unset). Every change appends a `calendar_day` event in the same transaction.
//!
//! The end of martial law an administrator records is itself an event (`calendar_martial_law`): the
//! latest one is in force and beats `calendar.martial_law_ended_on` of the configuration.
use std::{
    collections::BTreeMap,
    sync::{
        LazyLock,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use chrono::{DateTime, NaiveDate, Utc};
use entity::{calendar_overrides, events as event_rows};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, Set,
};
use serde_json::json;

use super::events::NewEvent;
use crate::{
    domain::calendar::{Calendar, DayOverride, MartialLaw},
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

/// What the calendar is built from besides the statutes: the live overrides and the end of martial law an
/// administrator recorded (`None` when none did; `Some(None)` when one recorded that it has not ended).
#[derive(Debug, Clone, Default)]
pub struct CalendarRecords {
    pub overrides: BTreeMap<NaiveDate, DayOverride>,
    pub martial_law_end: Option<Option<NaiveDate>>,
}

impl CalendarRecords {
    /// The calendar, with `configured_end` (`calendar.martial_law_ended_on`) where no administrator decided.
    pub fn calendar(&self, configured_end: Option<NaiveDate>) -> Calendar {
        let ended_on = self.martial_law_end.unwrap_or(configured_end);
        Calendar::new(MartialLaw { ended_on }, self.overrides.clone())
    }
}

const MARTIAL_LAW_SUBJECT: &str = "calendar_martial_law";
/// The administrators' decisions.
const MARTIAL_LAW_ID: &str = "end";
/// The values of `calendar.martial_law_ended_on` the service started with, as it adopted them.
const CONFIGURED_ID: &str = "configuration";

/// The latest `to_state` (a date, or nothing for "in force") recorded under `subject_id`; `None` when none.
async fn latest_martial_law_end(
    conn: &impl ConnectionTrait,
    subject_id: &str,
) -> Result<Option<Option<NaiveDate>>, sea_orm::DbErr> {
    let latest = event_rows::Entity::find()
        .filter(event_rows::Column::SubjectType.eq(MARTIAL_LAW_SUBJECT))
        .filter(event_rows::Column::SubjectId.eq(subject_id))
        .order_by_desc(event_rows::Column::Id)
        .one(conn)
        .await?;
    Ok(latest.map(|e| e.to_state.and_then(|s| s.parse::<NaiveDate>().ok())))
}

/// Records `configured_end` (`calendar.martial_law_ended_on`) as an event when it differs from the value
/// the service last started with, so the caller can count the open deadlines again. Returns whether it
/// changed; never when an administrator recorded a decision, which is in force instead.
pub async fn adopt_configured_martial_law_end(
    db: &DatabaseConnection,
    configured_end: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let txn = begin_write(db).await?;
    if recorded_martial_law_end(&txn).await?.is_some() {
        return Ok(false);
    }
    let previous = latest_martial_law_end(&txn, CONFIGURED_ID).await?.flatten();
    if previous == configured_end {
        return Ok(false);
    }
    let (from, to) = (previous.map(|d| d.to_string()), configured_end.map(|d| d.to_string()));
    let event = NewEvent::new(
        None,
        (MARTIAL_LAW_SUBJECT, CONFIGURED_ID),
        "martial_law_end_configured",
        json!({ "ended_on": configured_end, "previous_ended_on": previous }),
    )
    .moved(from.as_deref(), to.as_deref());
    commit_change(txn, event, now).await?;
    Ok(true)
}

/// The end of martial law the latest administrator's decision recorded, if any decided.
pub async fn recorded_martial_law_end(
    conn: &impl ConnectionTrait,
) -> Result<Option<Option<NaiveDate>>, sea_orm::DbErr> {
    latest_martial_law_end(conn, MARTIAL_LAW_ID).await
}

async fn load_records(conn: &impl ConnectionTrait) -> Result<CalendarRecords, sea_orm::DbErr> {
    Ok(CalendarRecords {
        overrides: load_overrides(conn).await?,
        martial_law_end: recorded_martial_law_end(conn).await?,
    })
}

/// The working-day calendar in force: the statutory rules by date, martial law ending when an administrator
/// recorded (else `configured_end`), and the live overrides.
pub async fn calendar(
    conn: &impl ConnectionTrait,
    configured_end: Option<NaiveDate>,
) -> Result<Calendar, sea_orm::DbErr> {
    Ok(load_records(conn).await?.calendar(configured_end))
}

/// How long the records read for [`current_calendar`] are reused. A change made through this process
/// takes effect at once ([`set_override`], [`remove_override`] and [`set_martial_law_end`] call
/// [`overrides_changed`] once they have committed); a change made by another instance sharing the database
/// takes effect here within this time.
pub const OVERRIDES_MAX_AGE: Duration = Duration::from_secs(1);

static OVERRIDES_GENERATION: AtomicU64 = AtomicU64::new(0);
static RECORDS: LazyLock<super::cache::SharedCache<CalendarRecords>> =
    LazyLock::new(|| super::cache::SharedCache::new(&OVERRIDES_GENERATION, OVERRIDES_MAX_AGE));

/// Marks the calendar records this process keeps in memory as out of date.
pub fn overrides_changed() {
    OVERRIDES_GENERATION.fetch_add(1, Ordering::SeqCst);
}

/// [`calendar`] for request handlers: the same calendar, from records kept in memory (see
/// [`OVERRIDES_MAX_AGE`]) instead of queries per request.
pub async fn current_calendar(
    db: &DatabaseConnection,
    configured_end: Option<NaiveDate>,
) -> Result<Calendar, sea_orm::DbErr> {
    let records = RECORDS.get(db, || load_records(db)).await?;
    Ok(records.calendar(configured_end))
}

/// Records that martial law ended on `ended_on` (the first day of peacetime), or with `None` that it has
/// not ended, as an event in the history. Returns whether anything changed; recording what is already in
/// force records nothing. The caller recalculates the open items' deadlines afterwards.
pub async fn set_martial_law_end(
    db: &DatabaseConnection,
    actor_account_id: i32,
    ended_on: Option<NaiveDate>,
    note: &str,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let txn = begin_write(db).await?;
    let previous = recorded_martial_law_end(&txn).await?;
    if previous == Some(ended_on) {
        return Ok(false);
    }
    let from = previous.flatten().map(|d| d.to_string());
    let to = ended_on.map(|d| d.to_string());
    let event = NewEvent::new(
        Some(actor_account_id),
        (MARTIAL_LAW_SUBJECT, MARTIAL_LAW_ID),
        if ended_on.is_some() { "martial_law_end_set" } else { "martial_law_end_withdrawn" },
        json!({ "ended_on": ended_on, "previous_ended_on": previous.flatten(), "note": note }),
    )
    .moved(from.as_deref(), to.as_deref());
    commit_change(txn, event, now).await?;
    Ok(true)
}

/// After the law behind the calendar changed, counts the running deadline of every open appeal and petition
/// again under `calendar`, each change a transition in that item's history naming `reason`. Returns how
/// many items changed.
pub async fn recalculate_open_items(db: &DatabaseConnection, recount: &Recount<'_>) -> Result<u32, AppError> {
    let appeals = super::appeals::recalculate_open_deadlines(db, recount).await?;
    let petitions = super::petitions::recalculate_open_deadlines(db, recount).await?;
    Ok(appeals + petitions)
}

/// What counting the open items' running deadlines again needs: the `calendar` to count under, the
/// `reason` each changed item's history names, when, and the service's `public_url` for the mails.
pub struct Recount<'a> {
    pub calendar: &'a Calendar,
    pub public_url: &'a str,
    pub reason: &'a str,
    pub now: DateTime<Utc>,
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
        revoke(&txn, previous, now).await?;
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
    let event = NewEvent::new(
        Some(actor_account_id),
        (SUBJECT, date),
        "override_set",
        json!({
            "working": created.working,
            "note": created.note,
            "replaced": previous.as_ref().map(|p| json!({"working": p.working, "note": p.note})),
        }),
    )
    .moved(previous.as_ref().map(|p| state(p.working)), Some(state(created.working)));
    commit_change(txn, event, now).await?;
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
    let revoked = revoke(&txn, live, now).await?;
    let event = NewEvent::new(
        Some(actor_account_id),
        (SUBJECT, date),
        "override_removed",
        json!({ "working": revoked.working, "note": revoked.note }),
    )
    .moved(Some(state(revoked.working)), None);
    commit_change(txn, event, now).await?;
    Ok(revoked)
}

/// Marks an override revoked at `now` (kept, so the history can show it).
async fn revoke(
    txn: &DatabaseTransaction,
    live: calendar_overrides::Model,
    now: DateTime<Utc>,
) -> Result<calendar_overrides::Model, AppError> {
    let mut revoked = live.into_active_model();
    revoked.revoked_at = Set(Some(now));
    Ok(revoked.update(txn).await?)
}

/// Records a change of the calendar's records with its history entry, commits, and tells this process's
/// cache.
async fn commit_change(txn: DatabaseTransaction, event: NewEvent<'_>, now: DateTime<Utc>) -> Result<(), AppError> {
    event.append_to(&txn, now).await?;
    txn.commit().await?;
    overrides_changed();
    Ok(())
}
