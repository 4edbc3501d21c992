//! The issue reports as the web pages use them: the public map of reports (districts and points, no
//! personal data), the report-a-problem journey's draft and its steps' checks, filing it once per form
//! key, and the public report page. Filing, duplicates and photos are `service::appeals`' use cases;
//! this area gathers what one page needs in one call.
use crate::{
    domain::{
        appeals::{AppealKind, Status},
        directory::GeoPoint,
    },
    error::AppError,
    service::{
        Actor, AppState,
        appeals::{
            AppealDetails,
            intake::{self, AppealContent, AppealForm},
            queries::{self, MapPoint},
        },
        directory::{self, District},
        once::{Once, create_once},
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

/// The home page: a few petitions collecting signatures (most signed first) and the map of recent
/// reports. Each part may fail alone (an outage of one list still serves the page).
#[derive(Debug, Clone, Default)]
pub struct FrontPage {
    pub petitions: Vec<crate::service::petitions::PetitionRecord>,
    pub petitions_total: u64,
    pub map: Option<ReportsMap>,
}

pub async fn front_page(state: &AppState, actor: &Actor, petitions: u64, reports: u64) -> FrontPage {
    use crate::service::petitions::{ListQuery, Sort, list};
    let query = ListQuery {
        status: Some(crate::domain::petitions::Status::Collecting),
        query: None,
        category_id: None,
        submitted_from: None,
        submitted_to: None,
        sort: Sort::MostSigned,
        page: crate::storage::Page { number: 1, size: petitions },
    };
    let (petitions, petitions_total) = list(state, actor, query).await.unwrap_or_default();
    FrontPage { petitions, petitions_total, map: public_map(state, None, None, reports).await.ok() }
}

/// A report being written, step by step. It travels with the pages (a hidden field and the step
/// links), so nothing half-written is kept on the server; every value is checked again when filed.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct ReportDraft {
    pub category_id: Option<i32>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub address: String,
    pub district_id: Option<i32>,
    pub subject: String,
    pub description: String,
}

impl ReportDraft {
    pub fn point(&self) -> Option<GeoPoint> {
        GeoPoint::checked(self.latitude?, self.longitude?)
    }
}

/// What the steps offer: the categories and the districts.
#[derive(Debug, Clone)]
pub struct Choices {
    pub categories: Vec<directory::Category>,
    pub districts: Vec<District>,
}

pub async fn choices(state: &AppState) -> Result<Choices, AppError> {
    Ok(Choices { categories: directory::categories(state).await?, districts: directory::districts(state).await? })
}

/// The steps of the journey, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Category,
    Place,
    Description,
}

/// Whether the draft answers `step` well enough to go on (a signed-in person's draft: anonymous
/// reports are not considered, art. 8); the full intake rules run when it is filed.
pub fn check_step(actor: &Actor, step: Step, draft: &ReportDraft) -> Result<(), AppError> {
    if actor.principal().is_none() {
        return Err(AppError::Unauthorized("log in to report a problem".into()));
    }
    match step {
        Step::Category if draft.category_id.is_none() => Err(AppError::validation("category_id", "choose a category")),
        Step::Place if draft.latitude.is_some() != draft.longitude.is_some() => {
            Err(AppError::validation("latitude", "give both latitude and longitude, or neither"))
        }
        Step::Place if (draft.latitude.is_some() && draft.point().is_none()) => {
            Err(AppError::validation("latitude", GeoPoint::RANGE))
        }
        Step::Place if draft.point().is_none() && draft.address.trim().is_empty() && draft.district_id.is_none() => {
            Err(AppError::validation("place", "choose the place on the map, or give an address or a district"))
        }
        Step::Description if draft.subject.trim().is_empty() => {
            Err(AppError::validation("subject", "say in a few words what the problem is"))
        }
        Step::Description if draft.description.trim().is_empty() => {
            Err(AppError::validation("description", "describe the problem"))
        }
        _ => Ok(()),
    }
}

/// How far around the chosen point open reports of the same category are offered as duplicates.
pub const NEARBY_METRES: f64 = 200.0;

/// Open reports of the draft's category near its point (none without both).
pub async fn nearby(state: &AppState, draft: &ReportDraft) -> Result<Vec<queries::NearbyReport>, AppError> {
    match (draft.category_id, draft.point()) {
        (Some(category), Some(point)) => queries::nearby(state, category, point, NEARBY_METRES).await,
        _ => Ok(vec![]),
    }
}

fn appeal_form(draft: ReportDraft) -> AppealForm {
    let point = draft.point();
    let address = Some(draft.address.trim().to_owned()).filter(|a| !a.is_empty());
    AppealForm {
        content: AppealContent {
            kind: AppealKind::IssueReport,
            subject: draft.subject.trim().to_owned(),
            text: draft.description.trim().to_owned(),
            category_id: draft.category_id,
            organisation_id: None,
            point,
            address,
            district_id: draft.district_id,
            privileged: false,
            cosigners: vec![],
        },
        author_address: None,
        author_phone: None,
        show_author_name: false,
    }
}

/// Files the draft through `appeals::intake::file` with the form's key in the idempotency store
/// (`service::once::create_once`): a double click or a retried POST files one report.
pub async fn file_once(state: &AppState, actor: &Actor, draft: ReportDraft, form_key: &str) -> Result<Once, AppError> {
    let account_id =
        actor.principal().ok_or_else(|| AppError::Unauthorized("log in to report a problem".into()))?.account_id;
    let fingerprint = serde_json::to_string(&draft).unwrap_or_default();
    let filing = intake::file(state, actor, appeal_form(draft));
    create_once(state, account_id, form_key, &fingerprint, "/reports", async { filing.await.map(|d| d.id) }).await
}

/// What a public report page shows: the report (its public view), its public history, the districts
/// for the map, and whether the visitor follows it.
#[derive(Debug, Clone)]
pub struct PublicReport {
    pub report: AppealDetails,
    pub history: Vec<queries::HistoryStep>,
    pub districts: Vec<District>,
    pub category: Option<directory::Category>,
}

pub async fn public_report(state: &AppState, id: i32) -> Result<PublicReport, AppError> {
    // The public's view, whoever asks: the page is the same for everyone.
    let report = queries::view(state, &Actor::Anonymous, id).await?;
    if report.kind != AppealKind::IssueReport {
        return Err(AppError::not_found(format!("there is no public report {id}")));
    }
    let history = queries::history(state, &Actor::Anonymous, id).await?;
    let category = match report.category_id {
        Some(c) => directory::category(state, c).await.ok(),
        None => None,
    };
    Ok(PublicReport { report, history, districts: directory::districts(state).await?, category })
}
