//! Response-rate metrics, indicator evidence (A07, C03) and executor rankings: the definitions, the
//! per-day tallies they are summed from, and the scoring. No I/O.
//!
//! Every figure here can be recomputed from the open-data exports: the definitions served by
//! `GET /api/v1/metrics/definitions` ([`DEFINITIONS`]) say exactly which columns decide what.
use std::{collections::BTreeMap, fmt::Display, str::FromStr};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{appeals::Status, calendar::kyiv_date, petitions};

// ---------------------------------------------------------------------------------------------
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
    /// `2026` (a year), `2026-Q3` (a quarter), `2026-07` (a month) or `2026-07-15` (a day).
    pub fn parse(text: &str) -> Result<Period, String> {
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

    /// An explicit range; both ends included.
    pub fn between(from: NaiveDate, to: NaiveDate) -> Result<Period, String> {
        if to < from {
            return Err(format!("the range ends ({to}) before it starts ({from})"));
        }
        if (to - from).num_days() > MAX_PERIOD_DAYS {
            return Err(format!("a range may span at most {MAX_PERIOD_DAYS} days"));
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
fn next_month(date: NaiveDate) -> Option<NaiveDate> {
    first_of_month(date).checked_add_months(chrono::Months::new(1))
}

/// The first day of the month before `first`'s.
fn previous_month(first: NaiveDate) -> Option<NaiveDate> {
    first_of_month(first).checked_sub_months(chrono::Months::new(1))
}

fn next_day(date: NaiveDate) -> NaiveDate {
    date.succ_opt().unwrap_or(date)
}

// ---------------------------------------------------------------------------------------------
// Appeal tallies

/// The facts of one appeal that its figures depend on.
#[derive(Debug, Clone, PartialEq)]
pub struct AppealFacts {
    pub received_at: DateTime<Utc>,
    pub executor_id: i32,
    pub category_id: Option<i32>,
    pub status: Status,
    pub answered_at: Option<DateTime<Utc>>,
    /// The deadline in force (the extended one after an extension).
    pub due_at: DateTime<Utc>,
    pub extended_due_at: Option<DateTime<Utc>>,
    pub forwarded_count: i32,
    pub rework_count: i32,
    pub rating: Option<i32>,
}

/// The tally row an appeal counts in: its Kyiv receipt date, its current executor and category
/// (0 for an appeal without a category).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TallyKey {
    pub received_on: NaiveDate,
    pub executor_id: i32,
    pub category_id: i32,
}

impl TallyKey {
    /// The monthly tally row this daily row adds up into (`received_on` = the first of the month).
    pub fn month(self) -> TallyKey {
        TallyKey { received_on: first_of_month(self.received_on), ..self }
    }
}

/// Daily changes summed into the monthly rows they belong to; rows whose change is zero left out.
pub fn monthly(changes: &[(TallyKey, Tally)]) -> Vec<(TallyKey, Tally)> {
    let mut months: BTreeMap<TallyKey, Tally> = BTreeMap::new();
    for (key, change) in changes {
        months.entry(key.month()).or_default().add(change, 1);
    }
    months.into_iter().filter(|(_, t)| !t.is_zero()).collect()
}

/// Counts that add up across appeals, days, categories and organisations.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    pub received: i64,
    pub duplicates: i64,
    pub answered: i64,
    pub answered_on_time: i64,
    pub refused: i64,
    pub extended: i64,
    pub forwarded: i64,
    pub returned_for_rework: i64,
    pub confirmed: i64,
    pub rated: i64,
    pub rating_sum: i64,
    /// Answered appeals by whole days from receipt to answer.
    pub answer_days: BTreeMap<i64, i64>,
}

/// Whole Kyiv calendar days from receipt to answer (0 = answered the day it arrived).
pub fn days_between(from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
    (kyiv_date(to) - kyiv_date(from)).num_days().max(0)
}

/// Whether an appeal's status carries an answer in force (a returned one no longer does).
pub fn has_answer(status: Status) -> bool {
    matches!(status, Status::Answered | Status::Confirmed | Status::Refused)
}

/// What one appeal adds to the tallies. Duplicates count only as received and as duplicates:
/// they are answered through the report they follow.
pub fn contribution(appeal: &AppealFacts) -> (TallyKey, Tally) {
    let key = TallyKey {
        received_on: kyiv_date(appeal.received_at),
        executor_id: appeal.executor_id,
        category_id: appeal.category_id.unwrap_or(0),
    };
    let mut tally = Tally { received: 1, ..Tally::default() };
    if appeal.status == Status::Duplicate {
        tally.duplicates = 1;
        return (key, tally);
    }
    let flag = |b: bool| i64::from(b);
    if let (true, Some(answered_at)) = (has_answer(appeal.status), appeal.answered_at) {
        tally.answered = 1;
        tally.answered_on_time = flag(answered_at < appeal.due_at);
        tally.refused = flag(appeal.status == Status::Refused);
        tally.answer_days.insert(days_between(appeal.received_at, answered_at), 1);
    }
    tally.extended = flag(appeal.extended_due_at.is_some());
    tally.forwarded = flag(appeal.forwarded_count > 0);
    tally.returned_for_rework = flag(appeal.rework_count > 0);
    tally.confirmed = flag(appeal.status == Status::Confirmed);
    if let Some(rating) = appeal.rating {
        tally.rated = 1;
        tally.rating_sum = i64::from(rating);
    }
    (key, tally)
}

impl Tally {
    /// The histogram as stored (see [`encode_counts`]).
    pub fn encode_answer_days(&self) -> String {
        encode_counts(&self.answer_days)
    }

    /// Reads a stored histogram (see [`decode_counts`]).
    pub fn decode_answer_days(text: &str) -> BTreeMap<i64, i64> {
        decode_counts(text)
    }
}

impl Tallied for Tally {
    fn add(&mut self, other: &Self, sign: i64) {
        self.received += sign * other.received;
        self.duplicates += sign * other.duplicates;
        self.answered += sign * other.answered;
        self.answered_on_time += sign * other.answered_on_time;
        self.refused += sign * other.refused;
        self.extended += sign * other.extended;
        self.forwarded += sign * other.forwarded;
        self.returned_for_rework += sign * other.returned_for_rework;
        self.confirmed += sign * other.confirmed;
        self.rated += sign * other.rated;
        self.rating_sum += sign * other.rating_sum;
        add_counts(&mut self.answer_days, &other.answer_days, sign);
    }
}

/// `into += sign × from` for counts by key; keys whose count becomes zero are dropped, so equal
/// counts compare equal however they were reached.
pub fn add_counts<K: Ord + Clone>(into: &mut BTreeMap<K, i64>, from: &BTreeMap<K, i64>, sign: i64) {
    for (key, count) in from {
        let entry = into.entry(key.clone()).or_insert(0);
        *entry += sign * count;
        if *entry == 0 {
            into.remove(key);
        }
    }
}

/// Counts by key as stored in a text column: `key:count` pairs joined by commas, in key order.
pub fn encode_counts<K: Display>(counts: &BTreeMap<K, i64>) -> String {
    counts.iter().map(|(k, c)| format!("{k}:{c}")).collect::<Vec<_>>().join(",")
}

/// Reads stored counts; malformed pairs are skipped rather than failing a whole report.
pub fn decode_counts<K: FromStr + Ord>(text: &str) -> BTreeMap<K, i64> {
    let mut counts = BTreeMap::new();
    for pair in text.split(',').filter(|p| !p.is_empty()) {
        if let Some((k, c)) = pair.split_once(':')
            && let (Ok(k), Ok(c)) = (k.parse::<K>(), c.parse::<i64>())
            && c != 0
        {
            *counts.entry(k).or_insert(0) += c;
        }
    }
    counts
}

/// Counts that add up across items and tally rows: the appeal [`Tally`] and the [`PetitionTally`].
pub trait Tallied: Default + PartialEq {
    /// `self += sign × other`.
    fn add(&mut self, other: &Self, sign: i64);

    fn is_zero(&self) -> bool {
        *self == Self::default()
    }
}

/// An item whose facts put counts into one tally row.
pub trait Counted {
    type Key: Ord + Copy;
    type Tally: Tallied;
    /// The tally row the item counts in, and what it adds there.
    fn contribution(&self) -> (Self::Key, Self::Tally);
}

impl Counted for AppealFacts {
    type Key = TallyKey;
    type Tally = Tally;
    fn contribution(&self) -> (TallyKey, Tally) {
        contribution(self)
    }
}

/// The change a transition makes to the tallies: what `before` contributed is taken away and
/// what `after` contributes is added. Rows whose change is zero are left out.
pub fn tally_delta<F: Counted>(before: Option<&F>, after: &F) -> Vec<(F::Key, F::Tally)> {
    let mut changes: BTreeMap<F::Key, F::Tally> = BTreeMap::new();
    if let Some(before) = before {
        let (key, tally) = before.contribution();
        changes.entry(key).or_default().add(&tally, -1);
    }
    let (key, tally) = after.contribution();
    changes.entry(key).or_default().add(&tally, 1);
    changes.into_iter().filter(|(_, t)| !t.is_zero()).collect()
}

/// The contributions of many items summed per tally row; rows that sum to zero left out.
pub fn summed<F: Counted>(items: impl IntoIterator<Item = F>) -> BTreeMap<F::Key, F::Tally> {
    let mut sums: BTreeMap<F::Key, F::Tally> = BTreeMap::new();
    for item in items {
        let (key, tally) = item.contribution();
        sums.entry(key).or_default().add(&tally, 1);
    }
    sums.retain(|_, t| !t.is_zero());
    sums
}

/// The value at rank ⌈p·n⌉ (nearest rank, 1-based) of the histogram's values; none when empty.
pub fn percentile(histogram: &BTreeMap<i64, i64>, p: f64) -> Option<i64> {
    let n: i64 = histogram.values().sum();
    if n <= 0 {
        return None;
    }
    let rank = ((p * n as f64).ceil() as i64).clamp(1, n);
    let mut seen = 0;
    for (value, count) in histogram {
        seen += count;
        if seen >= rank {
            return Some(*value);
        }
    }
    histogram.keys().next_back().copied()
}

/// A share in 0..=1, rounded to four places; none when nothing was counted.
pub fn share(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| round4(part as f64 / whole as f64))
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

// ---------------------------------------------------------------------------------------------
// Appeal figures

/// The response-rate figures of a set of appeals (one organisation, category, or both).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AppealFigures {
    pub received: i64,
    pub duplicates: i64,
    pub answered: i64,
    pub answered_on_time: i64,
    pub answered_late: i64,
    pub refused: i64,
    pub open: i64,
    pub pending: i64,
    pub overdue: i64,
    pub on_time_share: Option<f64>,
    pub median_days_to_answer: Option<i64>,
    pub p90_days_to_answer: Option<i64>,
    pub extended: i64,
    pub forwarded: i64,
    pub returned_for_rework: i64,
    pub confirmed: i64,
    pub rated: i64,
    pub satisfaction: Option<f64>,
}

/// The figures of a tally, given how many of its open appeals are past their deadline now.
pub fn figures(tally: &Tally, overdue: i64) -> AppealFigures {
    let open = tally.received - tally.duplicates - tally.answered;
    let overdue = overdue.clamp(0, open.max(0));
    AppealFigures {
        received: tally.received,
        duplicates: tally.duplicates,
        answered: tally.answered,
        answered_on_time: tally.answered_on_time,
        answered_late: tally.answered - tally.answered_on_time,
        refused: tally.refused,
        open,
        pending: open - overdue,
        overdue,
        on_time_share: share(tally.answered_on_time, tally.answered + overdue),
        median_days_to_answer: percentile(&tally.answer_days, 0.5),
        p90_days_to_answer: percentile(&tally.answer_days, 0.9),
        extended: tally.extended,
        forwarded: tally.forwarded,
        returned_for_rework: tally.returned_for_rework,
        confirmed: tally.confirmed,
        rated: tally.rated,
        satisfaction: (tally.rated > 0).then(|| (tally.rating_sum as f64 / tally.rated as f64 * 100.0).round() / 100.0),
    }
}

// ---------------------------------------------------------------------------------------------
// Petition figures

/// A council's petition figures for a period, as counted by `storage::metrics` by the definitions
/// below (petitions.*).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PetitionFigures {
    pub submitted: i64,
    pub awaiting_moderation: i64,
    pub moderation_overdue: i64,
    pub published: i64,
    pub refused: i64,
    pub moderated_within_term: i64,
    pub moderated_late: i64,
    pub reached_threshold: i64,
    pub awaiting_notice: i64,
    pub notices_published: i64,
    pub median_days_threshold_to_notice: Option<i64>,
    pub p90_days_threshold_to_notice: Option<i64>,
    pub answers_published: i64,
    pub considered_within_term: i64,
    pub considered_late: i64,
    pub consideration_pending: i64,
    pub consideration_overdue: i64,
    pub decisions: BTreeMap<String, i64>,
    pub closed_short: i64,
    pub became_appeals: i64,
    pub became_appeals_answered_on_time: i64,
    pub became_appeals_late_or_overdue: i64,
}

impl PetitionFigures {
    /// Published petitions still collecting signatures: neither at the threshold nor closed short.
    pub fn collecting(&self) -> i64 {
        (self.published - self.reached_threshold - self.closed_short).max(0)
    }
}

/// The facts of one petition that its figures depend on.
#[derive(Debug, Clone, PartialEq)]
pub struct PetitionFacts {
    pub council_id: i32,
    pub status: petitions::Status,
    pub submitted_at: DateTime<Utc>,
    pub publication_due_at: DateTime<Utc>,
    pub moderated_at: Option<DateTime<Utc>>,
    pub published_at: Option<DateTime<Utc>>,
    pub threshold_reached_at: Option<DateTime<Utc>>,
    pub notice_at: Option<DateTime<Utc>>,
    pub consideration_due_at: Option<DateTime<Utc>>,
    pub answered_at: Option<DateTime<Utc>>,
    pub decision: Option<petitions::Decision>,
    pub closed_at: Option<DateTime<Utc>>,
    pub appeal_id: Option<i32>,
}

impl From<&petitions::Petition> for PetitionFacts {
    fn from(p: &petitions::Petition) -> Self {
        PetitionFacts {
            council_id: p.council_id,
            status: p.status,
            submitted_at: p.submitted_at,
            publication_due_at: p.publication_due_at,
            moderated_at: p.moderated_at,
            published_at: p.published_at,
            threshold_reached_at: p.threshold_reached_at,
            notice_at: p.notice_at,
            consideration_due_at: p.consideration_due_at,
            answered_at: p.answered_at,
            decision: p.decision,
            closed_at: p.closed_at,
            appeal_id: p.appeal_id,
        }
    }
}

/// The tally row a petition counts in: its council and the Kyiv date it was submitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PetitionTallyKey {
    pub submitted_on: NaiveDate,
    pub council_id: i32,
}

/// The petition counts that add up across petitions and days. What depends on the moment of the
/// query (is a moderation or a consideration overdue yet, how did the appeal a petition became
/// fare) is not here: those few petitions are counted live ([`PetitionLive`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PetitionTally {
    pub submitted: i64,
    /// Not yet published or refused: awaiting moderation or overdue, by the moment of the query.
    pub unmoderated: i64,
    pub moderated_within_term: i64,
    pub moderated_late: i64,
    pub published: i64,
    pub refused: i64,
    pub reached_threshold: i64,
    pub awaiting_notice: i64,
    pub notices_published: i64,
    pub answers_published: i64,
    pub considered_within_term: i64,
    pub considered_late: i64,
    /// A notice and no answer yet: pending or overdue, by the moment of the query.
    pub unanswered_after_notice: i64,
    pub closed_short: i64,
    pub became_appeals: i64,
    /// Answered petitions by decision code.
    pub decisions: BTreeMap<String, i64>,
    /// Petitions with a notice by whole days from the threshold to the notice.
    pub days_to_notice: BTreeMap<i64, i64>,
}

impl Tallied for PetitionTally {
    fn add(&mut self, other: &Self, sign: i64) {
        self.submitted += sign * other.submitted;
        self.unmoderated += sign * other.unmoderated;
        self.moderated_within_term += sign * other.moderated_within_term;
        self.moderated_late += sign * other.moderated_late;
        self.published += sign * other.published;
        self.refused += sign * other.refused;
        self.reached_threshold += sign * other.reached_threshold;
        self.awaiting_notice += sign * other.awaiting_notice;
        self.notices_published += sign * other.notices_published;
        self.answers_published += sign * other.answers_published;
        self.considered_within_term += sign * other.considered_within_term;
        self.considered_late += sign * other.considered_late;
        self.unanswered_after_notice += sign * other.unanswered_after_notice;
        self.closed_short += sign * other.closed_short;
        self.became_appeals += sign * other.became_appeals;
        add_counts(&mut self.decisions, &other.decisions, sign);
        add_counts(&mut self.days_to_notice, &other.days_to_notice, sign);
    }
}

impl Counted for PetitionFacts {
    type Key = PetitionTallyKey;
    type Tally = PetitionTally;

    /// What one petition adds to its council's tally, by the definitions (petitions.*).
    fn contribution(&self) -> (PetitionTallyKey, PetitionTally) {
        let key = PetitionTallyKey { submitted_on: kyiv_date(self.submitted_at), council_id: self.council_id };
        let flag = |b: bool| i64::from(b);
        let p = self;
        let mut tally = PetitionTally {
            submitted: 1,
            unmoderated: flag(p.moderated_at.is_none()),
            moderated_within_term: flag(p.moderated_at.is_some_and(|m| m < p.publication_due_at)),
            moderated_late: flag(p.moderated_at.is_some_and(|m| m >= p.publication_due_at)),
            published: flag(p.published_at.is_some()),
            refused: flag(p.status == petitions::Status::Refused),
            reached_threshold: flag(p.threshold_reached_at.is_some()),
            awaiting_notice: flag(p.threshold_reached_at.is_some() && p.notice_at.is_none()),
            notices_published: flag(p.notice_at.is_some()),
            answers_published: flag(p.answered_at.is_some()),
            considered_within_term: flag(
                matches!((p.answered_at, p.consideration_due_at), (Some(a), Some(due)) if a < due),
            ),
            considered_late: flag(p.answered_at.is_some_and(|a| p.consideration_due_at.is_none_or(|due| a >= due))),
            unanswered_after_notice: flag(p.answered_at.is_none() && p.consideration_due_at.is_some()),
            closed_short: flag(p.closed_at.is_some() && p.threshold_reached_at.is_none()),
            became_appeals: flag(p.appeal_id.is_some()),
            ..PetitionTally::default()
        };
        if let Some(decision) = p.decision {
            tally.decisions.insert(decision.code().to_owned(), 1);
        }
        if let (Some(reached), Some(notice)) = (p.threshold_reached_at, p.notice_at) {
            tally.days_to_notice.insert(days_between(reached, notice), 1);
        }
        (key, tally)
    }
}

/// The petition figures that depend on the moment of the query, counted live over the few
/// petitions concerned.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PetitionLive {
    /// Unmoderated petitions whose publication_due_at has passed.
    pub moderation_overdue: i64,
    /// Petitions with a notice and no answer whose consideration_due_at has passed.
    pub consideration_overdue: i64,
    /// Petitions filed as appeals whose appeal is answered before its deadline…
    pub became_appeals_answered_on_time: i64,
    /// …answered late, or open past its deadline.
    pub became_appeals_late_or_overdue: i64,
}

/// A council's petition figures from its summed tally and the live counts.
pub fn petition_figures(tally: &PetitionTally, live: &PetitionLive) -> PetitionFigures {
    let moderation_overdue = live.moderation_overdue.clamp(0, tally.unmoderated.max(0));
    let consideration_overdue = live.consideration_overdue.clamp(0, tally.unanswered_after_notice.max(0));
    PetitionFigures {
        submitted: tally.submitted,
        awaiting_moderation: tally.unmoderated - moderation_overdue,
        moderation_overdue,
        published: tally.published,
        refused: tally.refused,
        moderated_within_term: tally.moderated_within_term,
        moderated_late: tally.moderated_late,
        reached_threshold: tally.reached_threshold,
        awaiting_notice: tally.awaiting_notice,
        notices_published: tally.notices_published,
        median_days_threshold_to_notice: percentile(&tally.days_to_notice, 0.5),
        p90_days_threshold_to_notice: percentile(&tally.days_to_notice, 0.9),
        answers_published: tally.answers_published,
        considered_within_term: tally.considered_within_term,
        considered_late: tally.considered_late,
        consideration_pending: tally.unanswered_after_notice - consideration_overdue,
        consideration_overdue,
        decisions: tally.decisions.clone(),
        closed_short: tally.closed_short,
        became_appeals: tally.became_appeals,
        became_appeals_answered_on_time: live.became_appeals_answered_on_time,
        became_appeals_late_or_overdue: live.became_appeals_late_or_overdue,
    }
}

// ---------------------------------------------------------------------------------------------
// Scoring

/// One scoring band: a share of compliant cases at or above `min_share` earns `points`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Band {
    pub min_share: f64,
    pub points: f64,
}

/// How an indicator turns a share into points. The defaults follow the published city cards
/// (1 point at 100%, 0.5 at 50% or more, 0 below); the exact sub-criteria were never published,
/// so both the bands and the minimum sample are configuration and every score is an estimate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scoring {
    pub bands: Vec<Band>,
    /// Fewer cases than this give "insufficient data" instead of a score.
    pub min_sample: i64,
}

impl Default for Scoring {
    fn default() -> Self {
        Scoring {
            bands: vec![
                Band { min_share: 1.0, points: 1.0 },
                Band { min_share: 0.5, points: 0.5 },
                Band { min_share: 0.0, points: 0.0 },
            ],
            min_sample: 10,
        }
    }
}

impl Scoring {
    /// Checks the configuration: shares within 0..=1, a band that catches a share of 0.
    pub fn validate(&self) -> Result<(), String> {
        if self.bands.is_empty() {
            return Err("indicators.bands needs at least one band".into());
        }
        for band in &self.bands {
            if !(0.0..=1.0).contains(&band.min_share) || !band.points.is_finite() {
                return Err(format!("indicators.bands: min_share {} must be within 0..=1", band.min_share));
            }
        }
        if !self.bands.iter().any(|b| b.min_share == 0.0) {
            return Err("indicators.bands needs a band with min_share 0 so that every share earns a score".into());
        }
        if self.min_sample < 1 {
            return Err("indicators.min_sample must be at least 1".into());
        }
        Ok(())
    }

    /// The estimated score for `compliant` out of `cases`.
    pub fn score(&self, compliant: i64, cases: i64) -> Score {
        if cases < self.min_sample {
            return Score::InsufficientData { cases, min_sample: self.min_sample };
        }
        let share = compliant as f64 / cases as f64;
        let points = self
            .bands
            .iter()
            .filter(|b| share + 1e-12 >= b.min_share)
            .map(|b| b.points)
            .fold(None, |best: Option<f64>, p| Some(best.map_or(p, |b| b.max(p))))
            .unwrap_or(0.0);
        Score::Estimated { compliant, cases, share: round4(share), points }
    }
}

/// An indicator's estimated score, or why there is none.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Score {
    Estimated { compliant: i64, cases: i64, share: f64, points: f64 },
    InsufficientData { cases: i64, min_sample: i64 },
}

/// A07's cases: moderations decided or overdue, considerations answered or overdue, and
/// petitions filed as appeals whose appeal is answered or overdue. Compliant: within the term.
pub fn a07_cases(f: &PetitionFigures) -> (i64, i64) {
    let compliant = f.moderated_within_term + f.considered_within_term + f.became_appeals_answered_on_time;
    let cases = f.moderated_within_term
        + f.moderated_late
        + f.moderation_overdue
        + f.considered_within_term
        + f.considered_late
        + f.consideration_overdue
        + f.became_appeals_answered_on_time
        + f.became_appeals_late_or_overdue;
    (compliant, cases)
}

/// C03's cases: appeals answered or overdue; compliant: answered on time.
pub fn c03_cases(f: &AppealFigures) -> (i64, i64) {
    (f.answered_on_time, f.answered + f.overdue)
}

// ---------------------------------------------------------------------------------------------
// Rankings

/// An executor's place in the Kyiv-1551-style ranking.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RankingEntry {
    pub organisation_id: i32,
    /// Answered or overdue appeals: the cases the shares are taken over.
    pub sample: i64,
    pub answered_on_time_share: Option<f64>,
    pub confirmed_share: Option<f64>,
    pub not_returned_share: Option<f64>,
    /// The mean of the three shares; none below the minimum sample.
    pub score: Option<f64>,
    /// 1 = best; none below the minimum sample.
    pub rank: Option<u32>,
}

/// Ranks executors by the mean of three shares: answered within the deadline (of answered and
/// overdue), confirmed by the citizen (of answered), not returned for rework (of answered).
/// Executors with fewer cases than `min_sample` are listed after the ranked ones, unranked.
pub fn rank(figures: &[(i32, AppealFigures)], min_sample: i64) -> Vec<RankingEntry> {
    let mut entries: Vec<RankingEntry> = figures
        .iter()
        .map(|(organisation_id, f)| {
            let (on_time, sample) = c03_cases(f);
            let on_time_share = share(on_time, sample);
            let confirmed_share = share(f.confirmed, f.answered);
            let not_returned_share = share(f.answered - f.returned_for_rework, f.answered);
            // With no answers at all only the on-time share (0) exists; it is the score then.
            let shares: Vec<f64> = [on_time_share, confirmed_share, not_returned_share].into_iter().flatten().collect();
            let score = (sample >= min_sample && !shares.is_empty())
                .then(|| round4(shares.iter().sum::<f64>() / shares.len() as f64));
            RankingEntry {
                organisation_id: *organisation_id,
                sample,
                answered_on_time_share: on_time_share,
                confirmed_share,
                not_returned_share,
                score,
                rank: None,
            }
        })
        .collect();
    entries.sort_by(|a, b| {
        let key = |e: &RankingEntry| e.score.unwrap_or(-1.0);
        key(b).total_cmp(&key(a)).then(b.sample.cmp(&a.sample)).then(a.organisation_id.cmp(&b.organisation_id))
    });
    let mut place = 0;
    for entry in entries.iter_mut().filter(|e| e.score.is_some()) {
        place += 1;
        entry.rank = Some(place);
    }
    entries
}

// ---------------------------------------------------------------------------------------------
// Definitions

/// A published definition: the figure's name and exactly how it is computed from the exports.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Definition {
    pub figure: &'static str,
    pub definition: &'static str,
}

/// Served beside the figures; the recompute-from-export test follows these words.
pub const DEFINITIONS: &[Definition] = &[
    Definition {
        figure: "period",
        definition: "A closed range of Kyiv calendar dates. An appeal belongs to the period of the Kyiv date of its received_at (the day any organisation of the city first received it, also for paper, phone and e-mail appeals); a petition to that of its submitted_at.",
    },
    Definition {
        figure: "organisation",
        definition: "An appeal counts for its current executor_id (after forwarding: the organisation it was forwarded to) and its category_id (none: reported as category 0).",
    },
    Definition {
        figure: "received",
        definition: "Appeals of the period, all kinds and channels, duplicates included.",
    },
    Definition {
        figure: "duplicates",
        definition: "Appeals with status duplicate (an issue report linked to another report). They are answered through that report and count in no other figure.",
    },
    Definition {
        figure: "answered",
        definition: "Appeals with status answered, confirmed or refused: an answer in force. A refusal with reasons (art. 8, 15) is an answer. An answer returned for rework is no longer in force until the executor answers again.",
    },
    Definition {
        figure: "answered_on_time",
        definition: "Answered appeals whose answered_at is before due_at, the deadline in force when answering (the extended one after an extension; after forwarding or a return for rework, the new term). Extensions are reported separately in 'extended'.",
    },
    Definition { figure: "answered_late", definition: "answered − answered_on_time." },
    Definition { figure: "refused", definition: "Appeals with status refused." },
    Definition {
        figure: "open",
        definition: "Appeals with status received, in_progress or rework: the executor still owes an answer. open = received − duplicates − answered = pending + overdue.",
    },
    Definition {
        figure: "pending",
        definition: "Open appeals whose due_at is still ahead at the moment of the query: neither on time nor late yet, left out of every share.",
    },
    Definition { figure: "overdue", definition: "Open appeals whose due_at has passed at the moment of the query." },
    Definition {
        figure: "on_time_share",
        definition: "answered_on_time ÷ (answered + overdue), rounded to 4 places; pending appeals are left out. None when the divisor is 0.",
    },
    Definition {
        figure: "median_days_to_answer",
        definition: "Over answered appeals, the days to answer = Kyiv date of answered_at − Kyiv date of received_at (whole calendar days). The median is the value at rank ⌈0.5·n⌉ of the sorted values (nearest rank).",
    },
    Definition {
        figure: "p90_days_to_answer",
        definition: "The value at rank ⌈0.9·n⌉ of the same sorted days to answer.",
    },
    Definition {
        figure: "extended",
        definition: "Appeals (not duplicates) whose deadline in force was extended by the head (extended_due_at is set).",
    },
    Definition {
        figure: "forwarded",
        definition: "Appeals (not duplicates) forwarded at least once (forwarded_count > 0); they count for the organisation they were forwarded to.",
    },
    Definition {
        figure: "returned_for_rework",
        definition: "Appeals (not duplicates) the citizen returned for rework at least once (rework_count > 0).",
    },
    Definition {
        figure: "confirmed",
        definition: "Appeals with status confirmed: the citizen confirmed the answer or the fix.",
    },
    Definition { figure: "rated", definition: "Appeals (not duplicates) that the citizen rated (rating set)." },
    Definition {
        figure: "satisfaction",
        definition: "The mean of the ratings (1–5) given by citizens to appeals (not duplicates) of the set, rounded to 2 places; 'rated' is how many were rated.",
    },
    Definition {
        figure: "petitions.submitted",
        definition: "Petitions of the council whose submitted_at falls in the period.",
    },
    Definition {
        figure: "petitions.moderated_within_term",
        definition: "Petitions published or refused (moderated_at set) before publication_due_at, 2 working days after submission.",
    },
    Definition {
        figure: "petitions.moderated_late",
        definition: "Petitions moderated at or after publication_due_at.",
    },
    Definition {
        figure: "petitions.moderation_overdue",
        definition: "Petitions not yet moderated whose publication_due_at has passed; awaiting_moderation: not yet moderated, still within the term.",
    },
    Definition {
        figure: "petitions.published",
        definition: "Petitions published for signing (published_at set); refused: status refused in moderation.",
    },
    Definition {
        figure: "petitions.reached_threshold",
        definition: "Petitions with threshold_reached_at set. awaiting_notice: of those, without notice_at (no start-of-consideration notice yet). notices_published: notice_at set.",
    },
    Definition {
        figure: "petitions.days_threshold_to_notice",
        definition: "Kyiv date of notice_at − Kyiv date of threshold_reached_at; median and p90 by nearest rank over petitions with a notice.",
    },
    Definition {
        figure: "petitions.considered_within_term",
        definition: "Petitions answered (answered_at set) before consideration_due_at, 10 working days after the notice. considered_late: answered at or after it. consideration_overdue: a notice, no answer, consideration_due_at passed; consideration_pending: a notice, no answer, still within the term.",
    },
    Definition {
        figure: "petitions.answers_published",
        definition: "Petitions whose answer is published (answered_at set).",
    },
    Definition {
        figure: "petitions.closed_short",
        definition: "Petitions closed (closed_at set) without reaching the threshold.",
    },
    Definition {
        figure: "petitions.decisions",
        definition: "Answered petitions by decision: supported, partly_supported, not_supported.",
    },
    Definition {
        figure: "petitions.became_appeals",
        definition: "Petitions that closed short and that the author had filed as an appeal (appeal_id set); answered on time, late or overdue by that appeal's figures (answered_on_time / answered_late / overdue above); still pending ones in neither.",
    },
    Definition {
        figure: "a07",
        definition: "Estimated A07 (does the council consider petitions properly) for each council: compliant = moderated_within_term + considered_within_term + became_appeals_answered_on_time; cases = moderated_within_term + moderated_late + moderation_overdue + considered_within_term + considered_late + consideration_overdue + became_appeals_answered_on_time + became_appeals_late_or_overdue. Petitions awaiting a notice are shown as evidence but are not cases: the law sets no term for the notice.",
    },
    Definition {
        figure: "c03",
        definition: "Estimated C03 for each municipal enterprise with a community share of 50% or more (other enterprises are listed as out of scope): compliant = answered_on_time; cases = answered + overdue. Evidence also lists whether the enterprise has an online channel (categories routed to it) and that its statistics are published (the open-data exports).",
    },
    Definition {
        figure: "score",
        definition: "share = compliant ÷ cases; points = those of the highest configured band whose min_share ≤ share (default: 1 at 100%, 0.5 at ≥ 50%, 0 below). Fewer cases than the configured minimum sample (default 10): 'insufficient_data' instead of a score. Every score is an estimate: the indicators' exact sub-criteria were not published.",
    },
    Definition {
        figure: "ranking",
        definition: "Executors ranked by the mean of three shares: answered_on_time ÷ (answered + overdue), confirmed ÷ answered, (answered − returned_for_rework) ÷ answered; ties by larger sample, then by id. Executors with fewer than the minimum sample of cases (answered + overdue) are listed unranked.",
    },
];

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap()
    }

    #[test]
    fn a_trend_has_one_entry_per_month_clipped_to_the_period() {
        let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        let year = Period::parse("2026").unwrap().months();
        assert_eq!(year.len(), 12);
        assert_eq!((year[1].from, year[1].to), (day(2, 1), day(2, 28)));
        let range = Period::between(day(1, 20), day(3, 5)).unwrap().months();
        let bounds: Vec<_> = range.iter().map(|p| (p.from, p.to)).collect();
        assert_eq!(bounds, vec![(day(1, 20), day(1, 31)), (day(2, 1), day(2, 28)), (day(3, 1), day(3, 5))]);
    }

    fn appeal(status: Status) -> AppealFacts {
        AppealFacts {
            received_at: at(2026, 3, 2, 8),
            executor_id: 7,
            category_id: Some(3),
            status,
            answered_at: None,
            due_at: at(2026, 3, 31, 21),
            extended_due_at: None,
            forwarded_count: 0,
            rework_count: 0,
            rating: None,
        }
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn periods_parse_as_years_quarters_months_and_days() {
        assert_eq!(Period::parse("2026").unwrap(), Period { from: d(2026, 1, 1), to: d(2026, 12, 31) });
        assert_eq!(Period::parse("2026-Q1").unwrap(), Period { from: d(2026, 1, 1), to: d(2026, 3, 31) });
        assert_eq!(Period::parse("2024-Q4").unwrap(), Period { from: d(2024, 10, 1), to: d(2024, 12, 31) });
        assert_eq!(Period::parse("2024-02").unwrap(), Period { from: d(2024, 2, 1), to: d(2024, 2, 29) });
        assert_eq!(Period::parse("2026-12").unwrap(), Period { from: d(2026, 12, 1), to: d(2026, 12, 31) });
        assert_eq!(Period::parse("2026-07-15").unwrap(), Period { from: d(2026, 7, 15), to: d(2026, 7, 15) });
        for bad in ["", "26", "2026-Q5", "2026-13", "2026-02-30", "2026-7", "x", "2026-Q1-01"] {
            assert!(Period::parse(bad).is_err(), "{bad}");
        }
        assert!(Period::between(d(2026, 2, 1), d(2026, 1, 1)).is_err());
        assert_eq!(Period::trailing(d(2026, 11, 22), 365).from, d(2025, 11, 23));
        assert_eq!(Period::parse("2026").unwrap().label(), "2026");
        assert_eq!(Period::parse("2026-Q3").unwrap().label(), "2026-07-01..2026-09-30");
    }

    #[test]
    fn periods_split_into_whole_months_and_the_days_around_them() {
        let p = |a: NaiveDate, b: NaiveDate| Period { from: a, to: b };
        let year = Period::parse("2026").unwrap();
        assert_eq!(year.split_by_months(), (vec![], Some(p(d(2026, 1, 1), d(2026, 12, 1)))));
        let trailing = Period::trailing(d(2026, 11, 22), 365);
        assert_eq!(
            trailing.split_by_months(),
            (
                vec![p(d(2025, 11, 23), d(2025, 11, 30)), p(d(2026, 11, 1), d(2026, 11, 22))],
                Some(p(d(2025, 12, 1), d(2026, 10, 1)))
            )
        );
        let inside = p(d(2026, 3, 5), d(2026, 3, 20));
        assert_eq!(inside.split_by_months(), (vec![inside], None));
        let across = p(d(2026, 3, 5), d(2026, 4, 20));
        assert_eq!(across.split_by_months(), (vec![across], None), "no whole month inside");
        let one = p(d(2026, 2, 1), d(2026, 2, 28));
        assert_eq!(one.split_by_months(), (vec![], Some(p(d(2026, 2, 1), d(2026, 2, 1)))));
        let tail = p(d(2026, 2, 1), d(2026, 3, 2));
        assert_eq!(
            tail.split_by_months(),
            (vec![p(d(2026, 3, 1), d(2026, 3, 2))], Some(p(d(2026, 2, 1), d(2026, 2, 1))))
        );
        // Every day of a range is covered exactly once.
        for (from, to) in
            [(d(2025, 12, 31), d(2026, 3, 1)), (d(2026, 1, 1), d(2026, 1, 31)), (d(2024, 2, 29), d(2025, 3, 1))]
        {
            let (days, months) = p(from, to).split_by_months();
            let mut covered: Vec<NaiveDate> =
                days.iter().flat_map(|r| r.from.iter_days().take_while(move |x| *x <= r.to)).collect();
            if let Some(m) = months {
                let mut month = m.from;
                while month <= m.to {
                    let end = next_month(month).unwrap();
                    covered.extend(month.iter_days().take_while(|x| *x < end));
                    month = end;
                }
            }
            covered.sort();
            let all: Vec<NaiveDate> = from.iter_days().take_while(|x| *x <= to).collect();
            assert_eq!(covered, all, "{from}..{to}");
        }
    }

    #[test]
    fn daily_changes_add_up_into_their_months() {
        let key = |day: u32, executor_id: i32| TallyKey { received_on: d(2026, 3, day), executor_id, category_id: 1 };
        let one = Tally { received: 1, ..Tally::default() };
        let minus = Tally { received: -1, ..Tally::default() };
        let months = monthly(&[
            (key(2, 7), one.clone()),
            (key(20, 7), one.clone()),
            (key(3, 9), one.clone()),
            (key(4, 9), minus),
        ]);
        assert_eq!(
            months,
            vec![(key(1, 7), Tally { received: 2, ..Tally::default() })],
            "the +1 and −1 of org 9 cancel"
        );
    }

    #[test]
    fn an_appeal_answered_before_its_deadline_counts_as_on_time_with_its_days_to_answer() {
        let mut a = appeal(Status::Answered);
        a.answered_at = Some(at(2026, 3, 12, 10));
        let (key, t) = contribution(&a);
        assert_eq!(key, TallyKey { received_on: d(2026, 3, 2), executor_id: 7, category_id: 3 });
        assert_eq!((t.received, t.answered, t.answered_on_time), (1, 1, 1));
        assert_eq!(t.answer_days, BTreeMap::from([(10, 1)]));
        a.answered_at = Some(a.due_at);
        assert_eq!(contribution(&a).1.answered_on_time, 0, "at the deadline is late");
    }

    #[test]
    fn the_kyiv_date_decides_the_day_of_receipt() {
        let mut a = appeal(Status::Received);
        a.received_at = at(2026, 3, 1, 22) + chrono::Duration::minutes(30); // 00:30 on 2 March in Kyiv
        assert_eq!(contribution(&a).0.received_on, d(2026, 3, 2));
    }

    #[test]
    fn a_returned_answer_no_longer_counts_until_answered_again() {
        let mut answered = appeal(Status::Answered);
        answered.answered_at = Some(at(2026, 3, 10, 10));
        let mut returned = answered.clone();
        returned.status = Status::Rework;
        returned.rework_count = 1;
        let delta = tally_delta(Some(&answered), &returned);
        assert_eq!(delta.len(), 1);
        let t = &delta[0].1;
        assert_eq!((t.received, t.answered, t.answered_on_time, t.returned_for_rework), (0, -1, -1, 1));
        assert_eq!(t.answer_days, BTreeMap::from([(8, -1)]));
    }

    #[test]
    fn forwarding_moves_the_appeal_to_the_new_executors_tally() {
        let before = appeal(Status::Received);
        let mut after = before.clone();
        after.executor_id = 9;
        after.forwarded_count = 1;
        let delta = tally_delta(Some(&before), &after);
        assert_eq!(delta.len(), 2);
        assert_eq!(delta[0].1.received, -1);
        assert_eq!((delta[1].0.executor_id, delta[1].1.received, delta[1].1.forwarded), (9, 1, 1));
        assert!(tally_delta(Some(&before), &before).is_empty(), "a reminder changes no figure");
    }

    #[test]
    fn duplicates_count_only_as_received_and_duplicates() {
        let mut dup = appeal(Status::Duplicate);
        dup.rating = Some(4);
        let t = contribution(&dup).1;
        assert_eq!(t, Tally { received: 1, duplicates: 1, ..Tally::default() });
    }

    #[test]
    fn histograms_survive_storage_and_percentiles_use_the_nearest_rank() {
        let mut t = Tally::default();
        for days in [1, 2, 2, 3, 4, 5, 6, 7, 8, 30] {
            t.add(&Tally { answer_days: BTreeMap::from([(days, 1)]), ..Tally::default() }, 1);
        }
        let stored = t.encode_answer_days();
        assert_eq!(stored, "1:1,2:2,3:1,4:1,5:1,6:1,7:1,8:1,30:1");
        assert_eq!(Tally::decode_answer_days(&stored), t.answer_days);
        assert_eq!(Tally::decode_answer_days("x,2:1,:3,4:0"), BTreeMap::from([(2, 1)]));
        assert_eq!(percentile(&t.answer_days, 0.5), Some(4), "rank 5 of 10");
        assert_eq!(percentile(&t.answer_days, 0.9), Some(8), "rank 9 of 10");
        assert_eq!(percentile(&BTreeMap::from([(3, 1)]), 0.9), Some(3));
        assert_eq!(percentile(&BTreeMap::new(), 0.5), None);
    }

    #[test]
    fn figures_split_open_appeals_into_pending_and_overdue() {
        let t = Tally {
            received: 20,
            duplicates: 2,
            answered: 12,
            answered_on_time: 9,
            rated: 4,
            rating_sum: 15,
            answer_days: BTreeMap::from([(3, 6), (10, 6)]),
            ..Tally::default()
        };
        let f = figures(&t, 3);
        assert_eq!((f.open, f.pending, f.overdue, f.answered_late), (6, 3, 3, 3));
        assert_eq!(f.on_time_share, Some(0.6), "9 of 12 answered + 3 overdue");
        assert_eq!((f.median_days_to_answer, f.p90_days_to_answer), (Some(3), Some(10)));
        assert_eq!(f.satisfaction, Some(3.75));
        assert_eq!(figures(&Tally::default(), 0).on_time_share, None);
    }

    #[test]
    fn scores_follow_the_configured_bands_and_refuse_small_samples() {
        let s = Scoring::default();
        assert!(s.validate().is_ok());
        assert_eq!(s.score(10, 10), Score::Estimated { compliant: 10, cases: 10, share: 1.0, points: 1.0 });
        assert_eq!(s.score(5, 10), Score::Estimated { compliant: 5, cases: 10, share: 0.5, points: 0.5 });
        assert_eq!(s.score(49, 100), Score::Estimated { compliant: 49, cases: 100, share: 0.49, points: 0.0 });
        assert_eq!(s.score(9, 9), Score::InsufficientData { cases: 9, min_sample: 10 });
        let strict = Scoring {
            bands: vec![Band { min_share: 0.9, points: 2.0 }, Band { min_share: 0.0, points: 0.0 }],
            min_sample: 1,
        };
        assert_eq!(strict.score(9, 10), Score::Estimated { compliant: 9, cases: 10, share: 0.9, points: 2.0 });
        assert!(Scoring { bands: vec![Band { min_share: 0.5, points: 1.0 }], min_sample: 10 }.validate().is_err());
        assert!(Scoring { bands: vec![Band { min_share: 1.5, points: 1.0 }], min_sample: 10 }.validate().is_err());
    }

    #[test]
    fn a07_counts_moderation_consideration_and_appeal_cases_but_not_pending_ones() {
        let f = PetitionFigures {
            submitted: 9,
            awaiting_moderation: 1,
            moderation_overdue: 1,
            moderated_within_term: 5,
            moderated_late: 2,
            considered_within_term: 2,
            considered_late: 1,
            consideration_pending: 3,
            consideration_overdue: 1,
            became_appeals_answered_on_time: 1,
            became_appeals_late_or_overdue: 1,
            ..PetitionFigures::default()
        };
        assert_eq!(a07_cases(&f), (8, 14));
    }

    #[test]
    fn rankings_order_by_the_mean_share_and_leave_small_samples_unranked() {
        let t = |answered: i64, on_time: i64, confirmed: i64, reworked: i64| Tally {
            received: answered,
            answered,
            answered_on_time: on_time,
            confirmed,
            returned_for_rework: reworked,
            ..Tally::default()
        };
        let list =
            vec![(1, figures(&t(10, 5, 5, 5), 0)), (2, figures(&t(10, 10, 10, 0), 0)), (3, figures(&t(4, 4, 4, 0), 0))];
        let ranked = rank(&list, 10);
        assert_eq!(ranked.iter().map(|e| e.organisation_id).collect::<Vec<_>>(), vec![2, 1, 3]);
        assert_eq!(ranked[0].score, Some(1.0));
        assert_eq!(ranked[1].score, Some(0.5));
        assert_eq!((ranked[0].rank, ranked[1].rank, ranked[2].rank), (Some(1), Some(2), None));
        assert_eq!(ranked[2].sample, 4);
    }

    fn petition(status: petitions::Status) -> PetitionFacts {
        PetitionFacts {
            council_id: 1,
            status,
            // 23:30 UTC on 1 March is already 2 March in Kyiv.
            submitted_at: at(2026, 3, 1, 23),
            publication_due_at: at(2026, 3, 4, 22),
            moderated_at: None,
            published_at: None,
            threshold_reached_at: None,
            notice_at: None,
            consideration_due_at: None,
            answered_at: None,
            decision: None,
            closed_at: None,
            appeal_id: None,
        }
    }

    #[test]
    fn a_petition_counts_on_its_kyiv_submission_date_and_moves_through_its_counters() {
        use petitions::{Decision, Status as P};
        let submitted = petition(P::Moderation);
        let (key, tally) = submitted.contribution();
        assert_eq!(key, PetitionTallyKey { submitted_on: d(2026, 3, 2), council_id: 1 });
        assert_eq!((tally.submitted, tally.unmoderated, tally.moderated_within_term), (1, 1, 0));

        let published = PetitionFacts {
            status: P::Collecting,
            moderated_at: Some(at(2026, 3, 3, 9)),
            published_at: Some(at(2026, 3, 3, 9)),
            ..submitted.clone()
        };
        let change = tally_delta(Some(&submitted), &published);
        assert_eq!(change.len(), 1);
        let (_, change) = &change[0];
        assert_eq!(
            (change.unmoderated, change.moderated_within_term, change.published, change.submitted),
            (-1, 1, 1, 0)
        );

        // Threshold on 10 March, the notice 3 Kyiv days later, answered after its term.
        let answered = PetitionFacts {
            status: P::Answered,
            threshold_reached_at: Some(at(2026, 3, 10, 12)),
            notice_at: Some(at(2026, 3, 13, 12)),
            consideration_due_at: Some(at(2026, 3, 26, 22)),
            answered_at: Some(at(2026, 3, 27, 9)),
            decision: Some(Decision::PartlySupported),
            ..published.clone()
        };
        let (_, t) = answered.contribution();
        assert_eq!((t.reached_threshold, t.notices_published, t.awaiting_notice), (1, 1, 0));
        assert_eq!((t.answers_published, t.considered_within_term, t.considered_late), (1, 0, 1));
        assert_eq!(t.unanswered_after_notice, 0);
        assert_eq!(t.days_to_notice, BTreeMap::from([(3, 1)]));
        assert_eq!(t.decisions, BTreeMap::from([("partly_supported".to_owned(), 1)]));

        // Before and after through the same delta: the sum of the steps is the last state's contribution.
        let mut sum = PetitionTally::default();
        for (before, after) in [(None, &submitted), (Some(&submitted), &published), (Some(&published), &answered)] {
            for (_, change) in tally_delta(before, after) {
                sum.add(&change, 1);
            }
        }
        assert_eq!(sum, t);
    }

    #[test]
    fn a_petition_closed_short_and_one_refused_count_as_such() {
        use petitions::Status as P;
        let closed = PetitionFacts {
            status: P::Closed,
            moderated_at: Some(at(2026, 3, 5, 9)),
            published_at: Some(at(2026, 3, 5, 9)),
            closed_at: Some(at(2026, 5, 5, 9)),
            appeal_id: Some(44),
            ..petition(P::Moderation)
        };
        let (_, t) = closed.contribution();
        assert_eq!((t.closed_short, t.became_appeals, t.moderated_late, t.published), (1, 1, 1, 1));
        let refused =
            PetitionFacts { status: P::Refused, moderated_at: Some(at(2026, 3, 2, 9)), ..petition(P::Moderation) };
        let (_, t) = refused.contribution();
        assert_eq!((t.refused, t.published, t.moderated_within_term, t.unmoderated), (1, 0, 1, 0));
    }

    #[test]
    fn petition_figures_split_the_unmoderated_and_the_unanswered_by_the_live_counts() {
        let tally = PetitionTally {
            submitted: 10,
            unmoderated: 3,
            notices_published: 4,
            unanswered_after_notice: 2,
            days_to_notice: BTreeMap::from([(1, 2), (5, 1), (9, 1)]),
            ..PetitionTally::default()
        };
        let live = PetitionLive {
            moderation_overdue: 1,
            consideration_overdue: 5, // more than can be: clamped to the unanswered ones
            became_appeals_answered_on_time: 1,
            became_appeals_late_or_overdue: 0,
        };
        let f = petition_figures(&tally, &live);
        assert_eq!((f.awaiting_moderation, f.moderation_overdue), (2, 1));
        assert_eq!((f.consideration_pending, f.consideration_overdue), (0, 2));
        assert_eq!((f.median_days_threshold_to_notice, f.p90_days_threshold_to_notice), (Some(1), Some(9)));
        assert_eq!(f.became_appeals_answered_on_time, 1);
    }
}
