//! Stories of a watchdog in the browser: every statistics page, with JavaScript on and off, passes
//! axe-core, fits a phone, and gives every chart its table; a widget shows inside another site's iframe
//! while the other pages refuse to be framed.
use std::{
    io::{Read, Write},
    net::TcpListener,
};

use fantoccini::Locator;
use serde_json::json;

use crate::{
    browser::{Browser, DESKTOP, PHONE, Script, Viewport, available},
    city,
    helpers::{TestApp, spawn_app_with_smtp},
};

/// A city with a few appeals: a pothole answered by the roads department, a heating report answered by
/// the housing enterprise and one still open. Returns the paths of every watchdog page.
async fn city_with_figures(app: &TestApp) -> Vec<String> {
    let city = city::build(app).await;
    for (category, officer) in [(city.pothole, &city.roads_officer), (city.no_heating, &city.housing_officer)] {
        let report = json!({"kind": "issue_report", "subject": "A problem in the street", "category_id": category,
                            "text": "A deep pothole by the bus stop on Myru street.", "address": "Myru 10"});
        let filed = app.post("/api/v1/appeals", Some(&city.citizen), report.clone()).await;
        assert_eq!(filed.status, 201, "{}", filed.body);
        let id = filed.body["id"].as_i64().unwrap();
        let answer = json!({"resolution": "resolved", "text": "Fixed today."});
        let answered = app.post(&format!("/api/v1/appeals/{id}/answer"), Some(officer), answer).await;
        assert_eq!(answered.status, 200, "{}", answered.body);
        app.post("/api/v1/appeals", Some(&city.citizen), report).await;
    }
    // A report with a point: the map's table has a row.
    let located = json!({"kind": "issue_report", "subject": "Pothole by the school", "category_id": city.pothole,
                         "text": "A deep pothole by the school gate.", "location": {"latitude": 48.73, "longitude": 37.58}});
    assert_eq!(app.post("/api/v1/appeals", Some(&city.citizen), located).await.status, 201);
    let mut paths: Vec<String> =
        ["/statistics", "/statistics/a07", "/statistics/c03", "/statistics/rankings", "/statistics/petitions"]
            .into_iter()
            .chain(["/open-data", "/audit", "/audit?verify=1", "/statistics?period=2026-13"])
            .chain(["/statistics/map", "/statistics/map?status=lost"])
            .map(str::to_owned)
            .collect();
    paths.push(format!("/statistics/organisations/{}", city.housing));
    paths.push(format!("/widgets/organisations/{}", city.housing));
    paths
}

async fn every_watchdog_page_passes_axe(script: Script, viewport: Viewport) {
    if !available() {
        return;
    }
    let app = spawn_app_with_smtp().await;
    let paths = city_with_figures(&app).await;
    let browser = Browser::open(script, viewport).await;
    for path in &paths {
        browser.goto(&app.url(path)).await;
        let violations = browser.accessibility_violations().await;
        assert!(violations.is_empty(), "axe-core on {path} ({script:?}, {viewport:?}):\n{}", violations.join("\n"));
        assert!(!browser.scrolls_sideways().await, "{path} scrolls sideways at {viewport:?}");
        let charts = browser.client.find_all(Locator::Css("figure.hromada-chart")).await.unwrap().len();
        let with_table = browser
            .client
            .find_all(Locator::Css("figure.hromada-chart + .hromada-table-scroll > table"))
            .await
            .unwrap()
            .len();
        assert_eq!(charts, with_table, "{path}: every chart is followed by the table of its numbers");
    }
    browser.goto(&app.url("/statistics")).await;
    let charts = browser.client.find_all(Locator::Css("figure.hromada-chart svg title")).await.unwrap().len();
    assert!(charts >= 1, "the overview draws its chart, with a title");
    browser.close().await;
}

#[tokio::test]
async fn a_watchdog_reads_every_page_on_a_phone_with_javascript() {
    every_watchdog_page_passes_axe(Script::On, PHONE).await;
}

#[tokio::test]
async fn a_watchdog_reads_every_page_on_a_desktop_without_javascript() {
    every_watchdog_page_passes_axe(Script::Off, DESKTOP).await;
}

#[tokio::test]
async fn a_watchdog_reads_every_page_on_a_phone_without_javascript() {
    every_watchdog_page_passes_axe(Script::Off, PHONE).await;
}

/// Another site: serves one page that frames `src`, on its own port (so its own origin).
fn news_site(src: String) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = format!("http://localhost:{}/", listener.local_addr().unwrap().port());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut stream = stream;
            let mut buffer = [0u8; 4096];
            let _ = stream.read(&mut buffer);
            let body = format!(
                "<!DOCTYPE html><html lang=\"en\"><head><title>News</title></head><body>\
                 <iframe id=\"embedded\" title=\"figures\" src=\"{src}\" width=\"320\" height=\"220\"></iframe></body></html>"
            );
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(body.as_bytes()));
        }
    });
    address
}

/// Whether the framed page rendered (its figures are there) inside the news site's iframe.
async fn renders_inside_a_frame(browser: &Browser, site: &str, css: &str) -> bool {
    browser.goto(site).await;
    let frame = browser.client.find(Locator::Id("embedded")).await.expect("the iframe");
    frame.enter_frame().await.expect("into the frame");
    let found = browser.client.find_all(Locator::Css(css)).await.map(|e| !e.is_empty()).unwrap_or(false);
    browser.client.enter_parent_frame().await.expect("back to the news site");
    found
}

#[tokio::test]
async fn a_news_site_embeds_the_widget_but_cannot_frame_the_other_pages() {
    if !available() {
        return;
    }
    let app = spawn_app_with_smtp().await;
    let paths = city_with_figures(&app).await;
    let widget = paths.iter().find(|p| p.starts_with("/widgets/")).unwrap();
    let browser = Browser::open(Script::On, DESKTOP).await;
    let site = news_site(app.url(widget));
    assert!(renders_inside_a_frame(&browser, &site, "[data-figure=on_time_share]").await, "the widget shows");
    let site = news_site(app.url("/statistics"));
    assert!(!renders_inside_a_frame(&browser, &site, "#organisations").await, "the statistics refuse framing");
    browser.close().await;
}

/// Someone who cannot use a map reaches the table of the same reports by keyboard alone: the skip link
/// comes early in the tab order, follows to the table, and the table's scroll box takes the focus next.
async fn the_map_table_is_reached_by_keyboard(script: Script) {
    if !available() {
        return;
    }
    let app = spawn_app_with_smtp().await;
    city_with_figures(&app).await;
    let browser = Browser::open(script, DESKTOP).await;
    browser.goto(&app.url("/statistics/map")).await;
    let press = |key: &'static str| {
        let client = browser.client.clone();
        async move {
            let focused = client.active_element().await.expect("something has the focus");
            focused.send_keys(key).await.expect("the key is sent");
            client.active_element().await.expect("something has the focus")
        }
    };
    const TAB: &str = "\u{E004}";
    const ENTER: &str = "\u{E007}";
    let mut reached = false;
    for _ in 0..80 {
        let focused = press(TAB).await;
        if focused.attr("href").await.unwrap().is_some_and(|h| h.ends_with("#reports-table")) {
            reached = true;
            break;
        }
    }
    assert!(reached, "the skip link to the table is in the tab order ({script:?})");
    press(ENTER).await;
    assert!(browser.client.current_url().await.unwrap().as_str().ends_with("#reports-table"));
    let focused = press(TAB).await;
    let rows = focused.find_all(Locator::Css("tr[data-report]")).await.unwrap();
    assert!(!rows.is_empty(), "after the skip link, the table of reports takes the focus ({script:?})");
    browser.close().await;
}

#[tokio::test]
async fn a_keyboard_user_reaches_the_table_of_the_map_with_javascript() {
    the_map_table_is_reached_by_keyboard(Script::On).await;
}

#[tokio::test]
async fn a_keyboard_user_reaches_the_table_of_the_map_without_javascript() {
    the_map_table_is_reached_by_keyboard(Script::Off).await;
}
