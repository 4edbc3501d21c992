//! The viral petition: one petition read and signed at the same time through the real server.
//!
//! Starts the real server in-process on a fresh database, publishes one petition, and runs closed-loop
//! readers fetching its HTML page `/petitions/{id}` as a first-time browser visitor would (no cookies,
//! gzip accepted) beside closed-loop signers signing it through `POST /api/v1/petitions/{id}/signatures`
//! with verified accounts (their sessions written in bulk beforehand: Argon2 logins are not measured).
//! Phases: readers alone, signers alone (the cost of each), then both together (the viral case; the UK
//! petitions site fell over in 2019 because signing blocked the reads). Afterwards every acknowledged
//! signature must be stored and counted; exits non-zero if one was lost or a target is missed.
//!
//! ```text
//! cargo bench --bench viral -- --seconds 20 --readers 32 --signers 32 \
//!     --min-views 3000 --min-signatures 3000 --max-page-p99-ms 50
//! cargo bench --bench viral -- --database sqlite
//! cargo bench --bench viral -- --smoke
//! ```
mod support;

use std::{
    collections::HashMap,
    future::Future,
    process::ExitCode,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use clap::{Parser, ValueEnum};
use reqwest::header;
use sea_orm::DatabaseConnection;
use support::{
    Backend, percentile_ms,
    petitions::{SIGN_BODY, publish_petitions, signers_with_sessions, statute_without_limit, verify_counted},
};

#[derive(Debug, Parser)]
#[command(name = "viral", about = "One petition read and signed at the same time")]
struct Args {
    #[arg(long, value_enum, default_value = "postgres")]
    database: Backend,
    /// PostgreSQL: any database of the server to create the fresh `hromada_bench_*` database on.
    #[arg(long, env = "BENCH_DATABASE_URL")]
    database_url: Option<String>,
    /// Measured seconds per phase.
    #[arg(long, default_value_t = 20)]
    seconds: u64,
    /// Unmeasured seconds before each phase (its signatures are still verified).
    #[arg(long, default_value_t = 3)]
    warmup: u64,
    /// Closed-loop clients reading the petition's page.
    #[arg(long, default_value_t = 32)]
    readers: usize,
    /// Closed-loop clients signing it (each signature by another account).
    #[arg(long, default_value_t = 32)]
    signers: usize,
    /// Accounts to create; each signs once. Default: enough for 4,000 signatures/s in every phase.
    #[arg(long)]
    accounts: Option<usize>,
    #[arg(long, value_enum, value_delimiter = ',', default_value = "views,signatures,together")]
    phases: Vec<Phase>,
    /// 3 s phases with 4 readers and 4 signers (explicit flags still win).
    #[arg(long)]
    smoke: bool,
    /// Fail (exit 1) when the last phase serves fewer page views per second.
    #[arg(long)]
    min_views: Option<f64>,
    /// Fail (exit 1) when the last phase takes fewer signatures per second.
    #[arg(long)]
    min_signatures: Option<f64>,
    /// Fail (exit 1) when the last phase's page p99 exceeds this many milliseconds.
    #[arg(long)]
    max_page_p99_ms: Option<f64>,
    #[command(flatten)]
    switches: support::Switches,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Phase {
    /// Readers alone.
    Views,
    /// Signers alone.
    Signatures,
    /// Both at once: the viral petition.
    Together,
}

impl Phase {
    fn clients(self, args: &Args) -> (usize, usize) {
        match self {
            Phase::Views => (args.readers, 0),
            Phase::Signatures => (0, args.signers),
            Phase::Together => (args.readers, args.signers),
        }
    }
}

/// What one kind of closed-loop client measured.
#[derive(Default)]
struct Samples {
    /// Sorted.
    latencies_us: Vec<u64>,
    errors: u64,
    error_samples: Vec<String>,
    ran_out: bool,
}

impl Samples {
    fn succeeded(&self) -> u64 {
        self.latencies_us.len() as u64 - self.errors
    }
}

struct Measured {
    phase: Phase,
    readers: usize,
    signers: usize,
    seconds: f64,
    views: Samples,
    signatures: Samples,
    cpu: support::CpuUsed,
}

impl Measured {
    fn views_per_second(&self) -> f64 {
        self.views.succeeded() as f64 / self.seconds
    }

    fn signatures_per_second(&self) -> f64 {
        self.signatures.succeeded() as f64 / self.seconds
    }
}

fn main() -> ExitCode {
    let mut args = Args::parse();
    if args.smoke {
        support::smoke_default("--seconds", &mut args.seconds, 3);
        support::smoke_default("--warmup", &mut args.warmup, 1);
        support::smoke_default("--readers", &mut args.readers, 4);
        support::smoke_default("--signers", &mut args.signers, 4);
    }
    if args.seconds == 0 || args.phases.is_empty() || args.readers + args.signers == 0 {
        eprintln!("--seconds, --phases and --readers or --signers must be given");
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
    let signing_phases = args.phases.iter().filter(|p| p.clients(args).1 > 0).count().max(1);
    let accounts = args.accounts.unwrap_or(((args.seconds + args.warmup) as usize * signing_phases * 4000).max(20_000));
    eprintln!("creating {accounts} verified signers with sessions…");
    let tokens = Arc::new(signers_with_sessions(db, accounts).await?);
    let petition = publish_petitions(db, council, 1).await?[0];
    if args.database == Backend::Postgres {
        // Settle the bulk insert (statistics, a checkpoint) so the first phase does not pay for it.
        use sea_orm::ConnectionTrait;
        db.execute_unprepared("VACUUM ANALYZE accounts, sessions").await?;
        db.execute_unprepared("CHECKPOINT").await?;
    }
    eprintln!("setup took {:.1} s", setup.elapsed().as_secs_f64());
    let clients = (args.readers + args.signers) * 2;
    let http = reqwest::Client::builder().timeout(Duration::from_secs(60)).pool_max_idle_per_host(clients).build()?;
    let page_url = format!("{address}/petitions/{petition}");
    probe_page(&http, &page_url).await?;
    let load_before = support::load_average();

    let sign_url = format!("{address}/api/v1/petitions/{petition}/signatures");
    let next_signer = Arc::new(AtomicUsize::new(0));
    let mut acknowledged = 0;
    let mut phases = Vec::new();
    for &phase in &args.phases {
        let (readers, signers) = phase.clients(args);
        let urls = (page_url.as_str(), sign_url.as_str());
        if args.warmup > 0 {
            let warmup = Duration::from_secs(args.warmup);
            let (_, views, signatures) = drive(&http, urls, &tokens, &next_signer, (readers, signers), warmup).await;
            acknowledged += signatures.succeeded();
            report_errors("warm-up", &views, &signatures);
        }
        let cpu = support::CpuClock::start();
        let duration = Duration::from_secs(args.seconds);
        let (seconds, views, signatures) =
            drive(&http, urls, &tokens, &next_signer, (readers, signers), duration).await;
        let cpu = cpu.stop();
        acknowledged += signatures.succeeded();
        let measured = Measured { phase, readers, signers, seconds, views, signatures, cpu };
        eprintln!(
            "{} {:?}: {:.0} views/s (p99 {:.1} ms), {:.0} signatures/s (p99 {:.1} ms), {} errors",
            args.database.name(),
            phase,
            measured.views_per_second(),
            percentile_ms(&measured.views.latencies_us, 0.99),
            measured.signatures_per_second(),
            percentile_ms(&measured.signatures.latencies_us, 0.99),
            measured.views.errors + measured.signatures.errors,
        );
        phases.push(measured);
    }
    print_table(args, &phases, &load_before);

    let mut passed = verify_counted(db, &HashMap::from([(petition, acknowledged)])).await?;
    let last = phases.last().expect("a phase");
    let mut check = |ok: bool, message: String| {
        if !ok {
            println!("FAIL: {message}");
            passed = false;
        }
    };
    if let Some(min) = args.min_views {
        let got = last.views_per_second();
        check(got >= min, format!("{got:.1} page views/s is below --min-views {min}"));
    }
    if let Some(min) = args.min_signatures {
        let got = last.signatures_per_second();
        check(got >= min, format!("{got:.1} signatures/s is below --min-signatures {min}"));
    }
    if let Some(max) = args.max_page_p99_ms {
        let got = percentile_ms(&last.views.latencies_us, 0.99);
        check(got <= max, format!("page p99 {got:.2} ms is over --max-page-p99-ms {max}"));
    }
    Ok(passed)
}

/// A browser's request headers for the page: HTML, Ukrainian, compressed.
fn page_request(http: &reqwest::Client, url: &str) -> reqwest::RequestBuilder {
    http.get(url)
        .header(header::ACCEPT, "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
        .header(header::ACCEPT_LANGUAGE, "uk,en;q=0.8")
        .header(header::ACCEPT_ENCODING, "gzip, deflate, br")
}

/// The page is the real one (the petition's title in it) and comes compressed.
async fn probe_page(http: &reqwest::Client, url: &str) -> anyhow::Result<()> {
    let plain = http.get(url).header(header::ACCEPT, "text/html").send().await?;
    anyhow::ensure!(plain.status() == 200, "GET {url}: {}", plain.status());
    let html = plain.text().await?;
    anyhow::ensure!(html.contains("Benchmark petition 0"), "GET {url} does not show the petition");
    let compressed = page_request(http, url).send().await?;
    let encoding = compressed.headers().get(header::CONTENT_ENCODING).cloned();
    let size = compressed.bytes().await?.len();
    eprintln!("the page: {} bytes of HTML, {size} bytes sent as {encoding:?}", html.len());
    Ok(())
}

fn report_errors(when: &str, views: &Samples, signatures: &Samples) {
    if views.errors + signatures.errors > 0 {
        eprintln!("{when}: {} page errors, {} signing errors", views.errors, signatures.errors);
    }
}

/// Readers and signers at once for `duration`; returns the seconds it took and what each measured.
async fn drive(
    http: &reqwest::Client,
    (page_url, sign_url): (&str, &str),
    tokens: &Arc<Vec<String>>,
    next_signer: &Arc<AtomicUsize>,
    (readers, signers): (usize, usize),
    duration: Duration,
) -> (f64, Samples, Samples) {
    let started = Instant::now();
    let deadline = started + duration;
    let read = {
        let (http, url) = (http.clone(), Arc::new(page_url.to_owned()));
        closed_loop(readers, deadline, move || {
            let request = page_request(&http, &url);
            async move {
                match request.send().await {
                    Ok(r) if r.status() == 200 => Some(r.bytes().await.map(|_| ()).map_err(|e| e.to_string())),
                    Ok(r) => Some(Err(format!("{} {}", r.status(), r.text().await.unwrap_or_default()))),
                    Err(e) => Some(Err(e.to_string())),
                }
            }
        })
    };
    let sign = {
        let (http, url, tokens, next) =
            (http.clone(), Arc::new(sign_url.to_owned()), tokens.clone(), next_signer.clone());
        closed_loop(signers, deadline, move || {
            // Each signer signs once; `None` when they ran out.
            let request = tokens.get(next.fetch_add(1, Ordering::Relaxed)).map(|token| {
                http.post(url.as_str())
                    .bearer_auth(token)
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(SIGN_BODY)
            });
            async move {
                match request?.send().await {
                    Ok(r) if r.status() == 201 => Some(r.bytes().await.map(|_| ()).map_err(|e| e.to_string())),
                    Ok(r) => Some(Err(format!("{} {}", r.status(), r.text().await.unwrap_or_default()))),
                    Err(e) => Some(Err(e.to_string())),
                }
            }
        })
    };
    let (views, signatures) = tokio::join!(read, sign);
    (started.elapsed().as_secs_f64(), views, signatures)
}

/// `clients` tasks each sending `request` again as soon as the last one was answered, until the
/// deadline (or `request` gives `None`: nothing more to send). Every request counts, errors included.
async fn closed_loop<F, Fut>(clients: usize, deadline: Instant, request: F) -> Samples
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: Future<Output = Option<Result<(), String>>> + Send,
{
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let request = request.clone();
            tokio::spawn(async move {
                let mut samples = Samples::default();
                while Instant::now() < deadline {
                    let sent = Instant::now();
                    let Some(outcome) = request().await else {
                        samples.ran_out = true;
                        break;
                    };
                    samples.latencies_us.push(sent.elapsed().as_micros() as u64);
                    if let Err(sample) = outcome {
                        samples.errors += 1;
                        if samples.error_samples.len() < 3 {
                            samples.error_samples.push(sample.chars().take(300).collect());
                        }
                    }
                }
                samples
            })
        })
        .collect();
    let mut all = Samples::default();
    for task in tasks {
        if let Ok(samples) = task.await {
            all.latencies_us.extend(samples.latencies_us);
            all.errors += samples.errors;
            all.error_samples.extend(samples.error_samples);
            all.ran_out |= samples.ran_out;
        }
    }
    all.latencies_us.sort_unstable();
    all
}

fn print_table(args: &Args, phases: &[Measured], load_before: &str) {
    println!();
    println!(
        "| phase | readers | signers | views/s | page p50 ms | p90 ms | p99 ms | max ms | signatures/s | signing p50 ms \
         | p99 ms | errors | CPU ms/s: process, PostgreSQL, machine | CPU µs per request |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |");
    for m in phases {
        let requests = (m.views.succeeded() + m.signatures.succeeded()).max(1) as f64;
        let per_second = |us: u64| us as f64 / 1000.0 / m.seconds;
        let (v, s) = (&m.views.latencies_us, &m.signatures.latencies_us);
        println!(
            "| {:?} | {} | {} | {:.0} | {:.1} | {:.1} | {:.1} | {:.1} | {:.0} | {:.1} | {:.1} | {} | {:.0}, {:.0}, {:.0} | {:.0} |",
            m.phase,
            m.readers,
            m.signers,
            m.views_per_second(),
            percentile_ms(v, 0.50),
            percentile_ms(v, 0.90),
            percentile_ms(v, 0.99),
            v.last().copied().unwrap_or_default() as f64 / 1000.0,
            m.signatures_per_second(),
            percentile_ms(s, 0.50),
            percentile_ms(s, 0.99),
            m.views.errors + m.signatures.errors,
            per_second(m.cpu.process_us),
            per_second(m.cpu.postgres_us),
            per_second(m.cpu.machine_us),
            (m.cpu.process_us + m.cpu.postgres_us) as f64 / requests,
        );
    }
    println!();
    println!(
        "({}: {}s per phase after {}s warm-up; closed loop; every request counts, errors included; the process \
         is server and clients together; server, clients and database share {} CPUs; load average before \
         {load_before}, after {})",
        args.database.name(),
        args.seconds,
        args.warmup,
        support::cpus(),
        support::load_average()
    );
    for m in phases {
        for sample in m.views.error_samples.iter().chain(&m.signatures.error_samples).take(3) {
            println!("error sample ({:?}): {sample}", m.phase);
        }
        if m.signatures.ran_out {
            println!("note: the signers ran out in {:?}; give more with --accounts", m.phase);
        }
    }
}
