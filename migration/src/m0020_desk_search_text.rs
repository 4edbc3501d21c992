//! An appeal's subject and text folded to lower case by the service (Unicode, so "ЯМА" finds "яма"),
//! stored beside them for the desk's search by words: SQLite's `lower()` and `LIKE` fold ASCII only, and
//! PostgreSQL's depend on the database's locale, so neither can be trusted to fold Cyrillic. The rows
//! already stored are filled here; storage writes the column with every new appeal.
use sea_orm_migration::{prelude::*, schema::*, sea_orm::ConnectionTrait};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Appeals {
    Table,
    Id,
    Subject,
    Text,
    SearchText,
}

/// Rows read and written per step while filling the column.
const BATCH: u64 = 500;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter().table(Appeals::Table).add_column(text(Appeals::SearchText).default("")).to_owned(),
            )
            .await?;
        fill(manager).await
    }

    /// One transaction on every database: SQLite's default (none) would commit each row alone — slow on a
    /// large table — and an interrupted start would leave the column added but the migration unrecorded,
    /// so the next start would fail on "duplicate column".
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}

/// Folds the stored appeals' words, a batch at a time (the same rule as `domain::text::search_folded`).
async fn fill(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let backend = manager.get_database_backend();
    let mut after = 0;
    loop {
        let select = Query::select()
            .columns([Appeals::Id, Appeals::Subject, Appeals::Text])
            .from(Appeals::Table)
            .and_where(Expr::col(Appeals::Id).gt(after))
            .order_by(Appeals::Id, Order::Asc)
            .limit(BATCH)
            .to_owned();
        let rows = db.query_all_raw(backend.build(&select)).await?;
        if rows.is_empty() {
            return Ok(());
        }
        for row in rows {
            let id: i32 = row.try_get("", "id")?;
            let subject: String = row.try_get("", "subject")?;
            let text: String = row.try_get("", "text")?;
            let update = Query::update()
                .table(Appeals::Table)
                .value(Appeals::SearchText, format!("{subject}\n{text}").to_lowercase())
                .and_where(Expr::col(Appeals::Id).eq(id))
                .to_owned();
            db.execute_raw(backend.build(&update)).await?;
            after = id;
        }
    }
}
