//! Mail people want: the HTML part and the `List-Unsubscribe` target of each queued mail, every account's
//! choice of optional mail (no row: everything on), the one-click unsubscribe tokens (opaque; one per
//! account and kind of mail, or one per signature of a signer without an account) and the followers of
//! public reports.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum OutboxMails {
    Table,
    BodyHtml,
    ListUnsubscribe,
}

#[derive(DeriveIden)]
enum MailPreferences {
    Table,
    AccountId,
    SignedPetitions,
    FollowedReports,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum UnsubscribeTokens {
    Table,
    Token,
    AccountId,
    SignatureId,
    Kind,
    CreatedAt,
}

#[derive(DeriveIden)]
enum AppealFollowers {
    Table,
    AppealId,
    AccountId,
    CreatedAt,
    UnfollowedAt,
}

#[derive(DeriveIden)]
enum Signatures {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Appeals {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Two statements: SQLite alters one column at a time.
        for column in [text_null(OutboxMails::BodyHtml), string_len_null(OutboxMails::ListUnsubscribe, 512)] {
            let mut column = column;
            manager.alter_table(Table::alter().table(OutboxMails::Table).add_column(&mut column).to_owned()).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(MailPreferences::Table)
                    .col(integer(MailPreferences::AccountId).primary_key())
                    .col(boolean(MailPreferences::SignedPetitions))
                    .col(boolean(MailPreferences::FollowedReports))
                    .col(timestamp_with_time_zone(MailPreferences::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(MailPreferences::Table, MailPreferences::AccountId)
                            .to(Accounts::Table, Accounts::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(UnsubscribeTokens::Table)
                    .col(string_len(UnsubscribeTokens::Token, 64).primary_key())
                    // An account's token, or (for a signer without an account) a signature's.
                    .col(integer_null(UnsubscribeTokens::AccountId))
                    .col(integer_null(UnsubscribeTokens::SignatureId))
                    .col(string_len(UnsubscribeTokens::Kind, 32))
                    .col(timestamp_with_time_zone(UnsubscribeTokens::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(UnsubscribeTokens::Table, UnsubscribeTokens::AccountId)
                            .to(Accounts::Table, Accounts::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(UnsubscribeTokens::Table, UnsubscribeTokens::SignatureId)
                            .to(Signatures::Table, Signatures::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_unsubscribe_tokens_account_kind")
                    .table(UnsubscribeTokens::Table)
                    .col(UnsubscribeTokens::AccountId)
                    .col(UnsubscribeTokens::Kind)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_unsubscribe_tokens_signature")
                    .table(UnsubscribeTokens::Table)
                    .col(UnsubscribeTokens::SignatureId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AppealFollowers::Table)
                    .col(integer(AppealFollowers::AppealId))
                    .col(integer(AppealFollowers::AccountId))
                    .col(timestamp_with_time_zone(AppealFollowers::CreatedAt))
                    // Unfollowing is recorded, never deleted; following again clears it.
                    .col(timestamp_with_time_zone_null(AppealFollowers::UnfollowedAt))
                    .primary_key(Index::create().col(AppealFollowers::AppealId).col(AppealFollowers::AccountId))
                    .foreign_key(
                        ForeignKey::create()
                            .from(AppealFollowers::Table, AppealFollowers::AppealId)
                            .to(Appeals::Table, Appeals::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(AppealFollowers::Table, AppealFollowers::AccountId)
                            .to(Accounts::Table, Accounts::Id),
                    )
                    .to_owned(),
            )
            .await
    }
}
