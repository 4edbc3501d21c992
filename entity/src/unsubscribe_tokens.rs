use sea_orm::entity::prelude::*;

/// The opaque token of a one-click unsubscribe link: it names an account and a kind of optional mail, or,
/// for a signer without an account, one signature (the news of that petition).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "unsubscribe_tokens")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub token: String,
    pub account_id: Option<i32>,
    pub signature_id: Option<i32>,
    /// `signed_petitions` or `followed_reports`.
    pub kind: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
