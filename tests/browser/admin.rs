//! Stories of the administration pages in a real browser, with JavaScript on and off, at a phone's and
//! a desktop's size, axe-core on every page: an administrator adds a district by pasting its polygon
//! (a wrong one first) and a category routed by it, then issues an API key with the keyboard, sees it
//! once, and revokes it.
use std::time::Duration;

use fantoccini::{Locator, key::Key};

use crate::{
    browser::{Browser, DESKTOP, PHONE, Script, Viewport, available},
    city,
    helpers::{TestApp, spawn_app_with_smtp},
};

async fn fill(browser: &Browser, id: &str, text: &str) {
    let field = browser.client.find(Locator::Id(id)).await.unwrap_or_else(|_| panic!("a field #{id}"));
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

/// Chooses the option with `value` of the select `#id`.
async fn choose(browser: &Browser, id: &str, value: &str) {
    let css = format!("#{id} option[value='{value}']");
    browser.client.find(Locator::Css(&css)).await.unwrap_or_else(|_| panic!("{css}")).click().await.unwrap();
}

async fn assert_accessible(browser: &Browser, what: &str, script: Script, viewport: Viewport) {
    let violations = browser.accessibility_violations().await;
    assert!(violations.is_empty(), "axe-core on {what} ({script:?}, {viewport:?}):\n{}", violations.join("\n"));
    assert!(!browser.scrolls_sideways().await, "{what} scrolls sideways at {viewport:?}");
}

async fn path_of(browser: &Browser) -> String {
    browser.client.current_url().await.unwrap().path().to_owned()
}

/// Presses `key` on what `css` finds (the keyboard's way to follow a link or press a button) and
/// waits for the next page.
async fn press_and_wait(browser: &Browser, css: &str, key: Key) {
    let old_page = browser.client.find(Locator::Css("html")).await.expect("a page");
    let target = browser.client.find(Locator::Css(css)).await.unwrap_or_else(|_| panic!("nothing matches {css}"));
    target.send_keys(&key.to_string()).await.unwrap();
    let started = std::time::Instant::now();
    while old_page.tag_name().await.is_ok() {
        assert!(started.elapsed() < Duration::from_secs(10), "pressing a key on {css} did not lead to another page");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    browser.client.wait().for_element(Locator::Css("footer")).await.expect("the next page");
}

async fn log_in_as_administrator(app: &TestApp, browser: &Browser) {
    browser.goto(&app.url("/account/login")).await;
    fill(browser, "email", "admin@rada.example.org").await;
    fill(browser, "password", "administrator password").await;
    browser.click_and_wait("main form button[type=submit]").await;
    assert_eq!(path_of(browser).await, "/account");
}

const OPEN_RING: &str =
    r#"{"type": "Polygon", "coordinates": [[[37.50, 48.70], [37.60, 48.70], [37.60, 48.80], [37.50, 48.80]]]}"#;
const SQUARE: &str = r#"{"type": "Polygon", "coordinates": [[[37.50, 48.70], [37.60, 48.70], [37.60, 48.80], [37.50, 48.80], [37.50, 48.70]]]}"#;

async fn district_and_category(script: Script, viewport: Viewport) {
    if !available() {
        return;
    }
    let app = spawn_app_with_smtp().await;
    let city = city::build(&app).await;
    let browser = Browser::open(script, viewport).await;
    log_in_as_administrator(&app, &browser).await;
    browser.goto(&app.url("/admin")).await;
    assert_accessible(&browser, "the administration's index", script, viewport).await;
    browser.click_and_wait("main a[href='/admin/districts']").await;
    assert_accessible(&browser, "the districts", script, viewport).await;
    browser.click_and_wait("main a[href='/admin/districts/new']").await;
    assert_accessible(&browser, "the district form", script, viewport).await;

    // An unclosed ring: the error summary says so, takes focus, and the text stays.
    fill(&browser, "name", "Staryi Misto").await;
    fill(&browser, "area", OPEN_RING).await;
    browser.click_and_wait("main form button[type=submit]").await;
    let focused = browser.client.active_element().await.unwrap();
    assert!(focused.attr("class").await.unwrap().unwrap_or_default().contains("govuk-error-summary"));
    let summary = browser.text_of(".govuk-error-summary").await;
    assert!(summary.contains("Кільце 0 полігона 0 не замкнене"), "in the page's language: {summary}");
    assert_accessible(&browser, "the district form with its error", script, viewport).await;

    fill(&browser, "area", SQUARE).await;
    browser.click_and_wait("main form button[type=submit]").await;
    assert!(browser.text_of("main").await.contains("від 48.70000, 37.50000 (південний захід)"));
    // The new outline on the shared map: Leaflet draws it dashed over the districts, or the server's picture.
    match script {
        Script::On => {
            browser
                .client
                .wait()
                .at_most(Duration::from_secs(10))
                .for_element(Locator::Css(".hromada-map--enhanced path[stroke-dasharray='6 4']"))
                .await
                .expect("Leaflet draws the new outline");
        }
        Script::Off => assert!(browser.client.find(Locator::Css(".hromada-map__svg")).await.is_ok(), "the picture"),
    }
    assert_accessible(&browser, "the district's check step", script, viewport).await;
    browser.click_and_wait("main form button[type=submit]").await;
    assert_eq!(path_of(&browser).await, "/admin/districts");
    assert!(browser.text_of("main").await.contains("Район збережено."));
    let district = browser.client.find(Locator::LinkText("Staryi Misto")).await.unwrap();
    let district_id = district.attr("href").await.unwrap().unwrap().rsplit('/').next().unwrap().to_owned();

    // The category, its housing enterprise for the new district; the radio is chosen with the keyboard.
    browser.goto(&app.url("/admin/categories/new")).await;
    assert_accessible(&browser, "the category form", script, viewport).await;
    fill(&browser, "code", "broken_bench").await;
    fill(&browser, "name_uk", "Зламана лавка").await;
    fill(&browser, "name_en", "Broken bench").await;
    let complex = browser.client.find(Locator::Id("urgency_class-complex")).await.unwrap();
    complex.send_keys(&Key::Space.to_string()).await.unwrap();
    choose(&browser, "default_executor_id", &city.roads.to_string()).await;
    choose(&browser, &format!("district_{district_id}"), &city.housing.to_string()).await;
    browser.click_and_wait("main form button[type=submit]").await;
    assert!(browser.text_of("main").await.contains("Категорію збережено."));
    assert_accessible(&browser, "the category saved", script, viewport).await;
    browser.goto(&app.url("/admin/categories")).await;
    assert!(browser.text_of("main").await.contains("Складна (30 днів)"));
    assert_accessible(&browser, "the categories", script, viewport).await;
    browser.close().await;

    // A report inside the district goes to the district's executor.
    let category = app.get("/api/v1/directory/categories", None).await;
    let id = category.body.as_array().unwrap().iter().find(|c| c["code"] == "broken_bench").unwrap()["id"].clone();
    let routed = app
        .post(
            "/api/v1/directory/routing",
            None,
            serde_json::json!({"category_id": id, "latitude": 48.75, "longitude": 37.55}),
        )
        .await;
    assert_eq!(routed.body["executor_id"], city.housing, "{}", routed.body);
}

async fn api_key_by_keyboard(script: Script, viewport: Viewport) {
    if !available() {
        return;
    }
    let app = spawn_app_with_smtp().await;
    app.administrator().await;
    let browser = Browser::open(script, viewport).await;
    log_in_as_administrator(&app, &browser).await;
    browser.goto(&app.url("/admin/api-keys")).await;
    assert_accessible(&browser, "the API keys", script, viewport).await;

    // Enter in the field sends the form.
    fill(&browser, "name", "City dashboard").await;
    press_and_wait(&browser, "#name", Key::Enter).await;
    assert_eq!(path_of(&browser).await, "/admin/api-keys/issued");
    let secret = browser.text_of("#secret").await;
    assert!(secret.len() >= 32, "{secret}");
    assert_accessible(&browser, "the new key", script, viewport).await;
    browser.client.refresh().await.unwrap();
    assert!(!browser.text_of("main").await.contains(&secret), "shown once only");

    press_and_wait(&browser, "main a[href='/admin/api-keys']", Key::Enter).await;
    assert!(browser.text_of("main").await.contains("Діє"));
    press_and_wait(&browser, "form[action$='/revoke'] button", Key::Enter).await;
    assert!(browser.text_of("main").await.contains("Ключ відкликано."));
    assert_accessible(&browser, "the API keys after revoking", script, viewport).await;
    browser.close().await;
}

#[tokio::test]
async fn an_administrator_adds_a_district_and_a_category_on_a_phone_with_javascript() {
    district_and_category(Script::On, PHONE).await;
}

#[tokio::test]
async fn an_administrator_adds_a_district_and_a_category_on_a_desktop_without_javascript() {
    district_and_category(Script::Off, DESKTOP).await;
}

#[tokio::test]
async fn an_administrator_issues_and_revokes_an_api_key_by_keyboard_on_a_desktop_with_javascript() {
    api_key_by_keyboard(Script::On, DESKTOP).await;
}

#[tokio::test]
async fn an_administrator_issues_and_revokes_an_api_key_by_keyboard_on_a_phone_without_javascript() {
    api_key_by_keyboard(Script::Off, PHONE).await;
}
