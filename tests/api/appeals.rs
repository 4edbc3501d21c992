//! Appeals and issue reports as stories: a citizen files, the organisations handle, the citizen closes the loop.
use serde_json::{Value, json};

use crate::{
    city::{self, CITIZEN, HOUSING_MAILBOX, HOUSING_OFFICER, ROADS_OFFICER, mail_about},
    helpers::{TestApp, spawn_app_with_smtp},
};

fn actions(history: &Value) -> Vec<String> {
    history.as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap().to_owned()).collect()
}

async fn act(app: &TestApp, token: &str, id: i64, step: &str, body: Value) -> Value {
    let answer = app.post(&format!("/api/v1/appeals/{id}/{step}"), Some(token), body).await;
    assert_eq!(answer.status, 200, "{step}: {}", answer.body);
    answer.body
}

/// An issue report that photos are attached to.
pub(crate) fn broken_bench(city: &city::City) -> Value {
    json!({"kind": "issue_report", "subject": "Broken bench", "text": "The bench in the park is broken.",
           "category_id": city.pothole, "address": "Central park"})
}

fn lift_appeal(city: &city::City) -> Value {
    json!({
        "kind": "application",
        "subject": "The lift in our block has not worked for a month",
        "text": "The lift at Shkilna 12, entrance 2, stopped on 1 October. Elderly people cannot leave home.",
        "category_id": city.lift,
        "author_address": "Kramatorsk, Shkilna 12, apt. 40",
        "author_phone": "+380501234567",
        "privileged": true
    })
}

#[tokio::test]
async fn an_appeal_is_routed_forwarded_extended_answered_returned_answered_confirmed_and_rated() {
    let app = spawn_app_with_smtp().await;
    let city = city::build(&app).await;

    // A citizen files an application; the category routes it to the roads department.
    let filed = app.post("/api/v1/appeals", Some(&city.citizen), lift_appeal(&city)).await;
    assert_eq!(filed.status, 201, "{}", filed.body);
    let appeal = &filed.body;
    let id = appeal["id"].as_i64().unwrap();
    assert_eq!(appeal["status"], "received");
    assert_eq!(appeal["executor"]["id"], city.roads);
    assert_eq!(appeal["routing"]["rule"]["rule"], "category_default");
    assert!(appeal["routing"]["explanation"].as_str().unwrap().contains("Routed"));
    assert_eq!(appeal["deadline"]["rule"], "appeal_standard", "a complex category gets one month");
    assert!(!appeal["deadline"]["explanation"].as_array().unwrap().is_empty());
    assert_eq!(appeal["author"]["address"], "Kramatorsk, Shkilna 12, apt. 40");
    let original_due = appeal["deadline"]["original_due_at"].clone();

    let receipt = mail_about(&app, CITIZEN, &format!("No. {id}: received")).await;
    assert!(receipt.body().contains("Roads Department"), "{}", receipt.body());
    let own_page = format!("{}/my/appeals/{id}", app.settings.public_url.trim_end_matches('/'));
    assert!(receipt.body().contains(&own_page), "the author's mail opens their own page: {}", receipt.body());
    let news = mail_about(&app, ROADS_OFFICER, &format!("Appeal No. {id}: new")).await;
    assert!(news.body().contains("PRIORITY"), "privileged authors are flagged: {}", news.body());
    let case_page = format!("{}/desk/appeals/{id}", app.settings.public_url.trim_end_matches('/'));
    assert!(news.body().contains(&case_page), "the executor's mail opens the desk's case page: {}", news.body());
    assert!(!news.body().contains("/my/appeals/"), "staff are not sent to the author's page");

    // Lifts are not the roads department's: the officer forwards it to the housing enterprise.
    act(&app, &city.roads_officer, id, "acknowledge", json!({})).await;
    let forwarded = act(
        &app,
        &city.roads_officer,
        id,
        "forward",
        json!({"organisation_id": city.housing, "reason": "Lifts are maintained by the housing enterprise."}),
    )
    .await;
    assert_eq!(forwarded["executor"]["id"], city.housing);
    assert_eq!(forwarded["status"], "received");
    assert_eq!(forwarded["forwarded_count"], 1);
    assert_eq!(forwarded["deadline"]["original_due_at"], original_due);
    mail_about(&app, CITIZEN, &format!("No. {id}: forwarded")).await;
    mail_about(&app, HOUSING_OFFICER, &format!("Appeal No. {id}: forwarded to you")).await;
    // The organisation's own mailbox has no account language: Ukrainian.
    mail_about(&app, HOUSING_MAILBOX, &format!("Звернення № {id}: переслано вам")).await;
    // The roads department no longer sees it.
    app.get(&format!("/api/v1/appeals/{id}"), Some(&city.roads_officer)).await.assert_problem(404);

    // Only the head extends, and never beyond 45 days in total.
    let extend = json!({"total_days": 60, "reason": "The lift motor must be ordered from the manufacturer."});
    app.post(&format!("/api/v1/appeals/{id}/extend"), Some(&city.housing_officer), extend.clone())
        .await
        .assert_problem(403);
    let extended = act(&app, &city.housing_head, id, "extend", extend).await;
    let extended_due = extended["deadline"]["extended_due_at"].clone();
    assert!(!extended_due.is_null());
    assert_eq!(extended["deadline"]["due_at"], extended_due);
    assert!(extended["deadline"]["explanation"].as_array().unwrap().iter().any(|s| s.as_str().unwrap().contains("45")));
    let told = mail_about(&app, CITIZEN, &format!("No. {id}: deadline extended")).await;
    assert!(told.body().contains("motor"));

    // The answer; the citizen returns it; a second answer; the citizen confirms and rates.
    let answer = json!({"resolution": "resolved", "text": "The motor was replaced on 20 November; the lift works."});
    let answered = act(&app, &city.housing_officer, id, "answer", answer).await;
    assert_eq!(answered["status"], "answered");
    assert_eq!(answered["answer"]["resolution"], "resolved");
    let answer_mail = mail_about(&app, CITIZEN, &format!("No. {id}: answered")).await;
    assert!(answer_mail.body().contains("The motor was replaced"));

    let returned = act(&app, &city.citizen, id, "return", json!({"reason": "It stopped again the next day."})).await;
    assert_eq!(returned["status"], "rework");
    assert_eq!(returned["rework_count"], 1);
    let rework_mail = mail_about(&app, HOUSING_OFFICER, &format!("Appeal No. {id}: returned for rework")).await;
    assert!(rework_mail.body().contains("stopped again"));

    act(
        &app,
        &city.housing_officer,
        id,
        "answer",
        json!({"resolution": "resolved", "text": "The controller board was replaced too."}),
    )
    .await;
    let confirmed = act(&app, &city.citizen, id, "confirm", json!({})).await;
    assert_eq!(confirmed["status"], "confirmed");
    assert!(!confirmed["confirmed_at"].is_null());
    app.post(&format!("/api/v1/appeals/{id}/rating"), Some(&city.citizen), json!({"score": 7}))
        .await
        .assert_problem(422);
    let rated = act(&app, &city.citizen, id, "rating", json!({"score": 5, "comment": "Thank you"})).await;
    assert_eq!(rated["rating"], 5);
    app.post(&format!("/api/v1/appeals/{id}/confirm"), Some(&city.citizen), json!({})).await.assert_problem(409);

    // The whole story is in the history, in order, with the status changes.
    let history = app.get(&format!("/api/v1/appeals/{id}/history"), Some(&city.citizen)).await.body;
    assert_eq!(
        actions(&history),
        [
            "received",
            "acknowledged",
            "forwarded",
            "extended",
            "answered",
            "returned_for_rework",
            "answered",
            "confirmed",
            "rated"
        ]
    );
    assert_eq!(history[2]["details"]["forwarded_within_term"], true);
    assert_eq!(history[5]["from_status"], "answered");
    assert_eq!(history[5]["to_status"], "rework");
}

#[tokio::test]
async fn an_officer_registers_a_paper_appeal_with_the_date_it_was_received() {
    let app = spawn_app_with_smtp().await;
    let city = city::build(&app).await;
    let received_at = (chrono::Utc::now() - chrono::Duration::days(3)).to_rfc3339();
    let paper = json!({
        "channel": "paper",
        "received_at": received_at,
        "kind": "complaint",
        "subject": "Snow was not cleared",
        "text": "The pavement on Myru street was not cleared for a week after the snowfall.",
        "author_name": "Hryhorii Skovoroda",
        "author_address": "Kramatorsk, Myru 5"
    });
    // A citizen is not an officer.
    app.post("/api/v1/appeals/registrations", Some(&city.citizen), paper.clone()).await.assert_problem(403);

    let registered = app.post("/api/v1/appeals/registrations", Some(&city.roads_officer), paper.clone()).await;
    assert_eq!(registered.status, 201, "{}", registered.body);
    assert_eq!(registered.body["channel"], "paper");
    assert_eq!(registered.body["executor"]["id"], city.roads);
    let stored_received: chrono::DateTime<chrono::Utc> =
        registered.body["received_at"].as_str().unwrap().parse().unwrap();
    let given: chrono::DateTime<chrono::Utc> = received_at.parse().unwrap();
    assert_eq!(stored_received.timestamp(), given.timestamp());

    // The deadline runs from the date of receipt: the same answer the public calculator gives.
    let from = received_at.replace('+', "%2B");
    let calculated = app.get(&format!("/api/v1/deadlines/calculate?rule=appeal_standard&from={from}"), None).await;
    assert_eq!(calculated.status, 200, "{}", calculated.body);
    assert_eq!(
        registered.body["deadline"]["due_at"].as_str().unwrap().parse::<chrono::DateTime<chrono::Utc>>().unwrap(),
        calculated.body["due_at"].as_str().unwrap().parse::<chrono::DateTime<chrono::Utc>>().unwrap()
    );

    // Never in the future.
    let mut future = paper.clone();
    future["received_at"] = json!((chrono::Utc::now() + chrono::Duration::days(1)).to_rfc3339());
    let refused = app.post("/api/v1/appeals/registrations", Some(&city.roads_officer), future).await;
    refused.assert_problem(422);
    assert_eq!(refused.body["field"], "received_at");
    // Another organisation's intake is not theirs to register.
    let mut elsewhere = paper.clone();
    elsewhere["organisation_id"] = json!(city.housing);
    app.post("/api/v1/appeals/registrations", Some(&city.roads_officer), elsewhere).await.assert_problem(403);
}

#[tokio::test]
async fn an_anonymous_like_appeal_is_refused_with_the_reason_and_how_to_challenge_it() {
    let app = spawn_app_with_smtp().await;
    let city = city::build(&app).await;

    // Registered on paper with no full name: not accepted at all (art. 8).
    let anonymous = json!({
        "channel": "paper", "received_at": chrono::Utc::now().to_rfc3339(), "kind": "complaint",
        "subject": "Corruption", "text": "Someone in the department takes bribes.", "author_name": "Доброзичливець"
    });
    let refused = app.post("/api/v1/appeals/registrations", Some(&city.roads_officer), anonymous).await;
    let detail = refused.assert_problem(422);
    assert_eq!(refused.body["field"], "author_name");
    assert!(detail.contains("anonymous") && detail.contains("art"), "{detail}");

    // A citizen's appeal without a place of residence is refused with the article (art. 5).
    let mut no_address = lift_appeal(&city);
    no_address.as_object_mut().unwrap().remove("author_address");
    let refused = app.post("/api/v1/appeals", Some(&city.citizen), no_address).await;
    assert!(refused.assert_problem(422).contains("art. 5"));
    assert_eq!(refused.body["field"], "author_address");

    // Filed, then refused by the officer as a repeated appeal: a written refusal with reasons.
    let filed = app.post("/api/v1/appeals", Some(&city.citizen), lift_appeal(&city)).await;
    let id = filed.body["id"].as_i64().unwrap();
    app.post(
        &format!("/api/v1/appeals/{id}/refuse"),
        Some(&city.roads_officer),
        json!({"code": "repeated", "reason": "no"}),
    )
    .await
    .assert_problem(422);
    app.post(
        &format!("/api/v1/appeals/{id}/refuse"),
        Some(&city.roads_officer),
        json!({"code": "bored", "reason": "no reason"}),
    )
    .await
    .assert_problem(422);
    let refused = act(
        &app,
        &city.roads_officer,
        id,
        "refuse",
        json!({"code": "repeated", "reason": "The same question was answered on 1 October, letter No. 12."}),
    )
    .await;
    assert_eq!(refused["status"], "refused");
    assert_eq!(refused["refusal"]["legal_basis"], "Law 'On Citizens' Appeals' art. 8");
    let mail = mail_about(&app, CITIZEN, &format!("No. {id}: not considered")).await;
    assert!(mail.body().contains("letter No. 12"));
    assert!(mail.body().contains("court"), "the refusal says how to challenge it: {}", mail.body());
    // Nothing more happens to a refused appeal.
    app.post(
        &format!("/api/v1/appeals/{id}/answer"),
        Some(&city.roads_officer),
        json!({"resolution": "resolved", "text": "Answered anyway"}),
    )
    .await
    .assert_problem(409);
}

#[tokio::test]
async fn each_person_sees_only_what_they_may() {
    let app = spawn_app_with_smtp().await;
    let city = city::build(&app).await;
    let neighbour = app.verified_citizen("Petro Neighbour", "petro@example.org").await;

    let appeal = app.post("/api/v1/appeals", Some(&city.citizen), lift_appeal(&city)).await.body;
    let appeal_id = appeal["id"].as_i64().unwrap();
    let report = app
        .post(
            "/api/v1/appeals",
            Some(&city.citizen),
            json!({"kind": "issue_report", "subject": "Pothole on Myru", "text": "A deep pothole by the bus stop.",
                   "category_id": city.pothole, "location": {"latitude": 48.73, "longitude": 37.58}, "address": "Myru 10"}),
        )
        .await;
    assert_eq!(report.status, 201, "{}", report.body);
    let report_id = report.body["id"].as_i64().unwrap();

    // A private appeal: the author and the executor's staff see it whole; nobody else sees it at all.
    let as_author = app.get(&format!("/api/v1/appeals/{appeal_id}"), Some(&city.citizen)).await;
    assert_eq!(as_author.body["author"]["email"], CITIZEN);
    let as_officer = app.get(&format!("/api/v1/appeals/{appeal_id}"), Some(&city.roads_officer)).await;
    assert_eq!(as_officer.body["author"]["phone"], "+380501234567");
    for token in [Some(neighbour.as_str()), Some(city.housing_officer.as_str()), None] {
        app.get(&format!("/api/v1/appeals/{appeal_id}"), token).await.assert_problem(404);
        app.get(&format!("/api/v1/appeals/{appeal_id}/history"), token).await.assert_problem(404);
    }
    // Another organisation's officer cannot act on it either.
    app.post(&format!("/api/v1/appeals/{appeal_id}/acknowledge"), Some(&city.housing_officer), json!({}))
        .await
        .assert_problem(404);

    // An issue report is public, without personal data; the name only with the author's consent.
    let public = app.get(&format!("/api/v1/appeals/{report_id}"), None).await;
    assert_eq!(public.status, 200, "{}", public.body);
    assert!(public.body["author_name"].is_null());
    assert!(public.body.get("author").is_none());
    let text = public.body.to_string();
    assert!(!text.contains(CITIZEN) && !text.contains("Olena"), "{text}");
    let history = app.get(&format!("/api/v1/appeals/{report_id}/history"), None).await.body;
    assert!(history[0].get("actor_account_id").is_none());
    // The public can read it but not act on it; a neighbour cannot confirm someone else's report.
    app.post(&format!("/api/v1/appeals/{report_id}/confirm"), Some(&neighbour), json!({})).await.assert_problem(403);
    app.post(&format!("/api/v1/appeals/{report_id}/acknowledge"), Some(&city.housing_officer), json!({}))
        .await
        .assert_problem(403);

    // Map data: the report, no private appeal, no personal data; filters apply.
    let map = app.get("/api/v1/reports/geojson?bbox=37.5,48.7,37.6,48.8", None).await;
    assert_eq!(map.status, 200, "{}", map.body);
    assert!(map.content_type().starts_with("application/geo+json"));
    assert_eq!(map.body["type"], "FeatureCollection");
    let features = map.body["features"].as_array().unwrap();
    assert_eq!(features.len(), 1);
    assert_eq!(features[0]["id"], report_id);
    assert_eq!(features[0]["geometry"]["coordinates"], json!([37.58, 48.73]));
    assert!(!map.body.to_string().contains(CITIZEN));
    let elsewhere = app.get("/api/v1/reports/geojson?bbox=30,50,31,51", None).await;
    assert!(elsewhere.body["features"].as_array().unwrap().is_empty());
    let answered_only = app.get("/api/v1/reports/geojson?status=answered", None).await;
    assert!(answered_only.body["features"].as_array().unwrap().is_empty());
    app.get("/api/v1/reports/geojson?bbox=1,2,3", None).await.assert_problem(422);

    // Lists: a citizen sees their own; the neighbour nothing; officers their organisation's queue only.
    let mine = app.get("/api/v1/appeals", Some(&city.citizen)).await.body;
    assert_eq!(mine["total"], 2);
    assert_eq!(mine["items"][0]["privileged"], true, "privileged authors come first");
    assert_eq!(app.get("/api/v1/appeals", Some(&neighbour)).await.body["total"], 0);
    let queue = app.get(&format!("/api/v1/appeals?organisation_id={}", city.roads), Some(&city.roads_officer)).await;
    assert_eq!(queue.body["total"], 2);
    app.get(&format!("/api/v1/appeals?organisation_id={}", city.roads), Some(&city.housing_officer))
        .await
        .assert_problem(403);
}

#[tokio::test]
async fn nearby_reports_are_offered_and_a_duplicate_follows_the_original() {
    let app = spawn_app_with_smtp().await;
    let city = city::build(&app).await;
    let neighbour = app.verified_citizen("Petro Neighbour", "petro@example.org").await;
    let report = |lat: f64| {
        json!({"kind": "issue_report", "subject": "Pothole", "text": "A deep pothole on the crossing.",
               "category_id": city.pothole, "location": {"latitude": lat, "longitude": 37.58}})
    };
    let first = app.post("/api/v1/appeals", Some(&city.citizen), report(48.7300)).await.body["id"].as_i64().unwrap();

    // Before filing, the neighbour is shown the open report 55 m away, but not one of another category.
    let near = app
        .get(&format!("/api/v1/reports/nearby?category_id={}&latitude=48.7305&longitude=37.58", city.pothole), None)
        .await;
    assert_eq!(near.status, 200, "{}", near.body);
    assert_eq!(near.body[0]["id"], first);
    assert!((near.body[0]["distance_m"].as_f64().unwrap() - 55.6).abs() < 1.0, "{}", near.body);
    let other = app
        .get(&format!("/api/v1/reports/nearby?category_id={}&latitude=48.7305&longitude=37.58", city.lift), None)
        .await;
    assert!(other.body.as_array().unwrap().is_empty());

    // The neighbour files anyway; the officer links it as a duplicate.
    let second = app.post("/api/v1/appeals", Some(&neighbour), report(48.7305)).await.body["id"].as_i64().unwrap();
    app.post(
        &format!("/api/v1/appeals/{second}/duplicate-of"),
        Some(&city.roads_officer),
        json!({"duplicate_of": second}),
    )
    .await
    .assert_problem(422);
    let linked = act(&app, &city.roads_officer, second, "duplicate-of", json!({"duplicate_of": first})).await;
    assert_eq!(linked["status"], "duplicate");
    assert_eq!(linked["public_status"], "received");
    mail_about(&app, "petro@example.org", &format!("No. {second}: linked to an earlier report")).await;

    // When the original is answered, the duplicate shows it too.
    act(&app, &city.roads_officer, first, "answer", json!({"resolution": "resolved", "text": "Patched on Monday."}))
        .await;
    let followed = app.get(&format!("/api/v1/appeals/{second}"), None).await.body;
    assert_eq!(followed["status"], "duplicate");
    assert_eq!(followed["public_status"], "answered");
    assert_eq!(followed["duplicate_of"], first);
}

/// The smallest valid PNG: one transparent pixel.
pub(crate) const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00, 0x00, 0x00, 0x0A, 0x49,
    0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00, 0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00,
    0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];

#[tokio::test]
async fn a_citizen_attaches_photos_whose_type_is_read_from_the_bytes() {
    let photos_dir = std::env::temp_dir().join(format!("hromada-photos-{}", uuid::Uuid::new_v4().simple()));
    let dir = photos_dir.clone();
    let app = crate::helpers::TestAppBuilder::new()
        .await
        .with_smtp()
        .configure(move |s| {
            s.photos.dir = dir;
            s.photos.max_per_appeal = 2;
            s.photos.max_bytes = 4096;
        })
        .spawn()
        .await;
    let city = city::build(&app).await;
    let neighbour = app.verified_citizen("Petro Neighbour", "petro@example.org").await;
    let report = app.post("/api/v1/appeals", Some(&city.citizen), broken_bench(&city)).await;
    let id = report.body["id"].as_i64().unwrap();
    let upload = |token: String, bytes: Vec<u8>, content_type: &'static str| {
        let request = app
            .client
            .post(app.url(&format!("/api/v1/appeals/{id}/photos")))
            .bearer_auth(token)
            .header("content-type", content_type)
            .body(bytes);
        async move { crate::helpers::Answer::from(request.send().await.unwrap()).await }
    };

    // It claims to be a JPEG but the bytes are a PNG: stored as what it is.
    let stored = upload(city.citizen.clone(), PNG.to_vec(), "image/jpeg").await;
    assert_eq!(stored.status, 201, "{}", stored.body);
    assert_eq!(stored.body["content_type"], "image/png");
    let photo_id = stored.body["id"].as_i64().unwrap();
    assert_eq!(std::fs::read_dir(&photos_dir).unwrap().count(), 1, "the bytes live in the photo folder");

    let fetched = app.client.get(app.url(&format!("/api/v1/appeals/{id}/photos/{photo_id}"))).send().await.unwrap();
    assert_eq!(fetched.status(), 200);
    assert_eq!(fetched.headers()["content-type"], "image/png");
    assert_eq!(fetched.headers()["x-content-type-options"], "nosniff", "browsers must not guess another type");
    assert_eq!(fetched.bytes().await.unwrap().as_ref(), PNG);
    assert_eq!(app.get(&format!("/api/v1/appeals/{id}"), None).await.body["photo_ids"], json!([photo_id]));

    // Text pretending to be an image, someone else's upload, too big, too many.
    upload(city.citizen.clone(), b"just some text, not an image".to_vec(), "image/png").await.assert_problem(422);
    upload(neighbour.clone(), PNG.to_vec(), "image/png").await.assert_problem(403);
    let mut big = PNG.to_vec();
    big.resize(5000, 0);
    upload(city.citizen.clone(), big, "image/png").await.assert_problem(422);
    assert_eq!(upload(city.citizen.clone(), PNG.to_vec(), "image/png").await.status, 201);
    upload(city.citizen.clone(), PNG.to_vec(), "image/png").await.assert_problem(409);
    app.get(&format!("/api/v1/appeals/{id}/photos/999"), None).await.assert_problem(404);
}

#[tokio::test]
async fn bad_requests_to_appeals_get_problems_a_person_can_act_on() {
    let app = spawn_app_with_smtp().await;
    let city = city::build(&app).await;
    let appeal = |patch: Value| {
        let mut body = lift_appeal(&city);
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    let cases = [
        (json!({"kind": "wish"}), "kind"),
        (json!({"category_id": 9999}), ""),
        (json!({"category_id": null}), "category_id"),
        (json!({"subject": ""}), "subject"),
        (json!({"text": "short"}), "text"),
        (json!({"location": {"latitude": 123.0, "longitude": 37.0}}), "location"),
        (json!({"cosigners": [{"full_name": "X", "address": ""}]}), "cosigners"),
    ];
    for (patch, field) in cases {
        let answer = app.post("/api/v1/appeals", Some(&city.citizen), appeal(patch.clone())).await;
        assert!(answer.status == 422 || answer.status == 404, "{patch}: {} {}", answer.status, answer.body);
        answer.assert_problem(answer.status);
        if !field.is_empty() {
            assert_eq!(answer.body["field"], field, "{patch}: {}", answer.body);
        }
    }
    // An issue report needs a place.
    let no_place = json!({"kind": "issue_report", "subject": "Pothole", "text": "Somewhere there is a pothole.", "category_id": city.pothole});
    assert_eq!(app.post("/api/v1/appeals", Some(&city.citizen), no_place).await.body["field"], "location");
    app.post("/api/v1/appeals", None, lift_appeal(&city)).await.assert_problem(401);
    app.get("/api/v1/appeals/424242", Some(&city.citizen)).await.assert_problem(404);
    app.post("/api/v1/appeals/424242/confirm", Some(&city.citizen), json!({})).await.assert_problem(404);
    app.get("/api/v1/appeals?per_page=0", Some(&city.citizen)).await.assert_problem(422);
    app.get("/api/v1/appeals/1", Some("not-a-token")).await.assert_problem(401);
    let collective = app
        .post(
            "/api/v1/appeals",
            Some(&city.citizen),
            appeal(json!({"cosigners": [{"full_name": "Petro Petrenko", "address": "Shkilna 12, apt. 41"}]})),
        )
        .await;
    assert_eq!(collective.status, 201, "{}", collective.body);
    assert_eq!(collective.body["author"]["cosigners"][0]["full_name"], "Petro Petrenko");
}

/// How many `received` events, author mails and executor mails each of `ids` has in the database.
async fn stored_with_event_and_mails(app: &TestApp, ids: &[i64]) -> Vec<(i64, usize, usize, usize)> {
    use entity::{events, outbox_mails};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let events = events::Entity::find()
        .filter(events::Column::SubjectType.eq("appeal"))
        .filter(events::Column::Action.eq("received"))
        .all(&app.db)
        .await
        .unwrap();
    let mails = outbox_mails::Entity::find().all(&app.db).await.unwrap();
    ids.iter()
        .map(|id| {
            let about = |kind: &str| {
                mails.iter().filter(|m| m.kind == kind && m.subject.contains(&format!("No. {id}:"))).count()
            };
            let history = events.iter().filter(|e| e.subject_id == id.to_string()).count();
            (*id, history, about("appeal_update"), about("appeal_for_executor"))
        })
        .collect()
}

/// Appeals received, summed over every tally row, and whether the tallies agree with a recount.
async fn tallied(app: &TestApp) -> (i64, bool) {
    use sea_orm::EntityTrait;
    let received = entity::appeal_tallies::Entity::find().all(&app.db).await.unwrap().iter().map(|t| t.received).sum();
    (received, hromada::storage::metrics::check(&app.db).await.unwrap().is_empty())
}

#[tokio::test]
async fn concurrent_filings_are_each_stored_once_with_their_event_mails_and_tally() {
    let app = spawn_app_with_smtp().await;
    let city = city::build(&app).await;

    // Filed at once, they reach the intake writer together and are written in batches.
    let filings = (0..40).map(|i| {
        app.post(
            "/api/v1/appeals",
            Some(&city.citizen),
            json!({
                "kind": "issue_report",
                "subject": format!("Pothole number {i}"),
                "text": "A deep pothole in front of the school, cars swerve into the oncoming lane.",
                "category_id": city.pothole,
                "location": {"latitude": 48.72 + f64::from(i) / 10_000.0, "longitude": 37.55},
                "address": "Shkilna 1"
            }),
        )
    });
    let answers = futures::future::join_all(filings).await;
    let mut ids = Vec::new();
    for (i, answer) in answers.iter().enumerate() {
        assert_eq!(answer.status, 201, "{}", answer.body);
        assert_eq!(answer.body["subject"], format!("Pothole number {i}"), "each caller gets its own appeal");
        assert_eq!(answer.body["executor"]["name"], "Roads Department");
        ids.push(answer.body["id"].as_i64().unwrap());
    }
    let mut distinct = ids.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(distinct.len(), 40);

    // The response built from what the writer knew is the appeal as stored (plus the deadline's steps).
    for answer in &answers {
        let id = answer.body["id"].as_i64().unwrap();
        let mut filed = answer.body.clone();
        assert!(!filed["deadline"]["explanation"].as_array().unwrap().is_empty());
        filed["deadline"].as_object_mut().unwrap().remove("explanation");
        let stored = app.get(&format!("/api/v1/appeals/{id}"), Some(&city.citizen)).await;
        assert_eq!(filed, stored.body);
    }

    // Each is stored once, with its history event, its receipt, the notices to the roads officer and
    // head, and its tally.
    for (id, history, receipts, notices) in stored_with_event_and_mails(&app, &ids).await {
        assert_eq!((history, receipts, notices), (1, 1, 2), "appeal {id}");
    }
    assert_eq!(tallied(&app).await, (40, true));
}

/// Five pothole reports of the city's citizen, prepared for the intake writer; the author of the one at
/// `faulty` (if any) does not exist, so its row breaks a batch's transaction.
pub(crate) async fn pothole_filings(
    app: &TestApp,
    city: &city::City,
    faulty: Option<usize>,
) -> Vec<hromada::storage::appeals::Filing> {
    use hromada::{
        domain::{
            accounts::Language,
            appeals::{AppealKind, Author, Channel, Cosigner, NewAppeal, intake},
        },
        storage::appeals::{Filing, stored_precision},
    };
    let citizen = app.get("/api/v1/accounts/me", Some(&city.citizen)).await.body["id"].as_i64().unwrap() as i32;
    let calendar = hromada::storage::calendar::current_calendar(&app.db, None).await.unwrap();
    let directory = hromada::storage::directory::intake_directory(&app.db).await.unwrap();
    let now = stored_precision(chrono::Utc::now());
    let mut filings = Vec::new();
    for i in 0..5 {
        let new = NewAppeal {
            kind: AppealKind::IssueReport,
            channel: Channel::Web,
            subject: format!("Pothole number {i}"),
            text: "A deep pothole in front of the school, cars swerve into the oncoming lane.".into(),
            category_id: Some(city.pothole as i32),
            addressee_id: None,
            point: None,
            place_address: Some("Shkilna 1".into()),
            district_id: None,
            author: Author {
                // The `faulty` author's account does not exist: its row breaks the batch's transaction.
                account_id: Some(if Some(i) == faulty { 999_999 } else { citizen }),
                name: "Olena Petrenko".into(),
                address: None,
                email: Some(city::CITIZEN.into()),
                phone: None,
                language: Language::En,
            },
            show_author_name: false,
            privileged: false,
            cosigners: vec![Cosigner { full_name: "Petro Petrenko".into(), address: "Kramatorsk, Shkilna 12".into() }],
            received_at: now,
            registered_by: None,
            open311_token: None,
        };
        let accepted = intake(new, directory.as_ref(), &calendar, now).expect("intake accepts it");
        filings.push(Filing::new(accepted, now));
    }
    filings
}

#[tokio::test]
async fn a_faulty_appeal_in_a_batch_fails_alone_and_the_others_are_stored_once() {
    let app = spawn_app_with_smtp().await;
    let city = city::build(&app).await;
    let public_url = "http://127.0.0.1";
    let filings = pothole_filings(&app, &city, Some(2)).await;

    let outcomes = hromada::storage::appeals::file_batch(&app.db, public_url, &filings, &Default::default()).await;
    assert_eq!(outcomes.len(), 5);
    assert!(outcomes[2].is_err(), "the faulty appeal is refused");
    let ids: Vec<i64> = outcomes
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 2)
        .map(|(i, outcome)| {
            let filed = outcome.as_ref().expect("the others are stored");
            assert_eq!(filed.row.subject, format!("Pothole number {i}"));
            assert_eq!(filed.cosigners, vec![("Petro Petrenko".to_owned(), "Kramatorsk, Shkilna 12".to_owned())]);
            i64::from(filed.row.id)
        })
        .collect();

    // Stored once each (the failed batch left nothing behind), with event, mails and tally.
    use sea_orm::{EntityTrait, PaginatorTrait};
    assert_eq!(entity::appeals::Entity::find().count(&app.db).await.unwrap(), 4);
    assert_eq!(entity::appeal_cosigners::Entity::find().count(&app.db).await.unwrap(), 4);
    for (id, history, receipts, notices) in stored_with_event_and_mails(&app, &ids).await {
        assert_eq!((history, receipts, notices), (1, 1, 2), "appeal {id}");
    }
    assert_eq!(tallied(&app).await, (4, true));
}
