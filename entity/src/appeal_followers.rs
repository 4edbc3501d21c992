use sea_orm::entity::prelude::*;

/// An account that follows a public report, to be told when it changes.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "appeal_followers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub appeal_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub account_id: i32,
    pub created_at: DateTimeUtc,
    /// When the account stopped following (a row is never deleted); `None` while it follows.
    pub unfollowed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
