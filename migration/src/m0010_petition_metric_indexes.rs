//! Indexes for the petition figures: the few petitions that reached the threshold or became appeals are
//! read one by one, and without these every query scanned the period's petitions to find them.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Petitions {
    Table,
    ThresholdReachedAt,
    AppealId,
}

const INDEXES: [(&str, Petitions); 2] =
    [("idx_petitions_threshold_reached", Petitions::ThresholdReachedAt), ("idx_petitions_appeal", Petitions::AppealId)];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, column) in INDEXES {
            manager.create_index(Index::create().name(name).table(Petitions::Table).col(column).to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, _) in INDEXES {
            manager.drop_index(Index::drop().name(name).table(Petitions::Table).to_owned()).await?;
        }
        Ok(())
    }
}
