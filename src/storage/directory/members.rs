//! Members: the officers and heads of each organisation (a membership ends, it is never deleted).
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use entity::organisation_members;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set, sea_query::Expr,
};
use serde_json::json;

use super::{organisations::get_organisation, routing::directory_changed};
use crate::storage::events::NewEvent;
use crate::{
    domain::authorization::{Membership, OrganisationRole},
    error::AppError,
};

/// A member as listed to administrators and the organisation's head.
pub struct MemberRow {
    pub account_id: i32,
    pub full_name: String,
    pub role: String,
    pub since: DateTime<Utc>,
}

pub async fn list_members(db: &DatabaseConnection, organisation_id: i32) -> Result<Vec<MemberRow>, AppError> {
    get_organisation(db, organisation_id).await?;
    let members = organisation_members::Entity::find()
        .filter(organisation_members::Column::OrganisationId.eq(organisation_id))
        .filter(organisation_members::Column::RemovedAt.is_null())
        .order_by_asc(organisation_members::Column::Id)
        .all(db)
        .await?;
    // One query for all the members' names, not one per member.
    let names: BTreeMap<i32, String> = entity::accounts::Entity::find()
        .filter(entity::accounts::Column::Id.is_in(members.iter().map(|m| m.account_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a.full_name))
        .collect();
    Ok(members
        .into_iter()
        .map(|member| MemberRow {
            full_name: names.get(&member.account_id).cloned().unwrap_or_default(),
            account_id: member.account_id,
            role: member.role,
            since: member.created_at,
        })
        .collect())
}

pub fn parse_member_role(code: &str) -> Result<OrganisationRole, AppError> {
    Ok(OrganisationRole::parse(code)?)
}

/// Whether `account_id` is an active member (officer or head) of `organisation_id`.
pub async fn is_member(conn: &impl ConnectionTrait, organisation_id: i32, account_id: i32) -> Result<bool, AppError> {
    Ok(organisation_members::Entity::find()
        .filter(organisation_members::Column::OrganisationId.eq(organisation_id))
        .filter(organisation_members::Column::AccountId.eq(account_id))
        .filter(organisation_members::Column::RemovedAt.is_null())
        .count(conn)
        .await?
        > 0)
}

/// Makes `account_id` an officer or head of the organisation (replacing an earlier role there).
pub async fn set_member(
    db: &DatabaseConnection,
    actor: i32,
    organisation_id: i32,
    account_id: i32,
    role: OrganisationRole,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let txn = crate::storage::begin_write(db).await?;
    get_organisation(&txn, organisation_id).await?;
    entity::accounts::Entity::find_by_id(account_id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found(format!("there is no account {account_id}")))?;
    let previous = end_membership(&txn, organisation_id, account_id, now).await?;
    organisation_members::ActiveModel {
        organisation_id: Set(organisation_id),
        account_id: Set(account_id),
        role: Set(role.code().to_owned()),
        created_at: Set(now),
        removed_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    NewEvent::new(
        Some(actor),
        ("organisation", organisation_id),
        "member_set",
        json!({ "account_id": account_id, "role": role.code(), "previous_role": previous }),
    )
    .append_to(&txn, now)
    .await?;
    txn.commit().await?;
    directory_changed();
    Ok(())
}

/// Ends the live membership, if any; returns its role.
pub(super) async fn end_membership(
    conn: &impl ConnectionTrait,
    organisation_id: i32,
    account_id: i32,
    now: DateTime<Utc>,
) -> Result<Option<String>, AppError> {
    let live = organisation_members::Entity::find()
        .filter(organisation_members::Column::OrganisationId.eq(organisation_id))
        .filter(organisation_members::Column::AccountId.eq(account_id))
        .filter(organisation_members::Column::RemovedAt.is_null())
        .one(conn)
        .await?;
    let Some(live) = live else { return Ok(None) };
    organisation_members::Entity::update_many()
        .col_expr(organisation_members::Column::RemovedAt, Expr::value(now))
        .filter(organisation_members::Column::Id.eq(live.id))
        .exec(conn)
        .await?;
    Ok(Some(live.role))
}

pub async fn remove_member(
    db: &DatabaseConnection,
    actor: i32,
    organisation_id: i32,
    account_id: i32,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let txn = crate::storage::begin_write(db).await?;
    let previous = end_membership(&txn, organisation_id, account_id, now).await?.ok_or_else(|| {
        AppError::not_found(format!("account {account_id} is not a member of organisation {organisation_id}"))
    })?;
    NewEvent::new(
        Some(actor),
        ("organisation", organisation_id),
        "member_removed",
        json!({ "account_id": account_id, "previous_role": previous }),
    )
    .append_to(&txn, now)
    .await?;
    txn.commit().await?;
    directory_changed();
    Ok(())
}

/// The organisations an account acts for, for authorization.
pub async fn memberships_of(db: &DatabaseConnection, account_id: i32) -> Result<Vec<Membership>, AppError> {
    let rows = organisation_members::Entity::find()
        .filter(organisation_members::Column::AccountId.eq(account_id))
        .filter(organisation_members::Column::RemovedAt.is_null())
        .all(db)
        .await?;
    rows.into_iter()
        .map(|m| Ok(Membership { organisation_id: m.organisation_id, role: parse_member_role(&m.role)? }))
        .collect()
}
