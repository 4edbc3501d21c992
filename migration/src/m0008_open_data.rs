//! Secrets the service generates for itself (the open-data pseudonym key), so every instance sharing the
//! database derives the same pseudonyms without an operator having to configure one.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ServiceSecrets {
    Table,
    Name,
    Value,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ServiceSecrets::Table)
                    // The name is the key, so concurrent first uses can insert-if-absent and then all read one value.
                    .col(string_len(ServiceSecrets::Name, 100).primary_key())
                    .col(string_len(ServiceSecrets::Value, 200))
                    .col(timestamp_with_time_zone(ServiceSecrets::CreatedAt))
                    .to_owned(),
            )
            .await
    }
}
