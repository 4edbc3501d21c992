//! The map of reports: issue reports of a period, optionally of one category, status and district, as
//! clusters of points, districts shaded by their on-time share, and a table a page at a time. The web
//! page (`/statistics/map`) calls [`report_map`]; the JSON API's district figures (`GET /metrics/districts`)
//! come from [`district_map`], the same summary, and its points (`GET /reports/geojson`) from [`points`],
//! the same filters. [`ReportFilter`] is the one filter of every list and map of reports (the list of
//! reports `/reports` selects with [`selection`] too), read from a page's form by [`ReportFilter::read`].
use std::{
    collections::BTreeMap,
    sync::{LazyLock, atomic::AtomicU64},
    time::Duration,
};

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::{AppState, appeals::queries::MapPoint, metrics::PeriodQuery};
use crate::{
    domain::{
        appeals::Status,
        calendar::{kyiv_date, kyiv_end_of_day, kyiv_start_of_day},
        directory::{Area, DistrictId, district_for_point},
        metrics::{self, Period, Tally},
    },
    error::AppError,
    storage::{
        self,
        appeals::BoundingBox,
        cache::SharedCache,
        report_map::{Cell, ReportSelection},
    },
};

/// Reports per page of the table.
pub const PAGE_SIZE: u64 = 50;

/// How long the cells of a selection are reused: the map is for reading trends, so a report filed in
/// the last half minute may be missing from it (`as_of` says when it was counted); the table is read
/// fresh on every request.
pub const CELLS_MAX_AGE: Duration = Duration::from_secs(30);

/// What the map of reports shows: the reports of a period (the current year when none is given) that
/// `filter` selects, and the page of its table.
#[derive(Debug, Clone, Default)]
pub struct ReportMapQuery {
    pub period: PeriodQuery,
    pub filter: ReportFilter,
    /// From 1 (a page's `page=` is read by the web layer's pager).
    pub page: u64,
}

/// Which reports a list or map of reports shows: of one category, status and district, or of any
/// (`None`). The one filter of the list of reports (`/reports`), its map, the map of reports
/// (`/statistics/map`) and the API's points and district figures. The API builds it from its typed
/// parameters; a page reads its form's text with [`ReportFilter::read`]. Whether the directory holds the
/// category and district is checked when it is used (a 422 naming the field).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ReportFilter {
    pub category_id: Option<i32>,
    pub status: Option<Status>,
    pub district_id: Option<i32>,
}

/// The filter as a page's GET form sends it (`category_id`, `status`, `district_id`); blank is any.
#[derive(Debug, Clone, Copy, Default)]
pub struct FilterText<'a> {
    pub category_id: Option<&'a str>,
    pub status: Option<&'a str>,
    pub district_id: Option<&'a str>,
}

/// A choice typed into a filter, or none when blank.
fn chosen(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|t| !t.is_empty())
}

/// A number typed into a filter, or none when blank.
fn number(field: &str, text: Option<&str>, what: &str) -> Result<Option<i32>, AppError> {
    match chosen(text) {
        None => Ok(None),
        Some(t) => t.parse().map(Some).map_err(|_| AppError::validation(field, format!("choose {what} from the list"))),
    }
}

impl ReportFilter {
    /// The filter a page's form asked for: each choice a number (category, district) or a status code,
    /// else a 422 naming its field.
    pub fn read(text: FilterText<'_>) -> Result<ReportFilter, AppError> {
        let category_id = number("category_id", text.category_id, "a category")?;
        let district_id = number("district_id", text.district_id, "a district")?;
        let status = match chosen(text.status) {
            None => None,
            Some(code) => Some(
                Status::parse(code).ok_or_else(|| AppError::validation("status", "choose a status from the list"))?,
            ),
        };
        Ok(ReportFilter { category_id, status, district_id })
    }

    /// Whether it narrows anything.
    pub fn is_any(&self) -> bool {
        *self == ReportFilter::default()
    }
}

/// A district's figures for the selection: the same arithmetic as the appeal figures
/// (`domain::metrics::figures`).
#[derive(Debug, Clone, Serialize)]
pub struct DistrictFigures {
    /// 0 for reports in no district.
    pub district_id: i32,
    pub name: Option<String>,
    pub received: i64,
    pub answered: i64,
    pub answered_on_time: i64,
    pub overdue: i64,
    pub on_time_share: Option<f64>,
}

/// Reports close together, drawn as one point with their number.
#[derive(Debug, Clone, Serialize)]
pub struct Cluster {
    pub lat: f64,
    pub lon: f64,
    pub reports: i64,
}

/// A report in the table: public fields only.
#[derive(Debug, Clone, Serialize)]
pub struct ReportRow {
    pub id: i32,
    pub subject: String,
    pub category_id: Option<i32>,
    pub status: Status,
    /// Kyiv dates.
    pub received_on: NaiveDate,
    pub due_on: NaiveDate,
    pub overdue: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReportMap {
    pub period: Period,
    pub as_of: DateTime<Utc>,
    pub filter: ReportFilter,
    pub received: i64,
    pub districts: Vec<DistrictFigures>,
    pub clusters: Vec<Cluster>,
    pub rows: Vec<ReportRow>,
    pub page: u64,
    pub pages: u64,
    /// What the filters offer.
    pub choices: Choices,
    /// Every district with its area, for drawing the map.
    #[serde(skip)]
    pub areas: Vec<super::directory::District>,
}

static CELLS_GENERATION: AtomicU64 = AtomicU64::new(0);
static CELLS: LazyLock<SharedCache<Vec<Cell>>> = LazyLock::new(|| SharedCache::new(&CELLS_GENERATION, CELLS_MAX_AGE));

/// The figures of a selection per district: what the map shades, its table shows and
/// `GET /metrics/districts` serves.
#[derive(Debug, Clone, Serialize)]
pub struct DistrictMap {
    pub period: Period,
    pub as_of: DateTime<Utc>,
    pub filter: ReportFilter,
    pub received: i64,
    pub districts: Vec<DistrictFigures>,
}

/// A selection checked against the directory, with its cells placed in districts.
struct Resolved {
    period: Period,
    filter: ReportFilter,
    selection: ReportSelection,
    /// The selected cells with their district (0 for none).
    chosen: Vec<(i32, Cell)>,
    names: Vec<(i32, String)>,
    district_rows: Vec<entity::districts::Model>,
    choices: Choices,
}

impl Resolved {
    fn summary(&self, now: DateTime<Utc>) -> DistrictMap {
        // The cells count the same reports as the table: no second count over the whole selection.
        DistrictMap {
            period: self.period,
            as_of: now,
            filter: self.filter,
            received: self.chosen.iter().map(|(_, c)| c.reports).sum(),
            districts: district_figures(&self.chosen, &self.names),
        }
    }
}

/// The filters checked against the directory: a category or district not in it is a 422.
async fn known(state: &AppState, filter: &ReportFilter) -> Result<(Vec<entity::districts::Model>, Choices), AppError> {
    let district_rows = storage::directory::list_districts(&state.db).await?;
    if filter.district_id.is_some_and(|d| !district_rows.iter().any(|row| row.id == d)) {
        return Err(AppError::validation("district_id", "choose a district from the list"));
    }
    let choices = choices(state).await?;
    if filter.category_id.is_some_and(|id| !choices.categories.iter().any(|c| c.id == id)) {
        return Err(AppError::validation("category_id", "choose a category from the list"));
    }
    Ok((district_rows, choices))
}

/// The selection's cells (reused for [`CELLS_MAX_AGE`]) placed in their districts, those of
/// `district` alone when given; narrows `selection` to that district too.
async fn located_cells(
    state: &AppState,
    selection: &mut ReportSelection,
    district: Option<i32>,
    district_rows: &[entity::districts::Model],
    now: DateTime<Utc>,
) -> Result<Vec<(i32, Cell)>, AppError> {
    let key = format!("{:?}|{:?}|{:?}", selection.received, selection.category_id, selection.status);
    let cells = CELLS.get_keyed(&state.db, &key, || storage::report_map::cells(&state.db, selection, now)).await?;
    let areas = parsed_areas(district_rows)?;
    let chosen: Vec<(i32, Cell)> = cells
        .iter()
        .map(|c| (district_of(c, &areas), c))
        .filter(|(d, _)| district.is_none_or(|f| f == *d))
        .map(|(d, c)| (d, c.clone()))
        .collect();
    if let Some(district) = district {
        let by_point = chosen.iter().filter(|(_, c)| c.district_id.is_none()).filter_map(|(_, c)| c.cell).collect();
        selection.district = Some((district, by_point));
    }
    Ok(chosen)
}

async fn resolve(state: &AppState, query: &ReportMapQuery, now: DateTime<Utc>) -> Result<Resolved, AppError> {
    let period = query.period.resolve(now)?;
    let filter = query.filter;
    let (district_rows, choices) = known(state, &filter).await?;
    let names: Vec<(i32, String)> = district_rows.iter().map(|d| (d.id, d.name.clone())).collect();
    let mut selection = ReportSelection {
        received: Some((kyiv_start_of_day(period.from), kyiv_end_of_day(period.to))),
        category_id: filter.category_id,
        status: filter.status,
        ..Default::default()
    };
    let chosen = located_cells(state, &mut selection, filter.district_id, &district_rows, now).await?;
    Ok(Resolved { period, filter, selection, chosen, names, district_rows, choices })
}

/// Each district's figures for the selection (`query`'s page is ignored).
pub async fn district_map(
    state: &AppState,
    query: &ReportMapQuery,
    now: DateTime<Utc>,
) -> Result<DistrictMap, AppError> {
    Ok(resolve(state, query, now).await?.summary(now))
}

/// The map of the reports selected by `query`.
pub async fn report_map(state: &AppState, query: &ReportMapQuery, now: DateTime<Utc>) -> Result<ReportMap, AppError> {
    let page = query.page.clamp(1, storage::Page::MAX_NUMBER);
    let resolved = resolve(state, query, now).await?;
    let summary = resolved.summary(now);
    let rows = storage::report_map::page(&state.db, &resolved.selection, (page - 1) * PAGE_SIZE, PAGE_SIZE).await?;
    let rows = rows.iter().map(|row| report_row(row, now)).collect::<Result<Vec<_>, _>>()?;
    Ok(ReportMap {
        period: summary.period,
        as_of: now,
        filter: summary.filter,
        received: summary.received,
        districts: summary.districts,
        clusters: clusters(&resolved.chosen),
        rows,
        page,
        pages: (summary.received.max(0) as u64).div_ceil(PAGE_SIZE).max(1),
        choices: resolved.choices,
        areas: resolved.district_rows.into_iter().map(super::directory::District::from).collect(),
    })
}

/// From when until when (exclusive) reports were received.
type Received = (DateTime<Utc>, DateTime<Utc>);

/// When the selected reports were received: in `period`, or at any time when it is blank.
fn received_in(period: &PeriodQuery, now: DateTime<Utc>) -> Result<Option<Received>, AppError> {
    let PeriodQuery { period: p, from, to } = period;
    if [p, from, to].iter().all(|v| v.as_deref().is_none_or(|t| t.trim().is_empty())) {
        return Ok(None);
    }
    let period = period.resolve(now)?;
    Ok(Some((kyiv_start_of_day(period.from), kyiv_end_of_day(period.to))))
}

/// The reports `filter` selects, received in `period` (any time when blank), checked against the
/// directory (a category or district it does not hold is a 422 naming the field). A district selects
/// the reports filed for it and those filed without one whose point lies in it: on the map of reports,
/// its points and the list of reports alike.
pub async fn selection(
    state: &AppState,
    period: &PeriodQuery,
    filter: &ReportFilter,
    now: DateTime<Utc>,
) -> Result<ReportSelection, AppError> {
    let (mut selection, district_rows) = narrowed(state, period, filter, now).await?;
    if filter.district_id.is_some() {
        located_cells(state, &mut selection, filter.district_id, &district_rows, now).await?;
    }
    Ok(selection)
}

/// [`selection`] for a list of reports: a district selects the reports filed for it (the intake stores
/// the district its point lies in) exactly and as they are now, not through the map's grid cells, which
/// are reused for [`CELLS_MAX_AGE`] and may place a point near a border in the neighbour.
pub async fn list_selection(
    state: &AppState,
    period: &PeriodQuery,
    filter: &ReportFilter,
    now: DateTime<Utc>,
) -> Result<ReportSelection, AppError> {
    let (mut selection, _) = narrowed(state, period, filter, now).await?;
    selection.district = filter.district_id.map(|district| (district, Vec::new()));
    Ok(selection)
}

/// The selection of `period` and `filter` but its district, with the directory's districts.
async fn narrowed(
    state: &AppState,
    period: &PeriodQuery,
    filter: &ReportFilter,
    now: DateTime<Utc>,
) -> Result<(ReportSelection, Vec<entity::districts::Model>), AppError> {
    let received = received_in(period, now)?;
    let (district_rows, _) = known(state, filter).await?;
    let selection =
        ReportSelection { received, category_id: filter.category_id, status: filter.status, ..Default::default() };
    Ok((selection, district_rows))
}

/// The points of a public map of reports (`GET /reports/geojson`, the maps of `/reports` and
/// `/statistics/map`): a period (blank: any time) and a filter, plus a bounding box and a limit (1–10000).
#[derive(Debug, Clone, Default)]
pub struct PointsQuery {
    pub period: PeriodQuery,
    pub filter: ReportFilter,
    pub bbox: Option<BoundingBox>,
    pub limit: u64,
}

/// The most points one request gets.
pub const MAX_POINTS: u64 = 10_000;

/// Up to `limit` public reports with a point selected by `query`, newest first.
pub async fn points(state: &AppState, query: &PointsQuery, now: DateTime<Utc>) -> Result<Vec<MapPoint>, AppError> {
    if !(1..=MAX_POINTS).contains(&query.limit) {
        return Err(AppError::validation("limit", format!("the limit is 1 to {MAX_POINTS}")));
    }
    let selection = selection(state, &query.period, &query.filter, now).await?;
    selected_points(state, &selection, query.bbox, query.limit).await
}

/// Up to `limit` of the reports of `selection` that have a point (inside `bbox`, if given), newest first.
pub async fn selected_points(
    state: &AppState,
    selection: &ReportSelection,
    bbox: Option<BoundingBox>,
    limit: u64,
) -> Result<Vec<MapPoint>, AppError> {
    let rows = storage::report_map::points(&state.db, selection, bbox, limit.clamp(1, MAX_POINTS)).await?;
    super::appeals::queries::as_map_points(state, rows).await
}

fn parsed_areas(rows: &[entity::districts::Model]) -> Result<Vec<(DistrictId, Area)>, AppError> {
    let mut areas = Vec::new();
    for d in rows {
        if let Some(text) = &d.area_geojson {
            let value: serde_json::Value = serde_json::from_str(text).map_err(|e| AppError::Internal(e.into()))?;
            let area = Area::from_geojson(&value)
                .map_err(|e| AppError::Internal(anyhow::anyhow!("district {}: {e}", d.id)))?;
            areas.push((DistrictId(d.id.into()), area));
        }
    }
    areas.sort_by_key(|(id, _)| *id);
    Ok(areas)
}

/// The cell's district: the one given when filing, else the one holding the cell's mean point; 0 for none.
fn district_of(cell: &Cell, areas: &[(DistrictId, Area)]) -> i32 {
    if let Some(d) = cell.district_id {
        return d;
    }
    let refs: Vec<(DistrictId, &Area)> = areas.iter().map(|(id, a)| (*id, a)).collect();
    match (cell.lat, cell.lon) {
        (Some(lat), Some(lon)) => district_for_point(&refs, lat, lon).map_or(0, |id| id.0 as i32),
        _ => 0,
    }
}

fn district_figures(cells: &[(i32, Cell)], names: &[(i32, String)]) -> Vec<DistrictFigures> {
    let mut sums: BTreeMap<i32, (Tally, i64)> = names.iter().map(|(id, _)| (*id, Default::default())).collect();
    for (district, cell) in cells {
        let (tally, overdue) = sums.entry(*district).or_default();
        tally.received += cell.reports;
        tally.duplicates += cell.duplicates;
        tally.answered += cell.answered;
        tally.answered_on_time += cell.answered_on_time;
        *overdue += cell.overdue;
    }
    sums.into_iter()
        .filter(|(id, (tally, _))| *id != 0 || tally.received > 0)
        .map(|(id, (tally, overdue))| {
            let f = metrics::figures(&tally, overdue);
            DistrictFigures {
                district_id: id,
                name: names.iter().find(|(n, _)| *n == id).map(|(_, name)| name.clone()),
                received: f.received,
                answered: f.answered,
                answered_on_time: f.answered_on_time,
                overdue: f.overdue,
                on_time_share: f.on_time_share,
            }
        })
        .collect()
}

/// Cells merged into a coarser grid (about 1 km): what the map draws as numbered points.
fn clusters(cells: &[(i32, Cell)]) -> Vec<Cluster> {
    const PER_DEGREE: f64 = 100.0;
    let mut merged: BTreeMap<(i64, i64), (f64, f64, i64)> = BTreeMap::new();
    for (_, cell) in cells {
        let (Some(lat), Some(lon)) = (cell.lat, cell.lon) else { continue };
        let entry = merged.entry(((lat * PER_DEGREE).floor() as i64, (lon * PER_DEGREE).floor() as i64)).or_default();
        let n = cell.reports as f64;
        entry.0 += lat * n;
        entry.1 += lon * n;
        entry.2 += cell.reports;
    }
    merged
        .into_values()
        .filter(|(_, _, n)| *n > 0)
        .map(|(lat, lon, n)| Cluster { lat: lat / n as f64, lon: lon / n as f64, reports: n })
        .collect()
}

fn report_row(row: &entity::appeals::Model, now: DateTime<Utc>) -> Result<ReportRow, AppError> {
    let status = storage::appeals::status_of(row)?;
    Ok(ReportRow {
        id: row.id,
        subject: row.subject.clone(),
        category_id: row.category_id,
        status,
        received_on: kyiv_date(row.received_at),
        due_on: kyiv_date(row.due_at),
        overdue: status.awaits_answer() && row.due_at <= now,
    })
}

/// A choice in a filter: an id and its names.
#[derive(Debug, Clone, Serialize)]
pub struct Choice {
    pub id: i32,
    pub name_uk: String,
    pub name_en: String,
}

/// What the filters offer: the categories and the districts.
#[derive(Debug, Clone, Serialize)]
pub struct Choices {
    pub categories: Vec<Choice>,
    pub districts: Vec<Choice>,
}

/// The choices alone (for a page whose filters were refused).
pub async fn choices(state: &AppState) -> Result<Choices, AppError> {
    let categories = storage::directory::list_categories(&state.db)
        .await?
        .into_iter()
        .map(|c| Choice { id: c.category.id, name_uk: c.category.name_uk, name_en: c.category.name_en })
        .collect();
    let districts = storage::directory::list_districts(&state.db)
        .await?
        .into_iter()
        .map(|d| Choice { id: d.id, name_uk: d.name.clone(), name_en: d.name })
        .collect();
    Ok(Choices { categories, districts })
}
