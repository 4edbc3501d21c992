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
}
