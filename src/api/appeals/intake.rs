//! Filing an appeal or report, registering one received off-line, and the lists at the same path.
use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::{Object, OpenApi, param::Query, payload::Json};

use super::{
    optional_text,
    views::{AppealPage, AppealView},
};
use crate::api::idempotency::IdempotencyKey;
use crate::{
    api::{
        ApiTags, AppState, BearerAuth,
        codes::{Code, OfflineChannel},
        directory::Created,
        paging::{PageNumber, PerPage},
        text::{Line, Prose},
    },
    domain::{
        accounts::{FullName, Language},
        appeals::{AppealKind, Author, Cosigner, SUBJECT_MAX_CHARS, Status, TEXT_MAX_CHARS},
        directory::GeoPoint,
        text::limits,
    },
    error::{ApiResult, AppError},
    service::appeals::{
        intake::{self, AppealContent, AppealForm, PaperForm},
        queries::{self, ListRequest, Queue},
    },
};

#[derive(Debug, Clone, Copy, Object)]
pub struct PointInput {
    pub latitude: f64,
    pub longitude: f64,
}

impl PointInput {
    /// The point as given; intake checks its range (`GeoPoint::checked`).
    pub fn point(self) -> GeoPoint {
        GeoPoint { lat: self.latitude, lon: self.longitude }
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
    pub kind: Code<AppealKind>,
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
    pub channel: Code<OfflineChannel>,
    /// When it was actually received; the deadline runs from here. Never in the future, and its Kyiv date
    /// no earlier than 2015-01-01 (the earliest date the working-day calendar supports; others are refused
    /// with 422).
    pub received_at: DateTime<Utc>,
    pub kind: Code<AppealKind>,
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

fn cosigners(input: Vec<CosignerInput>) -> Result<Vec<Cosigner>, AppError> {
    input
        .into_iter()
        .map(|c| Ok(Cosigner { full_name: c.full_name.read("cosigners")?, address: c.address.read("cosigners")? }))
        .collect()
}

/// What both inputs say of the appeal itself, read the same way (they share these fields' names).
macro_rules! content_of {
    ($input:ident) => {
        AppealContent {
            kind: $input.kind.read("kind")?,
            subject: $input.subject.read("subject")?,
            text: $input.text.read("text")?,
            category_id: $input.category_id,
            organisation_id: $input.organisation_id,
            point: $input.location.map(PointInput::point),
            address: optional_text($input.address, "address")?,
            district_id: $input.district_id,
            privileged: $input.privileged,
            cosigners: cosigners($input.cosigners)?,
        }
    };
}

impl AppealInput {
    fn form(self) -> Result<AppealForm, AppError> {
        Ok(AppealForm {
            content: content_of!(self),
            author_address: optional_text(self.author_address, "author_address")?,
            author_phone: optional_text(self.author_phone, "author_phone")?,
            show_author_name: self.show_author_name,
        })
    }
}

impl RegisteredAppealInput {
    fn form(self) -> Result<PaperForm, AppError> {
        Ok(PaperForm {
            channel: self.channel.read("channel")?.0,
            received_at: self.received_at,
            content: content_of!(self),
            author: Author {
                account_id: None,
                name: self.author_name.read("author_name")?,
                address: optional_text(self.author_address, "author_address")?,
                email: optional_text(self.author_email, "author_email")?,
                phone: optional_text(self.author_phone, "author_phone")?,
                language: Language::Uk,
            },
        })
    }
}

fn default_per_page() -> PerPage {
    PerPage(50)
}

#[derive(Default)]
pub struct IntakeApi;

#[OpenApi(prefix_path = "/", tag = "ApiTags::Appeals")]
impl IntakeApi {
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
        #[oai(name = "Idempotency-Key")]
        _key: IdempotencyKey,
        body: Json<AppealInput>,
    ) -> ApiResult<Created<AppealView>> {
        let actor = state.actor(&auth).await?;
        let filed = intake::file(&state, &actor, body.0.form()?).await?;
        Ok(Created::Created(Json(filed.into())))
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
        #[oai(name = "Idempotency-Key")]
        _key: IdempotencyKey,
        body: Json<RegisteredAppealInput>,
    ) -> ApiResult<Created<AppealView>> {
        let actor = state.actor(&auth).await?;
        let registered = intake::register_paper(&state, &actor, body.0.form()?).await?;
        Ok(Created::Created(Json(registered.into())))
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
        kind: Query<Option<Code<AppealKind>>>,
        status: Query<Option<Code<Status>>>,
        category_id: Query<Option<i32>>,
        /// true: only overdue; false: only not overdue.
        overdue: Query<Option<bool>>,
        #[oai(default)] page: Query<PageNumber>,
        #[oai(default = "default_per_page")] per_page: Query<PerPage>,
    ) -> ApiResult<Json<AppealPage>> {
        let actor = state.actor(&auth).await?;
        let queue = organisation_id.0.map_or(Queue::Mine, Queue::Organisation);
        let request = ListRequest {
            kind: Code::read_optional(kind.0.as_ref(), "kind")?,
            status: Code::read_optional(status.0.as_ref(), "status")?,
            category_id: category_id.0,
            overdue: overdue.0,
            page: page.0.with_size(per_page.0),
            ..ListRequest::default()
        };
        let list = queries::list(&state, &actor, queue, request).await?;
        Ok(Json(AppealPage {
            items: list.items.into_iter().map(AppealView::from).collect(),
            page: list.page.number,
            per_page: list.page.size,
            total: list.total,
        }))
    }
}
