//! What the staff's desk pages read: the work queue of an organisation (with what changed since the
//! officer last looked), one case with everything needed to act on it, and the head's overview of the
//! team. The actions themselves are [`super::handling`]'s; registration is [`super::intake`]'s.
use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};

use super::{
    AppealDetails, load_details, person,
    queries::{self, AppealList, HistoryStep, ListRequest, NearbyReport, Queue},
};
use crate::{
    domain::{
        appeals::{
            AppealKind,
            urgency::{TimeLeft, Urgency, UrgencyBounds, time_left, week_ends},
        },
        authorization::{Action, Principal, authorize, may_see_appeal},
        deadlines::{self, ExtensionRequest},
    },
    error::AppError,
    service::{Actor, AppState},
    storage::{self, appeals::Changes},
};

/// An organisation the person works for, for the switcher.
#[derive(Debug, Clone)]
pub struct Workplace {
    pub id: i32,
    pub name: String,
    pub head: bool,
}

/// The organisation a desk page shows: the one asked for, else the person's first; refused (403) when
/// they do not work there, or nowhere.
fn workplace(principal: &Principal, asked: Option<i32>) -> Result<i32, AppError> {
    let organisation_id = match asked {
        Some(id) => id,
        None => principal.memberships.first().map(|m| m.organisation_id).ok_or_else(|| {
            AppError::Forbidden("the desk's queue is for officers and heads of an organisation".into())
        })?,
    };
    authorize(principal, Action::HandleForOrganisation { organisation_id })?;
    Ok(organisation_id)
}

async fn workplaces(state: &AppState, principal: &Principal) -> Result<Vec<Workplace>, AppError> {
    let names = super::organisation_names(state).await?;
    Ok(principal
        .memberships
        .iter()
        .map(|m| Workplace {
            id: m.organisation_id,
            name: names.get(&m.organisation_id).cloned().unwrap_or_default(),
            head: authorize(principal, Action::HeadOfOrganisation { organisation_id: m.organisation_id }).is_ok(),
        })
        .collect())
}

/// One line of the queue: the item, its urgency group and the time left.
#[derive(Debug, Clone)]
pub struct QueueItem {
    pub appeal: AppealDetails,
    pub urgency: Urgency,
    pub time_left: TimeLeft,
    pub assignee_name: Option<String>,
}

/// A page of an organisation's work queue.
#[derive(Debug, Clone)]
pub struct WorkQueue {
    pub organisation_id: i32,
    pub workplaces: Vec<Workplace>,
    pub items: Vec<QueueItem>,
    pub total: u64,
    pub groups: BTreeMap<Urgency, u64>,
    /// The officers of the organisation, for the assignee filter.
    pub officers: Vec<(i32, String)>,
    /// What changed since `since` (the last visit), when known.
    pub changes: Option<Changes>,
    /// When this account last opened this queue, if ever.
    pub since: Option<DateTime<Utc>>,
}

/// The work queue of `organisation_id` (or the person's first organisation), most urgent first, with
/// what changed since this account last opened it. A look at the queue's first page without filters or
/// search is recorded as the next one's "since"; other pages and filtered lists leave the visit as it was.
pub async fn queue(
    state: &AppState,
    actor: &Actor,
    organisation_id: Option<i32>,
    request: ListRequest,
) -> Result<WorkQueue, AppError> {
    let principal = person(actor)?;
    let organisation_id = workplace(principal, organisation_id)?;
    let now = Utc::now();
    let plain = request.is_plain_first_page();
    let since = storage::appeals::last_desk_visit(&state.db, principal.account_id, organisation_id).await?;
    let AppealList { items, total, groups, .. } =
        queries::list(state, actor, Queue::Organisation(organisation_id), request).await?;
    let (groups, bounds) = groups.ok_or_else(|| anyhow::anyhow!("the work queue is listed by urgency"))?;
    let officers = officers(state, organisation_id).await?;
    let names: BTreeMap<i32, String> = officers.iter().cloned().collect();
    let items = items
        .into_iter()
        .map(|appeal| QueueItem {
            urgency: bounds.of(appeal.deadline.due_at),
            time_left: time_left(bounds.now, appeal.deadline.due_at),
            assignee_name: appeal.assignee_account_id.and_then(|id| names.get(&id).cloned()),
            appeal,
        })
        .collect();
    let changes = match since {
        Some(since) => Some(storage::appeals::changes_since(&state.db, organisation_id, since).await?),
        None => None,
    };
    let workplaces = workplaces(state, principal).await?;
    // Only the queue as it opens is a visit: turning pages or filtering keeps what is new until then.
    if plain {
        storage::appeals::record_desk_visit(&state.db, principal.account_id, organisation_id, now).await?;
    }
    Ok(WorkQueue { organisation_id, workplaces, items, total, groups, officers, changes, since })
}

/// The members of an organisation by id and name (its staff may know each other).
async fn officers(state: &AppState, organisation_id: i32) -> Result<Vec<(i32, String)>, AppError> {
    let members = storage::directory::list_members(&state.db, organisation_id).await?;
    Ok(members.into_iter().map(|m| (m.account_id, m.full_name)).collect())
}

/// Everything the case page shows and offers.
#[derive(Debug, Clone)]
pub struct Case {
    pub appeal: AppealDetails,
    pub history: Vec<HistoryStep>,
    pub urgency: Urgency,
    pub time_left: TimeLeft,
    pub category_name: Option<(String, String)>,
    pub district_name: Option<String>,
    pub assignee_name: Option<String>,
    /// The organisation's members, for assigning.
    pub officers: Vec<(i32, String)>,
    /// Other active organisations, for forwarding.
    pub organisations: Vec<(i32, String)>,
    /// Open reports of the same category nearby, for linking a duplicate.
    pub nearby: Vec<NearbyReport>,
    /// The person heads the organisation: may extend and reassign.
    pub head: bool,
    /// The latest due date an extension may give (art. 20: 45 days in total), when it may be extended.
    pub extension_limit: Option<NaiveDate>,
    /// The city's districts, for the map of the place (when the item has a point).
    pub districts: Vec<crate::service::directory::District>,
}

/// The case page of appeal `id`: for the staff of the organisation handling it. Someone who may not
/// know it exists gets 404; someone who may see it but not handle it (the public, for a report) 403.
pub async fn case(state: &AppState, actor: &Actor, id: i32) -> Result<Case, AppError> {
    let principal = person(actor)?;
    let row = storage::appeals::get(&state.db, id).await?;
    let public = storage::appeals::kind_of(&row)? == AppealKind::IssueReport;
    if !may_see_appeal(Some(principal), public, row.executor_id, row.author_account_id) {
        return Err(AppError::not_found(format!("there is no appeal {id}")));
    }
    let organisation_id = row.executor_id;
    authorize(principal, Action::HandleForOrganisation { organisation_id })?;
    let head = authorize(principal, Action::HeadOfOrganisation { organisation_id }).is_ok();
    let calendar = state.calendar().await?;
    let now = Utc::now();
    let open = storage::appeals::status_of(&row)?.awaits_answer();
    // Overdue items may be extended too (they stay late), while the 45 days still end in the future.
    let extension_limit = open
        .then(|| deadlines::extend(row.executor_received_at, row.due_at, ExtensionRequest::TotalDays(45), &calendar))
        .and_then(Result::ok)
        .filter(|d| d.due_at > now)
        .map(|d| d.due_date);
    let appeal = load_details(state, row, Some(principal), None).await?;
    let history = queries::history(state, actor, id).await?;
    let officers = officers(state, organisation_id).await?;
    let organisations = storage::directory::list_organisations(&state.db)
        .await?
        .into_iter()
        .filter(|o| o.active && o.id != organisation_id)
        .map(|o| (o.id, o.name))
        .collect();
    let nearby = match (appeal.kind, appeal.category_id, appeal.point) {
        (AppealKind::IssueReport, Some(category), Some(point)) => {
            let near = queries::nearby(state, category, point, 500.0).await?;
            near.into_iter().filter(|r| r.id != id).collect()
        }
        _ => Vec::new(),
    };
    let category_name = match appeal.category_id {
        Some(c) => {
            storage::directory::get_category(&state.db, c).await.ok().map(|r| (r.category.name_uk, r.category.name_en))
        }
        None => None,
    };
    let districts = if appeal.district_id.is_some() || appeal.point.is_some() {
        crate::service::directory::districts(state).await?
    } else {
        Vec::new()
    };
    let district_name = appeal.district_id.and_then(|d| districts.iter().find(|x| x.id == d)).map(|x| x.name.clone());
    let districts = if appeal.point.is_some() { districts } else { Vec::new() };
    let assignee_name =
        appeal.assignee_account_id.and_then(|a| officers.iter().find(|(id, _)| *id == a).map(|(_, n)| n.clone()));
    Ok(Case {
        urgency: UrgencyBounds::at(now, queries::reminder_window(state), &calendar).of(appeal.deadline.due_at),
        time_left: time_left(now, appeal.deadline.due_at),
        appeal,
        history,
        category_name,
        district_name,
        assignee_name,
        officers,
        organisations,
        nearby,
        head,
        extension_limit,
        districts,
    })
}

/// One officer's line of the head's overview (`account_id` None: nobody took these yet).
#[derive(Debug, Clone, Default)]
pub struct TeamLine {
    pub account_id: Option<i32>,
    pub name: String,
    pub open: u64,
    pub overdue: u64,
    pub due_this_week: u64,
    pub extended: u64,
}

/// The head's overview of an organisation's open items.
#[derive(Debug, Clone)]
pub struct Team {
    pub organisation_id: i32,
    pub workplaces: Vec<Workplace>,
    pub lines: Vec<TeamLine>,
    pub totals: TeamLine,
}

/// The team of `organisation_id` (or the first the person heads): open items, overdue, due this week
/// and extensions used, per officer. For the head only.
pub async fn team(state: &AppState, actor: &Actor, organisation_id: Option<i32>) -> Result<Team, AppError> {
    let principal = person(actor)?;
    let headed = principal
        .memberships
        .iter()
        .map(|m| m.organisation_id)
        .find(|&organisation_id| authorize(principal, Action::HeadOfOrganisation { organisation_id }).is_ok());
    let organisation_id = organisation_id
        .or(headed)
        .ok_or_else(|| AppError::Forbidden("the team's overview is for the head of an organisation".into()))?;
    authorize(principal, Action::HeadOfOrganisation { organisation_id })?;
    let now = Utc::now();
    let week_ends = week_ends(now);
    let mut lines: BTreeMap<Option<i32>, TeamLine> = officers(state, organisation_id)
        .await?
        .into_iter()
        .map(|(id, name)| (Some(id), TeamLine { account_id: Some(id), name, ..TeamLine::default() }))
        .collect();
    let mut totals = TeamLine::default();
    for item in storage::appeals::open_deadlines(&state.db, organisation_id).await? {
        let (assignee, due_at, extended) = (item.assignee_account_id, item.due_at, item.extended);
        let line = lines.entry(assignee).or_insert_with(|| TeamLine { account_id: assignee, ..TeamLine::default() });
        for line in [line, &mut totals] {
            line.open += 1;
            line.overdue += u64::from(due_at <= now);
            line.due_this_week += u64::from(due_at > now && due_at <= week_ends);
            line.extended += u64::from(extended);
        }
    }
    let workplaces = workplaces(state, principal).await?;
    Ok(Team { organisation_id, workplaces, lines: lines.into_values().collect(), totals })
}
