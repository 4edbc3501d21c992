//! The calendar (dated overrides of working days, with the decision that grounds each; the end of
//! martial law) and the petition statutes (adopted once per form: `create_once`; the calendar's forms
//! need no key, as declaring the same decision again changes nothing): `service::calendar` and `service::petitions`, the use cases
//! of `PUT/DELETE /api/v1/calendar/overrides/{date}`, `PUT /api/v1/calendar/martial-law` and
//! `POST /api/v1/petitions/statutes`.
use std::collections::BTreeMap;

use chrono::NaiveDate;
use minijinja::{Value, context};
use poem::{Response, handler, web::Query};

use super::{Done, Posted, Typed, get, line, number};
use crate::{
    domain::petitions::{SigningMode, Statute},
    error::AppError,
    service::{Actor, AppState, calendar, directory, petitions},
    web::{
        context::Ctx,
        dates::{from_fields, long_date},
        forms::{FormErrors, see_other},
        i18n::Lang,
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
pub async fn calendar_page(ctx: Ctx<'_>, Query(done): Query<Done>) -> Response {
    let notice = done.notice(&["override-saved", "override-removed", "martial-law-saved"]);
    let page = calendar_context(ctx.state, ctx.lang, &Typed::new(), notice).await;
    ctx.loaded_form(CALENDAR, "admin/calendar.html", &FormErrors::default(), page)
}

/// A POST of one of the calendar page's forms: the token checked, then `use_case`, then 303 to
/// `?done=<done>`, or the calendar page again with the form's errors.
async fn calendar_post(
    ctx: &Ctx<'_>,
    names: (&str, &str),
    posted: &Posted,
    use_case: impl Future<Output = Result<(), AppError>>,
    done: &str,
) -> Response {
    let page = async || calendar_context(ctx.state, ctx.lang, &posted.typed, None).await;
    let next = |()| see_other(&format!("{CALENDAR}?done={done}"));
    ctx.post(CALENDAR, names).again_loaded(&posted.token, use_case, next, ("admin/calendar.html", page)).await
}

/// Declares the typed date a working day or a day off.
async fn declare_day(state: &AppState, actor: &Actor, typed: &Typed) -> Result<(), AppError> {
    let date = typed_date(typed, "date")?.ok_or_else(|| AppError::validation("date", "enter the date"))?;
    let working = match get(typed, "working") {
        "yes" => true,
        "no" => false,
        _ => return Err(AppError::validation("working", "choose whether the day is a working day")),
    };
    let note = line("note", get(typed, "note"), calendar::NOTE_MAX_CHARS)?;
    match calendar::set_override(state, actor, &date.to_string(), working, note).await {
        Ok(_) => Ok(()),
        // The calendar's own range check names its parameter `date`, as this form's field.
        Err(AppError::BadRequest(message)) => Err(AppError::validation("date", message)),
        Err(other) => Err(other),
    }
}

#[handler]
pub async fn set_override(ctx: Ctx<'_>, posted: Posted) -> Response {
    let use_case = declare_day(ctx.state, ctx.actor(), &posted.typed);
    calendar_post(&ctx, ("override", "date"), &posted, use_case, "override-saved").await
}

#[handler]
pub async fn remove_override(ctx: Ctx<'_>, posted: Posted) -> Response {
    let removing = calendar::remove_override(ctx.state, ctx.actor(), get(&posted.typed, "date"));
    ctx.button((CALENDAR, &posted.token), removing, |()| format!("{CALENDAR}?done=override-removed")).await
}

/// Records the end of martial law (or that it continues), each error on this form's fields.
async fn record_martial_law(state: &AppState, actor: &Actor, typed: &Typed) -> Result<(), AppError> {
    let ended_on = typed_date(typed, "ended_on")?;
    match calendar::set_martial_law_end(state, actor, ended_on, get(typed, "martial_law_note")).await {
        Ok(_) => Ok(()),
        Err(AppError::Validation { field, message }) => {
            let field = if field.as_deref() == Some("note") { "martial_law_note" } else { "ended_on" };
            Err(AppError::validation(field, message))
        }
        Err(other) => Err(other),
    }
}

#[handler]
pub async fn set_martial_law_end(ctx: Ctx<'_>, posted: Posted) -> Response {
    let use_case = record_martial_law(ctx.state, ctx.actor(), &posted.typed);
    calendar_post(&ctx, ("martial-law", "ended_on"), &posted, use_case, "martial-law-saved").await
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
pub async fn statutes_page(ctx: Ctx<'_>, Query(done): Query<Done>) -> Response {
    let form_key = super::new_form_key();
    let typed: Typed = [
        ("title_max_chars", "200"),
        ("text_max_chars", "10000"),
        ("signing_mode", "verified_account"),
        ("form_key", &form_key),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    let page = statutes_context(ctx.state, ctx.lang, &typed, done.notice(&["statute-saved"])).await;
    ctx.loaded_form(STATUTES, "admin/statutes.html", &FormErrors::default(), page)
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

/// Adopts the typed terms once per form (its `form_key`): a double click or a retried POST gets the terms
/// the first one adopted instead of a refusal for terms of the same date.
#[handler]
pub async fn add_statute(ctx: Ctx<'_>, Posted { typed, token }: Posted) -> Response {
    let use_case = async {
        let terms = statute(&typed)?;
        let fingerprint = serde_json::to_string(&typed).unwrap_or_default();
        let adopting = async { Ok(petitions::add_statute(ctx.state, ctx.actor(), terms).await?.id) };
        super::create_once(ctx.state, &ctx.visitor, (get(&typed, "form_key"), &fingerprint), STATUTES, adopting).await
    };
    let adopted = |_| see_other(&format!("{STATUTES}?done=statute-saved"));
    let page = async || statutes_context(ctx.state, ctx.lang, &typed, None).await;
    ctx.post(STATUTES, ("statute", "council_id"))
        .again_loaded(&token, use_case, adopted, ("admin/statutes.html", page))
        .await
}
