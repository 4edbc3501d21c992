//! Districts: the city's areas (GeoJSON) that route reports by where they are.

use chrono::{DateTime, Utc};
use entity::districts;
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, IntoActiveModel, QueryOrder, Set,
    TransactionTrait,
};
use serde_json::json;

use super::{routing::directory_changed, save_entry};
use crate::storage::events::NewEvent;
use crate::{domain::directory::Area, error::AppError};

pub async fn list_districts(db: &DatabaseConnection) -> Result<Vec<districts::Model>, AppError> {
    Ok(districts::Entity::find().order_by_asc(districts::Column::Id).all(db).await?)
}

/// A district's name as saved, or the error naming it.
pub fn district_name(name: &str) -> Result<&str, AppError> {
    match name.trim() {
        "" => Err(AppError::validation("name", "the district needs a name")),
        name => Ok(name),
    }
}

/// Creates or replaces a district; `area` is validated GeoJSON.
pub async fn save_district<C: ConnectionTrait + TransactionTrait<Transaction = DatabaseTransaction>>(
    db: &C,
    actor: Option<i32>,
    id: Option<i32>,
    name: &str,
    area: Option<&Area>,
    now: DateTime<Utc>,
) -> Result<districts::Model, AppError> {
    let name = district_name(name)?;
    let txn = crate::storage::begin_write(db).await?;
    let mut model = match id {
        Some(id) => districts::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or_else(|| AppError::not_found(format!("there is no district {id}")))?
            .into_active_model(),
        None => districts::ActiveModel { created_at: Set(now), ..Default::default() },
    };
    model.updated_at = Set(now);
    model.name = Set(name.to_owned());
    model.area_geojson = Set(area.map(|a| a.to_geojson().to_string()));
    let saved = save_entry(&txn, model, "district").await?;
    NewEvent::new(
        actor,
        ("district", saved.id),
        if id.is_some() { "updated" } else { "created" },
        json!({ "name": saved.name, "has_area": saved.area_geojson.is_some() }),
    )
    .append_to(&txn, now)
    .await?;
    txn.commit().await?;
    directory_changed();
    Ok(saved)
}
