//! When each officer last opened each organisation's work queue (the desk's "since your last visit"),
//! kept per account so every browser they use agrees.
use entity::desk_visits;
use sea_orm::sea_query::OnConflict;

use super::*;

/// When `account_id` last opened `organisation_id`'s queue, if ever.
pub async fn last_desk_visit(
    db: &DatabaseConnection,
    account_id: i32,
    organisation_id: i32,
) -> Result<Option<DateTime<Utc>>, AppError> {
    Ok(desk_visits::Entity::find_by_id((account_id, organisation_id)).one(db).await?.map(|v| v.seen_at))
}

/// Records that `account_id` opened `organisation_id`'s queue at `now`.
pub async fn record_desk_visit(
    db: &DatabaseConnection,
    account_id: i32,
    organisation_id: i32,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let visit = desk_visits::ActiveModel {
        account_id: Set(account_id),
        organisation_id: Set(organisation_id),
        seen_at: Set(now),
    };
    desk_visits::Entity::insert(visit)
        .on_conflict(
            OnConflict::columns([desk_visits::Column::AccountId, desk_visits::Column::OrganisationId])
                .update_column(desk_visits::Column::SeenAt)
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}
