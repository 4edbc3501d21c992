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

/// Orthodox Easter Sunday for `year`, as a Gregorian date.
///
/// The Ukrainian holiday follows the Julian computus (Meeus' algorithm); the
/// Julian date is shifted by the calendar difference of the century, which is
/// 13 days for 1900–2099 and grows by one in every century year not divisible
/// by 400 (so 14 days for 2100–2199).
///
/// # Panics
/// Only for years outside chrono's representable range (beyond ±262 000).
pub fn orthodox_easter(year: i32) -> NaiveDate {
    try_orthodox_easter(year).expect("year within chrono's representable range")
}

fn try_orthodox_easter(year: i32) -> Option<NaiveDate> {
    let a = year.rem_euclid(4);
    let b = year.rem_euclid(7);
    let c = year.rem_euclid(19);
    let d = (19 * c + 15) % 30;
    let e = (2 * a + 4 * b - d + 34).rem_euclid(7);
    let month = (d + e + 114) / 31;
    let day = (d + e + 114) % 31 + 1;
    // March/April have the same lengths in both calendars, so the Julian
    // month/day can be built as a Gregorian date and then shifted.
    let julian = NaiveDate::from_ymd_opt(year, month as u32, day as u32)?;
    let shift = year.div_euclid(100) - year.div_euclid(400) - 2;
    julian.checked_add_days(Days::new(u64::try_from(shift).ok()?))
}

pub mod law;

pub use law::{
    HolidayDate, HolidayVersion, HolidayVersionId, MartialLaw, Period, SUPPORTED_FROM, SUPPORTED_UNTIL,
    UnsupportedDate, holiday_version_on, supported, supported_range_text, supported_years,
};

/// A public holiday of Labour Code art. 73, in any version the calendar knows (see [`law`]).
///
/// Serialized as its stable snake_case code, e.g. `"independence_day"`. Names are today's names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HolidayKind {
    NewYear,
    /// 7 January, until the 2023 amendment.
    OrthodoxChristmas,
    WomensDay,
    Easter,
    Trinity,
    LabourDay,
    /// 2 May, until Law 2211-VIII (2017).
    LabourDaySecond,
    /// 9 May, until 2023.
    VictoryDay,
    /// 8 May, since 2023.
    RemembranceAndVictoryDay,
    ConstitutionDay,
    StatehoodDay,
    IndependenceDay,
    DefendersDay,
    /// 25 December, since Law 2211-VIII (2017).
    Christmas,
}

// Stable machine codes (the same strings serde uses).
codes!(HolidayKind {
    NewYear => "new_year", OrthodoxChristmas => "orthodox_christmas", WomensDay => "womens_day",
    Easter => "easter", Trinity => "trinity", LabourDay => "labour_day", LabourDaySecond => "labour_day_second",
    VictoryDay => "victory_day", RemembranceAndVictoryDay => "remembrance_and_victory_day",
    ConstitutionDay => "constitution_day", StatehoodDay => "statehood_day", IndependenceDay => "independence_day",
    DefendersDay => "defenders_day", Christmas => "christmas",
});

impl HolidayKind {
    /// Name as written in Labour Code art. 73.
    pub fn name_uk(self) -> &'static str {
        match self {
            Self::NewYear => "Новий рік",
            Self::OrthodoxChristmas => "Різдво Христове (7 січня)",
            Self::WomensDay => "Міжнародний жіночий день",
            Self::Easter => "Пасха (Великдень)",
            Self::Trinity => "Трійця",
            Self::LabourDay => "День праці",
            Self::LabourDaySecond => "День міжнародної солідарності трудящих (2 травня)",
            Self::VictoryDay => "День перемоги над нацизмом у Другій світовій війні (День перемоги)",
            Self::RemembranceAndVictoryDay => {
                "День пам'яті та перемоги над нацизмом у Другій світовій війні 1939–1945 років"
            }
            Self::ConstitutionDay => "День Конституції України",
            Self::StatehoodDay => "День Української Державності",
            Self::IndependenceDay => "День Незалежності України",
            Self::DefendersDay => "День захисників і захисниць України",
            Self::Christmas => "Різдво Христове",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            Self::NewYear => "New Year",
            Self::OrthodoxChristmas => "Christmas, 7 January",
            Self::WomensDay => "International Women's Day",
            Self::Easter => "Easter",
            Self::Trinity => "Trinity",
            Self::LabourDay => "Labour Day",
            Self::LabourDaySecond => "Labour Day, second day",
            Self::VictoryDay => "Victory Day",
            Self::RemembranceAndVictoryDay => "Day of Remembrance and Victory over Nazism",
            Self::ConstitutionDay => "Constitution Day",
            Self::StatehoodDay => "Ukrainian Statehood Day",
            Self::IndependenceDay => "Independence Day",
            Self::DefendersDay => "Defenders Day",
            Self::Christmas => "Christmas",
        }
    }
}

impl HolidayDate {
    /// The date in `year`, if representable.
    pub fn in_year(self, year: i32) -> Option<NaiveDate> {
        match self {
            Self::Fixed { month, day } => NaiveDate::from_ymd_opt(year, month, day),
            Self::Easter => try_orthodox_easter(year),
            // Trinity (Pentecost) is the seventh Sunday after Easter.
            Self::Trinity => try_orthodox_easter(year)?.checked_add_days(Days::new(49)),
        }
    }
}

/// One occurrence of a public holiday, with the version of art. 73 that made it one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holiday {
    pub date: NaiveDate,
    pub kind: HolidayKind,
    pub version: HolidayVersionId,
}

/// The public holidays of `year` (Labour Code art. 73), sorted by date: each date is judged by the
/// version of the list in force on it, so 2023 has 7 January and 1 October but not 14 October.
pub fn public_holidays(year: i32) -> Vec<Holiday> {
    let mut out: Vec<Holiday> = law::HOLIDAY_VERSIONS
        .iter()
        .flat_map(|v| v.holidays.iter().map(move |&(kind, rule)| (v, kind, rule)))
        .filter_map(|(v, kind, rule)| {
            let date = rule.in_year(year)?;
            (holiday_version_on(date).id == v.id).then_some(Holiday { date, kind, version: v.id })
        })
        .collect();
    out.sort_by_key(|h| (h.date, h.kind));
    out
}

/// The holiday on `date` under the version in force that day (the first one when two coincide).
pub fn holiday_on(date: NaiveDate) -> Option<Holiday> {
    let version = holiday_version_on(date);
    version.holidays.iter().find(|(_, rule)| rule.in_year(date.year()) == Some(date)).map(|&(kind, _)| Holiday {
        date,
        kind,
        version: version.id,
    })
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// A dated decision recorded by an administrator (e.g. a Cabinet resolution
/// declaring a day off, or a working Saturday). It beats every other rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayOverride {
    pub working: bool,
    pub note: String,
}

/// The law applied to one date: the holiday list in force and the martial-law period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Regime {
    pub version: HolidayVersionId,
    pub period: Period,
}

impl Regime {
    /// E.g. "the holiday list of Labour Code art. 73 as amended by Law 2211-VIII, in peacetime (…)".
    pub fn describe(&self) -> String {
        format!("the holiday list of {}, {}", self.version.version().title, self.period.describe())
    }
}

/// Why a date is (or is not) a working day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DayReason {
    /// Monday–Friday with nothing special.
    Weekday,
    /// Saturday or Sunday (also when a holiday falls on it under martial law).
    Weekend,
    /// A public holiday that is a day off (Labour Code art. 73).
    Holiday { holiday: HolidayKind },
    /// A public holiday on a weekday that is worked because martial law
    /// suspends art. 73 (Law 2136-IX art. 6).
    HolidayWorkedUnderMartialLaw { holiday: HolidayKind },
    /// The day off moved here because `holiday` fell on a weekend
    /// (Labour Code art. 67), where holidays are days off.
    TransferredDayOff { holiday: HolidayKind, holiday_date: NaiveDate },
    /// An administrator's dated override.
    Override { working: bool, note: String },
}

/// The verdict for one date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayInfo {
    pub date: NaiveDate,
    pub working: bool,
    pub reason: DayReason,
    /// The law applied on this date.
    pub regime: Regime,
}

impl DayInfo {
    /// One English sentence a citizen can read, e.g. "Working day: 24 August
    /// (Independence Day) is a public holiday, but under martial law …".
    pub fn explain(&self) -> String {
        let prefix = if self.working { "Working day" } else { "Non-working day" };
        let date = self.date.format("%A %-d %B %Y");
        match &self.reason {
            DayReason::Weekday => format!("{prefix}: {date} is an ordinary weekday."),
            DayReason::Weekend => format!("{prefix}: {date} is a weekend day."),
            DayReason::Holiday { holiday } => format!(
                "{prefix}: {} ({}) is a public holiday (Labour Code art. 73).",
                self.date.format("%-d %B"),
                holiday.name_en()
            ),
            DayReason::HolidayWorkedUnderMartialLaw { holiday } => format!(
                "{prefix}: {} ({}) is a public holiday, but under martial law \
                 (Law 2136-IX art. 6) holidays are working days.",
                self.date.format("%-d %B"),
                holiday.name_en()
            ),
            DayReason::TransferredDayOff { holiday, holiday_date } => format!(
                "{prefix}: {date} is the day off transferred from {} ({}), which fell on a {} \
                 (Labour Code art. 67).",
                holiday_date.format("%-d %B"),
                holiday.name_en(),
                holiday_date.format("%A")
            ),
            DayReason::Override { working, note } => {
                let what = if *working { "a working day" } else { "a day off" };
                if note.is_empty() {
                    format!("{prefix}: {date} was declared {what} by an official decision.")
                } else {
                    format!("{prefix}: {date} was declared {what} by an official decision ({note}).")
                }
            }
        }
    }

    /// A few words for lists of skipped days, e.g. "weekend" or "Easter".
    pub fn short_reason(&self) -> String {
        match &self.reason {
            DayReason::Weekday => "weekday".to_owned(),
            DayReason::Weekend => "weekend".to_owned(),
            DayReason::Holiday { holiday } | DayReason::HolidayWorkedUnderMartialLaw { holiday } => {
                holiday.name_en().to_owned()
            }
            DayReason::TransferredDayOff { holiday, .. } => {
                format!("day off transferred from {}", holiday.name_en())
            }
            DayReason::Override { working: true, .. } => "declared a working day".to_owned(),
            DayReason::Override { working: false, .. } => "declared a day off".to_owned(),
        }
    }
}

/// Judges dates one after another, working out each year's transfers (art. 67) once, and only where
/// holidays are days off: under martial law nothing is transferred.
struct DayCursor<'a> {
    calendar: &'a Calendar,
    transfers: BTreeMap<i32, BTreeMap<NaiveDate, Holiday>>,
}

impl<'a> DayCursor<'a> {
    fn new(calendar: &'a Calendar) -> Self {
        DayCursor { calendar, transfers: BTreeMap::new() }
    }

    fn day(&mut self, date: NaiveDate) -> DayInfo {
        let calendar = self.calendar;
        if !calendar.martial_law.period_on(date).holidays_are_days_off() {
            return calendar.day_with(date, &BTreeMap::new());
        }
        let transfers = self.transfers.entry(date.year()).or_insert_with(|| calendar.transferred_days_off(date.year()));
        calendar.day_with(date, transfers)
    }
}

/// A run of consecutive dates judged by the same law.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegimeSpan {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub regime: Regime,
}

/// Decides which Kyiv dates are working days, each by the law in force on it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Calendar {
    martial_law: MartialLaw,
    overrides: BTreeMap<NaiveDate, DayOverride>,
}

impl Calendar {
    /// `martial_law` says when martial law ended, if it has.
    pub fn new(martial_law: MartialLaw, overrides: BTreeMap<NaiveDate, DayOverride>) -> Self {
        Self { martial_law, overrides }
    }

    pub fn martial_law(&self) -> MartialLaw {
        self.martial_law
    }

    pub fn overrides(&self) -> &BTreeMap<NaiveDate, DayOverride> {
        &self.overrides
    }

    /// The law applied on `date`.
    pub fn regime_on(&self, date: NaiveDate) -> Regime {
        Regime { version: holiday_version_on(date).id, period: self.martial_law.period_on(date) }
    }

    /// The runs of dates from `from` to `to` (inclusive) judged by one law each, in order.
    pub fn regimes_between(&self, from: NaiveDate, to: NaiveDate) -> Vec<RegimeSpan> {
        let mut spans: Vec<RegimeSpan> = Vec::new();
        for date in from.iter_days().take_while(|d| *d <= to) {
            let regime = self.regime_on(date);
            match spans.last_mut() {
                Some(span) if span.regime == regime => span.to = date,
                _ => spans.push(RegimeSpan { from: date, to: date, regime }),
            }
        }
        spans
    }

    /// The verdict for `date`, with its reason.
    pub fn day(&self, date: NaiveDate) -> DayInfo {
        DayCursor::new(self).day(date)
    }

    /// The verdicts for `from` to `to` inclusive, in order (each year's transfers worked out once).
    pub fn days_between(&self, from: NaiveDate, to: NaiveDate) -> Vec<DayInfo> {
        let mut cursor = DayCursor::new(self);
        from.iter_days().take_while(|d| *d <= to).map(|d| cursor.day(d)).collect()
    }

    fn day_with(&self, date: NaiveDate, transfers: &BTreeMap<NaiveDate, Holiday>) -> DayInfo {
        let regime = self.regime_on(date);
        let days_off = regime.period.holidays_are_days_off();
        let holiday = holiday_on(date).map(|h| h.kind);
        let (working, reason) = if let Some(o) = self.overrides.get(&date) {
            (o.working, DayReason::Override { working: o.working, note: o.note.clone() })
        } else if is_weekend(date) {
            // A weekend stays a day off in every period; where holidays are days off, a holiday on it
            // is reported as the holiday (its day off moves, art. 67).
            match holiday {
                Some(holiday) if days_off => (false, DayReason::Holiday { holiday }),
                _ => (false, DayReason::Weekend),
            }
        } else if let Some(holiday) = holiday {
            if days_off {
                (false, DayReason::Holiday { holiday })
            } else {
                (true, DayReason::HolidayWorkedUnderMartialLaw { holiday })
            }
        } else if let Some(h) = transfers.get(&date).filter(|_| days_off) {
            (false, DayReason::TransferredDayOff { holiday: h.kind, holiday_date: h.date })
        } else {
            (true, DayReason::Weekday)
        };
        DayInfo { date, working, reason, regime }
    }

    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        self.day(date).working
    }

    /// Every non-working date of `year` in order (weekends included), with reasons.
    pub fn non_working_days(&self, year: i32) -> Vec<DayInfo> {
        let Some(first) = NaiveDate::from_ymd_opt(year, 1, 1) else {
            return Vec::new();
        };
        let transfers = self.transferred_days_off(year);
        first
            .iter_days()
            .take_while(|d| d.year() == year)
            .map(|d| self.day_with(d, &transfers))
            .filter(|info| !info.working)
            .collect()
    }

    /// `date` itself if it is a working day, otherwise the first working day
    /// after it — the rollover of Civil Code art. 254 part 5.
    pub fn next_working_day_on_or_after(&self, date: NaiveDate) -> NaiveDate {
        let mut cursor = DayCursor::new(self);
        let mut d = date;
        while !cursor.day(d).working {
            let next = next_day(d);
            if next == d {
                break;
            }
            d = next;
        }
        d
    }

    /// The `n`-th working day after `date`, counting from the next day (the
    /// event day itself never counts, Civil Code art. 253). `n == 0` returns `date`.
    pub fn add_working_days(&self, date: NaiveDate, n: u32) -> NaiveDate {
        self.working_days_after(date, n).0
    }

    /// Like [`Calendar::add_working_days`], also returning every non-working day
    /// skipped on the way so the count can be explained.
    pub fn working_days_after(&self, date: NaiveDate, n: u32) -> (NaiveDate, Vec<DayInfo>) {
        let mut cursor = DayCursor::new(self);
        let mut skipped = Vec::new();
        let mut d = date;
        let mut counted = 0;
        while counted < n {
            let next = next_day(d);
            if next == d {
                break;
            }
            d = next;
            let info = cursor.day(d);
            if info.working {
                counted += 1;
            } else {
                skipped.push(info);
            }
        }
        (d, skipped)
    }

    /// Transfers of days off for holidays that fall on a weekend (Labour Code art. 67 part 3),
    /// wherever holidays are days off: each such holiday moves one day off to the next weekday that
    /// is neither a holiday nor already a transferred day. Holidays are taken in date order, so
    /// 1 May (Sat) and Easter 2 May (Sun) 2021 yield Monday 3 and Tuesday 4 May. The neighbouring
    /// years are included so 25 December or 1 January on a weekend carries over the year's turn.
    /// [`Calendar::day_with`] applies a transfer only on a date where holidays are days off.
    fn transferred_days_off(&self, year: i32) -> BTreeMap<NaiveDate, Holiday> {
        let mut holiday_dates: BTreeSet<NaiveDate> = BTreeSet::new();
        let mut causes: Vec<Holiday> = Vec::new();
        for y in year.saturating_sub(1)..=year.saturating_add(1) {
            for h in public_holidays(y) {
                if !self.martial_law.period_on(h.date).holidays_are_days_off() {
                    continue;
                }
                // Two holidays on one date (Easter on 1 May) give one day off.
                if holiday_dates.insert(h.date) && y <= year && is_weekend(h.date) {
                    causes.push(h);
                }
            }
        }
        let mut transfers = BTreeMap::new();
        for h in causes {
            let mut d = next_day(h.date);
            while is_weekend(d) || holiday_dates.contains(&d) || transfers.contains_key(&d) {
                let next = next_day(d);
                if next == d {
                    break;
                }
                d = next;
            }
            transfers.insert(d, h);
        }
        transfers
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// Martial law ended at the start of 2024, so 2024 onwards is peacetime.
    fn peacetime() -> Calendar {
        Calendar::new(MartialLaw::ended_on(date(2024, 1, 1)), BTreeMap::new())
    }

    /// Martial law still in force.
    fn martial() -> Calendar {
        Calendar::default()
    }

    fn ending_on(end: NaiveDate) -> Calendar {
        Calendar::new(MartialLaw::ended_on(end), BTreeMap::new())
    }

    fn with_override(martial_law: bool, on: NaiveDate, working: bool) -> Calendar {
        let mut overrides = BTreeMap::new();
        overrides.insert(on, DayOverride { working, note: "Cabinet resolution".to_owned() });
        let base = if martial_law { martial() } else { peacetime() };
        Calendar::new(base.martial_law(), overrides)
    }

    #[test]
    fn orthodox_easter_matches_the_published_dates() {
        let known = [
            (2021, date(2021, 5, 2)),
            (2022, date(2022, 4, 24)),
            (2023, date(2023, 4, 16)),
            (2024, date(2024, 5, 5)),
            (2025, date(2025, 4, 20)),
            (2026, date(2026, 4, 12)),
            (2027, date(2027, 5, 2)),
        ];
        for (year, expected) in known {
            assert_eq!(orthodox_easter(year), expected, "Easter {year}");
            assert_eq!(orthodox_easter(year).weekday(), Weekday::Sun);
        }
    }

    #[test]
    fn orthodox_easter_uses_a_fourteen_day_shift_after_2100() {
        // Julian 10 April 2101 + 14 days; with the 20th-century shift of 13 the
        // result would be a Saturday.
        assert_eq!(orthodox_easter(2101), date(2101, 4, 24));
        assert_eq!(orthodox_easter(2101).weekday(), Weekday::Sun);
    }

    #[test]
    fn trinity_is_the_seventh_sunday_after_easter() {
        let trinity = |y| public_holidays(y).into_iter().find(|h| h.kind == HolidayKind::Trinity).unwrap().date;
        assert_eq!(trinity(2025), date(2025, 6, 8));
        assert_eq!(trinity(2026), date(2026, 5, 31));
        assert_eq!(trinity(2024), date(2024, 6, 23));
        assert_eq!(trinity(2026).weekday(), Weekday::Sun);
    }

    #[test]
    fn a_year_has_eleven_public_holidays_in_date_order() {
        let list = public_holidays(2026);
        assert_eq!(list.len(), 11);
        assert!(list.windows(2).all(|w| w[0].date <= w[1].date));
        assert_eq!(list[0].kind.code(), "new_year");
        assert_eq!(list[10].date, date(2026, 12, 25));
        assert_eq!(list[10].kind.name_uk(), "Різдво Христове");
    }

    #[test]
    fn in_peacetime_1_may_and_easter_on_a_weekend_move_days_off_to_monday_and_tuesday() {
        let cal = peacetime();
        let mon = cal.day(date(2021, 5, 3));
        let tue = cal.day(date(2021, 5, 4));
        assert!(!mon.working);
        assert!(!tue.working);
        assert_eq!(
            mon.reason,
            DayReason::TransferredDayOff { holiday: HolidayKind::LabourDay, holiday_date: date(2021, 5, 1) }
        );
        assert_eq!(
            tue.reason,
            DayReason::TransferredDayOff { holiday: HolidayKind::Easter, holiday_date: date(2021, 5, 2) }
        );
        assert!(cal.is_working_day(date(2021, 5, 5)));
    }

    #[test]
    fn under_martial_law_nothing_is_transferred_after_a_weekend_holiday() {
        // 1 May 2027 is a Saturday and Easter 2 May 2027 a Sunday, as in 2021.
        let cal = martial();
        assert!(cal.is_working_day(date(2027, 5, 3)));
        assert_eq!(cal.day(date(2027, 5, 3)).reason, DayReason::Weekday);
        assert_eq!(cal.day(date(2027, 5, 1)).reason, DayReason::Weekend);
        assert!(!peacetime().is_working_day(date(2027, 5, 4)));
    }

    #[test]
    fn under_martial_law_independence_day_2026_is_a_working_monday() {
        let info = martial().day(date(2026, 8, 24));
        assert_eq!(info.date.weekday(), Weekday::Mon);
        assert!(info.working);
        assert_eq!(info.reason, DayReason::HolidayWorkedUnderMartialLaw { holiday: HolidayKind::IndependenceDay });
        assert_eq!(
            info.explain(),
            "Working day: 24 August (Independence Day) is a public holiday, but under martial law \
             (Law 2136-IX art. 6) holidays are working days."
        );
    }

    #[test]
    fn in_peacetime_independence_day_2026_is_a_day_off() {
        let info = peacetime().day(date(2026, 8, 24));
        assert!(!info.working);
        assert_eq!(info.reason, DayReason::Holiday { holiday: HolidayKind::IndependenceDay });
    }

    #[test]
    fn a_christmas_on_saturday_gives_monday_off_and_new_year_on_saturday_gives_the_next_monday_off() {
        let cal = peacetime();
        assert_eq!(date(2027, 12, 25).weekday(), Weekday::Sat);
        assert!(!cal.is_working_day(date(2027, 12, 27)));
        assert!(cal.is_working_day(date(2027, 12, 28)));
        assert_eq!(date(2028, 1, 1).weekday(), Weekday::Sat);
        assert!(!cal.is_working_day(date(2028, 1, 3)));
        assert!(cal.is_working_day(date(2028, 1, 4)));
    }

    #[test]
    fn an_override_declaring_a_weekday_off_wins_in_both_modes() {
        let wednesday = date(2025, 3, 12);
        for martial_law in [true, false] {
            let cal = with_override(martial_law, wednesday, false);
            let info = cal.day(wednesday);
            assert!(!info.working);
            assert!(matches!(info.reason, DayReason::Override { working: false, .. }));
            assert!(info.explain().contains("Cabinet resolution"));
        }
    }

    #[test]
    fn an_override_declaring_a_saturday_or_a_peacetime_holiday_working_wins() {
        let saturday = date(2025, 3, 15);
        assert!(with_override(true, saturday, true).is_working_day(saturday));
        let independence = date(2026, 8, 24);
        assert!(with_override(false, independence, true).is_working_day(independence));
        assert!(!peacetime().is_working_day(independence));
    }

    #[test]
    fn under_martial_law_2025_has_only_its_104_weekend_days_off() {
        let days = martial().non_working_days(2025);
        assert_eq!(days.len(), 104);
        assert!(days.iter().all(|d| d.reason == DayReason::Weekend));
        assert!(days.windows(2).all(|w| w[0].date < w[1].date));
    }

    #[test]
    fn in_peacetime_2025_has_115_days_off_with_five_transfers() {
        let days = peacetime().non_working_days(2025);
        // 104 weekend days + 6 weekday holidays + 5 transfers (8 Mar, Easter,
        // Trinity, 28 Jun and 24 Aug fell on weekends).
        assert_eq!(days.len(), 115);
        let transfers: Vec<NaiveDate> =
            days.iter().filter(|d| matches!(d.reason, DayReason::TransferredDayOff { .. })).map(|d| d.date).collect();
        assert_eq!(
            transfers,
            vec![date(2025, 3, 10), date(2025, 4, 21), date(2025, 6, 9), date(2025, 6, 30), date(2025, 8, 25)]
        );
    }

    #[test]
    fn an_override_adds_to_the_yearly_count_of_days_off() {
        let cal = with_override(true, date(2025, 12, 31), false);
        assert_eq!(cal.non_working_days(2025).len(), 105);
    }

    #[test]
    fn two_working_days_after_a_friday_is_the_tuesday() {
        let friday = date(2025, 2, 28);
        assert_eq!(martial().add_working_days(friday, 2), date(2025, 3, 4));
        assert_eq!(martial().add_working_days(friday, 0), friday);
    }

    #[test]
    fn the_next_working_day_after_a_peacetime_easter_weekend_is_wednesday() {
        assert_eq!(peacetime().next_working_day_on_or_after(date(2027, 5, 1)), date(2027, 5, 5));
        assert_eq!(martial().next_working_day_on_or_after(date(2027, 5, 1)), date(2027, 5, 3));
        // 2021 was peacetime whatever the calendar says about today.
        assert_eq!(martial().next_working_day_on_or_after(date(2021, 5, 1)), date(2021, 5, 5));
    }

    #[test]
    fn an_instant_late_in_the_utc_evening_is_already_the_next_day_in_kyiv() {
        let instant = Utc.with_ymd_and_hms(2026, 6, 30, 22, 30, 0).unwrap();
        assert_eq!(kyiv_date(instant), date(2026, 7, 1));
    }

    #[test]
    fn kyiv_midnight_is_22_00_utc_in_winter_and_21_00_utc_in_summer() {
        assert_eq!(kyiv_start_of_day(date(2026, 1, 15)), Utc.with_ymd_and_hms(2026, 1, 14, 22, 0, 0).unwrap());
        assert_eq!(kyiv_start_of_day(date(2026, 7, 15)), Utc.with_ymd_and_hms(2026, 7, 14, 21, 0, 0).unwrap());
        // The spring-forward Sunday starts at winter time, the fall-back one at summer time.
        assert_eq!(kyiv_end_of_day(date(2026, 3, 28)), Utc.with_ymd_and_hms(2026, 3, 28, 22, 0, 0).unwrap());
        assert_eq!(kyiv_end_of_day(date(2026, 10, 24)), Utc.with_ymd_and_hms(2026, 10, 24, 21, 0, 0).unwrap());
    }

    // --- The law as of any date: versions of art. 73 and martial-law periods -----------------

    fn reason(cal: &Calendar, d: NaiveDate) -> DayReason {
        cal.day(d).reason
    }

    #[test]
    fn the_2015_list_has_2_may_and_no_25_december_and_the_2017_law_swaps_them() {
        let cal = martial();
        // Tuesday 2 May 2017: a day off under the 2015 list.
        assert_eq!(reason(&cal, date(2017, 5, 2)), DayReason::Holiday { holiday: HolidayKind::LabourDaySecond });
        // The version boundary: 30 November 2017 (day before), 1 December (day of), 2 December (after).
        assert_eq!(cal.regime_on(date(2017, 11, 30)).version, HolidayVersionId::Art73As2015);
        assert_eq!(cal.regime_on(date(2017, 12, 1)).version, HolidayVersionId::Art73As2017);
        assert_eq!(cal.regime_on(date(2017, 12, 2)).version, HolidayVersionId::Art73As2017);
        // Monday 25 December 2017 was the first day off for 25 December; Wednesday 2 May 2018 was worked.
        assert_eq!(reason(&cal, date(2017, 12, 25)), DayReason::Holiday { holiday: HolidayKind::Christmas });
        assert_eq!(reason(&cal, date(2018, 5, 2)), DayReason::Weekday);
        assert_eq!(reason(&cal, date(2016, 12, 26)), DayReason::Weekday, "no 25 December in 2016");
    }

    #[test]
    fn easter_on_1_may_2016_and_2_may_give_tuesday_3_may_off() {
        let cal = martial();
        assert_eq!(orthodox_easter(2016), date(2016, 5, 1));
        assert!(!cal.is_working_day(date(2016, 5, 2)));
        assert_eq!(
            reason(&cal, date(2016, 5, 3)),
            DayReason::TransferredDayOff { holiday: HolidayKind::Easter, holiday_date: date(2016, 5, 1) }
        );
        assert!(cal.is_working_day(date(2016, 5, 4)));
    }

    #[test]
    fn new_year_2022_on_a_saturday_moved_the_day_off_to_monday_3_january() {
        let cal = martial();
        assert_eq!(
            reason(&cal, date(2022, 1, 3)),
            DayReason::TransferredDayOff { holiday: HolidayKind::NewYear, holiday_date: date(2022, 1, 1) }
        );
        // 25 December 2021 (Saturday) moved its day off to Monday 27 December.
        assert!(!cal.is_working_day(date(2021, 12, 27)));
        // 7 January 2022, a Friday, was still a day off: martial law was not yet declared.
        assert_eq!(reason(&cal, date(2022, 1, 7)), DayReason::Holiday { holiday: HolidayKind::OrthodoxChristmas });
        assert!(cal.is_working_day(date(2022, 1, 4)));
    }

    #[test]
    fn statehood_day_is_28_july_from_2022_and_15_july_from_the_2023_law() {
        let cal = martial();
        assert_eq!(reason(&cal, date(2021, 7, 28)), DayReason::Weekday);
        assert_eq!(cal.regime_on(date(2021, 12, 31)).version, HolidayVersionId::Art73As2017);
        assert_eq!(cal.regime_on(date(2022, 1, 1)).version, HolidayVersionId::Art73As2022);
        let worked = |kind| DayReason::HolidayWorkedUnderMartialLaw { holiday: kind };
        assert_eq!(reason(&cal, date(2022, 7, 28)), worked(HolidayKind::StatehoodDay));
        // The 2023 boundary: Friday 28 July 2023 (day before), Saturday 29 (day of), Sunday 30 (after).
        assert_eq!(reason(&cal, date(2023, 7, 28)), worked(HolidayKind::StatehoodDay));
        assert_eq!(cal.regime_on(date(2023, 7, 28)).version, HolidayVersionId::Art73As2022);
        assert_eq!(cal.regime_on(date(2023, 7, 29)).version, HolidayVersionId::Art73As2023);
        assert_eq!(cal.regime_on(date(2023, 7, 30)).version, HolidayVersionId::Art73As2023);
        assert_eq!(reason(&cal, date(2024, 7, 15)), worked(HolidayKind::StatehoodDay));
        assert_eq!(reason(&cal, date(2024, 7, 29)), DayReason::Weekday);
    }

    #[test]
    fn the_2023_list_drops_7_january_and_moves_9_may_and_14_october() {
        let cal = martial();
        let worked = |kind| DayReason::HolidayWorkedUnderMartialLaw { holiday: kind };
        assert_eq!(reason(&cal, date(2023, 5, 9)), worked(HolidayKind::VictoryDay));
        assert_eq!(reason(&cal, date(2024, 5, 8)), worked(HolidayKind::RemembranceAndVictoryDay));
        assert_eq!(reason(&cal, date(2024, 5, 9)), DayReason::Weekday);
        assert_eq!(reason(&cal, date(2024, 10, 1)), worked(HolidayKind::DefendersDay));
        assert_eq!(reason(&cal, date(2024, 10, 14)), DayReason::Weekday);
        assert_eq!(reason(&cal, date(2025, 1, 7)), DayReason::Weekday);
        let kinds: Vec<HolidayKind> = public_holidays(2023).iter().map(|h| h.kind).collect();
        assert!(kinds.contains(&HolidayKind::OrthodoxChristmas) && kinds.contains(&HolidayKind::VictoryDay));
        assert!(kinds.contains(&HolidayKind::DefendersDay) && !kinds.contains(&HolidayKind::RemembranceAndVictoryDay));
        assert_eq!(
            public_holidays(2023).iter().find(|h| h.kind == HolidayKind::DefendersDay).unwrap().date,
            date(2023, 10, 1)
        );
    }

    #[test]
    fn martial_law_begins_on_24_february_2022_and_its_holiday_rule_on_24_march_2022() {
        let cal = martial();
        assert_eq!(cal.regime_on(date(2022, 2, 23)).period, Period::Peacetime);
        assert_eq!(cal.regime_on(date(2022, 2, 24)).period, Period::MartialLawBeforeLaw2136);
        assert_eq!(cal.regime_on(date(2022, 2, 25)).period, Period::MartialLawBeforeLaw2136);
        // 8 March 2022, a Tuesday, was still a day off.
        assert_eq!(reason(&cal, date(2022, 3, 8)), DayReason::Holiday { holiday: HolidayKind::WomensDay });
        assert_eq!(cal.regime_on(date(2022, 3, 23)).period, Period::MartialLawBeforeLaw2136);
        assert_eq!(cal.regime_on(date(2022, 3, 24)).period, Period::MartialLaw);
        assert_eq!(cal.regime_on(date(2022, 3, 25)).period, Period::MartialLaw);
        // Easter, Sunday 24 April 2022: no day off moved to Monday.
        assert_eq!(reason(&cal, date(2022, 4, 24)), DayReason::Weekend);
        assert_eq!(reason(&cal, date(2022, 4, 25)), DayReason::Weekday);
    }

    #[test]
    fn when_martial_law_ends_holidays_are_days_off_again_from_that_day() {
        // Martial law ends on Monday 24 August 2026, Independence Day.
        let cal = ending_on(date(2026, 8, 24));
        assert_eq!(cal.regime_on(date(2026, 8, 23)).period, Period::MartialLaw);
        assert_eq!(cal.regime_on(date(2026, 8, 24)).period, Period::Peacetime);
        assert_eq!(reason(&cal, date(2026, 8, 24)), DayReason::Holiday { holiday: HolidayKind::IndependenceDay });
        assert!(cal.is_working_day(date(2026, 8, 25)));
        // Ending a day later leaves 24 August a worked holiday.
        let later = ending_on(date(2026, 8, 25));
        assert!(later.is_working_day(date(2026, 8, 24)));
        assert!(!later.is_working_day(date(2026, 8, 22)));
    }

    #[test]
    fn a_holiday_on_a_weekend_under_martial_law_moves_nothing_into_the_peace_that_follows() {
        // 28 June 2026 is a Sunday; martial law ends on Monday 29 June.
        let cal = ending_on(date(2026, 6, 29));
        assert_eq!(reason(&cal, date(2026, 6, 28)), DayReason::Weekend);
        assert!(cal.is_working_day(date(2026, 6, 29)));
        // Had it ended on Saturday 27 June, Monday 29 June would be the transferred day off.
        let earlier = ending_on(date(2026, 6, 27));
        assert!(matches!(reason(&earlier, date(2026, 6, 29)), DayReason::TransferredDayOff { .. }));
    }

    #[test]
    fn the_regimes_of_a_span_are_listed_in_order() {
        let cal = ending_on(date(2026, 8, 24));
        let spans = cal.regimes_between(date(2026, 8, 20), date(2026, 8, 26));
        assert_eq!(spans.len(), 2);
        assert_eq!(
            (spans[0].from, spans[0].to, spans[0].regime.period),
            (date(2026, 8, 20), date(2026, 8, 23), Period::MartialLaw)
        );
        assert_eq!(
            (spans[1].from, spans[1].to, spans[1].regime.period),
            (date(2026, 8, 24), date(2026, 8, 26), Period::Peacetime)
        );
        assert!(spans[1].regime.describe().contains("in peacetime"));
    }

    #[test]
    fn the_supported_dates_run_from_2015_to_2100() {
        assert_eq!(SUPPORTED_FROM, date(2015, 1, 1));
        assert!(supported("from", date(2015, 1, 1)).is_ok());
        assert!(supported("from", date(2100, 12, 31)).is_ok());
        let refused = supported("received_at", date(2014, 12, 31)).unwrap_err();
        assert_eq!(refused.to_string(), format!("`received_at` is 2014-12-31; {}", supported_range_text()));
        assert!(supported("from", date(2101, 1, 1)).is_err());
        assert!(MartialLaw::check_end(date(2022, 2, 24)).is_err());
        assert!(MartialLaw::check_end(date(2026, 9, 1)).is_ok());
    }
}
