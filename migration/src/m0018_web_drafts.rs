//! Drafts of the web's multi-step forms (start a petition, file an appeal), kept on the server between
//! "continue" and "send", so the check-your-answers page is a GET (POST → 303 → GET) and nothing typed
//! travels back and forth in hidden fields. A technical record, deleted when it expires.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum WebDrafts {
    Table,
    Key,
    AccountId,
    Form,
    Body,
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
                    .table(WebDrafts::Table)
                    // A digest of the account and the form's key: a key guessed from another account finds nothing.
                    .col(string_len(WebDrafts::Key, 64).primary_key())
                    .col(integer(WebDrafts::AccountId))
                    .col(string_len(WebDrafts::Form, 32))
                    .col(text(WebDrafts::Body))
                    .col(timestamp_with_time_zone(WebDrafts::ExpiresAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(WebDrafts::Table, WebDrafts::AccountId)
                            .to(Accounts::Table, Accounts::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_web_drafts_expires_at")
                    .table(WebDrafts::Table)
                    .col(WebDrafts::ExpiresAt)
                    .to_owned(),
            )
            .await
    }
}
