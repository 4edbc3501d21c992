//! Appeals filed per second through the real HTTP API.
//!
//! Starts the real server in-process (routing, deadline, history event and outbox mail are all part of
//! `POST /api/v1/appeals`), on a fresh PostgreSQL database or a temporary SQLite file, creates verified
//! citizens, logs them in, and runs closed-loop clients that file issue reports for `--seconds` at each
//! concurrency level. Prints throughput and latency percentiles, then checks that every acknowledged
//! appeal is stored with its `received` history event and its mail to the author, and that the metrics
//! tallies agree with a recount of the appeals; exits non-zero if not.
//!
//! ```text
//! cargo bench --bench appeals -- --database postgres --seconds 60 --clients 1,16,64
//! cargo bench --bench appeals -- --database sqlite --seconds 30 --clients 1,16,64
//! cargo bench --bench appeals -- --smoke            # 5 s per level at 1 and 8 clients, on SQLite
//! ```
//!
//! Mail goes over SMTP to a sink started in-process (`--mail smtp`, the default), as it would to a relay
//! in production; `--mail folder` writes `.eml` files instead, the no-SMTP default of the service.
#![allow(clippy::too_many_lines)] // a story or a benchmark reads top to bottom (clippy.toml: 80 lines elsewhere)
mod support;
use std::{
    collections::{HashMap, HashSet},
    process::ExitCode,
    sync::Arc,
    time::{Duration, Instant},
};

use clap::{Parser, ValueEnum};
use hromada::{
    config::Settings,
    domain::accounts::{Email, FullName, Language, Password, Role},
    startup::Application,
    storage::accounts::NewAccount,
};
use rand::{Rng, SeedableRng, rngs::StdRng};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
};
use serde_json::{Value, json};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum MailTo {
    Smtp,
    Folder,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, Parser)]
#[command(name = "appeals", about = "Appeals filed per second through POST /api/v1/appeals")]
struct Args {
    /// Which database the server runs on.
    #[arg(long, value_enum, default_value = "sqlite")]
    database: Backend,
    /// PostgreSQL: the server to create the fresh `hromada_bench_*` database on (any database of it).
    /// SQLite: the database URL to use instead of a temporary file.
    #[arg(long, env = "BENCH_DATABASE_URL")]
    database_url: Option<String>,
    /// Measured seconds per concurrency level.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Unmeasured warm-up seconds before each level (its appeals are still verified).
    #[arg(long, default_value_t = 2)]
    warmup: u64,
    /// Concurrency levels: closed-loop clients, each with its own citizen and keep-alive connection.
    #[arg(long, value_delimiter = ',', default_value = "1,16,64")]
    clients: Vec<usize>,
    /// A short run for CI: 5 s per level at 1 and 8 clients, no warm-up (explicit flags still win).
    #[arg(long)]
    smoke: bool,
    /// Fail (exit 1) when the highest level files fewer appeals per second than this.
    #[arg(long)]
    min_throughput: Option<f64>,
    /// Fail (exit 1) when the highest level's p99 latency exceeds this many milliseconds.
    #[arg(long)]
    max_p99_ms: Option<f64>,
    /// Where the server's mail goes: an SMTP sink started here, or a folder of `.eml` files.
    #[arg(long, value_enum, default_value = "smtp")]
    mail: MailTo,
    /// Keep the PostgreSQL database (and the mail folder) afterwards instead of dropping it.
    #[arg(long)]
    keep_database: bool,
    /// Print the server's log (tracing, `info`) to standard error.
    #[arg(long)]
    log: bool,
    /// Passed by `cargo bench`; ignored.
    #[arg(long, hide = true)]
    bench: bool,
}

/// What one level measured.
struct LevelResult {
    clients: usize,
    requests: u64,
    errors: u64,
    seconds: f64,
    latencies_us: Vec<u64>,
    /// Mails the outbox worker delivered per second during the level (two are queued per appeal).
    mails_sent_per_second: f64,
    mail_backlog: u64,
    /// Seconds from the end of the level until the backlog was 0 (None: not within 120 s).
    drained_after: Option<f64>,
    /// Mails delivered per second from the start of the level until the backlog was 0.
    mails_per_second_to_empty: f64,
}

impl LevelResult {
    fn throughput(&self) -> f64 {
        (self.requests - self.errors) as f64 / self.seconds
    }

    /// The latency at `q` (0–1) in milliseconds, nearest rank over every request (errors included).
    fn percentile_ms(&self, q: f64) -> f64 {
        if self.latencies_us.is_empty() {
            return 0.0;
        }
        let rank = ((q * self.latencies_us.len() as f64).ceil() as usize).clamp(1, self.latencies_us.len());
        self.latencies_us[rank - 1] as f64 / 1000.0
    }
}

/// What all client tasks of one phase collected.
#[derive(Default)]
struct ClientOutcome {
    latencies_us: Vec<u64>,
    errors: u64,
    acknowledged: Vec<i32>,
    error_samples: Vec<String>,
}

const PASSWORD: &str = "bench password that is long enough";

fn main() -> ExitCode {
    let mut args = Args::parse();
    if args.smoke {
        support::smoke_default("--seconds", &mut args.seconds, 5);
        support::smoke_default("--clients", &mut args.clients, vec![1, 8]);
        support::smoke_default("--warmup", &mut args.warmup, 0);
    }
    if args.clients.is_empty() || args.clients.contains(&0) || args.seconds == 0 {
        eprintln!("--clients needs positive numbers and --seconds must be positive");
        return ExitCode::from(2);
    }
    support::exit_code(run(args))
}

/// A fresh database; for PostgreSQL also the admin URL and name to drop it with afterwards.
async fn fresh_database(args: &Args) -> anyhow::Result<(String, Option<(String, String)>)> {
    let suffix = uuid::Uuid::new_v4().simple().to_string();
    match args.database {
        Backend::Postgres => {
            let admin_url =
                args.database_url.clone().unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/postgres".into());
            let name = format!("hromada_bench_{}", &suffix[..12]);
            let admin = sea_orm::Database::connect(&admin_url).await?;
            admin.execute_unprepared(&format!("CREATE DATABASE \"{name}\"")).await?;
            admin.close().await?;
            let mut url = url::Url::parse(&admin_url)?;
            url.set_path(&format!("/{name}"));
            Ok((url.to_string(), Some((admin_url, name))))
        }
        Backend::Sqlite => match &args.database_url {
            Some(url) => Ok((url.clone(), None)),
            None => {
                let path = std::env::temp_dir().join(format!("hromada-bench-{suffix}.db"));
                Ok((format!("sqlite://{}?mode=rwc", path.display()), None))
            }
        },
    }
}

async fn run(args: Args) -> anyhow::Result<bool> {
    support::log_if(args.log);
    let (database_url, drop_afterwards) = fresh_database(&args).await?;
    let mail_dir = std::env::temp_dir().join(format!("hromada-bench-mail-{}", uuid::Uuid::new_v4().simple()));
    let mut settings = Settings {
        database_url: database_url.clone(),
        bind: "127.0.0.1:0".parse()?,
        example_directory: true,
        mail_dir: mail_dir.clone(),
        shutdown_grace_seconds: 10,
        ..Default::default()
    };
    // Kept alive until the end of the run; its threads share the machine with everything else.
    let sink = match args.mail {
        MailTo::Smtp => Some(support::SmtpSink::start()?),
        MailTo::Folder => None,
    };
    settings.smtp_url = sink.as_ref().map(|s| s.url.clone());
    // The deadline watcher sweeps once a minute; it is not what is measured here.
    settings.watcher.enabled = false;
    settings.rate_limits.login_per_minute = 1_000_000;
    settings.rate_limits.register_per_hour = 1_000_000;
    settings.rate_limits.password_reset_per_hour = 1_000_000;
    settings.rate_limits.appeals_per_hour = 1_000_000;

    let app = Application::build(settings).await?;
    let address = format!("http://{}", app.local_addr());
    let db = app.state().db.clone();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async move {
        let _ = stopped.await;
    }));

    let result = bench(&args, &address, &db).await;
    if let Some(sink) = &sink {
        let (distinct, duplicates) = sink.distinct_and_duplicates();
        println!(
            "info the SMTP sink received {} mails: {distinct} distinct Message-IDs, {duplicates} duplicates",
            sink.received.load(std::sync::atomic::Ordering::Relaxed)
        );
    }

    let _ = stop.send(());
    match tokio::time::timeout(Duration::from_secs(30), server).await {
        Ok(Ok(Ok(()))) => {}
        Ok(Ok(Err(e))) => eprintln!("the server stopped with an error: {e:#}"),
        Ok(Err(e)) => eprintln!("the server task failed: {e}"),
        Err(_) => eprintln!("the server did not stop within 30 s"),
    }
    db.close().await.ok();
    if !args.keep_database {
        if let Some((admin_url, name)) = &drop_afterwards {
            let admin = sea_orm::Database::connect(admin_url).await?;
            admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).await?;
            admin.close().await.ok();
        } else if args.database_url.is_none()
            && let Some(path) = database_url.strip_prefix("sqlite://").and_then(|p| p.split('?').next())
        {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{path}{suffix}"));
            }
        }
        let _ = std::fs::remove_dir_all(&mail_dir);
    } else {
        eprintln!("kept: database {database_url}, mail folder {}", mail_dir.display());
    }
    result
}

async fn bench(args: &Args, address: &str, db: &DatabaseConnection) -> anyhow::Result<bool> {
    let http = reqwest::Client::builder().timeout(Duration::from_secs(60)).build()?;
    let backend = match args.database {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };

    // Issue-report categories of the example city.
    let categories: Value = http.get(format!("{address}/api/v1/directory/categories")).send().await?.json().await?;
    let category_ids: Vec<i64> = categories
        .as_array()
        .ok_or_else(|| anyhow::anyhow!("categories: {categories}"))?
        .iter()
        .filter(|c| c["for_reports"] == true && c["active"] == true)
        .filter_map(|c| c["id"].as_i64())
        .collect();
    anyhow::ensure!(!category_ids.is_empty(), "the example city has no issue-report categories");

    let load_before = load_average();
    let citizens = *args.clients.iter().max().expect("at least one level");
    eprintln!("creating and logging in {citizens} verified citizens…");
    let tokens = citizens_with_tokens(&http, address, db, citizens).await?;

    let mut results = Vec::new();
    let mut acknowledged: Vec<i32> = Vec::new();
    let mut error_samples: Vec<String> = Vec::new();
    for &clients in &args.clients {
        if args.warmup > 0 {
            let warm = drive(&http, address, &tokens[..clients], &category_ids, Duration::from_secs(args.warmup)).await;
            acknowledged.extend(warm.acknowledged);
            error_samples.extend(warm.error_samples);
        }
        let sent_before = sent_mails(db).await?;
        let started = Instant::now();
        let mut outcome =
            drive(&http, address, &tokens[..clients], &category_ids, Duration::from_secs(args.seconds)).await;
        let seconds = started.elapsed().as_secs_f64();
        let mails_sent_per_second = (sent_mails(db).await? - sent_before) as f64 / seconds;
        outcome.latencies_us.sort_unstable();
        let mail_backlog = hromada::storage::notify::backlog(db).await?;
        let drained_after = drain_time(db).await?;
        let mails_per_second_to_empty = (sent_mails(db).await? - sent_before) as f64 / started.elapsed().as_secs_f64();
        let result = LevelResult {
            clients,
            requests: outcome.latencies_us.len() as u64,
            errors: outcome.errors,
            seconds,
            latencies_us: outcome.latencies_us,
            mails_sent_per_second,
            mail_backlog,
            drained_after,
            mails_per_second_to_empty,
        };
        eprintln!(
            "{backend} {clients:>3} clients: {:.0} appeals/s, p99 {:.1} ms, {} errors, {mails_sent_per_second:.0} \
             mails sent/s, mail backlog {mail_backlog}, empty {} s later ({:.0} mails/s until then)",
            result.throughput(),
            result.percentile_ms(0.99),
            result.errors,
            result.drained_after.map_or("not".into(), |s| format!("{s:.1}")),
            result.mails_per_second_to_empty,
        );
        acknowledged.extend(outcome.acknowledged);
        error_samples.extend(outcome.error_samples);
        results.push(result);
    }

    println!();
    println!(
        "{:<9} {:>7} {:>9} {:>7} {:>12} {:>8} {:>8} {:>8} {:>8} {:>12} {:>12} {:>10}",
        "database",
        "clients",
        "requests",
        "errors",
        "throughput/s",
        "p50 ms",
        "p90 ms",
        "p99 ms",
        "max ms",
        "mails sent/s",
        "mail backlog",
        "empty in s"
    );
    for r in &results {
        println!(
            "{:<9} {:>7} {:>9} {:>7} {:>12.1} {:>8.2} {:>8.2} {:>8.2} {:>8.2} {:>12.1} {:>12} {:>10}",
            backend,
            r.clients,
            r.requests,
            r.errors,
            r.throughput(),
            r.percentile_ms(0.50),
            r.percentile_ms(0.90),
            r.percentile_ms(0.99),
            r.latencies_us.last().copied().unwrap_or_default() as f64 / 1000.0,
            r.mails_sent_per_second,
            r.mail_backlog,
            r.drained_after.map_or("> 120".into(), |s| format!("{s:.1}")),
        );
    }
    println!(
        "({}s measured per level after {}s warm-up; every request counts, errors included; server, clients and \
         the database share this machine's {} CPUs)",
        args.seconds,
        args.warmup,
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
    );
    // Anything else running (a compiler, another test suite) competes for the same CPUs and skews the figures.
    println!("load average before: {load_before}, after: {}", load_average());
    for sample in error_samples.iter().take(5) {
        println!("error sample: {sample}");
    }

    let mut passed = verify(db, &acknowledged).await?;
    let last = results.last().expect("at least one level");
    if let Some(min) = args.min_throughput
        && last.throughput() < min
    {
        println!(
            "FAIL: {:.1} appeals/s at {} clients is below --min-throughput {min}",
            last.throughput(),
            last.clients
        );
        passed = false;
    }
    if let Some(max) = args.max_p99_ms
        && last.percentile_ms(0.99) > max
    {
        println!("FAIL: p99 {:.2} ms at {} clients is over --max-p99-ms {max}", last.percentile_ms(0.99), last.clients);
        passed = false;
    }
    if results.iter().any(|r| r.errors > 0) {
        println!("FAIL: some requests were not acknowledged with 201");
        passed = false;
    }
    println!("{}", if passed { "PASS" } else { "FAIL" });
    Ok(passed)
}

/// The 1, 5 and 15 minute load averages (Linux), to tell a quiet machine from a busy one.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|text| text.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

/// Seconds until the outbox backlog is 0 (polled every 100 ms), or None after 120 s.
async fn drain_time(db: &DatabaseConnection) -> anyhow::Result<Option<f64>> {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(120) {
        if hromada::storage::notify::backlog(db).await? == 0 {
            return Ok(Some(started.elapsed().as_secs_f64()));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(None)
}

/// Mails the outbox worker has delivered so far.
async fn sent_mails(db: &DatabaseConnection) -> anyhow::Result<u64> {
    use entity::outbox_mails;
    Ok(outbox_mails::Entity::find()
        .filter(outbox_mails::Column::Status.eq(hromada::storage::notify::SENT))
        .count(db)
        .await?)
}

/// `count` verified citizens, created through the library with one password hash (Argon2 is slow on
/// purpose), each logged in through `POST /api/v1/sessions`.
async fn citizens_with_tokens(
    http: &reqwest::Client,
    address: &str,
    db: &DatabaseConnection,
    count: usize,
) -> anyhow::Result<Vec<String>> {
    let password = Password::parse(PASSWORD, "password").map_err(|e| anyhow::anyhow!("{e}"))?;
    let hash = hromada::service::secrets::hash_password(&password)?;
    let mut emails = Vec::with_capacity(count);
    for i in 0..count {
        let email = format!("citizen{i}@bench.example.org");
        let new = NewAccount {
            email: Email::parse(&email).map_err(|e| anyhow::anyhow!("{e}"))?,
            full_name: FullName::parse(&format!("Citizen Number{i}")).map_err(|e| anyhow::anyhow!("{e}"))?,
            password_hash: hash.clone(),
            language: Language::En,
            role: Role::Citizen,
            verified: true,
        };
        hromada::storage::accounts::register(db, new, None, None, chrono::Utc::now()).await?;
        emails.push(email);
    }
    let logins = emails.into_iter().map(|email| {
        let http = http.clone();
        let url = format!("{address}/api/v1/sessions");
        async move {
            let response = http.post(url).json(&json!({"email": email, "password": PASSWORD})).send().await?;
            let status = response.status();
            let body: Value = response.json().await?;
            anyhow::ensure!(status.as_u16() == 201, "login of {email}: {status} {body}");
            body["token"].as_str().map(str::to_owned).ok_or_else(|| anyhow::anyhow!("login of {email}: no token"))
        }
    });
    futures::future::try_join_all(logins).await
}

/// Runs one closed-loop client per token until `duration` has passed.
async fn drive(
    http: &reqwest::Client,
    address: &str,
    tokens: &[String],
    category_ids: &[i64],
    duration: Duration,
) -> ClientOutcome {
    let deadline = Instant::now() + duration;
    let url: Arc<str> = format!("{address}/api/v1/appeals").into();
    let categories: Arc<[i64]> = category_ids.into();
    let tasks: Vec<_> = tokens
        .iter()
        .enumerate()
        .map(|(n, token)| {
            let (http, url, categories, token) = (http.clone(), url.clone(), categories.clone(), token.clone());
            tokio::spawn(async move { client(http, url, token, categories, deadline, n as u64).await })
        })
        .collect();
    let mut all = ClientOutcome::default();
    for task in tasks {
        let one = task.await.expect("a client task does not panic");
        all.latencies_us.extend(one.latencies_us);
        all.errors += one.errors;
        all.acknowledged.extend(one.acknowledged);
        if all.error_samples.len() < 5 {
            all.error_samples.extend(one.error_samples);
        }
    }
    all
}

/// A point in the example city: mostly inside one of its three districts, so district routing is exercised.
fn city_point(rng: &mut StdRng) -> (f64, f64) {
    let (lat, lon) = match rng.gen_range(0..3) {
        // North: 48.74–48.80, 37.50–37.62
        0 => (rng.gen_range(48.741..48.799), rng.gen_range(37.501..37.619)),
        // South: 48.68–48.74, 37.50–37.62
        1 => (rng.gen_range(48.681..48.739), rng.gen_range(37.501..37.619)),
        // Industrial: 48.68–48.80, 37.62–37.70
        _ => (rng.gen_range(48.681..48.799), rng.gen_range(37.621..37.699)),
    };
    ((lat * 1e5_f64).round() / 1e5, (lon * 1e5_f64).round() / 1e5)
}

const SUBJECTS: [&str; 6] =
    ["Pothole", "Broken street light", "Overflowing bins", "Leaking pipe", "Fallen tree", "Damaged playground"];

async fn client(
    http: reqwest::Client,
    url: Arc<str>,
    token: String,
    categories: Arc<[i64]>,
    deadline: Instant,
    seed: u64,
) -> ClientOutcome {
    let mut rng = StdRng::seed_from_u64(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ std::process::id() as u64);
    let mut out = ClientOutcome::default();
    while Instant::now() < deadline {
        let (latitude, longitude) = city_point(&mut rng);
        let subject = SUBJECTS[rng.gen_range(0..SUBJECTS.len())];
        let body = json!({
            "kind": "issue_report",
            "subject": subject,
            "text": format!("{subject}: a problem near the bus stop, please fix it ({latitude}, {longitude})."),
            "category_id": categories[rng.gen_range(0..categories.len())],
            "location": {"latitude": latitude, "longitude": longitude},
        });
        let started = Instant::now();
        let answer = async {
            let response = http.post(&*url).bearer_auth(&token).json(&body).send().await?;
            let status = response.status().as_u16();
            let bytes = response.bytes().await?;
            Ok::<_, reqwest::Error>((status, bytes))
        }
        .await;
        out.latencies_us.push(started.elapsed().as_micros() as u64);
        match answer {
            Ok((201, bytes)) => match serde_json::from_slice::<Value>(&bytes).ok().and_then(|v| v["id"].as_i64()) {
                Some(id) => out.acknowledged.push(id as i32),
                None => {
                    out.errors += 1;
                    out.error_samples.push(format!("201 without an id: {}", String::from_utf8_lossy(&bytes)));
                }
            },
            Ok((status, bytes)) => {
                out.errors += 1;
                if out.error_samples.len() < 3 {
                    out.error_samples.push(format!("{status}: {}", String::from_utf8_lossy(&bytes)));
                }
            }
            Err(e) => {
                out.errors += 1;
                if out.error_samples.len() < 3 {
                    out.error_samples.push(format!("transport: {e}"));
                }
            }
        }
    }
    out
}

/// Every acknowledged appeal is stored, has its `received` history event and its mail to the author.
async fn verify(db: &DatabaseConnection, acknowledged: &[i32]) -> anyhow::Result<bool> {
    use entity::{appeals, events, outbox_mails};
    let acked: HashSet<i32> = acknowledged.iter().copied().collect();
    let mut ok = true;
    let mut check = |passed: bool, what: String| {
        println!("{} {what}", if passed { "ok  " } else { "FAIL" });
        ok &= passed;
    };
    check(acked.len() == acknowledged.len(), format!("{} acknowledged ids are distinct", acknowledged.len()));

    let rows = appeals::Entity::find().count(db).await?;
    check(rows == acked.len() as u64, format!("appeals rows: {rows}, acknowledged: {}", acked.len()));
    let stored: HashSet<i32> = appeals::Entity::find()
        .select_only()
        .column(appeals::Column::Id)
        .into_tuple()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let missing = acked.difference(&stored).count();
    check(missing == 0, format!("acknowledged appeals missing from the database: {missing}"));

    let received: HashSet<i32> = events::Entity::find()
        .select_only()
        .column(events::Column::SubjectId)
        .filter(events::Column::SubjectType.eq("appeal"))
        .filter(events::Column::Action.eq("received"))
        .into_tuple::<String>()
        .all(db)
        .await?
        .into_iter()
        .filter_map(|id| id.parse().ok())
        .collect();
    let without_event = acked.iter().filter(|id| !received.contains(id)).count();
    check(without_event == 0, format!("acknowledged appeals without a `received` event: {without_event}"));

    // The mail subject names the appeal: "Your appeal No. 12: received" / "Звернення № 12: нове".
    let mails: Vec<(String, String)> = outbox_mails::Entity::find()
        .select_only()
        .columns([outbox_mails::Column::Kind, outbox_mails::Column::Subject])
        .filter(outbox_mails::Column::Kind.is_in(["appeal_update", "appeal_for_executor"]))
        .into_tuple()
        .all(db)
        .await?;
    let mut by_kind: HashMap<String, HashSet<i32>> = HashMap::new();
    for (kind, subject) in mails {
        let digits: String =
            subject.chars().skip_while(|c| !c.is_ascii_digit()).take_while(|c| c.is_ascii_digit()).collect();
        if let Ok(id) = digits.parse() {
            by_kind.entry(kind).or_default().insert(id);
        }
    }
    let empty = HashSet::new();
    let author = by_kind.get("appeal_update").unwrap_or(&empty);
    let without_mail = acked.iter().filter(|id| !author.contains(id)).count();
    check(without_mail == 0, format!("acknowledged appeals without an outbox mail to the author: {without_mail}"));
    // Every filing added its appeal to the per-day tallies behind the metrics, exactly once.
    let differences = hromada::storage::metrics::check(db).await?;
    check(
        differences.is_empty(),
        format!("tally rows that differ from a recount of the appeals: {}", differences.len()),
    );
    let executor = by_kind.get("appeal_for_executor").unwrap_or(&empty);
    let with_executor_mail = acked.iter().filter(|id| executor.contains(id)).count();
    println!("info {with_executor_mail} of {} appeals also have a mail to the executor's mailbox", acked.len());
    Ok(ok)
}
