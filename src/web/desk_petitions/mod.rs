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
    context::Ctx,
    dates,
    forms::{FormErrors, error_page, see_other},
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
            lang.text("petition-desk-time-overdue", Some(&args_from([("days", FluentValue::from(days))])))
        }
        TimeLeft::DueToday => lang.text("petition-desk-time-today", None),
        TimeLeft::WorkingDaysLeft { working_days } => {
            lang.text("petition-desk-time-left", Some(&args_from([("days", FluentValue::from(working_days))])))
        }
    }
}

/// Whole days since `at` (0 on the same Kyiv day), for what waits without a legal term.
fn days_since(at: Option<DateTime<Utc>>) -> Option<i64> {
    at.map(|at| (kyiv_date(Utc::now()) - kyiv_date(at)).num_days())
}

/// What a desk's template shows of one petition: its card, the due date and time left in words.
fn desk_card(lang: Lang, item: &DeskItem) -> Value {
    let item = item.clone();
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
        items => group.items.iter().map(|item| desk_card(lang, item)).collect::<Vec<_>>(),
    }
}

/// A refusal no form can fix: log in first (anonymous), the 403 page (not allowed), or the error page.
fn refused_page(site: &Site, lang: Lang, path: &str, err: &AppError) -> Response {
    match err {
        AppError::Unauthorized(_) => see_other(super::forms::LOGIN),
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

/// The two desks of this module: they differ in their paths, templates, strings and the use case that
/// opens a case.
#[derive(Debug, Clone, Copy)]
enum Desk {
    Moderation,
    Council,
}

impl Desk {
    fn name(self) -> &'static str {
        match self {
            Desk::Moderation => "moderation",
            Desk::Council => "council",
        }
    }

    fn case_path(self, id: i32) -> String {
        format!("/desk/{}/{id}", self.name())
    }

    async fn open(self, state: &AppState, actor: &Actor, id: i32) -> Result<DeskItem, AppError> {
        match self {
            Desk::Moderation => use_case::moderation_case(state, actor, id).await,
            Desk::Council => use_case::council_case(state, actor, id).await,
        }
    }

    /// The actions whose `?done=` the case page reports.
    fn actions(self) -> &'static [&'static str] {
        match self {
            Desk::Moderation => &["published", "refused"],
            Desk::Council => &["notice", "answered"],
        }
    }
}

/// What was just done and what happens next, in words, for the desk frame's banner.
fn done_words(lang: Lang, desk: Desk, done: &str, item: &DeskItem) -> (String, String) {
    let petition = &item.record.petition;
    // The date the next step waits for: the end of collection after publishing, the answer's due date
    // after the notice.
    let until = match done {
        "published" => petition.collection_ends_at,
        _ => item.due_at,
    };
    let date = until.map(|at| dates::long_date(lang, crate::domain::deadlines::day_containing(at))).unwrap_or_default();
    let prefix = format!("{}-{done}", desk.name());
    let args = args_from([("date", FluentValue::from(date))]);
    (lang.text(&format!("{prefix}-done"), None), lang.text(&format!("{prefix}-next"), Some(&args)))
}

/// What a case page needs besides the petition: the errors of the last post, what was typed, and which
/// action was just done (`done`), so the page can say what happens next.
struct CaseForm {
    errors: FormErrors,
    typed: Value,
    done: Option<String>,
}

/// A case page of `desk`: the petition as the desk reads it, its history and the actions its state allows.
async fn case_page(ctx: &Ctx<'_>, desk: Desk, id: i32, form: CaseForm) -> Response {
    let path = desk.case_path(id);
    let item = match desk.open(ctx.state, ctx.actor(), id).await {
        Ok(item) => item,
        Err(err) => return refused_page(ctx.site, ctx.lang, &path, &err),
    };
    let (notice, next_step) = match form.done.as_deref().filter(|d| desk.actions().contains(d)) {
        Some(done) => {
            let (notice, next) = done_words(ctx.lang, desk, done, &item);
            (Some(notice), Some(next))
        }
        None => (None, None),
    };
    let page = context! {
        case => desk_card(ctx.lang, &item),
        history => history(ctx.state, ctx.lang, ctx.actor(), id).await,
        notice, next_step,
        refusal_codes => crate::domain::petitions::RefusalCode::ALL.iter().map(|c| c.code()).collect::<Vec<_>>(),
        decisions => crate::domain::petitions::Decision::ALL.iter().map(|d| d.code()).collect::<Vec<_>>(),
        ..form.typed
    };
    let template = format!("{}/case.html", desk.name());
    ctx.form_page(&path, &template, &form.errors, page)
}

/// An action's POST: the CSRF check, the one use case, then 303 to the case page saying what was
/// `done`; or the case page again with the form's errors and what was typed; or the refusal's page
/// (403 when the person may not act on this petition, log in first when nobody is signed in).
async fn act(
    ctx: &Ctx<'_>,
    csrf_token: &str,
    (desk, id, done): (Desk, i32, &str),
    (form, field, typed): (&str, &str, Value),
    use_case: impl Future<Output = Result<(), AppError>>,
) -> Response {
    let path = desk.case_path(id);
    let next = format!("{path}?done={done}");
    ctx.post(&path, (form, field))
        .login_first()
        .refused_as_page()
        .handle(
            csrf_token,
            use_case,
            |()| see_other(&next),
            async |errors| case_page(ctx, desk, id, CaseForm { errors, typed, done: None }).await,
        )
        .await
}

/// `?done=…` after an action: which one was just done, so the page says what happens next.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Done {
    done: Option<String>,
}

/// The form of an action that needs nothing but its CSRF token.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ActionForm {
    csrf_token: String,
}

/// A queue page of a desk, or the refusal's page.
fn queue_page(ctx: &Ctx<'_>, path: &str, template: &str, queue: Result<Value, AppError>) -> Response {
    match queue {
        Ok(page) => ctx.blank_form(path, template, page),
        Err(err) => refused_page(ctx.site, ctx.lang, path, &err),
    }
}
