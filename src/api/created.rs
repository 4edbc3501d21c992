//! The one "201 Created" response every endpoint that creates something answers with.
use poem_openapi::{ApiResponse, payload::Json};

#[derive(ApiResponse)]
pub enum Created<T: poem_openapi::types::ToJSON + Send + Sync> {
    /// Created.
    #[oai(status = 201)]
    Created(Json<T>),
}
