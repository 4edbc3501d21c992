//! Petitions as stored: statute terms, submission, the persistence of
//! [`crate::domain::petitions::apply`], public reading, and the signature writer.
//!
//! Signatures never update the petition's counter one by one (the hot row that took the UK Parliament's
//! site down). Every signature operation goes to one [`SignatureWriter`] per instance, which gathers what
//! arrives while it writes and commits the whole batch in one transaction: one multi-row insert that
//! skips duplicates, one counter update for all the batch's petitions (which re-checks, under the row
//! lock, that each still collects), the threshold transition if it was crossed. The caller is
//! answered only after that commit, so an acknowledged signature is stored and counted; the count shown
//! is exact as of the last committed batch.
use std::{
    collections::{BTreeMap, HashMap, HashSet},
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
};

use chrono::{DateTime, NaiveDate, Utc};
use entity::{accounts, petition_statutes, petitions, signatures};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set, Statement,
    sea_query::{Expr, ExprTrait, Func},
};
use serde_json::json;
use tokio::sync::{mpsc, oneshot};

use super::{
    calendar::Recount,
    events::NewEvent,
    subscriptions::{self, OptionalMail},
};
use crate::{
    domain::{
        accounts::{Email, Language, SecretToken, token_digest},
        calendar::Calendar,
        notify::{Mail, Notification, PetitionMail, render},
        petitions::{
            self as rules, Actor, Command, Decision, Petition, RefusalCode, SigningMode, Sort, Status, Statute,
            Transition,
        },
    },
    error::AppError,
};

pub const SUBJECT: &str = "petition";
const CONFIRMED: &str = "confirmed";
const PENDING: &str = "pending";
const WITHDRAWN: &str = "withdrawn";

// ---------------------------------------------------------------------------
// Statutes
// ---------------------------------------------------------------------------

pub fn domain_statute(row: &petition_statutes::Model) -> Statute {
    Statute {
        id: row.id,
        council_id: row.council_id,
        effective_from: row.effective_from,
        signature_threshold: u32::try_from(row.signature_threshold).unwrap_or(0),
        collection_days: u32::try_from(row.collection_days).unwrap_or(0),
        title_max_chars: u32::try_from(row.title_max_chars).unwrap_or(0),
        text_max_chars: u32::try_from(row.text_max_chars).unwrap_or(0),
        signing_mode: SigningMode::parse(&row.signing_mode).unwrap_or(SigningMode::VerifiedAccount),
    }
}

pub async fn statutes(conn: &impl ConnectionTrait) -> Result<Vec<petition_statutes::Model>, AppError> {
    Ok(petition_statutes::Entity::find()
        .order_by_asc(petition_statutes::Column::CouncilId)
        .order_by_asc(petition_statutes::Column::EffectiveFrom)
        .all(conn)
        .await?)
}

/// The statute terms numbered `id`.
pub async fn statute(conn: &impl ConnectionTrait, id: i32) -> Result<petition_statutes::Model, AppError> {
    petition_statutes::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("there are no statute terms {id}")))
}

/// The statute of `council_id` in force on `date`.
pub async fn statute_in_force(
    conn: &impl ConnectionTrait,
    council_id: i32,
    date: NaiveDate,
) -> Result<Option<Statute>, AppError> {
    let all: Vec<Statute> = statutes(conn).await?.iter().map(domain_statute).collect();
    Ok(rules::statute_in_force(&all, council_id, date).cloned())
}

/// Records new statute terms (a change is a new row with a later date; rows are never edited). The
/// request's idempotency key is linked to the terms in the same transaction (see `storage::idempotency`).
pub async fn add_statute(
    db: &DatabaseConnection,
    actor: Option<i32>,
    statute: &Statute,
    now: DateTime<Utc>,
    lost: &super::LostCommitAnswers,
) -> Result<petition_statutes::Model, AppError> {
    statute.validate().map_err(|(field, message)| AppError::validation(field, message))?;
    let council = super::directory::get_organisation(db, statute.council_id)
        .await
        .map_err(|_| AppError::validation("council_id", format!("there is no organisation {}", statute.council_id)))?;
    if council.kind != "council" {
        return Err(AppError::validation("council_id", format!("{} is not a council", council.name)));
    }
    let txn = super::begin_write(db).await?;
    let row = petition_statutes::ActiveModel {
        council_id: Set(statute.council_id),
        effective_from: Set(statute.effective_from),
        signature_threshold: Set(statute.signature_threshold as i32),
        collection_days: Set(statute.collection_days as i32),
        title_max_chars: Set(statute.title_max_chars as i32),
        text_max_chars: Set(statute.text_max_chars as i32),
        signing_mode: Set(statute.signing_mode.code().to_owned()),
        created_by: Set(actor),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(|e| match AppError::from(e) {
        // Terms of that date exist: another date is what the person can change.
        AppError::Conflict(_) => AppError::validation("effective_from", rules::STATUTE_DATE_TAKEN),
        other => other,
    })?;
    super::idempotency::link_current(&txn, &format!("/api/v1/petitions/statutes/{}", row.id)).await?;
    NewEvent::new(actor, ("petition_statute", row.id), "adopted", json!(domain_statute(&row)))
        .append_to(&txn, now)
        .await?;
    lost.commit(txn).await?;
    Ok(row)
}

/// Gives the example city's council petition terms (250 signatures in 60 days, signing with an account
/// or a confirmed e-mail), so a fresh installation can take petitions at once.
pub async fn adopt_example_statute(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<(), AppError> {
    let council = super::directory::list_organisations(db).await?.into_iter().find(|o| o.kind == "council");
    let Some(council) = council else { return Ok(()) };
    let statute = Statute {
        id: 0,
        council_id: council.id,
        effective_from: NaiveDate::from_ymd_opt(2024, 1, 1).expect("a valid date"),
        signature_threshold: 250,
        collection_days: 60,
        title_max_chars: 200,
        text_max_chars: 10_000,
        signing_mode: SigningMode::AccountOrEmail,
    };
    add_statute(db, None, &statute, now, &Default::default()).await.map(|_| ())
}

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

// ---------------------------------------------------------------------------
// The signature writer
// ---------------------------------------------------------------------------

/// One signature operation.
#[derive(Debug, Clone)]
pub enum SignatureOp {
    /// Sign. A signature without an account is `pending` until its e-mail is confirmed.
    Sign { petition_id: i32, account_id: Option<i32>, full_name: String, email: Email, notify: bool },
    /// Sign as the account of a login session; the writer looks up every session of a batch in one query
    /// instead of one per request.
    SignWithSession { petition_id: i32, token_digest: String, notify: bool },
    /// Confirm an e-mail signature with the token from the mail.
    Confirm { token: String },
    /// Withdraw a confirmed signature while collection runs.
    Withdraw { petition_id: i32, email: Email },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureOutcome {
    /// Stored; `counted` is false while an e-mail signature awaits confirmation.
    Signed {
        counted: bool,
    },
    Confirmed {
        petition_id: i32,
    },
    Withdrawn,
}

type Reply = oneshot::Sender<Result<SignatureOutcome, AppError>>;

/// Sends signature operations to this instance's writer task.
#[derive(Clone)]
pub struct SignatureWriter {
    sender: mpsc::Sender<(SignatureOp, Reply)>,
}

/// What the writer needs to do its work.
#[derive(Clone)]
pub struct WriterContext {
    pub db: DatabaseConnection,
    pub public_url: String,
    /// `calendar.martial_law_ended_on` of the configuration.
    pub martial_law_ended_on: Option<chrono::NaiveDate>,
    pub mail_wake: std::sync::Arc<tokio::sync::Notify>,
    /// How long a mailed confirmation link of an e-mail signature works.
    pub confirmation_ttl: chrono::Duration,
    /// The test seam that loses the answers to COMMITs (see [`super::LostCommitAnswers`]).
    pub lost_commit_answers: super::LostCommitAnswers,
}

/// Most operations one transaction takes.
const MAX_BATCH: usize = 512;

/// Batches written at the same time on PostgreSQL. Two beat four on 2 cores (fewer, larger batches: less
/// CPU per signature and a lower p99 at 64 clients); batches grow with the load, so this is no ceiling.
const POSTGRES_WRITERS: usize = 2;

/// How often a batch is redone because a petition changed under it (threshold reached, closed) before
/// its operations are taken one by one.
const STALE_RETRIES: usize = 3;

impl SignatureWriter {
    /// Starts the writer tasks; they stop when every sender is dropped.
    ///
    /// On PostgreSQL a few batches are written at once, so one batch's round trips and commit overlap
    /// the next; on SQLite, which has one writer anyway, a single task.
    pub fn start(ctx: WriterContext) -> SignatureWriter {
        let (sender, receiver) = mpsc::channel(8 * MAX_BATCH);
        let receiver = Arc::new(tokio::sync::Mutex::new(receiver));
        let open = Arc::new(OpenPetitions::default());
        let writers = if super::is_sqlite(&ctx.db) { 1 } else { POSTGRES_WRITERS };
        for _ in 0..writers {
            tokio::spawn(run_writer(ctx.clone(), open.clone(), receiver.clone()));
        }
        SignatureWriter { sender }
    }

    pub async fn submit(&self, op: SignatureOp) -> Result<SignatureOutcome, AppError> {
        let (reply, answer) = oneshot::channel();
        self.sender
            .send((op, reply))
            .await
            .map_err(|_| AppError::Unavailable("the service is shutting down; sign again in a moment".into()))?;
        answer.await.map_err(|_| AppError::Internal(anyhow::anyhow!("the signature writer stopped")))?
    }
}

/// Petitions this instance last saw collecting: when their collection ends, and their title (for the
/// confirmation mail). Shared by the writer tasks so that a batch need not read its petitions again.
/// Only a hint: before it commits, every batch re-checks the status and window of its petitions in the
/// counter update, under the row lock, and is redone with fresh rows when one has changed.
#[derive(Default)]
struct OpenPetitions(std::sync::Mutex<HashMap<i32, OpenPetition>>);

#[derive(Debug, Clone)]
struct OpenPetition {
    ends_at: DateTime<Utc>,
    title: String,
}

impl OpenPetitions {
    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<i32, OpenPetition>> {
        // The map holds hints only; one left half-updated by a panic is still safe to use.
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn get(&self, id: i32, now: DateTime<Utc>) -> Option<OpenPetition> {
        self.map().get(&id).filter(|p| now < p.ends_at).cloned()
    }

    /// What a batch knows of a petition just read, remembered for the next batches when it collects.
    fn learn(&self, row: petitions::Model, now: DateTime<Utc>) -> Known {
        match row.collection_ends_at {
            Some(ends_at) if row.status == Status::Collecting.code() && now < ends_at => {
                let open = OpenPetition { ends_at, title: row.title };
                let mut map = self.map();
                if map.len() >= 10_000 {
                    map.retain(|_, p| now < p.ends_at);
                }
                map.insert(row.id, open.clone());
                Known::Open(open)
            }
            _ => {
                self.forget(row.id);
                Known::Other(Box::new(row))
            }
        }
    }

    fn forget(&self, id: i32) {
        self.map().remove(&id);
    }
}

/// A petition as a batch sees it.
enum Known {
    /// Collecting now.
    Open(OpenPetition),
    /// Not collecting: the row, to say why.
    Other(Box<petitions::Model>),
}

fn check_open(known: Option<&Known>, id: i32, now: DateTime<Utc>) -> Result<(), AppError> {
    match known {
        Some(Known::Open(_)) => Ok(()),
        Some(Known::Other(row)) => collecting(Some(row), id, now),
        None => collecting(None, id, now),
    }
}

async fn run_writer(
    ctx: WriterContext,
    open: Arc<OpenPetitions>,
    receiver: Arc<tokio::sync::Mutex<mpsc::Receiver<(SignatureOp, Reply)>>>,
) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    // Take whatever is waiting (at least one), then let the next writer take the queue.
    while receiver.lock().await.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let ops: Vec<SignatureOp> = batch.iter().map(|(op, _)| op.clone()).collect();
        let mut mailed = false;
        match write_with_retries(&ctx, &open, &ops).await {
            Ok((outcomes, queued)) => {
                mailed = queued;
                for ((_, reply), outcome) in batch.drain(..).zip(outcomes) {
                    let _ = reply.send(outcome);
                }
            }
            // A batch fails as a whole (e.g. a database error): redo its operations one by one, so each
            // caller gets its own answer.
            Err(error) => {
                tracing::debug!(%error, size = batch.len(), "signature batch failed; retrying one by one");
                for (op, reply) in batch.drain(..) {
                    let outcome = match write_with_retries(&ctx, &open, std::slice::from_ref(&op)).await {
                        Ok((mut outcomes, queued)) => {
                            mailed |= queued;
                            outcomes.pop().unwrap_or_else(|| Err(AppError::Internal(anyhow::anyhow!("no outcome"))))
                        }
                        Err(e) => Err(e),
                    };
                    let _ = reply.send(outcome);
                }
            }
        }
        // The mail worker polls the outbox when woken: only when this batch gave it something to send.
        if mailed {
            ctx.mail_wake.notify_one();
        }
    }
}

/// [`write_batch`], redone while a petition it relied on changed meanwhile.
async fn write_with_retries(
    ctx: &WriterContext,
    open: &OpenPetitions,
    ops: &[SignatureOp],
) -> Result<(Vec<Result<SignatureOutcome, AppError>>, bool), AppError> {
    for _ in 0..STALE_RETRIES {
        if let Written::Done { outcomes, mailed } = write_batch_once(ctx, open, ops).await? {
            return Ok((outcomes, mailed));
        }
    }
    Err(AppError::Conflict("the petition changed just now; sign again".into()))
}

/// [`write_batch`] under a key of the batch's own, recorded in its transaction with the batch's outcomes:
/// when the COMMIT answers with an error but landed (the connection lost at that moment), the callers
/// get the outcomes as committed, and the one-by-one retry never stores a signature a second time (a
/// pending one would be stored and mailed twice; a counted one would be answered "already signed").
async fn write_batch_once(ctx: &WriterContext, open: &OpenPetitions, ops: &[SignatureOp]) -> Result<Written, AppError> {
    let batch_key = format!("signature-batch:{}", uuid::Uuid::new_v4().simple());
    let written = write_batch(ctx, open, ops, &batch_key).await;
    match written.and_then(|written| ctx.lost_commit_answers.answer().map(|()| written)) {
        Ok(written) => Ok(written),
        Err(error) => match super::idempotency::created_by(&ctx.db, &batch_key).await {
            Ok(Some(recorded)) => {
                tracing::warn!(%error, size = ops.len(), "a signature batch landed although its COMMIT failed");
                // The petitions it touched may have changed in that batch: read them again next time.
                for op in ops {
                    if let SignatureOp::Sign { petition_id, .. } | SignatureOp::Withdraw { petition_id, .. } = op {
                        open.forget(*petition_id);
                    }
                }
                Ok(Written::Done { outcomes: outcome_codes::decode(&recorded, ops.len())?, mailed: true })
            }
            _ => Err(error),
        },
    }
}

/// The outcomes of a batch as recorded beside its key, so a batch whose COMMIT's answer was lost can
/// still answer each caller as the committed batch would have.
mod outcome_codes {
    use serde_json::{Value, json};

    use super::SignatureOutcome;
    use crate::error::AppError;

    pub(super) fn encode(outcomes: &[Result<SignatureOutcome, AppError>]) -> String {
        let codes: Vec<Value> = outcomes
            .iter()
            .map(|outcome| match outcome {
                Ok(SignatureOutcome::Signed { counted }) => json!({ "signed": counted }),
                Ok(SignatureOutcome::Confirmed { petition_id }) => json!({ "confirmed": petition_id }),
                Ok(SignatureOutcome::Withdrawn) => json!({ "withdrawn": true }),
                Err(AppError::Validation { field, message }) => json!({ "invalid": message, "field": field }),
                Err(AppError::NotFound(message)) => json!({ "not_found": message }),
                Err(AppError::Unauthorized(message)) => json!({ "unauthorized": message }),
                Err(error) => json!({ "conflict": error.to_string() }),
            })
            .collect();
        Value::Array(codes).to_string()
    }

    pub(super) fn decode(recorded: &str, count: usize) -> Result<Vec<Result<SignatureOutcome, AppError>>, AppError> {
        let codes: Vec<Value> = serde_json::from_str(recorded).map_err(|e| anyhow::anyhow!("batch outcomes: {e}"))?;
        if codes.len() != count {
            return Err(anyhow::anyhow!("a batch recorded {} outcomes for {count} operations", codes.len()).into());
        }
        let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
        Ok(codes
            .iter()
            .map(|code| {
                if let Some(counted) = code.get("signed") {
                    Ok(SignatureOutcome::Signed { counted: counted.as_bool().unwrap_or(false) })
                } else if let Some(id) = code.get("confirmed") {
                    Ok(SignatureOutcome::Confirmed { petition_id: id.as_i64().unwrap_or_default() as i32 })
                } else if code.get("withdrawn").is_some() {
                    Ok(SignatureOutcome::Withdrawn)
                } else if let Some(message) = code.get("invalid") {
                    let field = code.get("field").and_then(Value::as_str).map(str::to_owned);
                    Err(AppError::Validation { field, message: text(message) })
                } else if let Some(message) = code.get("not_found") {
                    Err(AppError::NotFound(text(message)))
                } else if let Some(message) = code.get("unauthorized") {
                    Err(AppError::Unauthorized(text(message)))
                } else {
                    Err(AppError::Conflict(code.get("conflict").map(text).unwrap_or_default()))
                }
            })
            .collect())
    }
}

/// What became of a batch.
enum Written {
    /// Committed: one outcome per operation, in order; whether mail was queued.
    Done { outcomes: Vec<Result<SignatureOutcome, AppError>>, mailed: bool },
    /// Rolled back: a petition it signed stopped collecting after it was read (now forgotten; redo).
    Stale,
}

/// A signature to insert, and the outcome it settles.
struct NewSignature {
    outcome: usize,
    petition_id: i32,
    account_id: Option<i32>,
    full_name: String,
    email: Email,
    /// `email.mailbox()`: what one signature per person compares.
    mailbox: String,
    notify: bool,
    /// For a signature without an account: the confirmation token to mail.
    token: Option<SecretToken>,
}

fn already_signed() -> AppError {
    AppError::Conflict("this e-mail address has already signed this petition (one signature per person)".into())
}

/// Writes one batch in one transaction.
///
/// Round trips: the sessions (one query), the petitions not known to be collecting, one insert that also
/// skips stored duplicates, one counter update for all petitions of the batch that re-checks they still
/// collect, the commit.
async fn write_batch(
    ctx: &WriterContext,
    open: &OpenPetitions,
    ops: &[SignatureOp],
    batch_key: &str,
) -> Result<Written, AppError> {
    let now = Utc::now();
    let txn = super::begin_write(&ctx.db).await?;
    let resolved = resolve_sessions(&txn, ops, now).await?;
    let mut known = known_petitions(&txn, open, &resolved, now).await?;
    let mut outcomes = Vec::with_capacity(ops.len());
    let mut new_signatures = Vec::new();
    // One signature per e-mail per petition within the batch; the insert checks against the stored ones.
    let mut in_batch: HashSet<(i32, String)> = HashSet::new();
    // Every petition a batch changes, with its counter change (maybe 0): all are re-checked under lock.
    let mut delta: BTreeMap<i32, i64> = BTreeMap::new();
    for op in resolved {
        let op = match op {
            Ok(op) => op,
            Err(refused) => {
                outcomes.push(Err(refused));
                continue;
            }
        };
        let outcome = match op {
            SignatureOp::SignWithSession { .. } => Err(AppError::Internal(anyhow::anyhow!("an unresolved session"))),
            SignatureOp::Sign { petition_id, account_id, full_name, email, notify } => {
                match check_open(known.get(&petition_id), petition_id, now) {
                    Err(e) => Err(e),
                    // A second e-mail signature of one mailbox in a batch gets the same answer as the first
                    // (the mail tells the owner); only an account learns that it signed already.
                    Ok(()) if !in_batch.insert((petition_id, email.mailbox())) => match account_id {
                        Some(_) => Err(already_signed()),
                        None => Ok(SignatureOutcome::Signed { counted: false }),
                    },
                    Ok(()) => {
                        let counted = account_id.is_some();
                        new_signatures.push(NewSignature {
                            outcome: outcomes.len(),
                            petition_id,
                            account_id,
                            full_name,
                            mailbox: email.mailbox(),
                            email,
                            notify,
                            token: (!counted).then(crate::service::secrets::new_token),
                        });
                        // Unless the insert finds it signed already (settled below).
                        Ok(SignatureOutcome::Signed { counted })
                    }
                }
            }
            SignatureOp::Confirm { token } => {
                let refs = Confirming { open, ttl: ctx.confirmation_ttl };
                confirm(&txn, refs, &token, now, &mut known, &mut delta).await?
            }
            SignatureOp::Withdraw { petition_id, email } => match check_open(known.get(&petition_id), petition_id, now)
            {
                Err(e) => Err(e),
                Ok(()) => withdraw(&txn, petition_id, &email, now, &mut delta).await?,
            },
        };
        outcomes.push(outcome);
    }
    let confirm_mails = settle_new_signatures(&txn, new_signatures, &mut outcomes, &mut delta, now).await?;
    let mut mailed = !confirm_mails.is_empty();
    queue_confirmation_mails(&txn, ctx, &known, confirm_mails, now).await?;
    // The counters last: each row is locked only from this update to the commit.
    let counters = update_counters(&txn, &delta).await?;
    if forgot_stale(open, &delta, &counters, now) {
        // Roll back (dropping the transaction) and redo with fresh rows.
        return Ok(Written::Stale);
    }
    mailed |= reach_thresholds(&txn, ctx, open, counters, now).await?;
    super::idempotency::record_batch(&txn, batch_key, &outcome_codes::encode(&outcomes), now).await?;
    txn.commit().await?;
    Ok(Written::Done { outcomes, mailed })
}

/// Whether a petition closed or reached its threshold after this batch read it, so that what was
/// accepted for it may no longer be; such petitions are forgotten, to be read again.
fn forgot_stale(open: &OpenPetitions, delta: &BTreeMap<i32, i64>, counters: &[Counter], now: DateTime<Utc>) -> bool {
    let stale: Vec<i32> =
        delta.keys().copied().filter(|id| !counters.iter().any(|c| c.id == *id && c.collecting_at(now))).collect();
    for &id in &stale {
        open.forget(id);
    }
    !stale.is_empty()
}

/// What the batch's petitions are: the collecting ones from the cache, the others read in one query.
async fn known_petitions(
    txn: &DatabaseTransaction,
    open: &OpenPetitions,
    resolved: &[Result<SignatureOp, AppError>],
    now: DateTime<Utc>,
) -> Result<HashMap<i32, Known>, AppError> {
    let mut known: HashMap<i32, Known> = HashMap::new();
    let mut unknown = Vec::new();
    for op in resolved {
        if let Ok(SignatureOp::Sign { petition_id, .. } | SignatureOp::Withdraw { petition_id, .. }) = op
            && !known.contains_key(petition_id)
        {
            match open.get(*petition_id, now) {
                Some(p) => {
                    known.insert(*petition_id, Known::Open(p));
                }
                None => unknown.push(*petition_id),
            }
        }
    }
    if !unknown.is_empty() {
        unknown.sort_unstable();
        unknown.dedup();
        for row in petitions::Entity::find().filter(petitions::Column::Id.is_in(unknown)).all(txn).await? {
            known.insert(row.id, open.learn(row, now));
        }
    }
    Ok(known)
}

/// Withdraws the counted signature of `email` on a collecting petition; the outer error spoils the
/// batch, the inner one is this operation's answer.
async fn withdraw(
    txn: &DatabaseTransaction,
    petition_id: i32,
    email: &Email,
    now: DateTime<Utc>,
    delta: &mut BTreeMap<i32, i64>,
) -> Result<Result<SignatureOutcome, AppError>, AppError> {
    let changed = signatures::Entity::update_many()
        .col_expr(signatures::Column::Status, Expr::value(WITHDRAWN))
        .col_expr(signatures::Column::WithdrawnAt, Expr::value(now))
        .filter(signatures::Column::PetitionId.eq(petition_id))
        .filter(signatures::Column::Mailbox.eq(email.mailbox()))
        .filter(signatures::Column::Status.eq(CONFIRMED))
        .exec(txn)
        .await?;
    Ok(if changed.rows_affected == 1 {
        *delta.entry(petition_id).or_default() -= 1;
        Ok(SignatureOutcome::Withdrawn)
    } else {
        Err(AppError::not_found("you have no counted signature on this petition to withdraw"))
    })
}

/// Stores the batch's new signatures and counts the counted ones in `delta`; returns the signatures to
/// mail (a confirmation link, or a note to the owner of a mailbox that signed already).
async fn settle_new_signatures(
    txn: &DatabaseTransaction,
    new_signatures: Vec<NewSignature>,
    outcomes: &mut [Result<SignatureOutcome, AppError>],
    delta: &mut BTreeMap<i32, i64>,
    now: DateTime<Utc>,
) -> Result<Vec<NewSignature>, AppError> {
    let mut confirm_mails = Vec::new();
    if new_signatures.is_empty() {
        return Ok(confirm_mails);
    }
    // An e-mail signature of a mailbox that signed already is not stored; its owner is told by mail.
    let counted = counted_mailboxes(txn, &new_signatures).await?;
    let (told, new_signatures): (Vec<_>, Vec<_>) = new_signatures
        .into_iter()
        .partition(|s| s.account_id.is_none() && counted.contains(&(s.petition_id, s.mailbox.clone())));
    for signature in told {
        confirm_mails.push(NewSignature { token: None, ..signature });
    }
    let stored = insert_signatures(txn, &new_signatures, now).await?;
    for signature in new_signatures {
        if !stored.contains(&(signature.petition_id, signature.mailbox.clone())) {
            outcomes[signature.outcome] = Err(already_signed());
            continue;
        }
        let change = delta.entry(signature.petition_id).or_default();
        if signature.account_id.is_some() {
            *change += 1;
        }
        if signature.token.is_some() {
            confirm_mails.push(signature);
        }
    }
    Ok(confirm_mails)
}

/// Queues the mail of each signature: its confirmation link, or (without a token) the note that the
/// mailbox signed already.
async fn queue_confirmation_mails(
    txn: &DatabaseTransaction,
    ctx: &WriterContext,
    known: &HashMap<i32, Known>,
    confirm_mails: Vec<NewSignature>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    for signature in confirm_mails {
        let title = match known.get(&signature.petition_id) {
            Some(Known::Open(p)) => p.title.clone(),
            _ => String::new(),
        };
        let facts = match &signature.token {
            Some(token) => PetitionMail {
                petition_id: signature.petition_id,
                action: "confirm_signature".into(),
                title,
                link: crate::mail::links::signature_confirmation(&ctx.public_url, token.as_str()),
                code: Some(token.as_str().to_owned()),
                valid_hours: Some(ctx.confirmation_ttl.num_hours()),
                ..Default::default()
            },
            None => PetitionMail {
                petition_id: signature.petition_id,
                action: "already_signed".into(),
                title,
                ..Default::default()
            },
        };
        let mut mail =
            render(&Notification::PetitionUpdate(facts), Language::Uk, &signature.full_name, &signature.email)?;
        mail.kind = "signature_confirmation";
        super::notify::enqueue(txn, &mail, now).await?;
    }
    Ok(())
}

/// Moves each petition whose counter reached its threshold on (out of collection); whether any did (and
/// so mailed).
async fn reach_thresholds(
    txn: &DatabaseTransaction,
    ctx: &WriterContext,
    open: &OpenPetitions,
    counters: Vec<Counter>,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let mut reached = false;
    let mut calendar = None;
    for counter in counters {
        if counter.threshold.is_some_and(|t| counter.count >= i64::from(t)) {
            if calendar.is_none() {
                calendar = Some(super::calendar::calendar(txn, ctx.martial_law_ended_on).await?);
            }
            let row = get(txn, counter.id).await?;
            let command = Command::ReachThreshold { count: counter.count };
            let system = Actor { system: true, ..Default::default() };
            let calendar = calendar.as_ref().expect("loaded above");
            // The transition takes the petition out of collection: later batches must read it again.
            open.forget(counter.id);
            transition_in(txn, calendar, &ctx.public_url, &row, system, command, now).await?;
            reached = true;
        }
    }
    Ok(reached)
}

/// Inserts the batch's signatures, skipping counted ones whose mailbox signed the petition already
/// (stored, or committed meanwhile by another writer); returns the (petition, mailbox) pairs stored.
/// Unconfirmed (`pending`) rows are outside the unique index: they never block anyone.
async fn insert_signatures(
    txn: &DatabaseTransaction,
    rows: &[NewSignature],
    now: DateTime<Utc>,
) -> Result<HashSet<(i32, String)>, AppError> {
    // Concurrent batches insert in the same (petition, e-mail) order, so two that share keys wait for
    // each other instead of deadlocking on the unique index.
    if rows.is_empty() {
        return Ok(HashSet::new());
    }
    let mut rows: Vec<&NewSignature> = rows.iter().collect();
    rows.sort_unstable_by(|a, b| (a.petition_id, &a.mailbox).cmp(&(b.petition_id, &b.mailbox)));
    let statement = if super::is_sqlite(txn) {
        sqlite_insert(&rows, now)
    } else {
        // One statement text whatever the batch size, so the connection's prepared statement is reused
        // (a text per size would be parsed and planned again and again).
        let records: Vec<serde_json::Value> = rows
            .iter()
            .map(|row| {
                json!({
                    "petition_id": row.petition_id,
                    "account_id": row.account_id,
                    "full_name": row.full_name,
                    "email": row.email.as_str(),
                    "mailbox": row.mailbox,
                    "notify": row.notify,
                    "confirm_digest": row.token.as_ref().map(SecretToken::digest),
                })
            })
            .collect();
        Statement::from_sql_and_values(
            DbBackend::Postgres,
            "INSERT INTO signatures (petition_id, account_id, full_name, email, mailbox, notify, status, \
             confirm_digest, created_at, confirmed_at) \
             SELECT r.petition_id, r.account_id, r.full_name, r.email, r.mailbox, r.notify, \
                    CASE WHEN r.account_id IS NULL THEN $3 ELSE $2 END, r.confirm_digest, $4, \
                    CASE WHEN r.account_id IS NULL THEN NULL ELSE $4 END \
             FROM json_to_recordset($1::text::json) AS r(petition_id int4, account_id int4, full_name text, \
                  email text, mailbox text, notify bool, confirm_digest text) \
             ON CONFLICT (petition_id, mailbox) WHERE status <> 'pending' DO NOTHING RETURNING petition_id, mailbox",
            [serde_json::Value::Array(records).to_string().into(), CONFIRMED.into(), PENDING.into(), now.into()],
        )
    };
    let stored = txn.query_all_raw(statement).await?;
    Ok(stored
        .iter()
        .map(|row| Ok((row.try_get("", "petition_id")?, row.try_get("", "mailbox")?)))
        .collect::<Result<_, sea_orm::DbErr>>()?)
}

/// The insert of [`insert_signatures`] on SQLite, where statements are not round trips.
fn sqlite_insert(rows: &[&NewSignature], now: DateTime<Utc>) -> Statement {
    use sea_orm::sea_query::{OnConflict, Query};
    use signatures::Column as C;
    let mut insert = Query::insert();
    insert.into_table(signatures::Entity).columns([
        C::PetitionId,
        C::AccountId,
        C::FullName,
        C::Email,
        C::Mailbox,
        C::Notify,
        C::Status,
        C::ConfirmDigest,
        C::CreatedAt,
        C::ConfirmedAt,
    ]);
    for row in rows {
        let counted = row.account_id.is_some();
        insert.values_panic([
            row.petition_id.into(),
            row.account_id.into(),
            row.full_name.as_str().into(),
            row.email.as_str().into(),
            row.mailbox.as_str().into(),
            row.notify.into(),
            if counted { CONFIRMED } else { PENDING }.into(),
            row.token.as_ref().map(SecretToken::digest).into(),
            now.into(),
            counted.then_some(now).into(),
        ]);
    }
    insert
        .on_conflict(
            OnConflict::columns([C::PetitionId, C::Mailbox])
                .target_and_where(Expr::cust("status <> 'pending'"))
                .do_nothing()
                .to_owned(),
        )
        .returning(Query::returning().columns([C::PetitionId, C::Mailbox]));
    DbBackend::Sqlite.build(&insert)
}

/// A petition's counter and state after a batch's update, read under its row lock.
struct Counter {
    id: i32,
    count: i64,
    status: String,
    threshold: Option<i32>,
    ends_at: Option<DateTime<Utc>>,
}

impl Counter {
    fn collecting_at(&self, now: DateTime<Utc>) -> bool {
        Status::parse(&self.status).is_some_and(|status| rules::collecting_at(status, self.ends_at, now))
    }
}

/// Adds each petition's change to its counter in one statement and returns the rows as updated.
///
/// On PostgreSQL the rows are first locked in id order (concurrent writers then queue instead of
/// deadlocking), `FOR NO KEY UPDATE` so that the foreign-key checks of concurrent signature inserts,
/// which share-lock the key, are not blocked. SQLite has a single writer.
async fn update_counters(txn: &DatabaseTransaction, delta: &BTreeMap<i32, i64>) -> Result<Vec<Counter>, AppError> {
    if delta.is_empty() {
        return Ok(Vec::new());
    }
    const RETURNING: &str = "RETURNING petitions.id, petitions.signature_count, petitions.status, \
                             petitions.signature_threshold, petitions.collection_ends_at";
    let statement = if super::is_sqlite(txn) {
        let mut values = Vec::with_capacity(delta.len() * 2);
        let mut rows = Vec::with_capacity(delta.len());
        for (id, change) in delta {
            rows.push(format!("(${}, ${})", values.len() + 1, values.len() + 2));
            values.push(sea_orm::Value::from(*id));
            values.push(sea_orm::Value::from(*change));
        }
        let rows = rows.join(", ");
        Statement::from_sql_and_values(
            DbBackend::Sqlite,
            format!(
                "UPDATE petitions SET signature_count = signature_count + d.column2 \
                 FROM (VALUES {rows}) AS d WHERE petitions.id = d.column1 {RETURNING}"
            ),
            values,
        )
    } else {
        // One statement text whatever the number of petitions (see `insert_signatures`).
        let changes: Vec<serde_json::Value> = delta.iter().map(|(id, n)| json!({ "id": id, "n": n })).collect();
        Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!(
                "WITH d AS (SELECT * FROM json_to_recordset($1::text::json) AS d(id int4, n int8)), \
                 locked AS (SELECT id AS locked_id FROM petitions WHERE id IN (SELECT id FROM d) \
                            ORDER BY id FOR NO KEY UPDATE) \
                 UPDATE petitions SET signature_count = petitions.signature_count + d.n \
                 FROM d JOIN locked ON locked.locked_id = d.id WHERE petitions.id = d.id {RETURNING}"
            ),
            [serde_json::Value::Array(changes).to_string().into()],
        )
    };
    let updated = txn.query_all_raw(statement).await?;
    let mut counters = updated
        .iter()
        .map(|row| {
            Ok(Counter {
                id: row.try_get("", "id")?,
                count: row.try_get("", "signature_count")?,
                status: row.try_get("", "status")?,
                threshold: row.try_get("", "signature_threshold")?,
                ends_at: row.try_get("", "collection_ends_at")?,
            })
        })
        .collect::<Result<Vec<_>, sea_orm::DbErr>>()?;
    counters.sort_by_key(|c| c.id);
    Ok(counters)
}

/// Turns every `SignWithSession` into the account's `Sign` (one query for the whole batch), or into
/// 401 when the session is unknown, expired or logged out.
async fn resolve_sessions(
    txn: &DatabaseTransaction,
    ops: &[SignatureOp],
    now: DateTime<Utc>,
) -> Result<Vec<Result<SignatureOp, AppError>>, AppError> {
    let digests: Vec<&str> = ops
        .iter()
        .filter_map(|op| match op {
            SignatureOp::SignWithSession { token_digest, .. } => Some(token_digest.as_str()),
            _ => None,
        })
        .collect();
    // token digest -> (account id, full name, e-mail)
    let mut accounts_by_digest: HashMap<String, (i32, String, String)> = HashMap::new();
    if !digests.is_empty() {
        let statement = if super::is_sqlite(txn) {
            sqlite_sessions(digests, now)
        } else {
            // One statement text whatever the batch size (see `insert_signatures`); digests are hex.
            Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT sessions.token_hash, accounts.id, accounts.full_name, accounts.email \
                 FROM sessions JOIN accounts ON accounts.id = sessions.account_id \
                 WHERE sessions.token_hash = ANY(string_to_array($1, ' ')) \
                   AND sessions.revoked_at IS NULL AND sessions.expires_at > $2",
                [digests.join(" ").into(), now.into()],
            )
        };
        for row in txn.query_all_raw(statement).await? {
            accounts_by_digest.insert(
                row.try_get("", "token_hash")?,
                (row.try_get("", "id")?, row.try_get("", "full_name")?, row.try_get("", "email")?),
            );
        }
    }
    Ok(ops
        .iter()
        .map(|op| match op {
            SignatureOp::SignWithSession { petition_id, token_digest, notify } => {
                let (account_id, full_name, email) = accounts_by_digest.get(token_digest).ok_or_else(|| {
                    AppError::Unauthorized(
                        "the token is unknown, expired or logged out; log in again at POST /api/v1/sessions".into(),
                    )
                })?;
                Ok(SignatureOp::Sign {
                    petition_id: *petition_id,
                    account_id: Some(*account_id),
                    full_name: full_name.clone(),
                    email: Email::parse(email)?,
                    notify: *notify,
                })
            }
            other => Ok(other.clone()),
        })
        .collect())
}

/// The sessions query of [`resolve_sessions`] on SQLite.
fn sqlite_sessions(digests: Vec<&str>, now: DateTime<Utc>) -> Statement {
    use entity::sessions;
    use sea_orm::sea_query::Query;
    let query = Query::select()
        .column((sessions::Entity, sessions::Column::TokenHash))
        .column((accounts::Entity, accounts::Column::Id))
        .column((accounts::Entity, accounts::Column::FullName))
        .column((accounts::Entity, accounts::Column::Email))
        .from(sessions::Entity)
        .inner_join(
            accounts::Entity,
            Expr::col((accounts::Entity, accounts::Column::Id)).equals((sessions::Entity, sessions::Column::AccountId)),
        )
        .and_where(Expr::col((sessions::Entity, sessions::Column::TokenHash)).is_in(digests))
        .and_where(Expr::col((sessions::Entity, sessions::Column::RevokedAt)).is_null())
        .and_where(Expr::col((sessions::Entity, sessions::Column::ExpiresAt)).gt(now))
        .to_owned();
    DbBackend::Sqlite.build(&query)
}

fn collecting(petition: Option<&petitions::Model>, id: i32, now: DateTime<Utc>) -> Result<(), AppError> {
    let petition = petition.ok_or_else(|| AppError::not_found(format!("there is no petition {id}")))?;
    let domain = domain_petition(petition)?;
    rules::check_collecting(&domain, now).map_err(AppError::Conflict)
}

/// What a confirmation needs besides the transaction.
#[derive(Clone, Copy)]
struct Confirming<'a> {
    open: &'a OpenPetitions,
    ttl: chrono::Duration,
}

/// The (petition, mailbox) pairs among `rows` that already have a counted (or withdrawn) signature.
async fn counted_mailboxes(
    txn: &DatabaseTransaction,
    rows: &[NewSignature],
) -> Result<HashSet<(i32, String)>, AppError> {
    let pending: Vec<&NewSignature> = rows.iter().filter(|r| r.account_id.is_none()).collect();
    if pending.is_empty() {
        return Ok(HashSet::new());
    }
    let found = signatures::Entity::find()
        .select_only()
        .columns([signatures::Column::PetitionId, signatures::Column::Mailbox])
        .filter(signatures::Column::PetitionId.is_in(pending.iter().map(|r| r.petition_id)))
        .filter(signatures::Column::Mailbox.is_in(pending.iter().map(|r| r.mailbox.clone())))
        .filter(signatures::Column::Status.ne(PENDING))
        .into_tuple::<(i32, Option<String>)>()
        .all(txn)
        .await?;
    Ok(found.into_iter().filter_map(|(petition, mailbox)| Some((petition, mailbox?))).collect())
}

/// Confirms an e-mail signature. The link works for `ttl` after signing; a mailbox that has a counted
/// signature meanwhile (its owner signed with an account, or opened another link) is not counted twice.
async fn confirm(
    txn: &DatabaseTransaction,
    refs: Confirming<'_>,
    token: &str,
    now: DateTime<Utc>,
    known: &mut HashMap<i32, Known>,
    delta: &mut BTreeMap<i32, i64>,
) -> Result<Result<SignatureOutcome, AppError>, AppError> {
    let open = refs.open;
    let digest = token_digest(token);
    let Some(signature) =
        signatures::Entity::find().filter(signatures::Column::ConfirmDigest.eq(digest)).one(txn).await?
    else {
        return Ok(Err(AppError::not_found("the confirmation link is unknown; sign again to get a new one")));
    };
    if signature.status != PENDING {
        return Ok(Err(AppError::Conflict("this signature is already confirmed".into())));
    }
    if now >= signature.created_at + refs.ttl {
        return Ok(Err(AppError::Conflict("the confirmation link has expired; sign again to get a new one".into())));
    }
    let mailbox = signature.mailbox.clone().unwrap_or_else(|| signature.email.clone());
    let counted = signatures::Entity::find()
        .filter(signatures::Column::PetitionId.eq(signature.petition_id))
        .filter(signatures::Column::Mailbox.eq(mailbox))
        .filter(signatures::Column::Status.ne(PENDING))
        .count(txn)
        .await?;
    if counted > 0 {
        return Ok(Err(already_signed()));
    }
    if let std::collections::hash_map::Entry::Vacant(entry) = known.entry(signature.petition_id) {
        entry.insert(match open.get(signature.petition_id, now) {
            Some(p) => Known::Open(p),
            None => open.learn(get(txn, signature.petition_id).await?, now),
        });
    }
    if let Err(e) = check_open(known.get(&signature.petition_id), signature.petition_id, now) {
        return Ok(Err(e));
    }
    let changed = signatures::Entity::update_many()
        .col_expr(signatures::Column::Status, Expr::value(CONFIRMED))
        .col_expr(signatures::Column::ConfirmedAt, Expr::value(now))
        .filter(signatures::Column::Id.eq(signature.id))
        .filter(signatures::Column::Status.eq(PENDING))
        .exec(txn)
        .await?;
    if changed.rows_affected != 1 {
        return Ok(Err(AppError::Conflict("this signature is already confirmed".into())));
    }
    *delta.entry(signature.petition_id).or_default() += 1;
    Ok(Ok(SignatureOutcome::Confirmed { petition_id: signature.petition_id }))
}

/// Petitions collecting signatures now.
pub async fn collecting_count(db: &DatabaseConnection) -> Result<u64, AppError> {
    Ok(petitions::Entity::find().filter(petitions::Column::Status.eq(Status::Collecting.code())).count(db).await?)
}

/// Gives the signatures stored before mailboxes were compared their normalised mailbox (see
/// `m0015_signature_mailboxes`), except where two counted signatures of one petition would then collide:
/// those were both given under the old rule and keep counting (they are logged). Returns how many changed.
pub async fn normalise_mailboxes(db: &DatabaseConnection) -> Result<u64, AppError> {
    let txn = super::begin_write(db).await?;
    let (mut after, mut changed, mut kept) = (0, 0_u64, 0_u64);
    loop {
        let rows = signatures::Entity::find()
            .filter(signatures::Column::Id.gt(after))
            .order_by_asc(signatures::Column::Id)
            .limit(5000)
            .all(&txn)
            .await?;
        let Some(last) = rows.last() else { break };
        after = last.id;
        for row in rows {
            let Ok(mailbox) = Email::parse(&row.email).map(|e| e.mailbox()) else { continue };
            if row.mailbox.as_deref() == Some(mailbox.as_str()) {
                continue;
            }
            let taken = row.status != PENDING
                && signatures::Entity::find()
                    .filter(signatures::Column::PetitionId.eq(row.petition_id))
                    .filter(signatures::Column::Mailbox.eq(mailbox.as_str()))
                    .filter(signatures::Column::Status.ne(PENDING))
                    .count(&txn)
                    .await?
                    > 0;
            if taken {
                kept += 1;
                continue;
            }
            signatures::Entity::update_many()
                .col_expr(signatures::Column::Mailbox, Expr::value(mailbox))
                .filter(signatures::Column::Id.eq(row.id))
                .exec(&txn)
                .await?;
            changed += 1;
        }
    }
    txn.commit().await?;
    if kept > 0 {
        tracing::warn!(kept, "signatures of one mailbox given before the mailbox rule keep counting");
    }
    Ok(changed)
}
