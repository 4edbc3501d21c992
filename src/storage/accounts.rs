//! Accounts, their mailed tokens and login sessions. Each state change (registered → verified,
//! password changed, role changed) is one function that also appends the event in the same transaction.
use chrono::{DateTime, Utc};
use entity::{account_tokens, accounts, sessions};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set, sea_query::Expr,
};
use serde_json::json;

use super::events::NewEvent;
use crate::{
    domain::{
        accounts::{Email, FullName, Language, Role, TokenPurpose},
        notify::Mail,
    },
    error::AppError,
};

const SUBJECT: &str = "account";
pub const UNVERIFIED: &str = "unverified";
pub const ACTIVE: &str = "active";

pub fn state_of(account: &accounts::Model) -> &'static str {
    if account.email_verified_at.is_some() { ACTIVE } else { UNVERIFIED }
}

pub struct NewAccount {
    pub email: Email,
    pub full_name: FullName,
    pub password_hash: String,
    pub language: Language,
    pub role: Role,
    /// Set for accounts created by an operator (the first administrator), who vouches for the address.
    pub verified: bool,
}

/// A one-time token to store with the mail that carries it.
pub struct MailedToken {
    pub digest: String,
    pub expires_at: DateTime<Utc>,
    pub mail: Mail,
}

/// Creates the account; with `verification`, also its verification token and mail, all in one transaction.
pub async fn register(
    db: &DatabaseConnection,
    new: NewAccount,
    verification: Option<MailedToken>,
    actor_account_id: Option<i32>,
    now: DateTime<Utc>,
) -> Result<accounts::Model, AppError> {
    let txn = super::begin_write(db).await?;
    let exists = accounts::Entity::find().filter(accounts::Column::Email.eq(new.email.as_str())).one(&txn).await?;
    if exists.is_some() {
        return Err(email_taken());
    }
    let account = accounts::ActiveModel {
        email: Set(new.email.as_str().to_owned()),
        full_name: Set(new.full_name.as_str().to_owned()),
        search_name: Set(search_name(new.full_name.as_str(), new.email.as_str())),
        password_hash: Set(new.password_hash),
        language: Set(new.language.code().to_owned()),
        role: Set(new.role.code().to_owned()),
        email_verified_at: Set(new.verified.then_some(now)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| match AppError::from(e) {
        // Two registrations racing past the check above: the unique index decides.
        AppError::Conflict(_) => email_taken(),
        other => other,
    })?;
    if let Some(token) = verification {
        store_token(&txn, account.id, TokenPurpose::VerifyEmail, &token, now).await?;
    }
    super::idempotency::link_current(&txn, &format!("/api/v1/accounts/{}", account.id)).await?;
    NewEvent::new(
        actor_account_id.or(Some(account.id)),
        (SUBJECT, account.id),
        "registered",
        json!({ "role": new.role.code() }),
    )
    .moved(None, Some(state_of(&account)))
    .append_to(&txn, now)
    .await?;
    txn.commit().await?;
    Ok(account)
}

/// What a citizen's registration did. The caller answers both the same way, so the registration cannot
/// be used to find out which addresses have an account; the mail tells the owner.
pub enum Registration {
    Created(accounts::Model),
    /// The address has an account already: it was mailed `already_registered` instead.
    AlreadyRegistered,
}

/// Registers `new`, or, when its address has an account, queues `already_registered` (rendered for that
/// account by `mail_for_existing`) to it and changes nothing else.
pub async fn register_or_tell_owner(
    db: &DatabaseConnection,
    new: NewAccount,
    verification: MailedToken,
    mail_for_existing: impl FnOnce(&accounts::Model) -> Result<crate::domain::notify::Mail, AppError>,
    now: DateTime<Utc>,
) -> Result<Registration, AppError> {
    let email = new.email.as_str().to_owned();
    match register(db, new, Some(verification), None, now).await {
        Ok(account) => Ok(Registration::Created(account)),
        Err(AppError::Conflict(_)) => {
            let txn = super::begin_write(db).await?;
            let existing = accounts::Entity::find().filter(accounts::Column::Email.eq(email)).one(&txn).await?;
            if let Some(existing) = existing {
                super::notify::enqueue(&txn, &mail_for_existing(&existing)?, now).await?;
            }
            txn.commit().await?;
            Ok(Registration::AlreadyRegistered)
        }
        Err(other) => Err(other),
    }
}

fn email_taken() -> AppError {
    AppError::Conflict("an account with this e-mail address already exists; log in or reset the password".into())
}

async fn store_token(
    conn: &impl ConnectionTrait,
    account_id: i32,
    purpose: TokenPurpose,
    token: &MailedToken,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    account_tokens::ActiveModel {
        account_id: Set(account_id),
        purpose: Set(purpose.code().to_owned()),
        token_hash: Set(token.digest.clone()),
        created_at: Set(now),
        expires_at: Set(token.expires_at),
        used_at: Set(None),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    super::notify::enqueue(conn, &token.mail, now).await?;
    Ok(())
}

/// Stores a fresh one-time token (a new verification link, a password reset code) and queues its mail.
pub async fn issue_token(
    db: &DatabaseConnection,
    account_id: i32,
    purpose: TokenPurpose,
    token: MailedToken,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let txn = super::begin_write(db).await?;
    store_token(&txn, account_id, purpose, &token, now).await?;
    txn.commit().await?;
    Ok(())
}

/// Marks a valid, unused token of `purpose` as used and returns its account, inside `txn`.
async fn consume_token(
    conn: &impl ConnectionTrait,
    digest: &str,
    purpose: TokenPurpose,
    now: DateTime<Utc>,
) -> Result<accounts::Model, AppError> {
    let invalid = || {
        match purpose {
        TokenPurpose::VerifyEmail => AppError::NotFound(
            "this verification link is unknown, already used or expired; ask for a new one at POST /api/v1/accounts/verification-mail".into(),
        ),
        TokenPurpose::ResetPassword => AppError::NotFound(
            "this reset code is unknown, already used or expired; ask for a new one at POST /api/v1/password-reset".into(),
        ),
    }
    };
    // The conditional update makes the token single-use even when two requests race.
    let used = account_tokens::Entity::update_many()
        .col_expr(account_tokens::Column::UsedAt, Expr::value(now))
        .filter(account_tokens::Column::TokenHash.eq(digest))
        .filter(account_tokens::Column::Purpose.eq(purpose.code()))
        .filter(account_tokens::Column::UsedAt.is_null())
        .filter(account_tokens::Column::ExpiresAt.gt(now))
        .exec(conn)
        .await?;
    if used.rows_affected != 1 {
        return Err(invalid());
    }
    let token = account_tokens::Entity::find()
        .filter(account_tokens::Column::TokenHash.eq(digest))
        .one(conn)
        .await?
        .ok_or_else(invalid)?;
    accounts::Entity::find_by_id(token.account_id).one(conn).await?.ok_or_else(invalid)
}

/// Follows a verification link: unverified → active.
pub async fn verify_email(
    db: &DatabaseConnection,
    digest: &str,
    now: DateTime<Utc>,
) -> Result<accounts::Model, AppError> {
    let txn = super::begin_write(db).await?;
    let account = consume_token(&txn, digest, TokenPurpose::VerifyEmail, now).await?;
    if account.email_verified_at.is_some() {
        txn.commit().await?;
        return Ok(account);
    }
    let mut active = account.into_active_model();
    active.email_verified_at = Set(Some(now));
    active.updated_at = Set(now);
    let account = active.update(&txn).await?;
    NewEvent::new(Some(account.id), (SUBJECT, account.id), "email_verified", json!({}))
        .moved(Some(UNVERIFIED), Some(ACTIVE))
        .append_to(&txn, now)
        .await?;
    txn.commit().await?;
    Ok(account)
}

/// Uses a reset code: sets the new password and logs out every session of the account.
pub async fn reset_password(
    db: &DatabaseConnection,
    digest: &str,
    new_password_hash: String,
    now: DateTime<Utc>,
) -> Result<accounts::Model, AppError> {
    let txn = super::begin_write(db).await?;
    let account = consume_token(&txn, digest, TokenPurpose::ResetPassword, now).await?;
    let state = state_of(&account);
    let mut active = account.into_active_model();
    active.password_hash = Set(new_password_hash);
    // Receiving the code proves the address, so a reset also completes verification.
    if active.email_verified_at.as_ref().is_none() {
        active.email_verified_at = Set(Some(now));
    }
    active.updated_at = Set(now);
    let account = active.update(&txn).await?;
    sessions::Entity::update_many()
        .col_expr(sessions::Column::RevokedAt, Expr::value(now))
        .filter(sessions::Column::AccountId.eq(account.id))
        .filter(sessions::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    NewEvent::new(Some(account.id), (SUBJECT, account.id), "password_reset", json!({}))
        .moved(Some(state), Some(state_of(&account)))
        .append_to(&txn, now)
        .await?;
    txn.commit().await?;
    Ok(account)
}

/// Grants or removes a global role.
pub async fn change_role(
    db: &DatabaseConnection,
    actor_account_id: i32,
    target_account_id: i32,
    role: Role,
    now: DateTime<Utc>,
) -> Result<accounts::Model, AppError> {
    let txn = super::begin_write(db).await?;
    let account = accounts::Entity::find_by_id(target_account_id)
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::not_found(format!("there is no account {target_account_id}")))?;
    let previous = account.role.clone();
    if previous == role.code() {
        txn.commit().await?;
        return Ok(account);
    }
    let mut active = account.into_active_model();
    active.role = Set(role.code().to_owned());
    active.updated_at = Set(now);
    let account = active.update(&txn).await?;
    NewEvent::new(
        Some(actor_account_id),
        (SUBJECT, account.id),
        "role_changed",
        json!({ "from": previous, "to": role.code() }),
    )
    .append_to(&txn, now)
    .await?;
    txn.commit().await?;
    Ok(account)
}

pub async fn find_by_email(db: &DatabaseConnection, email: &Email) -> Result<Option<accounts::Model>, AppError> {
    Ok(accounts::Entity::find().filter(accounts::Column::Email.eq(email.as_str())).one(db).await?)
}

pub async fn list(db: &DatabaseConnection) -> Result<Vec<accounts::Model>, AppError> {
    Ok(accounts::Entity::find().order_by_asc(accounts::Column::Id).all(db).await?)
}

/// The folded words an account is found by: its full name and e-mail address. Written with the account
/// (and wherever either changes).
pub fn search_name(full_name: &str, email: &str) -> String {
    crate::domain::text::search_folded(full_name, email)
}

/// The accounts whose name or e-mail contains `needle` (every account for an empty one), by id, at most
/// `limit`, with how many match. Matched against `search_name`, folded by the service (m0025): the
/// databases' `LOWER` cannot be trusted to fold Cyrillic ("ОЛЕНА" finds "Олена Петренко").
pub async fn search(
    db: &DatabaseConnection,
    needle: &str,
    limit: u64,
) -> Result<(Vec<accounts::Model>, u64), AppError> {
    use sea_orm::{
        PaginatorTrait, QuerySelect,
        sea_query::{Expr, ExprTrait},
    };
    let pattern = super::contains_folded(needle);
    let query = accounts::Entity::find().filter(Expr::col(accounts::Column::SearchName).like(pattern));
    let total = query.clone().count(db).await?;
    let found = query.order_by_asc(accounts::Column::Id).limit(limit).all(db).await?;
    Ok((found, total))
}

pub async fn create_session(
    db: &DatabaseConnection,
    account_id: i32,
    digest: String,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    sessions::ActiveModel {
        account_id: Set(account_id),
        token_hash: Set(digest),
        created_at: Set(now),
        expires_at: Set(expires_at),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The account behind a live (unrevoked, unexpired) session token.
pub async fn account_for_session(
    db: &DatabaseConnection,
    digest: &str,
    now: DateTime<Utc>,
) -> Result<Option<accounts::Model>, AppError> {
    // One round trip: the account whose live session has this digest.
    let live_session = sea_orm::sea_query::Query::select()
        .column(sessions::Column::AccountId)
        .from(sessions::Entity)
        .and_where(sessions::Column::TokenHash.eq(digest))
        .and_where(sessions::Column::RevokedAt.is_null())
        .and_where(sessions::Column::ExpiresAt.gt(now))
        .to_owned();
    Ok(accounts::Entity::find().filter(accounts::Column::Id.in_subquery(live_session)).one(db).await?)
}

/// Logs a session out. Revoked sessions stay stored (no hard deletes); they just stop working.
pub async fn revoke_session(db: &DatabaseConnection, digest: &str, now: DateTime<Utc>) -> Result<(), AppError> {
    sessions::Entity::update_many()
        .col_expr(sessions::Column::RevokedAt, Expr::value(now))
        .filter(sessions::Column::TokenHash.eq(digest))
        .filter(sessions::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

pub async fn get(db: &DatabaseConnection, id: i32) -> Result<accounts::Model, AppError> {
    accounts::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found(format!("there is no account {id}")))
}

/// Changes the language of an account's mails and pages.
pub async fn set_language(
    db: &DatabaseConnection,
    id: i32,
    language: Language,
    now: DateTime<Utc>,
) -> Result<accounts::Model, AppError> {
    let mut active = get(db, id).await?.into_active_model();
    active.language = Set(language.code().to_owned());
    active.updated_at = Set(now);
    Ok(active.update(db).await?)
}
