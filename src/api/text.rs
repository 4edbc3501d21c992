//! Text fields of request bodies. [`Text`] is what arrives: the spec says `type: string` with its
//! `maxLength`; a JSON number or boolean is not silently turned into text but refused by [`Text::read`],
//! which applies the one text rule of `domain::text` (NFC, no invisible or control characters, the
//! length) and names the field in the 422.
use std::borrow::Cow;

use poem_openapi::{
    registry::{MetaSchema, MetaSchemaRef},
    types::{ParseError, ParseFromJSON, ParseResult, ToJSON, Type},
};
use serde_json::Value;

use crate::{
    domain::text::{self, Lines},
    error::AppError,
};

/// A text field of at most `MAX` characters; `MULTILINE` allows line breaks and tabs.
#[derive(Debug, Clone, PartialEq)]
pub struct Text<const MAX: usize, const MULTILINE: bool = false>(Received);

/// One line of at most `MAX` characters: a name, an address, a code.
pub type Line<const MAX: usize> = Text<MAX, false>;
/// Several lines of at most `MAX` characters: a text, a reason, an answer.
pub type Prose<const MAX: usize> = Text<MAX, true>;

#[derive(Debug, Clone, PartialEq)]
enum Received {
    Text(String),
    /// Some other JSON value, named by its type.
    NotText(&'static str),
}

impl<const MAX: usize, const MULTILINE: bool> Text<MAX, MULTILINE> {
    /// The cleaned text, or a 422 naming `field`.
    pub fn read(self, field: &str) -> Result<String, AppError> {
        match self.0 {
            Received::Text(raw) => {
                let lines = if MULTILINE { Lines::Many } else { Lines::One };
                Ok(text::clean(field, &raw, lines, MAX)?)
            }
            Received::NotText(kind) => {
                Err(AppError::validation(field, format!("`{field}` must be text (a JSON string), not {kind}")))
            }
        }
    }

    /// The text exactly as sent, for a secret that must not be altered (a password): only a value
    /// that is not text is refused. The secret's own rule checks its length.
    pub fn raw(self, field: &str) -> Result<String, AppError> {
        match self.0 {
            Received::Text(raw) => Ok(raw),
            Received::NotText(kind) => {
                Err(AppError::validation(field, format!("`{field}` must be text (a JSON string), not {kind}")))
            }
        }
    }

    /// An optional field: absent or null stays `None`.
    pub fn read_optional(value: Option<Self>, field: &str) -> Result<Option<String>, AppError> {
        value.map(|t| t.read(field)).transpose()
    }
}

impl<const MAX: usize, const MULTILINE: bool> From<&str> for Text<MAX, MULTILINE> {
    fn from(text: &str) -> Self {
        Text(Received::Text(text.to_owned()))
    }
}

impl<const MAX: usize, const MULTILINE: bool> Type for Text<MAX, MULTILINE> {
    const IS_REQUIRED: bool = true;
    type RawValueType = String;
    type RawElementValueType = String;

    fn name() -> Cow<'static, str> {
        format!("string_max_{MAX}").into()
    }

    fn schema_ref() -> MetaSchemaRef {
        let mut schema = MetaSchema::new("string");
        schema.max_length = Some(MAX);
        MetaSchemaRef::Inline(Box::new(schema))
    }

    fn as_raw_value(&self) -> Option<&String> {
        match &self.0 {
            Received::Text(text) => Some(text),
            Received::NotText(_) => None,
        }
    }

    fn raw_element_iter<'a>(&'a self) -> Box<dyn Iterator<Item = &'a String> + 'a> {
        Box::new(self.as_raw_value().into_iter())
    }
}

impl<const MAX: usize, const MULTILINE: bool> ParseFromJSON for Text<MAX, MULTILINE> {
    fn parse_from_json(value: Option<Value>) -> ParseResult<Self> {
        let kind = match value {
            Some(Value::String(text)) => return Ok(Text(Received::Text(text))),
            None | Some(Value::Null) => return Err(ParseError::expected_input()),
            Some(Value::Bool(_)) => "a boolean",
            Some(Value::Number(_)) => "a number",
            Some(Value::Array(_)) => "a list",
            Some(Value::Object(_)) => "an object",
        };
        Ok(Text(Received::NotText(kind)))
    }
}

impl<const MAX: usize, const MULTILINE: bool> ToJSON for Text<MAX, MULTILINE> {
    fn to_json(&self) -> Option<Value> {
        self.as_raw_value().map(|text| Value::String(text.clone()))
    }
}
