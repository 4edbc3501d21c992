//! "My submissions" as a browser without JavaScript uses it: the list with statuses and due dates, the
//! author's page of an appeal with its history and answer, the author's forms (return for rework,
//! confirm the fix, rate), withdrawing a signature — and nobody else sees or acts on these pages.
use serde_json::json;

use crate::{
    city::{self, CITIZEN, ROADS_OFFICER, mail_about},
    helpers::spawn_app_with_smtp,
    petitions::{closed_short, council, sign, step, submitted},
    web_accounts::Browser,
    web_appeals::{SUBJECT, file_through_pages, logged_in},
};

#[tokio::test]
async fn the_author_follows_an_appeal_returns_the_answer_confirms_the_second_and_rates_it() {
    let app = spawn_app_with_smtp().await;
    let city = city::build(&app).await;
    let mut browser = logged_in(&app, CITIZEN).await;
    let id = file_through_pages(&mut browser, city.roads).await;

    // The list: the appeal with its status, who handles it and the due date with the days left.
    let my = browser.get("/my").await;
    assert_eq!(my.status, 200);
    assert!(my.html.contains(&format!("href=\"/my/appeals/{id}\">No. {id}: {SUBJECT}</a>")), "{}", my.html);
    assert!(my.html.contains("Received") && my.html.contains("Roads Department") && my.html.contains("days left"));
    assert!(my.html.contains("You have not reported a problem yet."));

    // The page: status, deadline and what the law says, history; no forms before there is an answer.
    let path = format!("/my/appeals/{id}");
    let page = browser.get(&path).await;
    assert!(page.html.contains("Answer due by") && page.html.contains("art. 20"), "{}", page.html);
    assert!(page.html.contains("History") && !page.html.contains("Return for rework"));

    let answer = json!({"resolution": "resolved", "text": "The lamp was replaced on 3 December."});
    let answered = app.post(&format!("/api/v1/appeals/{id}/answer"), Some(&city.roads_officer), answer).await;
    assert_eq!(answered.status, 200, "{}", answered.body);
    let page = browser.get(&path).await;
    assert!(page.html.contains("The lamp was replaced on 3 December.") && page.html.contains("Return for rework"));
    let csrf = page.csrf_token();

    // Returning it needs a reason: the error is summarised and linked to the field.
    let empty = browser.post(&format!("{path}/return"), &[("csrf_token", &csrf), ("reason", " ")]).await;
    assert_eq!(empty.status, 200);
    assert!(empty.title().starts_with("Error: ") && empty.html.contains("<a href=\"#reason\">Say what is still wrong"));
    let forged = browser.post(&format!("{path}/return"), &[("reason", "Still dark.")]).await;
    assert_eq!(forged.status, 403, "no CSRF token, nothing happens");
    let returned =
        browser.post(&format!("{path}/return"), &[("csrf_token", &csrf), ("reason", "It is dark again.")]).await;
    assert_eq!(returned.location.as_deref(), Some(format!("{path}?returned=1").as_str()));
    assert!(browser.get(&format!("{path}?returned=1")).await.html.contains("Returned for rework"));
    let told = mail_about(&app, ROADS_OFFICER, &format!("Appeal No. {id}: returned for rework")).await;
    assert!(told.body().contains("It is dark again."));

    let again = json!({"resolution": "resolved", "text": "The cable was repaired too."});
    assert_eq!(app.post(&format!("/api/v1/appeals/{id}/answer"), Some(&city.roads_officer), again).await.status, 200);
    let confirmed = browser.post(&format!("{path}/confirm"), &[("csrf_token", &csrf)]).await;
    assert_eq!(confirmed.location.as_deref(), Some(format!("{path}?confirmed=1").as_str()));
    // Confirming twice is refused by the rule, shown on the page, not a crash.
    let twice = browser.post(&format!("{path}/confirm"), &[("csrf_token", &csrf)]).await;
    assert_eq!(twice.status, 200);
    assert!(twice.title().starts_with("Error: "), "{}", twice.title());

    // Rating: a choice is needed; then the page says what was given.
    let none = browser.post(&format!("{path}/rate"), &[("csrf_token", &csrf), ("comment", "Quick work")]).await;
    assert!(
        none.html.contains("<a href=\"#score\">Choose a rating from 1 to 5")
            && none.html.contains(">Quick work</textarea>")
    );
    let rated = browser.post(&format!("{path}/rate"), &[("csrf_token", &csrf), ("score", "5"), ("comment", "")]).await;
    assert_eq!(rated.location.as_deref(), Some(format!("{path}?rated=1").as_str()));
    let page = browser.get(&path).await;
    assert!(page.html.contains("You rated the answer 5 out of 5.") && page.html.contains("Fixed, confirmed by you"));
    assert!(page.html.contains("You returned it for rework") && page.html.contains("You confirmed the fix"));
    let api = app.get(&format!("/api/v1/appeals/{id}"), Some(&city.citizen)).await;
    assert_eq!((api.body["status"].as_str(), api.body["rating"].as_i64()), (Some("confirmed"), Some(5)));
}

#[tokio::test]
async fn nobody_but_the_author_sees_or_acts_on_the_authors_pages() {
    let app = spawn_app_with_smtp().await;
    let city = city::build(&app).await;
    let mut author = logged_in(&app, CITIZEN).await;
    let id = file_through_pages(&mut author, city.roads).await;
    let path = format!("/my/appeals/{id}");

    // A visitor is asked to log in first.
    let mut visitor = Browser::new(&app);
    assert_eq!(
        visitor.get(&path).await.location.as_deref(),
        Some(format!("/account/login?return=%2Fmy%2Fappeals%2F{id}").as_str())
    );
    assert_eq!(visitor.get("/my").await.location.as_deref(), Some("/account/login?return=%2Fmy"));

    // Another citizen: the private appeal does not exist for them, and their forms change nothing.
    app.verified_citizen("Marko Vovchok", "marko@example.org").await;
    let mut neighbour = logged_in(&app, "marko@example.org").await;
    assert_eq!(neighbour.get(&path).await.status, 404);
    let csrf = neighbour.get("/my").await.csrf_token();
    assert_eq!(neighbour.post(&format!("{path}/return"), &[("csrf_token", &csrf), ("reason", "x")]).await.status, 404);
    assert!(!neighbour.get("/my").await.html.contains(SUBJECT), "their list has only their own");

    // The officer handling it reads it on the desk, not on the author's pages.
    let mut officer = logged_in(&app, ROADS_OFFICER).await;
    assert_eq!(officer.get(&path).await.status, 403);
    let api = app.get(&format!("/api/v1/appeals/{id}"), Some(&city.citizen)).await;
    assert_eq!(api.body["status"], "received");
}

#[tokio::test]
async fn a_signer_withdraws_the_signature_from_the_petitions_page_or_from_my_submissions() {
    let app = spawn_app_with_smtp().await;
    let council = council(&app, 3, "verified_account").await;
    let id = submitted(&app, &council).await;
    step(&app, &council.moderator, &format!("/api/v1/petitions/{id}/publish"), json!({})).await;
    let token = app.verified_citizen("Marko Vovchok", "marko@example.org").await;
    assert_eq!(sign(&app, &token, id, false).await.status, 201);
    let mut browser = logged_in(&app, "marko@example.org").await;

    let my = browser.get("/my").await;
    assert!(my.html.contains(&format!("action=\"/petitions/{id}/signature/withdraw\"")), "{}", my.html);
    let petition = browser.get(&format!("/petitions/{id}")).await;
    assert!(petition.html.contains("You signed this petition") && petition.html.contains("Withdraw my signature"));
    let csrf = petition.csrf_token();
    let withdraw = format!("/petitions/{id}/signature/withdraw");
    assert_eq!(browser.post(&withdraw, &[("return", "/my")]).await.status, 403, "no CSRF token");

    let done = browser.post(&withdraw, &[("csrf_token", &csrf), ("return", "/my")]).await;
    assert_eq!(done.location.as_deref(), Some("/my?withdrawn=1"));
    let my = browser.get("/my?withdrawn=1").await;
    assert!(my.html.contains("Your signature was withdrawn.") && !my.html.contains(&withdraw));
    assert_eq!(app.get(&format!("/api/v1/petitions/{id}"), None).await.body["signature_count"], 0);
    let petition = browser.get(&format!("/petitions/{id}")).await;
    assert!(petition.html.contains("Sign this petition") && !petition.html.contains("You signed this petition"));

    // Another signer withdraws on the petition's page: back there, whatever else the form names.
    let other = app.verified_citizen("Ivan Franko", "ivan@example.org").await;
    assert_eq!(sign(&app, &other, id, false).await.status, 201);
    let mut ivan = logged_in(&app, "ivan@example.org").await;
    let csrf = ivan.get(&format!("/petitions/{id}")).await.csrf_token();
    let done = ivan.post(&withdraw, &[("csrf_token", &csrf), ("return", "https://elsewhere.example/")]).await;
    assert_eq!(done.location, Some(format!("/petitions/{id}?withdrawn=1")), "only /my or the petition");
    assert!(ivan.get(&format!("/petitions/{id}?withdrawn=1")).await.html.contains("Your signature was withdrawn."));
    // Withdrawing what is not there is refused with a page, not a crash.
    assert!(browser.post(&withdraw, &[("csrf_token", &csrf)]).await.status >= 400);
}

#[tokio::test]
async fn the_author_of_a_petition_closed_short_has_it_considered_as_an_appeal_from_its_page() {
    let app = crate::helpers::TestAppBuilder::new()
        .await
        .with_smtp()
        .configure(|s| s.watcher.interval_seconds = 1)
        .spawn()
        .await;
    let council = council(&app, 100, "verified_account").await;
    let id = submitted(&app, &council).await;
    step(&app, &council.moderator, &format!("/api/v1/petitions/{id}/publish"), json!({})).await;
    closed_short(&app, id).await;
    let ask = format!("/petitions/{id}/appeal");

    // Someone else may open the page, but the use case refuses them, and nothing is filed.
    app.verified_citizen("Marko Vovchok", "marko@example.org").await;
    let mut marko = logged_in(&app, "marko@example.org").await;
    let refused = marko.submit(&ask, &[("author_address", "Kramatorsk, Myru 1")]).await;
    assert!(refused.title().starts_with("Error: "), "{}", refused.html);
    assert!(app.get(&format!("/api/v1/petitions/{id}"), None).await.body["appeal_id"].is_null());

    let mut author = logged_in(&app, "author@example.org").await;
    let page = author.get(&format!("/petitions/{id}")).await;
    assert!(page.html.contains(&format!("href=\"{ask}\"")), "the closed petition's page offers it to its author");
    let form = author.get(&ask).await;
    assert!(form.html.contains("art. 5") && form.html.contains("art. 20"));
    let csrf = form.csrf_token();
    assert_eq!(author.post(&ask, &[("author_address", "Kramatorsk, Myru 1")]).await.status, 403, "no CSRF token");
    let empty = author.post(&ask, &[("csrf_token", &csrf), ("author_address", "")]).await;
    assert!(empty.html.contains("<a href=\"#author_address\">Enter where you live"), "{}", empty.html);
    let filed = author.post(&ask, &[("csrf_token", &csrf), ("author_address", "Kramatorsk, Myru 1")]).await;
    let appeal = app.get(&format!("/api/v1/petitions/{id}"), None).await.body["appeal_id"].as_i64().expect("linked");
    assert_eq!(filed.location, Some(format!("/my/appeals/{appeal}?filed=1")));
    let done = author.get(&format!("/my/appeals/{appeal}?filed=1")).await;
    assert!(done.html.contains("Appeal sent") && done.html.contains("City Council will consider it"), "{}", done.html);
}
