//! The domain: plain types and rules with unit tests, no I/O. One module per area.
/// `ALL`, `code`, `parse` and `listing` for an enum stored and exchanged as snake_case codes.
macro_rules! codes {
    ($ty:ty { $($variant:ident => $code:literal),+ $(,)? }) => {
        impl $ty {
            pub const ALL: &'static [$ty] = &[$(<$ty>::$variant),+];
            pub fn code(self) -> &'static str {
                match self { $(<$ty>::$variant => $code),+ }
            }
            pub fn parse(code: &str) -> Option<Self> {
                match code { $($code => Some(<$ty>::$variant),)+ _ => None }
            }
            /// The codes, comma-separated, for error messages and documentation.
            pub fn listing() -> String {
                [$($code),+].join(", ")
            }
        }
    };
}

pub mod accounts;
pub mod appeals;
pub mod audit;
pub mod authorization;
pub mod calendar;
pub mod deadlines;
pub mod directory;
pub mod metrics;
pub mod notify;
pub mod petitions;
pub mod text;
