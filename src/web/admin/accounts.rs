//! Accounts and roles: search by name or e-mail, set an account's role (`service::accounts::{search,
//! change_role}`, as `GET /api/v1/accounts` and `PUT /api/v1/accounts/{id}/role`). An administrator
//! cannot change their own role: the domain refuses it, and the page offers no form for it.
use minijinja::{Value, context};
use poem::{
    Response, handler,
    web::{CsrfToken, CsrfVerifier, Data, Form, Path, Query},
};
use serde::Deserialize;

use crate::{
    domain::accounts::Role,
    service::{AppState, accounts},
    web::{
        forms::{FormErrors, csrf_refused, error_page, form_page, see_other},
        i18n::Lang,
        render::Site,
        session::Visitor,
    },
};

const LIST: &str = "/admin/accounts";

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Search {
    q: String,
    done: Option<String>,
}

#[handler]
pub async fn list(
    site: Data<&Site>,
    state: Data<&AppState>,
    lang: Lang,
    visitor: Visitor,
    csrf: &CsrfToken,
    Query(search): Query<Search>,
) -> Response {
    match accounts::search(&state, &visitor.actor, &search.q).await {
        Ok((found, total)) => {
            let me = visitor.actor.principal().map(|p| p.account_id);
            let rows: Vec<Value> = found
                .into_iter()
                .map(|a| {
                    context! {
                        id => a.id, full_name => a.full_name, email => a.email, role => a.role.code(),
                        verified => a.verified(), own => Some(a.id) == me,
                    }
                })
                .collect();
            let roles: Vec<&str> = Role::ALL.iter().map(|r| r.code()).collect();
            let notice = search.done.filter(|d| d == "role-saved").map(|d| format!("admin-done-{d}"));
            let page =
                context! { accounts => rows, total, shown => accounts::SEARCH_LIMIT, q => search.q, roles, notice };
            form_page(&site, lang, LIST, "admin/accounts.html", csrf, &FormErrors::default(), page)
        }
        Err(err) => error_page(&site, lang, LIST, &err),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RoleForm {
    csrf_token: String,
    role: String,
    q: String,
}

#[handler]
pub async fn set_role(
    site: Data<&Site>,
    state: Data<&AppState>,
    lang: Lang,
    visitor: Visitor,
    verifier: &CsrfVerifier,
    Path(id): Path<i32>,
    Form(form): Form<RoleForm>,
) -> Response {
    if let Some(page) = csrf_refused(&site, lang, LIST, verifier, &form.csrf_token) {
        return page;
    }
    let result = match Role::parse(&form.role) {
        Ok(role) => accounts::change_role(&state, &visitor.actor, id, role).await,
        Err(err) => Err(err.into()),
    };
    match result {
        Ok(_) => {
            let q: String = url::form_urlencoded::byte_serialize(form.q.as_bytes()).collect();
            see_other(&format!("{LIST}?done=role-saved&q={q}#account-{id}"))
        }
        Err(err) => error_page(&site, lang, LIST, &err),
    }
}
