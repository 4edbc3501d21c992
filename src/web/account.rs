//! The account pages: register → "check your mail" → confirm the address → log in → settings; log out;
//! a forgotten password reset with the mailed code. Each POST checks the CSRF token, calls one use case
//! of `service::accounts` and answers 303 to the next page, or shows the form again with its errors and
//! what was typed (never the password).
use minijinja::context;
use poem::{
    Response, handler,
    web::{Form, Query, cookie::CookieJar},
};
use serde::Deserialize;

use super::{
    context::Ctx,
    forms::{CsrfOnly, FormErrors, LOGIN, TokenForm, local_path, see_other},
    session,
};
use crate::service::accounts::{self, Registration};

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
pub fn register_page(ctx: Ctx<'_>) -> Response {
    ctx.blank_form(REGISTER, "account/register.html", context! {})
}

#[handler]
pub async fn register(ctx: Ctx<'_>, Form(form): Form<RegisterForm>) -> Response {
    let registration = Registration {
        full_name: form.full_name.clone(),
        email: form.email.clone(),
        password: form.password,
        language: Some(ctx.lang.code().to_owned()),
    };
    let use_case = accounts::register(ctx.state, ctx.client_ip(), registration);
    let typed = context! { full_name => form.full_name, email => form.email };
    ctx.post(REGISTER, ("register", "email"))
        .again_on(
            &form.csrf_token,
            use_case,
            |_| see_other("/account/register/check-email"),
            ("account/register.html", typed),
        )
        .await
}

const CONFIRM: &str = "/account/confirm-email";

#[handler]
pub async fn confirm_email(ctx: Ctx<'_>, Form(form): Form<TokenForm>) -> Response {
    let use_case = accounts::verify_email(ctx.state, &form.token);
    let typed = context! { token => &form.token };
    ctx.post(CONFIRM, ("confirm", "token"))
        .again_on(
            &form.csrf_token,
            use_case,
            |_| see_other("/account/login?confirmed=1"),
            ("account/confirm-email.html", typed),
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
pub fn login_page(ctx: Ctx<'_>, Query(notice): Query<Notice>) -> Response {
    let return_to = notice.return_to.as_deref().and_then(local_path);
    let page = context! { confirmed => notice.confirmed.is_some(), reset => notice.reset.is_some(), return_to };
    ctx.blank_form(LOGIN, "account/login.html", page)
}

#[handler]
pub async fn login(ctx: Ctx<'_>, jar: &CookieJar, Form(form): Form<LoginForm>) -> Response {
    let use_case = accounts::login(ctx.state, ctx.client_ip(), &form.email, &form.password);
    let signed_in = |login: accounts::Session| {
        let lifetime = (login.expires_at - chrono::Utc::now()).to_std().unwrap_or_default();
        session::remember(jar, &login.token, lifetime, ctx.state.settings.public_url.starts_with("https://"));
        see_other(local_path(&form.return_to).unwrap_or("/account"))
    };
    // Which of the two was wrong is not told; an unconfirmed address is.
    let typed = context! { email => &form.email, return_to => local_path(&form.return_to) };
    ctx.post(LOGIN, ("login", "email"))
        .forbidden_as("login-unverified")
        .again_on(&form.csrf_token, use_case, signed_in, ("account/login.html", typed))
        .await
}

#[handler]
pub async fn logout(ctx: Ctx<'_>, jar: &CookieJar, Form(form): Form<CsrfOnly>) -> Response {
    // Logging out never fails for the visitor: a session the store could not revoke is still forgotten.
    let use_case = async {
        if let Some(digest) = &ctx.visitor.session_digest
            && let Err(e) = accounts::logout(ctx.state, digest).await
        {
            tracing::warn!(error = %e, "a web logout could not revoke its session");
        }
        Ok(())
    };
    let forgotten = |()| {
        session::forget(jar);
        see_other("/")
    };
    ctx.post("/account/logout", ("logout", "csrf_token"))
        .handle(&form.csrf_token, use_case, forgotten, async |_| see_other("/"))
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
pub fn reset_page(ctx: Ctx<'_>, Query(notice): Query<Notice>) -> Response {
    ctx.blank_form(RESET, "account/password-reset.html", context! { sent => notice.sent.is_some() })
}

#[handler]
pub async fn request_reset(ctx: Ctx<'_>, Form(form): Form<EmailForm>) -> Response {
    let use_case = accounts::request_password_reset(ctx.state, ctx.client_ip(), &form.email);
    let typed = context! { email => &form.email };
    ctx.post(RESET, ("reset", "email"))
        .again_on(
            &form.csrf_token,
            use_case,
            |_| see_other("/account/password-reset?sent=1"),
            ("account/password-reset.html", typed),
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
pub async fn set_new_password(ctx: Ctx<'_>, Form(form): Form<NewPasswordForm>) -> Response {
    let use_case = accounts::reset_password(ctx.state, ctx.client_ip(), &form.token, &form.new_password);
    let typed = context! { token => &form.token };
    ctx.post(NEW_PASSWORD, ("new-password", "token"))
        .again_on(
            &form.csrf_token,
            use_case,
            |_| see_other("/account/login?reset=1"),
            ("account/password-new.html", typed),
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
pub async fn settings_page(ctx: Ctx<'_>, Query(notice): Query<Notice>) -> Response {
    settings(&ctx, FormErrors::default(), notice.saved.is_some()).await
}

async fn settings(ctx: &Ctx<'_>, errors: FormErrors, saved: bool) -> Response {
    match accounts::me(ctx.state, ctx.actor()).await {
        Ok(account) => {
            let page = context! {
                full_name => account.full_name,
                email => account.email,
                language => account.language,
                saved => saved,
            };
            ctx.form_page(SETTINGS, "account/settings.html", &errors, page)
        }
        Err(_) => see_other(LOGIN),
    }
}

#[handler]
pub async fn save_settings(ctx: Ctx<'_>, Form(form): Form<LanguageForm>) -> Response {
    let use_case = accounts::set_language(ctx.state, ctx.actor(), &form.language);
    ctx.post(SETTINGS, ("settings", "language"))
        .login_first()
        .handle(
            &form.csrf_token,
            use_case,
            |_| see_other("/account?saved=1"),
            async |errors| settings(&ctx, errors, false).await,
        )
        .await
}
