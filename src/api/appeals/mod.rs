//! Appeals and "Open City" issue reports over HTTP, split as the use cases in `service::appeals` are:
//! intake (filing, off-line registration, and the lists at the same path), handling by the executor's
//! staff, the author's steps and photos, and reading (one appeal, history, nearby reports, the map).
//! Handlers only parse, call one use case and render.
mod citizen;
mod handling;
mod intake;
mod queries;
pub mod views;

pub use views::AppealView;

use crate::error::AppError;

/// The appeal endpoints, one API per file (a path's operations stay together, as the spec needs).
pub type AppealsApi = (intake::IntakeApi, handling::HandlingApi, citizen::CitizenApi, queries::QueriesApi);

/// The value of [`AppealsApi`], so `api::service` lists it like any other API.
#[allow(non_upper_case_globals)]
pub const AppealsApi: AppealsApi = (intake::IntakeApi, handling::HandlingApi, citizen::CitizenApi, queries::QueriesApi);

/// An optional text field; blank counts as absent.
fn optional_text<const MAX: usize, const MULTILINE: bool>(
    value: Option<super::text::Text<MAX, MULTILINE>>,
    field: &str,
) -> Result<Option<String>, AppError> {
    Ok(super::text::Text::read_optional(value, field)?.filter(|v| !v.is_empty()))
}
