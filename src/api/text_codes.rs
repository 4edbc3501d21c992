//! Code fields read as text (a rule, a kind, a role, a class; `codes` holds the typed form over the
//! domain's enums, and the two are to become one): the spec states their codes as an `enum`, while what
//! arrives is read as text, so a code outside the list is a 422 from the use case that names the field
//! and the codes a person can use, rather than the framework's bare 400. The codes come from the one place
//! that defines them (`service` or `domain`), so the spec cannot drift from what the service accepts.
use std::{borrow::Cow, marker::PhantomData};

use poem_openapi::{
    registry::{MetaSchema, MetaSchemaRef},
    types::{ParseFromJSON, ParseFromParameter, ParseResult, ToJSON, Type},
};
use serde_json::Value;

use super::text::Line;
use crate::{domain::text::limits, error::AppError};

/// The codes a field accepts, as the spec states them.
pub trait Codes: Send + Sync + 'static {
    fn codes() -> Vec<String>;
}

/// Any text (no `enum` in the spec).
pub struct AnyText;

impl Codes for AnyText {
    fn codes() -> Vec<String> {
        vec![]
    }
}

fn schema<C: Codes>(max_length: Option<usize>) -> MetaSchemaRef {
    let mut schema = MetaSchema::new("string");
    schema.enum_items = C::codes().into_iter().map(Value::from).collect();
    schema.max_length = max_length;
    MetaSchemaRef::Inline(Box::new(schema))
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
        schema::<C>(None)
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

/// A code field of a request body: one line of text whose codes the spec lists.
pub struct Code<C: Codes>(Line<{ limits::CODE }>, PhantomData<C>);

impl<C: Codes> std::fmt::Debug for Code<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Code").field(&self.0).finish()
    }
}

impl<C: Codes> Code<C> {
    /// The cleaned text, or a 422 naming `field`; the use case then accepts exactly the listed codes.
    pub fn read(self, field: &str) -> Result<String, AppError> {
        self.0.read(field)
    }
}

impl<C: Codes> From<&str> for Code<C> {
    fn from(text: &str) -> Self {
        Code(Line::from(text), PhantomData)
    }
}

impl<C: Codes> Type for Code<C> {
    const IS_REQUIRED: bool = true;
    type RawValueType = String;
    type RawElementValueType = String;

    fn name() -> Cow<'static, str> {
        "string".into()
    }

    fn schema_ref() -> MetaSchemaRef {
        schema::<C>(Some(limits::CODE))
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

impl<C: Codes> ToJSON for Code<C> {
    fn to_json(&self) -> Option<Value> {
        self.0.to_json()
    }
}
