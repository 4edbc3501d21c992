//! Routing: which organisation executes an item, and why, from its category and place.
use super::*;

/// A point given by a citizen (map pin, phone GPS).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GeoPoint {
    pub lat: f64,
    pub lon: f64,
}

impl GeoPoint {
    /// What every input of a point is told when it is out of range.
    pub const RANGE: &str = "latitude must be −90…90 and longitude −180…180";

    /// The one coordinate rule: finite, latitude −90…90, longitude −180…180.
    pub fn checked(lat: f64, lon: f64) -> Option<GeoPoint> {
        let valid =
            lat.is_finite() && lon.is_finite() && (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon);
        valid.then_some(GeoPoint { lat, lon })
    }

    pub fn is_valid(self) -> bool {
        GeoPoint::checked(self.lat, self.lon).is_some()
    }
}

/// Where an appeal is, as far as anyone said.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Location {
    /// A district picked explicitly by the citizen or an officer.
    pub district: Option<DistrictId>,
    pub point: Option<GeoPoint>,
}

/// How the district of an appeal was established.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LocatedBy {
    ExplicitDistrict,
    PointInPolygon,
}

/// Why the category's default executor was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum DefaultReason {
    /// Neither a district nor a point was given.
    NoLocation,
    /// A point was given but no district area contains it.
    PointOutsideAllDistricts,
    /// The district is known, but the category has no override for it.
    NoOverrideForDistrict { located_by: LocatedBy },
    /// The district's override executor is inactive.
    OverrideExecutorInactive { located_by: LocatedBy, inactive_executor: OrganisationId },
}

/// Which routing rule produced the executor; stored with the appeal so a
/// misrouting can be explained and audited later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum RoutingRule {
    DistrictOverride {
        district: DistrictId,
        located_by: LocatedBy,
    },
    CategoryDefault {
        #[serde(flatten)]
        reason: DefaultReason,
    },
}

/// The executor chosen for an appeal, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RoutingDecision {
    pub executor: OrganisationId,
    pub rule: RoutingRule,
    /// The appeal's district, when one was established (even if the default
    /// executor handles it), for district statistics.
    pub district: Option<DistrictId>,
}

fn located_by_phrase(located_by: LocatedBy) -> &'static str {
    match located_by {
        LocatedBy::ExplicitDistrict => "chosen explicitly",
        LocatedBy::PointInPolygon => "found from the reported point",
    }
}

impl RoutingDecision {
    /// A one-sentence English explanation for officers and audit logs.
    pub fn explain(&self) -> String {
        let executor = self.executor;
        match self.rule {
            RoutingRule::DistrictOverride { district, located_by } => format!(
                "Routed to organisation {executor} by the override for district {district} (district {}).",
                located_by_phrase(located_by)
            ),
            RoutingRule::CategoryDefault { reason } => {
                let why = match reason {
                    DefaultReason::NoLocation => "no district or point was given".to_string(),
                    DefaultReason::PointOutsideAllDistricts => {
                        "the reported point lies outside every district".to_string()
                    }
                    DefaultReason::NoOverrideForDistrict { located_by } => format!(
                        "the category has no override for district {} ({})",
                        self.district_label(),
                        located_by_phrase(located_by)
                    ),
                    DefaultReason::OverrideExecutorInactive { located_by, inactive_executor } => format!(
                        "the override executor for district {} ({}), organisation {inactive_executor}, is inactive",
                        self.district_label(),
                        located_by_phrase(located_by)
                    ),
                };
                format!("Routed to organisation {executor}, the category default, because {why}.")
            }
        }
    }

    fn district_label(&self) -> String {
        self.district.map_or_else(|| "unknown".to_string(), |d| d.to_string())
    }
}

/// Why no executor could be chosen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RoutingError {
    /// The default executor is inactive and no active override applies.
    NoActiveExecutor {
        default_executor: OrganisationId,
        district: Option<DistrictId>,
        /// An override that matched but was inactive too.
        inactive_override: Option<OrganisationId>,
    },
    /// The point has a non-finite or out-of-range coordinate.
    InvalidPoint { lat: f64, lon: f64 },
}

impl fmt::Display for RoutingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RoutingError::NoActiveExecutor { default_executor, district, inactive_override } => {
                write!(
                    f,
                    "no active executor for this category: its default executor, organisation {default_executor}, is inactive"
                )?;
                if let (Some(org), Some(district)) = (inactive_override, district) {
                    write!(f, ", and so is organisation {org}, the override for district {district}")?;
                }
                write!(f, "; reactivate it or set an active default executor for the category")
            }
            RoutingError::InvalidPoint { lat, lon } => write!(
                f,
                "the point (latitude {lat}, longitude {lon}) is not a valid location; latitude must be within -90..90 and longitude within -180..180"
            ),
        }
    }
}

impl std::error::Error for RoutingError {}

/// Chooses the executor for an appeal of a category.
///
/// The district comes from `location.district` if given, else from the
/// point via [`district_for_point`] over `areas` (pass them sorted by id).
/// An explicit district wins over a point because a citizen or officer
/// chose it deliberately, while a map pin or GPS fix can be imprecise near
/// borders. A district's override applies if its executor is active;
/// otherwise the category default applies, and if that is inactive too the
/// appeal cannot be routed.
pub fn route(
    rules: &RoutingRules,
    location: &Location,
    areas: &[(DistrictId, &Area)],
    is_active: impl Fn(OrganisationId) -> bool,
) -> Result<RoutingDecision, RoutingError> {
    let located = match (location.district, location.point) {
        (Some(district), _) => Ok((district, LocatedBy::ExplicitDistrict)),
        (None, Some(point @ GeoPoint { lat, lon })) => {
            if !point.is_valid() {
                return Err(RoutingError::InvalidPoint { lat, lon });
            }
            district_for_point(areas, lat, lon)
                .map(|d| (d, LocatedBy::PointInPolygon))
                .ok_or(DefaultReason::PointOutsideAllDistricts)
        }
        (None, None) => Err(DefaultReason::NoLocation),
    };

    let (district, reason, inactive_override) = match located {
        Err(reason) => (None, reason, None),
        Ok((district, located_by)) => match rules.override_for(district) {
            Some(executor) if is_active(executor) => {
                return Ok(RoutingDecision {
                    executor,
                    rule: RoutingRule::DistrictOverride { district, located_by },
                    district: Some(district),
                });
            }
            Some(inactive_executor) => (
                Some(district),
                DefaultReason::OverrideExecutorInactive { located_by, inactive_executor },
                Some(inactive_executor),
            ),
            None => (Some(district), DefaultReason::NoOverrideForDistrict { located_by }, None),
        },
    };

    if !is_active(rules.default_executor) {
        return Err(RoutingError::NoActiveExecutor {
            default_executor: rules.default_executor,
            district,
            inactive_override,
        });
    }
    Ok(RoutingDecision { executor: rules.default_executor, rule: RoutingRule::CategoryDefault { reason }, district })
}
