//! A list's `page=`, read the same way on every list page (`/reports`, `/petitions`, `/desk`,
//! `/statistics/map`): blank is the first page, otherwise a whole number from 1 to
//! [`Page::MAX_NUMBER`]. Anything else is not a page of the list: [`no_such_page`] answers the error
//! page (422), whose error summary links to the note `id="page"` with a link back to the list's first
//! page, its filters kept.
use minijinja::context;
use poem::{Response, http::StatusCode};

use super::{i18n::Lang, render::Site};
use crate::storage::Page;

/// The page number `text` asks for; `None` when it is not one.
pub fn page_number(text: Option<&str>) -> Option<u64> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Some(1),
        Some(t) => t.parse::<u64>().ok().filter(|n| (1..=Page::MAX_NUMBER).contains(n)),
    }
}

/// The error page of a `page=` that is no page of the list at `path`, linking to its `first_page`.
pub fn no_such_page(site: &Site, lang: Lang, path: &str, first_page: &str) -> Response {
    let max = super::i18n::args_from([("max", fluent_bundle::FluentValue::from(Page::MAX_NUMBER))]);
    let errors = vec![context! { field => "page", text => lang.text("page-error-summary", Some(&max)) }];
    let page = context! { errors, first_page };
    site.render(StatusCode::UNPROCESSABLE_ENTITY, lang, path, "page-error.html", page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_is_blank_or_a_whole_number_from_one() {
        assert_eq!(page_number(None), Some(1));
        assert_eq!(page_number(Some(" ")), Some(1));
        assert_eq!(page_number(Some("2")), Some(2));
        for bad in ["0", "-1", "abc", "1.5", "1000001"] {
            assert_eq!(page_number(Some(bad)), None, "{bad}");
        }
    }
}
