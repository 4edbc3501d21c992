//! Organisations: the councils, departments and enterprises appeals are addressed to and handled by.

use chrono::{DateTime, Utc};
use entity::organisations;
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, IntoActiveModel, QueryOrder, Set,
    TransactionTrait,
};
use serde_json::json;

use super::{routing::directory_changed, save_entry};
use crate::storage::events::NewEvent;
use crate::{
    domain::directory::{OrganisationKind, validate_community_share},
    error::AppError,
};

pub fn parse_kind(code: &str) -> Result<OrganisationKind, AppError> {
    Ok(OrganisationKind::parse(code)?)
}

/// What an administrator gives for an organisation (create or full update).
#[derive(Debug, Clone)]
pub struct OrganisationFields {
    pub name: String,
    pub kind: OrganisationKind,
    pub parent_id: Option<i32>,
    pub community_share_percent: Option<f64>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub website: Option<String>,
    pub active: bool,
}

impl OrganisationFields {
    /// Checks what needs no database: a name, a share in 0–100.
    pub fn validate(&self) -> Result<(), AppError> {
        if self.name.trim().is_empty() {
            return Err(AppError::validation("name", "the organisation needs a name"));
        }
        if let Some(share) = self.community_share_percent {
            validate_community_share(share)
                .map_err(|e| AppError::validation("community_share_percent", e.to_string()))?;
        }
        Ok(())
    }
}

pub(super) async fn ensure_organisation(
    conn: &impl ConnectionTrait,
    id: i32,
    field: &str,
) -> Result<organisations::Model, AppError> {
    organisations::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or_else(|| AppError::validation(field, format!("there is no organisation {id}")))
}

pub async fn list_organisations(db: &DatabaseConnection) -> Result<Vec<organisations::Model>, AppError> {
    Ok(organisations::Entity::find().order_by_asc(organisations::Column::Id).all(db).await?)
}

pub async fn get_organisation(db: &impl ConnectionTrait, id: i32) -> Result<organisations::Model, AppError> {
    organisations::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found(format!("there is no organisation {id}")))
}

/// Creates (`id` None) or replaces (`id` Some) an organisation.
pub async fn save_organisation<C: ConnectionTrait + TransactionTrait<Transaction = DatabaseTransaction>>(
    db: &C,
    actor: Option<i32>,
    id: Option<i32>,
    fields: OrganisationFields,
    now: DateTime<Utc>,
) -> Result<organisations::Model, AppError> {
    fields.validate()?;
    let txn = crate::storage::begin_write(db).await?;
    if let Some(parent) = fields.parent_id {
        if Some(parent) == id {
            return Err(AppError::validation("parent_id", "an organisation cannot be its own parent"));
        }
        ensure_organisation(&txn, parent, "parent_id").await?;
    }
    let mut model = match id {
        Some(id) => get_organisation(&txn, id).await?.into_active_model(),
        None => organisations::ActiveModel { created_at: Set(now), ..Default::default() },
    };
    model.updated_at = Set(now);
    model.name = Set(fields.name.trim().to_owned());
    model.kind = Set(fields.kind.code().to_owned());
    model.parent_id = Set(fields.parent_id);
    model.community_share_percent = Set(fields.community_share_percent);
    model.email = Set(fields.email);
    model.phone = Set(fields.phone);
    model.address = Set(fields.address);
    model.website = Set(fields.website);
    model.active = Set(fields.active);
    let saved = save_entry(&txn, model, "organisation").await?;
    NewEvent::new(
        actor,
        ("organisation", saved.id),
        if id.is_some() { "updated" } else { "created" },
        json!({ "name": saved.name, "kind": saved.kind, "community_share_percent": saved.community_share_percent }),
    )
    .moved(None, Some(if saved.active { "active" } else { "inactive" }))
    .append_to(&txn, now)
    .await?;
    txn.commit().await?;
    directory_changed();
    Ok(saved)
}
