//! Stories of filing an appeal and following it in "my submissions", in a real browser with JavaScript on
//! and off, axe-core on every page, the rating given with the keyboard alone.
use std::time::Duration;

use fantoccini::{Locator, key::Key};
use serde_json::json;

use crate::{
    browser::{Browser, DESKTOP, PHONE, Script, Viewport, available},
    city::{self, CITIZEN},
    helpers::spawn_app_with_smtp,
};

async fn fill(browser: &Browser, id: &str, text: &str) {
    let field = browser.client.find(Locator::Id(id)).await.unwrap_or_else(|_| panic!("a field #{id}"));
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

async fn choose(browser: &Browser, css: &str) {
    browser
        .client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|_| panic!("nothing matches {css}"))
        .click()
        .await
        .unwrap();
}

async fn assert_accessible(browser: &Browser, what: &str, script: Script, viewport: Viewport) {
    let violations = browser.accessibility_violations().await;
    assert!(violations.is_empty(), "axe-core on {what} ({script:?}, {viewport:?}):\n{}", violations.join("\n"));
    assert!(!browser.scrolls_sideways().await, "{what} scrolls sideways at {viewport:?}");
}

async fn path(browser: &Browser) -> String {
    browser.client.current_url().await.unwrap().path().to_owned()
}

/// Asked to log in, back to the form; a mistake; check; send; the confirmation; the answer arrives; found in
/// "my submissions"; rated with the keyboard.
async fn file_follow_and_rate(script: Script, viewport: Viewport) {
    if !available() {
        return;
    }
    let app = spawn_app_with_smtp().await;
    let city = city::build(&app).await;
    let browser = Browser::open(script, viewport).await;

    browser.goto(&app.url("/appeals/new")).await;
    assert_eq!(path(&browser).await, "/account/login");
    fill(&browser, "email", CITIZEN).await;
    fill(&browser, "password", "a long enough password").await;
    browser.click_and_wait("main form button[type=submit]").await;
    assert_eq!(path(&browser).await, "/appeals/new", "back to the form after logging in");
    assert_accessible(&browser, "file an appeal", script, viewport).await;

    // A mistake first: no residence. The summary takes focus and what was typed stays.
    choose(&browser, "label[for='kind-application']").await;
    choose(&browser, &format!("#organisation_id option[value='{}']", city.roads)).await;
    fill(&browser, "subject", "Ліхтар біля Шкільної, 12 не світить").await;
    fill(&browser, "text", "Ліхтар перед будинком на Шкільній, 12 не світить з 1 листопада; на тротуарі темно.").await;
    browser.click_and_wait("main form button[type=submit]").await;
    let focused = browser.client.active_element().await.unwrap();
    assert!(focused.attr("class").await.unwrap().unwrap_or_default().contains("govuk-error-summary"));
    assert!(browser.client.title().await.unwrap().starts_with("Помилка: "));
    assert_accessible(&browser, "file an appeal with an error", script, viewport).await;

    fill(&browser, "author_address", "Краматорськ, вул. Шкільна, 12, кв. 40").await;
    browser.click_and_wait("main form button[type=submit]").await;
    assert_eq!(path(&browser).await, "/appeals/new/check");
    assert!(browser.text_of("main").await.contains("Roads Department"));
    assert_accessible(&browser, "check your appeal", script, viewport).await;
    browser.click_and_wait("main form[action='/appeals/new/submit'] button").await;
    let page = path(&browser).await;
    assert!(page.starts_with("/my/appeals/"), "{page}");
    let id: i64 = page.trim_start_matches("/my/appeals/").parse().unwrap();
    assert!(browser.text_of(".govuk-panel").await.contains(&id.to_string()));
    assert_accessible(&browser, "appeal sent", script, viewport).await;

    let answer = json!({"resolution": "resolved", "text": "Лампу замінено 3 грудня."});
    let answered = app.post(&format!("/api/v1/appeals/{id}/answer"), Some(&city.roads_officer), answer).await;
    assert_eq!(answered.status, 200, "{}", answered.body);

    browser.goto(&app.url("/my")).await;
    assert_accessible(&browser, "my submissions", script, viewport).await;
    browser.click_and_wait(&format!("main a[href='/my/appeals/{id}']")).await;
    assert!(browser.text_of("main").await.contains("Лампу замінено 3 грудня."));
    assert_accessible(&browser, "my appeal with its answer", script, viewport).await;

    // The rating with the keyboard alone: the first star gets focus, arrows move the choice, Enter sends.
    let first = browser.client.find(Locator::Id("score")).await.unwrap();
    first.send_keys(" ").await.unwrap();
    first.send_keys(&(Key::Right.to_string() + &Key::Right.to_string() + &Key::Right.to_string())).await.unwrap();
    let old_page = browser.client.find(Locator::Css("html")).await.unwrap();
    browser.client.active_element().await.unwrap().send_keys(&Key::Enter.to_string()).await.unwrap();
    let started = std::time::Instant::now();
    while old_page.tag_name().await.is_ok() {
        assert!(started.elapsed() < Duration::from_secs(10), "Enter did not send the rating");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    browser.client.wait().for_element(Locator::Css("footer")).await.unwrap();
    assert!(
        browser.text_of("main").await.contains("Ви оцінили відповідь на 4 з 5."),
        "{}",
        browser.text_of("main").await
    );
    assert_accessible(&browser, "my appeal rated", script, viewport).await;
    browser.close().await;
}

#[tokio::test]
async fn a_citizen_files_an_appeal_finds_it_and_rates_the_answer_on_a_phone_with_javascript() {
    file_follow_and_rate(Script::On, PHONE).await;
}

#[tokio::test]
async fn a_citizen_files_an_appeal_finds_it_and_rates_the_answer_on_a_desktop_without_javascript() {
    file_follow_and_rate(Script::Off, DESKTOP).await;
}
