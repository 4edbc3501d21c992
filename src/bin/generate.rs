//! `hromada-generate`: the data-set generator on its own (the same as `hromada generate`), for load-test
//! machines that need only it. Fills the configured database with a generated year of appeals and
//! petitions; see docs/benchmarks.md, "Generated data set".
use std::{path::PathBuf, process::ExitCode};

use clap::Parser;
use hromada::{config::Settings, generate::cli, telemetry};

#[derive(Parser)]
#[command(
    name = "hromada-generate",
    version,
    about = "Fill the database with a generated year of appeals and petitions"
)]
struct Cli {
    /// Optional TOML configuration file (environment variables override it).
    #[arg(long, env = "HROMADA_CONFIG")]
    config: Option<PathBuf>,
    #[command(flatten)]
    args: cli::Args,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::load(cli.config.as_deref()) {
        Ok(settings) => settings,
        Err(e) => {
            eprintln!("hromada-generate: {e}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(settings.log_format, &settings.log_level);
    let result = tokio::runtime::Runtime::new()
        .map_err(anyhow::Error::from)
        .and_then(|runtime| runtime.block_on(cli::run(&settings, cli.args)));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("hromada-generate: {e:#}");
            ExitCode::FAILURE
        }
    }
}
