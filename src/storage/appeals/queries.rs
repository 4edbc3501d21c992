//! What citizens, officers and the public read.
use super::*;
use crate::domain::appeals::urgency::{Urgency, UrgencyBounds};

/// Filters of the appeal list.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub author_account_id: Option<i32>,
    pub executor_ids: Option<Vec<i32>>,
    pub kind: Option<AppealKind>,
    pub status: Option<Status>,
    pub overdue: Option<bool>,
    pub category_id: Option<i32>,
    pub district_id: Option<i32>,
    pub channel: Option<Channel>,
    pub assignee_account_id: Option<i32>,
    /// Only items that still await an answer (when no status is chosen).
    pub open_only: bool,
    /// An appeal's number, or words of its subject or text.
    pub search: Option<Search>,
    pub page: crate::storage::Page,
}

/// What a search box asked for.
#[derive(Debug, Clone)]
pub enum Search {
    Number(i32),
    Words(String),
}

impl ListFilter {
    /// The rows the filter selects, unordered.
    fn select(&self) -> sea_orm::Select<appeals::Entity> {
        use sea_orm::sea_query::{Expr, ExprTrait};
        let mut all = Condition::all()
            .add_option(self.author_account_id.map(|a| appeals::Column::AuthorAccountId.eq(a)))
            .add_option(self.executor_ids.clone().map(|e| appeals::Column::ExecutorId.is_in(e)))
            .add_option(self.kind.map(|k| appeals::Column::Kind.eq(k.code())))
            .add_option(self.status.map(|s| appeals::Column::Status.eq(s.code())))
            .add_option(self.category_id.map(|c| appeals::Column::CategoryId.eq(c)))
            .add_option(self.district_id.map(|d| appeals::Column::DistrictId.eq(d)))
            .add_option(self.channel.map(|c| appeals::Column::Channel.eq(c.code())))
            .add_option(self.assignee_account_id.map(|a| appeals::Column::AssigneeAccountId.eq(a)))
            .add_option(self.overdue.map(|o| {
                if o { appeals::Column::OverdueAt.is_not_null() } else { appeals::Column::OverdueAt.is_null() }
            }));
        if self.open_only && self.status.is_none() {
            all = all.add(Expr::cust(open_statuses_sql()));
        }
        match &self.search {
            Some(Search::Number(id)) => all = all.add(appeals::Column::Id.eq(*id)),
            Some(Search::Words(words)) => {
                // Against the words folded by the service when stored (SQLite's lower() folds ASCII only);
                // `%` and `_` typed by a person are literal.
                let pattern = crate::storage::contains_folded(words);
                all = all.add(Expr::col(appeals::Column::SearchText).like(pattern));
            }
            None => {}
        }
        appeals::Entity::find().filter(all)
    }
}

/// The statuses that still owe an answer, written into the SQL (codes of ours, not input): a condition
/// with bound values cannot use the partial index of open items (m0023) once PostgreSQL switches the
/// prepared statement to a generic plan.
fn open_statuses_sql() -> String {
    let codes: Vec<String> = Status::awaiting_answer_codes().iter().map(|c| format!("'{c}'")).collect();
    format!("status IN ({})", codes.join(", "))
}

/// The appeals of `filter`: privileged authors first (art. 20), then the nearest deadline.
pub async fn list(db: &DatabaseConnection, filter: &ListFilter) -> Result<(Vec<appeals::Model>, u64), AppError> {
    let paginator = filter
        .select()
        .order_by_desc(appeals::Column::Privileged)
        .order_by_asc(appeals::Column::DueAt)
        .order_by_asc(appeals::Column::Id)
        .paginate(db, filter.page.size);
    let total = paginator.num_items().await?;
    let rows = paginator.fetch_page(filter.page.index()).await?;
    Ok((rows, total))
}

/// The urgency group of a row as SQL: 0 overdue, 1 due today, 2 due soon, 3 later.
fn urgency_rank(bounds: &UrgencyBounds) -> sea_orm::sea_query::SimpleExpr {
    use sea_orm::sea_query::{CaseStatement, Expr, ExprTrait};
    let due = || Expr::col(appeals::Column::DueAt);
    CaseStatement::new()
        .case(due().lte(bounds.now), Expr::val(Urgency::Overdue.rank()))
        .case(due().lte(bounds.today_ends), Expr::val(Urgency::DueToday.rank()))
        .case(due().lte(bounds.soon_ends), Expr::val(Urgency::DueSoon.rank()))
        .finally(Expr::val(Urgency::Later.rank()))
        .into()
}

/// A page of the work queue of `filter`, most urgent group first (privileged authors first inside each
/// group, or before everything when `privileged_first`), then the nearest deadline; with the number of
/// items in each group.
pub async fn queue(
    db: &DatabaseConnection,
    filter: &ListFilter,
    bounds: &UrgencyBounds,
    privileged_first: bool,
) -> Result<(Vec<appeals::Model>, BTreeMap<Urgency, u64>), AppError> {
    use sea_orm::{
        Order,
        sea_query::{Expr, Func},
    };
    let counted: Vec<(i32, i64)> = filter
        .select()
        .select_only()
        .column_as(urgency_rank(bounds), "urgency_rank")
        .column_as(Expr::from(Func::count(Expr::col(appeals::Column::Id))), "items")
        // By the output column: PostgreSQL cannot tell that two `CASE`s with their own parameters agree.
        .group_by(Expr::col(sea_orm::sea_query::Alias::new("urgency_rank")))
        .into_tuple()
        .all(db)
        .await?;
    let counts = counted
        .into_iter()
        .filter_map(|(rank, n)| Some((Urgency::from_rank(rank)?, u64::try_from(n).unwrap_or(0))))
        .collect();
    let mut query = filter.select();
    if privileged_first {
        query = query.order_by_desc(appeals::Column::Privileged);
    }
    // The page's ids first, ordered from the index of open items alone (no row read for the thousands
    // sorted before the page), then only the page's rows.
    let ids: Vec<i32> = query
        .select_only()
        .column(appeals::Column::Id)
        .order_by(urgency_rank(bounds), Order::Asc)
        .order_by_desc(appeals::Column::Privileged)
        .order_by_asc(appeals::Column::DueAt)
        .order_by_asc(appeals::Column::Id)
        .offset(filter.page.index() * filter.page.size)
        .limit(filter.page.size)
        .into_tuple()
        .all(db)
        .await?;
    let mut rows = appeals::Entity::find().filter(appeals::Column::Id.is_in(ids.clone())).all(db).await?;
    rows.sort_by_key(|row| ids.iter().position(|id| *id == row.id));
    Ok((rows, counts))
}

/// A bounding box in degrees: west, south, east, north.
#[derive(Debug, Clone, Copy)]
pub struct BoundingBox {
    pub west: f64,
    pub south: f64,
    pub east: f64,
    pub north: f64,
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

/// One open item of an organisation as the head's overview counts it.
#[derive(Debug, Clone, Copy)]
pub struct OpenDeadline {
    pub assignee_account_id: Option<i32>,
    /// The deadline in force.
    pub due_at: DateTime<Utc>,
    /// The head extended it.
    pub extended: bool,
}

/// Assignee, deadline in force and extension of an organisation's open items.
type OpenDeadlineRow = (Option<i32>, DateTime<Utc>, Option<DateTime<Utc>>);

pub async fn open_deadlines(db: &DatabaseConnection, organisation_id: i32) -> Result<Vec<OpenDeadline>, AppError> {
    let rows: Vec<OpenDeadlineRow> = appeals::Entity::find()
        .select_only()
        .columns([appeals::Column::AssigneeAccountId, appeals::Column::DueAt, appeals::Column::ExtendedDueAt])
        .filter(appeals::Column::ExecutorId.eq(organisation_id))
        .filter(appeals::Column::Status.is_in(Status::awaiting_answer_codes()))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(assignee_account_id, due_at, extended)| OpenDeadline {
            assignee_account_id,
            due_at,
            extended: extended.is_some(),
        })
        .collect())
}

/// What changed for an organisation's open items after `since`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Changes {
    /// Received (or forwarded to it) and not yet taken up.
    pub new_items: u64,
    /// Sent back by their authors.
    pub returned: u64,
    /// Deadline reminders the watcher sent.
    pub reminded: u64,
    /// Deadlines that passed (the watcher's `overdue` steps, a late extension's too).
    pub overdue: u64,
}

/// What changed for `organisation_id`'s open items after `since`. Every count is of open items of the
/// organisation, selected with the same literal predicate as the partial index of open items (m0023), so
/// PostgreSQL's generic plans of these prepared statements use that index too.
pub async fn changes_since(
    db: &DatabaseConnection,
    organisation_id: i32,
    since: DateTime<Utc>,
) -> Result<Changes, AppError> {
    // The open statuses written literally, as the partial index of open items (m0023) is.
    let open = || {
        appeals::Entity::find()
            .filter(appeals::Column::ExecutorId.eq(organisation_id))
            .filter(sea_orm::sea_query::Expr::cust(open_statuses_sql()))
    };
    let new_items = open()
        .filter(appeals::Column::Status.eq(Status::Received.code()))
        .filter(appeals::Column::ExecutorReceivedAt.gt(since))
        .count(db)
        .await?;
    let returned = open()
        .filter(appeals::Column::Status.eq(Status::Rework.code()))
        .filter(appeals::Column::ExecutorReceivedAt.gt(since))
        .count(db)
        .await?;
    // Reminders and missed deadlines are the watcher's events in the history (an item's overdue mark keeps
    // its first missed term, and an extended deadline missed in its turn is escalated again); few happen
    // between two visits, so they are matched here, through the log's index by action and time (m0023).
    let with_event = async |action: &str| -> Result<u64, AppError> {
        let subject_ids: Vec<String> = entity::events::Entity::find()
            .select_only()
            .column(entity::events::Column::SubjectId)
            .filter(entity::events::Column::SubjectType.eq(super::SUBJECT))
            .filter(entity::events::Column::Action.eq(action))
            .filter(entity::events::Column::OccurredAt.gt(since))
            .into_tuple()
            .all(db)
            .await?;
        let ids: BTreeSet<i32> = subject_ids.iter().filter_map(|id| id.parse().ok()).collect();
        Ok(if ids.is_empty() { 0 } else { open().filter(appeals::Column::Id.is_in(ids)).count(db).await? })
    };
    let reminded = with_event("reminded").await?;
    let overdue = with_event("overdue").await?;
    Ok(Changes { new_items, returned, reminded, overdue })
}
