//! Accounts over HTTP: register → verification mail → verified → login (bearer token) → logout;
//! password reset by mail; administrators list accounts and grant roles.
use chrono::{DateTime, Duration, Utc};
use poem::{Request, web::Data};
use poem_openapi::{ApiResponse, Object, OpenApi, param::Path, param::Query, payload::Json};

use super::{ApiTags, AppState, BearerAuth, rate_limit::Limit, text::Line};
use crate::{
    domain::{
        accounts::{
            Email, FullName, Language, Password, Role, TokenPurpose, dummy_password_hash, token_digest, verify_password,
        },
        authorization::{Action, authorize},
        notify::{Notification, render},
        text::limits,
    },
    error::{ApiResult, AppError},
    mail::links,
    storage::{
        self,
        accounts::{MailedToken, NewAccount},
    },
};

#[derive(Debug, Object)]
pub struct RegisterRequest {
    /// Surname and given name (and patronymic, if any), as the law requires for an appeal.
    pub full_name: Line<{ FullName::MAX_CHARS }>,
    pub email: Line<{ limits::EMAIL }>,
    /// At least 10 characters.
    pub password: String,
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
    pub language: String,
    /// `citizen`, `moderator` or `administrator`.
    pub role: String,
    /// `unverified` until the e-mail link is followed, then `active`.
    pub state: String,
    #[oai(nullable)]
    pub email_verified_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl From<entity::accounts::Model> for AccountView {
    fn from(a: entity::accounts::Model) -> Self {
        AccountView {
            id: a.id,
            state: storage::accounts::state_of(&a).to_owned(),
            full_name: a.full_name,
            email: a.email,
            language: a.language,
            role: a.role,
            email_verified_at: a.email_verified_at,
            created_at: a.created_at,
        }
    }
}

#[derive(Debug, Object)]
pub struct TokenRequest {
    /// The code from the mail.
    pub token: String,
}

#[derive(Debug, Object)]
pub struct EmailRequest {
    pub email: String,
}

#[derive(Debug, Object)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
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
    pub token: String,
    pub new_password: String,
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

#[derive(ApiResponse)]
pub enum NoContent {
    /// Done.
    #[oai(status = 204)]
    Done,
}

pub struct AccountsApi;

/// Argon2 is deliberately slow; keep it off the async workers.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, AppError> {
    tokio::task::spawn_blocking(f).await.map_err(|e| AppError::Internal(anyhow::anyhow!("blocking task: {e}")))
}

impl AppState {
    fn verification_token(
        &self,
        language: Language,
        full_name: &str,
        email: &Email,
        now: DateTime<Utc>,
    ) -> Result<MailedToken, AppError> {
        let token = crate::service::secrets::new_token();
        let hours = self.settings.verification_ttl_hours;
        let link = links::email_confirmation(&self.settings.public_url, token.as_str());
        let notification = Notification::VerifyEmail { link, code: token.as_str().to_owned(), valid_hours: hours };
        Ok(MailedToken {
            digest: token.digest(),
            expires_at: now + Duration::hours(hours.into()),
            mail: render(&notification, language, full_name, email)?,
        })
    }
}

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
        #[oai(name = "Idempotency-Key", validator(min_length = 1, max_length = 255, pattern = r"^[!-~]+$"))]
        _idempotency_key: poem_openapi::param::Header<Option<String>>,
        body: Json<RegisterRequest>,
    ) -> ApiResult<RegisterResponse> {
        state.limits.check(Limit::Register, state.client_ip(req))?;
        let RegisterRequest { full_name, email, password, language } = body.0;
        let email = Email::parse(&email.read("email")?)?;
        let full_name = FullName::parse(&full_name.read("full_name")?)?;
        let password = Password::parse(&password, "password")?;
        let language = Line::read_optional(language, "language")?;
        let language = language.as_deref().map(Language::parse).transpose()?.unwrap_or_default();
        let now = Utc::now();
        let verification = state.verification_token(language, full_name.as_str(), &email, now)?;
        let password_hash = blocking(move || crate::service::secrets::hash_password(&password)).await??;
        let address = email.as_str().to_owned();
        let reset_request_link = links::password_reset_request(&state.settings.public_url);
        let already_registered = |existing: &entity::accounts::Model| {
            let notification = Notification::AlreadyRegistered { link: reset_request_link };
            let language = Language::parse(&existing.language).unwrap_or_default();
            Ok(render(&notification, language, &existing.full_name, &Email::parse(&existing.email)?)?)
        };
        storage::accounts::register_or_tell_owner(
            &state.db,
            NewAccount { email, full_name, password_hash, language, role: Role::Citizen, verified: false },
            verification,
            already_registered,
            now,
        )
        .await?;
        state.mail_wake.notify_one();
        Ok(RegisterResponse::Accepted(Json(RegistrationReceipt {
            email: address,
            message: "We mailed this address: open the link in the mail to confirm it and finish the registration."
                .into(),
        })))
    }

    /// Confirm an e-mail address (the link in the mail)
    #[oai(path = "/accounts/verify-email", method = "get")]
    async fn verify_email_link(&self, state: Data<&AppState>, token: Query<String>) -> ApiResult<Json<AccountView>> {
        let account = storage::accounts::verify_email(&state.db, &token_digest(&token.0), Utc::now()).await?;
        Ok(Json(account.into()))
    }

    /// Confirm an e-mail address with the code from the mail
    #[oai(path = "/accounts/verify-email", method = "post")]
    async fn verify_email(&self, state: Data<&AppState>, body: Json<TokenRequest>) -> ApiResult<Json<AccountView>> {
        let account = storage::accounts::verify_email(&state.db, &token_digest(&body.token), Utc::now()).await?;
        Ok(Json(account.into()))
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
        state.limits.check(Limit::Register, state.client_ip(req))?;
        let email = Email::parse(&body.email)?;
        let account = storage::accounts::find_by_email(&state.db, &email).await?;
        if let Some(account) = account.filter(|a| a.email_verified_at.is_none()) {
            let now = Utc::now();
            let language = Language::parse(&account.language).unwrap_or_default();
            let token = state.verification_token(language, &account.full_name, &email, now)?;
            storage::accounts::issue_token(&state.db, account.id, TokenPurpose::VerifyEmail, token, now).await?;
            state.mail_wake.notify_one();
        }
        Ok(AcceptedResponse::Accepted(Json(Accepted {
            message: "if this address has an unverified account, a new verification mail is on its way".into(),
        })))
    }

    /// Log in
    ///
    /// Returns an opaque bearer token. Rate-limited per address.
    #[oai(path = "/sessions", method = "post")]
    async fn login(&self, state: Data<&AppState>, req: &Request, body: Json<LoginRequest>) -> ApiResult<LoginResponse> {
        state.limits.check(Limit::Login, state.client_ip(req))?;
        let wrong = || AppError::Unauthorized("the e-mail address or the password is wrong".into());
        let email = Email::parse(&body.email).map_err(|_| wrong())?;
        let account = storage::accounts::find_by_email(&state.db, &email).await?;
        // Verify against a dummy hash when there is no account, so timing does not reveal who is registered.
        let stored =
            account.as_ref().map(|a| a.password_hash.clone()).unwrap_or_else(|| dummy_password_hash().to_owned());
        let typed = body.password.clone();
        let matches = blocking(move || verify_password(&typed, &stored)).await?;
        let account = match account {
            Some(account) if matches => account,
            _ => return Err(wrong().into()),
        };
        if account.email_verified_at.is_none() {
            return Err(AppError::Forbidden(
                "confirm your e-mail address first: follow the link in the mail we sent, or ask for a new one at POST /api/v1/accounts/verification-mail".into(),
            )
            .into());
        }
        let now = Utc::now();
        let token = crate::service::secrets::new_token();
        let expires_at = now + Duration::hours(state.settings.session_ttl_hours.into());
        storage::accounts::create_session(&state.db, account.id, token.digest(), expires_at, now).await?;
        Ok(LoginResponse::Created(Json(SessionView {
            token: token.as_str().to_owned(),
            expires_at,
            account: account.into(),
        })))
    }

    /// Log out
    ///
    /// The token stops working at once.
    #[oai(path = "/sessions/current", method = "delete")]
    async fn logout(&self, state: Data<&AppState>, auth: BearerAuth) -> ApiResult<NoContent> {
        state.authenticate(&auth).await?;
        let digest = token_digest(&auth.0.token);
        storage::accounts::revoke_session(&state.db, &digest, Utc::now()).await?;
        state.sessions.forget(&digest);
        Ok(NoContent::Done)
    }

    /// The logged-in account
    #[oai(path = "/accounts/me", method = "get")]
    async fn me(&self, state: Data<&AppState>, auth: BearerAuth) -> ApiResult<Json<AccountView>> {
        let (principal, account) = state.authenticate(&auth).await?;
        authorize(&principal, Action::ManageOwnAccount)?;
        Ok(Json(account.into()))
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
        state.limits.check(Limit::PasswordReset, state.client_ip(req))?;
        let email = Email::parse(&body.email)?;
        if let Some(account) = storage::accounts::find_by_email(&state.db, &email).await? {
            let now = Utc::now();
            let token = crate::service::secrets::new_token();
            let minutes = state.settings.password_reset_ttl_minutes;
            let notification = Notification::PasswordReset {
                code: token.as_str().to_owned(),
                link: links::password_reset(&state.settings.public_url, token.as_str()),
                valid_minutes: minutes,
            };
            let language = Language::parse(&account.language).unwrap_or_default();
            let mailed = MailedToken {
                digest: token.digest(),
                expires_at: now + Duration::minutes(minutes.into()),
                mail: render(&notification, language, &account.full_name, &email)?,
            };
            storage::accounts::issue_token(&state.db, account.id, TokenPurpose::ResetPassword, mailed, now).await?;
            state.mail_wake.notify_one();
        }
        Ok(AcceptedResponse::Accepted(Json(Accepted {
            message: "if this address has an account, a reset code is on its way".into(),
        })))
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
        state.limits.check(Limit::PasswordReset, state.client_ip(req))?;
        let password = Password::parse(&body.new_password, "new_password")?;
        let hash = blocking(move || crate::service::secrets::hash_password(&password)).await??;
        storage::accounts::reset_password(&state.db, &token_digest(&body.token), hash, Utc::now()).await?;
        // Every session of the account ended; which tokens were cached for it is not known here.
        state.sessions.forget_all();
        Ok(NoContent::Done)
    }

    /// List accounts (administrators)
    #[oai(path = "/accounts", method = "get")]
    async fn list(&self, state: Data<&AppState>, auth: BearerAuth) -> ApiResult<Json<Vec<AccountView>>> {
        let (principal, _) = state.authenticate(&auth).await?;
        authorize(&principal, Action::ListAccounts)?;
        let accounts = storage::accounts::list(&state.db).await?;
        Ok(Json(accounts.into_iter().map(AccountView::from).collect()))
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
        let (principal, _) = state.authenticate(&auth).await?;
        authorize(&principal, Action::ChangeAccountRole { target_account_id: id.0 })?;
        let role = Role::parse(&body.0.role.read("role")?)?;
        let account = storage::accounts::change_role(&state.db, principal.account_id, id.0, role, Utc::now()).await?;
        state.sessions.forget_all();
        Ok(Json(account.into()))
    }
}
