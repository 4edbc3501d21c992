//! The open-data exports as stored: keyset-paginated reads of only the public columns, and the key of the
//! author pseudonyms.
//!
//! Each read selects the columns the export publishes and nothing else, so private text (appeal texts,
//! answers, refusal reasons, contacts) never leaves the database on this path.
use chrono::{DateTime, Utc};
use entity::{appeals, events, petitions, service_secrets};
use rand::RngCore;
use sea_orm::{
    ColumnTrait, DatabaseConnection, DerivePartialModel, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::error::AppError;

/// Rows per query. A full export is this many rows at a time, so memory stays flat whatever the table size:
/// one piece of a download (the rows read, their cells and the bytes written) stays well under a megabyte.
pub const CHUNK_ROWS: u64 = 1000;

/// The `service_secrets` row holding the generated pseudonym key.
const PSEUDONYM_SECRET: &str = "open_data.pseudonym_secret";

/// A half-open span of instants `[from, to)`; either end may be open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Period {
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

impl Period {
    fn condition(&self, column: impl ColumnTrait) -> sea_orm::Condition {
        let mut condition = sea_orm::Condition::all();
        if let Some(from) = self.from {
            condition = condition.add(column.gte(from));
        }
        if let Some(to) = self.to {
            condition = condition.add(column.lt(to));
        }
        condition
    }
}

/// A petition's public columns. The title is read but published only for petitions that were published.
#[derive(Debug, Clone, DerivePartialModel)]
#[sea_orm(entity = "petitions::Entity")]
pub struct PetitionRow {
    pub id: i32,
    pub council_id: i32,
    pub category_id: Option<i32>,
    pub status: String,
    pub submitted_at: DateTime<Utc>,
    pub publication_due_at: DateTime<Utc>,
    pub moderated_at: Option<DateTime<Utc>>,
    pub published_at: Option<DateTime<Utc>>,
    pub refusal_code: Option<String>,
    pub statute_id: Option<i32>,
    pub signature_threshold: Option<i32>,
    pub collection_ends_at: Option<DateTime<Utc>>,
    pub signature_count: i64,
    pub threshold_reached_at: Option<DateTime<Utc>>,
    pub notice_at: Option<DateTime<Utc>>,
    pub consideration_due_at: Option<DateTime<Utc>>,
    pub answered_at: Option<DateTime<Utc>>,
    pub decision: Option<String>,
    pub closed_at: Option<DateTime<Utc>>,
    pub appeal_id: Option<i32>,
    pub title: String,
}

/// An appeal's public columns; `author_account_id` is read only to derive the pseudonym.
#[derive(Debug, Clone, DerivePartialModel)]
#[sea_orm(entity = "appeals::Entity")]
pub struct AppealRow {
    pub id: i32,
    pub kind: String,
    pub channel: String,
    pub category_id: Option<i32>,
    pub district_id: Option<i32>,
    pub executor_id: i32,
    pub status: String,
    pub deadline_rule: String,
    pub received_at: DateTime<Utc>,
    pub registered_at: DateTime<Utc>,
    pub executor_received_at: DateTime<Utc>,
    pub original_due_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub extended_due_at: Option<DateTime<Utc>>,
    pub forward_due_at: DateTime<Utc>,
    pub forwarded_count: i32,
    pub overdue_at: Option<DateTime<Utc>>,
    pub answered_at: Option<DateTime<Utc>>,
    pub resolution: Option<String>,
    pub refusal_code: Option<String>,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub rework_count: i32,
    pub rating: Option<i32>,
    pub duplicate_of_id: Option<i32>,
    pub author_account_id: Option<i32>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

/// An event's public columns: no actor, no details (they may hold private text).
#[derive(Debug, Clone, DerivePartialModel)]
#[sea_orm(entity = "events::Entity")]
pub struct TransitionRow {
    pub id: i32,
    pub occurred_at: DateTime<Utc>,
    pub subject_type: String,
    pub subject_id: String,
    pub action: String,
    pub from_state: Option<String>,
    pub to_state: Option<String>,
}

/// The subject types whose events are published: appeals (all kinds) and petitions.
pub fn transition_subjects() -> [&'static str; 2] {
    [super::appeals::SUBJECT, super::petitions::SUBJECT]
}

/// The highest petition id now: an export stops there, so rows added while it streams do not make it
/// run on forever.
pub async fn last_petition_id(db: &DatabaseConnection) -> Result<Option<i32>, AppError> {
    Ok(petitions::Entity::find()
        .select_only()
        .column_as(petitions::Column::Id.max(), "last_id")
        .into_tuple::<Option<i32>>()
        .one(db)
        .await?
        .flatten())
}

pub async fn last_appeal_id(db: &DatabaseConnection) -> Result<Option<i32>, AppError> {
    Ok(appeals::Entity::find()
        .select_only()
        .column_as(appeals::Column::Id.max(), "last_id")
        .into_tuple::<Option<i32>>()
        .one(db)
        .await?
        .flatten())
}

pub async fn last_event_id(db: &DatabaseConnection) -> Result<Option<i32>, AppError> {
    Ok(events::Entity::find()
        .select_only()
        .column_as(events::Column::Id.max(), "last_id")
        .into_tuple::<Option<i32>>()
        .one(db)
        .await?
        .flatten())
}

/// Petitions with `after < id <= upto` submitted within `period`, by id, at most `limit`.
pub async fn petitions_after(
    db: &DatabaseConnection,
    after: i32,
    upto: i32,
    period: Period,
    limit: u64,
) -> Result<Vec<PetitionRow>, AppError> {
    Ok(petitions::Entity::find()
        .filter(petitions::Column::Id.gt(after))
        .filter(petitions::Column::Id.lte(upto))
        .filter(period.condition(petitions::Column::SubmittedAt))
        .order_by_asc(petitions::Column::Id)
        .limit(limit)
        .into_partial_model::<PetitionRow>()
        .all(db)
        .await?)
}

/// Appeals with `after < id <= upto` received within `period`, by id, at most `limit`.
pub async fn appeals_after(
    db: &DatabaseConnection,
    after: i32,
    upto: i32,
    period: Period,
    limit: u64,
) -> Result<Vec<AppealRow>, AppError> {
    Ok(appeals::Entity::find()
        .filter(appeals::Column::Id.gt(after))
        .filter(appeals::Column::Id.lte(upto))
        .filter(period.condition(appeals::Column::ReceivedAt))
        .order_by_asc(appeals::Column::Id)
        .limit(limit)
        .into_partial_model::<AppealRow>()
        .all(db)
        .await?)
}

/// Appeal and petition events with `after < id <= upto` that occurred within `period`, by id, at most `limit`.
pub async fn transitions_after(
    db: &DatabaseConnection,
    after: i32,
    upto: i32,
    period: Period,
    limit: u64,
) -> Result<Vec<TransitionRow>, AppError> {
    Ok(events::Entity::find()
        .filter(events::Column::Id.gt(after))
        .filter(events::Column::Id.lte(upto))
        .filter(events::Column::SubjectType.is_in(transition_subjects()))
        .filter(period.condition(events::Column::OccurredAt))
        .order_by_asc(events::Column::Id)
        .limit(limit)
        .into_partial_model::<TransitionRow>()
        .all(db)
        .await?)
}

/// The pseudonym key: the configured one, else the one generated on first use and kept in the database.
///
/// Several instances may ask at once on a fresh database: each offers a random key with insert-if-absent
/// and then reads the one that won, so all of them use the same key.
pub async fn pseudonym_secret(db: &DatabaseConnection, configured: Option<&str>) -> Result<String, AppError> {
    if let Some(secret) = configured {
        return Ok(secret.to_owned());
    }
    if let Some(row) = service_secrets::Entity::find_by_id(PSEUDONYM_SECRET.to_owned()).one(db).await? {
        return Ok(row.value);
    }
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let offer = service_secrets::ActiveModel {
        name: Set(PSEUDONYM_SECRET.to_owned()),
        value: Set(hex::encode(bytes)),
        created_at: Set(Utc::now()),
    };
    service_secrets::Entity::insert(offer).on_conflict_do_nothing().exec_without_returning(db).await?;
    let row = service_secrets::Entity::find_by_id(PSEUDONYM_SECRET.to_owned())
        .one(db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the pseudonym key was not stored"))?;
    Ok(row.value)
}
