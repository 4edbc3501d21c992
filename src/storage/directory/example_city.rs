//! The example city (`seed/example-city.json`), loaded into an empty directory.
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use entity::{categories, districts, organisations};
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait};

use super::{
    CategoryFields, OrganisationFields, organisations::parse_kind, routing::directory_changed, save_category,
    save_district, save_organisation,
};
use crate::{
    domain::directory::{Area, UrgencyClass},
    error::AppError,
};

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
    let city: ExampleCity = serde_json::from_str(include_str!("../../../seed/example-city.json"))
        .map_err(|e| AppError::Internal(anyhow::anyhow!("seed/example-city.json: {e}")))?;
    let txn = crate::storage::begin_write(db).await?;
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
