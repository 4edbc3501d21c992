//! Working-day calendar of Ukraine, evaluated in the Europe/Kyiv time zone.
//!
//! Legal terms are counted in calendar dates where the council sits, so every
//! instant is first turned into its Kyiv date. Whether a date is a working day
//! depends on the public holidays (Labour Code art. 73), the peacetime transfer
//! of days off (Labour Code art. 67), martial law (Law 2136-IX art. 6, which
//! suspends both) and dated decisions recorded by an administrator.
//!
//! Everything here is pure: no clock reads, no I/O, no global state.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, Days, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

pub mod law;

pub use law::{
    HolidayDate, HolidayVersion, HolidayVersionId, MartialLaw, Period, SUPPORTED_FROM, SUPPORTED_UNTIL,
    UnsupportedDate, holiday_version_on, supported, supported_range_text, supported_years,
};

mod holidays;
mod kyiv;
mod working_days;

pub use holidays::*;
pub use kyiv::*;
pub use working_days::*;

#[cfg(test)]
mod tests;
