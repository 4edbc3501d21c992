//! Screenshots of the main pages for the documentation (issue #13), made by the real browser:
//!
//! ```sh
//! SCREENSHOTS=docs/screenshots cargo test --test browser screenshots
//! ```
//!
//! saves `<page>-desktop.png` (1280×800) and `<page>-phone.png` (360×740) of each page below into that
//! folder (relative to the crate), with JavaScript on, in Ukrainian. Without `SCREENSHOTS` it does nothing.
use std::path::{Path, PathBuf};

use fantoccini::Locator;
use serde_json::json;

use crate::{
    browser::{Browser, DESKTOP, PHONE, Script, Viewport, available},
    helpers::{TestApp, spawn_app_with_smtp},
    moderation::council_with_petitions,
};

/// A council with a petition collecting signatures (three signers), one awaiting moderation, and one
/// that reached its threshold (for the council's desk). Returns the collecting petition's id.
async fn example_petitions(app: &TestApp) -> i64 {
    let (ids, moderator) = council_with_petitions(app, 3, 2).await;
    let (collecting, reached) = (ids[0], ids[1]);
    for id in [collecting, reached] {
        app.post(&format!("/api/v1/petitions/{id}/publish"), Some(&moderator), json!({})).await;
    }
    let signers = [("Ivan Franko", "ivan@example.org"), ("Lesia Ukrainka", "lesia@example.org")];
    for (n, (name, email)) in signers.into_iter().enumerate() {
        let token = app.verified_citizen(name, email).await;
        app.post(&format!("/api/v1/petitions/{collecting}/signatures"), Some(&token), json!({})).await;
        if n == 0 {
            // Two more for the other one, so it reaches its threshold of three.
            app.post(&format!("/api/v1/petitions/{reached}/signatures"), Some(&token), json!({})).await;
        }
    }
    for (name, email) in [("Taras Koval", "taras@example.org"), ("Sofiia Lysenko", "sofiia@example.org")] {
        let token = app.verified_citizen(name, email).await;
        app.post(&format!("/api/v1/petitions/{reached}/signatures"), Some(&token), json!({})).await;
    }
    let author = app.login("author@example.org", "a long enough password").await;
    let text = "Please put up a fence around the playground on Myru street: the road is close.";
    app.post("/api/v1/petitions", Some(&author), json!({"title": "A fence for the playground", "text": text})).await;
    collecting
}

async fn shoot(browser: &Browser, folder: &Path, name: &str, viewport: Viewport) {
    let suffix = if viewport.width == PHONE.width { "phone" } else { "desktop" };
    let png = browser.client.screenshot().await.expect("a screenshot");
    let path = folder.join(format!("{name}-{suffix}.png"));
    std::fs::write(&path, &png).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
}

async fn log_in(browser: &Browser, app: &TestApp, email: &str) {
    browser.client.delete_all_cookies().await.unwrap();
    browser.goto(&app.url("/account/login")).await;
    for (id, text) in [("email", email), ("password", "a long enough password")] {
        browser.client.find(Locator::Id(id)).await.unwrap().send_keys(text).await.unwrap();
    }
    browser.click_and_wait("main form button[type=submit]").await;
}

async fn screenshots_at(app: &TestApp, petition: i64, folder: &Path, viewport: Viewport) {
    let browser = Browser::open(Script::On, viewport).await;
    browser.set_viewport(viewport).await;
    let public = [
        ("home", "/".to_owned()),
        ("petitions", "/petitions".to_owned()),
        ("petition", format!("/petitions/{petition}")),
        ("sign", format!("/petitions/{petition}#sign")),
        ("calculator", "/calculator?day=18&month=12&year=2021&rule=appeal_no_study".to_owned()),
        ("statistics", "/statistics".to_owned()),
        ("help", "/help".to_owned()),
        ("login", "/account/login".to_owned()),
    ];
    for (name, path) in public {
        browser.goto(&app.url(&path)).await;
        shoot(&browser, folder, name, viewport).await;
    }
    log_in(&browser, app, "moderator@example.org").await;
    browser.goto(&app.url("/desk/moderation")).await;
    shoot(&browser, folder, "desk-moderation", viewport).await;
    log_in(&browser, app, "clerk@example.org").await;
    browser.goto(&app.url("/desk/council")).await;
    shoot(&browser, folder, "desk-council", viewport).await;
    browser.close().await;
}

/// The citizen's pages in the example city: each step of reporting a problem (a photo added through
/// the file input), the confirmation, the report's public page, the list of reports, a new appeal, and
/// the signed-in person's submissions.
async fn citizen_screenshots_at(app: &TestApp, folder: &Path, viewport: Viewport) {
    let browser = Browser::open(Script::On, viewport).await;
    browser.set_viewport(viewport).await;
    log_in(&browser, app, "oksana@example.org").await;
    let pothole = app.get("/api/v1/directory/categories", None).await.body;
    let list = pothole.get("items").unwrap_or(&pothole).as_array().unwrap().clone();
    let pothole = list.iter().find(|c| c["code"] == "pothole").unwrap()["id"].clone();
    let category = format!("category_id-{pothole}");
    browser.goto(&app.url("/reports/new")).await;
    shoot(&browser, folder, "report-start", viewport).await;
    browser.goto(&app.url("/reports/new/category")).await;
    let radio = browser.client.find(Locator::Id(&category)).await;
    let radio = match radio {
        Ok(radio) => radio,
        Err(_) => browser.client.find(Locator::Id("category_id")).await.unwrap(),
    };
    radio.click().await.unwrap();
    shoot(&browser, folder, "report-category", viewport).await;
    browser.click_and_wait("main form button[type=submit]").await;
    // The place as the map's click leaves it: the point in the coordinate fields, and an address.
    let point =
        "document.getElementById('latitude').value='48.7101';document.getElementById('longitude').value='37.5501';";
    browser.client.execute(point, vec![]).await.unwrap();
    let address = browser.client.find(Locator::Id("address")).await.unwrap();
    address.send_keys("вул. Миру, 12, біля школи").await.unwrap();
    // Typing scrolled the field into view; the shot shows the page from its top.
    browser.client.execute("window.scrollTo(0, 0)", vec![]).await.unwrap();
    shoot(&browser, folder, "report-place", viewport).await;
    browser.click_and_wait("main form button[type=submit]").await;
    let fixture = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/pothole.png");
    browser.client.find(Locator::Id("photo")).await.unwrap().send_keys(fixture).await.unwrap();
    browser.click_and_wait("main form button[value=upload]").await;
    shoot(&browser, folder, "report-photos", viewport).await;
    browser.click_and_wait("main form button[value=continue]").await;
    browser.client.find(Locator::Id("subject")).await.unwrap().send_keys("Глибока яма на переході").await.unwrap();
    let text = "На пішохідному переході біля школи яма завглибшки з долоню, з понеділка.";
    browser.client.find(Locator::Id("description")).await.unwrap().send_keys(text).await.unwrap();
    browser.client.execute("window.scrollTo(0, 0)", vec![]).await.unwrap();
    shoot(&browser, folder, "report-description", viewport).await;
    browser.click_and_wait("main form button[type=submit]").await;
    browser.click_and_wait("main form button[type=submit]").await;
    shoot(&browser, folder, "report-check", viewport).await;
    browser.click_and_wait("main form[action='/reports/new/submit'] button").await;
    shoot(&browser, folder, "report-filed", viewport).await;
    browser.click_and_wait("main a[href^='/reports/']").await;
    let report = browser.client.current_url().await.unwrap().path().to_owned();
    for (name, path) in [
        ("report", report.clone()),
        ("reports", "/reports".to_owned()),
        ("appeal-new", "/appeals/new".to_owned()),
        ("my", "/my".to_owned()),
        ("my-appeal", format!("/my/appeals/{}", report.trim_start_matches("/reports/"))),
    ] {
        browser.goto(&app.url(&path)).await;
        shoot(&browser, folder, name, viewport).await;
    }
    browser.close().await;
}

#[tokio::test]
async fn screenshots() {
    let Some(folder) = std::env::var_os("SCREENSHOTS").map(PathBuf::from) else {
        return;
    };
    if !available() {
        return;
    }
    std::fs::create_dir_all(&folder).unwrap();
    let app = spawn_app_with_smtp().await;
    let petition = example_petitions(&app).await;
    for viewport in [DESKTOP, PHONE] {
        screenshots_at(&app, petition, &folder, viewport).await;
    }
    let photos = std::env::temp_dir().join(format!("hromada-photos-{}", uuid::Uuid::new_v4().simple()));
    let city = |s: &mut hromada::config::Settings| {
        s.example_directory = true;
        s.photos.dir = photos;
    };
    let city = crate::helpers::TestAppBuilder::new().await.with_smtp().configure(city).spawn().await;
    city.verified_citizen("Oksana Melnyk", "oksana@example.org").await;
    for viewport in [DESKTOP, PHONE] {
        citizen_screenshots_at(&city, &folder, viewport).await;
    }
}
