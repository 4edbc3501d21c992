//! Database schema of Hromada, one migration per step. Migrations run at start-up and by `hromada migrate`;
//! they are written with sea-query so the same schema is created on SQLite and PostgreSQL.
pub use sea_orm_migration::prelude::*;

/// The migration after which the petition tallies must be filled from the petitions already stored.
pub const PETITION_TALLIES: &str = "m0011_petition_tallies";

/// The migration after which the existing signatures' mailboxes must be normalised.
pub const SIGNATURE_MAILBOXES: &str = "m0015_signature_mailboxes";

/// The index that serves the administration's event history a page at a time.
pub const ADMIN_EVENTS_INDEX: &str = m0022_harden_admin_events_index::NAME;

mod fold;
mod m0001_accounts_and_outbox;
mod m0002_calendar;
mod m0003_directory;
mod m0004_appeals;
mod m0005_petitions;
mod m0006_audit_chain;
mod m0007_metrics;
mod m0008_open_data;
mod m0009_month_tallies;
mod m0010_petition_metric_indexes;
mod m0011_petition_tallies;
mod m0012_open_appeals_index;
mod m0013_idempotency_keys;
mod m0014_audit_actor_commitments;
mod m0015_signature_mailboxes;
mod m0016_mail_preferences;
mod m0018_web_drafts;
mod m0019_desk_last_seen;
mod m0020_desk_search_text;
mod m0021_photos_pending_photos;
mod m0022_harden_admin_events_index;
mod m0023_perf_desk_indexes;
mod m0024_desk_escalation;
mod m0025_accounts_search_name;
mod m0026_desk_news_index;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_accounts_and_outbox::Migration),
            Box::new(m0002_calendar::Migration),
            Box::new(m0003_directory::Migration),
            Box::new(m0004_appeals::Migration),
            Box::new(m0005_petitions::Migration),
            Box::new(m0006_audit_chain::Migration),
            Box::new(m0007_metrics::Migration),
            Box::new(m0008_open_data::Migration),
            Box::new(m0009_month_tallies::Migration),
            Box::new(m0010_petition_metric_indexes::Migration),
            Box::new(m0011_petition_tallies::Migration),
            Box::new(m0012_open_appeals_index::Migration),
            Box::new(m0013_idempotency_keys::Migration),
            Box::new(m0014_audit_actor_commitments::Migration),
            Box::new(m0015_signature_mailboxes::Migration),
            Box::new(m0016_mail_preferences::Migration),
            Box::new(m0018_web_drafts::Migration),
            Box::new(m0019_desk_last_seen::Migration),
            Box::new(m0020_desk_search_text::Migration),
            Box::new(m0021_photos_pending_photos::Migration),
            Box::new(m0022_harden_admin_events_index::Migration),
            Box::new(m0023_perf_desk_indexes::Migration),
            Box::new(m0024_desk_escalation::Migration),
            Box::new(m0025_accounts_search_name::Migration),
            Box::new(m0026_desk_news_index::Migration),
        ]
    }
}
