//! The page language and the translated strings (Project Fluent, with CLDR plural rules, so Ukrainian
//! gets its three plural forms). Ukrainian is the default; the choice is kept in the `lang` cookie by the
//! language switch, and otherwise read from `Accept-Language`.
use std::{collections::HashMap, sync::LazyLock};

use fluent_bundle::{FluentArgs, FluentResource, FluentValue, concurrent::FluentBundle};
use poem::{FromRequest, Request, RequestBody, http::header};
use unic_langid::LanguageIdentifier;

/// A language the pages are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Uk,
    En,
}

pub const LANG_COOKIE: &str = "lang";

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Uk, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Uk => "uk",
            Lang::En => "en",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.code().eq_ignore_ascii_case(code))
    }

    /// The best of ours for an `Accept-Language` header, Ukrainian when none fits.
    fn from_accept_language(header: &str) -> Lang {
        let requested = fluent_langneg::accepted_languages::parse(header);
        let available: Vec<LanguageIdentifier> = Lang::ALL.iter().filter_map(|l| l.code().parse().ok()).collect();
        let default: LanguageIdentifier = Lang::Uk.code().parse().expect("a valid language tag");
        fluent_langneg::negotiate_languages(
            &requested,
            &available,
            Some(&default),
            fluent_langneg::NegotiationStrategy::Lookup,
        )
        .first()
        .and_then(|id| Lang::parse(id.language.as_str()))
        .unwrap_or(Lang::Uk)
    }

    pub(super) fn of_request(req: &Request) -> Lang {
        let chosen = req.cookie().get(LANG_COOKIE).and_then(|c| Lang::parse(c.value_str()));
        chosen.unwrap_or_else(|| {
            let accept = req.headers().get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or("");
            Lang::from_accept_language(accept)
        })
    }

    /// The translated string `key`, with `args` filled in; the key itself when it is missing, so a
    /// forgotten translation shows up on the page (and a test finds it) instead of breaking it.
    pub fn text(self, key: &str, args: Option<&FluentArgs>) -> String {
        let bundle = &BUNDLES[&self];
        let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
            return key.to_owned();
        };
        let mut errors = vec![];
        bundle.format_pattern(pattern, args, &mut errors).into_owned()
    }
}

impl<'a> FromRequest<'a> for Lang {
    async fn from_request(req: &'a Request, _body: &mut RequestBody) -> poem::Result<Self> {
        Ok(Lang::of_request(req))
    }
}

/// Every `.ftl` file under `locales/<code>/`: one file per area (`web.ftl` for the shared pieces,
/// `petitions.ftl`, `statistics.ftl`…), so the strings of a page live beside each other.
#[derive(rust_embed::RustEmbed)]
#[folder = "locales/"]
#[include = "*.ftl"]
struct Locales;

/// The sources of one language, in a stable order.
fn sources(lang: Lang) -> Vec<String> {
    let prefix = format!("{}/", lang.code());
    let mut names: Vec<_> = Locales::iter().filter(|name| name.starts_with(&prefix)).collect();
    names.sort();
    names
        .into_iter()
        .filter_map(|name| Locales::get(&name))
        .map(|file| String::from_utf8_lossy(&file.data).into_owned())
        .collect()
}

static BUNDLES: LazyLock<HashMap<Lang, FluentBundle<FluentResource>>> = LazyLock::new(|| {
    [Lang::Uk, Lang::En]
        .into_iter()
        .map(|lang| {
            let id: LanguageIdentifier = lang.code().parse().expect("a valid language tag");
            let mut bundle = FluentBundle::new_concurrent(vec![id]);
            // Pages are HTML: Unicode isolation marks around every argument would only get in the way.
            bundle.set_use_isolating(false);
            for source in sources(lang) {
                let resource = FluentResource::try_new(source).expect("the .ftl file parses");
                bundle.add_resource(resource).expect("no message is defined twice");
            }
            (lang, bundle)
        })
        .collect()
});

/// Arguments for [`Lang::text`] from template keyword arguments.
pub fn args_from<'a>(pairs: impl IntoIterator<Item = (&'a str, FluentValue<'a>)>) -> FluentArgs<'a> {
    let mut args = FluentArgs::new();
    for (name, value) in pairs {
        args.set(name, value);
    }
    args
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_translated_in_both_languages() {
        let keys = |lang: Lang| -> Vec<String> {
            let mut keys = vec![];
            for line in sources(lang).iter().flat_map(|source| source.lines()) {
                if let Some((key, _)) = line.split_once(" =")
                    && !key.starts_with([' ', '#'])
                    && !key.is_empty()
                {
                    keys.push(key.trim().to_owned());
                }
            }
            keys.sort();
            keys
        };
        assert_eq!(keys(Lang::Uk), keys(Lang::En), "the uk and en files define different keys");
    }

    #[test]
    fn ukrainian_has_three_plural_forms() {
        let count = |n: i64| Lang::Uk.text("signatures-count", Some(&args_from([("count", FluentValue::from(n))])));
        assert_eq!(count(1), "1 підпис");
        assert_eq!(count(3), "3 підписи");
        assert_eq!(count(5), "5 підписів");
        assert_eq!(count(21), "21 підпис");
        assert_eq!(
            Lang::En.text("signatures-count", Some(&args_from([("count", FluentValue::from(1))]))),
            "1 signature"
        );
    }

    #[test]
    fn accept_language_picks_ours_or_ukrainian() {
        assert_eq!(Lang::from_accept_language("en-GB,en;q=0.9"), Lang::En);
        assert_eq!(Lang::from_accept_language("de-DE, uk;q=0.5"), Lang::Uk);
        assert_eq!(Lang::from_accept_language("fr"), Lang::Uk);
        assert_eq!(Lang::from_accept_language(""), Lang::Uk);
    }
}
