//! The audit chain: one hash-chained link per event, in the order the chainer saw them.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AuditChain {
    Table,
    Seq,
    EventId,
    PrevHash,
    Hash,
    ChainedAt,
}

#[derive(DeriveIden)]
enum Events {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AuditChain::Table)
                    // Assigned by the chainer (last + 1) under a lock, so the sequence has no gaps.
                    .col(big_integer(AuditChain::Seq).primary_key())
                    .col(integer_uniq(AuditChain::EventId))
                    .col(string_len(AuditChain::PrevHash, 64))
                    .col(string_len(AuditChain::Hash, 64))
                    .col(timestamp_with_time_zone(AuditChain::ChainedAt))
                    .foreign_key(
                        ForeignKey::create().from(AuditChain::Table, AuditChain::EventId).to(Events::Table, Events::Id),
                    )
                    .to_owned(),
            )
            .await
    }
}
