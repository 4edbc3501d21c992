//! The bulk writer: rows arrive in batches over a channel and are written with multi-row INSERTs, one
//! transaction per batch, while the generator goes on sampling (the CPU work and the database overlap).
use std::time::{Duration, Instant};

use entity::{accounts, appeals, audit_chain, events, petitions};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, Iterable};

/// Rows to write, in the order they must be written (an appeal before the petition that links it,
/// an event before its chain link).
pub enum Batch {
    Appeals(Vec<appeals::ActiveModel>),
    Petitions(Vec<petitions::ActiveModel>),
    Events(Vec<events::ActiveModel>),
    Chain(Vec<audit_chain::ActiveModel>),
}

/// Rows and time spent per table.
#[derive(Debug, Default, Clone)]
pub struct Written {
    pub appeals: (u64, Duration),
    pub petitions: (u64, Duration),
    pub events: (u64, Duration),
    pub chain: (u64, Duration),
}

/// Bind parameters one statement may carry: PostgreSQL allows 65,535, SQLite (3.32+) 32,766.
fn max_parameters(db: &impl ConnectionTrait) -> usize {
    if crate::storage::is_sqlite(db) { 32_000 } else { 65_000 }
}

/// Writes `rows` with as many rows per INSERT as the parameter limit allows.
pub async fn insert_all<A>(conn: &impl ConnectionTrait, rows: Vec<A>) -> Result<u64, DbErr>
where
    A: ActiveModelTrait + Send,
{
    let columns = <<A::Entity as EntityTrait>::Column as Iterable>::iter().count().max(1);
    let per_statement = (max_parameters(conn) / columns).max(1);
    let total = rows.len() as u64;
    let mut rows = rows.into_iter();
    loop {
        let chunk: Vec<A> = rows.by_ref().take(per_statement).collect();
        if chunk.is_empty() {
            break;
        }
        <A::Entity as EntityTrait>::insert_many(chunk).exec_without_returning(conn).await?;
    }
    Ok(total)
}

/// Accounts in bulk (citizens and staff), in one transaction.
pub async fn accounts(db: &DatabaseConnection, rows: Vec<accounts::ActiveModel>) -> Result<u64, DbErr> {
    let txn = crate::storage::begin_write(db).await?;
    let n = insert_all(&txn, rows).await?;
    txn.commit().await?;
    Ok(n)
}

/// Writes every batch that arrives until the sender is dropped.
pub async fn run(db: DatabaseConnection, mut batches: tokio::sync::mpsc::Receiver<Batch>) -> Result<Written, DbErr> {
    let mut written = Written::default();
    while let Some(batch) = batches.recv().await {
        let started = Instant::now();
        let txn = crate::storage::begin_write(&db).await?;
        let (slot, n) = match batch {
            Batch::Appeals(rows) => (&mut written.appeals, insert_all(&txn, rows).await?),
            Batch::Petitions(rows) => (&mut written.petitions, insert_all(&txn, rows).await?),
            Batch::Events(rows) => (&mut written.events, insert_all(&txn, rows).await?),
            Batch::Chain(rows) => (&mut written.chain, insert_all(&txn, rows).await?),
        };
        txn.commit().await?;
        slot.0 += n;
        slot.1 += started.elapsed();
    }
    Ok(written)
}

/// After rows were written with explicit ids, PostgreSQL's sequences must continue after them.
pub async fn reset_sequences(db: &DatabaseConnection) -> Result<(), DbErr> {
    if crate::storage::is_sqlite(db) {
        // SQLite continues after the largest rowid by itself.
        return Ok(());
    }
    for table in ["accounts", "appeals", "petitions", "events"] {
        db.execute_unprepared(&format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
        ))
        .await?;
    }
    Ok(())
}
