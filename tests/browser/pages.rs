//! Stories of the pages every visitor sees: home, help, privacy, accessibility, errors, the language switch.
use fantoccini::{Locator, key::Key};

use crate::{
    browser::{Browser, DESKTOP, PHONE, Script, Viewport, available},
    helpers::spawn_app,
};

const PAGES: [&str; 5] = ["/", "/help", "/privacy", "/accessibility", "/no-such-page"];

async fn every_page_passes_axe(script: Script, viewport: Viewport) {
    if !available() {
        return;
    }
    let app = spawn_app().await;
    let browser = Browser::open(script, viewport).await;
    for path in PAGES {
        browser.goto(&app.url(path)).await;
        let violations = browser.accessibility_violations().await;
        assert!(violations.is_empty(), "axe-core on {path} ({script:?}, {viewport:?}):\n{}", violations.join("\n"));
        assert!(!browser.scrolls_sideways().await, "{path} scrolls sideways at {viewport:?}");
    }
    browser.close().await;
}

#[tokio::test]
async fn every_page_is_accessible_on_a_phone_with_javascript() {
    every_page_passes_axe(Script::On, PHONE).await;
}

#[tokio::test]
async fn every_page_is_accessible_on_a_phone_without_javascript() {
    every_page_passes_axe(Script::Off, PHONE).await;
}

#[tokio::test]
async fn every_page_is_accessible_on_a_desktop_with_javascript() {
    every_page_passes_axe(Script::On, DESKTOP).await;
}

#[tokio::test]
async fn every_page_is_accessible_on_a_desktop_without_javascript() {
    every_page_passes_axe(Script::Off, DESKTOP).await;
}

#[tokio::test]
async fn pages_still_fit_a_320_pixel_screen() {
    if !available() {
        return;
    }
    let app = spawn_app().await;
    let browser = Browser::open(Script::On, Viewport { width: 320, height: 640 }).await;
    for path in PAGES {
        browser.goto(&app.url(path)).await;
        assert!(!browser.scrolls_sideways().await, "{path} scrolls sideways at 320 px");
    }
    browser.close().await;
}

/// A keyboard user switches the site to English: Tab to the link, Enter, and every page stays English.
async fn switch_to_english_by_keyboard(script: Script) {
    if !available() {
        return;
    }
    let app = spawn_app().await;
    let browser = Browser::open(script, DESKTOP).await;
    browser.goto(&app.url("/help")).await;
    assert_eq!(browser.text_of("h1").await, "Довідка", "Ukrainian is the default");

    let english = browser.client.find(Locator::Css("a[hreflang=en]")).await.expect("the English link");
    english.send_keys(&Key::Enter.to_string()).await.expect("Enter on the link");
    browser.client.wait().for_element(Locator::XPath("//h1[text()='Help']")).await.expect("back on help, in English");
    assert_eq!(browser.client.current_url().await.unwrap().path(), "/help", "the switch returns to the same page");

    browser.goto(&app.url("/")).await;
    let lang = browser.client.find(Locator::Css("html")).await.unwrap().attr("lang").await.unwrap();
    assert_eq!(lang.as_deref(), Some("en"), "the choice is remembered on the next page");
    browser.close().await;
}

#[tokio::test]
async fn a_keyboard_user_switches_to_english_with_javascript() {
    switch_to_english_by_keyboard(Script::On).await;
}

#[tokio::test]
async fn a_keyboard_user_switches_to_english_without_javascript() {
    switch_to_english_by_keyboard(Script::Off).await;
}

#[tokio::test]
async fn the_first_tab_reaches_the_skip_link_and_it_jumps_to_the_content() {
    if !available() {
        return;
    }
    let app = spawn_app().await;
    let browser = Browser::open(Script::On, DESKTOP).await;
    browser.goto(&app.url("/")).await;
    let body = browser.client.find(Locator::Css("body")).await.unwrap();
    body.send_keys(&Key::Tab.to_string()).await.unwrap();
    let focused = browser.client.active_element().await.unwrap();
    assert_eq!(focused.attr("href").await.unwrap().as_deref(), Some("#main-content"));
    focused.send_keys(&Key::Enter.to_string()).await.unwrap();
    let focused = browser.client.active_element().await.unwrap();
    assert_eq!(focused.attr("id").await.unwrap().as_deref(), Some("main-content"));
    browser.close().await;
}

/// The design system's script loads as a module under our CSP (no inline script) and starts; without
/// JavaScript the page is the same page, only unenhanced.
#[tokio::test]
async fn scripts_run_under_the_content_security_policy_only_when_javascript_is_on() {
    if !available() {
        return;
    }
    let app = spawn_app().await;
    for (script, expected) in [(Script::On, true), (Script::Off, false)] {
        let browser = Browser::open(script, DESKTOP).await;
        browser.goto(&app.url("/")).await;
        if expected {
            browser
                .client
                .wait()
                .for_element(Locator::Css("body.govuk-frontend-supported"))
                .await
                .expect("hromada.js ran and marked the body");
        }
        let class = browser.client.find(Locator::Css("body")).await.unwrap().attr("class").await.unwrap();
        let enhanced = class.unwrap_or_default().contains("govuk-frontend-supported");
        assert_eq!(enhanced, expected, "enhancement with {script:?}");
        browser.close().await;
    }
}

/// The harness itself: axe-core must find a known failure, or a clean result above would prove nothing.
#[tokio::test]
async fn the_accessibility_check_finds_a_known_failure() {
    if !available() {
        return;
    }
    let browser = Browser::open(Script::Off, DESKTOP).await;
    browser.goto("data:text/html,<html><body><main><img src='x.png'><a href='/'></a></main></body></html>").await;
    let violations = browser.accessibility_violations().await.join("\n");
    for rule in ["html-has-lang", "image-alt", "link-name"] {
        assert!(violations.contains(rule), "axe-core missed {rule}:\n{violations}");
    }
    browser.close().await;
}
