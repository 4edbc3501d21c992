//! The shared map platform: the city's districts drawn on the server as SVG, with optional points and
//! optional shading of the districts by a value (with a legend), so every map works with JavaScript off;
//! `assets/web/map.js` enhances the same element with Leaflet when scripts run.
//!
//! - [`MapFrame`]: the projection of the districts' bounding box onto a fixed-size picture, and the
//!   one function that turns a click on it (`place.x`/`place.y` of an `<input type="image">`) back into
//!   a [`GeoPoint`] ([`MapFrame::point_at`]);
//! - [`Picture`]: what a page asks for (title, markers, shading) → [`MapWidget`], which the template
//!   `map/map.html` shows (the SVG fallback, the legend and the data Leaflet reads);
//! - the endpoints `/map/districts.geojson` (Leaflet's outlines) and `/map/districts.svg` (the image
//!   of the picking form, with the chosen point).
//!
//! How other pages use it: docs/web.md, "The map platform".
use std::{collections::BTreeMap, fmt::Write};

use poem::{
    Response, Route, handler,
    http::{StatusCode, header},
    web::Query,
};
use serde::{Deserialize, Serialize};

use crate::{
    domain::directory::{Area, GeoPoint},
    error::AppError,
    service::directory::District,
    web::context::Ctx,
};

/// The picture's width in CSS pixels. Fixed, because an image input posts its click in the displayed
/// pixels: a picture never scaled (it fits a 320 px phone) keeps click and projection the same.
pub const WIDTH: f64 = 320.0;
/// The space kept around the districts, as a share of the width and height.
const MARGIN: f64 = 0.04;
/// The shading steps: light to dark blue; the legend and a label in each district carry the values too.
pub const PALETTE: [&str; 5] = ["#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c"];

pub const DISTRICTS_GEOJSON: &str = "/map/districts.geojson";
pub const DISTRICTS_SVG: &str = "/map/districts.svg";
/// The public reports' points (the API's GeoJSON, no personal data).
pub const REPORTS_GEOJSON: &str = "/api/v1/reports/geojson";

pub(super) fn routes(route: Route) -> Route {
    route.at(DISTRICTS_GEOJSON, poem::get(districts_geojson)).at(DISTRICTS_SVG, poem::get(districts_svg))
}

/// A district with an area, ready to draw.
#[derive(Debug, Clone)]
pub struct MapDistrict {
    pub id: i32,
    pub name: String,
    pub area: Area,
}

/// The districts that have a valid area; the others cannot be drawn (pages name them in words).
pub fn drawable(districts: &[District]) -> Vec<MapDistrict> {
    districts
        .iter()
        .filter_map(|d| {
            let area = Area::from_geojson(d.area.as_ref()?).ok()?;
            Some(MapDistrict { id: d.id, name: d.name.clone(), area })
        })
        .collect()
}

/// The equirectangular projection of the districts' bounding box (with a margin) onto a picture
/// [`WIDTH`] pixels wide; longitude is shortened by the cosine of the middle latitude, so a city keeps
/// its shape.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MapFrame {
    west: f64,
    north: f64,
    /// Pixels per degree of longitude and of latitude.
    x_scale: f64,
    y_scale: f64,
    pub width: f64,
    pub height: f64,
}

impl MapFrame {
    /// The frame around every district; None when no district has an area.
    pub fn around(districts: &[MapDistrict]) -> Option<MapFrame> {
        let positions = districts.iter().flat_map(|d| d.area.polygons()).flatten().flatten();
        let (mut west, mut south, mut east, mut north) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for [lon, lat] in positions {
            (west, east, south, north) = (west.min(*lon), east.max(*lon), south.min(*lat), north.max(*lat));
        }
        if west > east || south > north {
            return None;
        }
        let (lon_pad, lat_pad) = ((east - west).max(0.001) * MARGIN, (north - south).max(0.001) * MARGIN);
        let (west, east, south, north) = (west - lon_pad, east + lon_pad, south - lat_pad, north + lat_pad);
        let shrink = ((south + north) / 2.0).to_radians().cos().max(0.05);
        let x_scale = WIDTH / (east - west);
        let y_scale = x_scale / shrink;
        let height = ((north - south) * y_scale).round();
        Some(MapFrame { west, north, x_scale, y_scale, width: WIDTH, height })
    }

    /// Where a point lands on the picture, in pixels from its top left corner.
    pub fn position(&self, point: GeoPoint) -> (f64, f64) {
        ((point.lon - self.west) * self.x_scale, (self.north - point.lat) * self.y_scale)
    }

    /// The point under pixel (`x`, `y`) of the picture: the one conversion of a click back into a
    /// place. None when the click lies outside the picture or the point is not a valid coordinate.
    pub fn point_at(&self, x: f64, y: f64) -> Option<GeoPoint> {
        let inside = (0.0..=self.width).contains(&x) && (0.0..=self.height).contains(&y);
        inside.then(|| GeoPoint::checked(self.north - y / self.y_scale, self.west + x / self.x_scale)).flatten()
    }
}

/// A point drawn on the map.
#[derive(Debug, Clone)]
pub struct Marker {
    pub point: GeoPoint,
    /// What the marker's tooltip says (a report's subject): public text only.
    pub label: String,
    pub kind: MarkerKind,
}

/// Markers differ in shape, not only in colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkerKind {
    /// A report: a dark blue dot with a white ring.
    Report,
    /// The place being chosen: a black cross in a yellow ring.
    Chosen,
}

/// Districts shaded by a value (e.g. overdue share): five equal steps between the smallest and the
/// largest value; each district also shows its value as text.
#[derive(Debug, Clone, Default)]
pub struct Shading {
    /// The legend's heading ("Overdue reports, %").
    pub title: String,
    pub values: BTreeMap<i32, f64>,
    /// Digits after the decimal point in labels and legend.
    pub decimals: usize,
}

impl Shading {
    /// The palette step (0–4) of `value`.
    pub fn step(&self, value: f64) -> usize {
        let (low, high) = self.range();
        if high <= low {
            return 0;
        }
        (((value - low) / (high - low) * PALETTE.len() as f64) as usize).min(PALETTE.len() - 1)
    }

    fn range(&self) -> (f64, f64) {
        let low = self.values.values().copied().fold(f64::MAX, f64::min);
        let high = self.values.values().copied().fold(f64::MIN, f64::max);
        (low, high)
    }

    fn format(&self, value: f64) -> String {
        format!("{value:.*}", self.decimals)
    }

    /// The legend: one entry per step that some district falls in, with its range.
    pub fn legend(&self) -> Vec<LegendEntry> {
        let (low, high) = self.range();
        let width = (high - low) / PALETTE.len() as f64;
        let used: std::collections::BTreeSet<usize> = self.values.values().map(|v| self.step(*v)).collect();
        used.into_iter()
            .map(|step| {
                let (from, to) = (low + width * step as f64, low + width * (step + 1) as f64);
                let range = if width <= 0.0 {
                    self.format(low)
                } else {
                    format!("{}–{}", self.format(from), self.format(to))
                };
                LegendEntry { step, colour: PALETTE[step], range }
            })
            .collect()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct LegendEntry {
    pub step: usize,
    pub colour: &'static str,
    pub range: String,
}

/// The public reports as markers, labelled with their subjects.
pub fn report_markers(points: &[crate::service::appeals::queries::MapPoint]) -> Vec<Marker> {
    points.iter().map(|p| Marker { point: p.point, label: p.subject.clone(), kind: MarkerKind::Report }).collect()
}

/// The query of [`REPORTS_GEOJSON`] for Leaflet's points of a map of reports: the reports `filter`
/// selects (the page's own filter, so its list, its picture and its points narrow alike), received in
/// `period` (any time when blank), at most `limit`.
pub fn points_query(
    filter: &crate::service::report_map::ReportFilter,
    period: &crate::service::metrics::PeriodQuery,
    limit: u64,
) -> String {
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in [("period", &period.period), ("from", &period.from), ("to", &period.to)] {
        if let Some(value) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            out.append_pair(name, value);
        }
    }
    if let Some(id) = filter.category_id {
        out.append_pair("category_id", &id.to_string());
    }
    if let Some(status) = filter.status {
        out.append_pair("status", status.code());
    }
    if let Some(id) = filter.district_id {
        out.append_pair("district_id", &id.to_string());
    }
    out.append_pair("limit", &limit.to_string());
    out.finish()
}

/// What a page wants drawn.
#[derive(Debug, Clone, Default)]
pub struct Picture {
    /// The map's accessible name ("Map of recent reports").
    pub title: String,
    pub markers: Vec<Marker>,
    pub shading: Option<Shading>,
}

/// Draws the districts, the shading and the markers as a standalone SVG document (every text escaped).
pub fn svg(frame: &MapFrame, districts: &[MapDistrict], picture: &Picture) -> String {
    let (w, h) = (frame.width, frame.height);
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"hromada-map__svg\" width=\"{w}\" height=\"{h}\" \
         viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{}\"><title>{}</title>\
         <rect width=\"{w}\" height=\"{h}\" fill=\"#f3f2f1\"/>",
        escape(&picture.title),
        escape(&picture.title)
    );
    for district in districts {
        let value = picture.shading.as_ref().and_then(|s| s.values.get(&district.id).map(|v| (s, *v)));
        let fill = value.map_or("#ffffff", |(s, v)| PALETTE[s.step(v)]);
        let _ = write!(
            out,
            "<path d=\"{}\" fill=\"{fill}\" fill-rule=\"evenodd\" stroke=\"#0b0c0c\" stroke-width=\"1.5\"><title>{}</title></path>",
            path_of(frame, &district.area),
            escape(&district.name)
        );
    }
    for district in districts {
        let value = picture.shading.as_ref().and_then(|s| s.values.get(&district.id).map(|v| s.format(*v)));
        out.push_str(&label(frame, district, value));
    }
    for marker in &picture.markers {
        out.push_str(&marker_svg(frame, marker));
    }
    out.push_str("</svg>");
    out
}

/// The outline of an area as one SVG path (holes by the even-odd rule).
fn path_of(frame: &MapFrame, area: &Area) -> String {
    let mut d = String::new();
    for ring in area.polygons().iter().flatten() {
        for (i, [lon, lat]) in ring.iter().enumerate() {
            let (x, y) = frame.position(GeoPoint { lat: *lat, lon: *lon });
            let _ = write!(d, "{}{x:.1} {y:.1}", if i == 0 { "M" } else { "L" });
        }
        d.push('Z');
    }
    d
}

/// The district's name (and value) at the middle of its first outline, dark on a white halo so it
/// reads on every shade.
fn label(frame: &MapFrame, district: &MapDistrict, value: Option<String>) -> String {
    let Some(ring) = district.area.polygons().first().and_then(|p| p.first()) else { return String::new() };
    let n = ring.len().max(1) as f64;
    let (lon, lat) = ring.iter().fold((0.0, 0.0), |(x, y), [lon, lat]| (x + lon / n, y + lat / n));
    let (x, y) = frame.position(GeoPoint { lat, lon });
    // The short name: "Північний (North)" shows "Північний"; the full name is the outline's tooltip.
    let name = district.name.split(" (").next().unwrap_or(&district.name);
    let text = match value {
        Some(v) => format!("{} {v}", escape(name)),
        None => escape(name),
    };
    format!(
        "<text x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"middle\" font-size=\"12\" font-family=\"sans-serif\" \
         fill=\"#0b0c0c\" stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\">{text}</text>"
    )
}

fn marker_svg(frame: &MapFrame, marker: &Marker) -> String {
    let (x, y) = frame.position(marker.point);
    let title = escape(&marker.label);
    match marker.kind {
        MarkerKind::Report => format!(
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"5\" fill=\"#1d70b8\" stroke=\"#ffffff\" stroke-width=\"2\"><title>{title}</title></circle>"
        ),
        MarkerKind::Chosen => format!(
            "<g><title>{title}</title><circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"9\" fill=\"none\" stroke=\"#ffdd00\" stroke-width=\"5\"/>\
             <path d=\"M{:.1} {y:.1}H{:.1}M{x:.1} {:.1}V{:.1}\" stroke=\"#0b0c0c\" stroke-width=\"2.5\"/></g>",
            x - 11.0,
            x + 11.0,
            y - 11.0,
            y + 11.0
        ),
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// What `templates/web/map/map.html` shows: the server-drawn picture (the fallback), its legend, and
/// the data attributes `map.js` reads to draw the same map with Leaflet.
#[derive(Debug, Clone, Serialize)]
pub struct MapWidget {
    /// The SVG, escaped when drawn; templates output it with `|safe`.
    pub svg: String,
    pub title: String,
    pub width: f64,
    pub height: f64,
    pub legend: Vec<LegendEntry>,
    pub legend_title: String,
    /// district id → palette step, for Leaflet's shading (JSON).
    pub shading: String,
    pub districts_url: &'static str,
    /// The points Leaflet loads (the API's GeoJSON with the page's filters), if any.
    pub points_url: Option<String>,
    /// The picture's own markers for Leaflet (JSON: lat, lon, label, chosen), unless the points URL or
    /// the picking fields supply them: a private place (the desk's case) never goes through a public URL.
    pub markers: String,
    /// An outline being previewed (GeoJSON geometry, JSON), drawn over the districts by Leaflet, and the
    /// district whose stored outline it replaces (left out of Leaflet's districts).
    pub outline: Option<String>,
    pub replaces: Option<i32>,
    /// The ids of the latitude and longitude fields a click on the Leaflet map fills.
    pub pick: Option<(String, String)>,
    /// When picking: the image button's picture (`/map/districts.svg`, with the chosen point).
    pub image_src: Option<String>,
    /// A private place (an appeal's, on the desk): Leaflet draws it without the configured base tiles, so
    /// the tile provider never learns where it is.
    pub private_place: bool,
}

impl MapWidget {
    /// The widget for `picture` over the districts, or None when no district can be drawn.
    pub fn new(districts: &[District], picture: &Picture) -> Option<MapWidget> {
        let drawable = drawable(districts);
        let frame = MapFrame::around(&drawable)?;
        let shading = picture.shading.as_ref();
        let steps: BTreeMap<i32, usize> =
            shading.map(|s| s.values.iter().map(|(id, v)| (*id, s.step(*v))).collect()).unwrap_or_default();
        Some(MapWidget {
            svg: svg(&frame, &drawable, picture),
            title: picture.title.clone(),
            width: frame.width,
            height: frame.height,
            legend: shading.map(Shading::legend).unwrap_or_default(),
            legend_title: shading.map(|s| s.title.clone()).unwrap_or_default(),
            shading: serde_json::to_string(&steps).unwrap_or_default(),
            districts_url: DISTRICTS_GEOJSON,
            points_url: None,
            markers: leaflet_markers(&picture.markers),
            outline: None,
            replaces: None,
            pick: None,
            image_src: None,
            private_place: false,
        })
    }

    /// The place shown is private: no base tiles are fetched around it (see `private_place`).
    pub fn private(mut self) -> MapWidget {
        self.private_place = true;
        self
    }

    /// Leaflet also shows the public reports of `query` (e.g. `status=received&limit=200`).
    pub fn with_points(mut self, query: &str) -> MapWidget {
        self.points_url =
            Some(if query.is_empty() { REPORTS_GEOJSON.to_owned() } else { format!("{REPORTS_GEOJSON}?{query}") });
        self.markers = leaflet_markers(&[]);
        self
    }

    /// Leaflet also draws `geometry` (an outline being checked before it is saved), highlighted, in place
    /// of district `replaces`'s stored outline; the server's picture must already include it.
    pub fn with_outline(mut self, geometry: &serde_json::Value, replaces: Option<i32>) -> MapWidget {
        self.outline = Some(geometry.to_string());
        self.replaces = replaces;
        self
    }

    /// A picking map, inside a form: without JavaScript an `<input type="image" name="place">` whose
    /// click posts `place.x`/`place.y` (read by [`ImageClick`]); with it, a click on the Leaflet map
    /// fills the fields with these ids. `chosen` is marked on both.
    pub fn picking_into(mut self, latitude_field: &str, longitude_field: &str, chosen: Option<GeoPoint>) -> MapWidget {
        self.pick = Some((latitude_field.to_owned(), longitude_field.to_owned()));
        self.markers = leaflet_markers(&[]);
        self.image_src = Some(match chosen {
            Some(p) => format!("{DISTRICTS_SVG}?lat={}&lon={}", p.lat, p.lon),
            None => DISTRICTS_SVG.to_owned(),
        });
        self
    }
}

/// Markers as the JSON `map.js` reads from `data-markers`.
fn leaflet_markers(markers: &[Marker]) -> String {
    let markers: Vec<_> = markers
        .iter()
        .map(|m| {
            serde_json::json!({
                "lat": m.point.lat, "lon": m.point.lon, "label": m.label, "chosen": m.kind == MarkerKind::Chosen,
            })
        })
        .collect();
    serde_json::Value::from(markers).to_string()
}

/// The click an `<input type="image" name="place">` posts as `place.x` and `place.y`.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct ImageClick {
    #[serde(rename = "place.x")]
    pub x: Option<String>,
    #[serde(rename = "place.y")]
    pub y: Option<String>,
}

impl ImageClick {
    /// Whether the form was sent by a click on the picture.
    pub fn clicked(&self) -> bool {
        self.x.is_some() && self.y.is_some()
    }

    /// The place clicked, over the districts as drawn now; None when there was no (valid) click.
    pub fn point(&self, districts: &[District]) -> Option<GeoPoint> {
        let x = self.x.as_deref()?.trim().parse::<f64>().ok()?;
        let y = self.y.as_deref()?.trim().parse::<f64>().ok()?;
        MapFrame::around(&drawable(districts))?.point_at(x, y)
    }
}

/// `GET /map/districts.geojson`: the districts as a GeoJSON FeatureCollection (id, name, outline).
#[handler]
async fn districts_geojson(ctx: Ctx<'_>) -> poem::Result<Response> {
    let districts = crate::service::directory::districts(ctx.state).await.map_err(failed)?;
    let features: Vec<serde_json::Value> = drawable(&districts)
        .into_iter()
        .map(|d| {
            serde_json::json!({
                "type": "Feature", "id": d.id,
                "properties": {"id": d.id, "name": d.name},
                "geometry": d.area.to_geojson(),
            })
        })
        .collect();
    let body = serde_json::json!({"type": "FeatureCollection", "features": features});
    Ok(Response::builder()
        .header(header::CONTENT_TYPE, "application/geo+json")
        .header(header::CACHE_CONTROL, "no-cache")
        .body(body.to_string()))
}

/// A use case's error as the status the error page shows.
fn failed(err: AppError) -> poem::Error {
    poem::Error::from_status(super::forms::status_of(&err))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ChosenPoint {
    lat: Option<f64>,
    lon: Option<f64>,
}

/// `GET /map/districts.svg?lat=…&lon=…`: the picture of the picking form, with the chosen point.
#[handler]
async fn districts_svg(ctx: Ctx<'_>, Query(chosen): Query<ChosenPoint>) -> poem::Result<Response> {
    let districts = drawable(&crate::service::directory::districts(ctx.state).await.map_err(failed)?);
    let Some(frame) = MapFrame::around(&districts) else {
        return Ok(StatusCode::NOT_FOUND.into());
    };
    let chosen = chosen.lat.zip(chosen.lon).and_then(|(lat, lon)| GeoPoint::checked(lat, lon));
    let markers =
        chosen.map(|point| Marker { point, label: String::new(), kind: MarkerKind::Chosen }).into_iter().collect();
    let picture = Picture { title: String::new(), markers, shading: None };
    Ok(Response::builder()
        .header(header::CONTENT_TYPE, "image/svg+xml")
        .header(header::CACHE_CONTROL, "no-cache")
        .body(svg(&frame, &districts, &picture)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(id: i32, west: f64, south: f64, east: f64, north: f64) -> MapDistrict {
        let ring = vec![[west, south], [east, south], [east, north], [west, north], [west, south]];
        MapDistrict { id, name: format!("D{id} (District {id})"), area: Area::new(vec![vec![ring]]).unwrap() }
    }

    fn city() -> Vec<MapDistrict> {
        vec![square(1, 37.50, 48.74, 37.62, 48.80), square(2, 37.50, 48.68, 37.70, 48.74)]
    }

    #[test]
    fn a_click_turns_back_into_the_point_that_was_drawn_there() {
        let frame = MapFrame::around(&city()).unwrap();
        let point = GeoPoint { lat: 48.71, lon: 37.55 };
        let (x, y) = frame.position(point);
        let back = frame.point_at(x, y).unwrap();
        assert!((back.lat - point.lat).abs() < 1e-9 && (back.lon - point.lon).abs() < 1e-9, "{back:?}");
    }

    #[test]
    fn the_picture_keeps_the_city_shape_and_fits_a_phone() {
        let frame = MapFrame::around(&city()).unwrap();
        assert_eq!(frame.width, 320.0);
        // 0.2° of longitude at 48.74° N is ~14.7 km, 0.12° of latitude ~13.3 km: a bit wider than tall.
        assert!((270.0..300.0).contains(&frame.height), "{}", frame.height);
        let (x, y) = frame.position(GeoPoint { lat: 48.80, lon: 37.50 });
        assert!(x > 0.0 && y > 0.0 && x < 20.0 && y < 20.0, "the north-west corner sits inside the margin");
    }

    #[test]
    fn a_click_outside_the_picture_is_no_place() {
        let frame = MapFrame::around(&city()).unwrap();
        assert_eq!(frame.point_at(-1.0, 10.0), None);
        assert_eq!(frame.point_at(10.0, frame.height + 1.0), None);
    }

    #[test]
    fn no_district_with_an_area_means_no_map() {
        assert_eq!(MapFrame::around(&[]), None);
    }

    #[test]
    fn shading_splits_the_values_into_five_steps_and_the_legend_lists_those_used() {
        let shading =
            Shading { title: "t".into(), values: BTreeMap::from([(1, 0.0), (2, 50.0), (3, 100.0)]), decimals: 0 };
        assert_eq!((shading.step(0.0), shading.step(50.0), shading.step(100.0)), (0, 2, 4));
        let legend: Vec<String> = shading.legend().into_iter().map(|e| e.range).collect();
        assert_eq!(legend, ["0–20", "40–60", "80–100"]);
    }

    #[test]
    fn the_svg_names_each_district_shows_its_value_and_escapes_text() {
        let picture = Picture {
            title: "Map <of> \"reports\"".into(),
            markers: vec![Marker {
                point: GeoPoint { lat: 48.7, lon: 37.6 },
                label: "<script>".into(),
                kind: MarkerKind::Report,
            }],
            shading: Some(Shading { title: "x".into(), values: BTreeMap::from([(1, 3.0), (2, 7.0)]), decimals: 0 }),
        };
        let drawn = svg(&MapFrame::around(&city()).unwrap(), &city(), &picture);
        assert!(drawn.contains(">D1 3</text>") && drawn.contains(">D2 7</text>"), "{drawn}");
        assert!(drawn.contains(PALETTE[0]) && drawn.contains(PALETTE[4]));
        assert!(drawn.contains("&lt;script&gt;") && !drawn.contains("<script>"));
        assert!(drawn.contains("aria-label=\"Map &lt;of&gt; &quot;reports&quot;\""));
    }

    #[test]
    fn an_image_click_needs_both_numbers() {
        let click = ImageClick { x: Some("12".into()), y: None };
        assert!(!click.clicked());
        assert_eq!(click.point(&[]), None);
    }
}
