//! What hostile testing found (issue 16): nothing private leaks to the public, and nobody moderates or
//! answers their own item.
use serde_json::json;

use crate::{
    city,
    helpers::spawn_app_with_smtp,
    petitions::{council, park, step, submitted},
};

#[tokio::test]
async fn a_refused_petition_is_read_only_by_its_author_and_the_moderators() {
    let app = spawn_app_with_smtp().await;
    let council = council(&app, 3, "verified_account").await;
    let id = submitted(&app, &council).await;
    let refuse = json!({"code": "abusive", "reason": "The text names and insults a private person."});
    step(&app, &council.moderator, &format!("/api/v1/petitions/{id}/refuse"), refuse).await;

    // The public (and any other citizen) learns nothing from the API: not the page, the history, the list.
    for token in [None, Some(council.clerk.as_str())] {
        app.get(&format!("/api/v1/petitions/{id}"), token).await.assert_problem(404);
        app.get(&format!("/api/v1/petitions/{id}/history"), token).await.assert_problem(404);
        app.get(&format!("/api/v1/petitions/{id}/signers"), token).await.assert_problem(404);
        assert_eq!(app.get("/api/v1/petitions", token).await.body["total"], 0);
    }
    app.get("/api/v1/petitions?status=refused", None).await.assert_problem(401);
    app.get("/api/v1/petitions?status=refused", Some(&council.clerk)).await.assert_problem(403);
    // The open data says that it was refused and on what ground, without the title.
    let open = app.get("/api/v1/open-data/petitions.json", None).await.body;
    assert_eq!(open[0]["status"], "refused", "{open}");
    assert_eq!(open[0]["refusal_code"], "abusive", "{open}");
    assert!(!open.to_string().contains("central park"), "{open}");

    // Its author and the moderators still read it whole.
    for token in [&council.author, &council.moderator] {
        let page = app.get(&format!("/api/v1/petitions/{id}"), Some(token)).await;
        assert_eq!(page.body["refusal_reason"], "The text names and insults a private person.", "{}", page.body);
        assert_eq!(app.get(&format!("/api/v1/petitions/{id}/history"), Some(token)).await.status, 200);
    }
    let listed = app.get("/api/v1/petitions?status=refused", Some(&council.moderator)).await;
    assert_eq!(listed.body["total"], 1, "{}", listed.body);
}

#[tokio::test]
async fn a_moderator_does_not_publish_their_own_petition() {
    let app = spawn_app_with_smtp().await;
    let council = council(&app, 3, "verified_account").await;
    let own = app.post("/api/v1/petitions", Some(&council.moderator), park()).await;
    assert_eq!(own.status, 201, "{}", own.body);
    let id = own.body["id"].as_i64().unwrap();

    let publish = format!("/api/v1/petitions/{id}/publish");
    let refused = app.post(&publish, Some(&council.moderator), json!({})).await;
    refused.assert_problem(403);
    let refuse = json!({"code": "duplicate", "reason": "The same demand is already collecting signatures."});
    app.post(&format!("/api/v1/petitions/{id}/refuse"), Some(&council.moderator), refuse).await.assert_problem(403);
    // Another moderator (here the administrator) does it.
    let published = step(&app, &council.admin, &publish, json!({})).await;
    assert_eq!(published["status"], "collecting");
    // The author's own petitions of others are moderated as before.
    let other = submitted(&app, &council).await;
    step(&app, &council.moderator, &format!("/api/v1/petitions/{other}/publish"), json!({})).await;
}

#[tokio::test]
async fn an_officer_does_not_handle_their_own_report_and_its_public_history_names_no_officer() {
    let app = spawn_app_with_smtp().await;
    let city = city::build(&app).await;
    let report = json!({"kind": "issue_report", "subject": "Pothole on Myru", "text": "A deep pothole by the bus stop.",
                        "category_id": city.pothole, "address": "Myru 10"});

    // An officer of the roads department reports a pothole the roads department handles.
    let own = app.post("/api/v1/appeals", Some(&city.roads_officer), report.clone()).await;
    assert_eq!(own.status, 201, "{}", own.body);
    let own_id = own.body["id"].as_i64().unwrap();
    for (step, body) in [
        ("acknowledge", json!({})),
        ("answer", json!({"resolution": "resolved", "text": "Patched it myself, all fine."})),
        ("refuse", json!({"code": "non_conforming", "reason": "Nothing to do here at all."})),
    ] {
        let answer = app.post(&format!("/api/v1/appeals/{own_id}/{step}"), Some(&city.roads_officer), body).await;
        answer.assert_problem(403);
    }
    // They still read it, as its author.
    assert_eq!(app.get(&format!("/api/v1/appeals/{own_id}"), Some(&city.roads_officer)).await.status, 200);

    // A citizen's report, taken by the officer: its public history does not name the officer's account.
    let filed = app.post("/api/v1/appeals", Some(&city.citizen), report).await;
    let id = filed.body["id"].as_i64().unwrap();
    let taken = app.post(&format!("/api/v1/appeals/{id}/acknowledge"), Some(&city.roads_officer), json!({})).await;
    assert_eq!(taken.status, 200, "{}", taken.body);
    let public = app.get(&format!("/api/v1/appeals/{id}/history"), None).await.body;
    assert_eq!(public[1]["action"], "acknowledged", "{public}");
    assert!(!public.to_string().contains("account_id"), "{public}");
    // The executor's staff still see who took it.
    let staff = app.get(&format!("/api/v1/appeals/{id}/history"), Some(&city.roads_officer)).await.body;
    assert!(staff[1]["details"]["assignee_account_id"].is_i64(), "{staff}");
}

#[tokio::test]
async fn one_mailbox_one_signature_and_nobody_squats_or_learns_anothers() {
    let app = crate::helpers::TestAppBuilder::new()
        .await
        .with_smtp()
        .configure(|s| s.signature_confirmation_ttl_hours = 1)
        .spawn()
        .await;
    let council = council(&app, 100, "account_or_email").await;
    let id = submitted(&app, &council).await;
    step(&app, &council.moderator, &format!("/api/v1/petitions/{id}/publish"), json!({})).await;
    let path = format!("/api/v1/petitions/{id}/signatures");
    let count = || async { app.get(&format!("/api/v1/petitions/{id}"), None).await.body["signature_count"].clone() };

    let olena = app.verified_citizen("Olena Petrenko", "olena.petrenko@gmail.com").await;
    // A squatter signs with Olena's address and another name, and never confirms.
    let squat = json!({"full_name": "Fake Person", "email": "olena.petrenko@gmail.com"});
    let squatted = app.post(&path, None, squat).await;
    assert_eq!(squatted.status, 201, "{}", squatted.body);
    // Olena signs with her verified account: the unconfirmed signature blocks nothing.
    let signed = app.post(&path, Some(&olena), json!({"notify": false})).await;
    assert_eq!(signed.status, 201, "{}", signed.body);
    assert_eq!(count().await, 1);
    // The squatter's link, which went to Olena (naming the name it would show), cannot count her twice.
    let link = crate::city::mail_about(&app, "olena.petrenko@gmail.com", &format!("петицією № {id}")).await;
    assert!(link.body().contains("Fake Person"), "the mail says which name would be shown: {}", link.body());
    let token = link.token();
    app.post("/api/v1/petitions/signatures/confirm", None, json!({ "token": token })).await.assert_problem(409);
    assert_eq!(count().await, 1);
    let signers = app.get(&format!("/api/v1/petitions/{id}/signers"), None).await.body;
    assert_eq!(signers["items"][0]["full_name"], "Olena Petrenko", "{signers}");
    assert_eq!(signers["total"], 1);

    // Her mailbox under a tag, in capitals, with Gmail's dots or domain: the same answer as a new
    // address (no oracle); the mail to the address as typed says it signed already; nothing is counted.
    let fresh = app.post(&path, None, json!({"full_name": "Petro Novyi", "email": "petro@example.net"})).await;
    for email in ["Olena.Petrenko+again@gmail.com", "o.lena.petrenko@googlemail.com", "OLENAPETRENKO@gmail.com"] {
        let again = app.post(&path, None, json!({"full_name": "Olena Petrenko", "email": email})).await;
        assert_eq!((again.status, &again.body), (fresh.status, &fresh.body), "{email}");
        let told = crate::city::mail_about(&app, &email.to_lowercase(), "вже підписала").await;
        assert!(told.body().contains("Нічого не змінено"), "{}", told.body());
    }
    assert_eq!(count().await, 1);

    // An unconfirmed signature expires: its link no longer counts once the configured hour has passed.
    let late = crate::city::mail_about(&app, "petro@example.net", &format!("петицією № {id}")).await;
    use sea_orm::ConnectionTrait;
    app.db
        .execute_unprepared(&format!(
            "UPDATE signatures SET created_at = '{}' WHERE email = 'petro@example.net'",
            (chrono::Utc::now() - chrono::Duration::minutes(61)).format("%Y-%m-%d %H:%M:%S%.6f+00:00")
        ))
        .await
        .unwrap();
    let token = late.token();
    let expired = app.post("/api/v1/petitions/signatures/confirm", None, json!({ "token": token })).await;
    assert!(expired.assert_problem(409).contains("expired"), "{}", expired.body);
    assert_eq!(count().await, 1);
}

#[tokio::test]
async fn signatures_stored_before_the_mailbox_rule_are_given_their_mailbox_without_losing_any() {
    use sea_orm::{ConnectionTrait, Statement};
    let app = crate::helpers::spawn_app_with_smtp().await;
    let council = council(&app, 100, "account_or_email").await;
    let id = submitted(&app, &council).await;
    step(&app, &council.moderator, &format!("/api/v1/petitions/{id}/publish"), json!({})).await;
    // As the previous version stored them: the mailbox is the address as typed.
    let backend = app.db.get_database_backend();
    for (email, status) in [
        ("ivan@example.org", "confirmed"),
        ("ivan+again@example.org", "confirmed"),
        ("o.petrenko+x@gmail.com", "confirmed"),
        ("lesia+p@example.org", "pending"),
    ] {
        app.db
            .execute_raw(Statement::from_sql_and_values(
                backend,
                "INSERT INTO signatures (petition_id, full_name, email, mailbox, notify, status, created_at) \
                 VALUES ($1, 'Someone Signer', $2, $2, false, $3, $4)",
                [(id as i32).into(), email.into(), status.into(), chrono::Utc::now().into()],
            ))
            .await
            .unwrap();
    }
    let changed = hromada::storage::petitions::normalise_mailboxes(&app.db).await.unwrap();
    assert_eq!(changed, 2, "the Gmail address and the pending one; the second Ivan would collide");
    let rows = app
        .db
        .query_all_raw(Statement::from_string(backend, "SELECT email, mailbox FROM signatures ORDER BY id"))
        .await
        .unwrap();
    let mailboxes: Vec<(String, String)> =
        rows.iter().map(|r| (r.try_get("", "email").unwrap(), r.try_get("", "mailbox").unwrap())).collect();
    let expected = [
        ("ivan@example.org", "ivan@example.org"),
        ("ivan+again@example.org", "ivan+again@example.org"),
        ("o.petrenko+x@gmail.com", "opetrenko@gmail.com"),
        ("lesia+p@example.org", "lesia@example.org"),
    ];
    assert_eq!(mailboxes, expected.map(|(e, m)| (e.to_owned(), m.to_owned())));
    // From now on the mailbox decides: Olena's Gmail address signs no more.
    let olena = app.verified_citizen("Olena Petrenko", "opetrenko@gmail.com").await;
    app.post(&format!("/api/v1/petitions/{id}/signatures"), Some(&olena), json!({"notify": false}))
        .await
        .assert_problem(409);
}
