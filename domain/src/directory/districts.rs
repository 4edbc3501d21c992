//! Districts and their areas: GeoJSON polygons read and checked, and which district holds a point.
use super::*;

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

impl AreaError {
    /// The refusal as a page words it: the id of its string (`area-error-*` in `locales/*/admin.ftl`)
    /// and the string's arguments. [`Display`](fmt::Display) is the API's English wording of the same.
    pub fn message(&self) -> (&'static str, Vec<(&'static str, String)>) {
        let at = |polygon: &usize, ring: &usize| vec![("polygon", polygon.to_string()), ("ring", ring.to_string())];
        let at_position = |polygon: &usize, ring: &usize, position: &usize| {
            let mut args = at(polygon, ring);
            args.push(("position", position.to_string()));
            args
        };
        match self {
            AreaError::NotAnObject => ("area-error-not-an-object", vec![]),
            AreaError::MissingType => ("area-error-missing-type", vec![]),
            AreaError::UnsupportedType { found } => ("area-error-unsupported-type", vec![("found", found.clone())]),
            AreaError::FeatureWithoutGeometry => ("area-error-feature-without-geometry", vec![]),
            AreaError::MissingCoordinates => ("area-error-missing-coordinates", vec![]),
            AreaError::NotAnArray { .. } => ("area-error-not-an-array", vec![]),
            AreaError::NoPolygons => ("area-error-no-polygons", vec![]),
            AreaError::NoRings { polygon } => ("area-error-no-rings", vec![("polygon", polygon.to_string())]),
            AreaError::MalformedPosition { polygon, ring, position } => {
                ("area-error-malformed-position", at_position(polygon, ring, position))
            }
            AreaError::NonFiniteCoordinate { polygon, ring, position } => {
                ("area-error-non-finite", at_position(polygon, ring, position))
            }
            AreaError::LongitudeOutOfRange { polygon, ring, position, value } => {
                let mut args = at_position(polygon, ring, position);
                args.push(("value", value.to_string()));
                ("area-error-longitude", args)
            }
            AreaError::LatitudeOutOfRange { polygon, ring, position, value } => {
                let mut args = at_position(polygon, ring, position);
                args.push(("value", value.to_string()));
                ("area-error-latitude", args)
            }
            AreaError::TooFewPositions { polygon, ring, found } => {
                let mut args = at(polygon, ring);
                args.push(("found", found.to_string()));
                ("area-error-too-few-positions", args)
            }
            AreaError::RingNotClosed { polygon, ring } => ("area-error-not-closed", at(polygon, ring)),
        }
    }
}

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
