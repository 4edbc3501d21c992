//! `/desk`: the organisation's work queue, most urgent first, with filters (a GET form), counts per
//! group, search, pages, and what changed since the officer's last visit.
use minijinja::context;
use poem::{Response, handler, web::Query};
use serde::Deserialize;

use super::{due_day, time_left};
use crate::{
    domain::appeals::{AppealKind, Channel, Status, urgency::Urgency},
    service::appeals::{
        desk::{self, WorkQueue},
        queries::{ListOrder, ListRequest},
    },
    storage::Page,
    web::{context::Ctx, i18n::Lang, paging, session::Visitor},
};

const PER_PAGE: u64 = 25;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct QueueParams {
    org: Option<i32>,
    status: String,
    kind: String,
    category: Option<i32>,
    district: Option<i32>,
    channel: String,
    assignee: Option<i32>,
    mine: Option<String>,
    privileged: Option<String>,
    q: String,
    page: Option<String>,
    /// An appeal just forwarded away (the notice says it left the queue).
    forwarded: Option<i32>,
}

impl QueueParams {
    /// The list request; unknown choices fall back to "any", so a hand-edited address still shows a list.
    fn request(&self, visitor: &Visitor, number: u64) -> ListRequest {
        let me = visitor.actor.principal().map(|p| p.account_id);
        ListRequest {
            kind: AppealKind::from_code(&self.kind),
            status: Status::from_code(&self.status),
            category_id: self.category,
            district_id: self.district,
            channel: Channel::from_code(&self.channel),
            assignee_account_id: if self.mine.is_some() { me } else { self.assignee },
            open_only: self.status.is_empty(),
            search: Some(self.q.clone()),
            order: ListOrder::Urgency { privileged_first: self.privileged.is_some() },
            page: Page { number, size: PER_PAGE },
            ..ListRequest::default()
        }
    }

    /// The address of another page of the same list.
    fn page_link(&self, number: u64) -> String {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        let optional = [
            ("org", self.org.map(|v| v.to_string())),
            ("category", self.category.map(|v| v.to_string())),
            ("district", self.district.map(|v| v.to_string())),
            ("assignee", self.assignee.map(|v| v.to_string())),
            ("mine", self.mine.clone()),
            ("privileged", self.privileged.clone()),
        ];
        for (name, value) in
            [("status", &self.status), ("kind", &self.kind), ("channel", &self.channel), ("q", &self.q)]
        {
            if !value.is_empty() {
                query.append_pair(name, value);
            }
        }
        for (name, value) in optional.iter().filter_map(|(n, v)| v.as_ref().map(|v| (n, v))) {
            query.append_pair(name, value);
        }
        query.append_pair("page", &number.to_string());
        format!("/desk?{}", query.finish())
    }
}

#[handler]
pub async fn queue(ctx: Ctx<'_>, Query(params): Query<QueueParams>) -> Response {
    let (path, lang) = ("/desk", ctx.lang);
    let Some(number) = paging::page_number(params.page.as_deref()) else {
        return paging::no_such_page(ctx.site, lang, path, &params.page_link(1));
    };
    let work = match desk::queue(ctx.state, ctx.actor(), params.org, params.request(&ctx.visitor, number)).await {
        Ok(work) => work,
        Err(err) => return ctx.error(path, &err),
    };
    let categories = crate::service::directory::categories(ctx.state).await.unwrap_or_default();
    let districts = crate::service::directory::districts(ctx.state).await.unwrap_or_default();
    let page = render_queue(lang, &params, number, work);
    let page = context! {
        categories => categories.iter().map(|c| (c.id, if lang == Lang::Uk { c.fields.name_uk.clone() } else { c.fields.name_en.clone() })).collect::<Vec<_>>(),
        districts => districts.iter().map(|d| (d.id, d.name.clone())).collect::<Vec<_>>(),
        ..page
    };
    ctx.page(path, "desk/queue.html", page)
}

fn render_queue(lang: Lang, params: &QueueParams, number: u64, work: WorkQueue) -> minijinja::Value {
    let WorkQueue { organisation_id, workplaces, items, total, groups, officers, changes, since } = work;
    let pages = total.div_ceil(PER_PAGE).max(1);
    let items: Vec<_> = items
        .into_iter()
        .map(|item| {
            let a = item.appeal;
            context! {
                id => a.id, subject => a.subject, kind => a.kind.code(), status => a.status.code(),
                channel => a.channel.code(), privileged => a.privileged,
                urgency => item.urgency.code(), due => due_day(lang, a.deadline.due_at),
                left => time_left(lang, item.time_left), assignee => item.assignee_name,
                extended => a.deadline.extended_due_at.is_some(), rework => a.status == Status::Rework,
            }
        })
        .collect();
    context! {
        organisation_id, total, items, officers, pages, page_number => number,
        workplaces => workplaces.into_iter().map(|w| (w.id, w.name)).collect::<Vec<_>>(),
        groups => Urgency::ALL.iter().map(|u| (u.code(), groups.get(u).copied().unwrap_or(0))).collect::<Vec<_>>(),
        changes => changes.map(|c| context! { new_items => c.new_items, returned => c.returned, reminded => c.reminded, overdue => c.overdue }),
        since => since.map(|s| {
            let (day, time) = super::day_and_time(lang, s);
            context! { day, time }
        }),
        previous => (number > 1).then(|| params.page_link(number - 1)),
        next => (number < pages).then(|| params.page_link(number + 1)),
        statuses => Status::ALL.iter().map(|s| s.code()).collect::<Vec<_>>(),
        kinds => AppealKind::ALL.iter().map(|k| k.code()).collect::<Vec<_>>(),
        channels => Channel::ALL.iter().map(|c| c.code()).collect::<Vec<_>>(),
        f => context! {
            status => params.status, kind => params.kind, category => params.category, district => params.district,
            channel => params.channel, assignee => params.assignee, mine => params.mine.is_some(),
            privileged => params.privileged.is_some(), q => params.q,
        },
        forwarded => params.forwarded,
    }
}
