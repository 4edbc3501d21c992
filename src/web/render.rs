//! The template environment (minijinja, HTML auto-escaping, templates embedded in the binary) and the
//! one renderer every page and error goes through, so each page gets the same frame: language, service
//! name, asset URLs and the language switch.
use std::{collections::HashMap, sync::Arc, sync::LazyLock};

use fluent_bundle::FluentValue;
use minijinja::{Environment, State, Value, context, value::Kwargs};
use poem::{
    Endpoint, IntoResponse, Request, Response,
    http::{StatusCode, header},
};
use rust_embed::RustEmbed;

use super::{assets, i18n::Lang};
use crate::config::Settings;

#[derive(RustEmbed)]
#[folder = "templates/web/"]
struct Templates;

/// What every page shows about the site, from configuration.
#[derive(Clone)]
pub struct Site {
    service_names: Arc<HashMap<Lang, String>>,
    /// The base map tiles' URL and attribution, for `map/map.html` (none: outlines only).
    map_tiles: Option<Arc<(String, String)>>,
}

impl Site {
    pub fn new(settings: &Settings) -> Site {
        let names =
            [(Lang::Uk, settings.web.service_name_uk.clone()), (Lang::En, settings.web.service_name_en.clone())];
        let tiles =
            settings.web.map_tile_url.clone().map(|url| Arc::new((url, settings.web.map_tile_attribution.clone())));
        Site { service_names: Arc::new(names.into_iter().collect()), map_tiles: tiles }
    }

    /// Renders `template` for a page at `path` (the language switch returns there).
    pub fn page(&self, lang: Lang, path: &str, template: &str, page: Value) -> Response {
        self.render(StatusCode::OK, lang, path, template, page)
    }

    pub fn render(&self, status: StatusCode, lang: Lang, path: &str, template: &str, page: Value) -> Response {
        let frame = context! {
            lang => lang.code(),
            other_langs => Lang::ALL.iter().filter(|l| **l != lang).map(|l| l.code()).collect::<Vec<_>>(),
            service_name => self.service_names.get(&lang),
            assets => Value::from_safe_string(assets::base_url()),
            path => path,
            session => Value::from_serialize(super::session::frame()),
            map_tiles => self.map_tiles.as_deref().map(|(url, attribution)| context! { url, attribution }),
        };
        let rendered = ENV.get_template(template).and_then(|t| t.render(context! { ..page, ..frame }));
        match rendered {
            Ok(html) => html_response(status, html),
            Err(e) => {
                // A template error is our bug: log it, and still answer with a page a person can read.
                tracing::error!(error = %e, template, "a page template failed");
                html_response(StatusCode::INTERNAL_SERVER_ERROR, FALLBACK_ERROR_PAGE.to_owned())
            }
        }
    }

    /// The error page for `status`, in the page's language.
    pub fn error(&self, lang: Lang, path: &str, status: StatusCode) -> Response {
        let kind = match status.as_u16() {
            403 => "forbidden",
            404 => "not-found",
            405 => "not-allowed",
            413 => "too-large",
            429 => "too-many",
            400..=499 => "bad-request",
            _ => "server",
        };
        self.render(status, lang, path, "error.html", context! { kind, status => status.as_u16() })
    }
}

fn html_response(status: StatusCode, html: String) -> Response {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
        .header(header::CACHE_CONTROL, "no-store")
        .body(html)
}

const FALLBACK_ERROR_PAGE: &str = "<!DOCTYPE html><html lang=\"uk\"><head><meta charset=\"utf-8\"><title>Помилка / Error</title></head>\
<body><main><h1>Сталася помилка / Something went wrong</h1><p><a href=\"/\">Головна / Home</a></p></main></body></html>";

/// Turns every error below into the error page: a person gets a page, never a bare status or JSON.
pub async fn error_pages<E: Endpoint>(ep: Arc<E>, req: Request) -> poem::Result<Response> {
    let lang = Lang::of_request(&req);
    let path = req.uri().path().to_owned();
    let site = req.data::<Site>().cloned();
    match ep.call(req).await {
        Ok(response) => Ok(response.into_response()),
        Err(error) => {
            let status = error.status();
            if status.is_server_error() {
                tracing::error!(%error, "a page failed");
            }
            match site {
                Some(site) => Ok(site.error(lang, &path, status)),
                None => Err(error),
            }
        }
    }
}

static ENV: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    env.set_loader(|name| Ok(Templates::get(name).map(|file| String::from_utf8_lossy(&file.data).into_owned())));
    // `.html` files are escaped by default; `t` output is escaped too, being plain strings.
    env.add_function("t", translate);
    env
});

/// `t("key", count=3, name="…")` in a template: the string in the page's language.
fn translate(state: &State, key: &str, kwargs: Kwargs) -> Result<String, minijinja::Error> {
    let lang = state.lookup("lang").and_then(|v| v.as_str().and_then(Lang::parse)).unwrap_or(Lang::Uk);
    let mut pairs: Vec<(&str, FluentValue)> = vec![];
    let names: Vec<&str> = kwargs.args().collect();
    for name in names {
        let value: Value = kwargs.get(name)?;
        let fluent = match value.as_i64() {
            Some(n) => FluentValue::from(n),
            None => FluentValue::from(value.to_string()),
        };
        pairs.push((name, fluent));
    }
    kwargs.assert_all_used()?;
    let args = super::i18n::args_from(pairs);
    Ok(lang.text(key, if args.iter().next().is_some() { Some(&args) } else { None }))
}
