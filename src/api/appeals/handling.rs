//! What the executor's staff do: acknowledge, assign, forward, extend, answer, refuse, link a duplicate.
use poem::web::Data;
use poem_openapi::{Object, OpenApi, param::Path, payload::Json};

use super::{optional_text, views::AppealView};
use crate::{
    api::{
        ApiTags, AppState, BearerAuth,
        codes::Code,
        text::{Line, Prose},
    },
    domain::{
        appeals::{RefusalCode, Resolution, TEXT_MAX_CHARS},
        text::limits,
    },
    error::{ApiResult, AppError},
    service::appeals::handling::{self, Extension},
};

#[derive(Debug, Object)]
pub struct AssignInput {
    pub officer_account_id: i32,
}

#[derive(Debug, Object)]
pub struct ForwardInput {
    pub organisation_id: i32,
    pub reason: Prose<{ limits::REASON }>,
}

/// Either `total_days` (from receipt, at most 45) or `new_due_date`.
#[derive(Debug, Object)]
pub struct ExtendInput {
    #[oai(nullable)]
    pub total_days: Option<u32>,
    /// A Kyiv date from 2015-01-01 to 2100-12-31 (the dates the working-day calendar supports; others are refused with 422).
    #[oai(nullable)]
    pub new_due_date: Option<chrono::NaiveDate>,
    pub reason: Prose<{ limits::REASON }>,
}

#[derive(Debug, Object)]
pub struct AnswerInput {
    pub resolution: Code<Resolution>,
    pub text: Prose<TEXT_MAX_CHARS>,
    /// Required with `not_competent`: who is competent.
    #[oai(nullable)]
    pub competent_body: Option<Line<{ limits::LABEL }>>,
}

#[derive(Debug, Object)]
pub struct RefuseInput {
    pub code: Code<RefusalCode>,
    pub reason: Prose<{ limits::REASON }>,
}

#[derive(Debug, Object)]
pub struct DuplicateInput {
    /// The earlier report this one duplicates.
    pub duplicate_of: i32,
}

#[derive(Default)]
pub struct HandlingApi;

#[OpenApi(prefix_path = "/", tag = "ApiTags::Appeals")]
impl HandlingApi {
    /// Acknowledge (officer of the executor)
    #[oai(path = "/appeals/:id/acknowledge", method = "post")]
    async fn acknowledge(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i32>,
    ) -> ApiResult<Json<AppealView>> {
        let actor = state.actor(&auth).await?;
        Ok(Json(handling::acknowledge(&state, &actor, id.0).await?.into()))
    }

    /// Assign to an officer (officers take unassigned appeals themselves; the head reassigns)
    #[oai(path = "/appeals/:id/assign", method = "post")]
    async fn assign(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i32>,
        body: Json<AssignInput>,
    ) -> ApiResult<Json<AppealView>> {
        let actor = state.actor(&auth).await?;
        Ok(Json(handling::assign(&state, &actor, id.0, body.0.officer_account_id).await?.into()))
    }

    /// Forward to the competent organisation (art. 7: within 5 days; the author is told)
    #[oai(path = "/appeals/:id/forward", method = "post")]
    async fn forward(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i32>,
        body: Json<ForwardInput>,
    ) -> ApiResult<Json<AppealView>> {
        let actor = state.actor(&auth).await?;
        let ForwardInput { organisation_id, reason } = body.0;
        let reason = reason.read("reason")?;
        Ok(Json(handling::forward(&state, &actor, id.0, organisation_id, reason).await?.into()))
    }

    /// Extend the deadline (head of the executor; art. 20: never over 45 days in total; the author is told)
    ///
    /// An overdue appeal may be extended too, but it stays overdue: it never counts as answered on time.
    #[oai(path = "/appeals/:id/extend", method = "post")]
    async fn extend(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i32>,
        body: Json<ExtendInput>,
    ) -> ApiResult<Json<AppealView>> {
        let actor = state.actor(&auth).await?;
        let ExtendInput { total_days, new_due_date, reason } = body.0;
        let extension = match (total_days, new_due_date) {
            (Some(days), None) => Extension::TotalDays(days),
            (None, Some(date)) => Extension::NewDueDate(date),
            _ => return Err(AppError::validation("total_days", "give either total_days or new_due_date").into()),
        };
        let reason = reason.read("reason")?;
        Ok(Json(handling::extend(&state, &actor, id.0, extension, reason).await?.into()))
    }

    /// Answer in writing (resolved, not resolved with the reason, or not our competence naming who is)
    #[oai(path = "/appeals/:id/answer", method = "post")]
    async fn answer(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i32>,
        body: Json<AnswerInput>,
    ) -> ApiResult<Json<AppealView>> {
        let actor = state.actor(&auth).await?;
        let AnswerInput { resolution, text, competent_body } = body.0;
        let resolution = resolution.read("resolution")?;
        let (text, competent_body) = (text.read("text")?, optional_text(competent_body, "competent_body")?);
        Ok(Json(handling::answer(&state, &actor, id.0, resolution, text, competent_body).await?.into()))
    }

    /// Refuse to consider, with reasons (arts. 5, 8, 15)
    #[oai(path = "/appeals/:id/refuse", method = "post")]
    async fn refuse(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i32>,
        body: Json<RefuseInput>,
    ) -> ApiResult<Json<AppealView>> {
        let actor = state.actor(&auth).await?;
        let (code, reason) = (body.0.code.read("code")?, body.0.reason.read("reason")?);
        Ok(Json(handling::refuse(&state, &actor, id.0, code, reason).await?.into()))
    }

    /// Link a report as a duplicate of an earlier one (officer of the executor); it then follows that one
    #[oai(path = "/appeals/:id/duplicate-of", method = "post")]
    async fn duplicate_of(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i32>,
        body: Json<DuplicateInput>,
    ) -> ApiResult<Json<AppealView>> {
        let actor = state.actor(&auth).await?;
        Ok(Json(handling::mark_duplicate(&state, &actor, id.0, body.0.duplicate_of).await?.into()))
    }
}
