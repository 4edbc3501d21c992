//! Code fields (an appeal's kind, status, channel, resolution, refusal code; a petition's status and the
//! petition list's order): the spec lists their values
//! as an `enum`, and the domain's codes are the one list. A value outside it is not a framework 400 but
//! refused by [`Code::read`] with a 422 that names the field and lists what it may be.
use std::{borrow::Cow, marker::PhantomData};

use poem_openapi::{
    registry::{MetaSchema, MetaSchemaRef},
    types::{ParseError, ParseFromJSON, ParseFromParameter, ParseResult, ToJSON, Type},
};
use serde_json::Value;

use crate::{
    domain::{
        appeals::{AppealKind, Channel, RefusalCode, Resolution, Status},
        petitions,
    },
    error::AppError,
    storage::petitions::Sort,
};

/// A domain enum with codes (see the `codes!` macro of `domain`).
pub trait Coded: Copy + Send + Sync + 'static {
    /// The schema's name in the spec.
    const NAME: &'static str;
    fn all() -> Vec<Self>;
    fn code(self) -> &'static str;
    fn parse(code: &str) -> Option<Self>;
    fn listing() -> String;
}

macro_rules! coded {
    ($($ty:ty as $name:literal),+) => {$(
        impl Coded for $ty {
            const NAME: &'static str = $name;
            fn all() -> Vec<Self> { <$ty>::ALL.to_vec() }
            fn code(self) -> &'static str { <$ty>::code(self) }
            fn parse(code: &str) -> Option<Self> { <$ty>::parse(code) }
            fn listing() -> String { <$ty>::listing() }
        }
    )+};
}

coded!(
    AppealKind as "AppealKind",
    Channel as "Channel",
    Status as "Status",
    Resolution as "Resolution",
    RefusalCode as "RefusalCode",
    petitions::Status as "PetitionStatus",
    Sort as "PetitionSort"
);

/// The channels an officer registers an appeal from: paper, phone, e-mail (never web or Open311, which
/// file themselves).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OfflineChannel(pub Channel);

impl Coded for OfflineChannel {
    const NAME: &'static str = "OfflineChannel";

    fn all() -> Vec<Self> {
        [Channel::Paper, Channel::Phone, Channel::Email].map(OfflineChannel).to_vec()
    }

    fn code(self) -> &'static str {
        self.0.code()
    }

    fn parse(code: &str) -> Option<Self> {
        Self::all().into_iter().find(|c| c.code() == code)
    }

    fn listing() -> String {
        Self::all().iter().map(|c| c.code()).collect::<Vec<_>>().join(", ")
    }
}

/// A code as received or sent; `T` only is accepted.
pub struct Code<T: Coded> {
    raw: String,
    kind: PhantomData<T>,
}

impl<T: Coded> Code<T> {
    pub fn of(value: T) -> Self {
        Code { raw: value.code().to_owned(), kind: PhantomData }
    }

    /// The value, or a 422 naming `field` and the codes it may be.
    pub fn read(&self, field: &str) -> Result<T, AppError> {
        T::parse(self.raw.trim())
            .ok_or_else(|| AppError::validation(field, format!("`{}` is not one of: {}", self.raw, T::listing())))
    }

    pub fn read_optional(value: Option<&Self>, field: &str) -> Result<Option<T>, AppError> {
        value.map(|code| code.read(field)).transpose()
    }
}

impl<T: Coded> From<T> for Code<T> {
    fn from(value: T) -> Self {
        Code::of(value)
    }
}

impl<T: Coded> Clone for Code<T> {
    fn clone(&self) -> Self {
        Code { raw: self.raw.clone(), kind: PhantomData }
    }
}

impl<T: Coded> std::fmt::Debug for Code<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}({:?})", T::NAME, self.raw)
    }
}

/// The schema of `T`'s codes: a string, one of the listed values.
pub fn schema<T: Coded>() -> MetaSchema {
    let mut schema = MetaSchema::new("string");
    schema.enum_items = T::all().into_iter().map(|v| Value::String(v.code().to_owned())).collect();
    schema
}

impl<T: Coded> Type for Code<T> {
    const IS_REQUIRED: bool = true;
    type RawValueType = String;
    type RawElementValueType = String;

    fn name() -> Cow<'static, str> {
        T::NAME.into()
    }

    fn schema_ref() -> MetaSchemaRef {
        MetaSchemaRef::Inline(Box::new(schema::<T>()))
    }

    fn as_raw_value(&self) -> Option<&String> {
        Some(&self.raw)
    }

    fn raw_element_iter<'a>(&'a self) -> Box<dyn Iterator<Item = &'a String> + 'a> {
        Box::new(self.as_raw_value().into_iter())
    }
}

impl<T: Coded> ParseFromJSON for Code<T> {
    fn parse_from_json(value: Option<Value>) -> ParseResult<Self> {
        match value {
            Some(Value::String(raw)) => Ok(Code { raw, kind: PhantomData }),
            None | Some(Value::Null) => Err(ParseError::expected_input()),
            // Not text at all: kept as its JSON form, so `read` names the field and the codes.
            Some(other) => Ok(Code { raw: other.to_string(), kind: PhantomData }),
        }
    }
}

impl<T: Coded> ParseFromParameter for Code<T> {
    fn parse_from_parameter(value: &str) -> ParseResult<Self> {
        Ok(Code { raw: value.to_owned(), kind: PhantomData })
    }
}

impl<T: Coded> ToJSON for Code<T> {
    fn to_json(&self) -> Option<Value> {
        Some(Value::String(self.raw.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_outside_the_list_is_refused_naming_the_field_and_the_codes() {
        let wish = Code::<AppealKind>::parse_from_json(Some(Value::String("wish".into()))).unwrap();
        let error = wish.read("kind").unwrap_err().to_string();
        assert!(error.contains("wish") && error.contains("issue_report"), "{error}");
        let report = Code::<AppealKind>::parse_from_json(Some(Value::String("issue_report".into()))).unwrap();
        assert_eq!(report.read("kind").unwrap(), AppealKind::IssueReport);
        let number = Code::<Status>::parse_from_json(Some(serde_json::json!(3))).unwrap();
        assert!(number.read("status").is_err());
    }

    #[test]
    fn the_schema_lists_every_code() {
        let schema = schema::<Channel>();
        let codes: Vec<&str> = schema.enum_items.iter().filter_map(Value::as_str).collect();
        assert_eq!(codes, ["web", "paper", "phone", "email", "open311"]);
    }
}
