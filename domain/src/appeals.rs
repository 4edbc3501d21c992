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
mod tests {
    use std::collections::BTreeMap;

    use chrono::{NaiveDate, TimeZone};

    use super::*;
    use crate::calendar::kyiv_start_of_day;

    fn calendar() -> Calendar {
        Calendar::default()
    }

    fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap()
    }

    fn appeal() -> Appeal {
        let (appeal, _) = Appeal::received(
            AppealKind::IssueReport,
            Some(100),
            1,
            DeadlineRule::AppealNoStudy,
            at(2026, 11, 2, 9),
            &calendar(),
        );
        Appeal { id: 7, ..appeal }
    }

    fn officer() -> Actor {
        Actor {
            account_id: Some(5),
            is_author: false,
            executor_role: Some(OrganisationRole::Officer),
            administrator: false,
            system: false,
        }
    }

    fn head() -> Actor {
        Actor { account_id: Some(6), executor_role: Some(OrganisationRole::Head), ..officer() }
    }

    fn author() -> Actor {
        Actor { account_id: Some(100), is_author: true, executor_role: None, administrator: false, system: false }
    }

    fn stranger() -> Actor {
        Actor { account_id: Some(999), is_author: false, executor_role: None, administrator: false, system: false }
    }

    fn run(a: &Appeal, actor: Actor, command: Command, now: DateTime<Utc>) -> Result<Transition, TransitionError> {
        apply(a, actor, command, now, &calendar())
    }

    fn answer(text: &str) -> Command {
        Command::Answer { resolution: Resolution::Resolved, text: text.into(), competent_body: None }
    }

    #[test]
    fn the_statuses_that_owe_an_answer_are_those_the_open_appeals_index_holds() {
        // migration m0012 spells them in its partial index predicate; the overdue count relies on it.
        assert_eq!(Status::awaiting_answer_codes(), ["received", "in_progress", "rework"]);
    }

    #[test]
    fn an_appeal_without_a_full_name_is_refused_as_anonymous() {
        let draft = IntakeDraft {
            kind: Some(AppealKind::Complaint),
            author_name: "Anonymous",
            author_address: "Kramatorsk, Shkilna 1",
            author_email: "x@example.org",
            subject: "Noise",
            text: "Loud music every night at the bar.",
            electronic: true,
            ..Default::default()
        };
        let refusal = check_intake(&draft).unwrap_err();
        assert_eq!(refusal.code, RefusalCode::Anonymous);
        assert_eq!(refusal.field, "author_name");
        assert!(refusal.reason.contains("art"));
    }

    #[test]
    fn an_appeal_needs_an_address_but_an_issue_report_needs_a_category_and_a_place() {
        let mut draft = IntakeDraft {
            kind: Some(AppealKind::Application),
            author_name: "Петренко Олена",
            author_address: "",
            author_email: "o@example.org",
            subject: "Street lights",
            text: "The lights on our street are off.",
            electronic: true,
            ..Default::default()
        };
        assert_eq!(check_intake(&draft).unwrap_err().field, "author_address");
        draft.kind = Some(AppealKind::IssueReport);
        assert_eq!(check_intake(&draft).unwrap_err().field, "category_id");
        draft.has_category = true;
        assert_eq!(check_intake(&draft).unwrap_err().field, "location");
        draft.has_place = true;
        assert_eq!(check_intake(&draft), Ok(()));
        draft.author_email = "";
        assert_eq!(check_intake(&draft).unwrap_err().field, "author_email");
        draft.electronic = false;
        assert_eq!(check_intake(&draft), Ok(()), "a paper appeal is answered by post");
    }

    #[test]
    fn the_intake_rule_follows_the_urgency_class() {
        assert_eq!(intake_rule(Some(UrgencyClass::Emergency { hours: 24 })), DeadlineRule::UrgencyHours(24));
        assert_eq!(intake_rule(Some(UrgencyClass::Normal)), DeadlineRule::AppealNoStudy);
        assert_eq!(intake_rule(Some(UrgencyClass::Complex)), DeadlineRule::AppealStandard);
        assert_eq!(intake_rule(None), DeadlineRule::AppealStandard);
    }

    #[test]
    fn the_whole_loop_acknowledge_answer_return_answer_confirm_rate() {
        let a = appeal();
        let t = run(&a, officer(), Command::Acknowledge, at(2026, 11, 2, 10)).unwrap();
        assert_eq!((t.from, t.to), (Status::Received, Status::InProgress));
        assert_eq!(t.appeal.assignee_account_id, Some(5));
        assert!(t.notify.author);
        let t = run(&t.appeal, officer(), answer("The pothole was filled."), at(2026, 11, 5, 10)).unwrap();
        assert_eq!(t.to, Status::Answered);
        assert_eq!(t.details["answered_within_term"], true);
        let t = run(
            &t.appeal,
            author(),
            Command::ReturnForRework { reason: "It is still there.".into() },
            at(2026, 11, 6, 10),
        )
        .unwrap();
        assert_eq!(t.to, Status::Rework);
        assert_eq!(t.appeal.rework_count, 1);
        assert!(t.appeal.due_at > a.due_at, "rework gets a fresh term");
        assert_eq!(t.appeal.original_due_at, a.original_due_at);
        assert!(t.notify.executor);
        let t = run(&t.appeal, officer(), answer("Filled again, properly."), at(2026, 11, 9, 10)).unwrap();
        let t = run(&t.appeal, author(), Command::Confirm, at(2026, 11, 10, 10)).unwrap();
        assert_eq!(t.to, Status::Confirmed);
        let t = run(&t.appeal, author(), Command::Rate { score: 5, comment: None }, at(2026, 11, 10, 11)).unwrap();
        assert_eq!(t.appeal.rating, Some(5));
    }

    #[test]
    fn nothing_closes_without_a_written_answer() {
        let a = appeal();
        let err = run(&a, officer(), answer("ok"), at(2026, 11, 3, 9)).unwrap_err();
        assert!(matches!(err, TransitionError::Invalid { field: "text", .. }));
        let err = run(
            &a,
            officer(),
            Command::Answer {
                resolution: Resolution::NotCompetent,
                text: "Not ours at all.".into(),
                competent_body: None,
            },
            at(2026, 11, 3, 9),
        )
        .unwrap_err();
        assert!(matches!(err, TransitionError::Invalid { field: "competent_body", .. }));
        assert!(run(&a, author(), Command::Confirm, at(2026, 11, 3, 9)).is_err(), "nothing to confirm yet");
    }

    #[test]
    fn only_the_right_people_may_act() {
        let a = appeal();
        assert!(matches!(
            run(&a, stranger(), Command::Acknowledge, at(2026, 11, 3, 9)),
            Err(TransitionError::Forbidden(_))
        ));
        assert!(matches!(
            run(&a, author(), answer("I answer myself"), at(2026, 11, 3, 9)),
            Err(TransitionError::Forbidden(_))
        ));
        let extend = Command::Extend { request: ExtensionRequest::TotalDays(45), reason: "Needs a survey.".into() };
        assert!(matches!(run(&a, officer(), extend.clone(), at(2026, 11, 3, 9)), Err(TransitionError::Forbidden(_))));
        assert!(run(&a, head(), extend, at(2026, 11, 3, 9)).is_ok());
        assert!(matches!(
            run(&a, officer(), Command::MarkOverdue, at(2026, 12, 30, 9)),
            Err(TransitionError::Forbidden(_))
        ));
    }

    #[test]
    fn an_officer_takes_an_unassigned_appeal_but_only_the_head_reassigns() {
        let a = appeal();
        let take = Command::Assign { officer_account_id: 5, officer_is_member: true };
        let t = run(&a, officer(), take, at(2026, 11, 3, 9)).unwrap();
        assert_eq!(t.appeal.assignee_account_id, Some(5));
        let reassign = Command::Assign { officer_account_id: 8, officer_is_member: true };
        assert!(matches!(
            run(&t.appeal, officer(), reassign.clone(), at(2026, 11, 3, 9)),
            Err(TransitionError::Forbidden(_))
        ));
        assert_eq!(run(&t.appeal, head(), reassign, at(2026, 11, 3, 9)).unwrap().appeal.assignee_account_id, Some(8));
        let outsider = Command::Assign { officer_account_id: 9, officer_is_member: false };
        assert!(matches!(run(&t.appeal, head(), outsider, at(2026, 11, 3, 9)), Err(TransitionError::Invalid { .. })));
    }

    #[test]
    fn forwarding_moves_the_appeal_restarts_the_term_and_records_the_five_day_rule() {
        let a = appeal();
        let cmd = Command::Forward { to_organisation_id: 2, reason: "Lifts are the housing enterprise's.".into() };
        let t = run(&a, officer(), cmd.clone(), at(2026, 11, 4, 9)).unwrap();
        assert_eq!(t.appeal.executor_id, 2);
        assert_eq!(t.appeal.status, Status::Received);
        assert_eq!(t.appeal.forwarded_count, 1);
        assert_eq!(t.details["forwarded_within_term"], true);
        assert!(t.appeal.due_at > a.due_at);
        assert_eq!(t.appeal.original_due_at, a.original_due_at);
        assert!(t.notify.author && t.notify.executor);
        let late = run(&a, officer(), cmd, at(2026, 11, 12, 9)).unwrap();
        assert_eq!(late.details["forwarded_within_term"], false);
        let same = Command::Forward { to_organisation_id: 1, reason: "Back to ourselves".into() };
        assert!(matches!(run(&a, officer(), same, at(2026, 11, 4, 9)), Err(TransitionError::Invalid { .. })));
    }

    #[test]
    fn an_extension_never_passes_45_days_from_receipt() {
        let a = appeal();
        let cmd =
            |days| Command::Extend { request: ExtensionRequest::TotalDays(days), reason: "Needs a survey.".into() };
        let t = run(&a, head(), cmd(60), at(2026, 11, 5, 9)).unwrap();
        // Received 2 Nov (Kyiv): 45 days end on 17 Dec, a Thursday.
        assert_eq!(t.deadline.as_ref().unwrap().due_date, NaiveDate::from_ymd_opt(2026, 12, 17).unwrap());
        assert_eq!(t.appeal.extended_due_at, Some(t.appeal.due_at));
        assert_eq!(t.appeal.original_due_at, a.original_due_at);
        let again = run(&t.appeal, head(), cmd(45), at(2026, 11, 6, 9)).unwrap_err();
        assert!(matches!(again, TransitionError::Invalid { .. }), "already at the cap: {again:?}");
    }

    #[test]
    fn the_head_extends_an_overdue_item_but_it_stays_overdue_and_never_on_time() {
        let a = appeal();
        let cmd =
            |days| Command::Extend { request: ExtensionRequest::TotalDays(days), reason: "Needs a survey.".into() };
        let late = run(&a, head(), cmd(30), a.due_at).unwrap();
        assert!(late.appeal.due_at > a.due_at);
        assert_eq!(late.appeal.overdue_at, Some(a.due_at), "the missed term stays on record");
        assert_eq!(late.details["after_deadline"], true);
        let marked = run(&a, Actor::system(), Command::MarkOverdue, a.due_at).unwrap().appeal;
        let later = a.due_at + chrono::Duration::days(2);
        let extended = run(&marked, head(), cmd(45), later).unwrap();
        assert_eq!(extended.appeal.overdue_at, marked.overdue_at, "the watcher's mark is kept");
        assert!(run(&extended.appeal, Actor::system(), Command::MarkOverdue, later).is_err(), "not marked twice");
        let in_time = run(&a, head(), cmd(30), a.due_at - chrono::Duration::hours(1)).unwrap();
        assert_eq!((in_time.appeal.overdue_at, &in_time.details["after_deadline"]), (None, &json!(false)));
    }

    fn extend_by(days: u32) -> Command {
        Command::Extend { request: ExtensionRequest::TotalDays(days), reason: "Needs a survey.".into() }
    }

    #[test]
    fn a_late_extension_the_watcher_had_not_seen_records_the_missed_term_and_escalates_it_first() {
        let a = appeal();
        let later = a.due_at + chrono::Duration::hours(3);
        let t = run(&a, head(), extend_by(45), later).unwrap();
        let owed = t.preceding.as_deref().expect("the missed term is recorded with the extension");
        assert_eq!((owed.action, owed.notify.escalation), ("overdue", true));
        assert_eq!(owed.details["due_at"], json!(a.due_at), "the escalation names the missed deadline");
        assert_eq!(owed.appeal.escalated_due_at, Some(a.due_at));
        assert_eq!((t.action, t.from, t.to), ("extended", a.status, a.status));
        assert_eq!(t.appeal.overdue_at, Some(a.due_at), "the first missed term is the overdue mark");
        assert_eq!(t.appeal.escalated_due_at, Some(a.due_at));
        assert!(!t.notify.escalation, "the extension itself tells the author only");
        // Once the watcher has recorded the miss, an extension owes nothing more.
        let marked = run(&a, Actor::system(), Command::MarkOverdue, later).unwrap().appeal;
        assert!(run(&marked, head(), extend_by(45), later).unwrap().preceding.is_none());
        // Nor does one within the term, or a refused one.
        assert!(run(&a, head(), extend_by(45), a.due_at - chrono::Duration::hours(1)).unwrap().preceding.is_none());
        assert!(run(&a, officer(), extend_by(45), later).is_err(), "an officer may not extend, nor mark anything");
    }

    #[test]
    fn an_extended_deadline_missed_in_its_turn_is_escalated_once_and_the_first_miss_stays_the_mark() {
        let a = appeal();
        let late = run(&a, head(), extend_by(45), a.due_at + chrono::Duration::hours(3)).unwrap().appeal;
        assert!(run(&late, Actor::system(), Command::MarkOverdue, late.due_at - chrono::Duration::seconds(1)).is_err());
        let missed = run(&late, Actor::system(), Command::MarkOverdue, late.due_at + chrono::Duration::minutes(1));
        let missed = missed.expect("the extended deadline passed: escalated");
        assert!(missed.notify.escalation);
        assert_eq!((&missed.details["due_at"], &missed.details["extended"]), (&json!(late.due_at), &json!(true)));
        assert_eq!(missed.appeal.overdue_at, Some(a.due_at), "the figures keep the first missed term");
        assert_eq!(missed.appeal.escalated_due_at, Some(late.due_at));
        let again = run(&missed.appeal, Actor::system(), Command::MarkOverdue, late.due_at + chrono::Duration::days(1));
        assert!(again.is_err(), "once per deadline");

        // Extended in time and then missed: the extended deadline is the first missed term.
        let in_time = run(&a, head(), extend_by(45), a.due_at - chrono::Duration::hours(1)).unwrap().appeal;
        assert!(run(&in_time, Actor::system(), Command::MarkOverdue, a.due_at).is_err(), "not due yet");
        let missed = run(&in_time, Actor::system(), Command::MarkOverdue, in_time.due_at).unwrap();
        assert_eq!(missed.appeal.overdue_at, Some(in_time.due_at));
    }

    #[test]
    fn an_extension_that_would_end_in_the_past_is_refused() {
        let a = appeal();
        let cmd = Command::Extend { request: ExtensionRequest::TotalDays(45), reason: "Needs a survey.".into() };
        let after_the_cap = a.received_at + chrono::Duration::days(60);
        let err = run(&a, head(), cmd, after_the_cap).unwrap_err();
        assert!(matches!(err, TransitionError::Invalid { field: "total_days", .. }), "{err:?}");
    }

    #[test]
    fn the_watcher_marks_overdue_once_and_reminds_once_per_level() {
        let a = appeal();
        assert!(run(&a, Actor::system(), Command::MarkOverdue, a.due_at - chrono::Duration::seconds(1)).is_err());
        let t = run(&a, Actor::system(), Command::MarkOverdue, a.due_at).unwrap();
        assert_eq!(t.appeal.overdue_at, Some(a.due_at));
        assert!(t.notify.escalation);
        assert!(run(&t.appeal, Actor::system(), Command::MarkOverdue, a.due_at).is_err(), "only once");
        let r = run(&a, Actor::system(), Command::Remind { working_days_before: 3 }, at(2026, 11, 12, 9)).unwrap();
        assert_eq!(r.appeal.reminder_level, Some(3));
        assert!(
            run(&r.appeal, Actor::system(), Command::Remind { working_days_before: 3 }, at(2026, 11, 12, 9)).is_err()
        );
        assert!(
            run(&r.appeal, Actor::system(), Command::Remind { working_days_before: 1 }, at(2026, 11, 14, 9)).is_ok()
        );
    }

    #[test]
    fn reminders_fall_due_by_working_days_before_the_due_date() {
        let cal = calendar();
        // Due by the end of Tuesday 17 Nov 2026: 3 working days before is Thursday 12 Nov, 1 is Monday 16 Nov.
        let due_at = kyiv_start_of_day(NaiveDate::from_ymd_opt(2026, 11, 18).unwrap());
        let offsets = [3, 1];
        let kyiv_noon =
            |d| kyiv_start_of_day(NaiveDate::from_ymd_opt(2026, 11, d).unwrap()) + chrono::Duration::hours(12);
        assert_eq!(reminder_due(due_at, None, &offsets, kyiv_noon(11), &cal), None);
        assert_eq!(reminder_due(due_at, None, &offsets, kyiv_noon(12), &cal), Some(3));
        assert_eq!(reminder_due(due_at, Some(3), &offsets, kyiv_noon(13), &cal), None);
        assert_eq!(reminder_due(due_at, Some(3), &offsets, kyiv_noon(16), &cal), Some(1));
        assert_eq!(reminder_due(due_at, Some(1), &offsets, kyiv_noon(17), &cal), None);
        assert_eq!(reminder_due(due_at, None, &offsets, kyiv_noon(17), &cal), Some(1), "late items get the nearest");
        assert_eq!(reminder_due(due_at, None, &offsets, due_at, &cal), None, "overdue, not reminded");
    }

    #[test]
    fn a_duplicate_follows_the_report_it_duplicates() {
        let a = appeal();
        let t = run(
            &a,
            officer(),
            Command::MarkDuplicate { of_appeal_id: 3, of_status: Status::InProgress },
            at(2026, 11, 3, 9),
        )
        .unwrap();
        assert_eq!(t.appeal.status, Status::Duplicate);
        assert_eq!(t.appeal.public_status(Some(Status::Answered)), Status::Answered);
        let chain = Command::MarkDuplicate { of_appeal_id: 3, of_status: Status::Duplicate };
        assert!(run(&a, officer(), chain, at(2026, 11, 3, 9)).is_err());
    }

    #[test]
    fn a_refusal_needs_reasons_and_ends_handling() {
        let a = appeal();
        let t = run(
            &a,
            officer(),
            Command::Refuse { code: RefusalCode::Repeated, reason: "Decided on 1 Oct, answer no. 12.".into() },
            at(2026, 11, 3, 9),
        )
        .unwrap();
        assert_eq!(t.to, Status::Refused);
        assert_eq!(t.details["legal_basis"], "Law 'On Citizens' Appeals' art. 8");
        assert!(run(&t.appeal, officer(), answer("Now answering anyway."), at(2026, 11, 3, 10)).is_err());
    }

    #[test]
    fn codes_round_trip() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.code()), Some(*s));
        }
        for k in AppealKind::ALL {
            assert_eq!(AppealKind::parse(k.code()), Some(*k));
            assert_eq!(serde_json::to_value(k).unwrap(), k.code());
        }
        assert_eq!(RefusalCode::parse("nope"), None);
    }

    #[test]
    fn public_history_details_name_no_account() {
        let details = json!({"assignee_account_id": 7, "reason": "x", "nested": {"officer_account_id": 3, "n": 1}});
        assert_eq!(public_details(details), json!({"reason": "x", "nested": {"n": 1}}));
    }

    fn received_on_9_august_2026() -> Appeal {
        let (appeal, _) = Appeal::received(
            AppealKind::Application,
            Some(100),
            1,
            DeadlineRule::AppealNoStudy,
            at(2026, 8, 9, 9),
            &calendar(),
        );
        Appeal { id: 8, ..appeal }
    }

    fn peace_from(y: i32, m: u32, d: u32) -> Calendar {
        let end = NaiveDate::from_ymd_opt(y, m, d).unwrap();
        Calendar::new(crate::calendar::MartialLaw::ended_on(end), BTreeMap::new())
    }

    fn recalculate_command() -> Command {
        Command::RecalculateDeadline { reason: "martial law ends on 2026-08-20".into() }
    }

    #[test]
    fn when_martial_law_ends_an_open_deadline_on_independence_day_moves_to_the_next_working_day() {
        let a = received_on_9_august_2026();
        assert_eq!(a.due_at, kyiv_start_of_day(NaiveDate::from_ymd_opt(2026, 8, 25).unwrap()));
        let t =
            apply(&a, Actor::system(), recalculate_command(), at(2026, 8, 12, 9), &peace_from(2026, 8, 20)).unwrap();
        assert_eq!(t.action, "deadline_recalculated");
        assert_eq!(t.appeal.due_at, kyiv_start_of_day(NaiveDate::from_ymd_opt(2026, 8, 26).unwrap()));
        assert_eq!(t.details["previous_due_at"], json!(a.due_at));
        assert_eq!(t.details["reason"], "martial law ends on 2026-08-20");
        assert_eq!(t.to, a.status);
        assert!(t.deadline.unwrap().steps.iter().any(|s| s.starts_with("The law changed during the term")));
    }

    #[test]
    fn only_the_service_recalculates_and_an_unchanged_or_extended_deadline_stays() {
        let a = received_on_9_august_2026();
        let later = at(2026, 8, 12, 9);
        assert!(matches!(
            apply(&a, head(), recalculate_command(), later, &peace_from(2026, 8, 20)),
            Err(TransitionError::Forbidden(_))
        ));
        // Martial law ending after the term changes nothing.
        assert!(matches!(
            apply(&a, Actor::system(), recalculate_command(), later, &peace_from(2026, 9, 1)),
            Err(TransitionError::Conflict(_))
        ));
        let extend = Command::Extend { request: ExtensionRequest::TotalDays(40), reason: "needs a site visit".into() };
        let extended = run(&a, head(), extend, later).unwrap().appeal;
        let t = apply(&extended, Actor::system(), recalculate_command(), later, &peace_from(2026, 8, 20));
        // The forwarding term (5 days, 14 August) is unaffected too, so nothing changes at all.
        assert!(matches!(t, Err(TransitionError::Conflict(_))), "{t:?}");
    }
}
