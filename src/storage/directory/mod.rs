//! The directory as stored: organisations, members, districts, categories and their district overrides.
//! Every change appends an event in the same transaction. Items routed earlier keep the executor and
//! the rule recorded at routing time, so editing the directory never rewrites where they went.
//! One file per sub-area; this module re-exports them, so callers name `storage::directory::…`.
mod categories;
mod districts;
mod example_city;
mod members;
mod organisations;
mod routing;

pub use self::{categories::*, districts::*, example_city::*, members::*, organisations::*, routing::*};
use crate::error::AppError;

fn name_taken(what: &'static str) -> impl Fn(sea_orm::DbErr) -> AppError {
    move |e| match AppError::from(e) {
        AppError::Conflict(_) => AppError::Conflict(format!("another {what} already has this name or code")),
        other => other,
    }
}
