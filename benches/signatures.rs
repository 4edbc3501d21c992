//! Petition signatures per second through the real HTTP API.
//!
//! Starts the real server in-process on a fresh database, creates verified signers with live sessions
//! (written in bulk: logging in 300,000 people through Argon2 is not what is measured), publishes
//! petitions, and runs closed-loop clients that sign through `POST /api/v1/petitions/{id}/signatures`:
//! all on one hot petition, and spread over many. Each signer signs a petition once. Afterwards it checks,
//! per petition, that every acknowledged signature is stored, confirmed and counted; exits non-zero if not.
//!
//! ```text
//! cargo bench --bench signatures -- --database postgres --seconds 60 --clients 1,16,64
//! cargo bench --bench signatures -- --database sqlite --seconds 20
//! cargo bench --bench signatures -- --smoke
//! ```
#![allow(clippy::too_many_lines)] // a story or a benchmark reads top to bottom (clippy.toml: 80 lines elsewhere)
mod support;

use std::{
    collections::HashMap,
    process::ExitCode,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use clap::Parser;
use sea_orm::DatabaseConnection;
use support::{
    Backend, percentile_ms,
    petitions::{SIGN_BODY, publish_petitions, signers_with_sessions, statute_without_limit, verify_counted},
};

#[derive(Debug, Parser)]
#[command(name = "signatures", about = "Petition signatures per second through the HTTP API")]
struct Args {
    #[arg(long, value_enum, default_value = "sqlite")]
    database: Backend,
    /// PostgreSQL: any database of the server to create the fresh `hromada_bench_*` database on.
    #[arg(long, env = "BENCH_DATABASE_URL")]
    database_url: Option<String>,
    /// Measured seconds per run.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Unmeasured seconds before each run, on the same petitions (their signatures are still verified).
    #[arg(long, default_value_t = 2)]
    warmup: u64,
    #[arg(long, value_delimiter = ',', default_value = "1,16,64")]
    clients: Vec<usize>,
    /// How many petitions the `spread` scenario signs (chosen per request).
    #[arg(long, default_value_t = 200)]
    petitions: usize,
    /// Signers to create; each signs each petition at most once. Default: enough for 8,000/s.
    #[arg(long)]
    signers: Option<usize>,
    /// 3 s runs at 1 and 8 clients on SQLite-sized numbers (explicit flags still win).
    #[arg(long)]
    smoke: bool,
    /// Fail (exit 1) when the hot petition at the highest level signs fewer than this per second.
    #[arg(long)]
    min_throughput: Option<f64>,
    /// Fail (exit 1) when its p99 exceeds this many milliseconds.
    #[arg(long)]
    max_p99_ms: Option<f64>,
    #[command(flatten)]
    switches: support::Switches,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scenario {
    /// Everybody signs the same petition (the viral case).
    Hot,
    /// Each signature goes to one of many petitions.
    Spread,
}

struct Run {
    scenario: Scenario,
    clients: usize,
    seconds: f64,
    latencies_us: Vec<u64>,
    errors: u64,
    /// Acknowledged (201) signatures per petition.
    acknowledged: HashMap<i32, u64>,
    error_samples: Vec<String>,
    ran_out: bool,
    errors_in_warmup: u64,
}

impl Run {
    fn throughput(&self) -> f64 {
        (self.latencies_us.len() as u64 - self.errors) as f64 / self.seconds
    }
}

fn main() -> ExitCode {
    let mut args = Args::parse();
    if args.smoke {
        support::smoke_default("--seconds", &mut args.seconds, 3);
        support::smoke_default("--clients", &mut args.clients, vec![1, 8]);
        support::smoke_default("--petitions", &mut args.petitions, 20);
    }
    if args.clients.is_empty() || args.clients.contains(&0) || args.seconds == 0 || args.petitions == 0 {
        eprintln!("--clients, --seconds and --petitions must be positive");
        return ExitCode::from(2);
    }
    support::exit_code(run(args))
}

async fn run(args: Args) -> anyhow::Result<bool> {
    support::log_if(args.switches.log);
    let database = (args.database, args.database_url.as_deref());
    support::on_fresh_server(database, args.switches.keep_database, async |server| {
        bench(&args, &server.address, &server.db).await
    })
    .await
}

async fn bench(args: &Args, address: &str, db: &DatabaseConnection) -> anyhow::Result<bool> {
    let setup = Instant::now();
    let council = statute_without_limit(db).await?;
    let signers = args.signers.unwrap_or((((args.seconds + args.warmup) as usize) * 8000).max(20_000));
    eprintln!("creating {signers} verified signers with sessions…");
    let tokens = Arc::new(signers_with_sessions(db, signers).await?);
    if args.database == Backend::Postgres {
        // Settle the bulk insert (statistics, a checkpoint) so the first run does not pay for it.
        use sea_orm::ConnectionTrait;
        db.execute_unprepared("VACUUM ANALYZE accounts, sessions").await?;
        db.execute_unprepared("CHECKPOINT").await?;
    }
    eprintln!("setup took {:.1} s", setup.elapsed().as_secs_f64());
    let http = reqwest::Client::builder().timeout(Duration::from_secs(60)).pool_max_idle_per_host(256).build()?;
    let load_before = support::load_average();

    let mut runs = Vec::new();
    // Signers are handed out in order within a run (warm-up included) and reused by the next run's petitions.
    let next_signer = Arc::new(AtomicUsize::new(0));
    for scenario in [Scenario::Hot, Scenario::Spread] {
        for &clients in &args.clients {
            let count = if scenario == Scenario::Hot { 1 } else { args.petitions };
            let petitions = publish_petitions(db, council, count).await?;
            let warm = if args.warmup > 0 {
                let warmup = Duration::from_secs(args.warmup);
                Some(drive(&http, address, &tokens, &petitions, scenario, clients, warmup, &next_signer).await)
            } else {
                None
            };
            let mut run = drive(
                &http,
                address,
                &tokens,
                &petitions,
                scenario,
                clients,
                Duration::from_secs(args.seconds),
                &next_signer,
            )
            .await;
            if let Some(warm) = warm {
                for (petition, n) in warm.acknowledged {
                    *run.acknowledged.entry(petition).or_default() += n;
                }
                run.errors_in_warmup = warm.errors;
                run.ran_out |= warm.ran_out;
            }
            next_signer.store(0, Ordering::Relaxed);
            eprintln!(
                "{} {:?} {clients:>3} clients: {:.0} signatures/s, p99 {:.1} ms, {} errors",
                args.database.name(),
                scenario,
                run.throughput(),
                percentile_ms(&run.latencies_us, 0.99),
                run.errors
            );
            runs.push(run);
        }
    }

    println!();
    println!(
        "{:<9} {:<7} {:>7} {:>9} {:>7} {:>12} {:>8} {:>8} {:>8} {:>8}",
        "database", "case", "clients", "requests", "errors", "signatures/s", "p50 ms", "p90 ms", "p99 ms", "max ms"
    );
    for r in &runs {
        println!(
            "{:<9} {:<7} {:>7} {:>9} {:>7} {:>12.1} {:>8.2} {:>8.2} {:>8.2} {:>8.2}",
            args.database.name(),
            format!("{:?}", r.scenario).to_lowercase(),
            r.clients,
            r.latencies_us.len(),
            r.errors,
            r.throughput(),
            percentile_ms(&r.latencies_us, 0.50),
            percentile_ms(&r.latencies_us, 0.90),
            percentile_ms(&r.latencies_us, 0.99),
            r.latencies_us.last().copied().unwrap_or_default() as f64 / 1000.0,
        );
    }
    println!(
        "({}s per run after {}s warm-up; every request counts, errors included; server, clients and database share {} CPUs; \
         load average before {load_before}, after {})",
        args.seconds,
        args.warmup,
        support::cpus(),
        support::load_average()
    );
    for sample in runs.iter().flat_map(|r| r.error_samples.iter()).take(5) {
        println!("error sample: {sample}");
    }
    let warmup_errors: u64 = runs.iter().map(|r| r.errors_in_warmup).sum();
    if warmup_errors > 0 {
        println!("note: {warmup_errors} requests failed during warm-ups");
    }
    if runs.iter().any(|r| r.ran_out) {
        println!("note: the signers ran out in some run; give more with --signers");
    }

    let mut passed = verify(db, &runs).await?;
    let hot = runs.iter().filter(|r| r.scenario == Scenario::Hot).max_by_key(|r| r.clients).expect("a hot run");
    if let Some(min) = args.min_throughput
        && hot.throughput() < min
    {
        println!("FAIL: {:.1} signatures/s on the hot petition is below --min-throughput {min}", hot.throughput());
        passed = false;
    }
    if let Some(max) = args.max_p99_ms
        && percentile_ms(&hot.latencies_us, 0.99) > max
    {
        println!(
            "FAIL: p99 {:.2} ms on the hot petition is over --max-p99-ms {max}",
            percentile_ms(&hot.latencies_us, 0.99)
        );
        passed = false;
    }
    Ok(passed)
}

#[allow(clippy::too_many_arguments)]
async fn drive(
    http: &reqwest::Client,
    address: &str,
    tokens: &Arc<Vec<String>>,
    petitions: &[i32],
    scenario: Scenario,
    clients: usize,
    duration: Duration,
    next_signer: &Arc<AtomicUsize>,
) -> Run {
    let deadline = Instant::now() + duration;
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|client| {
            let (http, tokens, next_signer) = (http.clone(), tokens.clone(), next_signer.clone());
            // Each petition's address formatted once, not per request.
            let urls: Vec<(i32, String)> =
                petitions.iter().map(|id| (*id, format!("{address}/api/v1/petitions/{id}/signatures"))).collect();
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut errors = 0;
                let mut acknowledged: HashMap<i32, u64> = HashMap::new();
                let mut samples = Vec::new();
                let mut ran_out = false;
                let mut n = client;
                while Instant::now() < deadline {
                    let signer = next_signer.fetch_add(1, Ordering::Relaxed);
                    let Some(token) = tokens.get(signer) else {
                        ran_out = true;
                        break;
                    };
                    n = n.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    let (petition, url) = match scenario {
                        Scenario::Hot => &urls[0],
                        Scenario::Spread => &urls[(n >> 33) % urls.len()],
                    };
                    let petition = *petition;
                    let sent = Instant::now();
                    // The same request as `.json(&json!({"notify": false}))`, without serialising it each time.
                    let response = http
                        .post(url)
                        .bearer_auth(token)
                        .header(reqwest::header::CONTENT_TYPE, "application/json")
                        .body(SIGN_BODY)
                        .send()
                        .await;
                    let outcome = match response {
                        Ok(r) if r.status().as_u16() == 201 => {
                            let _ = r.bytes().await;
                            Ok(())
                        }
                        Ok(r) => Err(format!("{} {}", r.status(), r.text().await.unwrap_or_default())),
                        Err(e) => Err(e.to_string()),
                    };
                    latencies.push(sent.elapsed().as_micros() as u64);
                    match outcome {
                        Ok(()) => *acknowledged.entry(petition).or_default() += 1,
                        Err(sample) => {
                            errors += 1;
                            if samples.len() < 3 {
                                samples.push(sample);
                            }
                        }
                    }
                }
                (latencies, errors, acknowledged, samples, ran_out)
            })
        })
        .collect();
    let mut run = Run {
        scenario,
        clients,
        seconds: 0.0,
        latencies_us: Vec::new(),
        errors: 0,
        acknowledged: HashMap::new(),
        error_samples: Vec::new(),
        ran_out: false,
        errors_in_warmup: 0,
    };
    for task in tasks {
        if let Ok((latencies, errors, acknowledged, samples, ran_out)) = task.await {
            run.latencies_us.extend(latencies);
            run.errors += errors;
            for (petition, n) in acknowledged {
                *run.acknowledged.entry(petition).or_default() += n;
            }
            run.error_samples.extend(samples);
            run.ran_out |= ran_out;
        }
    }
    run.seconds = started.elapsed().as_secs_f64();
    run.latencies_us.sort_unstable();
    run
}

/// Every acknowledged signature is stored as confirmed, and each petition's count says so.
async fn verify(db: &DatabaseConnection, runs: &[Run]) -> anyhow::Result<bool> {
    let mut acknowledged: HashMap<i32, u64> = HashMap::new();
    for run in runs {
        for (petition, n) in &run.acknowledged {
            *acknowledged.entry(*petition).or_default() += n;
        }
    }
    verify_counted(db, &acknowledged).await
}
