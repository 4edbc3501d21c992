//! `/desk/team`: the head's overview — the team's open items, overdue and due this week per officer,
//! extensions used.
use minijinja::context;
use poem::{Response, handler, web::Query};
use serde::Deserialize;

use crate::{service::appeals::desk, web::context::Ctx};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TeamParams {
    org: Option<i32>,
}

#[handler]
pub async fn team(ctx: Ctx<'_>, Query(params): Query<TeamParams>) -> Response {
    let path = "/desk/team";
    let overview = match desk::team(ctx.state, ctx.actor(), params.org).await {
        Ok(overview) => overview,
        Err(err) => return ctx.error(path, &err),
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
    ctx.page(path, "desk/team.html", page)
}
