//! The city directory: organisations, districts and appeal categories, and
//! the routing of an appeal or "Open City" report to the organisation that
//! must handle it (its executor).
//!
//! Everything here is pure data and pure functions: no I/O, no clock, no
//! globals. Deadlines are computed elsewhere; this module only says which
//! urgency class a category belongs to.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

id_type!(
    /// Database id of an organisation; a newtype so it cannot be mixed up
    /// with a district or category id.
    OrganisationId
);
id_type!(
    /// Database id of a city district.
    DistrictId
);
id_type!(
    /// Database id of an appeal / issue category.
    CategoryId
);

// ---------------------------------------------------------------------------
// Organisations
// ---------------------------------------------------------------------------

/// What kind of body an organisation is; it decides, among other things,
/// whether transparency indicators for municipal enterprises apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrganisationKind {
    /// The city council itself (міська рада).
    Council,
    /// The executive committee (виконавчий комітет).
    ExecutiveBody,
    /// A department or directorate of the executive bodies.
    Department,
    /// A municipal enterprise or company the community (partly) owns.
    MunicipalEnterprise,
    /// Anything else that can receive appeals (e.g. a contractor).
    Other,
}

/// An organisation that can act as an executor of appeals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Organisation {
    pub id: OrganisationId,
    pub name: String,
    pub kind: OrganisationKind,
    /// The organisation this one reports to, if any (e.g. a department's
    /// executive committee).
    pub parent: Option<OrganisationId>,
    /// The community's equity share in percent (0–100). Only meaningful for
    /// municipal enterprises; `None` when unknown or not applicable.
    pub community_share_percent: Option<f64>,
    /// Inactive organisations (liquidated, merged) stay in the directory for
    /// history but must not receive new appeals.
    pub active: bool,
}

impl Organisation {
    /// Checks the fields a person types in by hand.
    pub fn validate(&self) -> Result<(), ShareError> {
        if let Some(share) = self.community_share_percent {
            validate_community_share(share)?;
        }
        Ok(())
    }

    /// Whether TI Ukraine's indicator C03 covers this organisation.
    pub fn in_c03_scope(&self) -> bool {
        in_c03_scope(self.kind, self.community_share_percent)
    }
}

/// The smallest community share (percent) that puts an enterprise under
/// indicator C03.
pub const C03_MIN_COMMUNITY_SHARE_PERCENT: f64 = 50.0;

/// Whether Transparency International Ukraine's indicator C03 covers an
/// organisation: municipal enterprises/companies in which the community owns
/// 50% or more (exactly 50% is in scope).
///
/// An unknown share is treated as out of scope rather than guessed, and an
/// invalid share (outside 0–100 or not finite) is never in scope; run
/// [`validate_community_share`] to report it.
pub fn in_c03_scope(kind: OrganisationKind, community_share_percent: Option<f64>) -> bool {
    kind == OrganisationKind::MunicipalEnterprise
        && community_share_percent
            .is_some_and(|share| share.is_finite() && (C03_MIN_COMMUNITY_SHARE_PERCENT..=100.0).contains(&share))
}

/// Why a community share was rejected.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ShareError {
    /// NaN or infinity: a bug or a broken import, never a real share.
    NotFinite,
    /// Below 0 or above 100.
    OutOfRange { value: f64 },
}

impl fmt::Display for ShareError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShareError::NotFinite => write!(f, "the community share is not a number; enter a percentage from 0 to 100"),
            ShareError::OutOfRange { value } => {
                write!(f, "the community share must be a percentage from 0 to 100, but {value} was given")
            }
        }
    }
}

impl std::error::Error for ShareError {}

/// Accepts a community share in percent if it lies in 0..=100.
pub fn validate_community_share(share: f64) -> Result<f64, ShareError> {
    if !share.is_finite() {
        Err(ShareError::NotFinite)
    } else if !(0.0..=100.0).contains(&share) {
        Err(ShareError::OutOfRange { value: share })
    } else {
        Ok(share)
    }
}

// ---------------------------------------------------------------------------
// Categories
// ---------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------
// Districts and areas
// ---------------------------------------------------------------------------

/// A city district; its area is optional because many councils list
/// districts before anyone has drawn their borders.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct District {
    pub id: DistrictId,
    pub name: String,
    pub area: Option<Area>,
}

/// The districts that have an area, sorted by id: the order
/// [`district_for_point`] expects, so overlaps resolve the same way every
/// time.
pub fn district_areas(districts: &[District]) -> Vec<(DistrictId, &Area)> {
    let mut areas: Vec<(DistrictId, &Area)> =
        districts.iter().filter_map(|d| d.area.as_ref().map(|a| (d.id, a))).collect();
    areas.sort_by_key(|(id, _)| *id);
    areas
}

/// How far (in degrees) a point may lie from an edge and still count as on
/// it: about 0.1 mm, enough to absorb floating-point rounding on slanted
/// edges without changing any real answer.
pub const BOUNDARY_TOLERANCE_DEGREES: f64 = 1e-9;

/// A validated GeoJSON `Polygon` or `MultiPolygon` (RFC 7946).
///
/// Positions are stored as GeoJSON does, `[longitude, latitude]`; the
/// public methods take latitude first, as people say coordinates.
/// Serialises to and from the GeoJSON geometry object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "Value", into = "Value")]
pub struct Area {
    /// polygons → rings (first exterior, rest holes) → `[lon, lat]`.
    polygons: Vec<Vec<Vec<[f64; 2]>>>,
    /// Remembers the source type so a one-polygon MultiPolygon round-trips.
    multi: bool,
}

/// Why a GeoJSON geometry was rejected. Polygon, ring and position indexes
/// are zero-based, as in the JSON arrays; a plain `Polygon` is polygon 0.
#[derive(Debug, Clone, PartialEq)]
pub enum AreaError {
    NotAnObject,
    MissingType,
    UnsupportedType {
        found: String,
    },
    FeatureWithoutGeometry,
    MissingCoordinates,
    /// `what` names the JSON element, e.g. "ring 2 of polygon 0".
    NotAnArray {
        what: String,
    },
    NoPolygons,
    NoRings {
        polygon: usize,
    },
    MalformedPosition {
        polygon: usize,
        ring: usize,
        position: usize,
    },
    NonFiniteCoordinate {
        polygon: usize,
        ring: usize,
        position: usize,
    },
    LongitudeOutOfRange {
        polygon: usize,
        ring: usize,
        position: usize,
        value: f64,
    },
    LatitudeOutOfRange {
        polygon: usize,
        ring: usize,
        position: usize,
        value: f64,
    },
    TooFewPositions {
        polygon: usize,
        ring: usize,
        found: usize,
    },
    RingNotClosed {
        polygon: usize,
        ring: usize,
    },
}

impl fmt::Display for AreaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AreaError::NotAnObject => write!(
                f,
                "the district area must be a GeoJSON object such as {{\"type\": \"Polygon\", \"coordinates\": [...]}}"
            ),
            AreaError::MissingType => {
                write!(f, "the GeoJSON object has no \"type\"; use \"Polygon\" or \"MultiPolygon\"")
            }
            AreaError::UnsupportedType { found } => {
                write!(f, "GeoJSON type \"{found}\" cannot describe a district; use \"Polygon\" or \"MultiPolygon\"")
            }
            AreaError::FeatureWithoutGeometry => {
                write!(f, "the GeoJSON Feature has no geometry; draw the district's border first")
            }
            AreaError::MissingCoordinates => {
                write!(f, "the GeoJSON geometry has no \"coordinates\" array")
            }
            AreaError::NotAnArray { what } => write!(f, "{what} must be a JSON array"),
            AreaError::NoPolygons => write!(f, "the MultiPolygon contains no polygons"),
            AreaError::NoRings { polygon } => {
                write!(f, "polygon {polygon} has no rings; it needs at least an outer border")
            }
            AreaError::MalformedPosition { polygon, ring, position } => write!(
                f,
                "position {position} of ring {ring} of polygon {polygon} must be [longitude, latitude] with two numbers"
            ),
            AreaError::NonFiniteCoordinate { polygon, ring, position } => {
                write!(f, "position {position} of ring {ring} of polygon {polygon} is not a finite number")
            }
            AreaError::LongitudeOutOfRange { polygon, ring, position, value } => write!(
                f,
                "position {position} of ring {ring} of polygon {polygon} has longitude {value}, outside -180..180; GeoJSON puts longitude first, check the order"
            ),
            AreaError::LatitudeOutOfRange { polygon, ring, position, value } => write!(
                f,
                "position {position} of ring {ring} of polygon {polygon} has latitude {value}, outside -90..90; GeoJSON puts longitude first, check the order"
            ),
            AreaError::TooFewPositions { polygon, ring, found } => write!(
                f,
                "ring {ring} of polygon {polygon} has {found} positions; a closed ring needs at least 4 (three corners plus the first repeated)"
            ),
            AreaError::RingNotClosed { polygon, ring } => {
                write!(f, "ring {ring} of polygon {polygon} is not closed: its first and last positions differ")
            }
        }
    }
}

impl std::error::Error for AreaError {}

impl Area {
    /// Builds an area from raw `[longitude, latitude]` rings, validating them
    /// the same way as [`Area::from_geojson`]. One polygon becomes a
    /// `Polygon`, several a `MultiPolygon`.
    pub fn new(polygons: Vec<Vec<Vec<[f64; 2]>>>) -> Result<Area, AreaError> {
        let multi = polygons.len() != 1;
        Area::validated(polygons, multi)
    }

    /// Parses a GeoJSON `Polygon` / `MultiPolygon` geometry, or a `Feature`
    /// wrapping one (map editors usually export Features).
    pub fn from_geojson(value: &Value) -> Result<Area, AreaError> {
        let object = value.as_object().ok_or(AreaError::NotAnObject)?;
        let kind = object.get("type").and_then(Value::as_str).ok_or(AreaError::MissingType)?;
        match kind {
            "Feature" => match object.get("geometry") {
                Some(geometry) if !geometry.is_null() => Area::from_geojson(geometry),
                _ => Err(AreaError::FeatureWithoutGeometry),
            },
            "Polygon" => {
                let coordinates = object.get("coordinates").ok_or(AreaError::MissingCoordinates)?;
                let polygon = parse_polygon(coordinates, 0, "coordinates")?;
                Area::validated(vec![polygon], false)
            }
            "MultiPolygon" => {
                let coordinates = object.get("coordinates").ok_or(AreaError::MissingCoordinates)?;
                let polygons = as_array(coordinates, || "coordinates".to_string())?
                    .iter()
                    .enumerate()
                    .map(|(i, p)| parse_polygon(p, i, &format!("polygon {i}")))
                    .collect::<Result<Vec<_>, _>>()?;
                Area::validated(polygons, true)
            }
            other => Err(AreaError::UnsupportedType { found: other.to_string() }),
        }
    }

    /// The area as a GeoJSON geometry object.
    pub fn to_geojson(&self) -> Value {
        if self.multi {
            json!({ "type": "MultiPolygon", "coordinates": self.polygons })
        } else {
            json!({ "type": "Polygon", "coordinates": self.polygons[0] })
        }
    }

    /// The polygons, each a list of rings of `[longitude, latitude]`.
    pub fn polygons(&self) -> &[Vec<Vec<[f64; 2]>>] {
        &self.polygons
    }

    /// Whether the point lies in the area, by ray casting; holes are
    /// excluded.
    ///
    /// A point on the boundary (an edge or a vertex, of the outer ring or of
    /// a hole, within [`BOUNDARY_TOLERANCE_DEGREES`]) counts as inside: an
    /// address on a border street must still land in some district rather
    /// than fall through to the city-wide default. Non-finite input is never
    /// inside. Polygons crossing the antimeridian are not supported.
    pub fn contains(&self, lat: f64, lon: f64) -> bool {
        if !lat.is_finite() || !lon.is_finite() {
            return false;
        }
        self.polygons.iter().any(|polygon| polygon_contains(polygon, lon, lat))
    }

    fn validated(polygons: Vec<Vec<Vec<[f64; 2]>>>, multi: bool) -> Result<Area, AreaError> {
        if polygons.is_empty() {
            return Err(AreaError::NoPolygons);
        }
        for (p, polygon) in polygons.iter().enumerate() {
            if polygon.is_empty() {
                return Err(AreaError::NoRings { polygon: p });
            }
            for (r, ring) in polygon.iter().enumerate() {
                validate_ring(ring, p, r)?;
            }
        }
        Ok(Area { polygons, multi })
    }
}

impl TryFrom<Value> for Area {
    type Error = AreaError;

    fn try_from(value: Value) -> Result<Self, Self::Error> {
        Area::from_geojson(&value)
    }
}

impl From<Area> for Value {
    fn from(area: Area) -> Self {
        area.to_geojson()
    }
}

fn as_array(value: &Value, what: impl FnOnce() -> String) -> Result<&Vec<Value>, AreaError> {
    value.as_array().ok_or_else(|| AreaError::NotAnArray { what: what() })
}

/// `what` names the polygon's array in error messages.
fn parse_polygon(value: &Value, polygon: usize, what: &str) -> Result<Vec<Vec<[f64; 2]>>, AreaError> {
    as_array(value, || what.to_string())?
        .iter()
        .enumerate()
        .map(|(r, ring)| {
            as_array(ring, || format!("ring {r} of polygon {polygon}"))?
                .iter()
                .enumerate()
                .map(|(i, position)| parse_position(position, polygon, r, i))
                .collect()
        })
        .collect()
}

/// Accepts `[lon, lat]` and ignores an optional altitude, as RFC 7946 allows.
fn parse_position(value: &Value, polygon: usize, ring: usize, position: usize) -> Result<[f64; 2], AreaError> {
    let malformed = AreaError::MalformedPosition { polygon, ring, position };
    let numbers = value.as_array().ok_or_else(|| malformed.clone())?;
    match numbers.as_slice() {
        [lon, lat, ..] => match (lon.as_f64(), lat.as_f64()) {
            (Some(lon), Some(lat)) => Ok([lon, lat]),
            _ => Err(malformed),
        },
        _ => Err(malformed),
    }
}

fn validate_ring(ring: &[[f64; 2]], polygon: usize, r: usize) -> Result<(), AreaError> {
    for (position, &[lon, lat]) in ring.iter().enumerate() {
        if !lon.is_finite() || !lat.is_finite() {
            return Err(AreaError::NonFiniteCoordinate { polygon, ring: r, position });
        }
        if !(-180.0..=180.0).contains(&lon) {
            return Err(AreaError::LongitudeOutOfRange { polygon, ring: r, position, value: lon });
        }
        if !(-90.0..=90.0).contains(&lat) {
            return Err(AreaError::LatitudeOutOfRange { polygon, ring: r, position, value: lat });
        }
    }
    if ring.len() < 4 {
        return Err(AreaError::TooFewPositions { polygon, ring: r, found: ring.len() });
    }
    if ring.first() != ring.last() {
        return Err(AreaError::RingNotClosed { polygon, ring: r });
    }
    Ok(())
}

fn polygon_contains(rings: &[Vec<[f64; 2]>], x: f64, y: f64) -> bool {
    if rings.iter().any(|ring| on_ring_boundary(ring, x, y)) {
        return true;
    }
    let (exterior, holes) = rings.split_first().expect("validated: at least one ring");
    ring_encloses(exterior, x, y) && !holes.iter().any(|hole| ring_encloses(hole, x, y))
}

fn on_ring_boundary(ring: &[[f64; 2]], x: f64, y: f64) -> bool {
    ring.windows(2).any(|edge| distance_to_segment(edge[0], edge[1], x, y) <= BOUNDARY_TOLERANCE_DEGREES)
}

fn distance_to_segment(a: [f64; 2], b: [f64; 2], x: f64, y: f64) -> f64 {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let length_squared = dx * dx + dy * dy;
    let t = if length_squared == 0.0 {
        0.0
    } else {
        (((x - a[0]) * dx + (y - a[1]) * dy) / length_squared).clamp(0.0, 1.0)
    };
    let (px, py) = (a[0] + t * dx, a[1] + t * dy);
    (x - px).hypot(y - py)
}

/// Even-odd ray casting towards +x. The half-open test on y counts a ray
/// through a vertex exactly once, so concave corners are handled.
fn ring_encloses(ring: &[[f64; 2]], x: f64, y: f64) -> bool {
    let mut inside = false;
    for edge in ring.windows(2) {
        let ([x1, y1], [x2, y2]) = (edge[0], edge[1]);
        if (y1 > y) != (y2 > y) {
            let crossing_x = x1 + (y - y1) * (x2 - x1) / (y2 - y1);
            if x < crossing_x {
                inside = !inside;
            }
        }
    }
    inside
}

/// The district containing the point, or `None` if it lies outside all of
/// them.
///
/// When areas overlap (or the point is on a shared border, which counts as
/// inside both), the first matching entry in the given order wins. Callers
/// should pass districts sorted by id — [`district_areas`] does — so the
/// same point always lands in the same district.
pub fn district_for_point(districts: &[(DistrictId, &Area)], lat: f64, lon: f64) -> Option<DistrictId> {
    districts.iter().find(|(_, area)| area.contains(lat, lon)).map(|(id, _)| *id)
}

// ---------------------------------------------------------------------------
// Routing
// ---------------------------------------------------------------------------

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

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// Builds a closed ring from corners given as (lon, lat).
    fn ring(corners: &[(f64, f64)]) -> Vec<[f64; 2]> {
        let mut ring: Vec<[f64; 2]> = corners.iter().map(|&(lon, lat)| [lon, lat]).collect();
        ring.push(ring[0]);
        ring
    }

    /// Longitude 30..31, latitude 50..51 (around Kyiv).
    fn square() -> Area {
        Area::new(vec![vec![ring(&[(30.0, 50.0), (31.0, 50.0), (31.0, 51.0), (30.0, 51.0)])]]).unwrap()
    }

    /// An L: the square 0..2 × 0..2 minus its top-right quarter.
    fn l_shape() -> Area {
        Area::new(vec![vec![ring(&[(0.0, 0.0), (2.0, 0.0), (2.0, 1.0), (1.0, 1.0), (1.0, 2.0), (0.0, 2.0)])]]).unwrap()
    }

    /// The square 0..10 × 0..10 with a hole 4..6 × 4..6.
    fn square_with_hole() -> Area {
        Area::new(vec![vec![
            ring(&[(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)]),
            ring(&[(4.0, 4.0), (4.0, 6.0), (6.0, 6.0), (6.0, 4.0)]),
        ]])
        .unwrap()
    }

    fn square_at(lon: f64, lat: f64, size: f64) -> Area {
        Area::new(vec![vec![ring(&[(lon, lat), (lon + size, lat), (lon + size, lat + size), (lon, lat + size)])]])
            .unwrap()
    }

    fn geojson_error(value: Value) -> String {
        Area::from_geojson(&value).unwrap_err().to_string()
    }

    // --- organisations -----------------------------------------------------

    #[test]
    fn an_enterprise_with_just_under_half_community_share_is_outside_c03() {
        assert!(!in_c03_scope(OrganisationKind::MunicipalEnterprise, Some(49.99)));
    }

    #[test]
    fn an_enterprise_with_exactly_half_community_share_is_inside_c03() {
        assert!(in_c03_scope(OrganisationKind::MunicipalEnterprise, Some(50.0)));
    }

    #[test]
    fn a_wholly_community_owned_enterprise_is_inside_c03() {
        assert!(in_c03_scope(OrganisationKind::MunicipalEnterprise, Some(100.0)));
    }

    #[test]
    fn an_enterprise_with_unknown_share_is_outside_c03() {
        assert!(!in_c03_scope(OrganisationKind::MunicipalEnterprise, None));
    }

    #[test]
    fn non_enterprises_are_outside_c03_whatever_the_share() {
        for kind in [
            OrganisationKind::Council,
            OrganisationKind::ExecutiveBody,
            OrganisationKind::Department,
            OrganisationKind::Other,
        ] {
            assert!(!in_c03_scope(kind, Some(100.0)), "{kind:?}");
        }
    }

    #[test]
    fn an_invalid_share_never_puts_an_enterprise_in_c03() {
        assert!(!in_c03_scope(OrganisationKind::MunicipalEnterprise, Some(150.0)));
        assert!(!in_c03_scope(OrganisationKind::MunicipalEnterprise, Some(f64::NAN)));
    }

    #[test]
    fn an_organisation_answers_c03_from_its_own_kind_and_share() {
        let enterprise = Organisation {
            id: OrganisationId(4),
            name: "KP Kyivteploenergo".to_string(),
            kind: OrganisationKind::MunicipalEnterprise,
            parent: Some(OrganisationId(2)),
            community_share_percent: Some(100.0),
            active: true,
        };
        assert!(enterprise.in_c03_scope());
        assert_eq!(enterprise.validate(), Ok(()));
    }

    #[test]
    fn shares_from_zero_to_one_hundred_are_valid() {
        assert_eq!(validate_community_share(0.0), Ok(0.0));
        assert_eq!(validate_community_share(50.5), Ok(50.5));
        assert_eq!(validate_community_share(100.0), Ok(100.0));
    }

    #[test]
    fn a_share_above_one_hundred_is_rejected_with_the_allowed_range() {
        let error = validate_community_share(120.0).unwrap_err();
        assert_eq!(error, ShareError::OutOfRange { value: 120.0 });
        assert_eq!(error.to_string(), "the community share must be a percentage from 0 to 100, but 120 was given");
    }

    #[test]
    fn a_negative_or_non_numeric_share_is_rejected() {
        assert_eq!(validate_community_share(-1.0), Err(ShareError::OutOfRange { value: -1.0 }));
        assert_eq!(validate_community_share(f64::INFINITY), Err(ShareError::NotFinite));
    }

    #[test]
    fn an_organisation_with_an_impossible_share_fails_validation() {
        let org = Organisation {
            id: OrganisationId(1),
            name: "KP".to_string(),
            kind: OrganisationKind::MunicipalEnterprise,
            parent: None,
            community_share_percent: Some(101.0),
            active: true,
        };
        assert_eq!(org.validate(), Err(ShareError::OutOfRange { value: 101.0 }));
    }

    #[test]
    fn organisation_kinds_serialise_in_snake_case() {
        assert_eq!(serde_json::to_value(OrganisationKind::MunicipalEnterprise).unwrap(), json!("municipal_enterprise"));
        assert_eq!(serde_json::to_value(OrganisationKind::ExecutiveBody).unwrap(), json!("executive_body"));
    }

    #[test]
    fn ids_display_and_serialise_as_bare_numbers() {
        assert_eq!(OrganisationId(42).to_string(), "42");
        assert_eq!(serde_json::to_value(DistrictId(7)).unwrap(), json!(7));
        assert_eq!(serde_json::from_value::<CategoryId>(json!(3)).unwrap(), CategoryId(3));
    }

    // --- categories ----------------------------------------------------------

    #[test]
    fn urgency_classes_serialise_with_a_snake_case_class_tag() {
        assert_eq!(
            serde_json::to_value(UrgencyClass::Emergency { hours: 24 }).unwrap(),
            json!({"class": "emergency", "hours": 24})
        );
        assert_eq!(serde_json::to_value(UrgencyClass::Normal).unwrap(), json!({"class": "normal"}));
        assert_eq!(serde_json::from_value::<UrgencyClass>(json!({"class": "complex"})).unwrap(), UrgencyClass::Complex);
    }

    #[test]
    fn the_first_override_for_a_district_is_the_one_used() {
        let rules = RoutingRules {
            default_executor: OrganisationId(1),
            district_overrides: vec![(DistrictId(3), OrganisationId(30)), (DistrictId(3), OrganisationId(31))],
        };
        assert_eq!(rules.override_for(DistrictId(3)), Some(OrganisationId(30)));
        assert_eq!(rules.override_for(DistrictId(4)), None);
    }

    #[test]
    fn a_district_listed_twice_in_overrides_fails_validation() {
        let rules = RoutingRules {
            default_executor: OrganisationId(1),
            district_overrides: vec![
                (DistrictId(3), OrganisationId(30)),
                (DistrictId(4), OrganisationId(40)),
                (DistrictId(3), OrganisationId(31)),
            ],
        };
        let error = rules.validate().unwrap_err();
        assert_eq!(error, RoutingRulesError::DuplicateDistrict { district: DistrictId(3) });
        assert_eq!(error.to_string(), "district 3 has more than one executor override; keep only one");
    }

    #[test]
    fn rules_with_distinct_districts_pass_validation() {
        let rules = RoutingRules {
            default_executor: OrganisationId(1),
            district_overrides: vec![(DistrictId(3), OrganisationId(30)), (DistrictId(4), OrganisationId(30))],
        };
        assert_eq!(rules.validate(), Ok(()));
    }

    // --- areas: containment ----------------------------------------------------

    #[test]
    fn a_point_in_the_middle_of_a_square_is_inside() {
        assert!(square().contains(50.5, 30.5));
    }

    #[test]
    fn points_beyond_each_side_of_a_square_are_outside() {
        let area = square();
        assert!(!area.contains(49.9, 30.5));
        assert!(!area.contains(51.1, 30.5));
        assert!(!area.contains(50.5, 29.9));
        assert!(!area.contains(50.5, 31.1));
    }

    #[test]
    fn contains_takes_latitude_first_although_geojson_stores_longitude_first() {
        let area = square_at(30.0, 50.0, 1.0);
        assert!(area.contains(50.5, 30.5));
        assert!(!area.contains(30.5, 50.5));
    }

    #[test]
    fn a_point_on_an_edge_counts_as_inside() {
        assert!(square().contains(50.0, 30.5));
        assert!(square().contains(50.5, 31.0));
    }

    #[test]
    fn a_point_on_a_vertex_counts_as_inside() {
        assert!(square().contains(50.0, 30.0));
        assert!(square().contains(51.0, 31.0));
    }

    #[test]
    fn a_point_on_a_slanted_edge_counts_as_inside_despite_rounding() {
        // Triangle with hypotenuse from (0.1, 0.1) to (0.7, 0.3).
        let triangle = Area::new(vec![vec![ring(&[(0.1, 0.1), (0.7, 0.3), (0.1, 0.3)])]]).unwrap();
        // Midpoint of the hypotenuse: lon 0.4, lat 0.2.
        assert!(triangle.contains(0.2, 0.4));
        // Just below the hypotenuse, on the outside.
        assert!(!triangle.contains(0.19, 0.4));
    }

    #[test]
    fn the_inner_corner_of_an_l_shape_is_outside() {
        let area = l_shape();
        assert!(!area.contains(1.5, 1.5));
    }

    #[test]
    fn both_arms_of_an_l_shape_are_inside() {
        let area = l_shape();
        assert!(area.contains(0.5, 1.5));
        assert!(area.contains(1.5, 0.5));
        assert!(area.contains(0.5, 0.5));
    }

    #[test]
    fn a_point_level_with_the_concave_corner_is_classified_correctly() {
        // The ray from these points runs along the edge through (1,1)-(2,1).
        let area = l_shape();
        assert!(area.contains(1.0, 0.5));
        assert!(!area.contains(1.0, 2.5));
        // Level with the top of the upper arm.
        assert!(!area.contains(2.0, -0.5));
    }

    #[test]
    fn the_reflex_vertex_of_an_l_shape_is_on_the_boundary() {
        assert!(l_shape().contains(1.0, 1.0));
    }

    #[test]
    fn a_point_in_a_hole_is_outside() {
        assert!(!square_with_hole().contains(5.0, 5.0));
    }

    #[test]
    fn a_point_between_the_hole_and_the_outer_ring_is_inside() {
        assert!(square_with_hole().contains(2.0, 2.0));
        assert!(square_with_hole().contains(5.0, 8.0));
    }

    #[test]
    fn a_point_on_the_edge_of_a_hole_counts_as_inside() {
        assert!(square_with_hole().contains(4.0, 5.0));
        assert!(square_with_hole().contains(6.0, 6.0));
    }

    #[test]
    fn a_multipolygon_contains_points_in_any_of_its_parts_but_not_between() {
        let area = Area::from_geojson(&json!({
            "type": "MultiPolygon",
            "coordinates": [
                [[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]]],
                [[[5.0, 5.0], [6.0, 5.0], [6.0, 6.0], [5.0, 6.0], [5.0, 5.0]]]
            ]
        }))
        .unwrap();
        assert_eq!(area.polygons().len(), 2);
        assert!(area.contains(0.5, 0.5));
        assert!(area.contains(5.5, 5.5));
        assert!(!area.contains(3.0, 3.0));
    }

    #[test]
    fn non_finite_points_are_never_inside() {
        assert!(!square().contains(f64::NAN, 30.5));
        assert!(!square().contains(50.5, f64::INFINITY));
    }

    // --- areas: parsing --------------------------------------------------------

    #[test]
    fn a_polygon_geometry_parses_and_round_trips_through_serde() {
        let geometry = json!({
            "type": "Polygon",
            "coordinates": [[[30.0, 50.0], [31.0, 50.0], [31.0, 51.0], [30.0, 51.0], [30.0, 50.0]]]
        });
        let area = Area::from_geojson(&geometry).unwrap();
        assert_eq!(area, square());
        assert_eq!(area.to_geojson(), geometry);
        let back: Area = serde_json::from_value(serde_json::to_value(&area).unwrap()).unwrap();
        assert_eq!(back, area);
    }

    #[test]
    fn a_single_polygon_multipolygon_stays_a_multipolygon() {
        let geometry = json!({
            "type": "MultiPolygon",
            "coordinates": [[[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]]]
        });
        assert_eq!(Area::from_geojson(&geometry).unwrap().to_geojson(), geometry);
    }

    #[test]
    fn a_feature_wrapping_a_polygon_is_accepted() {
        let feature = json!({
            "type": "Feature",
            "properties": {"name": "Podilskyi"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[30.0, 50.0], [31.0, 50.0], [31.0, 51.0], [30.0, 51.0], [30.0, 50.0]]]
            }
        });
        assert_eq!(Area::from_geojson(&feature).unwrap(), square());
    }

    #[test]
    fn an_altitude_in_a_position_is_ignored() {
        let area = Area::from_geojson(&json!({
            "type": "Polygon",
            "coordinates": [[[0, 0, 120], [1, 0, 120], [1, 1, 120], [0, 0, 120]]]
        }))
        .unwrap();
        assert_eq!(area.polygons()[0][0], vec![[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]);
    }

    #[test]
    fn invalid_geometry_in_serde_input_is_a_deserialisation_error() {
        let result: Result<District, _> = serde_json::from_value(json!({
            "id": 1,
            "name": "Obolonskyi",
            "area": {"type": "Point", "coordinates": [30.5, 50.5]}
        }));
        assert!(result.unwrap_err().to_string().contains("\"Point\""));
    }

    #[test]
    fn a_non_object_is_rejected() {
        assert_eq!(Area::from_geojson(&json!([1, 2])), Err(AreaError::NotAnObject));
    }

    #[test]
    fn an_object_without_type_is_rejected() {
        assert_eq!(
            geojson_error(json!({"coordinates": []})),
            "the GeoJSON object has no \"type\"; use \"Polygon\" or \"MultiPolygon\""
        );
    }

    #[test]
    fn a_point_or_line_geometry_is_rejected_by_name() {
        assert_eq!(
            geojson_error(json!({"type": "Point", "coordinates": [30.5, 50.5]})),
            "GeoJSON type \"Point\" cannot describe a district; use \"Polygon\" or \"MultiPolygon\""
        );
        assert_eq!(
            Area::from_geojson(&json!({"type": "LineString", "coordinates": []})),
            Err(AreaError::UnsupportedType { found: "LineString".to_string() })
        );
    }

    #[test]
    fn a_feature_with_null_geometry_is_rejected() {
        assert_eq!(
            Area::from_geojson(&json!({"type": "Feature", "geometry": null, "properties": {}})),
            Err(AreaError::FeatureWithoutGeometry)
        );
    }

    #[test]
    fn a_geometry_without_coordinates_is_rejected() {
        assert_eq!(Area::from_geojson(&json!({"type": "Polygon"})), Err(AreaError::MissingCoordinates));
    }

    #[test]
    fn a_ring_that_is_not_an_array_is_named_in_the_error() {
        assert_eq!(
            geojson_error(json!({
                "type": "MultiPolygon",
                "coordinates": [[[[0, 0], [1, 0], [1, 1], [0, 0]]], ["not a ring"]]
            })),
            "ring 0 of polygon 1 must be a JSON array"
        );
    }

    #[test]
    fn an_unclosed_ring_is_rejected_with_its_location() {
        assert_eq!(
            geojson_error(json!({
                "type": "MultiPolygon",
                "coordinates": [
                    [[[0, 0], [1, 0], [1, 1], [0, 0]]],
                    [[[5, 5], [6, 5], [6, 6], [5, 6], [5, 5.5]]]
                ]
            })),
            "ring 0 of polygon 1 is not closed: its first and last positions differ"
        );
    }

    #[test]
    fn a_ring_with_fewer_than_four_positions_is_rejected() {
        assert_eq!(
            Area::from_geojson(&json!({
                "type": "Polygon",
                "coordinates": [[[0, 0], [1, 0], [0, 0]]]
            })),
            Err(AreaError::TooFewPositions { polygon: 0, ring: 0, found: 3 })
        );
    }

    #[test]
    fn a_position_with_one_number_or_text_is_rejected() {
        assert_eq!(
            geojson_error(json!({
                "type": "Polygon",
                "coordinates": [[[0, 0], [1], [1, 1], [0, 0]]]
            })),
            "position 1 of ring 0 of polygon 0 must be [longitude, latitude] with two numbers"
        );
        assert_eq!(
            Area::from_geojson(&json!({
                "type": "Polygon",
                "coordinates": [[[0, 0], [1, 0], [1, "1"], [0, 0]]]
            })),
            Err(AreaError::MalformedPosition { polygon: 0, ring: 0, position: 2 })
        );
    }

    #[test]
    fn a_longitude_beyond_180_is_rejected_with_a_hint_about_order() {
        assert_eq!(
            geojson_error(json!({
                "type": "Polygon",
                "coordinates": [[[0, 0], [181, 0], [1, 1], [0, 0]]]
            })),
            "position 1 of ring 0 of polygon 0 has longitude 181, outside -180..180; GeoJSON puts longitude first, check the order"
        );
    }

    #[test]
    fn a_latitude_beyond_90_is_rejected() {
        assert_eq!(
            Area::from_geojson(&json!({
                "type": "Polygon",
                "coordinates": [[[0, 0], [1, 0], [1, 91], [0, 0]]]
            })),
            Err(AreaError::LatitudeOutOfRange { polygon: 0, ring: 0, position: 2, value: 91.0 })
        );
    }

    #[test]
    fn non_finite_coordinates_are_rejected() {
        let result = Area::new(vec![vec![vec![[0.0, 0.0], [f64::NAN, 0.0], [1.0, 1.0], [0.0, 0.0]]]]);
        assert_eq!(result, Err(AreaError::NonFiniteCoordinate { polygon: 0, ring: 0, position: 1 }));
    }

    #[test]
    fn a_polygon_without_rings_and_an_empty_multipolygon_are_rejected() {
        assert_eq!(
            Area::from_geojson(&json!({"type": "Polygon", "coordinates": []})),
            Err(AreaError::NoRings { polygon: 0 })
        );
        assert_eq!(Area::from_geojson(&json!({"type": "MultiPolygon", "coordinates": []})), Err(AreaError::NoPolygons));
    }

    // --- districts ---------------------------------------------------------------

    #[test]
    fn the_district_containing_a_point_is_found() {
        let west = square_at(30.0, 50.0, 1.0);
        let east = square_at(31.0, 50.0, 1.0);
        let districts = [(DistrictId(1), &west), (DistrictId(2), &east)];
        assert_eq!(district_for_point(&districts, 50.5, 31.5), Some(DistrictId(2)));
        assert_eq!(district_for_point(&districts, 52.0, 31.5), None);
    }

    #[test]
    fn overlapping_districts_resolve_to_the_first_in_the_given_order() {
        let big = square_at(30.0, 50.0, 2.0);
        let small = square_at(30.5, 50.5, 0.5);
        assert_eq!(
            district_for_point(&[(DistrictId(1), &big), (DistrictId(2), &small)], 50.7, 30.7),
            Some(DistrictId(1))
        );
        assert_eq!(
            district_for_point(&[(DistrictId(2), &small), (DistrictId(1), &big)], 50.7, 30.7),
            Some(DistrictId(2))
        );
    }

    #[test]
    fn a_point_on_a_shared_border_goes_to_the_first_district() {
        let west = square_at(30.0, 50.0, 1.0);
        let east = square_at(31.0, 50.0, 1.0);
        let districts = [(DistrictId(1), &west), (DistrictId(2), &east)];
        assert_eq!(district_for_point(&districts, 50.5, 31.0), Some(DistrictId(1)));
    }

    #[test]
    fn district_areas_skips_districts_without_area_and_sorts_by_id() {
        let districts = vec![
            District { id: DistrictId(9), name: "Darnytskyi".to_string(), area: Some(square_at(31.0, 50.0, 1.0)) },
            District { id: DistrictId(2), name: "Pecherskyi".to_string(), area: None },
            District { id: DistrictId(4), name: "Holosiivskyi".to_string(), area: Some(square_at(30.0, 50.0, 1.0)) },
        ];
        let ids: Vec<DistrictId> = district_areas(&districts).iter().map(|(id, _)| *id).collect();
        assert_eq!(ids, vec![DistrictId(4), DistrictId(9)]);
    }

    // --- routing -----------------------------------------------------------------

    const DEFAULT: OrganisationId = OrganisationId(100);
    const WEST_ENTERPRISE: OrganisationId = OrganisationId(201);
    const EAST_ENTERPRISE: OrganisationId = OrganisationId(202);

    fn rules() -> RoutingRules {
        RoutingRules {
            default_executor: DEFAULT,
            district_overrides: vec![(DistrictId(1), WEST_ENTERPRISE), (DistrictId(2), EAST_ENTERPRISE)],
        }
    }

    /// District 1 is lon 30..31, district 2 lon 31..32, district 3 lon
    /// 32..33 (no override); all lat 50..51.
    fn areas() -> Vec<Area> {
        vec![square_at(30.0, 50.0, 1.0), square_at(31.0, 50.0, 1.0), square_at(32.0, 50.0, 1.0)]
    }

    fn with_ids(areas: &[Area]) -> Vec<(DistrictId, &Area)> {
        areas.iter().enumerate().map(|(i, a)| (DistrictId(i as i64 + 1), a)).collect()
    }

    fn all_active(_: OrganisationId) -> bool {
        true
    }

    fn point(lat: f64, lon: f64) -> Option<GeoPoint> {
        Some(GeoPoint { lat, lon })
    }

    #[test]
    fn an_explicit_district_with_an_override_routes_to_the_override() {
        let areas = areas();
        let decision =
            route(&rules(), &Location { district: Some(DistrictId(2)), point: None }, &with_ids(&areas), all_active)
                .unwrap();
        assert_eq!(
            decision,
            RoutingDecision {
                executor: EAST_ENTERPRISE,
                rule: RoutingRule::DistrictOverride {
                    district: DistrictId(2),
                    located_by: LocatedBy::ExplicitDistrict
                },
                district: Some(DistrictId(2)),
            }
        );
        assert_eq!(
            decision.explain(),
            "Routed to organisation 202 by the override for district 2 (district chosen explicitly)."
        );
    }

    #[test]
    fn a_point_inside_a_district_with_an_override_routes_to_the_override() {
        let areas = areas();
        let decision =
            route(&rules(), &Location { district: None, point: point(50.5, 30.5) }, &with_ids(&areas), all_active)
                .unwrap();
        assert_eq!(decision.executor, WEST_ENTERPRISE);
        assert_eq!(
            decision.rule,
            RoutingRule::DistrictOverride { district: DistrictId(1), located_by: LocatedBy::PointInPolygon }
        );
        assert_eq!(
            decision.explain(),
            "Routed to organisation 201 by the override for district 1 (district found from the reported point)."
        );
    }

    #[test]
    fn an_explicit_district_wins_over_a_point_in_another_district() {
        let areas = areas();
        let decision = route(
            &rules(),
            &Location { district: Some(DistrictId(2)), point: point(50.5, 30.5) },
            &with_ids(&areas),
            all_active,
        )
        .unwrap();
        assert_eq!(decision.executor, EAST_ENTERPRISE);
        assert_eq!(decision.district, Some(DistrictId(2)));
    }

    #[test]
    fn a_point_outside_all_districts_routes_to_the_default() {
        let areas = areas();
        let decision =
            route(&rules(), &Location { district: None, point: point(48.0, 35.0) }, &with_ids(&areas), all_active)
                .unwrap();
        assert_eq!(
            decision,
            RoutingDecision {
                executor: DEFAULT,
                rule: RoutingRule::CategoryDefault { reason: DefaultReason::PointOutsideAllDistricts },
                district: None,
            }
        );
        assert_eq!(
            decision.explain(),
            "Routed to organisation 100, the category default, because the reported point lies outside every district."
        );
    }

    #[test]
    fn no_location_routes_to_the_default() {
        let areas = areas();
        let decision = route(&rules(), &Location::default(), &with_ids(&areas), all_active).unwrap();
        assert_eq!(decision.executor, DEFAULT);
        assert_eq!(decision.rule, RoutingRule::CategoryDefault { reason: DefaultReason::NoLocation });
        assert_eq!(decision.district, None);
        assert_eq!(
            decision.explain(),
            "Routed to organisation 100, the category default, because no district or point was given."
        );
    }

    #[test]
    fn a_district_without_an_override_routes_to_the_default_but_keeps_the_district() {
        let areas = areas();
        let decision =
            route(&rules(), &Location { district: None, point: point(50.5, 32.5) }, &with_ids(&areas), all_active)
                .unwrap();
        assert_eq!(
            decision,
            RoutingDecision {
                executor: DEFAULT,
                rule: RoutingRule::CategoryDefault {
                    reason: DefaultReason::NoOverrideForDistrict { located_by: LocatedBy::PointInPolygon }
                },
                district: Some(DistrictId(3)),
            }
        );
        assert_eq!(
            decision.explain(),
            "Routed to organisation 100, the category default, because the category has no override for district 3 (found from the reported point)."
        );
    }

    #[test]
    fn an_inactive_override_executor_falls_back_to_the_default() {
        let areas = areas();
        let active: BTreeSet<OrganisationId> = [DEFAULT, EAST_ENTERPRISE].into();
        let decision =
            route(&rules(), &Location { district: Some(DistrictId(1)), point: None }, &with_ids(&areas), |id| {
                active.contains(&id)
            })
            .unwrap();
        assert_eq!(
            decision,
            RoutingDecision {
                executor: DEFAULT,
                rule: RoutingRule::CategoryDefault {
                    reason: DefaultReason::OverrideExecutorInactive {
                        located_by: LocatedBy::ExplicitDistrict,
                        inactive_executor: WEST_ENTERPRISE,
                    }
                },
                district: Some(DistrictId(1)),
            }
        );
        assert_eq!(
            decision.explain(),
            "Routed to organisation 100, the category default, because the override executor for district 1 (chosen explicitly), organisation 201, is inactive."
        );
    }

    #[test]
    fn an_inactive_default_executor_is_an_error_when_no_override_applies() {
        let areas = areas();
        let error = route(&rules(), &Location::default(), &with_ids(&areas), |id| id != DEFAULT).unwrap_err();
        assert_eq!(
            error,
            RoutingError::NoActiveExecutor { default_executor: DEFAULT, district: None, inactive_override: None }
        );
        assert_eq!(
            error.to_string(),
            "no active executor for this category: its default executor, organisation 100, is inactive; reactivate it or set an active default executor for the category"
        );
    }

    #[test]
    fn an_inactive_default_does_not_matter_when_an_active_override_applies() {
        let areas = areas();
        let decision =
            route(&rules(), &Location { district: Some(DistrictId(1)), point: None }, &with_ids(&areas), |id| {
                id != DEFAULT
            })
            .unwrap();
        assert_eq!(decision.executor, WEST_ENTERPRISE);
    }

    #[test]
    fn inactive_override_and_inactive_default_together_are_an_error_naming_both() {
        let areas = areas();
        let error =
            route(&rules(), &Location { district: None, point: point(50.5, 31.5) }, &with_ids(&areas), |_| false)
                .unwrap_err();
        assert_eq!(
            error,
            RoutingError::NoActiveExecutor {
                default_executor: DEFAULT,
                district: Some(DistrictId(2)),
                inactive_override: Some(EAST_ENTERPRISE),
            }
        );
        assert_eq!(
            error.to_string(),
            "no active executor for this category: its default executor, organisation 100, is inactive, and so is organisation 202, the override for district 2; reactivate it or set an active default executor for the category"
        );
    }

    #[test]
    fn routing_by_point_is_deterministic_when_districts_overlap() {
        let big = square_at(30.0, 50.0, 2.0);
        let small = square_at(30.5, 50.5, 0.5);
        let sorted = [(DistrictId(1), &big), (DistrictId(2), &small)];
        let location = Location { district: None, point: point(50.7, 30.7) };
        let first = route(&rules(), &location, &sorted, all_active).unwrap();
        for _ in 0..3 {
            assert_eq!(route(&rules(), &location, &sorted, all_active).unwrap(), first);
        }
        assert_eq!(first.executor, WEST_ENTERPRISE);
        assert_eq!(first.district, Some(DistrictId(1)));
    }

    #[test]
    fn a_point_with_an_impossible_latitude_is_rejected() {
        let areas = areas();
        let error =
            route(&rules(), &Location { district: None, point: point(95.0, 30.5) }, &with_ids(&areas), all_active)
                .unwrap_err();
        assert_eq!(error, RoutingError::InvalidPoint { lat: 95.0, lon: 30.5 });
    }

    #[test]
    fn routing_decisions_serialise_with_rule_and_reason_tags() {
        let decision = RoutingDecision {
            executor: DEFAULT,
            rule: RoutingRule::CategoryDefault {
                reason: DefaultReason::OverrideExecutorInactive {
                    located_by: LocatedBy::PointInPolygon,
                    inactive_executor: WEST_ENTERPRISE,
                },
            },
            district: Some(DistrictId(1)),
        };
        let value = serde_json::to_value(decision).unwrap();
        assert_eq!(
            value,
            json!({
                "executor": 100,
                "rule": {
                    "rule": "category_default",
                    "reason": "override_executor_inactive",
                    "located_by": "point_in_polygon",
                    "inactive_executor": 201
                },
                "district": 1
            })
        );
        assert_eq!(serde_json::from_value::<RoutingDecision>(value).unwrap(), decision);
    }
}
