//! Reading: one appeal, its history, open reports nearby and the public map.
use chrono::{DateTime, Utc};
use poem::{Request, web::Data};
use poem_openapi::{
    ApiResponse, Object, OpenApi,
    param::{Path, Query},
    payload::Json,
};

use super::views::{AppealView, HistoryEntry};
use crate::{
    api::{ApiTags, AppState, codes::Code},
    domain::{appeals::Status, directory::GeoPoint},
    error::{ApiResult, AppError},
    service::{
        appeals::queries::{self, MapPoint},
        metrics::PeriodQuery,
        report_map::{self, PointsQuery, ReportFilter},
    },
    storage::appeals::BoundingBox,
};

#[derive(Debug, Object)]
pub struct NearbyReport {
    pub id: i32,
    pub subject: String,
    pub status: Code<Status>,
    pub distance_m: f64,
    pub received_at: DateTime<Utc>,
}

/// GeoJSON (RFC 7946) of public issue reports.
#[derive(Debug, Object)]
pub struct FeatureCollection {
    #[oai(rename = "type")]
    pub kind: String,
    pub features: Vec<Feature>,
}

#[derive(Debug, Object)]
pub struct Feature {
    #[oai(rename = "type")]
    pub kind: String,
    pub id: i32,
    pub geometry: PointGeometry,
    pub properties: ReportProperties,
}

#[derive(Debug, Object)]
pub struct PointGeometry {
    #[oai(rename = "type")]
    pub kind: String,
    /// [longitude, latitude]
    pub coordinates: Vec<f64>,
}

/// No personal data: no author, no contacts.
#[derive(Debug, Object)]
pub struct ReportProperties {
    pub subject: String,
    #[oai(nullable)]
    pub category_id: Option<i32>,
    /// As the public sees it: a duplicate shows the status of the report it follows.
    pub status: Code<Status>,
    pub executor_id: i32,
    pub received_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub overdue: bool,
    #[oai(nullable)]
    pub answered_at: Option<DateTime<Utc>>,
    #[oai(nullable)]
    pub duplicate_of: Option<i32>,
}

#[derive(ApiResponse)]
pub enum GeoJsonResponse {
    #[oai(status = 200, content_type = "application/geo+json")]
    Ok(Json<FeatureCollection>),
}

#[derive(Default)]
pub struct QueriesApi;

#[OpenApi(prefix_path = "/", tag = "ApiTags::Appeals")]
impl QueriesApi {
    /// One appeal or report
    ///
    /// Issue reports are public (without personal data); other appeals only for the author, the
    /// executor's staff and administrators. The bearer token is optional.
    #[oai(path = "/appeals/:id", method = "get")]
    async fn get(&self, state: Data<&AppState>, req: &Request, id: Path<i32>) -> ApiResult<Json<AppealView>> {
        let actor = state.caller(req).await?;
        Ok(Json(queries::view(&state, &actor, id.0).await?.into()))
    }

    /// The history of an appeal
    ///
    /// Every step with its time, status change and details, oldest first. Who acted is shown to those
    /// who may read the whole appeal.
    #[oai(path = "/appeals/:id/history", method = "get")]
    async fn history(
        &self,
        state: Data<&AppState>,
        req: &Request,
        id: Path<i32>,
    ) -> ApiResult<Json<Vec<HistoryEntry>>> {
        let actor = state.caller(req).await?;
        let steps = queries::history(&state, &actor, id.0).await?;
        Ok(Json(steps.into_iter().map(HistoryEntry::from).collect()))
    }

    /// Open reports nearby
    ///
    /// Before filing, offer the citizen the open reports of the same category within `radius_m`
    /// (default 200 m), nearest first, so the same pothole is not reported ten times.
    #[oai(path = "/reports/nearby", method = "get")]
    async fn nearby(
        &self,
        state: Data<&AppState>,
        category_id: Query<i32>,
        latitude: Query<f64>,
        longitude: Query<f64>,
        #[oai(default = "default_radius")] radius_m: Query<f64>,
    ) -> ApiResult<Json<Vec<NearbyReport>>> {
        let point = GeoPoint { lat: latitude.0, lon: longitude.0 };
        let near = queries::nearby(&state, category_id.0, point, radius_m.0).await?;
        Ok(Json(
            near.into_iter()
                .map(|r| NearbyReport {
                    id: r.id,
                    subject: r.subject,
                    status: r.status.into(),
                    distance_m: r.distance_m,
                    received_at: r.received_at,
                })
                .collect(),
        ))
    }

    /// Issue reports as GeoJSON
    ///
    /// Public map data without personal data, newest first. The same filters as the map of reports
    /// (`/statistics/map`): `period` or `from` + `to` (reports received then; without them, reports of
    /// any time), `category_id`, `status` and `district_id` (reports filed for the district, and reports
    /// filed without one whose point lies in it); a category or district that is not in the directory
    /// is refused with 422. `bbox` is `west,south,east,north` in degrees.
    #[oai(path = "/reports/geojson", method = "get")]
    #[allow(clippy::too_many_arguments)] // one per query parameter, as poem-openapi wants them
    async fn geojson(
        &self,
        state: Data<&AppState>,
        bbox: Query<Option<String>>,
        category_id: Query<Option<i32>>,
        status: Query<Option<Code<Status>>>,
        /// A year (2026), quarter (2026-Q3), month (2026-07) or day (2026-07-15), within the dates the
        /// working-day calendar supports (2015-01-01 to 2100-12-31; others are refused with 422).
        period: Query<Option<String>>,
        /// With `to`, instead of `period`: the first Kyiv date, from 2015-01-01 to 2100-12-31.
        from: Query<Option<String>>,
        /// The last Kyiv date of the range, likewise.
        to: Query<Option<String>>,
        district_id: Query<Option<i32>>,
        /// How many reports at most: 1 to 10000 (others are refused with 422).
        #[oai(default = "default_geojson_limit")]
        limit: Query<u64>,
    ) -> ApiResult<GeoJsonResponse> {
        let bbox = bbox.0.as_deref().map(parse_bbox).transpose()?;
        let status = Code::read_optional(status.0.as_ref(), "status")?;
        let query = PointsQuery {
            period: PeriodQuery { period: period.0, from: from.0, to: to.0 },
            filter: ReportFilter { category_id: category_id.0, status, district_id: district_id.0 },
            bbox,
            limit: limit.0,
        };
        let points = report_map::points(&state, &query, Utc::now()).await?;
        let features = points.into_iter().map(feature).collect();
        Ok(GeoJsonResponse::Ok(Json(FeatureCollection { kind: "FeatureCollection".into(), features })))
    }
}

fn feature(p: MapPoint) -> Feature {
    Feature {
        kind: "Feature".into(),
        id: p.id,
        geometry: PointGeometry { kind: "Point".into(), coordinates: vec![p.point.lon, p.point.lat] },
        properties: ReportProperties {
            subject: p.subject,
            category_id: p.category_id,
            status: p.status.into(),
            executor_id: p.executor_id,
            received_at: p.received_at,
            due_at: p.due_at,
            overdue: p.overdue,
            answered_at: p.answered_at,
            duplicate_of: p.duplicate_of,
        },
    }
}

fn default_radius() -> f64 {
    200.0
}

fn default_geojson_limit() -> u64 {
    1000
}

fn parse_bbox(text: &str) -> Result<BoundingBox, AppError> {
    let parts: Vec<f64> = text
        .split(',')
        .map(|p| p.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| AppError::validation("bbox", "bbox is four numbers: west,south,east,north (degrees)"))?;
    match parts[..] {
        [west, south, east, north] if west <= east && south <= north => Ok(BoundingBox { west, south, east, north }),
        _ => Err(AppError::validation("bbox", "bbox is west,south,east,north with west ≤ east and south ≤ north")),
    }
}
