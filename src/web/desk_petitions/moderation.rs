//! `/desk/moderation`: the petitions awaiting moderation with the 2-working-day clock, and one
//! petition's page where a moderator publishes it or refuses it with a ground and an explanation.
use minijinja::context;
use poem::{
    Response, handler,
    web::{CsrfToken, CsrfVerifier, Data, Form, Path, Query},
};
use serde::Deserialize;

use super::{ActionForm, CaseForm, Ctx, Desk, Done, act, case_page, desk_group, queue_page};
use crate::{
    domain::petitions::RefusalCode,
    error::AppError,
    service::{AppState, petitions as use_case},
    web::{i18n::Lang, render::Site, session::Visitor},
};

#[handler]
pub async fn queue(
    site: Data<&Site>,
    state: Data<&AppState>,
    lang: Lang,
    visitor: Visitor,
    csrf: &CsrfToken,
) -> Response {
    let ctx = Ctx { site: &site, state: &state, lang, actor: &visitor.actor, csrf };
    let queue = use_case::moderation_queue(&state, &visitor.actor).await;
    let page = queue.map(|group| context! { queue => desk_group(lang, group) });
    queue_page(&ctx, "/desk/moderation", "moderation/queue.html", page)
}

#[handler]
pub async fn case(
    site: Data<&Site>,
    state: Data<&AppState>,
    lang: Lang,
    visitor: Visitor,
    csrf: &CsrfToken,
    Path(id): Path<i32>,
    Query(done): Query<Done>,
) -> Response {
    let ctx = Ctx { site: &site, state: &state, lang, actor: &visitor.actor, csrf };
    let form = CaseForm { errors: Default::default(), typed: context! {}, done: done.done };
    case_page(&ctx, Desk::Moderation, id, form).await
}

#[handler]
#[allow(clippy::too_many_arguments)]
pub async fn publish(
    site: Data<&Site>,
    state: Data<&AppState>,
    lang: Lang,
    visitor: Visitor,
    csrf: &CsrfToken,
    verifier: &CsrfVerifier,
    Path(id): Path<i32>,
    Form(form): Form<ActionForm>,
) -> Response {
    let ctx = Ctx { site: &site, state: &state, lang, actor: &visitor.actor, csrf };
    let publishing = async { use_case::publish(&state, &visitor.actor, id).await.map(drop) };
    let form_strings = ("publish", "publish", context! {});
    act(&ctx, (verifier, &form.csrf_token), (Desk::Moderation, id, "published"), form_strings, publishing).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RefuseForm {
    csrf_token: String,
    code: String,
    reason: String,
}

#[handler]
#[allow(clippy::too_many_arguments)]
pub async fn refuse(
    site: Data<&Site>,
    state: Data<&AppState>,
    lang: Lang,
    visitor: Visitor,
    csrf: &CsrfToken,
    verifier: &CsrfVerifier,
    Path(id): Path<i32>,
    Form(form): Form<RefuseForm>,
) -> Response {
    let ctx = Ctx { site: &site, state: &state, lang, actor: &visitor.actor, csrf };
    let refusing = async {
        let code = RefusalCode::parse(&form.code)
            .ok_or_else(|| AppError::validation("code", "choose the ground of the refusal"))?;
        use_case::refuse(&state, &visitor.actor, id, code, form.reason.clone()).await.map(drop)
    };
    let typed = context! { code => form.code.clone(), reason => form.reason.clone() };
    act(&ctx, (verifier, &form.csrf_token), (Desk::Moderation, id, "refused"), ("refuse", "reason", typed), refusing)
        .await
}
