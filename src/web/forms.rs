//! What every form page shares: the CSRF check, the errors shown in the GOV.UK error summary and beside
//! each field, the redirect after a successful POST, and the page for an error no field can fix.
use std::collections::BTreeMap;

use poem::{
    Response,
    http::{StatusCode, header},
    web::CsrfVerifier,
};
use serde::{Deserialize, Serialize};

use super::{i18n::Lang, render::Site};
use crate::{domain::petitions::STATUTE_DATE_TAKEN, error::AppError, service::once};

/// One error: the field it belongs to (the summary links to `#field`) and the words shown.
#[derive(Debug, Clone, Serialize)]
pub struct FieldError {
    pub field: String,
    pub text: String,
}

/// The errors of one submitted form, in the order of its fields.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FormErrors {
    /// For the error summary at the top.
    pub list: Vec<FieldError>,
    /// For the message beside each field.
    pub by_field: BTreeMap<String, String>,
}

impl FormErrors {
    pub fn add(&mut self, field: &str, text: String) {
        if self.by_field.contains_key(field) {
            return;
        }
        self.by_field.insert(field.to_owned(), text.clone());
        self.list.push(FieldError { field: field.to_owned(), text });
    }

    /// The error of `field` in words a person can act on: the form's own string `<form>-error-<field>`
    /// when there is one (a numbered field, `district_5`, may share `<form>-error-district`), else the
    /// rule's message.
    pub fn field(lang: Lang, form: &str, field: &str, message: &str) -> FormErrors {
        let numbered = field.rsplit_once('_').filter(|(_, n)| n.parse::<u32>().is_ok()).map(|(name, _)| name);
        let text = [Some(field), numbered].into_iter().flatten().find_map(|name| {
            let key = format!("{form}-error-{name}");
            Some(lang.text(&key, None)).filter(|text| *text != key)
        });
        let mut errors = FormErrors::default();
        errors.add(field, text.unwrap_or_else(|| message.to_owned()));
        errors
    }
}

/// What became of a use case a form called: field errors to show again on the form, or a page.
pub enum Refusal {
    Form(FormErrors),
    Page(Response),
}

/// The use cases' messages a form words with a string of its own, whatever the form: the rule's
/// `message` and the string's id. The first two are `service::once`'s refusals of a form key sent again
/// (they say nothing about the date or any field, so no field's string may stand for them).
const WORDED: [(&str, &str); 3] = [
    (once::STILL_BEING_SENT, "form-error-still-being-sent"),
    (once::SENT_WITH_OTHER_CONTENT, "form-error-sent-with-other-content"),
    (STATUTE_DATE_TAKEN, "statute-error-effective_from-taken"),
];

/// Sorts a use case's error: a field's error goes back to the form (on `fallback_field` when the
/// rule names none); a rate limit, an outage or our fault gets its error page.
pub fn refusal(site: &Site, lang: Lang, path: &str, form: &str, fallback_field: &str, err: AppError) -> Refusal {
    let field_error = |field: &str, message: &str| {
        if let Some((_, key)) = WORDED.iter().find(|(rule, _)| *rule == message) {
            let mut errors = FormErrors::default();
            errors.add(field, lang.text(key, None));
            return Refusal::Form(errors);
        }
        Refusal::Form(FormErrors::field(lang, form, field, message))
    };
    match &err {
        AppError::Validation { field, message } => field_error(field.as_deref().unwrap_or(fallback_field), message),
        AppError::Unauthorized(message)
        | AppError::Forbidden(message)
        | AppError::NotFound(message)
        | AppError::Conflict(message) => field_error(fallback_field, message),
        AppError::BadRequest(message) => field_error(fallback_field, message),
        AppError::TooManyRequests { .. } => Refusal::Page(site.error(lang, path, StatusCode::TOO_MANY_REQUESTS)),
        AppError::Unavailable(_) => Refusal::Page(site.error(lang, path, StatusCode::SERVICE_UNAVAILABLE)),
        AppError::Internal(e) => {
            tracing::error!(error = %e, path, "a form's use case failed");
            Refusal::Page(site.error(lang, path, StatusCode::INTERNAL_SERVER_ERROR))
        }
    }
}

/// The status of a use case's error that no form can fix.
pub fn status_of(err: &AppError) -> StatusCode {
    match err {
        AppError::NotFound(_) => StatusCode::NOT_FOUND,
        AppError::Validation { .. } | AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
        AppError::Unauthorized(_) | AppError::Forbidden(_) => StatusCode::FORBIDDEN,
        AppError::Conflict(_) => StatusCode::CONFLICT,
        AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
        AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        AppError::Internal(e) => {
            tracing::error!(error = %e, "a page's use case failed");
            StatusCode::INTERNAL_SERVER_ERROR
        }
    }
}

/// An error no form can fix: the error page with the matching status.
pub fn error_page(site: &Site, lang: Lang, path: &str, err: &AppError) -> Response {
    site.error(lang, path, status_of(err))
}

/// The CSRF check every POST makes first: a form without its valid token gets the 403 page.
pub fn csrf_refused(site: &Site, lang: Lang, path: &str, verifier: &CsrfVerifier, token: &str) -> Option<Response> {
    (!verifier.is_valid(token)).then(|| site.error(lang, path, StatusCode::FORBIDDEN))
}

/// Where a POST lands when its use case wants a signed-in person and the visitor is not one.
pub const LOGIN: &str = "/account/login";

/// The frame of every form POST: the CSRF check, the one use case, then 303 onwards or the form again
/// with its errors (or the error page). Build it with the page's path and the form's strings
/// (`<form>-error-<field>`, and the field an error naming none goes to), then call [`FormPost::handle`].
pub struct FormPost<'a> {
    site: &'a Site,
    lang: Lang,
    path: &'a str,
    form: &'a str,
    field: &'a str,
    forbidden_form: Option<&'a str>,
    login_first: bool,
    refused_as_page: bool,
}

impl<'a> FormPost<'a> {
    pub fn new(site: &'a Site, lang: Lang, path: &'a str, (form, field): (&'a str, &'a str)) -> FormPost<'a> {
        FormPost { site, lang, path, form, field, forbidden_form: None, login_first: false, refused_as_page: false }
    }

    /// A refusal of the person (401, 403) or of what they may not know exists (404) gets the error
    /// page, not a message on the form: the staff's desk, whose forms are not theirs to use at all.
    pub fn refused_as_page(self) -> FormPost<'a> {
        FormPost { refused_as_page: true, ..self }
    }

    /// A use case that needs a signed-in person: a visitor who is not one (401) is sent to log in
    /// rather than shown an error.
    pub fn login_first(self) -> FormPost<'a> {
        FormPost { login_first: true, ..self }
    }

    /// A refusal of the person (403) uses the strings of `form` instead (login: an unconfirmed address
    /// is told apart from a wrong password).
    pub fn forbidden_as(self, form: &'a str) -> FormPost<'a> {
        FormPost { forbidden_form: Some(form), ..self }
    }

    /// Checks `csrf_token`, runs `use_case`, and answers with `done(value)` (a 303 or a page) or
    /// `again(errors)` (the form with what was typed) or the error page. The use case is a future, so it
    /// does nothing unless the token is valid.
    pub async fn handle<T>(
        &self,
        verifier: &CsrfVerifier,
        csrf_token: &str,
        use_case: impl Future<Output = Result<T, AppError>>,
        done: impl FnOnce(T) -> Response,
        again: impl AsyncFnOnce(FormErrors) -> Response,
    ) -> Response {
        if let Some(page) = csrf_refused(self.site, self.lang, self.path, verifier, csrf_token) {
            return page;
        }
        match use_case.await {
            Ok(value) => done(value),
            // The form's own page is where to come back to after logging in.
            Err(AppError::Unauthorized(_)) if self.login_first => see_other(&login_then(self.path)),
            Err(err @ (AppError::Unauthorized(_) | AppError::Forbidden(_) | AppError::NotFound(_)))
                if self.refused_as_page =>
            {
                error_page(self.site, self.lang, self.path, &err)
            }
            Err(err) => {
                let form = match (&err, self.forbidden_form) {
                    (AppError::Forbidden(_), Some(form)) => form,
                    _ => self.form,
                };
                match refusal(self.site, self.lang, self.path, form, self.field, err) {
                    Refusal::Form(errors) => again(errors).await,
                    Refusal::Page(page) => page,
                }
            }
        }
    }
}

/// Renders a form page with its CSRF token and its errors (the summary and each field's).
pub fn form_page(
    site: &Site,
    lang: Lang,
    path: &str,
    template: &str,
    csrf: &poem::web::CsrfToken,
    errors: &FormErrors,
    page: minijinja::Value,
) -> Response {
    let frame = minijinja::context! {
        csrf_token => csrf.0.clone(),
        errors => errors.list.clone(),
        field_errors => errors.by_field.clone(),
    };
    site.page(lang, path, template, minijinja::context! { ..page, ..frame })
}

/// What a query value keeps as it is (RFC 3986's unreserved characters).
const QUERY_VALUE: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// `value` made safe to put in a query string.
pub fn encoded(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, QUERY_VALUE).to_string()
}

/// The log-in page, coming back to `path` (a path of this site) after.
pub fn login_then(path: &str) -> String {
    format!("{LOGIN}?return={}", encoded(path))
}

/// Where to go after logging in: a path of this site only, never another site's address. Browsers
/// read `\\` as `/` and drop tabs and line breaks from an address, so `/\\evil.example` and
/// `/<tab>/evil.example` would lead to another site: no backslash and no control character at all.
/// The same holds of the path percent-decoded (`/%2F%2Fevil.example`, `/%09/evil.example`): a proxy or
/// a browser that decodes it must not find another site either. The one rule for every return address
/// (logging in, the language switch).
pub fn local_path(wanted: &str) -> Option<&str> {
    let local = |path: &str| {
        path.starts_with('/') && !path.starts_with("//") && !path.chars().any(|c| c == '\\' || c.is_control())
    };
    let decoded = percent_encoding::percent_decode_str(wanted).decode_utf8_lossy();
    (local(wanted) && local(&decoded)).then_some(wanted)
}

/// POST → 303 → GET: after a form did its work, the browser fetches the next page.
pub fn see_other(location: &str) -> Response {
    Response::builder().status(StatusCode::SEE_OTHER).header(header::LOCATION, location).finish()
}

/// `?key=…`: the multi-step form whose kept draft a step shows.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DraftKey {
    pub key: String,
}

/// The token of a mailed link (`?token=…`).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TokenQuery {
    pub token: String,
}

/// The form a mailed link's page posts: its CSRF token and the link's token.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TokenForm {
    pub csrf_token: String,
    pub token: String,
}

/// The page a mailed link lands on: a button posts the token, so a mail scanner that opens links does
/// nothing by opening one.
pub fn token_page(
    site: &Site,
    lang: Lang,
    path: &str,
    template: &str,
    csrf: &poem::web::CsrfToken,
    token: String,
) -> Response {
    form_page(site, lang, path, template, csrf, &FormErrors::default(), minijinja::context! { token })
}

/// A form that carries nothing but its CSRF token (a button: log out, remove, revoke, retry).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CsrfOnly {
    pub csrf_token: String,
}

#[cfg(test)]
mod tests {
    use super::local_path;

    /// Moved from the language switch (`web::pages`), which now asks this one rule.
    #[test]
    fn the_language_switch_returns_only_to_our_own_pages() {
        assert!(local_path("/help").is_some());
        assert!(local_path("/petitions?page=2").is_some());
        assert!(local_path("/reports?q=%D0%B1%20x").is_some(), "an encoded query is still our page");
        for hostile in ["https://evil.example/", "//evil.example/", "/\\evil.example", "help", "/%2F%2Fevil.example"] {
            assert!(local_path(hostile).is_none(), "{hostile}");
        }
    }
}
