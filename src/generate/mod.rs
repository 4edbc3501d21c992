//! `hromada generate`: a realistic data set for load tests and for checking the metrics at scale — a year of
//! appeals, issue reports and petitions with their whole history, written straight into the database.
//!
//! Everything sampled goes through the service's own rules: deadlines come from
//! [`crate::domain::deadlines::compute`] on the working-day calendar, routing from
//! [`crate::domain::directory::route`], and every step of an appeal or petition from the transition
//! functions (`domain::appeals::apply`, `domain::petitions::apply`), so rows and `events` agree the way
//! the live service would have left them. Rows are written with multi-row INSERTs in large batches
//! (see [`write`]); ids are assigned here so events can be written in time order and chained at once.
//!
//! Not generated: signature rows (petition counts are set directly), mails, photos, co-signers,
//! reminders (`reminded` events).
pub mod appeal_life;
pub mod cli;
mod generator;
pub mod petition_life;
pub mod sample;
mod setup;
mod volumes;
mod world;
mod write;

use std::{
    collections::{BTreeMap, HashMap},
    fmt,
    time::{Duration as StdDuration, Instant},
};

use anyhow::Context as _;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use entity::{accounts, appeals};
use rand::{SeedableRng, rngs::StdRng};
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, Set};

use self::{
    appeal_life::Staff,
    generator::{Generator, Ids, Lanes},
    sample::{DAY, chance, citizen_email, citizen_name, secs},
    setup::{add_enterprises, ensure_staff},
    world::World,
    write::Batch,
};
use crate::{
    domain::{
        accounts::Password,
        audit::GENESIS,
        calendar::{kyiv_end_of_day, kyiv_start_of_day},
    },
    storage,
};

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    pub appeals: u64,
    pub petitions: u64,
    pub citizens: u64,
    pub seed: u64,
    /// The last Kyiv date of the history; it covers the 365 days up to and including it.
    pub end: NaiveDate,
    /// Add to a database that already has appeals.
    pub force: bool,
    /// Link the generated events into the audit chain (in bulk).
    pub audit_chain: bool,
    /// `calendar.martial_law_ended_on` of the configuration.
    pub martial_law_ended_on: Option<NaiveDate>,
    /// Print progress to standard error.
    pub progress: bool,
}

impl Options {
    pub fn new(appeals: u64, petitions: u64, end: NaiveDate) -> Options {
        Options {
            appeals,
            petitions,
            citizens: (appeals / 20).clamp(100, 50_000),
            seed: 2026,
            end,
            force: false,
            audit_chain: true,
            martial_law_ended_on: None,
            progress: false,
        }
    }
}

/// What was generated and how long each phase took.
#[derive(Debug, Default, Clone)]
pub struct Report {
    pub from: Option<NaiveDate>,
    pub as_of: Option<DateTime<Utc>>,
    pub citizens: u64,
    pub staff: u64,
    pub appeals: u64,
    pub petitions: u64,
    pub events: u64,
    pub chain_links: u64,
    pub appeal_statuses: BTreeMap<&'static str, u64>,
    pub appeal_kinds: BTreeMap<&'static str, u64>,
    pub petition_statuses: BTreeMap<&'static str, u64>,
    pub overdue_open: u64,
    pub answered_late: u64,
    pub extended: u64,
    pub forwarded: u64,
    pub returned: u64,
    pub rated: u64,
    /// The outcome of the tally rebuild: counted appeals, or why it did not run.
    pub tallies: Option<Result<crate::storage::metrics::Rebuilt, String>>,
    pub phases: Vec<(&'static str, StdDuration)>,
    /// Time the writer spent per table (overlapping the sampling): table, rows, time.
    pub writing: Vec<(&'static str, u64, StdDuration)>,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list =
            |m: &BTreeMap<&'static str, u64>| m.iter().map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>().join(", ");
        if let (Some(from), Some(as_of)) = (self.from, self.as_of) {
            writeln!(f, "history: {from} to {as_of}")?;
        }
        writeln!(f, "accounts: {} citizens, {} staff and moderators", self.citizens, self.staff)?;
        writeln!(f, "appeals: {} ({})", self.appeals, list(&self.appeal_kinds))?;
        writeln!(f, "  by status: {}", list(&self.appeal_statuses))?;
        writeln!(
            f,
            "  answered late {}, open and overdue {}, extended {}, forwarded {}, returned for rework {}, rated {}",
            self.answered_late, self.overdue_open, self.extended, self.forwarded, self.returned, self.rated
        )?;
        writeln!(f, "petitions: {} ({})", self.petitions, list(&self.petition_statuses))?;
        writeln!(f, "events: {}; audit chain links written: {}", self.events, self.chain_links)?;
        match &self.tallies {
            Some(Ok(n)) => {
                writeln!(f, "metric tallies rebuilt over {} appeals and {} petitions", n.appeals, n.petitions)?
            }
            Some(Err(e)) => writeln!(f, "metric tallies NOT rebuilt: {e}")?,
            None => {}
        }
        writeln!(f, "phases:")?;
        for (name, took) in &self.phases {
            writeln!(f, "  {name:<44} {:>8.1} s", took.as_secs_f64())?;
        }
        let total: StdDuration = self.phases.iter().map(|(_, d)| *d).sum();
        writeln!(f, "  {:<44} {:>8.1} s", "total", total.as_secs_f64())?;
        writeln!(f, "writers (two connections, in parallel with the sampling):")?;
        for (table, rows, took) in &self.writing {
            let rate = *rows as f64 / took.as_secs_f64().max(0.001);
            writeln!(f, "  {table:<20} {rows:>10} rows in {:>7.1} s ({rate:>8.0} rows/s)", took.as_secs_f64())?;
        }
        Ok(())
    }
}

const GENERATED_DOMAIN: &str = "generated.example.org";

/// Generates the data set into `db` (migrated first). Refuses a database that already has appeals
/// unless `options.force`.
pub async fn run(db: &DatabaseConnection, options: &Options) -> anyhow::Result<Report> {
    let mut report = Report::default();
    let mut laps = Laps { started: Instant::now(), progress: options.progress };
    storage::migrate(db).await.context("migrating the database")?;
    let existing = appeals::Entity::find().count(db).await?;
    if existing > 0 && !options.force {
        anyhow::bail!(
            "the database already has {existing} appeals; generate only fills an empty one (--force adds to it anyway)"
        );
    }
    let now = Utc::now();
    let as_of = kyiv_end_of_day(options.end).min(now);
    let first_day = options.end - Duration::days(364);
    report.from = Some(first_day);
    report.as_of = Some(as_of);

    let (hash, staff, moderators) = directory_and_staff(db, now, &mut report).await?;
    laps.lap(&mut report, "directory, staff and moderators");

    // Citizens, with explicit ids (their names and e-mails are derived from them).
    let first_citizen = next_id(db, "accounts").await?;
    let citizens = options.citizens.max(1) as i32;
    let mut rng = StdRng::seed_from_u64(options.seed);
    report.citizens = write_citizens(db, first_citizen..first_citizen + citizens, first_day, &hash, &mut rng).await?;
    laps.lap(&mut report, "citizens");

    // What the samplers read: the directory, the calendar, the statutes.
    let world = World::load(db, options, staff, moderators, first_citizen, citizens, as_of).await?;
    let chain = chain_start(db, options, now).await?;
    let ids = Ids {
        appeal: next_id(db, "appeals").await?,
        petition: next_id(db, "petitions").await?,
        event: next_id(db, "events").await?,
    };
    sample_and_write(db, options, (world, ids, chain, rng), first_day, &mut report).await?;
    laps.lap(&mut report, "appeals, petitions, events (sampling and writing)");
    refresh_statistics(db, &mut report, &mut laps).await?;
    Ok(report)
}

/// The time each phase took, into the report (and on stderr with `--progress`).
struct Laps {
    started: Instant,
    progress: bool,
}

impl Laps {
    fn lap(&mut self, report: &mut Report, name: &'static str) {
        report.phases.push((name, self.started.elapsed()));
        if self.progress {
            eprintln!("generate: {name} took {:.1} s", self.started.elapsed().as_secs_f64());
        }
        self.started = Instant::now();
    }
}

/// The directory (the example city, with a few more enterprises and categories), its staff and the
/// moderators; answers the password hash every generated account shares.
async fn directory_and_staff(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    report: &mut Report,
) -> anyhow::Result<(String, HashMap<i32, Staff>, Vec<i32>)> {
    if storage::directory::is_empty(db).await? {
        storage::directory::load_example_city(db, now).await?;
        storage::petitions::adopt_example_statute(db, now).await?;
    }
    add_enterprises(db, now).await?;
    let password = format!("{:032x}", rand::random::<u128>());
    let hash = tokio::task::spawn_blocking(move || {
        Password::parse(&password, "password")
            .map_err(crate::AppError::from)
            .and_then(|p| crate::service::secrets::hash_password(&p))
    })
    .await??;
    let (staff, moderators, staff_created) = ensure_staff(db, &hash, now).await?;
    report.staff = staff_created;
    Ok((hash, staff, moderators))
}

/// The citizens `ids`, verified, registered in the 700 days before `first_day`.
async fn write_citizens(
    db: &DatabaseConnection,
    ids: std::ops::Range<i32>,
    first_day: NaiveDate,
    hash: &str,
    rng: &mut StdRng,
) -> anyhow::Result<u64> {
    let rows: Vec<accounts::ActiveModel> = ids
        .map(|id| {
            let created = kyiv_start_of_day(first_day) - secs(rng, DAY, 700 * DAY);
            accounts::ActiveModel {
                id: Set(id),
                email: Set(citizen_email(id)),
                full_name: Set(citizen_name(id)),
                search_name: Set(crate::storage::accounts::search_name(&citizen_name(id), &citizen_email(id))),
                password_hash: Set(hash.to_owned()),
                language: Set(if chance(rng, 0.08) { "en" } else { "uk" }.to_owned()),
                role: Set("citizen".to_owned()),
                email_verified_at: Set(Some(created + Duration::minutes(10))),
                created_at: Set(created),
                updated_at: Set(created),
            }
        })
        .collect();
    let written = write::accounts(db, rows).await?;
    write::reset_sequences(db).await?;
    Ok(written)
}

/// The audit chain's last link (its sequence number and hash) and when the generated links are made.
type ChainStart = Option<(i64, String, DateTime<Utc>)>;

/// Where the generated events' audit chain continues (`None` without `--audit-chain`): earlier events
/// (the directory, memberships) are linked first, by the service's own chainer.
async fn chain_start(db: &DatabaseConnection, options: &Options, now: DateTime<Utc>) -> anyhow::Result<ChainStart> {
    if !options.audit_chain {
        return Ok(None);
    }
    storage::audit::link_new_events(db, now).await?;
    let (seq, prev) = match storage::audit::head(db).await? {
        Some(head) => (head.seq, head.hash),
        None => (0, GENESIS.to_owned()),
    };
    Ok(Some((seq, prev, now)))
}

/// Sampling on a blocking thread, writing on the runtime, joined by short queues. Two writers on two
/// connections: appeals and petitions (a petition may link an appeal) in one, events and their chain
/// links in the other; the database's foreign keys, not this process, are the bottleneck.
async fn sample_and_write(
    db: &DatabaseConnection,
    options: &Options,
    (world, ids, chain, rng): (World, Ids, ChainStart, StdRng),
    first_day: NaiveDate,
    report: &mut Report,
) -> anyhow::Result<()> {
    let (rows_tx, rows_rx) = tokio::sync::mpsc::channel::<Batch>(4);
    let (events_tx, events_rx) = tokio::sync::mpsc::channel::<Batch>(4);
    let rows_writer = tokio::spawn(write::run(db.clone(), rows_rx));
    let events_writer = tokio::spawn(write::run(db.clone(), events_rx));
    let options_for_thread = options.clone();
    let sampled = tokio::task::spawn_blocking(move || {
        let lanes = Lanes { rows: rows_tx, events: events_tx };
        let mut generator = Generator::new(world, &options_for_thread, ids, chain, lanes, rng);
        generator.run(first_day);
        generator.stats
    })
    .await?;
    let mut written = rows_writer.await??;
    let events_written = events_writer.await??;
    written.events = events_written.events;
    written.chain = events_written.chain;
    write::reset_sequences(db).await?;
    if sampled.stopped_early {
        anyhow::bail!("the writer stopped early; see the error above");
    }
    report.appeals = written.appeals.0;
    report.petitions = written.petitions.0;
    report.events = written.events.0;
    report.chain_links = written.chain.0;
    report.appeal_statuses = sampled.appeal_statuses;
    report.appeal_kinds = sampled.appeal_kinds;
    report.petition_statuses = sampled.petition_statuses;
    report.overdue_open = sampled.overdue_open;
    report.answered_late = sampled.answered_late;
    report.extended = sampled.extended;
    report.forwarded = sampled.forwarded;
    report.returned = sampled.returned;
    report.rated = sampled.rated;
    report.writing = vec![
        ("appeals", written.appeals.0, written.appeals.1),
        ("petitions", written.petitions.0, written.petitions.1),
        ("events", written.events.0, written.events.1),
        ("audit chain links", written.chain.0, written.chain.1),
    ];
    Ok(())
}

/// Fresh statistics, so the first queries on the new rows get good plans, and the metric tallies.
/// On PostgreSQL also VACUUM: it marks the freshly written pages all-visible, without which the
/// index-only scans behind the metrics (open appeals past due) visit every heap page until autovacuum
/// happens to get there.
async fn refresh_statistics(db: &DatabaseConnection, report: &mut Report, laps: &mut Laps) -> anyhow::Result<()> {
    let maintenance = if storage::is_sqlite(db) { "ANALYZE" } else { "VACUUM ANALYZE" };
    db.execute_unprepared(maintenance).await?;
    laps.lap(report, maintenance);
    report.tallies = Some(match storage::metrics::rebuild(db).await {
        Ok(n) => Ok(n),
        Err(e) => {
            tracing::warn!("the metric tallies were not rebuilt: {e}");
            eprintln!("warning: the metric tallies were not rebuilt: {e}");
            Err(e.to_string())
        }
    });
    laps.lap(report, "metric tallies (storage::metrics::rebuild)");
    Ok(())
}

/// The next free id of `table` (ids are assigned here, not by the database).
async fn next_id(db: &DatabaseConnection, table: &str) -> anyhow::Result<i32> {
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            format!("SELECT COALESCE(MAX(id), 0) AS m FROM {table}"),
        ))
        .await?
        .context("MAX(id)")?;
    let max: i64 = row.try_get::<i64>("", "m").or_else(|_| row.try_get::<i32>("", "m").map(i64::from))?;
    Ok(i32::try_from(max + 1)?)
}
