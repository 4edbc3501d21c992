//! Code fields: a value from a fixed list (an appeal's kind, status, channel, resolution, refusal code; a
//! petition's status and the list's order; an organisation's kind, a member's role, a category's urgency
//! class; a calendar period, the deadline calculator's rule). This is the one conversion between the codes
//! of the JSON API and the values behind them.
//!
//! The spec lists a field's codes as an `enum`, taken from the one place that defines them (the domain's
//! `codes!` enums, or the service's lists), so the spec cannot drift from what is accepted. What arrives
//! is read as one line of text, so a value outside the list is not the framework's bare 400 but a 422 that
//! names the field and lists the codes a person can use. A domain enum is checked here and read as the enum
//! (`coded!`); codes the use case checks itself ([`TextCodes`]) are read as the cleaned text.
use std::{borrow::Cow, marker::PhantomData};

use poem_openapi::{
    registry::{MetaSchema, MetaSchemaRef},
    types::{ParseFromJSON, ParseFromParameter, ParseResult, ToJSON, Type},
};
use serde_json::Value;

use super::text::Line;
use crate::{
    domain::{
        appeals::{AppealKind, Channel, RefusalCode, Resolution, Status},
        petitions,
        text::limits,
    },
    error::AppError,
};

/// The codes of a field: what the spec lists, and what a received code becomes.
pub trait Codes: Send + Sync + 'static {
    /// What a code is read as: the domain's enum, or the cleaned text the use case checks.
    type Value;
    /// The schema's name.
    const NAME: &'static str;
    /// The spec's `maxLength`, where it states one.
    const MAX_LENGTH: Option<usize>;
    fn codes() -> Vec<String>;
    /// The value of the cleaned `text`, or a 422 naming `field` and the codes it may be.
    fn value(field: &str, text: String) -> Result<Self::Value, AppError>;
    /// The code of `value`.
    fn code(value: &Self::Value) -> &str;
}

/// Codes the use case checks itself (against the directory's or the calendar's lists): the spec lists
/// them, and a field holding them is read as one line of at most `limits::CODE` characters.
pub trait TextCodes: Send + Sync + 'static {
    fn codes() -> Vec<String>;
}

/// Any text (no `enum` in the spec).
pub struct AnyText;

impl TextCodes for AnyText {
    fn codes() -> Vec<String> {
        vec![]
    }
}

impl<C: TextCodes> Codes for C {
    type Value = String;
    const NAME: &'static str = "string";
    const MAX_LENGTH: Option<usize> = Some(limits::CODE);

    fn codes() -> Vec<String> {
        C::codes()
    }

    fn value(_field: &str, text: String) -> Result<String, AppError> {
        Ok(text)
    }

    fn code(value: &String) -> &str {
        value
    }
}

/// Reads `code` with `parse`, or refuses it with a 422 naming `field` and the codes `listing` gives; for
/// a code field whose spec states no `enum`.
pub fn parse<T>(field: &str, code: &str, parse: fn(&str) -> Option<T>, listing: fn() -> String) -> Result<T, AppError> {
    parse(code.trim()).ok_or_else(|| AppError::validation(field, format!("`{code}` is not one of: {}", listing())))
}

/// A domain enum with codes (see the `codes!` macro of `domain`), checked here and read as the enum.
macro_rules! coded {
    ($($ty:ty as $name:literal),+) => {$(
        impl Codes for $ty {
            type Value = $ty;
            const NAME: &'static str = $name;
            const MAX_LENGTH: Option<usize> = None;
            fn codes() -> Vec<String> { <$ty>::ALL.iter().map(|value| value.code().to_owned()).collect() }
            fn value(field: &str, text: String) -> Result<$ty, AppError> {
                parse(field, &text, <$ty>::parse, <$ty>::listing)
            }
            fn code(value: &$ty) -> &str { value.code() }
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
    petitions::Sort as "PetitionSort"
);

/// The channels an officer registers an appeal from: paper, phone, e-mail (never web or Open311, which
/// file themselves).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OfflineChannel(pub Channel);

impl OfflineChannel {
    const ALL: [OfflineChannel; 3] =
        [OfflineChannel(Channel::Paper), OfflineChannel(Channel::Phone), OfflineChannel(Channel::Email)];

    fn code(self) -> &'static str {
        self.0.code()
    }

    fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }

    fn listing() -> String {
        Self::ALL.map(Self::code).join(", ")
    }
}

coded!(OfflineChannel as "OfflineChannel");

fn schema<C: Codes>(max_length: Option<usize>) -> MetaSchema {
    let mut schema = MetaSchema::new("string");
    schema.enum_items = C::codes().into_iter().map(Value::from).collect();
    schema.max_length = max_length;
    schema
}

/// A code as received or sent: one line of text, of which only `C`'s codes are accepted.
pub struct Code<C: Codes>(Line<{ limits::CODE }>, PhantomData<C>);

impl<C: Codes> Code<C> {
    pub fn of(value: C::Value) -> Self {
        Code(Line::from(C::code(&value)), PhantomData)
    }

    /// The value, or a 422 naming `field` (and, for a domain enum, the codes it may be).
    pub fn read(&self, field: &str) -> Result<C::Value, AppError> {
        C::value(field, self.0.clone().read(field)?)
    }

    pub fn read_optional(value: Option<&Self>, field: &str) -> Result<Option<C::Value>, AppError> {
        value.map(|code| code.read(field)).transpose()
    }
}

impl<T: Codes<Value = T>> From<T> for Code<T> {
    fn from(value: T) -> Self {
        Code::of(value)
    }
}

impl<C: TextCodes> From<&str> for Code<C> {
    fn from(text: &str) -> Self {
        Code(Line::from(text), PhantomData)
    }
}

impl<C: Codes> Clone for Code<C> {
    fn clone(&self) -> Self {
        Code(self.0.clone(), PhantomData)
    }
}

impl<C: Codes> std::fmt::Debug for Code<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple(C::NAME).field(&self.0).finish()
    }
}

impl<C: Codes> Type for Code<C> {
    const IS_REQUIRED: bool = true;
    type RawValueType = String;
    type RawElementValueType = String;

    fn name() -> Cow<'static, str> {
        C::NAME.into()
    }

    fn schema_ref() -> MetaSchemaRef {
        MetaSchemaRef::Inline(Box::new(schema::<C>(C::MAX_LENGTH)))
    }

    fn as_raw_value(&self) -> Option<&String> {
        self.0.as_raw_value()
    }

    fn raw_element_iter<'a>(&'a self) -> Box<dyn Iterator<Item = &'a String> + 'a> {
        self.0.raw_element_iter()
    }
}

impl<C: Codes> ParseFromJSON for Code<C> {
    fn parse_from_json(value: Option<Value>) -> ParseResult<Self> {
        Line::parse_from_json(value).map(|line| Code(line, PhantomData)).map_err(|e| e.propagate())
    }
}

impl<C: Codes> ParseFromParameter for Code<C> {
    fn parse_from_parameter(value: &str) -> ParseResult<Self> {
        Ok(Code(Line::from(value), PhantomData))
    }
}

impl<C: Codes> ToJSON for Code<C> {
    fn to_json(&self) -> Option<Value> {
        self.0.to_json()
    }
}

/// A query parameter the spec declares required; when it is missing the handler answers a 422 that
/// names it and says what to send (rather than the framework's bare 400).
pub struct RequiredText<C: Codes = AnyText>(Option<String>, PhantomData<C>);

impl<C: Codes> RequiredText<C> {
    pub fn as_deref(&self) -> Option<&str> {
        self.0.as_deref()
    }
}

impl<C: Codes> Type for RequiredText<C> {
    const IS_REQUIRED: bool = true;
    type RawValueType = String;
    type RawElementValueType = String;

    fn name() -> Cow<'static, str> {
        "string".into()
    }

    fn schema_ref() -> MetaSchemaRef {
        MetaSchemaRef::Inline(Box::new(schema::<C>(None)))
    }

    fn as_raw_value(&self) -> Option<&String> {
        self.0.as_ref()
    }

    fn raw_element_iter<'a>(&'a self) -> Box<dyn Iterator<Item = &'a String> + 'a> {
        Box::new(self.0.iter())
    }
}

impl<C: Codes> ParseFromParameter for RequiredText<C> {
    fn parse_from_parameter(value: &str) -> ParseResult<Self> {
        Ok(RequiredText(Some(value.to_owned()), PhantomData))
    }

    fn parse_from_parameters<I: IntoIterator<Item = A>, A: AsRef<str>>(iter: I) -> ParseResult<Self> {
        Ok(RequiredText(iter.into_iter().next().map(|v| v.as_ref().to_owned()), PhantomData))
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
        let report = Code::<AppealKind>::parse_from_json(Some(Value::String(" issue_report ".into()))).unwrap();
        assert_eq!(report.read("kind").unwrap(), AppealKind::IssueReport);
        let number = Code::<Status>::parse_from_json(Some(serde_json::json!(3))).unwrap();
        assert!(number.read("status").unwrap_err().to_string().contains("status"));
    }

    #[test]
    fn codes_the_use_case_checks_are_read_as_cleaned_text() {
        let code = Code::<AnyText>::parse_from_json(Some(Value::String(" council ".into()))).unwrap();
        assert_eq!(code.read("kind").unwrap(), "council");
        assert!(Code::<AnyText>::from("a\u{7}b").read("kind").is_err());
    }

    #[test]
    fn the_schema_lists_every_code() {
        let schema = schema::<Channel>(None);
        let codes: Vec<&str> = schema.enum_items.iter().filter_map(Value::as_str).collect();
        assert_eq!(codes, ["web", "paper", "phone", "email", "open311"]);
    }
}
