//! What citizens, officers and the public read.
use super::*;

/// Filters of the appeal list.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub author_account_id: Option<i32>,
    pub executor_ids: Option<Vec<i32>>,
    pub kind: Option<AppealKind>,
    pub status: Option<Status>,
    pub overdue: Option<bool>,
    pub category_id: Option<i32>,
    pub page: crate::storage::Page,
}

pub async fn list(db: &DatabaseConnection, filter: &ListFilter) -> Result<(Vec<appeals::Model>, u64), AppError> {
    let mut query = appeals::Entity::find();
    if let Some(author) = filter.author_account_id {
        query = query.filter(appeals::Column::AuthorAccountId.eq(author));
    }
    if let Some(executors) = &filter.executor_ids {
        query = query.filter(appeals::Column::ExecutorId.is_in(executors.clone()));
    }
    if let Some(kind) = filter.kind {
        query = query.filter(appeals::Column::Kind.eq(kind.code()));
    }
    if let Some(status) = filter.status {
        query = query.filter(appeals::Column::Status.eq(status.code()));
    }
    if let Some(category) = filter.category_id {
        query = query.filter(appeals::Column::CategoryId.eq(category));
    }
    match filter.overdue {
        Some(true) => query = query.filter(appeals::Column::OverdueAt.is_not_null()),
        Some(false) => query = query.filter(appeals::Column::OverdueAt.is_null()),
        None => {}
    }
    // Privileged authors first (art. 20), then the nearest deadline.
    let paginator = query
        .order_by_desc(appeals::Column::Privileged)
        .order_by_asc(appeals::Column::DueAt)
        .order_by_asc(appeals::Column::Id)
        .paginate(db, filter.page.size);
    let total = paginator.num_items().await?;
    let rows = paginator.fetch_page(filter.page.index()).await?;
    Ok((rows, total))
}

/// A bounding box in degrees: west, south, east, north.
#[derive(Debug, Clone, Copy)]
pub struct BoundingBox {
    pub west: f64,
    pub south: f64,
    pub east: f64,
    pub north: f64,
}

/// Public issue reports (never private appeals) with a point, inside `bbox` if given.
pub async fn public_reports(
    db: &DatabaseConnection,
    bbox: Option<BoundingBox>,
    category_id: Option<i32>,
    status: Option<Status>,
    limit: u64,
) -> Result<Vec<appeals::Model>, AppError> {
    let mut query = appeals::Entity::find()
        .filter(appeals::Column::Kind.eq(AppealKind::IssueReport.code()))
        .filter(appeals::Column::Latitude.is_not_null())
        .filter(appeals::Column::Longitude.is_not_null());
    if let Some(b) = bbox {
        query = query
            .filter(appeals::Column::Longitude.between(b.west, b.east))
            .filter(appeals::Column::Latitude.between(b.south, b.north));
    }
    if let Some(category) = category_id {
        query = query.filter(appeals::Column::CategoryId.eq(category));
    }
    if let Some(status) = status {
        query = query.filter(appeals::Column::Status.eq(status.code()));
    }
    Ok(query.order_by_desc(appeals::Column::Id).limit(limit).all(db).await?)
}

/// Open reports of `category_id` within `radius_m` of `point`, nearest first, with their distance.
pub async fn nearby_open_reports(
    db: &DatabaseConnection,
    category_id: i32,
    point: GeoPoint,
    radius_m: f64,
) -> Result<Vec<(appeals::Model, f64)>, AppError> {
    // A box around the circle narrows the rows by index; the exact distance is computed here.
    let dlat = radius_m / 111_320.0;
    let dlon = radius_m / (111_320.0 * point.lat.to_radians().cos().max(0.01));
    let open = Status::awaiting_answer_codes();
    let rows = appeals::Entity::find()
        .filter(appeals::Column::Kind.eq(AppealKind::IssueReport.code()))
        .filter(appeals::Column::CategoryId.eq(category_id))
        .filter(appeals::Column::Status.is_in(open))
        .filter(appeals::Column::Latitude.between(point.lat - dlat, point.lat + dlat))
        .filter(appeals::Column::Longitude.between(point.lon - dlon, point.lon + dlon))
        .all(db)
        .await?;
    let mut near: Vec<(appeals::Model, f64)> = rows
        .into_iter()
        .filter_map(|row| {
            let here = GeoPoint { lat: row.latitude?, lon: row.longitude? };
            let d = distance_m(point, here);
            (d <= radius_m).then_some((row, d))
        })
        .collect();
    near.sort_by(|a, b| a.1.total_cmp(&b.1));
    Ok(near)
}

/// Great-circle distance in metres (haversine; exact enough within a city).
pub fn distance_m(a: GeoPoint, b: GeoPoint) -> f64 {
    let (lat1, lat2) = (a.lat.to_radians(), b.lat.to_radians());
    let dlat = lat2 - lat1;
    let dlon = (b.lon - a.lon).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * 6_371_000.0 * h.sqrt().asin()
}

/// The statuses of the reports that `rows` duplicate, so duplicates can show the status they follow.
pub async fn followed_statuses(
    db: &DatabaseConnection,
    rows: &[appeals::Model],
) -> Result<BTreeMap<i32, Status>, AppError> {
    let ids: Vec<i32> = rows.iter().filter_map(|r| r.duplicate_of_id).collect();
    if ids.is_empty() {
        return Ok(BTreeMap::new());
    }
    let found: Vec<(i32, String)> = appeals::Entity::find()
        .select_only()
        .columns([appeals::Column::Id, appeals::Column::Status])
        .filter(appeals::Column::Id.is_in(ids))
        .into_tuple()
        .all(db)
        .await?;
    found
        .into_iter()
        .map(|(id, code)| {
            let status = Status::parse(&code)
                .ok_or_else(|| AppError::Internal(anyhow::anyhow!("appeal {id} has a bad status `{code}`")))?;
            Ok((id, status))
        })
        .collect()
}

pub async fn organisation_names(db: &DatabaseConnection) -> Result<BTreeMap<i32, String>, AppError> {
    Ok(organisations::Entity::find().all(db).await?.into_iter().map(|o| (o.id, o.name)).collect())
}

pub async fn cosigners(db: &DatabaseConnection, id: i32) -> Result<Vec<appeal_cosigners::Model>, AppError> {
    Ok(appeal_cosigners::Entity::find()
        .filter(appeal_cosigners::Column::AppealId.eq(id))
        .order_by_asc(appeal_cosigners::Column::Id)
        .all(db)
        .await?)
}

// ---------------------------------------------------------------------------
// Photos
// ---------------------------------------------------------------------------

/// Appeals awaiting an answer, and how many of them are past their deadline.
pub async fn open_counts(db: &DatabaseConnection) -> Result<(u64, u64), AppError> {
    let open = Status::awaiting_answer_codes();
    let all = appeals::Entity::find().filter(appeals::Column::Status.is_in(open.clone())).count(db).await?;
    let overdue = appeals::Entity::find()
        .filter(appeals::Column::Status.is_in(open))
        .filter(appeals::Column::OverdueAt.is_not_null())
        .count(db)
        .await?;
    Ok((all, overdue))
}
