use crate::helpers::spawn_app;

#[tokio::test]
async fn the_service_reports_alive_and_ready_with_a_request_id() {
    let app = spawn_app().await;

    let alive = app.get("/healthz", None).await;
    assert_eq!(alive.status, 200);
    assert_eq!(alive.body["status"], "alive");
    assert!(!alive.headers["x-request-id"].to_str().unwrap().is_empty());

    let ready = app.get("/readyz", None).await;
    assert_eq!(ready.status, 200);
    assert_eq!(ready.body["status"], "ready");
}

#[tokio::test]
async fn a_request_id_sent_by_the_client_is_echoed_for_tracing_across_systems() {
    let app = spawn_app().await;
    let response = app.client.get(app.url("/healthz")).header("x-request-id", "trace-me-42").send().await.unwrap();
    assert_eq!(response.headers()["x-request-id"], "trace-me-42");
}

#[tokio::test]
async fn the_api_is_described_in_openapi_json_and_yaml_with_swagger_ui() {
    let app = spawn_app().await;

    let json = app.get("/openapi.json", None).await;
    assert_eq!(json.status, 200);
    assert_eq!(json.body["openapi"], "3.0.0");
    assert!(json.body["paths"]["/accounts"]["post"].is_object(), "registration is documented");

    let yaml = app.client.get(app.url("/openapi.yaml")).send().await.unwrap();
    assert_eq!(yaml.status(), 200);
    assert!(yaml.text().await.unwrap().contains("/sessions/current"));

    let docs = app.client.get(app.url("/docs/")).send().await.unwrap();
    assert_eq!(docs.status(), 200);
    assert!(docs.text().await.unwrap().to_lowercase().contains("swagger"));
}

#[tokio::test]
async fn the_committed_openapi_yaml_matches_the_code() {
    let generated = hromada::api::service().spec_yaml();
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.yaml"))
        .expect("openapi.yaml is committed at the top of the repository");
    assert!(
        committed == generated,
        "openapi.yaml is out of date; regenerate it with `cargo run -- openapi > openapi.yaml`"
    );
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_show_open_and_overdue_appeals() {
    let app = crate::helpers::TestAppBuilder::new()
        .await
        .with_smtp()
        .configure(|s| s.watcher.interval_seconds = 1)
        .spawn()
        .await;
    let city = crate::city::build(&app).await;
    let paper = serde_json::json!({
        "channel": "paper", "received_at": (chrono::Utc::now() - chrono::Duration::days(40)).to_rfc3339(),
        "kind": "application", "subject": "Repair the roof", "text": "The roof of Shkilna 12 leaks into flat 40.",
        "author_name": "Hryhorii Skovoroda", "author_address": "Kramatorsk, Shkilna 12"
    });
    let registered = app.post("/api/v1/appeals/registrations", Some(&city.housing_officer), paper).await;
    let id = registered.body["id"].as_i64().unwrap();
    for _ in 0..100 {
        let seen = app.get(&format!("/api/v1/appeals/{id}"), Some(&city.housing_officer)).await;
        if !seen.body["deadline"]["overdue_at"].is_null() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    app.get("/wp-login.php", None).await;
    // Bad requests on matched routes are labelled by the route's template, never by the raw path.
    app.get("/api/v1/appeals/john.doe@example.net", None).await.assert_problem(400);
    app.get("/api/v1/appeals/john.doe@example.net/history", None).await.assert_problem(400);
    app.get("/open311/v2/requests/jane.roe@example.net.json", None).await;

    let response = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    assert!(text.contains("hromada_appeals_open 1"), "{text}");
    assert!(text.contains("hromada_appeals_overdue 1"), "{text}");
    assert!(text.contains("hromada_outbox_backlog "), "{text}");
    assert!(
        text.contains(
            r#"hromada_http_requests_total{method="POST",route="/api/v1/appeals/registrations",status="201"} 1"#
        ),
        "{text}"
    );
    assert!(text.contains(r#"route="/api/v1/appeals/:id",status="200""#), "ids are folded: {text}");
    assert!(text.contains(r#"route="unmatched""#));
    assert!(!text.contains("wp-login"));
    assert!(!text.contains("example.net"), "no raw path is a label: {text}");
    assert!(text.contains(r#"route="/api/v1/appeals/:id/history",status="400""#), "{text}");
}

/// Makes the app's database unreachable, as an outage would: on PostgreSQL the database stops accepting
/// connections and the open ones are cut; on SQLite (a file inside the process) the app's pool is closed.
async fn cut_database(app: &crate::helpers::TestApp) {
    use sea_orm::ConnectionTrait;
    match std::env::var("TEST_DATABASE_URL") {
        Ok(base) if base.starts_with("postgres") => {
            let name = url::Url::parse(&app.settings.database_url).unwrap().path().trim_start_matches('/').to_owned();
            let admin = sea_orm::Database::connect(&base).await.unwrap();
            admin.execute_unprepared(&format!("ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS false")).await.unwrap();
            admin
                .execute_unprepared(&format!(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
                ))
                .await
                .unwrap();
            admin.close().await.ok();
        }
        _ => app.db.close_by_ref().await.unwrap(),
    }
}

#[tokio::test]
async fn a_database_outage_answers_503_with_retry_after_and_readiness_says_so_within_a_second() {
    let app = spawn_app().await;
    assert_eq!(app.get("/readyz", None).await.status, 200);

    cut_database(&app).await;

    let asked = std::time::Instant::now();
    let ready = app.get("/readyz", None).await;
    assert!(asked.elapsed() < std::time::Duration::from_millis(1500), "readyz took {:?}", asked.elapsed());
    ready.assert_problem(503);
    assert!(ready.headers.contains_key("retry-after"));

    let organisations = app.get("/api/v1/directory/organisations", None).await;
    organisations.assert_problem(503);
    assert_eq!(organisations.body["type"], "/problems/unavailable");
    assert_eq!(organisations.headers["retry-after"], "5");

    let services = app.client.get(app.url("/open311/v2/services.json")).send().await.unwrap();
    assert_eq!(services.status(), 503);
    assert_eq!(services.headers()["retry-after"], "5");
}
