//! The deadline watcher's sweep: overdue marking, reminders, recounting after the law changed.
use sea_orm::sea_query::{Expr, ExprTrait};

use super::*;

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
    // Every deadline in force that passed and is not the one escalated: the original, and an extended one
    // missed in its turn (`domain::appeals` decides; this only finds the candidates).
    let escalated = Condition::any()
        .add(appeals::Column::EscalatedDueAt.is_null())
        .add(Expr::col(appeals::Column::EscalatedDueAt).ne(Expr::col(appeals::Column::DueAt)));
    let overdue: Vec<i32> = appeals::Entity::find()
        .select_only()
        .column(appeals::Column::Id)
        .filter(appeals::Column::Status.is_in(open.clone()))
        .filter(escalated)
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
pub(super) async fn apply_batch(
    db: &DatabaseConnection,
    ctx: &Context<'_>,
    batch: &[(i32, Command)],
    now: DateTime<Utc>,
) -> Result<u32, AppError> {
    let attempt = async {
        let txn = crate::storage::begin_write(db).await?;
        let mut applied = 0;
        for (id, command) in batch {
            let step = Step { id: *id, requester: Requester::Watcher, command: command.clone(), now };
            match transition_in(&txn, ctx, step).await {
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
pub async fn recalculate_open_deadlines(db: &DatabaseConnection, recount: &Recount<'_>) -> Result<u32, AppError> {
    let ctx = &Context { public_url: recount.public_url, calendar: recount.calendar };
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
        let command = Command::RecalculateDeadline { reason: recount.reason.to_owned() };
        if apply_quietly(db, ctx, id, command, recount.now).await? {
            changed += 1;
        }
    }
    Ok(changed)
}

/// A watcher transition; losing a race to another instance (or a person) is not an error.
pub(super) async fn apply_quietly(
    db: &DatabaseConnection,
    ctx: &Context<'_>,
    id: i32,
    command: Command,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    match transition(db, ctx, Step { id, requester: Requester::Watcher, command, now }).await {
        Ok(_) => Ok(true),
        Err(AppError::Conflict(_)) => Ok(false),
        Err(AppError::Internal(e)) if is_serialization_failure(&e) => Ok(false),
        Err(e) => Err(e),
    }
}

pub(super) fn is_serialization_failure(e: &anyhow::Error) -> bool {
    let text = e.to_string();
    text.contains("could not serialize") || text.contains("database is locked")
}

// ---------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------
