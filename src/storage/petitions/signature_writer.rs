//! The signature writer.
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
    sync::Arc,
};

use chrono::{DateTime, Utc};
use entity::{accounts, petitions, signatures};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Statement,
    sea_query::{Expr, ExprTrait},
};
use serde_json::json;
use tokio::sync::{mpsc, oneshot};

use super::{CONFIRMED, PENDING, WITHDRAWN, domain_petition, get, transition_in};
use crate::{
    domain::{
        accounts::{Email, Language, SecretToken, token_digest},
        notify::{Notification, PetitionMail, render},
        petitions::{self as rules, Actor, Command, Status},
    },
    error::AppError,
};

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
    /// The test seam that loses the answers to COMMITs (see [`crate::storage::LostCommitAnswers`]).
    pub lost_commit_answers: crate::storage::LostCommitAnswers,
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
        let writers = if crate::storage::is_sqlite(&ctx.db) { 1 } else { POSTGRES_WRITERS };
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
        Err(error) => match crate::storage::idempotency::created_by(&ctx.db, &batch_key).await {
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
    let txn = crate::storage::begin_write(&ctx.db).await?;
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
    crate::storage::idempotency::record_batch(&txn, batch_key, &outcome_codes::encode(&outcomes), now).await?;
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
        crate::storage::notify::enqueue(txn, &mail, now).await?;
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
                calendar = Some(crate::storage::calendar::calendar(txn, ctx.martial_law_ended_on).await?);
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
    let statement = if crate::storage::is_sqlite(txn) {
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
    let statement = if crate::storage::is_sqlite(txn) {
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
        let statement = if crate::storage::is_sqlite(txn) {
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
    let txn = crate::storage::begin_write(db).await?;
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
