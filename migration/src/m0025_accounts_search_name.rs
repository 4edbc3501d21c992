//! An account's full name and e-mail address folded to lower case by the service (Unicode, so "олена"
//! finds "Олена Петренко"), stored beside them for the administration's account search: SQLite's
//! `lower()` and `LIKE` fold ASCII only, and PostgreSQL's depend on the database's locale. The rows
//! already stored are filled here (the same rule as `domain::text::search_folded`, as in m0020); storage
//! writes the column wherever an account's name or address is written.
use sea_orm_migration::{prelude::*, schema::*, sea_orm::ConnectionTrait};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
    FullName,
    Email,
    SearchName,
}

/// Rows read and written per step while filling the column.
const BATCH: u64 = 500;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter().table(Accounts::Table).add_column(text(Accounts::SearchName).default("")).to_owned(),
            )
            .await?;
        fill(manager).await
    }

    /// One transaction on every database (see m0020).
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}

/// Folds the stored accounts' names and addresses, a batch at a time.
async fn fill(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let backend = manager.get_database_backend();
    let mut after = 0;
    loop {
        let select = Query::select()
            .columns([Accounts::Id, Accounts::FullName, Accounts::Email])
            .from(Accounts::Table)
            .and_where(Expr::col(Accounts::Id).gt(after))
            .order_by(Accounts::Id, Order::Asc)
            .limit(BATCH)
            .to_owned();
        let rows = db.query_all_raw(backend.build(&select)).await?;
        if rows.is_empty() {
            return Ok(());
        }
        for row in rows {
            let id: i32 = row.try_get("", "id")?;
            let full_name: String = row.try_get("", "full_name")?;
            let email: String = row.try_get("", "email")?;
            let update = Query::update()
                .table(Accounts::Table)
                .value(Accounts::SearchName, format!("{full_name}\n{email}").to_lowercase())
                .and_where(Expr::col(Accounts::Id).eq(id))
                .to_owned();
            db.execute_raw(backend.build(&update)).await?;
            after = id;
        }
    }
}
