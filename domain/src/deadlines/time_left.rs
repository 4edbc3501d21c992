//! How much time is left until a due instant, as a desk shows it beside each item: overdue by so many
//! days, due today, or so many working days left (the terms of petitions count working days).
use chrono::{DateTime, Utc};

use super::{counting::day_containing, kyiv_date};
use crate::calendar::Calendar;

/// The time left until a deadline, in the units people read it in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeLeft {
    /// The last day has passed `days` calendar days ago (at least 1).
    Overdue { days: i64 },
    /// Today is the last day.
    DueToday,
    /// The last day is after today: `working_days` working days from tomorrow up to it (0 when only days
    /// off lie between, e.g. due on a Saturday set by hand).
    WorkingDaysLeft { working_days: u32 },
}

/// The time left at `now` until `due_at` (exclusive: the end of the last day), counted in Kyiv days.
pub fn time_left(due_at: DateTime<Utc>, now: DateTime<Utc>, calendar: &Calendar) -> TimeLeft {
    let last_day = day_containing(due_at);
    let today = kyiv_date(now);
    if now >= due_at {
        return TimeLeft::Overdue { days: (today - last_day).num_days().max(1) };
    }
    if last_day <= today {
        return TimeLeft::DueToday;
    }
    // A term of a few weeks at most: walking the days is cheap and counts each day by the law of that day.
    let working_days =
        today.iter_days().skip(1).take_while(|d| *d <= last_day).filter(|d| calendar.is_working_day(*d)).count();
    TimeLeft::WorkingDaysLeft { working_days: working_days as u32 }
}
