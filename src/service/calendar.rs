//! The working-day calendar, the deadline calculator and martial law: the use cases behind
//! `api::calendar`, `api::martial_law` and the `/calculator` page, so a deadline is computed in one place.
//!
//! Every use case builds its calendar from the end of martial law (recorded by an administrator, else
//! `calendar.martial_law_ended_on`) and the overrides in force, so a change takes effect for the next
//! request, and the calculator gives exactly the deadlines the service itself applies.
mod rules;

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};

pub use self::rules::{RULES, RuleSpec, rule_codes};
use super::{Actor, AppState};
use crate::{
    domain::{
        calendar::{
            DayInfo, DayOverride, KYIV, MartialLaw, Period, Regime, RegimeSpan, kyiv_date,
            law::{MARTIAL_LAW_DECLARED_ON, MARTIAL_LAW_HOLIDAY_RULE_FROM},
            supported, supported_years,
        },
        deadlines::{Deadline, compute},
        text::limits::NOTE,
    },
    error::AppError,
    storage::{self, calendar::Recount},
};

/// The longest note an override or a martial-law decision may carry.
pub const NOTE_MAX_CHARS: usize = NOTE;

/// Whether martial law was in force under `regime`.
pub fn under_martial_law(regime: Regime) -> bool {
    regime.period != Period::Peacetime
}

/// What the calculator is asked: the rule's code, its parameter (if it takes one) and the event.
#[derive(Debug, Clone, Default)]
pub struct CalculatorQuery<'a> {
    pub rule: Option<&'a str>,
    /// An RFC 3339 instant, or a plain date YYYY-MM-DD meaning noon Kyiv time that day.
    pub from: Option<&'a str>,
    pub hours: Option<u32>,
    pub days: Option<u32>,
    pub total_days: Option<u32>,
}

/// A computed deadline, the rule it was computed by, and the law each day of the term was judged by.
#[derive(Debug, Clone)]
pub struct Calculation {
    pub rule: &'static RuleSpec,
    pub deadline: Deadline,
    /// One entry per run of days under the same law, from the event's date to the due date.
    pub regimes: Vec<RegimeSpan>,
}

impl Calculation {
    /// Whether martial law was in force on any day of the term.
    pub fn martial_law(&self) -> bool {
        self.regimes.iter().any(|s| under_martial_law(s.regime))
    }
}

/// The deadline calculator: the one place the API's `GET /deadlines/calculate` and the `/calculator` page
/// compute a deadline. Each input is checked and named in the 422 (`rule`, `from`, `hours`, `days`,
/// `total_days`); the event's Kyiv date must be one the calendar supports.
pub async fn calculate(state: &AppState, query: CalculatorQuery<'_>) -> Result<Calculation, AppError> {
    let (spec, rule) = rules::parse(query.rule, query.hours, query.days, query.total_days)?;
    let event_at = event_instant(query.from)?;
    let calendar = state.calendar().await?;
    let deadline = compute(&rule, event_at, &calendar);
    let regimes = calendar.regimes_between(kyiv_date(event_at), deadline.due_date);
    Ok(Calculation { rule: spec, deadline, regimes })
}

/// `from` of the calculator: an RFC 3339 instant, or a plain date meaning noon Kyiv time that day.
fn event_instant(from: Option<&str>) -> Result<DateTime<Utc>, AppError> {
    let raw = from.map(str::trim).filter(|f| !f.is_empty()).ok_or_else(|| {
        AppError::validation(
            "from",
            "the query parameter `from` is required: the date (YYYY-MM-DD) or the instant (RFC 3339) of the event",
        )
    })?;
    let instant = if let Ok(date) = NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        noon_in_kyiv(date)
    } else {
        // An unencoded `+` in a query string arrives as a space: "2026-03-06T15:30:00 02:00".
        DateTime::parse_from_rfc3339(raw)
            .or_else(|e| if raw.contains(' ') { DateTime::parse_from_rfc3339(&raw.replace(' ', "+")) } else { Err(e) })
            .map(|t| t.with_timezone(&Utc))
            .map_err(|_| {
                AppError::validation(
                    "from",
                    format!(
                        "`{raw}` is neither a date (YYYY-MM-DD, taken as noon Kyiv time) nor an RFC 3339 instant \
                         (e.g. 2026-03-06T13:30:00Z, or 2026-03-06T15:30:00%2B02:00 with the `+` URL-encoded)"
                    ),
                )
            })?
    };
    supported("from", kyiv_date(instant))?;
    Ok(instant)
}

fn noon_in_kyiv(date: NaiveDate) -> DateTime<Utc> {
    let noon = date.and_time(NaiveTime::from_hms_opt(12, 0, 0).unwrap_or(NaiveTime::MIN));
    KYIV.from_local_datetime(&noon).earliest().map_or_else(|| noon.and_utc(), |t| t.with_timezone(&Utc))
}

/// A date given as text (a path segment): malformed is 400, outside the supported dates is 422.
pub fn parse_date(raw: &str) -> Result<NaiveDate, AppError> {
    let date = NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::BadRequest(format!("`{raw}` is not a date; write it as YYYY-MM-DD, e.g. 2026-08-24")))?;
    Ok(supported("date", date)?)
}

/// The verdict for one Kyiv date: working or not, and why.
pub async fn day(state: &AppState, date: NaiveDate) -> Result<DayInfo, AppError> {
    let date = supported("date", date)?;
    Ok(state.calendar().await?.day(date))
}

/// The non-working days of a year, and the law applied through it.
pub struct YearDaysOff {
    pub year: i32,
    pub regimes: Vec<RegimeSpan>,
    pub days: Vec<DayInfo>,
}

/// Every date of `year` that is not a working day (weekends included), with the law applied through it.
pub async fn non_working_days(state: &AppState, year: i32) -> Result<YearDaysOff, AppError> {
    let years = supported_years();
    if !years.contains(&year) {
        let message = format!("`year` is {year}; years must be from {} to {}", years.start(), years.end());
        return Err(AppError::validation("year", message));
    }
    let calendar = state.calendar().await?;
    let day = |m, d| NaiveDate::from_ymd_opt(year, m, d).unwrap_or(NaiveDate::MIN);
    let regimes = calendar.regimes_between(day(1, 1), day(12, 31));
    Ok(YearDaysOff { year, regimes, days: calendar.non_working_days(year) })
}

/// An administrator's dated decision about one day.
#[derive(Debug, Clone)]
pub struct Override {
    pub date: NaiveDate,
    pub working: bool,
    pub note: String,
    pub created_at: DateTime<Utc>,
    pub created_by_account_id: i32,
}

impl From<entity::calendar_overrides::Model> for Override {
    fn from(o: entity::calendar_overrides::Model) -> Self {
        Override {
            date: o.date,
            working: o.working,
            note: o.note,
            created_at: o.created_at,
            created_by_account_id: o.created_by_account_id,
        }
    }
}

/// The overrides in force, by date.
pub async fn overrides(state: &AppState) -> Result<Vec<Override>, AppError> {
    Ok(storage::calendar::list_overrides(&state.db).await?.into_iter().map(Override::from).collect())
}

/// Declares `date` (YYYY-MM-DD) a working day or a day off (administrators), replacing its override if
/// any. `note` is the cleaned text of the decision; it must name one.
pub async fn set_override(
    state: &AppState,
    actor: &Actor,
    date: &str,
    working: bool,
    note: String,
) -> Result<Override, AppError> {
    let account = actor.administrator()?;
    let date = parse_date(date)?;
    if note.is_empty() {
        return Err(AppError::validation(
            "note",
            "name the decision this records, e.g. \"Cabinet resolution No. 123 of 1 March 2026\"",
        ));
    }
    let decision = DayOverride { working, note };
    Ok(storage::calendar::set_override(&state.db, account, date, decision, Utc::now()).await?.into())
}

/// Revokes the override of `date` (YYYY-MM-DD; administrators); the statutory rules apply again.
pub async fn remove_override(state: &AppState, actor: &Actor, date: &str) -> Result<(), AppError> {
    let account = actor.administrator()?;
    let date = parse_date(date)?;
    storage::calendar::remove_override(&state.db, account, date, Utc::now()).await?;
    Ok(())
}

/// Where the end of martial law comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndSource {
    /// An administrator recorded it.
    Administrator,
    /// `calendar.martial_law_ended_on`.
    Configuration,
    /// Martial law continues.
    None,
}

impl EndSource {
    pub fn code(self) -> &'static str {
        match self {
            EndSource::Administrator => "administrator",
            EndSource::Configuration => "configuration",
            EndSource::None => "none",
        }
    }
}

/// Martial law as the calendar applies it.
#[derive(Debug, Clone)]
pub struct MartialLawState {
    pub declared_on: NaiveDate,
    pub holiday_rule_from: NaiveDate,
    pub ended_on: Option<NaiveDate>,
    pub source: EndSource,
}

/// Martial law as the calendar applies it now.
pub async fn martial_law(state: &AppState) -> Result<MartialLawState, AppError> {
    let recorded = storage::calendar::recorded_martial_law_end(&state.db).await?;
    let configured = state.settings.calendar.martial_law_ended_on;
    let (ended_on, source) = match (recorded, configured) {
        (Some(ended_on), _) => (ended_on, EndSource::Administrator),
        (None, Some(ended_on)) => (Some(ended_on), EndSource::Configuration),
        (None, None) => (None, EndSource::None),
    };
    Ok(MartialLawState {
        declared_on: MARTIAL_LAW_DECLARED_ON,
        holiday_rule_from: MARTIAL_LAW_HOLIDAY_RULE_FROM,
        ended_on,
        source,
    })
}

/// What recording a decision about martial law did.
#[derive(Debug, Clone)]
pub struct MartialLawChange {
    pub martial_law: MartialLawState,
    /// Whether the decision changed what was recorded.
    pub changed: bool,
    /// How many open appeals and petitions had their running deadline counted again and changed.
    pub deadlines_recalculated: u32,
}

/// Records the first day without martial law, or (`None`) that it continues (administrators); every
/// running term is then counted again, each day by the law of that day.
pub async fn set_martial_law_end(
    state: &AppState,
    actor: &Actor,
    ended_on: Option<NaiveDate>,
    note: &str,
) -> Result<MartialLawChange, AppError> {
    let account = actor.administrator()?;
    if let Some(end) = ended_on {
        MartialLaw::check_end(end)?;
    }
    let note = checked_note(note)?;
    let now = Utc::now();
    let changed = storage::calendar::set_martial_law_end(&state.db, account, ended_on, note, now).await?;
    let mut deadlines_recalculated = 0;
    if changed {
        let calendar = state.calendar().await?;
        let reason = match ended_on {
            Some(end) => format!("martial law ended on {end} ({note})"),
            None => format!("martial law continues ({note})"),
        };
        let recount = Recount { calendar: &calendar, public_url: &state.settings.public_url, reason: &reason, now };
        deadlines_recalculated = storage::calendar::recalculate_open_items(&state.db, &recount).await?;
    }
    Ok(MartialLawChange { martial_law: martial_law(state).await?, changed, deadlines_recalculated })
}

fn checked_note(note: &str) -> Result<&str, AppError> {
    let note = note.trim();
    if note.is_empty() {
        return Err(AppError::validation("note", "name the decision this records, e.g. \"Presidential Decree No. …\""));
    }
    if note.chars().count() > NOTE_MAX_CHARS {
        return Err(AppError::validation("note", format!("at most {NOTE_MAX_CHARS} characters")));
    }
    Ok(note)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_date_means_noon_in_kyiv() {
        let at = event_instant(Some("2026-07-01")).unwrap();
        assert_eq!(at, Utc.with_ymd_and_hms(2026, 7, 1, 9, 0, 0).unwrap());
        let winter = event_instant(Some("2026-01-15")).unwrap();
        assert_eq!(winter, Utc.with_ymd_and_hms(2026, 1, 15, 10, 0, 0).unwrap());
        let plus_as_space = event_instant(Some("2026-03-06T15:30:00 02:00")).unwrap();
        assert_eq!(plus_as_space, Utc.with_ymd_and_hms(2026, 3, 6, 13, 30, 0).unwrap());
    }
}
