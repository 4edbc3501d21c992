use sea_orm::entity::prelude::*;

/// A council's petition terms from `effective_from` on. Never edited: a change is a new row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "petition_statutes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub council_id: i32,
    pub effective_from: Date,
    pub signature_threshold: i32,
    pub collection_days: i32,
    pub title_max_chars: i32,
    pub text_max_chars: i32,
    pub signing_mode: String,
    pub created_by: Option<i32>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
