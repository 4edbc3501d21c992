//! Handlers of the pages. Each parses what it needs, calls at most one use case and renders.
use minijinja::context;
use poem::{
    Endpoint, FromRequest, Request, Response, handler,
    http::{StatusCode, Uri, header},
    web::{
        Data, Query,
        cookie::{Cookie, CookieJar, SameSite},
    },
};
use serde::Deserialize;

use super::{
    context::Ctx,
    forms::{TokenQuery, token_page},
    i18n::{LANG_COOKIE, Lang},
    map,
    render::Site,
};

/// How many recent reports the home page's map shows, and how many collecting petitions it lists.
const HOME_MAP_REPORTS: u64 = 200;
const HOME_PETITIONS: u64 = 3;

#[handler]
pub async fn home(ctx: Ctx<'_>) -> Response {
    let lang = ctx.lang;
    let front = crate::service::reports::front_page(ctx.state, ctx.actor(), HOME_PETITIONS, HOME_MAP_REPORTS).await;
    // The map is a bonus on this page: without it (no districts, an outage) the page still serves.
    let widget = front.map.and_then(|m| {
        let picture = map::Picture {
            title: lang.text("map-recent-reports", None),
            markers: map::report_markers(&m.points),
            shading: None,
        };
        map::MapWidget::new(&m.districts, &picture).map(|w| w.with_points(&format!("limit={HOME_MAP_REPORTS}")))
    });
    let petitions: Vec<_> = front
        .petitions
        .into_iter()
        .map(|r| context! { id => r.petition.id, title => r.title, signatures => r.petition.signature_count })
        .collect();
    let page = context! { map => widget, petitions, petitions_total => front.petitions_total };
    ctx.page(ctx.path(), "home.html", page)
}

/// A page of words only, at the path it is routed at: help, privacy, accessibility, "check your mail".
pub struct Fixed(pub &'static str);

impl Endpoint for Fixed {
    type Output = Response;

    async fn call(&self, req: Request) -> poem::Result<Response> {
        let (req, mut body) = req.split();
        let ctx = Ctx::from_request(&req, &mut body).await?;
        Ok(ctx.page(ctx.path(), self.0, context! {}))
    }
}

/// The page a mailed link (`?token=…`) lands on, at the path it is routed at: a button posts the token,
/// so a mail scanner that opens links does nothing by opening one (see [`token_page`]).
pub struct MailedLink(pub &'static str);

impl Endpoint for MailedLink {
    type Output = Response;

    async fn call(&self, req: Request) -> poem::Result<Response> {
        let (req, mut body) = req.split();
        let ctx = Ctx::from_request(&req, &mut body).await?;
        let Query(q) = Query::<TokenQuery>::from_request(&req, &mut body).await?;
        Ok(token_page(ctx.site, ctx.lang, ctx.path(), self.0, ctx.csrf, q.token))
    }
}

#[derive(Deserialize)]
pub struct LanguageChoice {
    lang: String,
    #[serde(rename = "return")]
    return_to: Option<String>,
}

/// `GET /language?lang=en&return=/help`: remembers the choice for a year and goes back to the page.
/// A plain link, so it works without JavaScript and without a form.
#[handler]
pub fn choose_language(
    site: Data<&Site>,
    current: Lang,
    uri: &Uri,
    Query(choice): Query<LanguageChoice>,
    cookies: &CookieJar,
) -> Response {
    let Some(lang) = Lang::parse(&choice.lang) else {
        return site.error(current, uri.path(), StatusCode::BAD_REQUEST);
    };
    let mut cookie = Cookie::new_with_str(LANG_COOKIE, lang.code());
    cookie.set_path("/");
    cookie.set_max_age(std::time::Duration::from_secs(365 * 24 * 3600));
    cookie.set_same_site(SameSite::Lax);
    cookie.set_http_only(true);
    cookies.add(cookie);
    let target = choice.return_to.as_deref().and_then(super::forms::local_path).unwrap_or("/").to_owned();
    Response::builder().status(StatusCode::SEE_OTHER).header(header::LOCATION, target).finish()
}
