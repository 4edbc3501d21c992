//! Volumes: by day, by category.

use chrono::{Datelike, NaiveDate, Weekday};

/// Relative number of appeals on a day: fewer at weekends, more in winter, a slight growth over the year.
pub(super) fn day_weight(date: NaiveDate, index: usize) -> f64 {
    let weekday = match date.weekday() {
        Weekday::Sat => 0.55,
        Weekday::Sun => 0.45,
        _ => 1.0,
    };
    let season = match date.month() {
        12 | 1 | 2 => 1.2,
        3..=5 => 1.05,
        6..=8 => 0.9,
        _ => 1.0,
    };
    weekday * season * (0.9 + 0.2 * index as f64 / 365.0)
}

/// Splits `total` over days in proportion to `weights`, exactly (largest remainders carried forward).
pub(super) fn spread(total: u64, weights: &[f64]) -> Vec<u64> {
    let sum: f64 = weights.iter().sum();
    let mut carry = 0.0;
    let mut out: Vec<u64> = weights
        .iter()
        .map(|w| {
            let exact = total as f64 * w / sum + carry;
            let n = exact.floor();
            carry = exact - n;
            n as u64
        })
        .collect();
    let given: u64 = out.iter().sum();
    if let Some(last) = out.last_mut() {
        *last += total.saturating_sub(given);
    }
    out
}

fn heating_season(date: NaiveDate) -> bool {
    let (m, d) = (date.month(), date.day());
    m >= 11 || m <= 3 || (m == 10 && d >= 15) || (m == 4 && d <= 15)
}

/// Relative share of a category among issue reports on `date`.
pub(super) fn report_weight(code: &str, date: NaiveDate) -> f64 {
    let base = match code {
        "pothole" => 10.0,
        "street_lighting" => 7.0,
        "waste_collection" => 8.0,
        "building_maintenance" => 8.0,
        "no_heating" => 6.0,
        "public_transport" | "broken_lift" | "yard_improvement" => 5.0,
        "hot_water" | "no_water" | "illegal_dump" | "roof_leak" | "trees_greenery" => 4.0,
        "road_damage" | "water_leak" | "sewerage" | "parking" | "stray_animals" => 3.0,
        "road_signs" | "traffic_lights" | "bus_stop" | "playground" => 2.0,
        _ => 1.0,
    };
    let season = match code {
        "no_heating" | "hot_water" if heating_season(date) => 4.0,
        "no_heating" => 0.1,
        "pothole" | "road_damage" if (3..=5).contains(&date.month()) => 2.0,
        "street_lighting" if heating_season(date) => 1.5,
        "trees_greenery" | "waste_collection" | "playground" if (5..=9).contains(&date.month()) => 1.4,
        _ => 1.0,
    };
    base * season
}

/// Relative share of a category among appeals proper (applications, complaints, proposals).
pub(super) fn appeal_weight(code: &str) -> f64 {
    match code {
        "social_support" => 10.0,
        "council_work" => 7.0,
        "school" | "healthcare" | "building_maintenance" => 6.0,
        "yard_improvement" | "public_transport" | "illegal_construction" => 4.0,
        "accessibility" | "roof_leak" | "no_heating" => 3.0,
        _ => 1.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn volumes_are_split_exactly_and_in_proportion() {
        let weights = [1.0, 0.5, 0.5, 2.0];
        let days = spread(1001, &weights);
        assert_eq!(days.iter().sum::<u64>(), 1001);
        assert!((days[3] as i64 - 500).abs() <= 1 && (days[0] as i64 - 250).abs() <= 1, "{days:?}");
        assert_eq!(spread(0, &weights), vec![0, 0, 0, 0]);
    }
}
