//! `/desk/moderation`: the petitions awaiting moderation with the 2-working-day clock, and one
//! petition's page where a moderator publishes it or refuses it with a ground and an explanation.
use minijinja::context;
use poem::{
    Response, handler,
    web::{Form, Path, Query},
};
use serde::Deserialize;

use super::{ActionForm, CaseForm, Desk, Done, act, case_page, desk_group, queue_page};
use crate::{domain::petitions::RefusalCode, error::AppError, service::petitions as use_case, web::context::Ctx};

#[handler]
pub async fn queue(ctx: Ctx<'_>) -> Response {
    let lang = ctx.lang;
    let queue = use_case::moderation_queue(ctx.state, ctx.actor()).await;
    let page = queue.map(|group| context! { queue => desk_group(lang, group) });
    queue_page(&ctx, "/desk/moderation", "moderation/queue.html", page)
}

#[handler]
pub async fn case(ctx: Ctx<'_>, Path(id): Path<i32>, Query(done): Query<Done>) -> Response {
    let form = CaseForm { errors: Default::default(), typed: context! {}, done: done.done };
    case_page(&ctx, Desk::Moderation, id, form).await
}

#[handler]
pub async fn publish(ctx: Ctx<'_>, Path(id): Path<i32>, Form(form): Form<ActionForm>) -> Response {
    let publishing = async { use_case::publish(ctx.state, ctx.actor(), id).await.map(drop) };
    let form_strings = ("publish", "publish", context! {});
    act(&ctx, &form.csrf_token, (Desk::Moderation, id, "published"), form_strings, publishing).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RefuseForm {
    csrf_token: String,
    code: String,
    reason: String,
}

#[handler]
pub async fn refuse(ctx: Ctx<'_>, Path(id): Path<i32>, Form(form): Form<RefuseForm>) -> Response {
    let refusing = async {
        let code = RefusalCode::parse(&form.code)
            .ok_or_else(|| AppError::validation("code", "choose the ground of the refusal"))?;
        use_case::refuse(ctx.state, ctx.actor(), id, code, form.reason.clone()).await.map(drop)
    };
    let typed = context! { code => &form.code, reason => &form.reason };
    act(&ctx, &form.csrf_token, (Desk::Moderation, id, "refused"), ("refuse", "reason", typed), refusing).await
}
