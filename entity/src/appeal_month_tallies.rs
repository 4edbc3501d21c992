use sea_orm::entity::prelude::*;

/// Monthly appeal counts: the sums of `appeal_tallies` per Kyiv month (`month` = its first day).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "appeal_month_tallies")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub month: Date,
    #[sea_orm(primary_key, auto_increment = false)]
    pub executor_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub category_id: i32,
    pub received: i64,
    pub duplicates: i64,
    pub answered: i64,
    pub answered_on_time: i64,
    pub refused: i64,
    pub extended: i64,
    pub forwarded: i64,
    pub returned_for_rework: i64,
    pub confirmed: i64,
    pub rated: i64,
    pub rating_sum: i64,
    pub answer_days: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
