//! The life of one generated appeal: a plan drawn at random (acknowledged, forwarded, extended, answered
//! on time or late, returned, confirmed, rated, refused, marked duplicate, left open), played through
//! [`crate::domain::appeals::apply`] — the transition function the service itself uses — so the final
//! row and its history are exactly what the real code would have written for those steps. The deadline
//! watcher's `overdue` marking is played in too, whenever a deadline passes with an answer still owed.
//!
//! Pure: no I/O; the caller writes the result.
use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use rand::{Rng, rngs::StdRng, seq::SliceRandom};

use super::sample::{DAY, HOUR, chance, exponential, secs, weighted};
use crate::domain::{
    appeals::{Actor, Appeal, AppealKind, Command, RefusalCode, Resolution, Status, apply},
    authorization::OrganisationRole,
    calendar::Calendar,
    deadlines::{DeadlineRule, ExtensionRequest},
};
use crate::storage::events::NewEvent;

/// One history row: the entry as the service records it, and when it happened.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub at: DateTime<Utc>,
    pub entry: NewEvent<'static>,
}

impl Event {
    /// `action` done by `actor` at `at` to `subject` (its type and id), moving it `from` one state `to`
    /// another.
    pub fn new(
        at: DateTime<Utc>,
        (actor, subject): (Option<i32>, (&'static str, i32)),
        action: &'static str,
        (from, to): (Option<&'static str>, &'static str),
        details: serde_json::Value,
    ) -> Event {
        Event { at, entry: NewEvent::new(actor, subject, action, details).moved(from, Some(to)) }
    }
}

/// The people of one organisation who act on appeals.
#[derive(Debug, Clone)]
pub struct Staff {
    pub head: i32,
    pub officers: Vec<i32>,
}

/// What the sampler knows about the city.
pub struct City<'a> {
    pub calendar: &'a Calendar,
    pub staff: &'a HashMap<i32, Staff>,
    /// How likely each organisation is to answer within the term (0–1); unknown: 0.8.
    pub punctuality: &'a HashMap<i32, f64>,
    /// Organisations a misrouted appeal may be forwarded to.
    pub forward_targets: &'a [i32],
    /// The end of the generated history: nothing happens after it.
    pub as_of: DateTime<Utc>,
}

/// An appeal as filed: routed, its deadline set, nothing done yet.
#[derive(Debug, Clone)]
pub struct Filed {
    pub appeal: Appeal,
    /// When it was entered (the `received` event); later than `received_at` for paper, phone, e-mail.
    pub registered_at: DateTime<Utc>,
    /// The officer who entered it, for appeals not filed by the citizen online.
    pub registered_by: Option<i32>,
    /// The `received` event's details, as `domain::appeals::intake` decided them.
    pub received_details: serde_json::Value,
    /// An earlier open report of the same category this one may duplicate.
    pub duplicate_candidate: Option<i32>,
}

/// The appeal as it stands at `as_of`, with its history.
#[derive(Debug, Clone)]
pub struct Lived {
    pub appeal: Appeal,
    pub events: Vec<Event>,
    /// Transitions applied (the row's `version`).
    pub version: i32,
    pub updated_at: DateTime<Utc>,
}

/// Plays transitions in time order and records them; refuses anything after `as_of`.
struct Tracker<'a> {
    appeal: Appeal,
    events: Vec<Event>,
    city: &'a City<'a>,
    last: DateTime<Utc>,
    version: i32,
    /// How long after a deadline the watcher's sweep notices it (it runs every minute).
    watcher_lag: Duration,
}

impl Tracker<'_> {
    /// The watcher marks the appeal overdue when its deadline passes before `until` with an answer owed.
    fn watch(&mut self, until: DateTime<Utc>) {
        if !self.appeal.status.awaits_answer() || self.appeal.escalated_due_at == Some(self.appeal.due_at) {
            return;
        }
        let mark = (self.appeal.due_at + self.watcher_lag).max(self.last + Duration::seconds(1));
        if mark < until && mark <= self.city.as_of {
            self.record(Actor::system(), Command::MarkOverdue, mark);
        }
    }

    /// Applies `command` at `at` (or just after the previous step); false if it would be after `as_of`
    /// or the rules refuse it.
    fn act(&mut self, actor: Actor, command: Command, at: DateTime<Utc>) -> bool {
        let at = at.max(self.last + Duration::seconds(1));
        if at > self.city.as_of {
            return false;
        }
        self.watch(at);
        self.record(actor, command, at)
    }

    fn record(&mut self, actor: Actor, command: Command, at: DateTime<Utc>) -> bool {
        match apply(&self.appeal, actor, command, at, self.city.calendar) {
            Ok(t) => {
                let subject = (crate::storage::appeals::SUBJECT, self.appeal.id);
                let owed = t.preceding.as_deref().map(|owed| (None, owed));
                for (actor, step) in owed.into_iter().chain([(actor.account_id, &t)]) {
                    let moved = (Some(step.from.code()), step.to.code());
                    self.events.push(Event::new(at, (actor, subject), step.action, moved, step.details.clone()));
                }
                self.appeal = t.appeal;
                self.last = at;
                self.version += 1;
                true
            }
            Err(_) => false,
        }
    }

    fn staff(&self) -> Option<&Staff> {
        self.city.staff.get(&self.appeal.executor_id)
    }

    fn officer(&self, rng: &mut StdRng) -> Actor {
        let account = self.staff().and_then(|s| s.officers.choose(rng).copied().or(Some(s.head)));
        Actor {
            account_id: account,
            is_author: false,
            executor_role: Some(OrganisationRole::Officer),
            administrator: false,
            system: false,
        }
    }

    /// Whoever has the appeal on their desk, else any officer.
    fn handler(&self, rng: &mut StdRng) -> Actor {
        match self.appeal.assignee_account_id {
            Some(assignee) => Actor { account_id: Some(assignee), ..self.officer(rng) },
            None => self.officer(rng),
        }
    }

    fn head(&self) -> Actor {
        Actor {
            account_id: self.staff().map(|s| s.head),
            is_author: false,
            executor_role: Some(OrganisationRole::Head),
            administrator: false,
            system: false,
        }
    }

    fn author(&self) -> Option<Actor> {
        self.appeal.author_account_id.map(|id| Actor {
            account_id: Some(id),
            is_author: true,
            executor_role: None,
            administrator: false,
            system: false,
        })
    }

    fn hours_term(&self) -> bool {
        matches!(self.appeal.deadline_rule, DeadlineRule::UrgencyHours(_))
    }
}

const COMPETENT_BODIES: &[&str] = &[
    "Головне управління ДСНС в області (State Emergency Service)",
    "АТ «Облгаз» (regional gas distributor)",
    "Головне управління Держпродспоживслужби (food safety)",
    "Національна поліція, відділ поліції (police)",
];

/// Plays the life of `filed` up to `city.as_of`.
pub fn live(filed: Filed, city: &City<'_>, rng: &mut StdRng) -> Lived {
    let author = filed.appeal.author_account_id.or(filed.registered_by);
    let subject = (crate::storage::appeals::SUBJECT, filed.appeal.id);
    let to = (None, Status::Received.code());
    let received = Event::new(filed.registered_at, (author, subject), "received", to, filed.received_details.clone());
    let mut t = Tracker {
        appeal: filed.appeal,
        events: vec![received],
        city,
        last: filed.registered_at,
        version: 0,
        watcher_lag: secs(rng, 5, 60),
    };
    play(&mut t, filed.duplicate_candidate, rng);
    t.watch(city.as_of + Duration::seconds(1));
    Lived { updated_at: t.last, appeal: t.appeal, events: t.events, version: t.version }
}

fn play(t: &mut Tracker<'_>, duplicate_candidate: Option<i32>, rng: &mut StdRng) {
    if linked_as_duplicate(t, duplicate_candidate, rng) || refused(t, rng) {
        return;
    }
    maybe_forward(t, rng);
    acknowledge(t, rng);
    // Forgotten: never answered; the watcher marks it overdue.
    if chance(rng, 0.012) {
        return;
    }
    maybe_extend(t, rng);
    if answered(t, rng) {
        confirm_and_rate(t, rng);
    }
}

/// A report of a problem someone already reported nearby: linked, and it follows the first one.
fn linked_as_duplicate(t: &mut Tracker<'_>, duplicate_candidate: Option<i32>, rng: &mut StdRng) -> bool {
    if t.appeal.kind == AppealKind::IssueReport
        && let Some(first) = duplicate_candidate
        && chance(rng, 0.04)
    {
        let officer = t.officer(rng);
        let at = t.last + secs(rng, HOUR, 2 * DAY);
        t.act(officer, Command::MarkDuplicate { of_appeal_id: first, of_status: Status::InProgress }, at);
        return true;
    }
    false
}

/// Not considered (arts. 5, 8): refused with reasons, sometimes rated (badly) by the author.
fn refused(t: &mut Tracker<'_>, rng: &mut StdRng) -> bool {
    if !chance(rng, 0.03) {
        return false;
    }
    let code = match weighted(rng, &[55.0, 30.0, 10.0, 5.0]) {
        0 => RefusalCode::NonConforming,
        1 => RefusalCode::Repeated,
        2 if t.appeal.kind == AppealKind::Complaint => RefusalCode::ComplaintOutOfTime,
        2 => RefusalCode::NonConforming,
        _ => RefusalCode::Anonymous,
    };
    let officer = t.officer(rng);
    let reason = format!("Generated refusal ({}): see the legal basis.", code.code());
    let at = t.last + secs(rng, 2 * HOUR, 8 * DAY);
    if t.act(officer, Command::Refuse { code, reason }, at)
        && chance(rng, 0.1)
        && let Some(author) = t.author()
    {
        let at = t.last + secs(rng, HOUR, 5 * DAY);
        t.act(author, Command::Rate { score: rng.gen_range(1..=2), comment: None }, at);
    }
    true
}

/// Misrouted: forwarded to the competent organisation, mostly within the 5 days of art. 7.
fn maybe_forward(t: &mut Tracker<'_>, rng: &mut StdRng) {
    if !chance(rng, 0.05) {
        return;
    }
    let start = t.last;
    let to = t.city.forward_targets.iter().copied().filter(|&o| o != t.appeal.executor_id).collect::<Vec<_>>();
    if let Some(&to) = to.choose(rng) {
        let at = if chance(rng, 0.85) {
            start + secs(rng, HOUR, (t.appeal.forward_due_at - start).num_seconds().max(HOUR + 1) - 60)
        } else {
            t.appeal.forward_due_at + secs(rng, HOUR, 4 * DAY)
        };
        let officer = t.officer(rng);
        let reason = "Generated: the matter is in the competence of another organisation.".to_owned();
        t.act(officer, Command::Forward { to_organisation_id: to, reason }, at);
    }
}

/// Taken up: hours for emergencies, up to a few days otherwise.
fn acknowledge(t: &mut Tracker<'_>, rng: &mut StdRng) {
    let ack_mean = if t.hours_term() { 2.0 * HOUR as f64 } else { 0.8 * DAY as f64 };
    if chance(rng, 0.9) {
        let officer = t.officer(rng);
        let at = t.last + secs(rng, 60, 30 * 60) + exponential(rng, ack_mean);
        let at = at.min(t.appeal.due_at - Duration::seconds(60)).max(t.last + Duration::seconds(60));
        t.act(officer, Command::Acknowledge, at);
    }
}

/// The head extends a term that is not enough (never beyond 45 days from receipt, art. 20).
fn maybe_extend(t: &mut Tracker<'_>, rng: &mut StdRng) {
    if !t.hours_term() && chance(rng, 0.07) {
        let (from, due) = (t.last, t.appeal.due_at);
        if due > from + Duration::hours(2) {
            let at = from + Duration::seconds(((due - from).num_seconds() as f64 * rng.gen_range(0.3..0.9)) as i64);
            let total = rng.gen_range(30..=45);
            let head = t.head();
            let reason = "Generated: an inspection on site is needed before answering.".to_owned();
            t.act(head, Command::Extend { request: ExtensionRequest::TotalDays(total), reason }, at);
        }
    }
}

/// Answered (on time or late); the author may return it for rework, then it is answered again. False
/// when it ends unanswered or without an author to rate it.
fn answered(t: &mut Tracker<'_>, rng: &mut StdRng) -> bool {
    let punctuality = t.city.punctuality.get(&t.appeal.executor_id).copied().unwrap_or(0.8);
    for round in 0..3 {
        let at = answer_time(t, punctuality, rng);
        let resolution = match weighted(rng, &[76.0, 17.0, 7.0]) {
            0 => Resolution::Resolved,
            1 => Resolution::NotResolved,
            _ => Resolution::NotCompetent,
        };
        let competent_body = (resolution == Resolution::NotCompetent)
            .then(|| COMPETENT_BODIES.choose(rng).copied().unwrap_or_default().to_owned());
        let text = match resolution {
            Resolution::Resolved => "Generated answer: the problem was fixed.",
            Resolution::NotResolved => "Generated answer: it cannot be fixed now; it is in next year's plan.",
            Resolution::NotCompetent => "Generated answer: this is for the body named below.",
        };
        let handler = t.handler(rng);
        if !t.act(handler, Command::Answer { resolution, text: text.to_owned(), competent_body }, at) {
            return false;
        }
        let Some(author) = t.author() else { return false };
        if round < 2 && chance(rng, if round == 0 { 0.07 } else { 0.15 }) {
            let reason = "Generated: nothing has changed on site.".to_owned();
            if !t.act(author, Command::ReturnForRework { reason }, t.last + secs(rng, 2 * HOUR, 10 * DAY)) {
                return false;
            }
            continue;
        }
        break;
    }
    true
}

/// When the answer comes: within the term as often as the executor is punctual, else after it.
fn answer_time(t: &Tracker<'_>, punctuality: f64, rng: &mut StdRng) -> DateTime<Utc> {
    let on_time = chance(rng, punctuality);
    let (from, due) = (t.last, t.appeal.due_at);
    if on_time && due > from + Duration::seconds(120) {
        let span = (due - from).num_seconds() as f64;
        from + Duration::seconds((span * (0.05 + 0.9 * rng.r#gen::<f64>().powf(0.8))) as i64)
    } else {
        let mean = if t.hours_term() { 18.0 * HOUR as f64 } else { 5.0 * DAY as f64 };
        due.max(from) + secs(rng, 60, HOUR) + exponential(rng, mean * (1.5 - punctuality))
    }
}

/// The author confirms a resolved problem and rates the answer, better when it was resolved on time.
fn confirm_and_rate(t: &mut Tracker<'_>, rng: &mut StdRng) {
    let Some(author) = t.author() else { return };
    let answered_on_time = t.appeal.answered_at.is_some_and(|a| a < t.appeal.due_at);
    let resolved = t.appeal.resolution == Some(Resolution::Resolved);
    let confirm_p = if t.appeal.kind == AppealKind::IssueReport { 0.45 } else { 0.2 };
    if resolved && chance(rng, confirm_p) {
        t.act(author, Command::Confirm, t.last + secs(rng, HOUR, 7 * DAY));
    }
    if chance(rng, 0.3) {
        let weights = if resolved && answered_on_time {
            [3.0, 4.0, 10.0, 33.0, 50.0]
        } else if resolved {
            [10.0, 15.0, 30.0, 30.0, 15.0]
        } else {
            [30.0, 30.0, 20.0, 12.0, 8.0]
        };
        let score = weighted(rng, &weights) as i32 + 1;
        let comment = chance(rng, 0.2).then(|| "Generated comment.".to_owned());
        t.act(author, Command::Rate { score, comment }, t.last + secs(rng, 10 * 60, 5 * DAY));
    }
}

#[cfg(test)]
mod tests {

    use chrono::TimeZone;
    use rand::SeedableRng;

    use serde_json::json;

    use super::*;
    use crate::domain::deadlines;

    /// Everything a stored appeal must satisfy, whatever its life was.
    fn check(lived: &Lived, as_of: DateTime<Utc>) {
        let a = &lived.appeal;
        let s = a.status;
        assert!(a.executor_received_at >= a.received_at);
        if let Some(answered) = a.answered_at {
            assert!(answered >= a.received_at, "answered before it was received: {a:?}");
            assert!(answered <= as_of);
        }
        match s {
            Status::Received | Status::InProgress | Status::Rework => {
                assert!(a.resolution.is_none() || s == Status::Rework, "{a:?}");
                assert!(a.refusal_code.is_none());
                // The watcher has seen every deadline that passed.
                if a.due_at + Duration::seconds(61) <= as_of {
                    assert!(a.overdue_at.is_some(), "an open appeal past its deadline is marked overdue: {a:?}");
                }
            }
            Status::Answered | Status::Confirmed => {
                assert!(a.answered_at.is_some() && a.resolution.is_some() && a.answer_text.is_some(), "{a:?}");
                assert_eq!(a.resolution == Some(Resolution::NotCompetent), a.competent_body.is_some());
            }
            Status::Refused => {
                assert!(a.refusal_code.is_some() && a.refusal_reason.is_some() && a.answered_at.is_some())
            }
            Status::Duplicate => assert!(a.duplicate_of_id.is_some()),
        }
        assert_eq!(s == Status::Confirmed, a.confirmed_at.is_some());
        if let Some(extended) = a.extended_due_at {
            let calendar = Calendar::default();
            let cap = deadlines::compute(
                &DeadlineRule::AppealExtension { total_days: 45 },
                a.executor_received_at,
                &calendar,
            );
            assert!(extended <= cap.due_at, "at most 45 days from receipt: {a:?}");
            assert_eq!(extended, a.due_at);
        }
        if let Some(rating) = a.rating {
            assert!((1..=5).contains(&rating));
            assert!(matches!(s, Status::Answered | Status::Confirmed | Status::Refused));
        }
        // History: starts with `received`, in time order, each step from the state the previous one left.
        assert_eq!(lived.events[0].entry.action, "received");
        assert_eq!(lived.events.len() as i32, lived.version + 1);
        for pair in lived.events.windows(2) {
            assert!(pair[1].at > pair[0].at, "events in time order");
            assert_eq!(
                pair[1].entry.from_state, pair[0].entry.to_state,
                "{} after {}",
                pair[1].entry.action, pair[0].entry.action
            );
        }
        assert_eq!(lived.events.last().unwrap().entry.to_state, Some(s.code()));
        assert!(lived.events.iter().all(|e| e.at <= as_of));
        assert_eq!(lived.events.iter().filter(|e| e.entry.action == "forwarded").count() as i32, a.forwarded_count);
        assert_eq!(
            lived.events.iter().filter(|e| e.entry.action == "returned_for_rework").count() as i32,
            a.rework_count
        );
    }

    #[test]
    fn sampled_lives_keep_the_invariants_of_a_stored_appeal() {
        let calendar = Calendar::default();
        let staff: HashMap<i32, Staff> =
            [(1, Staff { head: 10, officers: vec![11, 12] }), (2, Staff { head: 20, officers: vec![21] })].into();
        let punctuality: HashMap<i32, f64> = [(1, 0.9), (2, 0.6)].into();
        let as_of = Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap();
        let city =
            City { calendar: &calendar, staff: &staff, punctuality: &punctuality, forward_targets: &[1, 2], as_of };
        let mut rng = StdRng::seed_from_u64(7);
        let rules = [DeadlineRule::AppealNoStudy, DeadlineRule::AppealStandard, DeadlineRule::UrgencyHours(24)];
        let mut actions = std::collections::BTreeSet::new();
        for id in 1..=5000 {
            let received = as_of - secs(&mut rng, 60, 200 * DAY);
            let kind = [AppealKind::IssueReport, AppealKind::Application, AppealKind::Complaint][id as usize % 3];
            let author = (id % 5 != 0).then_some(1000 + id);
            let (appeal, _) = Appeal::received(kind, author, 1, rules[id as usize % 3], received, &calendar);
            let appeal = Appeal { id, ..appeal };
            let filed = Filed {
                appeal,
                registered_at: received,
                registered_by: None,
                received_details: json!({}),
                duplicate_candidate: (id > 1).then_some(id - 1),
            };
            let lived = live(filed, &city, &mut rng);
            check(&lived, as_of);
            actions.extend(lived.events.iter().map(|e| e.entry.action));
        }
        for action in [
            "received",
            "acknowledged",
            "forwarded",
            "extended",
            "answered",
            "returned_for_rework",
            "confirmed",
            "rated",
            "refused",
            "marked_duplicate",
            "overdue",
        ] {
            assert!(actions.contains(action), "some appeal was {action}");
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_life() {
        let calendar = Calendar::default();
        let staff: HashMap<i32, Staff> = [(1, Staff { head: 10, officers: vec![11] })].into();
        let punctuality = HashMap::new();
        let as_of = Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap();
        let city = City { calendar: &calendar, staff: &staff, punctuality: &punctuality, forward_targets: &[1], as_of };
        let one = |seed| {
            let received = as_of - Duration::days(40);
            let (appeal, _) = Appeal::received(
                AppealKind::Application,
                Some(5),
                1,
                DeadlineRule::AppealStandard,
                received,
                &calendar,
            );
            let appeal = Appeal { id: 1, ..appeal };
            let filed = Filed {
                received_details: json!({}),
                appeal,
                registered_at: received,
                registered_by: None,
                duplicate_candidate: None,
            };
            live(filed, &city, &mut StdRng::seed_from_u64(seed)).events
        };
        assert_eq!(one(3), one(3));
    }
}
