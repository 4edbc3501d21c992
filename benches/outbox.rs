//! The outbox under stress, with one or more real server instances on one database and an SMTP sink
//! that counts each mail's `Message-ID`:
//!
//! ```text
//! cargo bench --bench outbox -- --scenario outage --mails 2000 --down-seconds 60
//! cargo bench --bench outbox -- --scenario instances --mails 10000
//! cargo bench --bench outbox -- --scenario instances --mails 10000 --sink-delay-ms 300 --lease-seconds 2 --smtp-timeout-seconds 1
//! ```
//!
//! `outage`: the SMTP server is down while `--mails` are queued, comes up after `--down-seconds`; reports
//! the time until the outbox is empty. `instances`: `--instances` servers share one database and drain
//! `--mails`. Both then check that every mail arrived exactly once (by `Message-ID`) and exit non-zero if not.
#![allow(clippy::too_many_lines)] // a story or a benchmark reads top to bottom (clippy.toml: 80 lines elsewhere)
mod support;
use std::{
    process::ExitCode,
    time::{Duration, Instant},
};

use clap::{Parser, ValueEnum};
use hromada::{domain::notify::Mail, startup::Application};
use support::{Backend, SinkOptions, SmtpSink, load_average};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Scenario {
    Outage,
    Instances,
}

#[derive(Debug, Parser)]
#[command(name = "outbox", about = "Mail delivery through an SMTP outage, and by several instances at once")]
struct Args {
    #[arg(long, value_enum)]
    scenario: Scenario,
    #[arg(long, value_enum, default_value = "postgres")]
    database: Backend,
    /// PostgreSQL server to create the fresh database on.
    #[arg(long, env = "BENCH_DATABASE_URL")]
    database_url: Option<String>,
    #[arg(long, default_value_t = 10_000)]
    mails: usize,
    /// Server instances sharing the database.
    #[arg(long, default_value_t = 2)]
    instances: usize,
    /// How long the SMTP server stays down (outage).
    #[arg(long, default_value_t = 60)]
    down_seconds: u64,
    /// Time the sink takes over each mail.
    #[arg(long, default_value_t = 0)]
    sink_delay_ms: u64,
    #[arg(long, default_value_t = 120)]
    lease_seconds: u64,
    #[arg(long, default_value_t = 20)]
    smtp_timeout_seconds: u64,
    #[arg(long, default_value_t = 100)]
    batch_size: u64,
    /// SMTP connections per instance.
    #[arg(long, default_value_t = 8)]
    connections: usize,
    /// Log the servers' output.
    #[arg(long)]
    log: bool,
    // `cargo bench` passes `--bench` to every bench binary.
    #[arg(long, hide = true)]
    bench: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a tokio runtime");
    match runtime.block_on(run(args)) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> anyhow::Result<bool> {
    if args.log {
        hromada::telemetry::init(hromada::config::LogFormat::Text, "info");
    }
    let database = support::fresh_database(args.database, args.database_url.as_deref()).await?;
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let port = listener.local_addr()?.port();
    let sink_options = SinkOptions {
        threads: (args.instances * args.connections + 2) as u32,
        delay: Duration::from_millis(args.sink_delay_ms),
    };
    let mut sink = None;
    match args.scenario {
        Scenario::Instances => sink = Some(SmtpSink::start_on(listener, sink_options)?),
        Scenario::Outage => drop(listener),
    }
    let load_before = load_average();
    let mut servers = Vec::new();
    for _ in 0..args.instances {
        let (mut settings, _) = support::bench_settings(&database.url)?;
        settings.example_directory = false;
        settings.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
        settings.outbox.lease_seconds = args.lease_seconds;
        settings.outbox.smtp_timeout_seconds = args.smtp_timeout_seconds;
        settings.outbox.batch_size = args.batch_size;
        settings.outbox.connections = args.connections;
        servers.push(spawn(settings).await?);
    }
    let db = servers[0].0.clone();
    let mails: Vec<Mail> = (0..args.mails)
        .map(|i| Mail {
            kind: "bench",
            recipient: format!("person{i}@bench.example.org"),
            subject: format!("Mail {i}"),
            body: "A line of text, as in a short notification.\n".repeat(8),
            ..Default::default()
        })
        .collect();
    let queued_at = Instant::now();
    for chunk in mails.chunks(2_000) {
        hromada::storage::notify::enqueue_many(&db, chunk, chrono::Utc::now()).await?;
    }
    println!("queued {} mails in {:.1} s", args.mails, queued_at.elapsed().as_secs_f64());
    if args.scenario == Scenario::Outage {
        tokio::time::sleep(Duration::from_secs(args.down_seconds)).await;
        println!("after {} s down: backlog {}", args.down_seconds, hromada::storage::notify::backlog(&db).await?);
        sink = Some(SmtpSink::start_on(std::net::TcpListener::bind(("127.0.0.1", port))?, sink_options)?);
    }
    let sink = sink.expect("the sink is up");
    let started = Instant::now();
    let mut drained = None;
    while started.elapsed() < Duration::from_secs(1800) {
        if hromada::storage::notify::backlog(&db).await? == 0 {
            drained = Some(started.elapsed().as_secs_f64());
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Late copies would arrive now.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let received = sink.received.load(std::sync::atomic::Ordering::Relaxed);
    let (distinct, duplicates) = sink.distinct_and_duplicates();
    let drain = drained.map_or("not within 1800 s".into(), |s| format!("{s:.1} s"));
    let measured_from = if args.scenario == Scenario::Outage { "the SMTP server came up" } else { "queueing" };
    println!(
        "{:?}, {} instance(s) × {} connections, sink {} ms/mail, lease {} s, batch {}: backlog 0 {drain} after \
         {measured_from}",
        args.scenario, args.instances, args.connections, args.sink_delay_ms, args.lease_seconds, args.batch_size,
    );
    if let Some(seconds) = drained {
        println!("{:.0} mails/s", args.mails as f64 / seconds);
    }
    println!("the sink received {received} mails: {distinct} distinct Message-IDs, {duplicates} duplicates");
    println!("load average before: {load_before}, after: {}", load_average());
    let passed = drained.is_some() && distinct == args.mails as u64 && duplicates == 0;
    for (_, stop, task) in servers {
        let _ = stop.send(());
        let _ = tokio::time::timeout(Duration::from_secs(30), task).await;
    }
    db.close().await.ok();
    support::drop_database(database).await?;
    println!("{}", if passed { "PASS: every mail exactly once" } else { "FAIL" });
    Ok(passed)
}

type Running =
    (sea_orm::DatabaseConnection, tokio::sync::oneshot::Sender<()>, tokio::task::JoinHandle<anyhow::Result<()>>);

async fn spawn(settings: hromada::config::Settings) -> anyhow::Result<Running> {
    let app = Application::build(settings).await?;
    let db = app.state().db.clone();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(app.run_until(async move {
        let _ = stopped.await;
    }));
    Ok((db, stop, task))
}
