//! The directory: organisations, their members, districts, categories and where an item would be routed.
//! The use cases behind `api::directory`; editing is for administrators (members are also shown to the
//! organisation's head), reading is public.
use chrono::{DateTime, Utc};

use super::{Actor, AppState};
use crate::{
    domain::{
        authorization::{Action, OrganisationRole, authorize},
        directory::{Area, AreaError, DistrictId, GeoPoint, Location, OrganisationKind, UrgencyClass, in_c03_scope},
    },
    error::AppError,
    storage::{self, directory::CategoryRecord},
};
// What an administrator gives for an organisation or a category: plain data, checked by storage on save.
pub use crate::storage::directory::{CategoryFields, OrganisationFields, parse_kind as organisation_kind};

/// An organisation as everyone may read it (its contacts are official, not personal).
#[derive(Debug, Clone)]
pub struct Organisation {
    pub id: i32,
    pub name: String,
    pub kind: String,
    pub parent_id: Option<i32>,
    pub community_share_percent: Option<f64>,
    /// Whether indicator C03 covers it (a municipal enterprise the community owns at least half of).
    pub in_c03_scope: bool,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub website: Option<String>,
    pub active: bool,
}

impl From<entity::organisations::Model> for Organisation {
    fn from(o: entity::organisations::Model) -> Self {
        let c03 = organisation_kind(&o.kind).map(|k| in_c03_scope(k, o.community_share_percent)).unwrap_or(false);
        Organisation {
            id: o.id,
            name: o.name,
            kind: o.kind,
            parent_id: o.parent_id,
            community_share_percent: o.community_share_percent,
            in_c03_scope: c03,
            email: o.email,
            phone: o.phone,
            address: o.address,
            website: o.website,
            active: o.active,
        }
    }
}

/// The organisation kinds' codes, as the API states them.
pub fn organisation_kind_codes() -> Vec<String> {
    OrganisationKind::ALL.iter().map(|k| k.code().to_owned()).collect()
}

pub async fn organisations(state: &AppState) -> Result<Vec<Organisation>, AppError> {
    Ok(storage::directory::list_organisations(&state.db).await?.into_iter().map(Organisation::from).collect())
}

pub async fn organisation(state: &AppState, id: i32) -> Result<Organisation, AppError> {
    Ok(storage::directory::get_organisation(&state.db, id).await?.into())
}

/// Creates (`id` None) or replaces an organisation (administrators).
pub async fn save_organisation(
    state: &AppState,
    actor: &Actor,
    id: Option<i32>,
    fields: OrganisationFields,
) -> Result<Organisation, AppError> {
    let account = actor.administrator()?;
    Ok(storage::directory::save_organisation(&state.db, Some(account), id, fields, Utc::now()).await?.into())
}

/// A member as listed to administrators and the organisation's head.
#[derive(Debug, Clone)]
pub struct Member {
    pub account_id: i32,
    pub full_name: String,
    pub role: String,
    pub since: DateTime<Utc>,
}

/// The members of an organisation (administrators and its head).
pub async fn members(state: &AppState, actor: &Actor, organisation_id: i32) -> Result<Vec<Member>, AppError> {
    let principal = actor.principal().ok_or_else(|| AppError::Unauthorized("log in to see members".into()))?;
    authorize(principal, Action::Administer)
        .or_else(|_| authorize(principal, Action::HeadOfOrganisation { organisation_id }))?;
    let rows = storage::directory::list_members(&state.db, organisation_id).await?;
    Ok(rows
        .into_iter()
        .map(|r| Member { account_id: r.account_id, full_name: r.full_name, role: r.role, since: r.since })
        .collect())
}

/// The role of `code`, or a 422 naming the codes.
pub fn member_role(code: &str) -> Result<OrganisationRole, AppError> {
    Ok(OrganisationRole::parse(code)?)
}

/// Makes an account an officer or head (`role` is its code) of the organisation (administrators).
pub async fn set_member(
    state: &AppState,
    actor: &Actor,
    organisation_id: i32,
    account_id: i32,
    role: &str,
) -> Result<(), AppError> {
    let admin = actor.administrator()?;
    let role = member_role(role)?;
    storage::directory::set_member(&state.db, admin, organisation_id, account_id, role, Utc::now()).await?;
    // Cached sessions carry their memberships: the change counts from the next request here.
    state.sessions.forget_all();
    Ok(())
}

/// Ends an account's membership of the organisation (administrators).
pub async fn remove_member(
    state: &AppState,
    actor: &Actor,
    organisation_id: i32,
    account_id: i32,
) -> Result<(), AppError> {
    let admin = actor.administrator()?;
    storage::directory::remove_member(&state.db, admin, organisation_id, account_id, Utc::now()).await?;
    state.sessions.forget_all();
    Ok(())
}

/// A district, with its area as GeoJSON when it has one.
#[derive(Debug, Clone)]
pub struct District {
    pub id: i32,
    pub name: String,
    pub area: Option<serde_json::Value>,
}

impl From<entity::districts::Model> for District {
    fn from(d: entity::districts::Model) -> Self {
        District { id: d.id, name: d.name, area: d.area_geojson.and_then(|text| serde_json::from_str(&text).ok()) }
    }
}

pub async fn districts(state: &AppState) -> Result<Vec<District>, AppError> {
    Ok(storage::directory::list_districts(&state.db).await?.into_iter().map(District::from).collect())
}

/// Creates (`id` None) or replaces a district (administrators); `area` is GeoJSON, checked here.
pub async fn save_district(
    state: &AppState,
    actor: &Actor,
    id: Option<i32>,
    name: &str,
    area: Option<&serde_json::Value>,
) -> Result<District, AppError> {
    let account = actor.administrator()?;
    let area = area
        .filter(|v| !v.is_null())
        .map(|v| Area::from_geojson(v).map_err(|e| AppError::validation("area", e.to_string())))
        .transpose()?;
    let saved =
        storage::directory::save_district(&state.db, Some(account), id, name, area.as_ref(), Utc::now()).await?;
    Ok(saved.into())
}

/// The urgency classes' codes, as the API states them.
pub const URGENCY_CLASSES: [&str; 3] = ["emergency", "normal", "complex"];
/// The longest an emergency category may allow, in hours (30 days).
pub const EMERGENCY_MAX_HOURS: u32 = 720;

/// The urgency of a class code and, for `emergency`, its hours.
pub fn urgency(class: &str, hours: Option<u32>) -> Result<UrgencyClass, AppError> {
    match (class, hours) {
        ("emergency", Some(hours)) if (1..=EMERGENCY_MAX_HOURS).contains(&hours) => {
            Ok(UrgencyClass::Emergency { hours })
        }
        ("emergency", _) => Err(AppError::validation(
            "urgency.hours",
            format!("an emergency category needs hours from 1 to {EMERGENCY_MAX_HOURS}"),
        )),
        ("normal", _) => Ok(UrgencyClass::Normal),
        ("complex", _) => Ok(UrgencyClass::Complex),
        (other, _) => Err(AppError::validation(
            "urgency.class",
            format!("`{other}` is not an urgency class; use {}", URGENCY_CLASSES.join(", ")),
        )),
    }
}

/// The class code and hours of an urgency.
pub fn urgency_code(class: UrgencyClass) -> (&'static str, Option<u32>) {
    match class {
        UrgencyClass::Emergency { hours } => (URGENCY_CLASSES[0], Some(hours)),
        UrgencyClass::Normal => (URGENCY_CLASSES[1], None),
        UrgencyClass::Complex => (URGENCY_CLASSES[2], None),
    }
}

/// A category of appeals and reports, with its urgency and who handles it where.
#[derive(Debug, Clone)]
pub struct Category {
    pub id: i32,
    pub fields: CategoryFields,
}

impl From<CategoryRecord> for Category {
    fn from(r: CategoryRecord) -> Self {
        let c = r.category;
        let fields = CategoryFields {
            code: c.code,
            name_uk: c.name_uk,
            name_en: c.name_en,
            urgency: r.urgency,
            default_executor_id: c.default_executor_id,
            district_executors: r.district_executors,
            for_reports: c.for_reports,
            for_appeals: c.for_appeals,
            active: c.active,
        };
        Category { id: c.id, fields }
    }
}

pub async fn categories(state: &AppState) -> Result<Vec<Category>, AppError> {
    Ok(storage::directory::list_categories(&state.db).await?.into_iter().map(Category::from).collect())
}

pub async fn category(state: &AppState, id: i32) -> Result<Category, AppError> {
    Ok(storage::directory::get_category(&state.db, id).await?.into())
}

/// Creates (`id` None) or replaces a category, its urgency and executors (administrators).
pub async fn save_category(
    state: &AppState,
    actor: &Actor,
    id: Option<i32>,
    fields: CategoryFields,
) -> Result<Category, AppError> {
    let account = actor.administrator()?;
    Ok(storage::directory::save_category(&state.db, Some(account), id, fields, Utc::now()).await?.into())
}

/// Where an item would go, and why.
#[derive(Debug, Clone)]
pub struct Routing {
    pub executor_id: i32,
    pub executor_name: String,
    pub district_id: Option<i32>,
    pub rule: serde_json::Value,
    pub explanation: String,
}

/// Routes an item of `category_id` by the directory as it stands: an explicit district, else the district
/// containing the point (both coordinates, or neither), else the category's default executor.
pub async fn route(
    state: &AppState,
    category_id: i32,
    district_id: Option<i32>,
    latitude: Option<f64>,
    longitude: Option<f64>,
) -> Result<Routing, AppError> {
    let point = match (latitude, longitude) {
        (Some(lat), Some(lon)) => Some(GeoPoint { lat, lon }),
        (None, None) => None,
        _ => return Err(AppError::validation("latitude", "give both latitude and longitude, or neither")),
    };
    let location = Location { district: district_id.map(|d| DistrictId(d.into())), point };
    let (_, decision) = storage::directory::route_item(&state.db, category_id, &location).await?;
    let executor_id = decision.executor.0 as i32;
    let executor = storage::directory::get_organisation(&state.db, executor_id).await?;
    Ok(Routing {
        executor_id,
        executor_name: executor.name,
        district_id: decision.district.map(|d| d.0 as i32),
        rule: serde_json::to_value(decision.rule).map_err(|e| AppError::Internal(e.into()))?,
        explanation: decision.explain(),
    })
}

/// A district as the administrator is about to save it: the name, the checked GeoJSON and what it covers.
#[derive(Debug, Clone)]
pub struct DistrictPreview {
    pub name: String,
    /// The area as it will be stored (a `Feature` unwrapped to its geometry).
    pub geojson: serde_json::Value,
    pub polygons: usize,
    /// Corner points of every ring, the closing repeat of each ring not counted.
    pub points: usize,
    /// South-west and north-east corners, as (latitude, longitude).
    pub south_west: (f64, f64),
    pub north_east: (f64, f64),
}

/// Why the text of a district's area was refused, for a page to word in its language (`From` words it
/// in English, for everyone else).
#[derive(Debug, Clone, PartialEq)]
pub enum AreaProblem {
    /// Nothing pasted and no file chosen.
    Missing,
    /// Not JSON: where reading stopped.
    NotJson { line: usize, column: usize },
    /// JSON, but not a district's border (`domain::directory`'s rules).
    Geometry(AreaError),
}

impl From<AreaProblem> for AppError {
    fn from(problem: AreaProblem) -> AppError {
        let message = match problem {
            AreaProblem::Missing => "paste the district's GeoJSON polygon or choose a GeoJSON file".to_owned(),
            AreaProblem::NotJson { line, column } => {
                format!("this is not GeoJSON (JSON text): line {line}, column {column}")
            }
            AreaProblem::Geometry(e) => e.to_string(),
        };
        AppError::validation("area", message)
    }
}

/// What the check step refused: the area's text, or anything else (the name, the caller).
#[derive(Debug)]
pub enum DistrictRefusal {
    Area(AreaProblem),
    Other(AppError),
}

impl From<AppError> for DistrictRefusal {
    fn from(err: AppError) -> DistrictRefusal {
        DistrictRefusal::Other(err)
    }
}

/// The area in the text of a district's GeoJSON (pasted, uploaded, or carried by the check step's form).
pub fn read_area(text: &str) -> Result<Area, AreaProblem> {
    if text.trim().is_empty() {
        return Err(AreaProblem::Missing);
    }
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| AreaProblem::NotJson { line: e.line(), column: e.column() })?;
    Area::from_geojson(&value).map_err(AreaProblem::Geometry)
}

/// Checks a district's name and the text of its GeoJSON area (pasted or uploaded) by the rules of
/// saving it, for the check step before saving (administrators). The refusals name what is wrong: not
/// JSON, not a polygon, not closed, a coordinate out of range.
pub fn preview_district(actor: &Actor, name: &str, text: &str) -> Result<DistrictPreview, DistrictRefusal> {
    actor.administrator()?;
    let name = storage::directory::district_name(name)?.to_owned();
    let area = read_area(text).map_err(DistrictRefusal::Area)?;
    let rings = area.polygons().iter().flatten();
    let corners: Vec<[f64; 2]> = rings.flat_map(|ring| ring[..ring.len().saturating_sub(1)].iter().copied()).collect();
    let fold = |pick: fn(f64, f64) -> f64, axis: usize, start: f64| corners.iter().map(|p| p[axis]).fold(start, pick);
    Ok(DistrictPreview {
        name,
        geojson: area.to_geojson(),
        polygons: area.polygons().len(),
        points: corners.len(),
        south_west: (fold(f64::min, 1, f64::INFINITY), fold(f64::min, 0, f64::INFINITY)),
        north_east: (fold(f64::max, 1, f64::NEG_INFINITY), fold(f64::max, 0, f64::NEG_INFINITY)),
    })
}

/// The account an administrator names to make a member: its number, or its e-mail address.
pub async fn account_named(state: &AppState, actor: &Actor, who: &str) -> Result<i32, AppError> {
    actor.administrator()?;
    let who = who.trim();
    if let Ok(id) = who.parse::<i32>() {
        return match storage::accounts::get(&state.db, id).await {
            Ok(account) => Ok(account.id),
            Err(AppError::NotFound(_)) => Err(AppError::validation("account", format!("there is no account {id}"))),
            Err(other) => Err(other),
        };
    }
    let email = crate::domain::accounts::Email::parse(who)
        .map_err(|_| AppError::validation("account", "give the account's number or its e-mail address"))?;
    storage::accounts::find_by_email(&state.db, &email)
        .await?
        .map(|a| a.id)
        .ok_or_else(|| AppError::validation("account", format!("no account has the e-mail address {who}")))
}
