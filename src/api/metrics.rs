//! Response-rate metrics, indicator evidence (A07, C03) and executor rankings: public, with the exact
//! definitions served beside the figures.
use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use poem::web::Data;
use poem_openapi::{Enum, Object, OpenApi, param::Query, payload::Json};

use super::{ApiTags, AppState, codes::Code};
use crate::{
    domain::{
        appeals::Status,
        metrics::{AppealFigures, Band, Period, PetitionFigures, Scoring},
    },
    error::ApiResult,
    service::{
        metrics::{self as use_case, AppealFilter, Grouping, IndicatorScore, PeriodQuery},
        report_map::{self, ReportFilter, ReportMapQuery},
    },
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

impl From<GroupBy> for Grouping {
    fn from(by: GroupBy) -> Self {
        match by {
            GroupBy::Organisation => Grouping::Organisation,
            GroupBy::Category => Grouping::Category,
            GroupBy::OrganisationCategory => Grouping::OrganisationCategory,
        }
    }
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

fn score_view(score: IndicatorScore, min_sample: i64) -> ScoreView {
    let absent = |outcome, note: String| ScoreView {
        outcome,
        compliant: None,
        cases: None,
        share: None,
        points: None,
        min_sample,
        note,
    };
    match score {
        IndicatorScore::Estimated { compliant, cases, share, points } => ScoreView {
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
        IndicatorScore::InsufficientData { cases, min_sample } => ScoreView {
            cases: Some(cases),
            ..absent(
                ScoreOutcome::InsufficientData,
                format!("Insufficient data: {cases} cases, at least {min_sample} are needed for a score."),
            )
        },
        IndicatorScore::OutOfScope => absent(
            ScoreOutcome::OutOfScope,
            "Out of scope: C03 covers enterprises where the community owns 50% or more.".into(),
        ),
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

/// One district's figures on the map of reports; see `GET /metrics/definitions` for each figure.
#[derive(Debug, Object)]
pub struct DistrictFiguresRow {
    /// 0 for reports in no district.
    pub district_id: i32,
    /// Absent for district 0.
    #[oai(nullable)]
    pub district_name: Option<String>,
    pub received: i64,
    pub answered: i64,
    pub answered_on_time: i64,
    pub overdue: i64,
    /// Answered on time ÷ (answered + overdue), 0 to 1; absent when both are 0.
    #[oai(nullable)]
    pub on_time_share: Option<f64>,
}

#[derive(Debug, Object)]
pub struct DistrictMetrics {
    pub period: PeriodView,
    pub as_of: DateTime<Utc>,
    /// Reports of the selection.
    pub received: i64,
    /// Every district of the directory (those without reports with zeros), then district 0 if any
    /// report lies in none.
    pub districts: Vec<DistrictFiguresRow>,
}

impl From<report_map::DistrictFigures> for DistrictFiguresRow {
    fn from(d: report_map::DistrictFigures) -> Self {
        DistrictFiguresRow {
            district_id: d.district_id,
            district_name: d.name,
            received: d.received,
            answered: d.answered,
            answered_on_time: d.answered_on_time,
            overdue: d.overdue,
            on_time_share: d.on_time_share,
        }
    }
}

fn period_of(
    period: Option<String>,
    from: Option<String>,
    to: Option<String>,
) -> Result<Period, crate::error::AppError> {
    PeriodQuery { period, from, to }.resolve(Utc::now())
}

#[derive(Default)]
pub struct MetricsApi;

#[OpenApi(prefix_path = "/", tag = "ApiTags::Metrics")]
impl MetricsApi {
    /// Exactly how every figure is computed
    ///
    /// Which date puts an item in a period, what counts as on time, how items still within their
    /// deadline are treated, how scores are estimated — and the scoring bands in force.
    #[oai(path = "/metrics/definitions", method = "get")]
    async fn definitions(&self, state: Data<&AppState>) -> Json<Definitions> {
        let (definitions, scoring) = use_case::definitions(&state);
        Json(Definitions {
            definitions: definitions
                .iter()
                .map(|d| DefinitionView { figure: d.figure.to_owned(), definition: d.definition.to_owned() })
                .collect(),
            scoring: ScoringView::from(&scoring),
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
        let period = period_of(period.0, from.0, to.0)?;
        let by = group_by.0.unwrap_or(GroupBy::Organisation);
        let filter = AppealFilter { organisation_id: organisation_id.0, category_id: category_id.0 };
        let m = use_case::appeals(&state, period, by.into(), filter, Utc::now()).await?;
        let rows = m
            .rows
            .into_iter()
            .map(|r| AppealMetricsRow {
                organisation_id: r.organisation_id,
                organisation_name: r.organisation_name,
                category_id: r.category_id,
                category_name: r.category_name,
                figures: r.figures.into(),
            })
            .collect();
        Ok(Json(AppealMetrics { period: m.period.into(), as_of: m.as_of, group_by: by, rows, total: m.total.into() }))
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
        let period = period_of(period.0, from.0, to.0)?;
        let m = use_case::petitions(&state, period, Utc::now()).await?;
        let councils = m
            .councils
            .into_iter()
            .map(|c| CouncilPetitionMetrics {
                council_id: c.council_id,
                council_name: c.council_name,
                figures: c.figures.into(),
            })
            .collect();
        Ok(Json(PetitionMetrics { period: m.period.into(), as_of: m.as_of, councils }))
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
        let period = period_of(period.0, from.0, to.0)?;
        let m = use_case::indicators(&state, period, Utc::now()).await?;
        let min_sample = m.scoring.min_sample;
        let a07 = m
            .a07
            .into_iter()
            .map(|e| A07Evidence {
                council_id: e.council_id,
                council_name: e.council_name,
                evidence: e.evidence.into(),
                score: score_view(e.score, min_sample),
            })
            .collect();
        let c03 = m
            .c03
            .into_iter()
            .map(|e| C03Evidence {
                organisation_id: e.organisation_id,
                organisation_name: e.organisation_name,
                community_share_percent: e.community_share_percent,
                in_scope: e.in_scope,
                routed_categories: e.routed_categories,
                has_online_channel: e.has_online_channel,
                statistics_published: e.statistics_published,
                open_data: use_case::open_data_files(),
                evidence: e.evidence.into(),
                score: score_view(e.score, min_sample),
            })
            .collect();
        Ok(Json(Indicators {
            period: m.period.into(),
            as_of: m.as_of,
            scoring: ScoringView::from(&m.scoring),
            a07,
            c03,
        }))
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
        let period = period_of(period.0, from.0, to.0)?;
        let m = use_case::rankings(&state, period, Utc::now()).await?;
        let rows = m
            .rows
            .into_iter()
            .map(|r| RankingRow {
                rank: r.entry.rank,
                organisation_id: r.entry.organisation_id,
                organisation_name: r.organisation_name,
                sample: r.entry.sample,
                answered_on_time_share: r.entry.answered_on_time_share,
                confirmed_share: r.entry.confirmed_share,
                not_returned_share: r.entry.not_returned_share,
                insufficient_data: r.entry.score.is_none(),
                score: r.entry.score,
            })
            .collect();
        Ok(Json(Rankings { period: m.period.into(), as_of: m.as_of, min_sample: m.min_sample, rows }))
    }

    /// Issue reports per district: the figures of the map of reports
    ///
    /// The on-time share, received, answered and overdue issue reports per district, exactly as the
    /// map of reports (`/statistics/map`) shades and tabulates them, for the same filters: `period` or
    /// `from` + `to` (without either: the current year), `category_id`, `status` and `district_id`. A
    /// report counts for the district given when it was filed, else for the district its point lies in.
    /// A category or district not in the directory is refused with 422.
    #[oai(path = "/metrics/districts", method = "get")]
    #[allow(clippy::too_many_arguments)] // one per query parameter, as poem-openapi wants them
    async fn districts(
        &self,
        state: Data<&AppState>,
        /// A year (2026), quarter (2026-Q3), month (2026-07) or day (2026-07-15), within the dates the
        /// working-day calendar supports (2015-01-01 to 2100-12-31; others are refused with 422).
        period: Query<Option<String>>,
        /// With `to`, instead of `period`: the first Kyiv date, from 2015-01-01 to 2100-12-31 (the dates the working-day calendar supports; others are refused with 422).
        from: Query<Option<String>>,
        /// The last Kyiv date of the range, likewise.
        to: Query<Option<String>>,
        category_id: Query<Option<i32>>,
        status: Query<Option<Code<Status>>>,
        district_id: Query<Option<i32>>,
    ) -> ApiResult<Json<DistrictMetrics>> {
        let status = Code::read_optional(status.0.as_ref(), "status")?;
        let query = ReportMapQuery {
            period: PeriodQuery { period: period.0, from: from.0, to: to.0 },
            filter: ReportFilter { category_id: category_id.0, status, district_id: district_id.0 },
            page: 1,
        };
        let m = report_map::district_map(&state, &query, Utc::now()).await?;
        Ok(Json(DistrictMetrics {
            period: m.period.into(),
            as_of: m.as_of,
            received: m.received,
            districts: m.districts.into_iter().map(DistrictFiguresRow::from).collect(),
        }))
    }
}
