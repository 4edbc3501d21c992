//! Accounts over HTTP: register → verification mail → verified → login (bearer token) → logout;
//! password reset by mail; administrators list accounts and grant roles. Each handler parses, calls one
//! use case of `service::accounts` and renders.
use std::net::IpAddr;

use chrono::{DateTime, Utc};
use poem::{Request, web::Data};
use poem_openapi::{ApiResponse, Enum, Object, OpenApi, param::Path, param::Query, payload::Json};

use super::{ApiTags, AppState, BearerAuth, text::Line};
use crate::api::idempotency::IdempotencyKey;
use crate::{
    domain::{
        accounts::{FullName, Language, Password, Role, token_digest},
        text::limits,
    },
    error::{ApiResult, AppError},
    service::accounts::{self, Account, Registration},
};

/// A global role. Officers and heads are memberships of one organisation, not roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "lowercase")]
pub enum RoleCode {
    Citizen,
    Moderator,
    Administrator,
}

impl From<Role> for RoleCode {
    fn from(role: Role) -> Self {
        match role {
            Role::Citizen => RoleCode::Citizen,
            Role::Moderator => RoleCode::Moderator,
            Role::Administrator => RoleCode::Administrator,
        }
    }
}

/// Whether the address was confirmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "lowercase")]
pub enum AccountState {
    /// Until the e-mail link is followed.
    Unverified,
    Active,
}

/// The language of mails and pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "lowercase")]
pub enum LanguageCode {
    Uk,
    En,
}

#[derive(Debug, Object)]
pub struct RegisterRequest {
    /// Surname and given name (and patronymic, if any), as the law requires for an appeal.
    pub full_name: Line<{ FullName::MAX_CHARS }>,
    pub email: Line<{ limits::EMAIL }>,
    /// At least 10 characters.
    pub password: Line<{ Password::MAX_CHARS }>,
    /// `uk` (default) or `en`: the language of mails.
    #[oai(nullable)]
    pub language: Option<Line<{ limits::CODE }>>,
}

/// An account as its owner (or an administrator) sees it.
#[derive(Debug, Object)]
pub struct AccountView {
    pub id: i32,
    pub full_name: String,
    pub email: String,
    pub language: LanguageCode,
    pub role: RoleCode,
    pub state: AccountState,
    #[oai(nullable)]
    pub email_verified_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl From<Account> for AccountView {
    fn from(a: Account) -> Self {
        AccountView {
            id: a.id,
            state: if a.verified() { AccountState::Active } else { AccountState::Unverified },
            language: match a.language() {
                Language::Uk => LanguageCode::Uk,
                Language::En => LanguageCode::En,
            },
            role: a.role.into(),
            full_name: a.full_name,
            email: a.email,
            email_verified_at: a.email_verified_at,
            created_at: a.created_at,
        }
    }
}

#[derive(Debug, Object)]
pub struct TokenRequest {
    /// The code from the mail.
    pub token: Line<{ limits::CODE }>,
}

#[derive(Debug, Object)]
pub struct EmailRequest {
    pub email: Line<{ limits::EMAIL }>,
}

#[derive(Debug, Object)]
pub struct LoginRequest {
    pub email: Line<{ limits::EMAIL }>,
    pub password: Line<{ Password::MAX_CHARS }>,
}

#[derive(Debug, Object)]
pub struct SessionView {
    /// Send as `Authorization: Bearer <token>`. Shown once; we keep only its hash.
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub account: AccountView,
}

#[derive(Debug, Object)]
pub struct PasswordResetConfirm {
    /// The code from the reset mail.
    pub token: Line<{ limits::CODE }>,
    pub new_password: Line<{ Password::MAX_CHARS }>,
}

#[derive(Debug, Object)]
pub struct RoleChange {
    /// `citizen`, `moderator` or `administrator`.
    pub role: Line<{ limits::CODE }>,
}

#[derive(Debug, Object)]
pub struct Accepted {
    pub message: String,
}

#[derive(ApiResponse)]
pub enum RegisterResponse {
    /// A mail is on its way to the address: the verification link for a new account, or, when the
    /// address has an account already, a note saying so (the answer is the same either way).
    #[oai(status = 202)]
    Accepted(Json<RegistrationReceipt>),
}

/// The same for every registration accepted, whether or not the address was known.
#[derive(Debug, Object)]
pub struct RegistrationReceipt {
    /// The address the mail goes to (normalised).
    pub email: String,
    pub message: String,
}

#[derive(ApiResponse)]
pub enum LoginResponse {
    /// Logged in.
    #[oai(status = 201)]
    Created(Json<SessionView>),
}

#[derive(ApiResponse)]
pub enum AcceptedResponse {
    /// Accepted; if the address belongs to an account, a mail is on its way.
    #[oai(status = 202)]
    Accepted(Json<Accepted>),
}

/// Runs `send` (a use case that mails an address if it has an account, rate-limited per client address)
/// and answers 202 with `said`, the same whether or not the address has an account.
async fn mail_if_known(
    state: &AppState,
    req: &Request,
    body: EmailRequest,
    send: impl AsyncFnOnce(&AppState, IpAddr, &str) -> Result<(), AppError>,
    said: &str,
) -> ApiResult<AcceptedResponse> {
    send(state, state.client_ip(req), &body.email.read("email")?).await?;
    Ok(AcceptedResponse::Accepted(Json(Accepted { message: said.into() })))
}

#[derive(ApiResponse)]
pub enum NoContent {
    /// Done.
    #[oai(status = 204)]
    Done,
}

#[derive(Default)]
pub struct AccountsApi;

#[OpenApi(tag = "ApiTags::Accounts")]
impl AccountsApi {
    /// Register a citizen account
    ///
    /// Creates an unverified account and mails a verification link. When the address has an account
    /// already, nothing is created and the mail tells its owner; the answer is the same 202 either way,
    /// so it cannot be used to find out who is registered. Rate-limited per address.
    #[oai(path = "/accounts", method = "post")]
    async fn register(
        &self,
        state: Data<&AppState>,
        req: &Request,
        /// Makes a retry safe: the same key and body get the first answer again and create nothing (see docs/api-clients.md).
        #[oai(name = "Idempotency-Key")]
        _key: IdempotencyKey,
        body: Json<RegisterRequest>,
    ) -> ApiResult<RegisterResponse> {
        let RegisterRequest { full_name, email, password, language } = body.0;
        let registration = Registration {
            full_name: full_name.read("full_name")?,
            email: email.read("email")?,
            password: password.raw("password")?,
            language: Line::read_optional(language, "language")?,
        };
        let address = accounts::register(&state, state.client_ip(req), registration).await?;
        Ok(RegisterResponse::Accepted(Json(RegistrationReceipt {
            email: address,
            message: "We mailed this address: open the link in the mail to confirm it and finish the registration."
                .into(),
        })))
    }

    /// Confirm an e-mail address (the link in the mail)
    #[oai(path = "/accounts/verify-email", method = "get")]
    async fn verify_email_link(&self, state: Data<&AppState>, token: Query<String>) -> ApiResult<Json<AccountView>> {
        Ok(Json(accounts::verify_email(&state, &token.0).await?.into()))
    }

    /// Confirm an e-mail address with the code from the mail
    #[oai(path = "/accounts/verify-email", method = "post")]
    async fn verify_email(&self, state: Data<&AppState>, body: Json<TokenRequest>) -> ApiResult<Json<AccountView>> {
        let token = body.0.token.read("token")?;
        Ok(Json(accounts::verify_email(&state, &token).await?.into()))
    }

    /// Send the verification mail again
    ///
    /// Always answers 202, whether or not the address has an account, so it cannot be used to find out who is registered.
    #[oai(path = "/accounts/verification-mail", method = "post")]
    async fn resend_verification(
        &self,
        state: Data<&AppState>,
        req: &Request,
        body: Json<EmailRequest>,
    ) -> ApiResult<AcceptedResponse> {
        let said = "if this address has an unverified account, a new verification mail is on its way";
        mail_if_known(&state, req, body.0, accounts::resend_verification, said).await
    }

    /// Log in
    ///
    /// Returns an opaque bearer token. Rate-limited per address.
    #[oai(path = "/sessions", method = "post")]
    async fn login(&self, state: Data<&AppState>, req: &Request, body: Json<LoginRequest>) -> ApiResult<LoginResponse> {
        let LoginRequest { email, password } = body.0;
        let (email, password) = (email.read("email")?, password.raw("password")?);
        let session = accounts::login(&state, state.client_ip(req), &email, &password).await?;
        Ok(LoginResponse::Created(Json(SessionView {
            token: session.token,
            expires_at: session.expires_at,
            account: session.account.into(),
        })))
    }

    /// Log out
    ///
    /// The token stops working at once.
    #[oai(path = "/sessions/current", method = "delete")]
    async fn logout(&self, state: Data<&AppState>, auth: BearerAuth) -> ApiResult<NoContent> {
        state.authenticate(&auth).await?;
        accounts::logout(&state, &token_digest(&auth.0.token)).await?;
        Ok(NoContent::Done)
    }

    /// The logged-in account
    #[oai(path = "/accounts/me", method = "get")]
    async fn me(&self, state: Data<&AppState>, auth: BearerAuth) -> ApiResult<Json<AccountView>> {
        let actor = state.actor(&auth).await?;
        Ok(Json(accounts::me(&state, &actor).await?.into()))
    }

    /// Ask for a password reset code
    ///
    /// Always answers 202, so it cannot be used to find out who is registered. Rate-limited per address.
    #[oai(path = "/password-reset", method = "post")]
    async fn request_password_reset(
        &self,
        state: Data<&AppState>,
        req: &Request,
        body: Json<EmailRequest>,
    ) -> ApiResult<AcceptedResponse> {
        let said = "if this address has an account, a reset code is on its way";
        mail_if_known(&state, req, body.0, accounts::request_password_reset, said).await
    }

    /// Set a new password with the mailed code
    ///
    /// Every session of the account is logged out.
    #[oai(path = "/password-reset/confirm", method = "post")]
    async fn confirm_password_reset(
        &self,
        state: Data<&AppState>,
        req: &Request,
        body: Json<PasswordResetConfirm>,
    ) -> ApiResult<NoContent> {
        let PasswordResetConfirm { token, new_password } = body.0;
        let (token, new_password) = (token.read("token")?, new_password.raw("new_password")?);
        accounts::reset_password(&state, state.client_ip(req), &token, &new_password).await?;
        Ok(NoContent::Done)
    }

    /// List accounts (administrators)
    #[oai(path = "/accounts", method = "get")]
    async fn list(&self, state: Data<&AppState>, auth: BearerAuth) -> ApiResult<Json<Vec<AccountView>>> {
        let actor = state.actor(&auth).await?;
        Ok(Json(accounts::list(&state, &actor).await?.into_iter().map(AccountView::from).collect()))
    }

    /// Grant or remove a global role (administrators)
    #[oai(path = "/accounts/:id/role", method = "put")]
    async fn change_role(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i32>,
        body: Json<RoleChange>,
    ) -> ApiResult<Json<AccountView>> {
        let actor = state.actor(&auth).await?;
        let role = Role::parse(&body.0.role.read("role")?)?;
        Ok(Json(accounts::change_role(&state, &actor, id.0, role).await?.into()))
    }
}
