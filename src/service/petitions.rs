//! Petitions: statute terms, submission, moderation (publish or refuse), signing (with an account, or
//! with name and e-mail confirmed by mail), the public list and page, the council's notice and answer,
//! and a petition that closed short becoming an appeal. The API and the web pages both call these.
use std::{
    net::IpAddr,
    sync::{Arc, LazyLock},
    time::Duration,
};

use chrono::{DateTime, Utc};

use super::{Actor, AppState, rate_limit::Limit};
use crate::{
    domain::{
        accounts::{Email, FullName},
        authorization::{Action, Principal, authorize, may_read_petition},
        calendar::{Calendar, kyiv_date},
        deadlines::{TimeLeft, time_left},
        petitions::{self as rules, Command, Decision, Petition, RefusalCode, SigningMode, Status, Statute},
        text::{self, Lines},
    },
    error::AppError,
    storage::{
        self, Page,
        cache::SharedCache,
        petitions::{ListFilter, SignatureOp, SignatureOutcome, Submission},
    },
};

pub use crate::domain::petitions::Sort;

/// A petition with its words: what its page shows (no contacts of anyone).
#[derive(Debug, Clone)]
pub struct PetitionRecord {
    /// Its handling state, dates and counter.
    pub petition: Petition,
    pub author_name: String,
    pub title: String,
    pub text: String,
    pub category_id: Option<i32>,
}

impl TryFrom<entity::petitions::Model> for PetitionRecord {
    type Error = AppError;

    fn try_from(row: entity::petitions::Model) -> Result<Self, AppError> {
        let petition = storage::petitions::domain_petition(&row)?;
        Ok(PetitionRecord {
            petition,
            author_name: row.author_name,
            title: row.title,
            text: row.text,
            category_id: row.category_id,
        })
    }
}

/// A petition as its author typed it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Draft {
    /// May be left out when the installation has one council.
    pub council_id: Option<i32>,
    pub title: String,
    pub text: String,
    pub category_id: Option<i32>,
}

/// What the public list asks for.
pub struct ListQuery {
    /// `None`: every published petition. One never published is listed for moderators only.
    pub status: Option<Status>,
    pub query: Option<String>,
    pub category_id: Option<i32>,
    pub submitted_from: Option<DateTime<Utc>>,
    pub submitted_to: Option<DateTime<Utc>>,
    pub sort: Sort,
    pub page: Page,
}

/// One entry of a petition's history.
#[derive(Debug, Clone)]
pub struct HistoryEntry {
    pub at: DateTime<Utc>,
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    pub details: serde_json::Value,
}

/// Who signs.
pub enum Signer {
    /// The account of a login session, by its token digest.
    Session(String),
    /// Name and e-mail, where the statute allows; counted once the mailed link is opened.
    ByEmail { full_name: String, email: String },
}

fn person(actor: &Actor) -> Result<&Principal, AppError> {
    actor.principal().ok_or_else(|| AppError::Unauthorized("log in first".into()))
}

/// Statute terms of every council, over time.
pub async fn statutes(state: &AppState) -> Result<Vec<Statute>, AppError> {
    Ok(storage::petitions::statutes(&state.db).await?.iter().map(storage::petitions::domain_statute).collect())
}

/// The statute terms numbered `id`.
pub async fn statute(state: &AppState, id: i32) -> Result<Statute, AppError> {
    Ok(storage::petitions::domain_statute(&storage::petitions::statute(&state.db, id).await?))
}

/// Adopts statute terms from a date (administrators).
pub async fn add_statute(state: &AppState, actor: &Actor, statute: Statute) -> Result<Statute, AppError> {
    let admin = person(actor)?;
    authorize(admin, Action::Administer)?;
    let row = storage::petitions::add_statute(
        &state.db,
        Some(admin.account_id),
        &statute,
        Utc::now(),
        &state.lost_commit_answers,
    )
    .await?;
    Ok(storage::petitions::domain_statute(&row))
}

/// The statute in force today for the council of petition `id`, if the petition exists.
pub async fn statute_for(state: &AppState, record: &PetitionRecord) -> Result<Option<Statute>, AppError> {
    let date = record.petition.published_at.map_or_else(|| kyiv_date(Utc::now()), kyiv_date);
    match record.petition.statute_id {
        Some(id) => Ok(statutes(state).await?.into_iter().find(|s| s.id == id)),
        None => storage::petitions::statute_in_force(&state.db, record.petition.council_id, date).await,
    }
}

/// The council a petition is addressed to: the one named, or the only active council there is.
async fn council(state: &AppState, named: Option<i32>) -> Result<i32, AppError> {
    if let Some(id) = named {
        return Ok(id);
    }
    let councils: Vec<i32> = storage::directory::list_organisations(&state.db)
        .await?
        .into_iter()
        .filter(|o| o.kind == "council" && o.active)
        .map(|o| o.id)
        .collect();
    match councils[..] {
        [only] => Ok(only),
        _ => Err(AppError::validation("council_id", "name the council the petition is addressed to")),
    }
}

/// The only active council, when there is exactly one (the web form then does not ask).
pub async fn only_council(state: &AppState) -> Result<Option<i32>, AppError> {
    Ok(council(state, None).await.ok())
}

/// Submits a petition (signed-in citizens); publication or refusal is due within 2 working days.
pub async fn submit(state: &AppState, actor: &Actor, draft: Draft) -> Result<PetitionRecord, AppError> {
    let principal = person(actor)?;
    let account = super::accounts::me(state, actor).await?;
    let council_id = council(state, draft.council_id).await?;
    let calendar = state.calendar().await?;
    let submission = Submission {
        council_id,
        author_account_id: principal.account_id,
        author_name: account.full_name,
        title: draft.title,
        text: draft.text,
        category_id: draft.category_id,
    };
    storage::petitions::submit(&state.db, &calendar, submission, Utc::now()).await?.try_into()
}

/// Petitions: search, filter, sort, page. Returns the page and the total.
pub async fn list(state: &AppState, actor: &Actor, query: ListQuery) -> Result<(Vec<PetitionRecord>, u64), AppError> {
    let statuses = match query.status {
        None => Status::ALL.iter().copied().filter(|s| s.was_published()).collect(),
        Some(status) => {
            if !status.was_published() {
                let principal = actor.principal().ok_or_else(|| {
                    AppError::Unauthorized("petitions in moderation or refused are listed for moderators only".into())
                })?;
                authorize(principal, Action::Moderate)?;
            }
            vec![status]
        }
    };
    let filter = ListFilter {
        statuses,
        query: query.query.filter(|q| !q.trim().is_empty()),
        category_id: query.category_id,
        submitted_from: query.submitted_from,
        submitted_to: query.submitted_to,
        sort: query.sort,
        page: query.page,
    };
    let (rows, total) = storage::petitions::list(&state.db, &filter).await?;
    Ok((rows.into_iter().map(PetitionRecord::try_from).collect::<Result<_, _>>()?, total))
}

/// The signed-in person's petitions: those they started (any status) and those they signed (with the
/// time), newest first, at most 100 of each.
pub async fn mine(
    state: &AppState,
    actor: &Actor,
) -> Result<(Vec<PetitionRecord>, Vec<(PetitionRecord, DateTime<Utc>)>), AppError> {
    let principal = person(actor)?;
    let (started, signed) = storage::petitions::of_account(&state.db, principal.account_id, 100).await?;
    let started = started.into_iter().map(PetitionRecord::try_from).collect::<Result<_, _>>()?;
    let signed = signed
        .into_iter()
        .map(|(row, at)| Ok((PetitionRecord::try_from(row)?, at)))
        .collect::<Result<_, AppError>>()?;
    Ok((started, signed))
}

/// Whether the signed-in person's signature counts under the petition (false for visitors).
pub async fn has_signed(state: &AppState, actor: &Actor, id: i32) -> Result<bool, AppError> {
    match actor.principal() {
        Some(principal) => storage::petitions::has_signed(&state.db, id, principal.account_id).await,
        None => Ok(false),
    }
}

/// One petition, if `actor` may see it: one never published (in moderation, refused) only to its
/// author and the moderators; to everyone else it does not exist.
pub async fn view(state: &AppState, actor: &Actor, id: i32) -> Result<PetitionRecord, AppError> {
    let record = PetitionRecord::try_from(storage::petitions::get(&state.db, id).await?)?;
    let petition = &record.petition;
    if may_read_petition(actor.principal(), petition.status.was_published(), petition.author_account_id) {
        Ok(record)
    } else {
        Err(AppError::not_found(format!("there is no petition {id}")))
    }
}

/// What a petition's page shows everyone: the petition, whether it may be signed by e-mail, its first
/// signers and its history.
#[derive(Debug)]
pub struct PublicPage {
    pub record: PetitionRecord,
    pub by_email: bool,
    pub signers: Vec<(String, DateTime<Utc>)>,
    pub history: Vec<HistoryEntry>,
}

/// A petition's page for one visitor.
pub struct PetitionPage {
    pub public: Arc<PublicPage>,
    /// Whether the visitor's own signature counts.
    pub has_signed: bool,
}

/// How many signers' names the page lists.
pub const PAGE_SIGNERS: u64 = 100;

/// A viral petition is read thousands of times a second while it is being signed: its page is read from
/// the database at most once a second (per process) and shared by every visitor meanwhile, so the
/// count and the names may lag up to this long (`web.petition_page_max_age_ms` sets another); a transition
/// is shown at once.
pub const PAGE_MAX_AGE: Duration = Duration::from_secs(1);

static PAGES: LazyLock<SharedCache<PublicPage>> =
    LazyLock::new(|| SharedCache::new(storage::petitions::pages_generation(), PAGE_MAX_AGE));

/// Petition `id`'s page, if `actor` may see it (see [`view`]). `fresh` reads it now instead of taking
/// the copy shared for [`PAGE_MAX_AGE`]: for the visitor who has just signed, confirmed or withdrawn.
pub async fn page(state: &AppState, actor: &Actor, id: i32, fresh: bool) -> Result<PetitionPage, AppError> {
    let load = || public_page(state, id);
    let public = match fresh {
        true => Arc::new(load().await?),
        false => {
            let max_age = Duration::from_millis(state.settings.web.petition_page_max_age_ms);
            PAGES.get_keyed_within(&state.db, (&id.to_string(), max_age), load).await?
        }
    };
    let petition = &public.record.petition;
    if !may_read_petition(actor.principal(), petition.status.was_published(), petition.author_account_id) {
        return Err(AppError::not_found(format!("there is no petition {id}")));
    }
    let has_signed = has_signed(state, actor, id).await?;
    Ok(PetitionPage { public, has_signed })
}

async fn public_page(state: &AppState, id: i32) -> Result<PublicPage, AppError> {
    let record = PetitionRecord::try_from(storage::petitions::get(&state.db, id).await?)?;
    let by_email = signs_by_email(state, &record).await?;
    let signers = storage::petitions::first_signers(&state.db, id, PAGE_SIGNERS).await?;
    Ok(PublicPage { by_email, signers, history: history_of(state, id).await?, record })
}

/// The history of a petition (public once published).
pub async fn history(state: &AppState, actor: &Actor, id: i32) -> Result<Vec<HistoryEntry>, AppError> {
    view(state, actor, id).await?;
    history_of(state, id).await
}

async fn history_of(state: &AppState, id: i32) -> Result<Vec<HistoryEntry>, AppError> {
    let events = storage::events::history(&state.db, storage::petitions::SUBJECT, &id.to_string()).await?;
    Ok(events
        .into_iter()
        .map(|e| HistoryEntry {
            at: e.occurred_at,
            action: e.action,
            from_status: e.from_state,
            to_status: e.to_state,
            details: serde_json::from_str(&e.details).unwrap_or_default(),
        })
        .collect())
}

/// The signers' names and when they signed, oldest first, and how many there are.
pub async fn signers(state: &AppState, id: i32, page: Page) -> Result<(Vec<(String, DateTime<Utc>)>, u64), AppError> {
    view(state, &Actor::Anonymous, id).await?;
    storage::petitions::signer_names(&state.db, id, page).await
}

/// What a step on a petition gives back: the petition as it stands after it.
type Stepped = Result<PetitionRecord, AppError>;

/// Applies a moderator's or the council's `command` to petition `id`.
async fn act(state: &AppState, actor: &Actor, id: i32, command: Command) -> Stepped {
    let principal = person(actor)?;
    let row = storage::petitions::get(&state.db, id).await?;
    let author = Some(row.author_account_id);
    let who = rules::Actor {
        account_id: Some(principal.account_id),
        is_author: principal.account_id == row.author_account_id,
        moderator: authorize(principal, Action::ModerateItem { author_account_id: author }).is_ok(),
        council_officer: authorize(
            principal,
            Action::HandleItem { organisation_id: row.council_id, author_account_id: author },
        )
        .is_ok(),
        system: false,
    };
    let calendar = state.calendar().await?;
    let (updated, _) =
        storage::petitions::transition(&state.db, &calendar, &state.settings.public_url, id, who, command, Utc::now())
            .await?;
    state.mail_wake.notify_one();
    updated.try_into()
}

/// Publishes a submitted petition under the statute in force today (moderators).
pub async fn publish(state: &AppState, actor: &Actor, id: i32) -> Stepped {
    person(actor)?;
    let row = storage::petitions::get(&state.db, id).await?;
    let statute = storage::petitions::statute_in_force(&state.db, row.council_id, kyiv_date(Utc::now()))
        .await?
        .ok_or_else(|| AppError::Conflict("the council has no petition statute in force".into()))?;
    act(state, actor, id, Command::Publish { statute }).await
}

/// Refuses to publish, with a coded reason the author receives (moderators).
pub async fn refuse(state: &AppState, actor: &Actor, id: i32, code: RefusalCode, reason: String) -> Stepped {
    act(state, actor, id, Command::Refuse { code, reason }).await
}

/// Publishes the notice of the start of consideration (officers of the council).
pub async fn notice(state: &AppState, actor: &Actor, id: i32) -> Stepped {
    act(state, actor, id, Command::PublishNotice).await
}

/// Publishes the council's answer with its reasons (officers of the council).
pub async fn answer(state: &AppState, actor: &Actor, id: i32, decision: Decision, text: String) -> Stepped {
    act(state, actor, id, Command::Answer { decision, text }).await
}

/// A petition as a desk lists it: the record, and the legal clock running in its state.
#[derive(Debug, Clone)]
pub struct DeskItem {
    pub record: PetitionRecord,
    /// The end of the term running now (publication, or the council's answer), if one is.
    pub due_at: Option<DateTime<Utc>>,
    pub time_left: Option<TimeLeft>,
}

/// One group of a desk's queue: the first [`DESK_LIMIT`] petitions waiting longest, and how many wait.
#[derive(Debug, Clone, Default)]
pub struct DeskGroup {
    pub items: Vec<DeskItem>,
    pub total: u64,
}

/// The most petitions one group of a desk's queue shows at once.
pub const DESK_LIMIT: u64 = 100;

fn desk_item(record: PetitionRecord, calendar: &Calendar, now: DateTime<Utc>) -> DeskItem {
    let due_at = record.petition.running_deadline();
    DeskItem { time_left: due_at.map(|due| time_left(due, now, calendar)), due_at, record }
}

async fn desk_group(state: &AppState, status: Status, councils: Option<&[i32]>) -> Result<DeskGroup, AppError> {
    let (rows, total) = storage::petitions::waiting(&state.db, status, councils, DESK_LIMIT).await?;
    let calendar = state.calendar().await?;
    let now = Utc::now();
    let items = rows
        .into_iter()
        .map(|row| Ok(desk_item(PetitionRecord::try_from(row)?, &calendar, now)))
        .collect::<Result<_, AppError>>()?;
    Ok(DeskGroup { items, total })
}

/// The moderators' queue: petitions awaiting moderation, the oldest first (moderators).
pub async fn moderation_queue(state: &AppState, actor: &Actor) -> Result<DeskGroup, AppError> {
    authorize(person(actor)?, Action::Moderate)?;
    desk_group(state, Status::Moderation, None).await
}

/// One petition as its moderator reads it, in any state; never the moderator's own petition.
pub async fn moderation_case(state: &AppState, actor: &Actor, id: i32) -> Result<DeskItem, AppError> {
    let principal = person(actor)?;
    authorize(principal, Action::Moderate)?;
    let record = PetitionRecord::try_from(storage::petitions::get(&state.db, id).await?)?;
    authorize(principal, Action::ModerateItem { author_account_id: Some(record.petition.author_account_id) })?;
    Ok(desk_item(record, &state.calendar().await?, Utc::now()))
}

/// The councils whose petitions `actor` handles (an officer or head of each); refused when none.
async fn councils_of(state: &AppState, actor: &Actor) -> Result<Vec<i32>, AppError> {
    let principal = person(actor)?;
    let councils = storage::directory::list_organisations(&state.db).await?.into_iter().filter(|o| o.kind == "council");
    let mut refusal = AppError::Forbidden("only officers of the council may handle its petitions".into());
    let mut handled = vec![];
    for council in councils {
        match authorize(principal, Action::HandleForOrganisation { organisation_id: council.id }) {
            Ok(()) => handled.push(council.id),
            Err(err) => refusal = err.into(),
        }
    }
    if handled.is_empty() { Err(refusal) } else { Ok(handled) }
}

/// The council's queue (its officers): petitions that reached the threshold and await the notice,
/// and those under consideration with the 10-working-day clock.
pub async fn council_queue(state: &AppState, actor: &Actor) -> Result<(DeskGroup, DeskGroup), AppError> {
    let councils = councils_of(state, actor).await?;
    let awaiting = desk_group(state, Status::AwaitingConsideration, Some(&councils)).await?;
    let considering = desk_group(state, Status::UnderConsideration, Some(&councils)).await?;
    Ok((awaiting, considering))
}

/// One petition as an officer of its council handles it; never one the officer wrote.
pub async fn council_case(state: &AppState, actor: &Actor, id: i32) -> Result<DeskItem, AppError> {
    let principal = person(actor)?;
    let record = PetitionRecord::try_from(storage::petitions::get(&state.db, id).await?)?;
    let petition = &record.petition;
    // One in moderation or refused is not the council's yet: for its officers it does not exist.
    if !may_read_petition(Some(principal), petition.status.was_published(), petition.author_account_id) {
        return Err(AppError::not_found(format!("there is no petition {id}")));
    }
    let action = Action::HandleItem {
        organisation_id: petition.council_id,
        author_account_id: Some(petition.author_account_id),
    };
    authorize(principal, action)?;
    Ok(desk_item(record, &state.calendar().await?, Utc::now()))
}

/// Signs petition `id`: a signed-in account is counted at once (`true`); a signature by e-mail counts
/// once its mailed link is opened (`false`). One signature per address per petition. Rate-limited per
/// client address.
pub async fn sign(
    state: &AppState,
    ip: IpAddr,
    petition_id: i32,
    signer: Signer,
    notify: bool,
) -> Result<bool, AppError> {
    state.limits.check(Limit::Sign, ip)?;
    let op = match signer {
        // The writer looks up the sessions of a whole batch at once (unless this one was seen just now).
        Signer::Session(digest) => match state.sessions.get(&digest) {
            Some(super::CachedSession { account, .. }) => SignatureOp::Sign {
                petition_id,
                account_id: Some(account.id),
                full_name: account.full_name,
                email: Email::parse(&account.email)?,
                notify,
            },
            None => SignatureOp::SignWithSession { petition_id, token_digest: digest, notify },
        },
        Signer::ByEmail { full_name, email } => {
            let record = PetitionRecord::try_from(storage::petitions::get(&state.db, petition_id).await?)?;
            let mode = match record.petition.statute_id {
                Some(_) => statute_for(state, &record).await?.map(|s| s.signing_mode),
                None => None,
            };
            if mode != Some(SigningMode::AccountOrEmail) {
                return Err(AppError::Unauthorized(
                    "this council's statute requires signing with a verified account; log in first".into(),
                ));
            }
            let name = FullName::parse(&full_name)?;
            let email = Email::parse(&email)?;
            SignatureOp::Sign { petition_id, account_id: None, full_name: name.as_str().to_owned(), email, notify }
        }
    };
    Ok(matches!(state.signatures.submit(op).await?, SignatureOutcome::Signed { counted: true }))
}

/// Whether signing by name and e-mail (without an account) is open for this petition.
pub async fn signs_by_email(state: &AppState, record: &PetitionRecord) -> Result<bool, AppError> {
    Ok(record.petition.statute_id.is_some()
        && statute_for(state, record).await?.is_some_and(|s| s.signing_mode == SigningMode::AccountOrEmail))
}

/// Withdraws the signed-in person's signature while collection runs (recorded, not deleted).
pub async fn withdraw(state: &AppState, actor: &Actor, petition_id: i32) -> Result<(), AppError> {
    let account = super::accounts::me(state, actor).await?;
    state.signatures.submit(SignatureOp::Withdraw { petition_id, email: Email::parse(&account.email)? }).await?;
    Ok(())
}

/// Confirms an e-mail signature with the token from the mail; returns the petition's id.
pub async fn confirm_signature(state: &AppState, token: &str) -> Result<i32, AppError> {
    match state.signatures.submit(SignatureOp::Confirm { token: token.trim().to_owned() }).await? {
        SignatureOutcome::Confirmed { petition_id } => Ok(petition_id),
        _ => Err(AppError::Internal(anyhow::anyhow!("unexpected confirmation outcome"))),
    }
}

/// Has a petition that closed short considered as an ordinary appeal (its author): files an
/// application to the council with the petition's text; the appeal's own deadline applies.
pub async fn to_appeal(
    state: &AppState,
    actor: &Actor,
    id: i32,
    author_address: String,
) -> Result<PetitionRecord, AppError> {
    // Appeal intake decides the appeal; the petition's change is stored with it in one transaction.
    super::appeals::intake::file_petition_as_appeal(state, actor, id, author_address).await
}

/// Cleans a draft typed in a form (one-line title, multi-line text) and checks it against the statute
/// of its council, without saving anything.
pub async fn check(state: &AppState, actor: &Actor, draft: Draft) -> Result<Draft, AppError> {
    person(actor)?;
    let title = text::clean("title", &draft.title, Lines::One, rules::TITLE_LIMIT_MAX)?;
    let text = text::clean("text", &draft.text, Lines::Many, rules::TEXT_LIMIT_MAX)?;
    let council_id = council(state, draft.council_id).await?;
    let statute = storage::petitions::statute_in_force(&state.db, council_id, kyiv_date(Utc::now()))
        .await?
        .ok_or_else(|| AppError::Conflict("the council takes no petitions yet: it has no statute in force".into()))?;
    rules::check_submission(&title, &text, &statute)
        .map_err(|(field, message)| AppError::validation(field, message))?;
    Ok(Draft { council_id: Some(council_id), title, text, category_id: draft.category_id })
}

/// The web form's name for its kept draft and its key.
const NEW_PETITION: &str = "new-petition";

/// The "continue" step of the web form: checks the draft and keeps it under the form's key for the
/// check-your-answers page.
pub async fn keep_draft(state: &AppState, actor: &Actor, form_key: &str, draft: Draft) -> Result<Draft, AppError> {
    let checked = check(state, actor, draft).await?;
    super::forms::keep_draft(state, person(actor)?, (NEW_PETITION, form_key), &checked).await?;
    Ok(checked)
}

/// The draft kept under the form's key, as the author last continued with it.
pub async fn kept_draft(state: &AppState, actor: &Actor, form_key: &str) -> Result<Draft, AppError> {
    super::forms::kept_draft(state, person(actor)?, (NEW_PETITION, form_key)).await
}

pub use super::forms::Once;

/// Submits the draft kept under the form's key, once per key: a double click or a retried POST creates
/// nothing twice, and gets the petition the first one created.
pub async fn submit_once(state: &AppState, actor: &Actor, form_key: &str) -> Result<Once, AppError> {
    let principal = person(actor)?;
    let draft = kept_draft(state, actor, form_key).await?;
    let fingerprint = format!("{}\u{0}{}", draft.title, draft.text);
    let create = async { submit(state, actor, draft).await.map(|record| record.petition.id) };
    super::once::create_once(state, principal.account_id, form_key, &fingerprint, "/petitions", create).await
}
