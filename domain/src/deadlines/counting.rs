//! Counting days: the rollover of a last day off (Civil Code art. 254), working days, and how dates are written.
use super::*;

/// Applies Civil Code art. 254 part 5 and narrates it.
pub(super) fn rollover(
    rule: &DeadlineRule,
    nominal: NaiveDate,
    calendar: &Calendar,
    steps: &mut Vec<String>,
) -> NaiveDate {
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
pub(super) fn count_working_days(
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
pub(super) fn plus_months(date: NaiveDate, n: u32) -> NaiveDate {
    date.checked_add_months(Months::new(n)).unwrap_or(NaiveDate::MAX)
}

/// The due date of an exclusive due instant: the Kyiv day it belongs to, so
/// an instant exactly at Kyiv midnight closes the day that just ended. The one
/// place that turns a stored `due_at` into the last day shown to people.
pub fn day_containing(due_at: DateTime<Utc>) -> NaiveDate {
    kyiv_date(due_at - Duration::nanoseconds(1))
}

pub(super) fn long(date: NaiveDate) -> String {
    date.format("%A %-d %B %Y").to_string()
}

pub(super) fn medium(date: NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

pub(super) fn ordinal(n: u32) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}
