//! Accounts: register → verification mail → verified → login (a session of the sessions table) →
//! logout; password reset by mail; administrators list accounts and grant roles; every request's
//! session looked up (and briefly cached) by [`authenticate`]. The API and the web pages both call these.
use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};

use super::{Actor, AppState, CachedSession, rate_limit::Limit};
use crate::{
    domain::{
        accounts::{
            Email, FullName, Language, Password, Role, TokenPurpose, dummy_password_hash, token_digest, verify_password,
        },
        authorization::{Action, Principal, authorize},
        notify::{Notification, render},
    },
    error::AppError,
    mail::links,
    storage::{
        self,
        accounts::{MailedToken, NewAccount},
    },
};

/// An account as its owner (or an administrator) sees it; never shown to the public.
#[derive(Debug, Clone)]
pub struct Account {
    pub id: i32,
    pub full_name: String,
    pub email: String,
    /// `uk` or `en`: the language of mails (and of the pages, once logged in).
    pub language: String,
    pub role: Role,
    pub email_verified_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl Account {
    /// `unverified` until the e-mail link is followed, then `active`.
    pub fn verified(&self) -> bool {
        self.email_verified_at.is_some()
    }

    pub fn language(&self) -> Language {
        Language::parse(&self.language).unwrap_or_default()
    }
}

impl TryFrom<entity::accounts::Model> for Account {
    type Error = AppError;

    fn try_from(a: entity::accounts::Model) -> Result<Self, AppError> {
        let role = Role::parse(&a.role).map_err(|_| anyhow::anyhow!("account {} has a bad role", a.id))?;
        Ok(Account {
            id: a.id,
            full_name: a.full_name,
            email: a.email,
            language: a.language,
            role,
            email_verified_at: a.email_verified_at,
            created_at: a.created_at,
        })
    }
}

/// A registration, as typed.
pub struct Registration {
    pub full_name: String,
    pub email: String,
    pub password: String,
    pub language: Option<String>,
}

/// A new login: the token is shown once (we keep its digest only).
pub struct Session {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub account: Account,
}

/// Argon2 is deliberately slow; keep it off the async workers.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, AppError> {
    tokio::task::spawn_blocking(f).await.map_err(|e| AppError::Internal(anyhow::anyhow!("blocking task: {e}")))
}

fn verification_token(
    state: &AppState,
    language: Language,
    full_name: &str,
    email: &Email,
    now: DateTime<Utc>,
) -> Result<MailedToken, AppError> {
    let token = super::secrets::new_token();
    let hours = state.settings.verification_ttl_hours;
    let link = links::email_confirmation(&state.settings.public_url, token.as_str());
    let notification = Notification::VerifyEmail { link, code: token.as_str().to_owned(), valid_hours: hours };
    Ok(MailedToken {
        digest: token.digest(),
        expires_at: now + Duration::hours(hours.into()),
        mail: render(&notification, language, full_name, email)?,
    })
}

/// Registers a citizen and mails the verification link; when the address has an account already,
/// mails its owner instead. Returns the normalised address; the outcome is the same either way, so a
/// registration cannot tell anyone who is registered. Rate-limited per client address.
pub async fn register(state: &AppState, ip: IpAddr, input: Registration) -> Result<String, AppError> {
    state.limits.check(Limit::Register, ip)?;
    let email = Email::parse(&input.email)?;
    let full_name = FullName::parse(&input.full_name)?;
    let password = Password::parse(&input.password, "password")?;
    let language = input.language.as_deref().map(Language::parse).transpose()?.unwrap_or_default();
    let now = Utc::now();
    let verification = verification_token(state, language, full_name.as_str(), &email, now)?;
    let password_hash = blocking(move || super::secrets::hash_password(&password)).await??;
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
    Ok(address)
}

/// Follows a verification link (or its code): unverified → active.
pub async fn verify_email(state: &AppState, token: &str) -> Result<Account, AppError> {
    storage::accounts::verify_email(&state.db, &token_digest(token.trim()), Utc::now()).await?.try_into()
}

/// Mails a new verification link when the address has an unverified account; silent otherwise.
pub async fn resend_verification(state: &AppState, ip: IpAddr, email: &str) -> Result<(), AppError> {
    state.limits.check(Limit::Register, ip)?;
    let email = Email::parse(email)?;
    let account = storage::accounts::find_by_email(&state.db, &email).await?;
    if let Some(account) = account.filter(|a| a.email_verified_at.is_none()) {
        let now = Utc::now();
        let language = Language::parse(&account.language).unwrap_or_default();
        let token = verification_token(state, language, &account.full_name, &email, now)?;
        storage::accounts::issue_token(&state.db, account.id, TokenPurpose::VerifyEmail, token, now).await?;
        state.mail_wake.notify_one();
    }
    Ok(())
}

/// The one answer to a wrong address or password, so neither reveals who is registered.
pub const WRONG_CREDENTIALS: &str = "the e-mail address or the password is wrong";
/// The answer to a right password of an address not yet confirmed.
pub const UNVERIFIED: &str = "confirm your e-mail address first: follow the link in the mail we sent, or ask for a new one at POST /api/v1/accounts/verification-mail";

/// Logs in: a new session of the sessions table. Rate-limited per client address.
pub async fn login(state: &AppState, ip: IpAddr, email: &str, password: &str) -> Result<Session, AppError> {
    state.limits.check(Limit::Login, ip)?;
    let wrong = || AppError::Unauthorized(WRONG_CREDENTIALS.into());
    let email = Email::parse(email).map_err(|_| wrong())?;
    let account = storage::accounts::find_by_email(&state.db, &email).await?;
    // Verify against a dummy hash when there is no account, so timing does not reveal who is registered.
    let stored = account.as_ref().map(|a| a.password_hash.clone()).unwrap_or_else(|| dummy_password_hash().to_owned());
    let typed = password.to_owned();
    let matches = blocking(move || verify_password(&typed, &stored)).await?;
    let account: Account = match account {
        Some(account) if matches => account.try_into()?,
        _ => return Err(wrong()),
    };
    if !account.verified() {
        return Err(AppError::Forbidden(UNVERIFIED.into()));
    }
    let now = Utc::now();
    let token = super::secrets::new_token();
    let expires_at = now + Duration::hours(state.settings.session_ttl_hours.into());
    storage::accounts::create_session(&state.db, account.id, token.digest(), expires_at, now).await?;
    Ok(Session { token: token.as_str().to_owned(), expires_at, account })
}

/// Logs the session with this token digest out; it stops working at once.
pub async fn logout(state: &AppState, digest: &str) -> Result<(), AppError> {
    storage::accounts::revoke_session(&state.db, digest, Utc::now()).await?;
    state.sessions.forget(digest);
    Ok(())
}

/// Mails a password reset code when the address has an account; silent otherwise.
pub async fn request_password_reset(state: &AppState, ip: IpAddr, email: &str) -> Result<(), AppError> {
    state.limits.check(Limit::PasswordReset, ip)?;
    let email = Email::parse(email)?;
    if let Some(account) = storage::accounts::find_by_email(&state.db, &email).await? {
        let now = Utc::now();
        let token = super::secrets::new_token();
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
    Ok(())
}

/// Sets a new password with a mailed code; every session of the account is logged out.
pub async fn reset_password(state: &AppState, ip: IpAddr, token: &str, new_password: &str) -> Result<(), AppError> {
    state.limits.check(Limit::PasswordReset, ip)?;
    let password = Password::parse(new_password, "new_password")?;
    let hash = blocking(move || super::secrets::hash_password(&password)).await??;
    storage::accounts::reset_password(&state.db, &token_digest(token.trim()), hash, Utc::now()).await?;
    // Every session of the account ended; which tokens were cached for it is not known here.
    state.sessions.forget_all();
    Ok(())
}

fn person(actor: &Actor) -> Result<&Principal, AppError> {
    actor.principal().ok_or_else(|| AppError::Unauthorized("log in first".into()))
}

/// The signed-in person's own account.
pub async fn me(state: &AppState, actor: &Actor) -> Result<Account, AppError> {
    let principal = person(actor)?;
    authorize(principal, Action::ManageOwnAccount)?;
    account(state, principal.account_id).await
}

async fn account(state: &AppState, id: i32) -> Result<Account, AppError> {
    storage::accounts::get(&state.db, id).await?.try_into()
}

/// Changes the signed-in person's language (of mails and pages).
pub async fn set_language(state: &AppState, actor: &Actor, language: &str) -> Result<Account, AppError> {
    let principal = person(actor)?;
    authorize(principal, Action::ManageOwnAccount)?;
    let language = Language::parse(language)?;
    let account = storage::accounts::set_language(&state.db, principal.account_id, language, Utc::now()).await?;
    state.sessions.forget_all();
    account.try_into()
}

/// Every account (administrators).
pub async fn list(state: &AppState, actor: &Actor) -> Result<Vec<Account>, AppError> {
    authorize(person(actor)?, Action::ListAccounts)?;
    storage::accounts::list(&state.db).await?.into_iter().map(Account::try_from).collect()
}

/// The most accounts one search lists.
pub const SEARCH_LIMIT: usize = 100;

/// Accounts whose name or e-mail contains `query` (any case; every account for an empty one), at most
/// [`SEARCH_LIMIT`], with the number found (administrators).
pub async fn search(state: &AppState, actor: &Actor, query: &str) -> Result<(Vec<Account>, usize), AppError> {
    authorize(person(actor)?, Action::ListAccounts)?;
    let (found, total) = storage::accounts::search(&state.db, query.trim(), SEARCH_LIMIT as u64).await?;
    let found = found.into_iter().map(Account::try_from).collect::<Result<Vec<_>, _>>()?;
    Ok((found, total as usize))
}

/// Grants or removes a global role (administrators; not their own).
pub async fn change_role(state: &AppState, actor: &Actor, target: i32, role: Role) -> Result<Account, AppError> {
    let principal = person(actor)?;
    authorize(principal, Action::ChangeAccountRole { target_account_id: target })?;
    let account = storage::accounts::change_role(&state.db, principal.account_id, target, role, Utc::now()).await?;
    state.sessions.forget_all();
    account.try_into()
}

/// The account and memberships of the live session with this token digest, from the short-lived
/// cache or the database.
pub async fn authenticate(state: &AppState, digest: String) -> Result<(Principal, Account), AppError> {
    let CachedSession { account, memberships } = match state.sessions.get(&digest) {
        Some(session) => session,
        None => {
            let row =
                storage::accounts::account_for_session(&state.db, &digest, Utc::now()).await?.ok_or_else(|| {
                    AppError::Unauthorized(
                        "the token is unknown, expired or logged out; log in again at POST /api/v1/sessions".into(),
                    )
                })?;
            let account = Account::try_from(row)?;
            let memberships = storage::directory::memberships_of(&state.db, account.id).await?;
            let session = CachedSession { account, memberships };
            state.sessions.put(digest, session.clone());
            session
        }
    };
    Ok((Principal { account_id: account.id, role: account.role, memberships }, account))
}
