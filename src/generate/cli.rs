//! The generator's command line, shared by `hromada generate` and the `hromada-generate` binary.
use chrono::{NaiveDate, Utc};

use crate::{config::Settings, domain::calendar::kyiv_date, storage};

/// What to generate, as given on the command line.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Appeals and issue reports to generate.
    #[arg(long, default_value_t = 1_000_000)]
    pub appeals: u64,
    /// Petitions to generate.
    #[arg(long, default_value_t = 100_000)]
    pub petitions: u64,
    /// Citizen accounts (default: one per 20 appeals, 100 to 50,000).
    #[arg(long)]
    pub citizens: Option<u64>,
    /// Seed of the random generator: the same seed, sizes and end date give the same data.
    #[arg(long, default_value_t = 2026)]
    pub seed: u64,
    /// The last Kyiv date of the generated year (default: today).
    #[arg(long)]
    pub end: Option<NaiveDate>,
    /// Add to a database that already has appeals.
    #[arg(long)]
    pub force: bool,
    /// Leave the generated events out of the audit chain (the watcher would link them, slowly).
    #[arg(long)]
    pub no_audit_chain: bool,
}

/// Fills the configured database and prints what was written.
pub async fn run(settings: &Settings, args: Args) -> anyhow::Result<()> {
    let end = args.end.unwrap_or_else(|| kyiv_date(Utc::now()));
    let mut options = super::Options::new(args.appeals, args.petitions, end);
    if let Some(citizens) = args.citizens {
        options.citizens = citizens;
    }
    options.seed = args.seed;
    options.force = args.force;
    options.audit_chain = !args.no_audit_chain;
    options.martial_law_ended_on = settings.calendar.martial_law_ended_on;
    options.progress = true;
    let db = storage::connect(&settings.database_url).await?;
    let report = super::run(&db, &options).await?;
    println!("{report}");
    Ok(())
}
