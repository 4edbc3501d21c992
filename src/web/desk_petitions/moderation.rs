//! `/desk/moderation`: the petitions awaiting moderation with the 2-working-day clock, and one
//! petition's page where a moderator publishes it or refuses it with a code and an explanation.
use minijinja::context;
use poem::{
    Response, handler,
    web::{CsrfToken, CsrfVerifier, Data, Form, Path, Query},
};
use serde::Deserialize;

use super::{ActionForm, CaseForm, Desk, Done, after_action, case_page, desk_group, refused_page};
use crate::{
    domain::petitions::RefusalCode,
    service::{AppState, petitions as use_case},
    web::{
        forms::{FormErrors, csrf_refused, form_page},
        i18n::Lang,
        render::Site,
        session::Visitor,
    },
};

const QUEUE: &str = "/desk/moderation";

#[handler]
pub async fn queue(
    site: Data<&Site>,
    state: Data<&AppState>,
    lang: Lang,
    visitor: Visitor,
    csrf: &CsrfToken,
) -> Response {
    match use_case::moderation_queue(&state, &visitor.actor).await {
        Ok(group) => {
            let page = context! { queue => desk_group(lang, group) };
            form_page(&site, lang, QUEUE, "moderation/queue.html", csrf, &FormErrors::default(), page)
        }
        Err(err) => refused_page(&site, lang, QUEUE, &err),
    }
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
    let form = CaseForm::fresh(csrf, done.known(&["published", "refused"]));
    case_page(&site, &state, lang, &visitor.actor, Desk::Moderation, id, form).await
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
    let path = format!("/desk/moderation/{id}/publish");
    if let Some(page) = csrf_refused(&site, lang, &path, verifier, &form.csrf_token) {
        return page;
    }
    let result = use_case::publish(&state, &visitor.actor, id).await.map(|_| ());
    let done = "published";
    let form = ("publish", "publish", context! {});
    after_action(&site, &state, lang, &visitor.actor, csrf, (Desk::Moderation, id, done), form, result).await
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
    let path = format!("/desk/moderation/{id}/refuse");
    if let Some(page) = csrf_refused(&site, lang, &path, verifier, &form.csrf_token) {
        return page;
    }
    let typed = context! { code => form.code.clone(), reason => form.reason.clone() };
    let result = match RefusalCode::parse(&form.code) {
        Some(code) => use_case::refuse(&state, &visitor.actor, id, code, form.reason.clone()).await.map(|_| ()),
        None => Err(crate::error::AppError::validation("code", "choose the ground of the refusal")),
    };
    let form = ("refuse", "reason", typed);
    after_action(&site, &state, lang, &visitor.actor, csrf, (Desk::Moderation, id, "refused"), form, result).await
}
