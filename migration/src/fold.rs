//! Filling a folded search column for the rows already stored (m0020, m0025): each row's two text
//! columns joined by a line break and lower-cased (Unicode), the same rule as
//! `domain::text::search_folded`, a batch at a time so memory stays flat on a large table.
use sea_orm_migration::{prelude::*, sea_orm::ConnectionTrait};

/// Rows read and written per step while filling the column.
const BATCH: u64 = 500;

/// The table, its integer key, the two columns folded and the column that receives them.
pub struct Folded<T> {
    pub table: T,
    pub id: T,
    pub sources: [T; 2],
    pub target: T,
}

/// Writes `target` = lower(`sources[0]` + "\n" + `sources[1]`) for every stored row, in order of `id`.
pub async fn fill<T: Iden + Copy + 'static>(manager: &SchemaManager<'_>, folded: Folded<T>) -> Result<(), DbErr> {
    let Folded { table, id, sources: [first, second], target } = folded;
    let (db, backend) = (manager.get_connection(), manager.get_database_backend());
    let mut after = 0;
    loop {
        let select = Query::select()
            .column(id)
            .expr_as(Expr::col(first), Alias::new("first"))
            .expr_as(Expr::col(second), Alias::new("second"))
            .from(table)
            .and_where(Expr::col(id).gt(after))
            .order_by(id, Order::Asc)
            .limit(BATCH)
            .to_owned();
        let rows = db.query_all_raw(backend.build(&select)).await?;
        if rows.is_empty() {
            return Ok(());
        }
        for row in rows {
            let key: i32 = row.try_get("", &id.to_string())?;
            let (a, b): (String, String) = (row.try_get("", "first")?, row.try_get("", "second")?);
            let update = Query::update()
                .table(table)
                .value(target, format!("{a}\n{b}").to_lowercase())
                .and_where(Expr::col(id).eq(key))
                .to_owned();
            db.execute_raw(backend.build(&update)).await?;
            after = key;
        }
    }
}
