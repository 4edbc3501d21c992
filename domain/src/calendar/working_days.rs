//! Working days: the calendar that judges each date by the law in force on it, and why.
use super::*;

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
