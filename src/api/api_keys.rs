//! Keys for machine clients over HTTP: administrators issue, list and revoke them. The Open311 interface
//! (`/open311/v2`) accepts them as `api_key` when a client files a report.
use chrono::{DateTime, Utc};
use poem::web::Data;
use poem_openapi::{Object, OpenApi, param::Path, payload::Json};

use super::{ApiTags, AppState, BearerAuth, accounts::NoContent, created::Created, text::Line};
use crate::{
    domain::text::limits,
    error::ApiResult,
    service::api_keys::{self as api_keys_service, ApiKey},
};

#[derive(Debug, Object)]
pub struct ApiKeyInput {
    /// Who uses the key and for what, e.g. "Kyiv Digital app"; 1–200 characters.
    pub name: Line<{ limits::LABEL }>,
}

/// A key just issued. `key` is shown only in this response: only its SHA-256 is stored.
#[derive(Debug, Object)]
pub struct IssuedApiKey {
    pub id: i32,
    pub name: String,
    /// The secret to send as Open311 `api_key`. Store it now; it cannot be shown again.
    pub key: String,
    pub created_at: DateTime<Utc>,
}

/// A key as listed (never the secret).
#[derive(Debug, Object)]
pub struct ApiKeyView {
    pub id: i32,
    pub name: String,
    /// The administrator who issued it.
    pub created_by: i32,
    pub created_at: DateTime<Utc>,
    /// Set once the key was revoked; a revoked key is refused.
    #[oai(nullable)]
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<ApiKey> for ApiKeyView {
    fn from(k: ApiKey) -> Self {
        ApiKeyView {
            id: k.id,
            name: k.name,
            created_by: k.created_by,
            created_at: k.created_at,
            revoked_at: k.revoked_at,
        }
    }
}

#[derive(Default)]
pub struct ApiKeysApi;

#[OpenApi(prefix_path = "/", tag = "ApiTags::ApiKeys")]
impl ApiKeysApi {
    /// Issue a key for a machine client (administrators)
    ///
    /// The key is in this response only; keep it secret. Open311 clients send it as `api_key`
    /// when they file a report at `POST /open311/v2/requests.json`.
    #[oai(path = "/api-keys", method = "post")]
    async fn issue(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: Json<ApiKeyInput>,
    ) -> ApiResult<Created<IssuedApiKey>> {
        let actor = state.actor(&auth).await?;
        let name = body.0.name.read("name")?;
        let issued = api_keys_service::issue(&state, &actor, &name).await?;
        Ok(Created::Created(Json(IssuedApiKey {
            id: issued.key.id,
            name: issued.key.name,
            key: issued.secret,
            created_at: issued.key.created_at,
        })))
    }

    /// Keys issued so far, revoked ones included (administrators)
    #[oai(path = "/api-keys", method = "get")]
    async fn list(&self, state: Data<&AppState>, auth: BearerAuth) -> ApiResult<Json<Vec<ApiKeyView>>> {
        let actor = state.actor(&auth).await?;
        let keys = api_keys_service::list(&state, &actor).await?;
        Ok(Json(keys.into_iter().map(ApiKeyView::from).collect()))
    }

    /// Revoke a key (administrators)
    ///
    /// The key stops working at once. It is kept, marked revoked, so the record of who could file
    /// reports stays complete. Revoking a revoked key is not an error.
    #[oai(path = "/api-keys/:id", method = "delete")]
    async fn revoke(&self, state: Data<&AppState>, auth: BearerAuth, id: Path<i32>) -> ApiResult<NoContent> {
        let actor = state.actor(&auth).await?;
        api_keys_service::revoke(&state, &actor, id.0).await?;
        Ok(NoContent::Done)
    }
}
