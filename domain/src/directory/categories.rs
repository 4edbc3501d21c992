//! Categories: their urgency class and the routing rules (a default executor, district overrides).
use super::*;

/// How urgent appeals of a category are. Plain data: the deadline module
/// turns it into dates (it knows the calendar and working days).
///
/// Serialised with a `"class"` tag, e.g. `{"class":"emergency","hours":24}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "class", rename_all = "snake_case")]
pub enum UrgencyClass {
    /// Emergencies (no heating in winter, a burst main): fixed in hours.
    Emergency { hours: u32 },
    /// Appeals needing no extra study: 15 days (Law "On Citizens'
    /// Appeals", art. 20).
    Normal,
    /// Appeals needing study: up to one month (30 days).
    Complex,
}

/// Which organisation handles a category, city-wide and per district.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoutingRules {
    /// Used whenever no district override applies.
    pub default_executor: OrganisationId,
    /// Per-district executors, e.g. a district's housing enterprise for
    /// "broken lift". If a district is listed twice, the first entry wins;
    /// [`RoutingRules::validate`] reports such duplicates.
    pub district_overrides: Vec<(DistrictId, OrganisationId)>,
}

impl RoutingRules {
    /// The override executor for a district, if one is configured.
    pub fn override_for(&self, district: DistrictId) -> Option<OrganisationId> {
        self.district_overrides.iter().find(|(d, _)| *d == district).map(|(_, org)| *org)
    }

    /// Rejects a district listed twice, since only the first entry could
    /// ever apply and the second is almost certainly a data-entry mistake.
    pub fn validate(&self) -> Result<(), RoutingRulesError> {
        for (i, (district, _)) in self.district_overrides.iter().enumerate() {
            if self.district_overrides[..i].iter().any(|(earlier, _)| earlier == district) {
                return Err(RoutingRulesError::DuplicateDistrict { district: *district });
            }
        }
        Ok(())
    }
}

/// A problem in a category's routing configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoutingRulesError {
    DuplicateDistrict { district: DistrictId },
}

impl fmt::Display for RoutingRulesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RoutingRulesError::DuplicateDistrict { district } => {
                write!(f, "district {district} has more than one executor override; keep only one")
            }
        }
    }
}

impl std::error::Error for RoutingRulesError {}

/// A category of appeals or issue reports ("pothole", "no heating").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    pub id: CategoryId,
    pub name: String,
    pub urgency: UrgencyClass,
    pub routing: RoutingRules,
}
