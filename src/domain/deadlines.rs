//! The deadline engine: turns an event instant and a legal rule into a due
//! date, a due instant and a step-by-step explanation a citizen can check.
//!
//! Counting follows Civil Code arts. 252–254: a term starts the day after the
//! event (art. 253), a month term ends on the same date of the last month or
//! that month's last day (art. 254 part 3), and a last day that is not a
//! working day moves to the next working day (art. 254 part 5). Dates are Kyiv
//! calendar dates; "due on D" means due before Kyiv midnight ending D.
//!
//! Pure: the caller passes instants and the calendar.

use std::fmt;

use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::calendar::{Calendar, DayInfo, DayReason, KYIV, kyiv_date, kyiv_end_of_day, plus_days};

/// Art. 20: "the total term ... may not exceed forty-five days".
pub const EXTENSION_MAX_DAYS: u32 = 45;

/// Urgency classes may only shorten the 1-month term of art. 20; a day count
/// above this is clamped before the month ceiling is applied.
pub const URGENCY_MAX_DAYS: u32 = 30;

const APPEALS_LAW: &str = "Law of Ukraine 'On Citizens' Appeals'";

/// Which legal term applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineRule {
    /// Appeal needing no additional study: "without delay, but not later than
    /// fifteen days from receipt" (art. 20).
    AppealNoStudy,
    /// Ordinary appeal: within one month of receipt (art. 20).
    AppealStandard,
    /// Term set by the head of the body when a month is not enough; the total
    /// from receipt is at most 45 days (art. 20). Build it with [`extend`].
    AppealExtension { total_days: u32 },
    /// Appeal outside the body's competence: forwarded within 5 days (art. 7).
    Forwarding,
    /// Appeal lacking the content required by art. 5: returned within 10 days.
    ReturnNonConforming,
    /// Electronic petition published within 2 working days of submission
    /// (art. 23-1; the community statute may regulate details).
    PetitionPublication,
    /// Petition considered within 10 working days of the announcement that
    /// consideration has started (art. 23-1).
    PetitionConsideration,
    /// Emergency category: elapsed clock hours from the event instant,
    /// never longer than the standard 1-month term.
    UrgencyHours(u32),
    /// Urgent category: calendar days with rollover, at most 30 and never
    /// longer than the standard 1-month term.
    UrgencyDays(u32),
}

/// A term as the law states it, before any rollover.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "unit", content = "count", rename_all = "snake_case")]
pub enum Term {
    Hours(u32),
    Days(u32),
    Months(u32),
    WorkingDays(u32),
}

impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (n, unit) = match *self {
            Term::Hours(n) => (n, "hour"),
            Term::Days(n) => (n, "day"),
            Term::Months(n) => (n, "month"),
            Term::WorkingDays(n) => (n, "working day"),
        };
        write!(f, "{n} {unit}{}", if n == 1 { "" } else { "s" })
    }
}

impl DeadlineRule {
    /// The term as written in the rule, before clamping and rollover.
    pub fn term(&self) -> Term {
        match *self {
            Self::AppealNoStudy => Term::Days(15),
            Self::AppealStandard => Term::Months(1),
            Self::AppealExtension { total_days } => Term::Days(total_days),
            Self::Forwarding => Term::Days(5),
            Self::ReturnNonConforming => Term::Days(10),
            Self::PetitionPublication => Term::WorkingDays(2),
            Self::PetitionConsideration => Term::WorkingDays(10),
            Self::UrgencyHours(h) => Term::Hours(h),
            Self::UrgencyDays(d) => Term::Days(d),
        }
    }

    /// The provision the term comes from.
    pub fn legal_basis(&self) -> String {
        match self {
            Self::AppealNoStudy | Self::AppealStandard | Self::AppealExtension { .. } => {
                format!("{APPEALS_LAW} art. 20")
            }
            Self::Forwarding => format!("{APPEALS_LAW} art. 7"),
            Self::ReturnNonConforming => format!("{APPEALS_LAW} art. 5"),
            Self::PetitionPublication | Self::PetitionConsideration => {
                format!("{APPEALS_LAW} art. 23-1")
            }
            Self::UrgencyHours(_) | Self::UrgencyDays(_) => {
                format!("Council urgency category, within the ceiling of {APPEALS_LAW} art. 20")
            }
        }
    }

    fn event_verb(&self) -> &'static str {
        match self {
            Self::PetitionPublication => "Submitted",
            Self::PetitionConsideration => "Start of consideration announced",
            _ => "Received",
        }
    }

    fn outcome(&self) -> &'static str {
        match self {
            Self::Forwarding => "forwarding to the competent body",
            Self::ReturnNonConforming => "returning the appeal with explanations",
            Self::PetitionPublication => "publication of the petition",
            Self::PetitionConsideration => "the response to the petition",
            _ => "the answer",
        }
    }
}

/// A computed deadline with its explanation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    pub rule: DeadlineRule,
    /// The term actually applied, after any clamping.
    pub term: Term,
    pub legal_basis: String,
    pub event_at: DateTime<Utc>,
    /// Kyiv date the term starts: the day after the event (Civil Code
    /// art. 253). For hour terms, which run from the instant itself, the
    /// event's own Kyiv date.
    pub start_date: NaiveDate,
    /// Last day of the term before the non-working-day rollover.
    pub nominal_last_day: NaiveDate,
    /// Kyiv date by whose end the action is due.
    pub due_date: NaiveDate,
    /// Exclusive due instant: Kyiv midnight starting the day after
    /// `due_date` (for hour terms, the exact elapsed instant).
    pub due_at: DateTime<Utc>,
    /// Whether a legal ceiling shortened what the rule asked for.
    pub capped: bool,
    /// Plain-English reasoning, one sentence per step.
    pub steps: Vec<String>,
}

/// Computes the deadline of `rule` for an event at `event_at`.
pub fn compute(rule: &DeadlineRule, event_at: DateTime<Utc>, calendar: &Calendar) -> Deadline {
    let event_date = kyiv_date(event_at);
    let mut steps = Vec::new();
    let mut capped = false;

    if let Term::Hours(hours) = rule.term() {
        return compute_hours(rule, hours, event_at, calendar);
    }

    steps.push(format!("{} on {} (Europe/Kyiv).", rule.event_verb(), long(event_date)));
    let start_date = plus_days(event_date, 1);
    steps.push(format!("The term starts the next day, {} (Civil Code art. 253).", medium(start_date)));

    let term = match rule.term() {
        Term::Days(0) => {
            steps.push("A term cannot be shorter than 1 day, so 1 day is used.".to_owned());
            Term::Days(1)
        }
        Term::Days(n) if matches!(rule, DeadlineRule::AppealExtension { .. }) && n > EXTENSION_MAX_DAYS => {
            capped = true;
            steps.push(format!(
                "The requested total of {n} days exceeds the {EXTENSION_MAX_DAYS}-day maximum \
                 of art. 20, so the term is capped at {EXTENSION_MAX_DAYS} days from receipt."
            ));
            Term::Days(EXTENSION_MAX_DAYS)
        }
        Term::Days(n) if matches!(rule, DeadlineRule::UrgencyDays(_)) && n > URGENCY_MAX_DAYS => {
            capped = true;
            steps.push(format!(
                "The category's {n} days are more than the law allows for an urgent \
                 category, so the term is clamped to {URGENCY_MAX_DAYS} days (art. 20 sets \
                 1 month as the standard term)."
            ));
            Term::Days(URGENCY_MAX_DAYS)
        }
        other => other,
    };

    let (nominal_last_day, due_date) = match term {
        Term::Days(n) => {
            let nominal = plus_days(event_date, u64::from(n));
            steps.push(format!(
                "A term of {term} ends on its {} day: {} (Civil Code art. 254).",
                ordinal(n),
                medium(nominal)
            ));
            (nominal, rollover(rule, nominal, calendar, &mut steps))
        }
        Term::Months(n) => {
            let nominal = plus_months(event_date, n);
            if nominal.day() == event_date.day() {
                steps.push(format!(
                    "A term of {term} ends on the same date of the last month: {} (art. 254).",
                    medium(nominal)
                ));
            } else {
                steps.push(format!(
                    "A term of {term} ends on the same date of the last month, but {} has no \
                     {}, so it ends on that month's last day: {} (art. 254).",
                    nominal.format("%B"),
                    ordinal(event_date.day()),
                    medium(nominal)
                ));
            }
            (nominal, rollover(rule, nominal, calendar, &mut steps))
        }
        Term::WorkingDays(n) => {
            let due = count_working_days(rule, event_date, n, calendar, &mut steps);
            (due, due)
        }
        // Handled above; kept total without a panic path.
        Term::Hours(hours) => return compute_hours(rule, hours, event_at, calendar),
    };

    let mut deadline = Deadline {
        rule: *rule,
        term,
        legal_basis: rule.legal_basis(),
        event_at,
        start_date,
        nominal_last_day,
        due_date,
        due_at: kyiv_end_of_day(due_date),
        capped,
        steps,
    };

    if matches!(rule, DeadlineRule::UrgencyDays(_)) {
        let standard = compute(&DeadlineRule::AppealStandard, event_at, calendar);
        if deadline.due_date > standard.due_date {
            deadline.capped = true;
            deadline.steps.push(format!(
                "That is later than the standard 1-month term of art. 20, which ends on {}, so \
                 the deadline is capped there.",
                medium(standard.due_date)
            ));
            deadline.nominal_last_day = standard.nominal_last_day;
            deadline.due_date = standard.due_date;
            deadline.due_at = standard.due_at;
        }
    }

    deadline.steps.push(law_applied(calendar, start_date, deadline.due_date));
    deadline.steps.push(format!(
        "Due before {} (Kyiv time), i.e. {}.",
        deadline.due_at.with_timezone(&KYIV).format("%H:%M on %A %-d %B %Y"),
        deadline.due_at.format("%Y-%m-%d %H:%M UTC")
    ));
    deadline
}

/// Names the law each day of the term was judged by: the version of the art. 73 holiday list and
/// the martial-law period, one run of days per change.
fn law_applied(calendar: &Calendar, from: NaiveDate, to: NaiveDate) -> String {
    let spans = calendar.regimes_between(from, to);
    match spans.as_slice() {
        [one] => format!("Each day was judged by {}.", one.regime.describe()),
        _ => {
            let parts: Vec<String> = spans
                .iter()
                .map(|s| format!("from {} to {} by {}", medium(s.from), medium(s.to), s.regime.describe()))
                .collect();
            format!(
                "The law changed during the term, so each day was judged by the law of that day: {}.",
                parts.join("; ")
            )
        }
    }
}

/// Elapsed hours: no calendar rounding and no rollover, so a DST change in
/// between shifts the local clock reading but not the elapsed time.
fn compute_hours(rule: &DeadlineRule, hours: u32, event_at: DateTime<Utc>, calendar: &Calendar) -> Deadline {
    let mut steps = Vec::new();
    let mut capped = false;
    let local_event = event_at.with_timezone(&KYIV);
    steps.push(format!(
        "{} at {} (Europe/Kyiv, UTC{}).",
        rule.event_verb(),
        local_event.format("%H:%M on %A %-d %B %Y"),
        local_event.format("%:z")
    ));
    let hours = if hours == 0 {
        steps.push("A term cannot be shorter than 1 hour, so 1 hour is used.".to_owned());
        1
    } else {
        hours
    };
    let term = Term::Hours(hours);
    steps.push(format!(
        "A term of {term} runs in elapsed clock hours from that moment, without rounding to \
         whole days (Civil Code art. 252)."
    ));

    let standard = compute(&DeadlineRule::AppealStandard, event_at, calendar);
    let raw = event_at.checked_add_signed(Duration::hours(i64::from(hours)));
    let nominal_last_day = raw.map_or(NaiveDate::MAX, day_containing);

    let due_at = match raw {
        Some(at) if at <= standard.due_at => {
            let local = at.with_timezone(&KYIV);
            let offset_note = if local.offset() != local_event.offset() {
                format!(
                    "; the clocks changed in between (UTC{} to UTC{}), which does not change the \
                     elapsed time",
                    local_event.format("%:z"),
                    local.format("%:z")
                )
            } else {
                String::new()
            };
            steps.push(format!(
                "It ends at {} Kyiv time ({}){offset_note}.",
                local.format("%H:%M on %A %-d %B %Y"),
                at.format("%Y-%m-%d %H:%M UTC")
            ));
            at
        }
        _ => {
            capped = true;
            steps.push(format!(
                "That would be later than the standard 1-month term of art. 20, so the \
                 deadline is capped at the end of {} (Kyiv time), i.e. {}.",
                medium(standard.due_date),
                standard.due_at.format("%Y-%m-%d %H:%M UTC")
            ));
            standard.due_at
        }
    };

    Deadline {
        rule: *rule,
        term,
        legal_basis: rule.legal_basis(),
        event_at,
        start_date: local_event.date_naive(),
        nominal_last_day,
        due_date: day_containing(due_at),
        due_at,
        capped,
        steps,
    }
}

/// What the head of the body asks for when extending an appeal (art. 20).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExtensionRequest {
    /// Total term in days counted from receipt (not days added on top).
    TotalDays(u32),
    /// A specific new due date (Kyiv).
    NewDueDate(NaiveDate),
}

/// Why an extension was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ExtensionError {
    /// A total of zero days extends nothing.
    ZeroDays,
    /// The result would not be later than the deadline already in force.
    NotLater { proposed_due_date: NaiveDate, current_due_date: NaiveDate, capped: bool },
}

impl fmt::Display for ExtensionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ZeroDays => write!(f, "an extension must request a total term of at least 1 day from receipt"),
            Self::NotLater { proposed_due_date, current_due_date, capped } => {
                write!(
                    f,
                    "the extended deadline ({}) would not be later than the current one ({}); \
                     an extension must move the deadline later",
                    medium(*proposed_due_date),
                    medium(*current_due_date)
                )?;
                if *capped {
                    write!(
                        f,
                        ", and the total term may not exceed {EXTENSION_MAX_DAYS} days from \
                         receipt ({APPEALS_LAW} art. 20)"
                    )?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for ExtensionError {}

/// Extends an appeal's deadline at the head's request (art. 20).
///
/// The result is capped at 45 days from receipt (with the usual rollover) and
/// must end later than `current_due_at`, the `due_at` of the deadline in force.
pub fn extend(
    received_at: DateTime<Utc>,
    current_due_at: DateTime<Utc>,
    request: ExtensionRequest,
    calendar: &Calendar,
) -> Result<Deadline, ExtensionError> {
    let received = kyiv_date(received_at);
    let current_due_date = day_containing(current_due_at);
    let (total_days, request_step) = match request {
        ExtensionRequest::TotalDays(0) => return Err(ExtensionError::ZeroDays),
        ExtensionRequest::TotalDays(n) => {
            (n, format!("The head of the body extended the term to a total of {n} days from receipt (art. 20)."))
        }
        ExtensionRequest::NewDueDate(date) => {
            let days = (date - received).num_days();
            if days <= 0 {
                return Err(ExtensionError::NotLater { proposed_due_date: date, current_due_date, capped: false });
            }
            let n = u32::try_from(days).unwrap_or(u32::MAX);
            (
                n,
                format!(
                    "The head of the body set a new due date of {}, a total of {n} days from \
                     receipt (art. 20).",
                    medium(date)
                ),
            )
        }
    };
    let mut deadline = compute(&DeadlineRule::AppealExtension { total_days }, received_at, calendar);
    if deadline.due_at <= current_due_at {
        return Err(ExtensionError::NotLater {
            proposed_due_date: deadline.due_date,
            current_due_date,
            capped: deadline.capped,
        });
    }
    // Right after "Received on ...", before the counting.
    let at = deadline.steps.len().min(1);
    deadline.steps.insert(at, request_step);
    Ok(deadline)
}

/// Applies Civil Code art. 254 part 5 and narrates it.
fn rollover(rule: &DeadlineRule, nominal: NaiveDate, calendar: &Calendar, steps: &mut Vec<String>) -> NaiveDate {
    let info = calendar.day(nominal);
    if info.working {
        if info.reason == DayReason::Weekday {
            steps.push(format!(
                "{} is a working day, so {} is due by the end of that day.",
                medium(nominal),
                rule.outcome()
            ));
        } else {
            steps.push(format!("{} So {} is due by the end of {}.", info.explain(), rule.outcome(), medium(nominal)));
        }
        return nominal;
    }
    let due = calendar.next_working_day_on_or_after(nominal);
    let mut skipped = calendar.days_between(nominal, due);
    skipped.pop();
    let (verb, list) = if skipped.len() == 1 {
        ("is a non-working day", describe_days(&skipped))
    } else {
        ("are non-working days", describe_days(&skipped))
    };
    steps.push(format!(
        "{list} {verb}, so the term ends on the next working day, {} (Civil Code art. 254 \
         part 5); {} is due by the end of that day.",
        long(due),
        rule.outcome()
    ));
    due
}

/// Counts working days from the day after the event and narrates the count.
fn count_working_days(
    rule: &DeadlineRule,
    event_date: NaiveDate,
    n: u32,
    calendar: &Calendar,
    steps: &mut Vec<String>,
) -> NaiveDate {
    let (due, skipped) = calendar.working_days_after(event_date, n);
    steps.push(format!(
        "A term of {} counts only working days, starting from the day after the event.",
        Term::WorkingDays(n)
    ));
    if !skipped.is_empty() {
        steps.push(format!("Not counted, as non-working days: {}.", describe_days(&skipped)));
    }
    let worked_holidays: Vec<DayInfo> = calendar
        .days_between(plus_days(event_date, 1), due)
        .into_iter()
        .filter(|info| matches!(info.reason, DayReason::HolidayWorkedUnderMartialLaw { .. }))
        .collect();
    if !worked_holidays.is_empty() {
        steps.push(format!(
            "Counted as working days because under martial law holidays are working days \
             (Law 2136-IX art. 6): {}.",
            describe_days(&worked_holidays)
        ));
    }
    steps.push(format!(
        "The {} working day is {}, so {} is due by the end of that day.",
        ordinal(n),
        long(due),
        rule.outcome()
    ));
    due
}

fn describe_days(days: &[DayInfo]) -> String {
    let items: Vec<String> = days.iter().map(|d| format!("{} ({})", long(d.date), d.short_reason())).collect();
    match items.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Same date `n` months later, or that month's last day (Civil Code art. 254
/// part 3); chrono's month arithmetic clamps exactly this way.
fn plus_months(date: NaiveDate, n: u32) -> NaiveDate {
    date.checked_add_months(Months::new(n)).unwrap_or(NaiveDate::MAX)
}

/// The due date of an exclusive due instant: the Kyiv day it belongs to, so
/// an instant exactly at Kyiv midnight closes the day that just ended. The one
/// place that turns a stored `due_at` into the last day shown to people.
pub fn day_containing(due_at: DateTime<Utc>) -> NaiveDate {
    kyiv_date(due_at - Duration::nanoseconds(1))
}

fn long(date: NaiveDate) -> String {
    date.format("%A %-d %B %Y").to_string()
}

fn medium(date: NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

fn ordinal(n: u32) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use chrono::{TimeZone, Timelike};

    use super::super::calendar::{DayOverride, MartialLaw};
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// An instant given as Kyiv wall-clock time.
    fn kyiv(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        KYIV.with_ymd_and_hms(y, m, d, h, min, 0).single().unwrap().with_timezone(&Utc)
    }

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
    }

    fn martial() -> Calendar {
        Calendar::default()
    }

    /// Martial law ended at the start of 2024.
    fn peacetime() -> Calendar {
        Calendar::new(MartialLaw::ended_on(date(2024, 1, 1)), BTreeMap::new())
    }

    fn ending_on(end: NaiveDate) -> Calendar {
        Calendar::new(MartialLaw::ended_on(end), BTreeMap::new())
    }

    fn due_date(rule: DeadlineRule, at: DateTime<Utc>, cal: &Calendar) -> NaiveDate {
        compute(&rule, at, cal).due_date
    }

    #[test]
    fn a_month_term_from_31_january_ends_on_the_last_day_of_february() {
        let d = compute(&DeadlineRule::AppealStandard, kyiv(2025, 1, 31, 10, 0), &martial());
        assert_eq!(d.nominal_last_day, date(2025, 2, 28));
        assert_eq!(d.due_date, date(2025, 2, 28));
        assert!(d.steps.iter().any(|s| s.contains("February has no 31st")));
    }

    #[test]
    fn in_a_leap_year_a_month_from_31_january_ends_on_29_february() {
        let d = compute(&DeadlineRule::AppealStandard, kyiv(2028, 1, 31, 10, 0), &martial());
        assert_eq!(d.nominal_last_day, date(2028, 2, 29));
        assert_eq!(d.due_date, date(2028, 2, 29));
    }

    #[test]
    fn a_month_from_30_november_ends_on_30_december() {
        assert_eq!(due_date(DeadlineRule::AppealStandard, kyiv(2025, 11, 30, 12, 0), &martial()), date(2025, 12, 30));
    }

    #[test]
    fn a_month_from_31_march_ends_on_30_april() {
        assert_eq!(due_date(DeadlineRule::AppealStandard, kyiv(2025, 3, 31, 12, 0), &martial()), date(2025, 4, 30));
    }

    #[test]
    fn fifteen_days_across_29_february_2028_counts_the_leap_day() {
        let d = compute(&DeadlineRule::AppealNoStudy, kyiv(2028, 2, 20, 9, 0), &martial());
        assert_eq!(d.nominal_last_day, date(2028, 3, 6));
        assert_eq!(d.due_date, date(2028, 3, 6));
    }

    #[test]
    fn the_explanation_of_a_month_term_reads_step_by_step() {
        let d = compute(&DeadlineRule::AppealStandard, kyiv(2025, 2, 28, 15, 0), &martial());
        assert_eq!(
            d.steps[..4],
            [
                "Received on Friday 28 February 2025 (Europe/Kyiv).",
                "The term starts the next day, 1 March 2025 (Civil Code art. 253).",
                "A term of 1 month ends on the same date of the last month: 28 March 2025 (art. 254).",
                "28 March 2025 is a working day, so the answer is due by the end of that day.",
            ]
        );
        assert_eq!(d.start_date, date(2025, 3, 1));
        assert_eq!(d.legal_basis, "Law of Ukraine 'On Citizens' Appeals' art. 20");
        assert!(!d.capped);
    }

    #[test]
    fn a_due_date_on_saturday_rolls_to_monday() {
        let d = compute(&DeadlineRule::AppealNoStudy, kyiv(2025, 3, 14, 11, 0), &martial());
        assert_eq!(d.nominal_last_day, date(2025, 3, 29));
        assert_eq!(d.due_date, date(2025, 3, 31));
        assert!(
            d.steps
                .iter()
                .any(|s| { s.contains("Saturday 29 March 2025 (weekend) and Sunday 30 March 2025 (weekend)") })
        );
    }

    #[test]
    fn fifteen_days_landing_on_independence_day_roll_forward_only_in_peacetime() {
        let at = kyiv(2026, 8, 9, 10, 0);
        let peace = compute(&DeadlineRule::AppealNoStudy, at, &peacetime());
        assert_eq!(peace.nominal_last_day, date(2026, 8, 24));
        assert_eq!(peace.due_date, date(2026, 8, 25));
        assert!(peace.steps.iter().any(|s| s.contains("(Independence Day)")));

        let war = compute(&DeadlineRule::AppealNoStudy, at, &martial());
        assert_eq!(war.due_date, date(2026, 8, 24));
        assert!(war.steps.iter().any(|s| s.contains("Law 2136-IX art. 6")));
    }

    #[test]
    fn a_due_date_declared_a_day_off_moves_to_the_next_working_day() {
        let mut overrides = BTreeMap::new();
        overrides.insert(date(2025, 3, 28), DayOverride { working: false, note: "Cabinet resolution".to_owned() });
        let cal = Calendar::new(MartialLaw::in_force(), overrides);
        let d = compute(&DeadlineRule::AppealStandard, kyiv(2025, 2, 28, 15, 0), &cal);
        assert_eq!(d.nominal_last_day, date(2025, 3, 28));
        assert_eq!(d.due_date, date(2025, 3, 31));
    }

    #[test]
    fn forwarding_takes_five_days_and_a_return_ten_days() {
        let at = kyiv(2025, 3, 3, 9, 0);
        assert_eq!(due_date(DeadlineRule::Forwarding, at, &martial()), date(2025, 3, 10));
        assert_eq!(due_date(DeadlineRule::ReturnNonConforming, at, &martial()), date(2025, 3, 13));
        assert_eq!(
            compute(&DeadlineRule::Forwarding, at, &martial()).legal_basis,
            "Law of Ukraine 'On Citizens' Appeals' art. 7"
        );
    }

    #[test]
    fn a_petition_submitted_on_friday_is_published_by_tuesday() {
        let d = compute(&DeadlineRule::PetitionPublication, kyiv(2025, 2, 28, 18, 0), &martial());
        assert_eq!(d.due_date, date(2025, 3, 4));
        assert_eq!(d.nominal_last_day, date(2025, 3, 4));
        assert_eq!(d.term, Term::WorkingDays(2));
    }

    #[test]
    fn independence_day_is_counted_as_a_working_day_only_under_martial_law() {
        let friday = kyiv(2026, 8, 21, 12, 0);
        assert_eq!(due_date(DeadlineRule::PetitionPublication, friday, &martial()), date(2026, 8, 25));
        assert_eq!(due_date(DeadlineRule::PetitionPublication, friday, &peacetime()), date(2026, 8, 26));
        let war = compute(&DeadlineRule::PetitionPublication, friday, &martial());
        assert!(
            war.steps.iter().any(|s| s.starts_with("Counted as working days") && s.contains("Monday 24 August 2026"))
        );
    }

    #[test]
    fn ten_working_days_of_consideration_span_two_weekends() {
        // Announced Wednesday 5 March 2025; 6, 7, 10–14, 17, 18, 19 March.
        let d = compute(&DeadlineRule::PetitionConsideration, kyiv(2025, 3, 5, 12, 0), &martial());
        assert_eq!(d.due_date, date(2025, 3, 19));
        assert!(
            d.steps
                .iter()
                .any(|s| { s.starts_with("Not counted, as non-working days: Saturday 8 March 2025 (weekend)") })
        );
    }

    #[test]
    fn in_peacetime_working_days_skip_the_transferred_days_off_after_easter() {
        // Friday 30 April 2021: Sat 1 May, Easter Sun 2 May, Mon 3 and Tue 4 May off; 2021 was peacetime.
        let at = kyiv(2021, 4, 30, 12, 0);
        assert_eq!(due_date(DeadlineRule::PetitionPublication, at, &martial()), date(2021, 5, 6));
        // The same weekend in 2027, in peace and under martial law.
        let at = kyiv(2027, 4, 30, 12, 0);
        assert_eq!(due_date(DeadlineRule::PetitionPublication, at, &peacetime()), date(2027, 5, 6));
        assert_eq!(due_date(DeadlineRule::PetitionPublication, at, &martial()), date(2027, 5, 4));
    }

    #[test]
    fn an_extension_beyond_45_days_is_capped_at_45_days_from_receipt() {
        let received = kyiv(2025, 3, 3, 10, 0);
        let current = compute(&DeadlineRule::AppealStandard, received, &martial());
        assert_eq!(current.due_date, date(2025, 4, 3));
        let d = extend(received, current.due_at, ExtensionRequest::TotalDays(60), &martial()).unwrap();
        assert_eq!(d.due_date, date(2025, 4, 17));
        assert_eq!(d.term, Term::Days(45));
        assert!(d.capped);
        assert!(d.steps.iter().any(|s| s.contains("capped at 45 days")));
        assert!(d.steps[1].contains("a total of 60 days"), "{:?}", d.steps);
    }

    #[test]
    fn an_extension_within_45_days_rolls_over_a_weekend_and_is_not_capped() {
        let received = kyiv(2025, 3, 3, 10, 0);
        let current = compute(&DeadlineRule::AppealStandard, received, &martial());
        let d = extend(received, current.due_at, ExtensionRequest::TotalDays(40), &martial()).unwrap();
        assert_eq!(d.nominal_last_day, date(2025, 4, 12));
        assert_eq!(d.due_date, date(2025, 4, 14));
        assert!(!d.capped);
    }

    #[test]
    fn an_extension_to_a_date_after_the_cap_ends_at_the_cap() {
        let received = kyiv(2025, 3, 3, 10, 0);
        let current = compute(&DeadlineRule::AppealStandard, received, &martial());
        let d = extend(received, current.due_at, ExtensionRequest::NewDueDate(date(2025, 5, 1)), &martial()).unwrap();
        assert_eq!(d.due_date, date(2025, 4, 17));
        assert!(d.capped);
        let within =
            extend(received, current.due_at, ExtensionRequest::NewDueDate(date(2025, 4, 10)), &martial()).unwrap();
        assert_eq!(within.due_date, date(2025, 4, 10));
        assert_eq!(within.rule, DeadlineRule::AppealExtension { total_days: 38 });
    }

    #[test]
    fn an_extension_that_does_not_move_the_deadline_later_is_refused() {
        let received = kyiv(2025, 3, 3, 10, 0);
        let current = compute(&DeadlineRule::AppealStandard, received, &martial());
        let earlier = extend(received, current.due_at, ExtensionRequest::TotalDays(20), &martial());
        assert!(matches!(earlier, Err(ExtensionError::NotLater { capped: false, .. })));
        assert_eq!(
            extend(received, current.due_at, ExtensionRequest::TotalDays(0), &martial()),
            Err(ExtensionError::ZeroDays)
        );

        let at_cap = extend(received, current.due_at, ExtensionRequest::TotalDays(45), &martial()).unwrap();
        let again = extend(received, at_cap.due_at, ExtensionRequest::TotalDays(90), &martial()).unwrap_err();
        assert!(again.to_string().contains("may not exceed 45 days"), "{again}");
    }

    #[test]
    fn six_urgency_hours_across_the_spring_clock_change_are_six_real_hours() {
        let at = kyiv(2026, 3, 29, 0, 30);
        assert_eq!(at, utc(2026, 3, 28, 22, 30));
        let d = compute(&DeadlineRule::UrgencyHours(6), at, &martial());
        assert_eq!(d.due_at - at, Duration::hours(6));
        let local = d.due_at.with_timezone(&KYIV);
        assert_eq!((local.hour(), local.minute()), (7, 30));
        assert_eq!(local.format("%:z").to_string(), "+03:00");
        assert_eq!(d.due_date, date(2026, 3, 29));
        assert!(!d.capped);
        assert!(d.steps.iter().any(|s| s.contains("UTC+02:00 to UTC+03:00")));
    }

    #[test]
    fn urgency_hours_longer_than_a_month_are_capped_at_the_standard_term() {
        let at = kyiv(2025, 2, 28, 15, 0);
        let d = compute(&DeadlineRule::UrgencyHours(2000), at, &martial());
        assert!(d.capped);
        assert_eq!(d.due_date, date(2025, 3, 28));
        assert_eq!(d.due_at, kyiv(2025, 3, 29, 0, 0));
    }

    #[test]
    fn urgency_days_above_30_are_clamped_and_never_outlast_a_month() {
        let d = compute(&DeadlineRule::UrgencyDays(40), kyiv(2025, 3, 3, 10, 0), &martial());
        assert_eq!(d.term, Term::Days(30));
        assert_eq!(d.due_date, date(2025, 4, 2));
        assert!(d.capped);

        // 30 days from 31 January would be 2 March, past the month term of 28 February.
        let feb = compute(&DeadlineRule::UrgencyDays(30), kyiv(2025, 1, 31, 10, 0), &martial());
        assert_eq!(feb.due_date, date(2025, 2, 28));
        assert!(feb.capped);

        let short = compute(&DeadlineRule::UrgencyDays(3), kyiv(2025, 3, 3, 10, 0), &martial());
        assert_eq!(short.due_date, date(2025, 3, 6));
        assert!(!short.capped);
    }

    #[test]
    fn an_instant_at_22_30_utc_on_30_june_is_received_on_1_july_in_kyiv() {
        let d = compute(&DeadlineRule::Forwarding, utc(2026, 6, 30, 22, 30), &martial());
        assert_eq!(d.start_date, date(2026, 7, 2));
        assert_eq!(d.nominal_last_day, date(2026, 7, 6));
        assert!(d.steps[0].contains("Wednesday 1 July 2026"));
    }

    #[test]
    fn due_at_is_kyiv_midnight_at_plus_two_in_winter_and_plus_three_in_summer() {
        let winter = compute(&DeadlineRule::AppealNoStudy, kyiv(2026, 1, 5, 10, 0), &martial());
        assert_eq!(winter.due_date, date(2026, 1, 20));
        assert_eq!(winter.due_at, utc(2026, 1, 20, 22, 0));

        let summer = compute(&DeadlineRule::AppealNoStudy, kyiv(2026, 7, 1, 10, 0), &martial());
        assert_eq!(summer.due_date, date(2026, 7, 16));
        assert_eq!(summer.due_at, utc(2026, 7, 16, 21, 0));
    }

    #[test]
    fn deadlines_either_side_of_the_autumn_clock_change_end_at_the_matching_kyiv_midnight() {
        // Clocks go back on Sunday 25 October 2026.
        let friday = compute(&DeadlineRule::Forwarding, kyiv(2026, 10, 18, 10, 0), &martial());
        assert_eq!(friday.due_date, date(2026, 10, 23));
        assert_eq!(friday.due_at, utc(2026, 10, 23, 21, 0));

        // 10 days from 14 October is Saturday 24 October, rolled to Monday 26 October.
        let monday = compute(&DeadlineRule::ReturnNonConforming, kyiv(2026, 10, 14, 10, 0), &martial());
        assert_eq!(monday.nominal_last_day, date(2026, 10, 24));
        assert_eq!(monday.due_date, date(2026, 10, 26));
        assert_eq!(monday.due_at, utc(2026, 10, 26, 22, 0));
    }

    #[test]
    fn rules_serialize_as_snake_case_and_deadlines_round_trip_through_json() {
        let rule = serde_json::to_string(&DeadlineRule::UrgencyHours(6)).unwrap();
        assert_eq!(rule, r#"{"urgency_hours":6}"#);
        assert_eq!(serde_json::to_string(&DeadlineRule::AppealNoStudy).unwrap(), r#""appeal_no_study""#);
        let d = compute(&DeadlineRule::AppealStandard, kyiv(2025, 2, 28, 15, 0), &martial());
        let json = serde_json::to_string(&d).unwrap();
        assert!(json.contains(r#""due_at":"2025-03-28T22:00:00Z""#), "{json}");
        assert_eq!(serde_json::from_str::<Deadline>(&json).unwrap(), d);
    }

    #[test]
    fn rules_and_terms_describe_themselves() {
        assert_eq!(DeadlineRule::AppealStandard.term(), Term::Months(1));
        assert_eq!(Term::WorkingDays(2).to_string(), "2 working days");
        assert_eq!(Term::Days(1).to_string(), "1 day");
        assert_eq!(ordinal(21), "21st");
        assert_eq!(ordinal(12), "12th");
    }

    // --- Terms that cross a change of the law -------------------------------------------------

    #[test]
    fn fifteen_days_from_18_december_2021_end_on_tuesday_4_january_2022() {
        let d = compute(&DeadlineRule::AppealNoStudy, kyiv(2021, 12, 18, 12, 0), &martial());
        assert_eq!(d.nominal_last_day, date(2022, 1, 2));
        assert_eq!(d.due_date, date(2022, 1, 4));
        assert!(
            d.steps.iter().any(|s| s.contains("Monday 3 January 2022 (day off transferred from New Year)")),
            "{:?}",
            d.steps
        );
        assert!(
            d.steps.iter().any(|s| s.contains("Law 2211-VIII") && s.contains("Statehood Day on 28 July")),
            "{:?}",
            d.steps
        );
    }

    #[test]
    fn two_working_days_over_christmas_2017_skip_the_new_holiday_of_25_december() {
        // Friday 22 December 2017: Saturday, Sunday, Monday 25 December (Law 2211-VIII) are not counted.
        let d = compute(&DeadlineRule::PetitionPublication, kyiv(2017, 12, 22, 12, 0), &martial());
        assert_eq!(d.due_date, date(2017, 12, 27));
        assert!(d.steps.iter().any(|s| {
            s.contains("Each day was judged by the holiday list of Labour Code art. 73 as amended by Law 2211-VIII")
        }));
    }

    #[test]
    fn fifteen_days_to_easter_2022_are_not_moved_past_monday_under_law_2136() {
        // 15 days from 9 April 2022 end on Sunday 24 April (Easter); Monday 25 April is a working day.
        let d = compute(&DeadlineRule::AppealNoStudy, kyiv(2022, 4, 9, 12, 0), &martial());
        assert_eq!(d.due_date, date(2022, 4, 25));
        // From 4 March 2022 ten working days skip 8 March, still a day off before Law 2136-IX applied.
        let p = compute(&DeadlineRule::PetitionConsideration, kyiv(2022, 3, 4, 12, 0), &martial());
        assert_eq!(p.due_date, date(2022, 3, 21));
        assert!(p.steps.iter().any(|s| s.contains("before Law 2136-IX applied")), "{:?}", p.steps);
    }

    #[test]
    fn a_day_term_straddling_the_end_of_martial_law_counts_each_day_by_its_own_rule() {
        let at = kyiv(2026, 8, 9, 10, 0);
        // Ends before 24 August: Independence Day is a day off again.
        let ended = compute(&DeadlineRule::AppealNoStudy, at, &ending_on(date(2026, 8, 20)));
        assert_eq!(ended.due_date, date(2026, 8, 25));
        assert!(ended.steps.iter().any(|s| s.starts_with("The law changed during the term")), "{:?}", ended.steps);
        // Ends the day after: 24 August was still under martial law.
        assert_eq!(
            compute(&DeadlineRule::AppealNoStudy, at, &ending_on(date(2026, 8, 25))).due_date,
            date(2026, 8, 24)
        );
    }

    #[test]
    fn a_month_term_straddling_the_end_of_martial_law_rolls_over_the_holiday_of_peace() {
        let at = kyiv(2026, 7, 24, 10, 0);
        assert_eq!(compute(&DeadlineRule::AppealStandard, at, &martial()).due_date, date(2026, 8, 24));
        assert_eq!(
            compute(&DeadlineRule::AppealStandard, at, &ending_on(date(2026, 8, 1))).due_date,
            date(2026, 8, 25)
        );
    }

    #[test]
    fn working_days_straddling_the_end_of_martial_law_skip_the_holiday_after_it() {
        let friday = kyiv(2026, 8, 21, 12, 0);
        assert_eq!(
            due_date(DeadlineRule::PetitionPublication, friday, &ending_on(date(2026, 8, 24))),
            date(2026, 8, 26)
        );
        assert_eq!(
            due_date(DeadlineRule::PetitionPublication, friday, &ending_on(date(2026, 8, 25))),
            date(2026, 8, 25)
        );
    }
}
