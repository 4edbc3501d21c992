//! `/desk/council`: the council's petitions — those that reached the threshold and await the notice of
//! consideration, those under consideration with the 10-working-day clock — and one petition's page
//! where an officer of the council publishes the notice, then the answer (decision and reasons).
use minijinja::context;
use poem::{
    Response, handler,
    web::{CsrfToken, CsrfVerifier, Data, Form, Path, Query},
};
use serde::Deserialize;

use super::{ActionForm, CaseForm, Ctx, Desk, Done, act, case_page, desk_group, queue_page};
use crate::{
    domain::petitions::Decision,
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
    let queues = use_case::council_queue(&state, &visitor.actor).await;
    let page = queues.map(|(awaiting, considering)| {
        context! { awaiting => desk_group(lang, awaiting), considering => desk_group(lang, considering) }
    });
    queue_page(&ctx, "/desk/council", "council/queue.html", page)
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
    case_page(&ctx, Desk::Council, id, form).await
}

#[handler]
#[allow(clippy::too_many_arguments)]
pub async fn notice(
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
    let announcing = async { use_case::notice(&state, &visitor.actor, id).await.map(drop) };
    let form_strings = ("notice", "notice", context! {});
    act(&ctx, (verifier, &form.csrf_token), (Desk::Council, id, "notice"), form_strings, announcing).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AnswerForm {
    csrf_token: String,
    decision: String,
    text: String,
}

#[handler]
#[allow(clippy::too_many_arguments)]
pub async fn answer(
    site: Data<&Site>,
    state: Data<&AppState>,
    lang: Lang,
    visitor: Visitor,
    csrf: &CsrfToken,
    verifier: &CsrfVerifier,
    Path(id): Path<i32>,
    Form(form): Form<AnswerForm>,
) -> Response {
    let ctx = Ctx { site: &site, state: &state, lang, actor: &visitor.actor, csrf };
    let answering = async {
        let decision =
            Decision::parse(&form.decision).ok_or_else(|| AppError::validation("decision", "choose the decision"))?;
        use_case::answer(&state, &visitor.actor, id, decision, form.text.clone()).await.map(drop)
    };
    let typed = context! { decision => form.decision.clone(), text => form.text.clone() };
    act(&ctx, (verifier, &form.csrf_token), (Desk::Council, id, "answered"), ("answer", "text", typed), answering).await
}
