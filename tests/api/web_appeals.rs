//! Filing an appeal through the pages, as a browser without JavaScript does it: log in and come back,
//! the form with the kinds of art. 3 explained, errors summarised and kept, "check your answers" as a
//! page of its own with who handles it and the legal due date, and one appeal however often it is sent.
use crate::{
    city::{self, CITIZEN, ROADS_OFFICER, mail_about},
    helpers::{TestApp, spawn_app_with_smtp},
    web_accounts::{Browser, Page},
};

/// A browser logged in through the login page as `email` (password of `TestApp::verified_citizen`).
pub(crate) async fn logged_in<'a>(app: &'a TestApp, email: &str) -> Browser<'a> {
    let mut browser = Browser::new(app);
    let login = browser.submit("/account/login", &[("email", email), ("password", "a long enough password")]).await;
    assert_eq!(login.status, 303, "{}", login.html);
    browser
}

/// The value of the hidden field `name` on a page.
pub(crate) fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).unwrap_or_else(|| panic!("a hidden {name}")) + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

pub(crate) const SUBJECT: &str = "The street light at Shkilna 12 is off";
pub(crate) const TEXT: &str =
    "The street light in front of Shkilna 12 has not worked since 1 November; the pavement is dark.";

/// The form's fields for a complete application to `organisation`.
fn complete<'f>(csrf: &'f str, key: &'f str, organisation: &'f str) -> Vec<(&'f str, &'f str)> {
    vec![
        ("csrf_token", csrf),
        ("form_key", key),
        ("kind", "application"),
        ("organisation_id", organisation),
        ("subject", SUBJECT),
        ("text", TEXT),
        ("author_address", "Kramatorsk, Shkilna 12, apt. 40"),
        ("author_phone", ""),
    ]
}

/// Files a complete application to `organisation` through the pages; returns the appeal's id.
pub(crate) async fn file_through_pages(browser: &mut Browser<'_>, organisation: i64) -> i64 {
    let form = browser.get("/appeals/new").await;
    let (csrf, key) = (form.csrf_token(), hidden(&form.html, "form_key"));
    let organisation = organisation.to_string();
    let continued = browser.post("/appeals/new", &complete(&csrf, &key, &organisation)).await;
    assert_eq!(continued.status, 303, "{}", continued.html);
    browser.get(&continued.location.unwrap()).await;
    let sent = browser.post("/appeals/new/submit", &[("csrf_token", &csrf), ("form_key", &key)]).await;
    id_of(&sent)
}

/// The appeal a submit's redirect names (`/my/appeals/{id}?filed=1`).
fn id_of(sent: &Page) -> i64 {
    let location = sent.location.as_deref().unwrap_or_else(|| panic!("a redirect: {} {}", sent.status, sent.html));
    location.trim_start_matches("/my/appeals/").trim_end_matches("?filed=1").parse().expect("an appeal's page")
}

#[tokio::test]
async fn a_citizen_logs_in_files_an_appeal_in_two_steps_and_a_double_submit_files_it_once() {
    let app = spawn_app_with_smtp().await;
    let city = city::build(&app).await;
    let mut browser = Browser::new(&app);

    // A visitor is asked to log in and comes back to the form.
    let anonymous = browser.get("/appeals/new").await;
    assert_eq!(anonymous.location.as_deref(), Some("/account/login?return=%2Fappeals%2Fnew"));
    let csrf = browser.get("/account/login?return=%2Fappeals%2Fnew").await.csrf_token();
    let fields = [
        ("csrf_token", csrf.as_str()),
        ("email", CITIZEN),
        ("password", "a long enough password"),
        ("return", "/appeals/new"),
    ];
    assert_eq!(browser.post("/account/login", &fields).await.location.as_deref(), Some("/appeals/new"));
    // Only a path of this site is a place to come back to.
    let mut other = Browser::new(&app);
    let csrf = other.get("/account/login").await.csrf_token();
    let away = [
        ("csrf_token", csrf.as_str()),
        ("email", CITIZEN),
        ("password", "a long enough password"),
        ("return", "//evil.example.org/"),
    ];
    assert_eq!(other.post("/account/login", &away).await.location.as_deref(), Some("/account"));

    // The form explains each kind (art. 3) and what art. 5 asks for.
    let form = browser.get("/appeals/new").await;
    assert_eq!(form.status, 200);
    assert!(form.html.contains("Proposal or remark") && form.html.contains("within one year of the decision"));
    assert!(form.html.contains("art. 5") && form.html.contains("Roads Department"), "{}", form.html);
    let (csrf, key) = (form.csrf_token(), hidden(&form.html, "form_key"));

    // Nothing chosen and no residence: the errors are summarised, linked to their fields, and what was typed is kept.
    let roads = city.roads.to_string();
    let mut incomplete = complete(&csrf, &key, &roads);
    incomplete.retain(|(name, _)| *name != "kind");
    let refused = browser.post("/appeals/new", &incomplete).await;
    assert_eq!(refused.status, 200);
    assert!(refused.title().starts_with("Error: "), "{}", refused.title());
    assert!(refused.html.contains("<a href=\"#kind\">Choose whether it is a proposal, an application or a complaint"));
    assert!(
        refused.html.contains(&format!("value=\"{SUBJECT}\"")) && refused.html.contains(&format!(">{TEXT}</textarea>"))
    );
    let mut homeless = complete(&csrf, &key, &roads);
    homeless.retain(|(name, _)| *name != "author_address");
    let refused = browser.post("/appeals/new", &homeless).await;
    assert!(refused.html.contains("<a href=\"#author_address\">Enter where you live"), "{}", refused.html);
    assert!(refused.html.contains("value=\"application\" aria-describedby=\"kind-application-hint\" checked"));

    // Continue: 303 to the check page, which shows what will be sent, to whom, and the due date in words.
    let continued = browser.post("/appeals/new", &complete(&csrf, &key, &roads)).await;
    assert_eq!(continued.status, 303, "{}", continued.html);
    let check_path = continued.location.unwrap();
    assert_eq!(check_path, format!("/appeals/new/check?key={key}"));
    let check = browser.get(&check_path).await;
    assert!(check.html.contains("Check your appeal") && check.html.contains(TEXT), "{}", check.html);
    assert!(check.html.contains("Roads Department") && check.html.contains("an answer is due by"));
    assert!(!check.html.contains("name=\"text\""), "nothing typed rides along in hidden fields");
    let change = browser.get(&format!("/appeals/new?key={key}")).await;
    assert!(change.html.contains(&format!(">{TEXT}</textarea>")), "change shows the answers as kept");

    // Sent twice at once and once more: one appeal, and every answer leads to its page.
    let send = [("csrf_token", csrf.as_str()), ("form_key", key.as_str())];
    let (first, second) = tokio::join!(
        Browser::new(&app).post_as(&browser, "/appeals/new/submit", &send),
        Browser::new(&app).post_as(&browser, "/appeals/new/submit", &send)
    );
    let third = browser.post("/appeals/new/submit", &send).await;
    let id = id_of(&third);
    for page in [&first, &second] {
        assert!(page.location.is_none() || id_of(page) == id, "{:?} {}", page.location, page.status);
    }
    let mine = app.get("/api/v1/appeals", Some(&city.citizen)).await;
    assert_eq!(mine.body["total"], 1, "one appeal, however often the form was sent: {}", mine.body);

    // The confirmation: reference number, who handles it, the legal due date in words, what happens next.
    let done = browser.get(&format!("/my/appeals/{id}?filed=1")).await;
    assert!(done.html.contains("Appeal sent") && done.html.contains(&format!("<strong>{id}</strong>")));
    assert!(done.html.contains("Roads Department will consider it. By law, the answer is due by"));
    let receipt = mail_about(&app, CITIZEN, &format!("No. {id}: received")).await;
    assert!(receipt.body().contains(&format!("/my/appeals/{id}")));
    mail_about(&app, ROADS_OFFICER, &format!("Appeal No. {id}: new")).await;
}

#[tokio::test]
async fn the_appeal_forms_refuse_a_missing_csrf_token_and_a_key_from_another_account_finds_nothing() {
    let app = spawn_app_with_smtp().await;
    let city = city::build(&app).await;
    let mut browser = logged_in(&app, CITIZEN).await;
    let form = browser.get("/appeals/new").await;
    let (csrf, key) = (form.csrf_token(), hidden(&form.html, "form_key"));
    let roads = city.roads.to_string();

    let mut forged = complete(&csrf, &key, &roads);
    forged[0] = ("csrf_token", "forged");
    assert_eq!(browser.post("/appeals/new", &forged).await.status, 403);
    assert_eq!(browser.post("/appeals/new", &forged[1..]).await.status, 403);
    assert_eq!(browser.post("/appeals/new/submit", &[("form_key", &key)]).await.status, 403);

    assert_eq!(browser.post("/appeals/new", &complete(&csrf, &key, &roads)).await.status, 303);
    // Someone else with the same key: no draft to check or send.
    app.verified_citizen("Marko Vovchok", "marko@example.org").await;
    let mut stranger = logged_in(&app, "marko@example.org").await;
    let theirs = stranger.get(&format!("/appeals/new/check?key={key}")).await;
    assert_eq!(theirs.location.as_deref(), Some("/appeals/new"));
    let csrf = stranger.get("/appeals/new").await.csrf_token();
    let sent = stranger.post("/appeals/new/submit", &[("csrf_token", &csrf), ("form_key", &key)]).await;
    assert_eq!(sent.location.as_deref(), Some("/appeals/new"), "start again: {}", sent.html);
    assert_eq!(app.get("/api/v1/appeals", Some(&city.admin)).await.body["total"], 0, "nothing was filed");
}
