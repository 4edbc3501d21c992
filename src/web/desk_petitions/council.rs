//! `/desk/council`: the council's petitions — those that reached the threshold and await the notice of
//! consideration, those under consideration with the 10-working-day clock — and one petition's page
//! where an officer of the council publishes the notice, then the answer (decision and reasons).
use minijinja::context;
use poem::{
    Response, handler,
    web::{Form, Path, Query},
};
use serde::Deserialize;

use super::{ActionForm, CaseForm, Desk, Done, act, case_page, desk_group, queue_page};
use crate::{domain::petitions::Decision, error::AppError, service::petitions as use_case, web::context::Ctx};

#[handler]
pub async fn queue(ctx: Ctx<'_>) -> Response {
    let lang = ctx.lang;
    let queues = use_case::council_queue(ctx.state, ctx.actor()).await;
    let page = queues.map(|(awaiting, considering)| {
        context! { awaiting => desk_group(lang, awaiting), considering => desk_group(lang, considering) }
    });
    queue_page(&ctx, "/desk/council", "council/queue.html", page)
}

#[handler]
pub async fn case(ctx: Ctx<'_>, Path(id): Path<i32>, Query(done): Query<Done>) -> Response {
    let form = CaseForm { errors: Default::default(), typed: context! {}, done: done.done };
    case_page(&ctx, Desk::Council, id, form).await
}

#[handler]
pub async fn notice(ctx: Ctx<'_>, Path(id): Path<i32>, Form(form): Form<ActionForm>) -> Response {
    let announcing = async { use_case::notice(ctx.state, ctx.actor(), id).await.map(drop) };
    let form_strings = ("notice", "notice", context! {});
    act(&ctx, &form.csrf_token, (Desk::Council, id, "notice"), form_strings, announcing).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AnswerForm {
    csrf_token: String,
    decision: String,
    text: String,
}

#[handler]
pub async fn answer(ctx: Ctx<'_>, Path(id): Path<i32>, Form(form): Form<AnswerForm>) -> Response {
    let answering = async {
        let decision =
            Decision::parse(&form.decision).ok_or_else(|| AppError::validation("decision", "choose the decision"))?;
        use_case::answer(ctx.state, ctx.actor(), id, decision, form.text.clone()).await.map(drop)
    };
    let typed = context! { decision => &form.decision, text => &form.text };
    act(&ctx, &form.csrf_token, (Desk::Council, id, "answered"), ("answer", "text", typed), answering).await
}
