//! Stories of the account pages in a real browser, with JavaScript on and off, axe-core on every page.
use fantoccini::Locator;

use crate::{
    browser::{Browser, DESKTOP, PHONE, Script, Viewport, available},
    helpers::{TestApp, spawn_app_with_smtp},
};

async fn fill(browser: &Browser, id: &str, text: &str) {
    let field = browser.client.find(Locator::Id(id)).await.unwrap_or_else(|_| panic!("a field #{id}"));
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

/// Submits the page's main form and waits for the next page.
async fn submit(browser: &Browser) {
    browser.click_and_wait("main form button[type=submit]").await;
}

async fn assert_accessible(browser: &Browser, what: &str, script: Script, viewport: Viewport) {
    let violations = browser.accessibility_violations().await;
    assert!(violations.is_empty(), "axe-core on {what} ({script:?}, {viewport:?}):\n{}", violations.join("\n"));
    assert!(!browser.scrolls_sideways().await, "{what} scrolls sideways at {viewport:?}");
}

async fn path_of(browser: &Browser) -> String {
    browser.client.current_url().await.unwrap().path().to_owned()
}

/// Register with a mistake first, fix it, confirm the mailed link with the button, log in, log out.
async fn register_confirm_and_log_in(script: Script, viewport: Viewport) {
    if !available() {
        return;
    }
    let app: TestApp = spawn_app_with_smtp().await;
    let browser = Browser::open(script, viewport).await;
    browser.goto(&app.url("/account/register")).await;
    assert_accessible(&browser, "the registration form", script, viewport).await;

    // A mistake: the error summary takes focus and links to the field; the name typed stays.
    fill(&browser, "full_name", "Halyna Moroz").await;
    fill(&browser, "email", "halyna at example").await;
    fill(&browser, "password", "winter evenings 9").await;
    submit(&browser).await;
    let focused = browser.client.active_element().await.unwrap();
    assert!(
        focused.attr("class").await.unwrap().unwrap_or_default().contains("govuk-error-summary"),
        "the error summary has focus ({script:?})"
    );
    assert!(browser.client.title().await.unwrap().starts_with("Помилка:"));
    let kept = browser.client.find(Locator::Id("full_name")).await.unwrap().prop("value").await.unwrap();
    assert_eq!(kept.as_deref(), Some("Halyna Moroz"));
    assert_accessible(&browser, "the registration form with errors", script, viewport).await;

    fill(&browser, "email", "halyna@example.org").await;
    fill(&browser, "password", "winter evenings 9").await;
    submit(&browser).await;
    assert_eq!(path_of(&browser).await, "/account/register/check-email");
    assert_accessible(&browser, "check your email", script, viewport).await;

    // The mailed link: a page with a button.
    let mail = app.smtp().nth_mail_to("halyna@example.org", 1).await;
    let token = mail.token();
    browser.goto(&app.url(&format!("/account/confirm-email?token={token}"))).await;
    assert_accessible(&browser, "the confirmation page", script, viewport).await;
    submit(&browser).await;
    assert_eq!(path_of(&browser).await, "/account/login");
    assert_accessible(&browser, "the login page after confirming", script, viewport).await;

    fill(&browser, "email", "halyna@example.org").await;
    fill(&browser, "password", "winter evenings 9").await;
    submit(&browser).await;
    assert_eq!(path_of(&browser).await, "/account");
    assert!(browser.text_of("main").await.contains("Halyna Moroz"));
    assert_accessible(&browser, "the account page", script, viewport).await;

    // Log out from the navigation.
    browser.click_and_wait("header form button").await;
    assert_eq!(path_of(&browser).await, "/");
    browser.client.find(Locator::Css("header a[href='/account/login']")).await.expect("a log in link again");
    browser.close().await;
}

#[tokio::test]
async fn a_citizen_registers_confirms_and_logs_in_on_a_phone_with_javascript() {
    register_confirm_and_log_in(Script::On, PHONE).await;
}

#[tokio::test]
async fn a_citizen_registers_confirms_and_logs_in_on_a_desktop_without_javascript() {
    register_confirm_and_log_in(Script::Off, DESKTOP).await;
}
