//! The embeddable widgets' use cases: an organisation's on-time share this year and a published
//! petition's progress — the same figures as `GET /metrics/appeals` and `GET /petitions/{id}`.
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{
    AppState,
    metrics::{self, AppealFilter, Grouping, PeriodQuery},
};
use crate::{
    domain::{
        authorization::may_read_petition,
        metrics::{AppealFigures, Period},
        petitions::Status,
    },
    error::AppError,
    storage,
};

#[derive(Debug, Clone, Serialize)]
pub struct OrganisationWidget {
    pub organisation_id: i32,
    pub organisation_name: String,
    pub period: Period,
    pub figures: AppealFigures,
}

/// The organisation's figures for the current Kyiv year.
pub async fn organisation(state: &AppState, id: i32, now: DateTime<Utc>) -> Result<OrganisationWidget, AppError> {
    let period = PeriodQuery::default().resolve(now)?;
    let filter = AppealFilter { organisation_id: Some(id), category_id: None };
    let m = metrics::appeals(state, period, Grouping::Organisation, filter, now).await?;
    let name = match m.rows.first().and_then(|r| r.organisation_name.clone()) {
        Some(name) => name,
        None => storage::directory::list_organisations(&state.db)
            .await?
            .into_iter()
            .find(|o| o.id == id)
            .map(|o| o.name)
            .ok_or_else(|| AppError::not_found(format!("there is no organisation {id}")))?,
    };
    Ok(OrganisationWidget { organisation_id: id, organisation_name: name, period, figures: m.total })
}

#[derive(Debug, Clone, Serialize)]
pub struct PetitionWidget {
    pub id: i32,
    pub title: String,
    pub status: String,
    pub signature_count: i64,
    pub signature_threshold: Option<i32>,
    pub collection_ends_at: Option<DateTime<Utc>>,
    pub threshold_reached_at: Option<DateTime<Utc>>,
    /// Signatures as a share of the threshold, at most 1.
    pub progress: Option<f64>,
}

/// A published petition's progress; an unpublished one does not exist for a widget.
pub async fn petition(state: &AppState, id: i32) -> Result<PetitionWidget, AppError> {
    let row = storage::petitions::get(&state.db, id).await?;
    let published = Status::parse(&row.status).is_some_and(Status::was_published);
    if !may_read_petition(None, published, row.author_account_id) {
        return Err(AppError::not_found(format!("there is no petition {id}")));
    }
    let progress =
        row.signature_threshold.filter(|t| *t > 0).map(|t| (row.signature_count as f64 / f64::from(t)).min(1.0));
    Ok(PetitionWidget {
        id: row.id,
        title: row.title,
        status: row.status,
        signature_count: row.signature_count,
        signature_threshold: row.signature_threshold,
        collection_ends_at: row.collection_ends_at,
        threshold_reached_at: row.threshold_reached_at,
        progress,
    })
}
