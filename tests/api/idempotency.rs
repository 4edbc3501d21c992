//! Retries made safe: a client that lost the answer sends its request again with the same
//! `Idempotency-Key` and gets the first answer, never a second item.
use entity::{accounts, appeals, idempotency_keys};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

use crate::{
    appeals::{PNG, broken_bench},
    city,
    helpers::{Answer, TestApp, TestAppBuilder, spawn_app_with_smtp},
};

async fn post_with_key(app: &TestApp, path: &str, token: Option<&str>, key: &str, body: &Value) -> Answer {
    let mut request = app.client.post(app.url(path)).header("Idempotency-Key", key).json(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    Answer::from(request.send().await.unwrap()).await
}

fn pothole(city: &city::City, text: &str) -> Value {
    json!({"kind": "issue_report", "subject": "Pothole", "text": text, "category_id": city.pothole, "address": "Myru 3"})
}

async fn appeal_count(app: &TestApp) -> u64 {
    appeals::Entity::find().count(&app.db).await.unwrap()
}

#[tokio::test]
async fn a_filing_sent_twice_with_one_key_is_stored_once_and_answered_the_same_way() {
    let app = spawn_app_with_smtp().await;
    let city = city::build(&app).await;
    let report = pothole(&city, "A deep pothole on Myru street.");

    let first = post_with_key(&app, "/api/v1/appeals", Some(&city.citizen), "retry-1", &report).await;
    assert_eq!(first.status, 201, "{}", first.body);
    let again = post_with_key(&app, "/api/v1/appeals", Some(&city.citizen), "retry-1", &report).await;

    assert_eq!(again.status, 201);
    assert_eq!(again.body, first.body, "the first answer, word for word");
    assert_eq!(again.headers["idempotent-replayed"], "true");
    assert_eq!(appeal_count(&app).await, 1);

    // Another key is another request.
    let second = post_with_key(&app, "/api/v1/appeals", Some(&city.citizen), "retry-2", &report).await;
    assert_eq!(second.status, 201);
    assert_ne!(second.body["id"], first.body["id"]);
    assert_eq!(appeal_count(&app).await, 2);
}

#[tokio::test]
async fn a_key_reused_for_a_different_request_is_refused() {
    let app = spawn_app_with_smtp().await;
    let city = city::build(&app).await;
    let first = pothole(&city, "A deep pothole on Myru street.");
    assert_eq!(post_with_key(&app, "/api/v1/appeals", Some(&city.citizen), "k-1", &first).await.status, 201);

    let other = pothole(&city, "Another pothole, on Shevchenka street.");
    let refused = post_with_key(&app, "/api/v1/appeals", Some(&city.citizen), "k-1", &other).await;
    refused.assert_problem(422);
    assert_eq!(refused.body["field"], "Idempotency-Key");
    assert_eq!(appeal_count(&app).await, 1);

    let malformed = post_with_key(&app, "/api/v1/appeals", Some(&city.citizen), "two words", &other).await;
    malformed.assert_problem(400);
    assert_eq!(appeal_count(&app).await, 1);
}

#[tokio::test]
async fn the_same_key_sent_many_times_at_once_creates_one_item() {
    let app = spawn_app_with_smtp().await;
    let city = city::build(&app).await;
    let report = pothole(&city, "A deep pothole on Myru street.");

    let attempts = (0..8).map(|_| post_with_key(&app, "/api/v1/appeals", Some(&city.citizen), "burst", &report));
    let answers = futures::future::join_all(attempts).await;

    let created: Vec<&Answer> = answers.iter().filter(|a| a.status == 201).collect();
    assert!(!created.is_empty());
    assert!(created.iter().all(|a| a.body == created[0].body), "every 201 is the first answer");
    for waiting in answers.iter().filter(|a| a.status != 201) {
        waiting.assert_problem(409);
        assert!(waiting.headers.contains_key("retry-after"));
    }
    assert_eq!(appeal_count(&app).await, 1);
}

#[tokio::test]
async fn a_filing_whose_answer_was_lost_after_its_commit_is_answered_from_what_it_created() {
    let app = spawn_app_with_smtp().await;
    let city = city::build(&app).await;
    let report = pothole(&city, "A deep pothole on Myru street.");
    let first = post_with_key(&app, "/api/v1/appeals", Some(&city.citizen), "lost", &report).await;
    assert_eq!(first.status, 201);

    // As if the process had been killed between the commit and the answer: the key is linked to the
    // appeal (written in the creating transaction), no answer kept, the first request's lease run out.
    let key = idempotency_keys::Entity::find()
        .filter(idempotency_keys::Column::Fingerprint.ne(""))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the client's key is stored (beside the intake batch's own)");
    assert_eq!(key.created_resource.as_deref(), Some(format!("/api/v1/appeals/{}", first.body["id"]).as_str()));
    let mut lost: idempotency_keys::ActiveModel = key.into();
    lost.response_status = Set(None);
    lost.response_body = Set(None);
    lost.response_headers = Set(None);
    lost.locked_until = Set(Some(chrono::Utc::now() - chrono::TimeDelta::minutes(5)));
    idempotency_keys::Entity::update(lost).exec(&app.db).await.unwrap();

    let retried = post_with_key(&app, "/api/v1/appeals", Some(&city.citizen), "lost", &report).await;
    assert_eq!(retried.status, 201, "{}", retried.body);
    assert_eq!(retried.body["id"], first.body["id"]);
    assert_eq!(retried.headers["location"], format!("/api/v1/appeals/{}", first.body["id"]).as_str());
    assert_eq!(appeal_count(&app).await, 1, "nothing filed twice");
}

#[tokio::test]
async fn an_anonymous_registration_retried_with_its_key_creates_one_account() {
    let app = spawn_app_with_smtp().await;
    let registration =
        json!({"full_name": "Olena Petrenko", "email": "olena@example.org", "password": "kyiv-spring-2026"});

    let first = post_with_key(&app, "/api/v1/accounts", None, "reg-7f3a", &registration).await;
    assert_eq!(first.status, 202, "{}", first.body);
    let again = post_with_key(&app, "/api/v1/accounts", None, "reg-7f3a", &registration).await;

    assert_eq!((again.status, &again.body), (202, &first.body));
    assert_eq!(accounts::Entity::find().count(&app.db).await.unwrap(), 1);
}

#[tokio::test]
async fn the_spec_says_every_endpoint_taking_a_key_may_answer_409_with_retry_after() {
    let app = spawn_app_with_smtp().await;
    let spec = app.get("/openapi.json", None).await.body;
    let mut endpoints = 0;
    for (path, operations) in spec["paths"].as_object().unwrap() {
        for (method, operation) in operations.as_object().unwrap() {
            let takes_key = operation["parameters"]
                .as_array()
                .is_some_and(|ps| ps.iter().any(|p| p["name"] == "Idempotency-Key" && p["in"] == "header"));
            if takes_key {
                endpoints += 1;
                let conflict = &operation["responses"]["409"];
                let headers = conflict["headers"].as_object().map(|h| h.keys().cloned().collect::<Vec<_>>());
                let says_when = headers.unwrap_or_default().iter().any(|h| h.eq_ignore_ascii_case("Retry-After"));
                assert!(says_when, "{method} {path}: 409 without Retry-After: {conflict}");
            }
        }
    }
    assert!(endpoints >= 6, "the creating endpoints take Idempotency-Key ({endpoints} found)");
}

async fn upload_with_key(app: &TestApp, path: &str, token: &str, key: &str, bytes: &[u8]) -> Answer {
    let request = app.client.post(app.url(path)).bearer_auth(token).header("Idempotency-Key", key);
    Answer::from(request.header("content-type", "image/png").body(bytes.to_vec()).send().await.unwrap()).await
}

#[tokio::test]
async fn a_photo_whose_commit_answer_was_lost_is_not_stored_again_by_the_retry() {
    let photos = std::env::temp_dir().join(format!("hromada-photos-{}", uuid::Uuid::new_v4().simple()));
    let dir = photos.clone();
    let app = TestAppBuilder::new().await.with_smtp().configure(move |s| s.photos.dir = dir).spawn().await;
    let city = city::build(&app).await;
    let report = app.post("/api/v1/appeals", Some(&city.citizen), broken_bench(&city)).await;
    let path = format!("/api/v1/appeals/{}/photos", report.body["id"]);

    // The upload's COMMIT lands, its answer is lost: the client sees a failure and retries with its key.
    app.lost_commit_answers.lose_next(1);
    let failed = upload_with_key(&app, &path, &city.citizen, "photo-1", PNG).await;
    failed.assert_problem(503);
    let retried = upload_with_key(&app, &path, &city.citizen, "photo-1", PNG).await;

    // A photo reads back as its bytes, not as the upload's answer: the retry is told where it is.
    retried.assert_problem(409);
    let photo = entity::appeal_photos::Entity::find().one(&app.db).await.unwrap().expect("the photo landed");
    assert_eq!(retried.headers["location"], format!("{path}/{}", photo.id).as_str());
    assert_eq!(entity::appeal_photos::Entity::find().count(&app.db).await.unwrap(), 1, "stored once");
    let _ = std::fs::remove_dir_all(photos);
}

#[tokio::test]
async fn statute_terms_whose_commit_answer_was_lost_are_answered_as_adopted_by_the_retry() {
    let app = spawn_app_with_smtp().await;
    let admin = app.administrator().await;
    let council = app
        .post("/api/v1/directory/organisations", Some(&admin), json!({"name": "City Council", "kind": "council"}))
        .await;
    let terms = json!({"council_id": council.body["id"], "effective_from": "2024-01-01", "signature_threshold": 100,
                       "collection_days": 60, "title_max_chars": 200, "text_max_chars": 5000,
                       "signing_mode": "verified_account"});

    app.lost_commit_answers.lose_next(1);
    let failed = post_with_key(&app, "/api/v1/petitions/statutes", Some(&admin), "terms-1", &terms).await;
    failed.assert_problem(503);
    let retried = post_with_key(&app, "/api/v1/petitions/statutes", Some(&admin), "terms-1", &terms).await;

    assert_eq!(retried.status, 201, "{}", retried.body);
    assert_eq!(retried.body["signature_threshold"], 100);
    let location = format!("/api/v1/petitions/statutes/{}", retried.body["id"]);
    assert_eq!(retried.headers["location"], location.as_str());
    assert_eq!(app.get(&location, None).await.body, retried.body, "the terms read back where the answer says");
    assert_eq!(entity::petition_statutes::Entity::find().count(&app.db).await.unwrap(), 1, "adopted once");
}
