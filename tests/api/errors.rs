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

#[tokio::test]
async fn text_fields_take_json_strings_only_and_every_text_and_list_has_a_bound() {
    let app = crate::helpers::spawn_app_with_smtp().await;
    let admin = app.administrator().await;
    let as_boolean = app.post("/api/v1/directory/districts", Some(&admin), json!({"name": false})).await;
    assert!(as_boolean.assert_problem(422).contains("JSON string"), "{}", as_boolean.body);
    assert_eq!(as_boolean.body["field"], "name");
    let as_number = app.post("/api/v1/api-keys", Some(&admin), json!({"name": -6.06e16})).await;
    assert_eq!(as_number.body["field"], "name", "{}", as_number.body);
    as_number.assert_problem(422);

    let long = app.post("/api/v1/directory/districts", Some(&admin), json!({"name": "x".repeat(201)})).await;
    assert!(long.assert_problem(422).contains("at most 200"), "{}", long.body);
    let many = json!({"kind": "complaint", "subject": "Noise", "text": "Loud music every night.", "author_address": "Kyiv, Khreshchatyk 1",
        "cosigners": vec![json!({"full_name": "Ivan Franko", "address": "Kyiv, Khreshchatyk 1"}); 101]});
    let citizen = app.verified_citizen("Olena Pchilka", "olena@example.org").await;
    let too_many = app.post("/api/v1/appeals", Some(&citizen), many).await;
    too_many.assert_problem(422);
    assert_eq!(too_many.body["field"], "cosigners", "{}", too_many.body);
    let huge_phone = json!({"kind": "complaint", "subject": "Noise", "text": "Loud music every night.",
        "author_address": "Kyiv, Khreshchatyk 1", "author_phone": "1".repeat(41)});
    assert_eq!(app.post("/api/v1/appeals", Some(&citizen), huge_phone).await.body["field"], "author_phone");

    let spec: serde_json::Value = app.client.get(app.url("/openapi.json")).send().await.unwrap().json().await.unwrap();
    let appeal = &spec["components"]["schemas"]["AppealInput"]["properties"];
    assert_eq!(appeal["author_address"]["maxLength"], 300);
    assert_eq!(appeal["cosigners"]["maxItems"], 100);
}

#[tokio::test]
async fn names_are_normalised_and_invisible_or_line_breaking_characters_are_refused() {
    let app = spawn_app().await;
    let register = |name: &str, email: &str| json!({"full_name": name, "email": email, "password": "long password 1"});
    for (name, what) in [
        ("Ivan \u{202E}oknarF", "U+202E"),
        ("Ivan\u{200B} Franko", "U+200B"),
        ("Ivan\r\nFranko", "one line"),
        (&format!("Ivan Fra{}nko", "\u{0301}".repeat(150)), "combining"),
    ] {
        let refused = app.post("/api/v1/accounts", None, register(name, "ivan@example.org")).await;
        assert!(refused.assert_problem(422).contains(what), "{name:?}: {}", refused.body);
        assert_eq!(refused.body["field"], "full_name");
    }
    let admin = app.administrator().await;
    let decomposed = "Андр\u{0456}\u{0438}\u{0306}вка";
    let district = app.post("/api/v1/directory/districts", Some(&admin), json!({"name": decomposed})).await;
    assert_eq!(district.status, 201, "{}", district.body);
    assert_eq!(district.body["name"], "Андрійвка", "stored in NFC: и + breve is й");
}

#[tokio::test]
async fn the_token_is_checked_before_the_body_and_before_the_item_is_looked_up() {
    let app = spawn_app().await;
    let anonymous_forward =
        app.post("/api/v1/appeals/999/forward", None, json!({"organisation_id": 5, "reason": 1})).await;
    anonymous_forward.assert_problem(401);
    let bad_token =
        app.post("/api/v1/appeals/999/answer", Some("0123"), json!({"resolution": "nope", "text": ""})).await;
    bad_token.assert_problem(401);
    let refusal = app.post("/api/v1/petitions/999/refuse", Some("0123"), json!({"code": "nope", "reason": ""})).await;
    refusal.assert_problem(401);
    let duplicate = app.post("/api/v1/appeals/999/duplicate-of", Some("0123"), json!({"duplicate_of": 998})).await;
    duplicate.assert_problem(401);
}

#[tokio::test]
async fn the_spec_declares_what_the_service_answers() {
    let app = spawn_app().await;
    let response =
        app.client.request(reqwest::Method::TRACE, app.url("/api/v1/appeals/7/photos")).send().await.unwrap();
    let answer = Answer::from(response).await;
    answer.assert_problem(405);
    assert_eq!(answer.headers["allow"], "POST");

    let spec: serde_json::Value = app.client.get(app.url("/openapi.json")).send().await.unwrap().json().await.unwrap();
    let filing = &spec["paths"]["/appeals"]["post"]["responses"];
    assert!(filing["415"].is_object() && filing["405"].is_object(), "{filing}");
    let calculate = spec["paths"]["/deadlines/calculate"]["get"]["parameters"].as_array().unwrap();
    for name in ["rule", "from"] {
        assert_eq!(calculate.iter().find(|p| p["name"] == name).unwrap()["required"], true, "{name}");
    }
    app.get("/api/v1/deadlines/calculate?from=2026-03-02", None).await.assert_problem(422);
    let rows = &spec["paths"]["/open-data/appeals.json"]["get"]["responses"]["200"]["content"];
    assert_eq!(rows["application/json; charset=utf-8"]["schema"]["type"], "array", "{rows}");
    let photo = &spec["paths"]["/appeals/{id}/photos/{photo_id}"]["get"]["responses"]["200"]["content"];
    assert!(photo["image/jpeg"].is_object() && photo["image/webp"].is_object(), "{photo}");
    let optional = &spec["components"]["schemas"]["AppealView"]["properties"]["address"];
    assert_eq!(optional["nullable"], true, "{optional}");
}
