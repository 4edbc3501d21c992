//! The directory as stored: organisations, members, districts, categories and their district overrides.
//! Every change appends an event in the same transaction. Items routed earlier keep the executor and
//! the rule recorded at routing time, so editing the directory never rewrites where they went.
use std::{
    collections::{BTreeMap, HashMap, HashSet},
    sync::{
        LazyLock,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use chrono::{DateTime, Utc};
use entity::{categories, category_district_executors, districts, organisation_members, organisations};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, Set, TransactionTrait, sea_query::Expr,
};
use serde_json::json;

use super::{cache::SharedCache, events::NewEvent};
use crate::{
    domain::{
        appeals::{IntakeCategory, IntakeDirectory, IntakeOrganisation},
        authorization::{Membership, OrganisationRole},
        directory::{
            Area, DistrictId, Location, OrganisationId, OrganisationKind, RoutingDecision, RoutingRules, UrgencyClass,
            route, validate_community_share,
        },
    },
    error::AppError,
};

pub fn parse_kind(code: &str) -> Result<OrganisationKind, AppError> {
    Ok(OrganisationKind::parse(code)?)
}

pub fn parse_urgency(stored: &str) -> Result<UrgencyClass, AppError> {
    serde_json::from_str(stored).map_err(|e| AppError::Internal(anyhow::anyhow!("stored urgency `{stored}`: {e}")))
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

async fn ensure_organisation(
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
    let txn = super::begin_write(db).await?;
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
    model.name = Set(fields.name.trim().to_owned());
    model.kind = Set(fields.kind.code().to_owned());
    model.parent_id = Set(fields.parent_id);
    model.community_share_percent = Set(fields.community_share_percent);
    model.email = Set(fields.email);
    model.phone = Set(fields.phone);
    model.address = Set(fields.address);
    model.website = Set(fields.website);
    model.active = Set(fields.active);
    model.updated_at = Set(now);
    let saved = model.save(&txn).await.map_err(name_taken("organisation"))?;
    let saved = organisations::Model::try_from(saved).map_err(|e| AppError::Internal(e.into()))?;
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

fn name_taken(what: &'static str) -> impl Fn(sea_orm::DbErr) -> AppError {
    move |e| match AppError::from(e) {
        AppError::Conflict(_) => AppError::Conflict(format!("another {what} already has this name or code")),
        other => other,
    }
}

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
    let txn = super::begin_write(db).await?;
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
async fn end_membership(
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
    let txn = super::begin_write(db).await?;
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

pub async fn list_districts(db: &DatabaseConnection) -> Result<Vec<districts::Model>, AppError> {
    Ok(districts::Entity::find().order_by_asc(districts::Column::Id).all(db).await?)
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
    if name.trim().is_empty() {
        return Err(AppError::validation("name", "the district needs a name"));
    }
    let txn = super::begin_write(db).await?;
    let mut model = match id {
        Some(id) => districts::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .ok_or_else(|| AppError::not_found(format!("there is no district {id}")))?
            .into_active_model(),
        None => districts::ActiveModel { created_at: Set(now), ..Default::default() },
    };
    model.name = Set(name.trim().to_owned());
    model.area_geojson = Set(area.map(|a| a.to_geojson().to_string()));
    model.updated_at = Set(now);
    let saved = model.save(&txn).await.map_err(name_taken("district"))?;
    let saved = districts::Model::try_from(saved).map_err(|e| AppError::Internal(e.into()))?;
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

async fn category_overrides(conn: &impl ConnectionTrait, category_id: i32) -> Result<Vec<(i32, i32)>, AppError> {
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
    let txn = super::begin_write(db).await?;
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
    let urgency = serde_json::to_string(&fields.urgency).map_err(|e| AppError::Internal(e.into()))?;
    model.code = Set(code);
    model.name_uk = Set(fields.name_uk.trim().to_owned());
    model.name_en = Set(fields.name_en.trim().to_owned());
    model.urgency = Set(urgency);
    model.default_executor_id = Set(fields.default_executor_id);
    model.for_reports = Set(fields.for_reports);
    model.for_appeals = Set(fields.for_appeals);
    model.active = Set(fields.active);
    model.updated_at = Set(now);
    let saved = model.save(&txn).await.map_err(name_taken("category"))?;
    let saved = categories::Model::try_from(saved).map_err(|e| AppError::Internal(e.into()))?;
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

/// Routes an item of `category_id` at `location` by the directory as it stands now: as this process
/// last changed it, or as another instance sharing the database changed it at most
/// [`DIRECTORY_MAX_AGE`] ago (see [`RoutingDirectory`]).
pub async fn route_item(
    db: &DatabaseConnection,
    category_id: i32,
    location: &Location,
) -> Result<(CategoryRecord, RoutingDecision), AppError> {
    let directory = ROUTING_DIRECTORY.get(db, || RoutingDirectory::load(db)).await?;
    let category = directory
        .categories
        .get(&category_id)
        .cloned()
        .ok_or_else(|| AppError::not_found(format!("there is no category {category_id}")))?;
    if !category.category.active {
        return Err(AppError::validation("category_id", format!("category {category_id} is no longer in use")));
    }
    if let Some(district) = location.district
        && !directory.district_ids.contains(&(district.0 as i32))
    {
        return Err(AppError::validation("district_id", format!("there is no district {district}")));
    }
    let area_refs: Vec<(DistrictId, &Area)> = directory.areas.iter().map(|(id, a)| (*id, a)).collect();
    let decision = route(&category.routing_rules(), location, &area_refs, |id| directory.active.contains(&id.0))
        .map_err(|e| AppError::validation("category_id", e.to_string()))?;
    Ok((category, decision))
}

// ---------------------------------------------------------------------------
// The directory as routing reads it, kept in memory
// ---------------------------------------------------------------------------

/// How long a directory read for routing is reused. A change made through this process takes effect
/// for the very next item (every directory write calls [`directory_changed`] once it has committed);
/// a change made by another instance sharing the database takes effect here within this time, when
/// the copy is read again. A second is far shorter than any edit of the directory by a person, and
/// it keeps routing from costing four queries (and parsing every district's GeoJSON) per item.
pub const DIRECTORY_MAX_AGE: Duration = Duration::from_secs(1);

static DIRECTORY_GENERATION: AtomicU64 = AtomicU64::new(0);
static ROUTING_DIRECTORY: LazyLock<SharedCache<RoutingDirectory>> =
    LazyLock::new(|| SharedCache::new(&DIRECTORY_GENERATION, DIRECTORY_MAX_AGE));

/// Marks every copy of the directory this process keeps as out of date, so the next item is routed
/// by the directory as it is now. Every directory write calls it after its transaction commits.
pub fn directory_changed() {
    DIRECTORY_GENERATION.fetch_add(1, Ordering::SeqCst);
}

/// Everything routing reads: each category with its district overrides, the districts (their areas
/// parsed once) and which organisations are active.
pub struct RoutingDirectory {
    categories: HashMap<i32, CategoryRecord>,
    district_ids: HashSet<i32>,
    areas: Vec<(DistrictId, Area)>,
    active: HashSet<i64>,
    organisations: HashMap<i32, IntakeOrganisation>,
}

impl RoutingDirectory {
    async fn load(db: &DatabaseConnection) -> Result<RoutingDirectory, AppError> {
        let categories = list_categories(db).await?.into_iter().map(|c| (c.category.id, c)).collect();
        let district_rows = list_districts(db).await?;
        let mut areas = Vec::new();
        for d in &district_rows {
            if let Some(text) = &d.area_geojson {
                let value: serde_json::Value = serde_json::from_str(text).map_err(|e| AppError::Internal(e.into()))?;
                let area = Area::from_geojson(&value)
                    .map_err(|e| AppError::Internal(anyhow::anyhow!("district {}: {e}", d.id)))?;
                areas.push((DistrictId(d.id.into()), area));
            }
        }
        let organisations: HashMap<i32, IntakeOrganisation> = organisations::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|o| (o.id, IntakeOrganisation { name: o.name, active: o.active }))
            .collect();
        let active = organisations.iter().filter(|(_, o)| o.active).map(|(id, _)| i64::from(*id)).collect();
        let district_ids = district_rows.iter().map(|d| d.id).collect();
        Ok(RoutingDirectory { categories, district_ids, areas, active, organisations })
    }
}

/// The directory as intake reads it, the moment an appeal is filed.
pub async fn intake_directory(db: &DatabaseConnection) -> Result<std::sync::Arc<RoutingDirectory>, AppError> {
    ROUTING_DIRECTORY.get(db, || RoutingDirectory::load(db)).await
}

impl IntakeDirectory for RoutingDirectory {
    fn category(&self, id: i32) -> Option<IntakeCategory> {
        self.categories.get(&id).map(|c| IntakeCategory {
            active: c.category.active,
            for_appeals: c.category.for_appeals,
            for_reports: c.category.for_reports,
            urgency: c.urgency,
            rules: c.routing_rules(),
        })
    }

    fn has_district(&self, id: i32) -> bool {
        self.district_ids.contains(&id)
    }

    fn areas(&self) -> Vec<(DistrictId, &Area)> {
        self.areas.iter().map(|(id, a)| (*id, a)).collect()
    }

    fn organisation(&self, id: i32) -> Option<IntakeOrganisation> {
        self.organisations.get(&id).cloned()
    }
}

/// True when the directory has nothing in it yet (so the example city may be loaded).
pub async fn is_empty(db: &DatabaseConnection) -> Result<bool, AppError> {
    Ok(organisations::Entity::find().count(db).await? == 0
        && districts::Entity::find().count(db).await? == 0
        && categories::Entity::find().count(db).await? == 0)
}

#[derive(serde::Deserialize)]
struct ExampleCity {
    organisations: Vec<ExampleOrganisation>,
    districts: Vec<ExampleDistrict>,
    categories: Vec<ExampleCategory>,
}

#[derive(serde::Deserialize)]
struct ExampleOrganisation {
    name: String,
    kind: String,
    parent: Option<String>,
    community_share_percent: Option<f64>,
    email: Option<String>,
    phone: Option<String>,
    address: Option<String>,
}

#[derive(serde::Deserialize)]
struct ExampleDistrict {
    name: String,
    area: serde_json::Value,
}

#[derive(serde::Deserialize)]
struct ExampleCategory {
    code: String,
    name_uk: String,
    name_en: String,
    urgency: UrgencyClass,
    executor: String,
    #[serde(default)]
    districts: BTreeMap<String, String>,
    for_reports: Option<bool>,
}

/// Loads `seed/example-city.json` into an empty directory, in one transaction. Returns whether it did.
/// Two instances starting together cannot load it twice: organisation names are unique.
pub async fn load_example_city(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<bool, AppError> {
    if !is_empty(db).await? {
        return Ok(false);
    }
    let city: ExampleCity = serde_json::from_str(include_str!("../../seed/example-city.json"))
        .map_err(|e| AppError::Internal(anyhow::anyhow!("seed/example-city.json: {e}")))?;
    let txn = super::begin_write(db).await?;
    let mut organisation_ids: BTreeMap<String, i32> = BTreeMap::new();
    let lookup = |ids: &BTreeMap<String, i32>, name: &str| {
        ids.get(name)
            .copied()
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("example city: unknown organisation {name}")))
    };
    for o in city.organisations {
        let parent_id = o.parent.as_deref().map(|p| lookup(&organisation_ids, p)).transpose()?;
        let fields = OrganisationFields {
            name: o.name.clone(),
            kind: parse_kind(&o.kind)?,
            parent_id,
            community_share_percent: o.community_share_percent,
            email: o.email,
            phone: o.phone,
            address: o.address,
            website: None,
            active: true,
        };
        let saved = save_organisation(&txn, None, None, fields, now).await?;
        organisation_ids.insert(o.name, saved.id);
    }
    let mut district_ids: BTreeMap<String, i32> = BTreeMap::new();
    for d in city.districts {
        let area =
            Area::from_geojson(&d.area).map_err(|e| AppError::Internal(anyhow::anyhow!("example district: {e}")))?;
        let saved = save_district(&txn, None, None, &d.name, Some(&area), now).await?;
        district_ids.insert(d.name, saved.id);
    }
    for c in city.categories {
        let mut district_executors = Vec::new();
        for (district, executor) in &c.districts {
            let district_id = district_ids
                .get(district)
                .copied()
                .ok_or_else(|| AppError::Internal(anyhow::anyhow!("example city: unknown district {district}")))?;
            district_executors.push((district_id, lookup(&organisation_ids, executor)?));
        }
        let fields = CategoryFields {
            code: c.code,
            name_uk: c.name_uk,
            name_en: c.name_en,
            urgency: c.urgency,
            default_executor_id: lookup(&organisation_ids, &c.executor)?,
            district_executors,
            for_reports: c.for_reports.unwrap_or(true),
            for_appeals: true,
            active: true,
        };
        save_category(&txn, None, None, fields, now).await?;
    }
    txn.commit().await?;
    directory_changed();
    Ok(true)
}
