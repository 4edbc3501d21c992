//! Scoring indicators A07 and C03 in bands, and ranking executors with a minimum sample.
use super::*;

// Scoring

/// One scoring band: a share of compliant cases at or above `min_share` earns `points`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Band {
    pub min_share: f64,
    pub points: f64,
}

/// How an indicator turns a share into points. The defaults follow the published city cards
/// (1 point at 100%, 0.5 at 50% or more, 0 below); the exact sub-criteria were never published,
/// so both the bands and the minimum sample are configuration and every score is an estimate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scoring {
    pub bands: Vec<Band>,
    /// Fewer cases than this give "insufficient data" instead of a score.
    pub min_sample: i64,
}

impl Default for Scoring {
    fn default() -> Self {
        Scoring {
            bands: vec![
                Band { min_share: 1.0, points: 1.0 },
                Band { min_share: 0.5, points: 0.5 },
                Band { min_share: 0.0, points: 0.0 },
            ],
            min_sample: 10,
        }
    }
}

impl Scoring {
    /// Checks the configuration: shares within 0..=1, a band that catches a share of 0. A refusal names
    /// the setting `indicators`.
    pub fn validate(&self) -> Result<(), DomainError> {
        self.check_bands().map_err(|message| DomainError::invalid("indicators", message))
    }

    fn check_bands(&self) -> Result<(), String> {
        if self.bands.is_empty() {
            return Err("indicators.bands needs at least one band".into());
        }
        for band in &self.bands {
            if !(0.0..=1.0).contains(&band.min_share) || !band.points.is_finite() {
                return Err(format!("indicators.bands: min_share {} must be within 0..=1", band.min_share));
            }
        }
        if !self.bands.iter().any(|b| b.min_share == 0.0) {
            return Err("indicators.bands needs a band with min_share 0 so that every share earns a score".into());
        }
        if self.min_sample < 1 {
            return Err("indicators.min_sample must be at least 1".into());
        }
        Ok(())
    }

    /// The estimated score for `compliant` out of `cases`.
    pub fn score(&self, compliant: i64, cases: i64) -> Score {
        if cases < self.min_sample {
            return Score::InsufficientData { cases, min_sample: self.min_sample };
        }
        let share = compliant as f64 / cases as f64;
        let points = self
            .bands
            .iter()
            .filter(|b| share + 1e-12 >= b.min_share)
            .map(|b| b.points)
            .fold(None, |best: Option<f64>, p| Some(best.map_or(p, |b| b.max(p))))
            .unwrap_or(0.0);
        Score::Estimated { compliant, cases, share: round4(share), points }
    }
}

/// An indicator's estimated score, or why there is none.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Score {
    Estimated { compliant: i64, cases: i64, share: f64, points: f64 },
    InsufficientData { cases: i64, min_sample: i64 },
}

/// A07's cases: moderations decided or overdue, considerations answered or overdue, and
/// petitions filed as appeals whose appeal is answered or overdue. Compliant: within the term.
pub fn a07_cases(f: &PetitionFigures) -> (i64, i64) {
    let compliant = f.moderated_within_term + f.considered_within_term + f.became_appeals_answered_on_time;
    let cases = f.moderated_within_term
        + f.moderated_late
        + f.moderation_overdue
        + f.considered_within_term
        + f.considered_late
        + f.consideration_overdue
        + f.became_appeals_answered_on_time
        + f.became_appeals_late_or_overdue;
    (compliant, cases)
}

/// C03's cases: appeals answered or overdue; compliant: answered on time.
pub fn c03_cases(f: &AppealFigures) -> (i64, i64) {
    (f.answered_on_time, f.answered + f.overdue)
}

// ---------------------------------------------------------------------------------------------
// Rankings

/// An executor's place in the Kyiv-1551-style ranking.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RankingEntry {
    pub organisation_id: i32,
    /// Answered or overdue appeals: the cases the shares are taken over.
    pub sample: i64,
    pub answered_on_time_share: Option<f64>,
    pub confirmed_share: Option<f64>,
    pub not_returned_share: Option<f64>,
    /// The mean of the three shares; none below the minimum sample.
    pub score: Option<f64>,
    /// 1 = best; none below the minimum sample.
    pub rank: Option<u32>,
}

/// Ranks executors by the mean of three shares: answered within the deadline (of answered and
/// overdue), confirmed by the citizen (of answered), not returned for rework (of answered).
/// Executors with fewer cases than `min_sample` are listed after the ranked ones, unranked.
pub fn rank(figures: &[(i32, AppealFigures)], min_sample: i64) -> Vec<RankingEntry> {
    let mut entries: Vec<RankingEntry> = figures
        .iter()
        .map(|(organisation_id, f)| {
            let (on_time, sample) = c03_cases(f);
            let on_time_share = share(on_time, sample);
            let confirmed_share = share(f.confirmed, f.answered);
            let not_returned_share = share(f.answered - f.returned_for_rework, f.answered);
            // With no answers at all only the on-time share (0) exists; it is the score then.
            let shares: Vec<f64> = [on_time_share, confirmed_share, not_returned_share].into_iter().flatten().collect();
            let score = (sample >= min_sample && !shares.is_empty())
                .then(|| round4(shares.iter().sum::<f64>() / shares.len() as f64));
            RankingEntry {
                organisation_id: *organisation_id,
                sample,
                answered_on_time_share: on_time_share,
                confirmed_share,
                not_returned_share,
                score,
                rank: None,
            }
        })
        .collect();
    entries.sort_by(|a, b| {
        let key = |e: &RankingEntry| e.score.unwrap_or(-1.0);
        key(b).total_cmp(&key(a)).then(b.sample.cmp(&a.sample)).then(a.organisation_id.cmp(&b.organisation_id))
    });
    let mut place = 0;
    for entry in entries.iter_mut().filter(|e| e.score.is_some()) {
        place += 1;
        entry.rank = Some(place);
    }
    entries
}
