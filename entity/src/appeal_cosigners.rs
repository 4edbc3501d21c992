use sea_orm::entity::prelude::*;

/// A co-signer of a collective appeal (art. 5). Personal data.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "appeal_cosigners")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub appeal_id: i32,
    pub full_name: String,
    pub address: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
