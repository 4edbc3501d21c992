//! Routing: which executor an item goes to, by the directory kept in memory for a second at most.
use std::{
    collections::{HashMap, HashSet},
    sync::{
        LazyLock,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use entity::organisations;
use sea_orm::{DatabaseConnection, EntityTrait};

use super::{CategoryRecord, list_categories, list_districts};
use crate::storage::cache::SharedCache;
use crate::{
    domain::{
        appeals::{IntakeCategory, IntakeDirectory, IntakeOrganisation},
        directory::{Area, DistrictId, Location, RoutingDecision, route},
    },
    error::AppError,
};

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
