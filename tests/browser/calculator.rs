//! The deadline calculator (`/calculator`) in a real browser: a person types a date, picks a term with the
//! keyboard and reads the due date; a wrong date puts the error summary first; axe-core finds nothing on
//! the form, the answer or the errors, with JavaScript on and off.
use fantoccini::{Locator, key::Key};

use crate::{
    browser::{Browser, DESKTOP, PHONE, Script, Viewport, available},
    helpers::spawn_app,
};

async fn assert_accessible(browser: &Browser, what: &str, script: Script, viewport: Viewport) {
    let violations = browser.accessibility_violations().await;
    assert!(violations.is_empty(), "axe-core on {what} ({script:?}, {viewport:?}):\n{}", violations.join("\n"));
    assert!(!browser.scrolls_sideways().await, "{what} scrolls sideways at {viewport:?}");
}

async fn type_into(browser: &Browser, id: &str, text: &str) {
    let field = browser.client.find(Locator::Id(id)).await.unwrap_or_else(|_| panic!("the field #{id}"));
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

/// From the home page's link to the due date of an extended appeal, then a wrong date and its errors.
async fn a_person_works_out_a_deadline(script: Script, viewport: Viewport) {
    if !available() {
        return;
    }
    let app = spawn_app().await;
    let browser = Browser::open(script, viewport).await;
    browser.goto(&app.url("/")).await;
    browser
        .client
        .find(Locator::Css("main a[href='/calculator']"))
        .await
        .expect("the home page links it")
        .click()
        .await
        .unwrap();
    assert_eq!(browser.text_of("h1").await, "Калькулятор строків");
    assert_accessible(&browser, "the empty form", script, viewport).await;

    type_into(&browser, "day", "18").await;
    type_into(&browser, "month", "12").await;
    type_into(&browser, "year", "2021").await;
    // The radio is chosen with the keyboard: Space on the focused radio.
    let radio = browser.client.find(Locator::Id("rule-appeal_extension")).await.unwrap();
    radio.send_keys(&Key::Space.to_string()).await.unwrap();
    // The number sits under its term, shown with JavaScript and without (govuk-frontend's reveal sets an
    // `aria-expanded` on the radio that axe-core refuses).
    type_into(&browser, "total_days", "45").await;
    browser.client.find(Locator::Css("form button[type=submit]")).await.unwrap().click().await.unwrap();
    browser.client.wait().for_element(Locator::Id("due-date")).await.expect("the answer");
    let due = browser.client.find(Locator::Id("due-date")).await.unwrap();
    assert_eq!(due.attr("datetime").await.unwrap().as_deref(), Some("2022-02-01"), "45 days from 18 December 2021");
    assert_eq!(due.text().await.unwrap(), "вівторок, 1 лютого 2022 р.");
    assert_accessible(&browser, "the answer", script, viewport).await;

    type_into(&browser, "day", "31").await;
    type_into(&browser, "month", "2").await;
    browser.client.find(Locator::Css("form button[type=submit]")).await.unwrap().click().await.unwrap();
    browser.client.wait().for_element(Locator::Css(".govuk-error-summary")).await.expect("the error summary");
    let title = browser.client.title().await.unwrap();
    assert!(title.starts_with("Помилка: "), "{title}");
    assert_accessible(&browser, "the errors", script, viewport).await;
    // The summary's link takes the person to the field.
    browser.client.find(Locator::Css(".govuk-error-summary a[href='#day']")).await.unwrap().click().await.unwrap();
    if script == Script::On {
        let focused = browser.client.active_element().await.unwrap();
        assert_eq!(focused.attr("id").await.unwrap().as_deref(), Some("day"), "the link focuses the day field");
    }
    browser.close().await;
}

#[tokio::test]
async fn a_person_works_out_a_deadline_on_a_phone_with_javascript() {
    a_person_works_out_a_deadline(Script::On, PHONE).await;
}

#[tokio::test]
async fn a_person_works_out_a_deadline_on_a_desktop_without_javascript() {
    a_person_works_out_a_deadline(Script::Off, DESKTOP).await;
}

#[tokio::test]
async fn a_person_works_out_a_deadline_on_a_phone_without_javascript() {
    a_person_works_out_a_deadline(Script::Off, PHONE).await;
}

#[tokio::test]
async fn a_person_works_out_a_deadline_on_a_desktop_with_javascript() {
    a_person_works_out_a_deadline(Script::On, DESKTOP).await;
}
