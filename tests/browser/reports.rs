//! Report a problem in a real browser, with JavaScript on and off, on a phone and a desktop: log in,
//! choose the category with the keyboard, pick the place on the map (the picture's click without
//! JavaScript, Leaflet's with it), add a photo (a file chosen in the form's file input), describe, pass
//! the duplicates, check, send, read the confirmation and the public page with the photo; axe-core
//! finds nothing on any page, the map pages included.
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

async fn log_in(browser: &Browser, app: &crate::helpers::TestApp) {
    browser.goto(&app.url("/account/login")).await;
    fill(browser, "email", "oksana@example.org").await;
    fill(browser, "password", "a long enough password").await;
    browser.click_and_wait("main form button[type=submit]").await;
}

async fn a_citizen_reports_a_problem(script: Script, viewport: Viewport) {
    if !available() {
        return;
    }
    let folder = std::env::temp_dir().join(format!("hromada-photos-{}", uuid::Uuid::new_v4().simple()));
    let configure = |s: &mut hromada::config::Settings| {
        s.example_directory = true;
        s.photos.dir = folder;
    };
    let app = TestAppBuilder::new().await.with_smtp().configure(configure).spawn().await;
    app.verified_citizen("Oksana Melnyk", "oksana@example.org").await;
    let browser = Browser::open(script, viewport).await;
    log_in(&browser, &app).await;

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
    browser.click_and_wait("main form button[type=submit]").await;

    add_a_photo(&browser, script, viewport).await;

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
    browser.client.find(Locator::Css("img[alt='Фото 1 повідомлення']")).await.expect("the photo to be sent");
    assert_accessible(&browser, "check your report", script, viewport).await;
    browser.click_and_wait("main form button[type=submit]").await;

    assert_eq!(browser.text_of(".govuk-panel__title").await, "Повідомлення надіслано");
    assert!(browser.text_of("#executor").await.contains("Шляхрембуд"), "the executor of the first category");
    assert!(browser.text_of("#due-date").await.ends_with(" р."), "the due date in words");
    assert_accessible(&browser, "the confirmation", script, viewport).await;
    browser.click_and_wait("main a[href^='/reports/']").await;
    assert_eq!(browser.text_of("h1").await, "Глибока яма");
    assert!(!browser.text_of("main").await.contains("Oksana"), "no name on the public page");
    let photo = "return document.querySelector(\"img[alt='Фото 1 повідомлення']\").naturalWidth";
    let width = browser.client.execute(photo, vec![]).await.expect("its photo");
    assert_eq!(width, serde_json::json!(32), "the photo loads (the fixture is 32 px wide)");
    assert_accessible(&browser, "the public report page with its map", script, viewport).await;
    browser.close().await;
}

/// The photos step: a file chosen in the file input (chromedriver types its path), uploaded with the
/// form, listed with its remove button; then on.
async fn add_a_photo(browser: &Browser, script: Script, viewport: Viewport) {
    assert_eq!(browser.text_of("h1").await, "Фото");
    assert_accessible(browser, "the photos step", script, viewport).await;
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/pothole.png");
    browser.client.find(Locator::Id("photo")).await.unwrap().send_keys(fixture).await.unwrap();
    browser.click_and_wait("main form button[value=upload]").await;
    browser.client.find(Locator::Css("img[alt='Фото 1 повідомлення']")).await.expect("the photo is listed");
    assert!(browser.text_of("main").await.contains("Видалити"), "with its remove button");
    assert_accessible(browser, "the photos step with a photo", script, viewport).await;
    browser.click_and_wait("main form button[value=continue]").await;
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

/// A visitor's session ends mid-journey (cookies gone): the step they open sends them to log in, which
/// brings them back to that step of the draft the server kept; there, a photo over the size limit gets
/// the step again with the error summary (413), not the API's problem or a reset connection.
async fn a_visitor_logs_in_midway_and_is_told_a_photo_is_too_large(script: Script, viewport: Viewport) {
    if !available() {
        return;
    }
    let folder = std::env::temp_dir().join(format!("hromada-photos-{}", uuid::Uuid::new_v4().simple()));
    let big = folder.join("big.png");
    std::fs::create_dir_all(&folder).unwrap();
    let mut bytes = include_bytes!("../fixtures/pothole.png").to_vec();
    bytes.resize(1536 * 1024, 0);
    std::fs::write(&big, &bytes).unwrap();
    let configure = |s: &mut hromada::config::Settings| {
        s.example_directory = true;
        s.photos.dir = folder.join("kept");
        s.photos.max_bytes = 512 * 1024;
        s.photos.max_per_appeal = 1;
        s.max_body_bytes = 4096;
    };
    let app = TestAppBuilder::new().await.with_smtp().configure(configure).spawn().await;
    app.verified_citizen("Oksana Melnyk", "oksana@example.org").await;
    let browser = Browser::open(script, viewport).await;
    log_in(&browser, &app).await;
    browser.goto(&app.url("/reports/new/category")).await;
    let first = browser.client.find(Locator::Id("category_id")).await.unwrap();
    first.send_keys(&Key::Space.to_string()).await.unwrap();
    browser.click_and_wait("main form button[type=submit]").await;
    fill(&browser, "address", "біля школи").await;
    browser.click_and_wait("main form button[type=submit]").await;
    assert_eq!(browser.text_of("h1").await, "Фото");
    let photos = browser.client.current_url().await.unwrap();

    browser.client.delete_all_cookies().await.unwrap();
    browser.goto(photos.as_str()).await;
    assert_eq!(browser.text_of("h1").await, "Увійти");
    fill(&browser, "email", "oksana@example.org").await;
    fill(&browser, "password", "a long enough password").await;
    browser.click_and_wait("main form button[type=submit]").await;

    assert_eq!(browser.text_of("h1").await, "Фото", "back at the step they were on");
    let here = browser.client.current_url().await.unwrap();
    assert_eq!(here, photos, "the same step of the same draft");
    browser.client.find(Locator::Id("photo")).await.unwrap().send_keys(big.to_str().unwrap()).await.unwrap();
    browser.click_and_wait("main form button[value=upload]").await;
    assert_eq!(browser.text_of("h1").await, "Фото");
    assert!(browser.text_of(".govuk-error-summary").await.contains("Виберіть одне фото розміром не більше"));
    assert!(browser.text_of("#photo-error").await.contains("Виберіть одне фото розміром не більше"));
    assert_accessible(&browser, "the photos step refusing a photo too large", script, viewport).await;
    browser.close().await;
}

#[tokio::test]
async fn log_in_midway_and_too_large_a_photo_without_javascript() {
    a_visitor_logs_in_midway_and_is_told_a_photo_is_too_large(Script::Off, PHONE).await;
}

#[tokio::test]
async fn log_in_midway_and_too_large_a_photo_with_javascript() {
    a_visitor_logs_in_midway_and_is_told_a_photo_is_too_large(Script::On, DESKTOP).await;
}
