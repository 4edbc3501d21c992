//! The shared map platform in a real browser: the home page's map of recent reports is the server-drawn
//! picture without JavaScript and a Leaflet map with it (district outlines, the report as a marker the
//! keyboard reaches, a popup linking the report); axe-core finds nothing either way, phone or desktop.
use std::time::Duration;

use fantoccini::{Locator, key::Key};
use serde_json::json;

use crate::{
    browser::{Browser, DESKTOP, PHONE, Script, Viewport, available},
    helpers::{TestApp, TestAppBuilder},
};

/// The example city with one public report on the map.
pub async fn city_with_a_report() -> TestApp {
    city_with_reports(1).await
}

/// The example city with `count` public reports a few dozen metres apart.
async fn city_with_reports(count: u32) -> TestApp {
    let app = TestAppBuilder::new().await.with_smtp().configure(|s| s.example_directory = true).spawn().await;
    let citizen = app.verified_citizen("Oksana Melnyk", "oksana@example.org").await;
    let categories = app.get("/api/v1/directory/categories", None).await.body;
    let list = categories.get("items").unwrap_or(&categories).as_array().unwrap().clone();
    let pothole = list.iter().find(|c| c["code"] == "pothole").unwrap()["id"].clone();
    for i in 0..count {
        let subject = if i == 0 { "Pothole by the school".to_owned() } else { format!("Pothole {i} by the school") };
        let place = json!({"latitude": 48.71 + f64::from(i) * 0.0004, "longitude": 37.55});
        let body = json!({"kind": "issue_report", "subject": subject, "text": "Deep, on the crossing.",
                          "category_id": pothole, "location": place});
        assert_eq!(app.post("/api/v1/appeals", Some(&citizen), body).await.status, 201);
    }
    app
}

async fn assert_accessible(browser: &Browser, what: &str, script: Script, viewport: Viewport) {
    let violations = browser.accessibility_violations().await;
    assert!(violations.is_empty(), "axe-core on {what} ({script:?}, {viewport:?}):\n{}", violations.join("\n"));
    assert!(!browser.scrolls_sideways().await, "{what} scrolls sideways at {viewport:?}");
}

async fn count(browser: &Browser, css: &str) -> usize {
    browser.client.find_all(Locator::Css(css)).await.map(|all| all.len()).unwrap_or(0)
}

async fn a_visitor_sees_recent_reports_on_the_home_map(script: Script, viewport: Viewport) {
    if !available() {
        return;
    }
    let app = city_with_a_report().await;
    let browser = Browser::open(script, viewport).await;
    browser.goto(&app.url("/")).await;
    match script {
        Script::Off => {
            assert_eq!(count(&browser, ".hromada-map__svg").await, 1, "the server-drawn map");
            assert_eq!(count(&browser, ".leaflet-container").await, 0);
            let svg = browser.client.find(Locator::Css(".hromada-map__svg")).await.unwrap();
            assert!(svg.html(false).await.unwrap().contains("Pothole by the school"));
        }
        Script::On => {
            let marker = browser
                .client
                .wait()
                .at_most(Duration::from_secs(10))
                .for_element(Locator::Css(".hromada-map__marker"))
                .await
                .expect("Leaflet draws the report");
            assert_eq!(count(&browser, ".hromada-map__canvas path.leaflet-interactive").await, 3, "three districts");
            assert!(
                !browser.client.find(Locator::Css(".hromada-map__svg")).await.unwrap().is_displayed().await.unwrap()
            );
            assert_eq!(marker.attr("title").await.unwrap().as_deref(), Some("Pothole by the school"));
            // The marker is reached with the keyboard and opens its popup with Enter.
            marker.send_keys(&Key::Enter.to_string()).await.unwrap();
            let link = browser.client.wait().for_element(Locator::Css(".leaflet-popup a")).await.expect("a popup");
            assert!(link.attr("href").await.unwrap().unwrap().starts_with("/reports/"));
            // Leaflet fades a popup in (0.2 s): axe judges its link's contrast only once it is opaque.
            let opaque = "return getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1';";
            for _ in 0..50 {
                if browser.client.execute(opaque, vec![]).await.unwrap().as_bool() == Some(true) {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
        }
    }
    assert_accessible(&browser, "the home page with its map", script, viewport).await;
    browser.close().await;
}

#[tokio::test]
async fn home_map_without_javascript_on_a_phone() {
    a_visitor_sees_recent_reports_on_the_home_map(Script::Off, PHONE).await;
}

#[tokio::test]
async fn home_map_with_javascript_on_a_phone() {
    a_visitor_sees_recent_reports_on_the_home_map(Script::On, PHONE).await;
}

#[tokio::test]
async fn home_map_without_javascript_on_a_desktop() {
    a_visitor_sees_recent_reports_on_the_home_map(Script::Off, DESKTOP).await;
}

#[tokio::test]
async fn home_map_with_javascript_on_a_desktop() {
    a_visitor_sees_recent_reports_on_the_home_map(Script::On, DESKTOP).await;
}

/// Waits until `check` (a script returning true or false) is true, at most five seconds.
async fn until(browser: &Browser, check: &str) -> bool {
    for _ in 0..100 {
        if browser.client.execute(check, vec![]).await.unwrap().as_bool() == Some(true) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

/// The value of the field `id`.
async fn value_of(browser: &Browser, id: &str) -> String {
    let field = browser.client.find(Locator::Id(id)).await.unwrap();
    field.prop("value").await.unwrap().unwrap_or_default()
}

/// Sends `key` to whatever has the focus, and answers what has it then.
async fn press(browser: &Browser, key: Key) -> fantoccini::elements::Element {
    let focused = browser.client.active_element().await.expect("something has the focus");
    focused.send_keys(&key.to_string()).await.expect("the key is sent");
    browser.client.active_element().await.expect("something has the focus")
}

/// Presses Tab until the element matching `css` has the focus (at most 80 times).
async fn tab_to(browser: &Browser, css: &str) -> bool {
    let check = format!("return document.activeElement.matches({});", serde_json::to_string(css).unwrap());
    for _ in 0..80 {
        press(browser, Key::Tab).await;
        if browser.client.execute(&check, vec![]).await.unwrap().as_bool() == Some(true) {
            return true;
        }
    }
    false
}

/// A citizen who uses no mouse picks the place of a report on the Leaflet map: Tab reaches the map, the
/// arrow keys move it under the cross in its middle, Enter chooses the point there, and a status line
/// says which point it is; the button under the map does the same. axe-core finds nothing, phone or
/// desktop.
async fn a_keyboard_user_picks_the_place_of_a_report_on_the_map(viewport: Viewport) {
    let app = TestAppBuilder::new().await.with_smtp().configure(|s| s.example_directory = true).spawn().await;
    app.verified_citizen("Oksana Melnyk", "oksana@example.org").await;
    let browser = Browser::open(Script::On, viewport).await;
    browser.goto(&app.url("/account/login")).await;
    for (id, text) in [("email", "oksana@example.org"), ("password", "a long enough password")] {
        browser.client.find(Locator::Id(id)).await.unwrap().send_keys(text).await.unwrap();
    }
    browser.click_and_wait("main form button[type=submit]").await;
    browser.goto(&app.url("/reports/new")).await;
    browser.click_and_wait("main a.govuk-button--start").await;
    let first = browser.client.find(Locator::Id("category_id")).await.unwrap();
    first.send_keys(&Key::Space.to_string()).await.unwrap();
    browser.click_and_wait("main form button[type=submit]").await;
    assert_eq!(browser.text_of("h1").await, "Де проблема?");
    browser
        .client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(".hromada-map--enhanced"))
        .await
        .expect("Leaflet draws the map");
    assert_eq!(value_of(&browser, "latitude").await, "", "nothing chosen yet");

    assert!(tab_to(&browser, ".hromada-map__canvas").await, "Tab reaches the map");
    assert!(
        until(
            &browser,
            "return getComputedStyle(document.querySelector('.hromada-map__crosshair')).display === 'block';"
        )
        .await,
        "the cross shows while the map has the focus"
    );
    press(&browser, Key::Enter).await;
    let first = value_of(&browser, "latitude").await;
    assert!(first.starts_with("48."), "Enter chose the point in the middle: {first}");
    let status = browser.text_of(".hromada-map__status").await;
    assert!(status.starts_with("Вибране місце") && status.contains(&first), "the status says it: {status}");
    assert!(browser.client.find(Locator::Css(".hromada-map__marker--chosen")).await.is_ok(), "the point is marked");

    // Up moves the map north under the cross: the next point chosen lies further north.
    press(&browser, Key::Up).await;
    tokio::time::sleep(Duration::from_millis(600)).await; // Leaflet's pan animation
    press(&browser, Key::Enter).await;
    let north = value_of(&browser, "latitude").await;
    assert!(north.parse::<f64>().unwrap() > first.parse::<f64>().unwrap(), "{north} is north of {first}");

    // The button under the map does the same, reached by Tab.
    assert!(tab_to(&browser, ".hromada-map__centre").await, "Tab reaches the button");
    press(&browser, Key::Enter).await;
    assert_eq!(value_of(&browser, "latitude").await, north, "the middle has not moved");
    assert_accessible(&browser, "the place step picked by keyboard", Script::On, viewport).await;
    browser.close().await;
}

#[tokio::test]
async fn keyboard_picking_on_a_phone() {
    if available() {
        a_keyboard_user_picks_the_place_of_a_report_on_the_map(PHONE).await;
    }
}

#[tokio::test]
async fn keyboard_picking_on_a_desktop() {
    if available() {
        a_keyboard_user_picks_the_place_of_a_report_on_the_map(DESKTOP).await;
    }
}

/// A watchdog with JavaScript sees the reports of the map of reports' selection as Leaflet clusters over
/// the shaded districts: reports close together are one cluster with their number (named for screen
/// readers), which Enter opens by zooming in; axe-core finds nothing.
#[tokio::test]
async fn the_map_of_reports_clusters_its_selection_with_javascript() {
    if !available() {
        return;
    }
    let app = city_with_reports(3).await;
    let browser = Browser::open(Script::On, DESKTOP).await;
    browser.goto(&app.url("/statistics/map")).await;
    let cluster = browser
        .client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(".hromada-map__cluster"))
        .await
        .expect("Leaflet clusters the reports");
    let text = cluster.text().await.unwrap();
    assert!(text.ends_with('3'), "the cluster holds the three reports: {text}");
    let name = cluster.find(Locator::Css(".govuk-visually-hidden")).await.unwrap();
    assert_eq!(name.html(true).await.unwrap(), "Повідомлень: ", "its number is named");
    assert_accessible(&browser, "the map of reports, clustered", Script::On, DESKTOP).await;
    // Enter on the cluster zooms in until the reports stand apart.
    cluster.send_keys(&Key::Enter.to_string()).await.unwrap();
    let apart =
        browser.client.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css(".hromada-map__marker")).await;
    assert!(apart.is_ok(), "the cluster opens into its reports");
    browser.close().await;
}

/// A visitor narrows the list of reports to a district: the list and the Leaflet map show its report
/// (with JavaScript, the marker Leaflet fetched with the list's filter); a filter that is none and a
/// page that is none are explained; axe-core finds nothing on any of them.
async fn a_visitor_narrows_the_list_of_reports(script: Script, viewport: Viewport) {
    let app = city_with_a_report().await;
    let districts = app.get("/api/v1/directory/districts", None).await.body;
    let south = districts.as_array().unwrap().iter().find(|d| d["name"].as_str().unwrap().starts_with("Південний"));
    let south = south.unwrap()["id"].as_i64().unwrap();
    let browser = Browser::open(script, viewport).await;
    browser.goto(&app.url(&format!("/reports?district_id={south}&period=2026"))).await;
    assert!(browser.text_of("main table").await.contains("Pothole by the school"));
    if script == Script::On {
        browser
            .client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(".hromada-map__marker, .hromada-map__cluster"))
            .await
            .expect("Leaflet draws the list's report");
    }
    assert_accessible(&browser, "the list of reports narrowed", script, viewport).await;
    browser.goto(&app.url("/reports?period=2026-13")).await;
    assert!(browser.text_of(".govuk-error-summary").await.contains("2026"));
    assert_accessible(&browser, "the list of reports with a period that is none", script, viewport).await;
    browser.goto(&app.url("/reports?page=abc")).await;
    assert!(browser.client.find(Locator::Css("#page a[href='/reports?page=1']")).await.is_ok(), "a link to page 1");
    assert_accessible(&browser, "a page of the list that is none", script, viewport).await;
    browser.close().await;
}

#[tokio::test]
async fn list_of_reports_with_javascript_on_a_phone() {
    if available() {
        a_visitor_narrows_the_list_of_reports(Script::On, PHONE).await;
    }
}

#[tokio::test]
async fn list_of_reports_without_javascript_on_a_desktop() {
    if available() {
        a_visitor_narrows_the_list_of_reports(Script::Off, DESKTOP).await;
    }
}
