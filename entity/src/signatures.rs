use sea_orm::entity::prelude::*;

/// A signature. `email` is personal data: never public; only `full_name` of confirmed signers is listed.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "signatures")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub petition_id: i32,
    pub account_id: Option<i32>,
    pub full_name: String,
    /// The address as typed (trimmed, lower-case): where mail goes.
    pub email: String,
    /// The mailbox it delivers to (`Email::mailbox`): what one signature per person compares.
    pub mailbox: Option<String>,
    pub notify: bool,
    /// `pending` (e-mail not confirmed yet), `confirmed`, `withdrawn`.
    pub status: String,
    pub confirm_digest: Option<String>,
    pub created_at: DateTimeUtc,
    pub confirmed_at: Option<DateTimeUtc>,
    pub withdrawn_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
