//! Martial law as a dated period over HTTP: when it began, when its holiday rule applied, and the end an
//! administrator records. Recording an end (or withdrawing it) is an event in the history, and every open
//! appeal and petition has its running deadline counted again, each change in that item's history.
use chrono::NaiveDate;
use poem::web::Data;
use poem_openapi::{Object, OpenApi, payload::Json};

use super::{ApiTags, AppState, BearerAuth};
use crate::{
    error::ApiResult,
    service::calendar::{self as calendar_service, MartialLawState},
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

impl From<MartialLawState> for MartialLawView {
    fn from(state: MartialLawState) -> Self {
        MartialLawView {
            declared_on: state.declared_on,
            holiday_rule_from: state.holiday_rule_from,
            ended_on: state.ended_on,
            source: state.source.code().to_owned(),
        }
    }
}

#[derive(Default)]
pub struct MartialLawApi;

#[OpenApi(tag = "ApiTags::Calendar")]
impl MartialLawApi {
    /// Martial law as the calendar applies it
    ///
    /// When martial law began, when its holiday rule applied, and its end if known (recorded by an
    /// administrator, else from the configuration).
    #[oai(path = "/calendar/martial-law", method = "get")]
    async fn martial_law(&self, state: Data<&AppState>) -> ApiResult<Json<MartialLawView>> {
        Ok(Json(calendar_service::martial_law(&state).await?.into()))
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
        let actor = state.actor(&auth).await?;
        let change = calendar_service::set_martial_law_end(&state, &actor, body.ended_on, &body.note).await?;
        Ok(Json(MartialLawChangeView {
            martial_law: change.martial_law.into(),
            changed: change.changed,
            deadlines_recalculated: change.deadlines_recalculated,
        }))
    }
}
