//! Stories of the desk's petition pages in a real browser, JavaScript on and off, axe-core on every
//! page: a moderator refuses one petition and publishes another; an officer of the council publishes
//! the notice of consideration and then the answer, by keyboard.
use fantoccini::Locator;
use serde_json::json;

use crate::{
    browser::{Browser, DESKTOP, PHONE, Script, Viewport, available},
    helpers::{TestApp, spawn_app_with_smtp},
};

const PASSWORD: &str = "a long enough password";

/// A council (threshold `threshold`) with a moderator and an officer, and `count` petitions submitted by
/// one author; returns the petitions' ids and the moderator's token.
pub(crate) async fn council_with_petitions(app: &TestApp, threshold: u32, count: usize) -> (Vec<i64>, String) {
    let admin = app.administrator().await;
    let council = app
        .post("/api/v1/directory/organisations", Some(&admin), json!({"name": "City Council", "kind": "council"}))
        .await;
    let council_id = council.body["id"].as_i64().unwrap();
    app.post(
        "/api/v1/petitions/statutes",
        Some(&admin),
        json!({"council_id": council_id, "effective_from": "2024-01-01", "signature_threshold": threshold,
               "collection_days": 60, "title_max_chars": 200, "text_max_chars": 5000, "signing_mode": "verified_account"}),
    )
    .await;
    let author = app.verified_citizen("Olena Petrenko", "author@example.org").await;
    let moderator = app.verified_citizen("Mykola Moderator", "moderator@example.org").await;
    let clerk = app.verified_citizen("Kateryna Clerk", "clerk@example.org").await;
    let id_of = async |token: &str| app.get("/api/v1/accounts/me", Some(token)).await.body["id"].as_i64().unwrap();
    let (moderator_id, clerk_id) = (id_of(&moderator).await, id_of(&clerk).await);
    app.put(&format!("/api/v1/accounts/{moderator_id}/role"), Some(&admin), json!({"role": "moderator"})).await;
    app.put(
        &format!("/api/v1/directory/organisations/{council_id}/members/{clerk_id}"),
        Some(&admin),
        json!({"role": "officer"}),
    )
    .await;
    let mut ids = vec![];
    for title in ["Light the riverside path", "Benches for the bus stops"].into_iter().take(count) {
        let text = "Please do this for the people of our city: it is dark and there is nowhere to sit.";
        let petition = app.post("/api/v1/petitions", Some(&author), json!({"title": title, "text": text})).await;
        ids.push(petition.body["id"].as_i64().unwrap());
    }
    (ids, moderator)
}

async fn fill(browser: &Browser, id: &str, text: &str) {
    let field = browser.client.find(Locator::Id(id)).await.unwrap_or_else(|_| panic!("a field #{id}"));
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

async fn assert_accessible(browser: &Browser, what: &str, script: Script, viewport: Viewport) {
    let violations = browser.accessibility_violations().await;
    assert!(violations.is_empty(), "axe-core on {what} ({script:?}, {viewport:?}):\n{}", violations.join("\n"));
    assert!(!browser.scrolls_sideways().await, "{what} scrolls sideways at {viewport:?}");
}

async fn log_in(browser: &Browser, app: &TestApp, email: &str) {
    browser.goto(&app.url("/account/login")).await;
    fill(browser, "email", email).await;
    fill(browser, "password", PASSWORD).await;
    browser.click_and_wait("main form button[type=submit]").await;
}

/// The moderator takes the queue in order: refuses the first (a mistake first), publishes the second.
async fn moderate(script: Script, viewport: Viewport) {
    if !available() {
        return;
    }
    let app = spawn_app_with_smtp().await;
    let (ids, _) = council_with_petitions(&app, 5, 2).await;
    let browser = Browser::open(script, viewport).await;
    log_in(&browser, &app, "moderator@example.org").await;

    // The layout's "Desk" leads a moderator to moderation.
    browser.click_and_wait("header a[href='/desk/moderation']").await;
    assert!(browser.text_of("main").await.contains("2 петиції очікують модерації"));
    assert_accessible(&browser, "the moderation queue", script, viewport).await;
    browser.click_and_wait(&format!("main a[href='/desk/moderation/{}']", ids[0])).await;
    assert_eq!(browser.text_of("h1").await, "Light the riverside path");
    assert_accessible(&browser, "a petition in moderation", script, viewport).await;

    // Refusing without a ground: the summary takes focus and names the missing choice.
    fill(&browser, "reason", "The petition names private people and their addresses.").await;
    browser.click_and_wait("form[action$='/refuse'] button[type=submit]").await;
    let focused = browser.client.active_element().await.unwrap();
    assert!(focused.attr("class").await.unwrap().unwrap_or_default().contains("govuk-error-summary"));
    assert!(browser.text_of(".govuk-error-summary").await.contains("Оберіть підставу відмови"));
    assert_accessible(&browser, "the refusal with an error", script, viewport).await;
    browser.client.find(Locator::Css("label[for='code-abusive']")).await.unwrap().click().await.unwrap();
    browser.click_and_wait("form[action$='/refuse'] button[type=submit]").await;
    assert!(browser.text_of(".govuk-notification-banner").await.contains("В оприлюдненні петиції відмовлено"));
    assert_accessible(&browser, "the refused petition", script, viewport).await;

    browser.goto(&app.url("/desk/moderation")).await;
    browser.click_and_wait(&format!("main a[href='/desk/moderation/{}']", ids[1])).await;
    browser.click_and_wait("#publish").await;
    assert!(browser.text_of(".govuk-notification-banner").await.contains("Петицію оприлюднено"));
    assert_accessible(&browser, "the published petition", script, viewport).await;
    browser.goto(&app.url("/desk/moderation")).await;
    assert!(browser.text_of("main").await.contains("Жодна петиція не очікує модерації"));
    browser.close().await;
}

#[tokio::test]
async fn a_moderator_refuses_and_publishes_on_a_phone_with_javascript() {
    moderate(Script::On, PHONE).await;
}

#[tokio::test]
async fn a_moderator_refuses_and_publishes_on_a_desktop_without_javascript() {
    moderate(Script::Off, DESKTOP).await;
}

/// An officer of the council announces consideration and answers, with the keyboard only.
async fn consider(script: Script, viewport: Viewport) {
    if !available() {
        return;
    }
    let app = spawn_app_with_smtp().await;
    let (ids, moderator) = council_with_petitions(&app, 1, 1).await;
    let id = ids[0];
    app.post(&format!("/api/v1/petitions/{id}/publish"), Some(&moderator), json!({})).await;
    let signer = app.verified_citizen("Ivan Franko", "ivan@example.org").await;
    app.post(&format!("/api/v1/petitions/{id}/signatures"), Some(&signer), json!({"notify": false})).await;

    let browser = Browser::open(script, viewport).await;
    log_in(&browser, &app, "clerk@example.org").await;
    browser.goto(&app.url("/desk/council")).await;
    assert!(browser.text_of("main").await.contains("1 петиція очікує оголошення про розгляд"));
    assert_accessible(&browser, "the council's petitions", script, viewport).await;
    browser.press_enter_and_wait(&format!("main a[href='/desk/council/{id}']")).await;
    assert_accessible(&browser, "a petition awaiting the notice", script, viewport).await;
    browser.press_enter_and_wait("#notice").await;
    assert!(browser.text_of(".govuk-notification-banner").await.contains("Оголошення оприлюднено"));
    assert!(
        browser.text_of("main").await.contains("робочих дні") || browser.text_of("main").await.contains("робочих днів")
    );
    assert_accessible(&browser, "a petition under consideration", script, viewport).await;

    // The decision by keyboard: focus the first radio, Space chooses it; the reasons typed; Enter sends.
    let first = browser.client.find(Locator::Id("decision")).await.unwrap();
    first.send_keys(" ").await.unwrap();
    fill(&browser, "text", "The council supports the petition: lights go up along the path in spring.").await;
    browser.press_enter_and_wait("form[action$='/answer'] button[type=submit]").await;
    assert!(browser.text_of(".govuk-notification-banner").await.contains("Відповідь оприлюднено"));
    assert_accessible(&browser, "the answered petition", script, viewport).await;
    browser.goto(&app.url(&format!("/petitions/{id}"))).await;
    assert!(browser.text_of("main").await.contains("lights go up along the path in spring"));
    browser.close().await;
}

#[tokio::test]
async fn a_council_officer_publishes_the_notice_and_the_answer_by_keyboard_on_a_desktop_with_javascript() {
    consider(Script::On, DESKTOP).await;
}

#[tokio::test]
async fn a_council_officer_publishes_the_notice_and_the_answer_on_a_phone_without_javascript() {
    consider(Script::Off, PHONE).await;
}
