//! Petition statutes as stored: the terms (collection period, threshold, limits, signing mode) a council
//! adopts, with the date each takes effect.

use chrono::{DateTime, NaiveDate, Utc};
use entity::petition_statutes;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryOrder, Set};
use serde_json::json;

use crate::{
    domain::petitions::{self as rules, SigningMode, Statute},
    error::AppError,
    storage::events::NewEvent,
};

pub fn domain_statute(row: &petition_statutes::Model) -> Statute {
    Statute {
        id: row.id,
        council_id: row.council_id,
        effective_from: row.effective_from,
        signature_threshold: u32::try_from(row.signature_threshold).unwrap_or(0),
        collection_days: u32::try_from(row.collection_days).unwrap_or(0),
        title_max_chars: u32::try_from(row.title_max_chars).unwrap_or(0),
        text_max_chars: u32::try_from(row.text_max_chars).unwrap_or(0),
        signing_mode: SigningMode::parse(&row.signing_mode).unwrap_or(SigningMode::VerifiedAccount),
    }
}

pub async fn statutes(conn: &impl ConnectionTrait) -> Result<Vec<petition_statutes::Model>, AppError> {
    Ok(petition_statutes::Entity::find()
        .order_by_asc(petition_statutes::Column::CouncilId)
        .order_by_asc(petition_statutes::Column::EffectiveFrom)
        .all(conn)
        .await?)
}

/// The statute terms numbered `id`.
pub async fn statute(conn: &impl ConnectionTrait, id: i32) -> Result<petition_statutes::Model, AppError> {
    petition_statutes::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("there are no statute terms {id}")))
}

/// The statute of `council_id` in force on `date`.
pub async fn statute_in_force(
    conn: &impl ConnectionTrait,
    council_id: i32,
    date: NaiveDate,
) -> Result<Option<Statute>, AppError> {
    let all: Vec<Statute> = statutes(conn).await?.iter().map(domain_statute).collect();
    Ok(rules::statute_in_force(&all, council_id, date).cloned())
}

/// Records new statute terms (a change is a new row with a later date; rows are never edited). The
/// request's idempotency key is linked to the terms in the same transaction (see `storage::idempotency`).
pub async fn add_statute(
    db: &DatabaseConnection,
    actor: Option<i32>,
    statute: &Statute,
    now: DateTime<Utc>,
    lost: &crate::storage::LostCommitAnswers,
) -> Result<petition_statutes::Model, AppError> {
    statute.validate().map_err(|(field, message)| AppError::validation(field, message))?;
    let council = crate::storage::directory::get_organisation(db, statute.council_id)
        .await
        .map_err(|_| AppError::validation("council_id", format!("there is no organisation {}", statute.council_id)))?;
    if council.kind != "council" {
        return Err(AppError::validation("council_id", format!("{} is not a council", council.name)));
    }
    let txn = crate::storage::begin_write(db).await?;
    let row = petition_statutes::ActiveModel {
        council_id: Set(statute.council_id),
        effective_from: Set(statute.effective_from),
        signature_threshold: Set(statute.signature_threshold as i32),
        collection_days: Set(statute.collection_days as i32),
        title_max_chars: Set(statute.title_max_chars as i32),
        text_max_chars: Set(statute.text_max_chars as i32),
        signing_mode: Set(statute.signing_mode.code().to_owned()),
        created_by: Set(actor),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| match AppError::from(e) {
        // Terms of that date exist: another date is what the person can change.
        AppError::Conflict(_) => AppError::validation("effective_from", rules::STATUTE_DATE_TAKEN),
        other => other,
    })?;
    crate::storage::idempotency::link_current(&txn, &format!("/api/v1/petitions/statutes/{}", row.id)).await?;
    NewEvent::new(actor, ("petition_statute", row.id), "adopted", json!(domain_statute(&row)))
        .append_to(&txn, now)
        .await?;
    lost.commit(txn).await?;
    Ok(row)
}

/// Gives the example city's council petition terms (250 signatures in 60 days, signing with an account
/// or a confirmed e-mail), so a fresh installation can take petitions at once.
pub async fn adopt_example_statute(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<(), AppError> {
    let council = crate::storage::directory::list_organisations(db).await?.into_iter().find(|o| o.kind == "council");
    let Some(council) = council else { return Ok(()) };
    let statute = Statute {
        id: 0,
        council_id: council.id,
        effective_from: NaiveDate::from_ymd_opt(2024, 1, 1).expect("a valid date"),
        signature_threshold: 250,
        collection_days: 60,
        title_max_chars: 200,
        text_max_chars: 10_000,
        signing_mode: SigningMode::AccountOrEmail,
    };
    add_statute(db, None, &statute, now, &Default::default()).await.map(|_| ())
}
