//! Stories of the petition pages in a real browser, JavaScript on and off, axe-core on every page.
use fantoccini::Locator;
use serde_json::json;

use crate::{
    browser::{Browser, DESKTOP, PHONE, Script, Viewport, available},
    helpers::{TestApp, spawn_app_with_smtp},
};

/// A council whose statute lets anyone sign by e-mail, with one published petition; returns its id.
async fn published_petition(app: &TestApp, signing_mode: &str) -> i64 {
    let admin = app.administrator().await;
    let council = app
        .post("/api/v1/directory/organisations", Some(&admin), json!({"name": "City Council", "kind": "council"}))
        .await;
    let council_id = council.body["id"].as_i64().unwrap();
    app.post(
        "/api/v1/petitions/statutes",
        Some(&admin),
        json!({"council_id": council_id, "effective_from": "2024-01-01", "signature_threshold": 5, "collection_days": 60,
               "title_max_chars": 200, "text_max_chars": 5000, "signing_mode": signing_mode}),
    )
    .await;
    let author = app.verified_citizen("Olena Petrenko", "author@example.org").await;
    let moderator = app.verified_citizen("Mykola Moderator", "moderator@example.org").await;
    let moderator_id = app.get("/api/v1/accounts/me", Some(&moderator)).await.body["id"].as_i64().unwrap();
    app.put(&format!("/api/v1/accounts/{moderator_id}/role"), Some(&admin), json!({"role": "moderator"})).await;
    let petition = app
        .post(
            "/api/v1/petitions",
            Some(&author),
            json!({"title": "Light the riverside path", "text": "Please put up street lights along the riverside path.\n\nIt is dark after six."}),
        )
        .await;
    let id = petition.body["id"].as_i64().unwrap();
    app.post(&format!("/api/v1/petitions/{id}/publish"), Some(&moderator), json!({})).await;
    id
}

async fn fill(browser: &Browser, id: &str, text: &str) {
    let field = browser.client.find(Locator::Id(id)).await.unwrap_or_else(|_| panic!("a field #{id}"));
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

async fn click(browser: &Browser, css: &str) {
    browser.click_and_wait(css).await;
}

async fn assert_accessible(browser: &Browser, what: &str, script: Script, viewport: Viewport) {
    let violations = browser.accessibility_violations().await;
    assert!(violations.is_empty(), "axe-core on {what} ({script:?}, {viewport:?}):\n{}", violations.join("\n"));
    assert!(!browser.scrolls_sideways().await, "{what} scrolls sideways at {viewport:?}");
}

/// Find the petition in the list, read it, sign by e-mail, open the mailed link, confirm with the button.
async fn sign_by_email_and_confirm(script: Script, viewport: Viewport) {
    if !available() {
        return;
    }
    let app = spawn_app_with_smtp().await;
    let id = published_petition(&app, "account_or_email").await;
    let browser = Browser::open(script, viewport).await;

    browser.goto(&app.url("/petitions")).await;
    assert_accessible(&browser, "the petition list", script, viewport).await;
    fill(&browser, "q", "riverside").await;
    click(&browser, "main form[method=get] button").await;
    assert_accessible(&browser, "the petition list searched", script, viewport).await;
    click(&browser, &format!("main a[href='/petitions/{id}']")).await;
    assert_eq!(browser.text_of("h1").await, "Light the riverside path");
    assert_accessible(&browser, "the petition's page", script, viewport).await;

    // A mistake first: the summary takes focus.
    fill(&browser, "full_name", "Sofiia Lysenko").await;
    fill(&browser, "email", "sofiia").await;
    click(&browser, "#sign + form button[type=submit]").await;
    let focused = browser.client.active_element().await.unwrap();
    assert!(focused.attr("class").await.unwrap().unwrap_or_default().contains("govuk-error-summary"));
    assert_accessible(&browser, "the petition's page with an error", script, viewport).await;

    fill(&browser, "email", "sofiia@example.org").await;
    click(&browser, "#sign + form button[type=submit]").await;
    assert_eq!(browser.client.current_url().await.unwrap().path(), "/petitions/signatures/check-email");
    assert_accessible(&browser, "check your email (signature)", script, viewport).await;

    let token = app.smtp().nth_mail_to("sofiia@example.org", 1).await.token();
    browser.goto(&app.url(&format!("/petitions/signatures/confirm?token={token}"))).await;
    assert_accessible(&browser, "the signature confirmation page", script, viewport).await;
    click(&browser, "main form button[type=submit]").await;
    assert_eq!(browser.client.current_url().await.unwrap().path(), format!("/petitions/{id}"));
    assert!(browser.text_of("main").await.contains("Sofiia Lysenko"));
    browser.close().await;
}

#[tokio::test]
async fn a_visitor_signs_by_email_and_confirms_on_a_phone_with_javascript() {
    sign_by_email_and_confirm(Script::On, PHONE).await;
}

#[tokio::test]
async fn a_visitor_signs_by_email_and_confirms_on_a_desktop_without_javascript() {
    sign_by_email_and_confirm(Script::Off, DESKTOP).await;
}

/// A citizen logs in and signs with the account: one button.
#[tokio::test]
async fn a_citizen_signs_with_an_account_without_javascript() {
    if !available() {
        return;
    }
    let app = spawn_app_with_smtp().await;
    let id = published_petition(&app, "verified_account").await;
    app.verified_citizen("Vasyl Hnatiuk", "vasyl@example.org").await;
    let browser = Browser::open(Script::Off, DESKTOP).await;
    browser.goto(&app.url("/account/login")).await;
    fill(&browser, "email", "vasyl@example.org").await;
    fill(&browser, "password", "a long enough password").await;
    click(&browser, "main form button[type=submit]").await;
    browser.goto(&app.url(&format!("/petitions/{id}"))).await;
    assert_accessible(&browser, "the petition's page signed in", Script::Off, DESKTOP).await;
    click(&browser, "#sign + form button[type=submit]").await;
    let main = browser.text_of("main").await;
    assert!(main.contains("Vasyl Hnatiuk") && main.contains("ваш підпис враховано"), "{main}");
    assert_accessible(&browser, "the petition's page after signing", Script::Off, DESKTOP).await;
    browser.close().await;
}

/// A citizen starts a petition: the words (with a mistake first), check, send, the confirmation.
async fn start_a_petition(script: Script, viewport: Viewport) {
    if !available() {
        return;
    }
    let app = spawn_app_with_smtp().await;
    published_petition(&app, "verified_account").await;
    app.verified_citizen("Taras Koval", "taras@example.org").await;
    let browser = Browser::open(script, viewport).await;
    browser.goto(&app.url("/account/login")).await;
    fill(&browser, "email", "taras@example.org").await;
    fill(&browser, "password", "a long enough password").await;
    click(&browser, "main form button[type=submit]").await;

    browser.goto(&app.url("/petitions/new")).await;
    assert_accessible(&browser, "start a petition", script, viewport).await;
    fill(&browser, "title", "Benches for the bus stops").await;
    fill(&browser, "text", "Too short.").await;
    click(&browser, "main form button[type=submit]").await;
    assert_accessible(&browser, "start a petition with an error", script, viewport).await;
    fill(&browser, "text", "Please put benches at every bus stop on Shevchenko Street: older people wait standing.")
        .await;
    click(&browser, "main form button[type=submit]").await;
    assert_accessible(&browser, "check your petition", script, viewport).await;
    click(&browser, "main form[action='/petitions/new/submit'] button").await;
    assert!(browser.client.current_url().await.unwrap().path().ends_with("/submitted"));
    assert_accessible(&browser, "petition sent", script, viewport).await;
    browser.close().await;
}

#[tokio::test]
async fn a_citizen_starts_a_petition_on_a_phone_with_javascript() {
    start_a_petition(Script::On, PHONE).await;
}

#[tokio::test]
async fn a_citizen_starts_a_petition_on_a_desktop_without_javascript() {
    start_a_petition(Script::Off, DESKTOP).await;
}
