//! HTTP: poem-openapi handlers that parse requests, call one use case of `service` and render the answer.
//! Same module names as `domain` and `storage`.
pub mod accounts;
pub mod api_keys;
pub mod appeals;
pub mod audit;
pub mod calendar;
pub mod codes;
pub mod created;
pub mod directory;
pub mod health;
pub mod idempotency;
pub mod mail;
pub mod martial_law;
pub mod metrics;
pub mod open311;
pub mod open_data;
pub mod paging;
pub mod petitions;
pub mod text;

use std::net::IpAddr;

use poem::Request;
use poem_openapi::{OpenApiService, SecurityScheme, Tags, auth::Bearer};

pub use crate::service::{AppState, CachedSession, SessionCache, accounts::Account, rate_limit};
use crate::{
    domain::{
        accounts::token_digest,
        authorization::{Action, Principal, authorize},
    },
    error::AppError,
    storage,
};

#[derive(Tags)]
pub enum ApiTags {
    /// Registration, e-mail verification, login, password reset, roles.
    Accounts,
    /// Citizens' appeals and "Open City" issue reports: intake, handling, the citizen's loop, map data.
    Appeals,
    /// Working days in Ukraine and the legal deadlines computed from them.
    Calendar,
    /// Organisations, districts, categories and how items are routed to their executor.
    Directory,
    /// E-petitions: statute terms, submission, moderation, signatures, the council's answer.
    Petitions,
    /// The hash-chained log of every transition, for anyone to verify.
    Audit,
    /// Keys for machine clients such as Open311 apps.
    ApiKeys,
    /// Public CSV and JSON exports without personal data, and their schema.
    OpenData,
    /// Response-rate figures, A07 and C03 evidence with estimated scores, executor rankings.
    Metrics,
    /// The mail outbox for administrators: failed mails and retrying them.
    Mail,
}

/// A login token from `POST /api/v1/sessions`.
#[derive(SecurityScheme)]
#[oai(ty = "bearer")]
pub struct BearerAuth(pub Bearer);

pub const API_PREFIX: &str = "/api/v1";

/// Every area's API, in the order the spec lists their paths.
pub type Apis = (
    accounts::AccountsApi,
    appeals::AppealsApi,
    calendar::CalendarApi,
    martial_law::MartialLawApi,
    directory::DirectoryApi,
    api_keys::ApiKeysApi,
    petitions::PetitionsApi,
    audit::AuditApi,
    open_data::OpenDataApi,
    metrics::MetricsApi,
    mail::MailApi,
);

/// The documented API. Built without any state, so the spec can be generated offline (`hromada openapi`).
pub fn service() -> OpenApiService<Apis, ()> {
    OpenApiService::new(Apis::default(), "Hromada", env!("CARGO_PKG_VERSION"))
        .description(
            "E-petitions and citizens' appeals for Ukrainian city councils and municipal enterprises. \
             Every error is an RFC 7807 problem document (`application/problem+json`).",
        )
        .server(API_PREFIX)
}

impl AppState {
    /// The caller behind a bearer token, with their roles.
    pub async fn authenticate(&self, auth: &BearerAuth) -> Result<(Principal, Account), AppError> {
        crate::service::accounts::authenticate(self, token_digest(&auth.0.token)).await
    }

    /// The caller, when the request carries a bearer token (for endpoints that are public but show
    /// more to the people involved). A token that is sent must be valid.
    pub async fn optional_principal(&self, req: &Request) -> Result<Option<Principal>, AppError> {
        match self.bearer_digest(req)? {
            Some(digest) => Ok(Some(crate::service::accounts::authenticate(self, digest).await?.0)),
            None => Ok(None),
        }
    }

    /// The working-day calendar in force (cached briefly; see `storage::calendar::current_calendar`).
    pub async fn calendar(&self) -> Result<crate::domain::calendar::Calendar, AppError> {
        Ok(storage::calendar::current_calendar(&self.db, self.settings.calendar.martial_law_ended_on).await?)
    }

    /// The digest of the request's bearer token, if it carries one.
    pub fn bearer_digest(&self, req: &Request) -> Result<Option<String>, AppError> {
        let Some(header) = req.header("authorization") else { return Ok(None) };
        let token = header
            .strip_prefix("Bearer ")
            .or_else(|| header.strip_prefix("bearer "))
            .ok_or_else(|| AppError::Unauthorized("send `Authorization: Bearer <token>`".into()))?;
        Ok(Some(token_digest(token.trim())))
    }

    /// The caller behind a bearer token, as the use cases of `service` take it.
    pub async fn actor(&self, auth: &BearerAuth) -> Result<crate::service::Actor, AppError> {
        Ok(crate::service::Actor::Person(self.authenticate(auth).await?.0))
    }

    /// The caller, signed in or not (a token, when sent, must be valid), as the use cases take it.
    pub async fn caller(&self, req: &Request) -> Result<crate::service::Actor, AppError> {
        Ok(self.optional_principal(req).await?.into())
    }

    /// The account id of the caller, who must be an administrator.
    pub async fn administrator(&self, auth: &BearerAuth) -> Result<i32, AppError> {
        let (principal, _) = self.authenticate(auth).await?;
        authorize(&principal, Action::Administer)?;
        Ok(principal.account_id)
    }

    /// The client's address for rate limiting: the socket peer, or the first `X-Forwarded-For` entry
    /// when the operator says a trusted proxy sits in front.
    pub fn client_ip(&self, req: &Request) -> IpAddr {
        if self.settings.trust_forwarded_for {
            let forwarded = req
                .header("x-forwarded-for")
                .and_then(|v| v.split(',').next())
                .and_then(|first| first.trim().parse().ok());
            if let Some(ip) = forwarded {
                return ip;
            }
        }
        req.remote_addr().as_socket_addr().map(|a| a.ip()).unwrap_or(IpAddr::from([0, 0, 0, 0]))
    }
}
