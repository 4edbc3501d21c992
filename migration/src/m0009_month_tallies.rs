//! Monthly appeal tallies beside the daily ones: a year of figures reads 12 rows per executor and
//! category instead of 365. Also an index that answers "open and past due" from the index alone.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AppealMonthTallies {
    Table,
    /// The first day of the Kyiv month the appeals were received in.
    Month,
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
enum Appeals {
    Table,
    Status,
    DueAt,
    ReceivedAt,
    ExecutorId,
    CategoryId,
}

const OPEN_INDEX: &str = "idx_appeals_open_due";
/// m0004's (status, due_at) index: a prefix of the new one, so it only cost writes.
const OLD_INDEX: &str = "idx_appeals_status_due";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use AppealMonthTallies as T;
        let mut table = Table::create();
        table.table(T::Table).col(date(T::Month)).col(integer(T::ExecutorId)).col(integer(T::CategoryId));
        for counter in [
            T::Received,
            T::Duplicates,
            T::Answered,
            T::AnsweredOnTime,
            T::Refused,
            T::Extended,
            T::Forwarded,
            T::ReturnedForRework,
            T::Confirmed,
            T::Rated,
            T::RatingSum,
        ] {
            table.col(big_integer(counter).default(0));
        }
        table
            .col(text(T::AnswerDays).default(""))
            .primary_key(Index::create().col(T::Month).col(T::ExecutorId).col(T::CategoryId));
        manager.create_table(table.to_owned()).await?;
        // The live "overdue" count reads only this index (PostgreSQL: an index-only scan); the deadline
        // watcher's (status, due_at) lookups use its prefix.
        manager
            .create_index(
                Index::create()
                    .name(OPEN_INDEX)
                    .table(Appeals::Table)
                    .col(Appeals::Status)
                    .col(Appeals::DueAt)
                    .col(Appeals::ReceivedAt)
                    .col(Appeals::ExecutorId)
                    .col(Appeals::CategoryId)
                    .to_owned(),
            )
            .await?;
        manager.drop_index(Index::drop().name(OLD_INDEX).table(Appeals::Table).to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name(OLD_INDEX)
                    .table(Appeals::Table)
                    .col(Appeals::Status)
                    .col(Appeals::DueAt)
                    .to_owned(),
            )
            .await?;
        manager.drop_index(Index::drop().name(OPEN_INDEX).table(Appeals::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(AppealMonthTallies::Table).to_owned()).await
    }
}
