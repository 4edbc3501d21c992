use sea_orm::entity::prelude::*;

/// One link of the audit chain (see `hromada::domain::audit`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_chain")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub seq: i64,
    #[sea_orm(unique)]
    pub event_id: i32,
    pub prev_hash: String,
    pub hash: String,
    pub chained_at: DateTimeUtc,
    /// The secret salt of the link's commitment to its event's actor (none for events without one).
    /// Never published: with it, the commitment could be tested against every account id.
    pub actor_salt: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
