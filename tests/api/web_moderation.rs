//! The desk's petition pages as a browser without JavaScript uses them: a moderator publishes and refuses
//! petitions, an officer of the council publishes the notice and the answer; every form checks its CSRF
//! token and shows its errors; and each page and action is refused, with nothing changed, to whoever the
//! authorization module refuses.
use serde_json::json;

use crate::{
    helpers::{TestApp, spawn_app_with_smtp},
    petitions::{Council, council, sign, step, submitted},
    web_accounts::{Browser, Page},
};

const PASSWORD: &str = "a long enough password";

/// A browser logged in as `email` (an account of `helpers::verified_citizen`).
async fn logged_in<'a>(app: &'a TestApp, email: &str, password: &str) -> Browser<'a> {
    let mut browser = Browser::new(app);
    let login = browser.submit("/account/login", &[("email", email), ("password", password)]).await;
    assert_eq!(login.status, 303, "{email} logs in: {}", login.html);
    browser
}

async fn status_of(app: &TestApp, council: &Council, id: i64) -> String {
    let petition = app.get(&format!("/api/v1/petitions/{id}"), Some(&council.moderator)).await;
    petition.body["status"].as_str().unwrap().to_owned()
}

/// Posts `fields` to `path` with the token of the page at `from`.
async fn post_from(browser: &mut Browser<'_>, from: &str, path: &str, fields: &[(&str, &str)]) -> Page {
    let token = browser.get(from).await.csrf_token();
    let mut all = vec![("csrf_token", token.as_str())];
    all.extend_from_slice(fields);
    browser.post(path, &all).await
}

#[tokio::test]
async fn a_moderator_refuses_one_petition_with_a_ground_and_publishes_another() {
    let app = spawn_app_with_smtp().await;
    let council = council(&app, 3, "verified_account").await;
    let refused = submitted(&app, &council).await;
    let published = submitted(&app, &council).await;
    let mut moderator = logged_in(&app, "moderator@rada.example.org", PASSWORD).await;

    // The queue: both, the oldest first, with the 2-working-day clock in words.
    let queue = moderator.get("/desk/moderation").await;
    assert_eq!(queue.status, 200, "{}", queue.html);
    assert!(queue.html.contains("2 petitions await moderation"), "{}", queue.html);
    let (first, second) = (format!("/desk/moderation/{refused}\""), format!("/desk/moderation/{published}\""));
    assert!(queue.html.find(&first).unwrap() < queue.html.find(&second).unwrap(), "oldest first");
    assert!(queue.html.contains("working days left") && queue.html.contains("Due by"), "{}", queue.html);

    let case = format!("/desk/moderation/{refused}");
    let page = moderator.get(&case).await;
    assert!(page.html.contains("Restore the central park") && page.html.contains("Olena Petrenko"));
    assert!(page.html.contains("Publish the petition") && page.html.contains("Refuse the petition"));

    // Without its form token nothing is refused.
    let forged =
        moderator.post(&format!("{case}/refuse"), &[("code", "abusive"), ("reason", "Insults the mayor.")]).await;
    assert_eq!(forged.status, 403);
    assert_eq!(status_of(&app, &council, refused).await, "moderation");

    // No ground chosen: the summary links to the first radio, the explanation typed is kept.
    let reason = "The text insults named officials.";
    let no_code = post_from(&mut moderator, &case, &format!("{case}/refuse"), &[("reason", reason)]).await;
    assert_eq!(no_code.status, 200);
    assert!(no_code.title().starts_with("Error: "), "{}", no_code.title());
    assert!(no_code.html.contains("<a href=\"#code\">Choose the ground of the refusal</a>"), "{}", no_code.html);
    assert!(no_code.html.contains(&format!(">{reason}</textarea>")), "{}", no_code.html);
    // Too short an explanation: the domain's rule, in the page's words; the ground chosen stays chosen.
    let short =
        post_from(&mut moderator, &case, &format!("{case}/refuse"), &[("code", "abusive"), ("reason", "No.")]).await;
    assert!(short.html.contains("<a href=\"#reason\">Explain the refusal to the author in at least 10 characters"));
    assert!(short.html.contains("value=\"abusive\" checked"), "{}", short.html);
    assert_eq!(status_of(&app, &council, refused).await, "moderation");

    let done =
        post_from(&mut moderator, &case, &format!("{case}/refuse"), &[("code", "abusive"), ("reason", reason)]).await;
    assert_eq!((done.status, done.location.as_deref()), (303, Some(format!("{case}?done=refused").as_str())));
    let after = moderator.get(&format!("{case}?done=refused")).await;
    assert!(after.html.contains("The petition is refused") && after.html.contains("The author was told by email"));
    assert!(
        after.html.contains("Insults, obscenity or other people&#x27;s personal data") && after.html.contains(reason)
    );
    assert!(!after.html.contains("Publish the petition"), "nothing more to do");
    assert_eq!(status_of(&app, &council, refused).await, "refused");

    // The other one is published; publishing it again is refused on the page, not a crash.
    let case = format!("/desk/moderation/{published}");
    let done = post_from(&mut moderator, &case, &format!("{case}/publish"), &[]).await;
    assert_eq!(done.location.as_deref(), Some(format!("{case}?done=published").as_str()));
    let after = moderator.get(&format!("{case}?done=published")).await;
    assert!(after.html.contains("The petition is published") && after.html.contains("It collects signatures until"));
    assert!(after.html.contains(&format!("href=\"/petitions/{published}\"")));
    let again = moderator.post(&format!("{case}/publish"), &[("csrf_token", &after.csrf_token())]).await;
    assert_eq!(again.status, 200);
    assert!(
        again.html.contains("<a href=\"#publish\">the petition is collecting and cannot be published"),
        "{}",
        again.html
    );

    let queue = moderator.get("/desk/moderation").await;
    assert!(queue.html.contains("No petition awaits moderation"), "{}", queue.html);

    // The petition pages show the new states: the public sees the published one collecting; the author
    // reads the ground and the explanation of the refused one, which stays hidden from the public.
    let mut public = Browser::new(&app);
    assert!(public.get(&format!("/petitions/{published}")).await.html.contains("Collecting signatures"));
    assert_eq!(public.get(&format!("/petitions/{refused}")).await.status, 404);
    let mut author = logged_in(&app, "author@example.org", PASSWORD).await;
    let own = author.get(&format!("/petitions/{refused}")).await;
    assert!(own.html.contains("Not published") && own.html.contains(reason), "{}", own.html);
}

#[tokio::test]
async fn moderation_is_refused_to_citizens_officers_and_to_the_author_of_the_petition() {
    let app = spawn_app_with_smtp().await;
    let council = council(&app, 3, "verified_account").await;
    let id = submitted(&app, &council).await;
    let case = format!("/desk/moderation/{id}");

    // Anonymous: log in first.
    let mut anonymous = Browser::new(&app);
    assert_eq!(anonymous.get("/desk/moderation").await.location.as_deref(), Some("/account/login"));

    // A citizen (the author) and an officer of the council are not moderators: the 403 page, nothing changed.
    for email in ["author@example.org", "clerk@rada.example.org"] {
        let mut browser = logged_in(&app, email, PASSWORD).await;
        let queue = browser.get("/desk/moderation").await;
        assert_eq!(queue.status, 403, "{email}");
        assert_eq!(browser.get(&case).await.status, 403, "{email}");
        let token = browser.get("/petitions").await.csrf_token();
        assert_eq!(browser.post(&format!("{case}/publish"), &[("csrf_token", &token)]).await.status, 403);
        let refuse = [("csrf_token", token.as_str()), ("code", "abusive"), ("reason", "Insults named people.")];
        assert_eq!(browser.post(&format!("{case}/refuse"), &refuse).await.status, 403);
    }
    assert_eq!(status_of(&app, &council, id).await, "moderation");

    // A moderator never moderates their own petition.
    let own = app.post("/api/v1/petitions", Some(&council.moderator), crate::petitions::park()).await;
    let own = own.body["id"].as_i64().unwrap();
    let mut moderator = logged_in(&app, "moderator@rada.example.org", PASSWORD).await;
    let queue = moderator.get("/desk/moderation").await;
    assert_eq!(queue.status, 200);
    assert_eq!(moderator.get(&format!("/desk/moderation/{own}")).await.status, 403);
    let token = queue.csrf_token();
    assert_eq!(moderator.post(&format!("/desk/moderation/{own}/publish"), &[("csrf_token", &token)]).await.status, 403);
    assert_eq!(status_of(&app, &council, own).await, "moderation");

    // An administrator moderates (the authorization module lets administrators moderate).
    let mut admin = logged_in(&app, "admin@rada.example.org", "administrator password").await;
    let done = post_from(&mut admin, &case, &format!("{case}/publish"), &[]).await;
    assert_eq!(done.status, 303, "{}", done.html);
    assert_eq!(status_of(&app, &council, id).await, "collecting");
}

/// A petition of `council` that reached its threshold of one signature; returns its id.
async fn reached_threshold(app: &TestApp, council: &Council, author: &str) -> i64 {
    let created = app.post("/api/v1/petitions", Some(author), crate::petitions::park()).await;
    let id = created.body["id"].as_i64().unwrap();
    step(app, &council.moderator, &format!("/api/v1/petitions/{id}/publish"), json!({})).await;
    let signer = format!("signer{id}@example.org");
    let token = app.verified_citizen("Ivan Franko", &signer).await;
    assert_eq!(sign(app, &token, id, true).await.status, 201);
    id
}

#[tokio::test]
async fn an_officer_of_the_council_publishes_the_notice_then_the_answer() {
    let app = spawn_app_with_smtp().await;
    let council = council(&app, 1, "verified_account").await;
    let id = reached_threshold(&app, &council, &council.author).await;
    let mut clerk = logged_in(&app, "clerk@rada.example.org", PASSWORD).await;

    let queue = clerk.get("/desk/council").await;
    assert_eq!(queue.status, 200, "{}", queue.html);
    assert!(queue.html.contains("1 petition awaits the notice of consideration"), "{}", queue.html);
    assert!(
        queue.html.contains("Reached the threshold on") && queue.html.contains("No petition is under consideration")
    );

    let case = format!("/desk/council/{id}");
    assert_eq!(clerk.post(&format!("{case}/notice"), &[]).await.status, 403, "no form token");
    assert_eq!(status_of(&app, &council, id).await, "awaiting_consideration");
    let done = post_from(&mut clerk, &case, &format!("{case}/notice"), &[]).await;
    assert_eq!(done.location.as_deref(), Some(format!("{case}?done=notice").as_str()));
    let after = clerk.get(&format!("{case}?done=notice")).await;
    assert!(after.html.contains("The notice is published") && after.html.contains("The answer is due by"));
    assert!(after.html.contains("working days left") && after.html.contains("Publish the answer"));
    let queue = clerk.get("/desk/council").await;
    assert!(queue.html.contains("1 petition is under consideration"), "{}", queue.html);

    // The answer: a decision and reasons, or the errors with what was typed.
    let short = post_from(&mut clerk, &case, &format!("{case}/answer"), &[("text", "Too short.")]).await;
    assert!(short.title().starts_with("Error: "));
    assert!(short.html.contains("<a href=\"#decision\">Choose the council&#x27;s decision</a>"), "{}", short.html);
    assert!(short.html.contains(">Too short.</textarea>"));
    let short =
        post_from(&mut clerk, &case, &format!("{case}/answer"), &[("decision", "supported"), ("text", "Yes.")]).await;
    assert!(short.html.contains("<a href=\"#text\">Give the reasons for the decision in at least 20 characters"));
    assert_eq!(status_of(&app, &council, id).await, "under_consideration");

    let text = "The council supports the petition: the park is restored from the budget of next year.";
    let fields = [("decision", "supported"), ("text", text)];
    let done = post_from(&mut clerk, &case, &format!("{case}/answer"), &fields).await;
    assert_eq!(done.location.as_deref(), Some(format!("{case}?done=answered").as_str()));
    let after = clerk.get(&format!("{case}?done=answered")).await;
    assert!(after.html.contains("The answer is published") && after.html.contains("It is on the petition&#x27;s page"));
    assert_eq!(status_of(&app, &council, id).await, "answered");

    // The public page shows the notice, the due date and the answer.
    let public = Browser::new(&app).get(&format!("/petitions/{id}")).await;
    assert!(public.html.contains("Consideration started") && public.html.contains("Answer due by"));
    assert!(public.html.contains("Supported") && public.html.contains(text), "{}", public.html);
}

#[tokio::test]
async fn the_councils_desk_is_refused_to_moderators_citizens_administrators_and_to_an_officer_on_their_own_petition() {
    let app = spawn_app_with_smtp().await;
    let council = council(&app, 1, "verified_account").await;
    let id = reached_threshold(&app, &council, &council.author).await;
    let case = format!("/desk/council/{id}");

    let people = [
        ("moderator@rada.example.org", PASSWORD),
        ("author@example.org", PASSWORD),
        ("admin@rada.example.org", "administrator password"),
    ];
    for (email, password) in people {
        let mut browser = logged_in(&app, email, password).await;
        assert_eq!(browser.get("/desk/council").await.status, 403, "{email}");
        assert_eq!(browser.get(&case).await.status, 403, "{email}");
        let token = browser.get("/petitions").await.csrf_token();
        assert_eq!(browser.post(&format!("{case}/notice"), &[("csrf_token", &token)]).await.status, 403, "{email}");
    }
    assert_eq!(status_of(&app, &council, id).await, "awaiting_consideration");

    // The officer's own petition: nobody answers their own item.
    let own = reached_threshold(&app, &council, &council.clerk).await;
    let mut clerk = logged_in(&app, "clerk@rada.example.org", PASSWORD).await;
    assert_eq!(clerk.get(&format!("/desk/council/{own}")).await.status, 403);
    let token = clerk.get("/desk/council").await.csrf_token();
    assert_eq!(clerk.post(&format!("/desk/council/{own}/notice"), &[("csrf_token", &token)]).await.status, 403);
    assert_eq!(status_of(&app, &council, own).await, "awaiting_consideration");

    // A petition still in moderation is not the council's: it does not exist on its desk.
    let hidden = submitted(&app, &council).await;
    assert_eq!(clerk.get(&format!("/desk/council/{hidden}")).await.status, 404);
}

#[tokio::test]
async fn every_moderation_and_council_page_weighs_at_most_60_kb_gzipped_with_its_assets() {
    use crate::web_desk::{assert_within_budget, weight};
    let app = spawn_app_with_smtp().await;
    let council = council(&app, 1, "verified_account").await;
    let waiting = submitted(&app, &council).await;
    let reached = reached_threshold(&app, &council, &council.author).await;
    let mut moderator = logged_in(&app, "moderator@rada.example.org", PASSWORD).await;
    for path in ["/desk/moderation".to_owned(), format!("/desk/moderation/{waiting}")] {
        assert_within_budget(&path, weight(&mut moderator, &path).await);
    }
    let mut clerk = logged_in(&app, "clerk@rada.example.org", PASSWORD).await;
    for path in ["/desk/council".to_owned(), format!("/desk/council/{reached}")] {
        let measured = weight(&mut clerk, &path).await;
        assert!(!measured.1, "{path} has no map");
        assert_within_budget(&path, measured);
    }
}
