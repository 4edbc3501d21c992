//! Optional mail: what each account chose (`mail_preferences`; no row means everything on), the
//! one-click unsubscribe tokens, and the followers of public reports.
//!
//! A token is random, one per account and kind of mail, reused by every mail of that kind: it can only
//! turn that kind of news off, so it is kept as it is mailed (not as a digest) and never expires. A
//! signer without an account has no preferences: their token names the signature, and turns off the
//! news of that one petition (`signatures.notify`).
use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use entity::{appeal_followers, mail_preferences, signatures, unsubscribe_tokens};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter,
    sea_query::OnConflict,
};

use crate::error::AppError;

/// The kinds of optional mail a citizen may turn off. Their own items' mail is not optional.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OptionalMail {
    /// News of petitions they signed.
    SignedPetitions,
    /// News of public reports they follow.
    FollowedReports,
}

impl OptionalMail {
    pub fn code(self) -> &'static str {
        match self {
            OptionalMail::SignedPetitions => "signed_petitions",
            OptionalMail::FollowedReports => "followed_reports",
        }
    }

    fn parse(code: &str) -> Option<OptionalMail> {
        [OptionalMail::SignedPetitions, OptionalMail::FollowedReports].into_iter().find(|k| k.code() == code)
    }
}

/// An account's choice of optional mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Preferences {
    pub signed_petitions: bool,
    pub followed_reports: bool,
}

impl Default for Preferences {
    fn default() -> Self {
        Preferences { signed_petitions: true, followed_reports: true }
    }
}

impl Preferences {
    pub fn wants(&self, kind: OptionalMail) -> bool {
        match kind {
            OptionalMail::SignedPetitions => self.signed_petitions,
            OptionalMail::FollowedReports => self.followed_reports,
        }
    }

    fn without(mut self, kind: OptionalMail) -> Self {
        match kind {
            OptionalMail::SignedPetitions => self.signed_petitions = false,
            OptionalMail::FollowedReports => self.followed_reports = false,
        }
        self
    }
}

pub async fn preferences(conn: &impl ConnectionTrait, account_id: i32) -> Result<Preferences, AppError> {
    Ok(mail_preferences::Entity::find_by_id(account_id)
        .one(conn)
        .await?
        .map(|row| Preferences { signed_petitions: row.signed_petitions, followed_reports: row.followed_reports })
        .unwrap_or_default())
}

pub async fn set_preferences(
    conn: &impl ConnectionTrait,
    account_id: i32,
    preferences: Preferences,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let row = mail_preferences::ActiveModel {
        account_id: Set(account_id),
        signed_petitions: Set(preferences.signed_petitions),
        followed_reports: Set(preferences.followed_reports),
        updated_at: Set(now),
    };
    mail_preferences::Entity::insert(row)
        .on_conflict(
            OnConflict::column(mail_preferences::Column::AccountId)
                .update_columns([
                    mail_preferences::Column::SignedPetitions,
                    mail_preferences::Column::FollowedReports,
                    mail_preferences::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    Ok(())
}

/// Of `accounts`, those who want mail of `kind`, each with the unsubscribe URL for it (created on first
/// use). Call it in the transaction that queues the mails.
pub async fn recipients_wanting(
    conn: &impl ConnectionTrait,
    public_url: &str,
    accounts: &[i32],
    kind: OptionalMail,
    now: DateTime<Utc>,
) -> Result<HashMap<i32, String>, AppError> {
    if accounts.is_empty() {
        return Ok(HashMap::new());
    }
    let opted_out: HashSet<i32> = mail_preferences::Entity::find()
        .filter(mail_preferences::Column::AccountId.is_in(accounts.iter().copied()))
        .all(conn)
        .await?
        .into_iter()
        .filter(|row| {
            !Preferences { signed_petitions: row.signed_petitions, followed_reports: row.followed_reports }.wants(kind)
        })
        .map(|row| row.account_id)
        .collect();
    let wanting: Vec<i32> = accounts.iter().copied().filter(|id| !opted_out.contains(id)).collect();
    // Offer a token to each (kept only where none exists yet), then read back the one that stands.
    let offers = wanting.iter().map(|&account_id| unsubscribe_tokens::ActiveModel {
        token: Set(crate::service::secrets::new_token().as_str().to_owned()),
        account_id: Set(Some(account_id)),
        signature_id: Set(None),
        kind: Set(kind.code().to_owned()),
        created_at: Set(now),
    });
    for chunk in offers.collect::<Vec<_>>().chunks(500) {
        // The conflict to skip is the (account, kind) pair, not the primary key (a fresh random token).
        let existing = OnConflict::columns([unsubscribe_tokens::Column::AccountId, unsubscribe_tokens::Column::Kind])
            .do_nothing()
            .to_owned();
        let offered = unsubscribe_tokens::Entity::insert_many(chunk.to_vec()).on_conflict(existing);
        ignore_existing(offered.exec_without_returning(conn).await)?;
    }
    Ok(unsubscribe_tokens::Entity::find()
        .filter(unsubscribe_tokens::Column::AccountId.is_in(wanting))
        .filter(unsubscribe_tokens::Column::Kind.eq(kind.code()))
        .all(conn)
        .await?
        .into_iter()
        .filter_map(|row| Some((row.account_id?, crate::mail::links::unsubscribe(public_url, &row.token))))
        .collect())
}

/// The unsubscribe URLs of signatures made without an account, by signature id (each created on first
/// use): each stops the news of that petition to that signer. One insert and one read per 500
/// signatures, in the transaction that queues the mails.
pub async fn signature_unsubscribe_links(
    conn: &impl ConnectionTrait,
    public_url: &str,
    signature_ids: &[i32],
    now: DateTime<Utc>,
) -> Result<HashMap<i32, String>, AppError> {
    let mut links = HashMap::with_capacity(signature_ids.len());
    for chunk in signature_ids.chunks(500) {
        let offers = chunk.iter().map(|&signature_id| unsubscribe_tokens::ActiveModel {
            token: Set(crate::service::secrets::new_token().as_str().to_owned()),
            account_id: Set(None),
            signature_id: Set(Some(signature_id)),
            kind: Set(OptionalMail::SignedPetitions.code().to_owned()),
            created_at: Set(now),
        });
        let existing = OnConflict::column(unsubscribe_tokens::Column::SignatureId).do_nothing().to_owned();
        let offered = unsubscribe_tokens::Entity::insert_many(offers).on_conflict(existing);
        ignore_existing(offered.exec_without_returning(conn).await)?;
        let kept = unsubscribe_tokens::Entity::find()
            .filter(unsubscribe_tokens::Column::SignatureId.is_in(chunk.iter().copied()))
            .all(conn)
            .await?;
        links.extend(
            kept.into_iter()
                .filter_map(|row| Some((row.signature_id?, crate::mail::links::unsubscribe(public_url, &row.token)))),
        );
    }
    if let Some(missing) = signature_ids.iter().find(|id| !links.contains_key(id)) {
        return Err(anyhow::anyhow!("the unsubscribe token of signature {missing} was not kept").into());
    }
    Ok(links)
}

/// Turns off the kind of mail `token` names. Returns the kind, or `None` for an unknown token.
/// Doing it twice is harmless.
pub async fn unsubscribe(
    db: &DatabaseConnection,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<OptionalMail>, AppError> {
    let Some(row) = unsubscribe_tokens::Entity::find_by_id(token.to_owned()).one(db).await? else {
        return Ok(None);
    };
    let Some(kind) = OptionalMail::parse(&row.kind) else { return Ok(None) };
    match (row.account_id, row.signature_id) {
        (Some(account_id), _) => {
            let current = preferences(db, account_id).await?;
            set_preferences(db, account_id, current.without(kind), now).await?;
        }
        (None, Some(signature_id)) => {
            signatures::Entity::update_many()
                .col_expr(signatures::Column::Notify, sea_orm::sea_query::Expr::value(false))
                .filter(signatures::Column::Id.eq(signature_id))
                .exec(db)
                .await?;
        }
        (None, None) => return Ok(None),
    }
    Ok(Some(kind))
}

/// `account_id` follows the report `appeal_id` (again: no change).
pub async fn follow(
    db: &DatabaseConnection,
    appeal_id: i32,
    account_id: i32,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let row = appeal_followers::ActiveModel {
        appeal_id: Set(appeal_id),
        account_id: Set(account_id),
        created_at: Set(now),
        unfollowed_at: Set(None),
    };
    // Following again after unfollowing clears the mark; the first follow's time is kept.
    appeal_followers::Entity::insert(row)
        .on_conflict(
            sea_orm::sea_query::OnConflict::columns([
                appeal_followers::Column::AppealId,
                appeal_followers::Column::AccountId,
            ])
            .update_column(appeal_followers::Column::UnfollowedAt)
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Stops following: the row stays, marked with the time (no hard deletes).
pub async fn unfollow(
    db: &DatabaseConnection,
    appeal_id: i32,
    account_id: i32,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    appeal_followers::Entity::update_many()
        .col_expr(appeal_followers::Column::UnfollowedAt, sea_orm::sea_query::Expr::value(Some(now)))
        .filter(appeal_followers::Column::AppealId.eq(appeal_id))
        .filter(appeal_followers::Column::AccountId.eq(account_id))
        .filter(appeal_followers::Column::UnfollowedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// The accounts following the report `appeal_id`.
pub async fn followers(conn: &impl ConnectionTrait, appeal_id: i32) -> Result<Vec<i32>, AppError> {
    Ok(appeal_followers::Entity::find()
        .filter(appeal_followers::Column::AppealId.eq(appeal_id))
        .filter(appeal_followers::Column::UnfollowedAt.is_null())
        .all(conn)
        .await?
        .into_iter()
        .map(|row| row.account_id)
        .collect())
}

/// An insert-if-absent that found every row present already is not an error here.
fn ignore_existing(result: Result<u64, DbErr>) -> Result<(), DbErr> {
    match result {
        Ok(_) | Err(DbErr::RecordNotInserted) => Ok(()),
        Err(other) => Err(other),
    }
}
