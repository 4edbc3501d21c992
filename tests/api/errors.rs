//! Bad input of every kind gets a 4xx problem+json with a message a person can act on.
use serde_json::json;

use crate::helpers::{Answer, TestAppBuilder, spawn_app};

async fn post_raw(app: &crate::helpers::TestApp, path: &str, content_type: &str, body: Vec<u8>) -> Answer {
    let response = app.client.post(app.url(path)).header("content-type", content_type).body(body).send().await.unwrap();
    Answer::from(response).await
}

#[tokio::test]
async fn malformed_json_is_a_400_that_says_where_it_broke() {
    let app = spawn_app().await;
    let answer =
        post_raw(&app, "/api/v1/accounts", "application/json", br#"{"full_name": "Ivan Franko", "email": "#.to_vec())
            .await;
    let detail = answer.assert_problem(400);
    assert!(detail.contains("line 1"), "{detail}");
}

#[tokio::test]
async fn a_missing_field_is_a_400() {
    let app = spawn_app().await;
    let answer =
        app.post("/api/v1/accounts", None, json!({"full_name": "Ivan Franko", "password": "long password 1"})).await;
    answer.assert_problem(400);
}

#[tokio::test]
async fn body_bytes_that_are_not_utf8_are_a_400() {
    let app = spawn_app().await;
    let answer = post_raw(&app, "/api/v1/accounts", "application/json", vec![b'{', b'"', 0xff, 0xfe, b'"', b'}']).await;
    answer.assert_problem(400);
}

#[tokio::test]
async fn a_body_over_the_limit_is_a_413_before_it_is_read() {
    let app = TestAppBuilder::new().await.configure(|s| s.max_body_bytes = 1024).spawn().await;
    let big = json!({"full_name": "Ivan Franko", "email": "ivan@example.org", "password": "x".repeat(4000)});
    let answer = app.post("/api/v1/accounts", None, big).await;
    assert!(answer.assert_problem(413).contains("1024 bytes"));
}

#[tokio::test]
async fn a_chunked_body_over_the_limit_is_a_413_too() {
    let app = TestAppBuilder::new().await.configure(|s| s.max_body_bytes = 1024).spawn().await;
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = (0..10).map(|_| Ok(vec![b' '; 500])).collect();
    let response = app
        .client
        .post(app.url("/api/v1/accounts"))
        .header("content-type", "application/json")
        .body(reqwest::Body::wrap_stream(futures::stream::iter(chunks)))
        .send()
        .await
        .unwrap();
    Answer::from(response).await.assert_problem(413);
}

#[tokio::test]
async fn a_wrong_content_type_is_a_415_that_names_json() {
    let app = spawn_app().await;
    let answer = post_raw(&app, "/api/v1/accounts", "text/plain", b"hello".to_vec()).await;
    assert!(answer.assert_problem(415).contains("application/json"));
}

#[tokio::test]
async fn a_value_that_is_read_but_unacceptable_is_a_422_naming_the_field() {
    let app = spawn_app().await;
    let bad_email = app
        .post(
            "/api/v1/accounts",
            None,
            json!({"full_name": "Ivan Franko", "email": "ivan at example", "password": "long password 1"}),
        )
        .await;
    bad_email.assert_problem(422);
    assert_eq!(bad_email.body["field"], "email");

    let one_word = app
        .post(
            "/api/v1/accounts",
            None,
            json!({"full_name": "Ivan", "email": "ivan@example.org", "password": "long password 1"}),
        )
        .await;
    assert!(one_word.assert_problem(422).contains("full name"));
    assert_eq!(one_word.body["field"], "full_name");

    let language = app
        .post("/api/v1/accounts", None, json!({"full_name": "Ivan Franko", "email": "ivan@example.org", "password": "long password 1", "language": "ru"}))
        .await;
    assert_eq!(language.body["field"], "language");
}

#[tokio::test]
async fn a_wrong_or_missing_token_is_a_401() {
    let app = spawn_app().await;
    let missing = app.get("/api/v1/accounts/me", None).await;
    assert!(missing.assert_problem(401).contains("Bearer"));
    let wrong = app.get("/api/v1/accounts/me", Some("0123456789abcdef")).await;
    assert!(wrong.assert_problem(401).contains("log in again"));
}

#[tokio::test]
async fn unknown_routes_wrong_methods_and_bad_ids_are_problems_too() {
    let app = spawn_app().await;
    app.get("/api/v1/no-such-thing", None).await.assert_problem(404);
    let response = app.client.patch(app.url("/api/v1/sessions")).send().await.unwrap();
    Answer::from(response).await.assert_problem(405);
    let admin = app.administrator().await;
    app.put("/api/v1/accounts/not-a-number/role", Some(&admin), json!({"role": "moderator"})).await.assert_problem(400);
}
