//! Failed mail (#17): the outbox's mails that could not be delivered, with the server's reason; retry
//! one or all (`service::mail::{list, retry, retry_all}`, as `GET /api/v1/mail/outbox?status=failed`
//! and its retry endpoints). The page shows what the API shows: never a message body.
use minijinja::{Value, context};
use poem::{
    Response, handler,
    web::{CsrfToken, CsrfVerifier, Data, Form, Path, Query},
};
use serde::Deserialize;

use crate::{
    service::{
        AppState,
        mail::{self, MailStatus},
    },
    web::{
        forms::{CsrfOnly, FormErrors, csrf_refused, error_page, form_page, see_other},
        i18n::Lang,
        render::Site,
        session::Visitor,
    },
};

const PATH: &str = "/admin/mail";
const PAGE: u64 = 50;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MailQuery {
    before: Option<i32>,
    done: Option<String>,
    count: Option<usize>,
}

#[handler]
pub async fn list(
    site: Data<&Site>,
    state: Data<&AppState>,
    lang: Lang,
    visitor: Visitor,
    csrf: &CsrfToken,
    Query(query): Query<MailQuery>,
) -> Response {
    match mail::list(&state, &visitor.actor, MailStatus::Failed, query.before, PAGE).await {
        Ok(mails) => {
            let older = (mails.len() as u64 == PAGE).then(|| mails.last().map(|m| m.id)).flatten();
            let rows: Vec<Value> = mails
                .into_iter()
                .map(|m| {
                    context! {
                        id => m.id, kind => m.kind, recipient => m.recipient, subject => m.subject,
                        attempts => m.attempts, reason => m.last_error,
                        created_at => m.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
                    }
                })
                .collect();
            let notice = query.done.filter(|d| d == "mail-retried").map(|d| format!("admin-done-{d}"));
            let page = context! { mails => rows, older, notice, count => query.count.unwrap_or(0) };
            form_page(&site, lang, PATH, "admin/mail.html", csrf, &FormErrors::default(), page)
        }
        Err(err) => error_page(&site, lang, PATH, &err),
    }
}

#[handler]
pub async fn retry(
    site: Data<&Site>,
    state: Data<&AppState>,
    lang: Lang,
    visitor: Visitor,
    verifier: &CsrfVerifier,
    Path(id): Path<i32>,
    Form(form): Form<CsrfOnly>,
) -> Response {
    if let Some(page) = csrf_refused(&site, lang, PATH, verifier, &form.csrf_token) {
        return page;
    }
    match mail::retry(&state, &visitor.actor, id).await {
        Ok(ids) => see_other(&format!("{PATH}?done=mail-retried&count={}", ids.len())),
        Err(err) => error_page(&site, lang, PATH, &err),
    }
}

#[handler]
pub async fn retry_all(
    site: Data<&Site>,
    state: Data<&AppState>,
    lang: Lang,
    visitor: Visitor,
    verifier: &CsrfVerifier,
    Form(form): Form<CsrfOnly>,
) -> Response {
    if let Some(page) = csrf_refused(&site, lang, PATH, verifier, &form.csrf_token) {
        return page;
    }
    match mail::retry_all(&state, &visitor.actor).await {
        Ok(ids) => see_other(&format!("{PATH}?done=mail-retried&count={}", ids.len())),
        Err(err) => error_page(&site, lang, PATH, &err),
    }
}
