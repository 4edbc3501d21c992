//! When each officer last opened each organisation's work queue, so the desk can say what changed since
//! (new items, items returned for rework, reminders, deadlines passed) in any browser they use. A
//! technical record of one account's own visits: no personal data beyond the account's id.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum DeskVisits {
    Table,
    AccountId,
    OrganisationId,
    SeenAt,
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Organisations {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(DeskVisits::Table)
                    .col(integer(DeskVisits::AccountId))
                    .col(integer(DeskVisits::OrganisationId))
                    .col(timestamp_with_time_zone(DeskVisits::SeenAt))
                    .primary_key(Index::create().col(DeskVisits::AccountId).col(DeskVisits::OrganisationId))
                    .foreign_key(
                        ForeignKey::create()
                            .from(DeskVisits::Table, DeskVisits::AccountId)
                            .to(Accounts::Table, Accounts::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(DeskVisits::Table, DeskVisits::OrganisationId)
                            .to(Organisations::Table, Organisations::Id),
                    )
                    .to_owned(),
            )
            .await
    }
}
