//! Per-address rate limits on the endpoints that attract abuse: registration (mail bombing), login
//! (password guessing) and password reset (mail bombing); per account on filing appeals and reports
//! (each one mails the executor's staff). Answers 429 with `Retry-After`.
use std::{net::IpAddr, num::NonZeroU32};

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter, clock::Clock};

use crate::{config::RateLimitSettings, error::AppError};

#[derive(Debug, Clone, Copy)]
pub enum Limit {
    Register,
    Login,
    PasswordReset,
    /// Petition signatures (bot floods).
    Sign,
}

pub struct RateLimits {
    register: DefaultKeyedRateLimiter<IpAddr>,
    login: DefaultKeyedRateLimiter<IpAddr>,
    password_reset: DefaultKeyedRateLimiter<IpAddr>,
    sign: DefaultKeyedRateLimiter<IpAddr>,
    /// Appeals and reports filed, per author account.
    filing: DefaultKeyedRateLimiter<i32>,
}

fn nonzero(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN)
}

impl RateLimits {
    pub fn new(settings: &RateLimitSettings) -> Self {
        RateLimits {
            register: RateLimiter::keyed(Quota::per_hour(nonzero(settings.register_per_hour))),
            login: RateLimiter::keyed(Quota::per_minute(nonzero(settings.login_per_minute))),
            password_reset: RateLimiter::keyed(Quota::per_hour(nonzero(settings.password_reset_per_hour))),
            sign: RateLimiter::keyed(Quota::per_minute(nonzero(settings.sign_per_minute))),
            filing: RateLimiter::keyed(Quota::per_hour(nonzero(settings.appeals_per_hour))),
        }
    }

    /// One more appeal or report filed by `account_id`.
    pub fn check_filing(&self, account_id: i32) -> Result<(), AppError> {
        check_key(&self.filing, &account_id, "too many appeals and reports from your account")
    }

    pub fn check(&self, limit: Limit, ip: IpAddr) -> Result<(), AppError> {
        let limiter = match limit {
            Limit::Register => &self.register,
            Limit::Login => &self.login,
            Limit::PasswordReset => &self.password_reset,
            Limit::Sign => &self.sign,
        };
        check_key(limiter, &ip, "too many attempts from your address")
    }
}

fn check_key<K: Clone + std::hash::Hash + Eq>(
    limiter: &DefaultKeyedRateLimiter<K>,
    key: &K,
    what: &str,
) -> Result<(), AppError> {
    // Forget idle keys now and then so the table cannot grow without bound.
    if limiter.len() > 10_000 {
        limiter.retain_recent();
    }
    limiter.check_key(key).map_err(|not_until| {
        let wait = not_until.wait_time_from(governor::clock::DefaultClock::default().now());
        let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        AppError::TooManyRequests {
            message: format!("{what}; try again in {seconds} s"),
            retry_after_seconds: seconds.max(1),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_counts_per_address_and_says_when_to_retry() {
        let limits = RateLimits::new(&RateLimitSettings {
            register_per_hour: 2,
            login_per_minute: 1,
            password_reset_per_hour: 1,
            sign_per_minute: 1,
            appeals_per_hour: 1,
        });
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        assert!(limits.check(Limit::Register, a).is_ok());
        assert!(limits.check(Limit::Register, a).is_ok());
        match limits.check(Limit::Register, a) {
            Err(AppError::TooManyRequests { retry_after_seconds, .. }) => {
                assert!((1..=1800).contains(&retry_after_seconds), "{retry_after_seconds}")
            }
            other => panic!("expected 429, got {other:?}"),
        }
        assert!(limits.check(Limit::Register, b).is_ok(), "another address has its own bucket");
        assert!(limits.check(Limit::Login, a).is_ok(), "another endpoint has its own bucket");
        assert!(limits.check_filing(7).is_ok());
        assert!(matches!(limits.check_filing(7), Err(AppError::TooManyRequests { .. })));
        assert!(limits.check_filing(8).is_ok(), "another account has its own bucket");
    }
}
