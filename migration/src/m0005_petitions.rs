//! E-petitions: the councils' statute terms over time, petitions, and signatures.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PetitionStatutes {
    Table,
    Id,
    CouncilId,
    EffectiveFrom,
    SignatureThreshold,
    CollectionDays,
    TitleMaxChars,
    TextMaxChars,
    SigningMode,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Petitions {
    Table,
    Id,
    CouncilId,
    AuthorAccountId,
    AuthorName,
    Title,
    Text,
    CategoryId,
    Status,
    SubmittedAt,
    PublicationDueAt,
    ModeratedAt,
    ModeratorId,
    RefusalCode,
    RefusalReason,
    PublishedAt,
    StatuteId,
    SignatureThreshold,
    CollectionEndsAt,
    SignatureCount,
    ThresholdReachedAt,
    NoticeAt,
    ConsiderationDueAt,
    AnsweredAt,
    Decision,
    AnswerText,
    ClosedAt,
    AppealId,
    Version,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Signatures {
    Table,
    Id,
    PetitionId,
    AccountId,
    FullName,
    Email,
    Notify,
    Status,
    ConfirmDigest,
    CreatedAt,
    ConfirmedAt,
    WithdrawnAt,
}

#[derive(DeriveIden)]
enum Organisations {
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
        manager
            .create_table(
                Table::create()
                    .table(PetitionStatutes::Table)
                    .col(pk_auto(PetitionStatutes::Id))
                    .col(integer(PetitionStatutes::CouncilId))
                    .col(date(PetitionStatutes::EffectiveFrom))
                    .col(integer(PetitionStatutes::SignatureThreshold))
                    .col(integer(PetitionStatutes::CollectionDays))
                    .col(integer(PetitionStatutes::TitleMaxChars))
                    .col(integer(PetitionStatutes::TextMaxChars))
                    .col(string_len(PetitionStatutes::SigningMode, 32))
                    .col(integer_null(PetitionStatutes::CreatedBy))
                    .col(timestamp_with_time_zone(PetitionStatutes::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(PetitionStatutes::Table, PetitionStatutes::CouncilId)
                            .to(Organisations::Table, Organisations::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_statute_council_date")
                    .table(PetitionStatutes::Table)
                    .col(PetitionStatutes::CouncilId)
                    .col(PetitionStatutes::EffectiveFrom)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Petitions::Table)
                    .col(pk_auto(Petitions::Id))
                    .col(integer(Petitions::CouncilId))
                    .col(integer(Petitions::AuthorAccountId))
                    // The author's name is public on a petition (art. 23-1); contacts are not stored here.
                    .col(string_len(Petitions::AuthorName, 200))
                    .col(string_len(Petitions::Title, 500))
                    .col(text(Petitions::Text))
                    .col(integer_null(Petitions::CategoryId))
                    .col(string_len(Petitions::Status, 32))
                    .col(timestamp_with_time_zone(Petitions::SubmittedAt))
                    .col(timestamp_with_time_zone(Petitions::PublicationDueAt))
                    .col(timestamp_with_time_zone_null(Petitions::ModeratedAt))
                    .col(integer_null(Petitions::ModeratorId))
                    .col(string_len_null(Petitions::RefusalCode, 32))
                    .col(text_null(Petitions::RefusalReason))
                    .col(timestamp_with_time_zone_null(Petitions::PublishedAt))
                    .col(integer_null(Petitions::StatuteId))
                    .col(integer_null(Petitions::SignatureThreshold))
                    .col(timestamp_with_time_zone_null(Petitions::CollectionEndsAt))
                    // Confirmed, not withdrawn signatures; maintained per batch by the signature writer.
                    .col(big_integer(Petitions::SignatureCount).default(0))
                    .col(timestamp_with_time_zone_null(Petitions::ThresholdReachedAt))
                    .col(timestamp_with_time_zone_null(Petitions::NoticeAt))
                    .col(timestamp_with_time_zone_null(Petitions::ConsiderationDueAt))
                    .col(timestamp_with_time_zone_null(Petitions::AnsweredAt))
                    .col(string_len_null(Petitions::Decision, 32))
                    .col(text_null(Petitions::AnswerText))
                    .col(timestamp_with_time_zone_null(Petitions::ClosedAt))
                    .col(integer_null(Petitions::AppealId))
                    .col(integer(Petitions::Version).default(0))
                    .col(timestamp_with_time_zone(Petitions::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Petitions::Table, Petitions::CouncilId)
                            .to(Organisations::Table, Organisations::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Petitions::Table, Petitions::AuthorAccountId)
                            .to(Accounts::Table, Accounts::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Petitions::Table, Petitions::StatuteId)
                            .to(PetitionStatutes::Table, PetitionStatutes::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Petitions::Table, Petitions::AppealId)
                            .to(Appeals::Table, Appeals::Id),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            ("idx_petitions_status_ends", vec![Petitions::Status, Petitions::CollectionEndsAt]),
            ("idx_petitions_submitted", vec![Petitions::SubmittedAt]),
            ("idx_petitions_author", vec![Petitions::AuthorAccountId]),
        ] {
            let mut index = Index::create();
            index.name(name).table(Petitions::Table);
            for col in cols {
                index.col(col);
            }
            manager.create_index(index.to_owned()).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(Signatures::Table)
                    .col(pk_auto(Signatures::Id))
                    .col(integer(Signatures::PetitionId))
                    .col(integer_null(Signatures::AccountId))
                    .col(string_len(Signatures::FullName, 200))
                    // Normalised (trimmed, lower-case): one signature per person per petition. Never public.
                    .col(string_len(Signatures::Email, 254))
                    .col(boolean(Signatures::Notify).default(false))
                    .col(string_len(Signatures::Status, 16))
                    .col(string_len_null(Signatures::ConfirmDigest, 64))
                    .col(timestamp_with_time_zone(Signatures::CreatedAt))
                    .col(timestamp_with_time_zone_null(Signatures::ConfirmedAt))
                    .col(timestamp_with_time_zone_null(Signatures::WithdrawnAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Signatures::Table, Signatures::PetitionId)
                            .to(Petitions::Table, Petitions::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_signature_petition_email")
                    .table(Signatures::Table)
                    .col(Signatures::PetitionId)
                    .col(Signatures::Email)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_signatures_petition_status")
                    .table(Signatures::Table)
                    .col(Signatures::PetitionId)
                    .col(Signatures::Status)
                    .col(Signatures::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_signatures_confirm")
                    .table(Signatures::Table)
                    .col(Signatures::ConfirmDigest)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }
}
