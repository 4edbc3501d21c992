//! Text that people type: one rule for every text field the service accepts. The text is normalised to
//! Unicode NFC (so "й" typed as и + ◌̆ and as one letter are the same name), trimmed, and refused when it
//! holds characters a reader cannot see or that break the line it is shown on: control characters
//! (line breaks only where several lines make sense), format characters (bidi overrides, zero-width
//! spaces and joiners, the byte-order mark), line and paragraph separators, private-use characters, and
//! runs of combining marks longer than any language needs. Every field has a documented maximum length.
use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategory, GeneralCategoryGroup, UnicodeGeneralCategory};

use crate::DomainError;

/// Whether a field may hold several lines (a text, a reason) or just one (a name, an address).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    One,
    Many,
}

/// The longest run of combining marks accepted on one letter: Ukrainian and Vietnamese need one or two,
/// "Zalgo" text stacks dozens to spill over the lines around it.
pub const MAX_COMBINING_RUN: usize = 4;

/// Maximum lengths, in characters, of the text fields that have no rule of their own elsewhere.
pub mod limits {
    /// Names of organisations, districts, categories, API keys; a competent body named in an answer.
    pub const LABEL: usize = 200;
    /// A postal address or place of residence.
    pub const ADDRESS: usize = 300;
    /// A telephone number as people write it.
    pub const PHONE: usize = 40;
    /// An e-mail address (RFC 5321's limit).
    pub const EMAIL: usize = 254;
    /// A web address.
    pub const URL: usize = 500;
    /// A short code: a category code, a refusal code.
    pub const CODE: usize = 64;
    /// A reason given for forwarding, refusing, extending or returning; a rating comment.
    pub const REASON: usize = 2_000;
    /// A note naming an official decision (calendar overrides).
    pub const NOTE: usize = 500;
}

/// The text as it will be stored, or a 422 naming `field` and saying what to change.
pub fn clean(field: &str, raw: &str, lines: Lines, max_chars: usize) -> Result<String, DomainError> {
    let normalised: String = raw.nfc().collect();
    let text = match lines {
        Lines::One => normalised.trim().to_owned(),
        Lines::Many => normalised.replace("\r\n", "\n").trim().to_owned(),
    };
    if let Some(bad) = text.chars().find(|&c| !allowed(c, lines)) {
        return Err(DomainError::invalid(field, refusal(field, bad, lines)));
    }
    if longest_mark_run(&text) > MAX_COMBINING_RUN {
        return Err(DomainError::invalid(
            field,
            format!("`{field}` stacks more than {MAX_COMBINING_RUN} combining marks on one letter"),
        ));
    }
    let chars = text.chars().count();
    if chars > max_chars {
        return Err(DomainError::invalid(
            field,
            format!("`{field}` has {chars} characters; at most {max_chars} are accepted"),
        ));
    }
    Ok(text)
}

fn allowed(c: char, lines: Lines) -> bool {
    match c.general_category() {
        GeneralCategory::Control => lines == Lines::Many && (c == '\n' || c == '\t'),
        GeneralCategory::Format
        | GeneralCategory::LineSeparator
        | GeneralCategory::ParagraphSeparator
        | GeneralCategory::PrivateUse
        | GeneralCategory::Surrogate => false,
        _ => true,
    }
}

fn refusal(field: &str, bad: char, lines: Lines) -> String {
    let code = format!("U+{:04X}", bad as u32);
    match (bad, lines) {
        ('\n' | '\r', Lines::One) => format!("`{field}` must be one line: remove the line break ({code})"),
        _ if bad.general_category() == GeneralCategory::Format => {
            format!(
                "`{field}` contains an invisible formatting character ({code}, e.g. a direction override or a zero-width space): remove it"
            )
        }
        _ => format!("`{field}` contains a control or unprintable character ({code}): remove it"),
    }
}

fn longest_mark_run(text: &str) -> usize {
    let (mut run, mut longest) = (0, 0);
    for c in text.chars() {
        run = if c.general_category_group() == GeneralCategoryGroup::Mark { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    longest
}

/// Two fields as a search by words compares them — an appeal's subject and text, an account's full name
/// and e-mail address — on two lines (so no term matches across them), folded to lower case by Unicode's
/// rules ("ЯМА" and "яма", "Ї" and "ї" match), which the databases' own `lower()` does not promise. A
/// search term is folded by the same rule (see [`search_term_folded`]).
pub fn search_folded(subject: &str, text: &str) -> String {
    format!("{subject}\n{text}").to_lowercase()
}

/// What a person typed in a search box, folded as [`search_folded`] folds the stored words.
pub fn search_term_folded(term: &str) -> String {
    term.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(raw: &str, lines: Lines) -> String {
        match clean("name", raw, lines, 50) {
            Err(DomainError::Invalid { field, message }) => {
                assert_eq!(field.as_deref(), Some("name"));
                message
            }
            other => panic!("{raw:?} was not refused: {other:?}"),
        }
    }

    #[test]
    fn search_folds_cyrillic_capitals_like_the_term_typed() {
        let stored = search_folded("ЯМА на дорозі", "Їжак і Ґанок");
        assert!(stored.contains(&search_term_folded(" Яма ")));
        assert!(stored.contains(&search_term_folded("ЇЖАК")));
        assert!(stored.contains(&search_term_folded("ґанок")));
        assert!(!stored.contains(&search_term_folded("яма на дорозі їжак")), "subject and text stay apart");
    }

    #[test]
    fn names_are_normalised_to_nfc_and_trimmed() {
        let decomposed = "  Андр\u{0456}\u{0438}\u{0306} Шевченко ";
        assert_eq!(clean("name", decomposed, Lines::One, 50).unwrap(), "Андрій Шевченко");
        assert_eq!(clean("name", "Nguyễn Văn", Lines::One, 50).unwrap(), "Nguyễn Văn");
    }

    #[test]
    fn invisible_and_line_breaking_characters_are_refused_with_their_code_point() {
        assert!(refused("Ivan\u{202E}oknarF", Lines::One).contains("U+202E"));
        assert!(refused("Iv\u{200B}an Franko", Lines::One).contains("invisible"));
        assert!(refused("\u{FEFF}Ivan", Lines::Many).contains("U+FEFF"));
        assert!(refused("Ivan\r\nBcc: x@example.org", Lines::One).contains("one line"));
        assert!(refused("Ivan\u{2028}Franko", Lines::Many).contains("U+2028"));
        assert!(refused("Ivan\u{0007}", Lines::Many).contains("U+0007"));
    }

    #[test]
    fn several_lines_are_kept_where_they_make_sense() {
        assert_eq!(clean("text", "first\r\nsecond\n\tthird", Lines::Many, 50).unwrap(), "first\nsecond\n\tthird");
    }

    #[test]
    fn a_few_combining_marks_pass_but_a_stack_is_refused() {
        assert!(clean("name", "a\u{0301}\u{0308}", Lines::One, 50).is_ok());
        let zalgo = format!("I{}van", "\u{0315}".repeat(150));
        assert!(refused(&zalgo, Lines::One).contains("combining"));
    }

    #[test]
    fn length_is_counted_in_characters_after_normalising() {
        assert!(clean("name", &"ї".repeat(50), Lines::One, 50).is_ok());
        assert!(refused(&"ї".repeat(51), Lines::One).contains("at most 50"));
    }
}
