//! What the author does after the answer (confirm, return for rework, rate), and the photos of a report.
use poem::{Request, web::Data};
use poem_openapi::{
    Object, OpenApi,
    param::Path,
    payload::{Binary, Json, Response},
};

use super::{optional_text, views::AppealView};
use crate::api::idempotency::IdempotencyKey;
use crate::{
    api::{ApiTags, AppState, BearerAuth, directory::Created, text::Prose},
    domain::text::limits,
    error::ApiResult,
    service::appeals::citizen::{self, PHOTO_TYPES},
};

#[derive(Debug, Object)]
pub struct ReturnInput {
    pub reason: Prose<{ limits::REASON }>,
}

#[derive(Debug, Object)]
pub struct RatingInput {
    /// 1 (worst) to 5 (best).
    pub score: i32,
    #[oai(nullable)]
    pub comment: Option<Prose<{ limits::REASON }>>,
}

#[derive(Debug, Object)]
pub struct PhotoView {
    pub id: i32,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
}

#[derive(Default)]
pub struct CitizenApi;

#[OpenApi(prefix_path = "/", tag = "ApiTags::Appeals")]
impl CitizenApi {
    /// Confirm the answer: the problem is solved (author)
    #[oai(path = "/appeals/:id/confirm", method = "post")]
    async fn confirm(&self, state: Data<&AppState>, auth: BearerAuth, id: Path<i32>) -> ApiResult<Json<AppealView>> {
        let actor = state.actor(&auth).await?;
        Ok(Json(citizen::confirm(&state, &actor, id.0).await?.into()))
    }

    /// Return the answer for rework: reopens the appeal, the executor is told (author)
    #[oai(path = "/appeals/:id/return", method = "post")]
    async fn return_for_rework(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i32>,
        body: Json<ReturnInput>,
    ) -> ApiResult<Json<AppealView>> {
        let actor = state.actor(&auth).await?;
        let reason = body.0.reason.read("reason")?;
        Ok(Json(citizen::return_for_rework(&state, &actor, id.0, reason).await?.into()))
    }

    /// Rate the answer 1–5 (author)
    #[oai(path = "/appeals/:id/rating", method = "post")]
    async fn rate(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i32>,
        body: Json<RatingInput>,
    ) -> ApiResult<Json<AppealView>> {
        let actor = state.actor(&auth).await?;
        let RatingInput { score, comment } = body.0;
        let comment = optional_text(comment, "comment")?;
        Ok(Json(citizen::rate(&state, &actor, id.0, score, comment).await?.into()))
    }

    /// Attach a photo to an issue report (author; JPEG, PNG or WebP; the type is read from the bytes)
    #[oai(path = "/appeals/:id/photos", method = "post")]
    async fn add_photo(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        id: Path<i32>,
        /// Makes a retry safe: the same key and body get the first answer again and create nothing (see docs/api-clients.md).
        #[oai(name = "Idempotency-Key")]
        _key: IdempotencyKey,
        body: Binary<Vec<u8>>,
    ) -> ApiResult<Created<PhotoView>> {
        let actor = state.actor(&auth).await?;
        let photo = citizen::add_photo(&state, &actor, id.0, &body.0).await?;
        Ok(Created::Created(Json(PhotoView {
            id: photo.id,
            content_type: photo.content_type,
            size_bytes: photo.size_bytes,
            sha256: photo.sha256,
        })))
    }

    /// A photo of a report
    #[oai(path = "/appeals/:id/photos/:photo_id", method = "get")]
    async fn photo(
        &self,
        state: Data<&AppState>,
        req: &Request,
        id: Path<i32>,
        photo_id: Path<i32>,
    ) -> ApiResult<Response<PhotoBytes>> {
        let actor = state.caller(req).await?;
        let photo = citizen::photo(&state, &actor, id.0, photo_id.0).await?;
        // Browsers must not guess another type from the bytes, nor run anything in them.
        Ok(Response::new(PhotoBytes(photo.bytes))
            .header("content-type", photo.content_type)
            .header("x-content-type-options", "nosniff")
            .header("content-security-policy", "default-src 'none'; sandbox"))
    }
}

/// A photo's bytes; the handler sets its `Content-Type`, one of [`PHOTO_TYPES`], as the spec lists them.
pub struct PhotoBytes(Vec<u8>);

impl poem::IntoResponse for PhotoBytes {
    fn into_response(self) -> poem::Response {
        poem::Response::builder().body(self.0)
    }
}

impl poem_openapi::ApiResponse for PhotoBytes {
    fn meta() -> poem_openapi::registry::MetaResponses {
        use poem_openapi::registry::{MetaMediaType, MetaResponse, MetaResponses, MetaSchema, MetaSchemaRef};
        let binary = || MetaSchemaRef::Inline(Box::new(MetaSchema::new_with_format("string", "binary")));
        let content = PHOTO_TYPES.map(|content_type| MetaMediaType { content_type, schema: binary() }).into();
        MetaResponses {
            responses: vec![MetaResponse {
                description: "The photo, as the type read from its bytes when it was uploaded.",
                status: Some(200),
                status_range: None,
                content,
                headers: vec![],
            }],
        }
    }

    fn register(_registry: &mut poem_openapi::registry::Registry) {}
}
