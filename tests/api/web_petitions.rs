//! The petition pages as a browser without JavaScript uses them: the list, one petition's page, signing
//! with an account or by e-mail, and the mailed confirmation link with its button.
use serde_json::json;

use crate::{
    helpers::{TestApp, TestAppBuilder, spawn_app_with_smtp},
    petitions::{Council, council, step, submitted},
    web_accounts::{Browser, register_and_confirm},
};

async fn published(app: &TestApp, council: &Council) -> i64 {
    let id = submitted(app, council).await;
    step(app, &council.moderator, &format!("/api/v1/petitions/{id}/publish"), json!({})).await;
    id
}

#[tokio::test]
async fn a_visitor_finds_a_petition_in_the_list_and_reads_its_page_with_the_deadlines() {
    let app = spawn_app_with_smtp().await;
    let council = council(&app, 3, "account_or_email").await;
    let hidden = submitted(&app, &council).await;
    let id = published(&app, &council).await;
    let mut browser = Browser::new(&app);

    let list = browser.get("/petitions?q=park&sort=most_signed").await;
    assert_eq!(list.status, 200);
    assert!(list.html.contains(&format!("href=\"/petitions/{id}\"")), "{}", list.html);
    assert!(!list.html.contains(&format!("href=\"/petitions/{hidden}\"")), "one in moderation is not listed");
    assert!(list.html.contains("1 petition found"));
    let none = browser.get("/petitions?q=nonexistentword").await;
    assert!(none.html.contains("0 petitions found"));
    // Filters by the day it was submitted (Kyiv): today finds it, tomorrow on does not.
    let today = hromada::domain::calendar::kyiv_date(chrono::Utc::now());
    let tomorrow = today.succ_opt().unwrap();
    let by_day = browser.get(&format!("/petitions?from={today}&to={today}")).await;
    assert!(
        by_day.html.contains(&format!("href=\"/petitions/{id}\""))
            && by_day.html.contains(&format!("value=\"{today}\""))
    );
    assert!(browser.get(&format!("/petitions?from={tomorrow}")).await.html.contains("0 petitions found"));
    assert!(
        browser.get("/petitions?from=not-a-date").await.html.contains("1 petition found"),
        "a bad date filters nothing"
    );

    let page = browser.get(&format!("/petitions/{id}")).await;
    assert_eq!(page.status, 200);
    assert!(page.html.contains("Restore the central park") && page.html.contains("Author: Olena Petrenko"));
    assert!(page.html.contains("Collecting signatures") && page.html.contains("0 signatures"));
    assert!(page.html.contains("of 3 needed") && page.html.contains("Collection ends"));
    assert!(page.html.contains("Signatures are collected for the period set by the community"));
    assert!(page.html.contains("Nobody has signed yet"));
    assert!(!page.html.contains("author@example.org"), "no contacts on the page");

    let unpublished = browser.get(&format!("/petitions/{hidden}")).await;
    assert_eq!(unpublished.status, 404, "a petition in moderation does not exist for the public");
}

#[tokio::test]
async fn a_signed_in_citizen_signs_from_the_petitions_page_once() {
    let app = spawn_app_with_smtp().await;
    let council = council(&app, 3, "verified_account").await;
    let id = published(&app, &council).await;
    let mut browser = Browser::new(&app);

    // Without an account this statute offers only logging in.
    let page = browser.get(&format!("/petitions/{id}")).await;
    assert!(page.html.contains("requires signing with an account"), "{}", page.html);

    register_and_confirm(&mut browser, "Vasyl Hnatiuk", "vasyl@example.org", "a long password 5").await;
    browser.submit("/account/login", &[("email", "vasyl@example.org"), ("password", "a long password 5")]).await;
    let path = format!("/petitions/{id}");
    let token = browser.get(&path).await.csrf_token();
    let signed = browser.post(&format!("{path}/sign"), &[("csrf_token", &token)]).await;
    assert_eq!((signed.status, signed.location.clone()), (303, Some(format!("/petitions/{id}?signed=1#sign"))));
    let page = browser.get(&format!("{path}?signed=1")).await;
    assert!(page.html.contains("your signature is counted") && page.html.contains("1 signature"), "{}", page.html);
    assert!(page.html.contains("Vasyl Hnatiuk"));

    // Signing twice counts once.
    let token = page.csrf_token();
    let again = browser.post(&format!("{path}/sign"), &[("csrf_token", &token)]).await;
    assert_eq!(again.status, 200, "the page again, with the reason");
    assert!(again.html.contains("govuk-error-summary"), "{}", again.html);
    let api = app.get(&format!("/api/v1/petitions/{id}"), None).await;
    assert_eq!(api.body["signature_count"], 1);

    // Without its form token, nothing is signed.
    let forged = browser.post(&format!("{path}/sign"), &[]).await;
    assert_eq!(forged.status, 403);
}

#[tokio::test]
async fn a_visitor_signs_by_email_and_confirms_with_the_button_behind_the_mailed_link() {
    let app = spawn_app_with_smtp().await;
    let council = council(&app, 3, "account_or_email").await;
    let id = published(&app, &council).await;
    let mut browser = Browser::new(&app);
    let path = format!("/petitions/{id}");

    // A mistake keeps what was typed and links to the field.
    let token = browser.get(&path).await.csrf_token();
    let wrong = browser
        .post(&format!("{path}/sign"), &[("csrf_token", &token), ("full_name", "Sofiia Lysenko"), ("email", "sofiia")])
        .await;
    assert_eq!(wrong.status, 200);
    assert!(wrong.html.contains("<a href=\"#email\">Enter an email address"), "{}", wrong.html);
    assert!(wrong.html.contains("value=\"Sofiia Lysenko\""));

    let token = wrong.csrf_token();
    let signed = browser
        .post(
            &format!("{path}/sign"),
            &[("csrf_token", &token), ("full_name", "Sofiia Lysenko"), ("email", "sofiia@example.org")],
        )
        .await;
    assert_eq!(signed.location.as_deref(), Some("/petitions/signatures/check-email"));
    assert!(browser.get("/petitions/signatures/check-email").await.html.contains("Check your email"));
    assert_eq!(app.get(&format!("/api/v1/petitions/{id}"), None).await.body["signature_count"], 0);

    // The mailed link opens a page with a button; opening it counts nothing.
    let mail = app.smtp().nth_mail_to("sofiia@example.org", 1).await;
    let link =
        mail.body().lines().find(|l| l.contains("/petitions/signatures/confirm?token=")).unwrap().trim().to_owned();
    let link_path = link.trim_start_matches("http://127.0.0.1:8080").to_owned();
    let page = browser.get(&link_path).await;
    assert!(page.html.contains("Confirm my signature"));
    assert_eq!(app.get(&format!("/api/v1/petitions/{id}"), None).await.body["signature_count"], 0);

    let confirmed = browser.submit(&link_path, &[("token", &mail.token())]).await;
    assert_eq!(confirmed.location, Some(format!("/petitions/{id}?confirmed=1#sign")));
    let page = browser.get(&format!("{path}?confirmed=1")).await;
    assert!(page.html.contains("Sofiia Lysenko") && page.html.contains("1 signature"), "{}", page.html);
    assert!(!page.html.contains("sofiia@example.org"));

    // The link works once.
    let again = browser.submit(&link_path, &[("token", &mail.token())]).await;
    assert!(again.html.contains("govuk-error-summary"), "{}", again.html);
}

/// Reads a hidden field's value from a page.
fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).unwrap_or_else(|| panic!("a hidden {name}")) + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

#[tokio::test]
async fn a_citizen_starts_a_petition_in_two_steps_and_a_double_submit_creates_it_once() {
    let app = spawn_app_with_smtp().await;
    let council = council(&app, 3, "verified_account").await;
    let mut browser = Browser::new(&app);
    let anonymous = browser.get("/petitions/new").await;
    let login = anonymous.location.expect("log in first");
    assert_eq!(login, "/account/login?return=%2Fpetitions%2Fnew", "and come back after");

    register_and_confirm(&mut browser, "Taras Koval", "taras@example.org", "a long password 6").await;
    let csrf = browser.get(&login).await.csrf_token();
    let fields = [("csrf_token", csrf.as_str()), ("email", "taras@example.org"), ("password", "a long password 6")];
    let logged_in = browser.post("/account/login", &[&fields[..], &[("return", "/petitions/new")]].concat()).await;
    assert_eq!(logged_in.location.as_deref(), Some("/petitions/new"), "back to the form after logging in");

    // Step 1: too short a text comes back with the error and the words typed.
    let form = browser.get("/petitions/new").await;
    let key = hidden(&form.html, "form_key");
    let csrf = form.csrf_token();
    let title = "Benches for the bus stops";
    let short = browser
        .post("/petitions/new", &[("csrf_token", &csrf), ("form_key", &key), ("title", title), ("text", "Too short.")])
        .await;
    assert!(short.title().starts_with("Error: "), "{}", short.title());
    assert!(short.html.contains("<a href=\"#text\">State the demand in at least 50 characters"), "{}", short.html);
    assert!(short.html.contains(&format!("value=\"{title}\"")) && short.html.contains(">Too short.</textarea>"));

    // Step 2: the words are kept on the server and "check your answers" is a page of its own (POST → 303 → GET).
    let text = "Please put benches at every bus stop on Shevchenko Street: older people wait standing there.";
    let continued = browser
        .post("/petitions/new", &[("csrf_token", &csrf), ("form_key", &key), ("title", title), ("text", text)])
        .await;
    assert_eq!(continued.status, 303, "{}", continued.html);
    let check_path = continued.location.expect("the check page");
    assert_eq!(check_path, format!("/petitions/new/check?key={key}"));
    let check = browser.get(&check_path).await;
    assert!(check.html.contains("Check your petition") && check.html.contains(text), "{}", check.html);
    assert!(!check.html.contains("name=\"text\""), "nothing typed rides along in hidden fields");
    // "Change" goes back to the words as they were kept; a reload of the check page shows the same.
    let change = browser.get(&format!("/petitions/new?key={key}")).await;
    assert!(change.html.contains(&format!(">{text}</textarea>")) && change.html.contains(&format!("value=\"{key}\"")));
    assert!(browser.get(&check_path).await.html.contains(text));
    // Another person's browser with the same key finds nothing.
    let mut stranger = Browser::new(&app);
    register_and_confirm(&mut stranger, "Inna Hrytsenko", "inna@example.org", "a long password 7").await;
    stranger.submit("/account/login", &[("email", "inna@example.org"), ("password", "a long password 7")]).await;
    assert_eq!(stranger.get(&check_path).await.location.as_deref(), Some("/petitions/new"));

    // Sending twice (a double click, a retried POST) creates one petition and lands on one confirmation.
    let fields = [("csrf_token", csrf.as_str()), ("form_key", key.as_str())];
    let (first, second) = tokio::join!(
        Browser::new(&app).post_as(&browser, "/petitions/new/submit", &fields),
        Browser::new(&app).post_as(&browser, "/petitions/new/submit", &fields)
    );
    let third = browser.post("/petitions/new/submit", &fields).await;
    let locations: Vec<_> = [&first, &second, &third].iter().map(|p| p.location.clone()).collect();
    let done = third.location.clone().expect("a confirmation");
    assert!(done.ends_with("/submitted"), "{locations:?}");
    assert!(locations.iter().all(|l| l.is_none() || l.as_deref() == Some(done.as_str())), "{locations:?}");
    let moderation = app.get("/api/v1/petitions?status=moderation", Some(&council.moderator)).await;
    assert_eq!(moderation.body["total"], 1, "one petition, however often the form was sent");

    let confirmation = browser.get(&done).await;
    assert!(confirmation.html.contains("Petition sent") && confirmation.html.contains("within 2 working days"));
}

/// A viral petition's page is the copy shared for a moment, whatever its address says: `?signed=1`
/// typed by anyone (or a hand-made cookie) does not read it anew. The visitor who has just signed sees
/// their signature counted at once: the POST left a sealed cookie for this petition's page. (The copy is
/// kept an hour here, so that however slow the machine, the requests below meet it.)
#[tokio::test]
async fn only_the_visitor_who_has_just_signed_skips_the_shared_copy_of_the_petitions_page() {
    let app =
        TestAppBuilder::new().await.with_smtp().configure(|s| s.web.petition_page_max_age_ms = 3_600_000).spawn().await;
    let (id, mut signer, mut anonymous) = signed_by_one(&app).await;
    let path = format!("/petitions/{id}");
    let acted = signer.set_cookies.iter().find(|c| c.starts_with("hromada-acted=")).expect("the signer's cookie");
    assert!(acted.contains("HttpOnly") && acted.contains(&format!("Path={path}")), "{acted}");
    let typed = anonymous.get(&format!("{path}?signed=1")).await;
    let forged = app
        .client
        .get(app.url(&format!("{path}?signed=1")))
        .header("accept-language", "en")
        .header("cookie", format!("hromada-acted={id}:99999999999"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let mine = signer.get(&format!("{path}?signed=1")).await;
    assert!(mine.html.contains("your signature is counted") && mine.html.contains("1 signature"), "{}", mine.html);
    assert!(typed.html.contains("0 signatures"), "a typed ?signed=1 gets the shared copy: {}", typed.html);
    assert!(forged.contains("0 signatures"), "so does a hand-made cookie: {forged}");
}

/// A published petition of a council needing 3 signatures, whose page an anonymous visitor has seen with
/// none, signed then by one verified citizen: the petition, the signer's browser and the visitor's.
async fn signed_by_one(app: &TestApp) -> (i64, Browser<'_>, Browser<'_>) {
    let council = council(app, 3, "verified_account").await;
    let id = published(app, &council).await;
    let mut signer = Browser::new(app);
    register_and_confirm(&mut signer, "Vasyl Hnatiuk", "vasyl@example.org", "a long password 5").await;
    signer.submit("/account/login", &[("email", "vasyl@example.org"), ("password", "a long password 5")]).await;
    let path = format!("/petitions/{id}");
    let mut anonymous = Browser::new(app);
    let token = signer.get(&path).await.csrf_token();
    assert!(anonymous.get(&path).await.html.contains("0 signatures"), "the shared copy, before anyone signed");
    let signed = signer.post(&format!("{path}/sign"), &[("csrf_token", &token)]).await;
    assert_eq!(signed.status, 303);
    (id, signer, anonymous)
}

/// The shared copy of a petition's page lives `PAGE_MAX_AGE` by default: then everyone sees the count.
#[tokio::test]
async fn everyone_sees_a_new_signature_once_the_shared_copy_of_the_page_expires() {
    use hromada::service::petitions::PAGE_MAX_AGE;

    let app = spawn_app_with_smtp().await;
    let (id, _signer, mut anonymous) = signed_by_one(&app).await;
    tokio::time::sleep(PAGE_MAX_AGE).await;
    let path = format!("/petitions/{id}");
    assert!(anonymous.get(&path).await.html.contains("1 signature"), "everyone sees it once the copy expires");
}
