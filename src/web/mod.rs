//! Web pages for people, server-rendered from the same binary beside `/api/v1`.
//!
//! Every journey works with JavaScript off (plain links and forms: POST → 303 → GET); scripts only
//! enhance. Handlers parse, call one use case and render a template; nothing here decides a rule.
//! - `assets`: the embedded CSS, JS and images under content-hashed URLs;
//! - `i18n`: the page language (cookie, then `Accept-Language`) and the translated strings;
//! - `render`: the template environment and the one page/error renderer;
//! - `security`: the headers every page carries (CSP without inline script, framing, sniffing);
//! - `pages`, `account`, `petitions`: the handlers of the general, account and petition pages;
//!   `calculator`: the deadline calculator page; `dates`: dates in words;
//! - `reports`: report a problem, a report's public page, the recent reports;
//! - `appeals`: file an appeal; `my`: the person's own submissions and their forms;
//! - `statistics`: the watchdog's pages (statistics, open data, audit, widgets);
//!   `statistics_map`: the map of reports;
//! - `mail`: the one-click unsubscribe page;
//! - `map`: the shared map platform (server-drawn SVG districts, points, shading; Leaflet's data);
//! - `desk`: the staff's work queue, case page, registration and team;
//!   `desk_petitions`: the desk's moderation and council petition pages;
//! - `admin`: the administration (`/admin/…`), for administrators only;
//! - `session`: the browser session (cookie `hromada-session`) and the [`session::Visitor`];
//! - `context`: the [`context::Ctx`] extractor every handler takes (site, state, language, visitor,
//!   form token) and renders through;
//! - `forms`: CSRF check, error summary, POST → 303; `paging`: every list's `page=` and its error page.
mod account;
mod admin;
mod appeals;
mod assets;
mod calculator;
mod context;
mod dates;
mod desk;
mod desk_petitions;
mod forms;
mod i18n;
mod mail;
pub mod map;
mod my;
mod pages;
pub(crate) mod paging;
mod petitions;
mod render;
mod reports;
mod security;
pub mod session;
mod statistics;
mod statistics_map;

use poem::{
    Endpoint, EndpointExt, Route,
    middleware::{Compression, Csrf},
    web::cookie::SameSite,
};

use crate::config::Settings;

pub use assets::ASSET_PREFIX;
pub use i18n::Lang;
pub use reports::PHOTOS_STEP;

/// The web routes; mounted at `/` after every more specific route (API, Open311, docs), so it also
/// answers unknown paths with the HTML "page not found".
pub fn routes(settings: &Settings) -> impl Endpoint + use<> {
    let secure = settings.public_url.starts_with("https://");
    let route = Route::new()
        .at("/", poem::get(pages::home))
        .at("/help", poem::get(pages::Fixed("help.html")))
        .at("/privacy", poem::get(pages::Fixed("privacy.html")))
        .at("/accessibility", poem::get(pages::Fixed("accessibility.html")))
        .at("/language", poem::get(pages::choose_language))
        .at("/statistics", poem::get(statistics::overview))
        .at("/statistics/organisations/:id", poem::get(statistics::organisation))
        .at("/statistics/a07", poem::get(statistics::a07))
        .at("/statistics/c03", poem::get(statistics::c03))
        .at("/statistics/rankings", poem::get(statistics::rankings))
        .at("/statistics/petitions", poem::get(statistics::petitions))
        .at("/open-data", poem::get(statistics::open_data))
        .at("/audit", poem::get(statistics::audit))
        .at("/widgets/organisations/:id", poem::get(statistics::organisation_widget))
        .at("/widgets/petitions/:id", poem::get(statistics::petition_widget))
        // One-click unsubscribe: its POST is authorised by the mailed token alone, never by a CSRF token.
        .at("/unsubscribe", poem::get(mail::ask).post(mail::unsubscribe))
        .at("/calculator", poem::get(calculator::calculator))
        .at("/account", poem::get(account::settings_page).post(account::save_settings))
        .at("/account/register", poem::get(account::register_page).post(account::register))
        .at("/account/register/check-email", poem::get(pages::Fixed("account/check-email.html")))
        .at(
            "/account/confirm-email",
            poem::get(pages::MailedLink("account/confirm-email.html")).post(account::confirm_email),
        )
        .at("/account/login", poem::get(account::login_page).post(account::login))
        .at("/account/logout", poem::post(account::logout))
        .at("/account/password-reset", poem::get(account::reset_page).post(account::request_reset))
        .at("/petitions", poem::get(petitions::list))
        .at("/petitions/signatures/check-email", poem::get(pages::Fixed("petitions/check-email.html")))
        .at(
            "/petitions/signatures/confirm",
            poem::get(pages::MailedLink("petitions/confirm.html")).post(petitions::confirm),
        )
        .at("/petitions/new", poem::get(petitions::new_page).post(petitions::check_draft))
        .at("/petitions/new/check", poem::get(petitions::check_page))
        .at("/petitions/new/submit", poem::post(petitions::submit_draft))
        .at("/petitions/:id/submitted", poem::get(petitions::submitted))
        .at("/petitions/:id", poem::get(petitions::view))
        .at("/petitions/:id/sign", poem::get(petitions::sign_page).post(petitions::sign))
        .at(
            "/account/password-reset/new",
            poem::get(pages::MailedLink("account/password-new.html")).post(account::set_new_password),
        )
        .nest_no_strip("/admin", admin::routes())
        .nest(ASSET_PREFIX, assets::endpoint());
    let route = map::routes(route);
    let route = desk::routes(route);
    let route = desk_petitions::routes(route);
    let route = appeals::routes(route);
    let route = my::routes(route);
    let route = statistics_map::routes(route);
    let route = reports::routes(route);
    route
        .around(render::error_pages)
        // Inside the CSRF middleware, so the layout's "log out" button gets its form token.
        .around(session::resolve)
        .with(security::SecurityHeaders::new(settings.web.map_tile_origin().as_deref()))
        // Pages and assets are text that compresses ~4:1; cheap phones on slow networks feel it most.
        .with(Compression::new())
        .with(Csrf::new().cookie_name("hromada-csrf").key(csrf_key(settings)).secure(secure).same_site(SameSite::Lax))
        .data(render::Site::new(settings))
}

/// The CSRF sealing key: derived from the configured secret, or random for this process.
fn csrf_key(settings: &Settings) -> [u8; 32] {
    use sha2::Digest;
    match &settings.web.csrf_secret {
        Some(secret) => sha2::Sha256::digest(secret.as_bytes()).into(),
        None => rand::random(),
    }
}
