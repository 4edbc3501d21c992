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
