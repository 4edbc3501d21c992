//! An appeal's subject and text folded to lower case by the service (Unicode, so "ЯМА" finds "яма"),
//! stored beside them for the desk's search by words: SQLite's `lower()` and `LIKE` fold ASCII only, and
//! PostgreSQL's depend on the database's locale, so neither can be trusted to fold Cyrillic. The rows
//! already stored are filled here; storage writes the column with every new appeal.
use sea_orm_migration::{prelude::*, schema::*};

use crate::fold::{Folded, fill};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Appeals {
    Table,
    Id,
    Subject,
    Text,
    SearchText,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter().table(Appeals::Table).add_column(text(Appeals::SearchText).default("")).to_owned(),
            )
            .await?;
        let folded = Folded {
            table: Appeals::Table,
            id: Appeals::Id,
            sources: [Appeals::Subject, Appeals::Text],
            target: Appeals::SearchText,
        };
        fill(manager, folded).await
    }

    /// One transaction on every database: SQLite's default (none) would commit each row alone — slow on a
    /// large table — and an interrupted start would leave the column added but the migration unrecorded,
    /// so the next start would fail on "duplicate column".
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
