//! One way to page through every list: `page` counts from 1, `per_page` is the page size. Both carry
//! their bounds in the spec (`minimum`, `maximum`); a value out of range is a 422 naming the parameter,
//! and no page is ever so far that its offset overflows.
use std::borrow::Cow;

use poem_openapi::{
    registry::{MetaSchema, MetaSchemaRef},
    types::{ParseError, ParseFromParameter, ParseResult, ToJSON, Type},
};

pub use crate::storage::Page;

/// The prefix of a parameter's parse error that means "read, but out of range" (answered 422, see
/// `crate::error::problem_from_poem_error`), as opposed to "not a number at all" (400).
pub const OUT_OF_RANGE: &str = "out of range: ";

/// A 1-based page number, at most [`PageNumber::MAX`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageNumber(pub u64);

/// Items per page, 1 to [`PerPage::MAX`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PerPage(pub u64);

impl PageNumber {
    pub const MAX: u64 = Page::MAX_NUMBER;
}

impl PerPage {
    pub const MAX: u64 = Page::MAX_SIZE;
}

impl Default for PageNumber {
    fn default() -> Self {
        PageNumber(1)
    }
}

impl PageNumber {
    /// With the page size, the page for the storage queries.
    pub fn with_size(self, size: PerPage) -> Page {
        Page { number: self.0, size: size.0 }
    }
}

fn bounded<T: Type>(name: &str, raw: &str, max: u64) -> Result<u64, ParseError<T>> {
    let value: u64 = raw.trim().parse().map_err(|_| ParseError::custom(format!("`{raw}` is not a whole number")))?;
    if !(1..=max).contains(&value) {
        return Err(ParseError::custom(format!("{OUT_OF_RANGE}{name} is 1 to {max}, not {value}")));
    }
    Ok(value)
}

macro_rules! bounded_integer {
    ($ty:ident, $name:literal) => {
        impl Type for $ty {
            const IS_REQUIRED: bool = true;
            type RawValueType = u64;
            type RawElementValueType = u64;

            fn name() -> Cow<'static, str> {
                concat!("integer_", $name).into()
            }

            fn schema_ref() -> MetaSchemaRef {
                let mut schema = MetaSchema::new_with_format("integer", "uint64");
                schema.minimum = Some(1.0);
                schema.maximum = Some($ty::MAX as f64);
                MetaSchemaRef::Inline(Box::new(schema))
            }

            fn as_raw_value(&self) -> Option<&u64> {
                Some(&self.0)
            }

            fn raw_element_iter<'a>(&'a self) -> Box<dyn Iterator<Item = &'a u64> + 'a> {
                Box::new(self.as_raw_value().into_iter())
            }
        }

        impl ParseFromParameter for $ty {
            fn parse_from_parameter(value: &str) -> ParseResult<Self> {
                bounded($name, value, $ty::MAX).map($ty)
            }
        }

        impl ToJSON for $ty {
            fn to_json(&self) -> Option<serde_json::Value> {
                Some(self.0.into())
            }
        }
    };
}

bounded_integer!(PageNumber, "page");
bounded_integer!(PerPage, "per_page");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_bounded_so_the_offset_cannot_overflow() {
        assert_eq!(PageNumber::parse_from_parameter("1").unwrap(), PageNumber(1));
        assert!(PageNumber::parse_from_parameter("0").unwrap_err().message().contains(OUT_OF_RANGE));
        let huge = PageNumber::parse_from_parameter("18446744073709551615").unwrap_err();
        assert!(huge.message().contains(OUT_OF_RANGE), "{}", huge.message());
        assert!(!PageNumber::parse_from_parameter("two").unwrap_err().message().contains(OUT_OF_RANGE));
        let last = PageNumber(PageNumber::MAX).with_size(PerPage(PerPage::MAX));
        assert!(last.number.checked_mul(last.size).is_some());
    }
}
