//! Petitions as stored: submission, the persistence of [`crate::domain::petitions::apply`], mails,
//! public reading and lists; statute terms in [`statutes`], signatures in [`signature_writer`].
use std::{
    collections::HashMap,
    sync::atomic::{AtomicU64, Ordering},
};

use chrono::{DateTime, Utc};
use entity::{accounts, petitions, signatures};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    sea_query::{Expr, ExprTrait, Func},
};
use serde_json::json;

use super::{
    calendar::Recount,
    events::NewEvent,
    subscriptions::{self, OptionalMail},
};
use crate::{
    domain::{
        accounts::{Email, Language},
        calendar::Calendar,
        notify::{Mail, Notification, PetitionMail, render},
        petitions::{self as rules, Actor, Command, Decision, Petition, RefusalCode, Sort, Status, Transition},
    },
    error::AppError,
};

mod signature_writer;
mod statutes;

pub use signature_writer::{
    SignatureOp, SignatureOutcome, SignatureWriter, WriterContext, collecting_count, normalise_mailboxes,
};
pub use statutes::*;

pub const SUBJECT: &str = "petition";
const CONFIRMED: &str = "confirmed";
const PENDING: &str = "pending";
const WITHDRAWN: &str = "withdrawn";

// ---------------------------------------------------------------------------
// Petitions
// ---------------------------------------------------------------------------

pub struct Submission {
    pub council_id: i32,
    pub author_account_id: i32,
    pub author_name: String,
    pub title: String,
    pub text: String,
    pub category_id: Option<i32>,
}

pub async fn submit(
    db: &DatabaseConnection,
    calendar: &Calendar,
    submission: Submission,
    now: DateTime<Utc>,
) -> Result<petitions::Model, AppError> {
    let statute = statute_in_force(db, submission.council_id, crate::domain::calendar::kyiv_date(now))
        .await?
        .ok_or_else(|| {
            AppError::Conflict(format!(
                "council {} has no petition statute in force; an administrator adds it at POST /api/v1/petitions/statutes",
                submission.council_id
            ))
        })?;
    rules::check_submission(&submission.title, &submission.text, &statute)
        .map_err(|(field, message)| AppError::validation(field, message))?;
    let txn = super::begin_write(db).await?;
    let row = petitions::ActiveModel {
        council_id: Set(submission.council_id),
        author_account_id: Set(submission.author_account_id),
        author_name: Set(submission.author_name),
        title: Set(submission.title.trim().to_owned()),
        text: Set(submission.text.trim().to_owned()),
        category_id: Set(submission.category_id),
        status: Set(Status::Moderation.code().to_owned()),
        submitted_at: Set(now),
        publication_due_at: Set(rules::publication_due(now, calendar)),
        signature_count: Set(0),
        version: Set(0),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    super::idempotency::link_current(&txn, &format!("/api/v1/petitions/{}", row.id)).await?;
    NewEvent::new(
        Some(submission.author_account_id),
        (SUBJECT, row.id),
        "submitted",
        json!({ "council_id": row.council_id, "publication_due_at": row.publication_due_at }),
    )
    .moved(None, Some(Status::Moderation.code()))
    .append_to(&txn, now)
    .await?;
    super::metrics::record_petition_change(&txn, None, &domain_petition(&row)?).await?;
    txn.commit().await?;
    Ok(row)
}

pub async fn get(conn: &impl ConnectionTrait, id: i32) -> Result<petitions::Model, AppError> {
    petitions::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or_else(|| AppError::not_found(format!("there is no petition {id}")))
}

pub fn domain_petition(row: &petitions::Model) -> Result<Petition, AppError> {
    let bad = |what: &str| AppError::Internal(anyhow::anyhow!("petition {} has a bad {what}", row.id));
    Ok(Petition {
        id: row.id,
        status: Status::parse(&row.status).ok_or_else(|| bad("status"))?,
        council_id: row.council_id,
        author_account_id: row.author_account_id,
        submitted_at: row.submitted_at,
        publication_due_at: row.publication_due_at,
        moderated_at: row.moderated_at,
        refusal_code: row.refusal_code.as_deref().and_then(RefusalCode::parse),
        refusal_reason: row.refusal_reason.clone(),
        published_at: row.published_at,
        statute_id: row.statute_id,
        signature_threshold: row.signature_threshold,
        collection_ends_at: row.collection_ends_at,
        signature_count: row.signature_count,
        threshold_reached_at: row.threshold_reached_at,
        notice_at: row.notice_at,
        consideration_due_at: row.consideration_due_at,
        answered_at: row.answered_at,
        decision: row.decision.as_deref().and_then(Decision::parse),
        answer_text: row.answer_text.clone(),
        closed_at: row.closed_at,
        appeal_id: row.appeal_id,
    })
}

/// Moves on with every petition transition, so the petition pages this process keeps for a moment
/// (`service::petitions::page`) are read again; signatures do not move it (their count may lag).
static PAGES_GENERATION: AtomicU64 = AtomicU64::new(0);

pub fn pages_generation() -> &'static AtomicU64 {
    &PAGES_GENERATION
}

/// Applies `command` to petition `id` and saves it with its history entry and mails, in one transaction.
pub async fn transition(
    db: &DatabaseConnection,
    calendar: &Calendar,
    public_url: &str,
    id: i32,
    actor: Actor,
    command: Command,
    now: DateTime<Utc>,
) -> Result<(petitions::Model, Transition), AppError> {
    let txn = super::begin_write(db).await?;
    let row = get(&txn, id).await?;
    let result = transition_in(&txn, calendar, public_url, &row, actor, command, now).await?;
    txn.commit().await?;
    // Again once committed: a page read while the transaction ran is not kept as current.
    PAGES_GENERATION.fetch_add(1, Ordering::SeqCst);
    Ok(result)
}

/// [`transition`] inside the caller's transaction (a petition turned into an appeal is stored with it).
pub(crate) async fn transition_in(
    txn: &DatabaseTransaction,
    calendar: &Calendar,
    public_url: &str,
    row: &petitions::Model,
    actor: Actor,
    command: Command,
    now: DateTime<Utc>,
) -> Result<(petitions::Model, Transition), AppError> {
    let before = domain_petition(row)?;
    let transition = rules::apply(&before, actor, command, now, calendar)?;
    PAGES_GENERATION.fetch_add(1, Ordering::SeqCst);
    let after = &transition.petition;
    // The signature count is the signature writer's; a transition never writes it.
    let moderator_id =
        if matches!(transition.action, "published" | "refused") { actor.account_id } else { row.moderator_id };
    let saved = petitions::Entity::update_many()
        .set(petitions::ActiveModel {
            moderator_id: Set(moderator_id),
            version: Set(row.version + 1),
            updated_at: Set(now),
            ..lifecycle(after)
        })
        .filter(petitions::Column::Id.eq(row.id))
        .filter(petitions::Column::Version.eq(row.version))
        .exec(txn)
        .await?;
    if saved.rows_affected != 1 {
        return Err(AppError::Conflict(format!("petition {} was changed by someone else just now; retry", row.id)));
    }
    NewEvent::new(actor.account_id, (SUBJECT, row.id), transition.action, transition.details.clone())
        .moved(Some(transition.from.code()), Some(transition.to.code()))
        .append_to(txn, now)
        .await?;
    let updated = get(txn, row.id).await?;
    let facts = mail_facts(&updated, transition.action, public_url);
    if transition.notify_author
        && let Some(author) = accounts::Entity::find_by_id(updated.author_account_id).one(txn).await?
    {
        queue(
            txn,
            &facts,
            &author.full_name,
            &author.email,
            Language::parse(&author.language).unwrap_or_default(),
            None,
            now,
        )
        .await?;
    }
    if transition.notify_signers {
        queue_signer_mails(txn, public_url, &facts, now).await?;
    }
    // Last: the tally row stays locked until the commit.
    super::metrics::record_petition_change(txn, Some(&before), after).await?;
    Ok((updated, transition))
}

/// The columns a petition's life changes (not its signature count, which the signature writer keeps,
/// nor who moderated it, its version or when it was updated).
pub(crate) fn lifecycle(after: &Petition) -> petitions::ActiveModel {
    let coded = petitions::ActiveModel {
        status: Set(after.status.code().to_owned()),
        refusal_code: Set(after.refusal_code.map(|c| c.code().to_owned())),
        decision: Set(after.decision.map(|d| d.code().to_owned())),
        ..Default::default()
    };
    crate::storage::columns_from!(after => petitions::ActiveModel {
        copy: [
            moderated_at, published_at, statute_id, signature_threshold, collection_ends_at, threshold_reached_at,
            notice_at, consideration_due_at, publication_due_at, answered_at, closed_at, appeal_id,
        ],
        clone: [refusal_reason, answer_text],
        ..coded
    })
}

/// What the mails about `action` on the petition say.
fn mail_facts(updated: &petitions::Model, action: &str, public_url: &str) -> PetitionMail {
    PetitionMail {
        petition_id: updated.id,
        action: action.to_owned(),
        title: updated.title.clone(),
        signatures: updated.signature_count,
        threshold: updated.signature_threshold.map(i64::from),
        reason: updated.refusal_reason.clone(),
        decision: updated.decision.as_deref().map(|d| d.replace('_', " ")),
        answer: updated.answer_text.clone(),
        due_date: updated
            .consideration_due_at
            .map(|d| crate::domain::deadlines::day_containing(d).format("%d.%m.%Y").to_string()),
        link: crate::mail::links::petition(public_url, updated.id),
        ..Default::default()
    }
}

/// Tells the signers who asked to be told, confirmed and not withdrawn, read in pages so memory stays
/// flat. Signers with an account get mail in their language, only if they still want news of petitions
/// they signed, with a one-click unsubscribe; the others (e-mail signatures) in Ukrainian.
async fn queue_signer_mails(
    txn: &impl ConnectionTrait,
    public_url: &str,
    facts: &PetitionMail,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut last_id = 0;
    loop {
        let page = signatures::Entity::find()
            .filter(signatures::Column::PetitionId.eq(facts.petition_id))
            .filter(signatures::Column::Status.eq(CONFIRMED))
            .filter(signatures::Column::Notify.eq(true))
            .filter(signatures::Column::Id.gt(last_id))
            .order_by_asc(signatures::Column::Id)
            .limit(1000)
            .all(txn)
            .await?;
        let Some(last) = page.last() else { break };
        last_id = last.id;
        let account_ids: Vec<i32> = page.iter().filter_map(|s| s.account_id).collect();
        let languages: HashMap<i32, Language> = accounts::Entity::find()
            .filter(accounts::Column::Id.is_in(account_ids.iter().copied()))
            .all(txn)
            .await?
            .into_iter()
            .map(|a| (a.id, Language::parse(&a.language).unwrap_or_default()))
            .collect();
        let wanting =
            subscriptions::recipients_wanting(txn, public_url, &account_ids, OptionalMail::SignedPetitions, now)
                .await?;
        // Without an account, the link stops this petition's news to this signature: one batch a page.
        let by_email: Vec<i32> = page.iter().filter(|s| s.account_id.is_none()).map(|s| s.id).collect();
        let signature_links = subscriptions::signature_unsubscribe_links(txn, public_url, &by_email, now).await?;
        let mut mails = Vec::with_capacity(page.len());
        for signer in page {
            let unsubscribe = match signer.account_id {
                Some(id) => wanting.get(&id),
                None => signature_links.get(&signer.id),
            };
            let Some(unsubscribe) = unsubscribe else { continue };
            let mut mail = facts.clone();
            mail.to_signer = true;
            let language = signer.account_id.and_then(|id| languages.get(&id).copied()).unwrap_or_default();
            mails.extend(render_mail(&mail, &signer.full_name, &signer.email, language, Some(unsubscribe.clone()))?);
        }
        super::notify::enqueue_many(txn, &mails, now).await?;
    }
    Ok(())
}

/// Petition news to one person, with its one-click unsubscribe if optional; none for an address that
/// cannot be used.
fn render_mail(
    facts: &PetitionMail,
    name: &str,
    email: &str,
    language: Language,
    unsubscribe: Option<String>,
) -> Result<Option<Mail>, AppError> {
    let Ok(email) = Email::parse(email) else { return Ok(None) };
    let mut mail = render(&Notification::PetitionUpdate(facts.clone()), language, name, &email)?;
    mail.list_unsubscribe = unsubscribe;
    Ok(Some(mail))
}

async fn queue(
    conn: &impl ConnectionTrait,
    facts: &PetitionMail,
    name: &str,
    email: &str,
    language: Language,
    unsubscribe: Option<String>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if let Some(mail) = render_mail(facts, name, email, language, unsubscribe)? {
        super::notify::enqueue(conn, &mail, now).await?;
    }
    Ok(())
}

#[derive(Debug, Clone)]
pub struct ListFilter {
    pub statuses: Vec<Status>,
    pub query: Option<String>,
    pub category_id: Option<i32>,
    pub submitted_from: Option<DateTime<Utc>>,
    pub submitted_to: Option<DateTime<Utc>>,
    pub sort: Sort,
    pub page: super::Page,
}

/// The petitions `account_id` started (any status) and those it signed (confirmed, not withdrawn, with
/// the time it signed), newest first, at most `limit` of each.
pub async fn of_account(
    db: &DatabaseConnection,
    account_id: i32,
    limit: u64,
) -> Result<(Vec<petitions::Model>, Vec<(petitions::Model, DateTime<Utc>)>), AppError> {
    let started = petitions::Entity::find()
        .filter(petitions::Column::AuthorAccountId.eq(account_id))
        .order_by_desc(petitions::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    let signatures = signatures::Entity::find()
        .filter(signatures::Column::AccountId.eq(account_id))
        .filter(signatures::Column::Status.eq(CONFIRMED))
        .order_by_desc(signatures::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    let signed_ids: Vec<i32> = signatures.iter().map(|s| s.petition_id).collect();
    let mut by_id: HashMap<i32, petitions::Model> = petitions::Entity::find()
        .filter(petitions::Column::Id.is_in(signed_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let signed = signatures
        .into_iter()
        .filter_map(|s| Some((by_id.remove(&s.petition_id)?, s.confirmed_at.unwrap_or(s.created_at))))
        .collect();
    Ok((started, signed))
}

/// Whether `account_id` has a counted (confirmed, not withdrawn) signature under `petition_id`.
pub async fn has_signed(db: &DatabaseConnection, petition_id: i32, account_id: i32) -> Result<bool, AppError> {
    Ok(signatures::Entity::find()
        .filter(signatures::Column::PetitionId.eq(petition_id))
        .filter(signatures::Column::AccountId.eq(account_id))
        .filter(signatures::Column::Status.eq(CONFIRMED))
        .one(db)
        .await?
        .is_some())
}

pub async fn list(db: &DatabaseConnection, filter: &ListFilter) -> Result<(Vec<petitions::Model>, u64), AppError> {
    let mut query = petitions::Entity::find()
        .filter(petitions::Column::Status.is_in(filter.statuses.iter().map(|s| s.code()).collect::<Vec<_>>()));
    if let Some(text) = &filter.query {
        // Every word must appear in the title or the text, case-insensitively (portable across both databases).
        for word in text.split_whitespace().take(8) {
            let pattern = format!("%{}%", word.to_lowercase().replace(['%', '_'], ""));
            query = query.filter(
                Expr::expr(Func::lower(Expr::col(petitions::Column::Title)))
                    .like(pattern.clone())
                    .or(Expr::expr(Func::lower(Expr::col(petitions::Column::Text))).like(pattern)),
            );
        }
    }
    if let Some(category) = filter.category_id {
        query = query.filter(petitions::Column::CategoryId.eq(category));
    }
    if let Some(from) = filter.submitted_from {
        query = query.filter(petitions::Column::SubmittedAt.gte(from));
    }
    if let Some(to) = filter.submitted_to {
        query = query.filter(petitions::Column::SubmittedAt.lt(to));
    }
    query = match filter.sort {
        Sort::Newest => query.order_by_desc(petitions::Column::SubmittedAt),
        Sort::MostSigned => query.order_by_desc(petitions::Column::SignatureCount),
        Sort::ClosingSoon => query
            .filter(petitions::Column::Status.eq(Status::Collecting.code()))
            .order_by_asc(petitions::Column::CollectionEndsAt),
    };
    let paginator = query.order_by_desc(petitions::Column::Id).paginate(db, filter.page.size);
    let total = paginator.num_items().await?;
    Ok((paginator.fetch_page(filter.page.index()).await?, total))
}

/// Petitions in `status` (addressed to one of `councils`, when given), the one waiting longest first,
/// and how many there are: what a desk works through. At most `limit` are returned.
pub async fn waiting(
    db: &DatabaseConnection,
    status: Status,
    councils: Option<&[i32]>,
    limit: u64,
) -> Result<(Vec<petitions::Model>, u64), AppError> {
    let mut query = petitions::Entity::find().filter(petitions::Column::Status.eq(status.code()));
    if let Some(councils) = councils {
        query = query.filter(petitions::Column::CouncilId.is_in(councils.iter().copied()));
    }
    let longest_waiting = match status {
        Status::AwaitingConsideration => petitions::Column::ThresholdReachedAt,
        Status::UnderConsideration => petitions::Column::ConsiderationDueAt,
        _ => petitions::Column::SubmittedAt,
    };
    let paginator = query.order_by_asc(longest_waiting).order_by_asc(petitions::Column::Id).paginate(db, limit);
    let total = paginator.num_items().await?;
    Ok((paginator.fetch_page(0).await?, total))
}

/// Names of confirmed signers, oldest first, a page at a time.
pub async fn signer_names(
    db: &DatabaseConnection,
    petition_id: i32,
    page: super::Page,
) -> Result<(Vec<(String, DateTime<Utc>)>, u64), AppError> {
    let paginator = confirmed_signatures(petition_id).paginate(db, page.size);
    let total = paginator.num_items().await?;
    let rows = paginator.fetch_page(page.index()).await?;
    Ok((rows.into_iter().map(signer).collect(), total))
}

/// The first `limit` signers' names and when they signed, oldest first, without counting them all
/// (the petition's counter has the number).
pub async fn first_signers(
    db: &DatabaseConnection,
    petition_id: i32,
    limit: u64,
) -> Result<Vec<(String, DateTime<Utc>)>, AppError> {
    let rows = confirmed_signatures(petition_id).limit(limit).all(db).await?;
    Ok(rows.into_iter().map(signer).collect())
}

/// A petition's confirmed signatures, oldest first.
fn confirmed_signatures(petition_id: i32) -> sea_orm::Select<signatures::Entity> {
    signatures::Entity::find()
        .filter(signatures::Column::PetitionId.eq(petition_id))
        .filter(signatures::Column::Status.eq(CONFIRMED))
        .order_by_asc(signatures::Column::Id)
}

/// A signer's name and when the signature counted (its confirmation, else its signing).
fn signer(s: signatures::Model) -> (String, DateTime<Utc>) {
    (s.full_name, s.confirmed_at.unwrap_or(s.created_at))
}

/// Counts the running term of every petition in moderation or under consideration again under `calendar`,
/// after the law behind it changed; each change is a `deadline_recalculated` transition naming `reason`.
/// Returns how many changed.
pub async fn recalculate_open_deadlines(db: &DatabaseConnection, recount: &Recount<'_>) -> Result<u32, AppError> {
    let Recount { calendar, public_url, reason, now } = *recount;
    let running = [Status::Moderation.code(), Status::UnderConsideration.code()];
    let ids: Vec<i32> = petitions::Entity::find()
        .select_only()
        .column(petitions::Column::Id)
        .filter(petitions::Column::Status.is_in(running))
        .order_by_asc(petitions::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let mut changed = 0;
    for id in ids {
        let system = Actor { system: true, ..Default::default() };
        let command = Command::RecalculateDeadline { reason: reason.to_owned() };
        match transition(db, calendar, public_url, id, system, command, now).await {
            Ok(_) => changed += 1,
            Err(AppError::Conflict(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(changed)
}

pub async fn collection_ended(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<Vec<i32>, AppError> {
    Ok(petitions::Entity::find()
        .select_only()
        .column(petitions::Column::Id)
        .filter(petitions::Column::Status.eq(Status::Collecting.code()))
        .filter(petitions::Column::CollectionEndsAt.lte(now))
        .into_tuple()
        .all(db)
        .await?)
}
