//! The city directory: organisations, districts and appeal categories, and
//! the routing of an appeal or "Open City" report to the organisation that
//! must handle it (its executor).
//!
//! Everything here is pure data and pure functions: no I/O, no clock, no
//! globals. Deadlines are computed elsewhere; this module only says which
//! urgency class a category belongs to.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::DomainError;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

id_type!(
    /// Database id of an organisation; a newtype so it cannot be mixed up
    /// with a district or category id.
    OrganisationId
);
id_type!(
    /// Database id of a city district.
    DistrictId
);
id_type!(
    /// Database id of an appeal / issue category.
    CategoryId
);

mod categories;
mod districts;
mod organisations;
mod routing;

pub use categories::*;
pub use districts::*;
pub use organisations::*;
pub use routing::*;

#[cfg(test)]
mod tests;
