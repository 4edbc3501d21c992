//! Local e-petitions (art. 23-1 of the Law "On Citizens' Appeals" and the community statute): the
//! statute terms in force on a date, what a submission must satisfy, the collection window, and the one
//! transition function every state change of a petition goes through.
//!
//! Pure: storage loads a [`Petition`], [`apply`] decides, storage saves it with its history record.
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{
    appeals::TransitionError,
    calendar::{Calendar, kyiv_date, kyiv_end_of_day},
    deadlines::{self, DeadlineRule},
};

/// How a person may sign under the statute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SigningMode {
    /// Only with a verified account.
    VerifiedAccount,
    /// With a verified account, or with name and e-mail confirmed through a mailed link.
    AccountOrEmail,
}

/// Why a council's new terms are refused when it already has terms from the same date (a change is a
/// new row with a later date): the `effective_from` error.
pub const STATUTE_DATE_TAKEN: &str =
    "this council already has statute terms from that date; add terms with another date";

/// The petition terms of a council's statute from `effective_from` on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statute {
    pub id: i32,
    pub council_id: i32,
    pub effective_from: NaiveDate,
    pub signature_threshold: u32,
    pub collection_days: u32,
    pub title_max_chars: u32,
    pub text_max_chars: u32,
    pub signing_mode: SigningMode,
}

impl Statute {
    /// Checks values a council could plausibly adopt.
    pub fn validate(&self) -> Result<(), (&'static str, String)> {
        if let Err(e) = super::calendar::supported("effective_from", self.effective_from) {
            return Err(("effective_from", e.to_string()));
        }
        if !(1..=1_000_000).contains(&self.signature_threshold) {
            return Err(("signature_threshold", "the threshold is 1 to 1,000,000 signatures".into()));
        }
        if !(1..=365).contains(&self.collection_days) {
            return Err(("collection_days", "the collection period is 1 to 365 days".into()));
        }
        if !(10..=TITLE_LIMIT_MAX as u32).contains(&self.title_max_chars) {
            return Err(("title_max_chars", format!("the title limit is 10 to {TITLE_LIMIT_MAX} characters")));
        }
        if !(100..=TEXT_LIMIT_MAX as u32).contains(&self.text_max_chars) {
            return Err(("text_max_chars", format!("the text limit is 100 to {TEXT_LIMIT_MAX} characters")));
        }
        Ok(())
    }
}

/// The statute terms of `council_id` in force on `date`: the one with the latest `effective_from` not after it.
pub fn statute_in_force(statutes: &[Statute], council_id: i32, date: NaiveDate) -> Option<&Statute> {
    statutes
        .iter()
        .filter(|s| s.council_id == council_id && s.effective_from <= date)
        .max_by_key(|s| (s.effective_from, s.id))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Submitted, waiting for a moderator (publication due within 2 working days).
    Moderation,
    /// Not published, with a coded reason.
    Refused,
    /// Published, collecting signatures.
    Collecting,
    /// Reached the threshold; the council owes a notice of the start of consideration.
    AwaitingConsideration,
    /// The notice is published; the answer is due within 10 working days.
    UnderConsideration,
    /// The council's answer is published.
    Answered,
    /// Collection ended without the threshold.
    Closed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Supported,
    PartlySupported,
    NotSupported,
}

/// Why a moderator did not publish a petition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefusalCode {
    /// Calls to overthrow the constitutional order, to violate territorial integrity, war propaganda,
    /// incitement to hatred… (art. 23-1).
    BannedContent,
    /// Outside the competence of the council.
    NotCouncilCompetence,
    /// The same demand as a petition already collecting.
    Duplicate,
    /// No discernible demand (the essence is missing).
    NoEssence,
    /// Insults, obscenity or personal data of others.
    Abusive,
}

codes!(SigningMode { VerifiedAccount => "verified_account", AccountOrEmail => "account_or_email" });
codes!(Status {
    Moderation => "moderation", Refused => "refused", Collecting => "collecting",
    AwaitingConsideration => "awaiting_consideration", UnderConsideration => "under_consideration",
    Answered => "answered", Closed => "closed",
});
impl Status {
    /// Was the petition ever published? One in moderation or refused never was: it is not public.
    pub fn was_published(self) -> bool {
        !matches!(self, Status::Moderation | Status::Refused)
    }
}

codes!(Decision { Supported => "supported", PartlySupported => "partly_supported", NotSupported => "not_supported" });
codes!(RefusalCode {
    BannedContent => "banned_content", NotCouncilCompetence => "not_council_competence", Duplicate => "duplicate",
    NoEssence => "no_essence", Abusive => "abusive",
});

/// How the public list of petitions is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    Newest,
    MostSigned,
    ClosingSoon,
}

codes!(Sort { Newest => "newest", MostSigned => "most_signed", ClosingSoon => "closing_soon" });

/// The most any statute may allow for a petition's title and text (the spec's `maxLength`).
pub const TITLE_LIMIT_MAX: usize = 500;
pub const TEXT_LIMIT_MAX: usize = 100_000;

/// Checks a submission against the statute in force.
pub fn check_submission(title: &str, text: &str, statute: &Statute) -> Result<(), (&'static str, String)> {
    let title_chars = title.trim().chars().count();
    if title_chars < 5 || title_chars > statute.title_max_chars as usize {
        return Err(("title", format!("the title must be 5 to {} characters", statute.title_max_chars)));
    }
    let text_chars = text.trim().chars().count();
    if text_chars < 50 || text_chars > statute.text_max_chars as usize {
        return Err((
            "text",
            format!(
                "the text must state the demand in 50 to {} characters (the council's statute)",
                statute.text_max_chars
            ),
        ));
    }
    Ok(())
}

/// The end of collection: `collection_days` days counted from the day after publication (Civil Code
/// art. 253), ending at Kyiv midnight after the last day. A term of collection does not roll over.
pub fn collection_ends_at(published_at: DateTime<Utc>, collection_days: u32) -> DateTime<Utc> {
    let last_day = kyiv_date(published_at) + chrono::Duration::days(i64::from(collection_days));
    kyiv_end_of_day(last_day)
}

/// The handling state of one petition (no personal data).
#[derive(Debug, Clone, PartialEq)]
pub struct Petition {
    pub id: i32,
    pub status: Status,
    pub council_id: i32,
    pub author_account_id: i32,
    pub submitted_at: DateTime<Utc>,
    pub publication_due_at: DateTime<Utc>,
    pub moderated_at: Option<DateTime<Utc>>,
    pub refusal_code: Option<RefusalCode>,
    pub refusal_reason: Option<String>,
    pub published_at: Option<DateTime<Utc>>,
    pub statute_id: Option<i32>,
    pub signature_threshold: Option<i32>,
    pub collection_ends_at: Option<DateTime<Utc>>,
    pub signature_count: i64,
    pub threshold_reached_at: Option<DateTime<Utc>>,
    pub notice_at: Option<DateTime<Utc>>,
    pub consideration_due_at: Option<DateTime<Utc>>,
    pub answered_at: Option<DateTime<Utc>>,
    pub decision: Option<Decision>,
    pub answer_text: Option<String>,
    pub closed_at: Option<DateTime<Utc>>,
    pub appeal_id: Option<i32>,
}

impl Petition {
    /// The legal term running in the petition's state, if one is: publication (2 working days) while
    /// in moderation, the council's answer (10 working days from the notice) while under consideration.
    /// Awaiting the notice has no term of its own in the law: the desk shows how long it has waited.
    pub fn running_deadline(&self) -> Option<DateTime<Utc>> {
        match self.status {
            Status::Moderation => Some(self.publication_due_at),
            Status::UnderConsideration => self.consideration_due_at,
            _ => None,
        }
    }

    /// A petition as submitted, awaiting moderation: what `storage::petitions::submit` stores.
    pub fn submitted(id: i32, council_id: i32, author: i32, at: DateTime<Utc>, calendar: &Calendar) -> Petition {
        Petition {
            id,
            status: Status::Moderation,
            council_id,
            author_account_id: author,
            submitted_at: at,
            publication_due_at: publication_due(at, calendar),
            moderated_at: None,
            refusal_code: None,
            refusal_reason: None,
            published_at: None,
            statute_id: None,
            signature_threshold: None,
            collection_ends_at: None,
            signature_count: 0,
            threshold_reached_at: None,
            notice_at: None,
            consideration_due_at: None,
            answered_at: None,
            decision: None,
            answer_text: None,
            closed_at: None,
            appeal_id: None,
        }
    }
}

/// Who asks, as far as this petition is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Actor {
    pub account_id: Option<i32>,
    pub is_author: bool,
    pub moderator: bool,
    /// Officer or head of the council the petition is addressed to.
    pub council_officer: bool,
    pub system: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Publish {
        statute: Statute,
    },
    Refuse {
        code: RefusalCode,
        reason: String,
    },
    /// The counter reached the threshold (checked by the signature writer).
    ReachThreshold {
        count: i64,
    },
    PublishNotice,
    Answer {
        decision: Decision,
        text: String,
    },
    /// Collection ended short of the threshold (the watcher).
    Close,
    /// The author asked for the closed petition to be considered as an appeal; `appeal_id` was just filed.
    ConvertToAppeal {
        appeal_id: i32,
    },
    /// The law behind the calendar changed (the end of martial law): count the term running now again.
    RecalculateDeadline {
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Transition {
    pub petition: Petition,
    pub action: &'static str,
    pub from: Status,
    pub to: Status,
    pub details: serde_json::Value,
    /// Tell the author by mail.
    pub notify_author: bool,
    /// Tell the signers who opted in.
    pub notify_signers: bool,
}

fn forbidden(message: &str) -> TransitionError {
    TransitionError::Forbidden(message.to_owned())
}

/// Applies `command` by `actor` at `now`: the only place where a petition changes state. Each command
/// is one step below: who may give it, from which status, and what it changes.
pub fn apply(
    petition: &Petition,
    actor: Actor,
    command: Command,
    now: DateTime<Utc>,
    calendar: &Calendar,
) -> Result<Transition, TransitionError> {
    let mut next = petition.clone();
    let step = match command {
        Command::Publish { statute } => publish(petition, &mut next, actor, &statute, now)?,
        Command::Refuse { code, reason } => refuse(petition, &mut next, actor, code, &reason, now)?,
        Command::ReachThreshold { count } => reach_threshold(petition, &mut next, actor, count, now)?,
        Command::PublishNotice => publish_notice(petition, &mut next, actor, now, calendar)?,
        Command::Answer { decision, text } => answer(petition, &mut next, actor, decision, &text, now)?,
        Command::Close => close(petition, &mut next, actor, now)?,
        Command::ConvertToAppeal { appeal_id } => convert_to_appeal(petition, &mut next, actor, appeal_id)?,
        Command::RecalculateDeadline { reason } => {
            if !actor.system {
                return Err(forbidden("only the service recalculates deadlines, when the calendar's law changes"));
            }
            Step::quiet("deadline_recalculated", recalculate(petition, &mut next, &reason, calendar)?)
        }
    };
    let Step { action, details, notify_author, notify_signers } = step;
    Ok(Transition {
        to: next.status,
        petition: next,
        action,
        from: petition.status,
        details,
        notify_author,
        notify_signers,
    })
}

/// What one command did: its history entry and who is told.
struct Step {
    action: &'static str,
    details: serde_json::Value,
    notify_author: bool,
    notify_signers: bool,
}

impl Step {
    fn quiet(action: &'static str, details: serde_json::Value) -> Step {
        Step { action, details, notify_author: false, notify_signers: false }
    }

    fn to_author(action: &'static str, details: serde_json::Value) -> Step {
        Step { notify_author: true, ..Step::quiet(action, details) }
    }

    fn to_author_and_signers(action: &'static str, details: serde_json::Value) -> Step {
        Step { notify_signers: true, ..Step::to_author(action, details) }
    }
}

/// A petition in another status than the command needs.
fn conflict(petition: &Petition, what: &str) -> TransitionError {
    let status = petition.status.code().replace('_', " ");
    TransitionError::Conflict(format!("the petition is {status} and cannot be {what}"))
}

/// Text shorter than `min` characters where the law wants reasons.
fn too_short(text: &str, min: usize, field: &'static str, message: &str) -> Result<(), TransitionError> {
    if text.trim().chars().count() < min {
        return Err(TransitionError::Invalid { field, message: message.into() });
    }
    Ok(())
}

fn publish(
    petition: &Petition,
    next: &mut Petition,
    actor: Actor,
    statute: &Statute,
    now: DateTime<Utc>,
) -> Result<Step, TransitionError> {
    if !actor.moderator {
        return Err(forbidden("only a moderator publishes petitions"));
    }
    if petition.status != Status::Moderation {
        return Err(conflict(petition, "published"));
    }
    next.status = Status::Collecting;
    next.moderated_at = Some(now);
    next.published_at = Some(now);
    next.statute_id = Some(statute.id);
    next.signature_threshold = Some(statute.signature_threshold as i32);
    next.collection_ends_at = Some(collection_ends_at(now, statute.collection_days));
    let details = json!({
        "statute_id": statute.id,
        "signature_threshold": statute.signature_threshold,
        "collection_ends_at": next.collection_ends_at,
        "published_within_term": now < petition.publication_due_at,
    });
    Ok(Step::to_author("published", details))
}

fn refuse(
    petition: &Petition,
    next: &mut Petition,
    actor: Actor,
    code: RefusalCode,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Step, TransitionError> {
    if !actor.moderator {
        return Err(forbidden("only a moderator refuses petitions"));
    }
    if petition.status != Status::Moderation {
        return Err(conflict(petition, "refused"));
    }
    too_short(reason, 10, "reason", "explain the refusal to the author (at least 10 characters)")?;
    next.status = Status::Refused;
    next.moderated_at = Some(now);
    next.refusal_code = Some(code);
    next.refusal_reason = Some(reason.trim().to_owned());
    let within_term = now < petition.publication_due_at;
    let details = json!({ "code": code.code(), "reason": reason.trim(), "moderated_within_term": within_term });
    Ok(Step::to_author("refused", details))
}

fn reach_threshold(
    petition: &Petition,
    next: &mut Petition,
    actor: Actor,
    count: i64,
    now: DateTime<Utc>,
) -> Result<Step, TransitionError> {
    if !actor.system {
        return Err(forbidden("the threshold is reached by signatures, not by hand"));
    }
    let threshold = i64::from(petition.signature_threshold.unwrap_or(i32::MAX));
    if petition.status != Status::Collecting || count < threshold {
        return Err(conflict(petition, "moved to consideration"));
    }
    next.status = Status::AwaitingConsideration;
    next.threshold_reached_at = Some(now);
    next.signature_count = count;
    Ok(Step::to_author("threshold_reached", json!({ "signatures": count, "threshold": threshold })))
}

fn publish_notice(
    petition: &Petition,
    next: &mut Petition,
    actor: Actor,
    now: DateTime<Utc>,
    calendar: &Calendar,
) -> Result<Step, TransitionError> {
    if !actor.council_officer {
        return Err(forbidden("only an officer of the council publishes the notice of consideration"));
    }
    if petition.status != Status::AwaitingConsideration {
        return Err(conflict(petition, "announced for consideration"));
    }
    let due = deadlines::compute(&DeadlineRule::PetitionConsideration, now, calendar);
    next.status = Status::UnderConsideration;
    next.notice_at = Some(now);
    next.consideration_due_at = Some(due.due_at);
    let days_since_threshold = petition.threshold_reached_at.map(|t| (now - t).num_days());
    let details = json!({ "consideration_due_at": due.due_at, "due_date": due.due_date, "days_since_threshold": days_since_threshold });
    Ok(Step::to_author_and_signers("consideration_started", details))
}

fn answer(
    petition: &Petition,
    next: &mut Petition,
    actor: Actor,
    decision: Decision,
    text: &str,
    now: DateTime<Utc>,
) -> Result<Step, TransitionError> {
    if !actor.council_officer {
        return Err(forbidden("only an officer of the council publishes the answer"));
    }
    if petition.status != Status::UnderConsideration {
        return Err(conflict(petition, "answered: publish the notice of consideration first"));
    }
    too_short(text, 20, "text", "the answer must give the reasons (at least 20 characters)")?;
    next.status = Status::Answered;
    next.answered_at = Some(now);
    next.decision = Some(decision);
    next.answer_text = Some(text.trim().to_owned());
    let on_time = petition.consideration_due_at.is_some_and(|due| now < due);
    Ok(Step::to_author_and_signers(
        "answered",
        json!({ "decision": decision.code(), "considered_within_term": on_time }),
    ))
}

fn close(petition: &Petition, next: &mut Petition, actor: Actor, now: DateTime<Utc>) -> Result<Step, TransitionError> {
    if !actor.system {
        return Err(forbidden("petitions close when their collection period ends"));
    }
    let ended = petition.collection_ends_at.is_some_and(|end| now >= end);
    let reached = petition.signature_threshold.is_some_and(|t| petition.signature_count >= i64::from(t));
    if petition.status != Status::Collecting || !ended || reached {
        return Err(conflict(petition, "closed"));
    }
    next.status = Status::Closed;
    next.closed_at = Some(now);
    let details = json!({ "signatures": petition.signature_count, "threshold": petition.signature_threshold });
    Ok(Step::to_author("closed", details))
}

fn convert_to_appeal(
    petition: &Petition,
    next: &mut Petition,
    actor: Actor,
    appeal_id: i32,
) -> Result<Step, TransitionError> {
    if !actor.is_author {
        return Err(forbidden("only the author may ask for the petition to be considered as an appeal"));
    }
    if petition.status != Status::Closed {
        return Err(conflict(petition, "turned into an appeal: only a petition closed short of the threshold can"));
    }
    if petition.appeal_id.is_some() {
        return Err(TransitionError::Conflict("the petition was already turned into an appeal".into()));
    }
    next.appeal_id = Some(appeal_id);
    Ok(Step::quiet("converted_to_appeal", json!({ "appeal_id": appeal_id })))
}

/// Counts the term running in the petition's state again: publication while in moderation, the answer
/// while under consideration. A conflict in any other state or when nothing changes.
fn recalculate(
    petition: &Petition,
    next: &mut Petition,
    reason: &str,
    calendar: &Calendar,
) -> Result<serde_json::Value, TransitionError> {
    let unchanged = || TransitionError::Conflict("the petition's deadline is the same under the changed law".into());
    match (petition.status, petition.notice_at) {
        (Status::Moderation, _) => {
            next.publication_due_at = publication_due(petition.submitted_at, calendar);
            if next.publication_due_at == petition.publication_due_at {
                return Err(unchanged());
            }
            let (before, after) = (petition.publication_due_at, next.publication_due_at);
            Ok(json!({ "reason": reason.trim(), "previous_publication_due_at": before, "publication_due_at": after }))
        }
        (Status::UnderConsideration, Some(notice_at)) => {
            let due = deadlines::compute(&DeadlineRule::PetitionConsideration, notice_at, calendar).due_at;
            if petition.consideration_due_at == Some(due) {
                return Err(unchanged());
            }
            next.consideration_due_at = Some(due);
            let before = petition.consideration_due_at;
            Ok(json!({ "reason": reason.trim(), "previous_consideration_due_at": before, "consideration_due_at": due }))
        }
        _ => Err(TransitionError::Conflict(format!(
            "the petition is {} and has no term running",
            petition.status.code().replace('_', " ")
        ))),
    }
}

/// The collecting window: published, collecting, and its period not over. The one statement of it.
pub fn collecting_at(status: Status, collection_ends_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    status == Status::Collecting && collection_ends_at.is_some_and(|end| now < end)
}

/// Whether a signature may be given (or withdrawn) now, and if not, why.
pub fn check_collecting(petition: &Petition, now: DateTime<Utc>) -> Result<(), String> {
    if collecting_at(petition.status, petition.collection_ends_at, now) {
        return Ok(());
    }
    match petition.status {
        Status::Collecting => Err("the collection period of this petition has ended".into()),
        Status::Moderation => Err("the petition is not published yet".into()),
        status => Err(format!("the petition is {} and no longer collects signatures", status.code().replace('_', " "))),
    }
}

/// The 2-working-day publication deadline from submission.
pub fn publication_due(submitted_at: DateTime<Utc>, calendar: &Calendar) -> DateTime<Utc> {
    deadlines::compute(&DeadlineRule::PetitionPublication, submitted_at, calendar).due_at
}

#[cfg(test)]
mod tests {

    use chrono::TimeZone;

    use super::*;

    fn cal() -> Calendar {
        Calendar::default()
    }

    fn statute(id: i32, from: (i32, u32, u32), threshold: u32) -> Statute {
        Statute {
            id,
            council_id: 1,
            effective_from: NaiveDate::from_ymd_opt(from.0, from.1, from.2).unwrap(),
            signature_threshold: threshold,
            collection_days: 60,
            title_max_chars: 200,
            text_max_chars: 5000,
            signing_mode: SigningMode::AccountOrEmail,
        }
    }

    fn submitted() -> Petition {
        let at = Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0).unwrap(); // a Friday
        Petition::submitted(1, 1, 10, at, &cal())
    }

    fn moderator() -> Actor {
        Actor { account_id: Some(2), moderator: true, ..Default::default() }
    }

    fn officer() -> Actor {
        Actor { account_id: Some(3), council_officer: true, ..Default::default() }
    }

    fn system() -> Actor {
        Actor { system: true, ..Default::default() }
    }

    fn at(d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, d, h, 0, 0).unwrap()
    }

    #[test]
    fn the_statute_in_force_is_the_latest_that_took_effect() {
        let statutes = [statute(1, (2024, 1, 1), 250), statute(2, (2026, 12, 1), 500), statute(3, (2025, 6, 1), 300)];
        let on = |y, m, d| statute_in_force(&statutes, 1, NaiveDate::from_ymd_opt(y, m, d).unwrap()).map(|s| s.id);
        assert_eq!(on(2023, 12, 31), None);
        assert_eq!(on(2025, 5, 31), Some(1));
        assert_eq!(on(2026, 11, 22), Some(3));
        assert_eq!(on(2026, 12, 1), Some(2));
        assert_eq!(statute_in_force(&statutes, 2, NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()), None);
    }

    #[test]
    fn publication_is_due_within_two_working_days() {
        // Submitted on Friday 20 Nov: Monday 23 and Tuesday 24 are the two working days.
        let p = submitted();
        assert_eq!(
            kyiv_date(p.publication_due_at - chrono::Duration::seconds(1)),
            NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
        );
        let t = apply(&p, moderator(), Command::Publish { statute: statute(1, (2024, 1, 1), 3) }, at(25, 9), &cal())
            .unwrap();
        assert_eq!(t.details["published_within_term"], false, "late moderation is visible");
    }

    #[test]
    fn the_lifecycle_publish_threshold_notice_answer() {
        let p = submitted();
        let t = apply(&p, moderator(), Command::Publish { statute: statute(1, (2024, 1, 1), 3) }, at(23, 9), &cal())
            .unwrap();
        assert_eq!(t.to, Status::Collecting);
        assert_eq!(t.petition.signature_threshold, Some(3));
        // 60 days from the day after 23 Nov: the last day is 22 Jan 2027.
        assert_eq!(
            kyiv_date(t.petition.collection_ends_at.unwrap() - chrono::Duration::seconds(1)),
            NaiveDate::from_ymd_opt(2027, 1, 22).unwrap()
        );
        assert!(apply(&t.petition, system(), Command::ReachThreshold { count: 2 }, at(24, 9), &cal()).is_err());
        let t = apply(&t.petition, system(), Command::ReachThreshold { count: 3 }, at(24, 9), &cal()).unwrap();
        assert_eq!(t.to, Status::AwaitingConsideration);
        assert!(matches!(
            apply(&t.petition, moderator(), Command::PublishNotice, at(25, 9), &cal()),
            Err(TransitionError::Forbidden(_))
        ));
        let answer = Command::Answer {
            decision: Decision::Supported,
            text: "The council will repair the park in spring.".into(),
        };
        assert!(apply(&t.petition, officer(), answer.clone(), at(25, 9), &cal()).is_err(), "notice first");
        let t = apply(&t.petition, officer(), Command::PublishNotice, at(26, 9), &cal()).unwrap();
        assert_eq!(t.details["days_since_threshold"], 2);
        assert!(t.notify_signers);
        // 10 working days after Thursday 26 Nov: 27, 30 Nov, 1–4, 7–10 Dec.
        assert_eq!(
            kyiv_date(t.petition.consideration_due_at.unwrap() - chrono::Duration::seconds(1)),
            NaiveDate::from_ymd_opt(2026, 12, 10).unwrap()
        );
        let short = Command::Answer { decision: Decision::Supported, text: "Yes".into() };
        assert!(matches!(
            apply(&t.petition, officer(), short, at(27, 9), &cal()),
            Err(TransitionError::Invalid { .. })
        ));
        let t = apply(&t.petition, officer(), answer, at(27, 9), &cal()).unwrap();
        assert_eq!(t.to, Status::Answered);
        assert_eq!(t.details["considered_within_term"], true);
    }

    #[test]
    fn a_petition_closes_short_only_after_collection_and_becomes_an_appeal_at_the_authors_wish() {
        let p = submitted();
        let t = apply(&p, moderator(), Command::Publish { statute: statute(1, (2024, 1, 1), 3) }, at(23, 9), &cal())
            .unwrap();
        let end = t.petition.collection_ends_at.unwrap();
        assert!(apply(&t.petition, system(), Command::Close, end - chrono::Duration::seconds(1), &cal()).is_err());
        assert!(check_collecting(&t.petition, end - chrono::Duration::seconds(1)).is_ok());
        assert!(check_collecting(&t.petition, end).is_err());
        let closed = apply(&t.petition, system(), Command::Close, end, &cal()).unwrap();
        assert_eq!(closed.to, Status::Closed);
        let author = Actor { account_id: Some(10), is_author: true, ..Default::default() };
        assert!(apply(&closed.petition, officer(), Command::ConvertToAppeal { appeal_id: 5 }, end, &cal()).is_err());
        let converted =
            apply(&closed.petition, author, Command::ConvertToAppeal { appeal_id: 5 }, end, &cal()).unwrap();
        assert_eq!(converted.petition.appeal_id, Some(5));
        assert!(apply(&converted.petition, author, Command::ConvertToAppeal { appeal_id: 6 }, end, &cal()).is_err());
    }

    #[test]
    fn a_refusal_needs_an_explanation_and_only_moderators_decide() {
        let p = submitted();
        let refuse = |reason: &str| Command::Refuse { code: RefusalCode::BannedContent, reason: reason.into() };
        assert!(matches!(
            apply(&p, officer(), refuse("War propaganda."), at(21, 9), &cal()),
            Err(TransitionError::Forbidden(_))
        ));
        assert!(matches!(
            apply(&p, moderator(), refuse("no"), at(21, 9), &cal()),
            Err(TransitionError::Invalid { .. })
        ));
        let t =
            apply(&p, moderator(), refuse("The text calls for violence against a group."), at(21, 9), &cal()).unwrap();
        assert_eq!(t.to, Status::Refused);
        assert_eq!(t.details["moderated_within_term"], true);
    }

    #[test]
    fn submissions_follow_the_statute_limits() {
        let s = statute(1, (2024, 1, 1), 3);
        assert!(check_submission("Park", &"x".repeat(60), &s).is_err());
        assert!(check_submission("Repair the park", "too short", &s).is_err());
        assert!(check_submission("Repair the park", &"x".repeat(5001), &s).is_err());
        assert!(check_submission("Repair the park", &"x".repeat(60), &s).is_ok());
        let mut bad = s.clone();
        bad.signature_threshold = 0;
        assert_eq!(bad.validate().unwrap_err().0, "signature_threshold");
    }

    #[test]
    fn when_martial_law_ends_a_petition_in_moderation_is_published_two_working_days_after_the_holiday() {
        // Submitted on Friday 21 August 2026: Monday 24 August is worked under martial law.
        let p = Petition::submitted(1, 1, 10, Utc.with_ymd_and_hms(2026, 8, 21, 9, 0, 0).unwrap(), &cal());
        let due = |p: &Petition| kyiv_date(p.publication_due_at - chrono::Duration::seconds(1));
        assert_eq!(due(&p), NaiveDate::from_ymd_opt(2026, 8, 25).unwrap());
        let end = crate::calendar::MartialLaw::ended_on(NaiveDate::from_ymd_opt(2026, 8, 22).unwrap());
        let peace = Calendar::new(end, Default::default());
        let command = || Command::RecalculateDeadline { reason: "martial law ended on 2026-08-22".into() };
        let t = apply(&p, system(), command(), at(22, 9), &peace).unwrap();
        assert_eq!(t.action, "deadline_recalculated");
        assert_eq!(due(&t.petition), NaiveDate::from_ymd_opt(2026, 8, 26).unwrap());
        assert_eq!(t.details["previous_publication_due_at"], json!(p.publication_due_at));
        assert!(matches!(
            apply(&t.petition, system(), command(), at(22, 9), &peace),
            Err(TransitionError::Conflict(_))
        ));
        assert!(matches!(apply(&p, moderator(), command(), at(22, 9), &peace), Err(TransitionError::Forbidden(_))));
    }
}
