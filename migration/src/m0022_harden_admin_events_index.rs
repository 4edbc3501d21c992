//! An index for the administration's event history (`/admin/events`, `storage::events::recent`): the
//! newest events of the administered subject types, newest first, a page at a time. The only index on
//! events was (subject_type, subject_id), so the page sorted every event of those types (each account's
//! registration among them) to show fifty; with (subject_type, id) one type's page is read in order from
//! the index's end, and the listing of all of them reads only each type's rows below the page's start.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Named in the test that reads the query plan.
pub const NAME: &str = "idx_events_type_id";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(&format!("CREATE INDEX {NAME} ON events (subject_type, id)"))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.get_connection().execute_unprepared(&format!("DROP INDEX {NAME}")).await?;
        Ok(())
    }
}
