//! The Open311 GeoReport v2 interface at `/open311/v2` (http://wiki.open311.org/GeoReport_v2), so that
//! existing city apps can file and follow "Open City" issue reports.
//!
//! Plain poem handlers rather than poem-openapi: the format is fixed by the specification (a `.json` or
//! `.xml` suffix on every path, form-encoded posts, its own error documents), and it is documented in
//! docs/api.md. Services are our categories offered for reports; requests are issue reports only, never
//! private appeals, and never carry the author's personal data.
use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, NaiveDate, SecondsFormat, Timelike, Utc};
use poem::{
    Body, Endpoint, EndpointExt, Request, Response, Route, get, handler,
    http::StatusCode,
    web::{Data, Path},
};
use serde::Serialize;

use super::AppState;
use crate::{
    domain::{
        accounts::{Email, FullName, Language},
        appeals::{AppealKind, Author, Channel, NewAppeal, Status, TEXT_MAX_CHARS},
        calendar::{KYIV, kyiv_start_of_day},
        deadlines::day_containing,
        directory::{GeoPoint, UrgencyClass},
        text::{self, Lines},
    },
    error::AppError,
    service::appeals::{
        intake,
        open311::{self as reports, Openness, Report, RequestFilter, Service},
    },
};

const SPECIFICATION: &str = "http://wiki.open311.org/GeoReport_v2";
/// When this interface last changed, as the discovery document reports it.
const CHANGESET: &str = "2026-11-22T00:00:00Z";
/// Most requests one `GET requests` returns, and the widest date range it covers.
const MAX_RESULTS: u64 = 1000;
const MAX_RANGE_DAYS: i64 = 90;
/// The subject of a report is the start of its description (Open311 has no title).
const SUBJECT_CHARS: usize = 80;
const ADDRESS_MAX_CHARS: usize = 500;
const PHONE_MAX_CHARS: usize = 64;
const URL_MAX_CHARS: usize = 2000;

/// The routes, to be nested at `/open311/v2`. Errors, the router's own included, are Open311 error
/// documents in the format the path asked for.
pub fn routes() -> impl Endpoint {
    Route::new()
        .at("/:file", get(root_get).post(root_post))
        .at("/services/:file", get(service_definition))
        .at("/requests/:file", get(one_request))
        .at("/tokens/:file", get(token_lookup))
        .around(|ep, req| async move {
            let format = Format::guess(req.uri().path());
            Ok(match ep.call(req).await {
                Ok(response) => response,
                Err(err) => {
                    crate::telemetry::prometheus::render_error(err, |err| Failure::from_poem(&err).render(format))
                }
            })
        })
}

// ---------------------------------------------------------------------------
// Formats and errors
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Xml,
}

impl Format {
    /// The format a path asks for, for error documents; JSON when it cannot be told.
    fn guess(path: &str) -> Format {
        if path.to_ascii_lowercase().ends_with(".xml") { Format::Xml } else { Format::Json }
    }

    fn content_type(self) -> &'static str {
        match self {
            Format::Json => "application/json; charset=utf-8",
            Format::Xml => "text/xml; charset=utf-8",
        }
    }

    /// A list: a JSON array, or `<root><item>…</item>…</root>`.
    fn list<T: Serialize>(self, status: StatusCode, root: &str, item: &str, items: &[T]) -> Result<Response, Failure> {
        let body = match self {
            Format::Json => serde_json::to_string(items).map_err(internal)?,
            Format::Xml => {
                let mut out = format!(r#"<?xml version="1.0" encoding="utf-8"?><{root}>"#);
                for value in items {
                    out.push_str(&quick_xml::se::to_string_with_root(item, value).map_err(internal)?);
                }
                out.push_str(&format!("</{root}>"));
                out
            }
        };
        Ok(self.response(status, body))
    }

    /// One document: `json` as it is, or `xml` under the element `root`.
    fn document<J: Serialize, X: Serialize>(self, root: &str, json: &J, xml: &X) -> Result<Response, Failure> {
        let body = match self {
            Format::Json => serde_json::to_string(json).map_err(internal)?,
            Format::Xml => format!(
                r#"<?xml version="1.0" encoding="utf-8"?>{}"#,
                quick_xml::se::to_string_with_root(root, xml).map_err(internal)?
            ),
        };
        Ok(self.response(StatusCode::OK, body))
    }

    fn response(self, status: StatusCode, body: String) -> Response {
        Response::builder().status(status).content_type(self.content_type()).body(body)
    }
}

/// `requests.json` → (`requests`, JSON).
fn split_file(file: &str) -> Result<(&str, Format), Failure> {
    let Some((stem, extension)) = file.rsplit_once('.') else {
        return Err(Failure::bad_request(format!("add the format to the path: `{file}.json` or `{file}.xml`")));
    };
    match extension.to_ascii_lowercase().as_str() {
        "json" => Ok((stem, Format::Json)),
        "xml" => Ok((stem, Format::Xml)),
        other => Err(Failure::bad_request(format!("the format `{other}` is not supported; use .json or .xml"))),
    }
}

/// An Open311 error: `[{"code": 400, "description": "…"}]` or `<errors><error>…</error></errors>`.
#[derive(Debug)]
struct Failure {
    status: StatusCode,
    description: String,
}

#[derive(Serialize)]
struct ErrorOut<'a> {
    code: u16,
    description: &'a str,
}

impl Failure {
    fn new(status: StatusCode, description: impl Into<String>) -> Failure {
        Failure { status, description: description.into() }
    }

    fn bad_request(description: impl Into<String>) -> Failure {
        Failure::new(StatusCode::BAD_REQUEST, description)
    }

    fn not_found(description: impl Into<String>) -> Failure {
        Failure::new(StatusCode::NOT_FOUND, description)
    }

    fn from_poem(err: &poem::Error) -> Failure {
        match err.status() {
            StatusCode::NOT_FOUND => Failure::not_found("there is no such Open311 resource; start at discovery.json"),
            StatusCode::METHOD_NOT_ALLOWED => {
                Failure::new(StatusCode::METHOD_NOT_ALLOWED, "this resource does not accept that HTTP method")
            }
            status if status.is_server_error() => {
                tracing::error!(error = %err, "unhandled error in the Open311 interface");
                Failure::new(status, "something went wrong on our side; please try again")
            }
            status => Failure::new(status, err.to_string()),
        }
    }

    fn render(&self, format: Format) -> Response {
        let errors = [ErrorOut { code: self.status.as_u16(), description: &self.description }];
        let mut response = format
            .list(self.status, "errors", "error", &errors)
            .unwrap_or_else(|_| Response::builder().status(StatusCode::INTERNAL_SERVER_ERROR).body("internal error"));
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            response
                .headers_mut()
                .insert(poem::http::header::RETRY_AFTER, crate::error::UNAVAILABLE_RETRY_AFTER_SECONDS.into());
        }
        response
    }
}

/// Our errors in Open311 terms: every unacceptable value is a 400, as the specification's examples have it.
impl From<AppError> for Failure {
    fn from(err: AppError) -> Failure {
        match err.outage_as_unavailable() {
            AppError::BadRequest(message) => Failure::bad_request(message),
            AppError::Validation { field: Some(field), message } => Failure::bad_request(format!("{field}: {message}")),
            AppError::Validation { field: None, message } => Failure::bad_request(message),
            AppError::Unauthorized(message) | AppError::Forbidden(message) => {
                Failure::new(StatusCode::FORBIDDEN, message)
            }
            AppError::NotFound(message) => Failure::not_found(message),
            AppError::Conflict(message) => Failure::new(StatusCode::CONFLICT, message),
            AppError::TooManyRequests { message, .. } => Failure::new(StatusCode::TOO_MANY_REQUESTS, message),
            AppError::Unavailable(message) => Failure::new(StatusCode::SERVICE_UNAVAILABLE, message),
            AppError::Internal(source) => {
                tracing::error!(error = ?source, "internal error in the Open311 interface");
                Failure::new(StatusCode::INTERNAL_SERVER_ERROR, "something went wrong on our side; please try again")
            }
        }
    }
}

fn internal(err: impl std::fmt::Display) -> Failure {
    Failure::from(AppError::Internal(anyhow::anyhow!("rendering an Open311 document: {err}")))
}

// ---------------------------------------------------------------------------
// Parameters
// ---------------------------------------------------------------------------

/// Form-encoded pairs (a query string or a posted body); a repeated name keeps its first value.
fn pairs(encoded: &[u8]) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for (name, value) in url::form_urlencoded::parse(encoded) {
        out.entry(name.into_owned()).or_insert_with(|| value.into_owned());
    }
    out
}

fn query(req: &Request) -> HashMap<String, String> {
    pairs(req.uri().query().unwrap_or("").as_bytes())
}

/// A parameter that was given and is not blank, trimmed.
fn given<'a>(params: &'a HashMap<String, String>, name: &str) -> Option<&'a str> {
    params.get(name).map(|v| v.trim()).filter(|v| !v.is_empty())
}

/// Comma-separated values, blanks dropped.
fn list_param<'a>(params: &'a HashMap<String, String>, name: &str) -> Option<Vec<&'a str>> {
    given(params, name).map(|v| v.split(',').map(str::trim).filter(|s| !s.is_empty()).collect())
}

/// `locale=en…` names services in English; anything else in Ukrainian.
fn language(params: &HashMap<String, String>) -> Language {
    match given(params, "locale") {
        Some(locale) if locale.to_ascii_lowercase().starts_with("en") => Language::En,
        _ => Language::Uk,
    }
}

/// A W3C datetime (`2026-01-31T00:00:00Z`, `…+02:00`), or a date, taken as the start of that Kyiv day.
fn parse_instant(field: &str, raw: &str) -> Result<DateTime<Utc>, Failure> {
    // An unencoded `+02:00` in a query string arrives as ` 02:00`.
    let repaired = raw.trim().replace(' ', "+");
    let instant = if let Ok(instant) = DateTime::parse_from_rfc3339(&repaired) {
        instant.with_timezone(&Utc)
    } else if let Ok(date) = NaiveDate::parse_from_str(&repaired, "%Y-%m-%d") {
        kyiv_start_of_day(date)
    } else {
        return Err(Failure::bad_request(format!(
            "{field} must be a W3C datetime such as 2026-01-31T00:00:00Z, not `{raw}`"
        )));
    };
    crate::domain::calendar::supported(field, crate::domain::calendar::kyiv_date(instant))
        .map_err(|e| Failure::new(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()))?;
    Ok(instant)
}

/// The instants a date-bounded search covers: the last 90 days by default, never wider than 90 days.
fn date_range(
    start: Option<DateTime<Utc>>,
    end: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(DateTime<Utc>, DateTime<Utc>), Failure> {
    let span = Duration::days(MAX_RANGE_DAYS);
    let (from, to) = match (start, end) {
        (None, None) => (now - span, now),
        (Some(from), None) => (from, from + span),
        (None, Some(to)) => (to - span, to),
        (Some(from), Some(to)) => (from, to),
    };
    if to < from {
        return Err(Failure::bad_request("end_date is before start_date"));
    }
    if to - from > span {
        return Err(Failure::bad_request(format!("the date range may not span more than {MAX_RANGE_DAYS} days")));
    }
    Ok((from, to))
}

fn parse_openness(values: &[&str]) -> Result<Option<Openness>, Failure> {
    let mut open = false;
    let mut closed = false;
    for value in values {
        match value.to_ascii_lowercase().as_str() {
            "open" => open = true,
            "closed" => closed = true,
            other => return Err(Failure::bad_request(format!("status `{other}` is not one of: open, closed"))),
        }
    }
    Ok(match (open, closed) {
        (true, false) => Some(Openness::Open),
        (false, true) => Some(Openness::Closed),
        _ => None,
    })
}

fn parse_ids(values: &[&str]) -> Result<Vec<i32>, Failure> {
    values
        .iter()
        .map(|v| {
            v.parse::<i32>()
                .map_err(|_| Failure::bad_request(format!("service_request_id `{v}` is not a request id (a number)")))
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Services
// ---------------------------------------------------------------------------

#[derive(Serialize)]
struct ServiceOut {
    service_code: String,
    service_name: String,
    description: String,
    metadata: bool,
    #[serde(rename = "type")]
    kind: &'static str,
    keywords: String,
    group: String,
}

/// Categories and organisation names, read once per request, in the language asked for.
struct Catalogue {
    categories: Vec<Service>,
    organisations: BTreeMap<i32, String>,
    language: Language,
}

impl Catalogue {
    async fn load(state: &AppState, language: Language) -> Result<Catalogue, AppError> {
        let reports::Catalogue { services, organisations } = reports::catalogue(state).await?;
        Ok(Catalogue { categories: services, organisations, language })
    }

    /// Categories offered for issue reports now.
    fn offered(&self) -> impl Iterator<Item = &Service> {
        self.categories.iter().filter(|c| c.offered)
    }

    fn offered_by_code(&self, code: &str) -> Option<&Service> {
        self.offered().find(|c| c.code == code)
    }

    fn by_id(&self, id: i32) -> Option<&Service> {
        self.categories.iter().find(|c| c.id == id)
    }

    fn organisation(&self, id: i32) -> String {
        self.organisations.get(&id).cloned().unwrap_or_default()
    }

    fn name(&self, c: &Service) -> String {
        match self.language {
            Language::Uk => c.name_uk.clone(),
            Language::En => c.name_en.clone(),
        }
    }

    fn service(&self, c: &Service) -> ServiceOut {
        let executor = self.organisation(c.default_executor_id);
        let by_district = c.by_district;
        let description = match self.language {
            Language::Uk => format!(
                "{}. Строк розгляду: {}. Виконавець: {executor}{}.",
                c.name_uk,
                time_limit(c.urgency, Language::Uk),
                if by_district {
                    " (у деяких районах — районний виконавець)"
                } else {
                    ""
                }
            ),
            Language::En => format!(
                "{}. Time limit: {}. Handled by {executor}{}.",
                c.name_en,
                time_limit(c.urgency, Language::En),
                if by_district { " (in some districts, by the district's executor)" } else { "" }
            ),
        };
        let other_name = match self.language {
            Language::Uk => &c.name_en,
            Language::En => &c.name_uk,
        };
        ServiceOut {
            service_code: c.code.clone(),
            service_name: self.name(c),
            description,
            metadata: false,
            kind: "realtime",
            keywords: format!("{}, {other_name}", c.code),
            group: executor,
        }
    }
}

fn time_limit(urgency: UrgencyClass, language: Language) -> String {
    match (urgency, language) {
        (UrgencyClass::Emergency { hours }, Language::Uk) => format!("{hours} год."),
        (UrgencyClass::Emergency { hours }, Language::En) => format!("{hours} hours"),
        (UrgencyClass::Normal, Language::Uk) => "15 днів".into(),
        (UrgencyClass::Normal, Language::En) => "15 days".into(),
        (UrgencyClass::Complex, Language::Uk) => "до одного місяця".into(),
        (UrgencyClass::Complex, Language::En) => "up to one month".into(),
    }
}

async fn services(state: &AppState, params: &HashMap<String, String>, format: Format) -> Result<Response, Failure> {
    let catalogue = Catalogue::load(state, language(params)).await?;
    let services: Vec<ServiceOut> = catalogue.offered().map(|c| catalogue.service(c)).collect();
    format.list(StatusCode::OK, "services", "service", &services)
}

#[derive(Serialize)]
struct DefinitionOut<A> {
    service_code: String,
    attributes: A,
}

/// `<attributes/>`: no service asks for extra attributes.
#[derive(Serialize)]
struct NoAttributes {}

#[handler]
async fn service_definition(req: &Request, Path(file): Path<String>, Data(state): Data<&AppState>) -> Response {
    let (code, format) = match split_file(&file) {
        Ok(split) => split,
        Err(failure) => return failure.render(Format::Json),
    };
    let result = async {
        let catalogue = Catalogue::load(state, language(&query(req))).await?;
        let record = catalogue
            .offered_by_code(code)
            .ok_or_else(|| Failure::not_found(format!("there is no service `{code}`; see services.{}", ext(format))))?;
        let code = record.code.clone();
        format.document(
            "service_definition",
            &DefinitionOut { service_code: code.clone(), attributes: Vec::<()>::new() },
            &DefinitionOut { service_code: code, attributes: NoAttributes {} },
        )
    }
    .await;
    result.unwrap_or_else(|failure| failure.render(format))
}

fn ext(format: Format) -> &'static str {
    match format {
        Format::Json => "json",
        Format::Xml => "xml",
    }
}

// ---------------------------------------------------------------------------
// Discovery
// ---------------------------------------------------------------------------

#[derive(Serialize)]
struct DiscoveryOut<E> {
    changeset: &'static str,
    contact: String,
    key_service: String,
    endpoints: E,
}

#[derive(Serialize)]
struct EndpointOut<F> {
    specification: &'static str,
    url: String,
    changeset: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
    formats: F,
}

/// XML wraps each list in an element of its own: `<endpoints><endpoint>…`, `<formats><format>…`.
#[derive(Serialize)]
struct XmlEndpoints {
    endpoint: Vec<EndpointOut<XmlFormats>>,
}

#[derive(Serialize)]
struct XmlFormats {
    format: Vec<&'static str>,
}

const FORMATS: [&str; 2] = ["application/json", "text/xml"];

fn endpoint<F>(public_url: &str, formats: F) -> EndpointOut<F> {
    EndpointOut {
        specification: SPECIFICATION,
        url: format!("{public_url}/open311/v2"),
        changeset: CHANGESET,
        kind: "production",
        formats,
    }
}

fn discovery_document<E>(public_url: &str, endpoints: E) -> DiscoveryOut<E> {
    DiscoveryOut {
        changeset: CHANGESET,
        contact: format!("The city council's administrators, via {public_url}"),
        key_service: format!(
            "An api_key is issued by the city council's administrators (POST {public_url}/api/v1/api-keys); \
             reading needs no key"
        ),
        endpoints,
    }
}

fn discovery(state: &AppState, format: Format) -> Result<Response, Failure> {
    let public_url = state.settings.public_url.trim_end_matches('/');
    let json = discovery_document(public_url, vec![endpoint(public_url, FORMATS.to_vec())]);
    let xml = discovery_document(
        public_url,
        XmlEndpoints { endpoint: vec![endpoint(public_url, XmlFormats { format: FORMATS.to_vec() })] },
    );
    format.document("discovery", &json, &xml)
}

// ---------------------------------------------------------------------------
// Reading requests
// ---------------------------------------------------------------------------

#[derive(Serialize)]
struct RequestOut {
    service_request_id: String,
    status: &'static str,
    status_notes: Option<String>,
    service_name: Option<String>,
    service_code: Option<String>,
    description: String,
    agency_responsible: String,
    service_notice: Option<String>,
    requested_datetime: String,
    updated_datetime: String,
    expected_datetime: String,
    address: Option<String>,
    address_id: Option<String>,
    zipcode: Option<String>,
    lat: Option<f64>,
    long: Option<f64>,
    media_url: Option<String>,
}

/// A W3C datetime in Kyiv time, e.g. `2026-01-31T14:05:00+02:00`.
fn w3(instant: DateTime<Utc>) -> String {
    instant.with_timezone(&KYIV).to_rfc3339_opts(SecondsFormat::Secs, false)
}

/// A deadline for a person: a day-based term ends at Kyiv midnight, so its last day is shown; an
/// hour-based one is shown to the minute.
fn due_text(due_at: DateTime<Utc>, language: Language) -> String {
    let local = due_at.with_timezone(&KYIV);
    let (date_format, time_format) = match language {
        Language::Uk => ("%d.%m.%Y", "%d.%m.%Y %H:%M"),
        Language::En => ("%Y-%m-%d", "%Y-%m-%d %H:%M"),
    };
    if local.hour() == 0 && local.minute() == 0 && local.second() == 0 {
        day_containing(due_at).format(date_format).to_string()
    } else {
        local.format(time_format).to_string()
    }
}

/// A report as Open311 shows it: no author name, e-mail, phone or address of residence.
fn request_out(r: Report, catalogue: &Catalogue, public_url: &str) -> RequestOut {
    let english = catalogue.language == Language::En;
    let openness = Openness::of(r.shown);
    let status_notes = match r.status {
        Status::Duplicate => r.duplicate_of.map(|id| {
            if english {
                format!("Duplicate of request {id}.")
            } else {
                format!("Дублікат звернення № {id}.")
            }
        }),
        Status::Refused => r.refusal_reason,
        _ => r.answer_text,
    };
    let service_notice = (openness == Openness::Open).then(|| {
        let due = due_text(r.due_at, catalogue.language);
        match (r.overdue, english) {
            (false, false) => format!("Відповідь — до {due}."),
            (false, true) => format!("Answer due by {due}."),
            (true, false) => format!("Строк відповіді ({due}) минув."),
            (true, true) => format!("The answer was due by {due} and is overdue."),
        }
    });
    let category = r.category_id.and_then(|id| catalogue.by_id(id));
    RequestOut {
        service_request_id: r.id.to_string(),
        status: openness.code(),
        status_notes,
        service_name: category.map(|c| catalogue.name(c)),
        service_code: category.map(|c| c.code.clone()),
        agency_responsible: catalogue.organisation(r.executor_id),
        service_notice,
        requested_datetime: w3(r.received_at),
        updated_datetime: w3(r.updated_at),
        expected_datetime: w3(r.due_at),
        address: r.address,
        address_id: None,
        zipcode: None,
        lat: r.lat,
        long: r.long,
        media_url: r.first_photo_id.map(|photo| format!("{public_url}/api/v1/appeals/{}/photos/{photo}", r.id)),
        description: r.description,
    }
}

fn render_requests(
    state: &AppState,
    catalogue: &Catalogue,
    found: Vec<Report>,
    format: Format,
) -> Result<Response, Failure> {
    let public_url = state.settings.public_url.trim_end_matches('/');
    let requests: Vec<RequestOut> = found.into_iter().map(|r| request_out(r, catalogue, public_url)).collect();
    format.list(StatusCode::OK, "service_requests", "request", &requests)
}

/// The search `GET requests` describes, from its parameters.
fn request_filter(
    params: &HashMap<String, String>,
    catalogue: &Catalogue,
    now: DateTime<Utc>,
) -> Result<RequestFilter, Failure> {
    let mut filter = RequestFilter { limit: MAX_RESULTS, ..Default::default() };
    if let Some(ids) = list_param(params, "service_request_id") {
        // The specification: ids override every other parameter.
        filter.ids = Some(parse_ids(&ids)?);
        return Ok(filter);
    }
    if let Some(codes) = list_param(params, "service_code") {
        let ids = codes
            .iter()
            .map(|code| {
                catalogue.categories.iter().find(|c| c.code == *code).map(|c| c.id).ok_or_else(|| {
                    Failure::bad_request(format!("service_code `{code}` is not a service here; see services.json"))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        filter.category_ids = Some(ids);
    }
    let start = given(params, "start_date").map(|v| parse_instant("start_date", v)).transpose()?;
    let end = given(params, "end_date").map(|v| parse_instant("end_date", v)).transpose()?;
    let (from, to) = date_range(start, end, now)?;
    filter.received_from = Some(from);
    filter.received_to = Some(to);
    filter.openness = list_param(params, "status").map(|s| parse_openness(&s)).transpose()?.flatten();
    Ok(filter)
}

async fn list_requests(
    state: &AppState,
    params: &HashMap<String, String>,
    format: Format,
) -> Result<Response, Failure> {
    let catalogue = Catalogue::load(state, language(params)).await?;
    let filter = request_filter(params, &catalogue, Utc::now())?;
    let found = reports::requests(state, &filter).await?;
    render_requests(state, &catalogue, found, format)
}

#[handler]
async fn one_request(req: &Request, Path(file): Path<String>, Data(state): Data<&AppState>) -> Response {
    let (id, format) = match split_file(&file) {
        Ok(split) => split,
        Err(failure) => return failure.render(Format::Json),
    };
    let result = async {
        let missing = || Failure::not_found(format!("there is no service request {id}"));
        let id: i32 = id.parse().map_err(|_| missing())?;
        let report = reports::request(state, id).await?.ok_or_else(missing)?;
        let catalogue = Catalogue::load(state, language(&query(req))).await?;
        render_requests(state, &catalogue, vec![report], format)
    }
    .await;
    result.unwrap_or_else(|failure| failure.render(format))
}

#[derive(Serialize)]
struct TokenOut {
    token: String,
    service_request_id: String,
}

#[handler]
async fn token_lookup(Path(file): Path<String>, Data(state): Data<&AppState>) -> Response {
    let (token, format) = match split_file(&file) {
        Ok(split) => split,
        Err(failure) => return failure.render(Format::Json),
    };
    let result = async {
        let id = reports::request_id_for_token(state, token)
            .await?
            .ok_or_else(|| Failure::not_found(format!("there is no request with the token {token}")))?;
        let found = [TokenOut { token: token.to_owned(), service_request_id: id.to_string() }];
        format.list(StatusCode::OK, "service_requests", "request", &found)
    }
    .await;
    result.unwrap_or_else(|failure| failure.render(format))
}

#[handler]
async fn root_get(req: &Request, Path(file): Path<String>, Data(state): Data<&AppState>) -> Response {
    let (stem, format) = match split_file(&file) {
        Ok(split) => split,
        Err(failure) => return failure.render(Format::Json),
    };
    let params = query(req);
    let result = match stem {
        "discovery" => discovery(state, format),
        "services" => services(state, &params, format).await,
        "requests" => list_requests(state, &params, format).await,
        _ => Err(Failure::not_found(format!("there is no Open311 resource `{file}`; start at discovery.json"))),
    };
    result.unwrap_or_else(|failure| failure.render(format))
}

// ---------------------------------------------------------------------------
// Filing a request
// ---------------------------------------------------------------------------

#[derive(Serialize)]
struct CreatedOut {
    service_request_id: String,
    service_notice: String,
    account_id: Option<String>,
    token: String,
}

#[handler]
async fn root_post(req: &Request, body: Body, Path(file): Path<String>, Data(state): Data<&AppState>) -> Response {
    let (stem, format) = match split_file(&file) {
        Ok(split) => split,
        Err(failure) => return failure.render(Format::Json),
    };
    let result = match stem {
        "requests" => create_request(state, req, body, format).await,
        _ => Err(Failure::new(StatusCode::METHOD_NOT_ALLOWED, format!("`{file}` cannot be posted to"))),
    };
    result.unwrap_or_else(|failure| failure.render(format))
}

/// The posted fields, with the query string's as a fallback (some clients send `api_key` there).
async fn read_form(req: &Request, body: Body) -> Result<HashMap<String, String>, Failure> {
    let mime = req.content_type().unwrap_or("").split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if !(mime.is_empty() || mime == "application/x-www-form-urlencoded") {
        return Err(Failure::bad_request(format!(
            "send the request as application/x-www-form-urlencoded, not {mime} (uploads are not supported; \
             give media_url instead)"
        )));
    }
    let bytes = body.into_vec().await.map_err(|_| Failure::bad_request("the request body could not be read"))?;
    let mut fields = pairs(&bytes);
    for (name, value) in query(req) {
        fields.entry(name).or_insert(value);
    }
    Ok(fields)
}

/// The client's key: required to file, refused when unknown or revoked.
async fn check_key(state: &AppState, fields: &HashMap<String, String>) -> Result<i32, Failure> {
    let Some(presented) = given(fields, "api_key") else {
        return Err(Failure::new(
            StatusCode::FORBIDDEN,
            "api_key is required to file a request; the city council's administrators issue keys",
        ));
    };
    reports::client_key(state, presented)
        .await?
        .ok_or_else(|| Failure::new(StatusCode::FORBIDDEN, "the api_key is not valid: it is unknown or was revoked"))
}

/// `lat` and `long` together, in range.
fn point(fields: &HashMap<String, String>) -> Result<Option<GeoPoint>, Failure> {
    let number = |name: &str| {
        given(fields, name)
            .map(|v| v.parse::<f64>().map_err(|_| Failure::bad_request(format!("{name} `{v}` is not a number"))))
            .transpose()
    };
    match (number("lat")?, number("long")?) {
        (None, None) => Ok(None),
        (Some(lat), Some(lon)) => match GeoPoint::checked(lat, lon) {
            Some(point) => Ok(Some(point)),
            None => Err(Failure::bad_request("lat must be −90…90 and long −180…180")),
        },
        _ => Err(Failure::bad_request("give both lat and long, or neither")),
    }
}

/// A one-line field cleaned by the one text rule (`domain::text`): NFC, no invisible characters, `max`.
fn bounded(fields: &HashMap<String, String>, name: &str, max: usize) -> Result<Option<String>, Failure> {
    given(fields, name)
        .map(|raw| text::clean(name, raw, Lines::One, max).map_err(|e| Failure::bad_request(e.to_string())))
        .transpose()
}

/// The start of the description, cut at a word, as the report's subject.
fn subject_of(description: &str) -> String {
    let text = description.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= SUBJECT_CHARS {
        return text;
    }
    let cut: String = text.chars().take(SUBJECT_CHARS - 1).collect();
    let at_word = match cut.rfind(' ') {
        Some(space) if cut[..space].chars().count() > SUBJECT_CHARS / 2 => &cut[..space],
        _ => cut.as_str(),
    };
    format!("{}…", at_word.trim_end_matches([',', '.', ';', ':', ' ']))
}

/// A link the client gives to its own copy of a photo; kept in the text for the executor.
fn media_url(fields: &HashMap<String, String>) -> Result<Option<String>, Failure> {
    let Some(raw) = bounded(fields, "media_url", URL_MAX_CHARS)? else { return Ok(None) };
    match url::Url::parse(&raw) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => Ok(Some(url.to_string())),
        _ => Err(Failure::bad_request("media_url must be an http or https URL")),
    }
}

/// The issue report a submission describes; intake checks it as the law requires of any appeal.
fn submission(fields: &HashMap<String, String>, catalogue: &Catalogue) -> Result<NewAppeal, Failure> {
    let code = given(fields, "service_code").ok_or_else(|| Failure::bad_request("service_code was not provided"))?;
    let category = catalogue.offered_by_code(code).ok_or_else(|| {
        Failure::bad_request(format!("service_code `{code}` is not a service here; see services.json"))
    })?;
    let first = given(fields, "first_name").unwrap_or("");
    let last = given(fields, "last_name").unwrap_or("");
    if first.is_empty() || last.is_empty() {
        return Err(Failure::bad_request(
            "first_name and last_name are required: anonymous appeals are not considered \
             (Law of Ukraine 'On Citizens' Appeals', arts. 5, 8)",
        ));
    }
    let name = FullName::parse(&format!("{last} {first}"))
        .map_err(|e| Failure::bad_request(format!("first_name, last_name: {e}")))?;
    let email = given(fields, "email")
        .ok_or_else(|| Failure::bad_request("email is required: the answer is sent there"))
        .and_then(|raw| Email::parse(raw).map_err(|e| Failure::bad_request(e.to_string())))?;
    let phone = bounded(fields, "phone", PHONE_MAX_CHARS)?;
    let address = bounded(fields, "address_string", ADDRESS_MAX_CHARS)?;
    let point = point(fields)?;
    if point.is_none() && address.is_none() && given(fields, "address_id").is_some() {
        return Err(Failure::bad_request("address_id is not supported here; send lat and long, or address_string"));
    }
    let description =
        text::clean("description", given(fields, "description").unwrap_or(""), Lines::Many, TEXT_MAX_CHARS)
            .map_err(|e| Failure::bad_request(e.to_string()))?;
    let subject = subject_of(&description);
    // The link stays in the text for the executor; intake checks the description as written.
    let media_url = media_url(fields)?;
    Ok(NewAppeal {
        kind: AppealKind::IssueReport,
        channel: Channel::Open311,
        subject,
        text: description,
        category_id: Some(category.id),
        addressee_id: None,
        point,
        place_address: address,
        district_id: None,
        author: Author {
            account_id: None,
            name: name.as_str().to_owned(),
            address: None,
            email: Some(email.as_str().to_owned()),
            phone,
            language: catalogue.language,
        },
        show_author_name: false,
        privileged: false,
        cosigners: vec![],
        received_at: Utc::now(),
        registered_by: None,
        open311_token: Some(crate::service::secrets::new_token().as_str().to_owned()),
    })
    .map(|new| with_media_url(new, media_url))
}

fn with_media_url(mut new: NewAppeal, media_url: Option<String>) -> NewAppeal {
    if let Some(url) = media_url {
        new.text = format!("{}\n\nmedia_url: {url}", new.text);
    }
    new
}

/// An intake refusal as Open311 states it (400), naming the Open311 field rather than ours.
fn open311_refusal(error: AppError) -> Failure {
    let AppError::Validation { field, message } = &error else { return Failure::from(error) };
    let name = match field.as_deref().unwrap_or("") {
        "author_name" => "first_name, last_name",
        "author_email" => "email",
        "text" | "subject" => "description",
        "location" => "lat, long or address_string",
        "category_id" => "service_code",
        other => other,
    };
    Failure::bad_request(format!("{name}: {message}"))
}

async fn create_request(state: &AppState, req: &Request, body: Body, format: Format) -> Result<Response, Failure> {
    let fields = read_form(req, body).await?;
    let key = check_key(state, &fields).await?;
    let catalogue = Catalogue::load(state, language(&fields)).await?;
    let new = submission(&fields, &catalogue)?;
    let filed = intake::file_open311(state, new).await.map_err(open311_refusal)?;
    tracing::info!(appeal = filed.id, api_key = key, "an issue report was filed through Open311");
    let due = due_text(filed.due_at, catalogue.language);
    let executor = catalogue.organisation(filed.executor_id);
    let service_notice = match catalogue.language {
        Language::Uk => format!("Зареєстровано за № {}. Виконавець: {executor}. Відповідь — до {due}.", filed.id),
        Language::En => format!("Registered as No. {}. Handled by {executor}. Answer due by {due}.", filed.id),
    };
    let token = filed.token.unwrap_or_default();
    let created = [CreatedOut { service_request_id: filed.id.to_string(), service_notice, account_id: None, token }];
    format.list(StatusCode::OK, "service_requests", "request", &created)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_format_is_the_last_extension() {
        assert_eq!(split_file("requests.json").unwrap(), ("requests", Format::Json));
        assert_eq!(split_file("12.XML").unwrap(), ("12", Format::Xml));
        assert_eq!(split_file("requests").unwrap_err().status, StatusCode::BAD_REQUEST);
        assert_eq!(split_file("requests.csv").unwrap_err().status, StatusCode::BAD_REQUEST);
    }

    #[test]
    fn a_long_description_gives_a_subject_cut_at_a_word() {
        assert_eq!(subject_of("  Яма   на дорозі  "), "Яма на дорозі");
        let long = "Велика яма на перехресті вулиць Шкільної та Садової, машини об'їжджають її по тротуару, \
                    небезпечно для пішоходів";
        let subject = subject_of(long);
        assert!(subject.chars().count() <= SUBJECT_CHARS, "{subject}");
        assert!(subject.ends_with('…'));
        assert!(long.starts_with(subject.trim_end_matches('…')));
    }

    #[test]
    fn dates_are_w3c_datetimes_or_kyiv_days_and_ranges_are_at_most_90_days() {
        let t = parse_instant("start_date", "2026-01-31T00:00:00Z").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-01-31T00:00:00+00:00");
        assert_eq!(parse_instant("start_date", "2026-01-31T02:00:00 02:00").unwrap(), t);
        assert_eq!(parse_instant("start_date", "2026-01-31").unwrap().to_rfc3339(), "2026-01-30T22:00:00+00:00");
        assert!(parse_instant("start_date", "31.01.2026").is_err());
        let now = t;
        assert_eq!(date_range(None, None, now).unwrap(), (now - Duration::days(90), now));
        assert!(date_range(Some(now - Duration::days(91)), Some(now), now).is_err());
        assert!(date_range(Some(now), Some(now - Duration::days(1)), now).is_err());
    }

    #[test]
    fn status_takes_open_closed_or_both() {
        assert_eq!(parse_openness(&["open"]).unwrap(), Some(Openness::Open));
        assert_eq!(parse_openness(&["Closed"]).unwrap(), Some(Openness::Closed));
        assert_eq!(parse_openness(&["open", "closed"]).unwrap(), None);
        assert!(parse_openness(&["answered"]).is_err());
    }

    #[test]
    fn deadlines_show_the_last_day_or_the_hour() {
        let day_based = kyiv_start_of_day(NaiveDate::from_ymd_opt(2026, 2, 16).unwrap());
        assert_eq!(due_text(day_based, Language::Uk), "15.02.2026");
        let hour_based = DateTime::parse_from_rfc3339("2026-02-15T12:30:00+02:00").unwrap().with_timezone(&Utc);
        assert_eq!(due_text(hour_based, Language::En), "2026-02-15 12:30");
    }

    #[tokio::test]
    async fn xml_lists_wrap_each_item_and_escape_text() {
        let errors = [ErrorOut { code: 400, description: "a < b & c" }];
        let response = Format::Xml.list(StatusCode::BAD_REQUEST, "errors", "error", &errors).unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert_eq!(response.content_type(), Some("text/xml; charset=utf-8"));
        assert_eq!(
            response.into_body().into_string().await.unwrap(),
            r#"<?xml version="1.0" encoding="utf-8"?><errors><error><code>400</code><description>a &lt; b &amp; c</description></error></errors>"#
        );
    }
}
