//! The event history of administration: every change to organisations, members, districts,
//! categories, statutes, the calendar, API keys and accounts, newest first, with the administrator
//! who made it (`service::audit::changes`; the events the use cases record in the same transaction).
use minijinja::{Value, context};
use poem::{Response, handler, web::Query};
use serde::Deserialize;

use crate::{service::audit, web::context::Ctx};

const PATH: &str = "/admin/events";
const PAGE: u64 = 50;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct EventsQuery {
    subject: String,
    before: Option<i32>,
}

#[handler]
pub async fn list(ctx: Ctx<'_>, Query(query): Query<EventsQuery>) -> Response {
    let subject = Some(query.subject.as_str()).filter(|s| !s.is_empty());
    let page = audit::changes(ctx.state, ctx.actor(), subject, query.before, PAGE).await.map(|changes| {
        let older = (changes.len() as u64 == PAGE).then(|| changes.last().map(|c| c.id)).flatten();
        let rows: Vec<Value> = changes
            .into_iter()
            .map(|c| {
                context! {
                    at => c.occurred_at.format("%Y-%m-%d %H:%M:%S UTC").to_string(), actor => c.actor_account_id,
                    subject_type => c.subject_type, subject_id => c.subject_id, action => c.action,
                    from_state => c.from_state, to_state => c.to_state, details => c.details,
                }
            })
            .collect();
        context! { events => rows, subjects => audit::ADMINISTERED, subject => &query.subject, older }
    });
    ctx.loaded_page(PATH, "admin/events.html", page)
}
