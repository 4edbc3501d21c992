//! How urgent an open item is for the staff's work queue: overdue, due today, due within the reminder
//! window (working days), or later; and the time left in whole days or hours, for words on the page.
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::{
    calendar::{Calendar, kyiv_date, kyiv_end_of_day},
    deadlines::day_containing,
};

/// The queue's groups, most urgent first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    Overdue,
    DueToday,
    DueSoon,
    Later,
}

impl Urgency {
    pub const ALL: [Urgency; 4] = [Urgency::Overdue, Urgency::DueToday, Urgency::DueSoon, Urgency::Later];

    pub fn code(self) -> &'static str {
        match self {
            Urgency::Overdue => "overdue",
            Urgency::DueToday => "due_today",
            Urgency::DueSoon => "due_soon",
            Urgency::Later => "later",
        }
    }

    /// The group's position (0 = most urgent), as storage sorts by it.
    pub fn rank(self) -> i32 {
        self as i32
    }

    pub fn from_rank(rank: i32) -> Option<Urgency> {
        Urgency::ALL.get(usize::try_from(rank).ok()?).copied()
    }
}

/// The instants that split deadlines into the groups: a deadline (an exclusive due instant) before
/// `now` is overdue, before `today_ends` due today, before `soon_ends` due soon, else later.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UrgencyBounds {
    pub now: DateTime<Utc>,
    pub today_ends: DateTime<Utc>,
    pub soon_ends: DateTime<Utc>,
}

impl UrgencyBounds {
    /// The bounds at `now` for a reminder window of `window_working_days` (the watcher's first
    /// reminder): "due soon" ends with the working day that many working days after today.
    pub fn at(now: DateTime<Utc>, window_working_days: u32, calendar: &Calendar) -> UrgencyBounds {
        let today = kyiv_date(now);
        let last_soon_day = calendar.add_working_days(today, window_working_days);
        UrgencyBounds { now, today_ends: kyiv_end_of_day(today), soon_ends: kyiv_end_of_day(last_soon_day) }
    }

    /// The group of a deadline `due_at` (exclusive).
    pub fn of(&self, due_at: DateTime<Utc>) -> Urgency {
        if due_at <= self.now {
            Urgency::Overdue
        } else if due_at <= self.today_ends {
            Urgency::DueToday
        } else if due_at <= self.soon_ends {
            Urgency::DueSoon
        } else {
            Urgency::Later
        }
    }
}

/// What is left until a deadline, in the unit a person reads best.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "unit", content = "count", rename_all = "snake_case")]
pub enum TimeLeft {
    /// Past the deadline by this many calendar days (0: it passed today).
    OverdueDays(i64),
    /// Due within the next day: hours left (at least 1).
    Hours(i64),
    /// Calendar days until the due date (the last day to answer).
    Days(i64),
}

/// The time left at `now` until `due_at` (an exclusive due instant).
pub fn time_left(now: DateTime<Utc>, due_at: DateTime<Utc>) -> TimeLeft {
    if due_at <= now {
        return TimeLeft::OverdueDays((kyiv_date(now) - day_containing(due_at)).num_days().max(0));
    }
    let hours = (due_at - now).num_hours();
    if hours < 24 {
        return TimeLeft::Hours(hours.max(1));
    }
    TimeLeft::Days((day_containing(due_at) - kyiv_date(now)).num_days())
}

/// The end of the Kyiv week (Monday to Sunday) that `now` falls in: "due this week" is before it.
pub fn week_ends(now: DateTime<Utc>) -> DateTime<Utc> {
    use chrono::Datelike;
    let today = kyiv_date(now);
    let sunday = today + chrono::Days::new(u64::from(6 - today.weekday().num_days_from_monday()));
    kyiv_end_of_day(sunday)
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone};

    use super::*;
    use crate::calendar::kyiv_start_of_day;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn deadlines_fall_into_overdue_today_soon_and_later_counting_working_days() {
        let calendar = Calendar::default();
        // Friday 5 December 2025, 10:00 UTC; three working days on is Wednesday 10 December.
        let now = Utc.with_ymd_and_hms(2025, 12, 5, 10, 0, 0).unwrap();
        let bounds = UrgencyBounds::at(now, 3, &calendar);
        assert_eq!(bounds.of(now - chrono::Duration::hours(1)), Urgency::Overdue);
        assert_eq!(bounds.of(kyiv_end_of_day(day(2025, 12, 5))), Urgency::DueToday);
        assert_eq!(bounds.of(kyiv_end_of_day(day(2025, 12, 10))), Urgency::DueSoon);
        assert_eq!(bounds.of(kyiv_end_of_day(day(2025, 12, 11))), Urgency::Later);
        assert!(Urgency::Overdue < Urgency::Later);
        assert_eq!(Urgency::from_rank(Urgency::DueSoon.rank()), Some(Urgency::DueSoon));
    }

    #[test]
    fn time_left_is_in_days_hours_or_days_overdue() {
        let now = Utc.with_ymd_and_hms(2025, 12, 5, 10, 0, 0).unwrap();
        assert_eq!(time_left(now, kyiv_end_of_day(day(2025, 12, 9))), TimeLeft::Days(4));
        assert_eq!(time_left(now, now + chrono::Duration::minutes(90)), TimeLeft::Hours(1));
        assert_eq!(time_left(now, kyiv_start_of_day(day(2025, 12, 3))), TimeLeft::OverdueDays(3));
        assert_eq!(week_ends(now), kyiv_end_of_day(day(2025, 12, 7)), "Friday's week ends on Sunday");
    }
}
