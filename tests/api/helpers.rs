//! `spawn_app` and friends: the test harness every story uses.
use std::{
    net::TcpListener as StdTcpListener,
    sync::{Arc, Mutex},
    time::Duration,
};

use hromada::{config::Settings, startup::Application};
use mailin_embedded::{Handler, Server, SslConfig, response};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde_json::{Value, json};
use tokio::{sync::oneshot, task::JoinHandle};

/// A mail as it arrived at the test SMTP server.
#[derive(Debug, Clone)]
pub struct ReceivedMail {
    pub to: Vec<String>,
    pub raw: Vec<u8>,
}

impl ReceivedMail {
    pub fn subject(&self) -> String {
        self.header("subject")
    }

    /// The `Message-ID` header, which the outbox keeps stable across resends.
    pub fn message_id(&self) -> String {
        self.header("message-id")
    }

    /// The decoded value of the header `name` (empty when absent).
    pub fn header(&self, name: &str) -> String {
        let parsed = mailparse::parse_mail(&self.raw).expect("a well-formed mail");
        parsed
            .headers
            .iter()
            .find(|h| h.get_key_ref().eq_ignore_ascii_case(name))
            .map(|h| h.get_value())
            .unwrap_or_default()
    }

    /// The decoded text body (quoted-printable or base64 undone): the `text/plain` part.
    pub fn body(&self) -> String {
        self.part("text/plain")
            .unwrap_or_else(|| panic!("no text/plain part in:\n{}", String::from_utf8_lossy(&self.raw)))
    }

    /// The decoded `text/html` alternative.
    pub fn html(&self) -> String {
        self.part("text/html")
            .unwrap_or_else(|| panic!("no text/html part in:\n{}", String::from_utf8_lossy(&self.raw)))
    }

    /// The top-level content type, e.g. `multipart/alternative`.
    pub fn content_type(&self) -> String {
        mailparse::parse_mail(&self.raw).expect("a well-formed mail").ctype.mimetype
    }

    /// The decoded body of the first part of type `mimetype`.
    fn part(&self, mimetype: &str) -> Option<String> {
        fn find(mail: &mailparse::ParsedMail, mimetype: &str) -> Option<String> {
            if mail.subparts.is_empty() {
                return (mail.ctype.mimetype == mimetype).then(|| mail.get_body().expect("a decodable body"));
            }
            mail.subparts.iter().find_map(|part| find(part, mimetype))
        }
        find(&mailparse::parse_mail(&self.raw).expect("a well-formed mail"), mimetype)
    }

    /// The 64-hex-digit code or link token the mail carries.
    pub fn token(&self) -> String {
        let body = self.body();
        body.split(|c: char| !c.is_ascii_hexdigit())
            .find(|word| word.len() == 64)
            .unwrap_or_else(|| panic!("no token in mail body:\n{body}"))
            .to_owned()
    }
}

/// How a test SMTP server behaves beyond accepting mail.
#[derive(Default)]
pub struct SinkBehaviour {
    /// Answers to the next mails' recipients, in order (then 250 OK): e.g. a 451 or a 550.
    pub answers: Mutex<std::collections::VecDeque<(u16, String)>>,
    /// Time the server takes over each mail.
    pub delay: Duration,
    /// STARTTLS with the test certificate, and AUTH with these credentials required before mail.
    pub login: Option<(String, String)>,
}

#[derive(Clone, Default)]
struct SinkHandler {
    received: Arc<Mutex<Vec<ReceivedMail>>>,
    behaviour: Arc<SinkBehaviour>,
    to: Vec<String>,
    data: Vec<u8>,
}

impl Handler for SinkHandler {
    fn rcpt(&mut self, _to: &str) -> mailin_embedded::Response {
        match self.behaviour.answers.lock().unwrap().pop_front() {
            Some((code, message)) => mailin_embedded::Response::custom(code, message),
            None => response::OK,
        }
    }

    fn data_start(&mut self, _domain: &str, _from: &str, _is8bit: bool, to: &[String]) -> mailin_embedded::Response {
        self.to = to.to_vec();
        self.data.clear();
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> mailin_embedded::Response {
        std::thread::sleep(self.behaviour.delay);
        let mail = ReceivedMail { to: std::mem::take(&mut self.to), raw: std::mem::take(&mut self.data) };
        self.received.lock().unwrap().push(mail);
        response::OK
    }

    fn auth_plain(&mut self, _authz: &str, user: &str, password: &str) -> mailin_embedded::Response {
        self.check_login(user, password)
    }

    fn auth_login(&mut self, user: &str, password: &str) -> mailin_embedded::Response {
        self.check_login(user, password)
    }
}

impl SinkHandler {
    fn check_login(&self, user: &str, password: &str) -> mailin_embedded::Response {
        match &self.behaviour.login {
            Some((u, p)) if u == user && p == password => response::AUTH_OK,
            _ => response::INVALID_CREDENTIALS,
        }
    }
}

/// The test certificate authority and the server certificate it signed (for `localhost`, 127.0.0.1).
pub fn tls_fixture(name: &str) -> String {
    format!("{}/tests/fixtures/smtp-tls/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// A real SMTP server (mailin-embedded) on a loopback port, recording what it receives.
#[derive(Clone)]
pub struct SmtpSink {
    pub port: u16,
    received: Arc<Mutex<Vec<ReceivedMail>>>,
    behaviour: Arc<SinkBehaviour>,
}

impl SmtpSink {
    pub fn start() -> SmtpSink {
        let listener = StdTcpListener::bind("127.0.0.1:0").unwrap();
        Self::start_on(listener)
    }

    /// Starts on a port chosen earlier (e.g. one the app was told about while nothing listened).
    pub fn start_on_port(port: u16) -> SmtpSink {
        let mut attempts = 0;
        loop {
            match StdTcpListener::bind(("127.0.0.1", port)) {
                Ok(listener) => return Self::start_on(listener),
                Err(e) if attempts < 50 => {
                    attempts += 1;
                    let _ = e;
                    std::thread::sleep(Duration::from_millis(100));
                }
                Err(e) => panic!("cannot bind SMTP port {port}: {e}"),
            }
        }
    }

    fn start_on(listener: StdTcpListener) -> SmtpSink {
        Self::start_with(listener, SinkBehaviour::default())
    }

    /// Starts a server that behaves as `behaviour` says.
    pub fn start_with(listener: StdTcpListener, behaviour: SinkBehaviour) -> SmtpSink {
        // rustls has two crypto back-ends compiled in here; the server side needs one chosen.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let port = listener.local_addr().unwrap().port();
        let login = behaviour.login.is_some();
        let behaviour = Arc::new(behaviour);
        let handler = SinkHandler { behaviour: behaviour.clone(), ..Default::default() };
        let received = handler.received.clone();
        let mut server = Server::new(handler);
        let ssl = if login {
            SslConfig::SelfSigned { cert_path: tls_fixture("server.pem"), key_path: tls_fixture("server.key") }
        } else {
            SslConfig::None
        };
        server.with_name("smtp.test").with_ssl(ssl).unwrap().with_num_threads(16).with_tcp_listener(listener);
        if login {
            server.with_auth(mailin_embedded::AuthMechanism::Plain).with_auth(mailin_embedded::AuthMechanism::Login);
        }
        std::thread::spawn(move || {
            let _ = server.serve();
        });
        SmtpSink { port, received, behaviour }
    }

    /// The next mail's recipient gets this answer (e.g. 550) instead of 250.
    pub fn answer_next(&self, code: u16, message: &str) {
        self.behaviour.answers.lock().unwrap().push_back((code, message.to_owned()));
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn received(&self) -> Vec<ReceivedMail> {
        self.received.lock().unwrap().clone()
    }

    /// Waits until at least `count` mails arrived (at most 15 s), and returns them all.
    pub async fn wait_for(&self, count: usize) -> Vec<ReceivedMail> {
        for _ in 0..300 {
            let mails = self.received();
            if mails.len() >= count {
                return mails;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("expected {count} mail(s), got {}", self.received().len());
    }

    /// Every mail to `address` so far.
    pub fn mails_to(&self, address: &str) -> Vec<ReceivedMail> {
        self.received().into_iter().filter(|m| m.to.iter().any(|t| t.contains(address))).collect()
    }

    /// The `n`-th mail (counting from 1) to `address`, waiting for it at most 15 s.
    pub async fn nth_mail_to(&self, address: &str, n: usize) -> ReceivedMail {
        for _ in 0..300 {
            if let Some(mail) = self.mails_to(address).into_iter().nth(n - 1) {
                return mail;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("mail number {n} to {address} did not arrive; got {}", self.mails_to(address).len());
    }
}

/// A port on which nothing listens (bound, then released).
/// Return addresses that would leave the site (another host, a protocol-relative or backslashed path,
/// encoded slashes, control characters browsers drop): the login and the language switch refuse each.
pub const HOSTILE_RETURNS: [&str; 10] = [
    "https://evil.example/",
    "//evil.example/x",
    "//evil.example",
    "/\\evil.example",
    "/%2F%2Fevil.example",
    "/%5Cevil.example",
    "/\t/evil.example",
    "/%09/evil.example",
    "/\r\n/evil.example",
    "/\u{85}/evil.example",
];

pub fn free_port() -> u16 {
    StdTcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Test databases are named `hromada_test_<unix seconds>_<uuid>`; nothing drops one when its test ends
/// (a test's runtime is gone by then), so each test process drops, once, those of earlier runs.
const TEST_DATABASE_PREFIX: &str = "hromada_test_";
/// Older than this, a test database belongs to a finished run (a whole suite takes minutes).
const TEST_DATABASE_MAX_AGE_SECONDS: u64 = 3 * 3600;

async fn drop_old_test_databases(admin: &DatabaseConnection) {
    static DONE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if DONE.swap(true, std::sync::atomic::Ordering::SeqCst) {
        return;
    }
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let listing = sea_orm::Statement::from_string(
        admin.get_database_backend(),
        format!("SELECT datname FROM pg_database WHERE datname LIKE '{TEST_DATABASE_PREFIX}%'"),
    );
    let Ok(rows) = admin.query_all_raw(listing).await else { return };
    for row in rows {
        let Ok(name) = row.try_get::<String>("", "datname") else { continue };
        // A name without a time is from before names carried one: an earlier run's.
        let created = name[TEST_DATABASE_PREFIX.len()..].split('_').next().and_then(|t| t.parse::<u64>().ok());
        if created.is_none_or(|secs| now.saturating_sub(secs) > TEST_DATABASE_MAX_AGE_SECONDS) {
            // Best effort: a database still in use by some other process is left for a later sweep.
            let _ = admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\"")).await;
        }
    }
}

/// A fresh database: in-memory SQLite, or a new PostgreSQL database on the server of TEST_DATABASE_URL.
pub async fn fresh_database_url() -> String {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(base) if base.starts_with("postgres") => {
            let admin = sea_orm::Database::connect(&base).await.expect("TEST_DATABASE_URL reachable");
            drop_old_test_databases(&admin).await;
            let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
            let name = format!("{TEST_DATABASE_PREFIX}{now}_{}", uuid::Uuid::new_v4().simple());
            admin.execute_unprepared(&format!("CREATE DATABASE \"{name}\"")).await.expect("create test database");
            admin.close().await.ok();
            let mut url = url::Url::parse(&base).expect("TEST_DATABASE_URL is a URL");
            url.set_path(&format!("/{name}"));
            url.to_string()
        }
        _ => "sqlite::memory:".to_owned(),
    }
}

/// A fresh database that outlives one app instance (for restart stories): a temporary SQLite file,
/// or a new PostgreSQL database when TEST_DATABASE_URL is set.
pub async fn fresh_persistent_database_url() -> String {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(base) if base.starts_with("postgres") => fresh_database_url().await,
        _ => {
            let dir = std::env::temp_dir().join(format!("hromada-db-{}", uuid::Uuid::new_v4().simple()));
            std::fs::create_dir_all(&dir).unwrap();
            format!("sqlite://{}?mode=rwc", dir.join("hromada.db").display())
        }
    }
}

/// Settings for tests: random port, quick mail retries, generous rate limits.
pub fn test_settings(database_url: String) -> Settings {
    let mut settings = Settings {
        bind: "127.0.0.1:0".parse().unwrap(),
        database_url,
        mail_dir: std::env::temp_dir().join(format!("hromada-mail-{}", uuid::Uuid::new_v4().simple())),
        shutdown_grace_seconds: 5,
        // Stories start from an empty directory; the example city has its own test.
        example_directory: false,
        ..Settings::default()
    };
    settings.rate_limits.register_per_hour = 10_000;
    settings.rate_limits.login_per_minute = 10_000;
    settings.rate_limits.password_reset_per_hour = 10_000;
    settings.rate_limits.sign_per_minute = 10_000;
    settings.rate_limits.appeals_per_hour = 10_000;
    settings.outbox.poll_interval_ms = 100;
    settings.outbox.retry_base_ms = 200;
    settings.outbox.retry_max_seconds = 1;
    settings.outbox.smtp_timeout_seconds = 5;
    settings
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub db: DatabaseConnection,
    pub smtp: Option<SmtpSink>,
    pub settings: Settings,
    /// The app's seam that loses COMMIT answers (see `storage::LostCommitAnswers`).
    pub lost_commit_answers: hromada::storage::LostCommitAnswers,
    stop: Option<oneshot::Sender<()>>,
    handle: Option<JoinHandle<anyhow::Result<()>>>,
}

pub struct TestAppBuilder {
    settings: Settings,
    smtp: Option<SmtpSink>,
}

impl TestAppBuilder {
    pub async fn new() -> TestAppBuilder {
        TestAppBuilder { settings: test_settings(fresh_database_url().await), smtp: None }
    }

    /// Mail goes to a real SMTP server started for this test.
    pub fn with_smtp(mut self) -> Self {
        let sink = SmtpSink::start();
        self.settings.smtp_url = Some(sink.url());
        self.smtp = Some(sink);
        self
    }

    /// Mail goes to an SMTP server that outlives this app (for restart stories).
    pub fn with_smtp_sink(mut self, sink: SmtpSink) -> Self {
        self.settings.smtp_url = Some(sink.url());
        self.smtp = Some(sink);
        self
    }

    pub fn configure(mut self, change: impl FnOnce(&mut Settings)) -> Self {
        change(&mut self.settings);
        self
    }

    pub async fn spawn(self) -> TestApp {
        if std::env::var("TEST_LOG").is_ok() {
            hromada::telemetry::init(hromada::config::LogFormat::Text, "info");
        }
        let app = Application::build(self.settings.clone()).await.expect("the app builds");
        let address = format!("http://{}", app.local_addr());
        let db = app.state().db.clone();
        let lost_commit_answers = app.state().lost_commit_answers.clone();
        let (stop, stopped) = oneshot::channel::<()>();
        let handle = tokio::spawn(app.run_until(async move {
            let _ = stopped.await;
        }));
        TestApp {
            address,
            client: reqwest::Client::new(),
            db,
            smtp: self.smtp,
            settings: self.settings,
            lost_commit_answers,
            stop: Some(stop),
            handle: Some(handle),
        }
    }
}

pub async fn spawn_app() -> TestApp {
    TestAppBuilder::new().await.spawn().await
}

pub async fn spawn_app_with_smtp() -> TestApp {
    TestAppBuilder::new().await.with_smtp().spawn().await
}

/// A response read once: status, headers and JSON body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Answer {
    pub async fn from(response: reqwest::Response) -> Answer {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Answer { status, headers, body }
    }

    pub fn content_type(&self) -> &str {
        self.headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("")
    }

    /// Asserts this is a problem+json error with `status` and returns its detail.
    pub fn assert_problem(&self, status: u16) -> String {
        assert_eq!(self.status, status, "unexpected status; body: {}", self.body);
        assert_eq!(self.content_type(), "application/problem+json", "body: {}", self.body);
        assert_eq!(self.body["status"], status);
        assert!(self.body["type"].as_str().unwrap().starts_with("/problems/"));
        let detail = self.body["detail"].as_str().expect("a detail").to_owned();
        assert!(!detail.is_empty());
        detail
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Answer {
        let mut request = self.client.get(self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        Answer::from(request.send().await.unwrap()).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Answer {
        let mut request = self.client.post(self.url(path)).json(&body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        Answer::from(request.send().await.unwrap()).await
    }

    pub async fn put(&self, path: &str, token: Option<&str>, body: Value) -> Answer {
        let mut request = self.client.put(self.url(path)).json(&body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        Answer::from(request.send().await.unwrap()).await
    }

    pub async fn delete(&self, path: &str, token: Option<&str>) -> Answer {
        let mut request = self.client.delete(self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        Answer::from(request.send().await.unwrap()).await
    }

    pub fn smtp(&self) -> &SmtpSink {
        self.smtp.as_ref().expect("this app was spawned with an SMTP server")
    }

    /// A citizen registers, follows the link in the mail and logs in; returns the bearer token.
    pub async fn verified_citizen(&self, full_name: &str, email: &str) -> String {
        let password = "a long enough password";
        let registered = self
            .post(
                "/api/v1/accounts",
                None,
                json!({"full_name": full_name, "email": email, "password": password, "language": "en"}),
            )
            .await;
        assert_eq!(registered.status, 202, "{}", registered.body);
        let token = self.smtp().nth_mail_to(email, 1).await.token();
        let verified = self.post("/api/v1/accounts/verify-email", None, json!({ "token": token })).await;
        assert_eq!(verified.status, 200, "{}", verified.body);
        self.login(email, password).await
    }

    pub async fn login(&self, email: &str, password: &str) -> String {
        let login = self.post("/api/v1/sessions", None, json!({"email": email, "password": password})).await;
        assert_eq!(login.status, 201, "{}", login.body);
        login.body["token"].as_str().unwrap().to_owned()
    }

    /// An administrator created the way `hromada admin create` does it, logged in.
    pub async fn administrator(&self) -> String {
        use hromada::domain::accounts::{Email, FullName, Language, Password, Role};
        let password = "administrator password";
        let new = hromada::storage::accounts::NewAccount {
            email: Email::parse("admin@rada.example.org").unwrap(),
            full_name: FullName::parse("Admin Adminenko").unwrap(),
            password_hash: hromada::service::secrets::hash_password(&Password::parse(password, "password").unwrap())
                .unwrap(),
            language: Language::En,
            role: Role::Administrator,
            verified: true,
        };
        hromada::storage::accounts::register(&self.db, new, None, None, chrono::Utc::now()).await.unwrap();
        self.login("admin@rada.example.org", password).await
    }

    /// Stops the server gracefully and waits until it has stopped.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(handle) = self.handle.take() {
            tokio::time::timeout(Duration::from_secs(30), handle)
                .await
                .expect("the app stops within 30 s")
                .expect("the app task did not panic")
                .expect("the app ran without error");
        }
    }
}

/// An implicit-TLS front (like port 465) for the plain SMTP server on `port`: TLS with the test
/// certificate from the first byte, the SMTP conversation passed through. Returns its port.
pub async fn implicit_tls_front(port: u16) -> u16 {
    use tokio_rustls::rustls::{
        ServerConfig,
        pki_types::{CertificateDer, PrivateKeyDer, pem::PemObject},
    };
    let certs = CertificateDer::pem_file_iter(tls_fixture("server.pem")).unwrap().map(|c| c.unwrap()).collect();
    let key = PrivateKeyDer::from_pem_file(tls_fixture("server.key")).unwrap();
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let front = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(client).await else { return };
                let Ok(mut plain) = tokio::net::TcpStream::connect(("127.0.0.1", port)).await else { return };
                let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
            });
        }
    });
    front
}
