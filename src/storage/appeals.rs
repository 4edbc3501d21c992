//! Appeals and issue reports as stored: intake (routing, deadline, history and mail in one transaction),
//! the persistence of [`crate::domain::appeals::apply`], the deadline watcher's sweep, photos, and the
//! queries citizens, officers and the public read.
use std::{
    collections::{BTreeMap, BTreeSet, HashMap},
    sync::Arc,
};

use chrono::{DateTime, Utc};
use entity::{accounts, appeal_cosigners, appeal_photos, appeals, organisation_members, organisations};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set, Statement,
};
use serde_json::json;
use tokio::sync::{Notify, mpsc, oneshot};

use super::events::{self, NewEvent};
use crate::{
    domain::{
        accounts::{Email, Language, Role},
        appeals::{
            self as rules, Actor, Appeal, AppealKind, Channel, Command, HOW_TO_CHALLENGE, RefusalCode, Resolution,
            Status, Transition,
        },
        authorization::{Action, Principal, authorize},
        calendar::{Calendar, kyiv_date},
        deadlines::{self, Deadline, DeadlineRule},
        directory::{DistrictId, GeoPoint, Location},
        notify::{AppealMail, Mail, Notification, render},
    },
    error::AppError,
};

pub const SUBJECT: &str = "appeal";

/// The author of an appeal: personal data, kept with the appeal and never shown publicly.
#[derive(Debug, Clone)]
pub struct Author {
    pub account_id: Option<i32>,
    pub name: String,
    pub address: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub language: Language,
}

/// An appeal as it arrives, before routing.
#[derive(Debug, Clone)]
pub struct NewAppeal {
    pub kind: AppealKind,
    pub channel: Channel,
    pub subject: String,
    pub text: String,
    pub category_id: Option<i32>,
    /// The organisation the author addressed, when no category applies.
    pub addressee_id: Option<i32>,
    pub point: Option<GeoPoint>,
    pub place_address: Option<String>,
    pub district_id: Option<i32>,
    pub author: Author,
    pub show_author_name: bool,
    pub privileged: bool,
    /// Co-signers of a collective appeal: (full name, address).
    pub cosigners: Vec<(String, String)>,
    /// When it was actually received (the registration date for paper, phone and e-mail appeals).
    pub received_at: DateTime<Utc>,
    pub registered_by: Option<i32>,
    pub open311_token: Option<String>,
}

/// What mails and history need beyond the row: names of the organisations and where links point.
pub struct Context<'a> {
    pub public_url: &'a str,
    pub calendar: &'a Calendar,
}

fn link(public_url: &str, id: i32) -> String {
    format!("{}/api/v1/appeals/{id}", public_url.trim_end_matches('/'))
}

/// An appeal routed and given its deadline, ready to be written (see [`prepare`]).
#[derive(Debug, Clone)]
pub struct Filing {
    new: NewAppeal,
    executor_id: i32,
    routing: serde_json::Value,
    rule: DeadlineRule,
    deadline: Deadline,
    forward_due_at: DateTime<Utc>,
    now: DateTime<Utc>,
    /// The idempotency key of the request that files it, linked to the appeal in the creating transaction.
    key_scope: Option<String>,
}

/// A stored filing: the row, its deadline with the steps it was computed by, and what the response shows
/// besides the row, so that it needs no further reads.
#[derive(Debug, Clone)]
pub struct Filed {
    pub row: appeals::Model,
    pub deadline: Deadline,
    pub executor_name: String,
    /// (full name, address) as stored.
    pub cosigners: Vec<(String, String)>,
}

/// Routes an appeal and computes its deadlines by the calendar; nothing is written yet.
pub async fn prepare(
    db: &DatabaseConnection,
    ctx: &Context<'_>,
    mut new: NewAppeal,
    now: DateTime<Utc>,
) -> Result<Filing, AppError> {
    use chrono::DurationRound;
    // The databases keep microseconds: the row built here must equal the row read back later.
    let micros = chrono::TimeDelta::microseconds(1);
    let now = now.duration_trunc(micros).unwrap_or(now);
    new.received_at = new.received_at.duration_trunc(micros).unwrap_or(new.received_at);
    let (executor_id, urgency, routing) = route(db, &new).await?;
    let rule = rules::intake_rule(urgency);
    let deadline = deadlines::compute(&rule, new.received_at, ctx.calendar);
    let forward_due_at = deadlines::compute(&DeadlineRule::Forwarding, new.received_at, ctx.calendar).due_at;
    let key_scope = super::idempotency::current_scope();
    Ok(Filing { new, executor_id, routing, rule, deadline, forward_due_at, now, key_scope })
}

/// Files an appeal on its own: routes it, computes its deadline, and stores it with its history entry,
/// mails and tally in one transaction. HTTP intake goes through the [`AppealWriter`] instead.
pub async fn file(
    db: &DatabaseConnection,
    ctx: &Context<'_>,
    new: NewAppeal,
    now: DateTime<Utc>,
) -> Result<(appeals::Model, Deadline), AppError> {
    let filing = prepare(db, ctx, new, now).await?;
    let filed = write_filings(db, ctx.public_url, std::slice::from_ref(&filing), None)
        .await?
        .pop()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("a filing was written without a result")))?;
    Ok((filed.row, filed.deadline))
}

fn appeal_model(f: &Filing) -> Result<appeals::ActiveModel, AppError> {
    let new = &f.new;
    Ok(appeals::ActiveModel {
        kind: Set(new.kind.code().to_owned()),
        channel: Set(new.channel.code().to_owned()),
        status: Set(Status::Received.code().to_owned()),
        subject: Set(new.subject.trim().to_owned()),
        text: Set(new.text.trim().to_owned()),
        category_id: Set(new.category_id),
        latitude: Set(new.point.map(|p| p.lat)),
        longitude: Set(new.point.map(|p| p.lon)),
        place_address: Set(new.place_address.clone()),
        district_id: Set(f.routing["district"].as_i64().map(|d| d as i32).or(new.district_id)),
        author_account_id: Set(new.author.account_id),
        author_name: Set(new.author.name.trim().to_owned()),
        author_address: Set(new.author.address.clone()),
        author_email: Set(new.author.email.clone()),
        author_phone: Set(new.author.phone.clone()),
        author_language: Set(new.author.language.code().to_owned()),
        show_author_name: Set(new.show_author_name),
        privileged: Set(new.privileged),
        executor_id: Set(f.executor_id),
        routing: Set(f.routing.to_string()),
        assignee_account_id: Set(None),
        deadline_rule: Set(serde_json::to_string(&f.rule).map_err(|e| AppError::Internal(e.into()))?),
        received_at: Set(new.received_at),
        registered_at: Set(f.now),
        registered_by: Set(new.registered_by),
        executor_received_at: Set(new.received_at),
        original_due_at: Set(f.deadline.due_at),
        due_at: Set(f.deadline.due_at),
        forward_due_at: Set(f.forward_due_at),
        forwarded_count: Set(0),
        rework_count: Set(0),
        open311_token: Set(new.open311_token.clone()),
        version: Set(0),
        updated_at: Set(f.now),
        ..Default::default()
    })
}

/// Rows per multi-row INSERT, well under PostgreSQL's 65,535 bind parameters and SQLite's 32,766.
const INSERT_CHUNK: usize = 200;

/// Writes `filings` in one transaction: the appeals (one multi-row INSERT … RETURNING on PostgreSQL),
/// their co-signers, `received` events and mails (multi-row INSERTs), and the tally change summed per
/// tally row. All or nothing; the results are in the order of `filings`. The appeals are linked to their
/// requests' idempotency keys, and to `batch_key` (the ids, comma-separated) when given.
async fn write_filings(
    db: &DatabaseConnection,
    public_url: &str,
    filings: &[Filing],
    batch_key: Option<&str>,
) -> Result<Vec<Filed>, AppError> {
    if filings.is_empty() {
        return Ok(Vec::new());
    }
    let models = filings.iter().map(appeal_model).collect::<Result<Vec<_>, _>>()?;
    // Who the mails go to, read before the transaction: one look-up for the whole batch.
    let executors: Vec<i32> = filings.iter().map(|f| f.executor_id).collect::<BTreeSet<_>>().into_iter().collect();
    let (organisations, mut staff_by_org) = staff_of(db, &executors).await?;
    let txn = super::begin_write(db).await?;
    let mut rows = Vec::with_capacity(filings.len());
    if txn.support_returning() {
        for chunk in models.chunks(INSERT_CHUNK) {
            let mut stored = appeals::Entity::insert_many(chunk.to_vec()).exec_with_returning(&txn).await?;
            // One statement takes its ids from the sequence in the order of its rows.
            stored.sort_by_key(|r| r.id);
            rows.extend(stored);
        }
    } else {
        // SQLite: the rows go one by one, in-process and under the one write lock.
        for model in models {
            rows.push(model.insert(&txn).await?);
        }
    }
    let matches = rows.len() == filings.len()
        && rows.iter().zip(filings).all(|(row, f)| {
            row.received_at == f.new.received_at
                && row.author_account_id == f.new.author.account_id
                && row.subject == f.new.subject.trim()
        });
    if !matches {
        return Err(AppError::Internal(anyhow::anyhow!("the inserted appeals came back in another order")));
    }
    link_keys(&txn, &rows, filings, batch_key).await?;
    let mut cosigners = Vec::new();
    let mut history = Vec::with_capacity(filings.len());
    let mut mails = Vec::with_capacity(filings.len() * 2);
    for (row, f) in rows.iter().zip(filings) {
        for (full_name, address) in &f.new.cosigners {
            cosigners.push(appeal_cosigners::ActiveModel {
                appeal_id: Set(row.id),
                full_name: Set(full_name.trim().to_owned()),
                address: Set(address.trim().to_owned()),
                ..Default::default()
            });
        }
        history.push(entity::events::ActiveModel {
            occurred_at: Set(f.now),
            actor_account_id: Set(f.new.author.account_id.or(f.new.registered_by)),
            subject_type: Set(SUBJECT.to_owned()),
            subject_id: Set(row.id.to_string()),
            action: Set("received".to_owned()),
            from_state: Set(None),
            to_state: Set(Some(Status::Received.code().to_owned())),
            details: Set(json!({
                "kind": row.kind,
                "channel": row.channel,
                "category_id": row.category_id,
                "received_at": row.received_at,
                "executor_id": row.executor_id,
                "routing": f.routing,
                "deadline_rule": f.rule,
                "due_at": f.deadline.due_at,
                "cosigners": f.new.cosigners.len(),
            })
            .to_string()),
            ..Default::default()
        });
        let executor = organisations.get(&row.executor_id);
        let executor_name = executor.map(|o| o.name.clone()).unwrap_or_else(|| format!("#{}", row.executor_id));
        let mut facts = appeal_facts(public_url, row, "received", executor_name);
        facts.routing = f.routing["explanation"].as_str().map(str::to_owned);
        let staff = staff_by_org.entry(row.executor_id).or_default();
        let outgoing = author_recipient(row)
            .map(|r| (Notification::AppealUpdate(facts.clone()), r, None))
            .into_iter()
            .chain(staff.iter().map(|r| (Notification::AppealForExecutor(facts.clone()), r.clone(), None)));
        mails.extend(render_outgoing(row.id, outgoing)?);
    }
    for chunk in cosigners.chunks(INSERT_CHUNK) {
        appeal_cosigners::Entity::insert_many(chunk.to_vec()).exec_without_returning(&txn).await?;
    }
    for chunk in history.chunks(INSERT_CHUNK) {
        entity::events::Entity::insert_many(chunk.to_vec()).exec_without_returning(&txn).await?;
    }
    let now = filings.iter().map(|f| f.now).max().unwrap_or_else(Utc::now);
    super::notify::enqueue_many(&txn, &mails, now).await?;
    // Last: the tally rows stay locked until the commit.
    super::metrics::record_filings(&txn, &rows).await?;
    txn.commit().await?;
    Ok(rows
        .into_iter()
        .zip(filings)
        .map(|(row, f)| Filed {
            executor_name: organisations.get(&row.executor_id).map(|o| o.name.clone()).unwrap_or_default(),
            cosigners: f.new.cosigners.iter().map(|(n, a)| (n.trim().to_owned(), a.trim().to_owned())).collect(),
            deadline: f.deadline.clone(),
            row,
        })
        .collect())
}

/// Links each appeal to its request's idempotency key, and the whole batch to `batch_key`.
async fn link_keys(
    txn: &DatabaseTransaction,
    rows: &[appeals::Model],
    filings: &[Filing],
    batch_key: Option<&str>,
) -> Result<(), AppError> {
    for (row, f) in rows.iter().zip(filings) {
        if let Some(scope) = &f.key_scope {
            super::idempotency::link(txn, scope, &format!("/api/v1/appeals/{}", row.id)).await?;
        }
    }
    if let Some(key) = batch_key {
        let ids: Vec<String> = rows.iter().map(|r| r.id.to_string()).collect();
        let now = filings.iter().map(|f| f.now).max().unwrap_or_else(Utc::now);
        super::idempotency::record_batch(txn, key, &ids.join(","), now).await?;
    }
    Ok(())
}

/// The appeals a batch stored although its COMMIT answered with an error, as the batch would have
/// answered; `None` when the batch did not land.
async fn landed(db: &DatabaseConnection, batch_key: &str, filings: &[Filing]) -> Option<Vec<Filed>> {
    let ids = super::idempotency::created_by(db, batch_key).await.ok()??;
    let ids: Vec<i32> = ids.split(',').filter_map(|id| id.parse().ok()).collect();
    let rows = appeals::Entity::find()
        .filter(appeals::Column::Id.is_in(ids))
        .order_by_asc(appeals::Column::Id)
        .all(db)
        .await
        .ok()?;
    if rows.len() != filings.len() {
        return None;
    }
    let mut filed = Vec::with_capacity(rows.len());
    for (row, f) in rows.into_iter().zip(filings) {
        filed.push(Filed {
            executor_name: organisation_name(db, row.executor_id).await.ok()?,
            cosigners: f.new.cosigners.iter().map(|(n, a)| (n.trim().to_owned(), a.trim().to_owned())).collect(),
            deadline: f.deadline.clone(),
            row,
        });
    }
    Some(filed)
}

// ---------------------------------------------------------------------------
// The intake writer
// ---------------------------------------------------------------------------

type FilingReply = oneshot::Sender<Result<Filed, AppError>>;

/// Sends prepared filings to this instance's intake writer, which gathers what arrives while it writes
/// and stores the whole batch in one transaction (see [`write_filings`]); a caller is answered only
/// after that commit, so an acknowledged appeal is stored with its event, mails and tally.
#[derive(Clone)]
pub struct AppealWriter {
    sender: mpsc::Sender<(Filing, FilingReply)>,
}

/// What the intake writer needs.
#[derive(Clone)]
pub struct AppealWriterContext {
    pub db: DatabaseConnection,
    pub public_url: String,
    pub mail_wake: Arc<Notify>,
}

/// Most filings one transaction takes.
const MAX_FILINGS: usize = 256;

/// Batches written at the same time on PostgreSQL, so one batch's round trips and commit overlap the
/// next; they only queue on the tally rows, which each batch locks last and in key order.
const POSTGRES_FILING_WRITERS: usize = 4;

impl AppealWriter {
    /// Starts the writer tasks; they stop when every sender is dropped. SQLite has one writer anyway.
    pub fn start(ctx: AppealWriterContext) -> AppealWriter {
        let (sender, receiver) = mpsc::channel(4 * MAX_FILINGS);
        let receiver = Arc::new(tokio::sync::Mutex::new(receiver));
        let writers = if super::is_sqlite(&ctx.db) { 1 } else { POSTGRES_FILING_WRITERS };
        for _ in 0..writers {
            tokio::spawn(run_filing_writer(ctx.clone(), receiver.clone()));
        }
        AppealWriter { sender }
    }

    /// Stores a prepared filing; returns once it is committed.
    pub async fn file(&self, filing: Filing) -> Result<Filed, AppError> {
        let (reply, answer) = oneshot::channel();
        self.sender
            .send((filing, reply))
            .await
            .map_err(|_| AppError::Unavailable("the service is shutting down; file again in a moment".into()))?;
        answer.await.map_err(|_| AppError::Internal(anyhow::anyhow!("the appeal writer stopped")))?
    }
}

async fn run_filing_writer(
    ctx: AppealWriterContext,
    receiver: Arc<tokio::sync::Mutex<mpsc::Receiver<(Filing, FilingReply)>>>,
) {
    let mut batch = Vec::with_capacity(MAX_FILINGS);
    // Take whatever is waiting (at least one), then let the next writer take the queue.
    while receiver.lock().await.recv_many(&mut batch, MAX_FILINGS).await > 0 {
        let (filings, replies): (Vec<Filing>, Vec<FilingReply>) = batch.drain(..).unzip();
        for (reply, outcome) in replies.into_iter().zip(file_batch(&ctx.db, &ctx.public_url, &filings).await) {
            let _ = reply.send(outcome);
        }
        ctx.mail_wake.notify_one();
    }
}

/// Stores `filings` in one transaction, one outcome per filing in order. When the batch fails as a whole
/// (e.g. one appeal's author was deleted meanwhile), nothing of it was stored: each filing is then
/// written on its own, so the others are stored once and only the faulty one gets an error.
pub async fn file_batch(db: &DatabaseConnection, public_url: &str, filings: &[Filing]) -> Vec<Result<Filed, AppError>> {
    let error = match write_once(db, public_url, filings).await {
        Ok(filed) => return filed.into_iter().map(Ok).collect(),
        Err(error) if filings.len() == 1 => return vec![Err(error)],
        Err(error) => error,
    };
    tracing::warn!(%error, size = filings.len(), "appeal batch failed; writing its appeals one by one");
    let mut outcomes = Vec::with_capacity(filings.len());
    for filing in filings {
        let outcome = write_once(db, public_url, std::slice::from_ref(filing))
            .await
            .and_then(|mut one| one.pop().ok_or_else(|| AppError::Internal(anyhow::anyhow!("no result"))));
        outcomes.push(outcome);
    }
    outcomes
}

/// [`write_filings`] under a key of the batch's own, recorded in its transaction: when the COMMIT answers
/// with an error but landed (the connection lost at that moment), the appeals are answered as stored and
/// never written a second time by the one-by-one retry.
async fn write_once(db: &DatabaseConnection, public_url: &str, filings: &[Filing]) -> Result<Vec<Filed>, AppError> {
    let batch_key = format!("appeal-batch:{}", uuid::Uuid::new_v4().simple());
    match write_filings(db, public_url, filings, Some(&batch_key)).await {
        Ok(filed) => Ok(filed),
        Err(error) => match landed(db, &batch_key, filings).await {
            Some(filed) => {
                tracing::warn!(%error, size = filings.len(), "an appeal batch landed although its COMMIT failed");
                Ok(filed)
            }
            None => Err(error),
        },
    }
}

/// The executor, the urgency class and the recorded routing decision for a new appeal.
async fn route(
    db: &DatabaseConnection,
    new: &NewAppeal,
) -> Result<(i32, Option<crate::domain::directory::UrgencyClass>, serde_json::Value), AppError> {
    if let Some(category_id) = new.category_id {
        let location = Location { district: new.district_id.map(|d| DistrictId(d.into())), point: new.point };
        let (category, decision) = super::directory::route_item(db, category_id, &location).await?;
        let usable = if new.kind == AppealKind::IssueReport {
            category.category.for_reports
        } else {
            category.category.for_appeals
        };
        if !usable {
            return Err(AppError::validation(
                "category_id",
                format!(
                    "category {category_id} is not used for this kind of appeal; see GET /api/v1/directory/categories"
                ),
            ));
        }
        let mut recorded = serde_json::to_value(decision).map_err(|e| AppError::Internal(e.into()))?;
        recorded["explanation"] = json!(decision.explain());
        recorded["category_id"] = json!(category_id);
        return Ok((decision.executor.0 as i32, Some(category.urgency), recorded));
    }
    if let Some(addressee) = new.addressee_id {
        let organisation = super::directory::get_organisation(db, addressee)
            .await
            .map_err(|_| AppError::validation("organisation_id", format!("there is no organisation {addressee}")))?;
        if !organisation.active {
            return Err(AppError::validation(
                "organisation_id",
                format!("{} no longer receives appeals", organisation.name),
            ));
        }
        let recorded = json!({
            "executor": addressee,
            "rule": { "rule": "addressed_by_author" },
            "district": new.district_id,
            "explanation": format!("Addressed by the author to organisation {addressee}."),
        });
        return Ok((addressee, None, recorded));
    }
    Err(AppError::validation(
        "category_id",
        "choose a category (GET /api/v1/directory/categories) or the organisation the appeal is addressed to",
    ))
}

pub async fn get(conn: &impl ConnectionTrait, id: i32) -> Result<appeals::Model, AppError> {
    appeals::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or_else(|| AppError::not_found(format!("there is no appeal {id}")))
}

/// The handling state of a stored appeal.
pub fn domain_appeal(row: &appeals::Model) -> Result<Appeal, AppError> {
    let bad = |what: &str| AppError::Internal(anyhow::anyhow!("appeal {} has a bad {what}", row.id));
    Ok(Appeal {
        id: row.id,
        kind: AppealKind::parse(&row.kind).ok_or_else(|| bad("kind"))?,
        status: Status::parse(&row.status).ok_or_else(|| bad("status"))?,
        author_account_id: row.author_account_id,
        executor_id: row.executor_id,
        assignee_account_id: row.assignee_account_id,
        deadline_rule: serde_json::from_str(&row.deadline_rule).map_err(|_| bad("deadline rule"))?,
        received_at: row.received_at,
        executor_received_at: row.executor_received_at,
        original_due_at: row.original_due_at,
        due_at: row.due_at,
        extended_due_at: row.extended_due_at,
        forward_due_at: row.forward_due_at,
        forwarded_count: row.forwarded_count,
        overdue_at: row.overdue_at,
        reminder_level: row.reminder_level,
        answered_at: row.answered_at,
        resolution: row
            .resolution
            .as_deref()
            .map(|r| Resolution::parse(r).ok_or_else(|| bad("resolution")))
            .transpose()?,
        answer_text: row.answer_text.clone(),
        competent_body: row.competent_body.clone(),
        refusal_code: row
            .refusal_code
            .as_deref()
            .map(|c| RefusalCode::parse(c).ok_or_else(|| bad("refusal code")))
            .transpose()?,
        refusal_reason: row.refusal_reason.clone(),
        confirmed_at: row.confirmed_at,
        rework_count: row.rework_count,
        rating: row.rating,
        rating_comment: row.rating_comment.clone(),
        duplicate_of_id: row.duplicate_of_id,
    })
}

/// Who the caller is with respect to this appeal.
pub fn actor_for(principal: &Principal, row: &appeals::Model) -> Actor {
    Actor {
        account_id: Some(principal.account_id),
        is_author: row.author_account_id == Some(principal.account_id),
        // An officer who wrote the appeal acts on it only as its author (nobody answers their own item).
        executor_role: authorize(
            principal,
            Action::HandleItem { organisation_id: row.executor_id, author_account_id: row.author_account_id },
        )
        .ok()
        .and_then(|()| principal.membership(row.executor_id)),
        administrator: principal.role == Role::Administrator,
        system: false,
    }
}

/// May this caller read the whole appeal (author, executor's staff, administrators)?
pub fn may_read_private(principal: Option<&Principal>, row: &appeals::Model) -> bool {
    principal.is_some_and(|p| {
        let actor = actor_for(p, row);
        actor.is_author || actor.executor_role.is_some() || actor.administrator
    })
}

/// Who is asking for a transition.
pub enum Requester<'a> {
    Person(&'a Principal),
    Watcher,
}

/// Applies `command` to appeal `id` and saves the new state, its history entry and its mails in one
/// transaction. A concurrent change to the same appeal makes this fail with 409 rather than overwrite it.
pub async fn transition(
    db: &DatabaseConnection,
    ctx: &Context<'_>,
    id: i32,
    requester: Requester<'_>,
    command: Command,
    now: DateTime<Utc>,
) -> Result<(appeals::Model, Transition), AppError> {
    let txn = super::begin_write(db).await?;
    let done = transition_in(&txn, ctx, id, requester, command, now).await?;
    txn.commit().await?;
    Ok(done)
}

/// [`transition`] inside the caller's transaction. On a conflict (the rules refuse it, or someone changed
/// the appeal meanwhile) nothing of it was written, so the caller may go on with the transaction (the
/// watcher writes many transitions in one); any other error spoils the transaction.
async fn transition_in(
    txn: &DatabaseTransaction,
    ctx: &Context<'_>,
    id: i32,
    requester: Requester<'_>,
    command: Command,
    now: DateTime<Utc>,
) -> Result<(appeals::Model, Transition), AppError> {
    let row = get(txn, id).await?;
    let actor = match requester {
        Requester::Person(principal) => {
            if !may_read_private(Some(principal), &row) && row.kind != AppealKind::IssueReport.code() {
                return Err(AppError::not_found(format!("there is no appeal {id}")));
            }
            actor_for(principal, &row)
        }
        Requester::Watcher => Actor::system(),
    };
    let before = domain_appeal(&row)?;
    let transition = rules::apply(&before, actor, command, now, ctx.calendar)?;
    let after = &transition.appeal;
    let saved = appeals::Entity::update_many()
        .set(appeals::ActiveModel {
            status: Set(after.status.code().to_owned()),
            executor_id: Set(after.executor_id),
            assignee_account_id: Set(after.assignee_account_id),
            executor_received_at: Set(after.executor_received_at),
            due_at: Set(after.due_at),
            extended_due_at: Set(after.extended_due_at),
            forward_due_at: Set(after.forward_due_at),
            forwarded_count: Set(after.forwarded_count),
            overdue_at: Set(after.overdue_at),
            reminder_level: Set(after.reminder_level),
            answered_at: Set(after.answered_at),
            resolution: Set(after.resolution.map(|r| r.code().to_owned())),
            answer_text: Set(after.answer_text.clone()),
            competent_body: Set(after.competent_body.clone()),
            refusal_code: Set(after.refusal_code.map(|c| c.code().to_owned())),
            refusal_reason: Set(after.refusal_reason.clone()),
            confirmed_at: Set(after.confirmed_at),
            rework_count: Set(after.rework_count),
            rating: Set(after.rating),
            rating_comment: Set(after.rating_comment.clone()),
            duplicate_of_id: Set(after.duplicate_of_id),
            version: Set(row.version + 1),
            updated_at: Set(now),
            ..Default::default()
        })
        .filter(appeals::Column::Id.eq(id))
        .filter(appeals::Column::Version.eq(row.version))
        .exec(txn)
        .await?;
    if saved.rows_affected != 1 {
        return Err(AppError::Conflict(format!(
            "appeal {id} was changed by someone else just now; reload it and retry"
        )));
    }
    events::append(
        txn,
        now,
        NewEvent {
            actor_account_id: actor.account_id,
            subject_type: SUBJECT,
            subject_id: id.to_string(),
            action: transition.action,
            from_state: Some(transition.from.code()),
            to_state: Some(transition.to.code()),
            details: transition.details.clone(),
        },
    )
    .await?;
    let updated = get(txn, id).await?;
    let mut mail = mail_facts(txn, ctx, &updated, transition.action).await?;
    let detail = |key: &str| transition.details[key].as_str().map(str::to_owned);
    mail.reason = detail("reason");
    mail.legal_basis = detail("legal_basis");
    mail.score = transition.details["score"].as_i64().map(|s| s as i32);
    mail.days = transition.details["working_days_before"].as_i64().map(|s| s as i32);
    if transition.action == "forwarded" {
        mail.previous_executor = Some(organisation_name(txn, before.executor_id).await?);
    }
    if transition.action == "refused" {
        mail.how_to_challenge = Some(HOW_TO_CHALLENGE.to_owned());
    }
    if matches!(transition.action, "overdue" | "reminded") {
        // The reminder and escalation are about the deadline that was in force when they were decided.
        mail.due_date = due_date_text(before.due_at);
    }
    let audience = Audience {
        author: transition.notify.author,
        executor: transition.notify.executor,
        escalation: transition.notify.escalation,
    };
    queue_mails(txn, &updated, &mail, audience, now).await?;
    super::metrics::record_change(txn, Some(&row), &updated).await?;
    Ok((updated, transition))
}

#[derive(Debug, Clone, Copy)]
struct Audience {
    author: bool,
    executor: bool,
    escalation: bool,
}

fn due_date_text(due_at: DateTime<Utc>) -> String {
    // `due_at` is the exclusive instant (Kyiv midnight after the due date).
    kyiv_date(due_at - chrono::Duration::seconds(1)).format("%d.%m.%Y").to_string()
}

async fn organisation_name(conn: &impl ConnectionTrait, id: i32) -> Result<String, AppError> {
    Ok(organisations::Entity::find_by_id(id).one(conn).await?.map(|o| o.name).unwrap_or_else(|| format!("#{id}")))
}

/// The facts every appeal mail states.
async fn mail_facts(
    conn: &impl ConnectionTrait,
    ctx: &Context<'_>,
    row: &appeals::Model,
    action: &str,
) -> Result<AppealMail, AppError> {
    let executor = organisation_name(conn, row.executor_id).await?;
    Ok(appeal_facts(ctx.public_url, row, action, executor))
}

fn appeal_facts(public_url: &str, row: &appeals::Model, action: &str, executor: String) -> AppealMail {
    let status = Status::parse(&row.status).unwrap_or(Status::Received);
    AppealMail {
        appeal_id: row.id,
        action: action.to_owned(),
        subject: row.subject.clone(),
        kind: row.kind.replace('_', " "),
        privileged: row.privileged,
        executor,
        received_date: kyiv_date(row.received_at).format("%d.%m.%Y").to_string(),
        due_date: due_date_text(row.due_at),
        open: status.awaits_answer(),
        resolution: row.resolution.as_deref().map(|r| r.replace('_', " ")),
        answer: row.answer_text.clone(),
        competent_body: row.competent_body.clone(),
        duplicate_of: row.duplicate_of_id,
        link: link(public_url, row.id),
        ..Default::default()
    }
}

/// A person or mailbox to write to.
#[derive(Debug, Clone)]
struct Recipient {
    name: String,
    email: String,
    language: Language,
}

/// Staff of `organisation_id` (all, or only heads), plus the organisation's own mailbox for the staff list.
async fn staff(
    conn: &impl ConnectionTrait,
    organisation_id: i32,
    heads_only: bool,
) -> Result<Vec<Recipient>, AppError> {
    let mut members = sea_orm::sea_query::Query::select()
        .column(organisation_members::Column::AccountId)
        .from(organisation_members::Entity)
        .and_where(organisation_members::Column::OrganisationId.eq(organisation_id))
        .and_where(organisation_members::Column::RemovedAt.is_null())
        .to_owned();
    if heads_only {
        members.and_where(
            organisation_members::Column::Role.eq(crate::domain::authorization::OrganisationRole::Head.code()),
        );
    }
    // The members' accounts in one query (a sub-select), not the members first and then their accounts.
    let mut out = people(conn, Condition::all().add(accounts::Column::Id.in_subquery(members))).await?;
    if !heads_only
        && let Some(org) = organisations::Entity::find_by_id(organisation_id).one(conn).await?
        && let Some(email) = org.email
    {
        out.push(Recipient { name: org.name, email, language: Language::Uk });
    }
    Ok(out)
}

async fn people(conn: &impl ConnectionTrait, condition: Condition) -> Result<Vec<Recipient>, AppError> {
    Ok(accounts::Entity::find()
        .filter(condition)
        .filter(accounts::Column::EmailVerifiedAt.is_not_null())
        .order_by_asc(accounts::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(|a| Recipient {
            name: a.full_name,
            email: a.email,
            language: Language::parse(&a.language).unwrap_or_default(),
        })
        .collect())
}

/// For each of `organisation_ids`: the organisation, and its staff as [`staff`] lists them (verified
/// members by account id, then the organisation's mailbox), in three queries for all of them.
async fn staff_of(
    conn: &impl ConnectionTrait,
    organisation_ids: &[i32],
) -> Result<(HashMap<i32, organisations::Model>, HashMap<i32, Vec<Recipient>>), AppError> {
    let orgs: HashMap<i32, organisations::Model> = organisations::Entity::find()
        .filter(organisations::Column::Id.is_in(organisation_ids.iter().copied()))
        .all(conn)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let members: Vec<(i32, i32)> = organisation_members::Entity::find()
        .select_only()
        .columns([organisation_members::Column::OrganisationId, organisation_members::Column::AccountId])
        .filter(organisation_members::Column::OrganisationId.is_in(organisation_ids.iter().copied()))
        .filter(organisation_members::Column::RemovedAt.is_null())
        .into_tuple()
        .all(conn)
        .await?;
    let account_ids: BTreeSet<i32> = members.iter().map(|(_, a)| *a).collect();
    let people: HashMap<i32, Recipient> = if account_ids.is_empty() {
        HashMap::new()
    } else {
        accounts::Entity::find()
            .filter(accounts::Column::Id.is_in(account_ids))
            .filter(accounts::Column::EmailVerifiedAt.is_not_null())
            .all(conn)
            .await?
            .into_iter()
            .map(|a| {
                let language = Language::parse(&a.language).unwrap_or_default();
                (a.id, Recipient { name: a.full_name, email: a.email, language })
            })
            .collect()
    };
    let mut by_org: BTreeMap<i32, BTreeSet<i32>> = BTreeMap::new();
    for (org, account) in members {
        by_org.entry(org).or_default().insert(account);
    }
    let mut staff = HashMap::new();
    for &org in organisation_ids {
        let mut out: Vec<Recipient> =
            by_org.get(&org).into_iter().flatten().filter_map(|id| people.get(id).cloned()).collect();
        if let Some(o) = orgs.get(&org)
            && let Some(email) = &o.email
        {
            out.push(Recipient { name: o.name.clone(), email: email.clone(), language: Language::Uk });
        }
        staff.insert(org, out);
    }
    Ok((orgs, staff))
}

/// The author, when the appeal has an e-mail address to write to.
fn author_recipient(row: &appeals::Model) -> Option<Recipient> {
    let email = row.author_email.as_ref()?;
    let language = Language::parse(&row.author_language).unwrap_or_default();
    Some(Recipient { name: row.author_name.clone(), email: email.clone(), language })
}

async fn queue_mails(
    conn: &impl ConnectionTrait,
    row: &appeals::Model,
    facts: &AppealMail,
    audience: Audience,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut outgoing: Vec<(Notification, Recipient, Option<String>)> = Vec::new();
    if audience.author
        && let Some(recipient) = author_recipient(row)
    {
        outgoing.push((Notification::AppealUpdate(facts.clone()), recipient, None));
    }
    let deadline_key = row.due_at.timestamp();
    if audience.executor {
        let recipients = match (facts.action.as_str(), row.assignee_account_id) {
            // A reminder goes to whoever has the appeal on their desk, else to the whole organisation.
            ("reminded", Some(assignee)) => {
                people(conn, Condition::all().add(accounts::Column::Id.eq(assignee))).await?
            }
            _ => staff(conn, row.executor_id, false).await?,
        };
        for recipient in recipients {
            let (notification, key) = if facts.action == "reminded" {
                let level = facts.days.unwrap_or_default();
                let key = format!("reminder:{}:{deadline_key}:{level}:{}", row.id, recipient.email.to_lowercase());
                (Notification::DeadlineReminder(facts.clone()), Some(key))
            } else {
                (Notification::AppealForExecutor(facts.clone()), None)
            };
            outgoing.push((notification, recipient, key));
        }
    }
    if audience.escalation {
        let mut recipients = staff(conn, row.executor_id, true).await?;
        recipients
            .extend(people(conn, Condition::all().add(accounts::Column::Role.eq(Role::Administrator.code()))).await?);
        let overdue_key = row.overdue_at.map(|t| t.timestamp()).unwrap_or(deadline_key);
        for recipient in recipients {
            let key = format!("overdue:{}:{overdue_key}:{}", row.id, recipient.email.to_lowercase());
            outgoing.push((Notification::DeadlineEscalation(facts.clone()), recipient, Some(key)));
        }
    }
    let mails = render_outgoing(row.id, outgoing)?;
    super::notify::enqueue_many(conn, &mails, now).await?;
    Ok(())
}

/// Renders each mail once per kind and address (someone who is both author and officer gets one of each
/// kind); an address that cannot be used is skipped.
fn render_outgoing(
    appeal_id: i32,
    outgoing: impl IntoIterator<Item = (Notification, Recipient, Option<String>)>,
) -> Result<Vec<Mail>, AppError> {
    let mut seen = std::collections::HashSet::new();
    let mut mails = Vec::new();
    for (notification, recipient, dedupe_key) in outgoing {
        let Ok(email) = Email::parse(&recipient.email) else {
            tracing::warn!(appeal = appeal_id, "skipping a mail to an unusable address");
            continue;
        };
        if !seen.insert((notification_kind(&notification), email.to_string())) {
            continue;
        }
        let mut mail: Mail = render(&notification, recipient.language, &recipient.name, &email)?;
        mail.dedupe_key = dedupe_key;
        mails.push(mail);
    }
    Ok(mails)
}

fn notification_kind(n: &Notification) -> std::mem::Discriminant<Notification> {
    std::mem::discriminant(n)
}

// ---------------------------------------------------------------------------
// The deadline watcher
// ---------------------------------------------------------------------------

/// What one sweep did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SweepReport {
    pub marked_overdue: u32,
    pub reminded: u32,
    pub petitions_closed: u32,
    /// The sweep stopped early (shutdown); what it did not reach is left for the next sweep.
    pub interrupted: bool,
}

/// Watcher transitions written per transaction: a sweep after a restart may owe thousands, and one
/// transaction each held SQLite's single writer lock thousands of times against the intake.
pub const SWEEP_BATCH: usize = 100;

/// Marks appeals whose deadline passed as overdue (escalating them) and reminds executors of deadlines
/// coming up, [`SWEEP_BATCH`] appeals per transaction. Before each batch it looks at `stop`: once it is
/// true the sweep returns (`interrupted`), leaving the rest to the next sweep. Safe to run from several
/// instances at once: every change is a versioned transition, so exactly one instance wins each, and its
/// mails carry dedupe keys.
pub async fn sweep(
    db: &DatabaseConnection,
    ctx: &Context<'_>,
    reminder_working_days: &[u32],
    now: DateTime<Utc>,
    stop: &tokio::sync::watch::Receiver<bool>,
) -> Result<SweepReport, AppError> {
    let open = Status::awaiting_answer_codes();
    let mut report = SweepReport::default();
    let overdue: Vec<i32> = appeals::Entity::find()
        .select_only()
        .column(appeals::Column::Id)
        .filter(appeals::Column::Status.is_in(open.clone()))
        .filter(appeals::Column::OverdueAt.is_null())
        .filter(appeals::Column::DueAt.lte(now))
        .order_by_asc(appeals::Column::DueAt)
        .into_tuple()
        .all(db)
        .await?;
    let overdue: Vec<(i32, Command)> = overdue.into_iter().map(|id| (id, Command::MarkOverdue)).collect();
    for batch in overdue.chunks(SWEEP_BATCH) {
        if *stop.borrow() {
            report.interrupted = true;
            return Ok(report);
        }
        report.marked_overdue += apply_batch(db, ctx, batch, now).await?;
    }
    // Look ahead far enough to cover the largest offset across weekends and a run of days off.
    let horizon_days = i64::from(reminder_working_days.iter().copied().max().unwrap_or(0)) * 2 + 14;
    let upcoming: Vec<(i32, DateTime<Utc>, Option<i32>)> = appeals::Entity::find()
        .select_only()
        .columns([appeals::Column::Id, appeals::Column::DueAt, appeals::Column::ReminderLevel])
        .filter(appeals::Column::Status.is_in(open))
        .filter(appeals::Column::DueAt.gt(now))
        .filter(appeals::Column::DueAt.lte(now + chrono::Duration::days(horizon_days)))
        .order_by_asc(appeals::Column::DueAt)
        .into_tuple()
        .all(db)
        .await?;
    let reminders: Vec<(i32, Command)> = upcoming
        .into_iter()
        .filter_map(|(id, due_at, level)| {
            rules::reminder_due(due_at, level, reminder_working_days, now, ctx.calendar)
                .map(|n| (id, Command::Remind { working_days_before: n }))
        })
        .collect();
    for batch in reminders.chunks(SWEEP_BATCH) {
        if *stop.borrow() {
            report.interrupted = true;
            return Ok(report);
        }
        report.reminded += apply_batch(db, ctx, batch, now).await?;
    }
    Ok(report)
}

/// Writes a batch of watcher transitions in one transaction and returns how many were applied; those
/// that lost a race to another instance (or a person) are skipped. If the batch fails as a whole, its
/// transitions are written one by one, so one faulty appeal cannot hold back the others.
async fn apply_batch(
    db: &DatabaseConnection,
    ctx: &Context<'_>,
    batch: &[(i32, Command)],
    now: DateTime<Utc>,
) -> Result<u32, AppError> {
    let attempt = async {
        let txn = super::begin_write(db).await?;
        let mut applied = 0;
        for (id, command) in batch {
            match transition_in(&txn, ctx, *id, Requester::Watcher, command.clone(), now).await {
                Ok(_) => applied += 1,
                Err(AppError::Conflict(_)) => {}
                Err(e) => return Err(e),
            }
        }
        txn.commit().await?;
        Ok::<u32, AppError>(applied)
    };
    match attempt.await {
        Ok(applied) => Ok(applied),
        Err(error) => {
            tracing::debug!(%error, size = batch.len(), "watcher batch failed; writing it one by one");
            let mut applied = 0;
            for (id, command) in batch {
                applied += u32::from(apply_quietly(db, ctx, *id, command.clone(), now).await?);
            }
            Ok(applied)
        }
    }
}

/// Counts the deadline of every appeal still awaiting an answer again under `ctx.calendar`, after the law
/// behind the calendar changed (the end of martial law). Each change is a transition with its own history
/// entry (`deadline_recalculated`, naming `reason`); an appeal whose deadline stays the same is left alone.
/// Returns how many changed.
pub async fn recalculate_open_deadlines(
    db: &DatabaseConnection,
    ctx: &Context<'_>,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<u32, AppError> {
    let open: Vec<i32> = appeals::Entity::find()
        .select_only()
        .column(appeals::Column::Id)
        .filter(appeals::Column::Status.is_in(Status::awaiting_answer_codes()))
        .order_by_asc(appeals::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let mut changed = 0;
    for id in open {
        let command = Command::RecalculateDeadline { reason: reason.to_owned() };
        if apply_quietly(db, ctx, id, command, now).await? {
            changed += 1;
        }
    }
    Ok(changed)
}

/// A watcher transition; losing a race to another instance (or a person) is not an error.
async fn apply_quietly(
    db: &DatabaseConnection,
    ctx: &Context<'_>,
    id: i32,
    command: Command,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    match transition(db, ctx, id, Requester::Watcher, command, now).await {
        Ok(_) => Ok(true),
        Err(AppError::Conflict(_)) => Ok(false),
        Err(AppError::Internal(e)) if is_serialization_failure(&e) => Ok(false),
        Err(e) => Err(e),
    }
}

fn is_serialization_failure(e: &anyhow::Error) -> bool {
    let text = e.to_string();
    text.contains("could not serialize") || text.contains("database is locked")
}

// ---------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------

/// Filters of the appeal list.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub author_account_id: Option<i32>,
    pub executor_ids: Option<Vec<i32>>,
    pub kind: Option<AppealKind>,
    pub status: Option<Status>,
    pub overdue: Option<bool>,
    pub category_id: Option<i32>,
    pub page: super::Page,
}

pub async fn list(db: &DatabaseConnection, filter: &ListFilter) -> Result<(Vec<appeals::Model>, u64), AppError> {
    let mut query = appeals::Entity::find();
    if let Some(author) = filter.author_account_id {
        query = query.filter(appeals::Column::AuthorAccountId.eq(author));
    }
    if let Some(executors) = &filter.executor_ids {
        query = query.filter(appeals::Column::ExecutorId.is_in(executors.clone()));
    }
    if let Some(kind) = filter.kind {
        query = query.filter(appeals::Column::Kind.eq(kind.code()));
    }
    if let Some(status) = filter.status {
        query = query.filter(appeals::Column::Status.eq(status.code()));
    }
    if let Some(category) = filter.category_id {
        query = query.filter(appeals::Column::CategoryId.eq(category));
    }
    match filter.overdue {
        Some(true) => query = query.filter(appeals::Column::OverdueAt.is_not_null()),
        Some(false) => query = query.filter(appeals::Column::OverdueAt.is_null()),
        None => {}
    }
    // Privileged authors first (art. 20), then the nearest deadline.
    let paginator = query
        .order_by_desc(appeals::Column::Privileged)
        .order_by_asc(appeals::Column::DueAt)
        .order_by_asc(appeals::Column::Id)
        .paginate(db, filter.page.size);
    let total = paginator.num_items().await?;
    let rows = paginator.fetch_page(filter.page.index()).await?;
    Ok((rows, total))
}

/// A bounding box in degrees: west, south, east, north.
#[derive(Debug, Clone, Copy)]
pub struct BoundingBox {
    pub west: f64,
    pub south: f64,
    pub east: f64,
    pub north: f64,
}

/// Public issue reports (never private appeals) with a point, inside `bbox` if given.
pub async fn public_reports(
    db: &DatabaseConnection,
    bbox: Option<BoundingBox>,
    category_id: Option<i32>,
    status: Option<Status>,
    limit: u64,
) -> Result<Vec<appeals::Model>, AppError> {
    let mut query = appeals::Entity::find()
        .filter(appeals::Column::Kind.eq(AppealKind::IssueReport.code()))
        .filter(appeals::Column::Latitude.is_not_null())
        .filter(appeals::Column::Longitude.is_not_null());
    if let Some(b) = bbox {
        query = query
            .filter(appeals::Column::Longitude.between(b.west, b.east))
            .filter(appeals::Column::Latitude.between(b.south, b.north));
    }
    if let Some(category) = category_id {
        query = query.filter(appeals::Column::CategoryId.eq(category));
    }
    if let Some(status) = status {
        query = query.filter(appeals::Column::Status.eq(status.code()));
    }
    Ok(query.order_by_desc(appeals::Column::Id).limit(limit).all(db).await?)
}

/// Open reports of `category_id` within `radius_m` of `point`, nearest first, with their distance.
pub async fn nearby_open_reports(
    db: &DatabaseConnection,
    category_id: i32,
    point: GeoPoint,
    radius_m: f64,
) -> Result<Vec<(appeals::Model, f64)>, AppError> {
    // A box around the circle narrows the rows by index; the exact distance is computed here.
    let dlat = radius_m / 111_320.0;
    let dlon = radius_m / (111_320.0 * point.lat.to_radians().cos().max(0.01));
    let open = Status::awaiting_answer_codes();
    let rows = appeals::Entity::find()
        .filter(appeals::Column::Kind.eq(AppealKind::IssueReport.code()))
        .filter(appeals::Column::CategoryId.eq(category_id))
        .filter(appeals::Column::Status.is_in(open))
        .filter(appeals::Column::Latitude.between(point.lat - dlat, point.lat + dlat))
        .filter(appeals::Column::Longitude.between(point.lon - dlon, point.lon + dlon))
        .all(db)
        .await?;
    let mut near: Vec<(appeals::Model, f64)> = rows
        .into_iter()
        .filter_map(|row| {
            let here = GeoPoint { lat: row.latitude?, lon: row.longitude? };
            let d = distance_m(point, here);
            (d <= radius_m).then_some((row, d))
        })
        .collect();
    near.sort_by(|a, b| a.1.total_cmp(&b.1));
    Ok(near)
}

/// Great-circle distance in metres (haversine; exact enough within a city).
pub fn distance_m(a: GeoPoint, b: GeoPoint) -> f64 {
    let (lat1, lat2) = (a.lat.to_radians(), b.lat.to_radians());
    let dlat = lat2 - lat1;
    let dlon = (b.lon - a.lon).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * 6_371_000.0 * h.sqrt().asin()
}

/// The statuses of the reports that `rows` duplicate, so duplicates can show the status they follow.
pub async fn followed_statuses(
    db: &DatabaseConnection,
    rows: &[appeals::Model],
) -> Result<BTreeMap<i32, Status>, AppError> {
    let ids: Vec<i32> = rows.iter().filter_map(|r| r.duplicate_of_id).collect();
    if ids.is_empty() {
        return Ok(BTreeMap::new());
    }
    let found: Vec<(i32, String)> = appeals::Entity::find()
        .select_only()
        .columns([appeals::Column::Id, appeals::Column::Status])
        .filter(appeals::Column::Id.is_in(ids))
        .into_tuple()
        .all(db)
        .await?;
    Ok(found.into_iter().filter_map(|(id, s)| Status::parse(&s).map(|s| (id, s))).collect())
}

pub async fn organisation_names(db: &DatabaseConnection) -> Result<BTreeMap<i32, String>, AppError> {
    Ok(organisations::Entity::find().all(db).await?.into_iter().map(|o| (o.id, o.name)).collect())
}

pub async fn cosigners(db: &DatabaseConnection, id: i32) -> Result<Vec<appeal_cosigners::Model>, AppError> {
    Ok(appeal_cosigners::Entity::find()
        .filter(appeal_cosigners::Column::AppealId.eq(id))
        .order_by_asc(appeal_cosigners::Column::Id)
        .all(db)
        .await?)
}

// ---------------------------------------------------------------------------
// Photos
// ---------------------------------------------------------------------------

pub async fn photos(db: &DatabaseConnection, appeal_id: i32) -> Result<Vec<appeal_photos::Model>, AppError> {
    Ok(appeal_photos::Entity::find()
        .filter(appeal_photos::Column::AppealId.eq(appeal_id))
        .order_by_asc(appeal_photos::Column::Id)
        .all(db)
        .await?)
}

/// A photo as received, its type already read from the bytes.
pub struct NewPhoto<'a> {
    pub bytes: &'a [u8],
    pub content_type: &'a str,
    /// File extension matching the content type.
    pub extension: &'a str,
}

/// Stores a photo of an appeal: the file first (written whole, then renamed into place), then its row
/// and a history entry. A file whose row was never written is harmless; a row never lacks its file.
pub async fn add_photo(
    db: &DatabaseConnection,
    limits: &crate::config::PhotoSettings,
    appeal_id: i32,
    actor_account_id: i32,
    photo: NewPhoto<'_>,
    now: DateTime<Utc>,
) -> Result<appeal_photos::Model, AppError> {
    let NewPhoto { bytes, content_type, extension } = photo;
    let (dir, max_per_appeal) = (&limits.dir, limits.max_per_appeal);
    use sha2::{Digest, Sha256};
    // A cheap early answer; the limit itself is enforced in the transaction below.
    photo_count_within(db, appeal_id, max_per_appeal).await?;
    let file_name = format!("{}.{extension}", uuid::Uuid::new_v4());
    tokio::fs::create_dir_all(dir).await.map_err(|e| AppError::Internal(anyhow::anyhow!("photo folder: {e}")))?;
    let temp = dir.join(format!(".{file_name}.part"));
    tokio::fs::write(&temp, bytes).await.map_err(|e| AppError::Internal(anyhow::anyhow!("writing a photo: {e}")))?;
    tokio::fs::rename(&temp, dir.join(&file_name))
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("moving a photo into place: {e}")))?;
    let txn = super::begin_write(db).await?;
    // Parallel uploads to one report queue here (the appeal's row locked on PostgreSQL; SQLite's write
    // transaction is exclusive), so each counts the photos the others committed.
    if !super::is_sqlite(&txn) {
        txn.execute_raw(Statement::from_sql_and_values(
            txn.get_database_backend(),
            "SELECT id FROM appeals WHERE id = $1 FOR UPDATE",
            [appeal_id.into()],
        ))
        .await?;
    }
    if let Err(full) = photo_count_within(&txn, appeal_id, max_per_appeal).await {
        drop(txn);
        let _ = tokio::fs::remove_file(dir.join(&file_name)).await;
        return Err(full);
    }
    let row = appeal_photos::ActiveModel {
        appeal_id: Set(appeal_id),
        file_name: Set(file_name),
        content_type: Set(content_type.to_owned()),
        size_bytes: Set(bytes.len() as i64),
        sha256: Set(hex::encode(Sha256::digest(bytes))),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    events::append(
        &txn,
        now,
        NewEvent {
            actor_account_id: Some(actor_account_id),
            subject_type: SUBJECT,
            subject_id: appeal_id.to_string(),
            action: "photo_added",
            from_state: None,
            to_state: None,
            details: json!({ "photo_id": row.id, "content_type": row.content_type, "size_bytes": row.size_bytes, "sha256": row.sha256 }),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// Refuses one more photo on a report that already carries `max` photos.
async fn photo_count_within(db: &impl ConnectionTrait, appeal_id: i32, max: u32) -> Result<(), AppError> {
    let existing =
        appeal_photos::Entity::find().filter(appeal_photos::Column::AppealId.eq(appeal_id)).count(db).await?;
    if existing >= u64::from(max) {
        return Err(AppError::Conflict(format!("a report may carry at most {max} photos")));
    }
    Ok(())
}

pub async fn photo(db: &DatabaseConnection, appeal_id: i32, photo_id: i32) -> Result<appeal_photos::Model, AppError> {
    appeal_photos::Entity::find_by_id(photo_id)
        .filter(appeal_photos::Column::AppealId.eq(appeal_id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found(format!("appeal {appeal_id} has no photo {photo_id}")))
}

/// Appeals awaiting an answer, and how many of them are past their deadline.
pub async fn open_counts(db: &DatabaseConnection) -> Result<(u64, u64), AppError> {
    let open = Status::awaiting_answer_codes();
    let all = appeals::Entity::find().filter(appeals::Column::Status.is_in(open.clone())).count(db).await?;
    let overdue = appeals::Entity::find()
        .filter(appeals::Column::Status.is_in(open))
        .filter(appeals::Column::OverdueAt.is_not_null())
        .count(db)
        .await?;
    Ok((all, overdue))
}
