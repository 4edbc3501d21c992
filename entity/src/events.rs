use sea_orm::entity::prelude::*;

/// One state change of anything (account, petition, appeal…): the history every item shows and the
/// audit trail watchdogs read. Appended only.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub occurred_at: DateTimeUtc,
    pub actor_account_id: Option<i32>,
    pub subject_type: String,
    pub subject_id: String,
    pub action: String,
    pub from_state: Option<String>,
    pub to_state: Option<String>,
    pub details: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
