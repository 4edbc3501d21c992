//! Periods a figure covers: a year, a quarter, a month or a range of days, as written in a URL.
use super::*;

// Periods

/// A closed range of Kyiv calendar dates. Appeals fall into it by the date they were received,
/// petitions by the date they were submitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// The longest range a query may span; a guard against accidental century-long scans.
pub const MAX_PERIOD_DAYS: i64 = 366 * 5;

impl Period {
    /// `2026` (a year), `2026-Q3` (a quarter), `2026-07` (a month) or `2026-07-15` (a day); a refusal
    /// names the field `period`.
    pub fn parse(text: &str) -> Result<Period, DomainError> {
        Self::parse_text(text).map_err(|message| DomainError::invalid("period", message))
    }

    fn parse_text(text: &str) -> Result<Period, String> {
        let text = text.trim();
        let bad = || {
            format!(
                "period '{text}' is not a year (2026), a quarter (2026-Q3), a month (2026-07) or a day (2026-07-15)"
            )
        };
        let parts: Vec<&str> = text.split('-').collect();
        let year: i32 = parts.first().and_then(|y| (y.len() == 4).then(|| y.parse().ok()).flatten()).ok_or_else(bad)?;
        let date = |y: i32, m: u32, d: u32| NaiveDate::from_ymd_opt(y, m, d).ok_or_else(bad);
        let month_end = |y: i32, m: u32| -> Result<NaiveDate, String> {
            let next = if m == 12 { date(y + 1, 1, 1)? } else { date(y, m + 1, 1)? };
            next.pred_opt().ok_or_else(bad)
        };
        match parts.as_slice() {
            [_] => Ok(Period { from: date(year, 1, 1)?, to: date(year, 12, 31)? }),
            [_, q] if q.len() == 2 && (q.starts_with('Q') || q.starts_with('q')) => {
                let quarter: u32 = q[1..].parse().map_err(|_| bad())?;
                if !(1..=4).contains(&quarter) {
                    return Err(bad());
                }
                let first = 3 * quarter - 2;
                Ok(Period { from: date(year, first, 1)?, to: month_end(year, first + 2)? })
            }
            [_, m] if m.len() == 2 => {
                let month: u32 = m.parse().map_err(|_| bad())?;
                Ok(Period { from: date(year, month, 1)?, to: month_end(year, month)? })
            }
            [_, m, d] if m.len() == 2 && d.len() == 2 => {
                let day = date(year, m.parse().map_err(|_| bad())?, d.parse().map_err(|_| bad())?)?;
                Ok(Period { from: day, to: day })
            }
            _ => Err(bad()),
        }
    }

    /// An explicit range; both ends included. A refusal names the field `to`.
    pub fn between(from: NaiveDate, to: NaiveDate) -> Result<Period, DomainError> {
        if to < from {
            return Err(DomainError::invalid("to", format!("the range ends ({to}) before it starts ({from})")));
        }
        if (to - from).num_days() > MAX_PERIOD_DAYS {
            return Err(DomainError::invalid("to", format!("a range may span at most {MAX_PERIOD_DAYS} days")));
        }
        Ok(Period { from, to })
    }

    /// The last `days` days up to and including `today`.
    pub fn trailing(today: NaiveDate, days: u64) -> Period {
        let from = today.checked_sub_days(chrono::Days::new(days.saturating_sub(1))).unwrap_or(today);
        Period { from, to: today }
    }

    /// The period as whole Kyiv months plus the days outside them: `(day ranges, months)`, where the
    /// months run from the first day of the first whole month to the first day of the last one. A
    /// year then reads 12 monthly tallies per executor and category instead of 365 daily ones.
    pub fn split_by_months(&self) -> (Vec<Period>, Option<Period>) {
        let first_whole = if self.from.day() == 1 { Some(self.from) } else { next_month(self.from) };
        let last_end = if next_day(self.to).day() == 1 { Some(first_of_month(self.to)) } else { None };
        let last_whole = last_end.or_else(|| previous_month(first_of_month(self.to)));
        match (first_whole, last_whole) {
            (Some(first), Some(last)) if first <= last => {
                let mut days = Vec::new();
                if self.from < first {
                    days.push(Period { from: self.from, to: first.pred_opt().unwrap_or(first) });
                }
                let after_last = next_month(last).unwrap_or(last);
                if after_last <= self.to && last_end.is_none() {
                    days.push(Period { from: after_last, to: self.to });
                }
                (days, Some(Period { from: first, to: last }))
            }
            _ => (vec![*self], None),
        }
    }

    /// The calendar months the period touches, each clipped to the period: an organisation's trend.
    pub fn months(&self) -> Vec<Period> {
        let mut months = Vec::new();
        let mut start = self.from;
        while start <= self.to {
            let next = next_month(first_of_month(start));
            let end = next.and_then(|n| n.pred_opt()).map_or(self.to, |e| e.min(self.to));
            months.push(Period { from: start, to: end });
            match next {
                Some(n) => start = n,
                None => break,
            }
        }
        months
    }

    pub fn contains(&self, date: NaiveDate) -> bool {
        self.from <= date && date <= self.to
    }

    /// The period in a label such as `2026` or `2026-07-01..2026-09-30`.
    pub fn label(&self) -> String {
        let whole_year = (self.from.month(), self.from.day(), self.to.month(), self.to.day()) == (1, 1, 12, 31)
            && self.from.year() == self.to.year();
        if whole_year { self.from.year().to_string() } else { format!("{}..{}", self.from, self.to) }
    }
}

/// The first day of `date`'s month.
pub fn first_of_month(date: NaiveDate) -> NaiveDate {
    date.with_day(1).unwrap_or(date)
}

/// The first day of the month after `date`'s.
pub(super) fn next_month(date: NaiveDate) -> Option<NaiveDate> {
    first_of_month(date).checked_add_months(chrono::Months::new(1))
}

/// The first day of the month before `first`'s.
fn previous_month(first: NaiveDate) -> Option<NaiveDate> {
    first_of_month(first).checked_sub_months(chrono::Months::new(1))
}

fn next_day(date: NaiveDate) -> NaiveDate {
    date.succ_opt().unwrap_or(date)
}
