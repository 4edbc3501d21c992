//! The one error type of the service and its single HTTP shape, problem+json (RFC 7807).
//!
//! Storage and service code return [`AppError`]; the domain's own [`DomainError`] converts into it; handlers return [`ApiError`], which is the same error
//! rendered as a problem document. Errors raised by the HTTP framework itself (malformed JSON, unknown
//! route, missing token…) are converted to the same shape by [`problem_from_poem_error`].
use poem::http::StatusCode;
use poem_openapi::{ApiResponse, Object, payload::Json};
use sea_orm::{DbErr, SqlErr};

use crate::domain::DomainError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The request cannot be read (malformed body, bad parameter).
    #[error("{0}")]
    BadRequest(String),
    /// The request was read but its content is not acceptable; `field` names the culprit.
    #[error("{message}")]
    Validation { field: Option<String>, message: String },
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{message}")]
    TooManyRequests { message: String, retry_after_seconds: u64 },
    #[error("{0}")]
    Unavailable(String),
    /// A fault of ours. The detail is logged, never shown: the client gets a generic message.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    pub fn validation(field: &str, message: impl Into<String>) -> Self {
        AppError::Validation { field: Some(field.to_owned()), message: message.into() }
    }

    pub fn not_found(what: impl Into<String>) -> Self {
        AppError::NotFound(what.into())
    }
}

/// Seconds a client is asked to wait (`Retry-After`) when the database cannot be reached.
pub const UNAVAILABLE_RETRY_AFTER_SECONDS: u64 = 5;

const DATABASE_UNREACHABLE: &str = "the database cannot be reached right now; retry in a few seconds";
/// The domain's refusals keep their meaning over HTTP: a refused value is a 422 naming the field, a
/// refused person a 403, a refused state a 409; a fault inside a rule is ours (500, detail logged).
impl From<DomainError> for AppError {
    fn from(err: DomainError) -> Self {
        match err {
            DomainError::Invalid { field, message } => AppError::Validation { field, message },
            DomainError::Forbidden(message) => AppError::Forbidden(message),
            DomainError::NotFound(message) => AppError::NotFound(message),
            DomainError::Conflict(message) => AppError::Conflict(message),
            DomainError::Internal(detail) => AppError::Internal(anyhow::anyhow!(detail)),
        }
    }
}

/// The domain's specific refusals reach HTTP through [`DomainError`], so `?` works on them too, in a
/// use case (returning `AppError`) as in a handler (returning `ApiError`).
macro_rules! through_domain_error {
    ($($refusal:ty),+ $(,)?) => {
        $(impl From<$refusal> for AppError {
            fn from(err: $refusal) -> Self {
                DomainError::from(err).into()
            }
        }
        impl From<$refusal> for ApiError {
            fn from(err: $refusal) -> Self {
                AppError::from(err).into()
            }
        })+
    };
}

impl From<DomainError> for ApiError {
    fn from(err: DomainError) -> Self {
        AppError::from(err).into()
    }
}

through_domain_error!(
    crate::domain::appeals::TransitionError,
    crate::domain::appeals::IntakeRefusal,
    crate::domain::appeals::IntakeError,
    crate::domain::calendar::UnsupportedDate,
    crate::domain::directory::RoutingError,
    crate::domain::directory::ShareError,
);

impl From<DbErr> for AppError {
    /// A unique-constraint violation means the client tried to create something that exists: 409.
    /// A database that cannot be reached is an outage the client may wait out: 503. Everything else
    /// from the database is our fault.
    fn from(err: DbErr) -> Self {
        if database_unreachable(&err) {
            tracing::warn!(error = %err, "the database cannot be reached");
            return AppError::Unavailable(DATABASE_UNREACHABLE.into());
        }
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(detail)) => {
                tracing::debug!(%detail, "unique constraint violated");
                AppError::Conflict("a record with the same unique value already exists".into())
            }
            Some(SqlErr::ForeignKeyConstraintViolation(detail)) => {
                tracing::debug!(%detail, "foreign key violated");
                AppError::Validation {
                    field: None,
                    message: "the request refers to a record that does not exist".into(),
                }
            }
            _ => AppError::Internal(anyhow::Error::new(err)),
        }
    }
}

/// True when the error says the database could not be reached, rather than that it refused the statement:
/// no connection could be made or taken from the pool in time, the pool is closed, the connection broke,
/// or PostgreSQL is shutting down, starting up or out of connections (SQLSTATE classes 08 and 57P, 53300).
pub fn database_unreachable(err: &DbErr) -> bool {
    use sea_orm::{RuntimeErr, sqlx::Error as SqlxError};
    let sqlx_error = match err {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => return true,
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => e,
        _ => return false,
    };
    match sqlx_error.as_ref() {
        SqlxError::Io(_)
        | SqlxError::Tls(_)
        | SqlxError::Protocol(_)
        | SqlxError::PoolTimedOut
        | SqlxError::PoolClosed
        | SqlxError::WorkerCrashed => true,
        SqlxError::Database(db) if db.try_downcast_ref::<sea_orm::sqlx::postgres::PgDatabaseError>().is_some() => {
            db.code().is_some_and(|code| code.starts_with("08") || code.starts_with("57P") || code == "53300")
        }
        _ => false,
    }
}

impl AppError {
    /// An internal error that is a database outage underneath (wrapped on its way up) becomes
    /// [`AppError::Unavailable`]; every other error stays as it is.
    pub fn outage_as_unavailable(self) -> AppError {
        match self {
            AppError::Internal(source)
                if source.chain().any(|e| e.downcast_ref::<DbErr>().is_some_and(database_unreachable)) =>
            {
                tracing::warn!(error = %source, "the database cannot be reached");
                AppError::Unavailable(DATABASE_UNREACHABLE.into())
            }
            other => other,
        }
    }
}

/// The body of every error response.
#[derive(Debug, Clone, Object)]
pub struct Problem {
    /// A URI reference naming the kind of problem, e.g. `/problems/validation`; stable for programs.
    #[oai(rename = "type")]
    pub problem_type: String,
    /// A short summary of the kind of problem.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What happened and what to do about it, for a person.
    pub detail: String,
    /// The request field at fault, when there is one.
    #[oai(nullable, skip_serializing_if_is_none)]
    pub field: Option<String>,
}

impl Problem {
    /// The problem as a complete HTTP response, for code outside poem-openapi handlers.
    /// A 503 says when to come back (`Retry-After`).
    pub fn into_response(self) -> poem::Response {
        use poem_openapi::types::ToJSON;
        let mut response = poem::Response::builder()
            .status(StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR))
            .content_type("application/problem+json");
        if self.status == StatusCode::SERVICE_UNAVAILABLE.as_u16() {
            response = response.header("Retry-After", UNAVAILABLE_RETRY_AFTER_SECONDS);
        }
        response.body(self.to_json_string())
    }

    pub fn new(status: StatusCode, slug: &str, detail: impl Into<String>) -> Self {
        Problem {
            problem_type: format!("/problems/{slug}"),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: detail.into(),
            field: None,
        }
    }
}

/// [`AppError`] as an HTTP response; every variant carries the same problem+json body.
#[derive(Debug, ApiResponse)]
pub enum ApiError {
    /// The request could not be read: malformed JSON, a missing field, a bad parameter.
    #[oai(status = 400, content_type = "application/problem+json")]
    BadRequest(Json<Problem>),
    /// No valid bearer token was given.
    #[oai(status = 401, content_type = "application/problem+json")]
    Unauthorized(Json<Problem>),
    /// The caller is known but may not do this.
    #[oai(status = 403, content_type = "application/problem+json")]
    Forbidden(Json<Problem>),
    /// Nothing with that id (or nothing the caller may see).
    #[oai(status = 404, content_type = "application/problem+json")]
    NotFound(Json<Problem>),
    /// The HTTP method is not supported here; `Allow` lists those that are. (Answered by the router, see
    /// [`problem_from_poem_error`]; declared so that the spec lists every status.)
    #[oai(status = 405, content_type = "application/problem+json")]
    MethodNotAllowed(Json<Problem>, #[oai(header = "Allow")] String),
    /// The request conflicts with the current state, e.g. a petition already published. Also the answer
    /// to a request with an `Idempotency-Key` whose first request is still being handled: then
    /// `Retry-After` says in how many seconds to send it again (docs/api-clients.md).
    #[oai(status = 409, content_type = "application/problem+json")]
    Conflict(Json<Problem>, #[oai(header = "Retry-After")] Option<u64>),
    /// The body is not `application/json` (or, for photos, not a raw image body). Answered by the
    /// framework before the handler; declared so that the spec lists every status.
    #[oai(status = 415, content_type = "application/problem+json")]
    UnsupportedMediaType(Json<Problem>),
    /// The request was read but a value is not acceptable; `field` names it.
    #[oai(status = 422, content_type = "application/problem+json")]
    Unprocessable(Json<Problem>),
    /// Too many requests from this address; retry after the given number of seconds.
    #[oai(status = 429, content_type = "application/problem+json")]
    TooManyRequests(Json<Problem>, #[oai(header = "Retry-After")] u64),
    /// Something failed on our side; the request id in `x-request-id` helps us find it.
    #[oai(status = 500, content_type = "application/problem+json")]
    Internal(Json<Problem>),
    /// A dependency (the database) is not available right now; retry after the given number of seconds.
    #[oai(status = 503, content_type = "application/problem+json")]
    Unavailable(Json<Problem>, #[oai(header = "Retry-After")] u64),
}

pub type ApiResult<T> = Result<T, ApiError>;

impl From<AppError> for ApiError {
    fn from(err: AppError) -> Self {
        match err.outage_as_unavailable() {
            AppError::BadRequest(detail) => {
                ApiError::BadRequest(Json(Problem::new(StatusCode::BAD_REQUEST, "bad-request", detail)))
            }
            AppError::Validation { field, message } => {
                let mut problem = Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "validation", message);
                problem.field = field;
                ApiError::Unprocessable(Json(problem))
            }
            AppError::Unauthorized(detail) => {
                ApiError::Unauthorized(Json(Problem::new(StatusCode::UNAUTHORIZED, "unauthorized", detail)))
            }
            AppError::Forbidden(detail) => {
                ApiError::Forbidden(Json(Problem::new(StatusCode::FORBIDDEN, "forbidden", detail)))
            }
            AppError::NotFound(detail) => {
                ApiError::NotFound(Json(Problem::new(StatusCode::NOT_FOUND, "not-found", detail)))
            }
            AppError::Conflict(detail) => {
                ApiError::Conflict(Json(Problem::new(StatusCode::CONFLICT, "conflict", detail)), None)
            }
            AppError::TooManyRequests { message, retry_after_seconds } => ApiError::TooManyRequests(
                Json(Problem::new(StatusCode::TOO_MANY_REQUESTS, "rate-limited", message)),
                retry_after_seconds,
            ),
            AppError::Unavailable(detail) => ApiError::Unavailable(
                Json(Problem::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", detail)),
                UNAVAILABLE_RETRY_AFTER_SECONDS,
            ),
            AppError::Internal(source) => {
                tracing::error!(error = ?source, "internal error");
                ApiError::Internal(Json(Problem::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "something went wrong on our side; please try again, and report the x-request-id header if it persists",
                )))
            }
        }
    }
}

impl From<DbErr> for ApiError {
    fn from(err: DbErr) -> Self {
        AppError::from(err).into()
    }
}

/// Renders any error that reached the top of the stack as problem+json.
///
/// Our own [`ApiError`]s arrive already rendered; the framework's errors (body parse failures,
/// unknown routes, wrong methods, missing bearer tokens) are given a message a person can act on.
pub fn problem_from_poem_error(err: poem::Error) -> poem::Response {
    if err.is_from_response() {
        return err.into_response();
    }
    if let Some(problem) = out_of_range_parameter(&err) {
        return problem.into_response();
    }
    let status = err.status();
    let (slug, detail) = match status {
        StatusCode::NOT_FOUND => ("not-found", "there is no such resource; see /docs for the API".to_owned()),
        StatusCode::METHOD_NOT_ALLOWED => {
            ("method-not-allowed", "this resource does not support that HTTP method".to_owned())
        }
        StatusCode::UNAUTHORIZED => (
            "unauthorized",
            "this needs a login: send `Authorization: Bearer <token>` with a token from POST /api/v1/sessions"
                .to_owned(),
        ),
        StatusCode::PAYLOAD_TOO_LARGE => ("payload-too-large", err.to_string()),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            ("unsupported-media-type", format!("{err}; send the body as `Content-Type: application/json`"))
        }
        s if s.is_server_error() => {
            tracing::error!(error = %err, "unhandled server error");
            ("internal", "something went wrong on our side; please try again".to_owned())
        }
        _ => ("bad-request", err.to_string()),
    };
    Problem::new(status, slug, detail).into_response()
}

/// A value that was read but is out of its documented range: a query or path parameter (see
/// `api::paging`) or a body field over a declared bound such as `maxItems`. A 422 naming the field,
/// like any other unacceptable value.
fn out_of_range_parameter(err: &poem::Error) -> Option<Problem> {
    let (field, detail) = if let Some(param) = err.downcast_ref::<poem_openapi::error::ParseParamError>() {
        let (_, detail) = param.reason.split_once(crate::api::paging::OUT_OF_RANGE)?;
        (param.name.to_owned(), detail.to_owned())
    } else {
        // poem-openapi's own validators say "field `name` verification failed. maxItems(100)".
        let payload = err.downcast_ref::<poem_openapi::error::ParseRequestPayloadError>()?;
        let (_, rest) = payload.reason.split_once("field `")?;
        let (field, rule) = rest.split_once("` verification failed. ")?;
        let rule = rule.split(" (occurred while").next().unwrap_or(rule);
        (field.to_owned(), format!("`{field}` is out of bounds: {rule}"))
    };
    let mut problem = Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "validation", detail);
    problem.field = Some(field);
    Some(problem)
}
