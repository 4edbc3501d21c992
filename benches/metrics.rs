//! Response-rate figures at scale: the organisation metrics table, the A07/C03 evidence and the rankings
//! for a year, read through the real HTTP API from a generated data set (`hromada generate`) — or, with
//! `--endpoints pages`, the watchdog's web pages that show them.
//!
//! Fills a fresh database with the generator (1,000,000 appeals and 100,000 petitions by default) — or
//! reads an already generated one given with `--database-url` — starts the real server on it, and runs
//! closed-loop clients against each endpoint in turn. Every non-2xx answer counts as an error.
//!
//! ```text
//! cargo bench --bench metrics -- --database postgres --keep-database          # generate, measure, keep
//! cargo bench --bench metrics -- --database-url postgres://postgres@127.0.0.1/hromada_gen --seconds 30
//! cargo bench --bench metrics -- --smoke                                      # small, SQLite, 3 s each
//! cargo bench --bench metrics -- --database-url postgres://… --endpoints pages --clients 4 --max-p95-ms 150
//! ```
#![allow(clippy::too_many_lines)] // a story or a benchmark reads top to bottom (clippy.toml: 80 lines elsewhere)
mod support;

use std::{
    process::ExitCode,
    time::{Duration, Instant},
};

use chrono::{Datelike, NaiveDate, Utc};
use clap::{Parser, ValueEnum};
use hromada::{domain::calendar::kyiv_date, generate};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use support::{Backend, drive_gets as drive, percentile_ms};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Period {
    /// `period=YYYY`, the calendar year of `--end`.
    Year,
    /// `from=…&to=…`, the 365 days ending on `--end` (the whole generated history).
    Last365,
}

/// Which endpoints are measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Endpoints {
    /// The JSON metrics, indicators and rankings.
    Api,
    /// The watchdog's web pages (statistics, an organisation, A07, C03, rankings, petitions, open data,
    /// audit, widgets, the map of reports): issue #15's p95 ≤ 150 ms at 4 clients.
    Pages,
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
    #[arg(long, value_enum, default_value = "api")]
    endpoints: Endpoints,
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
    #[command(flatten)]
    switches: support::Switches,
}

fn main() -> ExitCode {
    let mut args = Args::parse();
    if args.smoke {
        support::smoke_default("--seconds", &mut args.seconds, 3);
        support::smoke_default("--warmup", &mut args.warmup, 1);
        support::smoke_default("--appeals", &mut args.appeals, 20_000);
        support::smoke_default("--petitions", &mut args.petitions, 2_000);
        support::smoke_default("--database", &mut args.database, Backend::Sqlite);
    }
    if args.clients.is_empty() || args.clients.contains(&0) || args.seconds == 0 {
        eprintln!("--clients and --seconds must be positive");
        return ExitCode::from(2);
    }
    support::exit_code(run(args))
}

async fn run(args: Args) -> anyhow::Result<bool> {
    support::log_if(args.switches.log);
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
    let result = bench(&args, end, &server.address, &server.db).await;
    server.stop(args.switches.keep_database || args.database_url.is_some()).await?;
    result
}

async fn bench(args: &Args, end: NaiveDate, address: &str, db: &DatabaseConnection) -> anyhow::Result<bool> {
    let period = match args.period {
        Period::Year => format!("period={}", end.year()),
        Period::Last365 => format!("from={}&to={end}", end - chrono::Duration::days(364)),
    };
    let endpoints = match args.endpoints {
        Endpoints::Api => vec![
            format!("/api/v1/metrics/appeals?{period}&group_by=organisation"),
            format!("/api/v1/metrics/appeals?{period}&group_by=organisation_category"),
            format!("/api/v1/metrics/petitions?{period}"),
            format!("/api/v1/indicators?{period}"),
            format!("/api/v1/metrics/rankings?{period}"),
        ],
        Endpoints::Pages => pages(db, &period).await?,
    };
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

    support::print_get_table(&runs, args.seconds, args.warmup, &load_before);
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

/// The watchdog's pages for the period: the busiest organisation's page and widget, and the widget of
/// the published petition with the most signatures.
async fn pages(db: &DatabaseConnection, period: &str) -> anyhow::Result<Vec<String>> {
    let organisation = first_id(
        db,
        "SELECT executor_id FROM appeal_month_tallies GROUP BY executor_id ORDER BY SUM(received) DESC LIMIT 1",
    )
    .await?;
    let petition = first_id(
        db,
        "SELECT id FROM petitions WHERE published_at IS NOT NULL ORDER BY signature_count DESC, id LIMIT 1",
    )
    .await?;
    Ok(vec![
        format!("/statistics?{period}"),
        format!("/statistics/organisations/{organisation}?{period}"),
        format!("/statistics/a07?{period}"),
        format!("/statistics/c03?{period}"),
        format!("/statistics/rankings?{period}"),
        format!("/statistics/petitions?{period}"),
        format!("/statistics/map?{period}"),
        format!("/open-data?{period}"),
        "/audit".to_owned(),
        format!("/widgets/organisations/{organisation}"),
        format!("/widgets/petitions/{petition}"),
    ])
}

async fn first_id(db: &DatabaseConnection, sql: &str) -> anyhow::Result<i32> {
    let statement = Statement::from_string(db.get_database_backend(), sql.to_owned());
    let row = db.query_one_raw(statement).await?.ok_or_else(|| anyhow::anyhow!("no row for {sql}"))?;
    Ok(row.try_get_by_index(0)?)
}
