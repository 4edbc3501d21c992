//! Liveness and readiness for orchestrators; outside the versioned API.
use std::time::Duration;

use poem::{IntoResponse, Response, handler, http::StatusCode, web::Data};
use serde_json::json;

use super::AppState;
use crate::{error::Problem, storage};

/// Alive: the process answers HTTP.
#[handler]
pub async fn healthz() -> Response {
    poem::web::Json(json!({ "status": "alive" })).into_response()
}

/// How long `/readyz` waits for the database: an orchestrator's probe must get an answer, not a hang.
const READINESS_TIMEOUT: Duration = Duration::from_secs(1);

/// Ready: the database answers within a second and every migration is applied.
#[handler]
pub async fn readyz(state: Data<&AppState>) -> Response {
    let outcome = tokio::time::timeout(READINESS_TIMEOUT, storage::readiness(&state.db))
        .await
        .unwrap_or_else(|_| Err(format!("the database did not answer within {} ms", READINESS_TIMEOUT.as_millis())));
    match outcome {
        Ok(()) => poem::web::Json(json!({ "status": "ready" })).into_response(),
        Err(reason) => Problem::new(StatusCode::SERVICE_UNAVAILABLE, "not-ready", reason).into_response(),
    }
}

/// Prometheus metrics: request counts and latencies, mails sent and failed, the mail backlog and its
/// oldest mail's age, open and overdue appeals.
#[handler]
pub async fn metrics(state: Data<&AppState>) -> Response {
    let m = &state.metrics;
    let counts = async {
        let backlog = storage::notify::backlog(&state.db).await?;
        let oldest = storage::notify::oldest_queued(&state.db).await?;
        let (open, overdue) =
            storage::appeals::open_counts(&state.db).await.map_err(|e| sea_orm::DbErr::Custom(e.to_string()))?;
        let collecting =
            storage::petitions::collecting_count(&state.db).await.map_err(|e| sea_orm::DbErr::Custom(e.to_string()))?;
        Ok::<_, sea_orm::DbErr>((backlog, oldest, open, overdue, collecting))
    };
    match counts.await {
        Ok((backlog, oldest, open, overdue, collecting)) => {
            m.outbox_backlog.set(backlog as i64);
            let age = oldest.map_or(0, |at| (chrono::Utc::now() - at).num_seconds().max(0));
            m.outbox_oldest_queued_seconds.set(age);
            m.appeals_open.set(open as i64);
            m.appeals_overdue.set(overdue as i64);
            m.petitions_collecting.set(collecting as i64);
        }
        // The request metrics are still worth serving when the database is down.
        Err(e) => tracing::warn!(error = %e, "metrics: cannot read the database gauges"),
    }
    Response::builder().content_type("application/openmetrics-text; version=1.0.0; charset=utf-8").body(m.render())
}
