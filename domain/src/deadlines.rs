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

mod computing;
mod counting;
mod extension;
mod rules;
mod time_left;

pub use computing::*;
pub use counting::day_containing;
use counting::*;
pub use extension::*;
pub use rules::*;
pub use time_left::{TimeLeft, time_left};

#[cfg(test)]
mod tests;
