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
