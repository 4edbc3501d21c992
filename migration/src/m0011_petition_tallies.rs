//! Per-day petition tallies behind the A07 evidence: one row per Kyiv submission date and council, kept
//! in step with the petitions by the transition that changes them, so that a year's figures add up a
//! few hundred rows instead of scanning a hundred thousand petitions. What depends on the moment of the
//! query (is a moderation or a consideration overdue yet, how did the appeal a petition became fare) is
//! counted live over partial indexes that hold only the petitions concerned.
//!
//! The rows of an existing database are filled by `storage::migrate` right after this migration
//! (`storage::metrics::rebuild`): a Kyiv date is not computed the same way in both databases' SQL.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PetitionTallies {
    Table,
    SubmittedOn,
    CouncilId,
    Submitted,
    Unmoderated,
    ModeratedWithinTerm,
    ModeratedLate,
    Published,
    Refused,
    ReachedThreshold,
    AwaitingNotice,
    NoticesPublished,
    AnswersPublished,
    ConsideredWithinTerm,
    ConsideredLate,
    UnansweredAfterNotice,
    ClosedShort,
    BecameAppeals,
    Decisions,
    DaysToNotice,
}

/// (name, indexed column, predicate): the predicates are written again, word for word, in the queries
/// of `storage::metrics::petition_figures`. Both databases support partial indexes in this syntax.
const PARTIAL_INDEXES: [(&str, &str, &str); 3] = [
    ("idx_petitions_unmoderated", "submitted_at", "moderated_at IS NULL"),
    (
        "idx_petitions_unanswered_after_notice",
        "submitted_at",
        "answered_at IS NULL AND consideration_due_at IS NOT NULL",
    ),
    ("idx_petitions_became_appeal", "submitted_at", "appeal_id IS NOT NULL"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use PetitionTallies as T;
        let mut table = Table::create();
        table.table(T::Table).col(date(T::SubmittedOn)).col(integer(T::CouncilId));
        for counter in [
            T::Submitted,
            T::Unmoderated,
            T::ModeratedWithinTerm,
            T::ModeratedLate,
            T::Published,
            T::Refused,
            T::ReachedThreshold,
            T::AwaitingNotice,
            T::NoticesPublished,
            T::AnswersPublished,
            T::ConsideredWithinTerm,
            T::ConsideredLate,
            T::UnansweredAfterNotice,
            T::ClosedShort,
            T::BecameAppeals,
        ] {
            table.col(big_integer(counter).default(0));
        }
        table
            .col(text(T::Decisions).default(""))
            .col(text(T::DaysToNotice).default(""))
            .primary_key(Index::create().col(T::SubmittedOn).col(T::CouncilId));
        manager.create_table(table.to_owned()).await?;
        let db = manager.get_connection();
        for (name, column, predicate) in PARTIAL_INDEXES {
            db.execute_unprepared(&format!("CREATE INDEX {name} ON petitions ({column}) WHERE {predicate}")).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (name, _, _) in PARTIAL_INDEXES {
            db.execute_unprepared(&format!("DROP INDEX {name}")).await?;
        }
        manager.drop_table(Table::drop().table(PetitionTallies::Table).to_owned()).await
    }
}
