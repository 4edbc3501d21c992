//! `/desk/council`: the council's petitions — those that reached the threshold and await the notice of
//! consideration, those under consideration with the 10-working-day clock — and one petition's page
//! where an officer of the council publishes the notice, then the answer (decision and reasons).
use minijinja::context;
use poem::{
    Response, handler,
    web::{CsrfToken, CsrfVerifier, Data, Form, Path, Query},
};
use serde::Deserialize;

use super::{ActionForm, CaseForm, Desk, Done, after_action, case_page, desk_group, refused_page};
use crate::{
    domain::petitions::Decision,
    error::AppError,
    service::{AppState, petitions as use_case},
    web::{
        forms::{FormErrors, csrf_refused, form_page},
        i18n::Lang,
        render::Site,
        session::Visitor,
    },
};

const QUEUE: &str = "/desk/council";

#[handler]
pub async fn queue(
    site: Data<&Site>,
    state: Data<&AppState>,
    lang: Lang,
    visitor: Visitor,
    csrf: &CsrfToken,
) -> Response {
    match use_case::council_queue(&state, &visitor.actor).await {
        Ok((awaiting, considering)) => {
            let page =
                context! { awaiting => desk_group(lang, awaiting), considering => desk_group(lang, considering) };
            form_page(&site, lang, QUEUE, "council/queue.html", csrf, &FormErrors::default(), page)
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
    let form = CaseForm::fresh(csrf, done.known(&["notice", "answered"]));
    case_page(&site, &state, lang, &visitor.actor, Desk::Council, id, form).await
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
    let path = format!("/desk/council/{id}/notice");
    if let Some(page) = csrf_refused(&site, lang, &path, verifier, &form.csrf_token) {
        return page;
    }
    let result = use_case::notice(&state, &visitor.actor, id).await.map(|_| ());
    let done = "notice";
    let form = ("notice", "notice", context! {});
    after_action(&site, &state, lang, &visitor.actor, csrf, (Desk::Council, id, done), form, result).await
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
    let path = format!("/desk/council/{id}/answer");
    if let Some(page) = csrf_refused(&site, lang, &path, verifier, &form.csrf_token) {
        return page;
    }
    let typed = context! { decision => form.decision.clone(), text => form.text.clone() };
    let result = match Decision::parse(&form.decision) {
        Some(decision) => use_case::answer(&state, &visitor.actor, id, decision, form.text.clone()).await.map(|_| ()),
        None => Err(AppError::validation("decision", "choose the council's decision")),
    };
    let form = ("answer", "text", typed);
    after_action(&site, &state, lang, &visitor.actor, csrf, (Desk::Council, id, "answered"), form, result).await
}
