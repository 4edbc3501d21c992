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
use sea_orm::{ActiveModelBehavior, ActiveModelTrait, EntityTrait, IntoActiveModel, TryIntoModel};

use crate::error::AppError;

/// Saves an edited directory entry (inserted when new) and reads it back; a name or code another entry
/// already has is a 409 naming `what`.
async fn save_entry<A>(
    txn: &sea_orm::DatabaseTransaction,
    model: A,
    what: &'static str,
) -> Result<<A::Entity as EntityTrait>::Model, AppError>
where
    A: ActiveModelTrait + ActiveModelBehavior + TryIntoModel<<A::Entity as EntityTrait>::Model> + Send,
    <A::Entity as EntityTrait>::Model: IntoActiveModel<A>,
{
    let saved = model.save(txn).await.map_err(|e| match AppError::from(e) {
        AppError::Conflict(_) => AppError::Conflict(format!("another {what} already has this name or code")),
        other => other,
    })?;
    saved.try_into_model().map_err(|e| AppError::Internal(e.into()))
}
