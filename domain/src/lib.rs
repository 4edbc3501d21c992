//! The domain: plain types and rules with unit tests, no I/O. One module per area.
/// The one conversion between an enum and the snake_case codes it is stored and exchanged as: `ALL`,
/// `code`, `from_code`, `listing`, and `parse` (the same as `from_code`). Enums whose `parse` refuses
/// with a message of its own write `codes!(Type, own parse { … })` and build that `parse` on `from_code`.
macro_rules! codes {
    ($ty:ty { $($variant:ident => $code:literal),+ $(,)? }) => {
        codes!($ty, own parse { $($variant => $code),+ });
        impl $ty {
            pub fn parse(code: &str) -> Option<Self> {
                Self::from_code(code)
            }
        }
    };
    ($ty:ty, own parse { $($variant:ident => $code:literal),+ $(,)? }) => {
        impl $ty {
            pub const ALL: &'static [$ty] = &[$(<$ty>::$variant),+];
            pub fn code(self) -> &'static str {
                match self { $(<$ty>::$variant => $code),+ }
            }
            pub fn from_code(code: &str) -> Option<Self> {
                match code { $($code => Some(<$ty>::$variant),)+ _ => None }
            }
            /// The codes, comma-separated, for error messages and documentation.
            pub fn listing() -> String {
                [$($code),+].join(", ")
            }
        }
    };
}

pub mod error;

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

pub use error::DomainError;
