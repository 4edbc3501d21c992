//! The randomness the domain's secrets are made of. The domain has no source of randomness (it stays
//! pure and testable); tokens and password salts are drawn here, from the operating system.
use rand::{RngCore, rngs::OsRng};

use crate::{
    domain::accounts::{Password, SecretToken},
    error::AppError,
};

/// A fresh token of 256 random bits (login tokens, mailed links, API keys, Open311 tokens).
pub fn new_token() -> SecretToken {
    let mut bytes = [0u8; SecretToken::RANDOM_BYTES];
    OsRng.fill_bytes(&mut bytes);
    SecretToken::from_random(bytes)
}

/// The Argon2id hash of `password` with a fresh random salt. CPU-heavy: call from a blocking task.
pub fn hash_password(password: &Password) -> Result<String, AppError> {
    let mut salt = [0u8; Password::SALT_BYTES];
    OsRng.fill_bytes(&mut salt);
    Ok(password.hash(&salt)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::accounts::verify_password;

    #[test]
    fn tokens_are_random() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a.as_str(), b.as_str());
        assert_eq!(a.as_str().len(), 64);
    }

    #[test]
    fn the_same_password_hashes_differently_each_time_and_verifies() {
        let password = Password::parse("correct horse battery", "password").unwrap();
        let (a, b) = (hash_password(&password).unwrap(), hash_password(&password).unwrap());
        assert_ne!(a, b, "a fresh salt every time");
        assert!(verify_password("correct horse battery", &a) && verify_password("correct horse battery", &b));
    }
}
