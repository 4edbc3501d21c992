//! The world the samplers read.
use std::collections::{HashMap, HashSet};

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use rand::{Rng, SeedableRng, rngs::StdRng};
use sea_orm::DatabaseConnection;

use super::{Options, appeal_life::Staff, petition_life::People};
use crate::{
    domain::{
        appeals::{IntakeCategory, IntakeDirectory, IntakeOrganisation},
        calendar::Calendar,
        directory::{Area, DistrictId, OrganisationKind, RoutingRules, UrgencyClass},
        petitions::Statute,
    },
    storage,
};

pub(super) struct Category {
    pub(super) id: i32,
    pub(super) code: String,
    pub(super) name_uk: String,
    pub(super) urgency: UrgencyClass,
    pub(super) for_reports: bool,
    pub(super) for_appeals: bool,
    pub(super) rules: RoutingRules,
}

pub(super) struct World {
    pub(super) calendar: Calendar,
    pub(super) as_of: DateTime<Utc>,
    pub(super) categories: Vec<Category>,
    pub(super) areas: Vec<(DistrictId, Area)>,
    pub(super) district_ids: Vec<i32>,
    pub(super) active: HashSet<i64>,
    pub(super) staff: HashMap<i32, Staff>,
    pub(super) punctuality: HashMap<i32, f64>,
    pub(super) forward_targets: Vec<i32>,
    /// Addressees of appeals without a category: the council, the executive committee, departments.
    pub(super) addressees: Vec<i32>,
    pub(super) council: i32,
    pub(super) statutes: Vec<Statute>,
    pub(super) moderators: Vec<i32>,
    pub(super) first_citizen: i32,
    pub(super) citizens: i32,
}

/// The generated city's directory, as intake reads it.
impl IntakeDirectory for World {
    fn category(&self, id: i32) -> Option<IntakeCategory> {
        self.categories.iter().find(|c| c.id == id).map(|c| IntakeCategory {
            active: true,
            for_appeals: c.for_appeals,
            for_reports: c.for_reports,
            urgency: c.urgency,
            rules: c.rules.clone(),
        })
    }

    fn has_district(&self, id: i32) -> bool {
        self.district_ids.contains(&id)
    }

    fn areas(&self) -> Vec<(DistrictId, &Area)> {
        self.areas.iter().map(|(d, a)| (*d, a)).collect()
    }

    fn organisation(&self, id: i32) -> Option<IntakeOrganisation> {
        let active = self.active.contains(&i64::from(id));
        active.then(|| IntakeOrganisation { name: format!("#{id}"), active })
    }
}

impl World {
    pub(super) async fn load(
        db: &DatabaseConnection,
        options: &Options,
        staff: HashMap<i32, Staff>,
        moderators: Vec<i32>,
        first_citizen: i32,
        citizens: i32,
        as_of: DateTime<Utc>,
    ) -> anyhow::Result<World> {
        let organisations = storage::directory::list_organisations(db).await?;
        let categories = World::categories(db).await?;
        anyhow::ensure!(!categories.is_empty(), "the directory has no categories to file appeals under");
        let (areas, district_ids) = World::districts(db).await?;
        let active: HashSet<i64> = organisations.iter().filter(|o| o.active).map(|o| i64::from(o.id)).collect();
        let kind = |o: &entity::organisations::Model| storage::directory::parse_kind(&o.kind).ok();
        let forward_targets = forward_targets(&categories, &organisations);
        let addressees = addressees(&organisations);
        let statutes: Vec<Statute> =
            storage::petitions::statutes(db).await?.iter().map(storage::petitions::domain_statute).collect();
        let council = statutes
            .iter()
            .map(|s| s.council_id)
            .next()
            .context("no council has a petition statute; adopt one (POST /api/v1/petitions/statutes) first")?;
        // Some organisations keep their deadlines better than others (so rankings have something to rank).
        let mut rng = StdRng::seed_from_u64(options.seed ^ 0x5eed);
        let punctuality = organisations
            .iter()
            .map(|o| {
                let base = if kind(o) == Some(OrganisationKind::MunicipalEnterprise) { 0.62 } else { 0.7 };
                (o.id, base + rng.gen_range(0.0..0.33))
            })
            .collect();
        Ok(World {
            calendar: storage::calendar::calendar(db, options.martial_law_ended_on).await?,
            as_of,
            categories,
            areas,
            district_ids,
            active,
            staff,
            punctuality,
            forward_targets,
            addressees: if addressees.is_empty() { vec![council] } else { addressees },
            council,
            statutes,
            moderators,
            first_citizen,
            citizens,
        })
    }

    /// The active categories, with their routing rules.
    async fn categories(db: &DatabaseConnection) -> anyhow::Result<Vec<Category>> {
        Ok(storage::directory::list_categories(db)
            .await?
            .into_iter()
            .filter(|c| c.category.active)
            .map(|c| Category {
                rules: c.routing_rules(),
                id: c.category.id,
                code: c.category.code.clone(),
                name_uk: c.category.name_uk.clone(),
                urgency: c.urgency,
                for_reports: c.category.for_reports,
                for_appeals: c.category.for_appeals,
            })
            .collect())
    }

    /// The districts' areas (of those that have one), and every district's id.
    async fn districts(db: &DatabaseConnection) -> anyhow::Result<(Vec<(DistrictId, Area)>, Vec<i32>)> {
        let mut areas = Vec::new();
        let mut district_ids = Vec::new();
        for d in storage::directory::list_districts(db).await? {
            district_ids.push(d.id);
            if let Some(text) = &d.area_geojson {
                let area = Area::from_geojson(&serde_json::from_str(text)?)
                    .map_err(|e| anyhow::anyhow!("district {}: {e}", d.id))?;
                areas.push((DistrictId(d.id.into()), area));
            }
        }
        Ok((areas, district_ids))
    }

    /// The council's officers and its head: who publishes notices and answers petitions.
    pub(super) fn council_officers(&self) -> Vec<i32> {
        self.staff
            .get(&self.council)
            .map(|s| {
                let mut all = s.officers.clone();
                all.push(s.head);
                all
            })
            .unwrap_or_default()
    }

    /// Who acts on petitions, with `council_officers` from [`World::council_officers`].
    pub(super) fn people<'a>(&'a self, council_officers: &'a [i32]) -> People<'a> {
        People {
            moderators: &self.moderators,
            council_officers,
            statutes: &self.statutes,
            calendar: &self.calendar,
            as_of: self.as_of,
        }
    }
}

/// Where appeals are forwarded to: every category's default executor and the active departments.
fn forward_targets(categories: &[Category], organisations: &[entity::organisations::Model]) -> Vec<i32> {
    let mut targets: Vec<i32> = categories.iter().map(|c| c.rules.default_executor.0 as i32).collect();
    targets.extend(
        organisations
            .iter()
            .filter(|o| o.active && storage::directory::parse_kind(&o.kind).ok() == Some(OrganisationKind::Department))
            .map(|o| o.id),
    );
    targets.sort_unstable();
    targets.dedup();
    targets
}

/// The active council, executive bodies and departments: addressees of appeals without a category.
fn addressees(organisations: &[entity::organisations::Model]) -> Vec<i32> {
    organisations
        .iter()
        .filter(|o| {
            o.active
                && matches!(
                    storage::directory::parse_kind(&o.kind).ok(),
                    Some(OrganisationKind::Council | OrganisationKind::ExecutiveBody | OrganisationKind::Department)
                )
        })
        .map(|o| o.id)
        .collect()
}
