//! Response-rate metrics, indicator evidence (A07, C03) and executor rankings: public, with the exact
//! definitions served beside the figures.
use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use poem::web::Data;
use poem_openapi::{Enum, Object, OpenApi, param::Query, payload::Json};

use super::{ApiTags, AppState};
use crate::{
    domain::{
        calendar::kyiv_date,
        directory::in_c03_scope,
        metrics::{
            self, AppealFigures, Band, DEFINITIONS, Period, PetitionFigures, Score, Scoring, Tallied, Tally, a07_cases,
            c03_cases,
        },
    },
    error::{ApiResult, AppError},
    storage,
};

#[derive(Debug, Object)]
pub struct PeriodView {
    /// First Kyiv date of the period.
    pub from: NaiveDate,
    /// Last Kyiv date of the period (included).
    pub to: NaiveDate,
    pub label: String,
}

impl From<Period> for PeriodView {
    fn from(p: Period) -> Self {
        PeriodView { from: p.from, to: p.to, label: p.label() }
    }
}

/// The figures of a set of appeals; see `GET /metrics/definitions` for each one.
#[derive(Debug, Object)]
pub struct AppealFiguresView {
    pub received: i64,
    pub duplicates: i64,
    pub answered: i64,
    pub answered_on_time: i64,
    pub answered_late: i64,
    pub refused: i64,
    pub open: i64,
    pub pending: i64,
    pub overdue: i64,
    #[oai(nullable)]
    pub on_time_share: Option<f64>,
    #[oai(nullable)]
    pub median_days_to_answer: Option<i64>,
    #[oai(nullable)]
    pub p90_days_to_answer: Option<i64>,
    pub extended: i64,
    pub forwarded: i64,
    pub returned_for_rework: i64,
    pub confirmed: i64,
    pub rated: i64,
    #[oai(nullable)]
    pub satisfaction: Option<f64>,
}

impl From<AppealFigures> for AppealFiguresView {
    fn from(f: AppealFigures) -> Self {
        AppealFiguresView {
            received: f.received,
            duplicates: f.duplicates,
            answered: f.answered,
            answered_on_time: f.answered_on_time,
            answered_late: f.answered_late,
            refused: f.refused,
            open: f.open,
            pending: f.pending,
            overdue: f.overdue,
            on_time_share: f.on_time_share,
            median_days_to_answer: f.median_days_to_answer,
            p90_days_to_answer: f.p90_days_to_answer,
            extended: f.extended,
            forwarded: f.forwarded,
            returned_for_rework: f.returned_for_rework,
            confirmed: f.confirmed,
            rated: f.rated,
            satisfaction: f.satisfaction,
        }
    }
}

#[derive(Debug, Object)]
pub struct AppealMetricsRow {
    /// Absent when grouped by category only.
    #[oai(nullable)]
    pub organisation_id: Option<i32>,
    #[oai(nullable)]
    pub organisation_name: Option<String>,
    /// Absent when grouped by organisation only; 0 = appeals without a category.
    #[oai(nullable)]
    pub category_id: Option<i32>,
    #[oai(nullable)]
    pub category_name: Option<String>,
    pub figures: AppealFiguresView,
}

#[derive(Debug, Object)]
pub struct AppealMetrics {
    pub period: PeriodView,
    /// The moment pending and overdue were decided at.
    pub as_of: DateTime<Utc>,
    pub group_by: GroupBy,
    pub rows: Vec<AppealMetricsRow>,
    /// All rows together.
    pub total: AppealFiguresView,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum GroupBy {
    Organisation,
    Category,
    OrganisationCategory,
}

#[derive(Debug, Object)]
pub struct PetitionFiguresView {
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
    #[oai(nullable)]
    pub median_days_threshold_to_notice: Option<i64>,
    #[oai(nullable)]
    pub p90_days_threshold_to_notice: Option<i64>,
    pub answers_published: i64,
    pub considered_within_term: i64,
    pub considered_late: i64,
    pub consideration_pending: i64,
    pub consideration_overdue: i64,
    /// Answered petitions by decision code.
    pub decisions: BTreeMap<String, i64>,
    pub closed_short: i64,
    pub became_appeals: i64,
    pub became_appeals_answered_on_time: i64,
    pub became_appeals_late_or_overdue: i64,
}

impl From<PetitionFigures> for PetitionFiguresView {
    fn from(f: PetitionFigures) -> Self {
        PetitionFiguresView {
            submitted: f.submitted,
            awaiting_moderation: f.awaiting_moderation,
            moderation_overdue: f.moderation_overdue,
            published: f.published,
            refused: f.refused,
            moderated_within_term: f.moderated_within_term,
            moderated_late: f.moderated_late,
            reached_threshold: f.reached_threshold,
            awaiting_notice: f.awaiting_notice,
            notices_published: f.notices_published,
            median_days_threshold_to_notice: f.median_days_threshold_to_notice,
            p90_days_threshold_to_notice: f.p90_days_threshold_to_notice,
            answers_published: f.answers_published,
            considered_within_term: f.considered_within_term,
            considered_late: f.considered_late,
            consideration_pending: f.consideration_pending,
            consideration_overdue: f.consideration_overdue,
            decisions: f.decisions,
            closed_short: f.closed_short,
            became_appeals: f.became_appeals,
            became_appeals_answered_on_time: f.became_appeals_answered_on_time,
            became_appeals_late_or_overdue: f.became_appeals_late_or_overdue,
        }
    }
}

#[derive(Debug, Object)]
pub struct CouncilPetitionMetrics {
    pub council_id: i32,
    pub council_name: String,
    pub figures: PetitionFiguresView,
}

#[derive(Debug, Object)]
pub struct PetitionMetrics {
    pub period: PeriodView,
    pub as_of: DateTime<Utc>,
    pub councils: Vec<CouncilPetitionMetrics>,
}

#[derive(Debug, Object)]
pub struct DefinitionView {
    pub figure: String,
    pub definition: String,
}

#[derive(Debug, Object)]
pub struct BandView {
    pub min_share: f64,
    pub points: f64,
}

impl From<&Band> for BandView {
    fn from(b: &Band) -> Self {
        BandView { min_share: b.min_share, points: b.points }
    }
}

#[derive(Debug, Object)]
pub struct ScoringView {
    /// A share at or above `min_share` earns `points`; the highest matching band counts.
    pub bands: Vec<BandView>,
    /// Fewer cases give "insufficient_data".
    pub min_sample: i64,
}

impl From<&Scoring> for ScoringView {
    fn from(s: &Scoring) -> Self {
        ScoringView { bands: s.bands.iter().map(BandView::from).collect(), min_sample: s.min_sample }
    }
}

#[derive(Debug, Object)]
pub struct Definitions {
    pub definitions: Vec<DefinitionView>,
    /// The scoring in force on this service.
    pub scoring: ScoringView,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case")]
pub enum ScoreOutcome {
    Estimated,
    InsufficientData,
    OutOfScope,
}

/// An estimated indicator score.
#[derive(Debug, Object)]
pub struct ScoreView {
    pub outcome: ScoreOutcome,
    /// Compliant cases (absent when out of scope).
    #[oai(nullable)]
    pub compliant: Option<i64>,
    #[oai(nullable)]
    pub cases: Option<i64>,
    #[oai(nullable)]
    pub share: Option<f64>,
    /// Points by the configured bands; only for an estimated score.
    #[oai(nullable)]
    pub points: Option<f64>,
    pub min_sample: i64,
    /// What the score means, in words.
    pub note: String,
}

fn score_view(score: Score, min_sample: i64) -> ScoreView {
    match score {
        Score::Estimated { compliant, cases, share, points } => ScoreView {
            outcome: ScoreOutcome::Estimated,
            compliant: Some(compliant),
            cases: Some(cases),
            share: Some(share),
            points: Some(points),
            min_sample,
            note: format!(
                "Estimate: {compliant} of {cases} cases complied ({:.1}%); the indicator's exact sub-criteria were not published.",
                share * 100.0
            ),
        },
        Score::InsufficientData { cases, min_sample } => ScoreView {
            outcome: ScoreOutcome::InsufficientData,
            compliant: None,
            cases: Some(cases),
            share: None,
            points: None,
            min_sample,
            note: format!("Insufficient data: {cases} cases, at least {min_sample} are needed for a score."),
        },
    }
}

#[derive(Debug, Object)]
pub struct A07Evidence {
    pub council_id: i32,
    pub council_name: String,
    pub evidence: PetitionFiguresView,
    pub score: ScoreView,
}

#[derive(Debug, Object)]
pub struct C03Evidence {
    pub organisation_id: i32,
    pub organisation_name: String,
    #[oai(nullable)]
    pub community_share_percent: Option<f64>,
    /// Only municipal enterprises with a community share of 50% or more are scored.
    pub in_scope: bool,
    /// Categories routed to the enterprise: citizens can reach it online.
    pub routed_categories: i64,
    pub has_online_channel: bool,
    /// The statistics are public: the open-data exports of appeals and transitions.
    pub statistics_published: bool,
    pub open_data: Vec<String>,
    pub evidence: AppealFiguresView,
    pub score: ScoreView,
}

#[derive(Debug, Object)]
pub struct Indicators {
    pub period: PeriodView,
    pub as_of: DateTime<Utc>,
    pub scoring: ScoringView,
    pub a07: Vec<A07Evidence>,
    pub c03: Vec<C03Evidence>,
}

#[derive(Debug, Object)]
pub struct RankingRow {
    /// 1 = best; absent below the minimum sample.
    #[oai(nullable)]
    pub rank: Option<u32>,
    pub organisation_id: i32,
    pub organisation_name: String,
    /// Cases: answered + overdue.
    pub sample: i64,
    #[oai(nullable)]
    pub answered_on_time_share: Option<f64>,
    #[oai(nullable)]
    pub confirmed_share: Option<f64>,
    #[oai(nullable)]
    pub not_returned_share: Option<f64>,
    #[oai(nullable)]
    pub score: Option<f64>,
    pub insufficient_data: bool,
}

#[derive(Debug, Object)]
pub struct Rankings {
    pub period: PeriodView,
    pub as_of: DateTime<Utc>,
    pub min_sample: i64,
    pub rows: Vec<RankingRow>,
}

/// Reads the period from `period` or `from` + `to`; the current Kyiv year when neither is given.
fn period_of(
    period: Option<String>,
    from: Option<String>,
    to: Option<String>,
    now: DateTime<Utc>,
) -> Result<Period, AppError> {
    let date = |field: &str, text: &str| {
        let date = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
            .map_err(|_| AppError::validation(field, format!("'{text}' is not a date like 2026-01-31")))?;
        Ok::<_, AppError>(crate::domain::calendar::supported(field, date)?)
    };
    match (period, from, to) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
            Err(AppError::validation("period", "give either period or from and to, not both"))
        }
        (Some(p), None, None) => {
            let period = Period::parse(&p).map_err(|m| AppError::validation("period", m))?;
            crate::domain::calendar::supported("period", period.from)?;
            crate::domain::calendar::supported("period", period.to)?;
            Ok(period)
        }
        (None, Some(f), Some(t)) => {
            Period::between(date("from", &f)?, date("to", &t)?).map_err(|m| AppError::validation("to", m))
        }
        (None, Some(_), None) => Err(AppError::validation("to", "a range needs both from and to")),
        (None, None, Some(_)) => Err(AppError::validation("from", "a range needs both from and to")),
        (None, None, None) => {
            Period::parse(&kyiv_date(now).format("%Y").to_string()).map_err(|m| AppError::validation("period", m))
        }
    }
}

/// Sums per-(executor, category) tallies into the requested groups.
fn grouped(
    sums: &BTreeMap<storage::metrics::ExecutorCategory, (Tally, i64)>,
    by: GroupBy,
) -> BTreeMap<(Option<i32>, Option<i32>), (Tally, i64)> {
    let mut groups: BTreeMap<(Option<i32>, Option<i32>), (Tally, i64)> = BTreeMap::new();
    for (&(org, cat), (tally, overdue)) in sums {
        let key = match by {
            GroupBy::Organisation => (Some(org), None),
            GroupBy::Category => (None, Some(cat)),
            GroupBy::OrganisationCategory => (Some(org), Some(cat)),
        };
        let entry = groups.entry(key).or_default();
        entry.0.add(tally, 1);
        entry.1 += overdue;
    }
    groups
}

fn total(sums: &BTreeMap<storage::metrics::ExecutorCategory, (Tally, i64)>) -> AppealFigures {
    let mut all = Tally::default();
    let mut overdue = 0;
    for (tally, o) in sums.values() {
        all.add(tally, 1);
        overdue += o;
    }
    metrics::figures(&all, overdue)
}

async fn organisations(state: &AppState) -> Result<BTreeMap<i32, entity::organisations::Model>, AppError> {
    Ok(storage::directory::list_organisations(&state.db).await?.into_iter().map(|o| (o.id, o)).collect())
}

fn open_data_links() -> Vec<String> {
    ["appeals.csv", "appeals.json", "transitions.csv", "transitions.json"]
        .iter()
        .map(|f| format!("{}/open-data/{f}", super::API_PREFIX))
        .collect()
}

pub struct MetricsApi;

#[OpenApi(prefix_path = "/", tag = "ApiTags::Metrics")]
impl MetricsApi {
    /// Exactly how every figure is computed
    ///
    /// Which date puts an item in a period, what counts as on time, how items still within their
    /// deadline are treated, how scores are estimated — and the scoring bands in force.
    #[oai(path = "/metrics/definitions", method = "get")]
    async fn definitions(&self, state: Data<&AppState>) -> Json<Definitions> {
        Json(Definitions {
            definitions: DEFINITIONS
                .iter()
                .map(|d| DefinitionView { figure: d.figure.to_owned(), definition: d.definition.to_owned() })
                .collect(),
            scoring: ScoringView::from(&state.settings.indicators),
        })
    }

    /// Response-rate figures of appeals per organisation and category
    ///
    /// `period` is a year (`2026`), quarter (`2026-Q3`), month (`2026-07`) or day (`2026-07-15`);
    /// or give `from` and `to` (Kyiv dates, both included). Without either: the current year.
    /// Optional filters narrow the rows to one organisation or category.
    #[oai(path = "/metrics/appeals", method = "get")]
    #[allow(clippy::too_many_arguments)] // one per query parameter, as poem-openapi wants them
    async fn appeals(
        &self,
        state: Data<&AppState>,
        /// A year (2026), quarter (2026-Q3), month (2026-07) or day (2026-07-15), within the dates the
        /// working-day calendar supports (2015-01-01 to 2100-12-31; others are refused with 422).
        period: Query<Option<String>>,
        /// With `to`, instead of `period`: the first Kyiv date, from 2015-01-01 to 2100-12-31 (the dates the working-day calendar supports; others are refused with 422).
        from: Query<Option<String>>,
        /// The last Kyiv date of the range, likewise.
        to: Query<Option<String>>,
        group_by: Query<Option<GroupBy>>,
        organisation_id: Query<Option<i32>>,
        category_id: Query<Option<i32>>,
    ) -> ApiResult<Json<AppealMetrics>> {
        let now = Utc::now();
        let period = period_of(period.0, from.0, to.0, now)?;
        let by = group_by.0.unwrap_or(GroupBy::Organisation);
        let mut sums = storage::metrics::appeal_tallies(&state.db, period, now).await?;
        sums.retain(|&(org, cat), _| {
            organisation_id.0.is_none_or(|o| o == org) && category_id.0.is_none_or(|c| c == cat)
        });
        let organisations = organisations(&state).await?;
        let categories: BTreeMap<i32, String> = storage::directory::list_categories(&state.db)
            .await?
            .into_iter()
            .map(|c| (c.category.id, c.category.name_en))
            .collect();
        let rows = grouped(&sums, by)
            .into_iter()
            .map(|((org, cat), (tally, overdue))| AppealMetricsRow {
                organisation_id: org,
                organisation_name: org.and_then(|o| organisations.get(&o).map(|m| m.name.clone())),
                category_id: cat,
                category_name: cat.and_then(|c| categories.get(&c).cloned()),
                figures: metrics::figures(&tally, overdue).into(),
            })
            .collect();
        Ok(Json(AppealMetrics { period: period.into(), as_of: now, group_by: by, rows, total: total(&sums).into() }))
    }

    /// Petition figures per council
    ///
    /// The same `period` / `from` + `to` as the appeal figures; petitions count by submission date.
    #[oai(path = "/metrics/petitions", method = "get")]
    async fn petitions(
        &self,
        state: Data<&AppState>,
        /// A year (2026), quarter (2026-Q3), month (2026-07) or day (2026-07-15), within the dates the
        /// working-day calendar supports (2015-01-01 to 2100-12-31; others are refused with 422).
        period: Query<Option<String>>,
        /// With `to`, instead of `period`: the first Kyiv date, from 2015-01-01 to 2100-12-31 (the dates the working-day calendar supports; others are refused with 422).
        from: Query<Option<String>>,
        /// The last Kyiv date of the range, likewise.
        to: Query<Option<String>>,
    ) -> ApiResult<Json<PetitionMetrics>> {
        let now = Utc::now();
        let period = period_of(period.0, from.0, to.0, now)?;
        let figures = storage::metrics::petition_figures(&state.db, period, now).await?;
        let organisations = organisations(&state).await?;
        let councils = figures
            .into_iter()
            .map(|(council_id, f)| CouncilPetitionMetrics {
                council_id,
                council_name: organisations.get(&council_id).map(|o| o.name.clone()).unwrap_or_default(),
                figures: f.into(),
            })
            .collect();
        Ok(Json(PetitionMetrics { period: period.into(), as_of: now, councils }))
    }

    /// Evidence and estimated scores for indicators A07 and C03
    ///
    /// A07 (does the council consider petitions properly) for each council; C03 (do municipal
    /// enterprises with a community share of 50% or more answer appeals) for each municipal
    /// enterprise — those below 50% are listed as out of scope. Scores are estimates by the
    /// configured bands; below the minimum sample they say "insufficient_data".
    #[oai(path = "/indicators", method = "get")]
    async fn indicators(
        &self,
        state: Data<&AppState>,
        /// A year (2026), quarter (2026-Q3), month (2026-07) or day (2026-07-15), within the dates the
        /// working-day calendar supports (2015-01-01 to 2100-12-31; others are refused with 422).
        period: Query<Option<String>>,
        /// With `to`, instead of `period`: the first Kyiv date, from 2015-01-01 to 2100-12-31 (the dates the working-day calendar supports; others are refused with 422).
        from: Query<Option<String>>,
        /// The last Kyiv date of the range, likewise.
        to: Query<Option<String>>,
    ) -> ApiResult<Json<Indicators>> {
        let now = Utc::now();
        let period = period_of(period.0, from.0, to.0, now)?;
        let scoring = &state.settings.indicators;
        let organisations = organisations(&state).await?;
        let petitions = storage::metrics::petition_figures(&state.db, period, now).await?;
        let a07 = organisations
            .values()
            .filter(|o| o.kind == "council" || petitions.contains_key(&o.id))
            .map(|o| {
                let f = petitions.get(&o.id).cloned().unwrap_or_default();
                let (compliant, cases) = a07_cases(&f);
                A07Evidence {
                    council_id: o.id,
                    council_name: o.name.clone(),
                    evidence: f.into(),
                    score: score_view(scoring.score(compliant, cases), scoring.min_sample),
                }
            })
            .collect();
        let sums = storage::metrics::appeal_tallies(&state.db, period, now).await?;
        let per_org = grouped(&sums, GroupBy::Organisation);
        let routed = storage::metrics::routed_category_counts(&state.db).await?;
        let c03 = organisations
            .values()
            .filter(|o| o.kind == "municipal_enterprise")
            .map(|o| {
                let (tally, overdue) = per_org.get(&(Some(o.id), None)).cloned().unwrap_or_default();
                let f = metrics::figures(&tally, overdue);
                let in_scope = storage::directory::parse_kind(&o.kind)
                    .map(|kind| in_c03_scope(kind, o.community_share_percent))
                    .unwrap_or(false);
                let score = if in_scope {
                    let (compliant, cases) = c03_cases(&f);
                    score_view(scoring.score(compliant, cases), scoring.min_sample)
                } else {
                    ScoreView {
                        outcome: ScoreOutcome::OutOfScope,
                        compliant: None,
                        cases: None,
                        share: None,
                        points: None,
                        min_sample: scoring.min_sample,
                        note: "Out of scope: C03 covers enterprises where the community owns 50% or more.".into(),
                    }
                };
                let routed_categories = routed.get(&o.id).copied().unwrap_or(0);
                C03Evidence {
                    organisation_id: o.id,
                    organisation_name: o.name.clone(),
                    community_share_percent: o.community_share_percent,
                    in_scope,
                    routed_categories,
                    has_online_channel: routed_categories > 0,
                    statistics_published: true,
                    open_data: open_data_links(),
                    evidence: f.into(),
                    score,
                }
            })
            .collect();
        Ok(Json(Indicators { period: period.into(), as_of: now, scoring: ScoringView::from(scoring), a07, c03 }))
    }

    /// Executors ranked in the Kyiv 1551 manner
    ///
    /// By the mean of three shares: answered within the deadline, confirmed by the citizen, not
    /// returned for rework — each with its sample. Executors below the minimum sample are listed
    /// after the ranked ones, without a rank.
    #[oai(path = "/metrics/rankings", method = "get")]
    async fn rankings(
        &self,
        state: Data<&AppState>,
        /// A year (2026), quarter (2026-Q3), month (2026-07) or day (2026-07-15), within the dates the
        /// working-day calendar supports (2015-01-01 to 2100-12-31; others are refused with 422).
        period: Query<Option<String>>,
        /// With `to`, instead of `period`: the first Kyiv date, from 2015-01-01 to 2100-12-31 (the dates the working-day calendar supports; others are refused with 422).
        from: Query<Option<String>>,
        /// The last Kyiv date of the range, likewise.
        to: Query<Option<String>>,
    ) -> ApiResult<Json<Rankings>> {
        let now = Utc::now();
        let period = period_of(period.0, from.0, to.0, now)?;
        let min_sample = state.settings.indicators.min_sample;
        let sums = storage::metrics::appeal_tallies(&state.db, period, now).await?;
        let figures: Vec<(i32, AppealFigures)> = grouped(&sums, GroupBy::Organisation)
            .into_iter()
            .filter_map(|((org, _), (tally, overdue))| org.map(|o| (o, metrics::figures(&tally, overdue))))
            .collect();
        let organisations = organisations(&state).await?;
        let rows = metrics::rank(&figures, min_sample)
            .into_iter()
            .map(|e| RankingRow {
                rank: e.rank,
                organisation_name: organisations.get(&e.organisation_id).map(|o| o.name.clone()).unwrap_or_default(),
                organisation_id: e.organisation_id,
                sample: e.sample,
                answered_on_time_share: e.answered_on_time_share,
                confirmed_share: e.confirmed_share,
                not_returned_share: e.not_returned_share,
                insufficient_data: e.score.is_none(),
                score: e.score,
            })
            .collect();
        Ok(Json(Rankings { period: period.into(), as_of: now, min_sample, rows }))
    }
}
