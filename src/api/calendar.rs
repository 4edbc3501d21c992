//! The working-day calendar and the deadline calculator over HTTP, and the administrators' dated overrides.
//!
//! Each handler parses, calls one use case of `service::calendar` (which also serves the `/calculator`
//! page) and renders. Each date is judged by the law in force on it (docs/calendar.md); dates outside
//! 2015-01-01..2100-12-31 are refused (422).
use chrono::{DateTime, NaiveDate, Utc};
use poem::web::Data;
use poem_openapi::{Object, OpenApi, param::Path, param::Query, payload::Json};

use super::{
    ApiTags, AppState, BearerAuth,
    accounts::NoContent,
    codes::{Code, RequiredText, TextCodes},
    text::Line,
};
use crate::{
    domain::{
        calendar::{DayInfo, DayReason, HolidayKind, HolidayVersionId, Period, RegimeSpan, holiday_on},
        deadlines::Term,
    },
    error::ApiResult,
    service::calendar::{
        self as calendar_service, Calculation, CalculatorQuery, NOTE_MAX_CHARS, RULES, under_martial_law,
    },
};

/// A public holiday (Labour Code art. 73).
#[derive(Debug, Object)]
pub struct HolidayView {
    /// Stable code, e.g. `independence_day`.
    pub code: String,
    pub name_uk: String,
    pub name_en: String,
    /// The date of the holiday (for a transferred day off, the date it was moved from).
    pub date: NaiveDate,
}

impl HolidayView {
    fn new(kind: HolidayKind, date: NaiveDate) -> Self {
        HolidayView {
            code: kind.code().to_owned(),
            name_uk: kind.name_uk().to_owned(),
            name_en: kind.name_en().to_owned(),
            date,
        }
    }
}

/// A version of the holiday list of Labour Code art. 73.
#[derive(Debug, Object)]
pub struct HolidayVersionView {
    /// Stable code: `art73_2015`, `art73_2017`, `art73_2022` or `art73_2023`.
    pub code: String,
    pub title: String,
    /// The first day this list applies.
    pub in_force_from: NaiveDate,
    /// The law that set it.
    pub law: String,
    /// What could not be verified against the law's text (empty when nothing).
    pub uncertain: String,
    /// The holidays of the list, by code.
    pub holidays: Vec<String>,
}

impl From<HolidayVersionId> for HolidayVersionView {
    fn from(id: HolidayVersionId) -> Self {
        let v = id.version();
        HolidayVersionView {
            code: v.code.to_owned(),
            title: v.title.to_owned(),
            in_force_from: v.in_force_from,
            law: v.law.to_owned(),
            uncertain: v.uncertain.to_owned(),
            holidays: v.holidays.iter().map(|(kind, _)| kind.code().to_owned()).collect(),
        }
    }
}

/// The law applied to a run of days: the holiday list in force and the martial-law period.
#[derive(Debug, Object)]
pub struct RegimeView {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The code of the holiday list in force (see `GET /calendar/holiday-versions`).
    pub holiday_version: String,
    /// `peacetime`, `martial_law_before_law_2136` (24 February–23 March 2022: holidays still days off) or
    /// `martial_law` (holidays are working days, Law 2136-IX art. 6).
    pub period: Code<PeriodCodes>,
    /// The same in words.
    pub description: String,
}

impl From<RegimeSpan> for RegimeView {
    fn from(span: RegimeSpan) -> Self {
        RegimeView {
            from: span.from,
            to: span.to,
            holiday_version: span.regime.version.version().code.to_owned(),
            period: Code::from(span.regime.period.code()),
            description: span.regime.describe(),
        }
    }
}

/// Whether a date is a working day in Ukraine (Europe/Kyiv), and why.
#[derive(Debug, Object)]
pub struct DayView {
    pub date: NaiveDate,
    pub working: bool,
    /// `weekday`, `weekend`, `holiday`, `holiday_worked_under_martial_law`, `transferred_day_off` or `override`.
    pub reason: Code<ReasonCodes>,
    /// The public holiday on this date, or, for a transferred day off, the holiday whose day off moved here.
    #[oai(nullable)]
    pub holiday: Option<HolidayView>,
    /// For `override`: the official decision it records.
    #[oai(nullable)]
    pub note: Option<String>,
    /// One sentence a person can check, naming the law.
    pub explanation: String,
    /// Whether martial law was in force on this date (from 24 February 2022 until its end).
    pub martial_law: bool,
    /// The code of the holiday list (Labour Code art. 73) in force on this date.
    pub holiday_version: String,
    /// `peacetime`, `martial_law_before_law_2136` or `martial_law` (see `RegimeView`).
    pub period: Code<PeriodCodes>,
    /// The law applied, in words.
    pub law_applied: String,
}

impl DayView {
    fn new(info: DayInfo) -> Self {
        let explanation = info.explain();
        let holiday_on_date = || holiday_on(info.date).map(|h| HolidayView::new(h.kind, h.date));
        let regime = info.regime;
        let (reason, holiday, note) = match info.reason {
            DayReason::Weekday => ("weekday", None, None),
            DayReason::Weekend => ("weekend", holiday_on_date(), None),
            DayReason::Holiday { holiday } => ("holiday", Some(HolidayView::new(holiday, info.date)), None),
            DayReason::HolidayWorkedUnderMartialLaw { holiday } => {
                ("holiday_worked_under_martial_law", Some(HolidayView::new(holiday, info.date)), None)
            }
            DayReason::TransferredDayOff { holiday, holiday_date } => {
                ("transferred_day_off", Some(HolidayView::new(holiday, holiday_date)), None)
            }
            DayReason::Override { note, .. } => ("override", holiday_on_date(), Some(note)),
        };
        DayView {
            date: info.date,
            working: info.working,
            reason: Code::from(reason),
            holiday,
            note,
            explanation,
            martial_law: under_martial_law(regime),
            holiday_version: regime.version.version().code.to_owned(),
            period: Code::from(regime.period.code()),
            law_applied: regime.describe(),
        }
    }
}

/// The non-working days of one year.
#[derive(Debug, Object)]
pub struct NonWorkingDaysView {
    pub year: i32,
    /// Whether martial law was in force on any day of the year.
    pub martial_law: bool,
    /// The law applied through the year, one entry per run of days under the same law.
    pub regimes: Vec<RegimeView>,
    /// How many days are listed.
    pub count: u32,
    /// In date order, weekends included.
    pub days: Vec<DayView>,
}

/// An administrator's dated decision about one day; it beats every statutory rule.
#[derive(Debug, Object)]
pub struct OverrideView {
    pub date: NaiveDate,
    /// `true`: declared a working day; `false`: declared a day off.
    pub working: bool,
    /// The decision it records, e.g. "Cabinet resolution No. 123 of 1 March 2026".
    pub note: String,
    pub created_at: DateTime<Utc>,
    /// The administrator who recorded it.
    pub created_by_account_id: i32,
}

impl From<calendar_service::Override> for OverrideView {
    fn from(o: calendar_service::Override) -> Self {
        OverrideView {
            date: o.date,
            working: o.working,
            note: o.note,
            created_at: o.created_at,
            created_by_account_id: o.created_by_account_id,
        }
    }
}

#[derive(Debug, Object)]
pub struct OverrideRequest {
    /// `true` to declare the date a working day, `false` to declare it a day off.
    pub working: bool,
    /// The official decision, 1–500 characters, e.g. "Cabinet resolution No. 123 of 1 March 2026".
    pub note: Line<NOTE_MAX_CHARS>,
}

/// A legal term as the law states it.
#[derive(Debug, Object)]
pub struct TermView {
    /// `hours`, `days`, `months` or `working_days`.
    pub unit: String,
    pub count: u32,
    /// E.g. "1 month", "2 working days".
    pub text: String,
}

impl From<Term> for TermView {
    fn from(term: Term) -> Self {
        let count = match term {
            Term::Hours(n) | Term::Days(n) | Term::Months(n) | Term::WorkingDays(n) => n,
        };
        TermView { unit: term_unit(term).to_owned(), count, text: term.to_string() }
    }
}

fn term_unit(term: Term) -> &'static str {
    match term {
        Term::Hours(_) => "hours",
        Term::Days(_) => "days",
        Term::Months(_) => "months",
        Term::WorkingDays(_) => "working_days",
    }
}

/// A computed deadline and the reasoning behind it.
#[derive(Debug, Object)]
pub struct DeadlineView {
    /// The rule code, e.g. `appeal_standard`.
    pub rule: String,
    /// The term applied, after any legal ceiling.
    pub term: TermView,
    pub legal_basis: String,
    /// The event the term runs from (receipt, submission…).
    pub event_at: DateTime<Utc>,
    /// Kyiv date the term starts: the day after the event (Civil Code art. 253); for hours, the event's date.
    pub start_date: NaiveDate,
    /// The last day of the term before a non-working day moves it.
    pub nominal_last_day: NaiveDate,
    /// The Kyiv date by whose end the action is due.
    pub due_date: NaiveDate,
    /// Exclusive due instant: Kyiv midnight ending `due_date` (for hours, the exact instant).
    pub due_at: DateTime<Utc>,
    /// Whether a legal ceiling shortened what was asked for.
    pub capped: bool,
    /// The reasoning, one sentence per step, so a citizen can check the count.
    pub steps: Vec<String>,
    /// Whether martial law was in force on any day of the term.
    pub martial_law: bool,
    /// The law each day of the term was judged by, one entry per run of days under the same law.
    pub regimes: Vec<RegimeView>,
}

impl From<Calculation> for DeadlineView {
    fn from(calculation: Calculation) -> Self {
        let martial_law = calculation.martial_law();
        let Calculation { rule, deadline, regimes } = calculation;
        DeadlineView {
            rule: rule.code.to_owned(),
            term: deadline.term.into(),
            legal_basis: deadline.legal_basis,
            event_at: deadline.event_at,
            start_date: deadline.start_date,
            nominal_last_day: deadline.nominal_last_day,
            due_date: deadline.due_date,
            due_at: deadline.due_at,
            capped: deadline.capped,
            steps: deadline.steps,
            martial_law,
            regimes: regimes.into_iter().map(RegimeView::from).collect(),
        }
    }
}

/// One rule of the deadline calculator.
#[derive(Debug, Object)]
pub struct RuleView {
    /// The value of `rule` in `GET /deadlines/calculate`.
    pub code: String,
    /// The extra query parameter the rule needs (`hours`, `days` or `total_days`), if any.
    #[oai(nullable)]
    pub parameter: Option<String>,
    /// `hours`, `days`, `months` or `working_days`.
    pub unit: String,
    /// The fixed length of the term; absent when `parameter` gives it.
    #[oai(nullable)]
    pub count: Option<u32>,
    /// The term in words.
    pub term: String,
    pub legal_basis: String,
    pub description: String,
}

#[derive(Default)]
pub struct CalendarApi;

#[OpenApi(tag = "ApiTags::Calendar")]
impl CalendarApi {
    /// Is a date a working day?
    ///
    /// The verdict for one Kyiv date with its reason: weekend, public holiday (Labour Code art. 73), a holiday
    /// worked under martial law (Law 2136-IX art. 6), a peacetime transferred day off (art. 67), or an
    /// administrator's override.
    #[oai(path = "/calendar/days/:date", method = "get")]
    async fn day(
        &self,
        state: Data<&AppState>,
        /// The date as YYYY-MM-DD, e.g. 2026-08-24, from 2015-01-01 to 2100-12-31 (the dates the calendar
        /// supports; others are refused with 422).
        date: Path<String>,
    ) -> ApiResult<Json<DayView>> {
        let date = calendar_service::parse_date(&date.0)?;
        Ok(Json(DayView::new(calendar_service::day(&state, date).await?)))
    }

    /// The non-working days of a year
    ///
    /// Every date of the year that is not a working day, weekends included, with the reason for each, and
    /// the law (holiday list and martial-law period) applied through the year.
    #[oai(path = "/calendar/years/:year/non-working-days", method = "get")]
    async fn non_working_days(
        &self,
        state: Data<&AppState>,
        /// A year from 2015 to 2100 (the dates the calendar supports, 2015-01-01 to 2100-12-31; others are
        /// refused with 422).
        year: Path<i32>,
    ) -> ApiResult<Json<NonWorkingDaysView>> {
        let year = calendar_service::non_working_days(&state, year.0).await?;
        let days: Vec<DayView> = year.days.into_iter().map(DayView::new).collect();
        Ok(Json(NonWorkingDaysView {
            year: year.year,
            martial_law: year.regimes.iter().any(|s| under_martial_law(s.regime)),
            regimes: year.regimes.into_iter().map(RegimeView::from).collect(),
            count: days.len() as u32,
            days,
        }))
    }

    /// The versions of the holiday list
    ///
    /// Every version of the holiday list of Labour Code art. 73 the calendar knows, oldest first, with the
    /// law that set it, the day it applies from, and what could not be verified.
    #[oai(path = "/calendar/holiday-versions", method = "get")]
    async fn holiday_versions(&self) -> Json<Vec<HolidayVersionView>> {
        Json(crate::domain::calendar::law::HOLIDAY_VERSIONS.iter().map(|v| HolidayVersionView::from(v.id)).collect())
    }

    /// The overrides in force
    ///
    /// Every date an administrator declared a working day or a day off, with the decision it records, by date.
    #[oai(path = "/calendar/overrides", method = "get")]
    async fn overrides(&self, state: Data<&AppState>) -> ApiResult<Json<Vec<OverrideView>>> {
        let overrides = calendar_service::overrides(&state).await?;
        Ok(Json(overrides.into_iter().map(OverrideView::from).collect()))
    }

    /// Declare a date a working day or a day off (administrators)
    ///
    /// Replaces the override of that date, if any. The override beats every statutory rule and applies to
    /// every deadline computed afterwards; deadlines already set are not recomputed.
    #[oai(path = "/calendar/overrides/:date", method = "put")]
    async fn set_override(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// The date as YYYY-MM-DD, from 2015-01-01 to 2100-12-31 (others are refused with 422).
        date: Path<String>,
        body: Json<OverrideRequest>,
    ) -> ApiResult<Json<OverrideView>> {
        let actor = state.actor(&auth).await?;
        let OverrideRequest { working, note } = body.0;
        let note = note.read("note")?;
        let saved = calendar_service::set_override(&state, &actor, &date.0, working, note).await?;
        Ok(Json(saved.into()))
    }

    /// Remove the override of a date (administrators)
    ///
    /// The statutory rules apply to the date again. The override stays in the history.
    #[oai(path = "/calendar/overrides/:date", method = "delete")]
    async fn remove_override(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        /// The date as YYYY-MM-DD.
        date: Path<String>,
    ) -> ApiResult<NoContent> {
        let actor = state.actor(&auth).await?;
        calendar_service::remove_override(&state, &actor, &date.0).await?;
        Ok(NoContent::Done)
    }

    /// Compute a legal deadline
    ///
    /// The deadline of `rule` for an event at `from`, counted as the service counts it (Civil Code arts.
    /// 252–254, the Law "On Citizens' Appeals"), with the steps of the count. `from` is an RFC 3339 instant
    /// (URL-encode a `+` as `%2B`) or a plain date YYYY-MM-DD, which means noon Kyiv time that day.
    /// `urgency_hours` needs `hours`, `urgency_days` needs `days`, `appeal_extension` needs `total_days`.
    #[oai(path = "/deadlines/calculate", method = "get")]
    async fn calculate(
        &self,
        state: Data<&AppState>,
        /// Required. The rule's code (see `GET /deadlines/rules`).
        rule: Query<RequiredText<RuleCodes>>,
        /// Required. The event: an RFC 3339 instant, or YYYY-MM-DD for noon Kyiv time that day. Its Kyiv date
        /// must be from 2015-01-01 to 2100-12-31 (the dates the calendar supports; others are refused with 422).
        from: Query<RequiredText>,
        /// For `urgency_hours`: elapsed clock hours.
        hours: Query<Option<u32>>,
        /// For `urgency_days`: calendar days (at most 30).
        days: Query<Option<u32>>,
        /// For `appeal_extension`: the total term in days from receipt (at most 45).
        total_days: Query<Option<u32>>,
    ) -> ApiResult<Json<DeadlineView>> {
        let query = CalculatorQuery {
            rule: rule.0.as_deref(),
            from: from.0.as_deref(),
            hours: hours.0,
            days: days.0,
            total_days: total_days.0,
        };
        Ok(Json(calendar_service::calculate(&state, query).await?.into()))
    }

    /// The rules of the deadline calculator
    ///
    /// Every rule code accepted by `GET /deadlines/calculate`, with its term and legal basis.
    #[oai(path = "/deadlines/rules", method = "get")]
    async fn rules(&self) -> Json<Vec<RuleView>> {
        Json(
            RULES
                .iter()
                .map(|spec| {
                    let rule = (spec.build)(1);
                    let term = rule.term();
                    RuleView {
                        code: spec.code.to_owned(),
                        parameter: spec.parameter.map(str::to_owned),
                        unit: term_unit(term).to_owned(),
                        count: spec.parameter.is_none().then(|| TermView::from(term).count),
                        term: spec.term.map_or_else(|| term.to_string(), str::to_owned),
                        legal_basis: rule.legal_basis(),
                        description: spec.description.to_owned(),
                    }
                })
                .collect(),
        )
    }
}

/// Why a day is or is not a working day.
pub struct ReasonCodes;

impl TextCodes for ReasonCodes {
    fn codes() -> Vec<String> {
        ["weekday", "weekend", "holiday", "holiday_worked_under_martial_law", "transferred_day_off", "override"]
            .map(str::to_owned)
            .to_vec()
    }
}

/// The martial-law periods (`domain::calendar::Period`).
pub struct PeriodCodes;

impl TextCodes for PeriodCodes {
    fn codes() -> Vec<String> {
        Period::ALL.iter().map(|p| p.code().to_owned()).collect()
    }
}

/// The rule codes of the deadline calculator.
pub struct RuleCodes;

impl TextCodes for RuleCodes {
    fn codes() -> Vec<String> {
        RULES.iter().map(|r| r.code.to_owned()).collect()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_spec_states_the_supported_dates_the_calendar_module_defines() {
        use crate::domain::calendar::{SUPPORTED_FROM, SUPPORTED_UNTIL};
        let spec = crate::api::service().spec_yaml();
        let range = format!("{SUPPORTED_FROM} to {SUPPORTED_UNTIL}");
        // The calendar's path dates and year, the calculator's `from`, receipt and statute dates, extensions,
        // open data and metrics periods each say it.
        assert!(spec.matches(&range).count() >= 12, "{}", spec.matches(&range).count());
        assert!(spec.contains(&format!("no earlier than {SUPPORTED_FROM}")));
        assert!(spec.contains(&format!("from {} to {}", SUPPORTED_FROM.format("%Y"), SUPPORTED_UNTIL.format("%Y"))));
    }
}
