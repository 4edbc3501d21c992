//! Appeals and issue reports, their co-signers and photos, and Open311 API keys.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Appeals {
    Table,
    Id,
    Kind,
    Channel,
    Status,
    Subject,
    Text,
    CategoryId,
    Latitude,
    Longitude,
    PlaceAddress,
    DistrictId,
    AuthorAccountId,
    AuthorName,
    AuthorAddress,
    AuthorEmail,
    AuthorPhone,
    AuthorLanguage,
    ShowAuthorName,
    Privileged,
    ExecutorId,
    Routing,
    AssigneeAccountId,
    DeadlineRule,
    ReceivedAt,
    RegisteredAt,
    RegisteredBy,
    ExecutorReceivedAt,
    OriginalDueAt,
    DueAt,
    ExtendedDueAt,
    ForwardDueAt,
    ForwardedCount,
    OverdueAt,
    ReminderLevel,
    AnsweredAt,
    Resolution,
    AnswerText,
    CompetentBody,
    RefusalCode,
    RefusalReason,
    ConfirmedAt,
    ReworkCount,
    Rating,
    RatingComment,
    DuplicateOfId,
    Open311Token,
    Version,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AppealCosigners {
    Table,
    Id,
    AppealId,
    FullName,
    Address,
}

#[derive(DeriveIden)]
enum AppealPhotos {
    Table,
    Id,
    AppealId,
    FileName,
    ContentType,
    SizeBytes,
    Sha256,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ApiKeys {
    Table,
    Id,
    Name,
    KeyDigest,
    CreatedBy,
    CreatedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum Organisations {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Categories {
    Table,
    Id,
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
                    .table(Appeals::Table)
                    .col(pk_auto(Appeals::Id))
                    .col(string_len(Appeals::Kind, 32))
                    .col(string_len(Appeals::Channel, 16))
                    .col(string_len(Appeals::Status, 16))
                    .col(string_len(Appeals::Subject, 800))
                    .col(text(Appeals::Text))
                    .col(integer_null(Appeals::CategoryId))
                    .col(double_null(Appeals::Latitude))
                    .col(double_null(Appeals::Longitude))
                    .col(string_len_null(Appeals::PlaceAddress, 500))
                    .col(integer_null(Appeals::DistrictId))
                    // Personal data: never in public responses or exports.
                    .col(integer_null(Appeals::AuthorAccountId))
                    .col(string_len(Appeals::AuthorName, 200))
                    .col(string_len_null(Appeals::AuthorAddress, 500))
                    .col(string_len_null(Appeals::AuthorEmail, 254))
                    .col(string_len_null(Appeals::AuthorPhone, 64))
                    .col(string_len(Appeals::AuthorLanguage, 8))
                    .col(boolean(Appeals::ShowAuthorName).default(false))
                    .col(boolean(Appeals::Privileged).default(false))
                    .col(integer(Appeals::ExecutorId))
                    // The routing decision as JSON: executor, the rule that matched, the district.
                    .col(text(Appeals::Routing))
                    .col(integer_null(Appeals::AssigneeAccountId))
                    .col(string_len(Appeals::DeadlineRule, 100))
                    .col(timestamp_with_time_zone(Appeals::ReceivedAt))
                    .col(timestamp_with_time_zone(Appeals::RegisteredAt))
                    .col(integer_null(Appeals::RegisteredBy))
                    .col(timestamp_with_time_zone(Appeals::ExecutorReceivedAt))
                    .col(timestamp_with_time_zone(Appeals::OriginalDueAt))
                    .col(timestamp_with_time_zone(Appeals::DueAt))
                    .col(timestamp_with_time_zone_null(Appeals::ExtendedDueAt))
                    .col(timestamp_with_time_zone(Appeals::ForwardDueAt))
                    .col(integer(Appeals::ForwardedCount).default(0))
                    .col(timestamp_with_time_zone_null(Appeals::OverdueAt))
                    .col(integer_null(Appeals::ReminderLevel))
                    .col(timestamp_with_time_zone_null(Appeals::AnsweredAt))
                    .col(string_len_null(Appeals::Resolution, 32))
                    .col(text_null(Appeals::AnswerText))
                    .col(string_len_null(Appeals::CompetentBody, 300))
                    .col(string_len_null(Appeals::RefusalCode, 32))
                    .col(text_null(Appeals::RefusalReason))
                    .col(timestamp_with_time_zone_null(Appeals::ConfirmedAt))
                    .col(integer(Appeals::ReworkCount).default(0))
                    .col(integer_null(Appeals::Rating))
                    .col(text_null(Appeals::RatingComment))
                    .col(integer_null(Appeals::DuplicateOfId))
                    .col(string_len_null(Appeals::Open311Token, 64))
                    // Bumped by every transition; a save that finds another version lost a race and retries.
                    .col(integer(Appeals::Version).default(0))
                    .col(timestamp_with_time_zone(Appeals::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Appeals::Table, Appeals::CategoryId)
                            .to(Categories::Table, Categories::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Appeals::Table, Appeals::ExecutorId)
                            .to(Organisations::Table, Organisations::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Appeals::Table, Appeals::AuthorAccountId)
                            .to(Accounts::Table, Accounts::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Appeals::Table, Appeals::DuplicateOfId)
                            .to(Appeals::Table, Appeals::Id),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            ("idx_appeals_executor_status", vec![Appeals::ExecutorId, Appeals::Status]),
            ("idx_appeals_status_due", vec![Appeals::Status, Appeals::DueAt]),
            ("idx_appeals_author", vec![Appeals::AuthorAccountId]),
            ("idx_appeals_kind_status_category", vec![Appeals::Kind, Appeals::Status, Appeals::CategoryId]),
            ("idx_appeals_received", vec![Appeals::ReceivedAt]),
            ("idx_appeals_open311_token", vec![Appeals::Open311Token]),
        ] {
            let mut index = Index::create();
            index.name(name).table(Appeals::Table);
            for col in cols {
                index.col(col);
            }
            manager.create_index(index.to_owned()).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(AppealCosigners::Table)
                    .col(pk_auto(AppealCosigners::Id))
                    .col(integer(AppealCosigners::AppealId))
                    .col(string_len(AppealCosigners::FullName, 200))
                    .col(string_len(AppealCosigners::Address, 500))
                    .foreign_key(
                        ForeignKey::create()
                            .from(AppealCosigners::Table, AppealCosigners::AppealId)
                            .to(Appeals::Table, Appeals::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_cosigners_appeal")
                    .table(AppealCosigners::Table)
                    .col(AppealCosigners::AppealId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AppealPhotos::Table)
                    .col(pk_auto(AppealPhotos::Id))
                    .col(integer(AppealPhotos::AppealId))
                    .col(string_len_uniq(AppealPhotos::FileName, 100))
                    .col(string_len(AppealPhotos::ContentType, 64))
                    .col(big_integer(AppealPhotos::SizeBytes))
                    .col(string_len(AppealPhotos::Sha256, 64))
                    .col(timestamp_with_time_zone(AppealPhotos::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(AppealPhotos::Table, AppealPhotos::AppealId)
                            .to(Appeals::Table, Appeals::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_photos_appeal")
                    .table(AppealPhotos::Table)
                    .col(AppealPhotos::AppealId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ApiKeys::Table)
                    .col(pk_auto(ApiKeys::Id))
                    .col(string_len(ApiKeys::Name, 200))
                    // SHA-256 of the key: the key itself is shown once, when it is issued.
                    .col(string_len_uniq(ApiKeys::KeyDigest, 64))
                    .col(integer(ApiKeys::CreatedBy))
                    .col(timestamp_with_time_zone(ApiKeys::CreatedAt))
                    .col(timestamp_with_time_zone_null(ApiKeys::RevokedAt))
                    .foreign_key(
                        ForeignKey::create().from(ApiKeys::Table, ApiKeys::CreatedBy).to(Accounts::Table, Accounts::Id),
                    )
                    .to_owned(),
            )
            .await?;
        Ok(())
    }
}
