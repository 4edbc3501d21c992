//! What the HTTP benchmarks share: a fresh database, the real server in-process, percentiles.
#![allow(dead_code)]
pub mod petitions;

use std::{
    process::ExitCode,
    time::{Duration, Instant},
};

use clap::ValueEnum;
use hromada::{config::Settings, startup::Application};
use sea_orm::{ConnectionTrait, DatabaseConnection};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// Whether `flag` was given on the command line (`--flag value` or `--flag=value`): `--smoke` changes
/// only the settings that were not.
pub fn given(flag: &str) -> bool {
    std::env::args().any(|a| a == flag || a.starts_with(&format!("{flag}=")))
}

/// Under `--smoke`: `value` becomes `smoke` unless `flag` was given.
pub fn smoke_default<T>(flag: &str, value: &mut T, smoke: T) {
    if !given(flag) {
        *value = smoke;
    }
}

/// The switches every HTTP benchmark takes (flattened into its arguments).
#[derive(Debug, clap::Args)]
pub struct Switches {
    /// Keep the fresh database (and the mail folder) afterwards.
    #[arg(long)]
    pub keep_database: bool,
    /// Log the server's output.
    #[arg(long)]
    pub log: bool,
    /// Passed by `cargo bench`; ignored.
    #[arg(long, hide = true)]
    pub bench: bool,
}

/// Runs a benchmark on a multi-threaded runtime: exit 0 when it passed, 1 when it missed a target or
/// failed (said on stderr).
pub fn exit_code(bench: impl Future<Output = anyhow::Result<bool>>) -> ExitCode {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a tokio runtime");
    match runtime.block_on(bench) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("benchmark failed: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// With `--log`: the server's log on stderr.
pub fn log_if(log: bool) {
    if log {
        hromada::telemetry::init(hromada::config::LogFormat::Text, "info");
    }
}

/// Runs `bench` against the real server on a fresh database (see [`fresh_database`]), then stops it and
/// drops the database unless `keep`.
pub async fn on_fresh_server(
    (backend, server_url): (Backend, Option<&str>),
    keep: bool,
    bench: impl AsyncFnOnce(&Server) -> anyhow::Result<bool>,
) -> anyhow::Result<bool> {
    let server = start(fresh_database(backend, server_url).await?).await?;
    let result = bench(&server).await;
    server.stop(keep).await?;
    result
}

/// A fresh database: a new `hromada_bench_*` database on the PostgreSQL server of `server_url`, or a
/// temporary SQLite file. Dropped (or deleted) by [`Server::stop`].
pub struct FreshDatabase {
    pub url: String,
    drop_with: Option<(String, String)>,
    sqlite_file: Option<std::path::PathBuf>,
}

pub async fn fresh_database(backend: Backend, server_url: Option<&str>) -> anyhow::Result<FreshDatabase> {
    let suffix = uuid::Uuid::new_v4().simple().to_string();
    match backend {
        Backend::Postgres => {
            let admin_url = server_url.unwrap_or("postgres://postgres@127.0.0.1:5432/postgres").to_owned();
            let name = format!("hromada_bench_{}", &suffix[..12]);
            let admin = sea_orm::Database::connect(&admin_url).await?;
            admin.execute_unprepared(&format!("CREATE DATABASE \"{name}\"")).await?;
            admin.close().await?;
            let mut url = url::Url::parse(&admin_url)?;
            url.set_path(&format!("/{name}"));
            Ok(FreshDatabase { url: url.to_string(), drop_with: Some((admin_url, name)), sqlite_file: None })
        }
        Backend::Sqlite => {
            let path = std::env::temp_dir().join(format!("hromada-bench-{suffix}.db"));
            Ok(FreshDatabase {
                url: format!("sqlite://{}?mode=rwc", path.display()),
                drop_with: None,
                sqlite_file: Some(path),
            })
        }
    }
}

/// Drops (or deletes) a fresh database.
pub async fn drop_database(database: FreshDatabase) -> anyhow::Result<()> {
    if let Some((admin_url, name)) = &database.drop_with {
        let admin = sea_orm::Database::connect(admin_url).await?;
        admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).await?;
        admin.close().await.ok();
    }
    if let Some(path) = &database.sqlite_file {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
    Ok(())
}

/// A database that already exists (e.g. one filled by `hromada generate`): used as it is, never dropped.
pub fn existing_database(url: &str) -> FreshDatabase {
    FreshDatabase { url: url.to_owned(), drop_with: None, sqlite_file: None }
}

/// The real application serving on a random port.
pub struct Server {
    pub address: String,
    pub db: DatabaseConnection,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
    database: FreshDatabase,
    mail_dir: std::path::PathBuf,
}

/// Settings for a benchmark run: rate limits out of the way, the watcher off, mail to a folder.
pub fn bench_settings(database_url: &str) -> anyhow::Result<(Settings, std::path::PathBuf)> {
    let mail_dir = std::env::temp_dir().join(format!("hromada-bench-mail-{}", uuid::Uuid::new_v4().simple()));
    let mut settings = Settings {
        database_url: database_url.to_owned(),
        bind: "127.0.0.1:0".parse()?,
        example_directory: true,
        mail_dir: mail_dir.clone(),
        shutdown_grace_seconds: 10,
        ..Default::default()
    };
    settings.watcher.enabled = false;
    settings.rate_limits.login_per_minute = 1_000_000;
    settings.rate_limits.register_per_hour = 1_000_000;
    settings.rate_limits.password_reset_per_hour = 1_000_000;
    settings.rate_limits.appeals_per_hour = 1_000_000;
    settings.rate_limits.sign_per_minute = 1_000_000;
    Ok((settings, mail_dir))
}

pub async fn start(database: FreshDatabase) -> anyhow::Result<Server> {
    let (settings, mail_dir) = bench_settings(&database.url)?;
    let app = Application::build(settings).await?;
    let address = format!("http://{}", app.local_addr());
    let db = app.state().db.clone();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(app.run_until(async move {
        let _ = stopped.await;
    }));
    Ok(Server { address, db, stop, task, database, mail_dir })
}

impl Server {
    /// Stops the server, then drops the database unless `keep`.
    pub async fn stop(self, keep: bool) -> anyhow::Result<()> {
        let _ = self.stop.send(());
        match tokio::time::timeout(Duration::from_secs(30), self.task).await {
            Ok(Ok(Ok(()))) => {}
            Ok(Ok(Err(e))) => eprintln!("the server stopped with an error: {e:#}"),
            Ok(Err(e)) => eprintln!("the server task failed: {e}"),
            Err(_) => eprintln!("the server did not stop within 30 s"),
        }
        self.db.close().await.ok();
        if keep {
            eprintln!("kept: database {}, mail folder {}", self.database.url, self.mail_dir.display());
            return Ok(());
        }
        if let Some((admin_url, name)) = &self.database.drop_with {
            let admin = sea_orm::Database::connect(admin_url).await?;
            admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).await?;
            admin.close().await.ok();
        }
        if let Some(path) = &self.database.sqlite_file {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
        }
        let _ = std::fs::remove_dir_all(&self.mail_dir);
        Ok(())
    }
}

/// The latency at `q` (0–1) in milliseconds, nearest rank over sorted microseconds.
pub fn percentile_ms(sorted_us: &[u64], q: f64) -> f64 {
    if sorted_us.is_empty() {
        return 0.0;
    }
    let rank = ((q * sorted_us.len() as f64).ceil() as usize).clamp(1, sorted_us.len());
    sorted_us[rank - 1] as f64 / 1000.0
}

/// The 1-, 5- and 15-minute load averages: anything else running skews the figures.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|text| text.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

pub fn cpus() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}

/// A real SMTP server on a loopback port (mailin-embedded) that accepts every mail and keeps only a
/// count and each mail's `Message-ID` (to count duplicates): the benchmarks' mail goes over SMTP as in
/// production, not into a folder of files, whose directory updates on this machine cost more than the
/// intake being measured.
pub struct SmtpSink {
    pub url: String,
    pub port: u16,
    pub received: std::sync::Arc<std::sync::atomic::AtomicU64>,
    message_ids: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, u32>>>,
}

/// How the sink behaves.
#[derive(Clone, Copy)]
pub struct SinkOptions {
    /// Sessions served at once (mailin-embedded serves one connection per thread).
    pub threads: u32,
    /// Time taken over each mail, like a slow relay.
    pub delay: Duration,
}

impl Default for SinkOptions {
    fn default() -> Self {
        SinkOptions { threads: 16, delay: Duration::ZERO }
    }
}

#[derive(Clone)]
struct CountingHandler {
    received: std::sync::Arc<std::sync::atomic::AtomicU64>,
    message_ids: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, u32>>>,
    delay: Duration,
    data: Vec<u8>,
}

impl mailin_embedded::Handler for CountingHandler {
    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> mailin_embedded::Response {
        std::thread::sleep(self.delay);
        let data = std::mem::take(&mut self.data);
        let text = String::from_utf8_lossy(&data);
        let id = text
            .lines()
            .take_while(|line| !line.is_empty())
            .find_map(|line| line.strip_prefix("Message-ID:").map(|v| v.trim().to_owned()))
            .unwrap_or_default();
        *self.message_ids.lock().unwrap().entry(id).or_default() += 1;
        self.received.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        mailin_embedded::response::OK
    }
}

impl SmtpSink {
    pub fn start() -> anyhow::Result<SmtpSink> {
        Self::start_on(std::net::TcpListener::bind("127.0.0.1:0")?, SinkOptions::default())
    }

    pub fn start_on(listener: std::net::TcpListener, options: SinkOptions) -> anyhow::Result<SmtpSink> {
        let port = listener.local_addr()?.port();
        let received = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let message_ids = std::sync::Arc::default();
        let handler = CountingHandler {
            received: received.clone(),
            message_ids: std::sync::Arc::clone(&message_ids),
            delay: options.delay,
            data: Vec::new(),
        };
        let mut server = mailin_embedded::Server::new(handler);
        server
            .with_name("smtp.bench")
            .with_ssl(mailin_embedded::SslConfig::None)
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .with_num_threads(options.threads)
            .with_tcp_listener(listener);
        std::thread::spawn(move || {
            let _ = server.serve();
        });
        Ok(SmtpSink { url: format!("smtp://127.0.0.1:{port}"), port, received, message_ids })
    }

    /// Distinct `Message-ID`s received, and the copies beyond the first of each.
    pub fn distinct_and_duplicates(&self) -> (u64, u64) {
        let ids = self.message_ids.lock().unwrap();
        let duplicates = ids.values().map(|&n| u64::from(n) - 1).sum();
        (ids.len() as u64, duplicates)
    }
}

/// What closed-loop clients measured on one endpoint at one concurrency level.
pub struct Run {
    pub endpoint: String,
    pub clients: usize,
    pub seconds: f64,
    /// Sorted.
    pub latencies_us: Vec<u64>,
    pub errors: u64,
    pub error_samples: Vec<String>,
}

/// `clients` closed-loop clients requesting `endpoint` (a path) with GET for `duration`; a non-2xx
/// answer counts as an error.
pub async fn drive_gets(
    http: &reqwest::Client,
    address: &str,
    endpoint: &str,
    clients: usize,
    duration: Duration,
) -> Run {
    let started = Instant::now();
    let deadline = started + duration;
    let url = format!("{address}{endpoint}");
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let (http, url) = (http.clone(), url.clone());
            tokio::spawn(async move {
                let (mut latencies, mut errors, mut samples) = (Vec::new(), 0u64, Vec::new());
                while Instant::now() < deadline {
                    let sent = Instant::now();
                    let outcome = match http.get(&url).send().await {
                        Ok(r) if r.status().is_success() => r.bytes().await.map(|_| ()).map_err(|e| e.to_string()),
                        Ok(r) => {
                            let status = r.status();
                            let body: String = r.text().await.unwrap_or_default().chars().take(200).collect();
                            Err(format!("{status} {body}"))
                        }
                        Err(e) => Err(e.to_string()),
                    };
                    latencies.push(sent.elapsed().as_micros() as u64);
                    if let Err(sample) = outcome {
                        errors += 1;
                        if samples.len() < 2 {
                            samples.push(sample);
                        }
                    }
                }
                (latencies, errors, samples)
            })
        })
        .collect();
    let mut run = Run {
        endpoint: endpoint.to_owned(),
        clients,
        seconds: 0.0,
        latencies_us: Vec::new(),
        errors: 0,
        error_samples: Vec::new(),
    };
    for task in tasks {
        if let Ok((latencies, errors, samples)) = task.await {
            run.latencies_us.extend(latencies);
            run.errors += errors;
            run.error_samples.extend(samples);
        }
    }
    run.seconds = started.elapsed().as_secs_f64();
    run.latencies_us.sort_unstable();
    run
}

/// The runs as a markdown table, with how they were measured and the machine's load.
pub fn print_get_table(runs: &[Run], seconds: u64, warmup: u64, load_before: &str) {
    println!();
    println!("| endpoint | clients | requests | errors | requests/s | p50 ms | p95 ms | p99 ms | max ms |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for r in runs {
        println!(
            "| `{}` | {} | {} | {} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} |",
            r.endpoint,
            r.clients,
            r.latencies_us.len(),
            r.errors,
            r.latencies_us.len() as f64 / r.seconds,
            percentile_ms(&r.latencies_us, 0.50),
            percentile_ms(&r.latencies_us, 0.95),
            percentile_ms(&r.latencies_us, 0.99),
            r.latencies_us.last().copied().unwrap_or_default() as f64 / 1000.0,
        );
    }
    println!();
    println!(
        "({seconds}s per endpoint and level after {warmup}s warm-up; closed loop; every request counts, errors \
         (non-2xx) included; server, clients and database share {} CPUs; load average before {load_before}, \
         after {})",
        cpus(),
        load_average()
    );
    for sample in runs.iter().flat_map(|r| r.error_samples.iter()).take(5) {
        println!("error sample: {sample}");
    }
}

/// CPU time spent from [`CpuClock::start`] to [`CpuClock::stop`], in microseconds.
pub struct CpuUsed {
    /// This process: the server and the benchmark's clients together.
    pub process_us: u64,
    /// Every process named `postgres` (the backends serving the pool), as far as `/proc` shows them.
    pub postgres_us: u64,
    /// The whole machine, other work included.
    pub machine_us: u64,
}

/// Reads the CPU time used by this process, PostgreSQL and the machine, from `/proc` (Linux; zeros
/// elsewhere).
pub struct CpuClock {
    at_start: CpuUsed,
}

impl CpuClock {
    pub fn start() -> CpuClock {
        CpuClock { at_start: cpu_now() }
    }

    pub fn stop(self) -> CpuUsed {
        let now = cpu_now();
        CpuUsed {
            process_us: now.process_us.saturating_sub(self.at_start.process_us),
            postgres_us: now.postgres_us.saturating_sub(self.at_start.postgres_us),
            machine_us: now.machine_us.saturating_sub(self.at_start.machine_us),
        }
    }
}

/// Linux reports CPU time in `/proc` in ticks of 1/100 s (`USER_HZ`).
const US_PER_TICK: u64 = 10_000;

fn cpu_now() -> CpuUsed {
    let postgres_us = std::fs::read_dir("/proc")
        .map(|dir| {
            dir.flatten()
                .filter(|entry| entry.file_name().to_string_lossy().bytes().all(|b| b.is_ascii_digit()))
                .filter_map(|entry| std::fs::read_to_string(entry.path().join("stat")).ok())
                .filter(|stat| stat.contains("(postgres)"))
                .map(|stat| process_ticks(&stat) * US_PER_TICK)
                .sum()
        })
        .unwrap_or(0);
    let process_us = std::fs::read_to_string("/proc/self/stat").map(|s| process_ticks(&s) * US_PER_TICK).unwrap_or(0);
    // The first line of /proc/stat: cpu user nice system idle iowait irq softirq steal …
    let machine_us = std::fs::read_to_string("/proc/stat")
        .ok()
        .and_then(|s| s.lines().next().map(str::to_owned))
        .map(|line| {
            let ticks: Vec<u64> = line.split_whitespace().skip(1).filter_map(|n| n.parse().ok()).collect();
            let busy = |i: usize| ticks.get(i).copied().unwrap_or(0);
            (busy(0) + busy(1) + busy(2) + busy(5) + busy(6) + busy(7)) * US_PER_TICK
        })
        .unwrap_or(0);
    CpuUsed { process_us, postgres_us, machine_us }
}

/// User and system ticks of one `/proc/<pid>/stat` line (fields 14 and 15, counted after the name).
fn process_ticks(stat: &str) -> u64 {
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let field = |i: usize| fields.get(i).and_then(|n| n.parse::<u64>().ok()).unwrap_or(0);
    field(11) + field(12)
}
