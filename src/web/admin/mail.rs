//! Failed mail (#17): the outbox's mails that could not be delivered, with the server's reason; retry
//! one or all (`service::mail::{list, retry, retry_all}`, as `GET /api/v1/mail/outbox?status=failed`
//! and its retry endpoints). The page shows what the API shows: never a message body.
use minijinja::{Value, context};
use poem::{
    Response, handler,
    web::{Form, Path, Query},
};
use serde::Deserialize;

use crate::{
    service::mail::{self, MailStatus},
    web::{
        context::Ctx,
        forms::{CsrfOnly, FormErrors},
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
pub async fn list(ctx: Ctx<'_>, Query(query): Query<MailQuery>) -> Response {
    let page = mail::list(ctx.state, ctx.actor(), MailStatus::Failed, query.before, PAGE).await.map(|mails| {
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
        context! { mails => rows, older, notice, count => query.count.unwrap_or(0) }
    });
    ctx.loaded_form(PATH, "admin/mail.html", &FormErrors::default(), page)
}

/// Where a retry lands: the list, saying how many mails went back to the queue.
fn retried(ids: Vec<i32>) -> String {
    format!("{PATH}?done=mail-retried&count={}", ids.len())
}

#[handler]
pub async fn retry(ctx: Ctx<'_>, Path(id): Path<i32>, Form(form): Form<CsrfOnly>) -> Response {
    ctx.button((PATH, &form.csrf_token), mail::retry(ctx.state, ctx.actor(), id), retried).await
}

#[handler]
pub async fn retry_all(ctx: Ctx<'_>, Form(form): Form<CsrfOnly>) -> Response {
    ctx.button((PATH, &form.csrf_token), mail::retry_all(ctx.state, ctx.actor()), retried).await
}
