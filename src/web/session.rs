//! The browser session: the cookie `hromada-session` holds the token of a session of the same sessions
//! table the API's bearer tokens use (HttpOnly, SameSite=Lax, Secure when `public_url` is https). A
//! middleware looks it up once per request, so every handler can ask for the [`Visitor`] and the
//! layout can show "log in" or "log out" on every page, including the pages other areas render.
use std::sync::Arc;

use poem::{
    Endpoint, FromRequest, Request, RequestBody, Response,
    web::cookie::{Cookie, CookieJar, SameSite},
};

use crate::{
    domain::{
        accounts::token_digest,
        authorization::{DeskAccess, desk_access},
    },
    service::{Actor, AppState, accounts},
};

pub const SESSION_COOKIE: &str = "hromada-session";

/// Who is looking at a page: the actor for the use cases and, when signed in, the account's name.
#[derive(Debug, Clone)]
pub struct Visitor {
    pub actor: Actor,
    /// The full name of the signed-in person, for the layout.
    pub name: Option<String>,
    /// The digest of the session token, to log out or to sign as this account.
    pub session_digest: Option<String>,
}

impl Visitor {
    const ANONYMOUS: Visitor = Visitor { actor: Actor::Anonymous, name: None, session_digest: None };

    pub fn signed_in(&self) -> bool {
        self.name.is_some()
    }
}

/// What the layout needs of the request being rendered: the signed-in person's name, and the form
/// token of the "log out" button.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Frame {
    pub signed_in_as: Option<String>,
    pub csrf_token: Option<String>,
    /// The parts of the staff's desk the person may use (decided by `domain::authorization`); the
    /// layout shows "Desk" when there is any, and the desk's sub-navigation shows each part.
    pub desk: DeskAccess,
}

tokio::task_local! {
    static FRAME: Frame;
}

/// The layout's view of the request being rendered now (empty outside a web request).
pub fn frame() -> Frame {
    FRAME.try_with(Clone::clone).unwrap_or_default()
}

/// Resolves the session cookie of every web request. An unknown, expired or logged-out session is
/// just no session: the cookie is dropped and the person sees the pages as a visitor.
pub async fn resolve<E: Endpoint>(ep: Arc<E>, mut req: Request) -> poem::Result<Response> {
    let token = req.cookie().get(SESSION_COOKIE).map(|c| c.value_str().to_owned());
    let state = req.data::<AppState>().cloned();
    let mut stale = false;
    let visitor = match (token, state) {
        (Some(token), Some(state)) => {
            let digest = token_digest(&token);
            match accounts::authenticate(&state, digest.clone()).await {
                Ok((principal, account)) => Visitor {
                    actor: Actor::Person(principal),
                    name: Some(account.full_name),
                    session_digest: Some(digest),
                },
                Err(_) => {
                    stale = true;
                    Visitor::ANONYMOUS
                }
            }
        }
        _ => Visitor::ANONYMOUS,
    };
    let frame = Frame {
        signed_in_as: visitor.name.clone(),
        csrf_token: req.data::<poem::web::CsrfToken>().map(|t| t.0.clone()),
        desk: visitor.actor.principal().map(desk_access).unwrap_or_default(),
    };
    req.extensions_mut().insert(visitor);
    let jar = req.cookie().clone();
    let response = FRAME.scope(frame, async move { ep.call(req).await.map(poem::IntoResponse::into_response) }).await;
    if stale {
        forget(&jar);
    }
    response
}

impl<'a> FromRequest<'a> for Visitor {
    async fn from_request(req: &'a Request, _body: &mut RequestBody) -> poem::Result<Self> {
        Ok(req.extensions().get::<Visitor>().cloned().unwrap_or(Visitor::ANONYMOUS))
    }
}

/// Remembers a new login in the browser until the session expires.
pub fn remember(jar: &CookieJar, token: &str, max_age: std::time::Duration, secure: bool) {
    let mut cookie = Cookie::new_with_str(SESSION_COOKIE, token);
    cookie.set_path("/");
    cookie.set_max_age(max_age);
    cookie.set_http_only(true);
    cookie.set_same_site(SameSite::Lax);
    cookie.set_secure(secure);
    jar.add(cookie);
}

/// Drops the session cookie.
pub fn forget(jar: &CookieJar) {
    let mut cookie = Cookie::new_with_str(SESSION_COOKIE, "");
    cookie.set_path("/");
    cookie.set_max_age(std::time::Duration::ZERO);
    cookie.set_http_only(true);
    cookie.set_same_site(SameSite::Lax);
    jar.add(cookie);
}
