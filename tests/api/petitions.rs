//! Petitions as stories: submitted, moderated, signed, answered — or closed short and turned into an appeal.
use std::time::Duration;

use serde_json::{Value, json};

use crate::{
    city::mail_about,
    helpers::{TestApp, TestAppBuilder, spawn_app, spawn_app_with_smtp},
};

const AUTHOR: &str = "author@example.org";
const MODERATOR: &str = "moderator@rada.example.org";
const CLERK: &str = "clerk@rada.example.org";

pub(crate) struct Council {
    pub admin: String,
    pub id: i64,
    pub author: String,
    pub moderator: String,
    pub clerk: String,
}

pub(crate) async fn council(app: &TestApp, threshold: u32, signing_mode: &str) -> Council {
    let admin = app.administrator().await;
    let created = app
        .post("/api/v1/directory/organisations", Some(&admin), json!({"name": "City Council", "kind": "council"}))
        .await;
    let id = created.body["id"].as_i64().unwrap();
    let statute = app
        .post(
            "/api/v1/petitions/statutes",
            Some(&admin),
            json!({"council_id": id, "effective_from": "2024-01-01", "signature_threshold": threshold, "collection_days": 60,
                   "title_max_chars": 200, "text_max_chars": 5000, "signing_mode": signing_mode}),
        )
        .await;
    assert_eq!(statute.status, 201, "{}", statute.body);
    let author = app.verified_citizen("Olena Petrenko", AUTHOR).await;
    let moderator = app.verified_citizen("Mykola Moderator", MODERATOR).await;
    let clerk = app.verified_citizen("Kateryna Clerk", CLERK).await;
    let moderator_id = app.get("/api/v1/accounts/me", Some(&moderator)).await.body["id"].as_i64().unwrap();
    let role =
        app.put(&format!("/api/v1/accounts/{moderator_id}/role"), Some(&admin), json!({"role": "moderator"})).await;
    assert_eq!(role.status, 200, "{}", role.body);
    let clerk_id = app.get("/api/v1/accounts/me", Some(&clerk)).await.body["id"].as_i64().unwrap();
    let member = app
        .put(
            &format!("/api/v1/directory/organisations/{id}/members/{clerk_id}"),
            Some(&admin),
            json!({"role": "officer"}),
        )
        .await;
    assert_eq!(member.status, 204, "{}", member.body);
    Council { admin, id, author, moderator, clerk }
}

pub(crate) fn park() -> Value {
    json!({"title": "Restore the central park", "text": "We ask the council to restore the central park: repair the paths, the benches and the lighting, and plant new trees."})
}

pub(crate) async fn submitted(app: &TestApp, council: &Council) -> i64 {
    let answer = app.post("/api/v1/petitions", Some(&council.author), park()).await;
    assert_eq!(answer.status, 201, "{}", answer.body);
    assert_eq!(answer.body["status"], "moderation");
    answer.body["id"].as_i64().unwrap()
}

pub(crate) async fn step(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let answer = app.post(path, Some(token), body).await;
    assert_eq!(answer.status, 200, "{path}: {}", answer.body);
    answer.body
}

pub(crate) async fn sign(app: &TestApp, token: &str, id: i64, notify: bool) -> crate::helpers::Answer {
    app.post(&format!("/api/v1/petitions/{id}/signatures"), Some(token), json!({"notify": notify})).await
}

#[tokio::test]
async fn a_moderator_refuses_a_petition_with_a_coded_reason_the_author_receives() {
    let app = spawn_app_with_smtp().await;
    let council = council(&app, 3, "verified_account").await;
    let id = submitted(&app, &council).await;

    // In moderation it is visible only to its author and the moderators.
    app.get(&format!("/api/v1/petitions/{id}"), None).await.assert_problem(404);
    assert_eq!(app.get(&format!("/api/v1/petitions/{id}"), Some(&council.author)).await.status, 200);
    let queue = app.get("/api/v1/petitions?status=moderation", Some(&council.moderator)).await;
    assert_eq!(queue.body["total"], 1, "{}", queue.body);
    app.get("/api/v1/petitions?status=moderation", Some(&council.author)).await.assert_problem(403);
    // Nobody signs before publication.
    sign(&app, &council.clerk, id, false).await.assert_problem(409);

    let refuse = json!({"code": "banned_content", "reason": "The text calls for violence against a group of people."});
    app.post(&format!("/api/v1/petitions/{id}/refuse"), Some(&council.author), refuse.clone())
        .await
        .assert_problem(403);
    app.post(
        &format!("/api/v1/petitions/{id}/refuse"),
        Some(&council.moderator),
        json!({"code": "ugly", "reason": "whatever reason"}),
    )
    .await
    .assert_problem(422);
    let refused = step(&app, &council.moderator, &format!("/api/v1/petitions/{id}/refuse"), refuse).await;
    assert_eq!(refused["status"], "refused");
    assert_eq!(refused["refusal_code"], "banned_content");
    let mail = mail_about(&app, AUTHOR, &format!("Petition No. {id}: not published")).await;
    assert!(mail.body().contains("calls for violence"), "{}", mail.body());
    app.post(&format!("/api/v1/petitions/{id}/publish"), Some(&council.moderator), json!({})).await.assert_problem(409);
    let history = app.get(&format!("/api/v1/petitions/{id}/history"), Some(&council.author)).await.body;
    assert_eq!(history[1]["details"]["moderated_within_term"], true, "{history}");
}

#[tokio::test]
async fn a_published_petition_is_signed_reaches_the_threshold_and_is_answered() {
    let app = spawn_app_with_smtp().await;
    let council = council(&app, 3, "account_or_email").await;
    let id = submitted(&app, &council).await;
    let published = step(&app, &council.moderator, &format!("/api/v1/petitions/{id}/publish"), json!({})).await;
    assert_eq!(published["status"], "collecting");
    assert_eq!(published["signature_threshold"], 3);
    mail_about(&app, AUTHOR, &format!("Petition No. {id}: published")).await;

    // A verified citizen signs and is counted at once; the same person cannot sign twice.
    let ivan = app.verified_citizen("Ivan Franko", "ivan@example.org").await;
    let signed = sign(&app, &ivan, id, true).await;
    assert_eq!(signed.status, 201, "{}", signed.body);
    assert_eq!(signed.body["status"], "confirmed");
    sign(&app, &ivan, id, true).await.assert_problem(409);

    // Someone without an account signs with name and e-mail; it counts once the mailed link is opened.
    let by_mail = json!({"full_name": "Lesia Ukrainka", "email": "  Lesia@Example.org ", "notify": true});
    let pending = app.post(&format!("/api/v1/petitions/{id}/signatures"), None, by_mail.clone()).await;
    assert_eq!(pending.status, 201, "{}", pending.body);
    assert_eq!(pending.body["status"], "pending");
    assert_eq!(app.get(&format!("/api/v1/petitions/{id}"), None).await.body["signature_count"], 1);
    // The same address in other letters is the same person: it gets the same answer (whether an address
    // signed is nobody else's business), and only one of the mailed links will count.
    let again = json!({"full_name": "Lesia Ukrainka", "email": "LESIA@example.org"});
    let second = app.post(&format!("/api/v1/petitions/{id}/signatures"), None, again).await;
    assert_eq!((second.status, &second.body), (pending.status, &pending.body));
    // Without an account there is no language preference: the mail is in Ukrainian.
    let confirmation = mail_about(&app, "lesia@example.org", &format!("петицією № {id}")).await;
    let token = confirmation.token();
    let confirmed = app.get(&format!("/api/v1/petitions/signatures/confirm?token={token}"), None).await;
    assert_eq!(confirmed.status, 200, "{}", confirmed.body);
    app.post("/api/v1/petitions/signatures/confirm", None, json!({"token": token})).await.assert_problem(409);
    assert_eq!(app.get(&format!("/api/v1/petitions/{id}"), None).await.body["signature_count"], 2);

    // A signer withdraws (recorded, not deleted) and signs no more; the count follows.
    let taras = app.verified_citizen("Taras Shevchenko", "taras@example.org").await;
    assert_eq!(sign(&app, &taras, id, false).await.status, 201);
    // The third signature reached the threshold.
    let reached = app.get(&format!("/api/v1/petitions/{id}"), None).await.body;
    assert_eq!(reached["signature_count"], 3);
    assert_eq!(reached["status"], "awaiting_consideration");
    assert!(!reached["threshold_reached_at"].is_null());
    mail_about(&app, AUTHOR, &format!("Petition No. {id}: the threshold is reached")).await;
    // Collection has stopped: no more signatures, no withdrawals.
    let marko = app.verified_citizen("Marko Vovchok", "marko@example.org").await;
    sign(&app, &marko, id, false).await.assert_problem(409);
    app.delete(&format!("/api/v1/petitions/{id}/signatures/mine"), Some(&taras)).await.assert_problem(409);

    // The public sees the signers' names only.
    let signers = app.get(&format!("/api/v1/petitions/{id}/signers?per_page=2"), None).await;
    assert_eq!(signers.body["total"], 3);
    assert_eq!(signers.body["items"][0]["full_name"], "Ivan Franko");
    assert_eq!(signers.body["items"].as_array().unwrap().len(), 2);
    let page = app.get(&format!("/api/v1/petitions/{id}"), None).await.body.to_string() + &signers.body.to_string();
    assert!(!page.contains("@example.org"), "no e-mail addresses in public data");

    // The council's officer announces consideration, then answers; only officers of the council may.
    app.post(&format!("/api/v1/petitions/{id}/notice"), Some(&council.moderator), json!({})).await.assert_problem(403);
    let notice = step(&app, &council.clerk, &format!("/api/v1/petitions/{id}/notice"), json!({})).await;
    assert_eq!(notice["status"], "under_consideration");
    assert!(!notice["consideration_due_at"].is_null());
    let answer = json!({"decision": "partly_supported", "text": "The paths and benches will be repaired in spring; new lighting needs next year's budget."});
    let answered = step(&app, &council.clerk, &format!("/api/v1/petitions/{id}/answer"), answer).await;
    assert_eq!(answered["status"], "answered");
    assert_eq!(answered["decision"], "partly_supported");

    // The author and the signers who asked to be told get the answer; Taras did not ask.
    let to_author = mail_about(&app, AUTHOR, &format!("Petition No. {id}: the council's answer")).await;
    assert!(to_author.body().contains("next year's budget"));
    mail_about(&app, "ivan@example.org", &format!("Petition No. {id}: the council's answer")).await;
    mail_about(&app, "lesia@example.org", &format!("Петиція № {id}: відповідь ради")).await;
    assert!(app.smtp().mails_to("taras@example.org").iter().all(|m| !m.subject().contains("answer")));
    let history = app.get(&format!("/api/v1/petitions/{id}/history"), None).await.body;
    let actions: Vec<&str> = history.as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["submitted", "published", "threshold_reached", "consideration_started", "answered"]);
}

#[tokio::test]
async fn a_petition_that_closes_short_becomes_an_appeal_at_its_authors_request() {
    let app = TestAppBuilder::new().await.with_smtp().configure(|s| s.watcher.interval_seconds = 1).spawn().await;
    let council = council(&app, 100, "verified_account").await;
    let id = submitted(&app, &council).await;
    step(&app, &council.moderator, &format!("/api/v1/petitions/{id}/publish"), json!({})).await;
    let ivan = app.verified_citizen("Ivan Franko", "ivan@example.org").await;
    assert_eq!(sign(&app, &ivan, id, false).await.status, 201);
    // Without an account this statute does not allow signing.
    app.post(&format!("/api/v1/petitions/{id}/signatures"), None, json!({"full_name": "A B", "email": "a@b.org"}))
        .await
        .assert_problem(401);
    // A signer withdraws while collection runs.
    let withdrawn = app.delete(&format!("/api/v1/petitions/{id}/signatures/mine"), Some(&ivan)).await;
    assert_eq!(withdrawn.status, 204, "{}", withdrawn.body);
    assert_eq!(app.get(&format!("/api/v1/petitions/{id}"), None).await.body["signature_count"], 0);
    app.delete(&format!("/api/v1/petitions/{id}/signatures/mine"), Some(&ivan)).await.assert_problem(404);

    // The collection period runs out (the clock is moved on by ending the period in the database).
    use sea_orm::{ConnectionTrait, Statement};
    let past = (chrono::Utc::now() - chrono::Duration::minutes(1)).to_rfc3339();
    let backend = app.db.get_database_backend();
    let sql = match backend {
        sea_orm::DatabaseBackend::Postgres => "UPDATE petitions SET collection_ends_at = $1::timestamptz WHERE id = $2",
        _ => "UPDATE petitions SET collection_ends_at = $1 WHERE id = $2",
    };
    app.db.execute_raw(Statement::from_sql_and_values(backend, sql, [past.into(), (id as i32).into()])).await.unwrap();
    let mut closed = Value::Null;
    for _ in 0..100 {
        closed = app.get(&format!("/api/v1/petitions/{id}"), None).await.body;
        if closed["status"] == "closed" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(closed["status"], "closed", "{closed}");
    mail_about(&app, AUTHOR, &format!("Petition No. {id}: collection ended")).await;

    // Only the author asks, with an address; it becomes an application to the council with its own deadline.
    let ask = format!("/api/v1/petitions/{id}/appeal");
    app.post(&ask, Some(&ivan), json!({"author_address": "Kramatorsk, Myru 1"})).await.assert_problem(403);
    app.post(&ask, Some(&council.author), json!({"author_address": ""})).await.assert_problem(422);
    let converted = step(&app, &council.author, &ask, json!({"author_address": "Kramatorsk, Myru 1"})).await;
    let appeal_id = converted["appeal_id"].as_i64().expect("linked to an appeal");
    let appeal = app.get(&format!("/api/v1/appeals/{appeal_id}"), Some(&council.author)).await.body;
    assert_eq!(appeal["kind"], "application");
    assert_eq!(appeal["executor"]["id"], council.id);
    assert_eq!(appeal["deadline"]["rule"], "appeal_standard");
    app.post(&ask, Some(&council.author), json!({"author_address": "Kramatorsk, Myru 1"})).await.assert_problem(409);
    mail_about(&app, AUTHOR, &format!("No. {appeal_id}: received")).await;
    let _ = council.admin;
}

#[tokio::test]
async fn reading_petitions_searches_filters_sorts_and_pages() {
    let app = spawn_app_with_smtp().await;
    let council = council(&app, 2, "verified_account").await;
    let mut ids = Vec::new();
    for title in ["Restore the central park", "Light the river embankment", "Plant trees in the park"] {
        let body = json!({"title": title, "text": format!("{title}: we ask the council to do it this year, with a public report on the works.")});
        let id = app.post("/api/v1/petitions", Some(&council.author), body).await.body["id"].as_i64().unwrap();
        step(&app, &council.moderator, &format!("/api/v1/petitions/{id}/publish"), json!({})).await;
        ids.push(id);
    }
    let ivan = app.verified_citizen("Ivan Franko", "ivan@example.org").await;
    sign(&app, &ivan, ids[1], false).await;

    let search = app.get("/api/v1/petitions?q=PARK", None).await.body;
    assert_eq!(search["total"], 2, "{search}");
    let both_words = app.get("/api/v1/petitions?q=park%20trees", None).await.body;
    assert_eq!(both_words["total"], 1);
    assert_eq!(both_words["items"][0]["id"], ids[2]);
    let most_signed = app.get("/api/v1/petitions?sort=most_signed", None).await.body;
    assert_eq!(most_signed["items"][0]["id"], ids[1]);
    let newest = app.get("/api/v1/petitions?per_page=2&page=2", None).await.body;
    assert_eq!(newest["total"], 3);
    assert_eq!(newest["items"][0]["id"], ids[0]);
    let collecting = app.get("/api/v1/petitions?status=collecting&sort=closing_soon", None).await.body;
    assert_eq!(collecting["total"], 3);
    assert_eq!(app.get("/api/v1/petitions?status=answered", None).await.body["total"], 0);

    app.get("/api/v1/petitions?sort=loudest", None).await.assert_problem(422);
    app.get("/api/v1/petitions?status=nope", None).await.assert_problem(422);
    app.get("/api/v1/petitions?per_page=1000", None).await.assert_problem(422);
    app.get("/api/v1/petitions/9999", None).await.assert_problem(404);
    let short = app.post("/api/v1/petitions", Some(&council.author), json!({"title": "Park", "text": "short"})).await;
    short.assert_problem(422);
    assert_eq!(short.body["field"], "title");
    app.post("/api/v1/petitions", None, park()).await.assert_problem(401);
    app.post(
        &format!("/api/v1/petitions/{}/signatures", ids[0]),
        None,
        json!({"full_name": "A B", "email": "a@b.org"}),
    )
    .await
    .assert_problem(401);
    // A second statute for the same council and date is refused; another date is new terms.
    let statute = json!({"council_id": council.id, "effective_from": "2024-01-01", "signature_threshold": 10, "collection_days": 30,
                         "title_max_chars": 200, "text_max_chars": 5000, "signing_mode": "verified_account"});
    let same_date = app.post("/api/v1/petitions/statutes", Some(&council.admin), statute).await;
    same_date.assert_problem(422);
    assert_eq!(same_date.body["field"], "effective_from", "{}", same_date.body);
    assert!(same_date.body["detail"].as_str().unwrap().contains("another date"), "{}", same_date.body);
    let statutes = app.get("/api/v1/petitions/statutes", None).await.body;
    assert_eq!(statutes.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn signing_is_rate_limited_per_address() {
    let app = TestAppBuilder::new().await.with_smtp().configure(|s| s.rate_limits.sign_per_minute = 2).spawn().await;
    let council = council(&app, 100, "account_or_email").await;
    let id = submitted(&app, &council).await;
    step(&app, &council.moderator, &format!("/api/v1/petitions/{id}/publish"), json!({})).await;
    let path = format!("/api/v1/petitions/{id}/signatures");
    for n in 0..2 {
        let body = json!({"full_name": "Signer Number", "email": format!("s{n}@example.org")});
        assert_eq!(app.post(&path, None, body).await.status, 201);
    }
    let limited = app.post(&path, None, json!({"full_name": "Signer Three", "email": "s3@example.org"})).await;
    limited.assert_problem(429);
    assert!(limited.headers.contains_key("retry-after"));
}

#[tokio::test]
async fn a_page_out_of_range_is_a_422_naming_it_on_every_list() {
    let app = spawn_app().await;
    let citizen = app.administrator().await;
    for path in [
        "/api/v1/petitions?page=18446744073709551615",
        "/api/v1/petitions?page=0",
        "/api/v1/petitions/1/signers?page=18446744073709551615&per_page=500",
        "/api/v1/appeals?page=18446744073709551615",
        "/api/v1/appeals?per_page=0",
    ] {
        let answer = app.get(path, Some(&citizen)).await;
        answer.assert_problem(422);
        assert!(["page", "per_page"].contains(&answer.body["field"].as_str().unwrap()), "{path}: {}", answer.body);
    }
    app.get("/api/v1/petitions?page=two", None).await.assert_problem(400);
}

/// Closes petition `id` short of its threshold: the collection period is moved into the past and the
/// watcher (every second) closes it.
pub(crate) async fn closed_short(app: &TestApp, id: i64) {
    use sea_orm::{ConnectionTrait, Statement};
    let past = (chrono::Utc::now() - chrono::Duration::minutes(1)).to_rfc3339();
    let backend = app.db.get_database_backend();
    let sql = match backend {
        sea_orm::DatabaseBackend::Postgres => "UPDATE petitions SET collection_ends_at = $1::timestamptz WHERE id = $2",
        _ => "UPDATE petitions SET collection_ends_at = $1 WHERE id = $2",
    };
    app.db.execute_raw(Statement::from_sql_and_values(backend, sql, [past.into(), (id as i32).into()])).await.unwrap();
    for _ in 0..100 {
        if app.get(&format!("/api/v1/petitions/{id}"), None).await.body["status"] == "closed" {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("petition {id} did not close");
}

#[tokio::test]
async fn a_petition_becomes_one_appeal_or_none_never_half() {
    use sea_orm::{EntityTrait, PaginatorTrait};
    let app = TestAppBuilder::new().await.with_smtp().configure(|s| s.watcher.interval_seconds = 1).spawn().await;
    let council = council(&app, 100, "verified_account").await;
    let id = submitted(&app, &council).await;
    step(&app, &council.moderator, &format!("/api/v1/petitions/{id}/publish"), json!({})).await;
    closed_short(&app, id).await;
    let appeals = || async { entity::appeals::Entity::find().count(&app.db).await.unwrap() };
    let ask = format!("/api/v1/petitions/{id}/appeal");
    let address = json!({"author_address": "Kramatorsk, Myru 1"});

    // Someone else asks: refused, and no appeal was stored on the way.
    let ivan = app.verified_citizen("Ivan Franko", "ivan@example.org").await;
    app.post(&ask, Some(&ivan), address.clone()).await.assert_problem(403);
    assert_eq!(appeals().await, 0, "a refused request leaves no appeal behind");

    // The author's client sends the request four times at once: one appeal, linked; the rest are refused.
    let answers =
        futures::future::join_all((0..4).map(|_| app.post(&ask, Some(&council.author), address.clone()))).await;
    let statuses: Vec<u16> = answers.iter().map(|a| a.status).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| [200, 409].contains(s)), "{statuses:?}");
    assert_eq!(appeals().await, 1, "exactly one appeal, the one the petition links to");
    let linked = app.get(&format!("/api/v1/petitions/{id}"), None).await.body["appeal_id"].as_i64();
    let only = entity::appeals::Entity::find().one(&app.db).await.unwrap().unwrap();
    assert_eq!(linked, Some(i64::from(only.id)));
}
