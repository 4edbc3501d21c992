//! Dates as people read them in each language: "вівторок, 4 січня 2022 р.", "Tuesday 4 January 2022".
//! The words (month names in the genitive for Ukrainian, weekdays) live in `locales/*/dates.ftl`.
use chrono::{Datelike, NaiveDate};
use fluent_bundle::FluentValue;

use super::i18n::{Lang, args_from};

/// Three typed fields (day, month, a four-digit year) as a real date; the range is the calendar's to judge.
pub fn from_fields(day: &str, month: &str, year: &str) -> Option<NaiveDate> {
    let number = |field: &str| field.trim().parse::<u32>().ok();
    let year = Some(year.trim()).filter(|y| y.len() == 4)?;
    NaiveDate::from_ymd_opt(year.parse().ok()?, number(month)?, number(day)?)
}

/// `date` in words, with its weekday, in `lang`.
pub fn long_date(lang: Lang, date: NaiveDate) -> String {
    let weekday = lang.text(&format!("date-weekday-{}", date.weekday().number_from_monday()), None);
    let month = lang.text(&format!("date-month-{}", date.month()), None);
    let args = args_from([
        ("weekday", FluentValue::from(weekday)),
        ("day", FluentValue::from(date.day().to_string())),
        ("month", FluentValue::from(month)),
        // A string, so no locale ever groups the year's digits ("2 022").
        ("year", FluentValue::from(date.year().to_string())),
    ]);
    lang.text("date-long", Some(&args))
}

/// `date` in words without its weekday.
pub fn date(lang: Lang, date: NaiveDate) -> String {
    let month = lang.text(&format!("date-month-{}", date.month()), None);
    let args = args_from([
        ("day", FluentValue::from(date.day().to_string())),
        ("month", FluentValue::from(month)),
        ("year", FluentValue::from(date.year().to_string())),
    ]);
    lang.text("date-short", Some(&args))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_as_people_write_them() {
        let d = NaiveDate::from_ymd_opt(2022, 1, 4).unwrap();
        assert_eq!(long_date(Lang::Uk, d), "вівторок, 4 січня 2022 р.");
        assert_eq!(long_date(Lang::En, d), "Tuesday 4 January 2022");
        assert_eq!(date(Lang::Uk, NaiveDate::from_ymd_opt(2100, 12, 31).unwrap()), "31 грудня 2100 р.");
        assert_eq!(date(Lang::En, NaiveDate::from_ymd_opt(2015, 1, 1).unwrap()), "1 January 2015");
    }
}
