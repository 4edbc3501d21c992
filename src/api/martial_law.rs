//! Martial law as a dated period over HTTP: when it began, when its holiday rule applied, and the end an
//! administrator records. Recording an end (or withdrawing it) is an event in the history, and every open
//! appeal and petition has its running deadline counted again, each change in that item's history.
use chrono::{NaiveDate, Utc};
use poem::web::Data;
use poem_openapi::{Object, OpenApi, payload::Json};

use super::{ApiTags, AppState, BearerAuth};
use crate::{
    domain::calendar::{
        MartialLaw,
        law::{MARTIAL_LAW_DECLARED_ON, MARTIAL_LAW_HOLIDAY_RULE_FROM},
    },
    error::{ApiResult, AppError},
    storage,
};

/// Martial law as the calendar applies it.
#[derive(Debug, Object)]
pub struct MartialLawView {
    /// 2022-02-24 (Presidential Decree No. 64/2022).
    pub declared_on: NaiveDate,
    /// The first day holidays were working days and nothing was transferred (Law 2136-IX art. 6).
    pub holiday_rule_from: NaiveDate,
    /// The first day without martial law, when known; peacetime rules apply from it.
    #[oai(nullable)]
    pub ended_on: Option<NaiveDate>,
    /// Where `ended_on` comes from: `administrator` (a recorded decision), `configuration`
    /// (`calendar.martial_law_ended_on`) or `none` (martial law continues).
    pub source: String,
}

/// An administrator's decision about the end of martial law.
#[derive(Debug, Object)]
pub struct MartialLawRequest {
    /// The first day without martial law, from 2022-02-25 to 2100-12-31; `null` records that it has not
    /// ended (withdrawing an end recorded in error).
    #[oai(nullable)]
    pub ended_on: Option<NaiveDate>,
    /// The decision it records, 1–500 characters, e.g. "Presidential Decree No. … of …".
    pub note: String,
}

/// The result of recording a decision.
#[derive(Debug, Object)]
pub struct MartialLawChangeView {
    pub martial_law: MartialLawView,
    /// Whether the decision changed what was recorded (recording the same end again changes nothing).
    pub changed: bool,
    /// How many open appeals and petitions had their running deadline counted again and changed.
    pub deadlines_recalculated: u32,
}

async fn view(state: &AppState) -> Result<MartialLawView, AppError> {
    let recorded = storage::calendar::recorded_martial_law_end(&state.db).await?;
    let configured = state.settings.calendar.martial_law_ended_on;
    let (ended_on, source) = match (recorded, configured) {
        (Some(ended_on), _) => (ended_on, "administrator"),
        (None, Some(ended_on)) => (Some(ended_on), "configuration"),
        (None, None) => (None, "none"),
    };
    Ok(MartialLawView {
        declared_on: MARTIAL_LAW_DECLARED_ON,
        holiday_rule_from: MARTIAL_LAW_HOLIDAY_RULE_FROM,
        ended_on,
        source: source.to_owned(),
    })
}

fn checked_note(note: &str) -> Result<&str, AppError> {
    let note = note.trim();
    if note.is_empty() {
        return Err(AppError::validation("note", "name the decision this records, e.g. \"Presidential Decree No. …\""));
    }
    if note.chars().count() > super::calendar::NOTE_MAX_CHARS {
        return Err(AppError::validation("note", format!("at most {} characters", super::calendar::NOTE_MAX_CHARS)));
    }
    Ok(note)
}

pub struct MartialLawApi;

#[OpenApi(tag = "ApiTags::Calendar")]
impl MartialLawApi {
    /// Martial law as the calendar applies it
    ///
    /// When martial law began, when its holiday rule applied, and its end if known (recorded by an
    /// administrator, else from the configuration).
    #[oai(path = "/calendar/martial-law", method = "get")]
    async fn martial_law(&self, state: Data<&AppState>) -> ApiResult<Json<MartialLawView>> {
        Ok(Json(view(&state).await?))
    }

    /// Record the end of martial law (administrators)
    ///
    /// Records the first day without martial law (or, with `ended_on: null`, that it continues) as an event
    /// in the history; it takes precedence over `calendar.martial_law_ended_on`. Every appeal still awaiting
    /// an answer and every petition in moderation or under consideration then has its running deadline
    /// counted again, each day by the law of that day; each one that changes gets a `deadline_recalculated`
    /// entry in its history. A deadline the head extended is kept.
    #[oai(path = "/calendar/martial-law", method = "put")]
    async fn set_martial_law(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: Json<MartialLawRequest>,
    ) -> ApiResult<Json<MartialLawChangeView>> {
        let actor = state.administrator(&auth).await?;
        if let Some(end) = body.ended_on {
            MartialLaw::check_end(end)?;
        }
        let note = checked_note(&body.note)?;
        let now = Utc::now();
        let changed = storage::calendar::set_martial_law_end(&state.db, actor, body.ended_on, note, now).await?;
        let mut recalculated = 0;
        if changed {
            let calendar = state.calendar().await?;
            let reason = match body.ended_on {
                Some(end) => format!("martial law ended on {end} ({note})"),
                None => format!("martial law continues ({note})"),
            };
            let public_url = &state.settings.public_url;
            recalculated =
                storage::calendar::recalculate_open_items(&state.db, &calendar, public_url, &reason, now).await?;
        }
        Ok(Json(MartialLawChangeView {
            martial_law: view(&state).await?,
            changed,
            deadlines_recalculated: recalculated,
        }))
    }
}
