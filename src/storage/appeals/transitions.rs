//! Saving a `domain::appeals::apply` transition with its history entry, mails and tally.
use super::*;

/// Who is asking for a transition.
pub enum Requester<'a> {
    Person(&'a Principal),
    Watcher,
}

/// One transition asked of appeal `id`: who asks, the `command`, and when.
pub struct Step<'a> {
    pub id: i32,
    pub requester: Requester<'a>,
    pub command: Command,
    pub now: DateTime<Utc>,
}

/// An appeal as saved after a transition, and the transition.
type Moved = Result<(appeals::Model, Transition), AppError>;

/// Applies the step's command to its appeal and saves the new state, its history entry and its mails in
/// one transaction. A concurrent change to the same appeal makes this fail with 409 rather than overwrite it.
pub async fn transition(db: &DatabaseConnection, ctx: &Context<'_>, step: Step<'_>) -> Moved {
    let txn = crate::storage::begin_write(db).await?;
    let done = transition_in(&txn, ctx, step).await?;
    txn.commit().await?;
    Ok(done)
}

/// [`transition`] inside the caller's transaction. On a conflict (the rules refuse it, or someone changed
/// the appeal meanwhile) nothing of it was written, so the caller may go on with the transaction (the
/// watcher writes many transitions in one); any other error spoils the transaction.
pub(super) async fn transition_in(txn: &DatabaseTransaction, ctx: &Context<'_>, step: Step<'_>) -> Moved {
    let Step { id, requester, command, now } = step;
    let row = get(txn, id).await?;
    let actor = match requester {
        Requester::Person(principal) => {
            let public = kind_of(&row)? == AppealKind::IssueReport;
            if !may_see_appeal(Some(principal), public, row.executor_id, row.author_account_id) {
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
        .set(appeals::ActiveModel { version: Set(row.version + 1), updated_at: Set(now), ..lifecycle(after) })
        .filter(appeals::Column::Id.eq(id))
        .filter(appeals::Column::Version.eq(row.version))
        .exec(txn)
        .await?;
    if saved.rows_affected != 1 {
        return Err(AppError::Conflict(format!(
            "appeal {id} was changed by someone else just now; reload it and retry"
        )));
    }
    let updated = get(txn, id).await?;
    // A step the command owed first (the missed term a late extension records) is the watcher's: its
    // own history entry and mails, before the command's.
    if let Some(owed) = &transition.preceding {
        record_step(txn, ctx, (&before, &updated), None, owed, now).await?;
    }
    let before_command = transition.preceding.as_ref().map_or(before.clone(), |owed| owed.appeal.clone());
    record_step(txn, ctx, (&before_command, &updated), actor.account_id, &transition, now).await?;
    crate::storage::metrics::record_change(txn, Some(&row), &updated).await?;
    Ok((updated, transition))
}

/// One step's history entry and mails.
async fn record_step(
    txn: &DatabaseTransaction,
    ctx: &Context<'_>,
    (before, updated): (&Appeal, &appeals::Model),
    actor_account_id: Option<i32>,
    step: &Transition,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    NewEvent::new(actor_account_id, (SUBJECT, updated.id), step.action, step.details.clone())
        .moved(Some(step.from.code()), Some(step.to.code()))
        .append_to(txn, now)
        .await?;
    queue_transition_mails(txn, ctx, before, updated, step, now).await
}

/// The columns an appeal's life changes after intake (not what was filed, its version, or when it was
/// updated).
pub(crate) fn lifecycle(after: &Appeal) -> appeals::ActiveModel {
    let coded = appeals::ActiveModel {
        status: Set(after.status.code().to_owned()),
        resolution: Set(after.resolution.map(|r| r.code().to_owned())),
        refusal_code: Set(after.refusal_code.map(|c| c.code().to_owned())),
        ..Default::default()
    };
    crate::storage::columns_from!(after => appeals::ActiveModel {
        copy: [
            executor_id, assignee_account_id, executor_received_at, due_at, extended_due_at, forward_due_at,
            forwarded_count, overdue_at, escalated_due_at, reminder_level, answered_at, confirmed_at, rework_count,
            rating, duplicate_of_id,
        ],
        clone: [answer_text, competent_body, refusal_reason, rating_comment],
        ..coded
    })
}

/// The mails a transition sends, with the facts its action needs.
async fn queue_transition_mails(
    txn: &DatabaseTransaction,
    ctx: &Context<'_>,
    before: &Appeal,
    updated: &appeals::Model,
    transition: &Transition,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut mail = mail_facts(txn, ctx, updated, transition.action).await?;
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
    queue_mails(txn, ctx.public_url, updated, &mail, transition.notify, now).await?;
    if transition.notify.author {
        queue_follower_mails(txn, ctx.public_url, updated, &mail, now).await?;
    }
    Ok(())
}

pub(super) fn due_date_text(due_at: DateTime<Utc>) -> String {
    deadlines::day_containing(due_at).format("%d.%m.%Y").to_string()
}

pub(super) async fn organisation_name(conn: &impl ConnectionTrait, id: i32) -> Result<String, AppError> {
    Ok(organisations::Entity::find_by_id(id).one(conn).await?.map(|o| o.name).unwrap_or_else(|| format!("#{id}")))
}

/// The facts every appeal mail states.
pub(super) async fn mail_facts(
    conn: &impl ConnectionTrait,
    ctx: &Context<'_>,
    row: &appeals::Model,
    action: &str,
) -> Result<AppealMail, AppError> {
    let executor = organisation_name(conn, row.executor_id).await?;
    appeal_facts(ctx.public_url, row, action, executor)
}

pub(super) fn appeal_facts(
    public_url: &str,
    row: &appeals::Model,
    action: &str,
    executor: String,
) -> Result<AppealMail, AppError> {
    let status = status_of(row)?;
    Ok(AppealMail {
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
        link: crate::mail::links::my_appeal(public_url, row.id),
        ..Default::default()
    })
}
