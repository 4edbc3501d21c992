//! The directory over HTTP: public reading of organisations, districts and categories, the routing
//! preview, and administrators' editing (organisations, members, districts, categories).
use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::{Object, OpenApi, param::Path, payload::Json};

use super::{
    ApiTags, AppState, BearerAuth,
    accounts::NoContent,
    codes::{Code, TextCodes},
    text::Line,
};
use crate::api::idempotency::IdempotencyKey;
use crate::{
    domain::{authorization::OrganisationRole, text::limits},
    error::{ApiResult, AppError},
    service::directory::{
        self as directory_service, Category, CategoryFields, District, Organisation, OrganisationFields,
        URGENCY_CLASSES, organisation_kind, organisation_kind_codes, urgency, urgency_code,
    },
};

/// The organisation kinds.
pub struct KindCodes;

impl TextCodes for KindCodes {
    fn codes() -> Vec<String> {
        organisation_kind_codes()
    }
}

/// The roles inside an organisation.
pub struct RoleCodes;

impl TextCodes for RoleCodes {
    fn codes() -> Vec<String> {
        OrganisationRole::ALL.iter().map(|r| r.code().to_owned()).collect()
    }
}

/// The urgency classes of a category.
pub struct UrgencyCodes;

impl TextCodes for UrgencyCodes {
    fn codes() -> Vec<String> {
        URGENCY_CLASSES.iter().map(|c| (*c).to_owned()).collect()
    }
}

#[derive(Debug, Object)]
pub struct OrganisationInput {
    pub name: Line<{ limits::LABEL }>,
    /// `council`, `executive_body`, `department`, `municipal_enterprise` or `other`.
    pub kind: Code<KindCodes>,
    #[oai(nullable)]
    pub parent_id: Option<i32>,
    /// The community's equity share in %, 0–100 (for enterprises; ≥ 50 puts it in indicator C03's scope).
    #[oai(nullable)]
    pub community_share_percent: Option<f64>,
    /// Official contacts of the organisation (public).
    #[oai(nullable)]
    pub email: Option<Line<{ limits::EMAIL }>>,
    #[oai(nullable)]
    pub phone: Option<Line<{ limits::PHONE }>>,
    #[oai(nullable)]
    pub address: Option<Line<{ limits::ADDRESS }>>,
    #[oai(nullable)]
    pub website: Option<Line<{ limits::URL }>>,
    /// Default true. Inactive organisations receive no new items.
    #[oai(nullable)]
    pub active: Option<bool>,
}

#[derive(Debug, Object)]
pub struct OrganisationView {
    pub id: i32,
    pub name: String,
    pub kind: Code<KindCodes>,
    #[oai(nullable)]
    pub parent_id: Option<i32>,
    #[oai(nullable)]
    pub community_share_percent: Option<f64>,
    /// Whether Transparency International Ukraine's indicator C03 covers it (municipal enterprise, share ≥ 50%).
    pub in_c03_scope: bool,
    #[oai(nullable)]
    pub email: Option<String>,
    #[oai(nullable)]
    pub phone: Option<String>,
    #[oai(nullable)]
    pub address: Option<String>,
    #[oai(nullable)]
    pub website: Option<String>,
    pub active: bool,
}

impl From<Organisation> for OrganisationView {
    fn from(o: Organisation) -> Self {
        OrganisationView {
            id: o.id,
            name: o.name,
            kind: Code::from(o.kind.as_str()),
            parent_id: o.parent_id,
            community_share_percent: o.community_share_percent,
            in_c03_scope: o.in_c03_scope,
            email: o.email,
            phone: o.phone,
            address: o.address,
            website: o.website,
            active: o.active,
        }
    }
}

impl OrganisationInput {
    fn into_fields(self) -> Result<OrganisationFields, AppError> {
        Ok(OrganisationFields {
            kind: organisation_kind(&self.kind.read("kind")?)?,
            name: self.name.read("name")?,
            parent_id: self.parent_id,
            community_share_percent: self.community_share_percent,
            email: Line::read_optional(self.email, "email")?,
            phone: Line::read_optional(self.phone, "phone")?,
            address: Line::read_optional(self.address, "address")?,
            website: Line::read_optional(self.website, "website")?,
            active: self.active.unwrap_or(true),
        })
    }
}

#[derive(Debug, Object)]
pub struct MemberInput {
    /// `officer` or `head`.
    pub role: Code<RoleCodes>,
}

#[derive(Debug, Object)]
pub struct MemberView {
    pub account_id: i32,
    pub full_name: String,
    /// `officer` or `head`.
    pub role: Code<RoleCodes>,
    pub since: DateTime<Utc>,
}

#[derive(Debug, Object)]
pub struct DistrictInput {
    pub name: Line<{ limits::LABEL }>,
    /// A GeoJSON Polygon or MultiPolygon ([longitude, latitude] positions), or a Feature holding one.
    #[oai(nullable)]
    pub area: Option<serde_json::Value>,
}

#[derive(Debug, Object)]
pub struct DistrictView {
    pub id: i32,
    pub name: String,
    #[oai(nullable)]
    pub area: Option<serde_json::Value>,
}

impl From<District> for DistrictView {
    fn from(d: District) -> Self {
        DistrictView { id: d.id, name: d.name, area: d.area }
    }
}

/// How fast a category's items must be handled.
#[derive(Debug, Object)]
pub struct Urgency {
    /// `emergency` (in hours), `normal` (15 days) or `complex` (one month).
    pub class: Code<UrgencyCodes>,
    /// For `emergency`: the hours, 1–720.
    #[oai(nullable)]
    pub hours: Option<u32>,
}

impl Urgency {
    fn from_class(class: crate::domain::directory::UrgencyClass) -> Urgency {
        let (code, hours) = urgency_code(class);
        Urgency { class: Code::from(code), hours }
    }
}

#[derive(Debug, Object)]
pub struct DistrictExecutor {
    pub district_id: i32,
    pub executor_id: i32,
}

#[derive(Debug, Object)]
pub struct CategoryInput {
    /// A stable code: lower-case latin letters, digits, `_`, `-` (also the Open311 service code).
    pub code: Line<{ limits::CODE }>,
    pub name_uk: Line<{ limits::LABEL }>,
    pub name_en: Line<{ limits::LABEL }>,
    pub urgency: Urgency,
    /// The organisation that handles this category unless a district says otherwise.
    pub default_executor_id: i32,
    /// Per-district executors that replace the default.
    #[oai(default, validator(max_items = 1000))]
    pub district_executors: Vec<DistrictExecutor>,
    /// Offered for "Open City" issue reports (default true).
    #[oai(nullable)]
    pub for_reports: Option<bool>,
    /// Offered for appeals (default true).
    #[oai(nullable)]
    pub for_appeals: Option<bool>,
    #[oai(nullable)]
    pub active: Option<bool>,
}

#[derive(Debug, Object)]
pub struct CategoryView {
    pub id: i32,
    pub code: String,
    pub name_uk: String,
    pub name_en: String,
    pub urgency: Urgency,
    pub default_executor_id: i32,
    pub district_executors: Vec<DistrictExecutor>,
    pub for_reports: bool,
    pub for_appeals: bool,
    pub active: bool,
}

impl From<Category> for CategoryView {
    fn from(Category { id, fields: r }: Category) -> Self {
        CategoryView {
            id,
            code: r.code,
            name_uk: r.name_uk,
            name_en: r.name_en,
            urgency: Urgency::from_class(r.urgency),
            default_executor_id: r.default_executor_id,
            district_executors: r
                .district_executors
                .into_iter()
                .map(|(district_id, executor_id)| DistrictExecutor { district_id, executor_id })
                .collect(),
            for_reports: r.for_reports,
            for_appeals: r.for_appeals,
            active: r.active,
        }
    }
}

impl CategoryInput {
    fn into_fields(self) -> Result<CategoryFields, AppError> {
        Ok(CategoryFields {
            urgency: urgency(&self.urgency.class.read("urgency.class")?, self.urgency.hours)?,
            code: self.code.read("code")?,
            name_uk: self.name_uk.read("name_uk")?,
            name_en: self.name_en.read("name_en")?,
            default_executor_id: self.default_executor_id,
            district_executors: self.district_executors.into_iter().map(|d| (d.district_id, d.executor_id)).collect(),
            for_reports: self.for_reports.unwrap_or(true),
            for_appeals: self.for_appeals.unwrap_or(true),
            active: self.active.unwrap_or(true),
        })
    }
}

#[derive(Debug, Object)]
pub struct RoutingRequest {
    pub category_id: i32,
    /// A district chosen explicitly; it wins over the point.
    #[oai(nullable)]
    pub district_id: Option<i32>,
    #[oai(nullable)]
    pub latitude: Option<f64>,
    #[oai(nullable)]
    pub longitude: Option<f64>,
}

#[derive(Debug, Object)]
pub struct RoutingView {
    pub executor_id: i32,
    pub executor_name: String,
    #[oai(nullable)]
    pub district_id: Option<i32>,
    /// Which rule matched, as recorded with every routed item.
    pub rule: serde_json::Value,
    pub explanation: String,
}

// Kept here too for the files that still import it from this module.
pub use super::created::Created;

#[derive(Default)]
pub struct DirectoryApi;

#[OpenApi(prefix_path = "/directory", tag = "ApiTags::Directory")]
impl DirectoryApi {
    /// Organisations (public)
    #[oai(path = "/organisations", method = "get")]
    async fn organisations(&self, state: Data<&AppState>) -> ApiResult<Json<Vec<OrganisationView>>> {
        let all = directory_service::organisations(&state).await?;
        Ok(Json(all.into_iter().map(OrganisationView::from).collect()))
    }

    /// One organisation (public)
    #[oai(path = "/organisations/:id", method = "get")]
    async fn organisation(&self, state: Data<&AppState>, id: Path<i32>) -> ApiResult<Json<OrganisationView>> {
        Ok(Json(directory_service::organisation(&state, id.0).await?.into()))
    }

    /// Add an organisation (administrators)
    #[oai(path = "/organisations", method = "post")]
    async fn create_organisation(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// Makes a retry safe: the same key and body get the first answer again and create nothing (see docs/api-clients.md).
        #[oai(name = "Idempotency-Key")]
        _key: IdempotencyKey,
        body: Json<OrganisationInput>,
    ) -> ApiResult<Created<OrganisationView>> {
        let actor = state.actor(&auth).await?;
        let saved = directory_service::save_organisation(&state, &actor, None, body.0.into_fields()?).await?;
        Ok(Created::Created(Json(saved.into())))
    }

    /// Replace an organisation's details (administrators)
    #[oai(path = "/organisations/:id", method = "put")]
    async fn update_organisation(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i32>,
        body: Json<OrganisationInput>,
    ) -> ApiResult<Json<OrganisationView>> {
        let actor = state.actor(&auth).await?;
        let saved = directory_service::save_organisation(&state, &actor, Some(id.0), body.0.into_fields()?).await?;
        Ok(Json(saved.into()))
    }

    /// Members of an organisation (administrators and the organisation's head)
    #[oai(path = "/organisations/:id/members", method = "get")]
    async fn members(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i32>,
    ) -> ApiResult<Json<Vec<MemberView>>> {
        let actor = state.actor(&auth).await?;
        let rows = directory_service::members(&state, &actor, id.0).await?;
        Ok(Json(
            rows.into_iter()
                .map(|r| MemberView {
                    account_id: r.account_id,
                    full_name: r.full_name,
                    role: Code::from(r.role.as_str()),
                    since: r.since,
                })
                .collect(),
        ))
    }

    /// Make an account an officer or head of the organisation (administrators)
    #[oai(path = "/organisations/:id/members/:account_id", method = "put")]
    async fn set_member(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i32>,
        account_id: Path<i32>,
        body: Json<MemberInput>,
    ) -> ApiResult<NoContent> {
        let actor = state.actor(&auth).await?;
        let role = body.0.role.read("role")?;
        directory_service::set_member(&state, &actor, id.0, account_id.0, &role).await?;
        Ok(NoContent::Done)
    }

    /// End an account's membership of the organisation (administrators)
    #[oai(path = "/organisations/:id/members/:account_id", method = "delete")]
    async fn remove_member(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i32>,
        account_id: Path<i32>,
    ) -> ApiResult<NoContent> {
        let actor = state.actor(&auth).await?;
        directory_service::remove_member(&state, &actor, id.0, account_id.0).await?;
        Ok(NoContent::Done)
    }

    /// Districts (public)
    #[oai(path = "/districts", method = "get")]
    async fn districts(&self, state: Data<&AppState>) -> ApiResult<Json<Vec<DistrictView>>> {
        let all = directory_service::districts(&state).await?;
        Ok(Json(all.into_iter().map(DistrictView::from).collect()))
    }

    /// Add a district (administrators)
    #[oai(path = "/districts", method = "post")]
    async fn create_district(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// Makes a retry safe: the same key and body get the first answer again and create nothing (see docs/api-clients.md).
        #[oai(name = "Idempotency-Key")]
        _key: IdempotencyKey,
        body: Json<DistrictInput>,
    ) -> ApiResult<Created<DistrictView>> {
        let actor = state.actor(&auth).await?;
        let DistrictInput { name, area } = body.0;
        let saved = directory_service::save_district(&state, &actor, None, &name.read("name")?, area.as_ref()).await?;
        Ok(Created::Created(Json(saved.into())))
    }

    /// Replace a district's name and area (administrators)
    #[oai(path = "/districts/:id", method = "put")]
    async fn update_district(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i32>,
        body: Json<DistrictInput>,
    ) -> ApiResult<Json<DistrictView>> {
        let actor = state.actor(&auth).await?;
        let DistrictInput { name, area } = body.0;
        let name = name.read("name")?;
        let saved = directory_service::save_district(&state, &actor, Some(id.0), &name, area.as_ref()).await?;
        Ok(Json(saved.into()))
    }

    /// Categories of appeals and issue reports (public)
    #[oai(path = "/categories", method = "get")]
    async fn categories(&self, state: Data<&AppState>) -> ApiResult<Json<Vec<CategoryView>>> {
        let all = directory_service::categories(&state).await?;
        Ok(Json(all.into_iter().map(CategoryView::from).collect()))
    }

    /// One category (public)
    #[oai(path = "/categories/:id", method = "get")]
    async fn category(&self, state: Data<&AppState>, id: Path<i32>) -> ApiResult<Json<CategoryView>> {
        Ok(Json(directory_service::category(&state, id.0).await?.into()))
    }

    /// Add a category (administrators)
    #[oai(path = "/categories", method = "post")]
    async fn create_category(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// Makes a retry safe: the same key and body get the first answer again and create nothing (see docs/api-clients.md).
        #[oai(name = "Idempotency-Key")]
        _key: IdempotencyKey,
        body: Json<CategoryInput>,
    ) -> ApiResult<Created<CategoryView>> {
        let actor = state.actor(&auth).await?;
        let saved = directory_service::save_category(&state, &actor, None, body.0.into_fields()?).await?;
        Ok(Created::Created(Json(saved.into())))
    }

    /// Replace a category, its urgency and its executors (administrators)
    ///
    /// Items routed earlier keep the executor recorded when they were routed.
    #[oai(path = "/categories/:id", method = "put")]
    async fn update_category(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i32>,
        body: Json<CategoryInput>,
    ) -> ApiResult<Json<CategoryView>> {
        let actor = state.actor(&auth).await?;
        let saved = directory_service::save_category(&state, &actor, Some(id.0), body.0.into_fields()?).await?;
        Ok(Json(saved.into()))
    }

    /// Where would an item go? (public)
    ///
    /// Routes by the category's rules: an explicit district's executor, else the district containing the
    /// point, else the category's default executor. The answer names the rule that matched.
    #[oai(path = "/routing", method = "post")]
    async fn routing(&self, state: Data<&AppState>, body: Json<RoutingRequest>) -> ApiResult<Json<RoutingView>> {
        let RoutingRequest { category_id, district_id, latitude, longitude } = body.0;
        let routing = directory_service::route(&state, category_id, district_id, latitude, longitude).await?;
        Ok(Json(RoutingView {
            executor_id: routing.executor_id,
            executor_name: routing.executor_name,
            district_id: routing.district_id,
            rule: routing.rule,
            explanation: routing.explanation,
        }))
    }
}
