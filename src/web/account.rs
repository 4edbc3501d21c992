//! The account pages: register → "check your mail" → confirm the address → log in → settings; log out;
//! a forgotten password reset with the mailed code. Each POST checks the CSRF token, calls one use case
//! of `service::accounts` and answers 303 to the next page, or shows the form again with its errors and
//! what was typed (never the password).
use minijinja::context;
use poem::{
    Request, Response, handler,
    web::{CsrfToken, CsrfVerifier, Data, Form, Query, cookie::CookieJar},
};
use serde::Deserialize;

use super::{
    forms::{
        CsrfOnly, FormErrors, FormPost, LOGIN, TokenForm, TokenQuery, form_page, local_path, see_other, token_page,
    },
    i18n::Lang,
    render::Site,
    session::{self, Visitor},
};
use crate::service::{
    AppState,
    accounts::{self, Registration},
};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RegisterForm {
    csrf_token: String,
    full_name: String,
    email: String,
    password: String,
}

const REGISTER: &str = "/account/register";

#[handler]
pub fn register_page(site: Data<&Site>, lang: Lang, csrf: &CsrfToken) -> Response {
    form_page(&site, lang, REGISTER, "account/register.html", csrf, &FormErrors::default(), context! {})
}

#[handler]
pub async fn register(
    site: Data<&Site>,
    state: Data<&AppState>,
    lang: Lang,
    req: &Request,
    csrf: &CsrfToken,
    verifier: &CsrfVerifier,
    Form(form): Form<RegisterForm>,
) -> Response {
    let registration = Registration {
        full_name: form.full_name.clone(),
        email: form.email.clone(),
        password: form.password,
        language: Some(lang.code().to_owned()),
    };
    let use_case = accounts::register(&state, state.client_ip(req), registration);
    FormPost::new(&site, lang, REGISTER, ("register", "email"))
        .handle(
            verifier,
            &form.csrf_token,
            use_case,
            |_| see_other("/account/register/check-email"),
            async |errors| {
                let typed = context! { full_name => form.full_name, email => form.email };
                form_page(&site, lang, REGISTER, "account/register.html", csrf, &errors, typed)
            },
        )
        .await
}

#[handler]
pub fn check_email(site: Data<&Site>, lang: Lang) -> Response {
    site.page(lang, "/account/register/check-email", "account/check-email.html", context! {})
}

const CONFIRM: &str = "/account/confirm-email";

/// The mailed link lands here: a button confirms, so a mail scanner that opens links confirms nothing.
#[handler]
pub fn confirm_email_page(site: Data<&Site>, lang: Lang, csrf: &CsrfToken, Query(q): Query<TokenQuery>) -> Response {
    token_page(&site, lang, CONFIRM, "account/confirm-email.html", csrf, q.token)
}

#[handler]
pub async fn confirm_email(
    site: Data<&Site>,
    state: Data<&AppState>,
    lang: Lang,
    csrf: &CsrfToken,
    verifier: &CsrfVerifier,
    Form(form): Form<TokenForm>,
) -> Response {
    let use_case = accounts::verify_email(&state, &form.token);
    FormPost::new(&site, lang, CONFIRM, ("confirm", "token"))
        .handle(
            verifier,
            &form.csrf_token,
            use_case,
            |_| see_other("/account/login?confirmed=1"),
            async |errors| {
                let page = context! { token => form.token };
                form_page(&site, lang, CONFIRM, "account/confirm-email.html", csrf, &errors, page)
            },
        )
        .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LoginForm {
    csrf_token: String,
    email: String,
    password: String,
    /// The page that asked to log in first, to come back to.
    #[serde(rename = "return")]
    return_to: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Notice {
    confirmed: Option<String>,
    reset: Option<String>,
    sent: Option<String>,
    saved: Option<String>,
    #[serde(rename = "return")]
    return_to: Option<String>,
}

#[handler]
pub fn login_page(site: Data<&Site>, lang: Lang, csrf: &CsrfToken, Query(notice): Query<Notice>) -> Response {
    let return_to = notice.return_to.as_deref().and_then(local_path);
    let page = context! { confirmed => notice.confirmed.is_some(), reset => notice.reset.is_some(), return_to };
    form_page(&site, lang, LOGIN, "account/login.html", csrf, &FormErrors::default(), page)
}

#[handler]
#[allow(clippy::too_many_arguments)]
pub async fn login(
    site: Data<&Site>,
    state: Data<&AppState>,
    lang: Lang,
    req: &Request,
    jar: &CookieJar,
    csrf: &CsrfToken,
    verifier: &CsrfVerifier,
    Form(form): Form<LoginForm>,
) -> Response {
    let use_case = accounts::login(&state, state.client_ip(req), &form.email, &form.password);
    let signed_in = |login: accounts::Session| {
        let lifetime = (login.expires_at - chrono::Utc::now()).to_std().unwrap_or_default();
        session::remember(jar, &login.token, lifetime, state.settings.public_url.starts_with("https://"));
        see_other(local_path(&form.return_to).unwrap_or("/account"))
    };
    // Which of the two was wrong is not told; an unconfirmed address is.
    FormPost::new(&site, lang, LOGIN, ("login", "email"))
        .forbidden_as("login-unverified")
        .handle(verifier, &form.csrf_token, use_case, signed_in, async |errors| {
            let page = context! { email => form.email, return_to => local_path(&form.return_to) };
            form_page(&site, lang, LOGIN, "account/login.html", csrf, &errors, page)
        })
        .await
}

#[handler]
pub async fn logout(
    site: Data<&Site>,
    state: Data<&AppState>,
    lang: Lang,
    visitor: Visitor,
    jar: &CookieJar,
    verifier: &CsrfVerifier,
    Form(form): Form<CsrfOnly>,
) -> Response {
    // Logging out never fails for the visitor: a session the store could not revoke is still forgotten.
    let use_case = async {
        if let Some(digest) = &visitor.session_digest
            && let Err(e) = accounts::logout(&state, digest).await
        {
            tracing::warn!(error = %e, "a web logout could not revoke its session");
        }
        Ok(())
    };
    let forgotten = |()| {
        session::forget(jar);
        see_other("/")
    };
    FormPost::new(&site, lang, "/account/logout", ("logout", "csrf_token"))
        .handle(verifier, &form.csrf_token, use_case, forgotten, async |_| see_other("/"))
        .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct EmailForm {
    csrf_token: String,
    email: String,
}

const RESET: &str = "/account/password-reset";

#[handler]
pub fn reset_page(site: Data<&Site>, lang: Lang, csrf: &CsrfToken, Query(notice): Query<Notice>) -> Response {
    let page = context! { sent => notice.sent.is_some() };
    form_page(&site, lang, RESET, "account/password-reset.html", csrf, &FormErrors::default(), page)
}

#[handler]
pub async fn request_reset(
    site: Data<&Site>,
    state: Data<&AppState>,
    lang: Lang,
    req: &Request,
    csrf: &CsrfToken,
    verifier: &CsrfVerifier,
    Form(form): Form<EmailForm>,
) -> Response {
    let use_case = accounts::request_password_reset(&state, state.client_ip(req), &form.email);
    FormPost::new(&site, lang, RESET, ("reset", "email"))
        .handle(
            verifier,
            &form.csrf_token,
            use_case,
            |_| see_other("/account/password-reset?sent=1"),
            async |errors| {
                let page = context! { email => form.email };
                form_page(&site, lang, RESET, "account/password-reset.html", csrf, &errors, page)
            },
        )
        .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewPasswordForm {
    csrf_token: String,
    token: String,
    new_password: String,
}

const NEW_PASSWORD: &str = "/account/password-reset/new";

#[handler]
pub fn new_password_page(site: Data<&Site>, lang: Lang, csrf: &CsrfToken, Query(q): Query<TokenQuery>) -> Response {
    token_page(&site, lang, NEW_PASSWORD, "account/password-new.html", csrf, q.token)
}

#[handler]
pub async fn set_new_password(
    site: Data<&Site>,
    state: Data<&AppState>,
    lang: Lang,
    req: &Request,
    csrf: &CsrfToken,
    verifier: &CsrfVerifier,
    Form(form): Form<NewPasswordForm>,
) -> Response {
    let use_case = accounts::reset_password(&state, state.client_ip(req), &form.token, &form.new_password);
    FormPost::new(&site, lang, NEW_PASSWORD, ("new-password", "token"))
        .handle(
            verifier,
            &form.csrf_token,
            use_case,
            |_| see_other("/account/login?reset=1"),
            async |errors| {
                let page = context! { token => form.token };
                form_page(&site, lang, NEW_PASSWORD, "account/password-new.html", csrf, &errors, page)
            },
        )
        .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LanguageForm {
    csrf_token: String,
    language: String,
}

const SETTINGS: &str = "/account";

#[handler]
pub async fn settings_page(
    site: Data<&Site>,
    state: Data<&AppState>,
    lang: Lang,
    visitor: Visitor,
    csrf: &CsrfToken,
    Query(notice): Query<Notice>,
) -> Response {
    settings(&site, &state, lang, &visitor, csrf, FormErrors::default(), notice.saved.is_some()).await
}

async fn settings(
    site: &Site,
    state: &AppState,
    lang: Lang,
    visitor: &Visitor,
    csrf: &CsrfToken,
    errors: FormErrors,
    saved: bool,
) -> Response {
    match accounts::me(state, &visitor.actor).await {
        Ok(account) => {
            let page = context! {
                full_name => account.full_name,
                email => account.email,
                language => account.language,
                saved => saved,
            };
            form_page(site, lang, SETTINGS, "account/settings.html", csrf, &errors, page)
        }
        Err(_) => see_other(LOGIN),
    }
}

#[handler]
pub async fn save_settings(
    site: Data<&Site>,
    state: Data<&AppState>,
    lang: Lang,
    visitor: Visitor,
    csrf: &CsrfToken,
    verifier: &CsrfVerifier,
    Form(form): Form<LanguageForm>,
) -> Response {
    let use_case = accounts::set_language(&state, &visitor.actor, &form.language);
    FormPost::new(&site, lang, SETTINGS, ("settings", "language"))
        .login_first()
        .handle(
            verifier,
            &form.csrf_token,
            use_case,
            |_| see_other("/account?saved=1"),
            async |errors| settings(&site, &state, lang, &visitor, csrf, errors, false).await,
        )
        .await
}
