//! Which deadline of an appeal was escalated: `appeals.escalated_due_at`, the deadline in force when the
//! watcher (or a head extending after it passed) recorded the miss and mailed the heads and
//! administrators. The watcher escalates every open appeal whose deadline in force has passed and is not
//! the one escalated, so a deadline extended and then missed too is escalated in its turn, once
//! (`overdue_at` keeps the first missed term for the figures).
//!
//! Rows already marked overdue for the deadline they still have were escalated for it. Rows whose mark is
//! older than their deadline were extended after the miss; whether that miss was escalated is not known
//! (before this column a late extension did not escalate). If the extended deadline is still ahead they
//! are left empty and the watcher escalates it if it passes without an answer; if it has passed too (by
//! the time of the migration), the old code never escalated it and it is filled as well, so that the
//! first sweep after the upgrade does not mail months-old misses at once.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Appeals {
    Table,
    DueAt,
    OverdueAt,
    EscalatedDueAt,
}

/// `due_at` is not after the migration's now (SQLite keeps timestamps as text: compared as Julian days).
fn deadline_passed(backend: sea_orm_migration::sea_orm::DatabaseBackend) -> SimpleExpr {
    match backend {
        sea_orm_migration::sea_orm::DatabaseBackend::Sqlite => Expr::cust("julianday(due_at) <= julianday('now')"),
        _ => Expr::cust("due_at <= CURRENT_TIMESTAMP"),
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Appeals::Table)
                    .add_column(timestamp_with_time_zone_null(Appeals::EscalatedDueAt))
                    .to_owned(),
            )
            .await?;
        let fill = Query::update()
            .table(Appeals::Table)
            .value(Appeals::EscalatedDueAt, Expr::col(Appeals::DueAt))
            .and_where(Expr::col(Appeals::OverdueAt).is_not_null())
            .cond_where(
                Cond::any()
                    .add(Expr::col(Appeals::OverdueAt).gte(Expr::col(Appeals::DueAt)))
                    .add(deadline_passed(manager.get_database_backend())),
            )
            .to_owned();
        manager.exec_stmt(fill).await
    }

    /// One transaction: an interrupted start must not leave the column added but the migration unrecorded.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
