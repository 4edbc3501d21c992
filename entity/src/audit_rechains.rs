use sea_orm::entity::prelude::*;

/// A one-off re-chaining of the audit chain (links of an older format re-hashed in the current one),
/// with the head it superseded. Public: a watchdog who noted the old head learns why it changed.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_rechains")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub rechained_at: DateTimeUtc,
    pub links: i64,
    pub superseded_seq: i64,
    pub superseded_hash: String,
    pub new_hash: String,
    pub reason: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
