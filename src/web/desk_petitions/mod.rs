//! The desk's petition pages: moderation (`/desk/moderation`, moderators publish or refuse submitted
//! petitions within 2 working days) and the council's petitions (`/desk/council`, its officers publish
//! the notice of consideration and the answer within 10 working days). Each page calls one use case of
//! `service::petitions`; who may do what is decided there, by `domain::authorization`.
mod council;
mod moderation;

use chrono::{DateTime, Utc};
use fluent_bundle::FluentValue;
use minijinja::{Value, context};
use poem::{Response, Route, http::StatusCode};
use serde::Deserialize;

use super::{
    dates,
    forms::{FormErrors, Refusal, error_page, refusal, see_other},
    i18n::{Lang, args_from},
    petitions::{PetitionCard, event_label},
    render::Site,
};
use crate::{
    domain::{calendar::kyiv_date, deadlines::TimeLeft},
    error::AppError,
    service::{
        Actor, AppState,
        petitions::{self as use_case, DeskGroup, DeskItem},
    },
};

pub(super) fn routes(route: Route) -> Route {
    route
        .at("/desk/moderation", poem::get(moderation::queue))
        .at("/desk/moderation/:id", poem::get(moderation::case))
        .at("/desk/moderation/:id/publish", poem::post(moderation::publish))
        .at("/desk/moderation/:id/refuse", poem::post(moderation::refuse))
        .at("/desk/council", poem::get(council::queue))
        .at("/desk/council/:id", poem::get(council::case))
        .at("/desk/council/:id/notice", poem::post(council::notice))
        .at("/desk/council/:id/answer", poem::post(council::answer))
}

/// The time left in words: "2 working days left", "due today", "overdue by 3 days".
fn time_left_words(lang: Lang, left: TimeLeft) -> String {
    match left {
        TimeLeft::Overdue { days } => {
            lang.text("desk-time-overdue", Some(&args_from([("days", FluentValue::from(days))])))
        }
        TimeLeft::DueToday => lang.text("desk-time-today", None),
        TimeLeft::WorkingDaysLeft { working_days } => {
            lang.text("desk-time-left", Some(&args_from([("days", FluentValue::from(working_days))])))
        }
    }
}

/// Whole days since `at` (0 on the same Kyiv day), for what waits without a legal term.
fn days_since(at: Option<DateTime<Utc>>) -> Option<i64> {
    at.map(|at| (kyiv_date(Utc::now()) - kyiv_date(at)).num_days())
}

/// What a desk's template shows of one petition: its card, the due date and time left in words.
fn desk_card(lang: Lang, item: DeskItem) -> Value {
    let due_last_day = item.due_at.map(crate::domain::deadlines::day_containing);
    let waiting_days = days_since(item.record.petition.threshold_reached_at);
    context! {
        due => due_last_day.map(|d| dates::long_date(lang, d)),
        time_left => item.time_left.map(|left| time_left_words(lang, left)),
        overdue => matches!(item.time_left, Some(TimeLeft::Overdue { .. })),
        waiting_days => waiting_days,
        petition => PetitionCard::from(item.record),
    }
}

fn desk_group(lang: Lang, group: DeskGroup) -> Value {
    context! {
        total => group.total,
        items => group.items.into_iter().map(|item| desk_card(lang, item)).collect::<Vec<_>>(),
    }
}

/// A refusal no form can fix: log in first (anonymous), the 403 page (not allowed), or the error page.
fn refused_page(site: &Site, lang: Lang, path: &str, err: &AppError) -> Response {
    match err {
        AppError::Unauthorized(_) => see_other("/account/login"),
        AppError::Forbidden(_) => site.error(lang, path, StatusCode::FORBIDDEN),
        _ => error_page(site, lang, path, err),
    }
}

/// The history of a petition in words, for a case page.
async fn history(state: &AppState, lang: Lang, actor: &Actor, id: i32) -> Vec<Value> {
    let entries = use_case::history(state, actor, id).await.unwrap_or_default();
    entries
        .into_iter()
        .map(|e| context! { what => event_label(lang, &e.action), on => dates::date(lang, kyiv_date(e.at)) })
        .collect()
}

/// Sorts an action's error: a refusal of the person gets its page; a field's error goes back to the form.
fn action_refusal(site: &Site, lang: Lang, path: &str, (form, field): (&str, &str), err: AppError) -> Refusal {
    if matches!(err, AppError::Unauthorized(_) | AppError::Forbidden(_)) {
        return Refusal::Page(refused_page(site, lang, path, &err));
    }
    refusal(site, lang, path, form, field, err)
}

/// The two desks of this module: they differ in their paths, templates and the use case that opens a case.
#[derive(Debug, Clone, Copy)]
enum Desk {
    Moderation,
    Council,
}

impl Desk {
    fn case_path(self, id: i32) -> String {
        match self {
            Desk::Moderation => format!("/desk/moderation/{id}"),
            Desk::Council => format!("/desk/council/{id}"),
        }
    }

    fn case_template(self) -> &'static str {
        match self {
            Desk::Moderation => "moderation/case.html",
            Desk::Council => "council/case.html",
        }
    }

    async fn open(self, state: &AppState, actor: &Actor, id: i32) -> Result<DeskItem, AppError> {
        match self {
            Desk::Moderation => use_case::moderation_case(state, actor, id).await,
            Desk::Council => use_case::council_case(state, actor, id).await,
        }
    }
}

/// What a case page needs besides the petition: the form token, the errors of the last post, what was
/// typed, and which action was just done (`done`), so the page can say what happens next.
struct CaseForm<'a> {
    csrf: &'a poem::web::CsrfToken,
    errors: FormErrors,
    typed: Value,
    done: Option<String>,
}

impl<'a> CaseForm<'a> {
    fn fresh(csrf: &'a poem::web::CsrfToken, done: Option<String>) -> Self {
        CaseForm { csrf, errors: FormErrors::default(), typed: context! {}, done }
    }
}

/// A case page of `desk`: the petition as the desk reads it, its history and the actions its state allows.
async fn case_page(
    site: &Site,
    state: &AppState,
    lang: Lang,
    actor: &Actor,
    desk: Desk,
    id: i32,
    form: CaseForm<'_>,
) -> Response {
    let path = desk.case_path(id);
    let item = match desk.open(state, actor, id).await {
        Ok(item) => item,
        Err(err) => return refused_page(site, lang, &path, &err),
    };
    let page = context! {
        case => desk_card(lang, item),
        history => history(state, lang, actor, id).await,
        done => form.done,
        refusal_codes => crate::domain::petitions::RefusalCode::ALL.iter().map(|c| c.code()).collect::<Vec<_>>(),
        decisions => crate::domain::petitions::Decision::ALL.iter().map(|d| d.code()).collect::<Vec<_>>(),
        ..form.typed
    };
    super::forms::form_page(site, lang, &path, desk.case_template(), form.csrf, &form.errors, page)
}

/// `?done=…` after an action: which one was just done, so the page says what happens next.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Done {
    done: Option<String>,
}

impl Done {
    fn known(self, actions: &[&str]) -> Option<String> {
        self.done.filter(|done| actions.contains(&done.as_str()))
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ActionForm {
    csrf_token: String,
}

/// The answer to an action's POST: 303 to the case page saying what was `done`; or the case page again
/// with the form's errors and what was typed; or the refusal's page (403, log in first).
#[allow(clippy::too_many_arguments)]
async fn after_action(
    site: &Site,
    state: &AppState,
    lang: Lang,
    actor: &Actor,
    csrf: &poem::web::CsrfToken,
    (desk, id, done): (Desk, i32, &str),
    (form, field, typed): (&str, &str, Value),
    result: Result<(), AppError>,
) -> Response {
    let path = desk.case_path(id);
    match result {
        Ok(()) => see_other(&format!("{path}?done={done}")),
        Err(err) => match action_refusal(site, lang, &path, (form, field), err) {
            Refusal::Form(errors) => {
                let form = CaseForm { errors, typed, ..CaseForm::fresh(csrf, None) };
                case_page(site, state, lang, actor, desk, id, form).await
            }
            Refusal::Page(page) => page,
        },
    }
}
