//! The administration pages (`/admin/…`): the directory (organisations and members, districts,
//! categories), petition statutes, the calendar, API keys, accounts and roles, the event history and
//! the failed mail. Every page is for administrators only: [`administrators_only`] answers anyone else
//! with the 403 page before a handler runs, and every use case checks again. Handlers parse a form,
//! call one use case of `service::*` (the same the JSON API calls) and answer POST → 303 → GET with a
//! notice (`?done=…`), or the form again with the error summary and what was typed.
mod accounts;
mod api_keys;
mod calendar;
mod categories;
mod districts;
mod events;
mod mail;
mod organisations;

use std::sync::Arc;

use minijinja::context;
use poem::{
    Endpoint, EndpointExt, FromRequest, IntoResponse, Request, RequestBody, Response, Route, handler, http::StatusCode,
    web::Form,
};
use serde::Deserialize;

use super::{context::Ctx, i18n::Lang, render::Site, session::Visitor};
use crate::{domain::text, error::AppError};

/// The administration's routes, all under `/admin`.
pub(super) fn routes() -> impl Endpoint {
    Route::new()
        .at("/admin", poem::get(index))
        .at("/admin/organisations", poem::get(organisations::list))
        .at("/admin/organisations/new", poem::get(organisations::new_page).post(organisations::create))
        .at("/admin/organisations/:id", poem::get(organisations::edit_page).post(organisations::update))
        .at("/admin/organisations/:id/members", poem::post(organisations::add_member))
        .at("/admin/organisations/:id/members/:account/remove", poem::post(organisations::remove_member))
        .at("/admin/districts", poem::get(districts::list))
        .at("/admin/districts/new", poem::get(districts::new_page).post(districts::check_new))
        .at("/admin/districts/save", poem::post(districts::save))
        .at("/admin/districts/:id", poem::get(districts::edit_page).post(districts::check_edit))
        .at("/admin/categories", poem::get(categories::list))
        .at("/admin/categories/new", poem::get(categories::new_page).post(categories::create))
        .at("/admin/categories/:id", poem::get(categories::edit_page).post(categories::update))
        .at("/admin/statutes", poem::get(calendar::statutes_page).post(calendar::add_statute))
        .at("/admin/calendar", poem::get(calendar::calendar_page).post(calendar::set_override))
        .at("/admin/calendar/remove", poem::post(calendar::remove_override))
        .at("/admin/calendar/martial-law", poem::post(calendar::set_martial_law_end))
        .at("/admin/api-keys", poem::get(api_keys::list).post(api_keys::issue))
        .at("/admin/api-keys/issued", poem::get(api_keys::issued_page))
        .at("/admin/api-keys/:id/revoke", poem::post(api_keys::revoke))
        .at("/admin/accounts", poem::get(accounts::list))
        .at("/admin/accounts/:id/role", poem::post(accounts::set_role))
        .at("/admin/events", poem::get(events::list))
        .at("/admin/mail", poem::get(mail::list))
        .at("/admin/mail/retry", poem::post(mail::retry_all))
        .at("/admin/mail/:id/retry", poem::post(mail::retry))
        .around(administrators_only)
}

/// Every administration page and form, refused with the 403 page to anyone the domain's
/// authorization does not let administer (visitors, citizens, moderators, officers and heads).
async fn administrators_only<E: Endpoint>(ep: Arc<E>, req: Request) -> poem::Result<Response> {
    let visitor = req.extensions().get::<Visitor>().cloned();
    if visitor.is_some_and(|v| v.actor.administrator().is_ok()) {
        return ep.call(req).await.map(IntoResponse::into_response);
    }
    let lang = Lang::of_request(&req);
    match req.data::<Site>() {
        Some(site) => Ok(site.error(lang, req.uri().path(), StatusCode::FORBIDDEN)),
        None => Err(poem::Error::from_status(StatusCode::FORBIDDEN)),
    }
}

/// What a page says after a form did its work (`?done=<what>`), shown as a success banner.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Done {
    done: Option<String>,
}

impl Done {
    /// The notice's key, when it is one of `known`: a link cannot make the page say anything else.
    fn notice(&self, known: &[&str]) -> Option<String> {
        self.done.as_deref().filter(|d| known.contains(d)).map(|d| format!("admin-done-{d}"))
    }
}

#[handler]
fn index(ctx: Ctx<'_>) -> Response {
    ctx.page("/admin", "admin/index.html", context! {})
}

/// A form as typed, by field name (for forms whose fields are not fixed, such as an executor per
/// district, and date fields `<field>_day`, `_month`, `_year`).
type Typed = std::collections::BTreeMap<String, String>;

fn get<'a>(typed: &'a Typed, name: &str) -> &'a str {
    typed.get(name).map(String::as_str).unwrap_or_default()
}

/// A posted form: its fields as typed, and apart from them the CSRF token.
struct Posted {
    typed: Typed,
    token: String,
}

impl<'a> FromRequest<'a> for Posted {
    async fn from_request(req: &'a Request, body: &mut RequestBody) -> poem::Result<Self> {
        let Form(form) = Form::<Vec<(String, String)>>::from_request(req, body).await?;
        let mut typed: Typed = form.into_iter().collect();
        let token = typed.remove("csrf_token").unwrap_or_default();
        Ok(Posted { typed, token })
    }
}

/// A typed line cleaned by the one text rule (`domain::text`), naming `field` when it is refused.
fn line(field: &str, raw: &str, max: usize) -> Result<String, AppError> {
    Ok(text::clean(field, raw, text::Lines::One, max)?)
}

/// An optional typed line: empty stays `None`.
fn optional_line(field: &str, raw: &str, max: usize) -> Result<Option<String>, AppError> {
    let cleaned = line(field, raw, max)?;
    Ok((!cleaned.is_empty()).then_some(cleaned))
}

/// A whole number typed in `field`, or an error naming it.
fn number<T: std::str::FromStr>(field: &str, raw: &str) -> Result<T, AppError> {
    raw.trim().parse().map_err(|_| AppError::validation(field, "enter a whole number"))
}

/// An optional whole number (an empty field or "none" is `None`).
fn optional_number<T: std::str::FromStr>(field: &str, raw: &str) -> Result<Option<T>, AppError> {
    match raw.trim() {
        "" | "none" => Ok(None),
        typed => number(field, typed).map(Some),
    }
}

/// Creates an item once per form (`service::once`): the form's hidden `form_key` makes a double click
/// or a retried POST return the item the first one created, with `fingerprint` its content.
async fn create_once(
    state: &crate::service::AppState,
    visitor: &Visitor,
    (form_key, fingerprint): (&str, &str),
    collection: &str,
    create: impl Future<Output = Result<i32, AppError>>,
) -> Result<i32, AppError> {
    let account = visitor.actor.administrator()?;
    match crate::service::once::create_once(state, account, form_key, fingerprint, collection, create).await? {
        crate::service::once::Once::Created(id) => Ok(id),
        crate::service::once::Once::InFlight => Err(AppError::Conflict(crate::service::once::STILL_BEING_SENT.into())),
    }
}

/// A new form's key (see [`create_once`]).
fn new_form_key() -> String {
    uuid::Uuid::new_v4().to_string()
}
