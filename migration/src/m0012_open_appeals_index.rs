//! A partial index of the open appeals for the live "overdue" count behind every appeal metric.
//!
//! The count's query (`storage::metrics::appeal_tallies`) takes its moments as parameters. After five
//! runs PostgreSQL may switch a prepared statement to a generic plan, which cannot see the parameters'
//! values and estimated the received_at range as tiny: it walked the receipt-date index over a whole
//! year of appeals (400 ms) instead of the few open ones. An index that holds only open appeals is the
//! cheapest path for every plan, generic or not (3 ms on a million appeals).
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const NAME: &str = "idx_appeals_open_received";

/// Written again, word for word, in the query: the appeal statuses that still owe an answer.
const OPEN: &str = "status IN ('received', 'in_progress', 'rework')";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "CREATE INDEX {NAME} ON appeals (received_at, due_at, executor_id, category_id) WHERE {OPEN}"
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.get_connection().execute_unprepared(&format!("DROP INDEX {NAME}")).await?;
        Ok(())
    }
}
