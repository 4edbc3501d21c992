//! Metrics use cases: response-rate figures of appeals, petition figures, the A07 and C03 evidence with
//! estimated scores, the rankings and an organisation's report. The JSON API (`api/metrics.rs`) and the
//! statistics pages (`web/statistics.rs`) both call these, so a figure on a page is the API's figure.
use std::{
    collections::BTreeMap,
    sync::{Arc, LazyLock},
    time::Duration,
};

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::AppState;
use crate::{
    domain::{
        calendar::{self, kyiv_date},
        directory::in_c03_scope,
        metrics::{
            self, AppealFigures, DEFINITIONS, Definition, Period, PetitionFigures, RankingEntry, Score, Scoring,
            Tallied, Tally, a07_cases, c03_cases,
        },
    },
    error::AppError,
    storage,
};

/// The period as asked for: `period` (a year, quarter, month or day) or `from` + `to`; neither: this year.
#[derive(Debug, Clone, Default)]
pub struct PeriodQuery {
    pub period: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
}

impl PeriodQuery {
    /// Reads the period; the current Kyiv year when nothing is given. Blank fields count as not given
    /// (a page's form sends them empty).
    pub fn resolve(&self, now: DateTime<Utc>) -> Result<Period, AppError> {
        let given = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
        let date = |field: &str, text: &str| {
            let date = NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map_err(|_| AppError::validation(field, format!("'{text}' is not a date like 2026-01-31")))?;
            Ok::<_, AppError>(calendar::supported(field, date)?)
        };
        match (given(&self.period), given(&self.from), given(&self.to)) {
            (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
                Err(AppError::validation("period", "give either period or from and to, not both"))
            }
            (Some(p), None, None) => {
                let period = Period::parse(&p)?;
                calendar::supported("period", period.from)?;
                calendar::supported("period", period.to)?;
                Ok(period)
            }
            (None, Some(f), Some(t)) => Ok(Period::between(date("from", &f)?, date("to", &t)?)?),
            (None, Some(_), None) => Err(AppError::validation("to", "a range needs both from and to")),
            (None, None, Some(_)) => Err(AppError::validation("from", "a range needs both from and to")),
            (None, None, None) => Ok(Period::parse(&kyiv_date(now).format("%Y").to_string())?),
        }
    }
}

/// How appeal figures are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Grouping {
    Organisation,
    Category,
    OrganisationCategory,
}

/// Which appeals: the rows may be narrowed to one organisation or category.
#[derive(Debug, Clone, Copy, Default)]
pub struct AppealFilter {
    pub organisation_id: Option<i32>,
    pub category_id: Option<i32>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AppealRow {
    pub organisation_id: Option<i32>,
    pub organisation_name: Option<String>,
    /// 0 = appeals without a category.
    pub category_id: Option<i32>,
    pub category_name: Option<String>,
    pub figures: AppealFigures,
}

#[derive(Debug, Clone, Serialize)]
pub struct AppealMetrics {
    pub period: Period,
    pub as_of: DateTime<Utc>,
    pub grouping: Grouping,
    pub rows: Vec<AppealRow>,
    pub total: AppealFigures,
}

#[derive(Debug, Clone, Serialize)]
pub struct CouncilPetitions {
    pub council_id: i32,
    pub council_name: String,
    /// Published petitions still collecting signatures (see `PetitionFigures::collecting`).
    pub collecting: i64,
    pub figures: PetitionFigures,
}

#[derive(Debug, Clone, Serialize)]
pub struct PetitionMetrics {
    pub period: Period,
    pub as_of: DateTime<Utc>,
    pub councils: Vec<CouncilPetitions>,
}

/// An indicator's estimated score, or why there is none.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum IndicatorScore {
    Estimated {
        compliant: i64,
        cases: i64,
        share: f64,
        points: f64,
    },
    InsufficientData {
        cases: i64,
        min_sample: i64,
    },
    /// C03 covers only enterprises the community owns 50% or more of.
    OutOfScope,
}

impl From<Score> for IndicatorScore {
    fn from(score: Score) -> Self {
        match score {
            Score::Estimated { compliant, cases, share, points } => {
                IndicatorScore::Estimated { compliant, cases, share, points }
            }
            Score::InsufficientData { cases, min_sample } => IndicatorScore::InsufficientData { cases, min_sample },
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct A07Evidence {
    pub council_id: i32,
    pub council_name: String,
    pub evidence: PetitionFigures,
    pub score: IndicatorScore,
}

#[derive(Debug, Clone, Serialize)]
pub struct C03Evidence {
    pub organisation_id: i32,
    pub organisation_name: String,
    pub community_share_percent: Option<f64>,
    pub in_scope: bool,
    pub routed_categories: i64,
    pub has_online_channel: bool,
    pub statistics_published: bool,
    pub evidence: AppealFigures,
    pub score: IndicatorScore,
}

#[derive(Debug, Clone, Serialize)]
pub struct Indicators {
    pub period: Period,
    pub as_of: DateTime<Utc>,
    pub scoring: Scoring,
    pub a07: Vec<A07Evidence>,
    pub c03: Vec<C03Evidence>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Ranked {
    pub organisation_name: String,
    #[serde(flatten)]
    pub entry: RankingEntry,
}

#[derive(Debug, Clone, Serialize)]
pub struct Rankings {
    pub period: Period,
    pub as_of: DateTime<Utc>,
    pub min_sample: i64,
    pub rows: Vec<Ranked>,
}

/// The definitions of every figure and the scoring in force.
pub fn definitions(state: &AppState) -> (&'static [Definition], Scoring) {
    (DEFINITIONS, state.settings.indicators.clone())
}

/// The open-data files the figures are computed from (the C03 "statistics published" evidence).
pub fn open_data_files() -> Vec<String> {
    ["appeals.csv", "appeals.json", "transitions.csv", "transitions.json"]
        .iter()
        .map(|f| format!("{}/open-data/{f}", crate::api::API_PREFIX))
        .collect()
}

use storage::{cache::SharedCache, metrics::Sums};

/// How long figures computed for a period are reused by the requests of this process. A change made
/// through this process (any tally write) makes the next request compute them again; what time alone
/// changes (an open appeal passing its deadline) and changes made by other instances show within this
/// time. Every answer says when its figures were computed (`as_of`). Reading the tallies of a year costs
/// tens of milliseconds; a page shows the same period's figures from several use cases at once.
pub const FIGURES_MAX_AGE: Duration = Duration::from_secs(2);

type PetitionsByCouncil = BTreeMap<i32, PetitionFigures>;

static APPEAL_SUMS: LazyLock<SharedCache<Sums>> =
    LazyLock::new(|| SharedCache::new(storage::metrics::tallies_generation(), FIGURES_MAX_AGE));
static MONTH_SUMS: LazyLock<SharedCache<Vec<Sums>>> =
    LazyLock::new(|| SharedCache::new(storage::metrics::tallies_generation(), FIGURES_MAX_AGE));
static PETITION_FIGURES: LazyLock<SharedCache<PetitionsByCouncil>> =
    LazyLock::new(|| SharedCache::new(storage::metrics::tallies_generation(), FIGURES_MAX_AGE));

fn period_key(period: Period) -> String {
    format!("{}..{}", period.from, period.to)
}

/// The appeal tallies of a period summed per executor and category, with the overdue counts at `now`
/// (or at most [`FIGURES_MAX_AGE`] before it).
async fn appeal_sums(state: &AppState, period: Period, now: DateTime<Utc>) -> Result<Arc<Sums>, AppError> {
    APPEAL_SUMS
        .get_keyed(&state.db, &period_key(period), || storage::metrics::appeal_tallies(&state.db, period, now))
        .await
}

async fn petition_sums(
    state: &AppState,
    period: Period,
    now: DateTime<Utc>,
) -> Result<Arc<PetitionsByCouncil>, AppError> {
    PETITION_FIGURES
        .get_keyed(&state.db, &period_key(period), || storage::metrics::petition_figures(&state.db, period, now))
        .await
}

/// Sums per-(executor, category) tallies into the requested groups.
fn grouped(sums: &Sums, by: Grouping) -> BTreeMap<(Option<i32>, Option<i32>), (Tally, i64)> {
    let mut groups: BTreeMap<(Option<i32>, Option<i32>), (Tally, i64)> = BTreeMap::new();
    for (&(org, cat), (tally, overdue)) in sums {
        let key = match by {
            Grouping::Organisation => (Some(org), None),
            Grouping::Category => (None, Some(cat)),
            Grouping::OrganisationCategory => (Some(org), Some(cat)),
        };
        let entry = groups.entry(key).or_default();
        entry.0.add(tally, 1);
        entry.1 += overdue;
    }
    groups
}

fn total(sums: &Sums) -> AppealFigures {
    let mut all = Tally::default();
    let mut overdue = 0;
    for (tally, o) in sums.values() {
        all.add(tally, 1);
        overdue += o;
    }
    metrics::figures(&all, overdue)
}

/// What the figures need of an organisation: its name, kind and community share.
#[derive(Debug, Clone, Serialize)]
pub struct OrganisationFacts {
    pub id: i32,
    pub name: String,
    pub kind: String,
    pub community_share_percent: Option<f64>,
}

async fn organisations(state: &AppState) -> Result<BTreeMap<i32, OrganisationFacts>, AppError> {
    Ok(storage::directory::list_organisations(&state.db)
        .await?
        .into_iter()
        .map(|o| {
            let facts = OrganisationFacts {
                id: o.id,
                name: o.name,
                kind: o.kind,
                community_share_percent: o.community_share_percent,
            };
            (o.id, facts)
        })
        .collect())
}

fn name_of(organisations: &BTreeMap<i32, OrganisationFacts>, id: i32) -> String {
    organisations.get(&id).map(|o| o.name.clone()).unwrap_or_default()
}

async fn filtered_sums(
    state: &AppState,
    period: Period,
    filter: AppealFilter,
    now: DateTime<Utc>,
) -> Result<Sums, AppError> {
    let mut sums = (*appeal_sums(state, period, now).await?).clone();
    sums.retain(|&(org, cat), _| {
        filter.organisation_id.is_none_or(|o| o == org) && filter.category_id.is_none_or(|c| c == cat)
    });
    Ok(sums)
}

/// Response-rate figures of the appeals of a period, grouped and filtered.
pub async fn appeals(
    state: &AppState,
    period: Period,
    by: Grouping,
    filter: AppealFilter,
    now: DateTime<Utc>,
) -> Result<AppealMetrics, AppError> {
    let sums = filtered_sums(state, period, filter, now).await?;
    let organisations = organisations(state).await?;
    let categories: BTreeMap<i32, String> = storage::directory::list_categories(&state.db)
        .await?
        .into_iter()
        .map(|c| (c.category.id, c.category.name_en))
        .collect();
    let rows = grouped(&sums, by)
        .into_iter()
        .map(|((org, cat), (tally, overdue))| AppealRow {
            organisation_id: org,
            organisation_name: org.and_then(|o| organisations.get(&o).map(|m| m.name.clone())),
            category_id: cat,
            category_name: cat.and_then(|c| categories.get(&c).cloned()),
            figures: metrics::figures(&tally, overdue),
        })
        .collect();
    Ok(AppealMetrics { period, as_of: now, grouping: by, rows, total: total(&sums) })
}

/// Each council's petition figures for a period (petitions count by submission date).
pub async fn petitions(state: &AppState, period: Period, now: DateTime<Utc>) -> Result<PetitionMetrics, AppError> {
    let figures = petition_sums(state, period, now).await?;
    let organisations = organisations(state).await?;
    let councils = figures
        .iter()
        .map(|(id, f)| (*id, f.clone()))
        .map(|(council_id, figures)| CouncilPetitions {
            council_id,
            council_name: name_of(&organisations, council_id),
            collecting: figures.collecting(),
            figures,
        })
        .collect();
    Ok(PetitionMetrics { period, as_of: now, councils })
}

/// A07 for each council and C03 for each municipal enterprise (out of scope below a 50% community share).
pub async fn indicators(state: &AppState, period: Period, now: DateTime<Utc>) -> Result<Indicators, AppError> {
    let scoring = state.settings.indicators.clone();
    let organisations = organisations(state).await?;
    let petitions = petition_sums(state, period, now).await?;
    let a07 = organisations
        .values()
        .filter(|o| o.kind == "council" || petitions.contains_key(&o.id))
        .map(|o| {
            let evidence = petitions.get(&o.id).cloned().unwrap_or_default();
            let (compliant, cases) = a07_cases(&evidence);
            A07Evidence {
                council_id: o.id,
                council_name: o.name.clone(),
                score: scoring.score(compliant, cases).into(),
                evidence,
            }
        })
        .collect();
    let sums = appeal_sums(state, period, now).await?;
    let per_org = grouped(&sums, Grouping::Organisation);
    let routed = storage::metrics::routed_category_counts(&state.db).await?;
    let c03 = organisations
        .values()
        .filter(|o| o.kind == "municipal_enterprise")
        .map(|o| {
            let (tally, overdue) = per_org.get(&(Some(o.id), None)).cloned().unwrap_or_default();
            c03_evidence(o, metrics::figures(&tally, overdue), routed.get(&o.id).copied().unwrap_or(0), &scoring)
        })
        .collect();
    Ok(Indicators { period, as_of: now, scoring, a07, c03 })
}

fn c03_evidence(o: &OrganisationFacts, evidence: AppealFigures, routed: i64, scoring: &Scoring) -> C03Evidence {
    let in_scope = storage::directory::parse_kind(&o.kind)
        .map(|kind| in_c03_scope(kind, o.community_share_percent))
        .unwrap_or(false);
    let score = if in_scope {
        let (compliant, cases) = c03_cases(&evidence);
        scoring.score(compliant, cases).into()
    } else {
        IndicatorScore::OutOfScope
    };
    C03Evidence {
        organisation_id: o.id,
        organisation_name: o.name.clone(),
        community_share_percent: o.community_share_percent,
        in_scope,
        routed_categories: routed,
        has_online_channel: routed > 0,
        statistics_published: true,
        evidence,
        score,
    }
}

/// Executors ranked in the Kyiv 1551 manner; those below the minimum sample after, unranked.
pub async fn rankings(state: &AppState, period: Period, now: DateTime<Utc>) -> Result<Rankings, AppError> {
    let min_sample = state.settings.indicators.min_sample;
    let sums = appeal_sums(state, period, now).await?;
    let figures: Vec<(i32, AppealFigures)> = grouped(&sums, Grouping::Organisation)
        .into_iter()
        .filter_map(|((org, _), (tally, overdue))| org.map(|o| (o, metrics::figures(&tally, overdue))))
        .collect();
    let organisations = organisations(state).await?;
    let rows = metrics::rank(&figures, min_sample)
        .into_iter()
        .map(|entry| Ranked { organisation_name: name_of(&organisations, entry.organisation_id), entry })
        .collect();
    Ok(Rankings { period, as_of: now, min_sample, rows })
}

/// One month of an organisation's trend: the same figures as `appeals` for that month.
#[derive(Debug, Clone, Serialize)]
pub struct MonthFigures {
    pub period: Period,
    pub label: String,
    pub figures: AppealFigures,
}

/// Everything the organisation page shows, each part the result of the use cases above.
#[derive(Debug, Clone, Serialize)]
pub struct OrganisationReport {
    pub organisation: OrganisationFacts,
    pub period: Period,
    pub as_of: DateTime<Utc>,
    pub total: AppealFigures,
    pub categories: Vec<AppealRow>,
    pub months: Vec<MonthFigures>,
    /// Its C03 card when it is a municipal enterprise.
    pub c03: Option<C03Evidence>,
}

/// An organisation's figures for a period: totals, per category, per month and its C03 card.
pub async fn organisation(
    state: &AppState,
    organisation_id: i32,
    period: Period,
    now: DateTime<Utc>,
) -> Result<OrganisationReport, AppError> {
    let organisation = organisations(state)
        .await?
        .remove(&organisation_id)
        .ok_or_else(|| AppError::NotFound(format!("organisation {organisation_id}")))?;
    let filter = AppealFilter { organisation_id: Some(organisation_id), category_id: None };
    let by_category = appeals(state, period, Grouping::Category, filter, now).await?;
    // One read of every month's tallies, each month summed by the same `total` as the API's figures.
    let key = format!("{}#{organisation_id}", period_key(period));
    let trend = MONTH_SUMS
        .get_keyed(&state.db, &key, || storage::metrics::appeal_month_tallies(&state.db, period, organisation_id, now))
        .await?;
    let months = period
        .months()
        .into_iter()
        .zip(trend.iter())
        .map(|(month, sums)| MonthFigures {
            period: month,
            label: month.from.format("%Y-%m").to_string(),
            figures: total(sums),
        })
        .collect();
    let c03 = if organisation.kind == "municipal_enterprise" {
        let routed = storage::metrics::routed_category_counts(&state.db).await?;
        let routed = routed.get(&organisation_id).copied().unwrap_or(0);
        Some(c03_evidence(&organisation, by_category.total.clone(), routed, &state.settings.indicators))
    } else {
        None
    };
    Ok(OrganisationReport {
        organisation,
        period,
        as_of: now,
        total: by_category.total,
        categories: by_category.rows,
        months,
        c03,
    })
}

/// The statistics overview: appeals per organisation and each council's petitions, for one period.
#[derive(Debug, Clone, Serialize)]
pub struct Overview {
    pub appeals: AppealMetrics,
    pub petitions: PetitionMetrics,
}

/// What `GET /metrics/appeals` (per organisation) and `GET /metrics/petitions` answer for the period.
pub async fn overview(state: &AppState, period: Period, now: DateTime<Utc>) -> Result<Overview, AppError> {
    Ok(Overview {
        appeals: appeals(state, period, Grouping::Organisation, AppealFilter::default(), now).await?,
        petitions: petitions(state, period, now).await?,
    })
}
