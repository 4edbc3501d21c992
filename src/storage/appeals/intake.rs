//! Saving what `domain::appeals::intake` accepted: one appeal, a batch from the intake writer, or an
//! appeal with the petition it comes from, each with its history entry, mails and tally in one transaction.
use super::*;

/// An appeal intake accepted, ready to be written: exactly what the domain decided, plus when and
/// under which request it is stored.
#[derive(Debug, Clone)]
pub struct Filing {
    intake: Intake,
    pub(super) now: DateTime<Utc>,
    /// The idempotency key of the request that files it, linked to the appeal in the creating transaction.
    key_scope: Option<String>,
    /// Photos chosen before the report existed, attached to it in the same transaction.
    pub(super) photos: Vec<PendingPhoto>,
}

impl Filing {
    /// `intake` to be stored at `now`, linked to the current request's idempotency key.
    pub fn new(intake: Intake, now: DateTime<Utc>) -> Filing {
        let key_scope = crate::storage::idempotency::current_scope();
        Filing { intake, now: stored_precision(now), key_scope, photos: Vec::new() }
    }

    /// The filing with the photos its author chose before filing (see [`attach_pending`]).
    pub fn with_photos(self, photos: Vec<PendingPhoto>) -> Filing {
        Filing { photos, ..self }
    }

    fn cosigners(&self) -> Vec<(String, String)> {
        self.intake.new.cosigners.iter().map(|c| (c.full_name.clone(), c.address.clone())).collect()
    }
}

/// `at` as the databases keep it (microseconds), so that a row built in memory equals the row read back.
pub fn stored_precision(at: DateTime<Utc>) -> DateTime<Utc> {
    use chrono::DurationRound;
    at.duration_trunc(chrono::TimeDelta::microseconds(1)).unwrap_or(at)
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

/// Stores one accepted appeal with its history entry, mails and tally in one transaction. HTTP intake
/// goes through the [`AppealWriter`] instead, which batches.
pub async fn file(db: &DatabaseConnection, public_url: &str, filing: Filing) -> Result<Filed, AppError> {
    write_filings(db, public_url, std::slice::from_ref(&filing), None)
        .await?
        .pop()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("a filing was written without a result")))
}

pub(super) fn appeal_model(f: &Filing) -> Result<appeals::ActiveModel, AppError> {
    let (new, appeal) = (&f.intake.new, &f.intake.appeal);
    Ok(appeals::ActiveModel {
        kind: Set(appeal.kind.code().to_owned()),
        channel: Set(new.channel.code().to_owned()),
        status: Set(appeal.status.code().to_owned()),
        subject: Set(new.subject.clone()),
        text: Set(new.text.clone()),
        search_text: Set(crate::domain::text::search_folded(&new.subject, &new.text)),
        category_id: Set(new.category_id),
        latitude: Set(new.point.map(|p| p.lat)),
        longitude: Set(new.point.map(|p| p.lon)),
        place_address: Set(new.place_address.clone()),
        district_id: Set(f.intake.district_id),
        author_account_id: Set(appeal.author_account_id),
        author_name: Set(new.author.name.clone()),
        author_address: Set(new.author.address.clone()),
        author_email: Set(new.author.email.clone()),
        author_phone: Set(new.author.phone.clone()),
        author_language: Set(new.author.language.code().to_owned()),
        show_author_name: Set(new.show_author_name),
        privileged: Set(new.privileged),
        executor_id: Set(appeal.executor_id),
        routing: Set(f.intake.routing.to_string()),
        assignee_account_id: Set(appeal.assignee_account_id),
        deadline_rule: Set(serde_json::to_string(&appeal.deadline_rule).map_err(|e| AppError::Internal(e.into()))?),
        received_at: Set(appeal.received_at),
        registered_at: Set(f.now),
        registered_by: Set(new.registered_by),
        executor_received_at: Set(appeal.executor_received_at),
        original_due_at: Set(appeal.original_due_at),
        due_at: Set(appeal.due_at),
        forward_due_at: Set(appeal.forward_due_at),
        forwarded_count: Set(appeal.forwarded_count),
        rework_count: Set(appeal.rework_count),
        open311_token: Set(new.open311_token.clone()),
        version: Set(0),
        updated_at: Set(f.now),
        ..Default::default()
    })
}

/// Rows per multi-row INSERT, well under PostgreSQL's 65,535 bind parameters and SQLite's 32,766.
pub(super) const INSERT_CHUNK: usize = 200;

/// Writes `filings` in one transaction (see [`write_filings_in`]). All or nothing; the results are in
/// the order of `filings`.
pub(super) async fn write_filings(
    db: &DatabaseConnection,
    public_url: &str,
    filings: &[Filing],
    batch_key: Option<&str>,
) -> Result<Vec<Filed>, AppError> {
    if filings.is_empty() {
        return Ok(Vec::new());
    }
    // Who the mails go to, read before the transaction: one look-up for the whole batch.
    let executors: Vec<i32> =
        filings.iter().map(|f| f.intake.appeal.executor_id).collect::<BTreeSet<_>>().into_iter().collect();
    let recipients = staff_of(db, &executors).await?;
    let txn = crate::storage::begin_write(db).await?;
    let filed = write_filings_in(&txn, public_url, filings, batch_key, recipients).await?;
    txn.commit().await?;
    Ok(filed)
}

/// Stores one accepted appeal inside the caller's transaction (a petition turned into an appeal is
/// stored with the petition's change, all or nothing).
pub async fn file_in(txn: &DatabaseTransaction, public_url: &str, filing: Filing) -> Result<Filed, AppError> {
    let recipients = staff_of(txn, &[filing.intake.appeal.executor_id]).await?;
    write_filings_in(txn, public_url, std::slice::from_ref(&filing), None, recipients)
        .await?
        .pop()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("a filing was written without a result")))
}

/// Stores a petition's author's appeal and the petition's change that links it, in one transaction:
/// when the petition may not become an appeal (not its author, not closed short, already done), neither
/// is stored.
pub async fn file_for_petition(
    db: &DatabaseConnection,
    calendar: &Calendar,
    public_url: &str,
    filing: Filing,
    petition_id: i32,
    actor: crate::domain::petitions::Actor,
    now: DateTime<Utc>,
) -> Result<entity::petitions::Model, AppError> {
    let txn = crate::storage::begin_write(db).await?;
    let filed = file_in(&txn, public_url, filing).await?;
    let petition = crate::storage::petitions::get(&txn, petition_id).await?;
    let command = crate::domain::petitions::Command::ConvertToAppeal { appeal_id: filed.row.id };
    let (petition, _) =
        crate::storage::petitions::transition_in(&txn, calendar, public_url, &petition, actor, command, now).await?;
    txn.commit().await?;
    Ok(petition)
}

/// The author's name, e-mail and language as the account gives them.
pub async fn author_of(db: &DatabaseConnection, account_id: i32) -> Result<Author, AppError> {
    let account = accounts::Entity::find_by_id(account_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::Unauthorized(format!("account {account_id} no longer exists")))?;
    Ok(Author {
        account_id: Some(account.id),
        name: account.full_name,
        address: None,
        email: Some(account.email),
        phone: None,
        language: Language::parse(&account.language).unwrap_or_default(),
    })
}

/// The organisations that receive a batch, and their staff to write to.
pub(super) type Recipients = (HashMap<i32, organisations::Model>, HashMap<i32, Vec<Recipient>>);

/// Writes `filings` in `txn`: the appeals (one multi-row INSERT … RETURNING on PostgreSQL), their
/// co-signers, the `received` entries and mails intake decided (multi-row INSERTs), and the tally change
/// summed per tally row. The appeals are linked to their requests' idempotency keys, and to `batch_key`
/// (the ids, comma-separated) when given.
pub(super) async fn write_filings_in(
    txn: &DatabaseTransaction,
    public_url: &str,
    filings: &[Filing],
    batch_key: Option<&str>,
    (organisations, mut staff_by_org): Recipients,
) -> Result<Vec<Filed>, AppError> {
    let rows = insert_appeals(txn, filings).await?;
    link_keys(txn, &rows, filings, batch_key).await?;
    attach_pending(txn, &rows, filings).await?;
    let mut cosigners = Vec::new();
    let mut history = Vec::with_capacity(filings.len());
    let mut mails = Vec::with_capacity(filings.len() * 2);
    for (row, f) in rows.iter().zip(filings) {
        for (full_name, address) in f.cosigners() {
            cosigners.push(appeal_cosigners::ActiveModel {
                appeal_id: Set(row.id),
                full_name: Set(full_name),
                address: Set(address),
                ..Default::default()
            });
        }
        let received = &f.intake.received;
        history.push(entity::events::ActiveModel {
            occurred_at: Set(f.now),
            actor_account_id: Set(received.actor_account_id),
            subject_type: Set(SUBJECT.to_owned()),
            subject_id: Set(row.id.to_string()),
            action: Set(received.action.to_owned()),
            from_state: Set(received.from.map(|s| s.code().to_owned())),
            to_state: Set(Some(received.to.code().to_owned())),
            details: Set(received.details.to_string()),
            ..Default::default()
        });
        let executor = organisations.get(&row.executor_id);
        let executor_name = executor.map(|o| o.name.clone()).unwrap_or_else(|| format!("#{}", row.executor_id));
        let mut facts = appeal_facts(public_url, row, "received", executor_name)?;
        facts.routing = f.intake.routing["explanation"].as_str().map(str::to_owned);
        let notify = f.intake.notify;
        let staff = if notify.executor { staff_by_org.entry(row.executor_id).or_default().clone() } else { vec![] };
        let outgoing = author_recipient(row)
            .filter(|_| notify.author)
            .map(|r| (Notification::AppealUpdate(facts.clone()), r, None))
            .into_iter()
            .chain(staff.into_iter().map(|r| (Notification::AppealForExecutor(facts.clone()), r, None)));
        mails.extend(render_outgoing(public_url, row.id, outgoing)?);
    }
    for chunk in cosigners.chunks(INSERT_CHUNK) {
        appeal_cosigners::Entity::insert_many(chunk.to_vec()).exec_without_returning(txn).await?;
    }
    for chunk in history.chunks(INSERT_CHUNK) {
        entity::events::Entity::insert_many(chunk.to_vec()).exec_without_returning(txn).await?;
    }
    let now = filings.iter().map(|f| f.now).max().unwrap_or_else(Utc::now);
    crate::storage::notify::enqueue_many(txn, &mails, now).await?;
    // Last: the tally rows stay locked until the commit.
    crate::storage::metrics::record_filings(txn, &rows).await?;
    Ok(rows
        .into_iter()
        .zip(filings)
        .map(|(row, f)| Filed {
            executor_name: organisations.get(&row.executor_id).map(|o| o.name.clone()).unwrap_or_default(),
            cosigners: f.cosigners(),
            deadline: f.intake.deadline.clone(),
            row,
        })
        .collect())
}

/// Inserts the appeals' rows and returns them in the order of `filings`.
pub(super) async fn insert_appeals(
    txn: &DatabaseTransaction,
    filings: &[Filing],
) -> Result<Vec<appeals::Model>, AppError> {
    let models = filings.iter().map(appeal_model).collect::<Result<Vec<_>, _>>()?;
    let mut rows = Vec::with_capacity(filings.len());
    if txn.support_returning() {
        for chunk in models.chunks(INSERT_CHUNK) {
            let mut stored = appeals::Entity::insert_many(chunk.to_vec()).exec_with_returning(txn).await?;
            // One statement takes its ids from the sequence in the order of its rows.
            stored.sort_by_key(|r| r.id);
            rows.extend(stored);
        }
    } else {
        // SQLite: the rows go one by one, in-process and under the one write lock.
        for model in models {
            rows.push(model.insert(txn).await?);
        }
    }
    let matches = rows.len() == filings.len()
        && rows.iter().zip(filings).all(|(row, f)| {
            row.received_at == f.intake.appeal.received_at
                && row.author_account_id == f.intake.appeal.author_account_id
                && row.subject == f.intake.new.subject
        });
    if !matches {
        return Err(AppError::Internal(anyhow::anyhow!("the inserted appeals came back in another order")));
    }
    Ok(rows)
}

/// Links each appeal to its request's idempotency key, and the whole batch to `batch_key`.
pub(super) async fn link_keys(
    txn: &DatabaseTransaction,
    rows: &[appeals::Model],
    filings: &[Filing],
    batch_key: Option<&str>,
) -> Result<(), AppError> {
    for (row, f) in rows.iter().zip(filings) {
        if let Some(scope) = &f.key_scope {
            crate::storage::idempotency::link(txn, scope, &format!("/api/v1/appeals/{}", row.id)).await?;
        }
    }
    if let Some(key) = batch_key {
        let ids: Vec<String> = rows.iter().map(|r| r.id.to_string()).collect();
        let now = filings.iter().map(|f| f.now).max().unwrap_or_else(Utc::now);
        crate::storage::idempotency::record_batch(txn, key, &ids.join(","), now).await?;
    }
    Ok(())
}

/// The appeals a batch stored although its COMMIT answered with an error, as the batch would have
/// answered; `None` when the batch did not land.
pub(super) async fn landed(db: &DatabaseConnection, batch_key: &str, filings: &[Filing]) -> Option<Vec<Filed>> {
    let ids = crate::storage::idempotency::created_by(db, batch_key).await.ok()??;
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
            cosigners: f.cosigners(),
            deadline: f.intake.deadline.clone(),
            row,
        });
    }
    Some(filed)
}

// ---------------------------------------------------------------------------
// The intake writer
// ---------------------------------------------------------------------------

pub(super) type FilingReply = oneshot::Sender<Result<Filed, AppError>>;

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
    /// The test seam that loses the answers to COMMITs (see [`crate::storage::LostCommitAnswers`]).
    pub lost_commit_answers: crate::storage::LostCommitAnswers,
}

/// Most filings one transaction takes.
pub(super) const MAX_FILINGS: usize = 256;

/// Batches written at the same time on PostgreSQL, so one batch's round trips and commit overlap the
/// next; they only queue on the tally rows, which each batch locks last and in key order.
pub(super) const POSTGRES_FILING_WRITERS: usize = 4;

impl AppealWriter {
    /// Starts the writer tasks; they stop when every sender is dropped. SQLite has one writer anyway.
    pub fn start(ctx: AppealWriterContext) -> AppealWriter {
        let (sender, receiver) = mpsc::channel(4 * MAX_FILINGS);
        let receiver = Arc::new(tokio::sync::Mutex::new(receiver));
        let writers = if crate::storage::is_sqlite(&ctx.db) { 1 } else { POSTGRES_FILING_WRITERS };
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

pub(super) async fn run_filing_writer(
    ctx: AppealWriterContext,
    receiver: Arc<tokio::sync::Mutex<mpsc::Receiver<(Filing, FilingReply)>>>,
) {
    let mut batch = Vec::with_capacity(MAX_FILINGS);
    // Take whatever is waiting (at least one), then let the next writer take the queue.
    while receiver.lock().await.recv_many(&mut batch, MAX_FILINGS).await > 0 {
        let (filings, replies): (Vec<Filing>, Vec<FilingReply>) = batch.drain(..).unzip();
        for (reply, outcome) in
            replies.into_iter().zip(file_batch(&ctx.db, &ctx.public_url, &filings, &ctx.lost_commit_answers).await)
        {
            let _ = reply.send(outcome);
        }
        ctx.mail_wake.notify_one();
    }
}

/// Stores `filings` in one transaction, one outcome per filing in order. When the batch fails as a whole
/// (e.g. one appeal's author was deleted meanwhile), nothing of it was stored: each filing is then
/// written on its own, so the others are stored once and only the faulty one gets an error.
pub async fn file_batch(
    db: &DatabaseConnection,
    public_url: &str,
    filings: &[Filing],
    lost: &crate::storage::LostCommitAnswers,
) -> Vec<Result<Filed, AppError>> {
    let error = match write_once(db, public_url, filings, lost).await {
        Ok(filed) => return filed.into_iter().map(Ok).collect(),
        Err(error) if filings.len() == 1 => return vec![Err(error)],
        Err(error) => error,
    };
    tracing::warn!(%error, size = filings.len(), "appeal batch failed; writing its appeals one by one");
    let mut outcomes = Vec::with_capacity(filings.len());
    for filing in filings {
        let outcome = write_once(db, public_url, std::slice::from_ref(filing), lost)
            .await
            .and_then(|mut one| one.pop().ok_or_else(|| AppError::Internal(anyhow::anyhow!("no result"))));
        outcomes.push(outcome);
    }
    outcomes
}

/// [`write_filings`] under a key of the batch's own, recorded in its transaction: when the COMMIT answers
/// with an error but landed (the connection lost at that moment), the appeals are answered as stored and
/// never written a second time by the one-by-one retry.
pub(super) async fn write_once(
    db: &DatabaseConnection,
    public_url: &str,
    filings: &[Filing],
    lost: &crate::storage::LostCommitAnswers,
) -> Result<Vec<Filed>, AppError> {
    let batch_key = format!("appeal-batch:{}", uuid::Uuid::new_v4().simple());
    let written = write_filings(db, public_url, filings, Some(&batch_key)).await;
    match written.and_then(|filed| lost.answer().map(|()| filed)) {
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
