//! Liveness and readiness for orchestrators; outside the versioned API.
use poem::{IntoResponse, Response, handler, http::StatusCode, web::Data};
use serde_json::json;

use super::AppState;
use crate::{error::Problem, storage};

/// Alive: the process answers HTTP.
#[handler]
pub async fn healthz() -> Response {
    poem::web::Json(json!({ "status": "alive" })).into_response()
}

/// Ready: the database answers and every migration is applied.
#[handler]
pub async fn readyz(state: Data<&AppState>) -> Response {
    match storage::readiness(&state.db).await {
        Ok(()) => poem::web::Json(json!({ "status": "ready" })).into_response(),
        Err(reason) => Problem::new(StatusCode::SERVICE_UNAVAILABLE, "not-ready", reason).into_response(),
    }
}
