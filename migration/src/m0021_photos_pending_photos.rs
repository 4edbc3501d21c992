//! Photos chosen on the report-a-problem journey's photos step, kept on the server (the files in the
//! photo folder, these rows beside them) until the report is filed, when they become the appeal's
//! photos in the filing's transaction. A technical record of a form in progress, deleted when it
//! expires.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum WebPendingPhotos {
    Table,
    Id,
    Scope,
    AccountId,
    FileName,
    ContentType,
    SizeBytes,
    Sha256,
    CreatedAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(WebPendingPhotos::Table)
                    .col(pk_auto(WebPendingPhotos::Id))
                    // A digest of the account and the draft's photo key: a key from another account finds nothing.
                    .col(string_len(WebPendingPhotos::Scope, 64))
                    .col(integer(WebPendingPhotos::AccountId))
                    .col(string_len(WebPendingPhotos::FileName, 64).unique_key())
                    .col(string_len(WebPendingPhotos::ContentType, 32))
                    .col(big_integer(WebPendingPhotos::SizeBytes))
                    .col(string_len(WebPendingPhotos::Sha256, 64))
                    .col(timestamp_with_time_zone(WebPendingPhotos::CreatedAt))
                    .col(timestamp_with_time_zone(WebPendingPhotos::ExpiresAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(WebPendingPhotos::Table, WebPendingPhotos::AccountId)
                            .to(Accounts::Table, Accounts::Id),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("ix_web_pending_photos_scope", WebPendingPhotos::Scope),
            ("ix_web_pending_photos_expires_at", WebPendingPhotos::ExpiresAt),
        ] {
            manager
                .create_index(Index::create().name(name).table(WebPendingPhotos::Table).col(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
