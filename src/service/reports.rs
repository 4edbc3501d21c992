//! The issue reports as the web pages use them: the public list of reports with its map (districts and
//! points, no personal data; selected as the map of reports selects, `service::report_map`), the report-a-problem journey's draft and its steps' checks, filing it once per form
//! key, and the public report page. Filing, duplicates and photos are `service::appeals`' use cases;
//! this area gathers what one page needs in one call. Photos chosen on the journey are kept on the
//! server under the draft's key (the pages carry only the key) and attached when the report is filed.
use chrono::Utc;
use sha2::{Digest, Sha256};

use crate::{
    domain::{
        DomainError,
        appeals::{AppealKind, Status, photos::photos_within},
        directory::GeoPoint,
    },
    error::AppError,
    service::{
        Actor, AppState,
        appeals::{
            AppealDetails, citizen,
            intake::{self, AppealContent, AppealForm},
            queries::{self, MapPoint},
        },
        directory::{self, District},
        metrics::PeriodQuery,
        once::{Once, checked_key, create_once, retention},
        report_map::{self, ReportFilter},
    },
    storage::{
        self, Page,
        appeals::{DraftScope, PendingPhoto},
    },
};

pub use crate::{domain::appeals::photos::PhotoRefusal, storage::appeals::PhotoError};

/// What a map of reports draws: the districts and the public reports' points.
#[derive(Debug, Clone)]
pub struct ReportsMap {
    pub districts: Vec<District>,
    pub points: Vec<MapPoint>,
}

/// What the list of reports shows: the reports of a period (blank: any time) that `filter` selects, a
/// page at a time, and at most `map_points` of them on its map. A page reads its filter with
/// `report_map::ReportFilter::read` and its page number with its pager.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub period: PeriodQuery,
    pub filter: ReportFilter,
    pub page: u64,
    pub map_points: u64,
}

/// A report as the list shows it: public data only.
#[derive(Debug, Clone)]
pub struct ListedReport {
    pub id: i32,
    pub subject: String,
    pub category_id: Option<i32>,
    pub district_id: Option<i32>,
    /// As the public sees it (a duplicate shows the status of the report it follows).
    pub status: Status,
    pub received_at: chrono::DateTime<Utc>,
}

/// A page of the public reports, what the filters offer, and the same selection on a map (the newest
/// with a point; none when the directory has no districts to draw).
#[derive(Debug, Clone)]
pub struct ReportList {
    pub items: Vec<ListedReport>,
    pub total: u64,
    pub page: Page,
    pub choices: Choices,
    pub map: ReportsMap,
}

/// How many reports one page of the list shows.
pub const LIST_PAGE_SIZE: u64 = 20;

/// A page of the public issue reports (newest first) that `query` selects, with the same selection's
/// points for its map: the list, its map and the map's points (`GET /reports/geojson` with the same
/// filter) narrow alike (`report_map::selection`; the list's district exactly and as it is now, `list_selection`). A category or district the directory does not hold
/// is refused naming its field (a hand-edited address).
pub async fn public_list(state: &AppState, query: &ListQuery) -> Result<ReportList, AppError> {
    let now = Utc::now();
    let map = report_map::selection(state, &query.period, &query.filter, now).await?;
    let points = report_map::selected_points(state, &map, None, query.map_points).await?;
    // The list takes its district's reports by their own district, now (a report filed a moment ago is
    // listed at once; the map's cells may be up to `report_map::CELLS_MAX_AGE` old and place a point near
    // a border in the neighbour), and also shows the reports given by address alone, which no map can place.
    let mut selection = report_map::list_selection(state, &query.period, &query.filter, now).await?;
    selection.unplaced = true;
    let page = Page { number: query.page.clamp(1, Page::MAX_NUMBER), size: LIST_PAGE_SIZE };
    let total = storage::report_map::count(&state.db, &selection).await?;
    let rows = storage::report_map::page(&state.db, &selection, page.index() * page.size, page.size).await?;
    let followed = storage::appeals::followed_statuses(&state.db, &rows).await?;
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        let status = storage::appeals::status_of(&row)?
            .shown_with(row.duplicate_of_id.and_then(|id| followed.get(&id)).copied());
        items.push(ListedReport {
            id: row.id,
            subject: row.subject,
            category_id: row.category_id,
            district_id: row.district_id,
            status,
            received_at: row.received_at,
        });
    }
    let choices = choices(state).await?;
    let map = ReportsMap { districts: choices.districts.clone(), points };
    Ok(ReportList { items, total, page, choices, map })
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
        page: Page { number: 1, size: petitions },
    };
    let (petitions, petitions_total) = list(state, actor, query).await.unwrap_or_default();
    let points = report_map::PointsQuery { limit: reports, ..Default::default() };
    let map = async {
        let points = report_map::points(state, &points, Utc::now()).await?;
        Ok::<_, AppError>(ReportsMap { districts: directory::districts(state).await?, points })
    };
    FrontPage { petitions, petitions_total, map: map.await.ok() }
}

/// A report being written, step by step. It is kept on the server under its `key` and the account
/// ([`keep_draft`]); the pages carry only the key (`?draft=` and a hidden field), so a long description
/// never lengthens an address. Its photos are kept under the same key (see [`add_draft_photos`]). Every
/// value is checked again when filed.
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
    /// The author agreed to show their name on the report's public page (never their contacts).
    pub show_name: bool,
    /// The draft's key: names it, and its photos, on the server.
    pub key: String,
}

/// The signed-in person reporting (anonymous reports are not considered, art. 8).
fn reporter(actor: &Actor) -> Result<&crate::domain::authorization::Principal, AppError> {
    actor.principal().ok_or_else(|| AppError::Unauthorized("log in to report a problem".into()))
}

/// The form name the report drafts are kept under (`service::forms`).
const REPORT_FORM: &str = "report";

/// An empty draft with a new key (not kept until its first step is answered).
pub fn new_draft() -> ReportDraft {
    ReportDraft { key: uuid::Uuid::new_v4().to_string(), ..ReportDraft::default() }
}

/// Keeps `draft` under its key for the signed-in author, until the form's retention ends (each step
/// answered starts it again).
pub async fn keep_draft(state: &AppState, actor: &Actor, draft: &ReportDraft) -> Result<(), AppError> {
    crate::service::forms::keep_draft(state, reporter(actor)?, (REPORT_FORM, &draft.key), draft).await
}

/// The author's draft kept under `key`. A key that is lost, expired, another account's or malformed is
/// `NotFound` (the journey starts again).
pub async fn kept_draft(state: &AppState, actor: &Actor, key: &str) -> Result<ReportDraft, AppError> {
    let principal = reporter(actor)?;
    let lost = || AppError::NotFound("this report's answers are no longer kept; start again".into());
    checked_key(key).map_err(|_| lost())?;
    let kept: ReportDraft = crate::service::forms::kept_draft(state, principal, (REPORT_FORM, key)).await?;
    Ok(ReportDraft { key: key.trim().to_owned(), ..kept })
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
    Photos,
    Description,
}

/// Whether the draft answers `step` well enough to go on (a signed-in person's draft: anonymous
/// reports are not considered, art. 8); the full intake rules run when it is filed.
pub fn check_step(actor: &Actor, step: Step, draft: &ReportDraft) -> Result<(), AppError> {
    reporter(actor)?;
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
        show_author_name: draft.show_name,
    }
}

/// Files the draft through `appeals::intake::file` with the form's key in the idempotency store
/// (`service::once::create_once`): a double click or a retried POST files one report.
pub async fn file_once(state: &AppState, actor: &Actor, draft: ReportDraft, form_key: &str) -> Result<Once, AppError> {
    let account_id = reporter(actor)?.account_id;
    let fingerprint = serde_json::to_string(&draft).unwrap_or_default();
    let filing = async {
        let photos = kept_photos(state, actor, &draft.key).await?;
        // Parallel uploads to one draft may have kept more than a report carries (see keep_pending_photos).
        photos_within(0, photos.len() as u64, state.settings.photos.max_per_appeal).map_err(DomainError::from)?;
        intake::file_with_photos(state, actor, appeal_form(draft), photos).await.map(|d| d.id)
    };
    create_once(state, account_id, form_key, &fingerprint, "/reports", filing).await
}

/// Where the photos of a draft are kept: a digest of the account and the draft's key, so a key copied
/// into another account's browser finds nothing.
fn photo_scope(actor: &Actor, key: &str) -> Result<(String, i32), AppError> {
    let account_id = reporter(actor)?.account_id;
    let key = checked_key(key)?;
    Ok((hex::encode(Sha256::digest(format!("web:report-photos:account:{account_id}:{key}"))), account_id))
}

async fn kept_photos(state: &AppState, actor: &Actor, key: &str) -> Result<Vec<PendingPhoto>, AppError> {
    if key.trim().is_empty() {
        return Ok(vec![]);
    }
    let (scope, account_id) = photo_scope(actor, key)?;
    storage::appeals::pending_photos(&state.db, DraftScope { scope: &scope, account_id }, Utc::now()).await
}

/// A photo of a draft, as its steps list it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DraftPhoto {
    pub id: i32,
    pub content_type: String,
    pub size_bytes: i64,
}

/// The photos kept for the draft with `key` (none before the photos step).
pub async fn draft_photos(state: &AppState, actor: &Actor, key: &str) -> Result<Vec<DraftPhoto>, AppError> {
    let kept = kept_photos(state, actor, key).await?;
    Ok(kept
        .into_iter()
        .map(|p| DraftPhoto { id: p.id, content_type: p.content_type, size_bytes: p.size_bytes })
        .collect())
}

/// Keeps the photos chosen for the draft with `key`, each checked as the API checks a report's photo
/// (size, type read from the bytes), until the form's retention ends. All or none: one bad file, or
/// more than a report may carry with those already kept, keeps none of them. A refusal says which
/// photo rule refused ([`PhotoError::Refused`]), for the page to word it.
pub async fn add_draft_photos(state: &AppState, actor: &Actor, key: &str, files: &[Vec<u8>]) -> Result<(), PhotoError> {
    let (scope, account_id) = photo_scope(actor, key)?;
    let limits = &state.settings.photos;
    let photos = files.iter().map(|bytes| citizen::checked_photo(limits, bytes)).collect::<Result<Vec<_>, _>>()?;
    let draft = DraftScope { scope: &scope, account_id };
    let now = Utc::now();
    storage::appeals::keep_pending_photos(&state.db, limits, draft, &photos, (now, now + retention(state))).await
}

/// Removes a photo from the draft with `key`.
pub async fn remove_draft_photo(state: &AppState, actor: &Actor, key: &str, id: i32) -> Result<(), AppError> {
    let (scope, account_id) = photo_scope(actor, key)?;
    let draft = DraftScope { scope: &scope, account_id };
    storage::appeals::drop_pending_photo(&state.db, &state.settings.photos.dir, draft, id).await
}

/// A photo of the draft with `key`, for its author's eyes only.
pub async fn draft_photo(state: &AppState, actor: &Actor, key: &str, id: i32) -> Result<citizen::PhotoFile, AppError> {
    let (scope, account_id) = photo_scope(actor, key)?;
    let photo = storage::appeals::pending_photo(&state.db, DraftScope { scope: &scope, account_id }, id).await?;
    citizen::photo_file(state, &photo.file_name, &photo.content_type).await
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
