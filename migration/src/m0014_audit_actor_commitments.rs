//! The public audit chain no longer names accounts: each link commits to its event's actor through a
//! secret per-link salt (see `hromada::domain::audit`). Links chained before this commit to the account
//! id itself; the service re-chains them once at start-up (`storage::audit::rechain_legacy`) and records
//! the head they had in `audit_rechains`, which is public.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AuditChain {
    Table,
    ActorSalt,
}

#[derive(DeriveIden)]
enum AuditRechains {
    Table,
    Id,
    RechainedAt,
    Links,
    SupersededSeq,
    SupersededHash,
    NewHash,
    Reason,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(AuditChain::Table)
                    .add_column(string_len_null(AuditChain::ActorSalt, 64))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AuditRechains::Table)
                    .col(pk_auto(AuditRechains::Id))
                    .col(timestamp_with_time_zone(AuditRechains::RechainedAt))
                    .col(big_integer(AuditRechains::Links))
                    .col(big_integer(AuditRechains::SupersededSeq))
                    .col(string_len(AuditRechains::SupersededHash, 64))
                    .col(string_len(AuditRechains::NewHash, 64))
                    .col(text(AuditRechains::Reason))
                    .to_owned(),
            )
            .await
    }
}
