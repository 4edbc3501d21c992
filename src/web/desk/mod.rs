//! The staff's desk (`/desk`): the work queue, the case page with its actions, registering an appeal
//! received off-line, and the head's overview of the team. Every page is refused (403 page, nothing
//! changed) to anyone `domain::authorization` refuses; the frame is `templates/web/desk/base.html`.
mod case;
mod queue;
mod register;
mod team;

use chrono::{DateTime, Utc};
use fluent_bundle::FluentValue;
use poem::Route;

use super::{dates, i18n::Lang};
use crate::domain::{
    appeals::urgency::TimeLeft,
    calendar::{KYIV, kyiv_date},
    deadlines::day_containing,
};

pub(super) fn routes(route: Route) -> Route {
    route
        .at("/desk", poem::get(queue::queue))
        .at("/desk/team", poem::get(team::team))
        .at("/desk/registrations/new", poem::get(register::new_page).post(register::check))
        .at("/desk/registrations/new/submit", poem::post(register::submit))
        .at("/desk/appeals/:id", poem::get(case::case_page))
        .at("/desk/appeals/:id/:action", poem::post(case::act))
}

/// The time left in words: "3 days left", "5 hours left", "overdue by 2 days".
fn time_left(lang: Lang, left: TimeLeft) -> String {
    let (key, count) = match left {
        TimeLeft::OverdueDays(0) => ("desk-left-overdue-today", 0),
        TimeLeft::OverdueDays(n) => ("desk-left-overdue-days", n),
        TimeLeft::Hours(n) => ("desk-left-hours", n),
        TimeLeft::Days(n) => ("desk-left-days", n),
    };
    let args = super::i18n::args_from([("count", FluentValue::from(count))]);
    lang.text(key, Some(&args))
}

/// A deadline (an exclusive due instant) as its last day in words.
fn due_day(lang: Lang, due_at: DateTime<Utc>) -> String {
    dates::date(lang, day_containing(due_at))
}

/// A moment as its Kyiv date in words.
fn day(lang: Lang, at: DateTime<Utc>) -> String {
    dates::date(lang, kyiv_date(at))
}

/// A moment as its Kyiv date in words and its Kyiv time of day ("09:05").
fn day_and_time(lang: Lang, at: DateTime<Utc>) -> (String, String) {
    (day(lang, at), at.with_timezone(&KYIV).format("%H:%M").to_string())
}
