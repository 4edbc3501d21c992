//! Mail people want: citizens choose their optional news, follow public reports, and leave any optional
//! mail with one click (RFC 8058) — while mail about their own items always comes.
use serde_json::json;

use crate::{
    appeals::broken_bench,
    city::{self, mail_about},
    helpers::{ReceivedMail, TestApp, spawn_app_with_smtp},
    petitions::{council, sign, step, submitted},
};

/// What a mail client does with `List-Unsubscribe-Post`: one POST, no cookies, no page.
async fn one_click(app: &TestApp, mail: &ReceivedMail) -> reqwest::Response {
    assert_eq!(mail.header("List-Unsubscribe-Post"), "List-Unsubscribe=One-Click");
    let target = mail.header("List-Unsubscribe");
    let url = target.trim_start_matches('<').trim_end_matches('>');
    assert!(url.starts_with("http://127.0.0.1:8080/unsubscribe?token="), "{url}");
    let path = url.trim_start_matches("http://127.0.0.1:8080");
    assert!(mail.html().contains(&format!("href=\"{url}\"")), "the HTML part links it too");
    reqwest::Client::new()
        .post(app.url(path))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_signer_leaves_petition_news_with_one_click_and_gets_no_more_while_others_still_do() {
    let app = spawn_app_with_smtp().await;
    let council = council(&app, 2, "account_or_email").await;
    let id = submitted(&app, &council).await;
    step(&app, &council.moderator, &format!("/api/v1/petitions/{id}/publish"), json!({})).await;
    let ivan = app.verified_citizen("Ivan Franko", "ivan@example.org").await;
    let petro = app.verified_citizen("Petro Mohyla", "petro@example.org").await;
    assert_eq!(sign(&app, &ivan, id, true).await.status, 201);
    assert_eq!(sign(&app, &petro, id, true).await.status, 201);
    // Everything is on until changed.
    let mine = app.get("/api/v1/accounts/me/mail-preferences", Some(&ivan)).await;
    assert_eq!(mine.body, json!({"signed_petitions": true, "followed_reports": true}));

    step(&app, &council.clerk, &format!("/api/v1/petitions/{id}/notice"), json!({})).await;
    let news = mail_about(&app, "ivan@example.org", &format!("Petition No. {id}: consideration has started")).await;
    assert!(news.body().contains(&format!("http://127.0.0.1:8080/petitions/{id}")), "links the petition page");
    // The author's own mail is not optional: no unsubscribe.
    let to_author = mail_about(&app, "author@example.org", &format!("Petition No. {id}: consideration")).await;
    assert_eq!(to_author.header("List-Unsubscribe"), "");

    // The page behind the link only asks; the mail client's one-click POST does it.
    let target = news.header("List-Unsubscribe");
    let path = target.trim_start_matches("<http://127.0.0.1:8080").trim_end_matches('>').to_owned();
    let page = reqwest::get(app.url(&path)).await.unwrap().text().await.unwrap();
    assert!(page.contains("name=\"List-Unsubscribe\" value=\"One-Click\""), "{page}");
    assert_eq!(app.get("/api/v1/accounts/me/mail-preferences", Some(&ivan)).await.body["signed_petitions"], true);
    let done = one_click(&app, &news).await;
    assert_eq!(done.status(), 200);
    // A mail client sends no language: the page is in Ukrainian.
    assert!(done.text().await.unwrap().contains("більше не отримуватимете новин про петиції"));
    let mine = app.get("/api/v1/accounts/me/mail-preferences", Some(&ivan)).await;
    assert_eq!(mine.body, json!({"signed_petitions": false, "followed_reports": true}));

    let answer = json!({"decision": "supported", "text": "The park will be restored in spring."});
    step(&app, &council.clerk, &format!("/api/v1/petitions/{id}/answer"), answer).await;
    mail_about(&app, "petro@example.org", &format!("Petition No. {id}: the council's answer")).await;
    mail_about(&app, "author@example.org", &format!("Petition No. {id}: the council's answer")).await;
    assert!(
        app.smtp().mails_to("ivan@example.org").iter().all(|m| !m.subject().contains("answer")),
        "Ivan unsubscribed"
    );

    // He changes his mind in his settings.
    let back = app
        .put(
            "/api/v1/accounts/me/mail-preferences",
            Some(&ivan),
            json!({"signed_petitions": true, "followed_reports": false}),
        )
        .await;
    assert_eq!(back.status, 200, "{}", back.body);
    assert_eq!(app.get("/api/v1/accounts/me/mail-preferences", Some(&ivan)).await.body["signed_petitions"], true);
    // Without a login there is nothing to read or change.
    assert_eq!(app.get("/api/v1/accounts/me/mail-preferences", None).await.status, 401);
}

#[tokio::test]
async fn a_neighbour_follows_a_public_report_and_can_leave_it_but_a_private_appeal_cannot_be_followed() {
    let app = spawn_app_with_smtp().await;
    let city = city::build(&app).await;
    let filed = app.post("/api/v1/appeals", Some(&city.citizen), broken_bench(&city)).await;
    assert_eq!(filed.status, 201, "{}", filed.body);
    let report = filed.body["id"].as_i64().unwrap();
    let neighbour = app.verified_citizen("Marko Vovchok", "marko@example.org").await;

    let followed = app.post(&format!("/api/v1/appeals/{report}/followers"), Some(&neighbour), json!({})).await;
    assert_eq!(followed.status, 204, "{}", followed.body);
    assert_eq!(app.post(&format!("/api/v1/appeals/{report}/followers"), Some(&neighbour), json!({})).await.status, 204);
    assert_eq!(app.post(&format!("/api/v1/appeals/{report}/followers"), None, json!({})).await.status, 401);

    app.post(&format!("/api/v1/appeals/{report}/acknowledge"), Some(&city.roads_officer), json!({})).await;
    let news = mail_about(&app, "marko@example.org", &format!("A report you follow, No. {report}")).await;
    assert!(news.body().contains("Broken bench"));
    let public_page = format!("{}/reports/{report}", app.settings.public_url.trim_end_matches('/'));
    assert!(news.body().contains(&public_page), "a follower's mail opens the public page: {}", news.body());
    assert!(!news.body().contains("/my/appeals/"), "a follower is not sent to the author's page");
    assert!(!news.body().contains("please confirm"), "only the author confirms or rates");
    // The author's own mail about it carries no unsubscribe.
    let own = mail_about(&app, city::CITIZEN, &format!("Your appeal No. {report}: taken up")).await;
    assert_eq!(own.header("List-Unsubscribe"), "");

    assert_eq!(one_click(&app, &news).await.status(), 200);
    let mine = app.get("/api/v1/accounts/me/mail-preferences", Some(&neighbour)).await;
    assert_eq!(mine.body["followed_reports"], false);
    let left = app.delete(&format!("/api/v1/appeals/{report}/followers"), Some(&neighbour)).await;
    assert_eq!(left.status, 204);

    // A private appeal is neither followable nor revealed.
    let private = json!({"kind": "application", "subject": "The lift", "text": "The lift stopped on 1 October.",
                         "category_id": city.lift, "author_address": "Kramatorsk, Shkilna 12, apt. 40"});
    let private = app.post("/api/v1/appeals", Some(&city.citizen), private).await;
    assert_eq!(private.status, 201, "{}", private.body);
    let private_id = private.body["id"].as_i64().unwrap();
    app.post(&format!("/api/v1/appeals/{private_id}/followers"), Some(&neighbour), json!({})).await.assert_problem(404);
    app.post("/api/v1/appeals/999999/followers", Some(&neighbour), json!({})).await.assert_problem(404);
}

#[tokio::test]
async fn an_unknown_unsubscribe_link_changes_nothing_and_says_where_to_choose() {
    let app = spawn_app_with_smtp().await;
    let unknown = reqwest::Client::new()
        .post(app.url(&format!("/unsubscribe?token={}", "ab".repeat(32))))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept-language", "en")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
    assert!(unknown.text().await.unwrap().contains("account settings"));
    let garbage = reqwest::Client::new().post(app.url("/unsubscribe?token=<script>")).send().await.unwrap();
    assert_eq!(garbage.status(), 404);
}

#[tokio::test]
async fn a_neighbour_who_stops_following_a_report_hears_no_more_until_following_again() {
    let app = spawn_app_with_smtp().await;
    let city = city::build(&app).await;
    let filed = app.post("/api/v1/appeals", Some(&city.citizen), broken_bench(&city)).await;
    assert_eq!(filed.status, 201, "{}", filed.body);
    let report = filed.body["id"].as_i64().unwrap();
    let followers = format!("/api/v1/appeals/{report}/followers");
    let neighbour = app.verified_citizen("Marko Vovchok", "marko@example.org").await;
    let news_to_marko = |app: &TestApp| {
        app.smtp().mails_to("marko@example.org").iter().filter(|m| m.subject().contains("A report you follow")).count()
    };

    assert_eq!(app.post(&followers, Some(&neighbour), json!({})).await.status, 204);
    assert_eq!(app.delete(&followers, Some(&neighbour)).await.status, 204);
    app.post(&format!("/api/v1/appeals/{report}/acknowledge"), Some(&city.roads_officer), json!({})).await;
    // The author hears of it; the neighbour who left does not.
    mail_about(&app, city::CITIZEN, &format!("Your appeal No. {report}: taken up")).await;
    assert_eq!(news_to_marko(&app), 0, "no news after unfollowing");

    // Following again brings the news back.
    assert_eq!(app.post(&followers, Some(&neighbour), json!({})).await.status, 204);
    let answer = json!({"resolution": "resolved", "text": "The bench was repaired."});
    let answered = app.post(&format!("/api/v1/appeals/{report}/answer"), Some(&city.roads_officer), answer).await;
    assert_eq!(answered.status, 200, "{}", answered.body);
    mail_about(&app, "marko@example.org", &format!("A report you follow, No. {report}")).await;
    assert_eq!(news_to_marko(&app), 1);
}

#[tokio::test]
async fn a_signer_without_an_account_leaves_a_petitions_news_with_one_click() {
    let app = spawn_app_with_smtp().await;
    let council = council(&app, 3, "account_or_email").await;
    let id = submitted(&app, &council).await;
    step(&app, &council.moderator, &format!("/api/v1/petitions/{id}/publish"), json!({})).await;
    // Lesia signs with her name and e-mail, asks for news, and confirms from the mail.
    let by_mail = json!({"full_name": "Lesia Ukrainka", "email": "lesia@example.org", "notify": true});
    let pending = app.post(&format!("/api/v1/petitions/{id}/signatures"), None, by_mail).await;
    assert_eq!(pending.status, 201, "{}", pending.body);
    let confirmation = mail_about(&app, "lesia@example.org", &format!("петицією № {id}")).await;
    assert_eq!(confirmation.header("List-Unsubscribe"), "", "confirming her own signature is not optional mail");
    let confirmed =
        app.post("/api/v1/petitions/signatures/confirm", None, json!({"token": confirmation.token()})).await;
    assert_eq!(confirmed.status, 200, "{}", confirmed.body);
    // Olena signs the same way: the links of a page of signers are made together, one each.
    let olena = json!({"full_name": "Olena Pchilka", "email": "olena@example.org", "notify": true});
    assert_eq!(app.post(&format!("/api/v1/petitions/{id}/signatures"), None, olena).await.status, 201);
    let hers = mail_about(&app, "olena@example.org", &format!("петицією № {id}")).await;
    let confirmed = app.post("/api/v1/petitions/signatures/confirm", None, json!({"token": hers.token()})).await;
    assert_eq!(confirmed.status, 200, "{}", confirmed.body);
    let ivan = app.verified_citizen("Ivan Franko", "ivan@example.org").await;
    assert_eq!(sign(&app, &ivan, id, true).await.status, 201);

    step(&app, &council.clerk, &format!("/api/v1/petitions/{id}/notice"), json!({})).await;
    // Without an account there is no language preference: her mail is in Ukrainian.
    let news = mail_about(&app, "lesia@example.org", &format!("Петиція № {id}: розпочато розгляд")).await;
    let olenas_news = mail_about(&app, "olena@example.org", &format!("Петиція № {id}: розпочато розгляд")).await;
    assert!(news.header("List-Unsubscribe").contains("/unsubscribe?token="), "{}", news.header("List-Unsubscribe"));
    assert_ne!(news.header("List-Unsubscribe"), olenas_news.header("List-Unsubscribe"), "each signer has her own link");
    assert_eq!(one_click(&app, &news).await.status(), 200);

    let answer = json!({"decision": "supported", "text": "The park will be restored in spring."});
    step(&app, &council.clerk, &format!("/api/v1/petitions/{id}/answer"), answer).await;
    mail_about(&app, "ivan@example.org", &format!("Petition No. {id}: the council's answer")).await;
    mail_about(&app, "author@example.org", &format!("Petition No. {id}: the council's answer")).await;
    let to_lesia: Vec<String> = app.smtp().mails_to("lesia@example.org").iter().map(|m| m.subject()).collect();
    assert_eq!(to_lesia.len(), 2, "only the confirmation and the news before she left: {to_lesia:?}");
    // Olena, who stayed, hears the answer with the same link as before.
    let olenas_answer = mail_about(&app, "olena@example.org", &format!("Петиція № {id}: відповідь")).await;
    assert_eq!(olenas_answer.header("List-Unsubscribe"), olenas_news.header("List-Unsubscribe"));
    // Her signature still counts.
    assert_eq!(app.get(&format!("/api/v1/petitions/{id}"), None).await.body["signature_count"], 3);
}
