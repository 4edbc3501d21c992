//! Time in Kyiv: the date an instant belongs to, and where a Kyiv day begins and ends.
use super::*;

/// Terms are counted "at the place where the action is performed" (Civil Code
/// art. 254 part 5); every council served by Hromada is in this zone.
pub const KYIV: Tz = chrono_tz::Europe::Kyiv;

/// The Kyiv calendar date of an instant: an appeal received at 00:30 Kyiv time
/// belongs to that Kyiv day even though it is still the previous day in UTC.
pub fn kyiv_date(instant: DateTime<Utc>) -> NaiveDate {
    instant.with_timezone(&KYIV).date_naive()
}

/// The instant at which the Kyiv day `date` begins, in UTC.
///
/// Kyiv switches clocks at 03:00/04:00, so midnight always exists, but a tz
/// database change could move that; on a gap we take the first valid instant
/// after midnight, on an overlap the earlier one, and never panic.
pub fn kyiv_start_of_day(date: NaiveDate) -> DateTime<Utc> {
    let midnight = date.and_time(chrono::NaiveTime::MIN);
    for minutes in 0..=24 * 60 {
        let candidate = midnight + chrono::Duration::minutes(minutes);
        match KYIV.from_local_datetime(&candidate) {
            LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => return t.with_timezone(&Utc),
            LocalResult::None => continue,
        }
    }
    // Unreachable with any real tz data; fall back to treating it as UTC.
    NaiveDateTime::and_utc(&midnight)
}

/// The exclusive end of the Kyiv day `date` (= start of the next day), in UTC.
/// Something "due on D" is due before this instant.
pub fn kyiv_end_of_day(date: NaiveDate) -> DateTime<Utc> {
    kyiv_start_of_day(next_day(date))
}

/// The following date, saturating at the end of chrono's range instead of panicking.
pub(crate) fn next_day(date: NaiveDate) -> NaiveDate {
    date.succ_opt().unwrap_or(date)
}

/// `date + n` days, saturating at the end of chrono's range.
pub(crate) fn plus_days(date: NaiveDate, n: u64) -> NaiveDate {
    date.checked_add_days(Days::new(n)).unwrap_or(NaiveDate::MAX)
}
