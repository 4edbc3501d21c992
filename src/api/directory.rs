//! The directory over HTTP: public reading of organisations, districts and categories, the routing
//! preview, and administrators' editing (organisations, members, districts, categories).
use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::{Object, OpenApi, param::Path, payload::Json};

use super::{ApiTags, AppState, BearerAuth, accounts::NoContent, text::Line};
use crate::{
    domain::{
        authorization::{Action, authorize},
        directory::{Area, DistrictId, GeoPoint, Location, UrgencyClass, in_c03_scope},
        text::limits,
    },
    error::{ApiResult, AppError},
    storage::{
        self,
        directory::{CategoryFields, CategoryRecord, OrganisationFields, parse_kind, parse_member_role},
    },
};

#[derive(Debug, Object)]
pub struct OrganisationInput {
    pub name: Line<{ limits::LABEL }>,
    /// `council`, `executive_body`, `department`, `municipal_enterprise` or `other`.
    pub kind: Line<{ limits::CODE }>,
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
    pub kind: String,
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

impl From<entity::organisations::Model> for OrganisationView {
    fn from(o: entity::organisations::Model) -> Self {
        let c03 = parse_kind(&o.kind).map(|k| in_c03_scope(k, o.community_share_percent)).unwrap_or(false);
        OrganisationView {
            id: o.id,
            name: o.name,
            kind: o.kind,
            parent_id: o.parent_id,
            community_share_percent: o.community_share_percent,
            in_c03_scope: c03,
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
            kind: parse_kind(&self.kind.read("kind")?)?,
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
    pub role: Line<{ limits::CODE }>,
}

#[derive(Debug, Object)]
pub struct MemberView {
    pub account_id: i32,
    pub full_name: String,
    pub role: String,
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

impl From<entity::districts::Model> for DistrictView {
    fn from(d: entity::districts::Model) -> Self {
        DistrictView { id: d.id, name: d.name, area: d.area_geojson.and_then(|text| serde_json::from_str(&text).ok()) }
    }
}

/// How fast a category's items must be handled.
#[derive(Debug, Object)]
pub struct Urgency {
    /// `emergency` (in hours), `normal` (15 days) or `complex` (one month).
    pub class: String,
    /// For `emergency`: the hours, 1–720.
    #[oai(nullable)]
    pub hours: Option<u32>,
}

impl Urgency {
    fn parse(&self) -> Result<UrgencyClass, AppError> {
        match (self.class.as_str(), self.hours) {
            ("emergency", Some(hours)) if (1..=720).contains(&hours) => Ok(UrgencyClass::Emergency { hours }),
            ("emergency", _) => {
                Err(AppError::validation("urgency.hours", "an emergency category needs hours from 1 to 720"))
            }
            ("normal", _) => Ok(UrgencyClass::Normal),
            ("complex", _) => Ok(UrgencyClass::Complex),
            (other, _) => Err(AppError::validation(
                "urgency.class",
                format!("`{other}` is not an urgency class; use emergency, normal or complex"),
            )),
        }
    }

    fn from_class(class: UrgencyClass) -> Urgency {
        match class {
            UrgencyClass::Emergency { hours } => Urgency { class: "emergency".into(), hours: Some(hours) },
            UrgencyClass::Normal => Urgency { class: "normal".into(), hours: None },
            UrgencyClass::Complex => Urgency { class: "complex".into(), hours: None },
        }
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

impl From<CategoryRecord> for CategoryView {
    fn from(r: CategoryRecord) -> Self {
        CategoryView {
            id: r.category.id,
            code: r.category.code,
            name_uk: r.category.name_uk,
            name_en: r.category.name_en,
            urgency: Urgency::from_class(r.urgency),
            default_executor_id: r.category.default_executor_id,
            district_executors: r
                .district_executors
                .into_iter()
                .map(|(district_id, executor_id)| DistrictExecutor { district_id, executor_id })
                .collect(),
            for_reports: r.category.for_reports,
            for_appeals: r.category.for_appeals,
            active: r.category.active,
        }
    }
}

impl CategoryInput {
    fn into_fields(self) -> Result<CategoryFields, AppError> {
        Ok(CategoryFields {
            urgency: self.urgency.parse()?,
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

pub struct DirectoryApi;

fn parse_area(area: Option<&serde_json::Value>) -> Result<Option<Area>, AppError> {
    area.filter(|v| !v.is_null())
        .map(|v| Area::from_geojson(v).map_err(|e| AppError::validation("area", e.to_string())))
        .transpose()
}

#[OpenApi(prefix_path = "/directory", tag = "ApiTags::Directory")]
impl DirectoryApi {
    /// Organisations (public)
    #[oai(path = "/organisations", method = "get")]
    async fn organisations(&self, state: Data<&AppState>) -> ApiResult<Json<Vec<OrganisationView>>> {
        let all = storage::directory::list_organisations(&state.db).await?;
        Ok(Json(all.into_iter().map(OrganisationView::from).collect()))
    }

    /// One organisation (public)
    #[oai(path = "/organisations/:id", method = "get")]
    async fn organisation(&self, state: Data<&AppState>, id: Path<i32>) -> ApiResult<Json<OrganisationView>> {
        Ok(Json(storage::directory::get_organisation(&state.db, id.0).await?.into()))
    }

    /// Add an organisation (administrators)
    #[oai(path = "/organisations", method = "post")]
    async fn create_organisation(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// Makes a retry safe: the same key and body get the first answer again and create nothing (see docs/api-clients.md).
        #[oai(name = "Idempotency-Key", validator(min_length = 1, max_length = 255, pattern = r"^[!-~]+$"))]
        _idempotency_key: poem_openapi::param::Header<Option<String>>,
        body: Json<OrganisationInput>,
    ) -> ApiResult<Created<OrganisationView>> {
        let actor = state.administrator(&auth).await?;
        let saved =
            storage::directory::save_organisation(&state.db, Some(actor), None, body.0.into_fields()?, Utc::now())
                .await?;
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
        let actor = state.administrator(&auth).await?;
        let saved = storage::directory::save_organisation(
            &state.db,
            Some(actor),
            Some(id.0),
            body.0.into_fields()?,
            Utc::now(),
        )
        .await?;
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
        let (principal, _) = state.authenticate(&auth).await?;
        authorize(&principal, Action::Administer)
            .or_else(|_| authorize(&principal, Action::HeadOfOrganisation { organisation_id: id.0 }))?;
        let rows = storage::directory::list_members(&state.db, id.0).await?;
        Ok(Json(
            rows.into_iter()
                .map(|r| MemberView { account_id: r.account_id, full_name: r.full_name, role: r.role, since: r.since })
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
        let actor = state.administrator(&auth).await?;
        let role = parse_member_role(&body.0.role.read("role")?)?;
        storage::directory::set_member(&state.db, actor, id.0, account_id.0, role, Utc::now()).await?;
        // Cached sessions carry their memberships: the change counts from the next request here.
        state.sessions.forget_all();
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
        let actor = state.administrator(&auth).await?;
        storage::directory::remove_member(&state.db, actor, id.0, account_id.0, Utc::now()).await?;
        state.sessions.forget_all();
        Ok(NoContent::Done)
    }

    /// Districts (public)
    #[oai(path = "/districts", method = "get")]
    async fn districts(&self, state: Data<&AppState>) -> ApiResult<Json<Vec<DistrictView>>> {
        let all = storage::directory::list_districts(&state.db).await?;
        Ok(Json(all.into_iter().map(DistrictView::from).collect()))
    }

    /// Add a district (administrators)
    #[oai(path = "/districts", method = "post")]
    async fn create_district(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// Makes a retry safe: the same key and body get the first answer again and create nothing (see docs/api-clients.md).
        #[oai(name = "Idempotency-Key", validator(min_length = 1, max_length = 255, pattern = r"^[!-~]+$"))]
        _idempotency_key: poem_openapi::param::Header<Option<String>>,
        body: Json<DistrictInput>,
    ) -> ApiResult<Created<DistrictView>> {
        let actor = state.administrator(&auth).await?;
        let area = parse_area(body.area.as_ref())?;
        let name = body.0.name.read("name")?;
        let saved =
            storage::directory::save_district(&state.db, Some(actor), None, &name, area.as_ref(), Utc::now()).await?;
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
        let actor = state.administrator(&auth).await?;
        let area = parse_area(body.area.as_ref())?;
        let name = body.0.name.read("name")?;
        let saved =
            storage::directory::save_district(&state.db, Some(actor), Some(id.0), &name, area.as_ref(), Utc::now())
                .await?;
        Ok(Json(saved.into()))
    }

    /// Categories of appeals and issue reports (public)
    #[oai(path = "/categories", method = "get")]
    async fn categories(&self, state: Data<&AppState>) -> ApiResult<Json<Vec<CategoryView>>> {
        let all = storage::directory::list_categories(&state.db).await?;
        Ok(Json(all.into_iter().map(CategoryView::from).collect()))
    }

    /// One category (public)
    #[oai(path = "/categories/:id", method = "get")]
    async fn category(&self, state: Data<&AppState>, id: Path<i32>) -> ApiResult<Json<CategoryView>> {
        Ok(Json(storage::directory::get_category(&state.db, id.0).await?.into()))
    }

    /// Add a category (administrators)
    #[oai(path = "/categories", method = "post")]
    async fn create_category(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// Makes a retry safe: the same key and body get the first answer again and create nothing (see docs/api-clients.md).
        #[oai(name = "Idempotency-Key", validator(min_length = 1, max_length = 255, pattern = r"^[!-~]+$"))]
        _idempotency_key: poem_openapi::param::Header<Option<String>>,
        body: Json<CategoryInput>,
    ) -> ApiResult<Created<CategoryView>> {
        let actor = state.administrator(&auth).await?;
        let saved =
            storage::directory::save_category(&state.db, Some(actor), None, body.0.into_fields()?, Utc::now()).await?;
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
        let actor = state.administrator(&auth).await?;
        let saved =
            storage::directory::save_category(&state.db, Some(actor), Some(id.0), body.0.into_fields()?, Utc::now())
                .await?;
        Ok(Json(saved.into()))
    }

    /// Where would an item go? (public)
    ///
    /// Routes by the category's rules: an explicit district's executor, else the district containing the
    /// point, else the category's default executor. The answer names the rule that matched.
    #[oai(path = "/routing", method = "post")]
    async fn routing(&self, state: Data<&AppState>, body: Json<RoutingRequest>) -> ApiResult<Json<RoutingView>> {
        let point = match (body.latitude, body.longitude) {
            (Some(lat), Some(lon)) => Some(GeoPoint { lat, lon }),
            (None, None) => None,
            _ => return Err(AppError::validation("latitude", "give both latitude and longitude, or neither").into()),
        };
        let location = Location { district: body.district_id.map(|d| DistrictId(d.into())), point };
        let (_, decision) = storage::directory::route_item(&state.db, body.category_id, &location).await?;
        let executor_id = decision.executor.0 as i32;
        let executor = storage::directory::get_organisation(&state.db, executor_id).await?;
        Ok(Json(RoutingView {
            executor_id,
            executor_name: executor.name,
            district_id: decision.district.map(|d| d.0 as i32),
            rule: serde_json::to_value(decision.rule).map_err(|e| AppError::Internal(e.into()))?,
            explanation: decision.explain(),
        }))
    }
}
