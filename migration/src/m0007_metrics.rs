//! Per-day appeal tallies behind the response-rate metrics: one row per Kyiv receipt date, executor and
//! category, kept in step with the appeals by the transition that changes them, so that a year's
//! figures add up ~15k small rows instead of scanning a million appeals.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AppealTallies {
    Table,
    ReceivedOn,
    ExecutorId,
    CategoryId,
    Received,
    Duplicates,
    Answered,
    AnsweredOnTime,
    Refused,
    Extended,
    Forwarded,
    ReturnedForRework,
    Confirmed,
    Rated,
    RatingSum,
    AnswerDays,
}

#[derive(DeriveIden)]
enum Petitions {
    Table,
    CouncilId,
    SubmittedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AppealTallies::Table)
                    .col(date(AppealTallies::ReceivedOn))
                    .col(integer(AppealTallies::ExecutorId))
                    // 0 for appeals without a category, so that the key has no NULL in it.
                    .col(integer(AppealTallies::CategoryId))
                    .col(big_integer(AppealTallies::Received).default(0))
                    .col(big_integer(AppealTallies::Duplicates).default(0))
                    .col(big_integer(AppealTallies::Answered).default(0))
                    .col(big_integer(AppealTallies::AnsweredOnTime).default(0))
                    .col(big_integer(AppealTallies::Refused).default(0))
                    .col(big_integer(AppealTallies::Extended).default(0))
                    .col(big_integer(AppealTallies::Forwarded).default(0))
                    .col(big_integer(AppealTallies::ReturnedForRework).default(0))
                    .col(big_integer(AppealTallies::Confirmed).default(0))
                    .col(big_integer(AppealTallies::Rated).default(0))
                    .col(big_integer(AppealTallies::RatingSum).default(0))
                    // `days:count,…` — the days-to-answer histogram, for exact medians.
                    .col(text(AppealTallies::AnswerDays).default(""))
                    .primary_key(
                        Index::create()
                            .col(AppealTallies::ReceivedOn)
                            .col(AppealTallies::ExecutorId)
                            .col(AppealTallies::CategoryId),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_petitions_council_submitted")
                    .table(Petitions::Table)
                    .col(Petitions::CouncilId)
                    .col(Petitions::SubmittedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name("idx_petitions_council_submitted").table(Petitions::Table).to_owned())
            .await?;
        manager.drop_table(Table::drop().table(AppealTallies::Table).to_owned()).await
    }
}
