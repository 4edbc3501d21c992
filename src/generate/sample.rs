//! Small random helpers shared by the samplers: instants, durations, weighted choices, fake personal data.
use chrono::{DateTime, Duration, NaiveDate, Utc};
use rand::{Rng, rngs::StdRng};

use crate::domain::calendar::kyiv_start_of_day;

/// A uniformly random duration in `[lo, hi]` seconds (whole seconds: stored times round-trip exactly).
pub fn secs(rng: &mut StdRng, lo: i64, hi: i64) -> Duration {
    if hi <= lo {
        return Duration::seconds(lo.max(0));
    }
    Duration::seconds(rng.gen_range(lo..=hi))
}

pub const HOUR: i64 = 3600;
pub const DAY: i64 = 86_400;

/// An exponentially distributed duration with the given mean, in whole seconds.
pub fn exponential(rng: &mut StdRng, mean_secs: f64) -> Duration {
    let u: f64 = rng.gen_range(f64::EPSILON..1.0);
    Duration::seconds((-u.ln() * mean_secs).round() as i64)
}

/// A standard normal draw (Box–Muller), for log-normal signature counts.
pub fn normal(rng: &mut StdRng) -> f64 {
    let u1: f64 = rng.gen_range(f64::EPSILON..1.0);
    let u2: f64 = rng.r#gen();
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

/// True with probability `p`.
pub fn chance(rng: &mut StdRng, p: f64) -> bool {
    rng.r#gen::<f64>() < p
}

/// Index chosen by weight (weights need not sum to 1; all zero picks the first).
pub fn weighted(rng: &mut StdRng, weights: &[f64]) -> usize {
    let total: f64 = weights.iter().sum();
    if total <= 0.0 {
        return 0;
    }
    let mut x = rng.r#gen::<f64>() * total;
    for (i, w) in weights.iter().enumerate() {
        if x < *w {
            return i;
        }
        x -= w;
    }
    weights.len() - 1
}

/// Relative volume of appeals by Kyiv hour of day: office hours busy, nights quiet.
const HOUR_WEIGHTS: [f64; 24] = [
    1.0, 0.5, 0.3, 0.3, 0.3, 0.5, 1.0, 2.0, 4.0, 6.0, 7.0, 7.0, 6.0, 6.0, 7.0, 7.0, 6.0, 5.0, 4.0, 4.0, 3.0, 3.0, 2.0,
    1.5,
];

/// A random instant on Kyiv date `date`, more often in office hours.
pub fn instant_on(rng: &mut StdRng, date: NaiveDate) -> DateTime<Utc> {
    let hour = weighted(rng, &HOUR_WEIGHTS) as i64;
    let start = kyiv_start_of_day(date);
    // A clock-change day is 23 or 25 hours long; stay inside it.
    let end = kyiv_start_of_day(date.succ_opt().unwrap_or(date)) - Duration::seconds(1);
    (start + Duration::seconds(hour * HOUR + rng.gen_range(0..HOUR))).min(end)
}

/// Obviously fake personal data, numbered so every value is unique and traceable to the generator.
pub fn citizen_name(n: i32) -> String {
    format!("Вигаданий Громадянин-{n:06}")
}

pub fn citizen_email(n: i32) -> String {
    format!("citizen-{n:06}@generated.example.org")
}

pub fn fake_address(rng: &mut StdRng) -> String {
    format!("м. Приклад, вул. Вигадана, {}, кв. {}", rng.gen_range(1..200), rng.gen_range(1..150))
}

pub fn fake_phone(rng: &mut StdRng) -> String {
    format!("+380 00 000 {:04}", rng.gen_range(0..10_000))
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use super::*;

    #[test]
    fn weighted_choices_follow_the_weights_and_instants_fall_on_their_day() {
        let mut rng = StdRng::seed_from_u64(1);
        let mut hits = [0; 3];
        for _ in 0..10_000 {
            hits[weighted(&mut rng, &[1.0, 0.0, 3.0])] += 1;
        }
        assert_eq!(hits[1], 0);
        assert!((7000..8000).contains(&hits[2]), "{hits:?}");
        let date = NaiveDate::from_ymd_opt(2026, 3, 29).unwrap(); // the spring clock change
        for _ in 0..1000 {
            let at = instant_on(&mut rng, date);
            assert!(at >= kyiv_start_of_day(date) && at < kyiv_start_of_day(date.succ_opt().unwrap()));
        }
    }
}
