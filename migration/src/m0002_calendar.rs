//! Dated calendar decisions recorded by administrators (a Cabinet resolution declaring a day off, a working
//! Saturday…). Rows are never deleted: removing an override sets `revoked_at`, so the history stays readable,
//! and a partial unique index allows at most one live (unrevoked) override per date.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CalendarOverrides {
    Table,
    Id,
    Date,
    Working,
    Note,
    CreatedByAccountId,
    CreatedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(CalendarOverrides::Table)
                    .col(pk_auto(CalendarOverrides::Id))
                    .col(date(CalendarOverrides::Date))
                    .col(boolean(CalendarOverrides::Working))
                    .col(string_len(CalendarOverrides::Note, 500))
                    .col(integer(CalendarOverrides::CreatedByAccountId))
                    .col(timestamp_with_time_zone(CalendarOverrides::CreatedAt))
                    .col(timestamp_with_time_zone_null(CalendarOverrides::RevokedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CalendarOverrides::Table, CalendarOverrides::CreatedByAccountId)
                            .to(Accounts::Table, Accounts::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // One live override per date; revoked rows are kept as history and may share the date.
        manager
            .create_index(
                Index::create()
                    .name("idx_calendar_overrides_live_date")
                    .table(CalendarOverrides::Table)
                    .col(CalendarOverrides::Date)
                    .unique()
                    .and_where(Expr::col(CalendarOverrides::RevokedAt).is_null())
                    .to_owned(),
            )
            .await?;
        Ok(())
    }
}
