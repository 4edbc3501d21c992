//! Categories: what a report is about, its urgency, default executor and executors per district.
use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Utc};
use entity::{categories, category_district_executors, districts};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, Set, TransactionTrait,
};
use serde_json::json;

use super::{organisations::ensure_organisation, routing::directory_changed, save_entry};
use crate::storage::events::NewEvent;
use crate::{
    domain::directory::{DistrictId, OrganisationId, RoutingRules, UrgencyClass},
    error::AppError,
};

pub fn parse_urgency(stored: &str) -> Result<UrgencyClass, AppError> {
    serde_json::from_str(stored).map_err(|e| AppError::Internal(anyhow::anyhow!("stored urgency `{stored}`: {e}")))
}

/// A category with its district overrides.
#[derive(Debug, Clone)]
pub struct CategoryRecord {
    pub category: categories::Model,
    pub urgency: UrgencyClass,
    pub district_executors: Vec<(i32, i32)>,
}

impl CategoryRecord {
    pub fn routing_rules(&self) -> RoutingRules {
        RoutingRules {
            default_executor: OrganisationId(self.category.default_executor_id.into()),
            district_overrides: self
                .district_executors
                .iter()
                .map(|&(d, e)| (DistrictId(d.into()), OrganisationId(e.into())))
                .collect(),
        }
    }
}

/// What an administrator gives for a category.
#[derive(Debug, Clone)]
pub struct CategoryFields {
    pub code: String,
    pub name_uk: String,
    pub name_en: String,
    pub urgency: UrgencyClass,
    pub default_executor_id: i32,
    /// (district, executor) pairs.
    pub district_executors: Vec<(i32, i32)>,
    pub for_reports: bool,
    pub for_appeals: bool,
    pub active: bool,
}

pub(super) async fn category_overrides(
    conn: &impl ConnectionTrait,
    category_id: i32,
) -> Result<Vec<(i32, i32)>, AppError> {
    Ok(category_district_executors::Entity::find()
        .filter(category_district_executors::Column::CategoryId.eq(category_id))
        .order_by_asc(category_district_executors::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(|o| (o.district_id, o.executor_id))
        .collect())
}

pub async fn list_categories(db: &DatabaseConnection) -> Result<Vec<CategoryRecord>, AppError> {
    let all = categories::Entity::find().order_by_asc(categories::Column::Id).all(db).await?;
    let overrides = category_district_executors::Entity::find()
        .order_by_asc(category_district_executors::Column::Id)
        .all(db)
        .await?;
    let mut by_category: BTreeMap<i32, Vec<(i32, i32)>> = BTreeMap::new();
    for o in overrides {
        by_category.entry(o.category_id).or_default().push((o.district_id, o.executor_id));
    }
    all.into_iter()
        .map(|category| {
            Ok(CategoryRecord {
                urgency: parse_urgency(&category.urgency)?,
                district_executors: by_category.remove(&category.id).unwrap_or_default(),
                category,
            })
        })
        .collect()
}

pub async fn get_category(db: &impl ConnectionTrait, id: i32) -> Result<CategoryRecord, AppError> {
    let category = categories::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found(format!("there is no category {id}")))?;
    Ok(CategoryRecord {
        urgency: parse_urgency(&category.urgency)?,
        district_executors: category_overrides(db, id).await?,
        category,
    })
}

pub async fn save_category<C: ConnectionTrait + TransactionTrait<Transaction = DatabaseTransaction>>(
    db: &C,
    actor: Option<i32>,
    id: Option<i32>,
    fields: CategoryFields,
    now: DateTime<Utc>,
) -> Result<CategoryRecord, AppError> {
    let code = fields.code.trim().to_owned();
    if code.is_empty() || !code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-') {
        return Err(AppError::validation("code", "the code must be lower-case latin letters, digits, `_` or `-`"));
    }
    if fields.name_uk.trim().is_empty() || fields.name_en.trim().is_empty() {
        return Err(AppError::validation("name_uk", "the category needs a name in Ukrainian and in English"));
    }
    let mut seen = HashSet::new();
    if let Some((district, _)) = fields.district_executors.iter().find(|(d, _)| !seen.insert(*d)) {
        return Err(AppError::validation("district_executors", format!("district {district} is listed twice")));
    }
    let txn = crate::storage::begin_write(db).await?;
    ensure_organisation(&txn, fields.default_executor_id, "default_executor_id").await?;
    for &(district, executor) in &fields.district_executors {
        ensure_organisation(&txn, executor, "district_executors").await?;
        districts::Entity::find_by_id(district)
            .one(&txn)
            .await?
            .ok_or_else(|| AppError::validation("district_executors", format!("there is no district {district}")))?;
    }
    let mut model = match id {
        Some(id) => get_category(&txn, id).await?.category.into_active_model(),
        None => categories::ActiveModel { created_at: Set(now), ..Default::default() },
    };
    model.updated_at = Set(now);
    let urgency = serde_json::to_string(&fields.urgency).map_err(|e| AppError::Internal(e.into()))?;
    model.code = Set(code);
    model.name_uk = Set(fields.name_uk.trim().to_owned());
    model.name_en = Set(fields.name_en.trim().to_owned());
    model.urgency = Set(urgency);
    model.default_executor_id = Set(fields.default_executor_id);
    model.for_reports = Set(fields.for_reports);
    model.for_appeals = Set(fields.for_appeals);
    model.active = Set(fields.active);
    let saved = save_entry(&txn, model, "category").await?;
    // The overrides are configuration, replaced as a whole; their history is in the event below.
    category_district_executors::Entity::delete_many()
        .filter(category_district_executors::Column::CategoryId.eq(saved.id))
        .exec(&txn)
        .await?;
    for &(district, executor) in &fields.district_executors {
        category_district_executors::ActiveModel {
            category_id: Set(saved.id),
            district_id: Set(district),
            executor_id: Set(executor),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    NewEvent::new(
        actor,
        ("category", saved.id),
        if id.is_some() { "updated" } else { "created" },
        json!({
            "code": saved.code,
            "urgency": fields.urgency,
            "default_executor_id": saved.default_executor_id,
            "district_executors": fields.district_executors,
        }),
    )
    .moved(None, Some(if saved.active { "active" } else { "inactive" }))
    .append_to(&txn, now)
    .await?;
    txn.commit().await?;
    directory_changed();
    Ok(CategoryRecord { category: saved, urgency: fields.urgency, district_executors: fields.district_executors })
}
