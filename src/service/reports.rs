//! The issue reports as the web pages show them: the public map of reports (districts and points, no
//! personal data). The filing, the duplicates and the photos stay in `service::appeals`; this area only
//! gathers what a report page or map needs in one call.
use crate::{
    domain::appeals::Status,
    error::AppError,
    service::{
        AppState,
        appeals::queries::{self, MapPoint},
        directory::{self, District},
    },
};

/// What a map of reports draws: the districts and the public reports' points.
#[derive(Debug, Clone)]
pub struct ReportsMap {
    pub districts: Vec<District>,
    pub points: Vec<MapPoint>,
}

/// The districts with the newest public reports (of a category and status, if given), at most `limit`.
pub async fn public_map(
    state: &AppState,
    category_id: Option<i32>,
    status: Option<Status>,
    limit: u64,
) -> Result<ReportsMap, AppError> {
    let districts = directory::districts(state).await?;
    let points = queries::map_points(state, None, category_id, status, limit).await?;
    Ok(ReportsMap { districts, points })
}
