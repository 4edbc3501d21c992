//! Reading appeals and reports: one appeal, the lists of citizens, officers and administrators, the
//! history, open reports nearby and the public map.
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::{AppealDetails, list_details, load_details, person, visible};
use crate::{
    domain::{
        appeals::{
            AppealKind, Channel, Status, public_details,
            urgency::{Urgency, UrgencyBounds},
        },
        authorization::{Action, authorize, may_read_appeal_in_full},
        directory::GeoPoint,
    },
    error::AppError,
    service::{Actor, AppState},
    storage::{
        self, Page,
        appeals::{ListFilter, Search},
    },
};

/// One appeal or report. Issue reports are public (without personal data); other appeals only for
/// the author, the executor's staff and administrators.
pub async fn view(state: &AppState, actor: &Actor, id: i32) -> Result<AppealDetails, AppError> {
    let row = visible(state, actor, id).await?;
    load_details(state, row, actor.principal(), None).await
}

/// One appeal or report on its author's own page: with everything the author may read, the deadline's
/// explanation included. Someone else's private appeal does not exist for the caller (404); anything
/// else they may see but did not file is refused (403).
pub async fn own(state: &AppState, actor: &Actor, id: i32) -> Result<AppealDetails, AppError> {
    let principal = person(actor)?;
    let row = visible(state, actor, id).await?;
    authorize(principal, Action::FollowOwnSubmission { author_account_id: row.author_account_id })?;
    load_details(state, row, Some(principal), None).await
}

/// Whose appeals a list shows.
#[derive(Debug, Clone, Copy)]
pub enum Queue {
    /// The caller's own (a citizen's submissions); administrators see everything.
    Mine,
    /// What an organisation handles (its officers, heads and administrators).
    Organisation(i32),
    /// Only what the caller filed, whoever they are (the web's "my submissions").
    Authored,
}

/// What a list is narrowed to.
#[derive(Debug, Clone, Default)]
pub struct ListRequest {
    pub kind: Option<AppealKind>,
    pub status: Option<Status>,
    pub category_id: Option<i32>,
    /// true: only overdue; false: only not overdue.
    pub overdue: Option<bool>,
    pub district_id: Option<i32>,
    pub channel: Option<Channel>,
    pub assignee_account_id: Option<i32>,
    /// Only what still awaits an answer (when no status is chosen).
    pub open_only: bool,
    /// An appeal's number ("123", "№123", "#123"), or words of its subject or text.
    pub search: Option<String>,
    pub order: ListOrder,
    pub page: Page,
}

impl ListRequest {
    /// The list as it opens: its first page, no filter, no search, no other order. The desk's
    /// "since your last visit" counts only such a look as a visit, so paging or filtering keeps the news.
    pub fn is_plain_first_page(&self) -> bool {
        let ListRequest {
            kind,
            status,
            category_id,
            overdue,
            district_id,
            channel,
            assignee_account_id,
            open_only: _,
            search,
            order,
            page,
        } = self;
        let unfiltered = kind.is_none()
            && status.is_none()
            && category_id.is_none()
            && overdue.is_none()
            && district_id.is_none()
            && channel.is_none()
            && assignee_account_id.is_none()
            && search.as_deref().is_none_or(|s| s.trim().is_empty());
        let plain_order = !matches!(order, ListOrder::Urgency { privileged_first: true });
        unfiltered && plain_order && page.number <= 1
    }
}

/// How a list is sorted.
#[derive(Debug, Clone, Copy, Default)]
pub enum ListOrder {
    /// Privileged authors first (art. 20), then the nearest deadline.
    #[default]
    Deadline,
    /// The work queue: overdue, due today, due within the reminder window, later; privileged authors
    /// first inside each group, or before all when `privileged_first`.
    Urgency { privileged_first: bool },
}

/// A page of appeals.
#[derive(Debug, Clone)]
pub struct AppealList {
    pub items: Vec<AppealDetails>,
    pub page: Page,
    pub total: u64,
    /// By urgency: the items of each group, and where the groups split now.
    pub groups: Option<(BTreeMap<Urgency, u64>, UrgencyBounds)>,
}

/// "Due soon" lasts as long as the watcher's earliest reminder (in working days).
pub(super) fn reminder_window(state: &AppState) -> u32 {
    state.settings.watcher.reminder_working_days.iter().copied().max().unwrap_or(0)
}

/// A search box's words: a number finds that appeal, anything else searches subject and text.
fn search(text: Option<String>) -> Option<Search> {
    let text = text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty())?;
    let number = text.trim_start_matches(['№', '#']).trim();
    Some(match number.parse::<i32>() {
        Ok(id) if id > 0 => Search::Number(id),
        _ => Search::Words(text.chars().take(200).collect()),
    })
}

/// The appeals of `queue`, sorted by `request.order`.
pub async fn list(state: &AppState, actor: &Actor, queue: Queue, request: ListRequest) -> Result<AppealList, AppError> {
    let principal = person(actor)?;
    let mut filter = ListFilter {
        kind: request.kind,
        status: request.status,
        category_id: request.category_id,
        overdue: request.overdue,
        district_id: request.district_id,
        channel: request.channel,
        assignee_account_id: request.assignee_account_id,
        open_only: request.open_only,
        page: request.page,
        search: search(request.search),
        ..Default::default()
    };
    let administrator = authorize(principal, Action::Administer).is_ok();
    match queue {
        Queue::Organisation(organisation_id) => {
            if !administrator {
                authorize(principal, Action::HandleForOrganisation { organisation_id })?;
            }
            filter.executor_ids = Some(vec![organisation_id]);
        }
        Queue::Mine if administrator => {}
        Queue::Mine | Queue::Authored => filter.author_account_id = Some(principal.account_id),
    }
    let (rows, total, groups) = match request.order {
        ListOrder::Deadline => {
            let (rows, total) = storage::appeals::list(&state.db, &filter).await?;
            (rows, total, None)
        }
        ListOrder::Urgency { privileged_first } => {
            let calendar = state.calendar().await?;
            let bounds = UrgencyBounds::at(Utc::now(), reminder_window(state), &calendar);
            let (rows, counts) = storage::appeals::queue(&state.db, &filter, &bounds, privileged_first).await?;
            (rows, counts.values().sum(), Some((counts, bounds)))
        }
    };
    let items = list_details(state, rows, Some(principal)).await?;
    Ok(AppealList { items, page: request.page, total, groups })
}

/// One step of an appeal's history.
#[derive(Debug, Clone)]
pub struct HistoryStep {
    pub at: DateTime<Utc>,
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    /// Only for those who may read the appeal in full.
    pub actor_account_id: Option<i32>,
    pub details: serde_json::Value,
}

/// Every step with its time, status change and details, oldest first. Who acted, and the account ids
/// in the details, only for those who may read the whole appeal.
pub async fn history(state: &AppState, actor: &Actor, id: i32) -> Result<Vec<HistoryStep>, AppError> {
    let row = visible(state, actor, id).await?;
    let in_full = may_read_appeal_in_full(actor.principal(), row.executor_id, row.author_account_id);
    let events = storage::events::history(&state.db, storage::appeals::SUBJECT, &id.to_string()).await?;
    events
        .into_iter()
        .map(|e| {
            let details = serde_json::from_str(&e.details)
                .map_err(|_| AppError::Internal(anyhow::anyhow!("event {} has bad details", e.id)))?;
            Ok(HistoryStep {
                at: e.occurred_at,
                action: e.action,
                from_status: e.from_state,
                to_status: e.to_state,
                actor_account_id: if in_full { e.actor_account_id } else { None },
                details: if in_full { details } else { public_details(details) },
            })
        })
        .collect()
}

/// An open report near a point.
#[derive(Debug, Clone)]
pub struct NearbyReport {
    pub id: i32,
    pub subject: String,
    pub status: Status,
    /// Metres, to a decimetre.
    pub distance_m: f64,
    pub received_at: DateTime<Utc>,
}

/// Open reports of a category within `radius_m` (1–5000) of a point, nearest first: offered before
/// filing, so the same pothole is not reported ten times.
pub async fn nearby(
    state: &AppState,
    category_id: i32,
    point: GeoPoint,
    radius_m: f64,
) -> Result<Vec<NearbyReport>, AppError> {
    if !point.is_valid() {
        return Err(AppError::validation("location", GeoPoint::RANGE));
    }
    if !(1.0..=5000.0).contains(&radius_m) {
        return Err(AppError::validation("radius_m", "the radius is 1 to 5000 metres"));
    }
    let near = storage::appeals::nearby_open_reports(&state.db, category_id, point, radius_m).await?;
    near.into_iter()
        .map(|(row, d)| {
            Ok(NearbyReport {
                status: storage::appeals::status_of(&row)?,
                id: row.id,
                subject: row.subject,
                distance_m: (d * 10.0).round() / 10.0,
                received_at: row.received_at,
            })
        })
        .collect()
}

/// A public issue report on the map: no personal data.
#[derive(Debug, Clone)]
pub struct MapPoint {
    pub id: i32,
    pub point: GeoPoint,
    pub subject: String,
    pub category_id: Option<i32>,
    /// As the public sees it: a duplicate shows the status of the report it follows.
    pub status: Status,
    pub executor_id: i32,
    pub received_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub overdue: bool,
    pub answered_at: Option<DateTime<Utc>>,
    pub duplicate_of: Option<i32>,
}

/// Public report rows as map points (those without a point left out), duplicates showing the status
/// of the report they follow.
pub async fn as_map_points(state: &AppState, rows: Vec<entity::appeals::Model>) -> Result<Vec<MapPoint>, AppError> {
    let followed = storage::appeals::followed_statuses(&state.db, &rows).await?;
    let mut points = Vec::with_capacity(rows.len());
    for row in rows {
        let (Some(lat), Some(lon)) = (row.latitude, row.longitude) else { continue };
        let status = storage::appeals::status_of(&row)?;
        points.push(MapPoint {
            id: row.id,
            point: GeoPoint { lat, lon },
            subject: row.subject,
            category_id: row.category_id,
            status: status.shown_with(row.duplicate_of_id.and_then(|id| followed.get(&id)).copied()),
            executor_id: row.executor_id,
            received_at: row.received_at,
            due_at: row.due_at,
            overdue: row.overdue_at.is_some(),
            answered_at: row.answered_at,
            duplicate_of: row.duplicate_of_id,
        });
    }
    Ok(points)
}
