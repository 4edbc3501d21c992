//! The one error type of the domain. Every rule that refuses something says so with a [`DomainError`]:
//! which field is to blame (when one is) and a message a person can act on. The specific refusals some
//! rules return, because callers inspect their details (an intake refusal's code, a routing failure),
//! convert into it. The service turns it into its HTTP shape at the edge (`AppError` in the root crate):
//! `Invalid` → 422, `Forbidden` → 403, `NotFound` → 404, `Conflict` → 409, `Internal` → 500.
use crate::{
    appeals::{IntakeError, IntakeRefusal, TransitionError},
    calendar::UnsupportedDate,
    directory::{AreaError, RoutingError, ShareError},
};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// A value is not acceptable; `field` names the input to change when one is to blame.
    #[error("{message}")]
    Invalid { field: Option<String>, message: String },
    /// The person asking may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// Something the request refers to does not exist (an unknown category).
    #[error("{0}")]
    NotFound(String),
    /// Not possible in the current state of the thing.
    #[error("{0}")]
    Conflict(String),
    /// A fault of the service itself (a missing mail template, a failed hash), never the requester's.
    #[error("{0}")]
    Internal(String),
}

impl DomainError {
    /// A refusal of the input `field`, with what to change.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        DomainError::Invalid { field: Some(field.to_owned()), message: message.into() }
    }

    /// The field to blame, for a refusal of the input.
    pub fn field(&self) -> Option<&str> {
        match self {
            DomainError::Invalid { field, .. } => field.as_deref(),
            _ => None,
        }
    }
}

impl From<TransitionError> for DomainError {
    fn from(e: TransitionError) -> Self {
        match e {
            TransitionError::Forbidden(m) => DomainError::Forbidden(m),
            TransitionError::Conflict(m) => DomainError::Conflict(m),
            TransitionError::Invalid { field, message } => DomainError::invalid(field, message),
        }
    }
}

impl From<IntakeError> for DomainError {
    fn from(e: IntakeError) -> Self {
        match e {
            IntakeError::Invalid { field, message } => DomainError::invalid(field, message),
            IntakeError::NotFound(message) => DomainError::NotFound(message),
        }
    }
}

impl From<IntakeRefusal> for DomainError {
    fn from(r: IntakeRefusal) -> Self {
        DomainError::invalid(r.field, r.reason)
    }
}

impl From<UnsupportedDate> for DomainError {
    fn from(e: UnsupportedDate) -> Self {
        DomainError::invalid(&e.field, e.to_string())
    }
}

/// A routing failure is a problem with the category the item was filed under (its rules lead nowhere).
impl From<RoutingError> for DomainError {
    fn from(e: RoutingError) -> Self {
        DomainError::invalid("category_id", e.to_string())
    }
}

impl From<ShareError> for DomainError {
    fn from(e: ShareError) -> Self {
        DomainError::invalid("community_share_percent", e.to_string())
    }
}

impl From<AreaError> for DomainError {
    fn from(e: AreaError) -> Self {
        DomainError::invalid("area", e.to_string())
    }
}
