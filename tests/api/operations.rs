//! The binary as an operator uses it: configuration errors, the first administrator, shutdown.
use std::process::Command;

use crate::helpers::{TestAppBuilder, spawn_app};

fn hromada() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hromada"));
    command.env_remove("DATABASE_URL").env_remove("SMTP_URL");
    command
}

#[test]
fn bad_configuration_is_reported_with_a_non_zero_exit_before_anything_binds() {
    let output = hromada().env("HROMADA_DATABASE_URL", "mysql://nope").arg("serve").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("database_url"), "{stderr}");

    let output = hromada().env("HROMADA_RATE_LIMITS__LOGIN_PER_MINUTE", "lots").arg("serve").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).to_lowercase().contains("rate_limits.login_per_minute"));

    let output = hromada().arg("--config").arg("/nonexistent/hromada.toml").arg("serve").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
}

#[tokio::test]
async fn the_first_administrator_is_created_from_the_command_line_and_can_log_in() {
    let dir = std::env::temp_dir().join(format!("hromada-cli-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let database_url = match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if url.starts_with("postgres") => crate::helpers::fresh_database_url().await,
        _ => format!("sqlite://{}?mode=rwc", dir.join("hromada.db").display()),
    };
    let output = hromada()
        .env("DATABASE_URL", &database_url)
        .env("HROMADA_ADMIN_PASSWORD", "first admin password")
        .args(["admin", "create", "--email", "Mayor.Office@rada.example.org", "--full-name", "Admin Adminenko"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));

    let app = TestAppBuilder::new().await.configure(|s| s.database_url = database_url).spawn().await;
    let token = app.login("mayor.office@rada.example.org", "first admin password").await;
    let me = app.get("/api/v1/accounts/me", Some(&token)).await;
    assert_eq!(me.body["role"], "administrator");
    assert_eq!(me.body["state"], "active");
    app.stop().await;
}

#[tokio::test]
async fn the_server_shuts_down_gracefully_and_stops_listening() {
    let app = spawn_app().await;
    let address = app.address.clone();
    let client = app.client.clone();
    assert_eq!(app.get("/healthz", None).await.status, 200);
    app.stop().await;
    assert!(client.get(format!("{address}/healthz")).send().await.is_err(), "nothing listens after shutdown");
}

#[test]
fn the_openapi_command_prints_the_specification_without_a_database() {
    let output = hromada().env("DATABASE_URL", "mysql://ignored").arg("openapi").output().unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.starts_with("openapi: 3"), "{}", &text[..40.min(text.len())]);
}
