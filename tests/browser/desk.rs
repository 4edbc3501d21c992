//! Stories of the staff's desk in a real browser, JavaScript on and off, axe-core on every page: an
//! officer takes an item from the queue, assigns and answers it, the citizen returns it and it is back at
//! the top; the head extends a deadline (an overdue one too, which stays late); an officer forwards an
//! item and loses sight of it; what changed since the last visit follows the officer to another browser;
//! the case page shows the place on the map (Leaflet with JavaScript, the server's picture without).
use fantoccini::{Locator, key::Key};
use serde_json::json;

use crate::{
    browser::{Browser, DESKTOP, PHONE, Script, Viewport, available},
    city::{self, HOUSING_OFFICER, ROADS_HEAD, ROADS_OFFICER, paper_appeal},
    helpers::{TestApp, spawn_app_with_smtp},
};

const PASSWORD: &str = "a long enough password";

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

async fn log_in(app: &TestApp, script: Script, viewport: Viewport, email: &str) -> Browser {
    let browser = Browser::open(script, viewport).await;
    // The stories read the English strings; the Ukrainian ones are checked by the HTTP tests' key check.
    browser.goto(&app.url("/language?lang=en&return=/account/login")).await;
    fill(&browser, "email", email).await;
    fill(&browser, "password", PASSWORD).await;
    browser.click_and_wait("main form button[type=submit]").await;
    browser
}

fn path_of(url: url::Url) -> String {
    url.path().to_owned()
}

async fn take_assign_answer_and_see_it_return(script: Script, viewport: Viewport) {
    if !available() {
        return;
    }
    let app = spawn_app_with_smtp().await;
    let city = city::build(&app).await;
    let report = app
        .post(
            "/api/v1/appeals",
            Some(&city.citizen),
            json!({"kind": "issue_report", "subject": "Pothole on Myru", "text": "A deep pothole by the bus stop.",
                   "category_id": city.pothole, "address": "Myru 1"}),
        )
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    paper_appeal(&app, &city.roads_officer, "Faded zebra crossing", 0, city.lift, false).await;
    let officer_id = app.get("/api/v1/accounts/me", Some(&city.roads_officer)).await.body["id"].as_i64().unwrap();
    let browser = log_in(&app, script, viewport, ROADS_OFFICER).await;

    browser.click_and_wait("header a[href='/desk']").await;
    assert_accessible(&browser, "the work queue", script, viewport).await;
    assert!(
        browser.text_of(".hromada-queue-item h3").await.contains(&format!("№ {report}")),
        "the nearest deadline first"
    );
    browser.click_and_wait(&format!("main a[href='/desk/appeals/{report}']")).await;
    assert_accessible(&browser, "the case page", script, viewport).await;

    // The officer takes it (assigns it to themself) with the keyboard alone: Enter on the button.
    browser
        .client
        .find(Locator::Css(&format!("#assign-officer_account_id option[value='{officer_id}']")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let assign = browser.client.find(Locator::Css("form[action$='/assign'] button")).await.unwrap();
    let old_page = browser.client.find(Locator::Css("html")).await.unwrap();
    assign.send_keys(&Key::Enter.to_string()).await.unwrap();
    while old_page.tag_name().await.is_ok() {
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    browser.client.wait().for_element(Locator::Css("footer")).await.unwrap();
    let main = browser.text_of("main").await;
    assert!(main.contains("Assigned") && main.contains("Ivan Franko") && main.contains("In progress"), "{main}");

    // An answer without words first: the error summary, linked to the field.
    browser.client.find(Locator::Id("answer-resolution-resolved")).await.unwrap().click().await.unwrap();
    browser.click_and_wait("form[action$='/answer'] button").await;
    assert!(browser.text_of(".govuk-error-summary").await.contains("answer"));
    assert_accessible(&browser, "the case page with an error", script, viewport).await;
    browser.client.find(Locator::Id("answer-resolution-resolved")).await.unwrap().click().await.unwrap();
    fill(&browser, "answer-text", "The pothole was filled with asphalt on Monday.").await;
    browser.click_and_wait("form[action$='/answer'] button").await;
    let main = browser.text_of("main").await;
    assert!(main.contains("The answer was sent to the author") && main.contains("Answered"), "{main}");
    assert_accessible(&browser, "the case page after answering", script, viewport).await;

    // The citizen sends it back: it is at the top of the queue again, and the queue says so.
    let returned = app
        .post(&format!("/api/v1/appeals/{report}/return"), Some(&city.citizen), json!({"reason": "It is still there."}))
        .await;
    assert_eq!(returned.status, 200, "{}", returned.body);
    browser.goto(&app.url("/desk")).await;
    assert!(browser.text_of(".hromada-queue-item h3").await.contains(&format!("№ {report}")));
    assert!(browser.text_of("main").await.contains("returned for rework"));
    assert_accessible(&browser, "the queue with a returned item", script, viewport).await;
    browser.close().await;
}

#[tokio::test]
async fn an_officer_takes_assigns_and_answers_and_a_returned_item_comes_back_on_a_phone_with_javascript() {
    take_assign_answer_and_see_it_return(Script::On, PHONE).await;
}

#[tokio::test]
async fn an_officer_takes_assigns_and_answers_and_a_returned_item_comes_back_on_a_desktop_without_javascript() {
    take_assign_answer_and_see_it_return(Script::Off, DESKTOP).await;
}

async fn head_extends_and_officer_forwards(script: Script, viewport: Viewport) {
    if !available() {
        return;
    }
    let app = spawn_app_with_smtp().await;
    let city = city::build(&app).await;
    let overdue = paper_appeal(&app, &city.roads_officer, "Pothole by the school", 40, city.pothole, false).await;
    let lift = paper_appeal(&app, &city.roads_officer, "Lift in block 12", 1, city.lift, false).await;

    let head = log_in(&app, script, viewport, ROADS_HEAD).await;
    head.goto(&app.url("/desk")).await;
    assert!(head.text_of(".hromada-queue-item h3").await.contains(&format!("№ {overdue}")), "overdue first");
    head.click_and_wait(&format!("main a[href='/desk/appeals/{overdue}']")).await;
    // The head extends an overdue item (art. 20 allows it within 45 days), told it stays late.
    assert!(head.text_of("main").await.contains("The deadline has already passed. You may still extend it"));
    assert_accessible(&head, "the case page of an overdue item", script, viewport).await;
    fill(&head, "extend-reason", "The contractor needs two more days to pour the asphalt.").await;
    head.click_and_wait("form[action$='/extend'] button").await;
    let main = head.text_of("main").await;
    assert!(
        main.contains("The deadline was extended") && main.contains("deadline extended after the deadline"),
        "{main}"
    );
    head.goto(&app.url(&format!("/desk/appeals/{lift}"))).await;
    assert!(head.text_of("main").await.contains("may not exceed 45 days from receipt"));
    fill(&head, "extend-reason", "The lift motor must be ordered from the manufacturer.").await;
    head.click_and_wait("form[action$='/extend'] button").await;
    let main = head.text_of("main").await;
    assert!(main.contains("The deadline was extended") && main.contains("Extended to"), "{main}");
    assert_accessible(&head, "the case page after extending", script, viewport).await;
    head.click_and_wait("main nav a[href='/desk/team']").await;
    assert_accessible(&head, "the team's overview", script, viewport).await;
    head.close().await;

    let officer = log_in(&app, script, viewport, ROADS_OFFICER).await;
    officer.goto(&app.url(&format!("/desk/appeals/{lift}"))).await;
    officer
        .client
        .find(Locator::Css(&format!("#forward-organisation_id option[value='{}']", city.housing)))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    fill(&officer, "forward-reason", "Lifts are maintained by the housing enterprise.").await;
    officer.click_and_wait("form[action$='/forward'] button").await;
    assert_eq!(path_of(officer.client.current_url().await.unwrap()), "/desk");
    let main = officer.text_of("main").await;
    assert!(main.contains("no longer in your queue") && !main.contains("Lift in block 12"), "{main}");
    assert_accessible(&officer, "the queue after forwarding", script, viewport).await;
    officer.close().await;

    let housing = log_in(&app, script, viewport, HOUSING_OFFICER).await;
    housing.goto(&app.url("/desk")).await;
    assert!(housing.text_of("main").await.contains("Lift in block 12"));
    housing.close().await;
}

#[tokio::test]
async fn the_head_extends_and_an_officer_forwards_on_a_desktop_with_javascript() {
    head_extends_and_officer_forwards(Script::On, DESKTOP).await;
}

#[tokio::test]
async fn the_head_extends_and_an_officer_forwards_on_a_phone_without_javascript() {
    head_extends_and_officer_forwards(Script::Off, PHONE).await;
}

/// Registering a paper appeal: the form, the check step with the deadline, the case page.
#[tokio::test]
async fn an_officer_registers_a_paper_appeal_without_javascript() {
    if !available() {
        return;
    }
    let app = spawn_app_with_smtp().await;
    city::build(&app).await;
    let browser = log_in(&app, Script::Off, DESKTOP, ROADS_OFFICER).await;
    browser.goto(&app.url("/desk/registrations/new")).await;
    assert_accessible(&browser, "the registration form", Script::Off, DESKTOP).await;
    let day = chrono::Utc::now().date_naive() - chrono::Duration::days(1);
    fill(&browser, "day", &day.format("%d").to_string()).await;
    fill(&browser, "month", &day.format("%m").to_string()).await;
    fill(&browser, "year", &day.format("%Y").to_string()).await;
    browser.client.find(Locator::Id("kind-complaint")).await.unwrap().click().await.unwrap();
    fill(&browser, "subject", "Snow was not cleared").await;
    fill(&browser, "text", "The pavement on Myru street was not cleared for a week.").await;
    fill(&browser, "author_name", "Hryhorii Skovoroda").await;
    fill(&browser, "author_address", "Kramatorsk, Myru 5").await;
    browser.click_and_wait("main form button[type=submit]").await;
    assert!(browser.text_of("main").await.contains("Deadline:"));
    assert_accessible(&browser, "the registration's check step", Script::Off, DESKTOP).await;
    browser.click_and_wait("form[action='/desk/registrations/new/submit'] button").await;
    assert!(browser.text_of("main").await.contains("Registered"));
    assert_accessible(&browser, "the registered appeal's case page", Script::Off, DESKTOP).await;
    browser.close().await;
}

async fn the_last_visit_follows_the_officer_and_the_case_shows_its_place(script: Script, viewport: Viewport) {
    if !available() {
        return;
    }
    let app = spawn_app_with_smtp().await;
    let city = city::build(&app).await;
    let at_work = log_in(&app, script, viewport, ROADS_OFFICER).await;
    at_work.goto(&app.url("/desk")).await;
    assert!(!at_work.text_of("main").await.contains("Since your last visit"), "the first visit");
    at_work.close().await;

    // A report arrives while the officer is away; another browser (their phone) says so.
    city::mapped_district(&app, &city.admin).await;
    let report = app
        .post(
            "/api/v1/appeals",
            Some(&city.citizen),
            json!({"kind": "issue_report", "subject": "Pothole on Myru", "text": "A deep pothole by the bus stop.",
                   "category_id": city.pothole, "address": "Myru 1", "location": {"latitude": 48.73, "longitude": 37.58}}),
        )
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let phone = log_in(&app, script, viewport, ROADS_OFFICER).await;
    phone.goto(&app.url("/desk")).await;
    let main = phone.text_of("main").await;
    assert!(main.contains("Since your last visit") && main.contains("1 new item"), "{main}");
    assert_accessible(&phone, "the queue with what changed", script, viewport).await;

    // The case page shows the place: Leaflet's marker with JavaScript, the server's picture without.
    phone.click_and_wait(&format!("main a[href='/desk/appeals/{report}']")).await;
    match script {
        Script::On => {
            let marker = phone
                .client
                .wait()
                .at_most(std::time::Duration::from_secs(10))
                .for_element(Locator::Css(".hromada-map__marker--chosen"))
                .await
                .expect("Leaflet draws the place");
            assert_eq!(marker.attr("title").await.unwrap().as_deref(), Some("Pothole on Myru"));
        }
        Script::Off => {
            let svg = phone.client.find(Locator::Css(".hromada-map__svg")).await.expect("the server's picture");
            assert!(svg.html(false).await.unwrap().contains("Pothole on Myru"));
        }
    }
    assert_accessible(&phone, "the case page with its map", script, viewport).await;
    phone.close().await;
}

#[tokio::test]
async fn what_changed_follows_the_officer_to_another_browser_and_the_case_map_uses_leaflet_with_javascript() {
    the_last_visit_follows_the_officer_and_the_case_shows_its_place(Script::On, DESKTOP).await;
}

#[tokio::test]
async fn what_changed_follows_the_officer_to_another_browser_and_the_case_map_is_a_picture_without_javascript() {
    the_last_visit_follows_the_officer_and_the_case_shows_its_place(Script::Off, PHONE).await;
}
