//! The `hromada` command: serve (default), migrate, admin create, openapi, generate, audit verify.
use std::{path::PathBuf, process::ExitCode};

use chrono::Utc;
use clap::{Parser, Subcommand};
use hromada::{
    config::Settings,
    domain::accounts::{Email, FullName, Language, Password, Role},
    startup::{Application, shutdown_signal},
    storage::{self, accounts::NewAccount},
    telemetry,
};

#[derive(Parser)]
#[command(name = "hromada", version, about = "E-petitions and citizens' appeals for city councils")]
struct Cli {
    /// Optional TOML configuration file (environment variables override it).
    #[arg(long, env = "HROMADA_CONFIG", global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP server (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Manage administrators.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Print the OpenAPI specification (YAML) to standard output.
    Openapi,
    /// Fill the database with a realistic generated year of appeals and petitions (load tests).
    Generate(hromada::generate::cli::Args),
    /// The audit chain.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// The appeal tallies behind the response-rate metrics.
    Metrics {
        #[command(subcommand)]
        command: MetricsCommand,
    },
}

#[derive(Subcommand)]
enum MetricsCommand {
    /// Recompute every tally from the appeals table (after a bulk load or a restore).
    Rebuild,
    /// Compare the live tallies with a fresh recount; exit 1 if any differs.
    Check,
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Link new events, then recompute the whole chain from the event log; exit 1 if it is broken.
    Verify,
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create a verified administrator account.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        full_name: String,
        /// The password; read from HROMADA_ADMIN_PASSWORD when not given, so it stays out of shell history.
        #[arg(long, env = "HROMADA_ADMIN_PASSWORD", hide_env_values = true)]
        password: String,
        #[arg(long, default_value = "uk")]
        language: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(Command::Openapi) = cli.command {
        print!("{}", hromada::api::service().spec_yaml());
        return ExitCode::SUCCESS;
    }
    let settings = match Settings::load(cli.config.as_deref()) {
        Ok(settings) => settings,
        Err(e) => {
            eprintln!("hromada: {e}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(settings.log_format, &settings.log_level);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("hromada: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async move {
        match cli.command.unwrap_or(Command::Serve) {
            Command::Serve => Application::build(settings).await?.run_until(shutdown_signal()).await,
            Command::Migrate => {
                let db = storage::connect(&settings.database_url).await?;
                storage::migrate(&db).await?;
                println!("migrations applied");
                Ok(())
            }
            Command::Admin { command: AdminCommand::Create { email, full_name, password, language } } => {
                create_admin(&settings, &email, &full_name, &password, &language).await
            }
            Command::Audit { command: AuditCommand::Verify } => verify_audit_chain(&settings).await,
            Command::Generate(args) => hromada::generate::cli::run(&settings, args).await,
            Command::Metrics { command } => metrics(&settings, command).await,
            Command::Openapi => unreachable!("handled before configuration is loaded"),
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("hromada: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn create_admin(
    settings: &Settings,
    email: &str,
    full_name: &str,
    password: &str,
    language: &str,
) -> anyhow::Result<()> {
    let new = NewAccount {
        email: Email::parse(email)?,
        full_name: FullName::parse(full_name)?,
        password_hash: hromada::service::secrets::hash_password(&Password::parse(password, "password")?)?,
        language: Language::parse(language)?,
        role: Role::Administrator,
        verified: true,
    };
    let db = storage::connect(&settings.database_url).await?;
    storage::migrate(&db).await?;
    let account = storage::accounts::register(&db, new, None, None, Utc::now()).await?;
    println!("administrator {} created with id {}", account.email, account.id);
    Ok(())
}

async fn metrics(settings: &Settings, command: MetricsCommand) -> anyhow::Result<()> {
    let db = storage::connect(&settings.database_url).await?;
    storage::migrate(&db).await?;
    match command {
        MetricsCommand::Rebuild => {
            let started = std::time::Instant::now();
            let counted = storage::metrics::rebuild(&db).await?;
            println!(
                "tallies rebuilt from {} appeals and {} petitions in {:.1} s",
                counted.appeals,
                counted.petitions,
                started.elapsed().as_secs_f64()
            );
        }
        MetricsCommand::Check => {
            let differences = storage::metrics::check(&db).await?;
            for difference in differences.iter().take(20) {
                println!("{difference}");
            }
            if !differences.is_empty() {
                anyhow::bail!("{} tally rows differ from a recount; run `hromada metrics rebuild`", differences.len());
            }
            println!("the tallies match a recount of the appeals and petitions");
        }
    }
    Ok(())
}

async fn verify_audit_chain(settings: &Settings) -> anyhow::Result<()> {
    let db = storage::connect(&settings.database_url).await?;
    storage::migrate(&db).await?;
    storage::audit::link_new_events(&db, Utc::now()).await?;
    let verification = storage::audit::verify(&db, Utc::now()).await?;
    if let Some(reason) = verification.unlinked.reason() {
        anyhow::bail!("the audit chain does not cover the whole log: {reason}");
    }
    match (&verification.broken, &verification.head) {
        (Some(broken), _) => {
            anyhow::bail!(
                "the audit chain is broken at link {} (event {}): {}; {} links before it are intact",
                broken.seq,
                broken.event_id,
                broken.reason,
                verification.checked
            )
        }
        (None, Some((seq, hash))) => println!("the audit chain is intact: {seq} links, head {hash}"),
        (None, None) => println!("the audit chain is empty"),
    }
    Ok(())
}
