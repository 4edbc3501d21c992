use serde_json::json;

use crate::helpers::{TestAppBuilder, spawn_app_with_smtp};

#[tokio::test]
async fn a_citizen_registers_confirms_by_mail_logs_in_and_out() {
    let app = spawn_app_with_smtp().await;

    // Olena registers; her account waits for e-mail confirmation.
    let registered = app
        .post(
            "/api/v1/accounts",
            None,
            json!({"full_name": "Olena Petrenko", "email": "Olena.Petrenko@Example.org", "password": "kyiv-spring-2026", "language": "en"}),
        )
        .await;
    assert_eq!(registered.status, 202, "{}", registered.body);
    assert_eq!(registered.body["email"], "olena.petrenko@example.org", "the address is normalised");

    // She cannot log in before confirming.
    let early = app
        .post("/api/v1/sessions", None, json!({"email": "olena.petrenko@example.org", "password": "kyiv-spring-2026"}))
        .await;
    assert!(early.assert_problem(403).contains("confirm your e-mail"));

    // The mail arrives at the SMTP server, in English, with a link.
    let mail = app.smtp().nth_mail_to("olena.petrenko@example.org", 1).await;
    assert_eq!(mail.subject(), "Confirm your e-mail address for Hromada");
    let body = mail.body();
    let link = body
        .lines()
        .find(|l| l.contains("/account/confirm-email?token="))
        .expect("a link to the confirmation page in the mail")
        .trim()
        .to_owned();
    assert!(link.starts_with("http://127.0.0.1:8080/"), "links use the configured public URL: {link}");

    // The page's form confirms through the API with the link's token.
    let token = link.split("token=").nth(1).unwrap();
    let path = format!("/api/v1/accounts/verify-email?token={token}");
    let path = path.as_str();
    let verified = app.get(path, None).await;
    assert_eq!(verified.status, 200, "{}", verified.body);
    assert_eq!(verified.body["state"], "active");

    // The link works once.
    app.get(path, None).await.assert_problem(404);

    // She logs in and sees her own account.
    let token = app.login("olena.petrenko@example.org", "kyiv-spring-2026").await;
    let me = app.get("/api/v1/accounts/me", Some(&token)).await;
    assert_eq!(me.status, 200);
    assert_eq!(me.body["full_name"], "Olena Petrenko");
    assert_eq!(me.body["role"], "citizen");

    // She logs out; the token stops working.
    let logout = app.delete("/api/v1/sessions/current", Some(&token)).await;
    assert_eq!(logout.status, 204);
    let after = app.get("/api/v1/accounts/me", Some(&token)).await;
    assert!(after.assert_problem(401).contains("log in again"));
}

#[tokio::test]
async fn the_verification_mail_is_in_ukrainian_by_default() {
    let app = spawn_app_with_smtp().await;
    let registered = app
        .post(
            "/api/v1/accounts",
            None,
            json!({"full_name": "Петренко Олена", "email": "olena@example.org", "password": "kyiv-spring-2026"}),
        )
        .await;
    assert_eq!(registered.status, 202);
    let mail = app.smtp().nth_mail_to("olena@example.org", 1).await;
    assert!(mail.subject().starts_with("Підтвердіть"), "{}", mail.subject());
    assert!(mail.body().contains("Вітаємо, Петренко Олена!"));

    // Text and HTML alternatives, both in her language; the HTML part links the same page.
    assert_eq!(mail.content_type(), "multipart/alternative");
    let html = mail.html();
    assert!(html.contains("<html lang=\"uk\">"), "{html}");
    assert!(html.contains("Вітаємо, Петренко Олена!"), "{html}");
    let token = mail.token();
    assert!(html.contains(&format!("<a href=\"http://127.0.0.1:8080/account/confirm-email?token={token}\"")), "{html}");
    // A mandatory mail: nothing to unsubscribe from.
    assert_eq!(mail.header("List-Unsubscribe"), "");
    assert!(!html.contains("/unsubscribe"));
}

#[tokio::test]
async fn one_address_has_one_account_and_registering_does_not_tell_who_is_registered() {
    let app = spawn_app_with_smtp().await;
    let register = |email: &'static str, password: &'static str| {
        app.post("/api/v1/accounts", None, json!({"full_name": "Ivan Franko", "email": email, "password": password}))
    };
    let first = register("ivan@example.org", "long password 1").await;
    assert_eq!(first.status, 202, "{}", first.body);
    let first_mail = app.smtp().nth_mail_to("ivan@example.org", 1).await;
    // The same address again, whatever the capitalisation: the same answer as for a new address…
    let second = register(" IVAN@example.org", "long password 2").await;
    assert_eq!((second.status, &second.body), (first.status, &first.body));
    let new = register("someone.new@example.org", "long password 3").await;
    assert_eq!(new.status, second.status);
    assert_eq!(new.body["message"], second.body["message"]);
    // …and the owner of the address is told by mail; no second account, the first password still works.
    let told = app.smtp().nth_mail_to("ivan@example.org", 2).await;
    assert_ne!(told.subject(), first_mail.subject());
    assert!(told.body().contains("already has an account") || told.body().contains("вже має"), "{}", told.body());
    let token = first_mail.token();
    assert_eq!(app.post("/api/v1/accounts/verify-email", None, json!({ "token": token })).await.status, 200);
    app.login("ivan@example.org", "long password 1").await;
}

#[tokio::test]
async fn a_wrong_password_or_unknown_address_gets_the_same_answer() {
    let app = spawn_app_with_smtp().await;
    app.verified_citizen("Ivan Franko", "ivan@example.org").await;
    let wrong =
        app.post("/api/v1/sessions", None, json!({"email": "ivan@example.org", "password": "not his password"})).await;
    let unknown = app
        .post("/api/v1/sessions", None, json!({"email": "nobody@example.org", "password": "not his password"}))
        .await;
    assert_eq!(wrong.assert_problem(401), unknown.assert_problem(401));
}

#[tokio::test]
async fn a_forgotten_password_is_reset_by_mail_and_old_sessions_end() {
    let app = spawn_app_with_smtp().await;
    let old_session = app.verified_citizen("Lesia Ukrainka", "lesia@example.org").await;

    let asked = app.post("/api/v1/password-reset", None, json!({"email": "lesia@example.org"})).await;
    assert_eq!(asked.status, 202);
    // Asking for an unknown address looks the same from outside.
    let unknown = app.post("/api/v1/password-reset", None, json!({"email": "nobody@example.org"})).await;
    assert_eq!(unknown.status, 202);
    assert_eq!(unknown.body, asked.body);

    let mail = app.smtp().nth_mail_to("lesia@example.org", 2).await;
    assert_eq!(mail.subject(), "Reset your Hromada password");
    let code = mail.token();

    let too_short =
        app.post("/api/v1/password-reset/confirm", None, json!({"token": code, "new_password": "short"})).await;
    assert!(too_short.assert_problem(422).contains("at least 10"));
    assert_eq!(too_short.body["field"], "new_password");

    let reset = app
        .post("/api/v1/password-reset/confirm", None, json!({"token": code, "new_password": "a brand new password"}))
        .await;
    assert_eq!(reset.status, 204, "{}", reset.body);

    app.get("/api/v1/accounts/me", Some(&old_session)).await.assert_problem(401);
    app.post("/api/v1/sessions", None, json!({"email": "lesia@example.org", "password": "a long enough password"}))
        .await
        .assert_problem(401);
    app.login("lesia@example.org", "a brand new password").await;

    // The code worked once.
    app.post("/api/v1/password-reset/confirm", None, json!({"token": code, "new_password": "yet another password"}))
        .await
        .assert_problem(404);
}

#[tokio::test]
async fn a_lost_verification_mail_can_be_sent_again() {
    let app = spawn_app_with_smtp().await;
    app.post("/api/v1/accounts", None, json!({"full_name": "Taras Shevchenko", "email": "taras@example.org", "password": "kobzar-1840-x", "language": "en"})).await;
    let first = app.smtp().nth_mail_to("taras@example.org", 1).await.token();
    let again = app.post("/api/v1/accounts/verification-mail", None, json!({"email": "taras@example.org"})).await;
    assert_eq!(again.status, 202);
    let second = app.smtp().nth_mail_to("taras@example.org", 2).await.token();
    assert_ne!(first, second);
    let verified = app.post("/api/v1/accounts/verify-email", None, json!({ "token": second })).await;
    assert_eq!(verified.body["state"], "active");
}

#[tokio::test]
async fn an_administrator_grants_the_moderator_role_and_a_citizen_cannot() {
    let app = spawn_app_with_smtp().await;
    let admin = app.administrator().await;
    let citizen = app.verified_citizen("Ivan Franko", "ivan@example.org").await;
    let me = app.get("/api/v1/accounts/me", Some(&citizen)).await;
    let citizen_id = me.body["id"].as_i64().unwrap();

    app.get("/api/v1/accounts", Some(&citizen)).await.assert_problem(403);
    app.put(&format!("/api/v1/accounts/{citizen_id}/role"), Some(&citizen), json!({"role": "administrator"}))
        .await
        .assert_problem(403);

    let granted =
        app.put(&format!("/api/v1/accounts/{citizen_id}/role"), Some(&admin), json!({"role": "moderator"})).await;
    assert_eq!(granted.status, 200, "{}", granted.body);
    assert_eq!(granted.body["role"], "moderator");

    let listed = app.get("/api/v1/accounts", Some(&admin)).await;
    assert_eq!(listed.body.as_array().unwrap().len(), 2);

    let bad_role =
        app.put(&format!("/api/v1/accounts/{citizen_id}/role"), Some(&admin), json!({"role": "mayor"})).await;
    assert!(bad_role.assert_problem(422).contains("mayor"));
    app.put("/api/v1/accounts/9999/role", Some(&admin), json!({"role": "moderator"})).await.assert_problem(404);

    // The change is in the account's history, with who made it.
    let history = hromada::storage::events::history(&app.db, "account", &citizen_id.to_string()).await.unwrap();
    let actions: Vec<_> = history.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["registered", "email_verified", "role_changed"]);
    assert!(history[2].details.contains("moderator"));
}

#[tokio::test]
async fn login_attempts_are_rate_limited_per_address_with_retry_after() {
    let app = TestAppBuilder::new().await.configure(|s| s.rate_limits.login_per_minute = 3).spawn().await;
    for _ in 0..3 {
        app.post("/api/v1/sessions", None, json!({"email": "x@example.org", "password": "guess guess guess"}))
            .await
            .assert_problem(401);
    }
    let limited =
        app.post("/api/v1/sessions", None, json!({"email": "x@example.org", "password": "guess guess guess"})).await;
    assert!(limited.assert_problem(429).contains("try again"));
    let retry_after: u64 = limited.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
}

#[tokio::test]
async fn registration_is_rate_limited_per_address() {
    let app = TestAppBuilder::new().await.configure(|s| s.rate_limits.register_per_hour = 1).spawn().await;
    let first = app
        .post(
            "/api/v1/accounts",
            None,
            json!({"full_name": "Ivan Franko", "email": "a@example.org", "password": "long password 1"}),
        )
        .await;
    assert_eq!(first.status, 202);
    app.post(
        "/api/v1/accounts",
        None,
        json!({"full_name": "Ivan Franko", "email": "b@example.org", "password": "long password 1"}),
    )
    .await
    .assert_problem(429);
}

#[tokio::test]
async fn login_resend_and_password_reset_refuse_a_number_or_boolean_where_text_is_expected() {
    let app = crate::helpers::spawn_app().await;
    let cases = [
        ("/api/v1/sessions", json!({"email": 380_501_234_567_i64, "password": "long password 1"}), "email"),
        ("/api/v1/sessions", json!({"email": "ivan@example.org", "password": true}), "password"),
        ("/api/v1/accounts/verification-mail", json!({"email": false}), "email"),
        ("/api/v1/password-reset", json!({"email": 42}), "email"),
        ("/api/v1/password-reset/confirm", json!({"token": 7, "new_password": "long password 1"}), "token"),
        ("/api/v1/password-reset/confirm", json!({"token": "abc", "new_password": 1234567890123_i64}), "new_password"),
        ("/api/v1/accounts/verify-email", json!({"token": true}), "token"),
    ];
    for (path, body, field) in cases {
        let answer = app.post(path, None, body).await;
        assert!(answer.assert_problem(422).contains("JSON string"), "{path}: {}", answer.body);
        assert_eq!(answer.body["field"], field, "{path}");
    }
}
