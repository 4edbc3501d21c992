//! The open items of an organisation by when they reached it, for "since your last visit"
//! (`storage::appeals::changes_since`: new items and items returned for rework after the visit). Without
//! it each desk page counted through every open item of the organisation to find the few that arrived
//! since (10,000 open items: about 7 ms per count, two counts a page). Partial, with the statuses written
//! literally as the query writes them (see m0023), so generic plans use it too.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const OPEN_BY_ARRIVAL: &str = "idx_appeals_open_executor_received";

/// Written again, word for word, in the query: the appeal statuses that still owe an answer.
const OPEN: &str = "status IN ('received', 'in_progress', 'rework')";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared(&format!(
            "CREATE INDEX {OPEN_BY_ARRIVAL} ON appeals (executor_id, executor_received_at) WHERE {OPEN}"
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.get_connection().execute_unprepared(&format!("DROP INDEX {OPEN_BY_ARRIVAL}")).await?;
        Ok(())
    }
}
