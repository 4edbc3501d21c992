//! Storage: sea-orm code that loads and saves each domain area. Same module names as `domain` and `api`.
pub mod accounts;
pub mod api_keys;
pub mod appeals;
pub mod audit;
pub mod cache;
pub mod calendar;
pub mod directory;
pub mod drafts;
pub mod events;
pub mod idempotency;
pub mod metrics;
pub mod notify;
pub mod open311;
pub mod open_data;
pub mod petitions;
pub mod report_map;
pub mod subscriptions;

use std::time::Duration;

/// `$model { column: Set($from.column), …, ..$base }`: the columns a domain value keeps just as the row
/// does, each named once (`copy` for `Copy` fields, `clone` for the others); the rest from `$base`.
macro_rules! columns_from {
    ($from:expr => $($model:ident)::+ {
        copy: [$($copy:ident),* $(,)?], clone: [$($clone:ident),* $(,)?], ..$base:expr
    }) => {
        $($model)::+ { $($copy: sea_orm::Set($from.$copy),)* $($clone: sea_orm::Set($from.$clone.clone()),)* ..$base }
    };
}
pub(crate) use columns_from;

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbErr};

/// Opens the database named by `url`.
///
/// SQLite gets WAL (readers never wait for the writer), foreign keys on and a busy timeout so that
/// concurrent writers queue instead of failing. An in-memory SQLite database lives as long as its
/// pool keeps a connection open, so the pool is told never to drop its last one.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url.to_owned());
    options.sqlx_logging(false).connect_timeout(Duration::from_secs(10)).acquire_timeout(Duration::from_secs(15));
    if url.starts_with("sqlite:") {
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        options.map_sqlx_sqlite_opts(|opts| {
            opts.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
        });
        if in_memory {
            options.min_connections(1).max_connections(4).idle_timeout(None::<Duration>).max_lifetime(None::<Duration>);
        } else {
            options.max_connections(8);
        }
    } else {
        options.max_connections(32).min_connections(2);
    }
    Database::connect(options).await
}

/// Applies every pending migration, then fills what a migration created empty from the rows already
/// stored: the petition tallies of a database that had petitions before they existed, and the mailboxes
/// of the signatures stored before they were compared; and the audit chain of a database chained before
/// the actor commitments is re-chained.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), crate::error::AppError> {
    let pending = Migrator::get_pending_migrations(db).await?;
    let fills_petition_tallies = pending.iter().any(|m| m.name() == migration::PETITION_TALLIES);
    let normalises_mailboxes = pending.iter().any(|m| m.name() == migration::SIGNATURE_MAILBOXES);
    Migrator::up(db, None).await?;
    if fills_petition_tallies {
        let counted = metrics::rebuild(db).await?;
        tracing::info!(
            petitions = counted.petitions,
            appeals = counted.appeals,
            "metric tallies filled after migration"
        );
    }
    if normalises_mailboxes {
        let changed = petitions::normalise_mailboxes(db).await?;
        tracing::info!(changed, "signature mailboxes normalised after migration");
    }
    if let Some(rechained) = audit::rechain_legacy(db, chrono::Utc::now()).await? {
        tracing::warn!(
            links = rechained.links,
            superseded_head = %rechained.superseded_hash,
            new_head = %rechained.new_hash,
            "audit chain re-chained: its links no longer name accounts (see GET /api/v1/audit/rechains)"
        );
    }
    Ok(())
}

/// What `/readyz` reports: the database answers and no migration is pending.
pub async fn readiness(db: &DatabaseConnection) -> Result<(), String> {
    db.execute_unprepared("SELECT 1").await.map_err(|e| format!("database unreachable: {e}"))?;
    let pending = Migrator::get_pending_migrations(db).await.map_err(|e| format!("cannot read migrations: {e}"))?;
    if pending.is_empty() {
        Ok(())
    } else {
        Err(format!("{} database migration(s) not applied; run `hromada migrate`", pending.len()))
    }
}

/// True for SQLite, where `SELECT … FOR UPDATE SKIP LOCKED` does not exist (writers are serialised anyway).
pub fn is_sqlite(db: &impl ConnectionTrait) -> bool {
    db.get_database_backend() == sea_orm::DatabaseBackend::Sqlite
}

/// A transaction that reads and then writes. On SQLite it takes the write lock at `BEGIN IMMEDIATE`, so
/// two such transactions queue on the busy timeout instead of one failing when it upgrades its read lock.
/// PostgreSQL ignores the option.
pub async fn begin_write<C>(db: &C) -> Result<sea_orm::DatabaseTransaction, DbErr>
where
    C: sea_orm::TransactionTrait<Transaction = sea_orm::DatabaseTransaction>,
{
    use sea_orm::{SqliteTransactionMode, TransactionOptions};
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

/// A search term as a `LIKE` pattern against a column folded by `domain::text::search_folded`: the term
/// folded the same way, found anywhere, with `%` and `_` typed by a person taken literally.
pub(crate) fn contains_folded(term: &str) -> sea_orm::sea_query::LikeExpr {
    let folded = crate::domain::text::search_term_folded(term);
    let escaped = folded.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    sea_orm::sea_query::LikeExpr::new(format!("%{escaped}%")).escape('\\')
}

/// One page of a list: `number` from 1 to [`Page::MAX_NUMBER`], `size` items from 1 to [`Page::MAX_SIZE`].
/// The one statement of the page bounds: `api::paging` declares them in the spec and refuses others, and
/// every list limited another way (the mail outbox's `limit`) uses the same largest size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub number: u64,
    pub size: u64,
}

impl Page {
    /// The last page anyone may ask for; with [`Page::MAX_SIZE`], its offset cannot overflow.
    pub const MAX_NUMBER: u64 = 1_000_000;
    /// The most items one page holds.
    pub const MAX_SIZE: u64 = 500;

    /// The 0-based page index of sea-orm's paginator.
    pub fn index(&self) -> u64 {
        self.number.saturating_sub(1)
    }
}

impl Default for Page {
    fn default() -> Self {
        Page { number: 1, size: 50 }
    }
}

/// A test seam of the creating writes (the batch writers, photo uploads, statute terms): the next `n`
/// COMMITs that land answer with an error, as when the connection is lost at that moment (the commit
/// landed, the answer did not). Tests arm it to prove a retry never stores an item twice; in service
/// nobody arms it and it costs one atomic load.
#[derive(Debug, Clone, Default)]
pub struct LostCommitAnswers(std::sync::Arc<std::sync::atomic::AtomicUsize>);

impl LostCommitAnswers {
    /// Loses the answers to the next `n` COMMITs of the writers sharing this seam.
    pub fn lose_next(&self, n: usize) {
        self.0.store(n, std::sync::atomic::Ordering::SeqCst);
    }

    /// Commits `txn`; when the seam is armed, the commit lands and its answer is lost.
    pub(crate) async fn commit(&self, txn: sea_orm::DatabaseTransaction) -> Result<(), crate::error::AppError> {
        txn.commit().await?;
        self.answer()
    }

    /// After a COMMIT landed: its answer, lost when the seam is armed.
    pub(crate) fn answer(&self) -> Result<(), crate::error::AppError> {
        use std::sync::atomic::Ordering::SeqCst;
        match self.0.fetch_update(SeqCst, SeqCst, |n| n.checked_sub(1)) {
            Ok(_) => Err(crate::error::AppError::Unavailable("the answer to COMMIT was lost (test seam)".into())),
            Err(_) => Ok(()),
        }
    }
}
