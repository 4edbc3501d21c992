//! The staff's work queue at scale: `GET /desk` (the whole page: the urgency-ordered query, the counts
//! per group, rendering) for an officer of an organisation with 10,000 open items, through the real
//! server. Closed-loop clients for `--seconds`; prints p50/p95/p99 per page variant and fails with
//! `--max-p95-ms` over the limit.
//!
//! ```text
//! cargo bench --bench desk -- --database postgres --seconds 20
//! cargo bench --bench desk -- --smoke            # SQLite, 1,000 items, 3 s
//! ```
#![allow(clippy::too_many_lines)] // a story or a benchmark reads top to bottom (clippy.toml: 80 lines elsewhere)
mod support;

use std::{
    process::ExitCode,
    time::{Duration, Instant},
};

use chrono::Utc;
use clap::Parser;
use hromada::{
    domain::{
        accounts::{Email, FullName, Language, Password, Role},
        authorization::OrganisationRole,
    },
    storage::accounts::NewAccount,
};
use sea_orm::{EntityTrait, IntoActiveModel};
use support::{Backend, percentile_ms};

#[derive(Debug, Parser)]
#[command(name = "desk", about = "The work queue page with many open items in one organisation")]
struct Args {
    #[arg(long, value_enum, default_value = "postgres")]
    database: Backend,
    #[arg(long, env = "BENCH_SERVER_URL")]
    server_url: Option<String>,
    /// Open items in the officer's organisation.
    #[arg(long, default_value_t = 10_000)]
    items: usize,
    #[arg(long, default_value_t = 20)]
    seconds: u64,
    #[arg(long, default_value_t = 2)]
    clients: usize,
    /// Fail (exit 1) when any variant's p95 exceeds this many milliseconds.
    #[arg(long)]
    max_p95_ms: Option<f64>,
    /// 1,000 items on SQLite for 3 s per variant.
    #[arg(long)]
    smoke: bool,
    #[arg(long, hide = true)]
    bench: bool,
}

fn main() -> ExitCode {
    let mut args = Args::parse();
    if args.smoke {
        args.database = Backend::Sqlite;
        args.items = 1_000;
        args.seconds = 3;
    }
    support::exit_code(run(args))
}

const TEXT: &str = "The lift stopped a week ago; elderly people cannot leave home.";

/// `items` open appeals in `organisation_id`, deadlines spread from 20 days ago to 40 days ahead.
async fn fill(db: &sea_orm::DatabaseConnection, organisation_id: i32, items: usize) -> anyhow::Result<()> {
    let now = Utc::now();
    let rows: Vec<_> = (0..items)
        .map(|i| {
            let received = now - chrono::Duration::minutes((i as i64 * 37) % (60 * 24 * 50));
            let due = received + chrono::Duration::days(15 + (i as i64 % 7) * 3) - chrono::Duration::days(20);
            let status = ["received", "in_progress", "rework"][i % 3];
            let subject = format!("Item {i}: the lift at Shkilna {} does not work", i % 300);
            entity::appeals::Model {
                id: 0,
                kind: ["application", "complaint", "proposal", "issue_report"][i % 4].into(),
                channel: ["web", "paper", "phone", "email"][i % 4].into(),
                status: status.into(),
                subject: subject.clone(),
                text: TEXT.into(),
                search_text: hromada::domain::text::search_folded(&subject, TEXT),
                category_id: None,
                latitude: None,
                longitude: None,
                place_address: None,
                district_id: None,
                author_account_id: None,
                author_name: "Hryhorii Skovoroda".into(),
                author_address: Some("Kramatorsk, Myru 5".into()),
                author_email: None,
                author_phone: None,
                author_language: "uk".into(),
                show_author_name: false,
                privileged: i % 17 == 0,
                executor_id: organisation_id,
                routing: "{}".into(),
                assignee_account_id: None,
                deadline_rule: "\"appeal_standard\"".into(),
                received_at: received,
                registered_at: received,
                registered_by: None,
                executor_received_at: received,
                original_due_at: due,
                due_at: due,
                extended_due_at: None,
                forward_due_at: received + chrono::Duration::days(5),
                forwarded_count: 0,
                overdue_at: (due < now).then_some(due),
                escalated_due_at: (due < now).then_some(due),
                reminder_level: None,
                answered_at: None,
                resolution: None,
                answer_text: None,
                competent_body: None,
                refusal_code: None,
                refusal_reason: None,
                confirmed_at: None,
                rework_count: 0,
                rating: None,
                rating_comment: None,
                duplicate_of_id: None,
                open311_token: None,
                version: 1,
                updated_at: now,
            }
        })
        .collect();
    for chunk in rows.chunks(500) {
        let models = chunk.iter().cloned().map(|m| {
            let mut active = m.into_active_model();
            active.id = sea_orm::ActiveValue::NotSet;
            active
        });
        entity::appeals::Entity::insert_many(models).exec(db).await?;
    }
    Ok(())
}

async fn run(args: Args) -> anyhow::Result<bool> {
    support::on_fresh_server((args.database, args.server_url.as_deref()), false, async |server| {
        bench(&args, server).await
    })
    .await
}

async fn bench(args: &Args, server: &support::Server) -> anyhow::Result<bool> {
    let db = &server.db;
    let organisation = entity::organisations::Entity::find().one(db).await?.expect("the example city's organisations");
    let password = "officer password long enough";
    let new = NewAccount {
        email: Email::parse("officer@bench.example.org")?,
        full_name: FullName::parse("Bench Officer")?,
        password_hash: hromada::service::secrets::hash_password(&Password::parse(password, "password")?)?,
        language: Language::En,
        role: Role::Citizen,
        verified: true,
    };
    let account = hromada::storage::accounts::register(db, new, None, None, Utc::now()).await?;
    let account_id = account.id;
    hromada::storage::directory::set_member(
        db,
        account_id,
        organisation.id,
        account_id,
        OrganisationRole::Officer,
        Utc::now(),
    )
    .await?;
    let started = Instant::now();
    fill(db, organisation.id, args.items).await?;
    eprintln!("{} open items in {} in {:.1} s", args.items, organisation.name, started.elapsed().as_secs_f64());

    let http = reqwest::Client::builder().timeout(Duration::from_secs(60)).build()?;
    let login = http
        .post(format!("{}/api/v1/sessions", server.address))
        .json(&serde_json::json!({"email": "officer@bench.example.org", "password": password}))
        .send()
        .await?
        .json::<serde_json::Value>()
        .await?;
    let token = login["token"].as_str().expect("a session token").to_owned();
    let cookie = format!("hromada-session={token}");
    let variants =
        ["/desk", "/desk?page=200", "/desk?status=rework&privileged=1", "/desk?q=Shkilna+12", "/desk?q=5000"];
    let load = support::load_average();
    let mut ok = true;
    for path in variants {
        let mut latencies = Vec::new();
        let mut errors = 0;
        let until = Instant::now() + Duration::from_secs(args.seconds);
        let mut tasks = Vec::new();
        for _ in 0..args.clients {
            let (http, url, cookie) = (http.clone(), format!("{}{path}", server.address), cookie.clone());
            tasks.push(tokio::spawn(async move {
                let mut mine = (Vec::new(), 0u64);
                while Instant::now() < until {
                    let start = Instant::now();
                    let answer = http.get(&url).header("cookie", &cookie).send().await;
                    let good = matches!(&answer, Ok(r) if r.status().is_success());
                    if let Ok(r) = answer {
                        let _ = r.bytes().await;
                    }
                    mine.0.push(start.elapsed().as_micros() as u64);
                    mine.1 += u64::from(!good);
                }
                mine
            }));
        }
        for task in tasks {
            let (l, e) = task.await?;
            latencies.extend(l);
            errors += e;
        }
        latencies.sort_unstable();
        let p95 = percentile_ms(&latencies, 0.95);
        println!(
            "{} {path}: {} requests, p50 {:.1} ms, p95 {p95:.1} ms, p99 {:.1} ms, {errors} errors",
            args.database.name(),
            latencies.len(),
            percentile_ms(&latencies, 0.5),
            percentile_ms(&latencies, 0.99),
        );
        ok &= errors == 0 && args.max_p95_ms.is_none_or(|max| p95 <= max);
    }
    println!("{} clients, {} items, {} CPUs, load before: {load}", args.clients, args.items, support::cpus());
    Ok(ok)
}
