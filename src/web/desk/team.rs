//! `/desk/team`: the head's overview — the team's open items, overdue and due this week per officer,
//! extensions used.
use minijinja::context;
use poem::{
    Response, handler,
    web::{Data, Query},
};
use serde::Deserialize;

use crate::{
    service::{AppState, appeals::desk},
    web::{forms::error_page, i18n::Lang, render::Site, session::Visitor},
};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TeamParams {
    org: Option<i32>,
}

#[handler]
pub async fn team(
    site: Data<&Site>,
    state: Data<&AppState>,
    lang: Lang,
    visitor: Visitor,
    Query(params): Query<TeamParams>,
) -> Response {
    let path = "/desk/team";
    let overview = match desk::team(&state, &visitor.actor, params.org).await {
        Ok(overview) => overview,
        Err(err) => return error_page(&site, lang, path, &err),
    };
    let line = |l: desk::TeamLine| {
        context! { id => l.account_id, name => l.name, open => l.open, overdue => l.overdue, week => l.due_this_week, extended => l.extended }
    };
    let page = context! {
        organisation_id => overview.organisation_id,
        workplaces => overview.workplaces.into_iter().filter(|w| w.head).map(|w| (w.id, w.name)).collect::<Vec<_>>(),
        lines => overview.lines.into_iter().map(line).collect::<Vec<_>>(),
        totals => line(overview.totals),
    };
    site.page(lang, path, "desk/team.html", page)
}
