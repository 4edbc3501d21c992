//! The calendar (dated overrides of working days, with the decision that grounds each; the end of
//! martial law) and the petition statutes: `service::calendar` and `service::petitions`, the use cases
//! of `PUT/DELETE /api/v1/calendar/overrides/{date}`, `PUT /api/v1/calendar/martial-law` and
//! `POST /api/v1/petitions/statutes`.
use std::collections::BTreeMap;

use chrono::NaiveDate;
use minijinja::{Value, context};
use poem::{
    Response, handler,
    web::{CsrfToken, CsrfVerifier, Data, Form, Query},
};

use super::{Done, Typed, form_again, get, line, number, typed};
use crate::{
    domain::petitions::{SigningMode, Statute},
    error::AppError,
    service::{AppState, calendar, directory, petitions},
    web::{
        dates::{from_fields, long_date},
        forms::{FormErrors, FormPost, csrf_refused, error_page, form_page, see_other},
        i18n::Lang,
        render::Site,
        session::Visitor,
    },
};

const CALENDAR: &str = "/admin/calendar";
const STATUTES: &str = "/admin/statutes";

/// The date typed in the three fields of `field`: `None` when all are empty, an error naming `field`
/// when they do not make a real date.
fn typed_date(typed: &Typed, field: &str) -> Result<Option<NaiveDate>, AppError> {
    let part = |p: &str| get(typed, &format!("{field}_{p}"));
    if [part("day"), part("month"), part("year")].iter().all(|p| p.trim().is_empty()) {
        return Ok(None);
    }
    from_fields(part("day"), part("month"), part("year"))
        .map(Some)
        .ok_or_else(|| AppError::validation(field, "enter a real date: day, month and a four-digit year"))
}

async fn calendar_context(
    state: &AppState,
    lang: Lang,
    typed: &Typed,
    done: Option<String>,
) -> Result<Value, AppError> {
    let overrides: Vec<Value> = calendar::overrides(state)
        .await?
        .into_iter()
        .map(|o| {
            let when = long_date(lang, o.date);
            context! { date => o.date.to_string(), when, working => o.working, note => o.note }
        })
        .collect();
    let m = calendar::martial_law(state).await?;
    let martial_law = context! {
        declared_on => long_date(lang, m.declared_on), ended_on => m.ended_on.map(|d| long_date(lang, d)),
        source => m.source.code(),
    };
    Ok(context! { overrides, martial_law, typed => Value::from_serialize(typed), notice => done })
}

#[handler]
pub async fn calendar_page(
    site: Data<&Site>,
    state: Data<&AppState>,
    lang: Lang,
    csrf: &CsrfToken,
    Query(done): Query<Done>,
) -> Response {
    let notice = done.notice(&["override-saved", "override-removed", "martial-law-saved"]);
    match calendar_context(&state, lang, &Typed::new(), notice).await {
        Ok(page) => form_page(&site, lang, CALENDAR, "admin/calendar.html", csrf, &FormErrors::default(), page),
        Err(err) => error_page(&site, lang, CALENDAR, &err),
    }
}

/// A POST of one of the calendar page's forms: the token checked, then `use_case`, then 303 to `next`,
/// or the calendar page again with the form's errors.
#[allow(clippy::too_many_arguments)]
async fn calendar_post(
    site: &Site,
    state: &AppState,
    lang: Lang,
    (csrf, verifier): (&CsrfToken, &CsrfVerifier),
    names: (&str, &str),
    (typed, token): (&Typed, &str),
    use_case: impl Future<Output = Result<(), AppError>>,
    next: String,
) -> Response {
    FormPost::new(site, lang, CALENDAR, names)
        .handle(
            verifier,
            token,
            use_case,
            |()| see_other(&next),
            async |errors| {
                let page = calendar_context(state, lang, typed, None).await;
                form_again(site, lang, CALENDAR, ("admin/calendar.html", csrf), &errors, page)
            },
        )
        .await
}

/// Declares the typed date a working day or a day off.
async fn declare_day(state: &AppState, visitor: &Visitor, typed: &Typed) -> Result<(), AppError> {
    let date = typed_date(typed, "date")?.ok_or_else(|| AppError::validation("date", "enter the date"))?;
    let working = match get(typed, "working") {
        "yes" => true,
        "no" => false,
        _ => return Err(AppError::validation("working", "choose whether the day is a working day")),
    };
    let note = line("note", get(typed, "note"), calendar::NOTE_MAX_CHARS)?;
    match calendar::set_override(state, &visitor.actor, &date.to_string(), working, note).await {
        Ok(_) => Ok(()),
        // The calendar's own range check names its parameter `date`, as this form's field.
        Err(AppError::BadRequest(message)) => Err(AppError::validation("date", message)),
        Err(other) => Err(other),
    }
}

#[handler]
pub async fn set_override(
    site: Data<&Site>,
    state: Data<&AppState>,
    lang: Lang,
    visitor: Visitor,
    csrf: &CsrfToken,
    verifier: &CsrfVerifier,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let (typed, token) = typed(form);
    let use_case = declare_day(&state, &visitor, &typed);
    let next = format!("{CALENDAR}?done=override-saved");
    calendar_post(&site, &state, lang, (csrf, verifier), ("override", "date"), (&typed, &token), use_case, next).await
}

#[handler]
pub async fn remove_override(
    site: Data<&Site>,
    state: Data<&AppState>,
    lang: Lang,
    visitor: Visitor,
    verifier: &CsrfVerifier,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let (typed, token) = typed(form);
    if let Some(page) = csrf_refused(&site, lang, CALENDAR, verifier, &token) {
        return page;
    }
    match calendar::remove_override(&state, &visitor.actor, get(&typed, "date")).await {
        Ok(()) => see_other(&format!("{CALENDAR}?done=override-removed")),
        Err(err) => error_page(&site, lang, CALENDAR, &err),
    }
}

/// Records the end of martial law (or that it continues), each error on this form's fields.
async fn record_martial_law(state: &AppState, visitor: &Visitor, typed: &Typed) -> Result<(), AppError> {
    let ended_on = typed_date(typed, "ended_on")?;
    match calendar::set_martial_law_end(state, &visitor.actor, ended_on, get(typed, "martial_law_note")).await {
        Ok(_) => Ok(()),
        Err(AppError::Validation { field, message }) => {
            let field = if field.as_deref() == Some("note") { "martial_law_note" } else { "ended_on" };
            Err(AppError::validation(field, message))
        }
        Err(other) => Err(other),
    }
}

#[handler]
pub async fn set_martial_law_end(
    site: Data<&Site>,
    state: Data<&AppState>,
    lang: Lang,
    visitor: Visitor,
    csrf: &CsrfToken,
    verifier: &CsrfVerifier,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let (typed, token) = typed(form);
    let use_case = record_martial_law(&state, &visitor, &typed);
    let next = format!("{CALENDAR}?done=martial-law-saved");
    let names = ("martial-law", "ended_on");
    calendar_post(&site, &state, lang, (csrf, verifier), names, (&typed, &token), use_case, next).await
}

async fn statutes_context(
    state: &AppState,
    lang: Lang,
    typed: &Typed,
    done: Option<String>,
) -> Result<Value, AppError> {
    let councils: Vec<Value> = directory::organisations(state)
        .await?
        .into_iter()
        .filter(|o| o.kind == "council")
        .map(|o| context! { id => o.id.to_string(), name => o.name })
        .collect();
    let names: BTreeMap<i32, String> =
        directory::organisations(state).await?.into_iter().map(|o| (o.id, o.name)).collect();
    let statutes: Vec<Value> = petitions::statutes(state)
        .await?
        .into_iter()
        .map(|s| {
            context! {
                council => names.get(&s.council_id), effective_from => long_date(lang, s.effective_from),
                threshold => s.signature_threshold, days => s.collection_days, title_max => s.title_max_chars,
                text_max => s.text_max_chars, mode => s.signing_mode.code(),
            }
        })
        .collect();
    let modes: Vec<&str> = SigningMode::ALL.iter().map(|m| m.code()).collect();
    Ok(context! { statutes, councils, modes, typed => Value::from_serialize(typed), notice => done })
}

#[handler]
pub async fn statutes_page(
    site: Data<&Site>,
    state: Data<&AppState>,
    lang: Lang,
    csrf: &CsrfToken,
    Query(done): Query<Done>,
) -> Response {
    let typed: Typed = [("title_max_chars", "200"), ("text_max_chars", "10000"), ("signing_mode", "verified_account")]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    match statutes_context(&state, lang, &typed, done.notice(&["statute-saved"])).await {
        Ok(page) => form_page(&site, lang, STATUTES, "admin/statutes.html", csrf, &FormErrors::default(), page),
        Err(err) => error_page(&site, lang, STATUTES, &err),
    }
}

fn statute(typed: &Typed) -> Result<Statute, AppError> {
    let effective_from = typed_date(typed, "effective_from")?
        .ok_or_else(|| AppError::validation("effective_from", "enter the date the terms apply from"))?;
    let mode = get(typed, "signing_mode");
    Ok(Statute {
        id: 0,
        council_id: number("council_id", get(typed, "council_id"))?,
        effective_from,
        signature_threshold: number("signature_threshold", get(typed, "signature_threshold"))?,
        collection_days: number("collection_days", get(typed, "collection_days"))?,
        title_max_chars: number("title_max_chars", get(typed, "title_max_chars"))?,
        text_max_chars: number("text_max_chars", get(typed, "text_max_chars"))?,
        signing_mode: SigningMode::from_code(mode)
            .ok_or_else(|| AppError::validation("signing_mode", "choose how people sign"))?,
    })
}

#[handler]
pub async fn add_statute(
    site: Data<&Site>,
    state: Data<&AppState>,
    lang: Lang,
    visitor: Visitor,
    csrf: &CsrfToken,
    verifier: &CsrfVerifier,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let (typed, token) = typed(form);
    let use_case = async { petitions::add_statute(&state, &visitor.actor, statute(&typed)?).await };
    let adopted = |_| see_other(&format!("{STATUTES}?done=statute-saved"));
    FormPost::new(&site, lang, STATUTES, ("statute", "council_id"))
        .handle(verifier, &token, use_case, adopted, async |errors| {
            let page = statutes_context(&state, lang, &typed, None).await;
            form_again(&site, lang, STATUTES, ("admin/statutes.html", csrf), &errors, page)
        })
        .await
}
