//! Figures: the response-rate figures of appeals and of petitions, computed from the tallies.
use super::*;

// Appeal figures

/// The response-rate figures of a set of appeals (one organisation, category, or both).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AppealFigures {
    pub received: i64,
    pub duplicates: i64,
    pub answered: i64,
    pub answered_on_time: i64,
    pub answered_late: i64,
    pub refused: i64,
    pub open: i64,
    pub pending: i64,
    pub overdue: i64,
    pub on_time_share: Option<f64>,
    pub median_days_to_answer: Option<i64>,
    pub p90_days_to_answer: Option<i64>,
    pub extended: i64,
    pub forwarded: i64,
    pub returned_for_rework: i64,
    pub confirmed: i64,
    pub rated: i64,
    pub satisfaction: Option<f64>,
}

/// The figures of a tally, given how many of its open appeals are past their deadline now.
pub fn figures(tally: &Tally, overdue: i64) -> AppealFigures {
    let open = tally.received - tally.duplicates - tally.answered;
    let overdue = overdue.clamp(0, open.max(0));
    AppealFigures {
        received: tally.received,
        duplicates: tally.duplicates,
        answered: tally.answered,
        answered_on_time: tally.answered_on_time,
        answered_late: tally.answered - tally.answered_on_time,
        refused: tally.refused,
        open,
        pending: open - overdue,
        overdue,
        on_time_share: share(tally.answered_on_time, tally.answered + overdue),
        median_days_to_answer: percentile(&tally.answer_days, 0.5),
        p90_days_to_answer: percentile(&tally.answer_days, 0.9),
        extended: tally.extended,
        forwarded: tally.forwarded,
        returned_for_rework: tally.returned_for_rework,
        confirmed: tally.confirmed,
        rated: tally.rated,
        satisfaction: (tally.rated > 0).then(|| (tally.rating_sum as f64 / tally.rated as f64 * 100.0).round() / 100.0),
    }
}

// ---------------------------------------------------------------------------------------------
// Petition figures

/// A council's petition figures for a period, as counted by `storage::metrics` by the definitions
/// below (petitions.*).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PetitionFigures {
    pub submitted: i64,
    pub awaiting_moderation: i64,
    pub moderation_overdue: i64,
    pub published: i64,
    pub refused: i64,
    pub moderated_within_term: i64,
    pub moderated_late: i64,
    pub reached_threshold: i64,
    pub awaiting_notice: i64,
    pub notices_published: i64,
    pub median_days_threshold_to_notice: Option<i64>,
    pub p90_days_threshold_to_notice: Option<i64>,
    pub answers_published: i64,
    pub considered_within_term: i64,
    pub considered_late: i64,
    pub consideration_pending: i64,
    pub consideration_overdue: i64,
    pub decisions: BTreeMap<String, i64>,
    pub closed_short: i64,
    pub became_appeals: i64,
    pub became_appeals_answered_on_time: i64,
    pub became_appeals_late_or_overdue: i64,
}

impl PetitionFigures {
    /// Published petitions still collecting signatures: neither at the threshold nor closed short.
    pub fn collecting(&self) -> i64 {
        (self.published - self.reached_threshold - self.closed_short).max(0)
    }
}

/// The facts of one petition that its figures depend on.
#[derive(Debug, Clone, PartialEq)]
pub struct PetitionFacts {
    pub council_id: i32,
    pub status: petitions::Status,
    pub submitted_at: DateTime<Utc>,
    pub publication_due_at: DateTime<Utc>,
    pub moderated_at: Option<DateTime<Utc>>,
    pub published_at: Option<DateTime<Utc>>,
    pub threshold_reached_at: Option<DateTime<Utc>>,
    pub notice_at: Option<DateTime<Utc>>,
    pub consideration_due_at: Option<DateTime<Utc>>,
    pub answered_at: Option<DateTime<Utc>>,
    pub decision: Option<petitions::Decision>,
    pub closed_at: Option<DateTime<Utc>>,
    pub appeal_id: Option<i32>,
}

impl From<&petitions::Petition> for PetitionFacts {
    fn from(p: &petitions::Petition) -> Self {
        PetitionFacts {
            council_id: p.council_id,
            status: p.status,
            submitted_at: p.submitted_at,
            publication_due_at: p.publication_due_at,
            moderated_at: p.moderated_at,
            published_at: p.published_at,
            threshold_reached_at: p.threshold_reached_at,
            notice_at: p.notice_at,
            consideration_due_at: p.consideration_due_at,
            answered_at: p.answered_at,
            decision: p.decision,
            closed_at: p.closed_at,
            appeal_id: p.appeal_id,
        }
    }
}

/// The tally row a petition counts in: its council and the Kyiv date it was submitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PetitionTallyKey {
    pub submitted_on: NaiveDate,
    pub council_id: i32,
}

/// The petition counts that add up across petitions and days. What depends on the moment of the
/// query (is a moderation or a consideration overdue yet, how did the appeal a petition became
/// fare) is not here: those few petitions are counted live ([`PetitionLive`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PetitionTally {
    pub submitted: i64,
    /// Not yet published or refused: awaiting moderation or overdue, by the moment of the query.
    pub unmoderated: i64,
    pub moderated_within_term: i64,
    pub moderated_late: i64,
    pub published: i64,
    pub refused: i64,
    pub reached_threshold: i64,
    pub awaiting_notice: i64,
    pub notices_published: i64,
    pub answers_published: i64,
    pub considered_within_term: i64,
    pub considered_late: i64,
    /// A notice and no answer yet: pending or overdue, by the moment of the query.
    pub unanswered_after_notice: i64,
    pub closed_short: i64,
    pub became_appeals: i64,
    /// Answered petitions by decision code.
    pub decisions: BTreeMap<String, i64>,
    /// Petitions with a notice by whole days from the threshold to the notice.
    pub days_to_notice: BTreeMap<i64, i64>,
}

impl Tallied for PetitionTally {
    fn add(&mut self, other: &Self, sign: i64) {
        self.submitted += sign * other.submitted;
        self.unmoderated += sign * other.unmoderated;
        self.moderated_within_term += sign * other.moderated_within_term;
        self.moderated_late += sign * other.moderated_late;
        self.published += sign * other.published;
        self.refused += sign * other.refused;
        self.reached_threshold += sign * other.reached_threshold;
        self.awaiting_notice += sign * other.awaiting_notice;
        self.notices_published += sign * other.notices_published;
        self.answers_published += sign * other.answers_published;
        self.considered_within_term += sign * other.considered_within_term;
        self.considered_late += sign * other.considered_late;
        self.unanswered_after_notice += sign * other.unanswered_after_notice;
        self.closed_short += sign * other.closed_short;
        self.became_appeals += sign * other.became_appeals;
        add_counts(&mut self.decisions, &other.decisions, sign);
        add_counts(&mut self.days_to_notice, &other.days_to_notice, sign);
    }
}

impl Counted for PetitionFacts {
    type Key = PetitionTallyKey;
    type Tally = PetitionTally;

    /// What one petition adds to its council's tally, by the definitions (petitions.*).
    fn contribution(&self) -> (PetitionTallyKey, PetitionTally) {
        let key = PetitionTallyKey { submitted_on: kyiv_date(self.submitted_at), council_id: self.council_id };
        let flag = |b: bool| i64::from(b);
        let p = self;
        let mut tally = PetitionTally {
            submitted: 1,
            unmoderated: flag(p.moderated_at.is_none()),
            moderated_within_term: flag(p.moderated_at.is_some_and(|m| m < p.publication_due_at)),
            moderated_late: flag(p.moderated_at.is_some_and(|m| m >= p.publication_due_at)),
            published: flag(p.published_at.is_some()),
            refused: flag(p.status == petitions::Status::Refused),
            reached_threshold: flag(p.threshold_reached_at.is_some()),
            awaiting_notice: flag(p.threshold_reached_at.is_some() && p.notice_at.is_none()),
            notices_published: flag(p.notice_at.is_some()),
            answers_published: flag(p.answered_at.is_some()),
            considered_within_term: flag(
                matches!((p.answered_at, p.consideration_due_at), (Some(a), Some(due)) if a < due),
            ),
            considered_late: flag(p.answered_at.is_some_and(|a| p.consideration_due_at.is_none_or(|due| a >= due))),
            unanswered_after_notice: flag(p.answered_at.is_none() && p.consideration_due_at.is_some()),
            closed_short: flag(p.closed_at.is_some() && p.threshold_reached_at.is_none()),
            became_appeals: flag(p.appeal_id.is_some()),
            ..PetitionTally::default()
        };
        if let Some(decision) = p.decision {
            tally.decisions.insert(decision.code().to_owned(), 1);
        }
        if let (Some(reached), Some(notice)) = (p.threshold_reached_at, p.notice_at) {
            tally.days_to_notice.insert(days_between(reached, notice), 1);
        }
        (key, tally)
    }
}

/// The petition figures that depend on the moment of the query, counted live over the few
/// petitions concerned.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PetitionLive {
    /// Unmoderated petitions whose publication_due_at has passed.
    pub moderation_overdue: i64,
    /// Petitions with a notice and no answer whose consideration_due_at has passed.
    pub consideration_overdue: i64,
    /// Petitions filed as appeals whose appeal is answered before its deadline…
    pub became_appeals_answered_on_time: i64,
    /// …answered late, or open past its deadline.
    pub became_appeals_late_or_overdue: i64,
}

/// A council's petition figures from its summed tally and the live counts.
pub fn petition_figures(tally: &PetitionTally, live: &PetitionLive) -> PetitionFigures {
    let moderation_overdue = live.moderation_overdue.clamp(0, tally.unmoderated.max(0));
    let consideration_overdue = live.consideration_overdue.clamp(0, tally.unanswered_after_notice.max(0));
    PetitionFigures {
        submitted: tally.submitted,
        awaiting_moderation: tally.unmoderated - moderation_overdue,
        moderation_overdue,
        published: tally.published,
        refused: tally.refused,
        moderated_within_term: tally.moderated_within_term,
        moderated_late: tally.moderated_late,
        reached_threshold: tally.reached_threshold,
        awaiting_notice: tally.awaiting_notice,
        notices_published: tally.notices_published,
        median_days_threshold_to_notice: percentile(&tally.days_to_notice, 0.5),
        p90_days_threshold_to_notice: percentile(&tally.days_to_notice, 0.9),
        answers_published: tally.answers_published,
        considered_within_term: tally.considered_within_term,
        considered_late: tally.considered_late,
        consideration_pending: tally.unanswered_after_notice - consideration_overdue,
        consideration_overdue,
        decisions: tally.decisions.clone(),
        closed_short: tally.closed_short,
        became_appeals: tally.became_appeals,
        became_appeals_answered_on_time: live.became_appeals_answered_on_time,
        became_appeals_late_or_overdue: live.became_appeals_late_or_overdue,
    }
}
