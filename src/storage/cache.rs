//! A value read from the database and shared by the requests of this process: the directory as routing
//! reads it (`storage::directory`) and the calendar's overrides (`storage::calendar`).
use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex, PoisonError,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use sea_orm::{DatabaseConnection, DatabaseConnectionType};

/// A value read from the database and shared by every request of this process that uses the same
/// database (an in-memory SQLite database, a SQLite file, or one PostgreSQL database), until it is
/// older than `max_age` or this process changed what it was read from (its `generation` moved on).
/// Only one request per database reads it again; the others wait for that read.
pub struct SharedCache<T> {
    generation: &'static AtomicU64,
    max_age: Duration,
    slots: Mutex<HashMap<String, Slot<T>>>,
}

struct Slot<T> {
    loaded: Option<Loaded<T>>,
    loading: Arc<tokio::sync::Mutex<()>>,
}

struct Loaded<T> {
    value: Arc<T>,
    generation: u64,
    at: Instant,
}

/// More databases (and keys) than one process serves (tests open hundreds); past this, expired copies
/// are dropped.
const MAX_CACHED_DATABASES: usize = 64;

impl<T> SharedCache<T> {
    pub fn new(generation: &'static AtomicU64, max_age: Duration) -> SharedCache<T> {
        SharedCache { generation, max_age, slots: Mutex::new(HashMap::new()) }
    }

    /// The copy for `db`, read with `load` when there is none or it is out of date.
    pub(crate) async fn get<E, F, Fut>(&self, db: &DatabaseConnection, load: F) -> Result<Arc<T>, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        self.get_keyed(db, "", load).await
    }

    /// The copy for `db` and `key` (e.g. the filters a value was computed for), read with `load` when
    /// there is none or it is out of date.
    pub async fn get_keyed<E, F, Fut>(&self, db: &DatabaseConnection, key: &str, load: F) -> Result<Arc<T>, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        self.get_keyed_within(db, (key, self.max_age), load).await
    }

    /// [`SharedCache::get_keyed`] with a copy kept `max_age` instead of the cache's own (a setting).
    pub async fn get_keyed_within<E, F, Fut>(
        &self,
        db: &DatabaseConnection,
        (key, max_age): (&str, Duration),
        load: F,
    ) -> Result<Arc<T>, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        let Some(identity) = database_identity(db) else { return load().await.map(Arc::new) };
        let key = format!("{identity}#{key}");
        let loading = match self.fresh(&key, max_age) {
            Ok(value) => return Ok(value),
            Err(loading) => loading,
        };
        let _only_reader = loading.lock().await;
        if let Ok(value) = self.fresh(&key, max_age) {
            return Ok(value);
        }
        // Read the generation before the database: a change committed after this point moves the
        // generation on, so a copy that missed it is never taken for current.
        let generation = self.generation.load(Ordering::SeqCst);
        let at = Instant::now();
        let value = Arc::new(load().await?);
        if let Some(slot) = self.lock().get_mut(&key) {
            slot.loaded = Some(Loaded { value: value.clone(), generation, at });
        }
        Ok(value)
    }

    /// The current copy, or the lock to take before reading a new one.
    fn fresh(&self, key: &str, max_age: Duration) -> Result<Arc<T>, Arc<tokio::sync::Mutex<()>>> {
        let generation = self.generation.load(Ordering::SeqCst);
        let mut slots = self.lock();
        if !slots.contains_key(key) {
            if slots.len() >= MAX_CACHED_DATABASES {
                slots.retain(|_, slot| slot.loaded.as_ref().is_some_and(|l| l.at.elapsed() < self.max_age));
            }
            slots.insert(key.to_owned(), Slot { loaded: None, loading: Arc::default() });
        }
        let slot = slots.get(key).expect("inserted above");
        match &slot.loaded {
            Some(l) if l.generation == generation && l.at.elapsed() < max_age => Ok(l.value.clone()),
            _ => Err(slot.loading.clone()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Slot<T>>> {
        self.slots.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Which database `db` reads: two connections with the same identity see the same data. Every
/// in-memory SQLite pool is its own database (sqlx names each one uniquely). `None` for anything else.
fn database_identity(db: &DatabaseConnection) -> Option<String> {
    match &db.inner {
        DatabaseConnectionType::SqlxPostgresPoolConnection(_) => {
            let o = db.get_postgres_connection_pool().connect_options();
            Some(format!(
                "postgres://{}@{}:{}/{}?socket={:?}",
                o.get_username(),
                o.get_host(),
                o.get_port(),
                o.get_database().unwrap_or_default(),
                o.get_socket(),
            ))
        }
        DatabaseConnectionType::SqlxSqlitePoolConnection(_) => {
            Some(format!("sqlite:{}", db.get_sqlite_connection_pool().connect_options().get_filename().display()))
        }
        #[allow(unreachable_patterns)]
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;

    use super::*;
    use crate::error::AppError;

    /// Counts how often the cache went to the database.
    async fn read(cache: &SharedCache<usize>, db: &DatabaseConnection, reads: &AtomicUsize) -> usize {
        *cache
            .get(db, || async { Ok::<_, AppError>(reads.fetch_add(1, Ordering::SeqCst) + 1) })
            .await
            .expect("the load does not fail")
    }

    #[tokio::test]
    async fn a_copy_is_reused_until_this_process_changes_it_or_it_grows_old() {
        static GENERATION: AtomicU64 = AtomicU64::new(0);
        let db = sea_orm::Database::connect("sqlite::memory:").await.unwrap();
        let other = sea_orm::Database::connect("sqlite::memory:").await.unwrap();
        let cache = SharedCache::new(&GENERATION, Duration::from_millis(300));
        let reads = AtomicUsize::new(0);

        assert_eq!(read(&cache, &db, &reads).await, 1);
        assert_eq!(read(&cache, &db, &reads).await, 1, "reused");
        // Another in-memory database is another database: it gets its own copy.
        assert_eq!(read(&cache, &other, &reads).await, 2);
        assert_eq!(read(&cache, &db, &reads).await, 1);

        // A change made through this process is seen by the very next read.
        GENERATION.fetch_add(1, Ordering::SeqCst);
        assert_eq!(read(&cache, &db, &reads).await, 3);
        assert_eq!(read(&cache, &db, &reads).await, 3);

        // A change made elsewhere is seen once the copy is older than its maximum age.
        tokio::time::sleep(Duration::from_millis(350)).await;
        assert_eq!(read(&cache, &db, &reads).await, 4);
    }

    #[tokio::test]
    async fn concurrent_requests_read_an_out_of_date_copy_once() {
        static GENERATION: AtomicU64 = AtomicU64::new(0);
        let db = sea_orm::Database::connect("sqlite::memory:").await.unwrap();
        let cache = SharedCache::<usize>::new(&GENERATION, Duration::from_secs(60));
        let reads = AtomicUsize::new(0);
        let load = || async {
            tokio::time::sleep(Duration::from_millis(50)).await;
            Ok::<_, AppError>(reads.fetch_add(1, Ordering::SeqCst) + 1)
        };
        let all = futures::future::join_all((0..8).map(|_| cache.get(&db, load))).await;
        assert!(all.iter().all(|r| **r.as_ref().unwrap() == 1));
        assert_eq!(reads.load(Ordering::SeqCst), 1);
    }
}
