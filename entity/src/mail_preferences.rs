use sea_orm::entity::prelude::*;

/// Which optional mails an account wants; an account without a row gets all of them.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mail_preferences")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub account_id: i32,
    /// News of petitions the account signed.
    pub signed_petitions: bool,
    /// News of public reports the account follows.
    pub followed_reports: bool,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
