//! Idempotency keys: the first answer to a creating request, kept so a retry with the same key gets that
//! answer again instead of creating a second item; also the record of each appeal-intake batch, so a
//! batch whose COMMIT answered with an error but landed is not written a second time.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum IdempotencyKeys {
    Table,
    Scope,
    Fingerprint,
    LockedUntil,
    CreatedResource,
    ResponseStatus,
    ResponseHeaders,
    ResponseBody,
    CreatedAt,
    ExpiresAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(IdempotencyKeys::Table)
                    // A digest of who asked and their key: concurrent first uses insert-if-absent, one wins.
                    .col(string_len(IdempotencyKeys::Scope, 64).primary_key())
                    .col(string_len(IdempotencyKeys::Fingerprint, 64))
                    .col(timestamp_with_time_zone_null(IdempotencyKeys::LockedUntil))
                    .col(text_null(IdempotencyKeys::CreatedResource))
                    .col(integer_null(IdempotencyKeys::ResponseStatus))
                    .col(text_null(IdempotencyKeys::ResponseHeaders))
                    .col(text_null(IdempotencyKeys::ResponseBody))
                    .col(timestamp_with_time_zone(IdempotencyKeys::CreatedAt))
                    .col(timestamp_with_time_zone(IdempotencyKeys::ExpiresAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_idempotency_keys_expires_at")
                    .table(IdempotencyKeys::Table)
                    .col(IdempotencyKeys::ExpiresAt)
                    .to_owned(),
            )
            .await
    }
}
