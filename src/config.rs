//! Configuration: defaults < optional TOML file < environment. Every key is documented in docs/configuration.md.
//!
//! Environment variables use the `HROMADA_` prefix with `__` between nested keys
//! (`HROMADA_RATE_LIMITS__LOGIN_PER_MINUTE=5`); `DATABASE_URL` and `SMTP_URL` are also read unprefixed
//! because that is how every deployment tool names them.
use std::{net::SocketAddr, path::PathBuf};

use figment::{
    Figment,
    providers::{Env, Format, Serialized, Toml},
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Address the HTTP server binds to.
    pub bind: SocketAddr,
    /// `sqlite://path?mode=rwc` (embedded default) or `postgres://user@host/db`.
    pub database_url: String,
    /// The address citizens reach the service at; used to build links in mails.
    pub public_url: String,
    /// `smtp://host:port`, `smtps://user:pass@host` or `smtp://host:587?tls=required`; unset: mails go to `mail_dir`.
    pub smtp_url: Option<String>,
    /// A PEM file of extra trusted root certificates for the SMTP server's TLS (e.g. a private CA).
    #[serde(default)]
    pub smtp_ca_file: Option<PathBuf>,
    /// Sender of every mail.
    pub mail_from: String,
    /// Folder where mails are written when no SMTP server is configured.
    pub mail_dir: PathBuf,
    /// `text` or `json`.
    pub log_format: LogFormat,
    /// A tracing filter, e.g. `info` or `hromada=debug,sea_orm=warn`.
    pub log_level: String,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// How long a login token stays valid.
    pub session_ttl_hours: u32,
    /// How long an e-mail verification link stays valid.
    pub verification_ttl_hours: u32,
    /// Lifetime of the mailed link that confirms a petition signature given with name and e-mail.
    pub signature_confirmation_ttl_hours: u32,
    /// How long a password reset link stays valid.
    pub password_reset_ttl_minutes: u32,
    /// Seconds in-flight requests get to finish after SIGINT/SIGTERM.
    pub shutdown_grace_seconds: u64,
    /// Trust the first address of `X-Forwarded-For` as the client (only behind your own reverse proxy).
    pub trust_forwarded_for: bool,
    /// Load the example city directory into an empty database at start-up.
    pub example_directory: bool,
    pub rate_limits: RateLimitSettings,
    pub outbox: OutboxSettings,
    pub calendar: CalendarSettings,
    pub photos: PhotoSettings,
    pub watcher: WatcherSettings,
    /// How indicator scores are estimated: `bands` (`[{min_share, points}]`) and `min_sample`.
    pub indicators: crate::domain::metrics::Scoring,
    #[serde(default)]
    pub open_data: OpenDataSettings,
    #[serde(default)]
    pub web: WebSettings,
    #[serde(default)]
    pub idempotency: IdempotencySettings,
}

/// `Idempotency-Key` on creating requests (docs/api-clients.md).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IdempotencySettings {
    /// How long a key and its answer are kept (at least 24 h is what clients are promised).
    pub retention_hours: u32,
}

impl Default for IdempotencySettings {
    fn default() -> Self {
        IdempotencySettings { retention_hours: 24 }
    }
}

/// The web pages served at `/`.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WebSettings {
    /// The service's name in the header, in Ukrainian and in English.
    pub service_name_uk: String,
    pub service_name_en: String,
    /// Key that seals the forms' CSRF cookies (at least 32 characters); unset: a random key per process,
    /// so several instances behind one address need the same configured key.
    pub csrf_secret: Option<String>,
    /// Base map tiles under the Leaflet maps, e.g. `https://tile.openstreetmap.org/{z}/{x}/{y}.png`;
    /// unset: the district outlines on a plain background, with nothing fetched from elsewhere.
    pub map_tile_url: Option<String>,
    /// The tiles' attribution shown on the map (the tile provider's licence usually requires one).
    pub map_tile_attribution: String,
    /// How long a petition's page is shared by every visitor before it is read anew, in milliseconds
    /// (`service::petitions::PAGE_MAX_AGE`, 1 second, by default).
    pub petition_page_max_age_ms: u64,
}

impl WebSettings {
    /// The tile server's origin (`https://tile.example.org`), which the pages' CSP must allow images from.
    pub fn map_tile_origin(&self) -> Option<String> {
        let url = url::Url::parse(self.map_tile_url.as_deref()?).ok()?;
        Some(url.origin().ascii_serialization())
    }
}

impl Default for WebSettings {
    fn default() -> Self {
        WebSettings {
            service_name_uk: "Громада — звернення та петиції".to_owned(),
            service_name_en: "Hromada — appeals and petitions".to_owned(),
            csrf_secret: None,
            map_tile_url: None,
            map_tile_attribution: String::new(),
            petition_page_max_age_ms: 1000,
        }
    }
}

// By hand: the CSRF key is a secret and never printed.
impl std::fmt::Debug for WebSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let secret = self.csrf_secret.as_ref().map(|_| "<redacted>");
        f.debug_struct("WebSettings")
            .field("service_name_uk", &self.service_name_uk)
            .field("service_name_en", &self.service_name_en)
            .field("csrf_secret", &secret)
            .field("map_tile_url", &self.map_tile_url)
            .field("map_tile_attribution", &self.map_tile_attribution)
            .field("petition_page_max_age_ms", &self.petition_page_max_age_ms)
            .finish()
    }
}

/// The open-data exports.
#[derive(Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OpenDataSettings {
    /// Key of the author pseudonyms (at least 32 characters); unset: a random key kept in the database.
    pub pseudonym_secret: Option<String>,
    /// Downloads streamed at once by this instance; one more is answered 429 with `Retry-After`.
    pub max_concurrent_downloads: usize,
}

impl Default for OpenDataSettings {
    fn default() -> Self {
        OpenDataSettings { pseudonym_secret: None, max_concurrent_downloads: 4 }
    }
}

// By hand: anyone holding the key can turn pseudonyms back into account ids, so it is never printed.
impl std::fmt::Debug for OpenDataSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let secret = self.pseudonym_secret.as_ref().map(|_| "<redacted>");
        f.debug_struct("OpenDataSettings")
            .field("pseudonym_secret", &secret)
            .field("max_concurrent_downloads", &self.max_concurrent_downloads)
            .finish()
    }
}

/// Photos attached to issue reports: kept as files, outside the database.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhotoSettings {
    pub dir: PathBuf,
    /// Largest photo accepted, in bytes.
    pub max_bytes: usize,
    /// Most photos one report may carry.
    pub max_per_appeal: u32,
}

/// The deadline watcher: overdue marking, reminders before the deadline, escalation after it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WatcherSettings {
    pub enabled: bool,
    /// Seconds between sweeps.
    pub interval_seconds: u64,
    /// Remind the executor this many working days before the due date (one mail per entry).
    pub reminder_working_days: Vec<u32>,
}

/// The working-day calendar (docs/calendar.md).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalendarSettings {
    /// The first day without martial law, once it has ended (`"YYYY-MM-DD"`); unset while it lasts. Martial
    /// law runs from 24 February 2022 (its holiday rule, Law 2136-IX art. 6, from 24 March 2022). An end
    /// an administrator records (`PUT /api/v1/calendar/martial-law`) takes precedence.
    #[serde(default)]
    pub martial_law_ended_on: Option<chrono::NaiveDate>,
    /// Deprecated: the former on/off switch. `true` changes nothing (martial law is in force until
    /// `martial_law_ended_on`); `false` is refused, since it cannot say from when peacetime applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub martial_law: Option<bool>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

/// Requests allowed per client address; each is a bucket that refills evenly over its period.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimitSettings {
    pub register_per_hour: u32,
    pub login_per_minute: u32,
    pub password_reset_per_hour: u32,
    /// Petition signatures per client address.
    pub sign_per_minute: u32,
    /// Appeals and issue reports filed per author account (each mails the executor's staff).
    pub appeals_per_hour: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutboxSettings {
    /// How often the worker looks for due mail when nothing wakes it.
    pub poll_interval_ms: u64,
    /// First retry delay; doubled per failed attempt up to `retry_max_seconds`.
    pub retry_base_ms: u64,
    pub retry_max_seconds: u64,
    /// After this many failed attempts a mail is marked failed and left for an operator.
    pub max_attempts: u32,
    /// How long a claimed mail stays reserved for one worker before another may take it over.
    pub lease_seconds: u64,
    /// Mails claimed per sweep, exactly.
    pub batch_size: u64,
    /// SMTP connection and command timeout; also the longest one mail may take.
    pub smtp_timeout_seconds: u64,
    /// SMTP connections used in parallel, each kept open across mails.
    pub connections: usize,
    /// A connection unused this long is closed and reopened before the next mail.
    pub idle_seconds: u64,
    /// While the relay is unreachable, the longest wait between two connection attempts.
    pub relay_retry_max_seconds: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            bind: "127.0.0.1:8080".parse().expect("valid default address"),
            database_url: "sqlite://hromada.db?mode=rwc".into(),
            public_url: "http://127.0.0.1:8080".into(),
            smtp_url: None,
            smtp_ca_file: None,
            mail_from: "Hromada <no-reply@hromada.localhost>".into(),
            mail_dir: PathBuf::from("mail-outbox"),
            log_format: LogFormat::Text,
            log_level: "info".into(),
            max_body_bytes: 1024 * 1024,
            session_ttl_hours: 24 * 30,
            verification_ttl_hours: 48,
            signature_confirmation_ttl_hours: 48,
            password_reset_ttl_minutes: 60,
            shutdown_grace_seconds: 20,
            trust_forwarded_for: false,
            example_directory: true,
            rate_limits: RateLimitSettings {
                register_per_hour: 20,
                login_per_minute: 10,
                password_reset_per_hour: 5,
                sign_per_minute: 30,
                appeals_per_hour: 20,
            },
            outbox: OutboxSettings {
                poll_interval_ms: 2000,
                retry_base_ms: 5000,
                retry_max_seconds: 3600,
                max_attempts: 12,
                lease_seconds: 120,
                batch_size: 100,
                smtp_timeout_seconds: 20,
                connections: 8,
                idle_seconds: 30,
                relay_retry_max_seconds: 10,
            },
            calendar: CalendarSettings::default(),
            photos: PhotoSettings { dir: PathBuf::from("photos"), max_bytes: 5 * 1024 * 1024, max_per_appeal: 5 },
            watcher: WatcherSettings { enabled: true, interval_seconds: 60, reminder_working_days: vec![3, 1] },
            open_data: OpenDataSettings::default(),
            idempotency: IdempotencySettings::default(),
            indicators: crate::domain::metrics::Scoring::default(),
            web: WebSettings::default(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration: {0}")]
    Load(Box<figment::Error>),
    #[error("configuration key `{key}`: {message}")]
    Invalid { key: &'static str, message: String },
}

impl Settings {
    /// Loads the configuration; `file` is the optional TOML file (`--config` or `HROMADA_CONFIG`).
    pub fn load(file: Option<&std::path::Path>) -> Result<Settings, ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(Settings::default()));
        if let Some(path) = file {
            if !path.exists() {
                return Err(ConfigError::Invalid {
                    key: "config",
                    message: format!("the file {} does not exist", path.display()),
                });
            }
            figment = figment.merge(Toml::file(path));
        }
        figment = figment
            .merge(Env::raw().only(&["DATABASE_URL", "SMTP_URL"]))
            .merge(Env::prefixed("HROMADA_").split("__").ignore(&["CONFIG", "ADMIN_PASSWORD"]));
        let settings: Settings = figment.extract().map_err(|e| ConfigError::Load(Box::new(e)))?;
        settings.validate()?;
        Ok(settings)
    }

    /// Checks what serde cannot: that URLs parse and numbers are usable.
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.validate_addresses()?;
        self.validate_numbers()?;
        self.validate_calendar_and_secrets()
    }

    /// The database, public, SMTP and map tile URLs, the sender's mailbox, the log filter.
    fn validate_addresses(&self) -> Result<(), ConfigError> {
        if !(self.database_url.starts_with("sqlite:")
            || self.database_url.starts_with("postgres://")
            || self.database_url.starts_with("postgresql://"))
        {
            return invalid(
                "database_url",
                format!("`{}` is neither a sqlite: nor a postgres:// URL", self.database_url),
            );
        }
        if let Err(e) = url::Url::parse(&self.public_url) {
            return invalid("public_url", format!("`{}` is not a URL: {e}", self.public_url));
        }
        if let Some(smtp) = &self.smtp_url {
            match url::Url::parse(smtp) {
                Ok(u) if u.scheme() == "smtp" || u.scheme() == "smtps" => {}
                Ok(u) => return invalid("smtp_url", format!("scheme `{}` is not smtp or smtps", u.scheme())),
                Err(e) => return invalid("smtp_url", format!("`{smtp}` is not a URL: {e}")),
            }
        }
        if self.mail_from.parse::<lettre::message::Mailbox>().is_err() {
            return invalid(
                "mail_from",
                format!("`{}` is not a mailbox like `Name <address@example.org>`", self.mail_from),
            );
        }
        if self.web.csrf_secret.as_ref().is_some_and(|s| s.len() < 32) {
            return invalid("web.csrf_secret", "must be at least 32 characters long".into());
        }
        if let Some(tiles) = &self.web.map_tile_url {
            let placeholders = ["{z}", "{x}", "{y}"].iter().all(|p| tiles.contains(p));
            let https = tiles.starts_with("https://") || tiles.starts_with("http://");
            if !placeholders || !https || self.web.map_tile_origin().is_none() {
                return invalid(
                    "web.map_tile_url",
                    format!("`{tiles}` is not an http(s) URL with {{z}}, {{x}} and {{y}}"),
                );
            }
        }
        if tracing_subscriber::EnvFilter::try_new(&self.log_level).is_err() {
            return invalid("log_level", format!("`{}` is not a tracing filter", self.log_level));
        }
        Ok(())
    }

    /// Counts, sizes and durations: none zero, and the mail lease outlasting a send.
    fn validate_numbers(&self) -> Result<(), ConfigError> {
        let positive = [
            ("max_body_bytes", self.max_body_bytes as u64),
            ("session_ttl_hours", self.session_ttl_hours.into()),
            ("verification_ttl_hours", self.verification_ttl_hours.into()),
            ("signature_confirmation_ttl_hours", self.signature_confirmation_ttl_hours.into()),
            ("password_reset_ttl_minutes", self.password_reset_ttl_minutes.into()),
            ("rate_limits.register_per_hour", self.rate_limits.register_per_hour.into()),
            ("rate_limits.login_per_minute", self.rate_limits.login_per_minute.into()),
            ("rate_limits.password_reset_per_hour", self.rate_limits.password_reset_per_hour.into()),
            ("rate_limits.sign_per_minute", self.rate_limits.sign_per_minute.into()),
            ("rate_limits.appeals_per_hour", self.rate_limits.appeals_per_hour.into()),
            ("outbox.poll_interval_ms", self.outbox.poll_interval_ms),
            ("outbox.max_attempts", self.outbox.max_attempts.into()),
            ("outbox.lease_seconds", self.outbox.lease_seconds),
            ("outbox.batch_size", self.outbox.batch_size),
            ("outbox.smtp_timeout_seconds", self.outbox.smtp_timeout_seconds),
            ("outbox.connections", self.outbox.connections as u64),
            ("outbox.idle_seconds", self.outbox.idle_seconds),
            ("outbox.relay_retry_max_seconds", self.outbox.relay_retry_max_seconds),
            ("photos.max_bytes", self.photos.max_bytes as u64),
            ("photos.max_per_appeal", self.photos.max_per_appeal.into()),
            ("watcher.interval_seconds", self.watcher.interval_seconds),
        ];
        for (key, value) in positive {
            if value == 0 {
                return invalid(key, "must be greater than zero".into());
            }
        }
        // A mail is started only while its lease outlasts the longest send; renewals keep it at 2/3 or more.
        if self.outbox.lease_seconds < 2 * self.outbox.smtp_timeout_seconds {
            return invalid("outbox.lease_seconds", "must be at least twice outbox.smtp_timeout_seconds".into());
        }
        if self.watcher.reminder_working_days.iter().any(|&d| d == 0 || d > 20) {
            return invalid("watcher.reminder_working_days", "each entry must be 1 to 20 working days".into());
        }
        Ok(())
    }

    /// The martial-law settings, the indicators, and the secrets' lengths.
    fn validate_calendar_and_secrets(&self) -> Result<(), ConfigError> {
        if self.calendar.martial_law == Some(false) {
            return invalid(
                "calendar.martial_law",
                "is deprecated and `false` cannot say from when peacetime applies; remove it and set \
                 calendar.martial_law_ended_on to the first day without martial law, e.g. \"2026-09-01\""
                    .into(),
            );
        }
        if let Some(end) = self.calendar.martial_law_ended_on
            && let Err(message) = crate::domain::calendar::MartialLaw::check_end(end)
        {
            return invalid("calendar.martial_law_ended_on", message.to_string());
        }
        if let Err(message) = self.indicators.validate() {
            return invalid("indicators", message.to_string());
        }
        // Account ids are small numbers: a short key could be found by trying keys against known pseudonyms.
        if self.open_data.pseudonym_secret.as_ref().is_some_and(|s| s.chars().count() < 32) {
            return invalid("open_data.pseudonym_secret", "must have at least 32 characters".into());
        }
        Ok(())
    }

    pub fn is_postgres(&self) -> bool {
        self.database_url.starts_with("postgres")
    }
}

fn invalid(key: &'static str, message: String) -> Result<(), ConfigError> {
    Err(ConfigError::Invalid { key, message })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_valid() {
        Settings::default().validate().unwrap();
    }

    #[test]
    fn an_unknown_database_scheme_is_named_in_the_error() {
        let settings = Settings { database_url: "mysql://x".into(), ..Settings::default() };
        let error = settings.validate().unwrap_err().to_string();
        assert!(error.contains("database_url"), "{error}");
    }

    #[test]
    fn a_zero_rate_limit_is_refused() {
        let mut settings = Settings::default();
        settings.rate_limits.login_per_minute = 0;
        let error = settings.validate().unwrap_err().to_string();
        assert!(error.contains("rate_limits.login_per_minute"), "{error}");
    }

    #[test]
    fn the_deprecated_martial_law_switch_is_accepted_when_true_and_refused_when_false() {
        let mut settings = Settings::default();
        settings.calendar.martial_law = Some(true);
        settings.validate().unwrap();
        settings.calendar.martial_law = Some(false);
        let error = settings.validate().unwrap_err().to_string();
        assert!(error.contains("calendar.martial_law") && error.contains("martial_law_ended_on"), "{error}");
    }

    #[test]
    fn the_end_of_martial_law_is_read_from_a_file_and_must_follow_its_start() {
        let dir = std::env::temp_dir().join(format!("hromada-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("calendar.toml");
        std::fs::write(&file, "[calendar]\nmartial_law_ended_on = \"2026-09-01\"\nmartial_law = true\n").unwrap();
        let settings = Settings::load(Some(&file)).unwrap();
        assert_eq!(settings.calendar.martial_law_ended_on, chrono::NaiveDate::from_ymd_opt(2026, 9, 1));
        std::fs::write(&file, "[calendar]\nmartial_law_ended_on = \"2021-01-01\"\n").unwrap();
        let error = Settings::load(Some(&file)).unwrap_err().to_string();
        assert!(error.contains("calendar.martial_law_ended_on"), "{error}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
