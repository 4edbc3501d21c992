//! Wiring: database, migrations, routes, middleware, the mail worker, and graceful shutdown.
use std::{future::Future, net::SocketAddr, sync::Arc, time::Duration};

use poem::{
    Endpoint, EndpointExt, Request, Route, Server,
    listener::{Acceptor, AcceptorExt, Listener, TcpListener},
    middleware::{RequestId, ReuseId, Tracing},
    web::headers::{ContentLength, HeaderMapExt},
};
use tokio::sync::{Notify, watch};

use crate::{
    api,
    config::Settings,
    error::{Problem, problem_from_poem_error},
    mail::{OutboxWorker, Transport},
    service::{AppState, open_data::DownloadSlots, rate_limit::RateLimits},
    storage,
    watcher::DeadlineWatcher,
};

/// A built application: database ready, port bound, not yet serving.
pub struct Application {
    state: AppState,
    acceptor: poem::listener::BoxAcceptor,
    local_addr: SocketAddr,
    worker: OutboxWorker,
}

impl Application {
    /// Connects and migrates the database, prepares mail, and binds the port. Fails before binding
    /// if anything is misconfigured.
    pub async fn build(settings: Settings) -> anyhow::Result<Application> {
        let db = storage::connect(&settings.database_url)
            .await
            .map_err(|e| anyhow::anyhow!("cannot open the database {}: {e}", redact(&settings.database_url)))?;
        storage::migrate(&db).await.map_err(|e| anyhow::anyhow!("database migration failed: {e}"))?;
        if settings.example_directory {
            match storage::directory::load_example_city(&db, chrono::Utc::now()).await {
                Ok(true) => {
                    tracing::info!("the example city directory was loaded into the empty database");
                    storage::petitions::adopt_example_statute(&db, chrono::Utc::now())
                        .await
                        .map_err(|e| anyhow::anyhow!("adopting the example petition statute: {e}"))?;
                }
                Ok(false) => {}
                // Another instance loaded it at the same moment: its unique names stopped ours.
                Err(crate::AppError::Conflict(_)) => {}
                Err(e) => return Err(anyhow::anyhow!("loading the example city directory: {e}")),
            }
        }
        let transport = Transport::from_settings(&settings)?;
        let mail_wake = Arc::new(Notify::new());
        let metrics = crate::telemetry::prometheus::Metrics::new();
        let worker = OutboxWorker::new(db.clone(), transport, &settings, mail_wake.clone())?
            .with_counters(metrics.mails.clone());
        let acceptor = TcpListener::bind(settings.bind)
            .into_acceptor()
            .await
            .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", settings.bind))?;
        let local_addr = acceptor
            .local_addr()
            .first()
            .and_then(|a| a.as_socket_addr().copied())
            .ok_or_else(|| anyhow::anyhow!("the listener has no address"))?;
        let lost_commit_answers = storage::LostCommitAnswers::default();
        let signatures = storage::petitions::SignatureWriter::start(storage::petitions::WriterContext {
            db: db.clone(),
            public_url: settings.public_url.clone(),
            martial_law_ended_on: settings.calendar.martial_law_ended_on,
            mail_wake: mail_wake.clone(),
            confirmation_ttl: chrono::Duration::hours(settings.signature_confirmation_ttl_hours.into()),
            lost_commit_answers: lost_commit_answers.clone(),
        });
        let appeals = storage::appeals::AppealWriter::start(storage::appeals::AppealWriterContext {
            db: db.clone(),
            public_url: settings.public_url.clone(),
            mail_wake: mail_wake.clone(),
            lost_commit_answers: lost_commit_answers.clone(),
        });
        let state = AppState {
            lost_commit_answers,
            db,
            signatures,
            appeals,
            metrics,
            sessions: Arc::default(),
            limits: Arc::new(RateLimits::new(&settings.rate_limits)),
            downloads: DownloadSlots::new(settings.open_data.max_concurrent_downloads),
            settings: Arc::new(settings),
            mail_wake,
        };
        Ok(Application { state, acceptor: acceptor.boxed(), local_addr, worker })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` resolves, then lets in-flight requests finish and the deadline watcher end
    /// its current batch (both within the grace period); the mail worker is told at once and stops within
    /// the grace period, leaving unsent mail queued.
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send) -> anyhow::Result<()> {
        let Application { state, acceptor, local_addr, worker } = self;
        let (stop_worker, worker_stopped) = watch::channel(false);
        let (stop_watcher, watcher_stopped) = watch::channel(false);
        let watcher = DeadlineWatcher::new(state.db.clone(), state.settings.clone(), state.mail_wake.clone());
        let mut watcher_task = tokio::spawn(watcher.run(watcher_stopped));
        let worker_task = tokio::spawn(worker.run(worker_stopped));
        let grace = Duration::from_secs(state.settings.shutdown_grace_seconds);
        tracing::info!(address = %local_addr, docs = %format!("http://{local_addr}/docs"), "Hromada is listening");
        // The watcher is told at the signal, not after the requests drained: its sweep stops after the
        // current batch, and whatever still runs when the grace period ends is abandoned (each batch is
        // one transaction: it rolls back and the next start does it again).
        let stopping_since = Arc::new(std::sync::OnceLock::new());
        let since = stopping_since.clone();
        let stop = &stop_worker;
        let shutdown = async move {
            shutdown.await;
            let _ = since.set(tokio::time::Instant::now());
            let _ = stop_watcher.send(true);
            let _ = stop.send(true);
        };
        let result =
            Server::new_with_acceptor(acceptor).run_with_graceful_shutdown(routes(state), shutdown, Some(grace)).await;
        let _ = stop_worker.send(true);
        let deadline = stopping_since.get().copied().unwrap_or_else(tokio::time::Instant::now) + grace;
        if tokio::time::timeout_at(deadline, &mut watcher_task).await.is_err() {
            tracing::warn!("the deadline watcher did not stop within the grace period; its batch is abandoned");
            watcher_task.abort();
        }
        let _ = worker_task.await;
        tracing::info!("stopped");
        result.map_err(Into::into)
    }
}

/// All routes with their middleware.
pub fn routes(state: AppState) -> impl Endpoint {
    let api = api::service();
    let spec_json = api.spec();
    let spec_yaml = api.spec_yaml();
    let docs = api.swagger_ui();
    let max_body = state.settings.max_body_bytes;
    let metrics = state.metrics.clone();
    let max_photo = state.settings.photos.max_bytes.max(max_body);
    // The report journey's photos step posts up to a report's photos at once, with its form fields.
    let max_photo_step = state.settings.photos.max_bytes * state.settings.photos.max_per_appeal as usize + max_body;
    let allowed = Arc::new(AllowedMethods::from_spec(&spec_json));
    Route::new()
        .nest(api::API_PREFIX, api)
        .at("/healthz", api::health::healthz)
        .at("/readyz", api::health::readyz)
        .at("/metrics", api::health::metrics)
        .nest("/open311/v2", api::open311::routes())
        .at("/openapi.json", static_text(spec_json, "application/json"))
        .at("/openapi.yaml", static_text(spec_yaml, "application/yaml"))
        .nest("/docs", docs)
        .nest("/", crate::web::routes(&state.settings))
        .around(api::idempotency::guard)
        .around(move |ep, req| {
            // Photos are the only large uploads; everything else keeps the small JSON limit.
            let (max, page) = match req.uri().path() {
                crate::web::PHOTOS_STEP => (max_photo_step, true),
                path if path.ends_with("/photos") => (max_photo, false),
                _ => (max_body, false),
            };
            limit_body(ep, req, max, page)
        })
        .catch_all_error(|err| async move { crate::telemetry::prometheus::render_error(err, problem_from_poem_error) })
        .around(move |ep, req| with_allow_header(ep, req, allowed.clone()))
        .around(move |ep, req| observe(ep, req, metrics.clone()))
        .with(Tracing)
        .with(RequestId::default().reuse_id(ReuseId::Use))
        .data(state)
}

/// Counts every answered request and its latency, by method, route and status.
async fn observe<E: Endpoint>(
    ep: Arc<E>,
    req: Request,
    metrics: Arc<crate::telemetry::prometheus::Metrics>,
) -> poem::Result<poem::Response> {
    use poem::IntoResponse;
    let started = std::time::Instant::now();
    let method = req.method().to_string();
    let response = ep.call(req).await.map(IntoResponse::into_response)?;
    let route = crate::telemetry::prometheus::matched_route(&response);
    metrics.observe(&method, route, response.status().as_u16(), started.elapsed().as_secs_f64());
    Ok(response)
}

/// The methods each documented path answers, for the `Allow` header a 405 must carry (RFC 9110).
struct AllowedMethods(Vec<(Vec<String>, String)>);

impl AllowedMethods {
    fn from_spec(spec_json: &str) -> AllowedMethods {
        let spec: serde_json::Value = serde_json::from_str(spec_json).unwrap_or_default();
        let paths = spec["paths"].as_object().cloned().unwrap_or_default();
        let table = paths
            .into_iter()
            .map(|(path, operations)| {
                let segments = format!("{}{path}", api::API_PREFIX).split('/').map(str::to_owned).collect();
                let methods: Vec<String> =
                    operations.as_object().into_iter().flat_map(|o| o.keys()).map(|m| m.to_uppercase()).collect();
                (segments, methods.join(", "))
            })
            .collect();
        AllowedMethods(table)
    }

    /// The methods of the documented path template that `path` matches (`{id}` matches any segment).
    fn for_path(&self, path: &str) -> Option<&str> {
        let segments: Vec<&str> = path.split('/').collect();
        self.0
            .iter()
            .find(|(template, _)| {
                template.len() == segments.len()
                    && template.iter().zip(&segments).all(|(t, s)| t.starts_with('{') || t == s)
            })
            .map(|(_, methods)| methods.as_str())
    }
}

async fn with_allow_header<E: Endpoint>(
    ep: Arc<E>,
    req: Request,
    allowed: Arc<AllowedMethods>,
) -> poem::Result<poem::Response> {
    use poem::IntoResponse;
    let path = req.uri().path().to_owned();
    let mut response = ep.call(req).await.map(IntoResponse::into_response)?;
    if response.status() == poem::http::StatusCode::METHOD_NOT_ALLOWED
        && let Some(value) = allowed.for_path(&path).and_then(|m| poem::http::HeaderValue::from_str(m).ok())
    {
        response.headers_mut().insert(poem::http::header::ALLOW, value);
    }
    Ok(response)
}

fn static_text(body: String, content_type: &'static str) -> impl Endpoint {
    poem::endpoint::make_sync(move |_| poem::Response::builder().content_type(content_type).body(body.clone()))
}

/// A request whose declared body is larger than the limit of its path, let through (unread) to a page
/// that answers it in its own words: the report journey's photos step (`web::PHOTOS_STEP`).
#[derive(Debug, Clone, Copy)]
pub struct BodyOverLimit {
    pub max: usize,
}

/// Refuses bodies larger than `max` with 413 before reading them; a chunked body without a length
/// is read up to the limit. For a `page` (a form of the web pages) a body over the limit is passed on
/// marked [`BodyOverLimit`], for the page to show its form again with the error: a declared length
/// unread, a chunked body as its first `max` bytes (where the form's token is).
async fn limit_body<E: Endpoint>(ep: Arc<E>, mut req: Request, max: usize, page: bool) -> poem::Result<poem::Response> {
    let too_large = || {
        poem::Error::from_response(
            Problem::new(
                poem::http::StatusCode::PAYLOAD_TOO_LARGE,
                "payload-too-large",
                format!("the request body is larger than the limit of {max} bytes"),
            )
            .into_response(),
        )
    };
    match req.headers().typed_get::<ContentLength>() {
        Some(ContentLength(len)) if len > max as u64 && page => {
            req.extensions_mut().insert(BodyOverLimit { max });
        }
        Some(ContentLength(len)) if len > max as u64 => return Err(too_large()),
        Some(_) => {}
        None if page => {
            use tokio::io::AsyncReadExt;
            let mut head = Vec::new();
            let read = req.take_body().into_async_read().take(max as u64 + 1).read_to_end(&mut head).await;
            read.map_err(|e| poem::Error::from_string(e.to_string(), poem::http::StatusCode::BAD_REQUEST))?;
            if head.len() > max {
                head.truncate(max);
                req.extensions_mut().insert(BodyOverLimit { max });
            }
            req.set_body(head);
        }
        None => {
            let body = req.take_body().into_bytes_limit(max).await.map_err(|_| too_large())?;
            req.set_body(body);
        }
    }
    use poem::IntoResponse;
    ep.call(req).await.map(IntoResponse::into_response)
}

/// Hides the password in a database URL before it is logged.
fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_owned(),
    }
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => tracing::info!("SIGINT received, shutting down"),
        _ = terminate => tracing::info!("SIGTERM received, shutting down"),
    }
}
