//! An account's full name and e-mail address folded to lower case by the service (Unicode, so "олена"
//! finds "Олена Петренко"), stored beside them for the administration's account search: SQLite's
//! `lower()` and `LIKE` fold ASCII only, and PostgreSQL's depend on the database's locale. The rows
//! already stored are filled here (the same rule as `domain::text::search_folded`, as in m0020); storage
//! writes the column wherever an account's name or address is written.
use sea_orm_migration::{prelude::*, schema::*};

use crate::fold::{Folded, fill};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Accounts {
    Table,
    Id,
    FullName,
    Email,
    SearchName,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter().table(Accounts::Table).add_column(text(Accounts::SearchName).default("")).to_owned(),
            )
            .await?;
        let folded = Folded {
            table: Accounts::Table,
            id: Accounts::Id,
            sources: [Accounts::FullName, Accounts::Email],
            target: Accounts::SearchName,
        };
        fill(manager, folded).await
    }

    /// One transaction on every database (see m0020).
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
