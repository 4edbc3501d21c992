//! What the Open311 GeoReport v2 interface reads: the catalogue of services (the categories offered for
//! issue reports) and public issue reports, never private appeals. Filing is in [`super::intake`].
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

pub use crate::storage::open311::{Openness, RequestFilter};
use crate::{
    domain::{appeals::Status, directory::UrgencyClass},
    error::AppError,
    service::AppState,
    storage,
};

/// A category as Open311 offers it.
#[derive(Debug, Clone)]
pub struct Service {
    pub id: i32,
    pub code: String,
    pub name_uk: String,
    pub name_en: String,
    pub urgency: UrgencyClass,
    pub default_executor_id: i32,
    /// Some districts have an executor of their own.
    pub by_district: bool,
    /// Offered for new reports now (active and used for reports).
    pub offered: bool,
}

/// The categories and the organisations' names, read once per request.
#[derive(Debug, Clone)]
pub struct Catalogue {
    pub services: Vec<Service>,
    pub organisations: BTreeMap<i32, String>,
}

pub async fn catalogue(state: &AppState) -> Result<Catalogue, AppError> {
    let services = storage::directory::list_categories(&state.db)
        .await?
        .into_iter()
        .map(|record| {
            let c = record.category;
            Service {
                offered: c.active && c.for_reports,
                by_district: !record.district_executors.is_empty(),
                urgency: record.urgency,
                id: c.id,
                code: c.code,
                name_uk: c.name_uk,
                name_en: c.name_en,
                default_executor_id: c.default_executor_id,
            }
        })
        .collect();
    Ok(Catalogue { services, organisations: storage::appeals::organisation_names(&state.db).await? })
}

/// A public issue report as Open311 shows it: no author name, e-mail, phone or address of residence.
#[derive(Debug, Clone)]
pub struct Report {
    pub id: i32,
    pub status: Status,
    /// As the public sees it: a duplicate shows the status of the report it follows.
    pub shown: Status,
    pub duplicate_of: Option<i32>,
    pub refusal_reason: Option<String>,
    pub answer_text: Option<String>,
    pub category_id: Option<i32>,
    pub executor_id: i32,
    pub received_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub overdue: bool,
    pub address: Option<String>,
    pub lat: Option<f64>,
    pub long: Option<f64>,
    pub first_photo_id: Option<i32>,
    pub description: String,
}

/// Issue reports matching `filter`, newest first.
pub async fn requests(state: &AppState, filter: &RequestFilter) -> Result<Vec<Report>, AppError> {
    let rows = storage::open311::requests(&state.db, filter).await?;
    reports(state, rows).await
}

/// One issue report; a private appeal is not found here.
pub async fn request(state: &AppState, id: i32) -> Result<Option<Report>, AppError> {
    let rows: Vec<_> = storage::open311::request(&state.db, id).await?.into_iter().collect();
    Ok(reports(state, rows).await?.pop())
}

/// The id of the report filed with an Open311 token.
pub async fn request_id_for_token(state: &AppState, token: &str) -> Result<Option<i32>, AppError> {
    storage::open311::request_id_for_token(&state.db, token).await
}

async fn reports(state: &AppState, rows: Vec<entity::appeals::Model>) -> Result<Vec<Report>, AppError> {
    let ids: Vec<i32> = rows.iter().map(|r| r.id).collect();
    let followed = storage::appeals::followed_statuses(&state.db, &rows).await?;
    let photos = storage::open311::first_photos(&state.db, &ids).await?;
    rows.into_iter()
        .map(|row| {
            let status = storage::appeals::status_of(&row)?;
            Ok(Report {
                id: row.id,
                status,
                shown: status.shown_with(row.duplicate_of_id.and_then(|id| followed.get(&id)).copied()),
                duplicate_of: row.duplicate_of_id,
                refusal_reason: row.refusal_reason,
                answer_text: row.answer_text,
                category_id: row.category_id,
                executor_id: row.executor_id,
                received_at: row.received_at,
                updated_at: row.updated_at,
                due_at: row.due_at,
                overdue: row.overdue_at.is_some(),
                address: row.place_address,
                lat: row.latitude,
                long: row.longitude,
                first_photo_id: photos.get(&row.id).copied(),
                description: row.text,
            })
        })
        .collect()
}

/// The id of the client key presented with a filing, when it is known and not revoked.
pub async fn client_key(state: &AppState, presented: &str) -> Result<Option<i32>, AppError> {
    Ok(storage::api_keys::active_key(&state.db, presented).await?.map(|key| key.id))
}
