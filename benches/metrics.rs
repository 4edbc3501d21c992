//! Response-rate figures at scale: the organisation metrics table, the A07/C03 evidence and the rankings
//! for a year, read through the real HTTP API from a generated data set (`hromada generate`).
//!
//! Fills a fresh database with the generator (1,000,000 appeals and 100,000 petitions by default) — or
//! reads an already generated one given with `--database-url` — starts the real server on it, and runs
//! closed-loop clients against each endpoint in turn. Every non-2xx answer counts as an error.
//!
//! ```text
//! cargo bench --bench metrics -- --database postgres --keep-database          # generate, measure, keep
//! cargo bench --bench metrics -- --database-url postgres://postgres@127.0.0.1/hromada_gen --seconds 30
//! cargo bench --bench metrics -- --smoke                                      # small, SQLite, 3 s each
//! ```
mod support;

use std::{
    process::ExitCode,
    time::{Duration, Instant},
};

use chrono::{Datelike, NaiveDate, Utc};
use clap::{Parser, ValueEnum};
use hromada::{domain::calendar::kyiv_date, generate};
use support::{Backend, percentile_ms};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Period {
    /// `period=YYYY`, the calendar year of `--end`.
    Year,
    /// `from=…&to=…`, the 365 days ending on `--end` (the whole generated history).
    Last365,
}

#[derive(Debug, Parser)]
#[command(name = "metrics", about = "Metrics, indicator and ranking endpoints on a generated year")]
struct Args {
    /// Where to generate when no `--database-url` is given.
    #[arg(long, value_enum, default_value = "postgres")]
    database: Backend,
    /// PostgreSQL: any database of the server to create the fresh `hromada_bench_*` database on.
    #[arg(long, env = "BENCH_SERVER_URL")]
    server_url: Option<String>,
    /// An already generated database to read (nothing is generated, nothing is dropped).
    #[arg(long, env = "BENCH_DATABASE_URL")]
    database_url: Option<String>,
    #[arg(long, default_value_t = 1_000_000)]
    appeals: u64,
    #[arg(long, default_value_t = 100_000)]
    petitions: u64,
    #[arg(long, default_value_t = 2026)]
    seed: u64,
    /// The last day of the generated history (default: today); also what `--period` is counted from.
    #[arg(long)]
    end: Option<NaiveDate>,
    #[arg(long, value_enum, default_value = "year")]
    period: Period,
    /// Measured seconds per endpoint and concurrency level.
    #[arg(long, default_value_t = 30)]
    seconds: u64,
    /// Unmeasured seconds before each measurement (caches, connections).
    #[arg(long, default_value_t = 3)]
    warmup: u64,
    #[arg(long, value_delimiter = ',', default_value = "1,4")]
    clients: Vec<usize>,
    /// 20,000 appeals and 2,000 petitions on SQLite, 3 s per endpoint (explicit flags still win).
    #[arg(long)]
    smoke: bool,
    /// Fail (exit 1) when any endpoint's p95 exceeds this many milliseconds, or any request fails.
    #[arg(long)]
    max_p95_ms: Option<f64>,
    /// Recompute the metric tallies of a reused database first (after a migration changed them).
    #[arg(long)]
    rebuild_tallies: bool,
    #[arg(long)]
    keep_database: bool,
    #[arg(long)]
    log: bool,
    /// Passed by `cargo bench`; ignored.
    #[arg(long, hide = true)]
    bench: bool,
}

struct Run {
    endpoint: String,
    clients: usize,
    seconds: f64,
    latencies_us: Vec<u64>,
    errors: u64,
    error_samples: Vec<String>,
}

fn main() -> ExitCode {
    let mut args = Args::parse();
    if args.smoke {
        let explicit = |flag: &str| std::env::args().any(|a| a == flag || a.starts_with(&format!("{flag}=")));
        if !explicit("--seconds") {
            args.seconds = 3;
        }
        if !explicit("--warmup") {
            args.warmup = 1;
        }
        if !explicit("--appeals") {
            args.appeals = 20_000;
        }
        if !explicit("--petitions") {
            args.petitions = 2_000;
        }
        if !explicit("--database") {
            args.database = Backend::Sqlite;
        }
    }
    if args.clients.is_empty() || args.clients.contains(&0) || args.seconds == 0 {
        eprintln!("--clients and --seconds must be positive");
        return ExitCode::from(2);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a tokio runtime");
    match runtime.block_on(run(args)) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("benchmark failed: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> anyhow::Result<bool> {
    if args.log {
        hromada::telemetry::init(hromada::config::LogFormat::Text, "info");
    }
    let end = args.end.unwrap_or_else(|| kyiv_date(Utc::now()));
    let database = match &args.database_url {
        Some(url) => {
            eprintln!("reading the generated database {url}");
            support::existing_database(url)
        }
        None => {
            let fresh = support::fresh_database(args.database, args.server_url.as_deref()).await?;
            eprintln!("generating {} appeals and {} petitions into {}…", args.appeals, args.petitions, fresh.url);
            let db = hromada::storage::connect(&fresh.url).await?;
            let mut options = generate::Options::new(args.appeals, args.petitions, end);
            options.seed = args.seed;
            options.progress = true;
            let report = generate::run(&db, &options).await?;
            eprintln!("{report}");
            db.close().await?;
            fresh
        }
    };
    let server = support::start(database).await?;
    if args.rebuild_tallies {
        let started = Instant::now();
        let counted = hromada::storage::metrics::rebuild(&server.db).await?;
        eprintln!(
            "tallies rebuilt over {} appeals and {} petitions in {:.1} s",
            counted.appeals,
            counted.petitions,
            started.elapsed().as_secs_f64()
        );
    }
    let result = bench(&args, end, &server.address).await;
    server.stop(args.keep_database || args.database_url.is_some()).await?;
    result
}

async fn bench(args: &Args, end: NaiveDate, address: &str) -> anyhow::Result<bool> {
    let period = match args.period {
        Period::Year => format!("period={}", end.year()),
        Period::Last365 => format!("from={}&to={end}", end - chrono::Duration::days(364)),
    };
    let endpoints = [
        format!("/api/v1/metrics/appeals?{period}&group_by=organisation"),
        format!("/api/v1/metrics/appeals?{period}&group_by=organisation_category"),
        format!("/api/v1/metrics/petitions?{period}"),
        format!("/api/v1/indicators?{period}"),
        format!("/api/v1/metrics/rankings?{period}"),
    ];
    let http = reqwest::Client::builder().timeout(Duration::from_secs(120)).pool_max_idle_per_host(64).build()?;
    let load_before = support::load_average();
    let mut runs = Vec::new();
    for &clients in &args.clients {
        for endpoint in &endpoints {
            if args.warmup > 0 {
                drive(&http, address, endpoint, clients, Duration::from_secs(args.warmup)).await;
            }
            let run = drive(&http, address, endpoint, clients, Duration::from_secs(args.seconds)).await;
            eprintln!(
                "{clients} clients {endpoint}: {} requests, p95 {:.1} ms, {} errors",
                run.latencies_us.len(),
                percentile_ms(&run.latencies_us, 0.95),
                run.errors
            );
            runs.push(run);
        }
    }

    println!();
    println!("| endpoint | clients | requests | errors | requests/s | p50 ms | p95 ms | p99 ms | max ms |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for r in &runs {
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
        "({}s per endpoint and level after {}s warm-up; closed loop; every request counts, errors (non-2xx) \
         included; server, clients and database share {} CPUs; load average before {load_before}, after {})",
        args.seconds,
        args.warmup,
        support::cpus(),
        support::load_average()
    );
    for sample in runs.iter().flat_map(|r| r.error_samples.iter()).take(5) {
        println!("error sample: {sample}");
    }
    let mut passed = true;
    if let Some(max) = args.max_p95_ms {
        for r in &runs {
            let p95 = percentile_ms(&r.latencies_us, 0.95);
            if p95 > max || r.errors > 0 {
                println!("FAIL: {} at {} clients: p95 {p95:.1} ms, {} errors", r.endpoint, r.clients, r.errors);
                passed = false;
            }
        }
    }
    Ok(passed)
}

/// `clients` closed-loop clients requesting `endpoint` for `duration`.
async fn drive(http: &reqwest::Client, address: &str, endpoint: &str, clients: usize, duration: Duration) -> Run {
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
