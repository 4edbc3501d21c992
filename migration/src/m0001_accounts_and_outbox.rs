//! Accounts, their tokens and sessions, the mail outbox and the event (history) log.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
    Email,
    FullName,
    PasswordHash,
    Language,
    Role,
    EmailVerifiedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AccountTokens {
    Table,
    Id,
    AccountId,
    Purpose,
    TokenHash,
    CreatedAt,
    ExpiresAt,
    UsedAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    AccountId,
    TokenHash,
    CreatedAt,
    ExpiresAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum OutboxMails {
    Table,
    Id,
    Kind,
    Recipient,
    Subject,
    BodyText,
    DedupeKey,
    Status,
    Attempts,
    NextAttemptAt,
    LockedBy,
    LockedUntil,
    LastError,
    CreatedAt,
    SentAt,
}

#[derive(DeriveIden)]
enum Events {
    Table,
    Id,
    OccurredAt,
    ActorAccountId,
    SubjectType,
    SubjectId,
    Action,
    FromState,
    ToState,
    Details,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Accounts::Table)
                    .col(pk_auto(Accounts::Id))
                    // Stored normalised (trimmed, lower-case) so the unique index means one account per address.
                    .col(string_len_uniq(Accounts::Email, 254))
                    .col(string_len(Accounts::FullName, 200))
                    .col(string(Accounts::PasswordHash))
                    .col(string_len(Accounts::Language, 2))
                    .col(string_len(Accounts::Role, 16))
                    .col(timestamp_with_time_zone_null(Accounts::EmailVerifiedAt))
                    .col(timestamp_with_time_zone(Accounts::CreatedAt))
                    .col(timestamp_with_time_zone(Accounts::UpdatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AccountTokens::Table)
                    .col(pk_auto(AccountTokens::Id))
                    .col(integer(AccountTokens::AccountId))
                    .col(string_len(AccountTokens::Purpose, 32))
                    // Only a SHA-256 of the mailed secret is kept: a database leak does not leak live links.
                    .col(string_len_uniq(AccountTokens::TokenHash, 64))
                    .col(timestamp_with_time_zone(AccountTokens::CreatedAt))
                    .col(timestamp_with_time_zone(AccountTokens::ExpiresAt))
                    .col(timestamp_with_time_zone_null(AccountTokens::UsedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(AccountTokens::Table, AccountTokens::AccountId)
                            .to(Accounts::Table, Accounts::Id),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Sessions::Table)
                    .col(pk_auto(Sessions::Id))
                    .col(integer(Sessions::AccountId))
                    .col(string_len_uniq(Sessions::TokenHash, 64))
                    .col(timestamp_with_time_zone(Sessions::CreatedAt))
                    .col(timestamp_with_time_zone(Sessions::ExpiresAt))
                    .col(timestamp_with_time_zone_null(Sessions::RevokedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Sessions::Table, Sessions::AccountId)
                            .to(Accounts::Table, Accounts::Id),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(OutboxMails::Table)
                    .col(pk_auto(OutboxMails::Id))
                    .col(string_len(OutboxMails::Kind, 64))
                    .col(string_len(OutboxMails::Recipient, 320))
                    .col(string(OutboxMails::Subject))
                    .col(text(OutboxMails::BodyText))
                    // Lets a producer say "this mail once, ever" (e.g. one reminder per item and threshold).
                    .col(string_len_uniq(OutboxMails::DedupeKey, 200).null())
                    .col(string_len(OutboxMails::Status, 16))
                    .col(integer(OutboxMails::Attempts).default(0))
                    .col(timestamp_with_time_zone(OutboxMails::NextAttemptAt))
                    .col(string_len_null(OutboxMails::LockedBy, 64))
                    .col(timestamp_with_time_zone_null(OutboxMails::LockedUntil))
                    .col(text_null(OutboxMails::LastError))
                    .col(timestamp_with_time_zone(OutboxMails::CreatedAt))
                    .col(timestamp_with_time_zone_null(OutboxMails::SentAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_outbox_due")
                    .table(OutboxMails::Table)
                    .col(OutboxMails::Status)
                    .col(OutboxMails::NextAttemptAt)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Events::Table)
                    .col(pk_auto(Events::Id))
                    .col(timestamp_with_time_zone(Events::OccurredAt))
                    .col(integer_null(Events::ActorAccountId))
                    .col(string_len(Events::SubjectType, 32))
                    .col(string_len(Events::SubjectId, 64))
                    .col(string_len(Events::Action, 64))
                    .col(string_len_null(Events::FromState, 32))
                    .col(string_len_null(Events::ToState, 32))
                    .col(text(Events::Details))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_events_subject")
                    .table(Events::Table)
                    .col(Events::SubjectType)
                    .col(Events::SubjectId)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }
}
