//! `/unsubscribe?token=…`: the one-click unsubscribe of optional mail (RFC 8058).
//!
//! `POST` (a mail client's `List-Unsubscribe=One-Click`, or the page's button, which sends the same form)
//! turns that kind of mail off without a login, cookie or CSRF token: the secret token in the URL is what
//! authorises it. `GET` only shows the button, so link checkers and prefetchers change nothing.
use minijinja::context;
use poem::{
    Response, handler,
    http::{StatusCode, Uri},
    web::{Data, Query},
};
use serde::Deserialize;

use super::{i18n::Lang, render::Site};
use crate::{error::AppError, service};

#[derive(Deserialize)]
pub struct Token {
    token: Option<String>,
}

#[handler]
pub fn ask(site: Data<&Site>, lang: Lang, uri: &Uri, Query(token): Query<Token>) -> Response {
    let token = token.token.unwrap_or_default();
    site.page(lang, uri.path(), "mail/unsubscribe.html", context! { state => "ask", token })
}

#[handler]
pub async fn unsubscribe(
    site: Data<&Site>,
    state: Data<&service::AppState>,
    lang: Lang,
    uri: &Uri,
    Query(token): Query<Token>,
) -> Response {
    let token = token.token.unwrap_or_default();
    match service::mail::unsubscribe(&state, &token).await {
        Ok(kind) => {
            site.page(lang, uri.path(), "mail/unsubscribe.html", context! { state => "done", kind => kind.code() })
        }
        Err(AppError::NotFound(_)) => {
            let mut page = site.page(lang, uri.path(), "mail/unsubscribe.html", context! { state => "unknown" });
            page.set_status(StatusCode::NOT_FOUND);
            page
        }
        Err(error) => {
            tracing::error!(%error, "one-click unsubscribe failed");
            site.error(lang, uri.path(), StatusCode::SERVICE_UNAVAILABLE)
        }
    }
}
