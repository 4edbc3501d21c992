//! Accounts and roles: search by name or e-mail, set an account's role (`service::accounts::{search,
//! change_role}`, as `GET /api/v1/accounts` and `PUT /api/v1/accounts/{id}/role`). An administrator
//! cannot change their own role: the domain refuses it, and the page offers no form for it.
use minijinja::{Value, context};
use poem::{
    Response, handler,
    web::{Form, Path, Query},
};
use serde::Deserialize;

use crate::{
    domain::accounts::Role,
    service::accounts,
    web::{context::Ctx, forms::FormErrors},
};

const LIST: &str = "/admin/accounts";

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Search {
    q: String,
    done: Option<String>,
}

#[handler]
pub async fn list(ctx: Ctx<'_>, Query(search): Query<Search>) -> Response {
    let page = accounts::search(ctx.state, ctx.actor(), &search.q).await.map(|(found, total)| {
        let me = ctx.actor().principal().map(|p| p.account_id);
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
        context! { accounts => rows, total, shown => accounts::SEARCH_LIMIT, q => search.q, roles, notice }
    });
    ctx.loaded_form(LIST, "admin/accounts.html", &FormErrors::default(), page)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RoleForm {
    csrf_token: String,
    role: String,
    q: String,
}

#[handler]
pub async fn set_role(ctx: Ctx<'_>, Path(id): Path<i32>, Form(form): Form<RoleForm>) -> Response {
    let changing = async { accounts::change_role(ctx.state, ctx.actor(), id, Role::parse(&form.role)?).await };
    let saved = |_| {
        let q: String = url::form_urlencoded::byte_serialize(form.q.as_bytes()).collect();
        format!("{LIST}?done=role-saved&q={q}#account-{id}")
    };
    ctx.button((LIST, &form.csrf_token), changing, saved).await
}
