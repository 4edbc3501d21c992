//! Accounts: the values a person gives when registering (parsed once, at the edge, into types that
//! cannot hold bad data), their roles, and the secrets we hand out (login and mail tokens).
use std::{fmt, str::FromStr};

use argon2::{
    Argon2,
    password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::DomainError;

/// An e-mail address, trimmed and lower-cased so that one person has one account (and, later, one
/// signature per petition) whatever capitalisation they type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Email, DomainError> {
        let normalised = raw.trim().to_lowercase();
        if normalised.is_empty() {
            return Err(DomainError::invalid("email", "the e-mail address is empty"));
        }
        if normalised.len() > 254 {
            return Err(DomainError::invalid("email", "the e-mail address is longer than 254 characters"));
        }
        match email_address::EmailAddress::from_str(&normalised) {
            Ok(_) if normalised.contains('.') => Ok(Email(normalised)),
            _ => Err(DomainError::invalid(
                "email",
                format!("`{}` is not an e-mail address like name@example.org", raw.trim()),
            )),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The mailbox this address delivers to, for "one signature per person": lower-case (already), the
    /// sub-address tag dropped (`name+anything@` → `name@`, every provider), and for Gmail the dots of
    /// the local part dropped and `googlemail.com` read as `gmail.com`, since Gmail ignores both. Mail
    /// still goes to the address as typed; this is only what uniqueness compares.
    pub fn mailbox(&self) -> String {
        let (local, domain) = self.0.rsplit_once('@').unwrap_or((self.0.as_str(), ""));
        let local = local.split_once('+').map_or(local, |(base, _tag)| base);
        let local = if local.is_empty() { self.0.rsplit_once('@').map_or("", |(l, _)| l) } else { local };
        match domain {
            "gmail.com" | "googlemail.com" => format!("{}@gmail.com", local.replace('.', "")),
            _ => format!("{local}@{domain}"),
        }
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A person's full name as the Law "On Citizens' Appeals" art. 5 requires it: at least two words
/// (surname and given name), no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FullName(String);

impl FullName {
    pub const MAX_CHARS: usize = 200;

    pub fn parse(raw: &str) -> Result<FullName, DomainError> {
        let cleaned = super::text::clean("full_name", raw, super::text::Lines::One, Self::MAX_CHARS)?;
        let collapsed = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
        if !is_full_name(&collapsed) {
            return Err(DomainError::invalid(
                "full_name",
                "give your full name — at least surname and given name (the law does not consider anonymous appeals)",
            ));
        }
        Ok(FullName(collapsed))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Is `name` a full name (art. 5): at least two words with letters, surname and given name?
pub fn is_full_name(name: &str) -> bool {
    name.split_whitespace().filter(|w| w.chars().any(char::is_alphabetic)).count() >= 2
}

/// Is `address` a place of residence an appeal may give (art. 5): something a letter could reach, not
/// a blank or a token of a few characters?
pub fn is_residence(address: &str) -> bool {
    address.trim().chars().count() >= RESIDENCE_MIN_CHARS
}

/// The shortest place of residence accepted.
pub const RESIDENCE_MIN_CHARS: usize = 5;

/// A password as typed, checked for length only (NIST SP 800-63B: length beats composition rules).
pub struct Password(String);

/// Never print a password, not even in a debug log.
impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

impl Password {
    pub const MIN_CHARS: usize = 10;
    pub const MAX_CHARS: usize = 200;
    /// The length of the salt [`Password::hash`] takes (128 bits, as RFC 9106 recommends).
    pub const SALT_BYTES: usize = 16;

    pub fn parse(raw: &str, field: &str) -> Result<Password, DomainError> {
        let chars = raw.chars().count();
        if chars < Self::MIN_CHARS {
            return Err(DomainError::invalid(
                field,
                format!("the password must have at least {} characters", Self::MIN_CHARS),
            ));
        }
        if chars > Self::MAX_CHARS {
            return Err(DomainError::invalid(
                field,
                format!("the password must have at most {} characters", Self::MAX_CHARS),
            ));
        }
        Ok(Password(raw.to_owned()))
    }

    /// Argon2id with the crate's defaults (19 MiB, 2 passes), salted with `salt` — random bytes the
    /// caller draws (the domain has no source of randomness). CPU-heavy: call from a blocking task.
    pub fn hash(&self, salt: &[u8; Self::SALT_BYTES]) -> Result<String, DomainError> {
        let salt = SaltString::encode_b64(salt).map_err(|e| DomainError::Internal(format!("encoding a salt: {e}")))?;
        Argon2::default()
            .hash_password(self.0.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| DomainError::Internal(format!("hashing a password: {e}")))
    }
}

/// Checks a typed password against a stored Argon2 hash. CPU-heavy: call from a blocking task.
pub fn verify_password(typed: &str, stored_hash: &str) -> bool {
    match PasswordHash::new(stored_hash) {
        Ok(parsed) => Argon2::default().verify_password(typed.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

/// A hash to verify against when the account does not exist, so that a login for an unknown address
/// takes as long as one for a known address (no account enumeration by timing).
pub fn dummy_password_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    // A fixed salt is fine here: this hash protects nothing, it only costs the same time to check.
    HASH.get_or_init(|| {
        Password("not a real password".into()).hash(&[7; Password::SALT_BYTES]).expect("argon2 with default parameters")
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    Uk,
    En,
}

codes!(Language, own parse { Uk => "uk", En => "en" });

impl Language {
    /// The language a person asked for, whatever the case or surrounding spaces.
    pub fn parse(code: &str) -> Result<Language, DomainError> {
        let code = code.trim().to_lowercase();
        Self::from_code(&code)
            .ok_or_else(|| DomainError::invalid("language", format!("`{code}` is not supported; use `uk` or `en`")))
    }
}

/// A person's role across the whole service. Officers and heads are not global roles: they are
/// memberships of one organisation (see [`crate::authorization::Membership`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Citizen,
    Moderator,
    Administrator,
}

codes!(Role, own parse { Citizen => "citizen", Moderator => "moderator", Administrator => "administrator" });

impl Role {
    pub fn parse(code: &str) -> Result<Role, DomainError> {
        Self::from_code(code).ok_or_else(|| {
            DomainError::invalid("role", format!("`{code}` is not a role; use citizen, moderator or administrator"))
        })
    }
}

/// What a mailed one-time token may be used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenPurpose {
    VerifyEmail,
    ResetPassword,
}

codes!(TokenPurpose { VerifyEmail => "verify_email", ResetPassword => "reset_password" });

/// A secret handed to a person (login token, mailed link). Only its SHA-256 is stored, so a copy of the
/// database cannot be used to log in or to follow someone's links.
pub struct SecretToken(String);

impl SecretToken {
    /// The length of the random bytes a token is made of (256 bits).
    pub const RANDOM_BYTES: usize = 32;

    /// A token from random bytes the caller draws (the domain has no source of randomness), hex-encoded.
    pub fn from_random(bytes: [u8; Self::RANDOM_BYTES]) -> SecretToken {
        SecretToken(hex::encode(bytes))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn digest(&self) -> String {
        token_digest(&self.0)
    }
}

/// The stored form of a token as presented by a client.
pub fn token_digest(presented: &str) -> String {
    hex::encode(Sha256::digest(presented.trim().as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_email_is_trimmed_and_lower_cased() {
        assert_eq!(Email::parse("  Olena.Petrenko@Example.ORG ").unwrap().as_str(), "olena.petrenko@example.org");
    }

    #[test]
    fn a_string_without_at_sign_is_not_an_email() {
        let err = Email::parse("olena.example.org").unwrap_err();
        assert_eq!(err.field(), Some("email"));
    }

    #[test]
    fn a_full_name_needs_two_words_and_spaces_are_collapsed() {
        assert!(FullName::parse("Olena").is_err());
        assert_eq!(FullName::parse("  Petrenko   Olena  ").unwrap().as_str(), "Petrenko Olena");
        assert_eq!(FullName::parse("Петренко Олена Іванівна").unwrap().as_str(), "Петренко Олена Іванівна");
    }

    #[test]
    fn a_short_password_is_refused_with_the_minimum_named() {
        let err = Password::parse("short", "password").unwrap_err().to_string();
        assert!(err.contains("10"), "{err}");
    }

    #[test]
    fn a_hashed_password_verifies_and_a_wrong_one_does_not() {
        let hash = Password::parse("correct horse battery", "password").unwrap().hash(&[42; 16]).unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("wrong horse battery", &hash));
        assert!(!verify_password("anything", "not a hash"));
    }

    #[test]
    fn tokens_are_hex_of_their_bytes_and_stored_only_as_digests() {
        let a = SecretToken::from_random([1; 32]);
        let b = SecretToken::from_random([2; 32]);
        assert_ne!(a.as_str(), b.as_str());
        assert_eq!(a.as_str().len(), 64);
        assert_eq!(a.digest(), token_digest(a.as_str()));
        assert_ne!(a.digest(), a.as_str());
    }

    #[test]
    fn roles_and_languages_round_trip_through_their_codes() {
        for role in [Role::Citizen, Role::Moderator, Role::Administrator] {
            assert_eq!(Role::parse(role.code()).unwrap(), role);
        }
        assert_eq!(Language::parse("EN").unwrap(), Language::En);
        assert!(Language::parse("ru").is_err());
    }

    #[test]
    fn one_mailbox_whatever_the_tag_the_case_or_gmails_dots() {
        let mailbox = |raw: &str| Email::parse(raw).unwrap().mailbox();
        assert_eq!(mailbox("Name+Again@Example.NET"), "name@example.net");
        assert_eq!(mailbox("name@example.net"), "name@example.net");
        assert_eq!(mailbox("o.petrenko+petitions@gmail.com"), "opetrenko@gmail.com");
        assert_eq!(mailbox("O.Pet.Renko@googlemail.com"), "opetrenko@gmail.com");
        assert_eq!(mailbox("o.petrenko@example.org"), "o.petrenko@example.org", "dots count elsewhere");
        assert_eq!(mailbox("+tag@example.org"), "+tag@example.org", "no base before the tag: kept whole");
    }
}
