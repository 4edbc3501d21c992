//! Two indexes for the desk's work queue on a large database.
//!
//! - The open items of an organisation by deadline, holding everything the queue sorts and counts by
//!   (`storage::appeals::queue`): the counts per urgency group and the page's ids are read from the
//!   index alone, not from thousands of rows spread over a year of appeals (on the generated million,
//!   6,638 open items in one organisation: counts 143 → 2 ms, a page at offset 4,975 111 → 20 ms). The
//!   query writes the statuses literally, as here, so that generic plans use it too (see m0012).
//! - The event log by action and time, for "reminded since your last visit"
//!   (`storage::appeals::changes_since`): the only index of the log was by subject, and nearly every
//!   event is an appeal's, so each visit with a last-visit cookie read the whole log (1.3 s for 3.9
//!   million events).
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const OPEN_BY_EXECUTOR: &str = "idx_appeals_open_executor_due";
const EVENTS_BY_ACTION: &str = "idx_events_action_occurred";

/// Written again, word for word, in the query: the appeal statuses that still owe an answer.
const OPEN: &str = "status IN ('received', 'in_progress', 'rework')";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(&format!(
            "CREATE INDEX {OPEN_BY_EXECUTOR} ON appeals (executor_id, due_at, privileged, id) WHERE {OPEN}"
        ))
        .await?;
        db.execute_unprepared(&format!("CREATE INDEX {EVENTS_BY_ACTION} ON events (action, occurred_at)")).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(&format!("DROP INDEX {EVENTS_BY_ACTION}")).await?;
        db.execute_unprepared(&format!("DROP INDEX {OPEN_BY_EXECUTOR}")).await?;
        Ok(())
    }
}
