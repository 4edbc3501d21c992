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
    let app = TestAppBuilder::new().await.with_smtp().configure(|s| s.example_directory = true).spawn().await;
    let citizen = app.verified_citizen("Oksana Melnyk", "oksana@example.org").await;
    let categories = app.get("/api/v1/directory/categories", None).await.body;
    let list = categories.get("items").unwrap_or(&categories).as_array().unwrap().clone();
    let pothole = list.iter().find(|c| c["code"] == "pothole").unwrap()["id"].clone();
    let body = json!({"kind": "issue_report", "subject": "Pothole by the school", "text": "Deep, on the crossing.",
                      "category_id": pothole, "location": {"latitude": 48.71, "longitude": 37.55}});
    assert_eq!(app.post("/api/v1/appeals", Some(&citizen), body).await.status, 201);
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
