//! The web platform as a browser meets it over HTTP: languages, headers, errors, assets, weight.
use reqwest::header::{ACCEPT_ENCODING, ACCEPT_LANGUAGE, CACHE_CONTROL, CONTENT_TYPE, COOKIE, LOCATION};

use crate::helpers::{TestApp, TestAppBuilder, spawn_app};

/// Every page, the calculator with an answer too (its largest form).
const PAGES: [&str; 10] = [
    "/",
    "/help",
    "/privacy",
    "/accessibility",
    "/calculator",
    "/calculator?day=18&month=12&year=2021&rule=appeal_no_study",
    "/account/login",
    "/account/register",
    "/account/password-reset",
    "/petitions",
];

async fn page(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut request = app.client.get(app.url(path));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap()
}

fn lang_attribute(html: &str) -> &str {
    let start = html.find("<html lang=\"").expect("an html element with a language") + 12;
    &html[start..start + 2]
}

#[tokio::test]
async fn a_visitor_gets_ukrainian_unless_they_ask_for_english() {
    let app = spawn_app().await;
    let html = page(&app, "/help", &[]).await.text().await.unwrap();
    assert_eq!(lang_attribute(&html), "uk");
    assert!(html.contains("<h1 class=\"govuk-heading-l\">Довідка</h1>"));

    let english = [(ACCEPT_LANGUAGE.as_str(), "en-GB,en;q=0.9")];
    let html = page(&app, "/help", &english).await.text().await.unwrap();
    assert_eq!(lang_attribute(&html), "en");
    assert!(html.contains("<h1 class=\"govuk-heading-l\">Help</h1>"));

    // A language chosen with the switch wins over the browser's header.
    let chosen = [(ACCEPT_LANGUAGE.as_str(), "en"), (COOKIE.as_str(), "lang=uk")];
    let html = page(&app, "/help", &chosen).await.text().await.unwrap();
    assert_eq!(lang_attribute(&html), "uk");
}

#[tokio::test]
async fn the_language_switch_remembers_the_choice_and_returns_only_to_our_pages() {
    let app = spawn_app().await;
    let no_redirects = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let response = no_redirects.get(app.url("/language?lang=en&return=/privacy")).send().await.unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()[LOCATION], "/privacy");
    let cookie = response.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap()).collect::<Vec<_>>();
    assert!(cookie.iter().any(|c| c.starts_with("lang=en;") && c.contains("HttpOnly")), "{cookie:?}");

    for hostile in crate::helpers::HOSTILE_RETURNS {
        let url = format!("{}?lang=en&return={}", app.url("/language"), urlencode(hostile));
        let response = no_redirects.get(url).send().await.unwrap();
        assert_eq!(response.headers()[LOCATION], "/", "{hostile} must not be followed");
    }

    let response = page(&app, "/language?lang=xx", &[]).await;
    assert_eq!(response.status(), 400);
    assert!(response.text().await.unwrap().contains("Неправильний запит"));
}

fn urlencode(text: &str) -> String {
    text.bytes().map(|b| format!("%{b:02X}")).collect()
}

#[tokio::test]
async fn every_page_carries_the_security_headers() {
    let app = spawn_app().await;
    for path in PAGES.into_iter().chain(["/no-such-page"]) {
        let response = page(&app, path, &[]).await;
        let headers = response.headers();
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["referrer-policy"], "same-origin", "{path}");
        let html = response.text().await.unwrap();
        assert!(!html.contains("<script>") && !html.contains(" style="), "{path} has inline script or style");
    }
}

#[tokio::test]
async fn forms_are_protected_by_a_csrf_cookie_that_scripts_cannot_read() {
    let app = spawn_app().await;
    let response = page(&app, "/", &[]).await;
    let cookies: Vec<_> = response.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap()).collect();
    let csrf = cookies.iter().find(|c| c.starts_with("hromada-csrf=")).expect("a CSRF cookie");
    assert!(csrf.contains("HttpOnly") && csrf.contains("SameSite=Lax"), "{csrf}");
    assert!(!csrf.contains("Secure"), "plain http: no Secure flag, or the browser would drop it");

    let https =
        TestAppBuilder::new().await.configure(|s| s.public_url = "https://rada.example.org".into()).spawn().await;
    let response = page(&https, "/", &[]).await;
    let cookies: Vec<_> = response.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap()).collect();
    assert!(cookies.iter().any(|c| c.starts_with("hromada-csrf=") && c.contains("Secure")), "{cookies:?}");
}

#[tokio::test]
async fn an_unknown_page_is_a_page_and_an_unknown_api_path_is_still_a_problem() {
    let app = spawn_app().await;
    let response = page(&app, "/no-such-page", &[(ACCEPT_LANGUAGE.as_str(), "en")]).await;
    assert_eq!(response.status(), 404);
    assert!(response.headers()[CONTENT_TYPE].to_str().unwrap().starts_with("text/html"));
    assert!(response.text().await.unwrap().contains("Page not found"));

    let response = page(&app, "/api/v1/no-such-thing", &[]).await;
    assert_eq!(response.status(), 404);
    assert!(response.headers()[CONTENT_TYPE].to_str().unwrap().contains("json"));
}

/// The asset URLs of a page: stylesheets, scripts, and the design system's script that ours imports.
pub(crate) fn asset_urls(html: &str) -> Vec<String> {
    let mut urls: Vec<String> =
        html.split('"').filter(|part| part.starts_with("/static/")).map(str::to_owned).collect();
    let hash = urls.first().expect("the page links its stylesheet").split('/').nth(2).unwrap().to_owned();
    urls.push(format!("/static/{hash}/vendor/govuk-frontend/dist/govuk/govuk-frontend.min.js"));
    // hromada.js imports the map platform (Leaflet, markercluster and their CSS) only where a map is on the page.
    if html.contains("class=\"hromada-map\"") {
        for file in [
            "web/map.js",
            "vendor/leaflet/dist/leaflet.js",
            "vendor/leaflet/dist/leaflet.css",
            "vendor/leaflet.markercluster/dist/leaflet.markercluster.js",
            "vendor/leaflet.markercluster/dist/MarkerCluster.css",
        ] {
            urls.push(format!("/static/{hash}/{file}"));
        }
    }
    urls
}

#[tokio::test]
async fn assets_are_cached_for_a_year_under_their_hash_and_the_test_tools_are_not_served() {
    let app = spawn_app().await;
    let html = page(&app, "/", &[]).await.text().await.unwrap();
    let urls = asset_urls(&html);
    assert!(urls.len() >= 4, "{urls:?}");
    for url in &urls {
        let response = page(&app, url, &[]).await;
        assert_eq!(response.status(), 200, "{url}");
        assert_eq!(response.headers()[CACHE_CONTROL], "public, max-age=31536000, immutable", "{url}");
    }
    let css = urls.iter().find(|u| u.ends_with("hromada.css")).unwrap();
    let hash = css.split('/').nth(2).unwrap();
    let stale = css.replacen(hash, "0000000000000000", 1);
    let old = page(&app, &stale, &[]).await;
    assert_eq!(old.status(), 200, "an old page's asset still loads");
    assert_eq!(old.headers()[CACHE_CONTROL], "no-cache", "but is not cached under the old name");

    let hash_base = css.split("/web/").next().unwrap();
    let axe = page(&app, &format!("{hash_base}/vendor/axe-core/axe.min.js"), &[]).await;
    assert_eq!(axe.status(), 404, "axe-core is for the tests only");
}

/// The citizen page budget: ≤ 60 KB gzipped for a page without a map, everything it loads included
/// (the home page shows a map only when districts and reports exist: see web_map.rs for its budget).
#[tokio::test]
async fn every_page_weighs_at_most_60_kb_gzipped_with_its_assets() {
    let app = spawn_app().await;
    let gzip = [(ACCEPT_ENCODING.as_str(), "gzip")];
    for path in PAGES {
        let response = page(&app, path, &gzip).await;
        assert_eq!(response.headers()["content-encoding"], "gzip", "{path} is compressed");
        let mut total = response.bytes().await.unwrap().len();
        let html = page(&app, path, &[]).await.text().await.unwrap();
        for url in asset_urls(&html) {
            let asset = page(&app, &url, &gzip).await;
            total += asset.bytes().await.unwrap().len();
        }
        assert!(total <= 60 * 1024, "{path} weighs {total} bytes gzipped");
    }
}
