use sea_orm::entity::prelude::*;

/// An administrator's dated decision that a date is (or is not) a working day. Never deleted: removing it
/// sets `revoked_at`. At most one row per date has `revoked_at` unset (a partial unique index).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "calendar_overrides")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub date: Date,
    pub working: bool,
    /// The decision it records, e.g. "Cabinet resolution No. 123 of 1 March 2026".
    pub note: String,
    pub created_by_account_id: i32,
    pub created_at: DateTimeUtc,
    pub revoked_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
