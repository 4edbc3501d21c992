//! The map of reports (`/statistics/map`): issue reports of a selection summed per grid cell (for the
//! clusters and the district shading) and read a page at a time (for the table view); the list of
//! reports (`/reports`) and the points of every public map read the same selection.
//!
//! A report's district is the one given when it was filed (`district_id`), else the district that holds
//! its grid cell (decided by the service with `domain::directory::district_for_point`): cells are
//! [`CELLS_PER_DEGREE`]⁻¹ degrees (about 200 m), small enough that few straddle a border.
use chrono::{DateTime, Utc};
use entity::appeals;
use sea_orm::{DatabaseConnection, EntityTrait, FromQueryResult, Statement, Value};

use super::appeals::BoundingBox;
use crate::{
    domain::{
        appeals::{AppealKind, Status},
        metrics::has_answer,
    },
    error::AppError,
};

/// Grid cells per degree of latitude and of longitude.
pub const CELLS_PER_DEGREE: f64 = 500.0;

/// Which reports: received in `[from, to)` (any time when `None`), optionally of one category, status
/// and district; those with a place on the map (a point or a district), or all of them (`unplaced`).
#[derive(Debug, Clone, Default)]
pub struct ReportSelection {
    pub received: Option<(DateTime<Utc>, DateTime<Utc>)>,
    pub category_id: Option<i32>,
    pub status: Option<Status>,
    /// The district: reports filed for it, and reports without one whose cell is in `district_cells`.
    pub district: Option<(i32, Vec<i64>)>,
    /// Reports given by address alone count too (the list of reports shows them; a map cannot).
    pub unplaced: bool,
}

/// The reports of one grid cell (and one filed district) and what became of them.
#[derive(Debug, Clone, FromQueryResult)]
pub struct Cell {
    /// The cell's key (see `CELL_SQL`); `None` for reports without a point.
    pub cell: Option<i64>,
    /// The district given when filing, if any.
    pub district_id: Option<i32>,
    /// The mean point of the cell's reports.
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub reports: i64,
    pub duplicates: i64,
    pub answered: i64,
    pub answered_on_time: i64,
    pub overdue: i64,
}

/// The key of a point's grid cell: `round(lat·500)·10⁶ + round(lon·500)`.
const CELL_SQL: &str = "(CAST(ROUND(latitude * 500) AS BIGINT) * 1000000 + CAST(ROUND(longitude * 500) AS BIGINT))";

fn codes(statuses: impl Iterator<Item = Status>) -> String {
    statuses.map(|s| format!("'{}'", s.code())).collect::<Vec<_>>().join(", ")
}

/// `WHERE …` of a selection with its values, parameters numbered from `$first`.
fn selection_sql(selection: &ReportSelection, first: usize) -> (String, Vec<Value>) {
    let mut sql = format!("kind = '{}'", AppealKind::IssueReport.code());
    if !selection.unplaced {
        sql.push_str(" AND (latitude IS NOT NULL AND longitude IS NOT NULL OR district_id IS NOT NULL)");
    }
    let mut values: Vec<Value> = Vec::new();
    if let Some((from, to)) = selection.received {
        values.extend([from.into(), to.into()]);
        sql.push_str(&format!(" AND received_at >= ${first} AND received_at < ${}", first + 1));
    }
    if let Some(category) = selection.category_id {
        values.push(category.into());
        sql.push_str(&format!(" AND category_id = ${}", first + values.len() - 1));
    }
    if let Some(status) = selection.status {
        values.push(status.code().into());
        sql.push_str(&format!(" AND status = ${}", first + values.len() - 1));
    }
    if let Some((district, cells)) = &selection.district {
        values.push((*district).into());
        let by_cell = if cells.is_empty() {
            String::new()
        } else {
            // Integers we computed, written into the SQL: a district may hold thousands of cells.
            let list = cells.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
            format!(" OR district_id IS NULL AND latitude IS NOT NULL AND {CELL_SQL} IN ({list})")
        };
        sql.push_str(&format!(" AND (district_id = ${}{by_cell})", first + values.len() - 1));
    }
    (sql, values)
}

/// The selected reports summed per grid cell and filed district (the district filter is left to the
/// caller, who knows which cells a district holds). Overdue: still owing an answer at `now` past `due_at`.
pub async fn cells(
    db: &DatabaseConnection,
    selection: &ReportSelection,
    now: DateTime<Utc>,
) -> Result<Vec<Cell>, AppError> {
    let selection = ReportSelection { district: None, unplaced: false, ..selection.clone() };
    let (filter, mut values) = selection_sql(&selection, 2);
    values.insert(0, now.into());
    let answered = codes(Status::ALL.iter().copied().filter(|s| has_answer(*s)));
    let awaiting = codes(Status::ALL.iter().copied().filter(|s| s.awaits_answer()));
    let sql = format!(
        "SELECT CASE WHEN latitude IS NULL THEN NULL ELSE {CELL_SQL} END AS cell, district_id, \
         AVG(latitude) AS lat, AVG(longitude) AS lon, COUNT(*) AS reports, \
         SUM(CASE WHEN status = '{duplicate}' THEN 1 ELSE 0 END) AS duplicates, \
         SUM(CASE WHEN status IN ({answered}) AND answered_at IS NOT NULL THEN 1 ELSE 0 END) AS answered, \
         SUM(CASE WHEN status IN ({answered}) AND {on_time} THEN 1 ELSE 0 END) AS answered_on_time, \
         SUM(CASE WHEN status IN ({awaiting}) AND due_at <= $1 THEN 1 ELSE 0 END) AS overdue \
         FROM appeals WHERE {filter} GROUP BY 1, district_id",
        duplicate = Status::Duplicate.code(),
        on_time = crate::storage::metrics::answered_on_time_sql(""),
    );
    let statement = Statement::from_sql_and_values(db.get_database_backend(), sql, values);
    Ok(Cell::find_by_statement(statement).all(db).await?)
}

/// How many reports are selected.
pub async fn count(db: &DatabaseConnection, selection: &ReportSelection) -> Result<u64, AppError> {
    #[derive(FromQueryResult)]
    struct Count {
        n: i64,
    }
    let (filter, values) = selection_sql(selection, 1);
    let sql = format!("SELECT COUNT(*) AS n FROM appeals WHERE {filter}");
    let statement = Statement::from_sql_and_values(db.get_database_backend(), sql, values);
    let count = Count::find_by_statement(statement).one(db).await?;
    Ok(count.map_or(0, |c| c.n.max(0) as u64))
}

/// One page of the selected reports, newest first (how many there are is the sum of their [`cells`]).
pub async fn page(
    db: &DatabaseConnection,
    selection: &ReportSelection,
    offset: u64,
    limit: u64,
) -> Result<Vec<appeals::Model>, AppError> {
    let backend = db.get_database_backend();
    let (filter, values) = selection_sql(selection, 1);
    let rows = appeals::Entity::find()
        .from_raw_sql(Statement::from_sql_and_values(
            backend,
            format!(
                "SELECT * FROM appeals WHERE {filter} ORDER BY received_at DESC, id DESC LIMIT {limit} OFFSET {offset}"
            ),
            values,
        ))
        .all(db)
        .await?;
    Ok(rows)
}

/// Up to `limit` of the selected reports that have a point, inside `bbox` if given, newest first: the
/// points of the public report map (`GET /reports/geojson`).
pub async fn points(
    db: &DatabaseConnection,
    selection: &ReportSelection,
    bbox: Option<BoundingBox>,
    limit: u64,
) -> Result<Vec<appeals::Model>, AppError> {
    let (filter, mut values) = selection_sql(selection, 1);
    let mut sql = format!("SELECT * FROM appeals WHERE {filter} AND latitude IS NOT NULL AND longitude IS NOT NULL");
    if let Some(b) = bbox {
        let n = values.len() + 1;
        values.extend([b.west.into(), b.east.into(), b.south.into(), b.north.into()]);
        sql.push_str(&format!(
            " AND longitude BETWEEN ${n} AND ${} AND latitude BETWEEN ${} AND ${}",
            n + 1,
            n + 2,
            n + 3
        ));
    }
    sql.push_str(&format!(" ORDER BY id DESC LIMIT {limit}"));
    let statement = Statement::from_sql_and_values(db.get_database_backend(), sql, values);
    Ok(appeals::Entity::find().from_raw_sql(statement).all(db).await?)
}
