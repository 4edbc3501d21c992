//! `Idempotency-Key` on the requests that create something: a client that retries after losing the answer
//! (a timeout, a crash, a dropped connection) sends the same key and gets the first answer again instead
//! of creating a second item. The protocol is documented in docs/api-clients.md.
//!
//! A key belongs to the account that sent it (anonymous requests: to the key alone). The first request
//! with a key claims it before it runs; what it creates is linked to the key inside the creating
//! transaction, and its answer is kept once given. So a retry with the same key and body gets the kept
//! answer, or — if the process stopped after the commit but before the answer — the item created then,
//! never a second one; the same key with another body is refused (422), and a retry while the first
//! request still runs is asked to wait (409 with `Retry-After`).
use std::sync::Arc;

use chrono::{TimeDelta, Utc};
use poem::{
    Body, Endpoint, IntoResponse, Request, RequestBody, Response,
    http::{HeaderValue, Method, StatusCode},
};
use poem_openapi::{
    ApiExtractor, ApiExtractorType, ExtractParamOptions,
    error::ParseParamError,
    registry::{MetaParamIn, MetaSchema, MetaSchemaRef},
};
use sha2::{Digest, Sha256};

use super::AppState;
use crate::{
    error::{ApiError, AppError, Problem, problem_from_poem_error},
    storage::idempotency::{self as keys, Claim, KeptAnswer},
};

/// The request header.
pub const HEADER: &str = "Idempotency-Key";

/// The longest key accepted (a UUID is 36 characters).
const MAX_KEY_LEN: usize = 255;

/// Headers of an answer that are kept and replayed with it.
const KEPT_HEADERS: [&str; 2] = ["content-type", "location"];

/// Whether `POST path` creates something and so honours the header.
pub fn creates(path: &str) -> bool {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    matches!(
        segments.as_slice(),
        ["api", "v1", "appeals"]
            | ["api", "v1", "appeals", "registrations"]
            | ["api", "v1", "appeals", _, "photos"]
            | ["api", "v1", "petitions"]
            | ["api", "v1", "petitions", "statutes"]
            | ["api", "v1", "petitions", _, "signatures"]
            | ["api", "v1", "petitions", _, "appeal"]
            | ["api", "v1", "accounts"]
            | ["api", "v1", "directory", "organisations" | "districts" | "categories"]
            | ["open311", "v2", "requests.json" | "requests.xml"]
    )
}

/// The creating endpoints a caller without a token may use: registration, signing by name and e-mail,
/// and Open311 filing (its API key travels in the body).
fn open_to_anonymous(path: &str) -> bool {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    matches!(
        segments.as_slice(),
        ["api", "v1", "accounts"] | ["api", "v1", "petitions", _, "signatures"] | ["open311", "v2", _]
    )
}

/// The middleware: requests without the header, or not creating anything, pass through untouched.
pub async fn guard<E: Endpoint>(ep: Arc<E>, req: Request) -> poem::Result<Response> {
    let Some(raw_key) = req.headers().get(HEADER) else { return call(&ep, req).await };
    if req.method() != Method::POST || !creates(req.uri().path()) {
        return call(&ep, req).await;
    }
    let Some(state) = req.data::<AppState>().cloned() else { return call(&ep, req).await };
    // A token that does not authenticate: the endpoint answers 401 itself, and no key is claimed.
    let owner = match state.optional_principal(&req).await {
        Ok(principal) => principal.map(|p| p.account_id),
        Err(_) => return call(&ep, req).await,
    };
    // Nobody signed in, on an endpoint that needs someone: the endpoint answers 401 before any key is read.
    if owner.is_none() && !open_to_anonymous(req.uri().path()) {
        return call(&ep, req).await;
    }
    let Some(key) = well_formed(raw_key) else {
        return Ok(Problem::new(StatusCode::BAD_REQUEST, "bad-request", malformed()).into_response());
    };
    let (req, fingerprint) = fingerprinted(req).await?;
    let scope = digest(&[owner.map(|id| format!("account:{id}")).unwrap_or_default().as_bytes(), key.as_bytes()]);
    let retention = TimeDelta::hours(i64::from(state.settings.idempotency.retention_hours));
    match keys::claim(&state.db, &scope, &fingerprint, Utc::now(), retention).await {
        Ok(Claim::Proceed) => run(&ep, req, &state, scope).await,
        Ok(Claim::Answered(kept)) => Ok(replayed(kept)),
        Ok(Claim::Created { resource }) => recovered(&ep, req, &state, &scope, resource).await,
        Ok(Claim::InFlight) => Ok(in_flight()),
        Ok(Claim::Mismatch) => Ok(error_response(AppError::validation(
            HEADER,
            "this Idempotency-Key was already used for a different request; use a new key for a new request",
        ))),
        Err(error) => Ok(error_response(error)),
    }
}

/// The key, when it is 1 to `MAX_KEY_LEN` visible ASCII characters (what [`IdempotencyKey`] documents).
fn well_formed(raw_key: &HeaderValue) -> Option<String> {
    let key = raw_key.to_str().ok()?;
    ((1..=MAX_KEY_LEN).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic())).then(|| key.to_owned())
}

fn malformed() -> String {
    format!("`{HEADER}` must be 1 to {MAX_KEY_LEN} visible ASCII characters; a UUID is a good key")
}

/// An endpoint argument that says the endpoint honours the header: it documents `Idempotency-Key` on the
/// operation (optional, 1 to 255 visible ASCII characters) and refuses a malformed one. [`guard`] does the
/// work; each creating endpoint declares it, under the line that the spec shows as its description:
///
/// ```ignore
/// /// Makes a retry safe: the same key and body get the first answer again and create nothing (see docs/api-clients.md).
/// #[oai(name = "Idempotency-Key")] _key: IdempotencyKey,
/// ```
pub struct IdempotencyKey;

impl<'a> ApiExtractor<'a> for IdempotencyKey {
    const TYPES: &'static [ApiExtractorType] = &[ApiExtractorType::Parameter];
    type ParamType = ();
    type ParamRawType = ();

    fn param_in() -> Option<MetaParamIn> {
        Some(MetaParamIn::Header)
    }

    fn param_schema_ref() -> Option<MetaSchemaRef> {
        let mut schema = MetaSchema::new("string");
        schema.min_length = Some(1);
        schema.max_length = Some(MAX_KEY_LEN);
        schema.pattern = Some("^[!-~]+$".into());
        Some(MetaSchemaRef::Inline(Box::new(schema)))
    }

    async fn from_request(
        request: &'a Request,
        _body: &mut RequestBody,
        param_opts: ExtractParamOptions<()>,
    ) -> poem::Result<Self> {
        match request.headers().get(param_opts.name) {
            Some(raw_key) if well_formed(raw_key).is_none() => {
                Err(ParseParamError { name: param_opts.name, reason: malformed() }.into())
            }
            _ => Ok(IdempotencyKey),
        }
    }
}

async fn call<E: Endpoint>(ep: &Arc<E>, req: Request) -> poem::Result<Response> {
    ep.call(req).await.map(IntoResponse::into_response)
}

fn error_response(error: AppError) -> Response {
    ApiError::from(error).into_response()
}

/// The request with its body put back, and the digest of what it asks: method, path and query, body.
async fn fingerprinted(mut req: Request) -> poem::Result<(Request, String)> {
    let body = req.take_body().into_bytes().await?;
    let target = req.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/").to_owned();
    let fingerprint = digest(&[req.method().as_str().as_bytes(), target.as_bytes(), &body]);
    req.set_body(Body::from(body));
    Ok((req, fingerprint))
}

/// SHA-256 of the parts, each prefixed with its length so that no two lists of parts collide.
fn digest(parts: &[&[u8]]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part);
    }
    hex::encode(hasher.finalize())
}

/// Runs the request holding the key, then keeps its answer, or gives the key up when the answer says
/// nothing final (a fault, an outage, a rate limit), so that a retry runs again.
async fn run<E: Endpoint>(ep: &Arc<E>, req: Request, state: &AppState, scope: String) -> poem::Result<Response> {
    let outcome = keys::with_scope(scope.clone(), ep.call(req)).await;
    let mut response = outcome.map(IntoResponse::into_response).unwrap_or_else(problem_from_poem_error);
    let status = response.status();
    let final_answer = !status.is_server_error() && status != StatusCode::TOO_MANY_REQUESTS;
    if !final_answer {
        if let Err(error) = keys::release(&state.db, &scope).await {
            tracing::warn!(%error, "an idempotency key could not be released; it expires with its lease");
        }
        return Ok(response);
    }
    let body = response.take_body().into_bytes().await?;
    let headers = KEPT_HEADERS
        .iter()
        .filter_map(|name| {
            let value = response.headers().get(*name)?.to_str().ok()?;
            Some((name.to_string(), value.to_owned()))
        })
        .collect();
    match std::str::from_utf8(&body) {
        Ok(text) => {
            let kept = KeptAnswer { status: status.as_u16(), headers, body: text.to_owned() };
            if let Err(error) = keys::keep_answer(&state.db, &scope, &kept).await {
                tracing::warn!(%error, "the answer of an idempotent request could not be kept");
            }
        }
        Err(_) => tracing::warn!("the answer of an idempotent request is not text; it is not kept"),
    }
    response.set_body(body);
    Ok(response)
}

/// The kept answer, marked as a replay.
fn replayed(kept: KeptAnswer) -> Response {
    let mut builder = Response::builder()
        .status(StatusCode::from_u16(kept.status).unwrap_or(StatusCode::OK))
        .header("Idempotent-Replayed", "true");
    for (name, value) in &kept.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    builder.body(kept.body)
}

fn in_flight() -> Response {
    let mut response = error_response(AppError::Conflict(
        "the first request with this Idempotency-Key is still being handled; retry in a moment".into(),
    ));
    response.headers_mut().insert(poem::http::header::RETRY_AFTER, 1.into());
    response
}

/// The first request created `resource` and stopped before answering: the answer is rebuilt from the item
/// as it is now (201 with its `Location`), and kept. When it cannot be read back that way (Open311, a
/// photo, an item the caller may not read), a 409 says where it is; nothing is created again either way.
async fn recovered<E: Endpoint>(
    ep: &Arc<E>,
    req: Request,
    state: &AppState,
    scope: &str,
    resource: String,
) -> poem::Result<Response> {
    if req.uri().path().starts_with(super::API_PREFIX) {
        let mut read = Request::builder().method(Method::GET).uri_str(&resource).finish();
        if let Some(auth) = req.headers().get("authorization") {
            read.headers_mut().insert("authorization", auth.clone());
        }
        read.extensions_mut().insert(state.clone());
        let mut current = call(ep, read).await.unwrap_or_else(problem_from_poem_error);
        // Only a JSON read is the answer to rebuild: a photo reads back as its bytes, not as its creation's answer.
        let content_type = current.content_type().unwrap_or("application/json; charset=utf-8").to_owned();
        if current.status() == StatusCode::OK && content_type.starts_with("application/json") {
            let body = current.take_body().into_string().await?;
            let kept = KeptAnswer {
                status: StatusCode::CREATED.as_u16(),
                headers: vec![("content-type".into(), content_type), ("location".into(), resource)],
                body,
            };
            if let Err(error) = keys::keep_answer(&state.db, scope, &kept).await {
                tracing::warn!(%error, "the rebuilt answer of an idempotent request could not be kept");
            }
            return Ok(replayed(kept));
        }
    }
    let mut response = error_response(AppError::Conflict(format!(
        "the request with this Idempotency-Key was carried out and created {resource}, but its answer was lost; \
         read the item there"
    )));
    if let Ok(location) = resource.parse() {
        response.headers_mut().insert(poem::http::header::LOCATION, location);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use poem::{Body, Request, RequestBody};
    use poem_openapi::{ApiExtractor, ExtractParamOptions};

    use super::{HEADER, IdempotencyKey};

    async fn argument(key: Option<&str>) -> poem::Result<IdempotencyKey> {
        let mut request = Request::builder();
        if let Some(key) = key {
            request = request.header(HEADER, key);
        }
        let options = ExtractParamOptions { name: HEADER, ..Default::default() };
        IdempotencyKey::from_request(&request.finish(), &mut RequestBody::new(Body::empty()), options).await
    }

    #[tokio::test]
    async fn the_key_argument_takes_what_the_middleware_takes_and_refuses_the_rest_with_400() {
        assert!(argument(None).await.is_ok());
        assert!(argument(Some("0b6f1c1e-9a4e-4c1e-8f3a-1d2c3b4a5f60")).await.is_ok());
        for bad in ["", "two words", &"k".repeat(256)] {
            let error = argument(Some(bad)).await.err().expect("refused");
            assert_eq!(error.status(), poem::http::StatusCode::BAD_REQUEST, "{bad:?}");
        }
    }
}
