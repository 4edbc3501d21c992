//! Appeals and "Open City" issue reports over HTTP: intake by citizens and by officers (paper, phone,
//! e-mail), handling by the executor's staff, the citizen's loop, photos, duplicates and public map data.
use chrono::{DateTime, Utc};
use poem::{Request, web::Data};
use poem_openapi::{
    ApiResponse, Object, OpenApi,
    param::{Path, Query},
    payload::{Binary, Json, Response},
};

use super::{
    ApiTags, AppState, BearerAuth,
    directory::Created,
    paging::{PageNumber, PerPage},
    parse_code,
    text::{Line, Prose, Text},
};
use crate::{
    domain::{
        accounts::{FullName, Language},
        appeals::{
            AppealKind, Channel, Command, IntakeDraft, RefusalCode, Resolution, SUBJECT_MAX_CHARS, Status,
            TEXT_MAX_CHARS, Transition, check_intake,
        },
        authorization::{Action, Principal, authorize},
        calendar::{kyiv_date, supported},
        deadlines::{Deadline, ExtensionRequest},
        directory::GeoPoint,
        text::limits,
    },
    error::{ApiResult, AppError},
    storage::{
        self,
        appeals::{Author, BoundingBox, Context, ListFilter, NewAppeal, Requester},
    },
};

#[derive(Debug, Clone, Copy, Object)]
pub struct PointInput {
    pub latitude: f64,
    pub longitude: f64,
}

impl PointInput {
    fn parse(self) -> Result<GeoPoint, AppError> {
        if !(-90.0..=90.0).contains(&self.latitude) || !(-180.0..=180.0).contains(&self.longitude) {
            return Err(AppError::validation("location", "latitude must be −90…90 and longitude −180…180"));
        }
        Ok(GeoPoint { lat: self.latitude, lon: self.longitude })
    }
}

#[derive(Debug, Clone, Object)]
pub struct CosignerInput {
    pub full_name: Line<{ FullName::MAX_CHARS }>,
    pub address: Line<{ limits::ADDRESS }>,
}

/// A citizen's appeal or issue report. The author's name and e-mail come from the account.
#[derive(Debug, Object)]
pub struct AppealInput {
    /// `proposal`, `application`, `complaint` or `issue_report`.
    pub kind: Line<{ limits::CODE }>,
    pub subject: Line<SUBJECT_MAX_CHARS>,
    /// The essence of the appeal (art. 5), or the description of the problem.
    pub text: Prose<TEXT_MAX_CHARS>,
    /// A category from `GET /directory/categories`; required for issue reports; it decides the executor.
    #[oai(nullable)]
    pub category_id: Option<i32>,
    /// For an appeal outside every category: the organisation it is addressed to.
    #[oai(nullable)]
    pub organisation_id: Option<i32>,
    /// Where the problem is.
    #[oai(nullable)]
    pub location: Option<PointInput>,
    /// The address of the problem (free text).
    #[oai(nullable)]
    pub address: Option<Line<{ limits::ADDRESS }>>,
    #[oai(nullable)]
    pub district_id: Option<i32>,
    /// The author's place of residence (art. 5; required for appeals). Never public.
    #[oai(nullable)]
    pub author_address: Option<Line<{ limits::ADDRESS }>>,
    /// Never public.
    #[oai(nullable)]
    pub author_phone: Option<Line<{ limits::PHONE }>>,
    /// The author has a legal privilege (veteran, person with disabilities…): handled first (art. 20).
    #[oai(default)]
    pub privileged: bool,
    /// Issue reports: show the author's name publicly. Default false.
    #[oai(default)]
    pub show_author_name: bool,
    /// Co-signers of a collective appeal.
    #[oai(default, validator(max_items = 100))]
    pub cosigners: Vec<CosignerInput>,
}

/// An appeal received on paper, by phone or by e-mail, registered by an officer of the receiving body.
#[derive(Debug, Object)]
pub struct RegisteredAppealInput {
    /// `paper`, `phone` or `email`.
    pub channel: Line<{ limits::CODE }>,
    /// When it was actually received; the deadline runs from here. Never in the future, and its Kyiv date
    /// no earlier than 2015-01-01 (the earliest date the working-day calendar supports; others are refused
    /// with 422).
    pub received_at: DateTime<Utc>,
    pub kind: Line<{ limits::CODE }>,
    pub subject: Line<SUBJECT_MAX_CHARS>,
    pub text: Prose<TEXT_MAX_CHARS>,
    #[oai(nullable)]
    pub category_id: Option<i32>,
    /// The organisation it was addressed to; defaults to the registering officer's own.
    #[oai(nullable)]
    pub organisation_id: Option<i32>,
    #[oai(nullable)]
    pub location: Option<PointInput>,
    #[oai(nullable)]
    pub address: Option<Line<{ limits::ADDRESS }>>,
    #[oai(nullable)]
    pub district_id: Option<i32>,
    pub author_name: Line<{ FullName::MAX_CHARS }>,
    #[oai(nullable)]
    pub author_address: Option<Line<{ limits::ADDRESS }>>,
    #[oai(nullable)]
    pub author_email: Option<Line<{ limits::EMAIL }>>,
    #[oai(nullable)]
    pub author_phone: Option<Line<{ limits::PHONE }>>,
    #[oai(default)]
    pub privileged: bool,
    #[oai(default, validator(max_items = 100))]
    pub cosigners: Vec<CosignerInput>,
}

#[derive(Debug, Object)]
pub struct AuthorView {
    pub full_name: String,
    #[oai(nullable)]
    pub address: Option<String>,
    #[oai(nullable)]
    pub email: Option<String>,
    #[oai(nullable)]
    pub phone: Option<String>,
    pub cosigners: Vec<CosignerView>,
}

#[derive(Debug, Object)]
pub struct CosignerView {
    pub full_name: String,
    pub address: String,
}

#[derive(Debug, Object)]
pub struct ExecutorView {
    pub id: i32,
    pub name: String,
}

#[derive(Debug, Object)]
pub struct AppealDeadlineView {
    /// The rule the appeal's term comes from, e.g. `appeal_no_study` or `{"urgency_hours":24}`.
    pub rule: serde_json::Value,
    /// The first deadline ever set.
    pub original_due_at: DateTime<Utc>,
    /// The deadline in force (exclusive instant: Kyiv midnight after the due date, or the exact hour).
    pub due_at: DateTime<Utc>,
    /// Set when the head extended the term (never over 45 days from receipt).
    #[oai(nullable)]
    pub extended_due_at: Option<DateTime<Utc>>,
    /// When the deadline in force passed without an answer.
    #[oai(nullable)]
    pub overdue_at: Option<DateTime<Utc>>,
    /// Art. 7: by when an appeal outside the competence had to be forwarded.
    pub forward_due_at: DateTime<Utc>,
    /// How the deadline was computed, step by step (when it was just computed).
    #[oai(nullable, skip_serializing_if_is_none)]
    pub explanation: Option<Vec<String>>,
}

#[derive(Debug, Object)]
pub struct AnswerView {
    pub resolution: String,
    pub text: String,
    #[oai(nullable)]
    pub competent_body: Option<String>,
    pub answered_at: DateTime<Utc>,
}

#[derive(Debug, Object)]
pub struct RefusalView {
    pub code: String,
    pub reason: String,
    pub legal_basis: String,
    #[oai(nullable)]
    pub refused_at: Option<DateTime<Utc>>,
}

/// An appeal or report. `author` and `assignee_account_id` appear only to the author, the executor's staff
/// and administrators; the public sees issue reports only, without personal data.
#[derive(Debug, Object)]
pub struct AppealView {
    pub id: i32,
    pub kind: String,
    pub channel: String,
    pub status: String,
    /// What the public sees: a duplicate shows the status of the report it follows.
    pub public_status: String,
    pub subject: String,
    pub text: String,
    #[oai(nullable)]
    pub category_id: Option<i32>,
    #[oai(nullable)]
    pub location: Option<PointView>,
    #[oai(nullable)]
    pub address: Option<String>,
    #[oai(nullable)]
    pub district_id: Option<i32>,
    pub executor: ExecutorView,
    /// The routing decision recorded on intake: executor, rule, explanation.
    pub routing: serde_json::Value,
    pub privileged: bool,
    pub received_at: DateTime<Utc>,
    pub deadline: AppealDeadlineView,
    pub forwarded_count: i32,
    #[oai(nullable)]
    pub answer: Option<AnswerView>,
    #[oai(nullable)]
    pub refusal: Option<RefusalView>,
    #[oai(nullable)]
    pub confirmed_at: Option<DateTime<Utc>>,
    pub rework_count: i32,
    #[oai(nullable)]
    pub rating: Option<i32>,
    #[oai(nullable)]
    pub duplicate_of: Option<i32>,
    pub photo_ids: Vec<i32>,
    /// The author's name when shown publicly (issue reports whose author agreed), or to those who may see it.
    #[oai(nullable)]
    pub author_name: Option<String>,
    #[oai(nullable, skip_serializing_if_is_none)]
    pub author: Option<AuthorView>,
    #[oai(nullable, skip_serializing_if_is_none)]
    pub assignee_account_id: Option<i32>,
}

#[derive(Debug, Clone, Copy, Object)]
pub struct PointView {
    pub latitude: f64,
    pub longitude: f64,
}

#[derive(Debug, Object)]
pub struct AppealPage {
    pub items: Vec<AppealView>,
    pub page: u64,
    pub per_page: u64,
    pub total: u64,
}

#[derive(Debug, Object)]
pub struct HistoryEntry {
    pub at: DateTime<Utc>,
    pub action: String,
    #[oai(nullable)]
    pub from_status: Option<String>,
    #[oai(nullable)]
    pub to_status: Option<String>,
    /// The account that acted; absent for the deadline watcher (and for the public).
    #[oai(nullable, skip_serializing_if_is_none)]
    pub actor_account_id: Option<i32>,
    pub details: serde_json::Value,
}

#[derive(Debug, Object)]
pub struct AssignInput {
    pub officer_account_id: i32,
}

#[derive(Debug, Object)]
pub struct ForwardInput {
    pub organisation_id: i32,
    pub reason: Prose<{ limits::REASON }>,
}

/// Either `total_days` (from receipt, at most 45) or `new_due_date`.
#[derive(Debug, Object)]
pub struct ExtendInput {
    #[oai(nullable)]
    pub total_days: Option<u32>,
    /// A Kyiv date from 2015-01-01 to 2100-12-31 (the dates the working-day calendar supports; others are refused with 422).
    #[oai(nullable)]
    pub new_due_date: Option<chrono::NaiveDate>,
    pub reason: Prose<{ limits::REASON }>,
}

#[derive(Debug, Object)]
pub struct AnswerInput {
    /// `resolved`, `not_resolved` or `not_competent`.
    pub resolution: Line<{ limits::CODE }>,
    pub text: Prose<TEXT_MAX_CHARS>,
    /// Required with `not_competent`: who is competent.
    #[oai(nullable)]
    pub competent_body: Option<Line<{ limits::LABEL }>>,
}

#[derive(Debug, Object)]
pub struct RefuseInput {
    /// `anonymous`, `repeated`, `complaint_out_of_time` or `non_conforming`.
    pub code: Line<{ limits::CODE }>,
    pub reason: Prose<{ limits::REASON }>,
}

#[derive(Debug, Object)]
pub struct ReturnInput {
    pub reason: Prose<{ limits::REASON }>,
}

#[derive(Debug, Object)]
pub struct RatingInput {
    /// 1 (worst) to 5 (best).
    pub score: i32,
    #[oai(nullable)]
    pub comment: Option<Prose<{ limits::REASON }>>,
}

#[derive(Debug, Object)]
pub struct DuplicateInput {
    /// The earlier report this one duplicates.
    pub duplicate_of: i32,
}

#[derive(Debug, Object)]
pub struct NearbyReport {
    pub id: i32,
    pub subject: String,
    pub status: String,
    pub distance_m: f64,
    pub received_at: DateTime<Utc>,
}

#[derive(Debug, Object)]
pub struct PhotoView {
    pub id: i32,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
}

/// GeoJSON (RFC 7946) of public issue reports.
#[derive(Debug, Object)]
pub struct FeatureCollection {
    #[oai(rename = "type")]
    pub kind: String,
    pub features: Vec<Feature>,
}

#[derive(Debug, Object)]
pub struct Feature {
    #[oai(rename = "type")]
    pub kind: String,
    pub id: i32,
    pub geometry: PointGeometry,
    pub properties: ReportProperties,
}

#[derive(Debug, Object)]
pub struct PointGeometry {
    #[oai(rename = "type")]
    pub kind: String,
    /// [longitude, latitude]
    pub coordinates: Vec<f64>,
}

/// No personal data: no author, no contacts.
#[derive(Debug, Object)]
pub struct ReportProperties {
    pub subject: String,
    #[oai(nullable)]
    pub category_id: Option<i32>,
    pub status: String,
    pub executor_id: i32,
    pub received_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub overdue: bool,
    #[oai(nullable)]
    pub answered_at: Option<DateTime<Utc>>,
    #[oai(nullable)]
    pub duplicate_of: Option<i32>,
}

#[derive(ApiResponse)]
pub enum GeoJsonResponse {
    #[oai(status = 200, content_type = "application/geo+json")]
    Ok(Json<FeatureCollection>),
}

pub struct AppealsApi;

/// An optional text field; blank counts as absent.
fn optional_text<const MAX: usize, const MULTILINE: bool>(
    value: Option<Text<MAX, MULTILINE>>,
    field: &str,
) -> Result<Option<String>, AppError> {
    Ok(Text::read_optional(value, field)?.filter(|v| !v.is_empty()))
}

fn cosigners(input: Vec<CosignerInput>) -> Result<Vec<(String, String)>, AppError> {
    input
        .into_iter()
        .map(|c| {
            let (full_name, address) = (c.full_name.read("cosigners")?, c.address.read("cosigners")?);
            if !crate::domain::accounts::is_full_name(&full_name) || !crate::domain::accounts::is_residence(&address) {
                return Err(AppError::validation(
                    "cosigners",
                    "every co-signer needs a full name and a place of residence (art. 5)",
                ));
            }
            Ok((full_name, address))
        })
        .collect()
}

impl AppState {
    /// The calendar and links the appeal storage needs.
    async fn appeal_context(&self) -> Result<(crate::domain::calendar::Calendar, String), AppError> {
        Ok((self.calendar().await?, self.settings.public_url.clone()))
    }
}

/// Renders a stored appeal for `viewer`; `deadline` adds the explanation just computed.
async fn view(
    state: &AppState,
    row: entity::appeals::Model,
    viewer: Option<&Principal>,
    deadline: Option<Deadline>,
) -> Result<AppealView, AppError> {
    let names = storage::appeals::organisation_names(&state.db).await?;
    let followed = storage::appeals::followed_statuses(&state.db, std::slice::from_ref(&row)).await?;
    let photos = storage::appeals::photos(&state.db, row.id).await?.into_iter().map(|p| p.id).collect();
    let private = storage::appeals::may_read_private(viewer, &row);
    let author = if private {
        let cosigners = storage::appeals::cosigners(&state.db, row.id)
            .await?
            .into_iter()
            .map(|c| CosignerView { full_name: c.full_name, address: c.address })
            .collect();
        Some(AuthorView {
            full_name: row.author_name.clone(),
            address: row.author_address.clone(),
            email: row.author_email.clone(),
            phone: row.author_phone.clone(),
            cosigners,
        })
    } else {
        None
    };
    Ok(render(row, &names, &followed, photos, private, author, deadline))
}

/// Renders an appeal just filed from what the writer stored: no photos yet, not a duplicate, and the
/// executor's name and co-signers already known, so nothing is read again.
fn view_filed(filed: storage::appeals::Filed, viewer: &Principal) -> AppealView {
    let storage::appeals::Filed { row, deadline, executor_name, cosigners } = filed;
    let private = storage::appeals::may_read_private(Some(viewer), &row);
    let author = private.then(|| AuthorView {
        full_name: row.author_name.clone(),
        address: row.author_address.clone(),
        email: row.author_email.clone(),
        phone: row.author_phone.clone(),
        cosigners: cosigners.into_iter().map(|(full_name, address)| CosignerView { full_name, address }).collect(),
    });
    let names = std::collections::BTreeMap::from([(row.executor_id, executor_name)]);
    render(row, &names, &std::collections::BTreeMap::new(), Vec::new(), private, author, Some(deadline))
}

fn render(
    row: entity::appeals::Model,
    names: &std::collections::BTreeMap<i32, String>,
    followed: &std::collections::BTreeMap<i32, Status>,
    photo_ids: Vec<i32>,
    private: bool,
    author: Option<AuthorView>,
    deadline: Option<Deadline>,
) -> AppealView {
    let status = Status::parse(&row.status).unwrap_or(Status::Received);
    let public_status = status.shown_with(row.duplicate_of_id.and_then(|id| followed.get(&id)).copied());
    let answer = match (&row.resolution, &row.answer_text, row.answered_at) {
        (Some(resolution), Some(text), Some(at)) => Some(AnswerView {
            resolution: resolution.clone(),
            text: text.clone(),
            competent_body: row.competent_body.clone(),
            answered_at: at,
        }),
        _ => None,
    };
    let refusal = match (&row.refusal_code, &row.refusal_reason) {
        (Some(code), Some(reason)) => Some(RefusalView {
            legal_basis: RefusalCode::parse(code).map(|c| c.legal_basis().to_owned()).unwrap_or_default(),
            code: code.clone(),
            reason: reason.clone(),
            refused_at: row.answered_at,
        }),
        _ => None,
    };
    AppealView {
        id: row.id,
        kind: row.kind,
        channel: row.channel,
        status: status.code().to_owned(),
        public_status: public_status.code().to_owned(),
        subject: row.subject,
        text: row.text,
        category_id: row.category_id,
        location: row.latitude.zip(row.longitude).map(|(latitude, longitude)| PointView { latitude, longitude }),
        address: row.place_address,
        district_id: row.district_id,
        executor: ExecutorView { id: row.executor_id, name: names.get(&row.executor_id).cloned().unwrap_or_default() },
        routing: serde_json::from_str(&row.routing).unwrap_or_default(),
        privileged: row.privileged,
        received_at: row.received_at,
        deadline: AppealDeadlineView {
            rule: serde_json::from_str(&row.deadline_rule).unwrap_or_default(),
            original_due_at: row.original_due_at,
            due_at: row.due_at,
            extended_due_at: row.extended_due_at,
            overdue_at: row.overdue_at,
            forward_due_at: row.forward_due_at,
            explanation: deadline.map(|d| d.steps),
        },
        forwarded_count: row.forwarded_count,
        answer,
        refusal,
        confirmed_at: row.confirmed_at,
        rework_count: row.rework_count,
        rating: row.rating,
        duplicate_of: row.duplicate_of_id,
        photo_ids,
        author_name: (private || row.show_author_name).then_some(row.author_name),
        author,
        assignee_account_id: if private { row.assignee_account_id } else { None },
    }
}

/// The appeal, if `viewer` may see it at all: issue reports are public, other appeals private.
async fn visible(state: &AppState, id: i32, viewer: Option<&Principal>) -> Result<entity::appeals::Model, AppError> {
    let row = storage::appeals::get(&state.db, id).await?;
    if row.kind == AppealKind::IssueReport.code() || storage::appeals::may_read_private(viewer, &row) {
        Ok(row)
    } else {
        // Not 403: a private appeal's existence is itself not public.
        Err(AppError::not_found(format!("there is no appeal {id}")))
    }
}

impl AppealsApi {
    async fn act(
        &self,
        state: &AppState,
        auth: &BearerAuth,
        id: i32,
        command: impl FnOnce(&Principal) -> Result<Command, AppError>,
    ) -> ApiResult<Json<AppealView>> {
        let (principal, _) = state.authenticate(auth).await?;
        let command = command(&principal)?;
        let (calendar, public_url) = state.appeal_context().await?;
        let ctx = Context { public_url: &public_url, calendar: &calendar };
        let (row, transition): (_, Transition) =
            storage::appeals::transition(&state.db, &ctx, id, Requester::Person(&principal), command, Utc::now())
                .await?;
        state.mail_wake.notify_one();
        Ok(Json(view(state, row, Some(&principal), transition.deadline).await?))
    }
}

#[OpenApi(prefix_path = "/", tag = "ApiTags::Appeals")]
impl AppealsApi {
    /// File an appeal or an issue report
    ///
    /// For verified citizens. The item is routed by its category (and place) or to the addressed
    /// organisation, gets its legal deadline, and the author and the executor are told by mail.
    /// An appeal without the content art. 5 requires is refused with the reason (422). Each account
    /// files at most `rate_limits.appeals_per_hour` (429 with `Retry-After` beyond it).
    #[oai(path = "/appeals", method = "post")]
    async fn file(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// Makes a retry safe: the same key and body get the first answer again and create nothing (see docs/api-clients.md).
        #[oai(name = "Idempotency-Key", validator(min_length = 1, max_length = 255, pattern = r"^[!-~]+$"))]
        _idempotency_key: poem_openapi::param::Header<Option<String>>,
        body: Json<AppealInput>,
    ) -> ApiResult<Created<AppealView>> {
        let (principal, account) = state.authenticate(&auth).await?;
        let input = body.0;
        let kind = parse_code("kind", &input.kind.read("kind")?, AppealKind::parse, AppealKind::listing)?;
        let (subject, text) = (input.subject.read("subject")?, input.text.read("text")?);
        let point = input.location.map(PointInput::parse).transpose()?;
        let author_address = optional_text(input.author_address, "author_address")?;
        let author_phone = optional_text(input.author_phone, "author_phone")?;
        let address = optional_text(input.address, "address")?;
        check_intake(&IntakeDraft {
            kind: Some(kind),
            author_name: &account.full_name,
            author_address: author_address.as_deref().unwrap_or(""),
            author_email: &account.email,
            author_phone: author_phone.as_deref().unwrap_or(""),
            subject: &subject,
            text: &text,
            has_category: input.category_id.is_some(),
            has_place: point.is_some() || address.is_some() || input.district_id.is_some(),
            electronic: true,
        })
        .map_err(|r| AppError::validation(r.field, r.reason))?;
        state.limits.check_filing(principal.account_id)?;
        let new = NewAppeal {
            kind,
            channel: Channel::Web,
            subject,
            text,
            category_id: input.category_id,
            addressee_id: input.organisation_id,
            point,
            place_address: address,
            district_id: input.district_id,
            author: Author {
                account_id: Some(principal.account_id),
                name: account.full_name.clone(),
                address: author_address,
                email: Some(account.email.clone()),
                phone: author_phone,
                language: Language::parse(&account.language).unwrap_or_default(),
            },
            show_author_name: input.show_author_name,
            privileged: input.privileged,
            cosigners: cosigners(input.cosigners)?,
            received_at: Utc::now(),
            registered_by: None,
            open311_token: None,
        };
        let (calendar, public_url) = state.appeal_context().await?;
        let ctx = Context { public_url: &public_url, calendar: &calendar };
        let filing = storage::appeals::prepare(&state.db, &ctx, new, Utc::now()).await?;
        let filed = state.appeals.file(filing).await?;
        Ok(Created::Created(Json(view_filed(filed, &principal))))
    }

    /// Register an appeal received on paper, by phone or by e-mail
    ///
    /// For officers: the appeal is registered with the date it was actually received (not in the future);
    /// its deadline runs from that date.
    #[oai(path = "/appeals/registrations", method = "post")]
    async fn register(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// Makes a retry safe: the same key and body get the first answer again and create nothing (see docs/api-clients.md).
        #[oai(name = "Idempotency-Key", validator(min_length = 1, max_length = 255, pattern = r"^[!-~]+$"))]
        _idempotency_key: poem_openapi::param::Header<Option<String>>,
        body: Json<RegisteredAppealInput>,
    ) -> ApiResult<Created<AppealView>> {
        let (principal, _) = state.authenticate(&auth).await?;
        let input = body.0;
        let Some(own) = principal.memberships.first().map(|m| m.organisation_id) else {
            return Err(AppError::Forbidden(
                "only officers of an organisation register appeals received off-line".into(),
            )
            .into());
        };
        let receiving = input.organisation_id.unwrap_or(own);
        authorize(&principal, Action::HandleForOrganisation { organisation_id: receiving })?;
        let channel = input.channel.read("channel")?;
        let channel = parse_code("channel", &channel, Channel::parse, || "paper, phone, email".into())?;
        if matches!(channel, Channel::Web | Channel::Open311) {
            return Err(AppError::validation("channel", "officers register paper, phone or email appeals").into());
        }
        let now = Utc::now();
        if input.received_at > now {
            return Err(AppError::validation("received_at", "the date of receipt cannot be in the future").into());
        }
        supported("received_at", kyiv_date(input.received_at)).map_err(AppError::from)?;
        let kind = parse_code("kind", &input.kind.read("kind")?, AppealKind::parse, AppealKind::listing)?;
        let (subject, text) = (input.subject.read("subject")?, input.text.read("text")?);
        let author_name = input.author_name.read("author_name")?;
        let point = input.location.map(PointInput::parse).transpose()?;
        let author_address = optional_text(input.author_address, "author_address")?;
        let author_email = optional_text(input.author_email, "author_email")?;
        let author_phone = optional_text(input.author_phone, "author_phone")?;
        let address = optional_text(input.address, "address")?;
        check_intake(&IntakeDraft {
            kind: Some(kind),
            author_name: &author_name,
            author_address: author_address.as_deref().unwrap_or(""),
            author_email: author_email.as_deref().unwrap_or(""),
            author_phone: author_phone.as_deref().unwrap_or(""),
            subject: &subject,
            text: &text,
            has_category: input.category_id.is_some(),
            has_place: point.is_some() || address.is_some() || input.district_id.is_some(),
            electronic: channel == Channel::Email,
        })
        .map_err(|r| AppError::validation(r.field, r.reason))?;
        if let Some(email) = &author_email {
            crate::domain::accounts::Email::parse(email)
                .map_err(|_| AppError::validation("author_email", format!("`{email}` is not an e-mail address")))?;
        }
        let new = NewAppeal {
            kind,
            channel,
            subject,
            text,
            category_id: input.category_id,
            addressee_id: if input.category_id.is_some() { None } else { Some(receiving) },
            point,
            place_address: address,
            district_id: input.district_id,
            author: Author {
                account_id: None,
                name: author_name,
                address: author_address,
                email: author_email,
                phone: author_phone,
                language: Language::Uk,
            },
            show_author_name: false,
            privileged: input.privileged,
            cosigners: cosigners(input.cosigners)?,
            received_at: input.received_at,
            registered_by: Some(principal.account_id),
            open311_token: None,
        };
        let (calendar, public_url) = state.appeal_context().await?;
        let ctx = Context { public_url: &public_url, calendar: &calendar };
        let filing = storage::appeals::prepare(&state.db, &ctx, new, now).await?;
        let filed = state.appeals.file(filing).await?;
        Ok(Created::Created(Json(view_filed(filed, &principal))))
    }

    /// List appeals
    ///
    /// Citizens see their own; officers add `organisation_id` to see what their organisation handles;
    /// administrators see everything. Privileged authors first, then the nearest deadline.
    #[oai(path = "/appeals", method = "get")]
    #[allow(clippy::too_many_arguments)]
    async fn list(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// The organisation whose queue to list (its officers, heads and administrators).
        organisation_id: Query<Option<i32>>,
        kind: Query<Option<String>>,
        status: Query<Option<String>>,
        category_id: Query<Option<i32>>,
        /// true: only overdue; false: only not overdue.
        overdue: Query<Option<bool>>,
        #[oai(default)] page: Query<PageNumber>,
        #[oai(default = "default_per_page")] per_page: Query<PerPage>,
    ) -> ApiResult<Json<AppealPage>> {
        let (principal, _) = state.authenticate(&auth).await?;
        let page = page.0.with_size(per_page.0);
        let mut filter = ListFilter {
            kind: kind
                .0
                .as_deref()
                .map(|k| parse_code("kind", k, AppealKind::parse, AppealKind::listing))
                .transpose()?,
            status: status.0.as_deref().map(|s| parse_code("status", s, Status::parse, Status::listing)).transpose()?,
            category_id: category_id.0,
            overdue: overdue.0,
            page,
            ..Default::default()
        };
        match organisation_id.0 {
            Some(org) => {
                if authorize(&principal, Action::Administer).is_err() {
                    authorize(&principal, Action::HandleForOrganisation { organisation_id: org })?;
                }
                filter.executor_ids = Some(vec![org]);
            }
            None if authorize(&principal, Action::Administer).is_ok() => {}
            None => filter.author_account_id = Some(principal.account_id),
        }
        let (rows, total) = storage::appeals::list(&state.db, &filter).await?;
        let names = storage::appeals::organisation_names(&state.db).await?;
        let followed = storage::appeals::followed_statuses(&state.db, &rows).await?;
        let items = rows
            .into_iter()
            .map(|row| {
                let private = storage::appeals::may_read_private(Some(&principal), &row);
                render(row, &names, &followed, Vec::new(), private, None, None)
            })
            .collect();
        Ok(Json(AppealPage { items, page: page.number, per_page: page.size, total }))
    }

    /// One appeal or report
    ///
    /// Issue reports are public (without personal data); other appeals only for the author, the
    /// executor's staff and administrators. The bearer token is optional.
    #[oai(path = "/appeals/:id", method = "get")]
    async fn get(&self, state: Data<&AppState>, req: &Request, id: Path<i32>) -> ApiResult<Json<AppealView>> {
        let viewer = state.optional_principal(req).await?;
        let row = visible(&state, id.0, viewer.as_ref()).await?;
        Ok(Json(view(&state, row, viewer.as_ref(), None).await?))
    }

    /// The history of an appeal
    ///
    /// Every step with its time, status change and details, oldest first. Who acted is shown to those
    /// who may read the whole appeal.
    #[oai(path = "/appeals/:id/history", method = "get")]
    async fn history(
        &self,
        state: Data<&AppState>,
        req: &Request,
        id: Path<i32>,
    ) -> ApiResult<Json<Vec<HistoryEntry>>> {
        let viewer = state.optional_principal(req).await?;
        let row = visible(&state, id.0, viewer.as_ref()).await?;
        let private = storage::appeals::may_read_private(viewer.as_ref(), &row);
        let events = storage::events::history(&state.db, storage::appeals::SUBJECT, &id.0.to_string()).await?;
        Ok(Json(
            events
                .into_iter()
                .map(|e| HistoryEntry {
                    at: e.occurred_at,
                    action: e.action,
                    from_status: e.from_state,
                    to_status: e.to_state,
                    actor_account_id: if private { e.actor_account_id } else { None },
                    details: {
                        let details = serde_json::from_str(&e.details).unwrap_or_default();
                        if private { details } else { crate::domain::appeals::public_details(details) }
                    },
                })
                .collect(),
        ))
    }

    /// Acknowledge (officer of the executor)
    #[oai(path = "/appeals/:id/acknowledge", method = "post")]
    async fn acknowledge(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i32>,
    ) -> ApiResult<Json<AppealView>> {
        self.act(&state, &auth, id.0, |_| Ok(Command::Acknowledge)).await
    }

    /// Assign to an officer (officers take unassigned appeals themselves; the head reassigns)
    #[oai(path = "/appeals/:id/assign", method = "post")]
    async fn assign(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i32>,
        body: Json<AssignInput>,
    ) -> ApiResult<Json<AppealView>> {
        let row = storage::appeals::get(&state.db, id.0).await?;
        let member = storage::directory::is_member(&state.db, row.executor_id, body.0.officer_account_id).await?;
        let officer = body.0.officer_account_id;
        self.act(&state, &auth, id.0, move |_| {
            Ok(Command::Assign { officer_account_id: officer, officer_is_member: member })
        })
        .await
    }

    /// Forward to the competent organisation (art. 7: within 5 days; the author is told)
    #[oai(path = "/appeals/:id/forward", method = "post")]
    async fn forward(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i32>,
        body: Json<ForwardInput>,
    ) -> ApiResult<Json<AppealView>> {
        state.authenticate(&auth).await?;
        let target = storage::directory::get_organisation(&state.db, body.0.organisation_id).await.map_err(|_| {
            AppError::validation("organisation_id", format!("there is no organisation {}", body.0.organisation_id))
        })?;
        if !target.active {
            return Err(
                AppError::validation("organisation_id", format!("{} no longer receives appeals", target.name)).into()
            );
        }
        let ForwardInput { organisation_id, reason } = body.0;
        self.act(&state, &auth, id.0, move |_| {
            Ok(Command::Forward { to_organisation_id: organisation_id, reason: reason.read("reason")? })
        })
        .await
    }

    /// Extend the deadline (head of the executor; art. 20: never over 45 days in total; the author is told)
    #[oai(path = "/appeals/:id/extend", method = "post")]
    async fn extend(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i32>,
        body: Json<ExtendInput>,
    ) -> ApiResult<Json<AppealView>> {
        let ExtendInput { total_days, new_due_date, reason } = body.0;
        self.act(&state, &auth, id.0, move |_| {
            let request = match (total_days, new_due_date) {
                (Some(days), None) => ExtensionRequest::TotalDays(days),
                (None, Some(date)) => ExtensionRequest::NewDueDate(supported("new_due_date", date)?),
                _ => return Err(AppError::validation("total_days", "give either total_days or new_due_date")),
            };
            Ok(Command::Extend { request, reason: reason.read("reason")? })
        })
        .await
    }

    /// Answer in writing (resolved, not resolved with the reason, or not our competence naming who is)
    #[oai(path = "/appeals/:id/answer", method = "post")]
    async fn answer(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i32>,
        body: Json<AnswerInput>,
    ) -> ApiResult<Json<AppealView>> {
        let AnswerInput { resolution, text, competent_body } = body.0;
        self.act(&state, &auth, id.0, move |_| {
            let resolution = resolution.read("resolution")?;
            Ok(Command::Answer {
                resolution: parse_code("resolution", &resolution, Resolution::parse, Resolution::listing)?,
                text: text.read("text")?,
                competent_body: optional_text(competent_body, "competent_body")?,
            })
        })
        .await
    }

    /// Refuse to consider, with reasons (arts. 5, 8, 15)
    #[oai(path = "/appeals/:id/refuse", method = "post")]
    async fn refuse(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i32>,
        body: Json<RefuseInput>,
    ) -> ApiResult<Json<AppealView>> {
        let RefuseInput { code, reason } = body.0;
        self.act(&state, &auth, id.0, move |_| {
            let code = parse_code("code", &code.read("code")?, RefusalCode::parse, RefusalCode::listing)?;
            Ok(Command::Refuse { code, reason: reason.read("reason")? })
        })
        .await
    }

    /// Confirm the answer: the problem is solved (author)
    #[oai(path = "/appeals/:id/confirm", method = "post")]
    async fn confirm(&self, state: Data<&AppState>, auth: BearerAuth, id: Path<i32>) -> ApiResult<Json<AppealView>> {
        self.act(&state, &auth, id.0, |_| Ok(Command::Confirm)).await
    }

    /// Return the answer for rework: reopens the appeal, the executor is told (author)
    #[oai(path = "/appeals/:id/return", method = "post")]
    async fn return_for_rework(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i32>,
        body: Json<ReturnInput>,
    ) -> ApiResult<Json<AppealView>> {
        let reason = body.0.reason;
        self.act(&state, &auth, id.0, move |_| Ok(Command::ReturnForRework { reason: reason.read("reason")? })).await
    }

    /// Rate the answer 1–5 (author)
    #[oai(path = "/appeals/:id/rating", method = "post")]
    async fn rate(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i32>,
        body: Json<RatingInput>,
    ) -> ApiResult<Json<AppealView>> {
        let RatingInput { score, comment } = body.0;
        self.act(&state, &auth, id.0, move |_| Ok(Command::Rate { score, comment: optional_text(comment, "comment")? }))
            .await
    }

    /// Link a report as a duplicate of an earlier one (officer of the executor); it then follows that one
    #[oai(path = "/appeals/:id/duplicate-of", method = "post")]
    async fn duplicate_of(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i32>,
        body: Json<DuplicateInput>,
    ) -> ApiResult<Json<AppealView>> {
        state.authenticate(&auth).await?;
        let original = storage::appeals::get(&state.db, body.0.duplicate_of)
            .await
            .map_err(|_| AppError::validation("duplicate_of", format!("there is no report {}", body.0.duplicate_of)))?;
        if original.kind != AppealKind::IssueReport.code() {
            return Err(AppError::validation("duplicate_of", "only issue reports can be duplicated").into());
        }
        let of_status = Status::parse(&original.status).unwrap_or(Status::Received);
        let of = original.id;
        self.act(&state, &auth, id.0, move |_| Ok(Command::MarkDuplicate { of_appeal_id: of, of_status })).await
    }

    /// Attach a photo to an issue report (author; JPEG, PNG or WebP; the type is read from the bytes)
    #[oai(path = "/appeals/:id/photos", method = "post")]
    async fn add_photo(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i32>,
        /// Makes a retry safe: the same key and body get the first answer again and create nothing (see docs/api-clients.md).
        #[oai(name = "Idempotency-Key", validator(min_length = 1, max_length = 255, pattern = r"^[!-~]+$"))]
        _idempotency_key: poem_openapi::param::Header<Option<String>>,
        body: Binary<Vec<u8>>,
    ) -> ApiResult<Created<PhotoView>> {
        let (principal, _) = state.authenticate(&auth).await?;
        let row = visible(&state, id.0, Some(&principal)).await?;
        if row.author_account_id != Some(principal.account_id) {
            return Err(AppError::Forbidden("only the author attaches photos to a report".into()).into());
        }
        if row.kind != AppealKind::IssueReport.code() {
            return Err(AppError::validation("kind", "photos are attached to issue reports").into());
        }
        let limits = &state.settings.photos;
        if body.0.len() > limits.max_bytes {
            return Err(
                AppError::validation("photo", format!("a photo may be at most {} bytes", limits.max_bytes)).into()
            );
        }
        let Some((content_type, extension)) = sniff_photo(&body.0) else {
            return Err(AppError::validation("photo", "the file is not a JPEG, PNG or WebP image").into());
        };
        let new = storage::appeals::NewPhoto { bytes: &body.0, content_type, extension };
        let photo =
            storage::appeals::add_photo(&state.db, limits, row.id, principal.account_id, new, Utc::now()).await?;
        Ok(Created::Created(Json(PhotoView {
            id: photo.id,
            content_type: photo.content_type,
            size_bytes: photo.size_bytes,
            sha256: photo.sha256,
        })))
    }

    /// A photo of a report
    #[oai(path = "/appeals/:id/photos/:photo_id", method = "get")]
    async fn photo(
        &self,
        state: Data<&AppState>,
        req: &Request,
        id: Path<i32>,
        photo_id: Path<i32>,
    ) -> ApiResult<Response<PhotoBytes>> {
        let viewer = state.optional_principal(req).await?;
        let row = visible(&state, id.0, viewer.as_ref()).await?;
        let photo = storage::appeals::photo(&state.db, row.id, photo_id.0).await?;
        let bytes = tokio::fs::read(state.settings.photos.dir.join(&photo.file_name))
            .await
            .map_err(|e| AppError::Internal(anyhow::anyhow!("reading photo {}: {e}", photo.id)))?;
        // Only the image types accepted on upload are served as such; browsers must not guess another
        // type from the bytes (a crafted "image" run as HTML or script), nor run anything in it.
        let content_type = match photo.content_type.as_str() {
            known @ ("image/jpeg" | "image/png" | "image/webp") => known.to_owned(),
            _ => "application/octet-stream".to_owned(),
        };
        Ok(Response::new(PhotoBytes(bytes))
            .header("content-type", content_type)
            .header("x-content-type-options", "nosniff")
            .header("content-security-policy", "default-src 'none'; sandbox"))
    }

    /// Open reports nearby
    ///
    /// Before filing, offer the citizen the open reports of the same category within `radius_m`
    /// (default 200 m), nearest first, so the same pothole is not reported ten times.
    #[oai(path = "/reports/nearby", method = "get")]
    async fn nearby(
        &self,
        state: Data<&AppState>,
        category_id: Query<i32>,
        latitude: Query<f64>,
        longitude: Query<f64>,
        #[oai(default = "default_radius")] radius_m: Query<f64>,
    ) -> ApiResult<Json<Vec<NearbyReport>>> {
        let point = PointInput { latitude: latitude.0, longitude: longitude.0 }.parse()?;
        if !(1.0..=5000.0).contains(&radius_m.0) {
            return Err(AppError::validation("radius_m", "the radius is 1 to 5000 metres").into());
        }
        let near = storage::appeals::nearby_open_reports(&state.db, category_id.0, point, radius_m.0).await?;
        Ok(Json(
            near.into_iter()
                .map(|(row, d)| NearbyReport {
                    id: row.id,
                    subject: row.subject,
                    status: row.status,
                    distance_m: (d * 10.0).round() / 10.0,
                    received_at: row.received_at,
                })
                .collect(),
        ))
    }

    /// Issue reports as GeoJSON
    ///
    /// Public map data without personal data. `bbox` is `west,south,east,north` in degrees.
    #[oai(path = "/reports/geojson", method = "get")]
    async fn geojson(
        &self,
        state: Data<&AppState>,
        bbox: Query<Option<String>>,
        category_id: Query<Option<i32>>,
        status: Query<Option<String>>,
        #[oai(default = "default_geojson_limit")] limit: Query<u64>,
    ) -> ApiResult<GeoJsonResponse> {
        let bbox = bbox.0.as_deref().map(parse_bbox).transpose()?;
        let status =
            status.0.as_deref().map(|s| parse_code("status", s, Status::parse, Status::listing)).transpose()?;
        if !(1..=10_000).contains(&limit.0) {
            return Err(AppError::validation("limit", "the limit is 1 to 10000").into());
        }
        let rows = storage::appeals::public_reports(&state.db, bbox, category_id.0, status, limit.0).await?;
        let followed = storage::appeals::followed_statuses(&state.db, &rows).await?;
        let features = rows
            .into_iter()
            .filter_map(|row| {
                let (lat, lon) = (row.latitude?, row.longitude?);
                let status = Status::parse(&row.status).unwrap_or(Status::Received);
                let shown = status.shown_with(row.duplicate_of_id.and_then(|id| followed.get(&id)).copied());
                Some(Feature {
                    kind: "Feature".into(),
                    id: row.id,
                    geometry: PointGeometry { kind: "Point".into(), coordinates: vec![lon, lat] },
                    properties: ReportProperties {
                        subject: row.subject,
                        category_id: row.category_id,
                        status: shown.code().to_owned(),
                        executor_id: row.executor_id,
                        received_at: row.received_at,
                        due_at: row.due_at,
                        overdue: row.overdue_at.is_some(),
                        answered_at: row.answered_at,
                        duplicate_of: row.duplicate_of_id,
                    },
                })
            })
            .collect();
        Ok(GeoJsonResponse::Ok(Json(FeatureCollection { kind: "FeatureCollection".into(), features })))
    }
}

fn default_per_page() -> PerPage {
    PerPage(50)
}

fn default_radius() -> f64 {
    200.0
}

fn default_geojson_limit() -> u64 {
    1000
}

fn parse_bbox(text: &str) -> Result<BoundingBox, AppError> {
    let parts: Vec<f64> = text
        .split(',')
        .map(|p| p.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| AppError::validation("bbox", "bbox is four numbers: west,south,east,north (degrees)"))?;
    match parts[..] {
        [west, south, east, north] if west <= east && south <= north => Ok(BoundingBox { west, south, east, north }),
        _ => Err(AppError::validation("bbox", "bbox is west,south,east,north with west ≤ east and south ≤ north")),
    }
}

/// A photo's bytes; the handler sets its `Content-Type`, one of [`PHOTO_TYPES`], as the spec lists them.
pub struct PhotoBytes(Vec<u8>);

/// The image types a photo is stored and served as (see [`sniff_photo`]).
pub const PHOTO_TYPES: [&str; 3] = ["image/jpeg", "image/png", "image/webp"];

impl poem::IntoResponse for PhotoBytes {
    fn into_response(self) -> poem::Response {
        poem::Response::builder().body(self.0)
    }
}

impl poem_openapi::ApiResponse for PhotoBytes {
    fn meta() -> poem_openapi::registry::MetaResponses {
        use poem_openapi::registry::{MetaMediaType, MetaResponse, MetaResponses, MetaSchema, MetaSchemaRef};
        let binary = || MetaSchemaRef::Inline(Box::new(MetaSchema::new_with_format("string", "binary")));
        let content = PHOTO_TYPES.map(|content_type| MetaMediaType { content_type, schema: binary() }).into();
        MetaResponses {
            responses: vec![MetaResponse {
                description: "The photo, as the type read from its bytes when it was uploaded.",
                status: Some(200),
                status_range: None,
                content,
                headers: vec![],
            }],
        }
    }

    fn register(_registry: &mut poem_openapi::registry::Registry) {}
}

/// The image type read from the bytes themselves, never from what the client claims.
pub fn sniff_photo(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    let kind = infer::get(bytes)?;
    match kind.mime_type() {
        "image/jpeg" => Some(("image/jpeg", "jpg")),
        "image/png" => Some(("image/png", "png")),
        "image/webp" => Some(("image/webp", "webp")),
        _ => None,
    }
}
