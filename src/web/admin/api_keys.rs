//! API keys: issue one (its secret shown once, on the next page, never again), list them, revoke one:
//! `service::api_keys`, as `POST/GET /api/v1/api-keys` and `POST /api/v1/api-keys/{id}/revoke`.
//!
//! Between the POST that issues a key and the page that shows it, the secret rides in a cookie that
//! only that page is sent (HttpOnly, SameSite=Strict, five minutes) and that the page deletes: a reload
//! or the back button shows that it was shown, not the secret. The server keeps only its digest.
use std::time::Duration;

use minijinja::{Value, context};
use poem::{
    Response, handler,
    web::{
        Form, Path, Query,
        cookie::{Cookie, CookieJar, SameSite},
    },
};
use serde::Deserialize;

use super::{Done, line};
use crate::{
    domain::text::limits,
    service::{Actor, AppState, api_keys},
    web::{
        context::Ctx,
        forms::{CsrfOnly, FormErrors, see_other},
    },
};

const LIST: &str = "/admin/api-keys";
const ISSUED: &str = "/admin/api-keys/issued";
const SECRET_COOKIE: &str = "hromada-new-api-key";

async fn list_context(state: &AppState, actor: &Actor, done: Option<String>) -> Result<Value, crate::error::AppError> {
    let keys: Vec<Value> = api_keys::list(state, actor)
        .await?
        .into_iter()
        .map(|k| {
            context! {
                id => k.id, name => k.name, created_by => k.created_by,
                created_at => k.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
                revoked_at => k.revoked_at.map(|at| at.format("%Y-%m-%d %H:%M UTC").to_string()),
            }
        })
        .collect();
    Ok(context! { keys, notice => done, form_key => super::new_form_key() })
}

#[handler]
pub async fn list(ctx: Ctx<'_>, Query(done): Query<Done>) -> Response {
    let page = list_context(ctx.state, ctx.actor(), done.notice(&["key-revoked"])).await;
    ctx.loaded_form(LIST, "admin/api-keys.html", &FormErrors::default(), page)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct IssueForm {
    csrf_token: String,
    form_key: String,
    name: String,
}

#[handler]
pub async fn issue(ctx: Ctx<'_>, jar: &CookieJar, Form(form): Form<IssueForm>) -> Response {
    let state = ctx.state;
    // The secret is kept for the next page only when this POST issued the key: a retried POST gets the
    // key the first one issued, whose secret is gone.
    let secret = std::sync::Mutex::new(None);
    let use_case = async {
        let name = line("name", &form.name, limits::LABEL)?;
        let issue = async {
            let issued = api_keys::issue(state, ctx.actor(), &name).await?;
            *secret.lock().unwrap_or_else(std::sync::PoisonError::into_inner) =
                Some(format!("{}:{}", issued.key.name, issued.secret));
            Ok(issued.key.id)
        };
        super::create_once(state, &ctx.visitor, (&form.form_key, &name), LIST, issue).await
    };
    let secure = state.settings.public_url.starts_with("https://");
    let issued = |_id: i32| {
        let shown = secret.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take();
        if let Some(value) = shown {
            jar.add(secret_cookie(&value, Duration::from_secs(300), secure));
        }
        see_other(ISSUED)
    };
    let page = async || {
        let typed = context! { name => &form.name, form_key => &form.form_key };
        Ok(context! { ..typed, ..list_context(state, ctx.actor(), None).await? })
    };
    ctx.post(LIST, ("api-key", "name"))
        .again_loaded(&form.csrf_token, use_case, issued, ("admin/api-keys.html", page))
        .await
}

fn secret_cookie(value: &str, max_age: Duration, secure: bool) -> Cookie {
    let mut cookie = Cookie::new_with_str(SECRET_COOKIE, value);
    cookie.set_path(ISSUED);
    cookie.set_max_age(max_age);
    cookie.set_http_only(true);
    cookie.set_same_site(SameSite::Strict);
    cookie.set_secure(secure);
    cookie
}

/// The key just issued, once: the cookie is deleted as the page is shown.
#[handler]
pub fn issued_page(ctx: Ctx<'_>, jar: &CookieJar) -> Response {
    let value = jar.get(SECRET_COOKIE).map(|c| c.value_str().to_owned());
    let (name, secret) = match value.as_deref().and_then(|v| v.rsplit_once(':')) {
        Some((name, secret)) => (Some(name.to_owned()), Some(secret.to_owned())),
        None => (None, None),
    };
    if value.is_some() {
        jar.add(secret_cookie("", Duration::ZERO, ctx.state.settings.public_url.starts_with("https://")));
    }
    ctx.page(ISSUED, "admin/api-key-issued.html", context! { name, secret })
}

#[handler]
pub async fn revoke(ctx: Ctx<'_>, Path(id): Path<i32>, Form(form): Form<CsrfOnly>) -> Response {
    let revoking = api_keys::revoke(ctx.state, ctx.actor(), id);
    ctx.button((LIST, &form.csrf_token), revoking, |()| format!("{LIST}?done=key-revoked")).await
}
