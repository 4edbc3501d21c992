//! Tallies: what each appeal adds to its organisation's monthly counts, and the arithmetic on counts.
use super::*;

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
    /// When the deadline in force passed unanswered; kept when the head extends after it (art. 20).
    pub overdue_at: Option<DateTime<Utc>>,
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

/// The one rule of "answered on time": before the deadline in force, which never passed unanswered. A
/// deadline the head extended after it had passed leaves the appeal marked overdue, so an answer within
/// the extension is still late. (Storage's SQL tallies mirror it: `storage::metrics::answered_on_time_sql`.)
pub fn answered_on_time(answered_at: DateTime<Utc>, due_at: DateTime<Utc>, overdue_at: Option<DateTime<Utc>>) -> bool {
    answered_at < due_at && overdue_at.is_none()
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
        tally.answered_on_time = flag(answered_on_time(answered_at, appeal.due_at, appeal.overdue_at));
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

pub(super) fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}
