//! Citizens' appeals (Law "On Citizens' Appeals") and "Open City" issue reports: what an appeal must
//! contain, which deadline it gets, and the one transition function every state change goes through.
//!
//! Pure: storage loads an [`Appeal`], [`apply`] decides the new state (or refuses with a reason), and
//! storage saves the result together with its history record in one transaction.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;

mod intake;
pub mod photos;
pub mod urgency;

pub use intake::{
    Author, Cosigner, HistoryEntry, Intake, IntakeCategory, IntakeDirectory, IntakeError, IntakeOrganisation,
    NewAppeal, intake,
};

use super::{
    authorization::OrganisationRole,
    calendar::Calendar,
    deadlines::{self, Deadline, DeadlineRule, ExtensionRequest},
    directory::UrgencyClass,
};

/// Art. 3: proposal (remark), application (petition in the broad sense), complaint; plus the public
/// "Open City" issue report, which the law treats as an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppealKind {
    Proposal,
    Application,
    Complaint,
    IssueReport,
}

/// How the appeal reached the organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Web,
    Paper,
    Phone,
    Email,
    Open311,
}

/// Where an appeal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Routed to its executor, nobody has taken it up yet.
    Received,
    /// The executor acknowledged it and is working on it.
    InProgress,
    /// The citizen sent the answer back; the executor works on it again.
    Rework,
    /// A written answer was given; the citizen may confirm it or return it.
    Answered,
    /// The citizen confirmed the answer (the fix).
    Confirmed,
    /// Not considered, with written reasons (arts. 5, 8, 15).
    Refused,
    /// The same problem as another report; it follows that one.
    Duplicate,
}

/// What the written answer says about the problem. "Closed" never passes for "fixed".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    Resolved,
    NotResolved,
    /// Not this body's competence; the answer names who is competent.
    NotCompetent,
}

/// Why an appeal is not considered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefusalCode {
    /// Art. 8: anonymous appeals are not considered.
    Anonymous,
    /// Art. 8: a repeated appeal from the same person on an issue already decided.
    Repeated,
    /// Arts. 8, 17: a complaint filed after the time limit.
    ComplaintOutOfTime,
    /// Art. 5: the appeal lacks the required content; returned with an explanation.
    NonConforming,
}

codes!(AppealKind { Proposal => "proposal", Application => "application", Complaint => "complaint", IssueReport => "issue_report" });
codes!(Channel { Web => "web", Paper => "paper", Phone => "phone", Email => "email", Open311 => "open311" });
codes!(Status {
    Received => "received", InProgress => "in_progress", Rework => "rework", Answered => "answered",
    Confirmed => "confirmed", Refused => "refused", Duplicate => "duplicate",
});
codes!(Resolution { Resolved => "resolved", NotResolved => "not_resolved", NotCompetent => "not_competent" });
codes!(RefusalCode {
    Anonymous => "anonymous", Repeated => "repeated", ComplaintOutOfTime => "complaint_out_of_time",
    NonConforming => "non_conforming",
});

impl Status {
    /// The executor still owes an answer: the deadline runs, reminders and overdue marking apply.
    pub fn awaits_answer(self) -> bool {
        matches!(self, Status::Received | Status::InProgress | Status::Rework)
    }

    /// The author may confirm the answer or return it for rework (art. 20 practice: the loop closes only
    /// with the author).
    pub fn answer_awaits_author(self) -> bool {
        self == Status::Answered
    }

    /// There is an answer (or a written refusal) for the author to rate.
    pub fn may_be_rated(self) -> bool {
        matches!(self, Status::Answered | Status::Confirmed | Status::Refused)
    }

    /// The codes of the statuses that await an answer, for queries.
    pub fn awaiting_answer_codes() -> Vec<&'static str> {
        Status::ALL.iter().filter(|s| s.awaits_answer()).map(|s| s.code()).collect()
    }

    /// This status as the public sees it: a duplicate shows `followed`, the status of the report it follows.
    pub fn shown_with(self, followed: Option<Status>) -> Status {
        match (self, followed) {
            (Status::Duplicate, Some(status)) => status,
            (status, _) => status,
        }
    }
}

impl RefusalCode {
    pub fn legal_basis(self) -> &'static str {
        match self {
            RefusalCode::Anonymous | RefusalCode::Repeated => "Law 'On Citizens' Appeals' art. 8",
            RefusalCode::ComplaintOutOfTime => "Law 'On Citizens' Appeals' arts. 8, 17",
            RefusalCode::NonConforming => "Law 'On Citizens' Appeals' art. 5",
        }
    }
}

/// How a refusal may be challenged (art. 15 requires the refusal to say so).
pub const HOW_TO_CHALLENGE: &str = "You may complain about this decision to the higher body or its head, or go to court \
     (Law 'On Citizens' Appeals' arts. 15, 16).";

// ---------------------------------------------------------------------------
// Intake
// ---------------------------------------------------------------------------

/// What art. 5 checks before an appeal is accepted.
#[derive(Debug, Clone, Default)]
pub struct IntakeDraft<'a> {
    pub kind: Option<AppealKind>,
    pub author_name: &'a str,
    pub author_address: &'a str,
    pub author_email: &'a str,
    pub author_phone: &'a str,
    pub subject: &'a str,
    pub text: &'a str,
    pub has_category: bool,
    pub has_place: bool,
    /// Received electronically (web, Open311): a contact for the answer is then required.
    pub electronic: bool,
}

/// Why an appeal cannot be accepted, naming the field and the article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntakeRefusal {
    pub field: &'static str,
    pub code: RefusalCode,
    pub reason: String,
}

pub const SUBJECT_MAX_CHARS: usize = 200;
pub const TEXT_MAX_CHARS: usize = 10_000;

/// Checks the content the law requires. Issue reports also need a category and a place.
pub fn check_intake(draft: &IntakeDraft<'_>) -> Result<(), IntakeRefusal> {
    let refuse = |field, code, reason: &str| Err(IntakeRefusal { field, code, reason: reason.to_owned() });
    let Some(kind) = draft.kind else {
        return refuse("kind", RefusalCode::NonConforming, "the kind of appeal is required");
    };
    let name_words = draft.author_name.split_whitespace().count();
    if name_words < 2 {
        return refuse(
            "author_name",
            RefusalCode::Anonymous,
            "an appeal must give the author's full name (surname and given name); anonymous appeals are not \
             considered (Law 'On Citizens' Appeals' arts. 5, 8)",
        );
    }
    if kind != AppealKind::IssueReport && !super::accounts::is_residence(draft.author_address) {
        return refuse(
            "author_address",
            RefusalCode::NonConforming,
            "an appeal must give the author's place of residence (Law 'On Citizens' Appeals' art. 5)",
        );
    }
    if draft.electronic && draft.author_email.trim().is_empty() && draft.author_phone.trim().is_empty() {
        return refuse(
            "author_email",
            RefusalCode::NonConforming,
            "an electronic appeal must give an e-mail address or another contact for the answer (art. 5)",
        );
    }
    let subject = draft.subject.trim().chars().count();
    if subject == 0 || subject > SUBJECT_MAX_CHARS {
        return refuse(
            "subject",
            RefusalCode::NonConforming,
            &format!("the subject must be 1 to {SUBJECT_MAX_CHARS} characters"),
        );
    }
    let text = draft.text.trim().chars().count();
    if !(10..=TEXT_MAX_CHARS).contains(&text) {
        return refuse(
            "text",
            RefusalCode::NonConforming,
            &format!("the essence of the appeal (art. 5) must be stated in 10 to {TEXT_MAX_CHARS} characters"),
        );
    }
    if kind == AppealKind::IssueReport {
        if !draft.has_category {
            return refuse("category_id", RefusalCode::NonConforming, "an issue report needs a category");
        }
        if !draft.has_place {
            return refuse(
                "location",
                RefusalCode::NonConforming,
                "an issue report needs a place: a point (latitude and longitude), an address or a district",
            );
        }
    }
    Ok(())
}

/// The deadline rule an appeal gets on receipt: its category's urgency class, else one month (art. 20).
pub fn intake_rule(urgency: Option<UrgencyClass>) -> DeadlineRule {
    match urgency {
        Some(UrgencyClass::Emergency { hours }) => DeadlineRule::UrgencyHours(hours),
        Some(UrgencyClass::Normal) => DeadlineRule::AppealNoStudy,
        Some(UrgencyClass::Complex) | None => DeadlineRule::AppealStandard,
    }
}

// ---------------------------------------------------------------------------
// State and transitions
// ---------------------------------------------------------------------------

/// The handling state of one appeal: everything a transition reads or changes (no personal data).
#[derive(Debug, Clone, PartialEq)]
pub struct Appeal {
    pub id: i32,
    pub kind: AppealKind,
    pub status: Status,
    pub author_account_id: Option<i32>,
    pub executor_id: i32,
    pub assignee_account_id: Option<i32>,
    pub deadline_rule: DeadlineRule,
    /// When the appeal was first received (by any organisation of the city).
    pub received_at: DateTime<Utc>,
    /// When the current executor received it (differs after forwarding); its terms run from here.
    pub executor_received_at: DateTime<Utc>,
    /// The first deadline ever set.
    pub original_due_at: DateTime<Utc>,
    /// The deadline in force.
    pub due_at: DateTime<Utc>,
    /// Set when the head extended the deadline in force.
    pub extended_due_at: Option<DateTime<Utc>>,
    /// Art. 7: by when an appeal outside the competence must be forwarded.
    pub forward_due_at: DateTime<Utc>,
    pub forwarded_count: i32,
    /// When a deadline first passed without an answer (the first missed term): kept when the head then
    /// extends the deadline, so the item never counts as answered on time.
    pub overdue_at: Option<DateTime<Utc>>,
    /// The deadline whose miss was recorded and escalated (the `overdue` step): each deadline in force is
    /// escalated once when it passes — the original one, and again an extended one missed in its turn.
    pub escalated_due_at: Option<DateTime<Utc>>,
    /// The smallest "working days before" reminder already sent for the deadline in force.
    pub reminder_level: Option<i32>,
    pub answered_at: Option<DateTime<Utc>>,
    pub resolution: Option<Resolution>,
    pub answer_text: Option<String>,
    pub competent_body: Option<String>,
    pub refusal_code: Option<RefusalCode>,
    pub refusal_reason: Option<String>,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub rework_count: i32,
    pub rating: Option<i32>,
    pub rating_comment: Option<String>,
    pub duplicate_of_id: Option<i32>,
}

/// Who asks for a transition, as far as this appeal is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    pub account_id: Option<i32>,
    pub is_author: bool,
    /// The caller's role in the executor organisation, if any.
    pub executor_role: Option<OrganisationRole>,
    pub administrator: bool,
    /// The deadline watcher.
    pub system: bool,
}

impl Actor {
    pub fn system() -> Actor {
        Actor { account_id: None, is_author: false, executor_role: None, administrator: false, system: true }
    }

    fn handles(&self) -> bool {
        self.executor_role.is_some()
    }

    fn heads(&self) -> bool {
        self.executor_role == Some(OrganisationRole::Head)
    }
}

/// Everything that can happen to an appeal.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Acknowledge,
    /// Officers may take an appeal themselves; heads assign anyone of the organisation.
    Assign {
        officer_account_id: i32,
        officer_is_member: bool,
    },
    Forward {
        to_organisation_id: i32,
        reason: String,
    },
    Extend {
        request: ExtensionRequest,
        reason: String,
    },
    Answer {
        resolution: Resolution,
        text: String,
        competent_body: Option<String>,
    },
    Refuse {
        code: RefusalCode,
        reason: String,
    },
    Confirm,
    ReturnForRework {
        reason: String,
    },
    Rate {
        score: i32,
        comment: Option<String>,
    },
    MarkDuplicate {
        of_appeal_id: i32,
        of_status: Status,
    },
    MarkOverdue,
    Remind {
        working_days_before: i32,
    },
    /// The law behind the calendar changed (the end of martial law was set or withdrawn): count the
    /// deadline in force again from the same event. A head's extension is a decision and is kept.
    RecalculateDeadline {
        reason: String,
    },
}

/// Who must hear about a transition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Audience {
    pub author: bool,
    /// The organisation that now holds the appeal.
    pub executor: bool,
    /// The heads of the executor and the administrators (escalation).
    pub escalation: bool,
}

/// The result of [`apply`]: the new state and what to write in the history.
#[derive(Debug, Clone, PartialEq)]
pub struct Transition {
    pub appeal: Appeal,
    /// A past-tense verb for the history: `acknowledged`, `forwarded`…
    pub action: &'static str,
    pub from: Status,
    pub to: Status,
    /// Non-personal details for the history (reasons, ids, deadlines).
    pub details: serde_json::Value,
    pub notify: Audience,
    /// The deadline that was set, with its explanation, when the transition set one.
    pub deadline: Option<Deadline>,
    /// A step the command owed first and is saved with it, before it (its own history entry and mails):
    /// a head extending a deadline that passed before the watcher noticed first records the missed term
    /// (`overdue`, escalated), so a late extension never hides it.
    pub preceding: Option<Box<Transition>>,
}

/// Why a transition is not allowed; the message says what to do instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransitionError {
    /// The caller may not do this to this appeal.
    Forbidden(String),
    /// Not possible in the appeal's current state.
    Conflict(String),
    /// A value in the request is not acceptable.
    Invalid { field: &'static str, message: String },
}

const REASON_MIN_CHARS: usize = 5;

fn require_text(field: &'static str, text: &str, what: &str) -> Result<(), TransitionError> {
    if text.trim().chars().count() < REASON_MIN_CHARS {
        return Err(TransitionError::Invalid {
            field,
            message: format!("{what} must be written out (at least {REASON_MIN_CHARS} characters)"),
        });
    }
    Ok(())
}

fn forbidden(message: &str) -> TransitionError {
    TransitionError::Forbidden(message.to_owned())
}

/// Applies `command` by `actor` at `now`. The only place where an appeal changes state; each command's
/// rule is a method of [`Step`] below. An extension after a deadline whose miss was not yet recorded
/// carries that record ([`Transition::preceding`]): the `overdue` step, as the watcher would have taken it.
pub fn apply(
    appeal: &Appeal,
    actor: Actor,
    command: Command,
    now: DateTime<Utc>,
    calendar: &Calendar,
) -> Result<Transition, TransitionError> {
    let owed = match command {
        Command::Extend { .. } if actor.heads() && now >= appeal.due_at => {
            apply_one(appeal, Actor::system(), Command::MarkOverdue, now, calendar).ok()
        }
        _ => None,
    };
    let Some(owed) = owed else { return apply_one(appeal, actor, command, now, calendar) };
    let mut transition = apply_one(&owed.appeal, actor, command, now, calendar)?;
    transition.from = appeal.status;
    transition.preceding = Some(Box::new(owed));
    Ok(transition)
}

fn apply_one(
    appeal: &Appeal,
    actor: Actor,
    command: Command,
    now: DateTime<Utc>,
    calendar: &Calendar,
) -> Result<Transition, TransitionError> {
    let mut step =
        Step { appeal, actor, now, calendar, next: appeal.clone(), notify: Audience::default(), deadline: None };
    let (action, details) = match command {
        Command::Acknowledge => step.acknowledge(),
        Command::Assign { officer_account_id, officer_is_member } => step.assign(officer_account_id, officer_is_member),
        Command::Forward { to_organisation_id, reason } => step.forward(to_organisation_id, reason),
        Command::Extend { request, reason } => step.extend(request, reason),
        Command::Answer { resolution, text, competent_body } => step.answer(resolution, text, competent_body),
        Command::Refuse { code, reason } => step.refuse(code, reason),
        Command::Confirm => step.confirm(),
        Command::ReturnForRework { reason } => step.return_for_rework(reason),
        Command::Rate { score, comment } => step.rate(score, comment),
        Command::MarkDuplicate { of_appeal_id, of_status } => step.mark_duplicate(of_appeal_id, of_status),
        Command::MarkOverdue => step.mark_overdue(),
        Command::Remind { working_days_before } => step.remind(working_days_before),
        Command::RecalculateDeadline { reason } => step.recalculate_deadline(reason),
    }?;
    let Step { next, notify, deadline, .. } = step;
    Ok(Transition {
        to: next.status,
        appeal: next,
        action,
        from: appeal.status,
        details,
        notify,
        deadline,
        preceding: None,
    })
}

/// What a command decided: the history's verb and details.
type StepResult = Result<(&'static str, serde_json::Value), TransitionError>;

/// A transition being worked out: the appeal before it, the state after, who hears, the deadline set.
struct Step<'a> {
    appeal: &'a Appeal,
    actor: Actor,
    now: DateTime<Utc>,
    calendar: &'a Calendar,
    next: Appeal,
    notify: Audience,
    deadline: Option<Deadline>,
}

impl Step<'_> {
    fn conflict(&self, what: &str) -> TransitionError {
        let status = self.appeal.status.code().replace('_', " ");
        TransitionError::Conflict(format!("the appeal is {status} and cannot be {what}"))
    }

    fn handling_only(&self) -> Result<(), TransitionError> {
        if self.actor.handles() {
            Ok(())
        } else {
            Err(forbidden("only an officer or the head of the organisation handling the appeal may do this"))
        }
    }

    fn acknowledge(&mut self) -> StepResult {
        let (from, actor) = (self.appeal.status, self.actor);
        self.handling_only()?;
        if from != Status::Received {
            return Err(self.conflict("acknowledged"));
        }
        self.next.status = Status::InProgress;
        if self.next.assignee_account_id.is_none() {
            self.next.assignee_account_id = actor.account_id;
        }
        self.notify.author = true;
        Ok(("acknowledged", json!({ "assignee_account_id": self.next.assignee_account_id })))
    }

    fn assign(&mut self, officer_account_id: i32, officer_is_member: bool) -> StepResult {
        let (appeal, from, actor) = (self.appeal, self.appeal.status, self.actor);
        self.handling_only()?;
        if !from.awaits_answer() {
            return Err(self.conflict("assigned"));
        }
        let taking_it_oneself = actor.account_id == Some(officer_account_id);
        if !(actor.heads() || (taking_it_oneself && appeal.assignee_account_id.is_none())) {
            return Err(forbidden(
                "an officer may only take an unassigned appeal themself; reassignment is for the head",
            ));
        }
        if !officer_is_member {
            return Err(TransitionError::Invalid {
                field: "officer_account_id",
                message: format!("account {officer_account_id} is not an officer of the handling organisation"),
            });
        }
        self.next.assignee_account_id = Some(officer_account_id);
        if from == Status::Received {
            self.next.status = Status::InProgress;
        }
        Ok(("assigned", json!({ "assignee_account_id": officer_account_id })))
    }

    fn forward(&mut self, to_organisation_id: i32, reason: String) -> StepResult {
        let (appeal, from, now, calendar) = (self.appeal, self.appeal.status, self.now, self.calendar);
        self.handling_only()?;
        if !from.awaits_answer() {
            return Err(self.conflict("forwarded"));
        }
        if to_organisation_id == appeal.executor_id {
            return Err(TransitionError::Invalid {
                field: "organisation_id",
                message: "the appeal is already with that organisation".into(),
            });
        }
        require_text("reason", &reason, "the reason for forwarding")?;
        // Art. 7 within 5 days; the competent body's own term runs from its receipt.
        let on_time = now < appeal.forward_due_at;
        let new_deadline = deadlines::compute(&appeal.deadline_rule, now, calendar);
        self.next.executor_id = to_organisation_id;
        self.next.executor_received_at = now;
        self.next.assignee_account_id = None;
        self.next.status = Status::Received;
        self.next.due_at = new_deadline.due_at;
        self.next.extended_due_at = None;
        self.next.forward_due_at = deadlines::compute(&DeadlineRule::Forwarding, now, calendar).due_at;
        self.next.forwarded_count += 1;
        self.next.overdue_at = None;
        self.next.escalated_due_at = None;
        self.next.reminder_level = None;
        self.notify.author = true;
        self.notify.executor = true;
        let details = json!({
            "from_organisation_id": appeal.executor_id,
            "to_organisation_id": to_organisation_id,
            "reason": reason.trim(),
            "forwarded_within_term": on_time,
            "forward_due_at": appeal.forward_due_at,
            "due_at": new_deadline.due_at,
        });
        self.deadline = Some(new_deadline);
        Ok(("forwarded", details))
    }

    fn extend(&mut self, request: ExtensionRequest, reason: String) -> StepResult {
        let (appeal, from, now, calendar, actor) =
            (self.appeal, self.appeal.status, self.now, self.calendar, self.actor);
        if !actor.heads() {
            return Err(forbidden("only the head of the handling organisation may extend a deadline (art. 20)"));
        }
        if !from.awaits_answer() {
            return Err(self.conflict("extended"));
        }
        if appeal.deadline_rule_is_hours() {
            return Err(self.conflict("extended: emergency reports have a term in hours"));
        }
        require_text("reason", &reason, "the reason for the extension")?;
        let extended = deadlines::extend(appeal.executor_received_at, appeal.due_at, request, calendar)
            .map_err(|e| TransitionError::Invalid { field: "total_days", message: e.to_string() })?;
        if extended.due_at <= now {
            return Err(TransitionError::Invalid {
                field: "total_days",
                message: format!(
                    "the extended deadline ({}) has already passed; the total term may not exceed \
                     {} days from receipt (art. 20)",
                    extended.due_date,
                    deadlines::EXTENSION_MAX_DAYS
                ),
            });
        }
        // The head may extend an overdue item too (within the 45 days), but the term it missed stays
        // missed: `apply` has recorded it first (the `overdue` step) when the watcher had not yet, so the
        // item keeps its overdue mark and never counts as answered on time.
        let after_deadline = now >= appeal.due_at;
        self.next.due_at = extended.due_at;
        self.next.extended_due_at = Some(extended.due_at);
        self.next.reminder_level = None;
        self.notify.author = true;
        let details = json!({
            "reason": reason.trim(),
            "previous_due_at": appeal.due_at,
            "due_at": extended.due_at,
            "due_date": extended.due_date,
            "capped_at_45_days": extended.capped,
            "after_deadline": after_deadline,
        });
        self.deadline = Some(extended);
        Ok(("extended", details))
    }

    fn answer(&mut self, resolution: Resolution, text: String, competent_body: Option<String>) -> StepResult {
        let (appeal, from, now) = (self.appeal, self.appeal.status, self.now);
        self.handling_only()?;
        if !from.awaits_answer() {
            return Err(self.conflict("answered"));
        }
        require_text("text", &text, "the answer")?;
        let competent_body = competent_body.map(|c| c.trim().to_owned()).filter(|c| !c.is_empty());
        if resolution == Resolution::NotCompetent && competent_body.is_none() {
            return Err(TransitionError::Invalid {
                field: "competent_body",
                message: "an answer of 'not our competence' must name the competent body".into(),
            });
        }
        self.next.status = Status::Answered;
        self.next.answered_at = Some(now);
        self.next.resolution = Some(resolution);
        self.next.answer_text = Some(text.trim().to_owned());
        self.next.competent_body = competent_body;
        self.notify.author = true;
        let details = json!({
            "resolution": resolution.code(),
            "competent_body": self.next.competent_body,
            "answered_within_term": now < appeal.due_at,
            "due_at": appeal.due_at,
        });
        Ok(("answered", details))
    }

    fn refuse(&mut self, code: RefusalCode, reason: String) -> StepResult {
        let (from, now) = (self.appeal.status, self.now);
        self.handling_only()?;
        if !from.awaits_answer() {
            return Err(self.conflict("refused"));
        }
        require_text("reason", &reason, "the reasons for the refusal (art. 15)")?;
        self.next.status = Status::Refused;
        self.next.answered_at = Some(now);
        self.next.refusal_code = Some(code);
        self.next.refusal_reason = Some(reason.trim().to_owned());
        self.notify.author = true;
        Ok(("refused", json!({ "code": code.code(), "legal_basis": code.legal_basis(), "reason": reason.trim() })))
    }

    fn confirm(&mut self) -> StepResult {
        let (from, now, actor) = (self.appeal.status, self.now, self.actor);
        if !actor.is_author {
            return Err(forbidden("only the author may confirm the answer"));
        }
        if !from.answer_awaits_author() {
            return Err(self.conflict("confirmed"));
        }
        self.next.status = Status::Confirmed;
        self.next.confirmed_at = Some(now);
        self.notify.executor = true;
        Ok(("confirmed", json!({})))
    }

    fn return_for_rework(&mut self, reason: String) -> StepResult {
        let (appeal, from, now, calendar, actor) =
            (self.appeal, self.appeal.status, self.now, self.calendar, self.actor);
        if !actor.is_author {
            return Err(forbidden("only the author may return the answer for rework"));
        }
        if !from.answer_awaits_author() {
            return Err(self.conflict("returned for rework"));
        }
        require_text("reason", &reason, "what is still wrong")?;
        // The executor gets the category's term again, from the moment of the return.
        let new_deadline = deadlines::compute(&appeal.deadline_rule, now, calendar);
        self.next.status = Status::Rework;
        self.next.rework_count += 1;
        self.next.due_at = new_deadline.due_at;
        self.next.extended_due_at = None;
        self.next.executor_received_at = now;
        self.next.overdue_at = None;
        self.next.escalated_due_at = None;
        self.next.reminder_level = None;
        self.notify.executor = true;
        let details = json!({ "reason": reason.trim(), "due_at": new_deadline.due_at });
        self.deadline = Some(new_deadline);
        Ok(("returned_for_rework", details))
    }

    fn rate(&mut self, score: i32, comment: Option<String>) -> StepResult {
        let (from, actor) = (self.appeal.status, self.actor);
        if !actor.is_author {
            return Err(forbidden("only the author may rate the answer"));
        }
        if !from.may_be_rated() {
            return Err(TransitionError::Conflict("there is no answer to rate yet".into()));
        }
        if !(1..=5).contains(&score) {
            return Err(TransitionError::Invalid { field: "score", message: "the rating is 1 to 5".into() });
        }
        self.next.rating = Some(score);
        self.next.rating_comment = comment.map(|c| c.trim().to_owned()).filter(|c| !c.is_empty());
        self.notify.executor = true;
        Ok(("rated", json!({ "score": score })))
    }

    fn mark_duplicate(&mut self, of_appeal_id: i32, of_status: Status) -> StepResult {
        let (appeal, from) = (self.appeal, self.appeal.status);
        self.handling_only()?;
        if appeal.kind != AppealKind::IssueReport {
            return Err(self.conflict("marked duplicate: only issue reports are linked as duplicates"));
        }
        if !from.awaits_answer() {
            return Err(self.conflict("marked duplicate"));
        }
        if of_appeal_id == appeal.id {
            return Err(TransitionError::Invalid {
                field: "duplicate_of",
                message: "a report cannot duplicate itself".into(),
            });
        }
        if of_status == Status::Duplicate {
            return Err(TransitionError::Invalid {
                field: "duplicate_of",
                message: format!("report {of_appeal_id} is itself a duplicate; link to the report it follows"),
            });
        }
        self.next.status = Status::Duplicate;
        self.next.duplicate_of_id = Some(of_appeal_id);
        self.notify.author = true;
        Ok(("marked_duplicate", json!({ "duplicate_of": of_appeal_id })))
    }

    fn mark_overdue(&mut self) -> StepResult {
        let (appeal, from, now, actor) = (self.appeal, self.appeal.status, self.now, self.actor);
        if !actor.system {
            return Err(forbidden("only the deadline watcher marks appeals overdue"));
        }
        // Each deadline in force is escalated once when it passes; a pre-extension miss was escalated for
        // its own deadline, so an extended deadline missed in its turn is escalated again.
        if !from.awaits_answer() || appeal.escalated_due_at == Some(appeal.due_at) || now < appeal.due_at {
            return Err(self.conflict("marked overdue"));
        }
        // The overdue mark is the first missed term (kept when a later one is missed too), however late
        // the watcher or the head noticed it.
        self.next.overdue_at = appeal.overdue_at.or(Some(appeal.due_at));
        self.next.escalated_due_at = Some(appeal.due_at);
        self.notify.escalation = true;
        Ok(("overdue", json!({ "due_at": appeal.due_at, "extended": appeal.extended_due_at.is_some() })))
    }

    fn remind(&mut self, working_days_before: i32) -> StepResult {
        let (appeal, from, now, actor) = (self.appeal, self.appeal.status, self.now, self.actor);
        if !actor.system {
            return Err(forbidden("only the deadline watcher sends reminders"));
        }
        let already = appeal.reminder_level.is_some_and(|level| level <= working_days_before);
        if !from.awaits_answer() || already || now >= appeal.due_at {
            return Err(self.conflict("reminded"));
        }
        self.next.reminder_level = Some(working_days_before);
        self.notify.executor = true;
        Ok(("reminded", json!({ "working_days_before": working_days_before, "due_at": appeal.due_at })))
    }

    fn recalculate_deadline(&mut self, reason: String) -> StepResult {
        let (appeal, from, now, calendar, actor) =
            (self.appeal, self.appeal.status, self.now, self.calendar, self.actor);
        if !actor.system {
            return Err(forbidden("only the service recalculates deadlines, when the calendar's law changes"));
        }
        if !from.awaits_answer() {
            return Err(self.conflict("recalculated"));
        }
        let (details, recounted) = recalculate(appeal, &mut self.next, &reason, now, calendar)?;
        self.deadline = recounted;
        Ok(("deadline_recalculated", details))
    }
}

/// Counts the deadline in force (unless a head extended it) and the forwarding term again from the
/// current executor's receipt; a conflict when nothing changes.
fn recalculate(
    appeal: &Appeal,
    next: &mut Appeal,
    reason: &str,
    now: DateTime<Utc>,
    calendar: &Calendar,
) -> Result<(serde_json::Value, Option<Deadline>), TransitionError> {
    let recounted = deadlines::compute(&appeal.deadline_rule, appeal.executor_received_at, calendar);
    let forward_due_at = deadlines::compute(&DeadlineRule::Forwarding, appeal.executor_received_at, calendar).due_at;
    let extended = appeal.extended_due_at.is_some();
    let due_at = if extended { appeal.due_at } else { recounted.due_at };
    if due_at == appeal.due_at && forward_due_at == appeal.forward_due_at {
        return Err(TransitionError::Conflict("the deadline is the same under the changed law".into()));
    }
    next.due_at = due_at;
    next.forward_due_at = forward_due_at;
    if due_at != appeal.due_at {
        next.reminder_level = None;
        if now < due_at {
            next.overdue_at = None;
        }
    }
    let details = json!({
        "reason": reason.trim(),
        "previous_due_at": appeal.due_at,
        "due_at": due_at,
        "previous_forward_due_at": appeal.forward_due_at,
        "forward_due_at": forward_due_at,
        "extension_kept": extended,
    });
    Ok((details, (!extended).then_some(recounted)))
}

impl Appeal {
    fn deadline_rule_is_hours(&self) -> bool {
        matches!(self.deadline_rule, DeadlineRule::UrgencyHours(_))
    }

    /// The status the public sees: a duplicate shows the status of the report it follows.
    pub fn public_status(&self, followed: Option<Status>) -> Status {
        self.status.shown_with(followed)
    }
}

/// Which reminder is due now: the smallest offset (in working days before the due date) whose day
/// has come, if it is smaller than the one already sent for the deadline in force.
///
/// "N working days before" is the Kyiv date reached by stepping N working days back from the due date;
/// the reminder goes out from the start of that day.
pub fn reminder_due(
    due_at: DateTime<Utc>,
    already_sent: Option<i32>,
    offsets: &[u32],
    now: DateTime<Utc>,
    calendar: &Calendar,
) -> Option<i32> {
    if now >= due_at {
        return None;
    }
    let today = super::calendar::kyiv_date(now);
    // The due instant is exclusive (midnight after the due date), so the due date is the day before it.
    let due_date = deadlines::day_containing(due_at);
    let mut due_offsets: Vec<i32> =
        offsets.iter().filter(|&&n| working_days_before(due_date, n, calendar) <= today).map(|&n| n as i32).collect();
    due_offsets.sort_unstable();
    let smallest = *due_offsets.first()?;
    match already_sent {
        Some(sent) if sent <= smallest => None,
        _ => Some(smallest),
    }
}

/// The date `n` working days before `date` (0 = `date` itself).
pub fn working_days_before(date: chrono::NaiveDate, n: u32, calendar: &Calendar) -> chrono::NaiveDate {
    let mut day = date;
    let mut left = n;
    while left > 0 {
        day = day.pred_opt().expect("dates in range");
        if calendar.is_working_day(day) {
            left -= 1;
        }
    }
    day
}

/// A history entry's details as the public sees them (issue reports' history is public): without any
/// account id, which would tie staff or authors to items (the officer an appeal is assigned to…).
pub fn public_details(mut details: serde_json::Value) -> serde_json::Value {
    if let serde_json::Value::Object(fields) = &mut details {
        fields.retain(|key, _| !key.ends_with("account_id"));
        for value in fields.values_mut() {
            *value = public_details(value.take());
        }
    }
    details
}

#[cfg(test)]
mod tests;
