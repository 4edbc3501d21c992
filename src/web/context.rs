//! What every page handler has from its request, in one extractor: the site, the service's state, the
//! page language, the visitor, the form token and its verifier. A handler asks for a [`Ctx`] and the
//! inputs of its own page (path, query, form), and renders through it, so the frame of every page and
//! form is written once.
use std::net::IpAddr;

use minijinja::Value;
use poem::{
    FromRequest, Request, RequestBody, Response,
    web::{CsrfToken, CsrfVerifier, Data},
};

use super::{
    forms::{FormErrors, FormPost, csrf_refused, error_page, form_page, login_then, see_other},
    i18n::Lang,
    render::Site,
    session::Visitor,
};
use crate::{
    error::AppError,
    service::{Actor, AppState},
};

/// The request as a page handler sees it.
pub struct Ctx<'a> {
    pub site: &'a Site,
    pub state: &'a AppState,
    pub lang: Lang,
    pub visitor: Visitor,
    pub csrf: &'a CsrfToken,
    pub verifier: &'a CsrfVerifier,
    req: &'a Request,
}

impl<'a> FromRequest<'a> for Ctx<'a> {
    async fn from_request(req: &'a Request, body: &mut RequestBody) -> poem::Result<Self> {
        Ok(Ctx {
            site: <Data<&Site>>::from_request(req, body).await?.0,
            state: <Data<&AppState>>::from_request(req, body).await?.0,
            lang: Lang::from_request(req, body).await?,
            visitor: Visitor::from_request(req, body).await?,
            csrf: <&CsrfToken>::from_request(req, body).await?,
            verifier: <&CsrfVerifier>::from_request(req, body).await?,
            req,
        })
    }
}

impl<'a> Ctx<'a> {
    /// The path of the page asked for.
    pub fn path(&self) -> &str {
        self.req.uri().path()
    }

    /// The path and query of the page asked for: where the language switch comes back to on a GET form's
    /// answer.
    pub fn path_and_query(&self) -> &str {
        self.req.uri().path_and_query().map_or(self.path(), |p| p.as_str())
    }

    /// Who the use cases act for.
    pub fn actor(&self) -> &Actor {
        &self.visitor.actor
    }

    /// The client's address, for the use cases that limit the rate of a form.
    pub fn client_ip(&self) -> IpAddr {
        self.state.client_ip(self.req)
    }

    /// A page without a form.
    pub fn page(&self, path: &str, template: &str, page: Value) -> Response {
        self.site.page(self.lang, path, template, page)
    }

    /// A form page with its errors (see [`form_page`]).
    pub fn form_page(&self, path: &str, template: &str, errors: &FormErrors, page: Value) -> Response {
        form_page(self.site, self.lang, path, template, self.csrf, errors, page)
    }

    /// A form page as first shown: no errors yet.
    pub fn blank_form(&self, path: &str, template: &str, page: Value) -> Response {
        self.form_page(path, template, &FormErrors::default(), page)
    }

    /// A page whose context had to be loaded, or the error page when it could not be.
    pub fn loaded_page(&self, path: &str, template: &str, page: Result<Value, AppError>) -> Response {
        match page {
            Ok(page) => self.page(path, template, page),
            Err(err) => self.error(path, &err),
        }
    }

    /// A form page whose context had to be loaded, or the error page when it could not be.
    pub fn loaded_form(
        &self,
        path: &str,
        template: &str,
        errors: &FormErrors,
        page: Result<Value, AppError>,
    ) -> Response {
        match page {
            Ok(page) => self.form_page(path, template, errors, page),
            Err(err) => self.error(path, &err),
        }
    }

    /// The error page of a use case's error.
    pub fn error(&self, path: &str, err: &AppError) -> Response {
        error_page(self.site, self.lang, path, err)
    }

    /// For a page of signed-in people only: the log-in page, coming back to `path`, for anyone else.
    pub fn login_first(&self, path: &str) -> Option<Response> {
        (!self.visitor.signed_in()).then(|| see_other(&login_then(path)))
    }

    /// A button's POST (nothing typed to show again): the CSRF check, the one use case, then 303 to
    /// `next(value)`, or the error page.
    pub async fn button<T>(
        &self,
        (path, csrf_token): (&str, &str),
        use_case: impl Future<Output = Result<T, AppError>>,
        next: impl FnOnce(T) -> String,
    ) -> Response {
        if let Some(page) = csrf_refused(self.site, self.lang, path, self.verifier, csrf_token) {
            return page;
        }
        match use_case.await {
            Ok(value) => see_other(&next(value)),
            Err(err) => self.error(path, &err),
        }
    }

    /// The frame of a form POST at `path` with the form's strings (see [`FormPost`]).
    pub fn post<'b>(&'b self, path: &'b str, strings: (&'b str, &'b str)) -> Post<'b> {
        Post { ctx: self, path, form: FormPost::new(self.site, self.lang, path, strings) }
    }
}

/// A [`FormPost`] that knows its request: the CSRF verifier, and the form token to show a form again.
pub struct Post<'b> {
    ctx: &'b Ctx<'b>,
    path: &'b str,
    form: FormPost<'b>,
}

impl<'b> Post<'b> {
    /// See [`FormPost::login_first`].
    pub fn login_first(self) -> Post<'b> {
        Post { form: self.form.login_first(), ..self }
    }

    /// See [`FormPost::refused_as_page`].
    pub fn refused_as_page(self) -> Post<'b> {
        Post { form: self.form.refused_as_page(), ..self }
    }

    /// See [`FormPost::forbidden_as`].
    pub fn forbidden_as(self, form: &'b str) -> Post<'b> {
        Post { form: self.form.forbidden_as(form), ..self }
    }

    /// See [`FormPost::handle`]. The use case's future is boxed: the handler's future, polled on the
    /// server's stack, then carries a pointer rather than every layer's copy of it.
    pub fn handle<T>(
        &self,
        csrf_token: &str,
        use_case: impl Future<Output = Result<T, AppError>>,
        done: impl FnOnce(T) -> Response,
        again: impl AsyncFnOnce(FormErrors) -> Response,
    ) -> impl Future<Output = Response> {
        self.form.handle(self.ctx.verifier, csrf_token, Box::pin(use_case), done, again)
    }

    /// [`Post::handle`] for a form that, refused, is shown again as it is: `template` at the form's
    /// path with `typed` (what was typed, never a password) and the errors.
    pub fn again_on<T>(
        &self,
        csrf_token: &str,
        use_case: impl Future<Output = Result<T, AppError>>,
        done: impl FnOnce(T) -> Response,
        (template, typed): (&str, Value),
    ) -> impl Future<Output = Response> {
        let again = async |errors| self.ctx.form_page(self.path, template, &errors, typed);
        self.handle(csrf_token, use_case, done, again)
    }

    /// [`Post::handle`] for a form whose page is loaded again when it is shown again: `template` with
    /// the context `page` loads (the error page when that fails). `page` runs only if it is shown (a
    /// closure, not a future, so that the handler's future does not carry it until then).
    pub fn again_loaded<T>(
        &self,
        csrf_token: &str,
        use_case: impl Future<Output = Result<T, AppError>>,
        done: impl FnOnce(T) -> Response,
        (template, page): (&str, impl AsyncFnOnce() -> Result<Value, AppError>),
    ) -> impl Future<Output = Response> {
        let again = async |errors| self.ctx.loaded_form(self.path, template, &errors, page().await);
        self.handle(csrf_token, use_case, done, again)
    }
}
