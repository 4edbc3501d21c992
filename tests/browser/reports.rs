//! Report a problem in a real browser, with JavaScript on and off, on a phone and a desktop: log in,
//! choose the category with the keyboard, pick the place on the map (the picture's click without
//! JavaScript, Leaflet's with it), describe, pass the duplicates, check, send, read the confirmation and
//! the public page; axe-core finds nothing on any page, the map pages included.
use std::time::Duration;

use fantoccini::{Locator, key::Key};

use crate::{
    browser::{Browser, DESKTOP, PHONE, Script, Viewport, available},
    helpers::TestAppBuilder,
};

async fn assert_accessible(browser: &Browser, what: &str, script: Script, viewport: Viewport) {
    let violations = browser.accessibility_violations().await;
    assert!(violations.is_empty(), "axe-core on {what} ({script:?}, {viewport:?}):\n{}", violations.join("\n"));
    assert!(!browser.scrolls_sideways().await, "{what} scrolls sideways at {viewport:?}");
}

async fn fill(browser: &Browser, id: &str, text: &str) {
    let field = browser.client.find(Locator::Id(id)).await.unwrap_or_else(|_| panic!("the field #{id}"));
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

async fn a_citizen_reports_a_problem(script: Script, viewport: Viewport) {
    if !available() {
        return;
    }
    let app = TestAppBuilder::new().await.with_smtp().configure(|s| s.example_directory = true).spawn().await;
    app.verified_citizen("Oksana Melnyk", "oksana@example.org").await;
    let browser = Browser::open(script, viewport).await;
    browser.goto(&app.url("/account/login")).await;
    fill(&browser, "email", "oksana@example.org").await;
    fill(&browser, "password", "a long enough password").await;
    browser.click_and_wait("main form button[type=submit]").await;

    browser.goto(&app.url("/reports/new")).await;
    assert_accessible(&browser, "the start page", script, viewport).await;
    browser.click_and_wait("main a.govuk-button--start").await;
    assert_accessible(&browser, "the category step", script, viewport).await;
    // Nothing chosen: the error summary, then the keyboard chooses the first category.
    browser.click_and_wait("main form button[type=submit]").await;
    assert!(browser.text_of(".govuk-error-summary").await.contains("Виберіть, що це за проблема"));
    assert_accessible(&browser, "the category step's error", script, viewport).await;
    let first = browser.client.find(Locator::Id("category_id")).await.unwrap();
    first.send_keys(&Key::Space.to_string()).await.unwrap();
    browser.click_and_wait("main form button[type=submit]").await;

    assert_eq!(browser.text_of("h1").await, "Де проблема?");
    match script {
        Script::Off => {
            // The picture is the form's image button: a click at its middle posts the point.
            browser.click_and_wait("input.hromada-map__picker").await;
            assert!(browser.text_of("#chosen-point").await.starts_with("Вибрана точка: 48.7"));
        }
        Script::On => {
            let canvas = browser
                .client
                .wait()
                .at_most(Duration::from_secs(10))
                .for_element(Locator::Css(".hromada-map__canvas path.leaflet-interactive"))
                .await
                .expect("Leaflet draws the districts");
            canvas.click().await.unwrap();
            let latitude = browser.client.find(Locator::Id("latitude")).await.unwrap();
            let value = latitude.prop("value").await.unwrap().unwrap_or_default();
            assert!(value.starts_with("48."), "the map's click filled the latitude: {value}");
            browser
                .client
                .find(Locator::Css(".hromada-map__marker--chosen"))
                .await
                .expect("the chosen place is marked");
        }
    }
    assert_accessible(&browser, "the place step with its map", script, viewport).await;
    fill(&browser, "address", "біля школи").await;
    browser.click_and_wait("main form button.govuk-button").await;

    assert_eq!(browser.text_of("h1").await, "У чому проблема?");
    fill(&browser, "subject", "Глибока яма").await;
    browser.click_and_wait("main form button[type=submit]").await;
    assert!(browser.text_of(".govuk-error-summary").await.contains("Опишіть проблему"));
    assert_accessible(&browser, "the description's error", script, viewport).await;
    fill(&browser, "description", "На перехресті, з понеділка.").await;
    browser.click_and_wait("main form button[type=submit]").await;

    assert_accessible(&browser, "the duplicates step", script, viewport).await;
    browser.click_and_wait("main form button[type=submit]").await;
    assert_eq!(browser.text_of("h1").await, "Перевірте повідомлення");
    assert!(browser.text_of("main").await.contains("біля школи"));
    assert_accessible(&browser, "check your report", script, viewport).await;
    browser.click_and_wait("main form button[type=submit]").await;

    assert_eq!(browser.text_of(".govuk-panel__title").await, "Повідомлення надіслано");
    assert!(browser.text_of("#executor").await.contains("Шляхрембуд"), "the executor of the first category");
    assert!(browser.text_of("#due-date").await.ends_with(" р."), "the due date in words");
    assert_accessible(&browser, "the confirmation", script, viewport).await;
    browser.click_and_wait("main a[href^='/reports/']").await;
    assert_eq!(browser.text_of("h1").await, "Глибока яма");
    assert!(!browser.text_of("main").await.contains("Oksana"), "no name on the public page");
    assert_accessible(&browser, "the public report page with its map", script, viewport).await;
    browser.close().await;
}

#[tokio::test]
async fn report_without_javascript_on_a_phone() {
    a_citizen_reports_a_problem(Script::Off, PHONE).await;
}

#[tokio::test]
async fn report_with_javascript_on_a_phone() {
    a_citizen_reports_a_problem(Script::On, PHONE).await;
}

#[tokio::test]
async fn report_without_javascript_on_a_desktop() {
    a_citizen_reports_a_problem(Script::Off, DESKTOP).await;
}

#[tokio::test]
async fn report_with_javascript_on_a_desktop() {
    a_citizen_reports_a_problem(Script::On, DESKTOP).await;
}
