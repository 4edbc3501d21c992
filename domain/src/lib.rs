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

#[cfg(test)]
mod tests {
    use serde::Serialize;

    /// Every code turns back into its variant, and it is the same string serde writes, so the database,
    /// the JSON API and the exports never disagree about a code.
    fn codes_agree_with_serde<T: Serialize + Copy + PartialEq + std::fmt::Debug>(
        all: &[T],
        code: fn(T) -> &'static str,
        from_code: fn(&str) -> Option<T>,
    ) {
        for &value in all {
            assert_eq!(from_code(code(value)), Some(value));
            assert_eq!(serde_json::to_value(value).unwrap(), code(value), "{value:?}");
        }
        assert_eq!(from_code("no_such_code"), None);
    }

    macro_rules! check {
        ($($ty:ty),+ $(,)?) => {
            $(codes_agree_with_serde(<$ty>::ALL, <$ty>::code, <$ty>::from_code);)+
        };
    }

    #[test]
    fn every_coded_enum_round_trips_and_matches_its_serde_name() {
        use crate::{accounts, appeals, authorization, calendar, directory, petitions};
        check!(
            accounts::Language,
            accounts::Role,
            appeals::AppealKind,
            appeals::Channel,
            appeals::Status,
            appeals::Resolution,
            appeals::RefusalCode,
            authorization::OrganisationRole,
            calendar::HolidayKind,
            calendar::Period,
            directory::OrganisationKind,
            petitions::SigningMode,
            petitions::Status,
            petitions::Decision,
            petitions::RefusalCode,
        );
    }

    #[test]
    fn a_refused_code_names_the_field_and_lists_the_choices() {
        let err = crate::accounts::Role::parse("king").unwrap_err();
        assert_eq!(err.field(), Some("role"));
        assert_eq!(err.to_string(), "`king` is not a role; use citizen, moderator or administrator");
        let err = crate::authorization::OrganisationRole::parse("boss").unwrap_err();
        assert_eq!(err.to_string(), "`boss` is not a member role; use officer or head");
    }
}
