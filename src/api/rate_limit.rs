//! Per-address rate limits on the endpoints that attract abuse: registration (mail bombing), login
//! (password guessing) and password reset (mail bombing). Answers 429 with `Retry-After`.
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
        }
    }

    pub fn check(&self, limit: Limit, ip: IpAddr) -> Result<(), AppError> {
        let limiter = match limit {
            Limit::Register => &self.register,
            Limit::Login => &self.login,
            Limit::PasswordReset => &self.password_reset,
            Limit::Sign => &self.sign,
        };
        // Forget idle addresses now and then so the table cannot grow without bound.
        if limiter.len() > 10_000 {
            limiter.retain_recent();
        }
        limiter.check_key(&ip).map_err(|not_until| {
            let wait = not_until.wait_time_from(governor::clock::DefaultClock::default().now());
            let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            AppError::TooManyRequests {
                message: format!("too many attempts from your address; try again in {seconds} s"),
                retry_after_seconds: seconds.max(1),
            }
        })
    }
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
    }
}
