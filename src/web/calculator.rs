//! `/calculator`: the deadline calculator for people. A GET form (so it works with JavaScript off and a
//! result can be bookmarked) whose answer is computed by the same use case as `GET
//! /api/v1/deadlines/calculate` (`service::calendar::calculate`); this page only reads the three date
//! fields and the rule, and puts the answer and any refusal into words.
use chrono::NaiveDate;
use minijinja::{Value, context};
use poem::{Response, handler, http::StatusCode, web::Query};
use serde::{Deserialize, Serialize};

use super::{context::Ctx, dates, i18n::Lang};
use crate::{
    domain::calendar::{SUPPORTED_FROM, SUPPORTED_UNTIL},
    error::AppError,
    service::calendar::{self as calendar_service, Calculation, CalculatorQuery, RULES, RuleSpec},
};

/// The form as it arrives: every field is text, so what a person typed is shown back as typed.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct CalculatorForm {
    rule: Option<String>,
    day: Option<String>,
    month: Option<String>,
    year: Option<String>,
    total_days: Option<String>,
    hours: Option<String>,
    days: Option<String>,
}

impl CalculatorForm {
    fn is_empty(&self) -> bool {
        [&self.rule, &self.day, &self.month, &self.year]
            .iter()
            .all(|f| f.as_deref().is_none_or(|v| v.trim().is_empty()))
    }

    /// The value typed for a rule's parameter.
    fn parameter(&self, name: &str) -> Option<&str> {
        let value = match name {
            "total_days" => &self.total_days,
            "hours" => &self.hours,
            "days" => &self.days,
            _ => &None,
        };
        value.as_deref().map(str::trim).filter(|v| !v.is_empty())
    }
}

/// A field in error: its id (the summary links to it) and the message's key.
#[derive(Debug, Serialize)]
struct FieldError {
    field: &'static str,
    href: String,
    message: String,
}

#[handler]
pub async fn calculator(ctx: Ctx<'_>, Query(form): Query<CalculatorForm>) -> Response {
    // The language switch comes back to the same answer.
    let (here, lang) = (ctx.path_and_query(), ctx.lang);
    if form.is_empty() {
        return ctx.page(here, "calculator/calculator.html", page(lang, &form, None, vec![]));
    }
    match read(&form, lang) {
        Err(errors) => ctx.page(here, "calculator/calculator.html", page(lang, &form, None, errors)),
        Ok((rule, from, parameter)) => {
            let query = CalculatorQuery {
                rule: Some(rule.code),
                from: Some(&from),
                hours: parameter.filter(|_| rule.parameter == Some("hours")),
                days: parameter.filter(|_| rule.parameter == Some("days")),
                total_days: parameter.filter(|_| rule.parameter == Some("total_days")),
            };
            match calendar_service::calculate(ctx.state, query).await {
                Ok(calculation) => {
                    let result = result(lang, &calculation);
                    ctx.page(here, "calculator/calculator.html", page(lang, &form, Some(result), vec![]))
                }
                Err(AppError::Validation { field: Some(field), .. }) => {
                    let errors = vec![refusal(lang, &field, rule)];
                    ctx.page(here, "calculator/calculator.html", page(lang, &form, None, errors))
                }
                Err(error) => {
                    tracing::error!(%error, "the deadline calculator page failed");
                    ctx.site.error(lang, ctx.path(), StatusCode::SERVICE_UNAVAILABLE)
                }
            }
        }
    }
}

fn page(lang: Lang, form: &CalculatorForm, result: Option<Value>, errors: Vec<FieldError>) -> Value {
    let rules: Vec<Value> = RULES
        .iter()
        .map(|r| {
            context! {
                code => r.code,
                parameter => r.parameter,
                value => r.parameter.and_then(|p| form.parameter(p)),
            }
        })
        .collect();
    let error_of = |field: &str| errors.iter().find(|e| e.field == field).map(|e| e.message.clone());
    context! {
        form => Value::from_serialize(form),
        rules,
        result,
        date_error => error_of("date"),
        rule_error => error_of("rule"),
        parameter_error => error_of("parameter"),
        errors => if errors.is_empty() { None } else { Some(Value::from_serialize(&errors)) },
        range_from => dates::date(lang, SUPPORTED_FROM),
        range_until => dates::date(lang, SUPPORTED_UNTIL),
    }
}

/// The rule, the date (YYYY-MM-DD) and the rule's parameter, or what is wrong with each field.
fn read(form: &CalculatorForm, lang: Lang) -> Result<(&'static RuleSpec, String, Option<u32>), Vec<FieldError>> {
    let mut errors = vec![];
    let date = read_date(form);
    if date.is_none() {
        errors.push(error(lang, "date", "calculator-error-date", vec![]));
    }
    let rule = form.rule.as_deref().map(str::trim).and_then(RuleSpec::find);
    let mut parameter = None;
    match rule {
        None => errors.push(error(lang, "rule", "calculator-error-rule", vec![])),
        Some(rule) => {
            if let Some(name) = rule.parameter {
                match form.parameter(name).map(str::parse::<u32>) {
                    Some(Ok(value)) => parameter = Some(value),
                    _ => errors.push(parameter_error(lang, rule)),
                }
            }
        }
    }
    match (rule, date) {
        (Some(rule), Some(date)) if errors.is_empty() => Ok((rule, date.format("%Y-%m-%d").to_string(), parameter)),
        _ => Err(errors),
    }
}

/// The three fields as a real date with a four-digit year; the range is the calendar's to judge.
fn read_date(form: &CalculatorForm) -> Option<NaiveDate> {
    let field = |f: &Option<String>| f.clone().unwrap_or_default();
    super::dates::from_fields(&field(&form.day), &field(&form.month), &field(&form.year))
}

/// A refusal of the calculator use case, on the field it names.
fn refusal(lang: Lang, field: &str, rule: &RuleSpec) -> FieldError {
    match field {
        "from" => {
            let range =
                vec![("from", dates::date(lang, SUPPORTED_FROM)), ("until", dates::date(lang, SUPPORTED_UNTIL))];
            error(lang, "date", "calculator-error-date-range", range)
        }
        "rule" => error(lang, "rule", "calculator-error-rule", vec![]),
        _ => parameter_error(lang, rule),
    }
}

fn parameter_error(lang: Lang, rule: &RuleSpec) -> FieldError {
    let mut error = error(lang, "parameter", "calculator-error-parameter", vec![]);
    error.href = format!("#{}", rule.parameter.unwrap_or("rule"));
    error
}

fn error(lang: Lang, field: &'static str, key: &str, args: Vec<(&'static str, String)>) -> FieldError {
    let args = super::i18n::args_from(args.into_iter().map(|(k, v)| (k, fluent_bundle::FluentValue::from(v))));
    let href = match field {
        "date" => "#day".to_owned(),
        "rule" => format!("#rule-{}", RULES[0].code),
        other => format!("#{other}"),
    };
    FieldError { field, href, message: lang.text(key, Some(&args)) }
}

/// The answer in words: the due date, the term, the law applied through the term and the steps.
fn result(lang: Lang, calculation: &Calculation) -> Value {
    let deadline = &calculation.deadline;
    let regimes: Vec<Value> = calculation
        .regimes
        .iter()
        .map(|span| {
            context! {
                from => dates::date(lang, span.from),
                to => dates::date(lang, span.to),
                version => span.regime.version.version().code,
                period => span.regime.period.code(),
            }
        })
        .collect();
    let (unit, count) = match deadline.term {
        crate::domain::deadlines::Term::Hours(n) => ("hours", n),
        crate::domain::deadlines::Term::Days(n) => ("days", n),
        crate::domain::deadlines::Term::Months(n) => ("months", n),
        crate::domain::deadlines::Term::WorkingDays(n) => ("working-days", n),
    };
    context! {
        rule => calculation.rule.code,
        due_date => dates::long_date(lang, deadline.due_date),
        due_iso => deadline.due_date.to_string(),
        event_date => dates::date(lang, crate::domain::calendar::kyiv_date(deadline.event_at)),
        start_date => dates::date(lang, deadline.start_date),
        nominal_last_day => dates::date(lang, deadline.nominal_last_day),
        moved => deadline.nominal_last_day != deadline.due_date,
        unit,
        count,
        capped => deadline.capped,
        martial_law => calculation.martial_law(),
        regimes,
        steps => deadline.steps.clone(),
        legal_basis => deadline.legal_basis.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(day: &str, month: &str, year: &str) -> CalculatorForm {
        CalculatorForm {
            day: Some(day.into()),
            month: Some(month.into()),
            year: Some(year.into()),
            ..Default::default()
        }
    }

    #[test]
    fn a_date_is_three_numbers_that_make_a_real_day_with_a_four_digit_year() {
        assert_eq!(read_date(&form("4", "1", "2022")), NaiveDate::from_ymd_opt(2022, 1, 4));
        assert_eq!(read_date(&form(" 29 ", "02", "2024")), NaiveDate::from_ymd_opt(2024, 2, 29));
        assert_eq!(read_date(&form("29", "2", "2023")), None);
        assert_eq!(read_date(&form("1", "1", "22")), None);
        assert_eq!(read_date(&form("1", "13", "2022")), None);
        assert_eq!(read_date(&form("one", "1", "2022")), None);
        // Out of the calendar's range is still a date: the use case refuses it, naming the range.
        assert_eq!(read_date(&form("1", "1", "1899")), NaiveDate::from_ymd_opt(1899, 1, 1));
    }
}
